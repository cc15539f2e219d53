//! `check: { session_fixation: { login, protected } }`: the session id changes at login and the
//! pre-login id is dead; an id chosen by the client is not adopted (WSTG-SESS-03; OWASP Session
//! Management Cheat Sheet, "Renew the Session ID After Any Privilege Level Change").
//!
//! 1. Send `before` (such as the login page), or else log in, with no cookie: the session that
//!    exists before the next login (`sid0`).
//! 2. Log in again presenting `sid0`: a new id `sid1` is issued, and `sid1` opens the protected
//!    page (the positive control) while `sid0` no longer does.
//! 3. Log in presenting an id the client made up: the id issued is another one, and the made-up
//!    id does not open the protected page.

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
    match before {
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
                    let page = sequence.get(
                        &spec.protected,
                        "check.session_fixation.protected",
                        Some((cookie, &after)),
                    )?;
                    let page = sequence.send(page).await;
                    sequence.verdict(NEW_OPENS, page.succeeded(), OPENS_EXPECTED, page.describe());
                }
                None => sequence.not_reached(
                    NEW_OPENS,
                    OPENS_EXPECTED,
                    "the login issued no new session id",
                ),
            }
            let page = sequence.get(
                &spec.protected,
                "check.session_fixation.protected",
                Some((cookie, &before)),
            )?;
            let page = sequence.send(page).await;
            sequence.verdict(OLD_DEAD, page.refused(), REFUSED_EXPECTED, page.describe());
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
            sequence.not_reached(OLD_DEAD, REFUSED_EXPECTED, &reason);
        }
    }

    let chosen = format!("authprobe-chosen-{}", uuid::Uuid::new_v4().simple());
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
    let page = sequence.get(
        &spec.protected,
        "check.session_fixation.protected",
        Some((cookie, &chosen)),
    )?;
    let page = sequence.send(page).await;
    sequence.verdict(
        CHOSEN_DEAD,
        page.refused(),
        REFUSED_EXPECTED,
        page.describe(),
    );
    Ok(())
}
