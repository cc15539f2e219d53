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
        let text = std::fs::read_to_string(path).expect("fixture readable");
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
