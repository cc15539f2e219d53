//! `check: { logout: { login, logout, protected } }`: logout kills the session on the server, not
//! only in the browser (WSTG-SESS-06).
//!
//! 1. Log in: the session cookie opens the protected page (the positive control).
//! 2. Log out with that cookie.
//! 3. Replay the same cookie: the protected page refuses it.
//! 4. When the logout response sets the cookie to a new live value (a server that regenerates the
//!    session instead of destroying it), that value is refused too.

use super::Sequence;
use crate::suite::LogoutCheck;

const OPENS_BEFORE: &str = "logout: the session opens the protected page before logout";
const LOGGED_OUT: &str = "logout: the logout request succeeds";
const DEAD_AFTER: &str = "logout: the old session cookie no longer opens the protected page";
const NEW_DEAD: &str =
    "logout: the session cookie the logout sets does not open the protected page";

const OPENS_EXPECTED: &str = "2xx";
const LOGOUT_EXPECTED: &str = "2xx or 3xx";
const REFUSED_EXPECTED: &str = "refused (3xx or 4xx)";

pub(super) async fn run(sequence: &mut Sequence<'_, '_>, spec: &LogoutCheck) -> Result<(), String> {
    let cookie = spec.cookie.as_str();
    let login = sequence.build(&spec.login, None)?;
    let login = sequence.send(login).await;
    let Some(session) = login
        .cookie(cookie)
        .filter(|value| login.accepted() && !value.is_empty())
    else {
        let reason = format!(
            "the login did not set the `{cookie}` cookie ({})",
            login.describe()
        );
        sequence.not_reached(OPENS_BEFORE, OPENS_EXPECTED, &reason);
        sequence.not_reached(LOGGED_OUT, LOGOUT_EXPECTED, &reason);
        sequence.not_reached(DEAD_AFTER, REFUSED_EXPECTED, &reason);
        return Ok(());
    };
    let field = "check.logout.protected";
    let page = sequence
        .get(&spec.protected, field, Some((cookie, &session)))
        .await?;
    sequence.verdict(
        OPENS_BEFORE,
        page.succeeded(),
        OPENS_EXPECTED,
        page.describe(),
    );

    let logout = sequence.build(&spec.logout, Some((cookie, &session)))?;
    let logout = sequence.send(logout).await;
    let logged_out = logout
        .status
        .is_some_and(|status| (200..400).contains(&status));
    sequence.verdict(LOGGED_OUT, logged_out, LOGOUT_EXPECTED, logout.describe());

    let page = sequence
        .get(&spec.protected, field, Some((cookie, &session)))
        .await?;
    sequence.verdict(
        DEAD_AFTER,
        page.refused(),
        REFUSED_EXPECTED,
        page.describe(),
    );

    // The browser keeps what the logout sets: a new session that is still signed in is no logout.
    if let Some(after) = logout.live_cookie(cookie).filter(|value| *value != session) {
        let page = sequence
            .get(&spec.protected, field, Some((cookie, &after)))
            .await?;
        sequence.verdict(NEW_DEAD, page.refused(), REFUSED_EXPECTED, page.describe());
    }
    Ok(())
}
