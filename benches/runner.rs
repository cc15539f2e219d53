//! The runner benchmark: a 1000-step suite (status assertion, JSONPath assertion, a token captured
//! from each response and sent as the next step's bearer) against a fast local server, compared in
//! the same run with a plain reqwest loop doing the same requests and JSON parsing.
//!
//! Run with `cargo bench --bench runner`. It prints the timings (median of several interleaved
//! runs), the ratios, and authprobe's peak memory. Both sides are separate processes started the
//! same way, so process start-up is paid by both. With two CPUs or more, the server runs on one
//! and both clients on another: each request then crosses CPUs as it would cross the network, and
//! the timings no longer depend on where the scheduler happens to put the processes (which moved
//! the loop between 28 and 60 ms from run to run). authprobe is measured twice: writing only
//! `results.json` (`--report json`, the same work as the loop plus one record of it) and writing
//! every report (JSON, JUnit and a 2.7 MB HTML page for 1000 steps).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const STEPS: usize = 1000;
const ROUNDS: usize = 7;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--serve") => serve(),
        Some("--baseline") => baseline(args.get(2).expect("a target URL")),
        _ => compare(),
    }
}

/// The fast server: `/items/{n}` answers `{"id": n, "next_token": "tok-n"}` when the bearer is
/// `tok-(n-1)` (or `start` for the first), 401 otherwise. Prints its address on stdout.
fn serve() {
    use axum::extract::Path;
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::IntoResponse;

    let cpus = allowed_cpus();
    if let [_, .., last] = cpus[..] {
        pin_to(last);
    }

    async fn item(Path(n): Path<usize>, headers: HeaderMap) -> axum::response::Response {
        let expected = if n == 0 {
            "Bearer start".to_owned()
        } else {
            format!("Bearer tok-{}", n - 1)
        };
        let authorized = headers
            .get("authorization")
            .is_some_and(|value| value.as_bytes() == expected.as_bytes());
        if !authorized {
            return StatusCode::UNAUTHORIZED.into_response();
        }
        axum::Json(serde_json::json!({ "id": n, "next_token": format!("tok-{n}"), "kind": "item" }))
            .into_response()
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        println!("http://{}", listener.local_addr().expect("address"));
        let app = axum::Router::new().route("/items/{n}", axum::routing::get(item));
        axum::serve(listener, app).await.expect("serves");
    });
}

/// What a careful engineer would write by hand: one client, a loop, the same checks.
fn baseline(target: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let mut token = "start".to_owned();
        for n in 0..STEPS {
            let response = client
                .get(format!("{target}/items/{n}"))
                .bearer_auth(&token)
                .send()
                .await
                .expect("sends");
            assert_eq!(response.status().as_u16(), 200);
            let body = response.bytes().await.expect("body");
            let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
            assert_eq!(json["id"], n);
            token = json["next_token"].as_str().expect("token").to_owned();
        }
    });
}

fn suite_yaml() -> String {
    let mut yaml = String::from("name: benchmark\nvars: { token: start }\nsteps:\n");
    for n in 0..STEPS {
        yaml.push_str(&format!(
            "  - name: item {n}\n    request: {{ url: /items/{n}, bearer: \"{{{{ token }}}}\" }}\n    expect:\n      status: 200\n      json: {{ $.id: {n} }}\n    capture:\n      token: {{ json: $.next_token }}\n"
        ));
    }
    yaml
}

fn compare() {
    let authprobe = PathBuf::from(env!("CARGO_BIN_EXE_authprobe"));
    let me = std::env::current_exe().expect("own path");
    let work = std::env::temp_dir().join(format!("authprobe-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("work dir");
    let suite = work.join("benchmark.yaml");
    std::fs::write(&suite, suite_yaml()).expect("writes suite");

    let mut server = Command::new(&me)
        .arg("--serve")
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts server");
    let target = {
        use std::io::BufRead as _;
        let stdout = server.stdout.take().expect("stdout");
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("address");
        line.trim().to_owned()
    };
    let cpus = allowed_cpus();
    let placement = match cpus[..] {
        [first, .., last] if pin_to(first) => {
            format!("clients on CPU {first}, server on CPU {last}")
        }
        _ => "not pinned (needs two CPUs, on Linux)".to_owned(),
    };

    // authprobe runs first, so that the children's peak RSS read right after is its own.
    let mut json_only = Vec::with_capacity(2 * ROUNDS);
    let mut all_reports = Vec::with_capacity(2 * ROUNDS);
    for _ in 0..ROUNDS {
        json_only.push(time(authprobe_command(
            &authprobe, &suite, &target, &work, "json",
        )));
    }
    let json_peak_kib = children_usage().peak_rss_kib;
    for _ in 0..ROUNDS {
        all_reports.push(time(authprobe_command(
            &authprobe,
            &suite,
            &target,
            &work,
            "json,junit,html",
        )));
    }
    let all_peak_kib = children_usage().peak_rss_kib;
    let mut baseline_times = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let mut command = Command::new(&me);
        command.args(["--baseline", &target]);
        baseline_times.push(time(command));
    }
    // A second authprobe series after the baselines guards against drift.
    for _ in 0..ROUNDS {
        json_only.push(time(authprobe_command(
            &authprobe, &suite, &target, &work, "json",
        )));
        all_reports.push(time(authprobe_command(
            &authprobe,
            &suite,
            &target,
            &work,
            "json,junit,html",
        )));
    }
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&work);

    let (baseline, baseline_cpu) = medians(&baseline_times);
    let (json_only, json_cpu) = medians(&json_only);
    let (all_reports, all_cpu) = medians(&all_reports);
    println!(
        "runner benchmark: {STEPS} steps (status + JSONPath assertions, token capture -> bearer); {placement}"
    );
    println!(
        "  plain reqwest loop:                {baseline:>8.1} ms{:>35}cpu {baseline_cpu:>5.1} ms",
        ""
    );
    println!(
        "  authprobe run --report json:       {json_only:>8.1} ms  ratio {:>5.2}x  peak RSS {:>5.1} MB  cpu {json_cpu:>5.1} ms ({:.2}x)",
        json_only / baseline,
        json_peak_kib as f64 / 1024.0,
        json_cpu / baseline_cpu
    );
    println!(
        "  authprobe run (every report):      {all_reports:>8.1} ms  ratio {:>5.2}x  peak RSS {:>5.1} MB  cpu {all_cpu:>5.1} ms ({:.2}x)",
        all_reports / baseline,
        all_peak_kib as f64 / 1024.0,
        all_cpu / baseline_cpu
    );
    println!(
        "  targets: ratio <= 1.20x, peak RSS < 30 MB (medians of {} runs each; the target is on wall\n  time, the CPU time each process used is steadier from run to run)",
        2 * ROUNDS
    );
}

