//! The console: a line per step as the run goes, failed checks with expected and actual under
//! their step, and a summary. Styled with ANSI colours; the caller's stream decides whether they
//! reach the terminal (anstream strips them when piped or with `NO_COLOR`).

use std::io::Write;

use anstyle::{AnsiColor, Style};

use crate::assert::matcher::{CONSOLE_LIMIT, shorten};
use crate::runner::{RunEvent, RunListener, RunResult, StepResult, StepStatus, Summary};
use crate::secret::Redactor;
use crate::snapshot::{SnapshotState, SnapshotSummary};

/// Diff lines shown per snapshot on the console; the HTML report has them all.
const MAX_DIFF_LINES: usize = 40;

const PASS: Style = AnsiColor::Green.on_default();
const FAIL: Style = AnsiColor::Red.on_default().bold();
const ERROR: Style = AnsiColor::Magenta.on_default().bold();
const SKIP: Style = AnsiColor::Yellow.on_default();
const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();

/// Prints progress; masks secrets with what it has learnt from the steps so far, step names
/// included (a suite's name is printed before any step has taught a secret).
pub struct ConsoleListener<W: Write + Send> {
    out: W,
    redactor: Redactor,
    file: String,
    /// A step's lines, composed before they are written in one piece: the stream (which may strip
    /// colours and flush at each line break) then sees one write per step, not one per fragment.
    lines: Vec<u8>,
}

impl<W: Write + Send> ConsoleListener<W> {
    pub fn new(out: W) -> Self {
        ConsoleListener {
            out,
            redactor: Redactor::default(),
            file: String::new(),
            lines: Vec::with_capacity(256),
        }
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    /// The secrets learnt from every step shown so far.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// What the console has learnt: the secrets of every step it was shown.
    pub fn into_redactor(self) -> Redactor {
        self.redactor
    }

    fn step(&mut self, step: &StepResult) -> std::io::Result<()> {
        self.redactor.learn_step(step);
        let mut lines = std::mem::take(&mut self.lines);
        lines.clear();
        let written = self
            .compose_step(step, &mut lines)
            .and_then(|()| self.out.write_all(&lines));
        self.lines = lines;
        written
    }

    fn compose_step(&self, step: &StepResult, out: &mut Vec<u8>) -> std::io::Result<()> {
        let (mark, style) = match step.status {
            StepStatus::Passed => ("✓", PASS),
            StepStatus::Failed => ("✗", FAIL),
            StepStatus::Error => ("!", ERROR),
            StepStatus::Skipped => ("-", SKIP),
        };
        let retries = if step.attempts > 1 {
            format!(", {} attempts", step.attempts)
        } else {
            String::new()
        };
        // A declared secret written in a step's name is masked there too; a bidi override in
        // it would reorder the line.
        let name = self.redactor.mask(&step.name);
        let name = Shown(&name);
        if step.status == StepStatus::Skipped {
            // Nothing was sent: no time to show.
            writeln!(out, "  {style}{mark}{style:#} {name} {DIM}(skipped){DIM:#}")?;
            return Ok(());
        }
        writeln!(
            out,
            "  {style}{mark}{style:#} {name} {DIM}({}{retries}){DIM:#}",
            format_duration(step.duration_ms)
        )?;
        if let Some(error) = &step.error {
            writeln!(
                out,
                "      {ERROR}error:{ERROR:#} {}  {DIM}{}:{}{DIM:#}",
                Shown(&self.redactor.mask(error)),
                self.file,
                step.line
            )?;
        }
        for check in step.failed_checks() {
            writeln!(
                out,
                "      {BOLD}{}{BOLD:#}  {DIM}{}:{}{DIM:#}",
                Shown(&self.redactor.mask(&check.name)),
                self.file,
                check.line
            )?;
            // Masked, then cut to a line: cut first, a secret in two pieces would not be found.
            let shown = |text: &str| {
                let masked = self.redactor.mask(text);
                shorten(&masked, CONSOLE_LIMIT).into_owned()
            };
            writeln!(out, "        expected: {}", Shown(&shown(&check.expected)))?;
            writeln!(out, "        actual:   {}", Shown(&shown(&check.actual)))?;
        }
        Ok(())
    }
}

impl<W: Write + Send> RunListener for ConsoleListener<W> {
    fn on_event(&mut self, event: RunEvent<'_>) {
        // The console is best effort: a closed stdout must not stop the run or its reports.
        let _ = match event {
            RunEvent::SuiteStarted { name, file, steps } => {
                self.file = file.to_owned();
                writeln!(
                    self.out,
                    "{BOLD}{}{BOLD:#} {DIM}{}, {steps} step{}{DIM:#}",
                    Shown(name),
                    Shown(file),
                    if steps == 1 { "" } else { "s" }
                )
            }
            RunEvent::StepFinished { step, .. } => self.step(step),
            RunEvent::SuiteFinished(_) => writeln!(self.out),
            RunEvent::Warning(warning) => {
                writeln!(self.out, "  {SKIP}warning:{SKIP:#} {}", Shown(warning))
            }
        };
    }
}

/// After the step lines: how the snapshots went, and each one that did not simply match, with its
/// diff. The notes are masked already.
pub fn write_snapshot_notes(out: &mut dyn Write, summary: &SnapshotSummary) -> std::io::Result<()> {
    if summary.notes.is_empty() && summary.stale.is_empty() {
        return Ok(());
    }
    let counts: Vec<String> = [
        (SnapshotState::Matched, "matched"),
        (SnapshotState::Mismatched, "differ"),
        (SnapshotState::Pending, "pending"),
        (SnapshotState::Accepted, "accepted"),
        (SnapshotState::Failed, "failed"),
    ]
    .into_iter()
    .filter_map(|(state, label)| {
        let count = summary.count(state);
        (count > 0).then(|| format!("{count} {label}"))
    })
    .chain((!summary.stale.is_empty()).then(|| format!("{} stale", summary.stale.len())))
    .collect();
    writeln!(out, "{BOLD}snapshots:{BOLD:#} {}", counts.join(", "))?;
    for note in summary
        .notes
        .iter()
        .filter(|note| note.state != SnapshotState::Matched)
    {
        let (mark, style) = match (note.state, note.passed) {
            (SnapshotState::Accepted, _) => ("✓", PASS),
            (SnapshotState::Pending, true) => ("?", SKIP),
            (SnapshotState::Failed, _) => ("!", ERROR),
            _ => ("✗", FAIL),
        };
        writeln!(
            out,
            "  {style}{mark}{style:#} {} › {}: {}",
            note.suite,
            note.step,
            Shown(&note.message)
        )?;
        let Some(diff) = note
            .diff
            .as_deref()
            .filter(|_| note.state == SnapshotState::Mismatched)
        else {
            continue;
        };
        for line in diff.lines().take(MAX_DIFF_LINES) {
            let style = match line.as_bytes().first() {
                _ if line.starts_with("+++") || line.starts_with("---") => BOLD,
                Some(b'+') => PASS,
                Some(b'-') => FAIL,
                Some(b'@') => DIM,
                _ => Style::new(),
            };
            writeln!(out, "      {style}{}{style:#}", Shown(line))?;
        }
        let total = diff.lines().count();
        if total > MAX_DIFF_LINES {
            writeln!(
                out,
                "      {DIM}… {} more lines in the HTML report{DIM:#}",
                total - MAX_DIFF_LINES
            )?;
        }
    }
    for file in &summary.stale {
        writeln!(
            out,
            "  {SKIP}?{SKIP:#} {}: belongs to no step (renamed or removed? delete it if so)",
            Shown(file)
        )?;
    }
    writeln!(out)
}

/// Text from the run (what the target sent, through an error or a check) as the terminal should
/// show it: control characters and the invisible ones that reorder a line (bidi overrides) are
/// written as escapes, so that a response cannot move the cursor, recolour the log or make a
/// line read differently from what it holds.
struct Shown<'a>(&'a str);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(is_unsafe_on_a_terminal) {
            f.write_str(&rest[..at])?;
            let unsafe_char = rest[at..].chars().next().unwrap_or_default();
            write!(f, "\\u{{{:04x}}}", u32::from(unsafe_char))?;
            rest = &rest[at + unsafe_char.len_utf8()..];
        }
        f.write_str(rest)
    }
}

