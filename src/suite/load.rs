//! Finding suite files and loading them: read, parse, validate. Every file is loaded even when an
//! earlier one fails, so one run shows every mistake.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::diagnostic::{Diagnostic, DiagnosticKind, closest};
use super::model::Suite;
use super::raw::RawSuite;
use super::span::{SourceFile, display_path};
use super::validate::{LoadOptions, validate};
use super::yaml::{self, YamlError};

/// A path given on the command line that is not a suite file or folder. Not located in any suite,
/// so it is a usage error rather than a [`Diagnostic`].
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("no such file or folder: {}", display_path(.0))]
    NotFound(PathBuf),
    #[error("no suite files (*.yaml, *.yml) under {}", display_path(.0))]
    NoSuites(PathBuf),
    #[error("failed to read folder {}", display_path(.path))]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The suite files named by `paths`: files as given, folders searched recursively, sorted.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, DiscoverError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = files.len();
            collect_dir(path, &mut files, &mut HashSet::new())?;
            files[before..].sort();
            if files.len() == before {
                return Err(DiscoverError::NoSuites(path.clone()));
            }
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(DiscoverError::NotFound(path.clone()));
        }
    }
    files.dedup();
    Ok(files)
}

/// `searched` holds the folders searched so far, as they really are: a folder reached again
/// through a link (back up, or to a sibling) is searched once, and a loop of links ends.
fn collect_dir(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    searched: &mut HashSet<PathBuf>,
) -> Result<(), DiscoverError> {
    let unreadable = |source| DiscoverError::Unreadable {
        path: dir.to_path_buf(),
        source,
    };
    if !searched.insert(std::fs::canonicalize(dir).map_err(unreadable)?) {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if path.is_dir() {
            collect_dir(&path, files, searched)?;
        } else if path
            .extension()
            .is_some_and(|extension| extension == "yaml" || extension == "yml")
        {
            files.push(path);
        }
    }
    Ok(())
}

/// Reads and loads one suite file.
pub fn load_file(path: &Path, options: &LoadOptions) -> Result<Suite, Vec<Diagnostic>> {
    match std::fs::read(path).map(String::from_utf8) {
        // A byte-order mark, as some Windows editors write, is not part of the suite.
        Ok(Ok(text)) => match text.strip_prefix('\u{feff}') {
            Some(rest) => load_source(SourceFile::new(path, rest), options),
            None => load_source(SourceFile::new(path, text), options),
        },
        Ok(Err(not_utf8)) => Err(vec![not_utf8_diagnostic(path, &not_utf8)]),
        Err(error) => {
            let source = Arc::new(SourceFile::new(path, ""));
            Err(vec![Diagnostic::new(
                DiagnosticKind::UnreadableFile,
                &source,
                Default::default(),
                format!("failed to read suite file: {error}"),
                "",
            )])
        }
    }
}

/// Where the text stops being UTF-8, shown with the (valid) text before it on that line.
fn not_utf8_diagnostic(path: &Path, error: &std::string::FromUtf8Error) -> Diagnostic {
    let bytes = error.as_bytes();
    let valid = error.utf8_error().valid_up_to();
    let line_end = bytes[valid..]
        .iter()
        .position(|&byte| byte == b'\n')
        .map_or(bytes.len(), |at| valid + at);
    // The file up to the end of that line, the bad bytes shown as U+FFFD, for the excerpt: the
    // text before them is as it was, byte for byte.
    let source = Arc::new(SourceFile::new(
        path,
        String::from_utf8_lossy(&bytes[..line_end]).into_owned(),
    ));
    let span = source.span_at(valid, 1);
    Diagnostic::new(
        DiagnosticKind::UnreadableFile,
        &source,
        span,
        format!(
            "the suite file is not UTF-8 text (byte 0x{:02X})",
            bytes[valid]
        ),
        "not UTF-8",
    )
    .with_help("save the file as UTF-8 (text in Latin-1 or UTF-16 is not read)")
}

/// The tags a suite file declares, read on their own: for a file that could not be loaded, to
/// tell whether `--tag`/`--skip-tag` leave it out. `None` when they cannot be read.
pub fn declared_tags(path: &Path) -> Option<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct TagsOnly {
        #[serde(default)]
        tags: Vec<String>,
    }
    let text = std::fs::read_to_string(path).ok()?;
    let source = SourceFile::new(path, text.trim_start_matches('\u{feff}'));
    yaml::parse::<TagsOnly>(&source)
        .ok()
        .map(|(raw, _)| raw.tags)
}

/// Loads a suite from text already in memory.
pub fn load_source(source: SourceFile, options: &LoadOptions) -> Result<Suite, Vec<Diagnostic>> {
    let source = Arc::new(source);
    match yaml::parse::<RawSuite>(&source) {
        Ok((raw, spans)) => validate(raw, Arc::clone(&source), spans, options),
        Err(error) => Err(vec![yaml_diagnostic(&source, error)]),
    }
}

