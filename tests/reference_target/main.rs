//! The reference target end to end: the bundled suites against it (secure and flawed), the `demo`
//! command's help, and `authprobe run` without `--target`.

mod demo_help;
mod flaws;
mod run;
