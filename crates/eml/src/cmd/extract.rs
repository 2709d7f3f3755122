//! `eml extract FILE -d DIR [--force] [--json]`: attachments and inline parts
//! written with their decoded names, never outside DIR.

use std::collections::HashSet;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::Context as _;

use mimesmith_verify::{ParsedMessage, Part};

use super::{print, print_json, printable, read_message};
use crate::{CliError, EXIT_OK};

/// The longest file name written, in bytes (most file systems allow 255).
const MAX_NAME: usize = 200;

/// Names Windows reserves for devices, with any extension (`CON.txt` too).
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9", "conin$",
    "conout$",
];

/// A part to extract and the name it gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned<'a> {
    /// The part.
    pub part: &'a Part,
    /// Its safe, unique file name (one path component).
    pub name: String,
}

/// Makes a decoded file name safe to create inside a folder: one path
/// component, no control characters or NUL, no bidi controls (which would
/// disguise the extension), none of `<>:"/\|?*`, no leading
/// dots (no `..`, no hidden files), no trailing dots or spaces, not a
/// reserved Windows device name, at most 200 bytes (the extension kept).
/// Returns `None` when nothing usable is left.
#[must_use]
pub fn safe_name(name: &str) -> Option<String> {
    // Only the last component of anything path-like.
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut s: String = base
        .chars()
        .map(|c| {
            if c.is_control()
                || mimesmith_verify::display::is_bidi_control(c)
                || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*')
            {
                '_'
            } else {
                c
            }
        })
        .collect();
    s = s
        .trim()
        .trim_start_matches('.')
        .trim_end_matches(['.', ' '])
        .to_owned();
    if s.is_empty() {
        return None;
    }
    let stem = s
        .split('.')
        .next()
        .unwrap_or_default()
        .trim_end()
        .to_ascii_lowercase();
    if RESERVED.contains(&stem.as_str()) {
        s.insert(0, '_');
    }
    if s.len() > MAX_NAME {
        let ext = s
            .rfind('.')
            .map(|i| s.get(i..).unwrap_or_default().to_owned())
            .filter(|e| e.len() <= 16)
            .unwrap_or_default();
        let mut cut = MAX_NAME - ext.len();
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s = format!("{}{ext}", s.get(..cut).unwrap_or_default());
    }
    Some(s)
}

/// A name for a part without one: `part-<path>` and an extension for its
/// type (`part-2.pdf`, `part-1-2.eml`).
fn fallback_name(part: &Part) -> String {
    let ext = match part.content_type.as_str() {
        "message/rfc822" | "message/global" => "eml",
        // Delivery reports and returned headers are text (RFC 3464 §2, RFC 6522 §4).
        "message/delivery-status"
        | "message/global-delivery-status"
        | "message/disposition-notification"
        | "text/rfc822-headers"
        | "text/plain" => "txt",
        "text/html" => "html",
        "image/jpeg" => "jpg",
        "text/calendar" => "ics",
        "application/octet-stream" => "bin",
        ct => mime_guess::get_mime_extensions_str(ct)
            .and_then(|e| e.first().copied())
            .unwrap_or("bin"),
    };
    format!("part-{}.{ext}", part.path.replace('.', "-"))
}

/// Adds ` (2)`, ` (3)`, … before the extension until the name is unused.
fn unique(name: String, used: &HashSet<String>) -> String {
    if !used.contains(&name.to_lowercase()) {
        return name;
    }
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (
            name.get(..i).unwrap_or_default(),
            name.get(i..).unwrap_or_default(),
        ),
        _ => (name.as_str(), ""),
    };
    (2..)
        .map(|n| format!("{stem} ({n}){ext}"))
        .find(|c| !used.contains(&c.to_lowercase()))
        .unwrap_or_default()
}

/// The parts `eml extract` writes: every leaf (and every attached message,
/// as one `.eml`) but the main text/plain and text/html bodies that `eml
/// show` prints; never parts inside an attached message. A part without a
/// name is named from its path and type (`part-2.pdf`). Names are safe and
/// unique (case-insensitively, for case-insensitive file systems).
#[must_use]
pub fn plan(parsed: &ParsedMessage) -> Vec<Planned<'_>> {
    let main: Vec<&str> = [parsed.text_body(), parsed.html_body()]
        .into_iter()
        .flatten()
        .map(|p| p.path.as_str())
        .collect();
    let mut out = Vec::new();
    let mut used = HashSet::new();
    let mut stack = vec![&parsed.root];
    while let Some(part) = stack.pop() {
        if part.is_multipart() {
            stack.extend(part.children.iter().rev());
            continue;
        }
        if main.contains(&part.path.as_str()) {
            continue;
        }
        let name = part
            .filename
            .as_deref()
            .and_then(safe_name)
            .unwrap_or_else(|| fallback_name(part));
        let name = unique(name, &used);
        used.insert(name.to_lowercase());
        out.push(Planned { part, name });
    }
    out
}

