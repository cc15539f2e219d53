//! Where snapshots live and how they are read and written: `<dir>/<suite file stem>/<step>.snap`
//! for an accepted snapshot, `.snap.new` beside it for one waiting for review. Every write is
//! atomic; accepted files are written only when the run accepts them.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::report::{Durability, write_atomic};

/// The longest step slug kept in a file name, in characters.
const MAX_SLUG_CHARS: usize = 80;

/// The accepted snapshot file of a step, and its pending twin.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SnapshotPaths {
    pub accepted: PathBuf,
    pub pending: PathBuf,
}

impl SnapshotPaths {
    pub fn new(dir: &Path, suite_file: &Path, step_name: &str, step_line: usize) -> Self {
        let accepted = suite_dir(dir, suite_file)
            .join(format!("{}.snap", step_file_stem(step_name, step_line)));
        let mut pending = accepted.clone().into_os_string();
        pending.push(".new");
        SnapshotPaths {
            accepted,
            pending: pending.into(),
        }
    }
}

/// The folder of a suite file's snapshots: its file name without the extension, under `dir`.
pub fn suite_dir(dir: &Path, suite_file: &Path) -> PathBuf {
    let stem = suite_file.file_stem().map_or_else(
        || "suite".to_owned(),
        |stem| stem.to_string_lossy().into_owned(),
    );
    dir.join(stem)
}

/// The name of a step's snapshot file without `.snap`: its name as a [`slug`], or `step-<line>`
/// for a name with nothing to keep.
pub fn step_file_stem(step_name: &str, step_line: usize) -> String {
    let slug = slug(step_name);
    if slug.is_empty() {
        format!("step-{step_line}")
    } else {
        slug
    }
}

/// A step name as a file name: lowercase letters and digits, other runs of characters as `-`.
pub fn slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    match slug.char_indices().nth(MAX_SLUG_CHARS) {
        Some((cut, _)) => slug[..cut].trim_end_matches('-').to_owned(),
        None => slug.to_owned(),
    }
}

/// The file's text, or `None` when there is no such file.
pub fn read(path: &Path) -> Result<Option<String>, String> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(error) if error.kind() == ErrorKind::NotFound => Ok(None),
        Err(error) => Err(format!("could not read {}: {error}", shown(path))),
    }
}

pub fn write(path: &Path, text: &str) -> Result<(), String> {
    write_atomic(path, text.as_bytes(), Durability::Synced).map_err(|error| {
        match std::error::Error::source(&error) {
            Some(source) => format!("{error}: {source}"),
            None => error.to_string(),
        }
    })
}

/// Removes a pending snapshot that the run made obsolete; a missing file is fine.
pub fn remove(path: &Path) -> Result<(), String> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == ErrorKind::NotFound => Ok(()),
        Err(error) => Err(format!("could not remove {}: {error}", shown(path))),
    }
}

/// A path as messages show it, with forward slashes.
pub fn shown(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_names_become_short_lowercase_slugs() {
        assert_eq!(
            slug("The callback signs the user in!"),
            "the-callback-signs-the-user-in"
        );
        assert_eq!(slug("GET /users/me → 200"), "get-users-me-200");
        assert_eq!(slug("Überprüfung"), "überprüfung");
        assert_eq!(slug("x".repeat(200).as_str()).len(), MAX_SLUG_CHARS);
        assert_eq!(slug("?!"), "");
    }

    #[test]
    fn files_are_named_after_the_suite_file_and_the_step() {
        let paths = SnapshotPaths::new(
            Path::new("snapshots"),
            Path::new("suites/jwt.yaml"),
            "Log in",
            3,
        );
        assert_eq!(paths.accepted, PathBuf::from("snapshots/jwt/log-in.snap"));
        assert_eq!(
            paths.pending,
            PathBuf::from("snapshots/jwt/log-in.snap.new")
        );
        let unnamed = SnapshotPaths::new(Path::new("snapshots"), Path::new("a.yml"), "…", 7);
        assert_eq!(unnamed.accepted, PathBuf::from("snapshots/a/step-7.snap"));
    }
}
