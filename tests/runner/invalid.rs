//! The corpus of bad suites in `fixtures/invalid/`: each must exit 2 having run nothing, with a
//! located diagnostic (file:line:column, the offending line, a hint), pinned by a snapshot. A
//! fixture whose first line contains `no --target` is run without a target.

use std::process::Command;

use crate::cli::binary;

#[test]
fn every_invalid_suite_exits_2_with_a_located_diagnostic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    insta::glob!("../../fixtures/invalid", "*.yaml", |path| {
        let relative = path.strip_prefix(root).expect("fixture inside the repo");
        // Not all of them are UTF-8 text.
        let bytes = std::fs::read(path).expect("fixture readable");
        let text = String::from_utf8_lossy(&bytes);
        let mut command = Command::new(binary());
        command
            .current_dir(root)
            .arg("run")
            .arg(relative)
            .env("NO_COLOR", "1")
            .env_remove("AUTHPROBE_TARGET")
            .env_remove("AUTHPROBE_FIXTURE_UNSET_PASSWORD");
        if !text
            .lines()
            .next()
            .unwrap_or_default()
            .contains("no --target")
        {
            // Never contacted: the suite must fail to load first.
            command
                .args(["--target", "http://127.0.0.1:9", "--report-dir"])
                .arg(std::env::temp_dir().join("authprobe-invalid-reports"));
        }
        let output = command.output().expect("runs the binary");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}: {stderr}",
            relative.display()
        );
        assert!(
            output.stdout.is_empty(),
            "nothing ran, nothing printed on stdout"
        );
        let location = format!("{}:", relative.display());
        assert!(
            stderr.contains(&location),
            "{stderr} should name {location}"
        );
        assert!(stderr.contains("help:"), "{stderr} should give a hint");
        assert!(!stderr.contains("panicked"), "{stderr}");
        insta::assert_snapshot!(stderr);
    });
}

/// Inputs too large to keep as fixtures: each is refused with a located diagnostic, not a crash.
#[test]
fn oversized_inputs_are_refused_with_a_located_diagnostic() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let long_line = format!(
        "name: t\nsteps:\n  - name: s\n    request: {{ url: /x, headers: {{ a: {} }}, stauts: 1 }}\n",
        "x".repeat(70_000)
    );
    let long_text_aliases = format!(
        "name: t\nvars:\n  a: &a \"{}\"\n  b: &b [{}]\n  c: &c [{}]\nsteps:\n  - name: s\n    request: {{ url: /x, json: *c }}\n",
        "x".repeat(100_000),
        vec!["*a"; 100].join(", "),
        vec!["*b"; 100].join(", ")
    );
    for (name, text, message, location) in [
        (
            "long-line.yaml",
            long_line,
            "unknown key `stauts`",
            "long-line.yaml:4:70043",
        ),
        (
            "long-text-aliases.yaml",
            long_text_aliases,
            "aliases expand to more than 8 MB of text",
            "long-text-aliases.yaml:4:",
        ),
    ] {
        std::fs::write(dir.path().join(name), text).expect("writes suite");
        let output = Command::new(binary())
            .current_dir(dir.path())
            .args(["validate", name])
            .env("NO_COLOR", "1")
            .output()
            .expect("runs the binary");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(stderr.contains(location), "{name}: {stderr}");
        assert!(stderr.len() < 2_000, "{name}: the long line is not quoted");
    }
}
