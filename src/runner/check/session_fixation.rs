//! `check: { session_fixation: { login, protected } }`: the session id changes at login and the
//! pre-login id is dead; an id chosen by the client is not adopted (WSTG-SESS-03; OWASP Session
//! Management Cheat Sheet, "Renew the Session ID After Any Privilege Level Change").
//!
//! 1. Send `before` (such as the login page), or else log in, with no cookie: the session that
//!    exists before the next login (`sid0`).
//! 2. Log in again presenting `sid0`: a new id `sid1` is issued, and `sid1` opens the protected
//!    page (the positive control). With `before`, `sid0` (a pre-login session) no longer does;
//!    without it, `sid0` is another signed-in session, which a server may keep.
//! 3. Log in presenting an id the client made up, shaped like `sid0` (same length and kinds of
//!    characters, so that a server that adopts any well-formed id is caught): the id issued is
//!    another one, and the made-up id does not open the protected page.

use super::Sequence;
use crate::suite::SessionFixationCheck;

const RENEWED: &str = "session_fixation: login issues a new session id";
const NEW_OPENS: &str = "session_fixation: the new session id opens the protected page";
const OLD_DEAD: &str = "session_fixation: the pre-login session id is dead";
const CHOSEN_NOT_ADOPTED: &str = "session_fixation: a client-chosen session id is not adopted";
const CHOSEN_DEAD: &str = "session_fixation: the client-chosen session id opens nothing";

const RENEWED_EXPECTED: &str = "a login (2xx or 3xx) setting the session cookie to a new value";
const OPENS_EXPECTED: &str = "2xx";
const REFUSED_EXPECTED: &str = "refused (3xx or 4xx)";

/// How a template error in `protected` names the field.
const PROTECTED_FIELD: &str = "check.session_fixation.protected";

pub(super) async fn run(
    sequence: &mut Sequence<'_, '_>,
    spec: &SessionFixationCheck,
) -> Result<(), String> {
    let cookie = spec.cookie.as_str();
    let first = sequence.build(spec.before.as_ref().unwrap_or(&spec.login), None)?;
    let first = sequence.send(first).await;
    let before = first
        .cookie(cookie)
        .filter(|value| first.accepted() && !value.is_empty());
    let before = match before {
        Some(before) => {
            let login = sequence.build(&spec.login, Some((cookie, &before)))?;
            let login = sequence.send(login).await;
            let after = login.cookie(cookie).filter(|value| !value.is_empty());
            let renewed = login.accepted() && after.as_ref().is_some_and(|after| *after != before);
            let actual = match &after {
                Some(after) if *after == before => {
                    format!("{}, the same session id kept", login.describe())
                }
                Some(_) => format!("{}, a new session id", login.describe()),
                None => format!("{}, no `{cookie}` cookie set", login.describe()),
            };
            sequence.verdict(RENEWED, renewed, RENEWED_EXPECTED, actual);
            match after.filter(|after| *after != before) {
                Some(after) => {
                    let page = sequence
                        .get(&spec.protected, PROTECTED_FIELD, Some((cookie, &after)))
                        .await?;
                    sequence.verdict(NEW_OPENS, page.succeeded(), OPENS_EXPECTED, page.describe());
                }
                None => sequence.not_reached(
                    NEW_OPENS,
                    OPENS_EXPECTED,
                    "the login issued no new session id",
                ),
            }
            if spec.before.is_some() {
                let page = sequence
                    .get(&spec.protected, PROTECTED_FIELD, Some((cookie, &before)))
                    .await?;
                sequence.verdict(OLD_DEAD, page.refused(), REFUSED_EXPECTED, page.describe());
            }
            Some(before)
        }
        None => {
            let source = if spec.before.is_some() {
                "`before`"
            } else {
                "the first login"
            };
            let reason = format!(
                "{source} did not set the `{cookie}` cookie ({})",
                first.describe()
            );
            sequence.not_reached(RENEWED, RENEWED_EXPECTED, &reason);
            sequence.not_reached(NEW_OPENS, OPENS_EXPECTED, &reason);
            if spec.before.is_some() {
                sequence.not_reached(OLD_DEAD, REFUSED_EXPECTED, &reason);
            }
            None
        }
    };

    // Shaped like the server's ids when those are long enough that a random one is no id the
    // server issues or will issue (a short sequential `sid-3` could be the next one).
    let chosen = match &before {
        Some(sample)
            if sample.chars().filter(char::is_ascii_alphanumeric).count() >= MIN_SHAPED_RANDOM =>
        {
            shaped_like(sample)
        }
        _ => format!("authprobe-chosen-{}", uuid::Uuid::new_v4().simple()),
    };
    let login = sequence.build(&spec.login, Some((cookie, &chosen)))?;
    let login = sequence.send(login).await;
    let issued = login.cookie(cookie).filter(|value| !value.is_empty());
    let adopted = issued.as_deref() == Some(chosen.as_str());
    let actual = match &issued {
        Some(_) if adopted => format!("{}, the chosen id was kept", login.describe()),
        Some(_) => format!("{}, another id issued", login.describe()),
        None => format!("{}, no `{cookie}` cookie set", login.describe()),
    };
    sequence.verdict(
        CHOSEN_NOT_ADOPTED,
        login.accepted() && issued.is_some() && !adopted,
        "a login (2xx or 3xx) setting the session cookie to an id other than the chosen one",
        actual,
    );
    let page = sequence
        .get(&spec.protected, PROTECTED_FIELD, Some((cookie, &chosen)))
        .await?;
    sequence.verdict(
        CHOSEN_DEAD,
        page.refused(),
        REFUSED_EXPECTED,
        page.describe(),
    );
    Ok(())
}

