//! `reports/index.html`: the report people read. One self-contained file (CSS and JS inline, no
//! network) in which every value from the run is text, never markup.
//!
//! The page lists failures first (suites with failures lead, and a list of failed steps links to
//! each), then per step: the checks with expected and actual, snapshot diffs, captures, every
//! request and response of the step, decoded JWTs, a copy-as-curl line and timings. Passing steps
//! start collapsed; long bodies are cut with their size shown, so 2,000 steps stay readable.
//!
//! Everything shown comes from the masked [`RunResult`]; what the view derives (decoded JWTs) is
//! masked again with the same [`Redactor`].
//!
//! The page around the steps is rendered by tera from `report.html`, which ships inside the binary
//! under an `.html` name: that is what turns tera's autoescaping on. Each step's part is written by
//! [`steps`], as the step is reported during the run when the report is wanted ([`draft`]), or
//! else in chunks spread over the machine's cores; the steps are written into their places in the
//! page as the file is written: no single string holds the whole run.

mod steps;

use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use tera::{Context, Tera};

use self::steps::StepView;
use super::ReportError;
use crate::runner::{RunResult, StepResult, StepStatus, SuiteResult, Summary};
use crate::secret::Redactor;

const TEMPLATE_NAME: &str = "report.html";
const TEMPLATE: &str = include_str!("../templates/report.html");
/// The page's style and script, placed into it as they are: kept out of the template, which tera
/// would otherwise parse character by character on every run.
const STYLE: &str = include_str!("../templates/report.css");
const SCRIPT: &str = include_str!("../templates/report.js");
/// Steps rendered together: few enough to share out over cores.
const STEPS_PER_CHUNK: usize = 50;

/// The page, ready to be written: rendered around its steps, which are written into it from
/// their drafts or from chunks rendered now.
pub(super) struct Page<'a> {
    /// The page with a [`steps_marker`] where each suite's steps go.
    around: String,
    /// Each suite's steps, in order.
    steps: Vec<Vec<ChunkHtml<'a>>>,
}

/// A chunk of steps' part of the page.
enum ChunkHtml<'a> {
    /// Each step's draft, in order.
    Drafted(Vec<&'a str>),
    Rendered(String),
}

/// What [`steps_marker`] writes before and after the suite's index.
const STEPS_MARKER: (&str, &str) = ("<!--authprobe steps ", "-->");

/// Where suite `index`'s steps go in the page. Nothing from the run can look like it: every value
/// is escaped, and `<` with it.
fn steps_marker(index: usize) -> String {
    format!("{}{index}{}", STEPS_MARKER.0, STEPS_MARKER.1)
}

pub(super) fn page<'a>(run: &'a RunResult, redactor: &Redactor) -> Result<Page<'a>, ReportError> {
    let chunks: Vec<Chunk<'_>> = run
        .suites
        .iter()
        .enumerate()
        .flat_map(|(suite, result)| {
            result
                .steps
                .chunks(STEPS_PER_CHUNK)
                .enumerate()
                .map(move |(index, steps)| Chunk {
                    suite,
                    file: &result.file,
                    first_step: index * STEPS_PER_CHUNK,
                    steps,
                })
        })
        .collect();
    let mut steps: Vec<Vec<ChunkHtml<'a>>> = run.suites.iter().map(|_| Vec::new()).collect();
    for (chunk, html) in chunks.iter().zip(render_chunks(&chunks, redactor)) {
        steps[chunk.suite].push(html);
    }
    let mut tera = Tera::default();
    tera.add_raw_template(TEMPLATE_NAME, TEMPLATE)
        .map_err(ReportError::Html)?;
    let markers = (0..run.suites.len()).map(steps_marker).collect();
    let view = ReportView::new(run, markers);
    let context = Context::from_serialize(&view).map_err(ReportError::Html)?;
    let around = tera
        .render(TEMPLATE_NAME, &context)
        .map_err(ReportError::Html)?;
    Ok(Page { around, steps })
}

