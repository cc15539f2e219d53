//! The YAML front end: the only module that knows which YAML library we use.
//!
//! yaml-rust2 parses the text once into a [`Node`](node::Node) tree that keeps where every node was
//! written ([`tree`]); the raw serde types are deserialized from that tree ([`de`]), and the tree
//! then answers validation's questions about where a node was written ([`SpanIndex`]). One parse
//! serves both, and a shape error points at the exact node. (serde_yaml, deprecated upstream, did
//! the deserializing until parsing every suite twice, once per library, became the largest cost of
//! loading a large suite.) Changing the parser is a change to `tree.rs` alone. Documents written in
//! the plain block style most suites use are read by a [`quick`] reader that hands the tree
//! builder the same events, several times faster; it gives up on anything else.

mod de;
mod node;
mod quick;
mod schema;
mod tree;

use serde::de::DeserializeOwned;

pub use node::SpanIndex;

use super::span::{SourceFile, Span};

/// Why a document could not be read into its raw types.
#[derive(Debug)]
pub enum YamlError {
    /// Not YAML at all, or YAML a suite may not use (duplicate keys, unknown tags).
    Syntax { message: String, span: Span },
    /// YAML, but not of the expected shape: unknown key, wrong type, missing field. `location` is
    /// the path of the node the message is about (`steps[0].expect`), empty for the document.
    Shape {
        location: String,
        message: String,
        span: Span,
    },
    /// Nothing but whitespace and comments.
    Empty,
}

/// Parses `source` into `T` and keeps the span of every node.
pub fn parse<T: DeserializeOwned>(source: &SourceFile) -> Result<(T, SpanIndex<'_>), YamlError> {
    let text = &*source.text;
    if text
        .lines()
        .all(|line| line.trim().is_empty() || line.trim_start().starts_with('#'))
    {
        return Err(YamlError::Empty);
    }
    let spans = SpanIndex::new(tree::build(source)?);
    match de::from_node::<T>(spans.root()) {
        Ok(value) => Ok((value, spans)),
        Err(error) => {
            let (location, span) = error.location.unwrap_or_default();
            Err(YamlError::Shape {
                location,
                message: error.message,
                span,
            })
        }
    }
}

/// Reads a YAML scalar such as a `--var` value, the way a suite would have written it.
pub fn parse_scalar(text: &str) -> serde_json::Value {
    let source = SourceFile::new("--var", text);
    tree::build(&source)
        .ok()
        .and_then(|node| de::from_node(&node).ok())
        .unwrap_or_else(|| serde_json::Value::String(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::span::NodePath;

    fn index(text: &str) -> (&'static SourceFile, SpanIndex<'static>) {
        let source = Box::leak(Box::new(SourceFile::new("t.yaml", text)));
        let spans = SpanIndex::new(tree::build(source).expect("valid yaml"));
        (source, spans)
    }

    #[test]
    fn spans_point_at_nested_keys_and_values() {
        let (source, spans) =
            index("name: x\nsteps:\n  - name: first\n    expect:\n      status: 200\n");
        let root = NodePath::root();
        let steps = root.key("steps");
        let first = steps.index(0);
        let expect = first.key("expect");
        let path = expect.key("status");
        let key = spans.key(&path);
        assert_eq!((key.line, key.column), (5, 7));
        assert_eq!(&source.text[key.offset..key.offset + key.len], "status");
        let value = spans.value(&path);
        assert_eq!(&source.text[value.offset..value.offset + value.len], "200");
    }

    #[test]
    fn quoted_scalars_span_their_quotes() {
        let (source, spans) = index("url: \"{{ base }}/x\"  # comment\n");
        let value = spans.value(&NodePath::root().key("url"));
        assert_eq!(
            &source.text[value.offset..value.offset + value.len],
            "\"{{ base }}/x\""
        );
    }

    #[test]
    fn flow_mappings_are_indexed() {
        let (source, spans) = index("request: { method: GET, url: /a }\n");
        let value = spans.value(&NodePath::root().key("request").key("url"));
        assert_eq!(&source.text[value.offset..value.offset + value.len], "/a");
    }

    #[test]
    fn a_missing_node_falls_back_to_its_parent() {
        let (_, spans) = index("a:\n  b: 1\n");
        let span = spans.value(&NodePath::root().key("a").key("zzz"));
        assert_eq!(span.line, 2);
    }
}
