//! The bounce reader over every real bounce of `../shared/bounces`, row by
//! row against sisimai 5.1's expectations (`expected.tsv`): agreement per
//! column is printed and held to at least the level reached (a ratchet).
//! `BOUNCE_DISAGREEMENTS=path` writes every disagreement as TSV (what
//! `docs/bounces.md` lists).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use mimesmith_verify::bounce;

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bounces")
}

struct Row {
    index: usize,
    status: String,
    reply_code: String,
    reason: String,
    hard: String,
}

#[test]
fn bounces_agree_with_sisimai_row_by_row() {
    let tsv = std::fs::read_to_string(folder().join("expected.tsv"))
        .expect("../shared/bounces/expected.tsv");
    let mut files: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for line in tsv.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        files.entry(c[0].to_owned()).or_default().push(Row {
            index: c[1].parse().unwrap(),
            status: c[2].to_owned(),
            reply_code: c[3].to_owned(),
            reason: c[4].to_owned(),
            hard: c[5].to_owned(),
        });
    }
    let (mut rows, mut status, mut reply, mut reason, mut rcpt, mut hard) = (0, 0, 0, 0, 0, 0);
    let mut out = String::from("file\tindex\tcolumn\texpected\tours\tdiagnostic\n");
    for (file, expected) in &files {
        let bytes = std::fs::read(folder().join(file)).unwrap();
        let report = bounce::read_bytes(&bytes);
        let ours = report
            .as_ref()
            .map(|r| r.recipients.as_slice())
            .unwrap_or_default();
        if ours.len() == expected.len() {
            rcpt += expected.len();
        } else {
            writeln!(
                out,
                "{file}\t-\trecipients\t{}\t{}\t",
                expected.len(),
                ours.len()
            )
            .unwrap();
        }
        for e in expected {
            rows += 1;
            let o = ours.get(e.index - 1);
            let got_status = o.and_then(|o| o.status.clone()).unwrap_or_default();
            let got_reply = o
                .and_then(|o| o.reply_code)
                .map(|c| c.to_string())
                .unwrap_or_default();
            let got_reason = o.map(|o| o.reason.as_str()).unwrap_or("(none)").to_owned();
            let got_hard = o.map(|o| o.hard_bounce.to_string()).unwrap_or_default();
            let diag = o.and_then(|o| o.diagnostic.clone()).unwrap_or_default();
            let diag: String = diag
                .chars()
                .take(300)
                .collect::<String>()
                .replace('\t', " ");
            for (col, want, got, n) in [
                ("status", &e.status, &got_status, &mut status),
                ("reply_code", &e.reply_code, &got_reply, &mut reply),
                ("reason", &e.reason, &got_reason, &mut reason),
                ("hard_bounce", &e.hard, &got_hard, &mut hard),
            ] {
                if want == got {
                    *n += 1;
                } else {
                    writeln!(out, "{file}\t{}\t{col}\t{want}\t{got}\t{diag}", e.index).unwrap();
                }
            }
        }
    }
    assert!(rows > 300, "only {rows} rows read");
    let pct = |n: usize| 100.0 * n as f64 / rows as f64;
    println!(
        "bounces: {rows} rows in {} files: status {status} ({:.1} %), reply code {reply} ({:.1} %), reason {reason} ({:.1} %), recipient {rcpt} ({:.1} %), hard bounce {hard} ({:.1} %)",
        files.len(),
        pct(status),
        pct(reply),
        pct(reason),
        pct(rcpt),
        pct(hard)
    );
    if let Ok(path) = std::env::var("BOUNCE_DISAGREEMENTS") {
        std::fs::write(path, &out).unwrap();
    }
    // Ratchet: the levels reached, rounded down; a regression fails.
    assert!(
        pct(status) >= 95.0,
        "status agreement fell to {:.1} %",
        pct(status)
    );
    assert!(
        pct(reason) >= 91.0,
        "reason agreement fell to {:.1} %",
        pct(reason)
    );
    assert!(
        pct(reply) >= 97.0,
        "reply code agreement fell to {:.1} %",
        pct(reply)
    );
    assert!(
        rcpt == rows,
        "recipient agreement fell to {:.1} %",
        pct(rcpt)
    );
}