impl Page<'_> {
    /// Writes the page, each suite's steps in their place (suites with failures come first, so
    /// not in the run's order): the steps are never copied into one string with the rest.
    pub(super) fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        let (marker_start, marker_end) = STEPS_MARKER;
        let mut rest = self.around.as_str();
        while let Some(at) = rest.find(marker_start) {
            let after_start = &rest[at + marker_start.len()..];
            let Some((index, after)) = after_start.split_once(marker_end) else {
                break;
            };
            out.write_all(&rest.as_bytes()[..at])?;
            let chunks = index
                .parse::<usize>()
                .ok()
                .and_then(|index| self.steps.get(index));
            for chunk in chunks.into_iter().flatten() {
                match chunk {
                    ChunkHtml::Drafted(parts) => {
                        for part in parts {
                            out.write_all(part.as_bytes())?;
                        }
                    }
                    ChunkHtml::Rendered(html) => out.write_all(html.as_bytes())?,
                }
            }
            rest = after;
        }
        out.write_all(rest.as_bytes())
    }
}

/// The whole page in memory, for tests.
#[cfg(test)]
fn render(run: &RunResult, redactor: &Redactor) -> Result<Vec<u8>, ReportError> {
    let mut html = Vec::new();
    page(run, redactor)?
        .write_to(&mut html)
        .expect("writing to memory cannot fail");
    Ok(html)
}

/// A step's part of the page, rendered as soon as the step was reported (see
/// [`crate::runner::result::Drafts`]).
#[derive(Debug)]
pub struct HtmlDraft {
    /// The step's anchor in the page: the draft is of the step in that place only.
    id: String,
    html: String,
}

/// The part of the page showing `step`, step `index` of suite `suite` (both from 0) written in
/// `file`, rendered as the step is reported.
pub fn draft(
    suite: usize,
    index: usize,
    file: &str,
    step: &StepResult,
    redactor: &Redactor,
) -> Box<HtmlDraft> {
    let id = step_id(suite, index);
    let mut html = String::new();
    StepView::new(id.clone(), file, step, redactor).write(&mut html);
    Box::new(HtmlDraft { id, html })
}

/// Consecutive steps of one suite, rendered together.
struct Chunk<'a> {
    suite: usize,
    file: &'a str,
    first_step: usize,
    steps: &'a [StepResult],
}

/// Each chunk's part of the page, in order: its steps' drafts, or rendered now, on as many
/// threads as there are cores when several chunks have no drafts.
fn render_chunks<'a>(chunks: &[Chunk<'a>], redactor: &Redactor) -> Vec<ChunkHtml<'a>> {
    let render = |chunk: &Chunk<'_>| {
        let mut html = String::new();
        for (offset, step) in chunk.steps.iter().enumerate() {
            let id = step_id(chunk.suite, chunk.first_step + offset);
            StepView::new(id, chunk.file, step, redactor).write(&mut html);
        }
        html
    };
    let mut parts: Vec<Option<ChunkHtml<'a>>> = chunks
        .iter()
        .map(|chunk| drafted(chunk).map(ChunkHtml::Drafted))
        .collect();
    let undrafted: Vec<usize> = (0..chunks.len())
        .filter(|&index| parts[index].is_none())
        .collect();
    let threads = match undrafted.len() {
        0 | 1 => 1,
        many => std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .min(many),
    };
    if threads > 1 {
        let next = AtomicUsize::new(0);
        let work = || {
            let mut rendered = Vec::new();
            while let Some(&index) = undrafted.get(next.fetch_add(1, Ordering::Relaxed)) {
                rendered.push((index, render(&chunks[index])));
            }
            rendered
        };
        let rendered = std::thread::scope(|scope| {
            // A helper that cannot start leaves its share to the others and to this thread.
            let helpers: Vec<_> = (1..threads)
                .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, work).ok())
                .collect();
            let mut rendered = work();
            for helper in helpers {
                match helper.join() {
                    Ok(more) => rendered.extend(more),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            rendered
        });
        for (index, html) in rendered {
            parts[index] = Some(ChunkHtml::Rendered(html));
        }
    }
    parts
        .into_iter()
        .zip(chunks)
        .map(|(part, chunk)| part.unwrap_or_else(|| ChunkHtml::Rendered(render(chunk))))
        .collect()
}

