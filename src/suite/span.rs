//! Where a node of a suite came from: byte spans, line/column positions, and the index that maps a
//! node's path in the document (`steps[2].expect.status`) to the span it was written at.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// A suite file's text, kept so that every diagnostic can quote the offending line.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: Arc<str>,
    /// Byte offset where each line starts, computed once: every node of a large suite asks.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(index, _)| index + 1))
                .collect()
        })
    }

    /// The text of a 1-based line, without its line break; `None` past the end.
    fn line_text(&self, line: usize) -> Option<(usize, &str)> {
        let starts = self.line_starts();
        let start = *starts.get(line.checked_sub(1)?)?;
        if start > self.text.len() || (start == self.text.len() && line > 1) {
            return None;
        }
        let end = starts.get(line).map_or(self.text.len(), |next| next - 1);
        Some((start, self.text[start..end].trim_end_matches('\r')))
    }

    /// The path as it is shown to users, with forward slashes on every platform.
    pub fn display_name(&self) -> String {
        display_path(&self.path)
    }

    /// The span of the whole line that contains `offset`, used when a parser gives only a point.
    pub fn line_span(&self, line: usize) -> Span {
        match self.line_text(line) {
            Some((offset, text)) => Span {
                offset,
                len: text.len(),
                line,
                column: 1,
            },
            None => Span {
                offset: self.text.len(),
                len: 0,
                line,
                column: 1,
            },
        }
    }

    /// The byte offset of a 1-based line and a 1-based column counted in characters.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        match self.line_text(line) {
            Some((start, text)) => {
                start
                    + text
                        .char_indices()
                        .nth(column.saturating_sub(1))
                        .map_or(text.len(), |(byte, _)| byte)
            }
            None => self.text.len(),
        }
    }
}

pub(crate) fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// A region of a suite file: byte offset and length for rendering, line and column for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.offset, span.len).into()
    }
}

/// One step along a path into the document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A path into the YAML document, such as `steps[0].request.url`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct NodePath(Vec<Segment>);

impl NodePath {
    pub fn root() -> Self {
        NodePath(Vec::new())
    }

    pub fn key(&self, key: &str) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Key(key.to_owned()));
        next
    }

    pub fn index(&self, index: usize) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Index(index));
        next
    }

    pub fn last_key(&self) -> Option<&str> {
        match self.0.last() {
            Some(Segment::Key(key)) => Some(key),
            _ => None,
        }
    }
}

impl fmt::Display for NodePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) if position == 0 => write!(f, "{key}")?,
                Segment::Key(key) => write!(f, ".{key}")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// Where a mapping entry's key and value were written.
#[derive(Debug, Clone, Copy)]
pub struct NodeSpans {
    pub key: Option<Span>,
    pub value: Span,
}

/// Every node of a document, by path. Built by the YAML front end, read by validation. Hashed with
/// foldhash: a large suite has tens of thousands of nodes and the paths are not attacker-chosen.
#[derive(Debug, Default)]
pub struct SpanIndex {
    nodes: HashMap<NodePath, NodeSpans, foldhash::fast::RandomState>,
}

impl SpanIndex {
    pub(crate) fn insert(&mut self, path: NodePath, spans: NodeSpans) {
        self.nodes.insert(path, spans);
    }

    /// The span of a node's value, falling back to the nearest ancestor that has one.
    pub fn value(&self, path: &NodePath) -> Span {
        let mut path = path.clone();
        loop {
            if let Some(spans) = self.nodes.get(&path) {
                return spans.value;
            }
            if path.0.is_empty() {
                return Span::default();
            }
            path.0.pop();
        }
    }

    /// The span of a mapping key, or of its value when the node has no key (a sequence item).
    pub fn key(&self, path: &NodePath) -> Span {
        match self.nodes.get(path) {
            Some(NodeSpans { key: Some(key), .. }) => *key,
            _ => self.value(path),
        }
    }
}
