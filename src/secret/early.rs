//! Masking a finished step while the run goes on, with the result masking it at the end would
//! give. The step is masked with the secrets known so far and keeps what masking replaced; a
//! secret learnt later may overlap one masked already (and the masked text would then keep a
//! piece of it), so a step masked before the last secret was learnt is put back as it was and
//! masked again at the end.

use serde_json::Value;

use super::Redactor;
use crate::http::ExchangeOutcome;
use crate::runner::StepResult;

/// What [`Redactor::mask_step_early`] did to a step.
pub struct EarlyMask {
    /// How many secrets the redactor knew when it masked the step.
    secrets_known: usize,
    replaced: Vec<Replaced>,
}

/// Shows how much was replaced, not what: the values kept are the step's before masking.
impl std::fmt::Debug for EarlyMask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EarlyMask")
            .field("secrets_known", &self.secrets_known)
            .field("replaced", &self.replaced.len())
            .finish()
    }
}

/// A value masking replaced, and where it was: exchanges, headers, checks and captures by
/// position.
pub(super) enum Replaced {
    Url(usize, String),
    RequestHeader(usize, usize, String),
    RequestBody(usize, String),
    ResponseHeader(usize, usize, String),
    ResponseBody(usize, Vec<u8>),
    TransportError(usize, String),
    Expected(usize, String),
    Actual(usize, String),
    Capture(usize, Value),
    StepError(String),
    StepName(String),
    CheckName(usize, String),
    ExchangeLabel(usize, String),
}

impl Redactor {
    /// Masks a finished step in place with the secrets learnt so far, keeping what it replaces:
    /// [`Redactor::mask_run`] then has nothing left to do for it unless a secret is learnt later.
    ///
    /// Does nothing, and says so, when the secrets learnt since the automata that find them were
    /// last built would take large ones to search: a run that learns a token at every step
    /// rebuilt ever larger automata at every step, which took longer than the step's wait for
    /// its response (and the end of the run masks each such step again anyway).
    pub fn mask_step_early(&self, step: &mut StepResult) -> bool {
        if !self.catch_up_if_small() {
            return false;
        }
        if let Some(early) = step.drafts.masked.take() {
            early.restore(step);
            step.drafts.forget_reports();
        }
        let mut replaced = Vec::new();
        self.mask_step_keeping(step, &mut |value| replaced.push(value));
        step.drafts.masked = Some(Box::new(EarlyMask {
            secrets_known: self.secret_count(),
            replaced,
        }));
        true
    }
}

impl EarlyMask {
    /// Whether `redactor` knows no secret that the step was not masked with.
    pub(super) fn is_final(&self, redactor: &Redactor) -> bool {
        self.secrets_known == redactor.secret_count()
    }