fn authprobe_command(
    binary: &Path,
    suite: &Path,
    target: &str,
    work: &Path,
    reports: &str,
) -> Command {
    let mut command = Command::new(binary);
    command
        .arg("run")
        .arg(suite)
        .args(["--target", target, "--report", reports, "--report-dir"])
        .arg(work.join("reports"))
        .env("NO_COLOR", "1");
    command
}

/// One run of a command: how long it took, and how much CPU time it used.
struct Sample {
    wall: Duration,
    cpu: Duration,
}

fn time(mut command: Command) -> Sample {
    let cpu_before = children_usage().cpu;
    let started = Instant::now();
    let output = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("runs");
    let elapsed = started.elapsed();
    assert!(
        output.status.success(),
        "benchmark command failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Sample {
        wall: elapsed,
        cpu: children_usage().cpu.saturating_sub(cpu_before),
    }
}

/// The median wall time and the median CPU time, in milliseconds.
fn medians(samples: &[Sample]) -> (f64, f64) {
    let median = |mut values: Vec<Duration>| {
        values.sort();
        values[values.len() / 2].as_secs_f64() * 1000.0
    };
    (
        median(samples.iter().map(|sample| sample.wall).collect()),
        median(samples.iter().map(|sample| sample.cpu).collect()),
    )
}

/// What the children waited for so far used.
struct ChildrenUsage {
    /// CPU time (user and system), summed over the children.
    cpu: Duration,
    /// The largest peak resident set of any of them, in KiB (Linux reports KiB).
    peak_rss_kib: i64,
}

#[expect(unsafe_code, reason = "std has no safe wrapper for getrusage")]
fn children_usage() -> ChildrenUsage {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a whole rusage into the pointer it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    let seconds = |time: libc::timeval| {
        Duration::from_secs(time.tv_sec.max(0) as u64)
            + Duration::from_micros(time.tv_usec.max(0) as u64)
    };
    ChildrenUsage {
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        peak_rss_kib: usage.ru_maxrss,
    }
}

/// The CPUs this process may run on (Linux; elsewhere none are named and nothing is pinned).
#[cfg(target_os = "linux")]
#[expect(unsafe_code, reason = "std has no safe wrapper for sched_getaffinity")]
fn allowed_cpus() -> Vec<usize> {
    let mut set = std::mem::MaybeUninit::<libc::cpu_set_t>::zeroed();
    // SAFETY: a zeroed cpu_set_t is a valid empty set; sched_getaffinity writes at most
    // `size_of::<cpu_set_t>()` bytes into it, and CPU_ISSET only reads it.
    unsafe {
        if libc::sched_getaffinity(0, size_of::<libc::cpu_set_t>(), set.as_mut_ptr()) != 0 {
            return Vec::new();
        }
        let set = set.assume_init();
        (0..libc::CPU_SETSIZE as usize)
            .filter(|&cpu| libc::CPU_ISSET(cpu, &set))
            .collect()
    }
}

/// Keeps this process (and the processes it starts from now on) on one CPU.
#[cfg(target_os = "linux")]
#[expect(unsafe_code, reason = "std has no safe wrapper for sched_setaffinity")]
fn pin_to(cpu: usize) -> bool {
    // SAFETY: a zeroed cpu_set_t is a valid empty set, CPU_SET writes inside it, and
    // sched_setaffinity reads `size_of::<cpu_set_t>()` bytes of it.
    unsafe {
        let mut set = std::mem::zeroed::<libc::cpu_set_t>();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &set) == 0
    }
}

#[cfg(not(target_os = "linux"))]
fn allowed_cpus() -> Vec<usize> {
    Vec::new()
}

#[cfg(not(target_os = "linux"))]
fn pin_to(_cpu: usize) -> bool {
    false
}
