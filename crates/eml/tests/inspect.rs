//! The inspecting commands as a user runs them: stdin, exit codes, colour,
//! hostile file names, terminal escapes, usage errors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn eml_with(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_eml"));
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    // A command that does not read stdin (a file argument, a usage error)
    // may exit before the write ends: a broken pipe is then expected.
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

fn eml(args: &[&str], stdin: &[u8]) -> Output {
    eml_with(args, stdin, &[])
}

const GOOD: &str = "From: =?UTF-8?B?5byg5LiJ?= <zhang@example.com>\r\nTo: li@example.com\r\nSubject: =?UTF-8?B?5L2g5aW9?=\r\nDate: Mon, 23 Nov 2026 10:00:00 +0800\r\nMessage-ID: <1@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\u{4f60}\u{597d}\u{ff0c}\u{4e16}\u{754c}\r\n";

fn with_attachments(names: &[&str]) -> String {
    let mut m = String::from(
        "From: a@example.com\r\nTo: b@example.com\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <2@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsee attached\r\n",
    );
    for (i, n) in names.iter().enumerate() {
        m.push_str(&format!("--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"{n}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n", ["QUFB", "QkJC", "Q0ND", "RERE", "RUVF", "RkZG"][i % 6]));
    }
    m.push_str("--b--\r\n");
    m
}

#[test]
fn every_command_reads_stdin() {
    for args in [
        &["tree", "-"][..],
        &["headers", "-"],
        &["lint", "-"],
        &["show", "-"],
    ] {
        let out = eml(args, GOOD.as_bytes());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // A clean message lints to nothing on stdout; the summary is on stderr.
        let printed = if args[0] == "lint" {
            &out.stderr
        } else {
            &out.stdout
        };
        assert!(!printed.is_empty(), "{args:?}");
    }
    let out = eml(&["show", "-"], GOOD.as_bytes());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "你好，世界\r\n");
    let out = eml(&["headers", "--json", "-"], GOOD.as_bytes());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["headers"][0]["name"], "From");
    assert_eq!(
        v["headers"][0]["raw"],
        " =?UTF-8?B?5byg5LiJ?= <zhang@example.com>"
    );
    assert_eq!(v["headers"][0]["value"], "张三 <zhang@example.com>");
    assert_eq!(v["headers"][2]["value"], "你好");
}

#[test]
fn exit_codes_follow_the_worst_finding() {
    assert_eq!(eml(&["lint", "-"], GOOD.as_bytes()).status.code(), Some(0));
    let warning = GOOD.replace("Message-ID: <1@example.com>\r\n", "");
    assert_eq!(
        eml(&["lint", "-"], warning.as_bytes()).status.code(),
        Some(0)
    );
    let error = GOOD.replace("Date: Mon, 23 Nov 2026 10:00:00 +0800\r\n", "");
    let out = eml(&["lint", "-"], error.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("error[missing-date]"));
    // --allow drops a code, --deny makes one an error.
    assert_eq!(
        eml(&["lint", "--allow", "missing-date", "-"], error.as_bytes())
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        eml(
            &["lint", "--deny", "missing-message-id", "-"],
            warning.as_bytes()
        )
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        eml(&["lint", "--deny", "no-such-code", "-"], warning.as_bytes())
            .status
            .code(),
        Some(2)
    );
    // Unusable input and usage.
    assert_eq!(
        eml(&["lint", "/no/such/file.eml"], b"").status.code(),
        Some(2)
    );
    assert_eq!(
        eml(&["lint", "-"], b"\x00\x01 not a message").status.code(),
        Some(2)
    );
    assert_eq!(eml(&["tree"], b"").status.code(), Some(2));
    assert_eq!(
        eml(&["show", "--part", "9", "-"], GOOD.as_bytes())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(eml(&["--help"], b"").status.code(), Some(0));
}

#[test]
fn lint_json_is_one_object_per_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.eml");
    let b = dir.path().join("b.eml");
    std::fs::write(&a, GOOD).unwrap();
    std::fs::write(
        &b,
        GOOD.replace("From: =?UTF-8?B?5byg5LiJ?= <zhang@example.com>\r\n", ""),
    )
    .unwrap();
    let out = eml(
        &["lint", "--json", a.to_str().unwrap(), b.to_str().unwrap()],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["file"], a.to_str().unwrap());
    assert_eq!(lines[0]["diagnostics"], serde_json::json!([]));
    assert_eq!(lines[1]["diagnostics"][0]["code"], "missing-from");
    for key in ["code", "severity", "part", "line", "message", "suggestion"] {
        assert!(lines[1]["diagnostics"][0].get(key).is_some(), "{key}");
    }
}