    /// Puts back every value masking replaced: the step is as it was before.
    pub(super) fn restore(self, step: &mut StepResult) {
        for replaced in self.replaced {
            match replaced {
                Replaced::Url(at, url) => {
                    if let Some(exchange) = step.exchanges.get_mut(at) {
                        exchange.request.url = url;
                    }
                }
                Replaced::RequestHeader(at, index, text) => {
                    if let Some((_, value)) = step
                        .exchanges
                        .get_mut(at)
                        .and_then(|exchange| exchange.request.headers.get_mut(index))
                    {
                        *value = text;
                    }
                }
                Replaced::RequestBody(at, body) => {
                    if let Some(exchange) = step.exchanges.get_mut(at) {
                        exchange.request.body = Some(body);
                    }
                }
                Replaced::ResponseHeader(at, index, text) => {
                    if let Some((_, value)) = step
                        .exchanges
                        .get_mut(at)
                        .and_then(|exchange| exchange.response_mut())
                        .and_then(|response| response.headers.get_mut(index))
                    {
                        *value = text;
                    }
                }
                Replaced::ResponseBody(at, body) => {
                    if let Some(response) = step
                        .exchanges
                        .get_mut(at)
                        .and_then(|exchange| exchange.response_mut())
                    {
                        response.replace_body(body);
                    }
                }
                Replaced::TransportError(at, message) => {
                    if let Some(ExchangeOutcome::Error(error)) = step
                        .exchanges
                        .get_mut(at)
                        .map(|exchange| &mut exchange.outcome)
                    {
                        error.message = message;
                    }
                }
                Replaced::Expected(index, text) => {
                    if let Some(check) = step.checks.get_mut(index) {
                        check.expected = text;
                    }
                }
                Replaced::Actual(index, text) => {
                    if let Some(check) = step.checks.get_mut(index) {
                        check.actual = text;
                    }
                }
                Replaced::Capture(index, value) => {
                    if let Some(capture) = step.captures.get_mut(index) {
                        capture.value = value;
                    }
                }
                Replaced::StepError(error) => step.error = Some(error),
                Replaced::StepName(name) => step.name = name,
                Replaced::CheckName(index, name) => {
                    if let Some(check) = step.checks.get_mut(index) {
                        check.name = name;
                    }
                }
                Replaced::ExchangeLabel(at, label) => {
                    if let Some(exchange) = step.exchanges.get_mut(at) {
                        exchange.label = Some(label);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::result::fixtures::{run_with, step_holding};

    /// Every string of the step holds `abcd-1234-SECRET-tail-5678`.
    const TEXT: &str = "abcd-1234-SECRET-tail-5678";
    /// Known while the run goes on.
    const EARLY: &str = "1234-SECRET";
    /// Learnt after the step was masked: one holds the early secret, one overlaps its end.
    const LATER: [&str; 2] = ["abcd-1234-SECRET", "SECRET-tail-5678"];

    /// A redactor that knows `secrets` and has built what finds them, as the console does when
    /// it shows a failed step.
    fn knowing(secrets: &[&str]) -> Redactor {
        let mut redactor = Redactor::default();
        secrets.iter().for_each(|secret| redactor.add(secret));
        let _ = redactor.mask("");
        redactor
    }

    fn as_json(step: &StepResult) -> String {
        serde_json::to_string(step).expect("serializes")
    }

    /// The step as masking the whole run at the end masks it, with `secrets`.
    fn masked_at_the_end(secrets: &[&str]) -> String {
        let mut redactor = Redactor::default();
        secrets.iter().for_each(|secret| redactor.add(secret));
        let mut run = run_with(vec![step_holding(TEXT)]);
        redactor.mask_run(&mut run);
        as_json(&run.suites[0].steps[0])
    }

    #[test]
    fn a_step_masked_before_a_later_secret_ends_as_if_masked_at_the_end() {
        let mut redactor = knowing(&[EARLY]);
        let mut run = run_with(vec![step_holding(TEXT)]);
        let step = &mut run.suites[0].steps[0];
        assert!(redactor.mask_step_early(step));
        let masked_early = as_json(step);
        step.drafts.json = crate::report::draft_step(step);
        LATER.iter().for_each(|secret| redactor.add(secret));

        // Masking the early result again would leave the ends of the later secrets showing.
        let mut again = step_holding(TEXT);
        let mut naive = Redactor::default();
        naive.add(EARLY);
        naive.mask_step(&mut again);
        LATER.iter().for_each(|secret| naive.add(secret));
        naive.mask_step(&mut again);
        assert!(as_json(&again).contains("abcd-"), "{}", as_json(&again));

        redactor.mask_run(&mut run);
        let step = &run.suites[0].steps[0];
        let expected = masked_at_the_end(&[EARLY, LATER[0], LATER[1]]);
        assert_eq!(as_json(step), expected);
        assert_ne!(masked_early, expected);
        for piece in ["abcd", "SECRET", "5678"] {
            assert!(!expected.contains(piece), "{piece} in {expected}");
        }
        assert!(
            step.drafts.json.is_none(),
            "the draft was of the step masked early"
        );
        assert!(step.drafts.masked.is_none());
    }

    #[test]
    fn a_step_is_masked_early_unless_many_secrets_wait_to_be_made_searchable() {
        // A secret learnt since the last mask is made searchable, and the step masked with it.
        let mut redactor = knowing(&[EARLY]);
        redactor.add(LATER[0]);
        let mut step = step_holding(TEXT);
        assert!(redactor.mask_step_early(&mut step));
        assert!(!as_json(&step).contains("abcd-"), "{}", as_json(&step));

        // Many at once are left for later while more keep coming, and so is the step …
        for n in 0..=super::super::redactor::MAX_SMALL_CATCH_UP {
            redactor.add(&format!("a-secret-learnt-later-{n:04}"));
        }
        let mut step = step_holding(TEXT);
        let before = as_json(&step);
        assert!(!redactor.mask_step_early(&mut step));
        assert_eq!(as_json(&step), before);
        assert!(step.drafts.masked.is_none());
        redactor.add("and-one-more-secret");
        assert!(!redactor.mask_step_early(&mut step));
        // … and made searchable once none came since.
        assert!(redactor.mask_step_early(&mut step));
        assert!(step.drafts.masked.is_some());
        assert!(
            Redactor::default().mask_step_early(&mut step),
            "no secret: nothing to build"
        );
    }

    #[test]
    fn names_and_labels_are_masked_and_put_back_like_every_other_string() {
        let mut redactor = knowing(&[EARLY]);
        let mut step = step_holding(TEXT);
        step.exchanges[1].label = Some(format!("attack with {TEXT}"));
        assert!(redactor.mask_step_early(&mut step));
        LATER.iter().for_each(|secret| redactor.add(secret));
        let _ = redactor.mask("");
        assert!(redactor.mask_step_early(&mut step));
        for shown in [
            step.name.as_str(),
            step.checks[0].name.as_str(),
            step.exchanges[1].label.as_deref().unwrap_or_default(),
        ] {
            assert!(
                !shown.contains("SECRET") && !shown.contains("abcd"),
                "{shown}"
            );
            assert!(shown.contains(crate::secret::MASK), "{shown}");
        }
    }

    #[test]
    fn a_suite_name_and_description_are_masked_with_the_run() {
        let redactor = knowing(&[EARLY]);
        let mut run = run_with(vec![step_holding(TEXT)]);
        run.suites[0].name = format!("suite {TEXT}");
        run.suites[0].description = Some(format!("about {TEXT}"));
        redactor.mask_run(&mut run);
        assert!(
            !run.suites[0].name.contains(EARLY),
            "{}",
            run.suites[0].name
        );
        let description = run.suites[0].description.as_deref().unwrap_or_default();
        assert!(!description.contains(EARLY), "{description}");
    }

    #[test]
    fn a_step_masked_with_every_secret_is_left_as_it_is() {
        let redactor = knowing(&[EARLY]);
        let mut run = run_with(vec![step_holding(TEXT)]);
        let step = &mut run.suites[0].steps[0];
        assert!(redactor.mask_step_early(step));
        step.drafts.json = crate::report::draft_step(step);

        redactor.mask_run(&mut run);
        let step = &run.suites[0].steps[0];
        assert_eq!(as_json(step), masked_at_the_end(&[EARLY]));
        assert!(
            step.drafts.json.is_some(),
            "the draft is still the step as masked"
        );
    }

    #[test]
    fn masking_early_twice_starts_from_the_step_as_it_was() {
        let mut redactor = knowing(&[EARLY]);
        let mut step = step_holding(TEXT);
        assert!(redactor.mask_step_early(&mut step));
        LATER.iter().for_each(|secret| redactor.add(secret));
        let _ = redactor.mask("");
        assert!(redactor.mask_step_early(&mut step));
        let mut run = run_with(vec![step]);
        redactor.mask_run(&mut run);
        assert_eq!(
            as_json(&run.suites[0].steps[0]),
            masked_at_the_end(&[EARLY, LATER[0], LATER[1]])
        );
    }
}
