//! `eml tree [--json] FILE`: the MIME tree.

use std::path::Path;

use mimesmith_verify::{Part, parse};

use super::{Style, print, print_json, printable, read_input};
use crate::{CliError, EXIT_OK, EXIT_USAGE};

/// Prints the tree of the message in `file`.
///
/// # Errors
/// [`CliError::Usage`] when the file cannot be read.
pub fn run(file: &Path, json: bool, style: Style) -> Result<u8, CliError> {
    let raw = read_input(file)?;
    let parsed = parse(&raw);
    let unusable = parsed
        .diagnostics
        .iter()
        .any(|d| d.code == mimesmith_verify::Code::NotAMessage);
    if json {
        print_json(&super::output::TreeNode::new(&parsed.root), true)?;
    } else {
        let mut out = String::new();
        node_text(&parsed.root, "", "", &mut out, style);
        for d in &parsed.diagnostics {
            out.push_str(&format!("{}\n", style.severity(d.severity, &d.to_string())));
        }
        print(&out)?;
    }
    Ok(if unusable { EXIT_USAGE } else { EXIT_OK })
}

fn human_size(n: usize) -> String {
    #[allow(clippy::cast_precision_loss)]
    let f = n as f64;
    if n < 1024 {
        format!("{n} B")
    } else if n < 1024 * 1024 {
        format!("{:.1} KiB", f / 1024.0)
    } else {
        format!("{:.1} MiB", f / (1024.0 * 1024.0))
    }
}

fn node_text(part: &Part, prefix: &str, child_prefix: &str, out: &mut String, style: Style) {
    let path = if part.path.is_empty() {
        "(root)"
    } else {
        part.path.as_str()
    };
    let mut line = format!(
        "{prefix}{} {}",
        style.accent(path),
        style.bold(&part.content_type)
    );
    if let Some(c) = &part.charset {
        line.push_str(&format!("; charset={}", printable(c)));
    }
    if let Some(r) = &part.charset_report {
        line.push_str(&style.dim(&format!(" (read as {})", r.decoded_as)));
    }
    if let Some(t) = part
        .transfer_encoding
        .as_deref()
        .filter(|t| !t.is_empty() && !part.is_multipart())
    {
        line.push_str(&format!("  {t}"));
    }
    if let Some(d) = &part.disposition {
        line.push_str(&format!("  {}", printable(d)));
    }
    if let Some(f) = &part.filename {
        line.push_str(&format!("  {:?}", f));
    }
    if let Some(id) = &part.content_id {
        line.push_str(&format!("  <{}>", printable(id)));
    }
    if mimesmith_verify::bounce::is_report_part(&part.content_type) {
        line.push_str(&format!("  {}", style.accent("report")));
    }
    if !part.is_multipart() {
        line.push_str(&style.dim(&format!("  {}", human_size(part.body.len()))));
    }
    out.push_str(&line);
    out.push('\n');
    let n = part.children.len();
    for (i, c) in part.children.iter().enumerate() {
        let last = i + 1 == n;
        let (p, cp) = if last {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        node_text(
            c,
            &format!("{child_prefix}{p}"),
            &format!("{child_prefix}{cp}"),
            out,
            style,
        );
    }
}
