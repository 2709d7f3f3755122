//! `eml show [--part PATH] [--json] FILE`: the decoded text.

use std::io::IsTerminal;
use std::path::Path;

use mimesmith_verify::lint::main_text;

use super::{print, print_json, printable, read_message};
use crate::{CliError, EXIT_OK};

/// The first report part (message/delivery-status and the like) outside
/// the returned message.
fn report_part(parsed: &mimesmith_verify::ParsedMessage) -> Option<&mimesmith_verify::Part> {
    let mut stack = vec![&parsed.root];
    while let Some(p) = stack.pop() {
        if mimesmith_verify::bounce::is_report_part(&p.content_type) {
            return Some(p);
        }
        if !p.is_message() {
            stack.extend(p.children.iter().rev());
        }
    }
    None
}

/// The fields of a report part as text (UTF-8 for the global forms,
/// RFC 6533 §6; otherwise charset-checked like any text).
fn report_text(p: &mimesmith_verify::Part) -> Option<String> {
    mimesmith_verify::bounce::is_report_part(&p.content_type)
        .then(|| mimesmith_verify::charset::decode_text(&p.body, p.charset.as_deref()).text)
}

/// Prints the main text (or the text of `part`) of the message in `file`.
///
/// # Errors
/// [`CliError::Usage`] when the file cannot be read, has no text, or the
/// part does not exist or is not text.
pub fn run(file: &Path, part: Option<&str>, json: bool) -> Result<u8, CliError> {
    let (_, parsed) = read_message(file)?;
    let (path, text, from_html) = match part {
        Some(path) => {
            let p = parsed.part(path).ok_or_else(|| {
                CliError::Usage(format!("no part {path:?}; `eml tree` lists the parts"))
            })?;
            let text = p.text.clone().or_else(|| report_text(p)).ok_or_else(|| {
                CliError::Usage(format!(
                    "part {path} is {}, not text; `eml extract` writes it to a file",
                    p.content_type
                ))
            })?;
            (p.path.clone(), text, false)
        }
        None if main_text(&parsed).is_none() && report_part(&parsed).is_some() => {
            let p = report_part(&parsed).ok_or_else(|| CliError::Usage(String::new()))?;
            (p.path.clone(), report_text(p).unwrap_or_default(), false)
        }
        None => {
            let main = main_text(&parsed).ok_or_else(|| {
                CliError::Usage(
                    "the message has no text/plain or text/html body; `eml tree` shows what it has"
                        .to_owned(),
                )
            })?;
            (main.path, main.text, main.from_html)
        }
    };
    let report = parsed.part(&path).and_then(|p| p.charset_report.as_ref());
    // A delivery report's fields follow its text (RFC 6522 §3: the
    // human-readable part first, then the machine-readable one).
    let text = match report_part(&parsed) {
        Some(r) if part.is_none() && r.path != path => {
            let fields = report_text(r).unwrap_or_default();
            format!(
                "{text}\n--- {} (part {}) ---\n{fields}",
                r.content_type, r.path
            )
        }
        _ => text,
    };
    if json {
        let p = parsed.part(&path);
        let out = super::output::ShowOutput {
            path: path.clone(),
            text,
            from_html,
            declared_charset: p.and_then(|p| p.charset.clone()),
            decoded_as: report.map(|r| r.decoded_as),
            repairs: report
                .map(|r| r.diagnostics(Some(&path), None))
                .unwrap_or_default(),
        };
        print_json(&out, true)?;
        return Ok(EXIT_OK);
    }
    if let Some(r) = report {
        for d in r.diagnostics(Some(&path), None) {
            eprintln!("eml: note: {d}; shown as repaired");
        }
    }
    // On a terminal, control characters in the text are shown escaped so the
    // message cannot drive the terminal.
    // The text is printed exactly as decoded when piped; on a terminal a
    // final line break is added if the text has none (the CRLF before a
    // boundary belongs to the boundary, RFC 2046 §5.1.1, so most parts end
    // without one) so the prompt does not land after it.
    if std::io::stdout().is_terminal() {
        print(&printable(&text))?;
        if !text.ends_with('\n') {
            print("\n")?;
        }
    } else {
        print(&text)?;
    }
    Ok(EXIT_OK)
}
