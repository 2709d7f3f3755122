#![forbid(unsafe_code)]
//! Shared helpers for the cross-crate tests in this folder.

use std::path::{Path, PathBuf};

/// The repository root.
#[must_use]
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// `testdata/<sub>`.
#[must_use]
pub fn testdata(sub: &str) -> PathBuf {
    repo_root().join("testdata").join(sub)
}

/// The files in `dir` whose names end with `suffix`, sorted.
#[must_use]
pub fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with(suffix))
    });
    v.sort();
    v
}

/// True when `BLESS=1`: golden expectations are rewritten instead of compared.
#[must_use]
pub fn bless() -> bool {
    std::env::var("BLESS").is_ok_and(|v| v == "1")
}

/// Python's `email` package as an independent parser, in one long-lived
/// subprocess (`tests/py/summarize.py`), and proptest configuration.
pub mod python {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
    use std::sync::{Mutex, OnceLock};

    use proptest::test_runner::{Config, RngSeed};
    use serde_json::Value;

    /// The fixed seed of CI runs (`PROPTEST_RNG_SEED` overrides it).
    pub const SEED: u64 = 0x6d69_6d65_736d_6974;

    /// proptest settings: `default_cases` cases unless `PROPTEST_CASES` is
    /// set; a fixed seed unless `PROPTEST_RNG_SEED` is set; failures
    /// persisted under `proptest-regressions/`.
    #[must_use]
    pub fn config(default_cases: u32) -> Config {
        let cases = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default_cases);
        let seed = std::env::var("PROPTEST_RNG_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(SEED);
        Config {
            cases,
            rng_seed: RngSeed::Fixed(seed),
            ..Config::default()
        }
    }

    struct Worker {
        _child: Child,
        stdin: ChildStdin,
        stdout: BufReader<ChildStdout>,
    }

    static WORKER: OnceLock<Mutex<Worker>> = OnceLock::new();

    /// The Python summarizer.
    pub struct Python;

    impl Python {
        fn start() -> Mutex<Worker> {
            let script = super::repo_root().join("tests/py/summarize.py");
            let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
            let mut child = Command::new(&python)
                .arg(&script)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| {
                    panic!(
                        "cannot start {python} {}: {e} (Python 3 is required)",
                        script.display()
                    )
                });
            let stdin = child.stdin.take().expect("piped stdin");
            let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
            Mutex::new(Worker {
                _child: child,
                stdin,
                stdout,
            })
        }

        /// How Python's `email` (policy=default) reads `message`.
        ///
        /// # Panics
        /// When the subprocess cannot be started or dies.
        #[must_use]
        pub fn read(message: &[u8]) -> Value {
            let mut w = WORKER
                .get_or_init(Self::start)
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            writeln!(w.stdin, "{}", message.len()).expect("write to python");
            w.stdin.write_all(message).expect("write to python");
            w.stdin.flush().expect("flush to python");
            let mut line = String::new();
            w.stdout.read_line(&mut line).expect("read from python");
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("python said {line:?}: {e}"))
        }
    }
}

/// A small RFC 2047 reader for the tests, to predict the documented quirk
/// of Python's `email`: it keeps one space between adjacent encoded words of
/// a display name (RFC 2047 §6.2 says to drop the whitespace), and collapses
/// runs of whitespace inside each word.
pub mod rfc2047 {
    use base64::Engine as _;

    /// The value of header `name` (unfolded) in the top-level header block.
    #[must_use]
    pub fn header(message: &[u8], name: &str) -> Option<String> {
        let text = String::from_utf8_lossy(message);
        let head = text.split("\r\n\r\n").next().unwrap_or_default();
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", "\t");
        unfolded.split("\r\n").find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name)
                .then(|| v.strip_prefix(' ').unwrap_or(v).to_owned())
        })
    }

    /// One encoded word `=?charset?B|Q?…?=` decoded as UTF-8.
    #[must_use]
    pub fn decode_word(word: &str) -> Option<String> {
        let inner = word.strip_prefix("=?")?.strip_suffix("?=")?;
        let mut it = inner.splitn(3, '?');
        let (_charset, scheme, text) = (it.next()?, it.next()?, it.next()?);
        let bytes = match scheme {
            "B" | "b" => base64::engine::general_purpose::STANDARD
                .decode(text)
                .ok()?,
            "Q" | "q" => {
                let mut v = Vec::new();
                let b = text.as_bytes();
                let mut i = 0;
                while i < b.len() {
                    match b[i] {
                        b'_' => v.push(b' '),
                        b'=' => {
                            v.push(u8::from_str_radix(text.get(i + 1..i + 3)?, 16).ok()?);
                            i += 2;
                        }
                        c => v.push(c),
                    }
                    i += 1;
                }
                v
            }
            _ => return None,
        };
        String::from_utf8(bytes).ok()
    }

    fn collapse(s: &str) -> String {
        let mut out = String::new();
        let mut space = false;
        for c in s.chars() {
            if c == ' ' || c == '\t' {
                space = true;
            } else {
                if space {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
        if space {
            out.push(' ');
        }
        out
    }

    /// Every run of adjacent encoded words in `value`, as (the RFC 2047
    /// reading, Python's reading).
    #[must_use]
    pub fn runs(value: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut words: Vec<String> = Vec::new();
        let flush = |words: &mut Vec<String>, out: &mut Vec<(String, String)>| {
            if !words.is_empty() {
                let python: Vec<String> = words.iter().map(|w| collapse(w)).collect();
                out.push((words.concat(), python.join(" ")));
                words.clear();
            }
        };
        for raw in value.split([' ', '\t']) {
            let token = raw.trim_end_matches([',', ';', ':']);
            match decode_word(token) {
                Some(w) => words.push(w),
                None if !raw.is_empty() => flush(&mut words, &mut out),
                None => {}
            }
            // `,` `;` `:` end a phrase.
            if token.len() != raw.len() {
                flush(&mut words, &mut out);
            }
        }
        flush(&mut words, &mut out);
        out
    }
}