#[test]
fn colour_only_when_asked_for_and_never_with_no_color() {
    let error = GOOD.replace("Date: Mon, 23 Nov 2026 10:00:00 +0800\r\n", "");
    // stdout is a pipe here: no colour.
    let out = eml(&["lint", "-"], error.as_bytes());
    assert!(!out.stdout.contains(&0x1b));
    let out = eml_with(&["lint", "-"], error.as_bytes(), &[("NO_COLOR", "1")]);
    assert!(!out.stdout.contains(&0x1b));
}

#[test]
fn extracted_names_never_escape_the_folder() {
    let names = [
        "../../evil.sh",
        "/etc/passwd",
        "..",
        "CON",
        "a\\..\\b.txt",
        "same.txt",
        "same.txt",
        "SAME.txt",
    ];
    let msg = with_attachments(&names);
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("out");
    let out = eml(
        &["extract", "--json", "-", "-d", dir.to_str().unwrap()],
        msg.as_bytes(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut written: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    // `"a\\..\\b.txt"` is the quoted string of `a..b.txt` (RFC 5322 §3.2.4); ".." has no usable name.
    assert_eq!(
        written,
        [
            "SAME (3).txt",
            "_CON",
            "a..b.txt",
            "evil.sh",
            "part-4.bin",
            "passwd",
            "same (2).txt",
            "same.txt"
        ]
    );
    // Nothing outside: the root holds only the folder.
    let outside: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(outside, [std::ffi::OsString::from("out")]);
    assert_eq!(std::fs::read(dir.join("evil.sh")).unwrap(), b"AAA");
}

#[cfg(unix)]
#[test]
fn force_replaces_a_symlink_instead_of_writing_through_it() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("out");
    std::fs::create_dir(&dir).unwrap();
    let victim = root.path().join("victim");
    std::fs::write(&victim, b"keep").unwrap();
    std::os::unix::fs::symlink(&victim, dir.join("x.bin")).unwrap();
    let msg = with_attachments(&["x.bin"]);
    let out = eml(
        &["extract", "-", "-d", dir.to_str().unwrap()],
        msg.as_bytes(),
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "an existing name is refused without --force"
    );
    let out = eml(
        &["extract", "--force", "-", "-d", dir.to_str().unwrap()],
        msg.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
    assert_eq!(std::fs::read(dir.join("x.bin")).unwrap(), b"AAA");
}

#[test]
fn terminal_escapes_in_headers_are_shown_escaped() {
    let msg = GOOD.replace(
        "Subject: =?UTF-8?B?5L2g5aW9?=",
        "Subject: =?UTF-8?Q?=1B[2Jgotcha?=",
    );
    let out = eml(&["headers", "-"], msg.as_bytes());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains("\\u{1b}[2Jgotcha"), "{text:?}");
}

#[test]
fn fix_rebuilds_a_gbk_message_as_utf8() {
    let (gbk, _, _) = encoding_rs::GBK.encode("关于明天下午开会的通知，请大家准时参加。");
    let mut msg = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: ".to_vec();
    msg.extend_from_slice(&gbk);
    msg.extend_from_slice(b"\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n");
    msg.extend_from_slice(&gbk);
    msg.extend_from_slice(b"\r\n");
    let out = eml(&["lint", "-"], &msg);
    assert_eq!(out.status.code(), Some(1));
    let fixed = eml(&["fix", "--seed", "3", "-"], &msg);
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fixed.stderr)
    );
    let after = eml(&["lint", "-"], &fixed.stdout);
    assert_eq!(
        after.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&after.stdout)
    );
    let shown = eml(&["show", "-"], &fixed.stdout);
    assert_eq!(
        String::from_utf8(shown.stdout).unwrap(),
        "关于明天下午开会的通知，请大家准时参加。\r\n"
    );
    let headers = eml(&["headers", "--json", "-"], &fixed.stdout);
    let v: serde_json::Value = serde_json::from_slice(&headers.stdout).unwrap();
    let subject = v["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "Subject")
        .unwrap();
    assert_eq!(subject["value"], "关于明天下午开会的通知，请大家准时参加。");
    assert!(subject["raw"].as_str().unwrap().contains("=?UTF-8?"));
    // Reproducible with a seed.
    assert_eq!(eml(&["fix", "--seed", "3", "-"], &msg).stdout, fixed.stdout);
}

