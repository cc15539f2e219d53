//! The YAML front end: the only module that knows which YAML libraries we use.
//!
//! serde_yaml turns the text into the raw serde types (and reports unknown keys and wrong types);
//! yaml-rust2's event parser records where every node was written, so that validation can point at
//! the exact key or value. serde_yaml is deprecated upstream: swapping it for a maintained fork is a
//! change to this file alone.

use serde::de::DeserializeOwned;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::span::{NodePath, NodeSpans, SourceFile, Span, SpanIndex};

/// Why a document could not be read into its raw types.
#[derive(Debug)]
pub enum YamlError {
    /// Not YAML at all.
    Syntax { message: String, span: Span },
    /// YAML, but not of the expected shape: unknown key, wrong type, missing field.
    Shape { message: String, span: Span },
    /// Nothing but whitespace and comments.
    Empty,
}

/// Parses `source` into `T` and indexes the span of every node.
pub fn parse<T: DeserializeOwned>(source: &SourceFile) -> Result<(T, SpanIndex), YamlError> {
    let text = &*source.text;
    if text
        .lines()
        .all(|line| line.trim().is_empty() || line.trim_start().starts_with('#'))
    {
        return Err(YamlError::Empty);
    }
    let spans = index_spans(source)?;
    match serde_yaml::from_str::<T>(text) {
        Ok(value) => Ok((value, spans)),
        Err(error) => {
            let span = match error.location() {
                Some(location) => point_span(source, location.line(), location.column()),
                None => Span::default(),
            };
            Err(YamlError::Shape {
                message: strip_location(&error.to_string()),
                span,
            })
        }
    }
}

/// Reads a YAML scalar such as a `--var` value, the way a suite would have written it.
pub fn parse_scalar(text: &str) -> serde_json::Value {
    serde_yaml::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned()))
}

fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(position) => message[..position].to_owned(),
        None => message.to_owned(),
    }
}

/// A span covering the token that starts at a 1-based line and column.
fn point_span(source: &SourceFile, line: usize, column: usize) -> Span {
    let offset = source.offset_of(line, column);
    let rest = &source.text[offset..];
    let len = rest
        .find(|c: char| c == '\n' || c == ':' || c == ',' || c == '}' || c == ']')
        .unwrap_or(rest.len());
    Span {
        offset,
        len: rest[..len].trim_end().len().max(1).min(rest.len()),
        line,
        column,
    }
}

fn index_spans(source: &SourceFile) -> Result<SpanIndex, YamlError> {
    let mut indexer = SpanIndexer {
        source,
        frames: Vec::new(),
        index: SpanIndex::default(),
        documents: 0,
    };
    let mut parser = Parser::new_from_str(&source.text);
    if let Err(error) = parser.load(&mut indexer, true) {
        let marker = error.marker();
        let mut span = marker_span(source, marker, 1);
        if error.info().contains("tab") {
            span = first_tab(source).unwrap_or(span);
        }
        return Err(YamlError::Syntax {
            message: error.info().to_owned(),
            span,
        });
    }
    if indexer.documents > 1 {
        let separator = source
            .text
            .lines()
            .enumerate()
            .filter(|(_, line)| line.trim_end() == "---")
            .map(|(index, _)| index + 1)
            .find(|&line| line > 1 || !source.text.starts_with("---"))
            .map_or_else(Span::default, |line| source.line_span(line));
        return Err(YamlError::Syntax {
            message: "a suite file holds one YAML document, this one holds several".to_owned(),
            span: separator,
        });
    }
    Ok(indexer.index)
}

/// The first tab used for indentation: the parser reports the scalar it was reading instead.
fn first_tab(source: &SourceFile) -> Option<Span> {
    source.text.lines().enumerate().find_map(|(index, line)| {
        let indent = &line[..line.len() - line.trim_start().len()];
        indent.find('\t').map(|column| Span {
            offset: source.offset_of(index + 1, column + 1),
            len: 1,
            line: index + 1,
            column: column + 1,
        })
    })
}

fn marker_span(source: &SourceFile, marker: &Marker, len: usize) -> Span {
    let line = marker.line().max(1);
    let column = marker.col() + 1;
    let offset = source.offset_of(line, column);
    Span {
        offset,
        len: len.min(source.text.len() - offset),
        line,
        column,
    }
}

