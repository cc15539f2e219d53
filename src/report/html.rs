//! `reports/index.html`: the report people read. One self-contained file (CSS and JS inline, no
//! network), rendered by tera with autoescaping on: every value from the run is text, never markup.
//!
//! The page lists failures first (suites with failures lead, and a list of failed steps links to
//! each), then per step: the checks with expected and actual, snapshot diffs, captures, every
//! request and response of the step, decoded JWTs, a copy-as-curl line and timings. Passing steps
//! start collapsed; long bodies are cut with their size shown, so 2,000 steps stay readable.
//!
//! Everything shown comes from the masked [`RunResult`]; what the view derives (decoded JWTs) is
//! masked again with the same [`Redactor`]. The templates ship inside the binary, added under
//! `.html` names, which is what turns tera's autoescaping on.
//!
//! Steps are rendered from `steps.html`: each as it is reported during the run, when the report is
//! wanted ([`HtmlDrafter`]), or else in chunks spread over the machine's cores. The page
//! (`report.html`) is rendered around them, and the steps are written into their places as the
//! file is written: no single tera context, nor string, holds the whole run.

use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use serde::Serialize;
use serde_json::Value;
use tera::{Context, Tera};

use super::ReportError;
use super::curl;
use crate::http::{Exchange, ExchangeOutcome, RecordedRequest};
use crate::jwt;
use crate::runner::{CheckResult, RunResult, StepResult, StepStatus, SuiteResult, Summary};
use crate::secret::Redactor;

const TEMPLATE_NAME: &str = "report.html";
const TEMPLATE: &str = include_str!("templates/report.html");
const STEPS_TEMPLATE_NAME: &str = "steps.html";
const STEPS_TEMPLATE: &str = include_str!("templates/steps.html");
/// Steps per tera render: enough to make each call worth it, few enough to share out over cores.
const STEPS_PER_CHUNK: usize = 50;
/// Bodies of failed steps longer than this are cut in the report (results.json keeps them whole).
const MAX_BODY_BYTES: usize = 4 * 1024;
/// Passing steps are rarely read: their bodies are cut shorter, which keeps big runs light.
const MAX_PASSING_BODY_BYTES: usize = 1024;
/// JWT claims that hold instants, shown also as dates.
const TIME_CLAIMS: &[&str] = &["exp", "iat", "nbf", "auth_time"];

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
    let mut tera = Tera::default();
    tera.add_raw_templates([
        (TEMPLATE_NAME, TEMPLATE),
        (STEPS_TEMPLATE_NAME, STEPS_TEMPLATE),
    ])
    .map_err(ReportError::Html)?;
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
    for (chunk, html) in chunks.iter().zip(render_chunks(&tera, &chunks, redactor)?) {
        steps[chunk.suite].push(html);
    }
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

/// Renders steps' parts of the page one at a time, as they are reported.
pub struct HtmlDrafter {
    tera: Tera,
}

impl HtmlDrafter {
    /// `None` if the steps' template does not compile (the report says so when it is written).
    pub fn new() -> Option<Self> {
        let mut tera = Tera::default();
        tera.add_raw_template(STEPS_TEMPLATE_NAME, STEPS_TEMPLATE)
            .ok()?;
        Some(HtmlDrafter { tera })
    }

    /// The part of the page showing `step`, step `index` of suite `suite` (both from 0) written in
    /// `file`.
    pub fn draft(
        &self,
        suite: usize,
        index: usize,
        file: &str,
        step: &StepResult,
        redactor: &Redactor,
    ) -> Option<Box<HtmlDraft>> {
        let id = step_id(suite, index);
        let view = ChunkView {
            steps: vec![StepView::new(id.clone(), file, step, redactor)],
        };
        let html = render_steps(&self.tera, &view).ok()?;
        Some(Box::new(HtmlDraft { id, html }))
    }
}

