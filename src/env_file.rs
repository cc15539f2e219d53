//! `--env-file`: `NAME=value` lines, as dotenv writes them, read into what templates see as
//! `env.NAME`.

use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum EnvFileError {
    #[error("failed to read env file {path}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Syntax {
        path: String,
        line: usize,
        message: String,
    },
}

/// Reads `NAME=value` lines; blank lines and `#` comments are skipped, `export ` is allowed, a
/// value may be wrapped in single quotes (taken as written) or double quotes (where `\"`, `\\`,
/// `\'`, `\n`, `\r` and `\t` are escapes, as python-dotenv reads them), and ` # …` after a value
/// is a comment.
pub fn read(path: &Path) -> Result<HashMap<String, String>, EnvFileError> {
    let display = path.to_string_lossy().replace('\\', "/");
    let text = std::fs::read_to_string(path).map_err(|source| EnvFileError::Read {
        path: display.clone(),
        source,
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    parse(text).map_err(|(line, message)| EnvFileError::Syntax {
        path: display,
        line,
        message,
    })
}

fn parse(text: &str) -> Result<HashMap<String, String>, (usize, String)> {
    let mut values = HashMap::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((name, value)) = line.split_once('=') else {
            return Err((index + 1, format!("expected NAME=value, found `{line}`")));
        };
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err((index + 1, format!("`{name}` is not a valid variable name")));
        }
        let value = value.trim();
        let value = match value.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let Some(inner) = quoted(value, quote) else {
                    return Err((
                        index + 1,
                        format!("the value of `{name}` opens a {quote} quote that is never closed"),
                    ));
                };
                // Double quotes read escapes; single quotes take the value as written.
                if quote == '"' {
                    unescaped(inner)
                } else {
                    inner.to_owned()
                }
            }
            // As in other dotenv readers, ` #` starts a comment after an unquoted value (quote
            // a value that holds one).
            Some('#') => String::new(),
            _ => value
                .find(" #")
                .or_else(|| value.find("\t#"))
                .map_or(value, |comment| value[..comment].trim_end())
                .to_owned(),
        };
        values.insert(name.to_owned(), value);
    }
    Ok(values)
}

/// The inside of a value that starts with `quote`: up to the first closing quote that only
/// spaces or a `# comment` follow (`\"` does not close a double-quoted value), so that a quote
/// inside it (`"{"a":1}"`, `'it's'`) or in the comment after it (`"x" # say "hi"`) stays where
/// it is. `None` when no quote closes it.
fn quoted(value: &str, quote: char) -> Option<&str> {
    let inner = &value[1..];
    let mut escaped = false;
    for (at, c) in inner.char_indices() {
        if quote == '"' && c == '\\' && !escaped {
            escaped = true;
            continue;
        }
        if c == quote && !escaped {
            let after = inner[at + 1..].trim_start();
            if after.is_empty() || after.starts_with('#') {
                return Some(&inner[..at]);
            }
        }
        escaped = false;
    }
    None
}

/// A double-quoted value's escapes read: `\"`, `\\`, `\'`, `\n`, `\r`, `\t`; any other backslash
/// stays (`"C:\data"`, a regex's `\d`), as python-dotenv keeps it.
fn unescaped(inner: &str) -> String {
    let mut value = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            value.push(c);
            continue;
        }
        let escaped = match chars.peek() {
            Some('"') => '"',
            Some('\\') => '\\',
            Some('\'') => '\'',
            Some('n') => '\n',
            Some('r') => '\r',
            Some('t') => '\t',
            _ => {
                value.push('\\');
                continue;
            }
        };
        chars.next();
        value.push(escaped);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dotenv_lines() {
        let values =
            parse("# staging\nexport A=1\nB = \"two words\"\n\nC='x=y'\n").expect("parses");
        assert_eq!(values["A"], "1");
        assert_eq!(values["B"], "two words");
        assert_eq!(values["C"], "x=y");
    }

    #[test]
    fn a_comment_may_follow_a_value_and_a_quote_must_close() {
        let values =
            parse("A=bar # note\nB=\"x # y\"  # note\nC=a#b\nD= # note\n").expect("parses");
        assert_eq!(values["A"], "bar");
        assert_eq!(values["B"], "x # y");
        assert_eq!(values["C"], "a#b");
        assert_eq!(values["D"], "");
        // A quote inside a quoted value: escaped in double quotes, as dotenv reads it, or a
        // line that ends with the quote it opened with.
        let values =
            parse("A=\"a\\\"b\"\nB=\"{\"a\":1}\"\nC='it's'\nD=\"a\\\"b\" # c\n").expect("parses");
        assert_eq!(values["A"], "a\"b");
        assert_eq!(values["B"], "{\"a\":1}");
        assert_eq!(values["C"], "it's");
        assert_eq!(values["D"], "a\"b");
        let (line, message) = parse("A=1\nB=\"open\n").expect_err("an open quote");
        assert_eq!(line, 2);
        assert!(message.contains("never closed"), "{message}");
        // An escaped quote does not close it; a quote in the comment after it is the comment's.
        assert!(parse("A=\"abc\\\"\n").is_err());
        let values = parse("B=\"x\" # say \"hi\"\nC='y' # it's\n").expect("parses");
        assert_eq!(values["B"], "x");
        assert_eq!(values["C"], "y");
    }

    #[test]
    fn double_quotes_read_escapes_and_single_quotes_take_the_value_as_written() {
        let values = parse(concat!(
            "A=\"back\\\\slash\"\n",
            "B=\"line\\nbreak\\ttab\"\n",
            "C=\"C:\\data\\d+\"\n",
            "D='pa\\\"ss\\n'\n",
        ))
        .expect("parses");
        assert_eq!(values["A"], "back\\slash");
        assert_eq!(values["B"], "line\nbreak\ttab");
        assert_eq!(values["C"], "C:\\data\\d+");
        assert_eq!(values["D"], "pa\\\"ss\\n");
    }

    #[test]
    fn a_line_without_equals_is_located() {
        assert_eq!(parse("A=1\noops\n").expect_err("no `=`").0, 2);
    }
}
