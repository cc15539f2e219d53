//! Builds the [`Node`] tree from yaml-rust2's events: spans from the parser's markers, aliases
//! expanded, duplicate keys and runaway nesting or alias expansion rejected.

use std::borrow::Cow;
use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::YamlError;
use super::node::{CoreTag, Entry, Node, NodeKind, Scalar, ScalarStyle};
use super::schema::tag_mismatch;
use crate::suite::span::{SourceFile, Span};

/// Deeper than any suite needs; keeps deserialization's recursion far from the stack's end. Aliases
/// count with the depth of what they repeat.
const MAX_DEPTH: usize = 128;
/// How many nodes aliases may add in total, so that a few lines of nested aliases (the "billion
/// laughs") cannot take the machine's memory.
const MAX_ALIAS_NODES: usize = 100_000;
/// And this much text: a few nodes of long text repeated are as large as many nodes, once each
/// copy becomes a value of its own.
const MAX_ALIAS_BYTES: usize = 8 * 1024 * 1024;

/// Parses one YAML document into its node tree: through the quick reader when the document is
/// written in the plain block style it reads, else through yaml-rust2, which also tells every
/// error.
pub(super) fn build(source: &SourceFile) -> Result<Node<'_>, YamlError> {
    if let Some(span) = first_nul(source) {
        return Err(YamlError::Syntax {
            message: "a NUL character (U+0000) in the text: is this a text file?".to_owned(),
            span,
        });
    }
    match super::quick::read(source) {
        Some(root) => Ok(root),
        None => read_fully(source),
    }
}

/// Parses one YAML document with yaml-rust2.
pub(super) fn read_fully(source: &SourceFile) -> Result<Node<'_>, YamlError> {
    let mut builder = TreeBuilder::new(source);
    let mut parser = Parser::new_from_str(&source.text);
    if let Err(error) = parser.load(&mut builder, true) {
        let mut span = marker_span(source, &Mark::from(error.marker()), 1);
        if error.info().contains("tab") {
            span = first_tab(source).unwrap_or(span);
        }
        return Err(YamlError::Syntax {
            message: error.info().to_owned(),
            span,
        });
    }
    if builder.documents > 1 && builder.error.is_none() {
        return Err(YamlError::Syntax {
            message: "a suite file holds one YAML document, this one holds several".to_owned(),
            span: second_document(source),
        });
    }
    builder.finish()
}

/// Where an event was read, as yaml-rust2's markers say: the offset (read only in ASCII text,
/// where characters are bytes), the line (1-based) and the column (0-based, in characters).
#[derive(Debug, Clone, Copy)]
pub(super) struct Mark {
    pub index: usize,
    pub line: usize,
    pub col: usize,
}

impl From<&Marker> for Mark {
    fn from(marker: &Marker) -> Self {
        Mark {
            index: marker.index(),
            line: marker.line(),
            col: marker.col(),
        }
    }
}

/// A mapping or sequence whose end has not been seen yet. Its children wait on the builder's
/// scratch stacks from `first` on, and move into a list of the exact size when it ends: growing
/// one list per mapping would leave most of a large suite's tree as unused capacity.
struct Open<'a> {
    node: Node<'a>,
    anchor: usize,
    first: usize,
    /// For a mapping: the key read, waiting for its value.
    pending_key: Option<Node<'a>>,
}

pub(super) struct TreeBuilder<'a> {
    source: &'a SourceFile,
    stack: Vec<Open<'a>>,
    /// The items of every open sequence, innermost last.
    items: Vec<Node<'a>>,
    /// The entries of every open mapping, innermost last.
    entries: Vec<Entry<'a>>,
    /// Anchored nodes with their depth, for the aliases that repeat them.
    anchors: HashMap<usize, (Node<'a>, usize)>,
    root: Option<Node<'a>>,
    documents: usize,
    alias_nodes: usize,
    /// The bytes of text those nodes hold.
    alias_bytes: usize,
    /// The first problem the parser cannot see; later events are ignored.
    error: Option<YamlError>,
}