fn render_steps(tera: &Tera, view: &ChunkView<'_>) -> Result<String, tera::Error> {
    Context::from_serialize(view).and_then(|context| tera.render(STEPS_TEMPLATE_NAME, &context))
}

/// Consecutive steps of one suite, rendered by one call of `steps.html`.
struct Chunk<'a> {
    suite: usize,
    file: &'a str,
    first_step: usize,
    steps: &'a [StepResult],
}

#[derive(Serialize)]
struct ChunkView<'a> {
    steps: Vec<StepView<'a>>,
}

/// Each chunk's part of the page, in order: its steps' drafts, or rendered now on as many threads
/// as there are cores.
fn render_chunks<'a>(
    tera: &Tera,
    chunks: &[Chunk<'a>],
    redactor: &Redactor,
) -> Result<Vec<ChunkHtml<'a>>, ReportError> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut rendered = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(chunk) = chunks.get(index) else {
                return rendered;
            };
            if let Some(drafted) = drafted(chunk) {
                rendered.push((index, Ok(ChunkHtml::Drafted(drafted))));
                continue;
            }
            let view = ChunkView {
                steps: chunk
                    .steps
                    .iter()
                    .enumerate()
                    .map(|(offset, step)| {
                        let id = step_id(chunk.suite, chunk.first_step + offset);
                        StepView::new(id, chunk.file, step, redactor)
                    })
                    .collect(),
            };
            rendered.push((index, render_steps(tera, &view).map(ChunkHtml::Rendered)));
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(chunks.len());
    let mut rendered = std::thread::scope(|scope| {
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
    rendered.sort_unstable_by_key(|(index, _)| *index);
    rendered
        .into_iter()
        .map(|(_, html)| html.map_err(ReportError::Html))
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
    suite: &'a str,
    step: &'a str,
    status: &'static str,
    reason: String,
}

#[derive(Serialize)]
struct SuiteView<'a> {
    id: String,
    name: &'a str,
    file: &'a str,
    tags: &'a [String],
    status: &'static str,
    summary: Summary,
    duration: String,
    /// Where the suite's steps go ([`steps_marker`]): [`Page::write_to`] writes them there.
    steps_html: String,
}

#[derive(Serialize)]
struct StepView<'a> {
    id: String,
    name: &'a str,
    /// Lowercase, for the search box.
    search: String,
    status: &'static str,
    identity: Option<&'a str>,
    location: String,
    duration: String,
    attempts: u32,
    error: Option<&'a str>,
    open: bool,
    checks: Vec<CheckView<'a>>,
    captures: Vec<CaptureView<'a>>,
    exchanges: Vec<ExchangeView<'a>>,
    jwts: Vec<JwtView>,
    curl: Option<String>,
}

#[derive(Serialize)]
struct CheckView<'a> {
    name: &'a str,
    passed: bool,
    expected: &'a str,
    actual: &'a str,
    line: usize,
    diff: Vec<DiffLine<'a>>,
}

#[derive(Serialize)]
struct DiffLine<'a> {
    kind: &'static str,
    text: &'a str,
}

#[derive(Serialize)]
struct CaptureView<'a> {
    name: &'a str,
    value: Cow<'a, str>,
}

#[derive(Serialize)]
struct ExchangeView<'a> {
    method: &'a str,
    url: &'a str,
    request_headers: Vec<HeaderView<'a>>,
    request_body: Option<BodyView>,
    status: Option<u16>,
    status_class: &'static str,
    response_headers: Vec<HeaderView<'a>>,
    response_body: Option<BodyView>,
    error: Option<&'a str>,
    duration: String,
}

#[derive(Serialize)]
struct HeaderView<'a> {
    name: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct BodyView {
    text: String,
    size: String,
    truncated: bool,
}

#[derive(Serialize)]
struct JwtView {
    /// Where the token was seen: "response body", "response header location".
    place: String,
    header: String,
    claims: String,
    times: Vec<TimeView>,
    signature: &'static str,
}

