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

/// Marks a mapping key in a [`NodePath`]'s text.
const KEY: char = '\u{1}';
/// Marks a sequence index in a [`NodePath`]'s text.
const INDEX: char = '\u{2}';

/// A path into the YAML document, such as `steps[0].request.url`. Kept as one string with a
/// marker before each segment: every node of a suite gets one, and cloning and hashing one string
/// is much cheaper than a vector of segments.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct NodePath(String);

impl NodePath {
    pub fn root() -> Self {
        NodePath(String::new())
    }

    pub fn key(&self, key: &str) -> Self {
        let mut next = String::with_capacity(self.0.len() + 1 + key.len());
        next.push_str(&self.0);
        next.push(KEY);
        next.push_str(key);
        NodePath(next)
    }

    pub fn index(&self, index: usize) -> Self {
        let mut next = String::with_capacity(self.0.len() + 4);
        next.push_str(&self.0);
        next.push(INDEX);
        next.push_str(&index.to_string());
        NodePath(next)
    }

    pub fn last_key(&self) -> Option<&str> {
        let start = self.0.rfind([KEY, INDEX])?;
        self.0[start..].strip_prefix(KEY)
    }

    fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// Drops the last segment.
    fn pop(&mut self) {
        let start = self.0.rfind([KEY, INDEX]).unwrap_or(0);
        self.0.truncate(start);
    }
}

impl fmt::Display for NodePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0.as_str();
        let mut first = true;
        while let Some(marker) = rest.chars().next() {
            let body = &rest[marker.len_utf8()..];
            let end = body.find([KEY, INDEX]).unwrap_or(body.len());
            let text = &body[..end];
            match marker {
                INDEX => write!(f, "[{text}]")?,
                _ if first => write!(f, "{text}")?,
                _ => write!(f, ".{text}")?,
            }
            first = false;
            rest = &body[end..];
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
            if path.is_root() {
                return Span::default();
            }
            path.pop();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_display_as_written_in_messages() {
        let path = NodePath::root()
            .key("steps")
            .index(12)
            .key("expect")
            .key("$.user.email");
        assert_eq!(path.to_string(), "steps[12].expect.$.user.email");
        assert_eq!(path.last_key(), Some("$.user.email"));
        assert_eq!(NodePath::root().key("steps").index(0).last_key(), None);
    }

    #[test]
    fn a_missing_path_falls_back_to_its_nearest_ancestor() {
        let mut index = SpanIndex::default();
        let steps = NodePath::root().key("steps");
        let span = Span {
            offset: 3,
            len: 2,
            line: 2,
            column: 1,
        };
        index.insert(
            steps.clone(),
            NodeSpans {
                key: None,
                value: span,
            },
        );
        assert_eq!(index.value(&steps.index(4).key("request")), span);
        assert_eq!(index.value(&NodePath::root().key("other")), Span::default());
    }
}