impl<'a> TreeBuilder<'a> {
    pub(super) fn new(source: &'a SourceFile) -> Self {
        TreeBuilder {
            source,
            stack: Vec::new(),
            items: Vec::new(),
            entries: Vec::new(),
            anchors: HashMap::new(),
            root: None,
            documents: 0,
            alias_nodes: 0,
            alias_bytes: 0,
            error: None,
        }
    }

    /// The document's root, or the first problem found in it.
    pub(super) fn finish(self) -> Result<Node<'a>, YamlError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        self.root.ok_or(YamlError::Empty)
    }

    fn fail(&mut self, message: String, span: Span) {
        self.error
            .get_or_insert(YamlError::Syntax { message, span });
    }

    /// Places a finished node: as a key or value of the open mapping, an item of the open
    /// sequence, or the root.
    fn place(&mut self, node: Node<'a>, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), depth(&node)));
        }
        let Some(open) = self.stack.last_mut() else {
            self.root = Some(node);
            return;
        };
        match &open.node.kind {
            NodeKind::Sequence(_) => {
                let mut item = node;
                if is_left_out(&item) {
                    item.span = bare_dash_before(self.source, item.span).unwrap_or(item.span);
                }
                self.items.push(item);
            }
            NodeKind::Mapping(_) => match open.pending_key.take() {
                None => open.pending_key = Some(node),
                Some(key) => {
                    let mut value = node;
                    if is_left_out(&value) {
                        // The parser marks a value left out (`url:`) at the token after it,
                        // often on another line: its key says better where it is missing.
                        value.span = key.span;
                    }
                    self.entries.push(Entry { key, value });
                }
            },
            NodeKind::Scalar(_) => {}
        }
    }

    pub(super) fn open(
        &mut self,
        kind: NodeKind<'a>,
        anchor: usize,
        tag: Option<Tag>,
        marker: &Mark,
    ) {
        let span = marker_span(self.source, marker, 1);
        if self.stack.len() >= MAX_DEPTH {
            self.fail(format!("nesting deeper than {MAX_DEPTH} levels"), span);
            return;
        }
        if let Some(tag) = tag.filter(|tag| !is_collection_tag(tag)) {
            self.fail(unsupported_tag(&tag), span);
        }
        let first = match kind {
            NodeKind::Mapping(_) => self.entries.len(),
            _ => self.items.len(),
        };
        self.stack.push(Open {
            node: Node { span, kind },
            anchor,
            first,
            pending_key: None,
        });
    }

    pub(super) fn close(&mut self, end: &Mark) {
        if let Some(mut open) = self.stack.pop() {
            match &mut open.node.kind {
                NodeKind::Mapping(entries) => {
                    *entries = self.entries.drain(open.first..).collect();
                    if let Some((first, again)) = duplicate_key(entries) {
                        let message = format!(
                            "duplicate key `{}` (first written on line {})",
                            scalar_text(&again.key).unwrap_or_default(),
                            first.key.span.line
                        );
                        self.fail(message, again.key.span);
                        return;
                    }
                }
                NodeKind::Sequence(items) => *items = self.items.drain(open.first..).collect(),
                NodeKind::Scalar(_) => {}
            }
            open.node.span = collection_span(self.source, &open.node, end);
            self.place(open.node, open.anchor);
        }
    }

    fn alias(&mut self, anchor: usize, marker: &Mark) {
        let mut span = marker_span(self.source, marker, 1);
        span.len = self.source.text[span.offset..]
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
            .unwrap_or(self.source.text.len() - span.offset)
            .max(1);
        let Some((node, depth)) = self.anchors.get(&anchor) else {
            self.fail("alias to an unknown anchor".to_owned(), span);
            return;
        };
        if self.stack.len() + depth > MAX_DEPTH {
            self.fail(format!("nesting deeper than {MAX_DEPTH} levels"), span);
            return;
        }
        let (nodes, bytes) = expansion_size(node);
        self.alias_nodes += nodes;
        self.alias_bytes += bytes;
        if self.alias_nodes > MAX_ALIAS_NODES {
            self.fail(
                format!("aliases expand to more than {MAX_ALIAS_NODES} nodes"),
                span,
            );
            return;
        }
        if self.alias_bytes > MAX_ALIAS_BYTES {
            self.fail(
                format!(
                    "aliases expand to more than {} MB of text",
                    MAX_ALIAS_BYTES / 1024 / 1024
                ),
                span,
            );
            return;
        }
        let mut node = node.clone();
        // The copy is reported where the alias is written.
        node.span = span;
        self.place(node, 0);
    }

    pub(super) fn scalar(
        &mut self,
        text: Cow<'a, str>,
        style: TScalarStyle,
        anchor: usize,
        tag: Option<Tag>,
        marker: &Mark,
    ) {
        let mut span = marker_span(self.source, marker, 1);
        span.len = scalar_len(self.source, span.offset, &text, style);
        self.place_scalar(text, style, anchor, tag, span);
    }

    /// A scalar whose extent the reader measured as it read it: `len` bytes from its mark.
    pub(super) fn scalar_written(
        &mut self,
        text: Cow<'a, str>,
        style: TScalarStyle,
        marker: &Mark,
        len: usize,
    ) {
        let mut span = marker_span(self.source, marker, 1);
        span.len = len.max(1).min(self.source.text.len() - span.offset);
        self.place_scalar(text, style, 0, None, span);
    }

    fn place_scalar(
        &mut self,
        text: Cow<'a, str>,
        style: TScalarStyle,
        anchor: usize,
        tag: Option<Tag>,
        span: Span,
    ) {
        let tag = match tag.map(|tag| core_tag(&tag).ok_or(tag)).transpose() {
            Ok(tag) => tag,
            Err(tag) => {
                self.fail(unsupported_tag(&tag), span);
                return;
            }
        };
        let style = match style {
            TScalarStyle::Plain => ScalarStyle::Plain,
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => ScalarStyle::Quoted,
            TScalarStyle::Literal | TScalarStyle::Folded => ScalarStyle::Block,
        };
        let scalar = Scalar { text, style, tag };
        if let Some(mismatch) = tag_mismatch(&scalar) {
            let message = format!(
                "`{}` is not {}, as its tag `!!{}` says",
                excerpt(&scalar.text),
                mismatch.wanted,
                mismatch.tag.name()
            );
            self.fail(message, span);
            return;
        }
        let node = Node {
            span,
            kind: NodeKind::Scalar(scalar),
        };
        self.place(node, anchor);
    }
}

