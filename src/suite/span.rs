//! Where a node of a suite came from: byte spans, line/column positions, and the path that names a
//! node in the document (`steps[2].expect.status`).

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
    ascii: OnceLock<bool>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
            ascii: OnceLock::new(),
        }
    }

    /// Whether every character is one byte, so that character counts are byte offsets.
    pub fn is_ascii(&self) -> bool {
        *self.ascii.get_or_init(|| self.text.is_ascii())
    }

    fn line_starts(&self) -> &[usize] {
        // A lone `\r` (old Mac line ends) breaks a line too, as it does for the YAML parser.
        self.line_starts.get_or_init(|| {
            let bytes = self.text.as_bytes();
            std::iter::once(0)
                .chain(bytes.iter().enumerate().filter_map(|(index, &byte)| {
                    let breaks =
                        byte == b'\n' || (byte == b'\r' && bytes.get(index + 1) != Some(&b'\n'));
                    breaks.then_some(index + 1)
                }))
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

    /// The length in bytes of a 1-based line, without its line break; 0 past the end.
    pub fn line_len(&self, line: usize) -> usize {
        self.line_text(line).map_or(0, |(_, text)| text.len())
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

    /// The span of `len` bytes at `offset`, with the 1-based line and column (in characters)
    /// it starts at.
    pub fn span_at(&self, offset: usize, len: usize) -> Span {
        let starts = self.line_starts();
        // The first start is 0: at least one line starts at or before any offset.
        let line = starts.partition_point(|&start| start <= offset).max(1);
        let column = self
            .text
            .get(starts[line - 1]..offset)
            .map_or(1, |before| before.chars().count() + 1);
        Span {
            offset,
            len,
            line,
            column,
        }
    }

    /// The byte offset of a 1-based line and a 1-based column counted in characters.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        match self.line_text(line) {
            // In ASCII, characters are bytes: no need to walk the line for every node.
            Some((start, text)) if text.is_ascii() => {
                start + column.saturating_sub(1).min(text.len())
            }
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

/// A path into the YAML document, such as `steps[0].request.url`. Each segment borrows the path
/// it extends: validation names every node it looks at, and only the few named in a diagnostic
/// are ever written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodePath<'p> {
    Root,
    Child(&'p NodePath<'p>, PathSegment<'p>),
}

impl<'p> NodePath<'p> {
    pub fn root() -> Self {
        NodePath::Root
    }

    pub fn key(&'p self, key: &'p str) -> Self {
        NodePath::Child(self, PathSegment::Key(key))
    }

    pub fn index(&'p self, index: usize) -> Self {
        NodePath::Child(self, PathSegment::Index(index))
    }

    pub fn last_key(&self) -> Option<&'p str> {
        match self {
            NodePath::Child(_, PathSegment::Key(key)) => Some(key),
            _ => None,
        }
    }
}

/// One step of a [`NodePath`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathSegment<'a> {
    Key(&'a str),
    Index(usize),
}

impl fmt::Display for NodePath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let NodePath::Child(parent, segment) = self else {
            return Ok(());
        };
        parent.fmt(f)?;
        match segment {
            PathSegment::Index(index) => write!(f, "[{index}]"),
            PathSegment::Key(key) if matches!(parent, NodePath::Root) => f.write_str(key),
            PathSegment::Key(key) => write!(f, ".{key}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_display_as_written_in_messages() {
        let root = NodePath::root();
        let steps = root.key("steps");
        let step = steps.index(12);
        let expect = step.key("expect");
        let path = expect.key("$.user.email");
        assert_eq!(path.to_string(), "steps[12].expect.$.user.email");
        assert_eq!(path.last_key(), Some("$.user.email"));
        assert_eq!(step.last_key(), None);
        assert_eq!(root.to_string(), "");
    }
}
