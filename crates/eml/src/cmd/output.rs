//! The JSON every `--json` prints: one typed shape per command, so the
//! shapes are written down once (and documented in the README).
//!
//! | command | shape |
//! |---|---|
//! | `tree --json` | one [`TreeNode`] (pretty) |
//! | `headers --json` | one [`HeadersOutput`] (pretty) |
//! | `lint --json` | one [`LintOutput`] per file, one per line |
//! | `show --json` | one [`ShowOutput`] (pretty) |
//! | `extract --json` | one [`ExtractOutput`] (pretty) |
//! | `fix --json` | one [`crate::cmd::fix::Report`] (pretty) |

use serde::Serialize;
use sha2::{Digest, Sha256};

use mimesmith_verify::{Diagnostic, Part};

/// A part of the MIME tree.
#[derive(Debug, Clone, Serialize)]
pub struct TreeNode {
    /// IMAP part path (RFC 3501 §6.4.5); `""` for a multipart root.
    pub path: String,
    /// Lower-cased `type/subtype`.
    pub content_type: String,
    /// The `charset` parameter as written.
    pub charset: Option<String>,
    /// Content-Transfer-Encoding, lower-cased.
    pub transfer_encoding: Option<String>,
    /// Content-Disposition type.
    pub disposition: Option<String>,
    /// The decoded file name.
    pub filename: Option<String>,
    /// Content-ID without brackets.
    pub content_id: Option<String>,
    /// Decoded size in bytes (`null` for multiparts).
    pub size: Option<usize>,
    /// Lower-case hex SHA-256 of the decoded bytes (`null` for multiparts).
    pub sha256: Option<String>,
    /// A delivery, disposition or feedback report part (RFC 3464, RFC 8098,
    /// RFC 5965): what `eml bounce` reads.
    pub report: bool,
    /// The parts of a multipart, or an attached message's root; absent for leaves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<TreeNode>>,
}

impl TreeNode {
    /// The node for `part` and everything below it.
    #[must_use]
    pub fn new(part: &Part) -> Self {
        let leafish = !part.is_multipart();
        Self {
            path: part.path.clone(),
            content_type: part.content_type.clone(),
            charset: part.charset.clone(),
            transfer_encoding: part.transfer_encoding.clone(),
            disposition: part.disposition.clone(),
            filename: part.filename.clone(),
            content_id: part.content_id.clone(),
            size: leafish.then_some(part.body.len()),
            sha256: leafish.then(|| sha256_hex(&part.body)),
            report: mimesmith_verify::bounce::is_report_part(&part.content_type),
            children: (part.is_multipart() || !part.children.is_empty())
                .then(|| part.children.iter().map(Self::new).collect()),
        }
    }
}

/// Lower-case hex SHA-256.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `headers --json`.
#[derive(Debug, Clone, Serialize)]
pub struct HeadersOutput {
    /// The fields in order.
    pub headers: Vec<HeaderField>,
}

/// One header field.
#[derive(Debug, Clone, Serialize)]
pub struct HeaderField {
    /// The name as written.
    pub name: String,
    /// The field body as written (bytes that are not UTF-8 as `\xNN`).
    pub raw: String,
    /// Decoded and repaired.
    pub value: String,
    /// 1-based line in the message.
    pub line: usize,
}

/// `lint --json`: one per file.
#[derive(Debug, Clone, Serialize)]
pub struct LintOutput<'a> {
    /// The file as named on the command line (`<stdin>` for `-`).
    pub file: String,
    /// The findings.
    pub diagnostics: &'a [Diagnostic],
}

/// `show --json`.
#[derive(Debug, Clone, Serialize)]
pub struct ShowOutput {
    /// The part shown.
    pub path: String,
    /// Its text, decoded.
    pub text: String,
    /// The text was made from HTML (the message has no text/plain).
    pub from_html: bool,
    /// The charset the part declares.
    pub declared_charset: Option<String>,
    /// The charset it was decoded with, when that is not the declared one.
    pub decoded_as: Option<&'static str>,
    /// What was wrong with the charset, as diagnostics.
    pub repairs: Vec<Diagnostic>,
}

/// `extract --json`.
#[derive(Debug, Clone, Serialize)]
pub struct ExtractOutput {
    /// Every file written.
    pub extracted: Vec<Extracted>,
}

/// One file `extract` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Extracted {
    /// The part.
    pub path: String,
    /// The file written.
    pub file: String,
    /// The name the message gives (decoded, unsanitised), if any.
    pub filename: Option<String>,
    /// The part's type.
    pub content_type: String,
    /// Bytes written.
    pub size: usize,
}
