//! A step's part of the page: what is shown of it ([`StepView`]) and the HTML written for it.
//!
//! The page around the steps is a tera template; a step's part is written here, by hand. It is
//! written once per step, often while the run waits for the next response, and rendering it with
//! tera (its context built, the template interpreted) took over twenty times as long as writing
//! it here: a 1,000-step run spent most of its CPU time there. Every value
//! from the run goes through [`escape`], which escapes as tera's autoescaping does; the tests pin
//! the markup.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::Value;

use super::{format_duration, status_name};
use crate::http::{Exchange, ExchangeOutcome, RecordedRequest};
use crate::jwt;
use crate::report::curl;
use crate::runner::{CheckResult, StepResult, StepStatus};
use crate::secret::Redactor;

/// Bodies of failed steps longer than this are cut in the report (results.json keeps them whole).
const MAX_BODY_BYTES: usize = 4 * 1024;

/// Passing steps are rarely read: their bodies are cut shorter, which keeps big runs light.
const MAX_PASSING_BODY_BYTES: usize = 1024;

/// JWT claims that hold instants, shown also as dates.
const TIME_CLAIMS: &[&str] = &["exp", "iat", "nbf", "auth_time"];

pub(super) struct StepView<'a> {
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

struct CheckView<'a> {
    name: &'a str,
    passed: bool,
    expected: &'a str,
    actual: &'a str,
    line: usize,
    diff: Vec<DiffLine<'a>>,
}

struct DiffLine<'a> {
    kind: &'static str,
    text: &'a str,
}

struct CaptureView<'a> {
    name: &'a str,
    value: Cow<'a, str>,
}

struct ExchangeView<'a> {
    /// What sent it, when not the step itself: `attack jwt alg-none`.
    label: Option<&'a str>,
    method: &'a str,
    url: &'a str,
    request_headers: Vec<HeaderView<'a>>,
    request_body: Option<BodyView>,
    status: Option<u16>,
    status_class: &'static str,
    /// Shown instead of the status when none came back.
    failure: &'static str,
    response_headers: Vec<HeaderView<'a>>,
    response_body: Option<BodyView>,
    error: Option<&'a str>,
    duration: String,
}

struct HeaderView<'a> {
    name: &'a str,
    value: &'a str,
}

struct BodyView {
    text: String,
    size: String,
    truncated: bool,
}

struct JwtView {
    /// Where the token was seen: "response body", "response header location".
    place: String,
    header: String,
    claims: String,
    times: Vec<TimeView>,
    signature: &'static str,
}

struct TimeView {
    claim: String,
    date: String,
}

