//! The quick reader. Suites are written in a small part of YAML: block mappings and lists,
//! one-line flow collections, plain and quoted one-line scalars, folded or literal descriptions,
//! comments. This reads that part looking at each byte about once, and hands the tree builder the
//! events yaml-rust2 would, at the same places, so that the tree is the same node for node and
//! span for span (a test compares the two on every suite and fixture, and on generated
//! documents). At the first thing it does not read (anchors, tags, multi-line plain or quoted
//! scalars, flow collections over several lines, anything that may be an error) it gives up, and
//! the document goes to yaml-rust2, which reads all of YAML and tells every error.

use std::borrow::Cow;
use std::cell::Cell;

use yaml_rust2::scanner::TScalarStyle;

use super::node::{Node, NodeKind};
use super::tree::{Mark, TreeBuilder};
use crate::suite::span::SourceFile;

/// Deeper than this, the full parser reads the document (and refuses nesting past its limit).
const MAX_DEPTH: usize = 64;
/// yaml-rust2 refuses implicit keys longer than 1024 characters; well short of that is safe.
const MAX_KEY_LEN: usize = 1000;

/// Reading stopped at something the quick reader leaves to the full parser.
struct GiveUp;

type Read<T = ()> = Result<T, GiveUp>;

/// A block mapping's key as scanned: its text, its style and where its `:` is.
type Key<'a> = (Cow<'a, str>, TScalarStyle, usize);

/// The document's tree, or `None` when the full parser should read it.
pub(super) fn read(source: &SourceFile) -> Option<Node<'_>> {
    let text = source.text.as_bytes();
    // Tabs, carriage returns and other control characters have rules of their own, and so has a
    // byte order mark (skipped at the start, refused elsewhere).
    if has_control_byte(text)
        || source.text.contains('\u{feff}')
        || has_document_marker(&source.text)
    {
        return None;
    }
    let mut reader = Reader {
        source: &source.text,
        text,
        next: 0,
        next_number: 1,
        peeked: None,
        depth: 0,
        ascii: source.is_ascii(),
        last_column: Cell::new((usize::MAX, 0, 0)),
        builder: TreeBuilder::new(source),
    };
    reader.document().ok()?;
    reader.builder.finish().ok()
}

/// A line with something on it other than a comment.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    /// Offset of the line break, or of the end of the text.
    end: usize,
    indent: usize,
    /// 1-based.
    number: usize,
}

struct Reader<'a> {
    /// The document, as text to borrow scalars from and as bytes to scan.
    source: &'a str,
    text: &'a [u8],
    /// Where the first line not yet read starts, and its number.
    next: usize,
    next_number: usize,
    peeked: Option<Option<Line>>,
    depth: usize,
    /// Whether every character is a byte: markers count columns in characters.
    ascii: bool,
    /// The last column counted in characters: its line's start, its offset, the column.
    last_column: Cell<(usize, usize, usize)>,
    builder: TreeBuilder<'a>,
}