/// The chunk's steps' drafts, when each has one made in its place.
fn drafted<'a>(chunk: &Chunk<'a>) -> Option<Vec<&'a str>> {
    let mut parts = Vec::with_capacity(chunk.steps.len());
    for (offset, step) in chunk.steps.iter().enumerate() {
        let draft = step.drafts.html.as_ref()?;
        if draft.id != step_id(chunk.suite, chunk.first_step + offset) {
            return None;
        }
        parts.push(draft.html.as_str());
    }
    Some(parts)
}

fn step_id(suite: usize, step: usize) -> String {
    format!("step-{}-{}", suite + 1, step + 1)
}

#[derive(Serialize)]
struct ReportView<'a> {
    /// Allows the report's own inline script and style, and nothing else (CSP).
    nonce: String,
    style: &'static str,
    script: &'static str,
    tool: &'a str,
    version: &'a str,
    target: Option<&'a str>,
    started_at: &'a str,
    duration: String,
    verdict: &'static str,
    interrupted: bool,
    summary: Summary,
    failures: Vec<FailureLink<'a>>,
    suites: Vec<SuiteView<'a>>,
}

#[derive(Serialize)]
struct FailureLink<'a> {
    id: String,
    suite: Cow<'a, str>,
    step: Cow<'a, str>,
    status: &'static str,
    reason: String,
}

#[derive(Serialize)]
struct SuiteView<'a> {
    id: String,
    name: Cow<'a, str>,
    description: Option<Cow<'a, str>>,
    file: &'a str,
    tags: &'a [String],
    status: &'static str,
    summary: Summary,
    duration: String,
    /// Where the suite's steps go ([`steps_marker`]): [`Page::write_to`] writes them there.
    steps_html: String,
}

impl<'a> ReportView<'a> {
    fn new(run: &'a RunResult, steps_html: Vec<String>) -> Self {
        let failures = run
            .suites
            .iter()
            .enumerate()
            .flat_map(|(suite_index, suite)| {
                suite
                    .steps
                    .iter()
                    .enumerate()
                    .filter(|(_, step)| {
                        matches!(step.status, StepStatus::Failed | StepStatus::Error)
                    })
                    .map(move |(step_index, step)| FailureLink {
                        id: step_id(suite_index, step_index),
                        suite: steps::visible(&suite.name),
                        step: steps::visible(&step.name),
                        status: status_name(step.status),
                        reason: steps::visible(&failure_reason(step)).into_owned(),
                    })
            })
            .collect();
        let mut suites: Vec<SuiteView<'a>> = run
            .suites
            .iter()
            .zip(steps_html)
            .enumerate()
            .map(|(index, (suite, steps_html))| SuiteView::new(index, suite, steps_html))
            .collect();
        // Failures first; otherwise the run's order (the sort is stable).
        suites.sort_by_key(|suite| suite.status != "failed");
        ReportView {
            nonce: uuid::Uuid::new_v4().simple().to_string(),
            style: STYLE,
            script: SCRIPT,
            tool: run.tool,
            version: run.version,
            target: run.target.as_deref(),
            started_at: &run.started_at,
            duration: format_duration(run.duration_ms),
            verdict: if run.interrupted {
                "interrupted"
            } else if run.summary.all_passed() {
                "passed"
            } else {
                "failed"
            },
            interrupted: run.interrupted,
            summary: run.summary,
            failures,
            suites,
        }
    }
}

/// One line for the failures list at the top: the error, or the failed checks.
fn failure_reason(step: &StepResult) -> String {
    step.error
        .clone()
        .or_else(|| step.failed_checks_summary())
        .unwrap_or_default()
}

