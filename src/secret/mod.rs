//! Keeping secrets out of artifacts. Every report, snapshot and console line is treated as if it
//! will be attached to a public CI run.
//!
//! [`Redactor`] learns secrets from a run (declared secret vars, credentials in headers, cookie
//! values, sensitive JSON and form fields) and masks them with all their encoded forms; JWTs keep
//! their readable header and claims (a secret among them is masked in the decoded JSON) but lose
//! their signature. [`scan`] checks written files
//! afterwards, so that a secret that slipped through fails the run instead of being published.

mod early;
mod forms;
mod redactor;
mod scan;

pub use early::EarlyMask;
pub use forms::{MIN_SECRET_LEN, encoded_forms};
pub use redactor::{MASK, Redactor, is_credential_header};
pub use scan::{Leak, files_under, scan_files};