impl<'a> Reader<'a> {
    fn document(&mut self) -> Read {
        let first = self.take().ok_or(GiveUp)?;
        if first.indent != 0 {
            return Err(GiveUp);
        }
        self.block_mapping(first, 0, None)?;
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(GiveUp),
        }
    }

    /// The next line with content, without reading it.
    fn peek(&mut self) -> Option<Line> {
        if let Some(line) = self.peeked {
            return line;
        }
        let mut start = self.next;
        let mut number = self.next_number;
        let line = loop {
            if start >= self.text.len() {
                break None;
            }
            let end = line_end(self.text, start);
            let indent = self.text[start..end]
                .iter()
                .take_while(|&&byte| byte == b' ')
                .count();
            let content = start + indent;
            if content < end && self.text[content] != b'#' {
                break Some(Line {
                    start,
                    end,
                    indent,
                    number,
                });
            }
            start = end + 1;
            number += 1;
        };
        self.peeked = Some(line);
        line
    }

    /// The next line with content, read.
    fn take(&mut self) -> Option<Line> {
        let line = self.peek()?;
        self.peeked = None;
        self.next = line.end + 1;
        self.next_number = line.number + 1;
        Some(line)
    }

    /// Opens a collection in the tree builder, one level deeper.
    fn open(&mut self, kind: NodeKind<'a>, mark: Mark) -> Read {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(GiveUp);
        }
        self.builder.open(kind, 0, None, &mark);
        Ok(())
    }

    fn close(&mut self, mark: Mark) {
        self.builder.close(&mark);
        self.depth -= 1;
    }

    fn mark(&self, line: Line, at: usize) -> Mark {
        self.mark_at(line.start, line.number, at)
    }

    /// Where `at` is, on the line that starts at `line_start`. The index is a byte offset: the
    /// tree builder reads it only in ASCII text, and uses the line and column otherwise.
    fn mark_at(&self, line_start: usize, line: usize, at: usize) -> Mark {
        let col = if self.ascii {
            at - line_start
        } else {
            // Counted on from the last column asked on the line, so that a long line of many
            // values is not counted again for each.
            let (known_start, known_at, known_col) = self.last_column.get();
            let (from, col) = if known_start == line_start && known_at <= at {
                (known_at, known_col)
            } else {
                (line_start, 0)
            };
            // A character is a byte that does not continue another.
            let col = col
                + self.text[from..at]
                    .iter()
                    .filter(|&&byte| byte & 0xC0 != 0x80)
                    .count();
            self.last_column.set((line_start, at, col));
            col
        };
        Mark {
            index: at,
            line,
            col,
        }
    }

    /// Hands the builder a scalar written from `at` to `end`, spanned as the builder spans what the
    /// full parser reads: a plain scalar without trailing whitespace, a quoted one to its quote.
    fn written_scalar(
        &mut self,
        text: Cow<'a, str>,
        style: TScalarStyle,
        mark: &Mark,
        at: usize,
        end: usize,
    ) {
        let len = match style {
            TScalarStyle::Plain => self
                .source
                .get(at..end)
                .map_or(end - at, |written| written.trim_end().len()),
            _ => end - at,
        };
        self.builder.scalar_written(text, style, mark, len);
    }

    /// The source between two offsets the reader stopped at, borrowed.
    fn slice(&self, start: usize, end: usize) -> Cow<'a, str> {
        match self.source.get(start..end) {
            Some(text) => Cow::Borrowed(text),
            None => Cow::Owned(utf8(self.text[start..end].to_vec())),
        }
    }

    /// The byte at `at` on `line`, `None` at its end.
    fn byte(&self, line: Line, at: usize) -> Option<u8> {
        (at < line.end).then(|| self.text[at])
    }

    fn skip_spaces(&self, line: Line, mut at: usize) -> usize {
        while self.byte(line, at) == Some(b' ') {
            at += 1;
        }
        at
    }

    /// A block mapping whose first key is on `line` at `column`, perhaps scanned already; the
    /// others are the lines indented to that column.
    fn block_mapping(&mut self, first: Line, column: usize, first_key: Option<Key<'a>>) -> Read {
        let mut line = first;
        self.open(
            NodeKind::Mapping(Vec::new()),
            self.mark(line, line.start + column),
        )?;
        let mut scanned = first_key;
        loop {
            let at = line.start + column;
            let key = match scanned.take() {
                Some(key) => key,
                None => self.scan_key(line, at)?.ok_or(GiveUp)?,
            };
            let after_colon = self.block_key(line, at, key);
            self.value_after_key(line, after_colon, column)?;
            match self.peek() {
                Some(next) if next.indent == column => line = self.take().ok_or(GiveUp)?,
                Some(next) if next.indent > column => return Err(GiveUp),
                _ => break,
            }
        }
        self.close(self.mark(line, line.end));
        Ok(())
    }

    /// A block list whose first `-` starts `first`; its items are the lines that start with `-` at
    /// the same indentation. A list at its key's own indentation is marked by yaml-rust2 where
    /// its first item starts, any other at its first `-`.
    fn block_sequence(&mut self, first: Line, at_key_column: bool) -> Read {
        let column = first.indent;
        let mut line = first;
        let first_dash = line.start + column;
        let start = if at_key_column {
            self.skip_spaces(line, first_dash + 1)
        } else {
            first_dash
        };
        self.open(NodeKind::Sequence(Vec::new()), self.mark(line, start))?;
        loop {
            let dash = line.start + column;
            let item = self.skip_spaces(line, dash + 1);
            match self.byte(line, item) {
                // An item left out, or a list in a list: marked elsewhere by the full parser.
                None | Some(b'#') => return Err(GiveUp),
                Some(b'-') if self.is_entry(line, item) => return Err(GiveUp),
                _ => {}
            }
            if let Some(key) = self.scan_key(line, item)? {
                self.block_mapping(line, item - line.start, Some(key))?;
            } else {
                let after = self.inline_value(line, item)?;
                self.expect_line_end(line, after)?;
            }
            match self.peek() {
                Some(next) if next.indent == column && self.is_entry(next, next.start + column) => {
                    line = self.take().ok_or(GiveUp)?;
                }
                Some(next) if next.indent > column => return Err(GiveUp),
                _ => break,
            }
        }
        self.close(self.mark(line, line.end));
        Ok(())
    }

    /// Whether a list item's `-` is at `at`.
    fn is_entry(&self, line: Line, at: usize) -> bool {
        self.byte(line, at) == Some(b'-') && matches!(self.byte(line, at + 1), None | Some(b' '))
    }

    /// What follows `key:`: a value on the same line, or a block below it, or nothing.
    fn value_after_key(&mut self, line: Line, after_colon: usize, column: usize) -> Read {
        let value = self.skip_spaces(line, after_colon);
        match self.byte(line, value) {
            None | Some(b'#') => {}
            Some(b'|' | b'>') => return self.block_scalar(line, value, column),
            Some(_) => {
                let after = self.inline_value(line, value)?;
                return self.expect_line_end(line, after);
            }
        }
        match self.peek() {
            Some(next) if next.indent > column => {
                let next = self.take().ok_or(GiveUp)?;
                if self.is_entry(next, next.start + next.indent) {
                    self.block_sequence(next, false)
                } else {
                    self.block_mapping(next, next.indent, None)
                }
            }
            // A list may sit at its key's own indentation.
            Some(next) if next.indent == column && self.is_entry(next, next.start + column) => {
                let next = self.take().ok_or(GiveUp)?;
                self.block_sequence(next, true)
            }
            _ => {
                // A value left out: the tree builder places it at its key.
                let mark = self.mark(line, after_colon);
                self.builder
                    .scalar(Cow::Borrowed(""), TScalarStyle::Plain, 0, None, &mark);
                Ok(())
            }
        }
    }

    /// Hands over the key scanned at `at` and returns where its `:` ends.
    fn block_key(&mut self, line: Line, at: usize, (text, style, colon): Key<'a>) -> usize {
        let mark = self.mark(line, at);
        self.written_scalar(text, style, &mark, at, colon);
        colon + 1
    }

    /// A key at `at` (its text, its style and where its `:` is), `None` when `at` holds a value.
    fn scan_key(&self, line: Line, at: usize) -> Read<Option<Key<'a>>> {
        let (text, style, end) = match self.byte(line, at) {
            Some(b'"' | b'\'') => self.quoted(line, at)?,
            Some(byte) if starts_plain(byte) => {
                let mut end = at;
                loop {
                    match self.byte(line, end) {
                        None => return Ok(None),
                        Some(b':') if matches!(self.byte(line, end + 1), None | Some(b' ')) => {
                            break;
                        }
                        Some(b'#') if self.text[end - 1] == b' ' => return Ok(None),
                        Some(_) => end += 1,
                    }
                }
                // `key : value`, or a key running past what yaml-rust2 takes.
                if self.text[end - 1] == b' ' || end - at > MAX_KEY_LEN {
                    return Err(GiveUp);
                }
                (self.slice(at, end), TScalarStyle::Plain, end)
            }
            _ => return Ok(None),
        };
        match (self.byte(line, end), self.byte(line, end + 1)) {
            (Some(b':'), None | Some(b' ')) if end - at <= MAX_KEY_LEN => {
                Ok(Some((text, style, end)))
            }
            (None | Some(b' '), _) if style != TScalarStyle::Plain => Ok(None),
            _ => Err(GiveUp),
        }
    }

    /// A value written on its line: a flow collection, a quoted or a plain scalar. Returns where
    /// it ends.
    fn inline_value(&mut self, line: Line, at: usize) -> Read<usize> {
        let mark = self.mark(line, at);
        match self.byte(line, at).ok_or(GiveUp)? {
            b'{' => self.flow_mapping(line, at),
            b'[' => self.flow_sequence(line, at),
            b'"' | b'\'' => {
                let (text, style, end) = self.quoted(line, at)?;
                self.written_scalar(text, style, &mark, at, end);
                Ok(end)
            }
            byte if starts_plain(byte) => {
                let mut end = at;
                while let Some(byte) = self.byte(line, end) {
                    match byte {
                        b'#' if self.text[end - 1] == b' ' => break,
                        // `a: b` here is a mapping where none may start; `a:` at the end too.
                        b':' if matches!(self.byte(line, end + 1), None | Some(b' ')) => {
                            return Err(GiveUp);
                        }
                        _ => end += 1,
                    }
                }
                let end = at + trim_spaces_end(&self.text[at..end]).len();
                self.written_scalar(self.slice(at, end), TScalarStyle::Plain, &mark, at, end);
                Ok(end)
            }
            _ => Err(GiveUp),
        }
    }

    /// Nothing but spaces and a comment may follow a value on its line.
    fn expect_line_end(&self, line: Line, at: usize) -> Read {
        let rest = self.skip_spaces(line, at);
        match self.byte(line, rest) {
            None => Ok(()),
            Some(b'#') if rest > at => Ok(()),
            Some(_) => Err(GiveUp),
        }
    }

    /// `{ key: value, … }` on one line, from its `{` at `at`; returns where it ends.
    fn flow_mapping(&mut self, line: Line, at: usize) -> Read<usize> {
        self.flow_collection(
            line,
            at,
            NodeKind::Mapping(Vec::new()),
            b'}',
            |reader, at| {
                let value = reader.flow_key(line, at)?;
                let value = reader.skip_spaces(line, value);
                reader.flow_value(line, value)
            },
        )
    }

    /// `[a, b, …]` on one line, from its `[` at `at`; returns where it ends.
    fn flow_sequence(&mut self, line: Line, at: usize) -> Read<usize> {
        self.flow_collection(
            line,
            at,
            NodeKind::Sequence(Vec::new()),
            b']',
            |reader, at| reader.flow_value(line, at),
        )
    }

    /// Entries read by `entry`, separated by commas, up to the `closing` bracket on the same line.
    fn flow_collection(
        &mut self,
        line: Line,
        at: usize,
        kind: NodeKind<'a>,
        closing: u8,
        mut entry: impl FnMut(&mut Self, usize) -> Read<usize>,
    ) -> Read<usize> {
        self.open(kind, self.mark(line, at))?;
        let mut next = self.skip_spaces(line, at + 1);
        if self.byte(line, next) != Some(closing) {
            loop {
                next = entry(self, next)?;
                next = self.skip_spaces(line, next);
                match self.byte(line, next) {
                    Some(b',') => {
                        next = self.skip_spaces(line, next + 1);
                        // A comma before the end or another comma leaves an entry out.
                        if matches!(self.byte(line, next), Some(byte) if byte == closing || byte == b',')
                        {
                            return Err(GiveUp);
                        }
                    }
                    Some(byte) if byte == closing => break,
                    _ => return Err(GiveUp),
                }
            }
        }
        self.close(self.mark(line, next));
        Ok(next + 1)
    }

    /// A key in a flow mapping, with its `: `; returns where the value may start.
    fn flow_key(&mut self, line: Line, at: usize) -> Read<usize> {
        let mark = self.mark(line, at);
        let (text, style, end) = match self.byte(line, at).ok_or(GiveUp)? {
            b'"' | b'\'' => self.quoted(line, at)?,
            byte if starts_plain(byte) => {
                let end = self.flow_plain_end(line, at)?;
                (self.slice(at, end), TScalarStyle::Plain, end)
            }
            _ => return Err(GiveUp),
        };
        if self.byte(line, end) != Some(b':') || self.byte(line, end + 1) != Some(b' ') {
            return Err(GiveUp);
        }
        self.written_scalar(text, style, &mark, at, end);
        Ok(end + 2)
    }

    /// A value in a flow collection; returns where it ends.
    fn flow_value(&mut self, line: Line, at: usize) -> Read<usize> {
        let mark = self.mark(line, at);
        match self.byte(line, at).ok_or(GiveUp)? {
            b'{' | b'[' | b'"' | b'\'' => self.inline_value(line, at),
            byte if starts_plain(byte) => {
                let end = self.flow_plain_end(line, at)?;
                if self.byte(line, end) == Some(b':') {
                    return Err(GiveUp);
                }
                self.written_scalar(self.slice(at, end), TScalarStyle::Plain, &mark, at, end);
                Ok(end)
            }
            _ => Err(GiveUp),
        }
    }

    /// Where a plain scalar inside a flow collection ends (trailing spaces left out): before a
    /// `,`, a closing bracket, or a `:` followed by a space.
    fn flow_plain_end(&self, line: Line, at: usize) -> Read<usize> {
        let mut end = at;
        loop {
            match self.byte(line, end) {
                Some(b',' | b'}' | b']') => break,
                Some(b':') => match self.byte(line, end + 1) {
                    Some(b' ') => break,
                    None | Some(b',' | b'[' | b']' | b'{' | b'}') => return Err(GiveUp),
                    Some(_) => end += 1,
                },
                Some(b'#') if self.text[end - 1] == b' ' => return Err(GiveUp),
                // yaml-rust2 refuses a word of `-` and a bracket or comma inside a collection.
                Some(b'-')
                    if self.text[end - 1] == b' '
                        && matches!(
                            self.byte(line, end + 1),
                            Some(b',' | b'[' | b']' | b'{' | b'}')
                        ) =>
                {
                    return Err(GiveUp);
                }
                Some(b'[' | b'{') | None => return Err(GiveUp),
                Some(_) => end += 1,
            }
        }
        let text = trim_spaces_end(&self.text[at..end]);
        if text.is_empty() || (text.len() < end - at && self.byte(line, end) == Some(b':')) {
            return Err(GiveUp);
        }
        Ok(at + text.len())
    }

    /// A quoted scalar on one line from its quote at `at`: its text, its style and where it ends.
    /// In single quotes a quote is written twice; in double quotes, only the escapes suites write
    /// are read here.
    fn quoted(&self, line: Line, at: usize) -> Read<Key<'a>> {
        if self.text[at] == b'"' {
            let (text, end) = self.quoted_text(line, at, |next| {
                if self.byte(line, next) != Some(b'\\') {
                    return Ok(None);
                }
                match self.byte(line, next + 1).ok_or(GiveUp)? {
                    byte @ (b'"' | b'\\' | b'/') => Ok(Some(byte)),
                    b'n' => Ok(Some(b'\n')),
                    b't' => Ok(Some(b'\t')),
                    b'r' => Ok(Some(b'\r')),
                    b'0' => Ok(Some(b'\0')),
                    _ => Err(GiveUp),
                }
            })?;
            Ok((text, TScalarStyle::DoubleQuoted, end))
        } else {
            let (text, end) = self.quoted_text(line, at, |next| {
                let doubled = self.byte(line, next) == Some(b'\'')
                    && self.byte(line, next + 1) == Some(b'\'');
                Ok(doubled.then_some(b'\''))
            })?;
            Ok((text, TScalarStyle::SingleQuoted, end))
        }
    }

    /// The text between the quote at `at` and the one closing it, and where the scalar ends.
    /// `escape` reads the two-byte escape at an offset, if one is there, as the byte it stands for.
    /// The text is copied only from the first escape on: most quoted scalars are borrowed as
    /// written.
    fn quoted_text(
        &self,
        line: Line,
        at: usize,
        escape: impl Fn(usize) -> Read<Option<u8>>,
    ) -> Read<(Cow<'a, str>, usize)> {
        let quote = self.text[at];
        let mut copy: Option<Vec<u8>> = None;
        let mut next = at + 1;
        loop {
            if let Some(escaped) = escape(next)? {
                copy.get_or_insert_with(|| self.text[at + 1..next].to_vec())
                    .push(escaped);
                next += 2;
                continue;
            }
            let byte = self.byte(line, next).ok_or(GiveUp)?;
            if byte == quote {
                break;
            }
            if let Some(copy) = &mut copy {
                copy.push(byte);
            }
            next += 1;
        }
        let text = copy.map_or_else(|| self.slice(at + 1, next), |copy| Cow::Owned(utf8(copy)));
        Ok((text, next + 1))
    }

    /// `|` or `>` after a key at `column`, with no indicator after it: the lines below indented
    /// past the key, kept as they are or folded into one, ending in one line break.
    fn block_scalar(&mut self, line: Line, at: usize, column: usize) -> Read {
        let folded = self.text[at] == b'>';
        self.expect_line_end(line, at + 1)?;
        // Lines are read here directly: blank and `#` lines belong to the scalar.
        let mut start = line.end + 1;
        let mut number = line.number + 1;
        let mut indent = None;
        let mut lines: Vec<&[u8]> = Vec::new();
        let mut blanks = 0;
        let mut first = None;
        let mut last = None;
        while start < self.text.len() {
            let end = line_end(self.text, start);
            let content = &self.text[start..end];
            let spaces = content.iter().take_while(|&&byte| byte == b' ').count();
            if spaces == content.len() {
                // Spaces on a blank line may be text or may be nothing, by rules of their own.
                if spaces > 0 {
                    return Err(GiveUp);
                }
                blanks += 1;
            } else {
                let indent = *indent.get_or_insert(spaces);
                if spaces < indent {
                    if spaces > column {
                        return Err(GiveUp);
                    }
                    break;
                }
                // More-indented lines and leading spaces have folding rules of their own.
                if spaces > indent || indent <= column {
                    return Err(GiveUp);
                }
                lines.extend(std::iter::repeat_n(&b""[..], blanks));
                blanks = 0;
                if first.is_none() {
                    first = Some(self.mark_at(start, number, start + indent));
                }
                lines.push(&content[indent..]);
                last = Some((end, number));
            }
            start = end + 1;
            number += 1;
        }
        // yaml-rust2 marks a block scalar where its text starts.
        let (Some(mark), Some((last_end, last_number))) = (first, last) else {
            return Err(GiveUp);
        };
        let mut text = Vec::new();
        for (index, content) in lines.iter().enumerate() {
            if index > 0 {
                let previous = lines[index - 1];
                // Folding turns a break between two lines of text into a space, and drops the
                // break before a blank line (which stands for a break of its own).
                match (folded, previous.is_empty(), content.is_empty()) {
                    (false, _, _) | (true, true, _) => text.push(b'\n'),
                    (true, false, false) => text.push(b' '),
                    (true, false, true) => {}
                }
            }
            text.extend_from_slice(content);
        }
        text.push(b'\n');
        self.builder.scalar(
            Cow::Owned(utf8(text)),
            if folded {
                TScalarStyle::Folded
            } else {
                TScalarStyle::Literal
            },
            0,
            None,
            &mark,
        );
        self.peeked = None;
        self.next = last_end + 1;
        self.next_number = last_number + 1;
        Ok(())
    }
}

