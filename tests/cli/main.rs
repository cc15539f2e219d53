//! Integration tests: one binary. Each test starts its own target server on 127.0.0.1 port 0
//! and runs the built `authprobe` binary in a fresh temporary folder.

mod browser;
mod interrupt;
mod jwt;
mod reports;
mod secrets;
mod snapshots;
mod support;
