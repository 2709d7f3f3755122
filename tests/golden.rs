//! Golden files: every `testdata/golden/<name>.spec.json` builds to exactly
//! `<name>.eml`. `BLESS=1 cargo test --test golden` rewrites them; a
//! mismatch writes `<name>.eml.actual` beside the golden file.

use std::path::Path;

use mimesmith::spec::Spec;
use mimesmith_tests::{bless, files_ending, testdata};

fn build(spec_path: &Path) -> Vec<u8> {
    let json = std::fs::read_to_string(spec_path).unwrap();
    let spec = Spec::from_json(&json).unwrap_or_else(|e| panic!("{}: {e}", spec_path.display()));
    let base = spec_path.parent().unwrap();
    let msg = spec
        .build(base)
        .unwrap_or_else(|e| panic!("{}: {e}", spec_path.display()));
    let bytes = msg.to_vec().unwrap();
    // Streaming to a writer gives the same bytes as building a Vec.
    let mut streamed = Vec::new();
    spec.build(base).unwrap().write_to(&mut streamed).unwrap();
    assert!(
        streamed == bytes,
        "{}: write_to and to_vec differ",
        spec_path.display()
    );
    bytes
}

#[test]
fn golden_specs_build_byte_for_byte() {
    let dir = testdata("golden");
    let specs = files_ending(&dir, ".spec.json");
    assert!(
        specs.len() >= 15,
        "expected at least 15 golden specs, found {}",
        specs.len()
    );
    let mut failures = Vec::new();
    for spec in &specs {
        let name = spec
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .trim_end_matches(".spec.json")
            .to_owned();
        let golden = dir.join(format!("{name}.eml"));
        let actual = build(spec);
        if bless() {
            std::fs::write(&golden, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read(&golden).unwrap_or_default();
        let actual_path = dir.join(format!("{name}.eml.actual"));
        if expected == actual {
            let _ = std::fs::remove_file(&actual_path);
        } else {
            std::fs::write(&actual_path, &actual).unwrap();
            failures.push(name);
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches (see .actual files): {failures:?}"
    );
}

#[test]
fn golden_messages_hold_the_invariants() {
    use mimesmith_verify::invariants::{InvariantOptions, check};
    let mut checked = 0;
    for spec_path in files_ending(&testdata("golden"), ".spec.json") {
        let spec = Spec::from_json(&std::fs::read_to_string(&spec_path).unwrap()).unwrap();
        let opts = InvariantOptions {
            smtputf8: spec.smtputf8.unwrap_or(false),
            rfc2047_params: spec.rfc2047_filenames.unwrap_or(true),
        };
        let found = check(&build(&spec_path), opts);
        assert!(found.is_empty(), "{}: {found:#?}", spec_path.display());
        checked += 1;
    }
    assert!(checked >= 15);
}

/// What the builder writes passes the lint rules `eml lint` applies to
/// anyone's mail: no error; warnings only where the spec asked for them
/// (an HTML-only body, raw UTF-8 headers with SMTPUTF8).
#[test]
fn golden_messages_lint_without_errors() {
    use mimesmith_verify::{Code, lint::lint};
    let mut checked = 0;
    for spec_path in files_ending(&testdata("golden"), ".spec.json") {
        let spec = Spec::from_json(&std::fs::read_to_string(&spec_path).unwrap()).unwrap();
        let raw = build(&spec_path);
        let linted = lint(&raw);
        let lines: Vec<&[u8]> = raw.split(|&b| b == b'\n').collect();
        // A line over 78 is fine where it has no white space to fold at
        // (`Content-Type: application/vnd.openxmlformats-….sheet;`, RFC 5322 §2.2.3).
        let unfoldable = |d: &mimesmith_verify::Diagnostic| {
            d.line.and_then(|l| lines.get(l - 1)).is_some_and(|line| {
                let body = line.splitn(2, |&b| b == b':').nth(1).unwrap_or_default();
                !body.trim_ascii().contains(&b' ')
            })
        };
        let allowed = |c: Code| {
            (c == Code::HtmlWithoutText && spec.text.is_none())
                || (matches!(c, Code::Raw8bitHeader | Code::FilenameUnencoded) && spec.smtputf8 == Some(true))
                // A spec's own tree may leave an image unreferenced.
                || (c == Code::CidUnused && spec.body.is_some())
        };
        let unexpected: Vec<_> = linted
            .diagnostics
            .iter()
            .filter(|d| !(allowed(d.code) || (d.code == Code::HeaderLineLong && unfoldable(d))))
            .collect();
        assert!(
            unexpected.is_empty(),
            "{}: {unexpected:#?}",
            spec_path.display()
        );
        checked += 1;
    }
    assert!(checked >= 15);
}

#[test]
fn building_twice_with_a_seed_gives_the_same_bytes() {
    for spec in files_ending(&testdata("golden"), ".spec.json") {
        assert!(
            build(&spec) == build(&spec),
            "{} is not deterministic",
            spec.display()
        );
    }
}
