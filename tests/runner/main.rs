//! Integration tests of the runner against a real local HTTP server: every assertion, matcher and
//! capture kind, request shapes, faults in the target, and the command line.

mod assertions;
mod attacks;
mod captures;
mod checks;
mod cli;
mod faults;
mod invalid;
mod progress;
mod requests;
mod support;
mod tls;
