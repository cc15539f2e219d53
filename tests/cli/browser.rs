//! The HTML report in a real browser: headless Chromium (Debian's `chromium` package), driven over
//! the DevTools protocol. A hostile response body must stay text, the failures filter must work
//! when clicked, and a screenshot is saved for people to look at.
//!
//! Without `/usr/bin/chromium` the test prints `SKIPPED: chromium not installed` and returns.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use crate::reports::{fixture_app, run_fixture};
use crate::support::{Server, Workspace};

const CHROMIUM: &str = "/usr/bin/chromium";
/// How long to wait for Chromium to start or answer before failing (never a synchronisation).
const PATIENCE: Duration = Duration::from_secs(60);

/// Kills the browser when the test ends, however it ends.
struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    /// Starts Chromium with a fresh profile and returns it with its DevTools websocket URL.
    fn launch() -> (Browser, String) {
        let profile = tempfile::tempdir().expect("a fresh profile folder");
        let mut child = Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let stderr = child.stderr.take().expect("piped stderr");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = sender.send(url.trim().to_owned());
                }
            }
        });
        let browser = Browser {
            child,
            _profile: profile,
        };
        let url = receiver
            .recv_timeout(PATIENCE)
            .expect("chromium prints its DevTools address");
        (browser, url)
    }
}

/// One page of the browser, over the DevTools protocol's flat sessions.
struct Page {
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    session: String,
    next_id: u64,
}

impl Page {
    fn open(devtools_url: &str) -> Page {
        let (socket, _) = tungstenite::connect(devtools_url).expect("connects to DevTools");
        if let MaybeTlsStream::Plain(stream) = socket.get_ref() {
            stream
                .set_read_timeout(Some(PATIENCE))
                .expect("sets a read timeout");
        }
        let mut page = Page {
            socket,
            session: String::new(),
            next_id: 0,
        };
        let target = page.browser_call("Target.createTarget", json!({"url": "about:blank"}));
        let target_id = target["targetId"].as_str().expect("a target id").to_owned();
        let attached = page.browser_call(
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
        );
        page.session = attached["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        page.call("Page.enable", json!({}));
        page.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 1280, "height": 1800, "deviceScaleFactor": 1, "mobile": false}),
        );
        page
    }

    fn browser_call(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, None)
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.send(method, params, Some(&session))
    }

    fn send(&mut self, method: &str, params: Value, session: Option<&str>) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .expect("sends a DevTools command");
        loop {
            let reply = self.receive();
            if reply["id"] == json!(id) {
                assert!(reply.get("error").is_none(), "{method} failed: {reply}");
                return reply["result"].clone();
            }
        }
    }

    fn receive(&mut self) -> Value {
        loop {
            match self.socket.read().expect("reads from DevTools") {
                Message::Text(text) => {
                    return serde_json::from_str(&text).expect("DevTools sends JSON");
                }
                Message::Close(_) => panic!("DevTools closed the connection"),
                _ => continue,
            }
        }
    }

    /// Navigates and returns once the page's `load` event has fired.
    fn navigate(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url}));
        loop {
            let event = self.receive();
            if event["method"] == "Page.loadEventFired" && event["sessionId"] == json!(self.session)
            {
                return;
            }
        }
    }

    fn evaluate(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true}),
        );
        assert!(
            result.get("exceptionDetails").is_none(),
            "`{expression}` threw: {result}"
        );
        result["result"]["value"].clone()
    }

    /// A real mouse click (pressed and released) at the centre of the element `selector`.
    fn click(&mut self, selector: &str) {
        let centre = self.evaluate(&format!(
            "(() => {{ const r = document.querySelector({selector:?}).getBoundingClientRect(); \
             return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
        ));
        let (x, y) = (centre[0].clone(), centre[1].clone());
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            );
        }
    }

    fn screenshot(&mut self, path: &Path) {
        let shot = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("base64 PNG data"))
            .expect("valid base64");
        std::fs::write(path, png).expect("writes the screenshot");
    }
}

