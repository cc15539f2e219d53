//! `{{ }}` templates in suite strings, rendered with tera.
//!
//! Every string in a suite is compiled once, at load time: a string without `{{` or `{%` stays a
//! literal and costs nothing to "render"; the others are parsed, checked for undefined variables and
//! added to the suite's one [`TemplateSet`]. At run time a step renders its strings against the
//! suite's [`Scope`] (vars, environment, captures so far).

mod functions;
mod references;
mod set;

pub use references::{Calls, Reference, calls, references};
pub use set::{RenderError, Scope, TemplateBuilder, TemplateSet, Text};

/// How deep an expression may nest parentheses and brackets. The parsers of templates and of
/// JSONPath queries recurse once per level, and a few thousand levels overflow the stack.
pub const MAX_NESTING: usize = 128;

/// Whether `text` nests `(` and `[` deeper than [`MAX_NESTING`].
pub fn nests_too_deep(text: &str) -> bool {
    let mut depth = 0usize;
    for byte in text.bytes() {
        match byte {
            b'(' | b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return true;
                }
            }
            b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}
