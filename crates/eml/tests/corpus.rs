//! Every message of `../shared/corpus` through every `eml` command, as a
//! user runs them: no panic, exit status at most 2, JSON that parses,
//! extracted files inside the target folder, fixed messages that read back.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

fn manifest() -> Vec<PathBuf> {
    let text = std::fs::read_to_string(corpus().join("MANIFEST.tsv"))
        .expect("../shared/corpus/MANIFEST.tsv");
    text.lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .filter(|p| !p.is_empty())
        .map(|p| corpus().join(p))
        .collect()
}

fn eml(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eml"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Parses as JSON, however deep (a 64-level MIME tree nests 130 levels).
fn is_json(s: &str) -> bool {
    use serde::Deserialize as _;
    let mut de = serde_json::Deserializer::from_str(s);
    de.disable_recursion_limit();
    serde_json::Value::deserialize(&mut de).is_ok() && de.end().is_ok()
}

/// What went wrong with one file, if anything.
fn check(file: &Path, scratch: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let f = file.to_str().unwrap();
    let run = |args: &[&str], problems: &mut Vec<String>| -> Output {
        let out = eml(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0..=2) if !stderr.contains("panicked") => {}
            code => problems.push(format!("{args:?}: status {code:?}: {stderr}")),
        }
        out
    };
    for cmd in ["tree", "headers", "lint"] {
        let out = run(&[cmd, "--json", f], &mut problems);
        if out.status.code() == Some(2) {
            continue;
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        let json_ok = if cmd == "lint" {
            stdout.lines().all(is_json)
        } else {
            is_json(&stdout)
        };
        if !json_ok {
            problems.push(format!("{cmd} --json printed something that is not JSON"));
        }
    }
    run(&["tree", f], &mut problems);
    run(&["headers", f], &mut problems);
    run(&["lint", f], &mut problems);
    run(&["show", f], &mut problems);
    let dir = scratch.join("x");
    let _ = std::fs::remove_dir_all(&dir);
    let out = run(&["extract", f, "-d", dir.to_str().unwrap()], &mut problems);
    if out.status.code() == Some(0) {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            if !entry.file_type().unwrap().is_file() || entry.path().parent() != Some(dir.as_path())
            {
                problems.push(format!("extract wrote {:?}", entry.path()));
            }
        }
    }
    let fixed = scratch.join("fixed.eml");
    let _ = std::fs::remove_file(&fixed);
    let out = run(
        &["fix", "--seed", "7", f, "-o", fixed.to_str().unwrap()],
        &mut problems,
    );
    if out.status.code() == Some(0) {
        let again = eml(&["tree", "--json", fixed.to_str().unwrap()]);
        if again.status.code() != Some(0) {
            problems.push(format!(
                "the fixed message does not read back: {}",
                String::from_utf8_lossy(&again.stderr)
            ));
        }
    }
    problems
}

#[test]
fn every_corpus_message_goes_through_every_command() {
    let files = manifest();
    assert!(
        files.len() >= 399,
        "only {} files in the manifest",
        files.len()
    );
    let next = Mutex::new(files.iter());
    let problems = Mutex::new(Vec::new());
    let done = Mutex::new(0usize);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                let scratch = tempfile::tempdir().unwrap();
                loop {
                    let Some(file) = next.lock().unwrap().next() else {
                        break;
                    };
                    let found = check(file, scratch.path());
                    problems.lock().unwrap().extend(
                        found
                            .into_iter()
                            .map(|p| format!("{}: {p}", file.display())),
                    );
                    *done.lock().unwrap() += 1;
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_eq!(
        done.into_inner().unwrap(),
        files.len(),
        "not every file was read"
    );
}
