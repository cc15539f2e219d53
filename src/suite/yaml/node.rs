//! The document as parsed: a tree of scalars, sequences and mappings, each node with the span it
//! was written at. Deserialization reads the raw types from it and validation asks it where a
//! node was written, so the text is parsed once.

use crate::suite::span::{NodePath, PathSegment, Span};

/// One node of the document.
#[derive(Debug, Clone)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    Scalar(Scalar),
    Sequence(Vec<Node>),
    /// Entries in the order written; keys are unique (the parser rejects duplicates).
    Mapping(Vec<Entry>),
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

#[derive(Debug, Clone)]
pub struct Scalar {
    /// The value after unquoting and folding; empty for a value left out (`key:`).
    pub text: String,
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

impl Node {
    /// The entry whose key is the scalar `key`.
    fn entry(&self, key: &str) -> Option<&Entry> {
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
pub struct SpanIndex {
    root: Node,
}

impl SpanIndex {
    pub(super) fn new(root: Node) -> Self {
        SpanIndex { root }
    }

    pub(super) fn root(&self) -> &Node {
        &self.root
    }

    /// The span of a node's value, falling back to the nearest ancestor that exists.
    pub fn value(&self, path: &NodePath) -> Span {
        self.walk(path).0.span
    }

    /// The span of a mapping key, or of the value when the node has no key (a sequence item) or
    /// does not exist.
    pub fn key(&self, path: &NodePath) -> Span {
        if let Some((parent, PathSegment::Key(key))) = path.split_last() {
            if let (parent, true) = self.walk(&parent) {
                if let Some(entry) = parent.entry(key) {
                    return entry.key.span;
                }
            }
        }
        self.value(path)
    }

    /// The node at `path` and `true`, or its nearest existing ancestor and `false`.
    fn walk(&self, path: &NodePath) -> (&Node, bool) {
        let mut node = &self.root;
        for segment in path.segments() {
            let child = match segment {
                PathSegment::Key(key) => node.entry(key).map(|entry| &entry.value),
                PathSegment::Index(index) => match &node.kind {
                    NodeKind::Sequence(items) => items.get(index),
                    _ => None,
                },
            };
            match child {
                Some(child) => node = child,
                None => return (node, false),
            }
        }
        (node, true)
    }
}
