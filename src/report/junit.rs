//! `reports/junit.xml`, for CI systems: suites are `<testsuite>`s, steps are `<testcase>`s.
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites name="authprobe" tests="3" failures="1" errors="1" skipped="0" time="0.412" timestamp="2026-12-04T20:00:00Z">
//!   <testsuite name="JWT access tokens" file="suites/jwt.yaml" tests="3" failures="1" errors="1" skipped="0" time="0.401">
//!     <testcase name="password grant" classname="JWT access tokens" file="suites/jwt.yaml" line="9" time="0.120"/>
//!     <testcase name="forged tokens are refused" classname="JWT access tokens" file="suites/jwt.yaml" line="20" time="0.031">
//!       <failure message="status: expected 401, got 200" type="check">status (suites/jwt.yaml:23)
//!   expected: 401
//!   actual:   200
//! GET http://127.0.0.1:8080/users/me → 200</failure>
//!     </testcase>
//!     <testcase name="refresh" classname="JWT access tokens" file="suites/jwt.yaml" line="31" time="10.000">
//!       <error message="no response after 10s: timed out" type="error">…</error>
//!     </testcase>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! An interrupted run (Ctrl-C, a cancelled CI job) ends its last suite with an errored
//! `run interrupted` testcase: the steps that did not run are not in the results, and a CI test
//! tab would otherwise show the run green.
//!
//! A step that failed several checks has one `<failure>` (many consumers show only the first)
//! whose message names the first check and whose text lists them all, with snapshot diffs.
//! Written by hand: the format is a dozen elements, and the one subtle part, escaping, is here
//! with its tests, including the control characters XML 1.0 forbids even as entities (a response
//! body can hold any byte). The run is masked before it reaches this module.

use std::fmt::Write as _;

use crate::http::ExchangeOutcome;
use crate::runner::{RunResult, StepResult, StepStatus, Summary};

pub(super) fn render(run: &RunResult) -> Vec<u8> {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let Summary {
        steps,
        failed,
        errored,
        skipped,
        ..
    } = run.summary;
    let interrupted = usize::from(run.interrupted);
    let _ = writeln!(
        xml,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{failed}\" errors=\"{}\" skipped=\"{skipped}\" time=\"{}\" timestamp=\"{}\">",
        attribute(run.tool),
        steps + interrupted,
        errored + interrupted,
        seconds(run.duration_ms),
        attribute(&run.started_at)
    );
    let last = run.suites.len().saturating_sub(1);
    for (index, suite) in run.suites.iter().enumerate() {
        let counts = Summary::of(std::slice::from_ref(suite));
        let ends_the_run = usize::from(run.interrupted && index == last);
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{}\" file=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\">",
            attribute(&suite.name),
            attribute(&suite.file),
            counts.steps + ends_the_run,
            counts.failed,
            counts.errored + ends_the_run,
            counts.skipped,
            seconds(suite.duration_ms)
        );
        for step in &suite.steps {
            testcase(&mut xml, &suite.name, &suite.file, step);
        }
        if ends_the_run == 1 {
            interruption(&mut xml, &suite.name, Some(&suite.file));
        }
        xml.push_str("  </testsuite>\n");
    }
    if run.interrupted && run.suites.is_empty() {
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{0}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0.000\">",
            attribute(run.tool)
        );
        interruption(&mut xml, run.tool, None);
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml.into_bytes()
}

/// The testcase that says the run stopped before its end.
fn interruption(xml: &mut String, suite: &str, file: Option<&str>) {
    let message = "the run was interrupted (Ctrl-C or SIGTERM): the step under way and every \
                   step and suite after it did not run";
    let _ = writeln!(
        xml,
        "    <testcase name=\"run interrupted\" classname=\"{}\"{} time=\"0.000\">\n      <error message=\"{}\" type=\"interrupted\"/>\n    </testcase>",
        attribute(suite),
        file.map_or(String::new(), |file| format!(
            " file=\"{}\"",
            attribute(file)
        )),
        attribute(message)
    );
}