enum Frame {
    Mapping {
        path: NodePath,
        pending_key: Option<(String, Span)>,
    },
    Sequence {
        path: NodePath,
        next_index: usize,
    },
}

struct SpanIndexer<'a> {
    source: &'a SourceFile,
    frames: Vec<Frame>,
    index: SpanIndex,
    documents: usize,
}

impl SpanIndexer<'_> {
    /// Records a node that is a value (not a key) and returns its path.
    fn place_value(&mut self, value: Span) -> NodePath {
        match self.frames.last_mut() {
            None => {
                self.index
                    .insert(NodePath::root(), NodeSpans { key: None, value });
                NodePath::root()
            }
            Some(Frame::Mapping { path, pending_key }) => {
                let (key, key_span) = pending_key.take().unwrap_or_default();
                let path = path.key(&key);
                self.index.insert(
                    path.clone(),
                    NodeSpans {
                        key: Some(key_span),
                        value,
                    },
                );
                path
            }
            Some(Frame::Sequence { path, next_index }) => {
                let path = path.index(*next_index);
                *next_index += 1;
                self.index
                    .insert(path.clone(), NodeSpans { key: None, value });
                path
            }
        }
    }

    fn expects_key(&self) -> bool {
        matches!(
            self.frames.last(),
            Some(Frame::Mapping {
                pending_key: None,
                ..
            })
        )
    }

    fn scalar_len(&self, offset: usize, value: &str, style: TScalarStyle) -> usize {
        let rest = &self.source.text[offset..];
        let line = rest.split('\n').next().unwrap_or_default();
        let len = match style {
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
                let quote = if style == TScalarStyle::SingleQuoted {
                    '\''
                } else {
                    '"'
                };
                let mut escaped = false;
                line.char_indices()
                    .skip(1)
                    .find(|&(_, c)| {
                        let closes = c == quote && !escaped;
                        escaped = c == '\\' && !escaped && quote == '"';
                        closes
                    })
                    .map_or(line.len(), |(end, _)| end + 1)
            }
            TScalarStyle::Literal | TScalarStyle::Folded => 1,
            _ => value.len().min(line.trim_end().len()),
        };
        len.max(1).min(rest.len())
    }
}

impl MarkedEventReceiver for SpanIndexer<'_> {
    fn on_event(&mut self, event: Event, marker: Marker) {
        match event {
            Event::DocumentStart => self.documents += 1,
            Event::Scalar(value, style, ..) => {
                let mut span = marker_span(self.source, &marker, 1);
                span.len = self.scalar_len(span.offset, &value, style);
                if self.expects_key() {
                    if let Some(Frame::Mapping { pending_key, .. }) = self.frames.last_mut() {
                        *pending_key = Some((value, span));
                    }
                } else {
                    self.place_value(span);
                }
            }
            Event::Alias(_) => {
                let span = marker_span(self.source, &marker, 1);
                if self.expects_key() {
                    if let Some(Frame::Mapping { pending_key, .. }) = self.frames.last_mut() {
                        *pending_key = Some((String::new(), span));
                    }
                } else {
                    self.place_value(span);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let span = marker_span(self.source, &marker, 1);
                let path = if self.expects_key() {
                    // A complex key: index its insides under a path nobody asks for.
                    NodePath::root().key("\u{0}complex-key")
                } else {
                    self.place_value(span)
                };
                self.frames
                    .push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Mapping {
                            path,
                            pending_key: None,
                        }
                    } else {
                        Frame::Sequence {
                            path,
                            next_index: 0,
                        }
                    });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(text: &str) -> (SourceFile, SpanIndex) {
        let source = SourceFile::new("t.yaml", text);
        let spans = index_spans(&source).expect("valid yaml");
        (source, spans)
    }

    #[test]
    fn spans_point_at_nested_keys_and_values() {
        let (source, spans) =
            index("name: x\nsteps:\n  - name: first\n    expect:\n      status: 200\n");
        let path = NodePath::root()
            .key("steps")
            .index(0)
            .key("expect")
            .key("status");
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
