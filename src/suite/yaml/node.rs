//! The document as parsed: a tree of scalars, sequences and mappings, each node with the span it
//! was written at. Deserialization reads the raw types from it and validation asks it where a
//! node was written, so the text is parsed once.

use std::borrow::Cow;

use crate::suite::span::{NodePath, PathSegment, Span};

/// One node of the document.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub span: Span,
    pub kind: NodeKind<'a>,
}

#[derive(Debug, Clone)]
pub enum NodeKind<'a> {
    Scalar(Scalar<'a>),
    Sequence(Vec<Node<'a>>),
    /// Entries in the order written; keys are unique (the parser rejects duplicates).
    Mapping(Vec<Entry<'a>>),
}

#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub key: Node<'a>,
    pub value: Node<'a>,
}

#[derive(Debug, Clone)]
pub struct Scalar<'a> {
    /// The value after unquoting and folding; empty for a value left out (`key:`). Borrowed from
    /// the source where it is written as it reads (most scalars: a large suite has tens of
    /// thousands), owned where quotes, escapes or folding changed it.
    pub text: Cow<'a, str>,
    pub style: ScalarStyle,
    /// A core-schema tag such as `!!str`, which decides how a plain scalar is read.
    pub tag: Option<CoreTag>,
}

/// How a scalar was written: only plain scalars can be numbers, booleans or null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    Quoted,
    Block,
}

/// The YAML core-schema tags a suite may write on a scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoreTag {
    Str,
    Int,
    Float,
    Bool,
    Null,
}

impl CoreTag {
    /// As written after `!!`.
    pub fn name(self) -> &'static str {
        match self {
            CoreTag::Str => "str",
            CoreTag::Int => "int",
            CoreTag::Float => "float",
            CoreTag::Bool => "bool",
            CoreTag::Null => "null",
        }
    }
}

impl<'a> Node<'a> {
    /// The entry whose key is the scalar `key`.
    fn entry(&self, key: &str) -> Option<&Entry<'a>> {
        match &self.kind {
            NodeKind::Mapping(entries) => entries.iter().find(
                |entry| matches!(&entry.key.kind, NodeKind::Scalar(scalar) if scalar.text == key),
            ),
            _ => None,
        }
    }
}

/// Where each node of a document was written, looked up by [`NodePath`]. Built by the YAML front
/// end, read by validation.
#[derive(Debug)]
pub struct SpanIndex<'a> {
    root: Node<'a>,
}

impl<'a> SpanIndex<'a> {
    pub(super) fn new(root: Node<'a>) -> Self {
        SpanIndex { root }
    }

    pub(super) fn root(&self) -> &Node<'a> {
        &self.root
    }

    /// The span of a node's value, falling back to the nearest ancestor that exists.
    pub fn value(&self, path: &NodePath<'_>) -> Span {
        self.walk(path).0.span
    }

    /// The span of a mapping key, or of the value when the node has no key (a sequence item) or
    /// does not exist.
    pub fn key(&self, path: &NodePath<'_>) -> Span {
        match path {
            NodePath::Child(parent, PathSegment::Key(key)) => match self.walk(parent) {
                (node, true) => node.entry(key).map_or(node.span, |entry| entry.key.span),
                (node, false) => node.span,
            },
            _ => self.value(path),
        }
    }

    /// The node at `path` and `true`, or its nearest existing ancestor and `false`.
    fn walk(&self, path: &NodePath<'_>) -> (&Node<'a>, bool) {
        let NodePath::Child(parent, segment) = path else {
            return (&self.root, true);
        };
        let (node, found) = self.walk(parent);
        if !found {
            return (node, false);
        }
        let child = match segment {
            PathSegment::Key(key) => node.entry(key).map(|entry| &entry.value),
            PathSegment::Index(index) => match &node.kind {
                NodeKind::Sequence(items) => items.get(*index),
                _ => None,
            },
        };
        match child {
            Some(child) => (child, true),
            None => (node, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::span::SourceFile;

    #[test]
    fn a_key_span_is_the_key_written_and_falls_back_to_what_exists() {
        let source = SourceFile::new(
            "t.yaml",
            "steps:\n  - name: a\n    expect: { status: 200 }\n",
        );
        let spans = SpanIndex::new(super::super::tree::build(&source).expect("valid"));
        let at = |span: Span| (span.line, span.column);
        let root = NodePath::root();
        let steps = root.key("steps");
        let step = steps.index(0);

        assert_eq!(at(spans.key(&step.key("expect").key("status"))), (3, 15));
        assert_eq!(at(spans.value(&step.key("expect").key("status"))), (3, 23));
        // A list item has no key: its value.
        assert_eq!(at(spans.key(&step)), (2, 5));
        // Missing: the nearest node that exists.
        assert_eq!(at(spans.key(&step.key("request").key("url"))), (2, 5));
        assert_eq!(at(spans.key(&step.key("expect").key("json"))), (3, 13));
        assert_eq!(at(spans.key(&root)), (1, 1));
    }
}
