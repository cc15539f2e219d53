//! Response snapshots: a step with `snapshot:` has its response (status, chosen headers, body)
//! made stable ([`volatile`]), masked, written as a readable file ([`format`]) and compared with
//! the accepted one under `snapshots/` ([`store`]).
//!
//! Snapshots are checked after the run, on the masked [`RunResult`], so that a snapshot can only
//! ever hold what a report may hold. Each checked step gets a `snapshot` check:
//!
//! - default: a match passes; a difference fails with a unified diff, and this run's version is
//!   left beside the accepted one as `<step>.snap.new` for review; a step with no accepted
//!   snapshot records a pending `.snap.new` and passes, unless `--ci`, where it fails.
//! - `--update-snapshots`: accepts this run's version (writes `.snap`, removes `.snap.new`) for
//!   steps whose other checks passed; a failing step's response is never accepted.
//!
//! Accepted files are never written without `--update-snapshots`, and every write is atomic.

mod format;
mod store;
mod volatile;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use format::comparable;
pub use store::{SnapshotPaths, step_file_stem};
pub use volatile::{stabilize_header, stabilize_json, stabilize_text};

use crate::runner::{CheckResult, RunResult, StepResult, StepStatus, Summary};
use crate::secret::Redactor;
use crate::suite::{SnapshotSpec, Suite};

/// How this run treats snapshots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotOptions {
    /// Where snapshot files live (`--snapshot-dir`, `snapshots` by default).
    pub dir: PathBuf,
    /// `--update-snapshots`: accept this run's responses.
    pub update: bool,
    /// `--ci`: a step without an accepted snapshot fails.
    pub ci: bool,
}

impl Default for SnapshotOptions {
    fn default() -> Self {
        SnapshotOptions {
            dir: PathBuf::from("snapshots"),
            update: false,
            ci: false,
        }
    }
}

/// What happened to one step's snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotState {
    /// Same as the accepted snapshot.
    Matched,
    /// Differs from the accepted snapshot; this run's version is pending beside it.
    Mismatched,
    /// No accepted snapshot yet; this run's version is pending.
    Pending,
    /// Written as the accepted snapshot (`--update-snapshots`).
    Accepted,
    /// Could not be read or written, or another step already uses the file.
    Failed,
}

/// One checked snapshot, for the console.
#[derive(Debug, Clone)]
pub struct SnapshotNote {
    pub suite: String,
    pub step: String,
    pub state: SnapshotState,
    /// Whether the step's `snapshot` check passed (a pending snapshot fails under `--ci`).
    pub passed: bool,
    /// The accepted file, as shown to people.
    pub file: String,
    /// What happened, in one sentence (the check's `actual`).
    pub message: String,
    pub diff: Option<String>,
}

/// Every snapshot the run checked, and the files it wrote.
#[derive(Debug, Clone, Default)]
pub struct SnapshotSummary {
    pub notes: Vec<SnapshotNote>,
    pub written: Vec<PathBuf>,
    /// Snapshot files in the folders of the suites that ran that none of their steps names (a
    /// step renamed or removed, or its snapshot switched off), as shown to people. Listed, never
    /// deleted: an accepted snapshot changes only by hand or with `--update-snapshots`.
    pub stale: Vec<String>,
}

impl SnapshotSummary {
    pub fn count(&self, state: SnapshotState) -> usize {
        self.notes.iter().filter(|note| note.state == state).count()
    }
}

