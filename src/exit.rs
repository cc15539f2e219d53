//! Process exit codes: what CI scripts branch on. Documented in the README and `--help`.

/// Every step passed.
pub const SUCCESS: u8 = 0;
/// The run finished and some check failed (or a step could not reach the target).
pub const CHECK_FAILED: u8 = 1;
/// Bad command line or bad suite: nothing ran.
pub const USAGE: u8 = 2;
/// The run could not go on: reports could not be written, the client could not start.
pub const RUNTIME: u8 = 3;
/// Stopped by Ctrl-C or SIGTERM; the reports hold what finished.
pub const INTERRUPTED: u8 = 130;

/// The `--help` footer.
pub const HELP: &str = "\
Exit codes:
  0    every check passed
  1    some check failed, or a step could not reach the target (the reports say which)
  2    usage or suite error: nothing ran
  3    runtime error that stopped the run (for example, the report folder cannot be written)
  130  interrupted (Ctrl-C or SIGTERM): the reports hold what finished";

/// The `validate --help` footer: it runs nothing, so only two codes can come out of it.
pub const VALIDATE_HELP: &str = "\
Exit codes:
  0    every suite is valid
  2    usage or suite error (each mistake is reported with its location)";