/// Letters and digits in a server's id that make a random id of that shape one nobody else holds.
const MIN_SHAPED_RANDOM: usize = 16;

/// A random id of the same shape as `sample`: each letter or digit replaced by a random one of its
/// kind (hex digits by hex digits when `sample` is hex), the separators kept. Nothing of `sample`
/// itself stays: without `before` it is a signed-in session, and a server that looks ids up by a
/// part (Tomcat's `<id>.<route>`) would find it.
fn shaped_like(sample: &str) -> String {
    let hex = sample
        .chars()
        .all(|c| c.is_ascii_hexdigit() || !c.is_ascii_alphanumeric());
    let mut random = std::iter::repeat_with(|| uuid::Uuid::new_v4().into_bytes()).flatten();
    let mut pick = |alphabet: &[u8]| {
        let byte = random.next().unwrap_or_default();
        char::from(alphabet[usize::from(byte) % alphabet.len()])
    };
    sample
        .chars()
        .map(|c| match c {
            '0'..='9' => pick(b"0123456789"),
            'a'..='f' if hex => pick(b"abcdef"),
            'A'..='F' if hex => pick(b"ABCDEF"),
            'a'..='z' => pick(b"abcdefghijklmnopqrstuvwxyz"),
            'A'..='Z' => pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chosen_id_has_the_shape_of_the_servers_and_nothing_of_it() {
        let hex = "0f3a9c1e5b7d2f4a6c8e0a1b3c5d7e9f";
        let chosen = shaped_like(hex);
        assert_eq!(chosen.len(), hex.len());
        assert_ne!(chosen, hex);
        assert!(
            chosen
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        let tomcat = "5F1C2A9B3D4E6F708192A3B4C5D6E7F8.node-route-0123456789";
        let chosen = shaped_like(tomcat);
        assert_eq!(chosen.len(), tomcat.len());
        assert_eq!(chosen.matches('.').count(), 1);
        assert!(!chosen.ends_with("node-route-0123456789"), "{chosen}");
        let kinds = |text: &str| {
            text.chars()
                .map(|c| match c {
                    'a'..='z' => 'a',
                    'A'..='Z' => 'A',
                    '0'..='9' => '0',
                    other => other,
                })
                .collect::<String>()
        };
        let mixed = "sess_Ab12-xyz.Q9xY";
        assert_eq!(kinds(&shaped_like(mixed)), kinds(mixed));
    }
}
