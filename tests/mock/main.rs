//! The Google and GitHub stand-ins, driven by real OAuth client crates (openidconnect-rs, oauth2-rs)
//! and by raw HTTP for the exact error bodies. One test binary: each file is a module.

mod cli;
mod faults;
mod github_errors;
mod github_oauth2;
mod google_errors;
mod google_oidc;
mod isolation;
mod suite_runs;
mod suite_validation;
mod support;
mod target;