/// Extracts the attachments of the message in `file` into `dir`.
///
/// # Errors
/// [`CliError::Usage`] when the file cannot be read, a target exists and
/// `force` is off (nothing is written then), or a file cannot be written.
pub fn run(file: &Path, dir: &Path, force: bool, json: bool) -> Result<u8, CliError> {
    let (_, parsed) = read_message(file)?;
    let planned = plan(&parsed);
    fs::create_dir_all(dir)
        .map_err(|e| CliError::Usage(format!("cannot create {}: {e}", dir.display())))?;
    let targets: Vec<PathBuf> = planned
        .iter()
        .map(|p| target(dir, &p.name))
        .collect::<Result<_, _>>()?;
    if !force {
        let existing: Vec<String> = targets
            .iter()
            .filter(|t| t.symlink_metadata().is_ok())
            .map(|t| t.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(CliError::Usage(format!(
                "{} already exist(s); nothing written (use --force to overwrite)",
                existing.join(", ")
            )));
        }
    }
    let mut written = Vec::new();
    for (p, t) in planned.iter().zip(&targets) {
        write_file(t, &p.part.body, force)
            .with_context(|| format!("cannot write {}", t.display()))?;
        written.push(super::output::Extracted {
            path: p.part.path.clone(),
            file: t.display().to_string(),
            filename: p.part.filename.clone(),
            content_type: p.part.content_type.clone(),
            size: p.part.body.len(),
        });
    }
    if json {
        print_json(&super::output::ExtractOutput { extracted: written }, true)?;
    } else {
        let mut out = String::new();
        for (p, t) in planned.iter().zip(&targets) {
            // The name as the message gives it, escaped, when the file
            // written had to be named otherwise.
            let given = p
                .part
                .filename
                .as_deref()
                .filter(|f| *f != p.name)
                .map(|f| format!(" \"{}\"", printable(f)))
                .unwrap_or_default();
            out.push_str(&format!(
                "{} {}{given} -> {} ({} bytes)\n",
                p.part.path,
                p.part.content_type,
                printable(&t.display().to_string()),
                p.part.body.len()
            ));
        }
        if planned.is_empty() {
            out.push_str("nothing to extract: the message is only its main text\n");
        }
        print(&out)?;
    }
    Ok(EXIT_OK)
}

/// `dir/name`, checked to be exactly one normal component below `dir`.
fn target(dir: &Path, name: &str) -> Result<PathBuf, CliError> {
    let rel = Path::new(name);
    let mut components = rel.components();
    match (components.next(), components.next()) {
        (Some(Component::Normal(_)), None) => Ok(dir.join(rel)),
        _ => Err(CliError::Usage(format!(
            "refusing unsafe file name {name:?}"
        ))),
    }
}

/// Writes a new file; with `force`, replaces an existing file (a symlink is
/// removed first, never followed).
fn write_file(path: &Path, bytes: &[u8], force: bool) -> std::io::Result<()> {
    if force
        && path
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
    {
        fs::remove_file(path)?;
    }
    let mut options = OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.flush()
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn names_cannot_escape_or_misbehave() {
        let cases = [
            ("../../etc/passwd", Some("passwd")),
            ("/etc/shadow", Some("shadow")),
            ("C:\\Windows\\system32\\evil.dll", Some("evil.dll")),
            ("..", None),
            ("...", None),
            ("a\0b.txt", Some("a_b.txt")),
            ("CON", Some("_CON")),
            ("nul.txt", Some("_nul.txt")),
            ("Com1.tar.gz", Some("_Com1.tar.gz")),
            (".bashrc", Some("bashrc")),
            ("report. ", Some("report")),
            ("报告 2026.pdf", Some("报告 2026.pdf")),
            ("a<b>c:d\"e|f?g*h", Some("a_b_c_d_e_f_g_h")),
            ("\u{1b}[31mred", Some("_[31mred")),
            ("invoice\u{202e}fdp.exe", Some("invoice_fdp.exe")),
            ("a\u{2066}b\u{200f}.txt", Some("a_b_.txt")),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(safe_name(input).as_deref(), want, "{input:?}");
        }
        let long = format!("{}.pdf", "长".repeat(100));
        let s = safe_name(&long).unwrap();
        assert!(s.len() <= 200 && s.ends_with(".pdf"), "{s}");
    }
}