/// Whether any byte is a control character other than a line feed. Every byte of the text is
/// looked at without stopping early, which the compiler turns into a vectorised loop.
fn has_control_byte(text: &[u8]) -> bool {
    text.iter().fold(false, |found, &byte| {
        found | ((byte < b' ') & (byte != b'\n')) | (byte == 0x7f)
    })
}

/// Whether a line starts or ends a document. Lines are split only when the text holds a `---` or
/// `...` that might be one: most suites have neither.
fn has_document_marker(text: &str) -> bool {
    let maybe = |marker: &str| text.starts_with(marker) || text.contains(&format!("\n{marker}"));
    (maybe("---") || maybe("..."))
        && text
            .as_bytes()
            .split(|&byte| byte == b'\n')
            .any(is_document_marker)
}

/// `---` or `...` alone or before a space at the start of a line: a document starts or ends there.
fn is_document_marker(line: &[u8]) -> bool {
    (line.starts_with(b"---") || line.starts_with(b"..."))
        && matches!(line.get(3), None | Some(b' '))
}

/// Whether a plain scalar may start with `byte`: YAML's indicators may not (`-`, `?` and `:` may,
/// before something other than a space, which is left to the full parser).
fn starts_plain(byte: u8) -> bool {
    !matches!(
        byte,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
            | b' '
    )
}

