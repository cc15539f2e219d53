//! The YAML suite format: raw serde types ([`raw`]), validated domain types with spans ([`model`]),
//! and the loader that turns files into [`Suite`]s or located [`Diagnostic`]s.

mod diagnostic;
mod load;
pub mod model;
mod raw;
mod span;
mod validate;
mod yaml;

pub use diagnostic::{Diagnostic, DiagnosticKind, closest};
pub use load::{DiscoverError, declared_tags, discover, load_file, load_source};
pub use model::*;
pub use span::{SourceFile, Span};
pub use validate::{BUILTIN_VARIABLES, LoadOptions, parse_duration};
pub use yaml::parse_scalar;
