//! Writing a file whole or not at all: a temporary file beside it, then put in its place in one
//! step. A run stopped halfway never leaves a truncated report or snapshot behind.

use std::io::{BufWriter, Write};
use std::path::Path;

use super::ReportError;

/// How far a write must get before the file is renamed into place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Handed to the operating system: whole for every process, even one that kills ours. For
    /// reports, which every run writes anew.
    Written,
    /// On the disk before the rename, so that not even a power cut leaves an empty file. For
    /// accepted snapshots, which people review and commit.
    Synced,
}

pub fn write_atomic(
    path: &Path,
    contents: &[u8],
    durability: Durability,
) -> Result<(), ReportError> {
    write_atomic_with(path, durability, |file| file.write_all(contents))
}

/// [`write_atomic`] for contents produced piece by piece (a large report is encoded straight
/// into the file, never whole in memory). The writer is a concrete type so that an encoder's many
/// small writes compile to copies into its buffer, not to calls through a `dyn Write`.
pub fn write_atomic_with(
    path: &Path,
    durability: Durability,
    write: impl FnOnce(&mut BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<(), ReportError> {
    let failed = |source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(failed)?;
    let name = path
        .file_name()
        .map_or_else(|| "artifact".into(), |name| name.to_string_lossy());
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut writer = BufWriter::with_capacity(64 * 1024, std::fs::File::create(&temporary)?);
        write(&mut writer)?;
        let file = writer
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        if durability == Durability::Synced {
            file.sync_all()?;
        }
        put_in_place(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result.map_err(failed)
}

/// Gives `temporary` the name `path`. Readers only ever see the old file whole or the new one.
///
/// Where the system can swap two names in one step, the new file swaps names with the old one,
/// which is then removed: ext4 writes a file renamed over another out to the disk before the
/// rename returns (its guard for programs that never call fsync), half a millisecond for a
/// report of a few hundred KB that the run would wait for, and it does not do so for a swap. A
/// report is then as safe from a power cut as any file written without fsync; snapshots, which
/// people commit, are synced before (see [`Durability`]).
#[cfg(target_os = "linux")]
fn put_in_place(temporary: &Path, path: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    let is_file = |path: &Path| std::fs::symlink_metadata(path).is_ok_and(|found| found.is_file());
    // Only a file is swapped: a directory (or anything else) in the way must fail as a rename
    // over it fails, not be moved aside.
    if is_file(path) && renameat_with(CWD, temporary, CWD, path, RenameFlags::EXCHANGE).is_ok() {
        // What now has the temporary name is the old file, unless something else took its
        // place in between: that is swapped back, and the rename below says what is wrong.
        match std::fs::symlink_metadata(temporary) {
            Ok(found) if !found.is_file() => {
                renameat_with(CWD, temporary, CWD, path, RenameFlags::EXCHANGE)?;
            }
            _ => {
                let _ = std::fs::remove_file(temporary);
                return Ok(());
            }
        }
    }
    // The first write, or a file system that cannot swap.
    std::fs::rename(temporary, path)
}

#[cfg(not(target_os = "linux"))]
fn put_in_place(temporary: &Path, path: &Path) -> std::io::Result<()> {
    std::fs::rename(temporary, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = std::env::temp_dir().join(format!("authprobe-atomic-{}", std::process::id()));
        let path = dir.join("nested").join("out.json");
        write_atomic(&path, b"one", Durability::Synced).expect("writes");
        write_atomic(&path, b"two", Durability::Written).expect("rewrites");
        assert_eq!(std::fs::read(&path).expect("reads"), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().expect("parent"))
            .expect("lists")
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        std::fs::remove_dir_all(&dir).expect("cleans up");
    }

    #[test]
    fn a_directory_in_the_way_is_an_error_and_stays_where_it_is() {
        let dir = std::env::temp_dir().join(format!("authprobe-atomic-dir-{}", std::process::id()));
        let path = dir.join("report.json");
        std::fs::create_dir_all(path.join("inside")).expect("creates the directory in the way");
        let error = write_atomic(&path, b"new", Durability::Written)
            .expect_err("cannot replace a directory");
        assert!(matches!(error, ReportError::Write { .. }), "{error:?}");
        assert!(path.join("inside").is_dir(), "the directory was moved");
        let names: Vec<String> = std::fs::read_dir(&dir)
            .expect("lists")
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["report.json"], "nothing is left beside it");
        std::fs::remove_dir_all(&dir).expect("cleans up");
    }
}
