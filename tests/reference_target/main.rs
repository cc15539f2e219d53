//! The reference target end to end: the bundled suites against it (secure and flawed), the `demo`
//! command's help and its sign-in through the stand-ins, and `authprobe run` without `--target`.

mod attacks;
mod checks;
mod demo_help;
mod demo_sign_in;
mod flaws;
mod run;
mod support;
