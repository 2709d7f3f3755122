//! Every input in `testdata/regressions/<target>/` (found by fuzzing or
//! proptest) runs through its target's check on stable, as an ordinary test.

use mimesmith_tests::testdata;
use mimesmith_verify::fuzzing::TARGETS;

#[test]
fn every_regression_input_passes_its_target() {
    let root = testdata("regressions");
    let mut ran = 0;
    let mut failures = Vec::new();
    for (name, check) in TARGETS {
        let dir = root.join(name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).unwrap();
            if let Err(v) = check(&data) {
                failures.push(format!("{}: {v}", file.display()));
            }
            ran += 1;
        }
    }
    assert!(
        ran >= 1,
        "no regression input found under {}",
        root.display()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