fn yaml_diagnostic(source: &Arc<SourceFile>, error: YamlError) -> Diagnostic {
    match error {
        YamlError::Empty => Diagnostic::new(
            DiagnosticKind::EmptyFile,
            source,
            source.line_span(1),
            "suite file is empty",
            "nothing here",
        )
        .with_help("a suite needs at least `name:` and `steps:`; see suites/ for examples"),
        YamlError::Syntax { message, span } => {
            let line = line_at(source, span.line);
            Diagnostic::new(
                DiagnosticKind::YamlSyntax,
                source,
                span,
                format!("invalid YAML: {message}"),
                "here",
            )
            .with_optional_help(unquoted_template_hint(line).or_else(|| syntax_hint(&message)))
        }
        YamlError::Shape {
            location,
            message,
            span,
        } => shape_diagnostic(source, &location, &message, span),
    }
}

/// Classifies serde's message (at `steps[0].expect`: "unknown field `stauts`, expected one of …").
fn shape_diagnostic(
    source: &Arc<SourceFile>,
    location: &str,
    detail: &str,
    span: super::span::Span,
) -> Diagnostic {
    let within = if location.is_empty() {
        "the suite".to_owned()
    } else {
        format!("`{location}`")
    };
    let line = line_at(source, span.line);
    if let Some(rest) = detail.strip_prefix("unknown field ") {
        let key = between_backticks(rest).unwrap_or_default();
        let expected: Vec<&str> = rest
            .split_once("expected ")
            .map(|(_, list)| list.split(", ").filter_map(between_backticks).collect())
            .unwrap_or_default();
        let help = closest(key, expected.iter().copied())
            .map(|near| format!("did you mean `{near}`?"))
            .unwrap_or_else(|| format!("{within} takes {}", super::validate::name_list(&expected)));
        return Diagnostic::new(
            DiagnosticKind::UnknownKey,
            source,
            span,
            format!("unknown key `{key}` in {within}"),
            "unknown key",
        )
        .with_help(help);
    }
    if let Some(rest) = detail.strip_prefix("missing field ") {
        let key = between_backticks(rest).unwrap_or_default();
        return Diagnostic::new(
            DiagnosticKind::MissingKey,
            source,
            span,
            format!("{within} needs `{key}`"),
            format!("`{key}` missing"),
        )
        .with_optional_help(missing_key_hint(key));
    }
    if let Some(rest) = detail.strip_prefix("invalid type: ") {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another type"));
        return Diagnostic::new(
            DiagnosticKind::WrongType,
            source,
            span,
            format!(
                "wrong type for {within}: expected {}, found {found}",
                plain_type(expected)
            ),
            "wrong type",
        )
        .with_optional_help(
            unquoted_template_hint(line)
                .or_else(|| map_example(expected).map(str::to_owned))
                .or_else(|| shape_hint(plain_type(expected))),
        );
    }
    Diagnostic::new(
        DiagnosticKind::InvalidValue,
        source,
        span,
        format!("invalid value for {within}: {detail}"),
        "here",
    )
    .with_optional_help(unquoted_template_hint(line).or_else(|| {
        detail
            .contains("no JSON form")
            .then(|| "write a number, or quote it (`'.nan'`) for the text".to_owned())
    }))
}

fn line_at(source: &SourceFile, line: usize) -> &str {
    source
        .text
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or_default()
}

fn between_backticks(text: &str) -> Option<&str> {
    let start = text.find('`')? + 1;
    let end = text[start..].find('`')? + start;
    Some(&text[start..end])
}

fn plain_type(expected: &str) -> &str {
    match expected {
        "a string" | "string" => "a string",
        "u32" | "usize" | "u16" | "u64" => "a whole number",
        "a boolean" => "`true` or `false`",
        "a sequence" => "a list",
        // serde names the struct the map was to fill (`struct RawRetry`): a name of ours.
        other if other.starts_with("struct ") => "a map",
        other => other,
    }
}

