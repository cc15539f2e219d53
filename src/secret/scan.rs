//! The last line of defence: after the artifacts are written, search them for every secret in
//! every form. A hit fails the run.

use std::path::{Path, PathBuf};

use super::forms::encoded_forms;

/// A secret found in a written file. Carries the file and line, never the secret itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leak {
    pub file: PathBuf,
    pub line: usize,
}

/// Searches `files` for every form of every secret.
pub fn scan_files<'a>(files: &[PathBuf], secrets: impl Iterator<Item = &'a str>) -> Vec<Leak> {
    let forms: Vec<String> = secrets.flat_map(encoded_forms).collect();
    let mut leaks = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for (index, line) in text.lines().enumerate() {
            if forms.iter().any(|form| line.contains(form.as_str())) {
                leaks.push(Leak {
                    file: file.clone(),
                    line: index + 1,
                });
            }
        }
    }
    leaks
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