#[test]
fn fix_repairs_a_long_line_inside_an_embedded_message_in_place() {
    // RFC 2046 §5.2.1: an embedded message is 7bit, 8bit or binary; a line over
    // 998 octets (here 1,200, after a bare CR) is repaired inside the attached
    // message (its body re-encoded), which stays a message/rfc822 part; the
    // other attached message is not touched.
    let inner = format!("Subject: inner\r\n\r\nshort\r{}\r\n", "y".repeat(1200));
    let msg = format!(
        "From: a@example.com\r\nTo: b@example.com\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <9@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nforwarded\r\n--b\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: binary\r\n\r\n{inner}\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: fine\r\n\r\nok\r\n\r\n--b--\r\n"
    );
    let fixed = eml(&["fix", "--seed", "1", "-"], msg.as_bytes());
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fixed.stderr)
    );
    let notes = String::from_utf8_lossy(&fixed.stderr);
    assert!(
        notes.contains("part 2: the attached message was repaired"),
        "{notes}"
    );
    assert!(!notes.contains("part 3"), "{notes}");
    let out = String::from_utf8_lossy(&fixed.stdout);
    assert!(
        out.contains(
            "--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: fine\r\n\r\nok\r\n\r\n--b--\r\n"
        ),
        "the other message is kept byte for byte: {out}"
    );
    assert!(
        out.lines().all(|l| l.len() <= 998),
        "fix writes no line over 998"
    );
    let tree = eml(&["tree", "--json", "-"], &fixed.stdout);
    assert_eq!(
        tree.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&tree.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&tree.stdout).unwrap();
    assert_eq!(v["children"][1]["content_type"], "message/rfc822");
}

#[test]
fn color_choice_overrides_no_color_and_the_terminal_test() {
    let bad = GOOD.replace("Date: Mon, 23 Nov 2026 10:00:00 +0800\r\n", "");
    let esc = |o: &Output| o.stdout.contains(&0x1b);
    // Auto into a pipe: no colour, with or without NO_COLOR.
    assert!(!esc(&eml(&["lint", "-"], bad.as_bytes())));
    // Always wins over NO_COLOR and the pipe; never over everything.
    let always = eml_with(
        &["--color", "always", "lint", "-"],
        bad.as_bytes(),
        &[("NO_COLOR", "1")],
    );
    assert!(esc(&always), "{}", String::from_utf8_lossy(&always.stdout));
    assert!(
        esc(&eml(&["lint", "--color=always", "-"], bad.as_bytes())),
        "global flag after the subcommand"
    );
    assert!(!esc(&eml(
        &["--color", "never", "lint", "-"],
        bad.as_bytes()
    )));
    let wrong = eml(&["--color", "sometimes", "lint", "-"], bad.as_bytes());
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("auto, always, never"));
    // The exit-status paragraph is in --help.
    let help = String::from_utf8(eml(&["--help"], b"").stdout).unwrap();
    assert!(
        help.contains("Exit status") && help.contains("not a message"),
        "{help}"
    );
}
