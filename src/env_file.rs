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

/// Reads `NAME=value` lines; blank lines and `#` comments are skipped, `export ` is allowed, and a
/// value may be wrapped in single or double quotes.
pub fn read(path: &Path) -> Result<HashMap<String, String>, EnvFileError> {
    let display = path.to_string_lossy().replace('\\', "/");
    let text = std::fs::read_to_string(path).map_err(|source| EnvFileError::Read {
        path: display.clone(),
        source,
    })?;
    parse(&text).map_err(|(line, message)| EnvFileError::Syntax {
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
        let value = ['"', '\'']
            .iter()
            .find_map(|quote| {
                value
                    .strip_prefix(*quote)
                    .and_then(|v| v.strip_suffix(*quote))
            })
            .unwrap_or(value);
        values.insert(name.to_owned(), value.to_owned());
    }
    Ok(values)
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
    fn a_line_without_equals_is_located() {
        assert_eq!(parse("A=1\noops\n").expect_err("no `=`").0, 2);
    }
}