impl MarkedEventReceiver for TreeBuilder<'_> {
    fn on_event(&mut self, event: Event, marker: Marker) {
        if self.error.is_some() {
            return;
        }
        let marker = Mark::from(&marker);
        match event {
            Event::DocumentStart => self.documents += 1,
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(Cow::Owned(text), style, anchor, tag, &marker);
            }
            Event::Alias(anchor) => self.alias(anchor, &marker),
            Event::MappingStart(anchor, tag) => {
                self.open(NodeKind::Mapping(Vec::new()), anchor, tag, &marker);
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(NodeKind::Sequence(Vec::new()), anchor, tag, &marker);
            }
            Event::MappingEnd | Event::SequenceEnd => self.close(&marker),
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
    }
}

/// A value as a message quotes it: its first line, cut after 40 characters.
fn excerpt(text: &str) -> String {
    const LONGEST: usize = 40;
    let line = text.lines().next().unwrap_or_default();
    let mut shown: String = line.chars().take(LONGEST).collect();
    if shown.len() < text.trim_end().len() {
        shown.push('…');
    }
    shown
}

fn scalar_text<'n>(node: &'n Node<'_>) -> Option<&'n str> {
    match &node.kind {
        NodeKind::Scalar(scalar) => Some(&scalar.text),
        _ => None,
    }
}