/// Checks (or accepts) the snapshot of every step that asks for one, adds a `snapshot` check to
/// each, fails the steps whose check failed and recounts the summary. `run` must already be
/// masked by `redactor`, which also masks what is decoded here.
pub fn check_run(
    suites: &[Suite],
    run: &mut RunResult,
    redactor: &Redactor,
    options: &SnapshotOptions,
) -> SnapshotSummary {
    let mut summary = SnapshotSummary::default();
    let mut claimed: HashMap<PathBuf, (String, String)> = HashMap::new();
    for (suite, suite_result) in suites.iter().zip(&mut run.suites) {
        // Results come in step order (an interrupted run only stops early).
        for (step, result) in suite.steps.iter().zip(&mut suite_result.steps) {
            // By line: a name may have been masked (a declared secret written in it).
            if step.span.line != result.line {
                continue;
            }
            let Some(spec) = &step.snapshot else {
                continue;
            };
            // Named as the step is written in the suite file (which holds whatever the name
            // holds): a name masked with the secrets one run learnt would change run to run.
            let paths =
                SnapshotPaths::new(&options.dir, &suite.source.path, &step.name, step.span.line);
            let outcome = match claimed.get(&paths.accepted) {
                Some((other_suite, other_step)) => Outcome::failed(format!(
                    "{} is already the snapshot of step `{other_step}` in suite `{other_suite}`: rename one of the steps or suite files",
                    store::shown(&paths.accepted)
                )),
                None => {
                    claimed.insert(
                        paths.accepted.clone(),
                        (suite.name.clone(), step.name.clone()),
                    );
                    match check_step(
                        &suite.name,
                        result,
                        spec,
                        &paths,
                        redactor,
                        options,
                        &mut summary.written,
                    ) {
                        Some(outcome) => outcome,
                        None => continue,
                    }
                }
            };
            let file = store::shown(&paths.accepted);
            let passed = match outcome.state {
                SnapshotState::Matched | SnapshotState::Accepted => true,
                SnapshotState::Pending => !options.ci,
                SnapshotState::Mismatched | SnapshotState::Failed => false,
            };
            let diff = outcome.diff.map(|diff| redactor.mask(&diff).into_owned());
            let message = redactor.mask(&outcome.message).into_owned();
            // The step changes: its reports' drafts, made during the run, are stale.
            result.drafts.forget_reports();
            result.checks.push(CheckResult {
                name: "snapshot".to_owned(),
                passed,
                expected: format!("matches {file}"),
                actual: message.clone(),
                line: spec.span.line,
                diff: diff.clone(),
            });
            if !passed && result.status == StepStatus::Passed {
                result.status = StepStatus::Failed;
            }
            summary.notes.push(SnapshotNote {
                suite: redactor.mask(&suite.name).into_owned(),
                step: redactor.mask(&step.name).into_owned(),
                state: outcome.state,
                passed,
                file,
                message,
                diff,
            });
        }
    }
    // A run that stopped early did not reach every step: their files would look stale.
    if !run.interrupted {
        summary.stale = stale_files(suites, &options.dir, &claimed);
    }
    run.summary = Summary::of(&run.suites);
    summary
}

/// The `.snap` and `.snap.new` files in the folders of `suites` that belong to no step of theirs.
fn stale_files(
    suites: &[Suite],
    dir: &Path,
    claimed: &HashMap<PathBuf, (String, String)>,
) -> Vec<String> {
    let mut folders: Vec<PathBuf> = suites
        .iter()
        .map(|suite| store::suite_dir(dir, &suite.source.path))
        .collect();
    folders.sort();
    folders.dedup();
    let mut stale = Vec::new();
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| {
                let name = path.to_string_lossy();
                let accepted = match name.strip_suffix(".new") {
                    Some(accepted) => PathBuf::from(accepted),
                    None => path.clone(),
                };
                accepted
                    .extension()
                    .is_some_and(|extension| extension == "snap")
                    && !claimed.contains_key(&accepted)
            })
            .collect();
        found.sort();
        stale.extend(found.iter().map(|path| store::shown(path)));
    }
    stale
}

struct Outcome {
    state: SnapshotState,
    message: String,
    diff: Option<String>,
}

impl Outcome {
    fn failed(message: String) -> Self {
        Outcome {
            state: SnapshotState::Failed,
            message,
            diff: None,
        }
    }
}