fn file_url(path: &Path) -> String {
    let absolute = path.canonicalize().expect("the report exists");
    url::Url::from_file_path(absolute)
        .expect("an absolute path")
        .to_string()
}

/// How many elements match `selector`, and how many of them the browser renders.
fn visible(page: &mut Page, selector: &str) -> (u64, u64) {
    let counts = page.evaluate(&format!(
        "(() => {{ const all = [...document.querySelectorAll({selector:?})]; \
         return [all.length, all.filter(e => e.checkVisibility()).length]; }})()"
    ));
    (
        counts[0].as_u64().expect("a count"),
        counts[1].as_u64().expect("a count"),
    )
}

#[test]
fn a_hostile_body_stays_text_and_the_failures_filter_works_in_chromium() {
    if !Path::new(CHROMIUM).exists() {
        // Printed on both streams: test runners show one or the other for a passing test.
        println!("SKIPPED: chromium not installed ({CHROMIUM}); apt-get install -y chromium");
        eprintln!("SKIPPED: chromium not installed ({CHROMIUM}); apt-get install -y chromium");
        return;
    }
    // Arrange: a report whose target sent script, attribute-breaking quotes and markup.
    let server = Server::start(fixture_app());
    let workspace = Workspace::new();
    run_fixture(&workspace, &server);
    let (_browser, devtools) = Browser::launch();
    let mut page = Page::open(&devtools);

    // Act: open the report.
    page.navigate(&file_url(&workspace.path("reports/index.html")));

    // Assert: nothing the target sent ran or became markup, and it is shown as text.
    assert_eq!(
        page.evaluate("document.documentElement.getAttribute('data-pwned')"),
        Value::Null,
        "an injected script ran"
    );
    assert_eq!(
        page.evaluate("document.scripts.length"),
        json!(1),
        "only the report's own script"
    );
    assert_eq!(page.evaluate("document.images.length"), json!(0));
    assert_eq!(
        page.evaluate("document.querySelectorAll('svg').length"),
        json!(0)
    );
    let shown = page.evaluate("document.querySelector('#step-1-4 pre.body').textContent");
    assert_eq!(shown.as_str(), Some(crate::reports::HOSTILE_BODY));

    // Assert: everything shows until "failures only" is clicked; then only failures do.
    let (passed, passed_visible) = visible(&mut page, "details.step.passed");
    assert!(
        passed > 0 && passed_visible == passed,
        "{passed_visible}/{passed} passed steps shown"
    );
    page.click("#only-failures");
    assert_eq!(
        page.evaluate("document.getElementById('only-failures').checked"),
        json!(true)
    );
    assert_eq!(
        visible(&mut page, "details.step.passed").1,
        0,
        "a passed step is still shown"
    );
    assert_eq!(
        visible(&mut page, "section.suite.passed").1,
        0,
        "a passing suite is still shown"
    );
    let (failed, failed_visible) = visible(&mut page, "details.step.failed, details.step.error");
    assert!(
        failed == 4 && failed_visible == failed,
        "{failed_visible}/{failed} failures shown"
    );

    // Assert: a failure jumped to from the list at the top shows below the sticky header.
    page.click("section.failures a");
    let uncovered = page.evaluate(
        "(function () {
            var target = document.getElementById(window.location.hash.slice(1));
            var header = document.querySelector('header.run').getBoundingClientRect().bottom;
            return target !== null && target.getBoundingClientRect().top >= header;
        })()",
    );
    assert_eq!(
        uncovered,
        json!(true),
        "the step jumped to is under the header"
    );

    let screenshot: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-in-chromium.png");
    page.screenshot(&screenshot);
    println!("screenshot: {}", screenshot.display());
    page.click("#only-failures");
    assert_eq!(
        visible(&mut page, "details.step.passed").1,
        passed,
        "unticking shows passed steps again"
    );
}
