//! `eml compose SPEC.json [-o OUT]`.

use std::io::{self, BufWriter, Read};
use std::path::Path;

use anyhow::Context as _;

use crate::{CliError, EXIT_OK};
use mimesmith::spec::Spec;

/// Builds the message described by `spec_path` and writes it.
///
/// # Errors
/// [`CliError::Usage`] naming the field for a bad spec; other errors when
/// the output cannot be written.
pub fn run(spec_path: &Path, output: Option<&Path>) -> Result<u8, CliError> {
    let (json, base) = if spec_path == Path::new("-") {
        let mut s = String::new();
        io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| CliError::Usage(format!("cannot read the spec from stdin: {e}")))?;
        (s, std::env::current_dir().unwrap_or_default())
    } else {
        let s = std::fs::read_to_string(spec_path)
            .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", spec_path.display())))?;
        let base = spec_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        (s, base)
    };
    let spec = Spec::from_json(&json).map_err(|e| CliError::Usage(format!("bad spec: {e}")))?;
    let message = spec
        .build(&base)
        .map_err(|e| CliError::Usage(format!("bad spec: {e}")))?;
    match output {
        Some(path) => {
            // A temporary file in the same folder, renamed over `path` only
            // once the whole message is written: a failure part way leaves
            // no truncated file and an existing one untouched (issue 10
            // item 4). The temporary file is removed when dropped.
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => std::path::PathBuf::from("."),
            };
            let tmp = tempfile::Builder::new()
                .prefix(".eml-compose-")
                .tempfile_in(&dir)
                .with_context(|| format!("cannot create a file in {}", dir.display()))?;
            let mut w = BufWriter::new(tmp);
            message
                .write_to(&mut w)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let tmp = w
                .into_inner()
                .map_err(|e| anyhow::anyhow!("cannot write {}: {}", path.display(), e.error()))?;
            tmp.persist(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let stdout = io::stdout();
            message
                .write_to(stdout.lock())
                .context("cannot write to stdout")?;
        }
    }
    Ok(EXIT_OK)
}