/// A plain scalar with nothing written: the value of `key:` or a bare `-`.
fn is_left_out(node: &Node<'_>) -> bool {
    matches!(&node.kind, NodeKind::Scalar(scalar)
        if scalar.text.is_empty() && scalar.style == ScalarStyle::Plain && scalar.tag.is_none())
}

/// The `-` of a list item left empty: the parser marks such an item at the token after it, so
/// the nearest line above that holds nothing but a dash is where it was written.
fn bare_dash_before(source: &SourceFile, marked: Span) -> Option<Span> {
    (marked.line.saturating_sub(20).max(1)..=marked.line)
        .rev()
        .map(|line| source.line_span(line))
        .find_map(|line| {
            let text = &source.text[line.offset..line.offset + line.len];
            let content = text.split_once(" #").map_or(text, |(content, _)| content);
            let column = content.find('-')?;
            (content.trim() == "-").then(|| Span {
                offset: line.offset + column,
                len: 1,
                line: line.line,
                column: column + 1,
            })
        })
}

/// The first key written twice in a mapping, with its first writing.
fn duplicate_key<'e, 'a>(entries: &'e [Entry<'a>]) -> Option<(&'e Entry<'a>, &'e Entry<'a>)> {
    // Most mappings have a handful of keys: comparing them pairwise is cheaper than hashing.
    if entries.len() <= 8 {
        return entries.iter().enumerate().find_map(|(index, again)| {
            let text = scalar_text(&again.key)?;
            entries[..index]
                .iter()
                .find(|first| scalar_text(&first.key) == Some(text))
                .map(|first| (first, again))
        });
    }
    let mut seen: HashMap<&str, &Entry<'_>> = HashMap::with_capacity(entries.len());
    for entry in entries {
        if let Some(text) = scalar_text(&entry.key) {
            if let Some(first) = seen.insert(text, entry) {
                return Some((first, entry));
            }
        }
    }
    None
}

/// Levels of collections in a node: 0 for a scalar.
fn depth(node: &Node<'_>) -> usize {
    match &node.kind {
        NodeKind::Scalar(_) => 0,
        NodeKind::Sequence(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        NodeKind::Mapping(entries) => {
            1 + entries
                .iter()
                .map(|entry| depth(&entry.key).max(depth(&entry.value)))
                .max()
                .unwrap_or(0)
        }
    }
}

/// How many nodes `node` holds, itself included, and the bytes of their text.
fn expansion_size(node: &Node<'_>) -> (usize, usize) {
    let add = |(nodes, bytes): (usize, usize), (more_nodes, more_bytes): (usize, usize)| {
        (nodes + more_nodes, bytes.saturating_add(more_bytes))
    };
    match &node.kind {
        NodeKind::Scalar(scalar) => (1, scalar.text.len()),
        NodeKind::Sequence(items) => items.iter().map(expansion_size).fold((1, 0), add),
        NodeKind::Mapping(entries) => entries
            .iter()
            .map(|entry| add(expansion_size(&entry.key), expansion_size(&entry.value)))
            .fold((1, 0), add),
    }
}

/// `!!str` and its kin; yaml-rust2 hands them over with the `!!` handle or expanded.
fn core_tag(tag: &Tag) -> Option<CoreTag> {
    if tag.handle != "!!" && tag.handle != "tag:yaml.org,2002:" {
        return None;
    }
    Some(match tag.suffix.as_str() {
        "str" => CoreTag::Str,
        "int" => CoreTag::Int,
        "float" => CoreTag::Float,
        "bool" => CoreTag::Bool,
        "null" => CoreTag::Null,
        _ => return None,
    })
}

fn is_collection_tag(tag: &Tag) -> bool {
    (tag.handle == "!!" || tag.handle == "tag:yaml.org,2002:")
        && (tag.suffix == "map" || tag.suffix == "seq")
}

fn unsupported_tag(tag: &Tag) -> String {
    format!(
        "unsupported tag `{}{}`: suites use plain YAML values",
        tag.handle, tag.suffix
    )
}

/// What a diagnostic underlines for a whole mapping or list: `{ … }` or `[ … ]` when written on
/// one line, else from its first key or `-` to the end of that line.
fn collection_span(source: &SourceFile, node: &Node<'_>, end: &Mark) -> Span {
    let start = match &node.kind {
        NodeKind::Mapping(_) if source.text[node.span.offset..].starts_with('{') => node.span,
        // A block mapping starts at its first key; the parser marks the first `:` instead.
        NodeKind::Mapping(entries) => entries.first().map_or(node.span, |entry| entry.key.span),
        _ => node.span,
    };
    // Closed on its own line: looked for between the brackets only, so that a long line of many
    // collections is not searched to its end for each of them.
    let flow_close = matches!(source.text.as_bytes().get(start.offset), Some(b'{' | b'['))
        .then(|| marker_span(source, end, 1))
        .filter(|close| {
            close.offset > start.offset
                && matches!(source.text.as_bytes().get(close.offset), Some(b'}' | b']'))
                && !source.text[start.offset..close.offset].contains('\n')
        });
    let end_offset = match flow_close {
        Some(close) => close.offset + 1,
        None => {
            let line_end = source.text[start.offset..]
                .find('\n')
                .map_or(source.text.len(), |len| start.offset + len);
            start.offset + source.text[start.offset..line_end].trim_end().len()
        }
    };
    Span {
        len: end_offset
            .saturating_sub(start.offset)
            .max(1)
            .min(source.text.len() - start.offset),
        ..start
    }
}

/// The `---` that starts the second document.
fn second_document(source: &SourceFile) -> Span {
    source
        .text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.trim_end() == "---")
        .map(|(index, _)| index + 1)
        .find(|&line| line > 1 || !source.text.starts_with("---"))
        .map_or_else(Span::default, |line| source.line_span(line))
}

