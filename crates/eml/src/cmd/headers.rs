//! `eml headers [--json] [--part PATH] FILE`: every header, raw and decoded.

use std::path::Path;

use mimesmith_verify::lint::repaired_header_value;

use super::{Style, print, print_json, printable, raw_string, read_message};
use crate::{CliError, EXIT_OK};

/// Prints the header fields of the message in `file` (or of one part).
///
/// # Errors
/// [`CliError::Usage`] when the file cannot be read or the part does not exist.
pub fn run(file: &Path, json: bool, part: Option<&str>, style: Style) -> Result<u8, CliError> {
    let (_, parsed) = read_message(file)?;
    let headers = match part {
        None => &parsed.headers,
        Some(path) => {
            &parsed
                .part(path)
                .ok_or_else(|| {
                    CliError::Usage(format!("no part {path:?}; `eml tree` lists the parts"))
                })?
                .headers
        }
    };
    if json {
        let out = super::output::HeadersOutput {
            headers: headers
                .iter()
                .map(|h| super::output::HeaderField {
                    name: h.name.clone(),
                    raw: raw_string(&h.raw),
                    value: repaired_header_value(h).into_owned(),
                    line: h.line,
                })
                .collect(),
        };
        print_json(&out, true)?;
        return Ok(EXIT_OK);
    }
    let mut out = String::new();
    for h in headers {
        let value = repaired_header_value(h);
        out.push_str(&format!(
            "{}: {}\n",
            style.bold(&printable(&h.name)),
            printable(&value)
        ));
        let raw_text = raw_string(&h.raw);
        let unfolded: String = raw_text.replace("\r\n", "").replace('\n', "");
        if unfolded.trim() != value {
            out.push_str(&style.dim(&format!(
                "  raw:{}",
                printable(&raw_text.replace("\r\n", "\n  "))
            )));
            out.push('\n');
        }
    }
    print(&out)?;
    Ok(EXIT_OK)
}
