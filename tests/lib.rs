#![forbid(unsafe_code)]
//! Shared helpers for the cross-crate tests in this folder.

use std::path::{Path, PathBuf};

/// The repository root.
#[must_use]
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
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
    v.retain(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(suffix)));
    v.sort();
    v
}

/// True when `BLESS=1`: golden expectations are rewritten instead of compared.
#[must_use]
pub fn bless() -> bool {
    std::env::var("BLESS").is_ok_and(|v| v == "1")
}