fn is_unsafe_on_a_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// The closing lines: counts, duration, and whether the run was interrupted.
pub fn write_summary(out: &mut dyn Write, run: &RunResult) -> std::io::Result<()> {
    let Summary {
        suites,
        steps,
        passed,
        failed,
        errored,
        skipped,
    } = run.summary;
    let verdict = if run.interrupted {
        format!("{SKIP}interrupted{SKIP:#}")
    } else if run.summary.all_passed() {
        format!("{PASS}passed{PASS:#}")
    } else {
        format!("{FAIL}failed{FAIL:#}")
    };
    writeln!(
        out,
        "{verdict}: {suites} suite{}, {steps} step{}: {passed} passed, {failed} failed, {errored} error{}, {skipped} skipped {DIM}({}){DIM:#}",
        if suites == 1 { "" } else { "s" },
        if steps == 1 { "" } else { "s" },
        if errored == 1 { "" } else { "s" },
        format_duration(run.duration_ms)
    )
}

fn format_duration(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{}ms", ms.round() as u64)
    } else {
        format!("{:.2}s", ms / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_target_sent_cannot_steer_the_terminal() {
        let sent = "ok\u{1b}[2J\u{202e}gnp.exe\u{7}\tend\nnext";
        assert_eq!(
            Shown(sent).to_string(),
            "ok\\u{001b}[2J\\u{202e}gnp.exe\\u{0007}\tend\nnext"
        );
        assert_eq!(Shown("plain ✓ text").to_string(), "plain ✓ text");
    }
}
