//! `eml fix FILE [-o OUT] [--seed N]`.

use std::path::Path;

use anyhow::Context as _;

use super::{display_name, read_input};
use mimesmith_verify::Severity;

use crate::fix::fix_message;
use crate::{CliError, EXIT_OK};

/// Rebuilds the message in `file` and writes it to `output` or stdout; what
/// changed goes to stderr.
///
/// # Errors
/// [`CliError::Usage`] when the file cannot be read or rebuilt.
pub fn run(file: &Path, output: Option<&Path>, seed: Option<u64>) -> Result<u8, CliError> {
    let raw = read_input(file)?;
    let fixed = fix_message(&raw, seed)
        .map_err(|e| CliError::Usage(format!("{}: {e}", display_name(file))))?;
    for note in &fixed.notes {
        eprintln!("eml: fix: {}", super::printable(note));
    }
    // What the rebuild achieved, in the lint's own terms.
    let count = |bytes: &[u8]| {
        let d = mimesmith_verify::lint::lint(bytes).diagnostics;
        let n = |s| d.iter().filter(|x| x.severity == s).count();
        (n(Severity::Error), n(Severity::Warning))
    };
    let (before_e, before_w) = count(&raw);
    let (after_e, after_w) = count(&fixed.bytes);
    match output {
        Some(path) => std::fs::write(path, &fixed.bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => super::print_bytes(&fixed.bytes)?,
    }
    eprintln!(
        "eml: fix: {}: {before_e} error(s), {before_w} warning(s) before; {after_e} error(s), {after_w} warning(s) in {}",
        display_name(file),
        output.map_or_else(|| "the output".to_owned(), |p| p.display().to_string())
    );
    Ok(EXIT_OK)
}