impl<'a> SuiteView<'a> {
    fn new(index: usize, suite: &'a SuiteResult, steps_html: String) -> Self {
        let summary = Summary::of(std::slice::from_ref(suite));
        SuiteView {
            id: format!("suite-{}", index + 1),
            name: steps::visible(&suite.name),
            description: suite.description.as_deref().map(steps::visible),
            file: &suite.file,
            tags: &suite.tags,
            status: if !summary.all_passed() {
                "failed"
            } else if summary.steps > 0 && summary.skipped == summary.steps {
                // Nothing ran (`--fail-fast` after an earlier suite failed): not a pass.
                "skipped"
            } else {
                "passed"
            },
            summary,
            duration: format_duration(suite.duration_ms),
            steps_html,
        }
    }
}

fn status_name(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Passed => "passed",
        StepStatus::Failed => "failed",
        StepStatus::Error => "error",
        StepStatus::Skipped => "skipped",
    }
}

pub(super) fn format_duration(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{} ms", ms.round() as u64)
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(run: &RunResult) -> String {
        let html =
            String::from_utf8(render(run, &Redactor::default()).expect("renders")).expect("UTF-8");
        regex::Regex::new("[0-9a-f]{32}")
            .expect("valid")
            .replace_all(&html, "[nonce]")
            .into_owned()
    }

    #[test]
    fn each_suite_has_its_own_steps_in_whatever_order_the_page_shows_suites() {
        use crate::runner::result::fixtures::{run_with, step_holding};
        let mut run = run_with(vec![StepResult::skipped("a step of one", 3, "skipped")]);
        run.suites.push(SuiteResult {
            name: "Suite two".to_owned(),
            description: None,
            file: "suites/two.yaml".to_owned(),
            tags: Vec::new(),
            duration_ms: 1.0,
            steps: vec![step_holding("x")],
        });
        run.summary = Summary::of(&run.suites);
        let html = page(&run);
        let at = |needle: &str| {
            html.find(needle)
                .unwrap_or_else(|| panic!("{needle} missing"))
        };
        // The failing suite comes first.
        assert!(at(r#"id="suite-2""#) < at(r#"id="step-2-1""#));
        assert!(at(r#"id="step-2-1""#) < at(r#"id="suite-1""#));
        assert!(at(r#"id="suite-1""#) < at(r#"id="step-1-1""#));
        assert!(
            !html.contains("<!--authprobe steps"),
            "a place left unfilled"
        );
    }

    #[test]
    fn characters_a_page_would_hide_or_use_to_reorder_text_are_shown_as_escapes() {
        use crate::runner::result::fixtures::{run_with, step_holding};
        let mut step = step_holding("gnp\u{202e}exe\u{0}end");
        step.name = "login \u{202e}deliaf".to_owned();
        let mut run = run_with(vec![step]);
        run.suites[0].name = "Suite \u{2067}one".to_owned();
        run.summary = Summary::of(&run.suites);
        let html = page(&run);
        for hidden in ['\u{202e}', '\u{2067}', '\u{0}'] {
            assert!(!html.contains(hidden), "{hidden:?} in the page");
        }
        assert!(html.contains("login \\u{202e}deliaf"), "the failures list");
        assert!(html.contains("Suite \\u{2067}one"), "the suite's heading");
        assert!(html.contains("gnp\\u{202e}exe\\u{0000}end"), "a body");
        // Text that is only unusual stays as it is.
        assert_eq!(steps::visible("مرحبا\ttab"), "مرحبا\ttab");
    }

    #[test]
    fn a_suite_shows_its_description_escaped_and_a_suite_that_ran_nothing_is_not_a_pass() {
        use crate::runner::result::fixtures::run_with;
        let mut run = run_with(vec![StepResult::skipped("never sent", 3, "skipped")]);
        run.suites[0].description = Some("Why <b>this</b> matters".to_owned());
        let html = page(&run);
        assert!(
            html.contains(r#"<p class="description">Why &lt;b&gt;this&lt;&#x2F;b&gt; matters</p>"#),
            "{html}"
        );
        assert!(html.contains(r#"<section class="suite skipped" id="suite-1">"#));
    }

    #[test]
    fn steps_drafted_as_they_were_reported_make_the_page_rendering_them_makes() {
        use crate::runner::result::fixtures::{run_with, step_holding};
        let steps = (0..STEPS_PER_CHUNK + 3)
            .map(|n| match n % 2 {
                0 => step_holding(&format!("value <{n}>")),
                _ => StepResult::skipped(&format!("step {n}"), n, "skipped"),
            })
            .collect();
        let mut run = run_with(steps);
        let rendered = page(&run);
        let file = run.suites[0].file.clone();
        for (index, step) in run.suites[0].steps.iter_mut().enumerate() {
            step.drafts.html = Some(draft(0, index, &file, step, &Redactor::default()));
        }
        assert_eq!(page(&run), rendered);

        // The drafts are what is shown: a step renamed after its draft keeps its old name …
        run.suites[0].steps[1].name = "renamed".to_owned();
        assert!(!page(&run).contains("renamed"));
        // … unless its draft is not of that place in the page.
        run.suites[0].steps.swap(1, 3);
        assert!(page(&run).contains("renamed"));
    }

    #[test]
    fn the_template_is_named_so_that_tera_escapes_it() {
        assert!(TEMPLATE_NAME.ends_with(".html"));
        let mut tera = Tera::default();
        tera.add_raw_template(TEMPLATE_NAME, "{{ value }}")
            .expect("valid");
        let mut context = Context::new();
        context.insert("value", "<script>\"'");
        assert_eq!(
            tera.render(TEMPLATE_NAME, &context).expect("renders"),
            "&lt;script&gt;&quot;&#x27;"
        );
    }

    #[test]
    fn two_thousand_steps_make_a_report_of_reasonable_size_with_failures_open() {
        use crate::http::{Exchange, ExchangeOutcome, RecordedRequest, Response};
        let steps: Vec<StepResult> = (0..2000)
            .map(|index| {
                let mut step = StepResult::skipped(&format!("step {index}"), index + 1, "");
                step.error = None;
                step.status = if index % 100 == 0 {
                    StepStatus::Failed
                } else {
                    StepStatus::Passed
                };
                step.exchanges.push(Exchange {
                    label: None,
                    request: RecordedRequest {
                        method: "GET".to_owned(),
                        url: format!("http://127.0.0.1:1/items/{index}"),
                        headers: vec![("accept".to_owned(), "application/json".to_owned())],
                        body: None,
                    },
                    outcome: ExchangeOutcome::Response(Response::new(
                        200,
                        Vec::new(),
                        vec![b'x'; 20_000],
                    )),
                    duration_ms: 1.0,
                });
                step
            })
            .collect();
        let suite = SuiteResult {
            name: "big".to_owned(),
            description: None,
            file: "suites/big.yaml".to_owned(),
            tags: Vec::new(),
            duration_ms: 1.0,
            steps,
        };
        let run = RunResult {
            tool: "authprobe",
            version: "0",
            started_at: String::new(),
            duration_ms: 1.0,
            target: None,
            interrupted: false,
            summary: Summary::of(std::slice::from_ref(&suite)),
            suites: vec![suite],
        };
        let html =
            String::from_utf8(render(&run, &Redactor::default()).expect("renders")).expect("UTF-8");
        // 2,000 bodies of 20 KB are 40 MB; cut, they are a few MB.
        assert!(html.len() < 8 * 1024 * 1024, "{} bytes", html.len());
        assert_eq!(
            html.matches("\" open>").count(),
            20,
            "only the 20 failed steps start open"
        );
        assert_eq!(
            html.matches("body cut: showing the start of 19.5 KiB")
                .count(),
            2000
        );
        // Rendered in chunks on several threads, the steps still come in the run's order.
        let positions: Vec<usize> = (1..=2000)
            .map(|step| {
                html.find(&format!("id=\"step-1-{step}\""))
                    .expect("every step is on the page")
            })
            .collect();
        assert!(positions.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
