//! Errors in what a user wrote: each names the file, line and column, quotes the offending line
//! and, where we can guess, says what was meant. Rendered by miette.

use std::fmt;
use std::sync::Arc;

use miette::{LabeledSpan, NamedSource, SourceCode};

use super::span::{SourceFile, Span};

/// What kind of mistake a [`Diagnostic`] reports; also its stable code, `authprobe::<kind>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagnosticKind {
    YamlSyntax,
    EmptyFile,
    UnknownKey,
    MissingKey,
    WrongType,
    InvalidValue,
    BadJsonPath,
    BadRegex,
    BadTemplate,
    UndefinedVariable,
    /// `{{ env.NAME }}` with `NAME` unset: the machine's doing, not the suite's.
    UnsetEnvironmentVariable,
    UnknownIdentity,
    DuplicateName,
    UnreadableFile,
}

impl DiagnosticKind {
    pub fn code(self) -> &'static str {
        match self {
            DiagnosticKind::YamlSyntax => "authprobe::yaml_syntax",
            DiagnosticKind::EmptyFile => "authprobe::empty_file",
            DiagnosticKind::UnknownKey => "authprobe::unknown_key",
            DiagnosticKind::MissingKey => "authprobe::missing_key",
            DiagnosticKind::WrongType => "authprobe::wrong_type",
            DiagnosticKind::InvalidValue => "authprobe::invalid_value",
            DiagnosticKind::BadJsonPath => "authprobe::bad_jsonpath",
            DiagnosticKind::BadRegex => "authprobe::bad_regex",
            DiagnosticKind::BadTemplate => "authprobe::bad_template",
            DiagnosticKind::UndefinedVariable => "authprobe::undefined_variable",
            DiagnosticKind::UnsetEnvironmentVariable => "authprobe::unset_environment_variable",
            DiagnosticKind::UnknownIdentity => "authprobe::unknown_identity",
            DiagnosticKind::DuplicateName => "authprobe::duplicate_name",
            DiagnosticKind::UnreadableFile => "authprobe::unreadable_file",
        }
    }
}

/// One located error in a suite file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub kind: DiagnosticKind,
    /// A lowercase sentence: "unknown key `stauts` in `expect`".
    pub message: String,
    /// Short text under the carets.
    pub label: String,
    pub span: Span,
    pub help: Option<String>,
    source: Arc<SourceFile>,
    named: Arc<NamedSource<Arc<str>>>,
}

impl Diagnostic {
    pub fn new(
        kind: DiagnosticKind,
        source: &Arc<SourceFile>,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            kind,
            message: message.into(),
            label: label.into(),
            span,
            help: None,
            named: Arc::new(
                NamedSource::new(source.display_name(), quotable(&source.text))
                    .with_language("yaml"),
            ),
            source: Arc::clone(source),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_optional_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn file(&self) -> &SourceFile {
        &self.source
    }

    /// `path:line:column`, as editors and CI annotations read it.
    pub fn location(&self) -> String {
        format!(
            "{}:{}:{}",
            self.source.display_name(),
            self.span.line.max(1),
            self.span.column.max(1)
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        if self.shows_line() {
            return self
                .help
                .as_ref()
                .map(|help| Box::new(help) as Box<dyn fmt::Display>);
        }
        let at = format!(
            "at {} ({}: the line is too long to show)",
            self.location(),
            self.label
        );
        Some(Box::new(match &self.help {
            Some(help) => format!("{at}\n{help}"),
            None => at,
        }))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.shows_line().then_some(&*self.named as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if !self.shows_line() {
            return None;
        }
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(self.label.clone()),
            self.span,
        ))))
    }
}

/// The text as it may be quoted on a terminal: a control character (an escape sequence, a NUL)
/// becomes `?`, one byte for one, so that every span still points where it did.
fn quotable(text: &Arc<str>) -> Arc<str> {
    let is_control = |c: char| c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r');
    if text.contains(is_control) {
        Arc::from(text.replace(is_control, "?"))
    } else {
        Arc::clone(text)
    }
}

/// Lines longer than this (a long inline JSON body) are not quoted under a diagnostic: they would
/// fill the terminal, and the renderer cannot place a caret past column 65,535.
const LONGEST_LINE_SHOWN: usize = 1000;

impl Diagnostic {
    /// Whether the line is quoted, with the line before and after it as context.
    fn shows_line(&self) -> bool {
        let line = self.span.line.max(1);
        (line.saturating_sub(1).max(1)..=line + 1)
            .all(|quoted| self.source.line_len(quoted) <= LONGEST_LINE_SHOWN)
            && self.span.column <= LONGEST_LINE_SHOWN
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            (
                strsim::damerau_levenshtein(&word_lower, &candidate.to_lowercase()),
                candidate,
            )
        })
        .filter(|&(distance, candidate)| {
            distance <= 2.max(candidate.len() / 4) && distance < candidate.len()
        })
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_near_misses_only() {
        let keys = ["status", "headers", "cookies", "json"];
        assert_eq!(closest("stauts", keys), Some("status"));
        assert_eq!(closest("Header", keys), Some("headers"));
        assert_eq!(closest("xyz", keys), None);
    }
}