impl<'a> StepView<'a> {
    pub(super) fn new(id: String, file: &str, step: &'a StepResult, redactor: &Redactor) -> Self {
        let status = status_name(step.status);
        // Hops of the step's own request: the attacks' exchanges that follow them are not.
        let follow = step
            .exchanges
            .iter()
            .filter(|exchange| exchange.label.is_none())
            .count()
            > 1;
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
                (!response.body.is_empty()).then(|| match std::str::from_utf8(&response.body) {
                    Ok(text) => BodyView::new(text, body_limit),
                    Err(_) => BodyView::binary(&response.body),
                }),
                None,
            ),
            ExchangeOutcome::Error(error) => (None, Vec::new(), None, Some(error)),
        };
        ExchangeView {
            label: exchange.label.as_deref(),
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
            failure: error.map_or("no response", |error| error.kind.outcome()),
            response_headers,
            response_body,
            error: error.map(|error| error.message.as_str()),
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
    /// A body that is not UTF-8 text: its size and its first bytes in hex.
    fn binary(body: &[u8]) -> Self {
        const SHOWN: usize = 64;
        let mut text = String::from(
            "not UTF-8 text (results.json, when written, has it as body_base64); it begins:\n",
        );
        for (index, byte) in body.iter().take(SHOWN).enumerate() {
            let separator = if index % 16 == 15 { "\n" } else { " " };
            let _ = write!(text, "{byte:02x}{separator}");
        }
        BodyView {
            text: text.trim_end().to_owned(),
            size: format!("{} binary", format_size(body.len())),
            truncated: false,
        }
    }

    /// Pretty JSON when it is JSON; cut at `limit` bytes on a character boundary.
    fn new(text: &str, limit: usize) -> Self {
        let pretty = serde_json::from_str::<Value>(text.strip_prefix('\u{feff}').unwrap_or(text))
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
        let RecordedRequest {
            url, headers, body, ..
        } = &exchange.request;
        let mut places: Vec<(Place<'_>, Cow<'_, str>)> = Vec::new();
        places.push((Place::RequestUrl, Cow::Borrowed(url)));
        for (name, value) in headers {
            places.push((Place::RequestHeader(name), Cow::Borrowed(value)));
        }
        if let Some(body) = body {
            places.push((Place::RequestBody, Cow::Borrowed(body)));
        }
        if let Some(response) = exchange.response() {
            for (name, value) in &response.headers {
                places.push((Place::ResponseHeader(name), Cow::Borrowed(value)));
            }
            places.push((Place::ResponseBody, response.text()));
        }
        for (place, text) in &places {
            for found in jwt::find_jwts(text) {
                let token = &text[found.range.clone()];
                if seen.iter().any(|known| known == token) {
                    continue;
                }
                let place = match &exchange.label {
                    Some(label) => format!("{label}: {}", place.describe()),
                    None => place.describe(),
                };
                views.push(JwtView::new(place, &found.decoded, redactor));
                seen.push(token.to_owned());
            }
        }
    }
    views
}

/// Where in an exchange a JWT was seen.
enum Place<'a> {
    RequestUrl,
    RequestHeader(&'a str),
    RequestBody,
    ResponseHeader(&'a str),
    ResponseBody,
}

impl Place<'_> {
    fn describe(&self) -> String {
        match self {
            Place::RequestUrl => "request URL".to_owned(),
            Place::RequestHeader(name) => format!("request header {name}"),
            Place::RequestBody => "request body".to_owned(),
            Place::ResponseHeader(name) => format!("response header {name}"),
            Place::ResponseBody => "response body".to_owned(),
        }
    }
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
                Some(TimeView {
                    claim: (*claim).to_owned(),
                    date: jwt::claim_date(seconds)?,
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

/// Appends `text` to `out` with `& < > " ' /` escaped, as tera escapes HTML, and the characters a
/// page would not show as they are written as `\u{202e}`: control characters (a NUL in a binary
/// body) and those that reorder a line (a bidi override would make an actual value read
/// backwards, or spill into the expected one beside it).
fn escape(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut written = 0;
    let mut index = 0;
    // Most of a page is bodies with nothing to escape: skip to the next byte that may need it.
    while let Some(skipped) = bytes[index..]
        .iter()
        .position(|&byte| NOTICED[usize::from(byte)])
    {
        index += skipped;
        let byte = bytes[index];
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            b'/' => "&#x2F;",
            // The lead bytes of C0 and DEL, C1 (U+0080..U+009F), U+061C and U+200E..U+2069.
            0x00..=0x08 | 0x0b | 0x0c | 0x0e..=0x1f | 0x7f | 0xc2 | 0xd8 | 0xe2 => {
                let c = text[index..].chars().next().unwrap_or_default();
                if is_hidden_on_a_page(c) {
                    out.push_str(&text[written..index]);
                    let _ = write!(out, "\\u{{{:04x}}}", u32::from(c));
                    index += c.len_utf8();
                    written = index;
                } else {
                    index += c.len_utf8();
                }
                continue;
            }
            _ => {
                index += 1;
                continue;
            }
        };
        // The bytes escaped are ASCII: `index` is on a character boundary.
        out.push_str(&text[written..index]);
        out.push_str(entity);
        index += 1;
        written = index;
    }
    out.push_str(&text[written..]);
}

/// The bytes [`escape`] stops at: markup, the C0 controls but tab, line feed and carriage return,
/// DEL, and the lead bytes of the other characters [`is_hidden_on_a_page`] may be.
const NOTICED: [bool; 256] = {
    let mut noticed = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        noticed[byte] = matches!(
            byte as u8,
            b'&' | b'<'
                | b'>'
                | b'"'
                | b'\''
                | b'/'
                | 0x00..=0x08
                | 0x0b
                | 0x0c
                | 0x0e..=0x1f
                | 0x7f
                | 0xc2
                | 0xd8
                | 0xe2
        );
        byte += 1;
    }
    noticed
};

/// `text` with the characters [`escape`] writes as `\u{…}` written so, for what tera escapes.
pub(super) fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(is_hidden_on_a_page) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden_on_a_page(c) {
            let _ = write!(shown, "\\u{{{:04x}}}", u32::from(c));
        } else {
            shown.push(c);
        }
    }
    std::borrow::Cow::Owned(shown)
}

