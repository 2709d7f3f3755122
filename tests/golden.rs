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
    let msg = spec.build(base).unwrap_or_else(|e| panic!("{}: {e}", spec_path.display()));
    let bytes = msg.to_vec().unwrap();
    // Streaming to a writer gives the same bytes as building a Vec.
    let mut streamed = Vec::new();
    spec.build(base).unwrap().write_to(&mut streamed).unwrap();
    assert!(streamed == bytes, "{}: write_to and to_vec differ", spec_path.display());
    bytes
}

#[test]
fn golden_specs_build_byte_for_byte() {
    let dir = testdata("golden");
    let specs = files_ending(&dir, ".spec.json");
    assert!(specs.len() >= 15, "expected at least 15 golden specs, found {}", specs.len());
    let mut failures = Vec::new();
    for spec in &specs {
        let name = spec.file_name().unwrap().to_str().unwrap().trim_end_matches(".spec.json").to_owned();
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
    assert!(failures.is_empty(), "golden mismatches (see .actual files): {failures:?}");
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

#[test]
fn building_twice_with_a_seed_gives_the_same_bytes() {
    for spec in files_ending(&testdata("golden"), ".spec.json") {
        assert!(build(&spec) == build(&spec), "{} is not deterministic", spec.display());
    }
}
