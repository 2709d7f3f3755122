//! `eml compose` as a user runs it: exit codes, output, error messages.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn eml(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_eml"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // The command may exit (a usage error) before it reads stdin.
    if let Err(e) = input.write_all(stdin.unwrap_or_default().as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn golden(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/golden")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn compose_writes_the_golden_message_to_stdout() {
    let out = eml(&["compose", &golden("full-layout.spec.json")], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        out.stdout,
        std::fs::read(golden("full-layout.eml")).unwrap()
    );
}

#[test]
fn compose_writes_to_a_file_and_resolves_paths_against_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.eml");
    let out = eml(
        &[
            "compose",
            &golden("file-attachments.spec.json"),
            "-o",
            target.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read(&target).unwrap(),
        std::fs::read(golden("file-attachments.eml")).unwrap()
    );
}

#[test]
fn compose_reads_the_spec_from_stdin() {
    let spec = r#"{"from": "张三 <zhang@example.cn>", "to": ["li@example.cn"], "subject": "你好", "text": "hi\n", "seed": 1}"#;
    let out = eml(&["compose", "-"], Some(spec));
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Subject: =?UTF-8?B?5L2g5aW9?=\r\n"), "{text}");
}

#[test]
fn bad_specs_exit_2_with_one_line_naming_the_field() {
    for (spec, field) in [
        (r#"{"to": ["a@example.com"]}"#, "from"),
        (
            r#"{"from": "a@example.com", "to": ["b@example.com"], "attachments": [{"file": "nope.bin"}]}"#,
            "attachments[0].file",
        ),
        (
            r#"{"from": "a@example.com", "to": ["not an address"]}"#,
            "to[0]",
        ),
        (
            r#"{"from": "a@example.com", "to": ["b@example.com"], "subjekt": "typo"}"#,
            "subjekt",
        ),
        (
            r#"{"from": "a@example.com", "to": ["b@example.com"], "headers": [["Bcc", "x@example.com"]]}"#,
            "headers[0]",
        ),
        (
            r#"{"from": "a@example.com", "to": ["b@example.com"], "headers": [["X-Evil\r\nBcc", "x"]]}"#,
            "headers[0]",
        ),
        ("not json", "line 1"),
    ] {
        let out = eml(&["compose", "-"], Some(spec));
        assert_eq!(out.status.code(), Some(2), "{spec}");
        assert!(out.stdout.is_empty(), "{spec}: wrote output");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{spec}: {err}");
        assert!(
            err.starts_with("eml: bad spec: ") && err.contains(field),
            "{spec}: {err}"
        );
    }
}

#[test]
fn missing_spec_file_and_bad_usage_exit_2() {
    let out = eml(&["compose", "/nonexistent/spec.json"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/spec.json"));
    let out = eml(&["frobnicate"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_shows_examples() {
    let out = eml(&["compose", "--help"], None);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(
        help.contains("Example") && help.contains("MAILBOX"),
        "{help}"
    );
}

/// Issue 10 item 4: a spec whose file name the charset cannot hold is
/// refused before anything is written; an existing output file is left as
/// it was, and no temporary file stays behind, on failure or success.
#[test]
fn regress_issue10_item4_compose_o_never_leaves_a_truncated_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.eml");
    std::fs::write(&target, b"previous contents").unwrap();
    let spec = dir.path().join("spec.json");
    std::fs::write(
        &spec,
        r#"{"from": "a@example.com", "to": ["b@example.com"], "charset": "gbk", "text": "x",
            "attachments": [{"filename": "😀.txt", "text": "big"}]}"#,
    )
    .unwrap();
    let out = eml(
        &[
            "compose",
            spec.to_str().unwrap(),
            "-o",
            target.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(&target).unwrap(), b"previous contents");
    let names = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(dir.path()), ["out.eml", "spec.json"]);
    std::fs::write(
        &spec,
        r#"{"from": "a@example.com", "to": ["b@example.com"], "text": "x"}"#,
    )
    .unwrap();
    let out = eml(
        &[
            "compose",
            spec.to_str().unwrap(),
            "-o",
            target.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read(&target)
            .unwrap()
            .starts_with(b"From: a@example.com\r\n")
    );
    assert_eq!(names(dir.path()), ["out.eml", "spec.json"]);
}
