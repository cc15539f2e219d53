//! Progress events: the runner reports as it goes, and listeners (the console, tests) react. The
//! runner knows nothing about output formats.

use super::result::{StepResult, SuiteResult};

#[derive(Debug, Clone, Copy)]
pub enum RunEvent<'a> {
    SuiteStarted {
        name: &'a str,
        file: &'a str,
        steps: usize,
    },
    StepFinished {
        suite: &'a str,
        step: &'a StepResult,
    },
    SuiteFinished(&'a SuiteResult),
    /// Something the run cannot do as the suite asks, that does not fail it: a declared secret
    /// too short to mask.
    Warning(&'a str),
}

pub trait RunListener: Send {
    fn on_event(&mut self, event: RunEvent<'_>);

    /// A finished step, for work on it that would otherwise wait for the end of the run: once
    /// the step after it has been reported too ([`RunEvent::StepFinished`]), since a step often
    /// sends what the one before received, or at the end of its suite. Each step comes once, in
    /// order; when the steps are small, while the request of the step after next is on the wire.
    /// The run itself does not read the step after; listeners see it again, as left here, in
    /// [`RunEvent::SuiteFinished`].
    fn step_reported(&mut self, _step: &mut StepResult) {}
}

/// A listener that ignores everything, for library users who only want the [`super::RunResult`].
pub struct Silent;

impl RunListener for Silent {
    fn on_event(&mut self, _: RunEvent<'_>) {}
}