fn trim_spaces_end(bytes: &[u8]) -> &[u8] {
    let kept = bytes.len() - bytes.iter().rev().take_while(|&&byte| byte == b' ').count();
    &bytes[..kept]
}

/// The reader copies whole characters of UTF-8 text (it stops only at ASCII bytes, which never
/// continue a character) and ASCII escapes.
fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|error| {
        debug_assert!(false, "the quick reader split a character: {error}");
        String::from_utf8_lossy(error.as_bytes()).into_owned()
    })
}

fn line_end(text: &[u8], from: usize) -> usize {
    text[from..]
        .iter()
        .position(|&byte| byte == b'\n')
        .map_or(text.len(), |at| from + at)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::suite::yaml::tree::read_fully;

    /// When the quick reader reads `text`, yaml-rust2 reads the same tree from it. Returns whether
    /// the quick reader read it.
    fn same_as_full(text: &str) -> bool {
        let source = SourceFile::new("t.yaml", text);
        let Some(quick) = read(&source) else {
            return false;
        };
        let full = match read_fully(&source) {
            Ok(full) => format!("{full:#?}"),
            Err(error) => panic!("read quickly, but the full parser says {error:?}:\n{text}"),
        };
        let quick = format!("{quick:#?}");
        if quick != full {
            let (quick, full): (Vec<&str>, Vec<&str>) =
                (quick.lines().collect(), full.lines().collect());
            let at = (0..quick.len().min(full.len()))
                .find(|&line| quick[line] != full[line])
                .unwrap_or(quick.len().min(full.len()));
            let from = at.saturating_sub(12);
            panic!(
                "the readers differ:\n{text}\n--- quick\n{}\n--- full\n{}",
                quick[from..(at + 3).min(quick.len())].join("\n"),
                full[from..(at + 3).min(full.len())].join("\n")
            );
        }
        true
    }

    fn yaml_files(folder: &Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(folder).expect("a folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                yaml_files(&path, found);
            } else if path
                .extension()
                .is_some_and(|extension| extension == "yaml")
            {
                found.push(path);
            }
        }
    }

    #[test]
    fn every_bundled_suite_and_fixture_reads_the_same_and_the_suites_read_quickly() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut suites = Vec::new();
        yaml_files(&root.join("suites"), &mut suites);
        assert!(suites.len() > 10);
        for path in &suites {
            let text = std::fs::read_to_string(path).expect("readable");
            assert!(same_as_full(&text), "not read quickly: {}", path.display());
        }
        let mut fixtures = Vec::new();
        yaml_files(&root.join("fixtures"), &mut fixtures);
        for path in &fixtures {
            // A fixture that is not UTF-8 never reaches a reader.
            if let Ok(text) = std::fs::read_to_string(path) {
                same_as_full(&text);
            }
        }
    }

    #[test]
    fn the_usual_shapes_read_quickly_and_the_same() {
        for text in [
            "name: s\nsteps:\n  - name: a\n    request: { url: /x, bearer: \"{{ token }}\" }\n    expect:\n      status: 200\n      json: { $.id: 0 }\n    capture:\n      token: { json: $.next_token }\n",
            "name: s\nsteps:\n- name: a\n  request:\n    url: /x\n    headers:\n      X-A: 'it''s'\n",
            "a:\nb: ~\nc: # nothing\nd: null\n",
            "a: [1, two, 'three', \"four\"]\nb: []\nc: {}\nd: [{ a: b }, [c]]\n",
            "a: plain text:with colons, [brackets] {braces} and a#hash # then a comment\n",
            "name: caf\u{e9} \u{a7}4.1 \u{2713}\nb: '\u{e9}t\u{e9}'\nc: [\u{e9}, { \u{e9}: \u{e8} }]\nd: >\n  \u{e9}t\u{e9}\n",
            "a: value # a comment\n# a comment line\n   # an indented one\n\nb: x\n",
            "\"quoted key\": 1\n'single': 2\n$.a[0].b: 3\n",
            "a: \"esc \\\" \\\\ \\/ \\n \\t\"\n",
            "a: { url: http://localhost:8080/x?y=1, b: a:b }\n",
            "a:\n  - x\n  - y: 1\n    z: 2\n  -   w: 3\nb: 4\n",
            "description: >\n  Folded text\n  over lines.\n\n  A second paragraph.\n\n\n  A third.\nsteps: []\n",
            "body: |\n  {\"a\": 1}\n  # kept\n\n  end\nnext: x\n",
            "a: >\n\n  after a blank\n  line\nb: |\n\n\n  two\n",
            "a:\n    deep:\n        deeper: [x]\n    back: y\n",
            "a: x\n\n\n",
            "a: x",
        ] {
            assert!(same_as_full(text), "not read quickly:\n{text}");
        }
    }

    #[test]
    fn what_the_quick_reader_does_not_read_goes_to_the_full_parser() {
        for text in [
            "a: &anchor x\nb: *anchor\n",
            "a: !!str 1\n",
            "a: plain\n  continued\n",
            "a: \"quoted\n  over lines\"\n",
            "a: { b: c,\n  d: e }\n",
            "a: |-\n  strip\n",
            "a: >2\n   indented\n",
            "a:\n  -\n  - b\n",
            "a:\n  - - nested\n",
            "---\na: 1\n",
            "a: 1\n...\n",
            "a:\tb\n",
            "a: b\r\n",
            "\u{feff}a: b\n",
            "? complex\n: key\n",
            "a: b: c\n",
            "a: [b: c]\n",
            "a: { b }\n",
            "a: [1, 2,]\n",
            "key : value\n",
            "a: x\na: y\n",
            "- a\n- b\n",
            "  a: 1\n",
            "a: 1\n b: 2\n",
            "a: '1' x\n",
            "a: \"\\x41\"\n",
            "a: -1\n",
            "a: {{ token }}\n",
            "a: { b: c -}\n",
            "... x: y\n",
            "a: 1\n... b: 2\n",
            "a: 1\n...\n",
            "a: |\n  x\n---\n",
        ] {
            let source = SourceFile::new("t.yaml", text);
            assert!(read(&source).is_none(), "read quickly:\n{text}");
        }
    }

    /// Documents put together from pieces that sit near the quick reader's edges: both readers
    /// must agree on every one the quick reader takes.
    #[test]
    fn generated_documents_read_the_same() {
        const KEYS: &[&str] = &["a", "b c", "\"q\"", "'s''q'", "$.x[0]", "k:v", "#x", "x#y"];
        const VALUES: &[&str] = &[
            "",
            "x",
            "x # c",
            "x#c",
            "a: b",
            "a:b",
            "'q'",
            "'it''s'",
            "\"d\\\"q\"",
            "\"\"",
            "''",
            "{}",
            "[]",
            "{ a: b }",
            "{a: b, c: d}",
            "{ a: [1, 2] }",
            "[a, b]",
            "[ a , b ]",
            "[{ a: 1 }, x]",
            "{ u: http://h:1/p }",
            "{ a: b:c }",
            "{ a: }",
            "[a b, c]",
            "~",
            "null",
            "12",
            "-3",
            "1.5",
            "true",
            "x  ",
            "/p/{n}",
            "a [b] {c}",
            "'x' # c",
            "\"x\"#c",
            "|",
            ">",
            "x :",
            "x:",
            "@x",
            "%x",
            "{ \"a\": 'b' }",
            "{ a: \"b, c\" }",
            "caf\u{e9} \u{2713}",
            "'\u{e9}'",
            "[\u{e9}, \u{e8}]",
        ];
        const BLOCKS: &[&str] = &[
            "\n  - x\n  - y",
            "\n- x\n- y",
            "\n  n: 1\n  m: 2",
            "\n  - n: 1\n    m: [x]\n  - o",
            "\n  text\n  more",
            "\n  text\n\n  more\n",
            "\n    deep: x\n  back: y",
            "\n  -\n  - x",
            "\n  # only a comment",
            "\n\n  n: 1",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % bound as u64) as usize
        };
        let mut read_quickly = 0;
        for _ in 0..4000 {
            let mut text = String::new();
            for _ in 0..1 + next(4) {
                let key = KEYS[next(KEYS.len())];
                let value = VALUES[next(VALUES.len())];
                text.push_str(key);
                text.push(':');
                if !value.is_empty() {
                    text.push(' ');
                    text.push_str(value);
                }
                if next(3) == 0 {
                    text.push_str(BLOCKS[next(BLOCKS.len())]);
                }
                text.push('\n');
            }
            if same_as_full(&text) {
                read_quickly += 1;
            }
        }
        assert!(read_quickly > 400, "only {read_quickly} read quickly");
    }

    /// A small random source, the same on every run.
    struct Dice(u64);

    impl Dice {
        fn below(&mut self, bound: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % bound as u64) as usize
        }

        fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
            choices[self.below(choices.len())]
        }
    }

    const WORDS: &[&str] = &[
        "a",
        "name",
        "b c",
        "$.x",
        "/p/{n}",
        "x#y",
        "k:v",
        "\u{e9}t\u{e9}",
        "12",
        "~",
        "true",
        "-x",
        "a,b",
        "a -",
        "x]",
        "[x",
        "it's",
        "say \"hi\"",
        "back\\slash",
        "\\n",
        "@x",
        "`x`",
        "%x",
        "&x",
        "*x",
        "!x",
        "?x",
        "|x",
        ">x",
        "a: b",
        "a :b",
        "... x",
        "--- x",
        "x ",
        " x",
        "",
    ];

    /// A random block node written at `indent`, after a key (`after_key`) or a `- `.
    fn block_node(dice: &mut Dice, indent: usize, depth: usize, text: &mut String) {
        let step = 1 + dice.below(4);
        match if depth > 3 { 0 } else { dice.below(5) } {
            0 | 1 => {
                text.push(' ');
                inline_node(dice, depth, text);
                text.push('\n');
            }
            2 => {
                text.push('\n');
                for _ in 0..1 + dice.below(3) {
                    text.push_str(&" ".repeat(indent + step));
                    text.push_str(&quoted_or_plain(dice));
                    text.push(':');
                    block_node(dice, indent + step, depth + 1, text);
                }
            }
            3 => {
                text.push('\n');
                let at = if dice.below(2) == 0 {
                    indent
                } else {
                    indent + step
                };
                for _ in 0..1 + dice.below(3) {
                    text.push_str(&" ".repeat(at));
                    text.push_str("- ");
                    if dice.below(2) == 0 {
                        text.push_str(&quoted_or_plain(dice));
                        text.push(':');
                        block_node(dice, at + 2, depth + 1, text);
                        if dice.below(2) == 0 {
                            text.push_str(&" ".repeat(at + 2));
                            text.push_str("more:");
                            block_node(dice, at + 2, depth + 1, text);
                        }
                    } else {
                        inline_node(dice, depth, text);
                        text.push('\n');
                    }
                }
            }
            _ => {
                text.push_str(dice.pick(&[" >", " |", " >-", " |"]));
                text.push('\n');
                for _ in 0..1 + dice.below(3) {
                    if dice.below(3) == 0 {
                        text.push('\n');
                    }
                    text.push_str(&" ".repeat(indent + step));
                    text.push_str(dice.pick(WORDS));
                    text.push('\n');
                }
            }
        }
        if dice.below(6) == 0 {
            text.push_str(&" ".repeat(dice.below(6)));
            text.push_str(dice.pick(&["# note\n", "\n", "#\n"]));
        }
    }

    fn inline_node(dice: &mut Dice, depth: usize, text: &mut String) {
        match if depth > 4 { 0 } else { dice.below(4) } {
            0 | 1 => text.push_str(&quoted_or_plain(dice)),
            2 => {
                text.push('{');
                text.push_str(dice.pick(&["", " "]));
                for index in 0..dice.below(3) {
                    if index > 0 {
                        text.push_str(dice.pick(&[", ", ",", " , "]));
                    }
                    text.push_str(&quoted_or_plain(dice));
                    text.push_str(dice.pick(&[": ", ":", " : "]));
                    inline_node(dice, depth + 1, text);
                }
                text.push_str(dice.pick(&["}", " }"]));
            }
            _ => {
                text.push('[');
                for index in 0..dice.below(3) {
                    if index > 0 {
                        text.push_str(dice.pick(&[", ", ","]));
                    }
                    inline_node(dice, depth + 1, text);
                }
                text.push(']');
            }
        }
        if dice.below(8) == 0 {
            text.push_str(dice.pick(&[" # c", "  ", "#c", " x"]));
        }
    }

    fn quoted_or_plain(dice: &mut Dice) -> String {
        let word = dice.pick(WORDS);
        match dice.below(4) {
            0 => format!("'{}'", word.replace('\'', "''")),
            1 => format!("\"{}\"", word.replace('\\', "\\\\")),
            _ => word.to_owned(),
        }
    }

    /// Random documents in the shapes suites take, some of them broken on purpose by a character
    /// put in or taken out: both readers must agree on every one the quick reader takes.
    #[test]
    fn random_documents_read_the_same() {
        let mut dice = Dice(0x2545_f491_4f6c_dd1d);
        let mut read_quickly = 0;
        const DOCUMENTS: usize = 10_000;
        for _ in 0..DOCUMENTS {
            let mut text = String::new();
            for _ in 0..1 + dice.below(3) {
                text.push_str(&quoted_or_plain(&mut dice));
                text.push(':');
                block_node(&mut dice, 0, 0, &mut text);
            }
            if dice.below(3) == 0 {
                let mut chars: Vec<char> = text.chars().collect();
                let at = dice.below(chars.len());
                if dice.below(2) == 0 {
                    chars.remove(at);
                } else {
                    let inserted = dice.pick(&[
                        " ", ":", "-", "#", "'", "\"", "{", "}", "[", "]", ",", "\n", "\\", "&",
                        "*", "!", "|", ">", "?", "%", "@", "`", "\u{e9}",
                    ]);
                    chars.insert(at, inserted.chars().next().unwrap_or(' '));
                }
                text = chars.into_iter().collect();
            }
            if same_as_full(&text) {
                read_quickly += 1;
            }
        }
        assert!(
            read_quickly > DOCUMENTS / 10,
            "only {read_quickly} read quickly"
        );
    }
}