fn is_hidden_on_a_page(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Appends a number; writing into a `String` cannot fail.
fn number(out: &mut String, value: impl std::fmt::Display) {
    let _ = write!(out, "{value}");
}

/// Whether an optional text is shown: as in a template, an empty one is not.
fn shown(text: Option<&str>) -> Option<&str> {
    text.filter(|text| !text.is_empty())
}

impl StepView<'_> {
    /// Appends the step's part of the page to `out`.
    pub(super) fn write(&self, out: &mut String) {
        out.push_str("\n  <details class=\"step ");
        escape(out, self.status);
        out.push_str("\" id=\"");
        escape(out, &self.id);
        out.push_str("\" data-name=\"");
        escape(out, &self.search);
        out.push('"');
        if self.open {
            out.push_str(" open");
        }
        out.push_str(">\n    <summary>\n      <span class=\"mark\">");
        out.push_str(match self.status {
            "passed" => "✓",
            "failed" => "✗",
            "error" => "!",
            _ => "–",
        });
        out.push_str("</span>\n      <span class=\"name\">");
        escape(out, self.name);
        if let Some(identity) = shown(self.identity) {
            out.push_str(" <span class=\"muted\">as ");
            escape(out, identity);
            out.push_str("</span>");
        }
        out.push_str("</span>\n      <span class=\"muted\">");
        escape(out, self.status);
        out.push_str(" · ");
        escape(out, &self.duration);
        if self.attempts > 1 {
            out.push_str(" · ");
            number(out, self.attempts);
            out.push_str(" attempts");
        }
        out.push_str(" · ");
        escape(out, &self.location);
        out.push_str("</span>\n    </summary>\n    <div class=\"step-body\">\n      ");
        if let Some(error) = shown(self.error) {
            error_line(out, error);
        }
        out.push_str("\n      ");
        if !self.checks.is_empty() {
            out.push_str(
                "\n      <h3>Checks</h3>\n      <table class=\"checks\">\n        <thead><tr><th></th><th>check</th><th>expected</th><th>actual</th><th>line</th></tr></thead>\n        <tbody>\n        ",
            );
            for check in &self.checks {
                check.write(out);
            }
            out.push_str("\n        </tbody>\n      </table>\n      ");
        }
        out.push_str("\n      ");
        if !self.captures.is_empty() {
            out.push_str(
                "\n      <h3>Captures</h3>\n      <table class=\"captures\"><tbody>\n      ",
            );
            for capture in &self.captures {
                out.push_str("<tr><td>");
                escape(out, capture.name);
                out.push_str("</td><td class=\"value\">");
                escape(out, &capture.value);
                out.push_str("</td></tr>");
            }
            out.push_str("\n      </tbody></table>\n      ");
        }
        out.push_str("\n      ");
        // The step's own exchanges (its hops) come first, then the attacks' (labelled).
        let own = self
            .exchanges
            .iter()
            .take_while(|exchange| exchange.label.is_none())
            .count();
        for (index, exchange) in self.exchanges.iter().enumerate() {
            out.push_str("\n      ");
            if index == 0 && own > 0 {
                out.push_str("<h3>");
                if own > 1 {
                    out.push_str("Requests (");
                    number(out, own);
                    out.push_str(" hops)");
                } else {
                    out.push_str("Request and response");
                }
                out.push_str("</h3>");
            }
            if index >= own {
                let is_race = |exchange: &ExchangeView<'_>| {
                    exchange
                        .label
                        .is_some_and(|label| label.starts_with("race answer "))
                };
                let starts_race =
                    is_race(exchange) && (index == own || !is_race(&self.exchanges[index - 1]));
                let starts_attacks =
                    !is_race(exchange) && (index == own || is_race(&self.exchanges[index - 1]));
                if starts_race {
                    let answers = self.exchanges[index..]
                        .iter()
                        .take_while(|exchange| is_race(exchange))
                        .count();
                    out.push_str("<h3>The race's other answers (");
                    number(out, answers);
                    out.push_str(")</h3>");
                } else if starts_attacks {
                    out.push_str("<h3>Attacks (");
                    number(
                        out,
                        self.exchanges[index..]
                            .iter()
                            .filter(|exchange| !is_race(exchange))
                            .count(),
                    );
                    out.push_str(" requests)</h3>");
                }
            }
            exchange.write(out);
        }
        out.push_str("\n      ");
        if !self.jwts.is_empty() {
            out.push_str(
                "\n      <h3>JWTs (decoded, not verified; signatures masked)</h3>\n      ",
            );
            for token in &self.jwts {
                token.write(out);
            }
            out.push_str("\n      ");
        }
        out.push_str("\n      ");
        if let Some(curl) = shown(self.curl.as_deref()) {
            out.push_str("\n      <h3>Copy as curl <span class=\"muted\">(credentials are masked: put your own back)</span></h3>\n      <div class=\"curl\"><pre id=\"curl-");
            escape(out, &self.id);
            out.push_str("\">");
            escape(out, curl);
            out.push_str("</pre><button type=\"button\" class=\"copy\" data-copy=\"curl-");
            escape(out, &self.id);
            out.push_str("\">copy</button></div>\n      ");
        }
        out.push_str("\n    </div>\n  </details>\n  ");
    }
}

