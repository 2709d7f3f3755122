//! `eml lint [--json] [--allow CODE] [--deny CODE] FILE…`.

use std::path::PathBuf;

use mimesmith_verify::lint::lint;
use mimesmith_verify::{Code, Diagnostic, Severity};

use super::{Style, display_name, print, print_json, printable, read_input};
use crate::{CliError, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE};

/// Lints each file; the status is the worst over all files.
///
/// # Errors
/// [`CliError::Usage`] for an unknown code in `--allow`/`--deny`. An
/// unreadable file is reported and makes the status 2, but the other files
/// are still linted.
pub fn run(
    files: &[PathBuf],
    json: bool,
    allow: &[String],
    deny: &[String],
    style: Style,
) -> Result<u8, CliError> {
    let parse_codes = |list: &[String]| -> Result<Vec<Code>, CliError> {
        list.iter()
            .map(|s| {
                s.parse::<Code>()
                    .map_err(|e| CliError::Usage(e.to_string()))
            })
            .collect()
    };
    let allow = parse_codes(allow)?;
    let deny = parse_codes(deny)?;
    let mut status = EXIT_OK;
    let mut totals = [0usize; 3];
    for file in files {
        let name = display_name(file);
        let raw = match read_input(file) {
            Ok(raw) => raw,
            Err(e) => {
                eprintln!("eml: {e}");
                status = status.max(EXIT_USAGE);
                continue;
            }
        };
        let linted = lint(&raw);
        let diagnostics = adjust(linted.diagnostics, &allow, &deny);
        let file_status = if diagnostics.iter().any(|d| d.code == Code::NotAMessage) {
            EXIT_USAGE
        } else if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            EXIT_PROBLEMS
        } else {
            EXIT_OK
        };
        status = status.max(file_status);
        if json {
            print_json(
                &super::output::LintOutput {
                    file: name,
                    diagnostics: &diagnostics,
                },
                false,
            )?;
            continue;
        }
        let mut out = String::new();
        for d in &diagnostics {
            totals[severity_index(d.severity)] += 1;
            out.push_str(&format!(
                "{}: {}\n",
                style.bold(&printable(&name)),
                line(d, style)
            ));
        }
        print(&out)?;
    }
    if !json {
        let [e, w, i] = totals;
        let summary = format!(
            "{e} error(s), {w} warning(s), {i} note(s) in {} file(s)\n",
            files.len()
        );
        eprint!("{summary}");
    }
    Ok(status)
}

const fn severity_index(s: Severity) -> usize {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// Drops allowed codes and raises denied ones to errors.
fn adjust(diagnostics: Vec<Diagnostic>, allow: &[Code], deny: &[Code]) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter(|d| !allow.contains(&d.code))
        .map(|d| {
            if deny.contains(&d.code) {
                d.with_severity(Severity::Error)
            } else {
                d
            }
        })
        .collect()
}

fn line(d: &Diagnostic, style: Style) -> String {
    let head = style.severity(d.severity, &format!("{}[{}]", d.severity, d.code));
    let mut place = String::new();
    match (&d.part, d.line) {
        (Some(p), Some(l)) => {
            place = format!(
                " part {}, line {l}",
                if p.is_empty() { "(root)" } else { p }
            )
        }
        (Some(p), None) => place = format!(" part {}", if p.is_empty() { "(root)" } else { p }),
        (None, Some(l)) => place = format!(" line {l}"),
        (None, None) => {}
    }
    let mut s = format!("{head}{}: {}", style.accent(&place), printable(&d.message));
    if let Some(sug) = &d.suggestion {
        s.push_str(&style.dim(&format!("\n    help: {}", printable(sug))));
    }
    s
}