fn testcase(xml: &mut String, suite: &str, file: &str, step: &StepResult) {
    let open = format!(
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"{}\"",
        attribute(&step.name),
        attribute(suite),
        attribute(file),
        step.line,
        seconds(step.duration_ms)
    );
    match step.status {
        StepStatus::Passed => {
            let _ = writeln!(xml, "{open}/>");
        }
        StepStatus::Skipped => {
            let reason = step.error.as_deref().unwrap_or("skipped");
            let _ = writeln!(
                xml,
                "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>",
                attribute(reason)
            );
        }
        StepStatus::Error => {
            let message = step.error.as_deref().unwrap_or("the step could not run");
            let mut details = format!("{message}\n");
            details.push_str(&exchange_lines(step));
            let _ = writeln!(
                xml,
                "{open}>\n      <error message=\"{}\" type=\"error\">{}</error>\n    </testcase>",
                attribute(message),
                text(&details)
            );
        }
        StepStatus::Failed => {
            let failed: Vec<_> = step.failed_checks().collect();
            let message = step
                .failed_checks_summary()
                .unwrap_or_else(|| "failed".to_owned());
            let mut details = String::new();
            for check in &failed {
                let _ = writeln!(details, "{} ({file}:{})", check.name, check.line);
                let _ = writeln!(details, "  expected: {}", check.expected);
                let _ = writeln!(details, "  actual:   {}", check.actual);
                if let Some(diff) = &check.diff {
                    details.push_str(diff);
                    if !diff.ends_with('\n') {
                        details.push('\n');
                    }
                }
            }
            details.push_str(&exchange_lines(step));
            let _ = writeln!(
                xml,
                "{open}>\n      <failure message=\"{}\" type=\"check\">{}</failure>\n    </testcase>",
                attribute(&message),
                text(&details)
            );
        }
    }
}

/// `GET http://… → 200` for each request of the step: where to look first.
fn exchange_lines(step: &StepResult) -> String {
    let mut lines = String::new();
    for exchange in &step.exchanges {
        let outcome = match &exchange.outcome {
            ExchangeOutcome::Response(response) => response.status.to_string(),
            ExchangeOutcome::Error(error) => {
                format!("{} ({})", error.kind.outcome(), error.message)
            }
        };
        let label = exchange
            .label
            .as_ref()
            .map_or(String::new(), |label| format!("[{label}] "));
        let _ = writeln!(
            lines,
            "{label}{} {} → {outcome}",
            exchange.request.method, exchange.request.url
        );
    }
    lines
}

fn seconds(ms: f64) -> String {
    format!("{:.3}", ms / 1000.0)
}

/// Character data: markup characters escaped, characters XML 1.0 cannot hold replaced.
fn text(raw: &str) -> String {
    escape(raw, false)
}

/// An attribute value in double quotes: also quotes and line breaks (kept as character
/// references, which attribute normalisation would otherwise turn into spaces).
fn attribute(raw: &str) -> String {
    escape(raw, true)
}

fn escape(raw: &str, in_attribute: bool) -> String {
    let mut escaped = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' if in_attribute => escaped.push_str("&quot;"),
            '\n' if in_attribute => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' if in_attribute => escaped.push_str("&#9;"),
            '\t' | '\n' => escaped.push(c),
            // A bidi override would make a CI page show a name or a value reordered.
            '\u{061c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}' => {
                let _ = write!(escaped, "\\u{{{:04x}}}", u32::from(c));
            }
            c if is_xml_char(c) => escaped.push(c),
            _ => escaped.push('\u{FFFD}'),
        }
    }
    escaped
}

