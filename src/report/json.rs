//! `reports/results.json`: the whole [`RunResult`], for CI systems and scripts.
//!
//! The run's outline (summary, suites, their fields) is indented over lines; each step is one
//! compact line, so that `grep` and `diff` see one step at a time and a 1000-step run stays a
//! fraction of its fully indented size (headers alone took four lines each). A step's line is
//! encoded as soon as the step is reported, while the run goes on (see [`draft_step`]).
//!
//! ```json
//! {
//!   "tool": "authprobe",
//!   "version": "0.1.0",
//!   "summary": {
//!     "suites": 1,
//!     "steps": 2,
//!     ...
//!   },
//!   "suites": [
//!     {
//!       "name": "...",
//!       "steps": [
//!         {"name":"...","status":"failed","checks":[{"name":"status","passed":false,...}],...},
//!         {"name":"...","status":"passed",...}
//!       ]
//!     }
//!   ]
//! }
//! ```

use std::io::{self, Write};

use serde::Serialize as _;
use serde_json::ser::Formatter;

use serde_json::value::RawValue;

use crate::runner::{RunResult, StepResult};

/// Containers nested deeper than this are written on one line: the root object is 1, `suites` 2,
/// a suite 3, its `steps` 4, so each step is a line of its own.
const OUTLINE_DEPTH: usize = 4;

/// Encodes the run into `out`, outlined, with a final line break.
pub(super) fn write(run: &RunResult, out: &mut impl Write) -> io::Result<()> {
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut *out, OutlineFormatter::default());
    run.serialize(&mut serializer)?;
    out.write_all(b"\n")
}

/// A finished step as [`write`] writes it among the run's steps, encoded ahead (see
/// [`crate::runner::result::Drafts`]); `None` if it cannot be. Steps are written compact, as
/// `serde_json` writes them alone.
pub fn draft_step(step: &StepResult) -> Option<Box<RawValue>> {
    serde_json::value::to_raw_value(step).ok()
}

/// Like serde_json's pretty printer down to [`OUTLINE_DEPTH`], and compact below it (one line, as
/// [`serde_json::to_string`] writes it).
#[derive(Debug, Default)]
struct OutlineFormatter {
    /// How many containers are open around the value being written.
    depth: usize,
    /// Whether the innermost container written so far had a value (`[]` stays on one line).
    has_value: bool,
}

impl OutlineFormatter {
    fn outlined(&self) -> bool {
        self.depth <= OUTLINE_DEPTH
    }

    /// A line break and the indentation of `depth`, in one write.
    fn new_line<W: ?Sized + Write>(writer: &mut W, depth: usize) -> io::Result<()> {
        const INDENTED: &[u8] = b"\n                                ";
        writer.write_all(&INDENTED[..(1 + 2 * depth).min(INDENTED.len())])
    }

    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        let outlined = self.outlined();
        self.depth -= 1;
        if outlined && self.has_value {
            Self::new_line(writer, self.depth)?;
        }
        writer.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if self.outlined() {
            if !first {
                writer.write_all(b",")?;
            }
            Self::new_line(writer, self.depth)
        } else if first {
            Ok(())
        } else {
            writer.write_all(b",")
        }
    }
}

impl Formatter for OutlineFormatter {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(if self.outlined() { b": " } else { b":" })
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(value: &serde_json::Value) -> String {
        let mut out = Vec::new();
        let mut serializer =
            serde_json::Serializer::with_formatter(&mut out, OutlineFormatter::default());
        value.serialize(&mut serializer).expect("serializes");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn outlines_down_to_the_steps_and_writes_each_step_compact_on_one_line() {
        let value = serde_json::json!({
            "tool": "authprobe",
            "summary": {"steps": 2, "tags": []},
            "suites": [{"name": "a", "tags": [], "steps": [
                {"name": "one", "headers": [["a", "b"], ["c", "d"]], "checks": []},
                {"name": "two", "empty": {}}
            ]}]
        });
        insta::assert_snapshot!(outline(&value), @r#"
        {
          "tool": "authprobe",
          "summary": {
            "steps": 2,
            "tags": []
          },
          "suites": [
            {
              "name": "a",
              "tags": [],
              "steps": [
                {"name":"one","headers":[["a","b"],["c","d"]],"checks":[]},
                {"name":"two","empty":{}}
              ]
            }
          ]
        }
        "#);
    }

    fn written(run: &RunResult) -> String {
        let mut out = Vec::new();
        write(run, &mut out).expect("writes");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn a_step_drafted_ahead_is_written_as_it_would_have_been() {
        use crate::runner::result::fixtures::{run_with, step_holding};
        let mut run = run_with(vec![
            step_holding("one"),
            StepResult::skipped("two", 9, "skipped"),
        ]);
        let whole = written(&run);
        for step in &mut run.suites[0].steps {
            step.drafts.json = draft_step(step);
        }
        assert_eq!(written(&run), whole);

        // What is written is the draft, not the step as it is now.
        run.suites[0].steps[1].name = "renamed".to_owned();
        assert_eq!(written(&run), whole);
        run.suites[0].steps[1].drafts.json = None;
        assert!(written(&run).contains(r#"{"name":"renamed""#));
    }

    #[test]
    fn reads_back_as_the_same_value() {
        let value = serde_json::json!({"a": [1, {"b": [null, true, "x\ny"]}], "c": {"d": {"e": {"f": [1.5]}}}});
        let parsed: serde_json::Value = serde_json::from_str(&outline(&value)).expect("reads back");
        assert_eq!(parsed, value);
    }
}