/// What the map serde expected (`struct RawRetry`) looks like when written.
fn map_example(expected: &str) -> Option<&'static str> {
    Some(match expected.strip_prefix("struct ")? {
        "RawRetry" => "write `retry: { attempts: 3, delay: 1s }`",
        "RawRequest" => "write `request: { method: GET, url: /path }`",
        "RawExpect" => "write `expect: { status: 200 }`",
        "RawRedirectExpect" => "write `redirect: { to: /path, query: { code: { exists: true } } }`",
        "RawCookieExpect" => "write `session: { exists: true, http_only: true, secure: true }`",
        "RawBasic" => "write `basic: { username: alice, password: \"{{ password }}\" }`",
        "RawAttacks" => {
            "write `attacks: { jwt: [alg-none, tampered-claims] }` or `{ api_key: [missing, wrong] }`"
        }
        "RawRace" => "write `race: { count: 10, max_success: 1 }`",
        "RawIdentity" => "write `alice: { bearer: \"{{ token }}\" }` or `{ headers: { … } }`",
        "RawCapture" => {
            "write `token: { json: $.access_token }` (or `header:`, `cookie:`, `regex:` …)"
        }
        "RawCheck" => "write `check: { refresh_rotation: { … } }`, one kind per step",
        "RawMocks" => "write `mocks: { google: { … } }` or `{ github: { … } }`",
        "RawJwtExpect" => {
            "write `$.access_token: { secret: \"{{ jwt_secret }}\", alg: [HS256] }` (or `pem:`, `jwks:`)"
        }
        "RawMockCallsExpect" => "write `google.token: { count: 1 }`",
        "RawSuite" => "a suite file is a map: `name: …` and `steps: …` lines",
        "RawStep" => "write a step as `- name: …` with `request:` under it",
        _ => return None,
    })
}

/// YAML reads `url: {{ token }}` as a nested map; the fix is quotes.
fn unquoted_template_hint(line: &str) -> Option<String> {
    let (key, value) = line.split_once(": ")?;
    let value = value.trim();
    value.starts_with("{{").then(|| {
        format!(
            "YAML reads a value that starts with `{{{{` as a map; quote it: {}: \"{}\"",
            key.trim().trim_start_matches("- "),
            value.replace('"', "\\\"")
        )
    })
}

fn syntax_hint(message: &str) -> Option<String> {
    // The messages authprobe writes quote the suite's own text, so they are told apart by how
    // they start and end, before any search for a parser message's words inside them.
    let hint = if message.starts_with("duplicate key") {
        "keep one of the two: a mapping names each key once"
    } else if message.starts_with("aliases expand") {
        "an alias repeats a value; aliases of aliases multiply it: write the values out"
    } else if message.starts_with("nesting deeper") {
        "flatten the structure: no suite needs this many levels"
    } else if message.starts_with("unsupported tag") {
        "remove the `!tag`; quote the value to make it a string"
    } else if message.contains(", as its tag `!!") && message.ends_with("` says") {
        "write a value of that type, or remove the tag to keep the value as written"
    } else if message.starts_with("a suite file holds one YAML document") {
        "put each suite in its own file"
    } else if message.starts_with("a NUL character") {
        "save the suite as UTF-8 text, without the character (an editor that shows invisible characters finds it)"
    } else if message.contains("tab") {
        "indent with spaces; YAML does not allow tabs"
    } else if message.contains("unknown escape character") {
        "inside double quotes a backslash starts an escape (`\\n`, `\\\"`): write `\\\\` for a backslash, or use single quotes ('^\\d+$')"
    } else if message.contains("trailing content after") {
        "text goes on after the closing quote: inside single quotes write an apostrophe as `''`, inside double quotes a quote as `\\\"`"
    } else if message.contains("quoted scalar") {
        "a quote opened here is never closed: close it on the same line"
    } else if message.contains("mapping values are not allowed") {
        "a value containing `: ` must be quoted"
    } else if message.contains("did not find expected") || message.contains("while parsing") {
        "check the indentation and the closing brackets and quotes on this line and the one before"
    } else {
        return None;
    };
    Some(hint.to_owned())
}

fn shape_hint(expected: &str) -> Option<String> {
    Some(match expected {
        "a list" => "write a list as one `- item` per line, or `[a, b]`".to_owned(),
        "a map" => "write a map as `key: value` lines, or `{ key: value }`".to_owned(),
        "`true` or `false`" => "write `true` or `false`, without quotes".to_owned(),
        "a string" => "quote the value: \"…\"".to_owned(),
        "a whole number" => "write a number without quotes, such as `3`".to_owned(),
        _ => return None,
    })
}

fn missing_key_hint(key: &str) -> Option<String> {
    Some(match key {
        "name" => "every suite and step has a `name:`".to_owned(),
        "steps" => "a suite lists its requests under `steps:`".to_owned(),
        "request" => "a step needs `request: { method: GET, url: /path }`".to_owned(),
        "url" => "a request needs `url:`, absolute or relative to --target".to_owned(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::syntax_hint;

    #[test]
    fn a_hint_is_chosen_by_what_authprobe_wrote_not_by_the_suite_text_it_quotes() {
        let tag = syntax_hint("`table` is not an integer, as its tag `!!int` says");
        assert_eq!(
            tag.as_deref(),
            Some("write a value of that type, or remove the tag to keep the value as written")
        );
        let duplicate =
            syntax_hint("duplicate key `stable quoted scalar` (first written on line 2)");
        assert_eq!(
            duplicate.as_deref(),
            Some("keep one of the two: a mapping names each key once")
        );
        let tab = syntax_hint("while scanning a plain scalar, found a tab");
        assert_eq!(
            tab.as_deref(),
            Some("indent with spaces; YAML does not allow tabs")
        );
    }
}
