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

/// How deep an expression may nest parentheses and brackets, and a template its `{% %}` blocks.
/// The parsers of templates and of JSONPath queries recurse once per level, and a few thousand
/// levels overflow the stack.
pub const MAX_NESTING: usize = 128;

/// Whether `text` nests `(` and `[`, `{% if %}`-style blocks, or chains of operators deeper than
/// [`MAX_NESTING`].
pub fn nests_too_deep(text: &str) -> bool {
    let mut brackets = 0usize;
    for byte in text.bytes() {
        match byte {
            b'(' | b'[' => {
                brackets += 1;
                if brackets > MAX_NESTING {
                    return true;
                }
            }
            b')' | b']' => brackets = brackets.saturating_sub(1),
            _ => {}
        }
    }
    // Operators chained in one expression (`1 + 1 + …`, `a or b or …`) nest as deep when the
    // template is rendered.
    let mut operators = 0usize;
    for (start, _) in text.match_indices("{{").chain(text.match_indices("{%")) {
        let inside = &text[start + 2..];
        let end = inside.find(['}', '%']).unwrap_or(inside.len());
        operators += inside[..end]
            .split_whitespace()
            .filter(|word| {
                matches!(
                    *word,
                    "+" | "-"
                        | "*"
                        | "/"
                        | "%"
                        | "~"
                        | "and"
                        | "or"
                        | "=="
                        | "!="
                        | "<"
                        | ">"
                        | "<="
                        | ">="
                        | "in"
                )
            })
            .count();
        if operators > MAX_NESTING {
            return true;
        }
    }
    let mut blocks = 0usize;
    for (at, _) in text.match_indices("{%") {
        let tag = text[at + 2..].trim_start_matches(['-', ' ', '\t', '\n', '\r']);
        if tag.starts_with("end") {
            blocks = blocks.saturating_sub(1);
        } else if ["if", "for", "filter", "macro", "block", "raw"]
            .iter()
            .any(|opener| tag.starts_with(opener))
        {
            blocks += 1;
            if blocks > MAX_NESTING {
                return true;
            }
        }
    }
    false
}