#[derive(Serialize)]
struct TimeView {
    claim: String,
    date: String,
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
                        suite: &suite.name,
                        step: &step.name,
                        status: status_name(step.status),
                        reason: failure_reason(step),
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
            name: &suite.name,
            file: &suite.file,
            tags: &suite.tags,
            status: if summary.all_passed() {
                "passed"
            } else {
                "failed"
            },
            summary,
            duration: format_duration(suite.duration_ms),
            steps_html,
        }
    }
}

impl<'a> StepView<'a> {
    fn new(id: String, file: &str, step: &'a StepResult, redactor: &Redactor) -> Self {
        let status = status_name(step.status);
        let follow = step.exchanges.len() > 1;
        StepView {
            id,
            name: &step.name,
            search: step.name.to_lowercase(),
            status,
            identity: step.identity.as_deref(),
            location: format!("{file}:{}", step.line),
            duration: format_duration(step.duration_ms),
            attempts: step.attempts,
            error: step.error.as_deref(),
            open: matches!(step.status, StepStatus::Failed | StepStatus::Error),
            checks: step.checks.iter().map(CheckView::new).collect(),
            captures: step
                .captures
                .iter()
                .map(|capture| CaptureView {
                    name: &capture.name,
                    value: match &capture.value {
                        Value::String(text) => Cow::Borrowed(text.as_str()),
                        other => Cow::Owned(other.to_string()),
                    },
                })
                .collect(),
            exchanges: step
                .exchanges
                .iter()
                .map(|exchange| {
                    let limit = match step.status {
                        StepStatus::Failed | StepStatus::Error => MAX_BODY_BYTES,
                        StepStatus::Passed | StepStatus::Skipped => MAX_PASSING_BODY_BYTES,
                    };
                    ExchangeView::new(exchange, limit)
                })
                .collect(),
            jwts: jwts_of(&step.exchanges, redactor),
            curl: step
                .exchanges
                .first()
                .map(|exchange| curl::command(&exchange.request, follow)),
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

impl<'a> CheckView<'a> {
    fn new(check: &'a CheckResult) -> Self {
        CheckView {
            name: &check.name,
            passed: check.passed,
            expected: &check.expected,
            actual: &check.actual,
            line: check.line,
            diff: check
                .diff
                .as_deref()
                .map(|diff| diff.lines().map(DiffLine::new).collect())
                .unwrap_or_default(),
        }
    }
}

impl<'a> DiffLine<'a> {
    fn new(line: &'a str) -> Self {
        let kind = if line.starts_with("+++") || line.starts_with("---") {
            "file"
        } else {
            match line.as_bytes().first() {
                Some(b'+') => "add",
                Some(b'-') => "del",
                Some(b'@') => "hunk",
                _ => "context",
            }
        };
        DiffLine { kind, text: line }
    }
}

impl<'a> ExchangeView<'a> {
    fn new(exchange: &'a Exchange, body_limit: usize) -> Self {
        let request = &exchange.request;
        let (status, response_headers, response_body, error) = match &exchange.outcome {
            ExchangeOutcome::Response(response) => (
                Some(response.status),
                headers(&response.headers),
                (!response.body.is_empty()).then(|| BodyView::new(&response.text(), body_limit)),
                None,
            ),
            ExchangeOutcome::Error(error) => (None, Vec::new(), None, Some(error.message.as_str())),
        };
        ExchangeView {
            method: &request.method,
            url: &request.url,
            request_headers: headers(&request.headers),
            request_body: request
                .body
                .as_deref()
                .map(|body| BodyView::new(body, body_limit)),
            status,
            status_class: match status {
                Some(200..=299) => "ok",
                Some(300..=399) => "redirect",
                Some(_) => "bad",
                None => "none",
            },
            response_headers,
            response_body,
            error,
            duration: format_duration(exchange.duration_ms),
        }
    }
}

fn headers(pairs: &[(String, String)]) -> Vec<HeaderView<'_>> {
    pairs
        .iter()
        .map(|(name, value)| HeaderView { name, value })
        .collect()
}

impl BodyView {
    /// Pretty JSON when it is JSON; cut at `limit` bytes on a character boundary.
    fn new(text: &str, limit: usize) -> Self {
        let pretty = serde_json::from_str::<Value>(text)
            .ok()
            .filter(|value| value.is_object() || value.is_array())
            .and_then(|value| serde_json::to_string_pretty(&value).ok());
        let shown = pretty.as_deref().unwrap_or(text);
        let truncated = shown.len() > limit;
        let mut cut = limit.min(shown.len());
        while !shown.is_char_boundary(cut) {
            cut -= 1;
        }
        BodyView {
            text: shown[..cut].to_owned(),
            size: format_size(text.len()),
            truncated,
        }
    }
}

/// Every distinct JWT the step sent or received, decoded, in the order first seen.
fn jwts_of(exchanges: &[Exchange], redactor: &Redactor) -> Vec<JwtView> {
    let mut seen: Vec<String> = Vec::new();
    let mut views = Vec::new();
    for exchange in exchanges {
        let mut places: Vec<(String, String)> = Vec::new();
        let RecordedRequest {
            url, headers, body, ..
        } = &exchange.request;
        places.push(("request URL".to_owned(), url.clone()));
        for (name, value) in headers {
            places.push((format!("request header {name}"), value.clone()));
        }
        if let Some(body) = body {
            places.push(("request body".to_owned(), body.clone()));
        }
        if let Some(response) = exchange.response() {
            for (name, value) in &response.headers {
                places.push((format!("response header {name}"), value.clone()));
            }
            places.push(("response body".to_owned(), response.text().into_owned()));
        }
        for (place, text) in places {
            for found in jwt::find_jwts(&text) {
                let token = &text[found.range.clone()];
                if seen.iter().any(|known| known == token) {
                    continue;
                }
                seen.push(token.to_owned());
                views.push(JwtView::new(place.clone(), &found.decoded, redactor));
            }
        }
    }
    views
}

impl JwtView {
    fn new(place: String, decoded: &jwt::DecodedJwt, redactor: &Redactor) -> Self {
        let pretty = |value: &Value| {
            let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
            redactor.mask(&text).into_owned()
        };
        let times = TIME_CLAIMS
            .iter()
            .filter_map(|claim| {
                let seconds = decoded.claims.get(*claim)?.as_u64()?;
                let instant = UNIX_EPOCH.checked_add(Duration::from_secs(seconds))?;
                Some(TimeView {
                    claim: (*claim).to_owned(),
                    date: humantime::format_rfc3339_seconds(instant).to_string(),
                })
            })
            .collect();
        JwtView {
            place,
            header: pretty(&decoded.header),
            claims: pretty(&decoded.claims),
            times,
            signature: if decoded.signature.is_empty() {
                "none (unsigned token)"
            } else {
                "masked"
            },
        }
    }
}

pub(super) fn format_duration(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{} ms", ms.round() as u64)
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

fn format_size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
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
        let drafter = HtmlDrafter::new().expect("the template compiles");
        let file = run.suites[0].file.clone();
        for (index, step) in run.suites[0].steps.iter_mut().enumerate() {
            step.drafts.html = drafter.draft(0, index, &file, step, &Redactor::default());
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
    fn long_bodies_are_cut_on_a_character_boundary_with_their_size() {
        let text = "é".repeat(MAX_BODY_BYTES);
        let body = BodyView::new(&text, MAX_BODY_BYTES);
        assert!(body.truncated);
        assert!(body.text.len() <= MAX_BODY_BYTES);
        assert_eq!(body.size, "8.0 KiB");
        let small = BodyView::new(r#"{"a":1}"#, MAX_BODY_BYTES);
        assert_eq!(small.text, "{\n  \"a\": 1\n}");
        assert!(!small.truncated);
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
        use crate::http::{RecordedRequest, Response};
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
