//! `testdata/garbled/`: broken messages we wrote on purpose, each with its
//! `<name>.diag.json` expectation (see that folder's README). Every command
//! runs on each, as a user runs it:
//! - `eml lint --json` reports exactly the expected diagnostics (code and
//!   severity, as a multiset; the part and a phrase of the message where the
//!   expectation gives them), and exits 1 exactly when one is an error;
//! - `eml headers --json` decodes (and repairs) the expected header values;
//! - `eml show` prints the expected text;
//! - `eml fix` output lints without an error, keeps the text, and keeps every
//!   non-text part byte for byte (same SHA-256 and file name);
//! - `eml extract` writes every non-text part with its decoded bytes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn garbled() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/garbled")
}

fn eml(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eml"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

struct Case {
    name: String,
    eml: PathBuf,
    expect: Value,
}

fn cases() -> Vec<Case> {
    let mut out: Vec<Case> = std::fs::read_dir(garbled())
        .expect("testdata/garbled")
        .filter_map(|e| {
            let path = e.unwrap().path();
            let name = path
                .file_name()?
                .to_str()?
                .strip_suffix(".diag.json")?
                .to_owned();
            let expect = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            Some(Case {
                eml: garbled().join(format!("{name}.eml")),
                name,
                expect,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn expected_diagnostics(case: &Case) -> Vec<&Value> {
    case.expect["diagnostics"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn code_severity(d: &Value) -> (String, String) {
    (
        d["code"].as_str().unwrap_or_default().to_owned(),
        d["severity"].as_str().unwrap_or_default().to_owned(),
    )
}

/// Non-text leaves of a `tree --json` node: (sha256, filename).
fn binary_leaves(node: &Value, out: &mut Vec<(String, Option<String>, String)>) {
    if let Some(children) = node["children"].as_array()
        && node["content_type"]
            .as_str()
            .is_some_and(|t| t.starts_with("multipart/"))
    {
        for c in children {
            binary_leaves(c, out);
        }
        return;
    }
    let ct = node["content_type"].as_str().unwrap_or_default();
    if !ct.starts_with("text/") && !ct.starts_with("multipart/") {
        out.push((
            node["sha256"].as_str().unwrap_or_default().to_owned(),
            node["filename"].as_str().map(str::to_owned),
            node["path"].as_str().unwrap_or_default().to_owned(),
        ));
    }
}

#[test]
fn the_corpus_is_big_enough() {
    let all = cases();
    let broken = all
        .iter()
        .filter(|c| !expected_diagnostics(c).is_empty())
        .count();
    let clean = all.len() - broken;
    assert!(broken >= 25, "{broken} broken samples");
    assert!(clean >= 3, "{clean} clean samples");
    for c in &all {
        assert!(c.eml.exists(), "{} has no .eml", c.name);
    }
    // Every code the inspector issue names has a sample.
    let codes: std::collections::HashSet<String> = all
        .iter()
        .flat_map(|c| {
            expected_diagnostics(c)
                .into_iter()
                .map(|d| code_severity(d).0)
        })
        .collect();
    for code in [
        "missing-from",
        "missing-date",
        "missing-message-id",
        "missing-mime-version",
        "bare-lf",
        "line-too-long",
        "header-line-long",
        "raw-8bit-header",
        "charset-missing",
        "charset-mismatch",
        "unknown-charset",
        "encoded-word-split-char",
        "encoded-word-too-long",
        "encoded-word-invalid",
        "encoded-word-in-quotes",
        "mojibake",
        "base64-invalid",
        "qp-invalid",
        "multipart-unterminated",
        "boundary-missing",
        "cid-missing",
        "cid-unused",
        "html-without-text",
        "filename-unencoded",
    ] {
        assert!(codes.contains(code), "no sample for {code}");
    }
}

#[test]
fn lint_reports_exactly_the_expected_diagnostics() {
    let mut failures = Vec::new();
    for case in cases() {
        let out = eml(&["lint", "--json", case.eml.to_str().unwrap()]);
        let got = json(&out);
        let got = got["diagnostics"].as_array().cloned().unwrap_or_default();
        let want = expected_diagnostics(&case);
        let mut got_set: Vec<(String, String)> = got.iter().map(code_severity).collect();
        let mut want_set: Vec<(String, String)> = want.iter().map(|d| code_severity(d)).collect();
        got_set.sort();
        want_set.sort();
        if got_set != want_set {
            failures.push(format!(
                "{}: expected {want_set:?}\n   got {got_set:?}\n   {}",
                case.name,
                got.iter()
                    .map(|d| d["message"].to_string())
                    .collect::<Vec<_>>()
                    .join("\n   ")
            ));
            continue;
        }
        for w in want {
            let (code, severity) = code_severity(w);
            let matching = got
                .iter()
                .filter(|g| code_severity(g) == (code.clone(), severity.clone()));
            let ok = matching.into_iter().any(|g| {
                w.get("part").is_none_or(|p| p.is_null() || g["part"] == *p)
                    && w["message_contains"]
                        .as_str()
                        .is_none_or(|m| g["message"].as_str().unwrap_or_default().contains(m))
            });
            if !ok {
                failures.push(format!(
                    "{}: no {code} matching {w}; got {got:?}",
                    case.name
                ));
            }
        }
        let error = want_set.iter().any(|(_, s)| s == "error");
        let status = out.status.code();
        if status != Some(if error { 1 } else { 0 }) {
            failures.push(format!("{}: lint exit status {status:?}", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn headers_and_text_are_decoded_and_repaired() {
    let mut failures = Vec::new();
    for case in cases() {
        let f = case.eml.to_str().unwrap();
        if let Some(want) = case.expect["headers"].as_object() {
            let got = json(&eml(&["headers", "--json", f]));
            for (name, value) in want {
                let found = got["headers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|h| {
                        h["name"]
                            .as_str()
                            .is_some_and(|n| n.eq_ignore_ascii_case(name))
                    })
                    .map(|h| h["value"].clone());
                if found.as_ref() != Some(value) {
                    failures.push(format!(
                        "{}: {name} expected {value}, got {found:?}",
                        case.name
                    ));
                }
            }
        }
        if let Some(want) = case.expect["text"].as_str() {
            let out = eml(&["show", f]);
            let got = String::from_utf8_lossy(&out.stdout);
            if out.status.code() != Some(0) || got != want {
                failures.push(format!(
                    "{}: show expected {want:?}\n   got {got:?} ({:?})",
                    case.name,
                    out.status.code()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Messages `eml fix` cannot repair, and why: a message with no author
/// address anywhere cannot be given one.
fn unfixable(case: &Case) -> bool {
    let raw = std::fs::read(&case.eml).unwrap();
    let parsed = mimesmith_verify::parse(&raw);
    parsed.from().is_empty()
        && parsed.sender().is_empty()
        && parsed.addresses("return-path").is_empty()
}

#[test]
fn fix_output_lints_clean_and_keeps_text_and_binary_parts() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut fixed_count = 0;
    for case in cases() {
        let f = case.eml.to_str().unwrap();
        let target = dir.path().join(format!("{}.eml", case.name));
        let out = eml(&["fix", "--seed", "1", f, "-o", target.to_str().unwrap()]);
        if unfixable(&case) {
            let stderr = String::from_utf8_lossy(&out.stderr);
            if out.status.code() != Some(2) || !stderr.contains("From") {
                failures.push(format!(
                    "{}: a message without an author should be refused by fix, got {:?} {stderr}",
                    case.name,
                    out.status.code()
                ));
            }
            continue;
        }
        if out.status.code() != Some(0) {
            failures.push(format!(
                "{}: fix failed: {}",
                case.name,
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        fixed_count += 1;
        let t = target.to_str().unwrap();
        let lint = json(&eml(&["lint", "--json", t]));
        let mut errors: Vec<&str> = lint["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == "error")
            .map(|d| d["code"].as_str().unwrap_or_default())
            .collect();
        errors.sort_unstable();
        // What fix must leave (too little evidence), and say it left.
        let mut leaves: Vec<&str> = case.expect["fix_leaves"]["codes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        leaves.sort_unstable();
        if errors != leaves {
            failures.push(format!(
                "{}: errors after fix {errors:?}, expected {leaves:?}",
                case.name
            ));
        }
        if !leaves.is_empty() {
            let scratch = dir.path().join(format!("{}.json.eml", case.name));
            let report = json(&eml(&[
                "fix",
                "--seed",
                "1",
                "--json",
                f,
                "-o",
                scratch.to_str().unwrap(),
            ]));
            let mut said: Vec<&str> = report["unrepaired"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|u| u["code"].as_str())
                .collect();
            said.sort_unstable();
            if said != leaves {
                failures.push(format!(
                    "{}: fix --json says it left {said:?}, expected {leaves:?}",
                    case.name
                ));
            }
        }
        // The text survives (line breaks become CRLF).
        if case.expect["text"].is_string() {
            let before = String::from_utf8_lossy(&eml(&["show", f]).stdout).replace("\r\n", "\n");
            let after = String::from_utf8_lossy(&eml(&["show", t]).stdout).replace("\r\n", "\n");
            if before != after {
                failures.push(format!(
                    "{}: text changed by fix:\n   {before:?}\n   {after:?}",
                    case.name
                ));
            }
        }
        // Every non-text part, byte for byte, with its name.
        let mut before = Vec::new();
        binary_leaves(&json(&eml(&["tree", "--json", f])), &mut before);
        let mut after = Vec::new();
        binary_leaves(&json(&eml(&["tree", "--json", t])), &mut after);
        let key = |v: &Vec<(String, Option<String>, String)>| {
            // fix removes bidi controls from names (filename-bidi), nothing else.
            let clean = |n: &String| -> String {
                n.chars()
                    .filter(|&c| !mimesmith_verify::display::is_bidi_control(c))
                    .collect()
            };
            let mut k: Vec<(String, Option<String>)> = v
                .iter()
                .map(|(h, n, _)| (h.clone(), n.as_ref().map(clean)))
                .collect();
            k.sort();
            k
        };
        if key(&before) != key(&after) {
            failures.push(format!(
                "{}: binary parts changed:\n   {before:?}\n   {after:?}",
                case.name
            ));
        }
        for p in case.expect["binary_parts"].as_array().into_iter().flatten() {
            if !before
                .iter()
                .any(|(_, _, path)| Some(path.as_str()) == p.as_str())
            {
                failures.push(format!("{}: expected binary part {p} not found", case.name));
            }
        }
    }
    assert!(fixed_count >= 20, "only {fixed_count} samples were fixed");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn extract_writes_every_binary_part_with_its_bytes() {
    let mut checked = 0;
    for case in cases() {
        let f = case.eml.to_str().unwrap();
        let mut leaves = Vec::new();
        binary_leaves(&json(&eml(&["tree", "--json", f])), &mut leaves);
        if leaves.is_empty() {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let out = eml(&["extract", "--json", f, "-d", dir.path().to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            case.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let listed = json(&out);
        let mut by_path: BTreeMap<String, String> = BTreeMap::new();
        for e in listed["extracted"].as_array().unwrap() {
            let file = e["file"].as_str().unwrap();
            assert_eq!(
                Path::new(file).parent(),
                Some(dir.path()),
                "{}: {file}",
                case.name
            );
            let bytes = std::fs::read(file).unwrap();
            by_path.insert(
                e["path"].as_str().unwrap().to_owned(),
                eml::cmd::output::sha256_hex(&bytes),
            );
        }
        for (sha, name, path) in &leaves {
            assert_eq!(
                by_path.get(path),
                Some(sha),
                "{}: part {path} ({name:?}) not extracted intact",
                case.name
            );
        }
        // A second run refuses to overwrite; --force does.
        let again = eml(&["extract", f, "-d", dir.path().to_str().unwrap()]);
        assert_eq!(again.status.code(), Some(2), "{}", case.name);
        let forced = eml(&["extract", "--force", f, "-d", dir.path().to_str().unwrap()]);
        assert_eq!(forced.status.code(), Some(0), "{}", case.name);
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} samples with binary parts");
}

fn sample(name: &str) -> PathBuf {
    garbled().join(format!("{name}.eml"))
}

/// `eml fix --seed 1` of a sample, as bytes.
fn fixed(name: &str) -> Vec<u8> {
    let out = eml(&["fix", "--seed", "1", sample(name).to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn fix_keeps_trace_fields_on_top_in_order_and_never_encodes_them() {
    let before = std::fs::read(sample("trace-fields-gbk-subject")).unwrap();
    let after = fixed("trace-fields-gbk-subject");
    let (b, a) = (
        mimesmith_verify::parse(&before),
        mimesmith_verify::parse(&after),
    );
    let fields = |m: &mimesmith_verify::ParsedMessage| -> Vec<(String, Vec<u8>)> {
        m.headers
            .iter()
            .map(|h| (h.name.clone(), h.raw.clone()))
            .collect()
    };
    let (fb, fa) = (fields(&b), fields(&a));
    // The five trace and authentication fields first, in order, byte for byte.
    assert_eq!(fa[..5], fb[..5]);
    let names: Vec<&str> = fa[..5].iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Return-Path",
            "Received",
            "Received",
            "DKIM-Signature",
            "Authentication-Results"
        ]
    );
    // Only the Subject changed; nothing was added or duplicated.
    assert_eq!(fa.len(), fb.len());
    for (x, y) in fb.iter().zip(&fa) {
        assert_eq!(x.0, y.0);
        if x.0 != "Subject" {
            assert_eq!(x, y, "{} changed", x.0);
        }
    }
    assert_eq!(a.headers_named("x-mailer").count(), 1);
    assert_eq!(a.headers_named("content-language").count(), 1);
    assert_eq!(a.subject(), Some("关于明天下午开会的通知"));
    assert!(String::from_utf8_lossy(&a.header("subject").unwrap().raw).contains("=?UTF-8?B?"));
    // The body was not named, so it is the same bytes.
    assert!(after.ends_with("请大家准时参加。\r\n".encode_gbk().as_slice()));
}

trait Gbk {
    fn encode_gbk(&self) -> Vec<u8>;
}
impl Gbk for str {
    fn encode_gbk(&self) -> Vec<u8> {
        encoding_rs::GBK.encode(self).0.into_owned()
    }
}

#[test]
fn fix_keeps_a_delivery_status_part_byte_for_byte() {
    let before = std::fs::read(sample("dsn-missing-message-id")).unwrap();
    let after = fixed("dsn-missing-message-id");
    let b = mimesmith_verify::parse(&before);
    let a = mimesmith_verify::parse(&after);
    let status = |m: &mimesmith_verify::ParsedMessage, raw: &[u8]| {
        let p = m.part("2").unwrap();
        assert_eq!(p.content_type, "message/delivery-status");
        assert_eq!(p.transfer_encoding, None, "re-encoded");
        let s = p.span.unwrap();
        raw[s.header_start..s.end].to_vec()
    };
    assert_eq!(status(&b, &before), status(&a, &after));
    assert!(
        a.message_id().unwrap().ends_with("@example.com"),
        "{:?}",
        a.message_id()
    );
    // Everything but the added Message-ID line is the input.
    let id_line = after
        .split_inclusive(|&c| c == b'\n')
        .find(|l| l.starts_with(b"Message-ID:"))
        .unwrap()
        .to_vec();
    let without: Vec<u8> = String::from_utf8(after.clone())
        .unwrap()
        .replacen(std::str::from_utf8(&id_line).unwrap(), "", 1)
        .into_bytes();
    assert_eq!(without, before);
}

#[test]
fn bidi_controls_are_escaped_by_every_command_that_prints_a_name() {
    let f = sample("filename-bidi");
    let f = f.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["headers", "--part", "2", f],
        vec!["tree", f],
        vec!["lint", f],
        vec!["extract", f, "-d", dir.path().to_str().unwrap()],
    ] {
        let out = eml(&args);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            !text.contains('\u{202e}'),
            "{args:?} printed U+202E raw: {text}"
        );
        assert!(
            text.to_lowercase().contains("202e"),
            "{args:?} does not show the control at all: {text}"
        );
    }
    // On disk the control is gone too.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["invoice_fdp.exe"]);
}

#[test]
fn every_inspecting_command_exits_2_on_what_is_not_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.eml");
    std::fs::write(&empty, b"").unwrap();
    let noise = dir.path().join("noise.bin");
    // Bytes with no header field: no line has a name and a colon.
    let bytes: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 0x80)
        .collect();
    std::fs::write(&noise, bytes).unwrap();
    let out_dir = dir.path().join("out");
    for file in [&empty, &noise] {
        let f = file.to_str().unwrap();
        for args in [
            vec!["tree", f],
            vec!["headers", f],
            vec!["lint", f],
            vec!["show", f],
            vec!["extract", f, "-d", out_dir.to_str().unwrap()],
            vec!["fix", f],
        ] {
            let out = eml(&args);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// The README's table of garbled samples: what `eml lint` says and what
/// `eml fix` does with each, made from the samples themselves. `BLESS=1`
/// rewrites the table in README.md; otherwise it must match.
#[test]
fn readme_table_of_garbled_samples_is_what_the_tools_say() {
    const START: &str =
        "<!-- garbled-table:start (BLESS=1 cargo test -p eml --test garbled readme_table) -->\n";
    const END: &str = "<!-- garbled-table:end -->";
    let dir = tempfile::tempdir().unwrap();
    let mut rows = vec![
        "| Sample | `eml lint` says | `eml fix` |".to_owned(),
        "|---|---|---|".to_owned(),
    ];
    for case in cases() {
        let f = case.eml.to_str().unwrap();
        let lint = json(&eml(&["lint", "--json", f]));
        let says: Vec<String> = lint["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} ({})",
                    d["code"].as_str().unwrap(),
                    d["severity"].as_str().unwrap()
                )
            })
            .collect();
        let says = if says.is_empty() {
            "clean".to_owned()
        } else {
            says.join(", ")
        };
        let target = dir.path().join("out.eml");
        let out = eml(&[
            "fix",
            "--seed",
            "1",
            "--json",
            f,
            "-o",
            target.to_str().unwrap(),
        ]);
        let fix = if out.status.code() == Some(2) {
            let err = String::from_utf8_lossy(&out.stderr);
            format!(
                "refused: {}",
                err.trim().rsplit(": ").next().unwrap_or_default()
            )
        } else {
            let report = json(&out);
            let left: Vec<String> = report["unrepaired"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| {
                    format!(
                        "{}: {}",
                        u["code"].as_str().unwrap(),
                        u["reason"].as_str().unwrap()
                    )
                })
                .collect();
            let changes = report["changes"].as_array().unwrap().len();
            let errors = report["after"]["errors"].as_u64().unwrap();
            match (changes, left.is_empty()) {
                (0, true) => "nothing to repair".to_owned(),
                (_, true) if errors == 0 => format!("repaired ({changes} edit(s))"),
                (n, _) => format!(
                    "{}left as it is: {}",
                    if n > 0 {
                        format!("{n} edit(s); ")
                    } else {
                        String::new()
                    },
                    left.join("; ")
                ),
            }
        };
        rows.push(format!(
            "| `{}` | {says} | {} |",
            case.name,
            fix.replace('|', "\\|")
        ));
    }
    let table = rows.join("\n") + "\n";
    let readme_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let (Some(a), Some(b)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md has no {START:?} … {END:?} section");
    };
    let current = &readme[a + START.len()..b];
    if std::env::var_os("BLESS").is_some() {
        let new = format!("{}{START}{table}{}", &readme[..a], &readme[b..]);
        std::fs::write(&readme_path, new).unwrap();
    } else {
        assert_eq!(
            current, table,
            "README table out of date: BLESS=1 cargo test -p eml --test garbled readme_table"
        );
    }
}
