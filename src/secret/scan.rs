//! The last line of defence: after the artifacts are written, search them for every secret in
//! every form. A hit fails the run.

use std::path::{Path, PathBuf};

use aho_corasick::AhoCorasick;

use super::forms::encoded_forms;
use super::redactor::forms_automaton;

/// A secret found in a written file. Carries the file and line, never the secret itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leak {
    pub file: PathBuf,
    pub line: usize,
    /// How long the text found is: a short secret may be ordinary text of the report itself.
    pub length: usize,
}

/// Searches `files` for every form of every secret, also as HTML and XML escape it (a secret in
/// `index.html` or `junit.xml` would be written escaped).
pub fn scan_files<'a>(files: &[PathBuf], secrets: impl Iterator<Item = &'a str>) -> Vec<Leak> {
    let Some(matcher) = forms_matcher(secrets, markup_escaped) else {
        return Vec::new();
    };
    let mut leaks = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let mut last_line = 0;
        for found in matcher.find_iter(&text) {
            let line = text[..found.start()].matches('\n').count() + 1;
            if line != last_line {
                leaks.push(Leak {
                    file: file.clone(),
                    line,
                    length: found.end() - found.start(),
                });
                last_line = line;
            }
        }
    }
    leaks
}

/// An automaton for every form of every secret, and each form as `extra` also writes it.
fn forms_matcher<'a>(
    secrets: impl Iterator<Item = &'a str>,
    extra: impl Fn(&str) -> Vec<String>,
) -> Option<AhoCorasick> {
    let mut forms: Vec<String> = secrets
        .flat_map(encoded_forms)
        .flat_map(|form| {
            let mut all = extra(&form);
            all.push(form);
            all
        })
        .collect();
    forms.sort();
    forms.dedup();
    forms_automaton(&forms)
}

/// `form` as XML text, as an XML attribute and as tera's HTML escaping writes it, where those
/// differ from `form` itself.
fn markup_escaped(form: &str) -> Vec<String> {
    if !form.contains(['&', '<', '>', '"', '\'', '/']) {
        return Vec::new();
    }
    let text = form
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let attribute = text.replace('"', "&quot;");
    let html = attribute.replace('\'', "&#x27;").replace('/', "&#x2F;");
    vec![text, attribute, html]
}

/// Every regular file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_secret_written_html_escaped() {
        let dir = tempfile_dir("scan");
        let file = dir.join("index.html");
        std::fs::write(&file, "<td>a&#x2F;b&amp;c&quot;d</td>\n").expect("writes");
        let leaks = scan_files(std::slice::from_ref(&file), ["a/b&c\"d"].into_iter());
        assert_eq!(
            leaks,
            vec![Leak {
                file: file.clone(),
                line: 1,
                length: "a&#x2F;b&amp;c&quot;d".len(),
            }]
        );
        std::fs::remove_dir_all(&dir).expect("cleans up");
    }

    fn tempfile_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("authprobe-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("creates");
        dir
    }
}