/// XML 1.0's `Char` production: no C0 controls but tab, line feed and carriage return; no
/// surrogates (impossible in a `char`); no U+FFFE or U+FFFF.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::result::fixtures::run_with;

    #[test]
    fn escapes_markup_quotes_and_forbidden_characters() {
        assert_eq!(text("a<b>&c\"d'e"), "a&lt;b&gt;&amp;c\"d'e");
        assert_eq!(
            attribute("say \"hi\"\nnow\t"),
            "say &quot;hi&quot;&#10;now&#9;"
        );
        assert_eq!(
            text("bell\u{7}nul\u{0}ok\n\u{FFFF}"),
            "bell\u{FFFD}nul\u{FFFD}ok\n\u{FFFD}"
        );
        assert_eq!(text("]]> <![CDATA["), "]]&gt; &lt;![CDATA[");
        assert_eq!(attribute("deliaf \u{202e}ok"), "deliaf \\u{202e}ok");
    }

    #[test]
    fn skipped_and_errored_steps_have_their_own_elements() {
        let mut errored = StepResult::skipped("reach the \"API\"", 3, "could not connect: refused");
        errored.status = StepStatus::Error;
        errored.attempts = 1;
        let skipped =
            StepResult::skipped("later", 9, "skipped: an earlier step failed (--fail-fast)");
        let xml = String::from_utf8(render(&run_with(vec![errored, skipped]))).expect("UTF-8");
        insta::assert_snapshot!(xml, @r#"
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="authprobe" tests="2" failures="0" errors="1" skipped="1" time="0.012" timestamp="2026-12-04T20:00:00Z">
          <testsuite name="Suite &lt;one&gt;" file="suites/one.yaml" tests="2" failures="0" errors="1" skipped="1" time="0.012">
            <testcase name="reach the &quot;API&quot;" classname="Suite &lt;one&gt;" file="suites/one.yaml" line="3" time="0.000">
              <error message="could not connect: refused" type="error">could not connect: refused
        </error>
            </testcase>
            <testcase name="later" classname="Suite &lt;one&gt;" file="suites/one.yaml" line="9" time="0.000">
              <skipped message="skipped: an earlier step failed (--fail-fast)"/>
            </testcase>
          </testsuite>
        </testsuites>
        "#);
    }

    #[test]
    fn an_interrupted_run_ends_with_an_errored_testcase_that_says_so() {
        let mut passed = StepResult::skipped("first", 3, "");
        passed.status = StepStatus::Passed;
        let mut run = run_with(vec![passed]);
        run.interrupted = true;
        let xml = String::from_utf8(render(&run)).expect("UTF-8");
        insta::assert_snapshot!(xml, @r#"
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="authprobe" tests="2" failures="0" errors="1" skipped="0" time="0.012" timestamp="2026-12-04T20:00:00Z">
          <testsuite name="Suite &lt;one&gt;" file="suites/one.yaml" tests="2" failures="0" errors="1" skipped="0" time="0.012">
            <testcase name="first" classname="Suite &lt;one&gt;" file="suites/one.yaml" line="3" time="0.000"/>
            <testcase name="run interrupted" classname="Suite &lt;one&gt;" file="suites/one.yaml" time="0.000">
              <error message="the run was interrupted (Ctrl-C or SIGTERM): the step under way and every step and suite after it did not run" type="interrupted"/>
            </testcase>
          </testsuite>
        </testsuites>
        "#);

        run.suites.clear();
        run.summary = Summary::of(&run.suites);
        let xml = String::from_utf8(render(&run)).expect("UTF-8");
        insta::assert_snapshot!(xml, @r#"
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="authprobe" tests="1" failures="0" errors="1" skipped="0" time="0.012" timestamp="2026-12-04T20:00:00Z">
          <testsuite name="authprobe" tests="1" failures="0" errors="1" skipped="0" time="0.000">
            <testcase name="run interrupted" classname="authprobe" time="0.000">
              <error message="the run was interrupted (Ctrl-C or SIGTERM): the step under way and every step and suite after it did not run" type="interrupted"/>
            </testcase>
          </testsuite>
        </testsuites>
        "#);
    }

    #[test]
    fn seconds_have_three_decimals() {
        assert_eq!(seconds(1234.5678), "1.235");
        assert_eq!(seconds(0.0), "0.000");
    }
}