/// A NUL: the parser takes it for the end of the text, and whatever follows would be left out
/// without a word. (Other control characters are read as they always were.)
fn first_nul(source: &SourceFile) -> Option<Span> {
    let offset = memchr::memchr(0, source.text.as_bytes())?;
    Some(source.span_at(offset, 1))
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

fn marker_span(source: &SourceFile, marker: &Mark, len: usize) -> Span {
    let line = marker.line.max(1);
    let column = marker.col + 1;
    // In ASCII text the parser's character index is the byte offset; no need to find the line.
    let offset = if source.is_ascii() {
        marker.index.min(source.text.len())
    } else {
        source.offset_of(line, column)
    };
    Span {
        offset,
        len: len.min(source.text.len() - offset),
        line,
        column,
    }
}

/// How much of the line a scalar covers: quoted scalars to their closing quote, plain ones to
/// their end on this line, block scalars their indicator. Only the scalar's own text is read, not
/// the rest of its line, which may be long.
fn scalar_len(source: &SourceFile, offset: usize, value: &str, style: TScalarStyle) -> usize {
    let rest = &source.text[offset..];
    let len = match style {
        TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
            let quote = if style == TScalarStyle::SingleQuoted {
                '\''
            } else {
                '"'
            };
            // A backslash escapes in double quotes; in single quotes, a quote is written twice.
            let mut escaped = false;
            let mut chars = rest.char_indices().skip(1).peekable();
            let mut close = None;
            while let Some((at, c)) = chars.next() {
                if c == '\n' {
                    break;
                }
                if c == quote && !escaped {
                    if quote == '\'' && chars.peek().is_some_and(|&(_, next)| next == '\'') {
                        chars.next();
                        continue;
                    }
                    close = Some(at);
                    break;
                }
                escaped = c == '\\' && !escaped && quote == '"';
            }
            close.map_or_else(|| rest.find('\n').unwrap_or(rest.len()), |end| end + 1)
        }
        TScalarStyle::Literal | TScalarStyle::Folded => 1,
        TScalarStyle::Plain => {
            // As much of the text as the value is long, cut at the line's end (a line feed or,
            // as for line numbers, a lone carriage return): the value is the text itself on one
            // line, and only its first line's worth otherwise.
            let mut end = value.len().min(rest.len());
            while !rest.is_char_boundary(end) {
                end += 1;
            }
            let written = &rest[..end];
            let line = written.split(['\n', '\r']).next().unwrap_or_default();
            line.trim_end().len()
        }
    };
    len.max(1).min(rest.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Node<'static>, YamlError> {
        build(Box::leak(Box::new(SourceFile::new("t.yaml", text))))
    }

    fn entries_of<'n, 'a>(node: &'n Node<'a>) -> &'n [Entry<'a>] {
        match &node.kind {
            NodeKind::Mapping(entries) => entries,
            other => panic!("expected a mapping, got {other:?}"),
        }
    }

    fn syntax_message(text: &str) -> String {
        match parse(text) {
            Err(YamlError::Syntax { message, .. }) => message,
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn a_duplicate_key_is_an_error_at_the_second() {
        let text = "name: a\nsteps: []\nname: b\n";
        match parse(text) {
            Err(YamlError::Syntax { message, span }) => {
                assert_eq!(message, "duplicate key `name` (first written on line 1)");
                assert_eq!((span.line, span.column), (3, 1));
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn a_core_tag_must_fit_its_value() {
        for fits in [
            "a: !!int 12",
            "a: !!int -3",
            "a: !!int \"12\"",
            "a: !!float 1.5",
            "a: !!float 2",
            "a: !!bool false",
            "a: !!null ~",
            "a: !!str 12",
            "a: !!float 010",
            "a: !!float 99999999999999999999",
            "a: !!float 1e999",
            "a: !!int\nb: 1",
        ] {
            assert!(parse(fits).is_ok(), "{fits}");
        }
        assert_eq!(
            syntax_message("a: !!int abc"),
            "`abc` is not an integer, as its tag `!!int` says"
        );
        assert_eq!(
            syntax_message("a: !!float x"),
            "`x` is not a number, as its tag `!!float` says"
        );
        assert_eq!(
            syntax_message("a: !!bool yes"),
            "`yes` is not `true` or `false`, as its tag `!!bool` says"
        );
        assert_eq!(
            syntax_message("a: !!null x"),
            "`x` is not null (`~`, `null` or nothing), as its tag `!!null` says"
        );
        assert_eq!(
            syntax_message("a: !!int |\n  twelve\n  and more\n"),
            "`twelve…` is not an integer, as its tag `!!int` says"
        );
    }

    #[test]
    fn aliases_are_expanded_where_they_are_written() {
        let root = parse("a: &x { b: 1 }\nc: *x\n").expect("valid");
        let entries = entries_of(&root);
        assert!(matches!(&entries[1].value.kind, NodeKind::Mapping(inner) if inner.len() == 1));
        assert_eq!(entries[1].value.span.line, 2);
    }

    #[test]
    fn runaway_aliases_and_nesting_are_refused() {
        let mut laughs = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (name, previous) in ["b", "c", "d", "e", "f", "g"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f"])
        {
            laughs.push_str(&format!(
                "{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
            ));
        }
        assert!(syntax_message(&laughs).starts_with("aliases expand to more than"));
        // Few nodes, but each a long text.
        let long = format!(
            "a: &a \"{}\"\nb: &b [{}]\nc: [{}]\n",
            "x".repeat(100_000),
            vec!["*a"; 100].join(", "),
            vec!["*b"; 100].join(", ")
        );
        assert_eq!(
            syntax_message(&long),
            "aliases expand to more than 8 MB of text"
        );
        let deep = format!("a: {}{}\n", "[".repeat(200), "]".repeat(200));
        assert_eq!(syntax_message(&deep), "nesting deeper than 128 levels");
    }

    #[test]
    fn aliases_count_the_depth_of_what_they_repeat() {
        let mut text = String::from("a0: &a0 x\n");
        for level in 1..40 {
            text.push_str(&format!(
                "a{level}: &a{level} {}*a{}{}\n",
                "[".repeat(10),
                level - 1,
                "]".repeat(10)
            ));
        }
        assert_eq!(syntax_message(&text), "nesting deeper than 128 levels");
    }

    #[test]
    fn a_duplicate_among_many_keys_is_found_at_its_second_writing() {
        let mut text: String = (0..20).map(|key| format!("k{key}: {key}\n")).collect();
        text.push_str("k7: again\n");
        match parse(&text) {
            Err(YamlError::Syntax { message, span }) => {
                assert_eq!(message, "duplicate key `k7` (first written on line 8)");
                assert_eq!(span.line, 21);
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn a_value_left_out_is_placed_at_its_key() {
        let root = parse("url:\nname: x\n").expect("valid");
        let entries = entries_of(&root);
        assert_eq!(entries[0].value.span, entries[0].key.span);
    }

    #[test]
    fn a_list_item_left_out_is_placed_at_its_dash() {
        for (text, line) in [
            ("steps:\n  -\n  - name: b\n", 2),
            ("steps:\n  - name: a\n  -   # nothing yet\nname: x\n", 3),
        ] {
            let root = parse(text).expect("valid");
            let NodeKind::Sequence(items) = &entries_of(&root)[0].value.kind else {
                panic!("a list")
            };
            let left_out = items
                .iter()
                .find(|item| is_left_out(item))
                .expect("an empty item");
            assert_eq!(
                (left_out.span.line, left_out.span.column),
                (line, 3),
                "{text}"
            );
        }
    }

    #[test]
    fn old_mac_line_ends_are_line_breaks() {
        let source = SourceFile::new("t.yaml", "name: s\rsteps:\r  - name: a\r");
        let root = build(&source).expect("valid");
        let entries = entries_of(&root);
        let steps = &entries[1];
        assert_eq!((steps.key.span.line, steps.key.span.column), (2, 1));
        assert_eq!(source.offset_of(2, 1), steps.key.span.offset);
    }

    #[test]
    fn a_plain_scalar_over_lines_is_spanned_on_its_first_line_whatever_ends_it() {
        for text in [
            "a: ab\n cdefgh\n",
            "a: ab\r\n cdefgh\r\n",
            "a: ab\r cdefgh\r",
        ] {
            let root = parse(text).expect("valid");
            let value = &entries_of(&root)[0].value;
            assert!(
                matches!(&value.kind, NodeKind::Scalar(scalar) if scalar.text == "ab cdefgh"),
                "{text:?}"
            );
            assert_eq!((value.span.column, value.span.len), (4, 2), "{text:?}");
        }
    }

    #[test]
    fn only_core_schema_tags_are_read() {
        assert!(parse("a: !!str 1\nb: !!map {}\n").is_ok());
        assert_eq!(
            syntax_message("a: !secret x\n"),
            "unsupported tag `!secret`: suites use plain YAML values"
        );
    }

    #[test]
    fn spans_cover_quoted_and_plain_scalars() {
        let source = SourceFile::new(
            "t.yaml",
            "url: \"{{ base }}/x\"  # comment\nb: plain text\n",
        );
        let root = build(&source).expect("valid");
        let entries = entries_of(&root);
        let text = |span: Span| &source.text[span.offset..span.offset + span.len];
        assert_eq!(text(entries[0].value.span), "\"{{ base }}/x\"");
        assert_eq!(text(entries[1].key.span), "b");
        assert_eq!(text(entries[1].value.span), "plain text");
    }

    #[test]
    fn a_quote_written_twice_stays_inside_its_single_quoted_scalar() {
        // The quick reader reads the first document; the anchor sends the second to yaml-rust2.
        for document in ["a: 'it''s' # x\n", "a: &q 'it''s' # x\n"] {
            let source = SourceFile::new("t.yaml", document);
            let root = build(&source).expect("valid");
            let value = entries_of(&root)[0].value.span;
            let written = &source.text[value.offset..value.offset + value.len];
            assert_eq!(written, "'it''s'", "in {document:?}");
        }
    }
}