impl CheckView<'_> {
    fn write(&self, out: &mut String) {
        out.push_str("\n          <tr class=\"check ");
        out.push_str(if self.passed { "passed" } else { "failed" });
        out.push_str("\">\n            <td class=\"result\">");
        out.push_str(if self.passed { "✓" } else { "✗" });
        out.push_str("</td>\n            <td>");
        escape(out, self.name);
        out.push_str("</td>\n            <td class=\"value\">");
        escape(out, self.expected);
        out.push_str("</td>\n            <td class=\"value\">");
        escape(out, self.actual);
        out.push_str("</td>\n            <td>");
        if self.line > 0 {
            number(out, self.line);
        }
        out.push_str("</td>\n          </tr>\n          ");
        if !self.diff.is_empty() {
            out.push_str(
                "\n          <tr class=\"diff\"><td></td><td colspan=\"4\"><pre class=\"diff\">",
            );
            for line in &self.diff {
                out.push_str("<span class=\"");
                escape(out, line.kind);
                out.push_str("\">");
                escape(out, line.text);
                out.push_str("</span>");
            }
            out.push_str("</pre></td></tr>\n          ");
        }
        out.push_str("\n        ");
    }
}

impl ExchangeView<'_> {
    fn write(&self, out: &mut String) {
        out.push_str("\n      <div class=\"exchange\">\n        <div class=\"line\">");
        if let Some(label) = self.label {
            out.push_str("<span class=\"label\">");
            escape(out, label);
            out.push_str("</span> ");
        }
        escape(out, self.method);
        out.push(' ');
        escape(out, self.url);
        out.push_str(" → ");
        match self.status {
            Some(status) => {
                out.push_str("<span class=\"status ");
                escape(out, self.status_class);
                out.push_str("\">");
                number(out, status);
                out.push_str("</span>");
            }
            None => {
                out.push_str("<span class=\"status none\">");
                out.push_str(self.failure);
                out.push_str("</span>");
            }
        }
        out.push_str(" <span class=\"muted\">");
        escape(out, &self.duration);
        out.push_str("</span></div>\n        <div class=\"columns\">\n          <div class=\"request\">\n            <table><thead><tr><th colspan=\"2\">request headers</th></tr></thead><tbody>\n            ");
        write_headers(out, &self.request_headers);
        out.push_str("\n            </tbody></table>\n            ");
        if let Some(body) = &self.request_body {
            out.push_str("\n            <pre class=\"body\">");
            escape(out, &body.text);
            out.push_str("</pre>\n            ");
            if body.truncated {
                out.push_str("<div class=\"cut\">");
                cut_note(out, body);
                out.push_str("</div>");
            }
            out.push_str("\n            ");
        }
        out.push_str("\n          </div>\n          <div class=\"response\">\n            ");
        if let Some(error) = shown(self.error) {
            error_line(out, error);
        }
        out.push_str("\n            ");
        if self.status.is_some() {
            out.push_str("\n            <table><thead><tr><th colspan=\"2\">response headers</th></tr></thead><tbody>\n            ");
            write_headers(out, &self.response_headers);
            out.push_str("\n            </tbody></table>\n            ");
            match &self.response_body {
                Some(body) => {
                    out.push_str("\n            <pre class=\"body\">");
                    escape(out, &body.text);
                    out.push_str("</pre>\n            <div class=\"cut\">");
                    if body.truncated {
                        cut_note(out, body);
                    } else {
                        escape(out, &body.size);
                    }
                    out.push_str("</div>\n            ");
                }
                None => out.push_str("<div class=\"muted\">empty body</div>"),
            }
            out.push_str("\n            ");
        }
        out.push_str("\n          </div>\n        </div>\n      </div>\n      ");
    }
}