/// `None` when the step has no response to snapshot (it failed before one came back).
fn check_step(
    suite: &str,
    result: &StepResult,
    spec: &SnapshotSpec,
    paths: &SnapshotPaths,
    redactor: &Redactor,
    options: &SnapshotOptions,
    written: &mut Vec<PathBuf>,
) -> Option<Outcome> {
    // The step's own last response, not the attacks' that follow it.
    let response = result
        .exchanges
        .iter()
        .rev()
        .find(|exchange| exchange.label.is_none())?
        .response()?;
    let actual = format::render(suite, &result.name, response, spec, redactor);
    let accepted_file = store::shown(&paths.accepted);
    let pending_file = store::shown(&paths.pending);
    // Only a response that passed every other check may become the reference.
    let may_accept = options.update && result.status == StepStatus::Passed;
    let not_accepted = if options.update && !may_accept {
        " (not accepted: the step failed)"
    } else {
        ""
    };
    let stored = match store::read(&paths.accepted) {
        Ok(stored) => stored,
        Err(message) => return Some(Outcome::failed(message)),
    };
    let mut write = |path: &std::path::Path| -> Result<(), String> {
        store::write(path, &actual)?;
        written.push(path.to_path_buf());
        Ok(())
    };
    let outcome = match stored {
        Some(stored) if comparable(&stored) == comparable(&actual) => store::remove(&paths.pending).map(|()| Outcome {
            state: SnapshotState::Matched,
            message: "matches".to_owned(),
            diff: None,
        }),
        Some(stored) => {
            let diff = unified_diff(&comparable(&stored), &comparable(&actual), &accepted_file);
            // Compared without the `#` lines that head each file, numbered as the files are.
            let diff = shift_line_numbers(&diff, header_lines(&stored), header_lines(&actual));
            let (added, removed) = changed_lines(&diff);
            if may_accept {
                write(&paths.accepted).and_then(|()| store::remove(&paths.pending)).map(|()| Outcome {
                    state: SnapshotState::Accepted,
                    message: format!("updated {accepted_file} (+{added} −{removed} lines)"),
                    diff: Some(diff),
                })
            } else {
                write(&paths.pending).map(|()| Outcome {
                    state: SnapshotState::Mismatched,
                    message: format!(
                        "differs (+{added} −{removed} lines); this run's version is in {pending_file}{not_accepted}"
                    ),
                    diff: Some(diff),
                })
            }
        }
        None if may_accept => write(&paths.accepted).and_then(|()| store::remove(&paths.pending)).map(|()| Outcome {
            state: SnapshotState::Accepted,
            message: format!("recorded {accepted_file}"),
            diff: None,
        }),
        None => write(&paths.pending).map(|()| Outcome {
            state: SnapshotState::Pending,
            message: if options.ci {
                format!("no accepted snapshot (--ci requires one): recorded {pending_file}; review it and accept it with --update-snapshots")
            } else {
                format!("new: recorded {pending_file} for review; accept it with --update-snapshots{not_accepted}")
            },
            diff: None,
        }),
    };
    Some(outcome.unwrap_or_else(Outcome::failed))
}

/// A unified diff from the accepted snapshot to this run's, with three lines of context.
pub fn unified_diff(accepted: &str, actual: &str, accepted_name: &str) -> String {
    similar::TextDiff::from_lines(accepted, actual)
        .unified_diff()
        .context_radius(3)
        .header(accepted_name, "this run")
        .to_string()
}

/// How many `#` lines head a snapshot file (what [`comparable`] leaves out).
fn header_lines(text: &str) -> usize {
    text.lines()
        .take_while(|line| line.starts_with('#'))
        .count()
}

/// `diff` with each hunk's line numbers moved down by `accepted` and `actual` lines.
fn shift_line_numbers(diff: &str, accepted: usize, actual: usize) -> String {
    let shift = |range: &str, by: usize| -> Option<String> {
        let (start, count) = match range.split_once(',') {
            Some((start, count)) => (start, Some(count)),
            None => (range, None),
        };
        let start: usize = start.parse().ok()?;
        // An empty side is numbered by the line before it, which may be 0.
        let start = if count == Some("0") && start == 0 && by > 0 {
            by
        } else {
            start + by
        };
        Some(match count {
            Some(count) => format!("{start},{count}"),
            None => start.to_string(),
        })
    };
    let mut shifted = String::with_capacity(diff.len());
    for line in diff.split_inclusive('\n') {
        let renumbered = line
            .strip_prefix("@@ -")
            .and_then(|rest| rest.split_once(" @@"))
            .and_then(|(ranges, tail)| {
                let (old, new) = ranges.split_once(" +")?;
                Some(format!(
                    "@@ -{} +{} @@{tail}",
                    shift(old, accepted)?,
                    shift(new, actual)?
                ))
            });
        shifted.push_str(renumbered.as_deref().unwrap_or(line));
    }
    shifted
}

