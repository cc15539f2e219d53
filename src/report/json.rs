//! `reports/results.json`: the whole [`RunResult`], for CI systems and scripts.
//!
//! ```json
//! { "tool": "authprobe", "version": "0.1.0", "started_at": "2026-12-04T20:00:00Z",
//!   "summary": { "suites": 1, "steps": 2, "passed": 1, "failed": 1, "errored": 0, "skipped": 0 },
//!   "suites": [ { "name": "...", "file": "suites/jwt.yaml", "steps": [ { "name": "...",
//!     "status": "failed", "checks": [ { "name": "status", "passed": false, "expected": "200",
//!     "actual": "401", "line": 12 } ], "exchanges": [ ... ] } ] } ] }
//! ```

use std::io::Write;

use crate::runner::RunResult;

/// Encodes the run into `out`, pretty-printed, with a final line break.
pub(super) fn write(run: &RunResult, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, run)?;
    out.write_all(b"\n")
}
