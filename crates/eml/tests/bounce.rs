//! `eml bounce` as a user runs it: over the real bounces of
//! `../shared/bounces` (one JSON line per recipient with exactly the
//! documented fields, recipients as many as sisimai expects), over every
//! corpus message (no panic, exit at most 2), and over our own bounces in
//! `testdata/bounces/` (each names what it must give).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn eml(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eml"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn lines(out: &Output) -> Vec<serde_json::Map<String, serde_json::Value>> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| match serde_json::from_str(l).unwrap() {
            serde_json::Value::Object(m) => m,
            v => panic!("not an object: {v}"),
        })
        .collect()
}

const FIELDS: &[&str] = &[
    "file",
    "message",
    "recipient",
    "action",
    "status",
    "reply_code",
    "diagnostic_code",
    "remote_mta",
    "reason",
    "hard_bounce",
    "original_message_id",
];

#[test]
fn bounce_json_over_shared_bounces_has_one_line_per_expected_recipient() {
    let dir = root().join("../shared/bounces");
    let out = eml(&["bounce", "--json", dir.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tsv = std::fs::read_to_string(dir.join("expected.tsv")).unwrap();
    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    for l in tsv.lines().skip(1) {
        *expected
            .entry(l.split('\t').next().unwrap().to_owned())
            .or_default() += 1;
    }
    let mut ours: BTreeMap<String, usize> = BTreeMap::new();
    for m in lines(&out) {
        let keys: Vec<&str> = m.keys().map(String::as_str).collect();
        let mut want = FIELDS.to_vec();
        want.sort_unstable();
        let mut got = keys.clone();
        got.sort_unstable();
        assert_eq!(got, want);
        let file = m["file"].as_str().unwrap();
        let rel = Path::new(file)
            .strip_prefix(&dir)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        *ours.entry(rel).or_default() += 1;
    }
    assert!(expected.len() > 300);
    let same = expected
        .iter()
        .filter(|(f, n)| ours.get(*f) == Some(n))
        .count();
    println!(
        "eml bounce: {same} of {} files give as many recipients as sisimai",
        expected.len()
    );
    // Ratchet (measured: see docs/bounces.md).
    assert!(same == expected.len(), "{same} of {}", expected.len());
}

#[test]
fn bounce_over_every_corpus_file_never_panics() {
    let dir = root().join("../shared/corpus");
    let out = eml(&["bounce", "--json", dir.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "{:?}: {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let out = eml(&["bounce", dir.to_str().unwrap()]);
    assert!(matches!(out.status.code(), Some(0..=2)));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().count() > 300,
        "only {} lines",
        text.lines().count()
    );
}

#[test]
fn bounce_on_input_that_is_not_a_message_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.txt");
    std::fs::write(&f, b"\x00\x01 not a message at all").unwrap();
    let out = eml(&["bounce", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let out = eml(&["bounce", dir.path().join("missing.eml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

/// Each `testdata/bounces/<name>.eml` has `<name>.expected.json`: the
/// fields every JSON line must have (an array, one object per recipient).
#[test]
fn bounce_testdata_gives_what_each_file_expects() {
    let dir = root().join("testdata/bounces");
    let mut ran = 0;
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    names.sort();
    for eml_path in names {
        let want_path = eml_path.with_extension("expected.json");
        let want: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(&std::fs::read_to_string(&want_path).unwrap()).unwrap();
        let out = eml(&["bounce", "--json", eml_path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0));
        let got = lines(&out);
        assert_eq!(got.len(), want.len(), "{}: {got:?}", eml_path.display());
        for (g, w) in got.iter().zip(&want) {
            for (k, v) in w {
                assert_eq!(g.get(k), Some(v), "{}: field {k}", eml_path.display());
            }
        }
        ran += 1;
    }
    assert!(ran >= 4, "only {ran} test messages");
}