fn changed_lines(diff: &str) -> (usize, usize) {
    diff.lines()
        .filter(|line| !line.starts_with("+++") && !line.starts_with("---"))
        .fold((0, 0), |(added, removed), line| {
            match line.as_bytes().first() {
                Some(b'+') => (added + 1, removed),
                Some(b'-') => (added, removed + 1),
                _ => (added, removed),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::{Diagnostic, LoadOptions, SourceFile, load_source};

    fn load(yaml: &str) -> Result<Suite, Vec<Diagnostic>> {
        load_source(
            SourceFile::new("suites/snap.yaml", yaml),
            &LoadOptions::default(),
        )
    }

    fn spec_of(suite: &Suite, step: usize) -> Option<(Vec<String>, Vec<String>)> {
        suite.steps[step].snapshot.as_ref().map(|spec| {
            (
                spec.headers.clone(),
                spec.redact.iter().map(|(query, _)| query.clone()).collect(),
            )
        })
    }

    #[test]
    fn steps_inherit_and_extend_the_suite_setting_or_opt_out() {
        let suite = load(
            "name: s\nsnapshot: { headers: [Content-Type], redact: [$.id] }\nsteps:\n\
             - { name: a, request: { url: 'http://x.test/' } }\n\
             - { name: b, request: { url: 'http://x.test/' }, snapshot: { headers: [location], redact: ['$.at'] } }\n\
             - { name: c, request: { url: 'http://x.test/' }, snapshot: false }\n",
        )
        .expect("valid");
        let strings = |items: &[&str]| {
            items
                .iter()
                .map(|item| (*item).to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            spec_of(&suite, 0),
            Some((strings(&["content-type"]), strings(&["$.id"])))
        );
        assert_eq!(
            spec_of(&suite, 1),
            Some((
                strings(&["content-type", "location"]),
                strings(&["$.id", "$.at"])
            ))
        );
        assert_eq!(spec_of(&suite, 2), None);
    }

    #[test]
    fn snapshot_true_keeps_the_content_type_and_no_setting_means_no_snapshot() {
        let suite = load(
            "name: s\nsteps:\n- { name: a, request: { url: 'http://x.test/' }, snapshot: true }\n\
             - { name: b, request: { url: 'http://x.test/' } }\n",
        )
        .expect("valid");
        assert_eq!(
            spec_of(&suite, 0),
            Some((vec!["content-type".to_owned()], Vec::new()))
        );
        assert_eq!(spec_of(&suite, 1), None);
    }

    #[test]
    fn mistakes_in_a_snapshot_setting_are_located() {
        let errors = load(
            "name: s\nsteps:\n- name: a\n  request: { url: 'http://x.test/' }\n  snapshot:\n    heders: [a]\n    redact: [id, '$.ok']\n",
        )
        .expect_err("invalid");
        let messages: Vec<(String, usize, Option<String>)> = errors
            .iter()
            .map(|error| (error.message.clone(), error.span.line, error.help.clone()))
            .collect();
        assert_eq!(messages[0].0, "unknown key `heders` in `snapshot`");
        assert_eq!(messages[0].1, 6);
        assert_eq!(messages[0].2.as_deref(), Some("did you mean `headers`?"));
        assert!(
            messages[1].0.starts_with("invalid JSONPath `id`"),
            "{messages:?}"
        );
        assert_eq!(messages[1].1, 7);
        assert_eq!(messages.len(), 2);
        let wrong = load("name: s\nsnapshot: yes please\nsteps:\n- { name: a, request: { url: 'http://x.test/' } }\n")
            .expect_err("invalid");
        assert_eq!(
            wrong[0].message,
            "`snapshot` must be `true`, `false`, or a map with `headers` and `redact`"
        );
    }

    #[test]
    fn a_diff_names_the_accepted_file_and_counts_changed_lines() {
        let diff = unified_diff(
            "HTTP 200\n\n{\"a\": 1}\n",
            "HTTP 200\n\n{\"a\": 2}\n",
            "snapshots/s/t.snap",
        );
        assert!(
            diff.starts_with("--- snapshots/s/t.snap\n+++ this run\n"),
            "{diff}"
        );
        assert!(diff.contains("-{\"a\": 1}\n+{\"a\": 2}\n"), "{diff}");
        assert_eq!(changed_lines(&diff), (1, 1));
    }

    #[test]
    fn a_diff_numbers_lines_as_the_files_are_numbered_with_their_headers() {
        let accepted = "# authprobe snapshot\n# step: t\nHTTP 200\n\n{\"a\": 1}\n";
        let actual = "# authprobe snapshot\n# step: t\n# new header\nHTTP 200\n\n{\"a\": 2}\n";
        let diff = unified_diff(&comparable(accepted), &comparable(actual), "t.snap");
        assert!(diff.contains("@@ -1,3 +1,3 @@"), "{diff}");
        let diff = shift_line_numbers(&diff, header_lines(accepted), header_lines(actual));
        assert!(diff.contains("@@ -3,3 +4,3 @@\n"), "{diff}");
        // Line 5 of the accepted file is the one that changed.
        assert_eq!(accepted.lines().nth(4), Some("{\"a\": 1}"));
        assert_eq!(
            shift_line_numbers("@@ -0,0 +1 @@\n+x\n", 2, 2),
            "@@ -2,0 +3 @@\n+x\n"
        );
    }
}