fn error_line(out: &mut String, error: &str) {
    out.push_str("<p class=\"error-line\">");
    escape(out, error);
    out.push_str("</p>");
}

fn cut_note(out: &mut String, body: &BodyView) {
    out.push_str("body cut: showing the start of ");
    escape(out, &body.size);
    out.push_str(" (results.json has all of it)");
}

fn write_headers(out: &mut String, headers: &[HeaderView<'_>]) {
    for header in headers {
        out.push_str("<tr><td>");
        escape(out, header.name);
        out.push_str("</td><td class=\"value\">");
        escape(out, header.value);
        out.push_str("</td></tr>");
    }
}

impl JwtView {
    fn write(&self, out: &mut String) {
        out.push_str("\n      <div class=\"muted\">");
        escape(out, &self.place);
        out.push_str(" · signature: ");
        escape(out, self.signature);
        for time in &self.times {
            out.push_str(" · ");
            escape(out, &time.claim);
            out.push_str(": ");
            escape(out, &time.date);
        }
        out.push_str("</div>\n      <div class=\"jwt\"><pre>");
        escape(out, &self.header);
        out.push_str("</pre><pre>");
        escape(out, &self.claims);
        out.push_str("</pre></div>\n      ");
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
    use crate::http::{Response, TransportError, TransportErrorKind};
    use crate::runner::result::fixtures::step_holding;
    use crate::runner::{CapturedValue, CheckResult};

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
    fn a_binary_body_shows_its_true_size_and_first_bytes() {
        let mut body = vec![0x89, b'P', b'N', b'G'];
        body.resize(10_240, 0xff);
        let view = BodyView::binary(&body);
        assert_eq!(view.size, "10.0 KiB binary");
        assert!(!view.truncated);
        assert!(
            view.text.contains("it begins:\n89 50 4e 47 ff"),
            "{}",
            view.text
        );
        assert_eq!(view.text.lines().count(), 5, "{}", view.text);
    }

    /// Steps that take every branch of the markup: failures with an error and a transport
    /// error, a skipped step, redirects, JWTs (signed and not), a diff, captures of each kind, a
    /// body cut, an empty body, and text that must be escaped.
    fn steps_of_every_kind() -> Vec<StepResult> {
        let mut out = vec![
            step_holding("<z> & 'b' \"c\" / d"),
            step_holding("plain"),
            StepResult::skipped("skipped <one>", 3, "skipped: because"),
        ];
        let jwt = {
            use base64::Engine as _;
            let e = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
            format!(
                "{}.{}.{}",
                e(r#"{"alg":"HS256","typ":"JWT"}"#),
                e(r#"{"sub":"u1 <z>","exp":1700000000,"iat":1699990000}"#),
                "c2ln"
            )
        };
        let unsigned = {
            use base64::Engine as _;
            let e = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
            format!(
                "{}.{}.",
                e(r#"{"alg":"none"}"#),
                e(r#"{"sub":"u2","exp":253402300800}"#)
            )
        };
        let build = || {
            let mut passing = StepResult::skipped("passes", 10, "");
            passing.status = StepStatus::Passed;
            passing.error = None;
            passing.identity = Some("alice <z>".to_owned());
            passing.attempts = 3;
            passing.duration_ms = 1234.5;
            passing.checks.push(CheckResult {
                name: "snapshot <z>".to_owned(),
                passed: true,
                expected: "x".to_owned(),
                actual: "y".to_owned(),
                line: 0,
                diff: Some("--- old\n+++ new\n@@ -1 +1 @@\n-a\n+b <z>\n c".to_owned()),
            });
            passing.checks.push(CheckResult {
                name: "status".to_owned(),
                passed: false,
                expected: "200".to_owned(),
                actual: "302".to_owned(),
                line: 12,
                diff: None,
            });
            passing.captures.push(CapturedValue {
                name: "n <z>".to_owned(),
                value: serde_json::json!(5),
            });
            passing.captures.push(CapturedValue {
                name: "s".to_owned(),
                value: serde_json::json!("text/x"),
            });
            let request = |body: Option<String>| RecordedRequest {
                method: "GET".to_owned(),
                url: format!("http://127.0.0.1:1/a?t={jwt}"),
                headers: vec![("authorization".to_owned(), format!("Bearer {unsigned}"))],
                body,
            };
            passing.exchanges = vec![
                Exchange {
                    label: None,
                    request: request(Some("x".repeat(5000))),
                    outcome: ExchangeOutcome::Response(Response::new(
                        302,
                        vec![("location".to_owned(), "/b".to_owned())],
                        Vec::new(),
                    )),
                    duration_ms: 2.0,
                },
                Exchange {
                    label: None,
                    request: request(None),
                    outcome: ExchangeOutcome::Response(Response::new(
                        500,
                        Vec::new(),
                        format!("{{\"token\":\"{jwt}\",\"list\":[1,2]}}").into_bytes(),
                    )),
                    duration_ms: 2.0,
                },
                Exchange {
                    label: None,
                    request: request(None),
                    outcome: ExchangeOutcome::Response(Response::new(
                        200,
                        Vec::new(),
                        "é".repeat(3000).into_bytes(),
                    )),
                    duration_ms: 2.0,
                },
                Exchange {
                    label: None,
                    request: request(None),
                    outcome: ExchangeOutcome::Error(TransportError {
                        kind: TransportErrorKind::Other,
                        message: String::new(),
                    }),
                    duration_ms: 2.0,
                },
            ];
            passing
        };
        out.push(build());
        let mut one = build();
        one.exchanges.truncate(1);
        one.identity = Some(String::new());
        one.error = Some(String::new());
        one.status = StepStatus::Error;
        out.push(one);
        let mut none = build();
        none.exchanges.clear();
        none.checks.clear();
        none.captures.clear();
        none.status = StepStatus::Skipped;
        out.push(none);
        // The step's own request, then two attacks on it: one answered, one timed out.
        let mut attacked = build();
        attacked.exchanges.truncate(1);
        let mut forged = attacked.exchanges[0].request.clone();
        forged.url = "http://127.0.0.1:1/a".to_owned();
        let forged_token = {
            use base64::Engine as _;
            let e = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
            format!("{}.{}.", e(r#"{"alg":"none"}"#), e(r#"{"sub":"forged"}"#))
        };
        forged.headers = vec![("authorization".to_owned(), format!("Bearer {forged_token}"))];
        attacked.exchanges.push(Exchange {
            label: Some("attack jwt <z>".to_owned()),
            request: forged.clone(),
            outcome: ExchangeOutcome::Response(Response::new(401, Vec::new(), Vec::new())),
            duration_ms: 1.0,
        });
        attacked.exchanges.push(Exchange {
            label: Some("attack control after".to_owned()),
            request: forged,
            outcome: ExchangeOutcome::Error(TransportError {
                kind: TransportErrorKind::Timeout,
                message: "no response after 10s: timed out".to_owned(),
            }),
            duration_ms: 1.0,
        });
        out.push(attacked);
        out
    }

    #[test]
    fn a_step_is_written_with_every_value_from_the_run_escaped() {
        let redactor = Redactor::default();
        let mut html = String::new();
        for (index, step) in steps_of_every_kind().iter().enumerate() {
            StepView::new(
                format!("step-1-{}", index + 1),
                "suites/x.yaml",
                step,
                &redactor,
            )
            .write(&mut html);
        }
        assert!(html.contains("&lt;z&gt;"));
        assert!(
            !html.contains("<z>"),
            "a value from the run is written unescaped"
        );
        let attacked = &html[html.find(r#"id="step-1-7""#).expect("the attacked step")..];
        assert!(
            !attacked.contains("curl -i -L"),
            "the attacks' exchanges are not hops of the step's request"
        );
        assert!(attacked.contains("attack jwt &lt;z&gt;: request header authorization"));
        insta::assert_snapshot!("steps_of_every_kind", html);
    }

    #[test]
    fn a_race_shows_its_other_answers_under_their_own_heading_before_any_attack() {
        let mut step = steps_of_every_kind().pop().expect("the attacked step");
        let answer = |label: &str| Exchange {
            label: Some(label.to_owned()),
            request: step.exchanges[0].request.clone(),
            outcome: ExchangeOutcome::Response(Response::new(200, Vec::new(), Vec::new())),
            duration_ms: 1.0,
        };
        let answers = [
            answer("race answer 2 of 3 (granted)"),
            answer("race answer 3 of 3 (refused)"),
        ];
        step.exchanges.splice(1..1, answers);
        let mut html = String::new();
        StepView::new(
            "step-1-1".to_owned(),
            "suites/x.yaml",
            &step,
            &Redactor::default(),
        )
        .write(&mut html);
        let at = |needle: &str| {
            html.find(needle)
                .unwrap_or_else(|| panic!("{needle} missing"))
        };
        assert!(at("Request and response") < at("The race's other answers (2)"));
        assert!(at("The race's other answers (2)") < at("race answer 2 of 3 (granted)"));
        assert!(at("race answer 3 of 3 (refused)") < at("Attacks (2 requests)"));
    }
}
