//! The runner benchmark: a 1000-step suite (status assertion, JSONPath assertion, a token captured
//! from each response and sent as the next step's bearer) against a fast local server, compared in
//! the same run with a plain reqwest loop doing the same requests and JSON parsing.
//!
//! Run with `cargo bench --bench runner`. It prints the timings (medians over rounds that run the
//! loop and both authprobe modes in turn), the ratios (the median of each round's ratio to that
//! round's loop, which cancels the machine's drift over seconds), and authprobe's peak memory. Both sides are separate processes started the
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
/// Five times through the six orders below: the median of a round's ratio moved by up to 0.1 between
/// whole runs of the benchmark at eighteen rounds.
const ROUNDS: usize = 30;

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

    // One run of each authprobe mode first, alone: the children's peak RSS read right after each
    // is its own (the second mode is the larger).
    let json_command = || authprobe_command(&authprobe, &suite, &target, &work, "json");
    let all_command = || authprobe_command(&authprobe, &suite, &target, &work, "json,junit,html");
    let baseline_command = || {
        let mut command = Command::new(&me);
        command.args(["--baseline", &target]);
        command
    };
    time(json_command());
    let json_peak_kib = children_usage().peak_rss_kib;
    time(all_command());
    let all_peak_kib = children_usage().peak_rss_kib;

    // Then rounds of all three, in turn: the machine's speed drifts over seconds, so each round's
    // authprobe times are divided by that round's loop, and the ratios are the median of those.
    // The rounds go through the six orders, so that no command always follows the same one (the
    // HTML run's page-cache writeback would otherwise always land on whatever comes next).
    const ORDERS: [[usize; 3]; 6] = [
        [0, 1, 2],
        [1, 2, 0],
        [2, 0, 1],
        [0, 2, 1],
        [2, 1, 0],
        [1, 0, 2],
    ];
    let mut rounds: Vec<[Sample; 3]> = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let mut samples = [None, None, None];
        for which in ORDERS[round % ORDERS.len()] {
            let command = match which {
                0 => baseline_command(),
                1 => json_command(),
                _ => all_command(),
            };
            samples[which] = Some(time(command));
        }
        rounds.push(samples.map(|sample| sample.expect("each command ran once")));
    }
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&work);

    let median_of = |values: &mut Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let summary = |which: usize| {
        let ms = |duration: Duration| duration.as_secs_f64() * 1000.0;
        let mut wall: Vec<f64> = rounds.iter().map(|round| ms(round[which].wall)).collect();
        let mut cpu: Vec<f64> = rounds.iter().map(|round| ms(round[which].cpu)).collect();
        let mut wall_ratio: Vec<f64> = rounds
            .iter()
            .map(|round| ms(round[which].wall) / ms(round[0].wall))
            .collect();
        let mut cpu_ratio: Vec<f64> = rounds
            .iter()
            .map(|round| ms(round[which].cpu) / ms(round[0].cpu).max(f64::EPSILON))
            .collect();
        (
            median_of(&mut wall),
            median_of(&mut cpu),
            median_of(&mut wall_ratio),
            median_of(&mut cpu_ratio),
        )
    };
    let (baseline, baseline_cpu, _, _) = summary(0);
    let (json_only, json_cpu, json_ratio, json_cpu_ratio) = summary(1);
    let (all_reports, all_cpu, all_ratio, all_cpu_ratio) = summary(2);
    println!(
        "runner benchmark: {STEPS} steps (status + JSONPath assertions, token capture -> bearer); {placement}"
    );
    println!(
        "  plain reqwest loop:                {baseline:>8.1} ms{:>35}cpu {baseline_cpu:>5.1} ms",
        ""
    );
    println!(
        "  authprobe run --report json:       {json_only:>8.1} ms  ratio {json_ratio:>5.2}x  peak RSS {:>5.1} MB  cpu {json_cpu:>5.1} ms ({json_cpu_ratio:.2}x)",
        json_peak_kib as f64 / 1024.0,
    );
    println!(
        "  authprobe run (every report):      {all_reports:>8.1} ms  ratio {all_ratio:>5.2}x  peak RSS {:>5.1} MB  cpu {all_cpu:>5.1} ms ({all_cpu_ratio:.2}x)",
        all_peak_kib as f64 / 1024.0,
    );
    println!(
        "  targets: ratio <= 1.20x, peak RSS < 30 MB ({ROUNDS} rounds of the three in turn; times are\n  medians, ratios the median of each round's ratio to that round's loop; the target is on wall\n  time, the CPU time each process used is steadier from run to run)"
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
