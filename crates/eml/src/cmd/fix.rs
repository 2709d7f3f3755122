//! `eml fix FILE [-o OUT] [--seed N]`.

use std::path::Path;

use anyhow::Context as _;

use super::{display_name, read_input};
use crate::fix::fix_message;
use crate::{CliError, EXIT_OK};

/// Rebuilds the message in `file` and writes it to `output` or stdout; what
/// changed goes to stderr.
///
/// # Errors
/// [`CliError::Usage`] when the file cannot be read or rebuilt.
pub fn run(file: &Path, output: Option<&Path>, seed: Option<u64>) -> Result<u8, CliError> {
    let raw = read_input(file)?;
    let fixed = fix_message(&raw, seed).map_err(|e| CliError::Usage(format!("{}: {e}", display_name(file))))?;
    for note in &fixed.notes {
        eprintln!("eml: fix: {}", super::printable(note));
    }
    match output {
        Some(path) => std::fs::write(path, &fixed.bytes).with_context(|| format!("cannot write {}", path.display()))?,
        None => super::print_bytes(&fixed.bytes)?,
    }
    Ok(EXIT_OK)
}
