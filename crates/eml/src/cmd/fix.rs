//! `eml fix FILE [-o OUT] [--seed N] [--json]`.

use std::path::Path;

use anyhow::Context as _;
use serde::Serialize;

use super::{display_name, read_input};
use mimesmith_verify::Severity;

use crate::fix::{Change, Unrepaired, fix_message};
use crate::{CliError, EXIT_OK};

/// Errors and warnings `eml lint` reports.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Counts {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
}

/// What `eml fix --json` prints: one object.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// The input, as named on the command line.
    pub file: String,
    /// Where the repaired message was written.
    pub output: String,
    /// Lint counts of the input.
    pub before: Counts,
    /// Lint counts of the output.
    pub after: Counts,
    /// Every edit, with the diagnoses it answers.
    pub changes: &'a [Change],
    /// Diagnoses left as they are, and why.
    pub unrepaired: &'a [Unrepaired],
}

fn counts(bytes: &[u8]) -> Counts {
    let d = mimesmith_verify::lint::lint(bytes).diagnostics;
    let n = |s| d.iter().filter(|x| x.severity == s).count();
    Counts {
        errors: n(Severity::Error),
        warnings: n(Severity::Warning),
    }
}

/// Repairs the message in `file` and writes it to `output` or stdout; what
/// changed goes to stderr (or, with `json`, to stdout as a [`Report`], which
/// needs `output`).
///
/// # Errors
/// [`CliError::Usage`] when the file cannot be read or repaired, or `json`
/// without `output`.
pub fn run(
    file: &Path,
    output: Option<&Path>,
    seed: Option<u64>,
    json: bool,
) -> Result<u8, CliError> {
    if json && output.is_none() {
        return Err(CliError::Usage(
            "fix --json prints its report on stdout: give -o FILE for the message".to_owned(),
        ));
    }
    let raw = read_input(file)?;
    let fixed = fix_message(&raw, seed)
        .map_err(|e| CliError::Usage(format!("{}: {e}", display_name(file))))?;
    let before = counts(&raw);
    let after = counts(&fixed.bytes);
    match output {
        Some(path) => std::fs::write(path, &fixed.bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => super::print_bytes(&fixed.bytes)?,
    }
    let out_name = output.map_or_else(|| "the output".to_owned(), |p| p.display().to_string());
    if json {
        let report = Report {
            file: display_name(file),
            output: out_name,
            before,
            after,
            changes: &fixed.changes,
            unrepaired: &fixed.unrepaired,
        };
        super::print_json(&report, true)?;
        return Ok(EXIT_OK);
    }
    for c in &fixed.changes {
        eprintln!("eml: fix: {}", super::printable(&c.note));
    }
    for u in &fixed.unrepaired {
        let place = u
            .part
            .as_deref()
            .map(|p| format!(" part {}", if p.is_empty() { "(root)" } else { p }))
            .unwrap_or_default();
        eprintln!(
            "eml: fix: left as it is: {}{place}: {}",
            u.code,
            super::printable(&u.reason)
        );
    }
    eprintln!(
        "eml: fix: {}: {} error(s), {} warning(s) before; {} error(s), {} warning(s) in {out_name}",
        display_name(file),
        before.errors,
        before.warnings,
        after.errors,
        after.warnings,
    );
    Ok(EXIT_OK)
}
