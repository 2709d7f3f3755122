//! `eml fix` on every message of `../shared/corpus` (real mail from other
//! projects' test suites), like `rustfmt --check`: a repair leaves
//! everything it was not asked to change byte for byte.
//!
//! For each message (its line endings made CRLF first when they are not,
//! since a `bare-lf` diagnosis names every line):
//! - every header field no diagnosis names is in the output, byte for byte,
//!   in the same order (so trace fields stay on top, RFC 5321 §4.4);
//! - every leaf part (and attached message) that no diagnosis names, inside
//!   no part a diagnosis names, is in the output byte for byte, its header
//!   and body;
//! - the output has no error but those `fix` says it left, and no error
//!   the input did not have;
//! - `fix` refuses only input that is not a message or has no author.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use eml::fix::{FixError, crlf_line_endings, fix_message};
use mimesmith_verify::lint::lint;
use mimesmith_verify::parse::Header;
use mimesmith_verify::{Code, Severity};

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

/// Codes that name the header field on their line.
const FIELD_CODES: &[Code] = &[
    Code::Raw8bitHeader,
    Code::EncodedWordSplitChar,
    Code::EncodedWordTooLong,
    Code::EncodedWordInvalid,
    Code::EncodedWordInQuotes,
    Code::Mojibake,
    Code::HeaderLineLong,
    Code::HeaderNotAscii,
    Code::BccPresent,
    Code::UnknownCharset,
];

/// The whole line(s) of a field, its line break included.
fn field_bytes<'a>(raw: &'a [u8], h: &Header) -> Option<&'a [u8]> {
    let start = h.offset?;
    let after = start + h.name.len();
    let colon = after + raw.get(after..)?.iter().position(|&b| b == b':')?;
    let mut end = colon + 1 + h.raw.len();
    if raw.get(end..end + 2) == Some(b"\r\n") {
        end += 2;
    }
    raw.get(start..end)
}

fn find_from(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return Some(from);
    }
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

/// What went wrong with one message.
fn check(file: &Path, checked: &mut [usize; 2]) -> Result<Vec<String>, FixError> {
    let original = std::fs::read(file).unwrap();
    let fixed = fix_message(&original, Some(7))?;
    let mut problems = Vec::new();
    let linted = lint(&original);
    let (raw, linted) = if linted.parsed.line_endings.bare() > 0 {
        let crlf = crlf_line_endings(&original);
        let l = lint(&crlf);
        (crlf, l)
    } else {
        (original.clone(), linted)
    };
    let parsed = &linted.parsed;
    let out = &fixed.bytes;

    // Errors after the repair: only those fix says it left, none new.
    let before_codes: HashSet<Code> = linted.diagnostics.iter().map(|d| d.code).collect();
    let left: HashSet<Code> = fixed.unrepaired.iter().map(|u| u.code).collect();
    for d in lint(out).diagnostics {
        if d.severity == Severity::Error
            && !(left.contains(&d.code) && before_codes.contains(&d.code))
        {
            problems.push(format!(
                "error after fix that fix did not report leaving: {d}"
            ));
        }
    }

    // What the diagnoses name.
    let named_fields: HashSet<(Option<&str>, usize)> = linted
        .diagnostics
        .iter()
        .filter(|d| FIELD_CODES.contains(&d.code))
        .filter_map(|d| Some((d.part.as_deref(), d.line?)))
        .collect();
    let mut named_parts: Vec<&str> = linted
        .diagnostics
        .iter()
        .filter(|d| !FIELD_CODES.contains(&d.code) || d.part.is_some())
        .filter_map(|d| d.part.as_deref())
        .collect();
    // A long line names the part whose body holds it.
    for d in &linted.diagnostics {
        if d.code == Code::LineTooLong
            && let Some(line) = d.line
            && let Some(p) = parsed.parts().find(|p| {
                !p.is_multipart()
                    && p.body_lines
                        .is_some_and(|s| (s.first..=s.last).contains(&line))
            })
        {
            named_parts.push(p.path.as_str());
        }
    }
    let under_named = |path: &str| {
        named_parts.iter().any(|n| {
            *n == path
                || n.is_empty()
                || path.starts_with(&format!("{n}."))
                || n.starts_with(&format!("{path}."))
        })
    };
    let root_named = named_parts.contains(&parsed.root.path.as_str());

    // Header fields of the message, in order.
    let mut at = 0;
    for h in &parsed.headers {
        if named_fields.contains(&(None, h.line)) {
            continue;
        }
        let mime = [
            "content-type",
            "content-transfer-encoding",
            "content-disposition",
        ]
        .iter()
        .any(|n| h.is(n));
        if mime && root_named {
            continue;
        }
        let Some(bytes) = field_bytes(&raw, h) else {
            problems.push(format!("{}: no bytes for the field", h.name));
            continue;
        };
        checked[0] += 1;
        match find_from(out, bytes, at) {
            Some(i) => at = i + bytes.len(),
            None => problems.push(format!(
                "the field {} (line {}) was changed or moved though no diagnosis names it",
                h.name, h.line
            )),
        }
    }

    // Leaves and attached messages.
    for p in parsed.parts() {
        let leafish = !p.is_multipart()
            && !parsed
                .parts()
                .any(|m| m.is_message() && p.path.starts_with(&format!("{}.", m.path)));
        if !leafish || std::ptr::eq(p, &parsed.root) || under_named(&p.path) {
            continue;
        }
        if p.headers
            .iter()
            .any(|h| named_fields.contains(&(Some(p.path.as_str()), h.line)))
        {
            continue;
        }
        let Some(span) = p.span else { continue };
        let bytes: &[u8] = raw.get(span.header_start..span.end).unwrap_or_default();
        checked[1] += 1;
        if find_from(out, bytes, 0).is_none() {
            problems.push(format!(
                "part {} ({}) changed though no diagnosis names it",
                p.path, p.content_type
            ));
        }
    }
    Ok(problems)
}

#[test]
fn prop_fix_changes_only_what_a_diagnosis_names_and_lints_clean() {
    let files = manifest();
    assert!(files.len() >= 300, "only {} files", files.len());
    let mut problems = Vec::new();
    let (mut repaired, mut refused, mut untouched) = (0, 0, 0);
    let mut checked = [0usize; 2];
    for file in &files {
        let original = std::fs::read(file).unwrap();
        match check(file, &mut checked) {
            Ok(found) => {
                if fix_message(&original, Some(7)).is_ok_and(|f| f.changes.is_empty()) {
                    untouched += 1;
                } else {
                    repaired += 1;
                }
                problems.extend(
                    found
                        .into_iter()
                        .map(|p| format!("{}: {p}", file.display())),
                );
            }
            Err(FixError::NotAMessage | FixError::NoFrom) => {
                let d = lint(&original).diagnostics;
                if !d
                    .iter()
                    .any(|d| matches!(d.code, Code::NotAMessage | Code::MissingFrom))
                {
                    problems.push(format!("{}: refused, but it has an author", file.display()));
                }
                refused += 1;
            }
            Err(e) => problems.push(format!("{}: {e}", file.display())),
        }
    }
    let [fields, parts] = checked;
    eprintln!(
        "{repaired} repaired, {untouched} needed nothing, {refused} refused; {fields} unnamed fields and {parts} unnamed parts compared"
    );
    assert!(repaired >= 100, "only {repaired} messages were repaired");
    assert!(
        fields >= 1000 && parts >= 100,
        "only {fields} fields and {parts} parts compared"
    );
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
