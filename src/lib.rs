//! authprobe: an endpoint test harness for authentication.
//!
//! YAML suites ([`suite`]) are loaded into validated types with source spans, rendered with
//! templates ([`template`]), sent over HTTP ([`http`]) by the [`runner`], checked by assertions
//! ([`assert`]) and captures ([`capture`]), and reported ([`report`]) with secrets masked
//! ([`secret`]). Steps can snapshot their responses ([`snapshot`]) and attack their own
//! credentials ([`attack`]). [`mock`] stands in for Google
//! and GitHub; [`reference_target`] is the built-in server the bundled suites run against. [`cli`]
//! is the command line; [`app`] is what each command does.
//!
//! Data flows one way: `suite` → `runner` → `RunResult` → `report`.

pub mod app;
pub mod assert;
pub mod attack;
pub mod capture;
pub mod cli;
pub mod config;
pub mod env_file;
pub mod exit;
pub mod http;
pub mod jwt;
pub mod mock;
pub mod reference_target;
pub mod report;
pub mod runner;
pub mod secret;
pub mod snapshot;
pub mod suite;
pub mod template;
