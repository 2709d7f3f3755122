//! `eml bounce [--json] PATH…`: what each bounce says, one line per recipient.

use std::path::{Path, PathBuf};

use serde::Serialize;

use mimesmith_verify::bounce::{self, Report};

use super::{Style, display_name, print, printable, read_input};
use crate::{CliError, EXIT_OK, EXIT_USAGE};

/// Reads every message under `paths` (folders recursively, in name order).
///
/// # Errors
/// When stdout cannot be written; unreadable inputs are reported on stderr
/// and give exit status 2 after the rest are read.
pub fn run(paths: &[PathBuf], json: bool, style: Style) -> Result<u8, CliError> {
    let mut files = Vec::new();
    let mut status = EXIT_OK;
    for p in paths {
        if let Err(e) = collect(p, &mut files) {
            eprintln!("eml: cannot read {}: {e}", display_name(p));
            status = EXIT_USAGE;
        }
    }
    for (file, named) in &files {
        let raw = match read_input(file) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("eml: {e}");
                status = EXIT_USAGE;
                continue;
            }
        };
        let name = display_name(file);
        let parsed = mimesmith_verify::parse(&raw);
        if parsed
            .diagnostics
            .iter()
            .any(|d| d.code == mimesmith_verify::Code::NotAMessage)
        {
            // Named on the command line it is an unusable input; found in a
            // folder (a README beside the mail) it is skipped.
            if *named {
                eprintln!("eml: {name} is not a message");
                status = EXIT_USAGE;
            } else {
                eprintln!("eml: note: skipped {name}: not a message");
            }
            continue;
        }
        // mbox files are read as one message for now.
        let report = bounce::read(&parsed);
        let out = match &report {
            Some(r) if json => json_lines(&name, 1, r)?,
            Some(r) => human_lines(&name, r, style),
            None if json => String::new(),
            None => format!("{}: not a bounce\n", printable(&name)),
        };
        print(&out)?;
    }
    Ok(status)
}

/// Files under `path` in name order; `path` itself when it is a file or `-`.
/// Each with `true` when it was named itself rather than found in a folder.
fn collect(path: &Path, out: &mut Vec<(PathBuf, bool)>) -> std::io::Result<()> {
    if path == Path::new("-") || !std::fs::metadata(path)?.is_dir() {
        out.push((path.to_path_buf(), true));
        return Ok(());
    }
    // An explicit stack: a deep tree cannot overflow ours.
    let mut stack = vec![path.to_path_buf()];
    // Symbolic links are not followed (`file_type` does not follow them).
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                found.push(entry.path());
            }
        }
    }
    found.sort();
    out.extend(found.into_iter().map(|f| (f, false)));
    Ok(())
}

/// One line of `eml bounce --json`, fields in the documented order.
#[derive(Serialize)]
struct Line<'a> {
    file: &'a str,
    message: usize,
    recipient: Option<&'a str>,
    action: Option<&'a str>,
    status: Option<&'a str>,
    reply_code: Option<u16>,
    diagnostic_code: Option<&'a str>,
    remote_mta: Option<&'a str>,
    reason: &'a str,
    hard_bounce: bool,
    original_message_id: Option<&'a str>,
}

fn json_lines(file: &str, message: usize, r: &Report) -> Result<String, CliError> {
    let mut out = String::new();
    let original_id = r.original.as_ref().and_then(|o| o.message_id.clone());
    for rc in &r.recipients {
        let v = Line {
            file,
            message,
            recipient: rc.recipient.as_deref(),
            action: rc.action.as_deref(),
            status: rc.status.as_deref(),
            reply_code: rc.reply_code,
            diagnostic_code: rc.diagnostic.as_deref(),
            remote_mta: rc.remote_mta.as_deref(),
            reason: rc.reason.as_str(),
            hard_bounce: rc.hard_bounce,
            original_message_id: original_id.as_deref(),
        };
        out.push_str(&serde_json::to_string(&v).map_err(anyhow::Error::from)?);
        out.push('\n');
    }
    Ok(out)
}

fn human_lines(file: &str, r: &Report, style: Style) -> String {
    let mut out = String::new();
    for rc in &r.recipients {
        let kind = if rc.hard_bounce { "hard" } else { "soft" };
        let mut line = format!(
            "{}: {} {} {} {}",
            printable(file),
            style.accent(&printable(
                rc.recipient.as_deref().unwrap_or("(unknown recipient)")
            )),
            rc.status.as_deref().unwrap_or("-"),
            rc.reply_code
                .map_or_else(|| "-".to_owned(), |c| c.to_string()),
            style.bold(rc.reason.as_str()),
        );
        if matches!(r.kind, bounce::Kind::Bounce) {
            line.push_str(&format!(" ({kind})"));
        }
        if let Some(d) = &rc.diagnostic {
            line.push_str(&style.dim(&format!(": {}", printable(d))));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}
