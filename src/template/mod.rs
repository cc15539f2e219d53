//! `{{ }}` templates in suite strings, rendered with tera.
//!
//! Every string in a suite is compiled once, at load time: a string without `{{` or `{%` stays a
//! literal and costs nothing to "render"; the others are parsed, checked for undefined variables and
//! added to the suite's one [`TemplateSet`]. At run time a step renders its strings against the
//! suite's [`Scope`] (vars, environment, captures so far).

mod functions;
mod references;
mod set;

pub use references::{Reference, references};
pub use set::{RenderError, Scope, TemplateBuilder, TemplateSet, Text};
