//! `eml fix`: repair what the lint names, and nothing else.
//!
//! The repair is a list of edits on the original bytes, one per diagnosis
//! (or per field or part that several diagnoses name); every byte no edit
//! covers is copied as it is. What each diagnosis gets:
//!
//! - **Line endings** (`bare-lf`): every line ending becomes CRLF (RFC 5322
//!   §2.3). This names every line, so it is done first, on its own; the rest
//!   of the repair then works on the converted bytes.
//! - **Header text** (`raw-8bit-header`, `encoded-word-*`, `mojibake`,
//!   `header-not-ascii`, `header-line-long`): that one field is written
//!   again, in its place: address fields through the builder's address
//!   writer (display names as RFC 2047 words, RFC 5322 §3.4), other
//!   unstructured fields through its RFC 2047 writer (RFC 2047 §5(1)).
//!   Trace and token fields ([`NEVER_ENCODE`]: Received, Return-Path,
//!   DKIM-Signature, Authentication-Results, …) are never RFC 2047-encoded:
//!   RFC 2047 §5 allows encoded words only in text and phrases. A long line
//!   in one of them is folded at white space (RFC 5322 §2.2.3), signature
//!   fields are left as they are (folding breaks `simple` DKIM
//!   canonicalisation, RFC 6376 §3.4.1), raw 8-bit bytes in them are left and
//!   reported.
//! - **Bcc** (`bcc-present`): the field is removed (RFC 5322 §3.6.3).
//! - **Missing fields** (`missing-from`, `missing-date`,
//!   `missing-message-id`, `missing-mime-version`): added at the end of the
//!   header section, so trace fields stay on top in their order (RFC 5321
//!   §4.4). From is taken from Sender, then Return-Path; with neither the
//!   message is refused.
//! - **A part's text or transfer encoding** (`charset-missing`,
//!   `charset-mismatch`, `mojibake`, `base64-invalid`, `qp-invalid`,
//!   `line-too-long`) or **its file name** (`filename-unencoded`, an encoded
//!   word in quotes, raw bytes in Content-Type/Content-Disposition,
//!   `filename-bidi`, whose bidi controls are removed from the name): that
//!   part's MIME fields and body are written again by the builder (text as
//!   UTF-8, the name as RFC 2231 plus the RFC 2047 `name=` Outlook reads);
//!   its other fields are kept byte for byte.
//! - **Structure**: `boundary-missing` makes the multipart one text part
//!   holding its body; `multipart-unterminated` adds the close delimiter
//!   (RFC 2046 §5.1.1); `html-without-text` puts the HTML in a
//!   multipart/alternative after a text/plain rendering (RFC 2046 §5.1.4);
//!   `cid-missing` gives the one unreferenced image the one missing
//!   Content-ID when there is exactly one of each (RFC 2392).
//! - **Attached messages** with a diagnosis inside are repaired the same
//!   way, recursively, and put back in place; the fields RFC 5322 requires
//!   are not added to them (they are someone else's message, and the lint
//!   does not ask for them there).
//!
//! Anything else (an unknown charset, which no one can decode; a boundary
//! inside a part; parser limits) is left as it is and listed in
//! [`Fixed::unrepaired`]; so is a repair whose new bytes would contain an
//! enclosing boundary. [`Fixed::changes`] lists every edit with the codes it
//! answers.

use std::collections::HashSet;
use std::ops::Range;

use serde::Serialize;

use mimesmith::header::{format_address_list, format_unstructured};
use mimesmith::{
    Address, Body, ContentType, DateTime, Disposition, FormatOptions, Group, HeaderName, Mailbox,
    Message, MultiPart, SinglePart,
};
use mimesmith_verify::lint::{lint_parsed, repaired_header_value};
use mimesmith_verify::parse::{Addr, Header};
use mimesmith_verify::{Code, Diagnostic, ParsedMessage, Part, parse};

/// Fields that are never RFC 2047-encoded: trace fields (RFC 5321 §4.4),
/// signatures and authentication results (RFC 6376, RFC 8601, RFC 8617),
/// and fields made of tokens and ids (RFC 2047 §5 allows encoded words only
/// in `text`, `comment` and `phrase`).
pub const NEVER_ENCODE: &[&str] = &[
    "received",
    "return-path",
    "dkim-signature",
    "domainkey-signature",
    "x-google-dkim-signature",
    "arc-seal",
    "arc-message-signature",
    "arc-authentication-results",
    "authentication-results",
    "received-spf",
    "message-id",
    "in-reply-to",
    "references",
    "date",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-disposition",
    "content-id",
    "list-id",
    "list-unsubscribe",
    "list-unsubscribe-post",
];

/// Signature fields: not even refolded (RFC 6376 §3.4.1 `simple`).
const SIGNATURES: &[&str] = &[
    "dkim-signature",
    "domainkey-signature",
    "x-google-dkim-signature",
    "arc-seal",
    "arc-message-signature",
];

/// Address fields (RFC 5322 §3.4, §3.6.2–3.6.3, §3.6.6).
const ADDRESS_FIELDS: &[&str] = &[
    "from",
    "sender",
    "to",
    "cc",
    "reply-to",
    "resent-from",
    "resent-sender",
    "resent-to",
    "resent-cc",
];

/// RFC 5322 §2.1.1: lines SHOULD be at most 78 characters.
const FOLD_AT: usize = 78;

/// Embedded messages are repaired down to this depth; deeper ones are kept.
const MAX_FIX_DEPTH: usize = 8;

/// A repaired message and what was done to it.
#[derive(Debug, Clone)]
pub struct Fixed {
    /// The new message.
    pub bytes: Vec<u8>,
    /// Every edit, in message order.
    pub changes: Vec<Change>,
    /// Diagnoses that were left as they are, and why.
    pub unrepaired: Vec<Unrepaired>,
}

/// What an edit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Every line ending became CRLF.
    LineEndings,
    /// One header field was written again in its place.
    RewroteField,
    /// A header field was added at the end of the header section.
    AddedField,
    /// A header field was removed.
    RemovedField,
    /// A part's MIME fields and body were written again.
    RewrotePart,
    /// A part was replaced by a new structure (a text alternative, one text part).
    ReplacedPart,
    /// A close delimiter was added.
    ClosedMultipart,
}

/// One edit of [`Fixed`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The part (IMAP path) whose header or body changed; `None` for the message header.
    pub part: Option<String>,
    /// The header field, when the edit is one field.
    pub field: Option<String>,
    /// What was done.
    pub action: Action,
    /// The diagnoses it answers.
    pub codes: Vec<Code>,
    /// One sentence for people.
    pub note: String,
}

/// A diagnosis `fix` did not repair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unrepaired {
    /// Its code.
    pub code: Code,
    /// Its part.
    pub part: Option<String>,
    /// Its line.
    pub line: Option<usize>,
    /// Why it was left.
    pub reason: String,
}

/// Why a message cannot be repaired at all.
#[derive(Debug, thiserror::Error)]
pub enum FixError {
    /// The input has no header section.
    #[error("not a message: no header fields")]
    NotAMessage,
    /// No author address anywhere (From, Sender, Return-Path).
    #[error("no From address, and no Sender or Return-Path to take one from")]
    NoFrom,
    /// The builder refused something.
    #[error("cannot rebuild: {0}")]
    Build(#[from] mimesmith::Error),
}

/// Repairs `raw`; `seed` makes generated boundaries and ids reproducible.
///
/// # Errors
/// [`FixError`] when there is nothing to repair from.
pub fn fix_message(raw: &[u8], seed: Option<u64>) -> Result<Fixed, FixError> {
    fix_at(raw, seed, 0)
}

/// `bytes` with every line ending (CRLF, bare LF, bare CR) as CRLF.
#[must_use]
pub fn crlf_line_endings(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 32);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\r' => {
                out.extend_from_slice(b"\r\n");
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => out.extend_from_slice(b"\r\n"),
            _ => out.push(b),
        }
        i += 1;
    }
    out
}

fn fix_at(raw: &[u8], seed: Option<u64>, depth: usize) -> Result<Fixed, FixError> {
    let parsed = parse(raw);
    if parsed
        .diagnostics
        .iter()
        .any(|d| d.code == Code::NotAMessage)
    {
        return Err(FixError::NotAMessage);
    }
    let e = parsed.line_endings;
    if e.bare() > 0 {
        let converted = crlf_line_endings(raw);
        let mut fixed = fix_at(&converted, seed, depth)?;
        fixed.changes.insert(
            0,
            Change {
                part: None,
                field: None,
                action: Action::LineEndings,
                codes: vec![Code::BareLf],
                note: format!(
                    "every line now ends in CRLF ({} bare LF and {} bare CR converted)",
                    e.lf, e.cr
                ),
            },
        );
        return Ok(fixed);
    }
    let diagnostics = lint_parsed(raw, &parsed);
    let mut r = Repair {
        raw,
        parsed: &parsed,
        seed,
        depth,
        edits: Vec::new(),
        changes: Vec::new(),
        unrepaired: Vec::new(),
    };
    r.run(&diagnostics)?;
    Ok(r.finish())
}

/// One replacement of `range` in the input.
struct Edit {
    /// Order among edits at one place: lower first.
    rank: usize,
    /// The bytes must start a line: a CRLF is put first when the output so
    /// far does not end one.
    line_start: bool,
    range: Range<usize>,
    bytes: Vec<u8>,
    change: Change,
}

struct Repair<'a> {
    raw: &'a [u8],
    parsed: &'a ParsedMessage,
    seed: Option<u64>,
    depth: usize,
    edits: Vec<Edit>,
    changes: Vec<Change>,
    unrepaired: Vec<Unrepaired>,
}

/// Codes about one header field.
const FIELD_CODES: &[Code] = &[
    Code::Raw8bitHeader,
    Code::EncodedWordSplitChar,
    Code::EncodedWordTooLong,
    Code::EncodedWordInvalid,
    Code::EncodedWordInQuotes,
    Code::Mojibake,
    Code::HeaderLineLong,
    Code::HeaderNotAscii,
    Code::BccPresent,
    Code::UnknownCharset,
];

/// Codes a part's rewrite answers.
const PART_CODES: &[Code] = &[
    Code::CharsetMissing,
    Code::CharsetMismatch,
    Code::Mojibake,
    Code::Base64Invalid,
    Code::QpInvalid,
    Code::LineTooLong,
    Code::FilenameUnencoded,
    Code::FilenameBidi,
];

/// Why a diagnosis on too few bytes is left.
const TOO_LITTLE_EVIDENCE: &str = "too little evidence: the bytes read about as well in several charsets, so the text is left as it is rather than guessed";

/// A part whose rewrite would pick one of several readings: its text, a
/// raw 8-bit MIME field (its name) or an RFC 2231 name (RFC 2231 §4) is too
/// few bytes to tell the charset.
fn thin_evidence(p: &Part) -> bool {
    let thin_text = p
        .charset_report
        .as_ref()
        .is_some_and(|r| !r.ambiguous.is_empty());
    let thin_field = p.headers.iter().filter(|h| is_part_mime_field(h)).any(|h| {
        h.raw_weighed
            .as_ref()
            .is_some_and(|w| !w.ambiguous.is_empty())
            || ["filename", "name"].iter().any(|n| {
                mimesmith_verify::parse::params::labelled_param(&h.raw, n)
                    .is_some_and(|l| !l.reading.ambiguous.is_empty())
            })
    });
    thin_text || thin_field
}

/// Codes that need nothing done (information only).
const NOTHING_TO_DO: &[Code] = &[Code::CidUnused];

fn display(path: &str) -> &str {
    if path.is_empty() { "(root)" } else { path }
}

impl<'a> Repair<'a> {
    fn leave(&mut self, d: &Diagnostic, reason: impl Into<String>) {
        self.unrepaired.push(Unrepaired {
            code: d.code,
            part: d.part.clone(),
            line: d.line,
            reason: reason.into(),
        });
    }

    /// The header section a diagnosis points into: `None` is the message's.
    fn section(&self, part: Option<&str>) -> Option<&'a [Header]> {
        match part {
            None => Some(&self.parsed.headers),
            Some(p) => self.parsed.part(p).map(|p| p.headers.as_slice()),
        }
    }

    /// The message/rfc822 part (outermost) that holds `path` strictly inside it.
    fn inside_message(&self, path: &str) -> Option<&'a Part> {
        self.parsed.parts().find(|m| {
            m.is_message() && path.len() > m.path.len() && path.starts_with(&format!("{}.", m.path))
        })
    }

    fn run(&mut self, diagnostics: &[Diagnostic]) -> Result<(), FixError> {
        let mut fields: Vec<(Option<&str>, &Header, Vec<Code>)> = Vec::new();
        let mut parts: Vec<(&Part, Vec<Code>)> = Vec::new();
        let mut messages: Vec<&Part> = Vec::new();
        let mut missing = Vec::new();
        for d in diagnostics {
            let part = d.part.as_deref();
            if let Some(m) = part.and_then(|p| self.inside_message(p)) {
                if !messages.iter().any(|x| x.path == m.path) {
                    messages.push(m);
                }
                continue;
            }
            if NOTHING_TO_DO.contains(&d.code) {
                continue;
            }
            // A diagnosis on one header field.
            let field = self
                .section(part)
                .and_then(|hs| hs.iter().find(|h| Some(h.line) == d.line));
            // Raw 8-bit bytes too few to tell their charset (RFC 6532 §3.2:
            // they name none): any rewrite would pick one reading.
            if d.code == Code::Raw8bitHeader
                && let Some(h) = field
                && h.raw_weighed
                    .as_ref()
                    .is_some_and(|w| !w.ambiguous.is_empty())
            {
                self.leave(d, TOO_LITTLE_EVIDENCE);
                continue;
            }
            if FIELD_CODES.contains(&d.code)
                && let Some(h) = field
            {
                // A leaf's MIME fields are written again with the part (its
                // name, its type); a long one is only folded.
                let leaf_part = part
                    .and_then(|p| self.parsed.part(p))
                    .or(Some(&self.parsed.root))
                    .filter(|p| !p.is_multipart() && d.code != Code::HeaderLineLong);
                if is_part_mime_field(h)
                    && let Some(p) = leaf_part
                {
                    push_code(&mut parts, p, d.code);
                } else {
                    match fields
                        .iter_mut()
                        .find(|(s, f, _)| *s == part && std::ptr::eq(*f, h))
                    {
                        Some((_, _, codes)) => codes.push(d.code),
                        None => fields.push((part, h, vec![d.code])),
                    }
                }
                continue;
            }
            match d.code {
                // Required fields are required of the message, not of the
                // messages it attaches (nor does the lint ask it of them).
                Code::MissingFrom
                | Code::MissingDate
                | Code::MissingMessageId
                | Code::MissingMimeVersion
                    if self.depth > 0 => {}
                Code::MissingFrom
                | Code::MissingDate
                | Code::MissingMessageId
                | Code::MissingMimeVersion => missing.push(d.code),
                Code::LineTooLong => match d.line.and_then(|l| self.leaf_at_line(l)) {
                    // In an attached message: repaired inside it.
                    Some(p) if p.is_message() => {
                        if !messages.iter().any(|x| x.path == p.path) {
                            messages.push(p);
                        }
                    }
                    Some(p) => push_code(&mut parts, p, d.code),
                    None => self.leave(d, "the long line is not in a part body"),
                },
                // ASCII bytes read the same in every charset a MIME text
                // may use, so an unknown label over them can be replaced.
                Code::UnknownCharset => match part
                    .and_then(|p| self.parsed.part(p))
                    .filter(|p| p.text.is_some() && p.body.is_ascii())
                {
                    Some(p) => push_code(&mut parts, p, d.code),
                    None => self.leave(
                        d,
                        "no one knows this charset, so the text cannot be decoded",
                    ),
                },
                c if PART_CODES.contains(&c)
                    && part
                        .and_then(|p| self.parsed.part(p))
                        .is_some_and(thin_evidence) =>
                {
                    self.leave(d, TOO_LITTLE_EVIDENCE);
                }
                c if PART_CODES.contains(&c) => {
                    match part
                        .and_then(|p| self.parsed.part(p))
                        .filter(|p| !p.is_multipart())
                    {
                        Some(p) => push_code(&mut parts, p, c),
                        None => self.leave(d, "no part to rewrite"),
                    }
                }
                Code::BoundaryMissing | Code::HtmlWithoutText | Code::MultipartUnterminated => {
                    match part.and_then(|p| self.parsed.part(p)) {
                        Some(p) => push_code(&mut parts, p, d.code),
                        None => self.leave(d, "no part to rewrite"),
                    }
                }
                Code::CidMissing => self.cid_missing(d)?,
                _ => self.leave(d, "fix has no repair for this"),
            }
        }
        for m in messages {
            self.embedded(m)?;
        }
        for (p, codes) in parts {
            self.part(p, &codes)?;
        }
        for (section, h, codes) in fields {
            self.field(section, h, &codes);
        }
        self.missing(&missing)?;
        Ok(())
    }

    /// The leaf whose body holds line `line`.
    fn leaf_at_line(&self, line: usize) -> Option<&'a Part> {
        self.parsed.parts().find(|p| {
            !p.is_multipart()
                && p.body_lines
                    .is_some_and(|s| (s.first..=s.last).contains(&line))
                && self.inside_message(&p.path).is_none()
        })
    }

    /// The byte range of a whole field line, its line break included.
    fn field_range(&self, h: &Header) -> Option<Range<usize>> {
        let start = h.offset?;
        let colon = start + h.name.len() + memchr_colon(self.raw.get(start + h.name.len()..)?)?;
        let value_start = colon + 1;
        let mut end = value_start + h.raw.len();
        if self.raw.get(value_start..end)? != h.raw.as_slice() {
            return None;
        }
        if self.raw.get(end..end + 2) == Some(b"\r\n") {
            end += 2;
        } else if self.raw.get(end) == Some(&b'\n') {
            end += 1;
        }
        Some(start..end)
    }

    fn field(&mut self, section: Option<&str>, h: &Header, codes: &[Code]) {
        let Some(range) = self.field_range(h) else {
            for &code in codes {
                self.unrepaired.push(Unrepaired {
                    code,
                    part: section.map(str::to_owned),
                    line: Some(h.line),
                    reason: format!("the {} field is not where the parser says", h.name),
                });
            }
            return;
        };
        let change = |action, note: String| Change {
            part: section.map(str::to_owned),
            field: Some(h.name.clone()),
            action,
            codes: codes.to_vec(),
            note,
        };
        if codes.contains(&Code::BccPresent) {
            self.edits.push(Edit {
                rank: 0,
                line_start: false,
                range,
                bytes: Vec::new(),
                change: change(
                    Action::RemovedField,
                    "the Bcc field was removed: a message must not show its blind recipients"
                        .to_owned(),
                ),
            });
            return;
        }
        let lower = h.name.to_ascii_lowercase();
        let only_long = codes.iter().all(|&c| c == Code::HeaderLineLong);
        let rewritten = if only_long && !h.value.is_ascii() {
            // Non-ASCII text: written again, which also folds it.
            self.encode_field(section, h)
        } else if only_long {
            if SIGNATURES.contains(&lower.as_str()) {
                Err(
                    "a signature field is not refolded: simple canonicalisation would break it"
                        .to_owned(),
                )
            } else {
                fold_at_whitespace(&h.name, &h.raw)
                    .ok_or_else(|| "no white space to fold at".to_owned())
            }
        } else if h.value.contains('\u{FFFD}') {
            Err("the field does not decode, and no charset reads it clearly: re-encoding it would lose text".to_owned())
        } else if codes.contains(&Code::UnknownCharset) {
            Err("an encoded word in an unknown charset cannot be decoded".to_owned())
        } else if NEVER_ENCODE.contains(&lower.as_str()) {
            Err(format!(
                "{} is never RFC 2047-encoded (RFC 2047 §5)",
                h.name
            ))
        } else {
            self.encode_field(section, h)
        };
        match rewritten {
            Ok(bytes) => {
                let note = format!("{} written again: {:?}", h.name, repaired_header_value(h));
                self.edits.push(Edit {
                    rank: 0,
                    line_start: false,
                    range,
                    bytes,
                    change: change(Action::RewroteField, note),
                });
            }
            Err(reason) => {
                for &code in codes {
                    self.unrepaired.push(Unrepaired {
                        code,
                        part: section.map(str::to_owned),
                        line: Some(h.line),
                        reason: reason.clone(),
                    });
                }
            }
        }
    }

    /// The field written by the builder from its decoded, repaired value.
    fn encode_field(&self, section: Option<&str>, h: &Header) -> Result<Vec<u8>, String> {
        let name = HeaderName::new(h.name.clone()).map_err(|e| e.to_string())?;
        let options = FormatOptions::default();
        let lower = h.name.to_ascii_lowercase();
        if section.is_none() && ADDRESS_FIELDS.contains(&lower.as_str()) {
            if self.parsed.headers_named(&lower).count() != 1 {
                return Err(format!("several {} fields", h.name));
            }
            let mut notes = Vec::new();
            let list: Vec<Address> = addresses(&self.parsed.addresses(&lower), &mut notes)
                .into_iter()
                .collect();
            if !notes.is_empty() || list.is_empty() {
                return Err(format!(
                    "the addresses of {} cannot be read: {}",
                    h.name,
                    notes.join("; ")
                ));
            }
            return format_address_list(&name, &list, &options)
                .map(String::into_bytes)
                .map_err(|e| e.to_string());
        }
        format_unstructured(&name, &repaired_header_value(h), &options)
            .map(String::into_bytes)
            .map_err(|e| e.to_string())
    }

    /// Rewrites (or replaces) one part for the codes that name it.
    fn part(&mut self, p: &'a Part, codes: &[Code]) -> Result<(), FixError> {
        let change = |action, note: String| Change {
            part: Some(p.path.clone()),
            field: None,
            action,
            codes: codes.to_vec(),
            note,
        };
        if codes.contains(&Code::MultipartUnterminated) && p.is_multipart() {
            if let (Some(span), Some(b)) = (
                p.span,
                p.multipart.as_ref().and_then(|m| m.boundary.clone()),
            ) {
                // An inner multipart closes before the outer one.
                let depth = p.path.split('.').filter(|s| !s.is_empty()).count();
                self.edits.push(Edit {
                    rank: usize::MAX - depth,
                    line_start: true,
                    range: span.end..span.end,
                    bytes: format!("--{b}--\r\n").into_bytes(),
                    change: change(
                        Action::ClosedMultipart,
                        format!(
                            "part {}: the close delimiter --{b}-- was added",
                            display(&p.path)
                        ),
                    ),
                });
            }
            return Ok(());
        }
        let (new, action, note): (mimesmith::Part<'_>, Action, String) = if codes
            .contains(&Code::BoundaryMissing)
        {
            let text = mimesmith_verify::charset::decode_text(&p.body, None).text;
            (
                SinglePart::plain(text).into(),
                Action::ReplacedPart,
                format!(
                    "part {}: {} whose boundary never occurs became one text part holding its body",
                    display(&p.path),
                    p.content_type
                ),
            )
        } else if codes.contains(&Code::HtmlWithoutText) {
            let text = mimesmith_verify::html::to_text(p.text.as_deref().unwrap_or_default());
            let alt = MultiPart::alternative()
                .part(SinglePart::plain(text))
                .part(leaf(p)?);
            (
                alt.into(),
                Action::ReplacedPart,
                format!(
                    "part {}: HTML only; a text/plain alternative made from it was put before it",
                    display(&p.path)
                ),
            )
        } else {
            (
                leaf(p)?.into(),
                Action::RewrotePart,
                format!(
                    "part {}: {} written again{} (for {})",
                    display(&p.path),
                    p.content_type,
                    if p.text.is_some() { " as UTF-8" } else { "" },
                    codes
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        };
        let built = match built_part(new, self.seed) {
            Ok(b) => b,
            Err(e) => {
                self.unrepaired.extend(codes.iter().map(|&code| Unrepaired {
                    code,
                    part: Some(p.path.clone()),
                    line: None,
                    reason: format!("the builder cannot write the part: {e}"),
                }));
                return Ok(());
            }
        };
        let Some((fields, body)) = built else {
            self.unrepaired.extend(codes.iter().map(|&code| Unrepaired {
                code,
                part: Some(p.path.clone()),
                line: None,
                reason: "the builder's output could not be read back".to_owned(),
            }));
            return Ok(());
        };
        if self.collides(&fields, &body) {
            self.unrepaired.extend(codes.iter().map(|&code| Unrepaired {
                code,
                part: Some(p.path.clone()),
                line: None,
                reason: "the new part would contain an enclosing boundary".to_owned(),
            }));
            return Ok(());
        }
        let root = std::ptr::eq(p, &self.parsed.root);
        // The part's own fields that are not MIME fields stay as they are.
        let headers = if root {
            &self.parsed.headers
        } else {
            &p.headers
        };
        let mut kept = Vec::new();
        let mut mime_ranges = Vec::new();
        for h in headers {
            let Some(range) = self.field_range(h) else {
                continue;
            };
            if is_part_mime_field(h) {
                mime_ranges.push(range);
            } else if !root {
                kept.extend_from_slice(self.raw.get(range).unwrap_or_default());
            }
        }
        let ch = change(action, note);
        if root {
            // The message header keeps its place and order: the old MIME
            // fields go, the new ones come where the first of them was.
            let end_of_header = self.header_end();
            let at = mime_ranges.first().map_or(end_of_header, |r| r.start);
            for r in &mime_ranges {
                self.edits.push(Edit {
                    rank: 0,
                    line_start: false,
                    range: r.clone(),
                    bytes: Vec::new(),
                    change: ch.clone(),
                });
            }
            self.edits.push(Edit {
                rank: 1, // after a MIME-Version added at the same place
                line_start: false,
                range: at..at,
                bytes: fields,
                change: ch.clone(),
            });
            let body_start = p.span.map_or(self.body_start(), |s| s.body_start);
            self.edits.push(Edit {
                rank: 0,
                line_start: false,
                range: body_start..self.raw.len(),
                bytes: body,
                change: ch,
            });
        } else if let Some(span) = p.span {
            let mut bytes = kept;
            bytes.extend_from_slice(&fields);
            bytes.extend_from_slice(b"\r\n");
            let body = body.strip_suffix(b"\r\n").unwrap_or(&body);
            bytes.extend_from_slice(body);
            self.edits.push(Edit {
                rank: 0,
                line_start: false,
                range: span.header_start..span.end,
                bytes,
                change: ch,
            });
        } else {
            self.unrepaired.extend(codes.iter().map(|&code| Unrepaired {
                code,
                part: Some(p.path.clone()),
                line: None,
                reason: "the part is not in the raw message".to_owned(),
            }));
        }
        Ok(())
    }

    /// The new bytes hold a delimiter line of some multipart of the message.
    fn collides(&self, fields: &[u8], body: &[u8]) -> bool {
        self.parsed
            .parts()
            .filter_map(|p| p.multipart.as_ref()?.boundary.clone())
            .any(|b| {
                let needle = format!("\n--{b}");
                [fields, body].iter().any(|s| {
                    s.starts_with(format!("--{b}").as_bytes())
                        || s.windows(needle.len()).any(|w| w == needle.as_bytes())
                })
            })
    }

    /// Where the message's header section ends (before the blank line).
    fn header_end(&self) -> usize {
        self.parsed
            .headers
            .iter()
            .filter_map(|h| self.field_range(h))
            .map(|r| r.end)
            .max()
            .unwrap_or(0)
    }

    /// Where the message's body starts (after the blank line).
    fn body_start(&self) -> usize {
        let end = self.header_end();
        if self.raw.get(end..end + 2) == Some(b"\r\n") {
            end + 2
        } else {
            end
        }
    }

    fn cid_missing(&mut self, d: &Diagnostic) -> Result<(), FixError> {
        let cids = html_cids(&self.parsed.root);
        let Some((path, cid)) = lone_cid_rename(&self.parsed.root, &cids) else {
            self.leave(
                d,
                "no single image without a reference to give the Content-ID to",
            );
            return Ok(());
        };
        let Some(p) = self.parsed.part(&path) else {
            return Ok(());
        };
        if self.edits.iter().any(|e| {
            e.change.action == Action::RewroteField
                && e.change.field.as_deref() == Some("Content-ID")
                && e.change.part.as_deref() == Some(path.as_str())
        }) {
            return Ok(());
        }
        let Some(range) = p.header("content-id").and_then(|h| self.field_range(h)) else {
            self.leave(d, "the image has no Content-ID field to change");
            return Ok(());
        };
        let old = p.content_id.clone().unwrap_or_default();
        self.edits.push(Edit {
 rank: 0,
 line_start: false,
            range,
            bytes: format!("Content-ID: <{cid}>\r\n").into_bytes(),
            change: Change {
                part: Some(path.clone()),
                field: Some("Content-ID".to_owned()),
                action: Action::RewroteField,
                codes: vec![Code::CidMissing],
                note: format!("part {path}: no part carried cid:{cid}, which the HTML refers to, and nothing referred to <{old}>; the image was given cid:{cid}"),
            },
        });
        Ok(())
    }

    fn embedded(&mut self, m: &'a Part) -> Result<(), FixError> {
        if self.depth >= MAX_FIX_DEPTH {
            return Ok(());
        }
        let inner = match fix_at(&m.body, self.seed, self.depth + 1) {
            Ok(f) => f,
            Err(e) => {
                self.unrepaired.push(Unrepaired {
                    code: Code::NotAMessage,
                    part: Some(m.path.clone()),
                    line: None,
                    reason: format!("the attached message was kept as it is ({e})"),
                });
                return Ok(());
            }
        };
        let prefix = |p: Option<String>| match p.as_deref() {
            None => Some(m.path.clone()),
            Some("") => Some(format!("{}.TEXT", m.path)),
            Some(p) => Some(format!("{}.{p}", m.path)),
        };
        self.unrepaired
            .extend(inner.unrepaired.into_iter().map(|u| Unrepaired {
                part: prefix(u.part),
                ..u
            }));
        let codes: Vec<Code> = inner.changes.iter().flat_map(|c| c.codes.clone()).collect();
        let note = format!(
            "part {}: the attached message was repaired ({})",
            m.path,
            inner
                .changes
                .iter()
                .map(|c| c.note.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        );
        let change = Change {
            part: Some(m.path.clone()),
            field: None,
            action: Action::RewrotePart,
            codes,
            note,
        };
        self.changes
            .extend(inner.changes.into_iter().map(|c| Change {
                part: prefix(c.part),
                ..c
            }));
        let inline = matches!(
            m.transfer_encoding.as_deref(),
            None | Some("7bit" | "8bit" | "binary" | "")
        );
        match m.span {
            Some(span)
                if inline && self.raw.get(span.body_start..span.end) == Some(m.body.as_slice()) =>
            {
                let bytes = inner
                    .bytes
                    .strip_suffix(b"\r\n")
                    .map(<[u8]>::to_vec)
                    .unwrap_or(inner.bytes);
                self.edits.push(Edit {
                    rank: 0,
                    line_start: false,
                    range: span.body_start..span.end,
                    bytes,
                    change,
                });
            }
            Some(span) => {
                let Some((fields, body)) =
                    built_part(SinglePart::message(inner.bytes).into(), self.seed)?
                else {
                    return Ok(());
                };
                let mut bytes = Vec::new();
                for h in &m.headers {
                    if !is_part_mime_field(h)
                        && let Some(r) = self.field_range(h)
                    {
                        bytes.extend_from_slice(self.raw.get(r).unwrap_or_default());
                    }
                }
                bytes.extend_from_slice(&fields);
                bytes.extend_from_slice(b"\r\n");
                bytes.extend_from_slice(body.strip_suffix(b"\r\n").unwrap_or(&body));
                self.edits.push(Edit {
                    rank: 0,
                    line_start: false,
                    range: span.header_start..span.end,
                    bytes,
                    change,
                });
            }
            None => {}
        }
        Ok(())
    }

    /// Adds the required fields that are missing, at the end of the header.
    fn missing(&mut self, codes: &[Code]) -> Result<(), FixError> {
        if codes.is_empty() {
            return Ok(());
        }
        let mut b = Message::builder().to("fix@example.invalid");
        if let Some(seed) = self.seed {
            b = b.seed(seed);
        }
        let mut from_note = None;
        if codes.contains(&Code::MissingFrom) {
            let mut found = None;
            for field in ["sender", "return-path"] {
                let mut notes = Vec::new();
                let list = self.parsed.addresses(field);
                if let Some(m) = list.iter().find_map(|a| mailbox(a, &mut notes)) {
                    from_note = Some(format!(
                        "From was missing; taken from {field}: {}",
                        m.email().to_header_string(true).unwrap_or_default()
                    ));
                    found = Some(m);
                    break;
                }
            }
            b = b.from(found.ok_or(FixError::NoFrom)?);
        } else {
            // The generated Message-ID takes its domain from the author.
            let mut notes = Vec::new();
            let author = self
                .parsed
                .from()
                .iter()
                .find_map(|a| mailbox(a, &mut notes));
            b = match author {
                Some(m) => b.from(m),
                None => b.from("fix@example.invalid"),
            };
        }
        let built = match b.text("").build().and_then(|m| m.to_vec()) {
            Ok(bytes) => bytes,
            // The author's address is one the builder refuses (say, a
            // UTF-8 local part): the generated id gets a neutral domain.
            Err(_) if !codes.contains(&Code::MissingFrom) => {
                let mut b = Message::builder()
                    .to("fix@example.invalid")
                    .from("fix@example.invalid");
                if let Some(seed) = self.seed {
                    b = b.seed(seed);
                }
                b.text("").build()?.to_vec()?
            }
            Err(e) => return Err(e.into()),
        };
        let fresh = parse(&built);
        let at = self.header_end();
        for (code, name, note) in [
            (Code::MissingFrom, "from", from_note.unwrap_or_default()),
            (
                Code::MissingDate,
                "date",
                "Date was missing: set to the time of the repair".to_owned(),
            ),
            (
                Code::MissingMessageId,
                "message-id",
                "Message-ID was missing: one was generated".to_owned(),
            ),
            (
                Code::MissingMimeVersion,
                "mime-version",
                "MIME-Version: 1.0 was added (RFC 2045 §4)".to_owned(),
            ),
        ] {
            if !codes.contains(&code) {
                continue;
            }
            let Some(bytes) = fresh.header(name).and_then(|h| {
                let r = field_range_in(&built, h)?;
                built.get(r).map(<[u8]>::to_vec)
            }) else {
                continue;
            };
            self.edits.push(Edit {
                rank: 0,
                line_start: true,
                range: at..at,
                bytes,
                change: Change {
                    part: None,
                    field: fresh.header(name).map(|h| h.name.clone()),
                    action: Action::AddedField,
                    codes: vec![code],
                    note,
                },
            });
        }
        Ok(())
    }

    fn finish(mut self) -> Fixed {
        // Stable: insertions at one place keep the order they were made in.
        self.edits
            .sort_by_key(|e| (e.range.start, e.range.end, e.rank));
        let mut out = Vec::with_capacity(self.raw.len());
        let mut at = 0;
        let mut seen: Vec<Change> = Vec::new();
        let mut covered: Vec<Range<usize>> = Vec::new();
        for e in self.edits {
            if e.range.start < at {
                // Inside a region another edit replaced: that edit wrote the
                // whole region again, unless it was only an insertion.
                if !covered
                    .iter()
                    .any(|r| r.start < r.end && r.start <= e.range.start && e.range.end <= r.end)
                {
                    self.unrepaired
                        .extend(e.change.codes.iter().map(|&code| Unrepaired {
                            code,
                            part: e.change.part.clone(),
                            line: None,
                            reason: "overlaps another repair".to_owned(),
                        }));
                }
                continue;
            }
            covered.push(e.range.clone());
            out.extend_from_slice(self.raw.get(at..e.range.start).unwrap_or_default());
            if e.line_start && !out.is_empty() && !out.ends_with(b"\n") {
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(&e.bytes);
            at = e.range.end;
            if !seen.contains(&e.change) {
                seen.push(e.change);
            }
        }
        out.extend_from_slice(self.raw.get(at..).unwrap_or_default());
        self.changes.extend(seen);
        Fixed {
            bytes: out,
            changes: self.changes,
            unrepaired: self.unrepaired,
        }
    }
}

fn push_code<'p>(parts: &mut Vec<(&'p Part, Vec<Code>)>, p: &'p Part, code: Code) {
    match parts.iter_mut().find(|(x, _)| x.path == p.path) {
        Some((_, codes)) => {
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        None => parts.push((p, vec![code])),
    }
}

fn memchr_colon(s: &[u8]) -> Option<usize> {
    s.iter().position(|&b| b == b':')
}

fn field_range_in(raw: &[u8], h: &Header) -> Option<Range<usize>> {
    let start = h.offset?;
    let colon = start + h.name.len() + memchr_colon(raw.get(start + h.name.len()..)?)?;
    let mut end = colon + 1 + h.raw.len();
    if raw.get(end..end + 2) == Some(b"\r\n") {
        end += 2;
    }
    Some(start..end)
}

/// A part's MIME fields, which a part rewrite writes again.
fn is_part_mime_field(h: &Header) -> bool {
    [
        "content-type",
        "content-transfer-encoding",
        "content-disposition",
    ]
    .iter()
    .any(|n| h.is(n))
}

/// An ASCII field folded at white space so that lines stay within 78
/// characters where white space allows (RFC 5322 §2.2.3); `None` when
/// nothing could be folded.
fn fold_at_whitespace(name: &str, raw: &[u8]) -> Option<Vec<u8>> {
    let unfolded: Vec<u8> = raw
        .iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    let mut out = Vec::with_capacity(raw.len() + 16);
    out.extend_from_slice(name.as_bytes());
    out.push(b':');
    let mut line_len = out.len();
    let mut folded = false;
    // Words with the white space before each.
    let mut i = 0;
    while i < unfolded.len() {
        let ws_end = unfolded
            .get(i..)?
            .iter()
            .position(|&b| b != b' ' && b != b'\t')
            .map_or(unfolded.len(), |n| i + n);
        let word_end = unfolded
            .get(ws_end..)?
            .iter()
            .position(|&b| b == b' ' || b == b'\t')
            .map_or(unfolded.len(), |n| ws_end + n);
        let ws = unfolded.get(i..ws_end)?;
        let word = unfolded.get(ws_end..word_end)?;
        if !ws.is_empty() && line_len + ws.len() + word.len() > FOLD_AT && line_len > name.len() + 2
        {
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(ws);
            line_len = ws.len();
            folded = true;
        } else {
            out.extend_from_slice(ws);
            line_len += ws.len();
        }
        out.extend_from_slice(word);
        line_len += word.len();
        i = word_end;
    }
    out.extend_from_slice(b"\r\n");
    folded.then_some(out)
}

/// A part as the builder writes it: its MIME fields (each with its CRLF) and
/// its body.
type BuiltPart = (Vec<u8>, Vec<u8>);

/// The MIME fields and the body of `part` as the builder writes it, read
/// back from a throwaway message.
fn built_part(part: mimesmith::Part<'_>, seed: Option<u64>) -> Result<Option<BuiltPart>, FixError> {
    let mut b = Message::builder()
        .from("fix@example.invalid")
        .to("fix@example.invalid")
        .date(DateTime::from_unix(0, 0)?)
        .message_id("fix@example.invalid");
    if let Some(seed) = seed {
        b = b.seed(seed);
    }
    let bytes = b.body(part).build()?.to_vec()?;
    let parsed = parse(&bytes);
    let mut fields = Vec::new();
    for h in parsed
        .headers
        .iter()
        .filter(|h| h.name.to_ascii_lowercase().starts_with("content-"))
    {
        let Some(r) = field_range_in(&bytes, h) else {
            return Ok(None);
        };
        fields.extend_from_slice(bytes.get(r).unwrap_or_default());
    }
    let Some(span) = parsed.root.span else {
        return Ok(None);
    };
    let body = bytes.get(span.body_start..).unwrap_or_default().to_vec();
    Ok(Some((fields, body)))
}

/// The part as the builder should write it: text as UTF-8, other leaves
/// with their bytes, the type's parameters, disposition, name and id kept.
fn leaf(part: &Part) -> Result<SinglePart<'_>, FixError> {
    let ct = content_type(part);
    let mut single = if part.is_message() {
        SinglePart::message(part.body.as_slice())
    } else if let (true, Some(text)) = (ct.is_text(), &part.text) {
        SinglePart::new(ct, Body::Text(text.as_str().into())).charset(mimesmith::Charset::UTF_8)
    } else {
        SinglePart::bytes(ct, part.body.as_slice())
    };
    match part.disposition.as_deref() {
        Some("attachment") => single = single.disposition(Disposition::Attachment),
        Some("inline") => single = single.disposition(Disposition::Inline),
        _ => {}
    }
    // Bidi controls only disguise a name (`filename-bidi`): they go.
    let name = part.filename.as_ref().map(|n| {
        n.chars()
            .filter(|&c| !mimesmith_verify::display::is_bidi_control(c))
            .collect::<String>()
    });
    if let Some(name) = &name
        && mimesmith::clean_filename(name).is_some()
    {
        single = single.filename(name);
    }
    Ok(single)
}

/// The part's content type with its parameters, but those the builder
/// writes itself (`charset`, `name`, `boundary`).
fn content_type(part: &Part) -> ContentType {
    let Ok(mut ct) = ContentType::parse(&part.content_type) else {
        return ContentType::octet_stream();
    };
    for (k, v) in &part.params {
        if matches!(k.as_str(), "charset" | "name" | "boundary") {
            continue;
        }
        if let Ok(with) = ct.clone().with_param(k, v) {
            ct = with;
        }
    }
    ct
}

/// A display name without control characters (the builder refuses them).
fn clean_name(name: Option<&str>) -> String {
    name.unwrap_or_default()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn mailbox(a: &Addr, notes: &mut Vec<String>) -> Option<Mailbox> {
    let email = a.address.as_deref()?.trim();
    match Mailbox::new(clean_name(a.name.as_deref()), email) {
        Ok(m) => Some(m),
        Err(e) => {
            notes.push(format!("{email:?}: {e}"));
            None
        }
    }
}

/// Mailboxes and groups, in order; consecutive members of one group form it.
fn addresses(list: &[Addr], notes: &mut Vec<String>) -> Vec<Address> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(a) = list.get(i) {
        match &a.group {
            None => {
                out.extend(mailbox(a, notes).map(Address::Mailbox));
                i += 1;
            }
            Some(name) => {
                let mut members = Vec::new();
                while let Some(m) = list.get(i).filter(|m| m.group.as_ref() == Some(name)) {
                    if m.address.is_some() {
                        members.extend(mailbox(m, notes));
                    }
                    i += 1;
                }
                match Group::new(&clean_name(Some(name)), members) {
                    Ok(g) => out.push(Address::Group(g)),
                    Err(e) => notes.push(format!("the group {name:?}: {e}")),
                }
            }
        }
    }
    out
}

/// `cid:` references of every HTML part of this message (not embedded ones).
fn html_cids(root: &Part) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut stack = vec![root];
    while let Some(p) = stack.pop() {
        if p.is_multipart() {
            stack.extend(&p.children);
        } else if p.content_type == "text/html"
            && let Some(t) = &p.text
        {
            let lower = t.to_ascii_lowercase();
            let mut from = 0;
            while let Some(at) = lower.get(from..).and_then(|s| s.find("cid:")) {
                let start = from + at + 4;
                let rest = t.get(start..).unwrap_or_default();
                let end = rest
                    .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ')' | '>' | '<'))
                    .unwrap_or(rest.len());
                out.insert(rest.get(..end).unwrap_or_default().to_owned());
                from = start;
            }
        }
    }
    out
}

/// The one image whose Content-ID nothing refers to, and the one `cid:` the
/// HTML refers to that no part carries, when there is exactly one of each:
/// (the image's path, the referred Content-ID).
fn lone_cid_rename(root: &Part, cids: &HashSet<String>) -> Option<(String, String)> {
    let mut carried = HashSet::new();
    let mut unreferenced = Vec::new();
    let mut stack = vec![root];
    while let Some(p) = stack.pop() {
        if p.is_multipart() {
            stack.extend(&p.children);
        } else if let Some(id) = &p.content_id {
            carried.insert(id.as_str());
            if p.content_type.starts_with("image/") && !cids.contains(id) {
                unreferenced.push(p.path.clone());
            }
        }
    }
    let missing: Vec<&String> = cids
        .iter()
        .filter(|c| !carried.contains(c.as_str()))
        .collect();
    match (missing.as_slice(), unreferenced.as_slice()) {
        ([cid], [path]) => Some((path.clone(), (*cid).clone())),
        _ => None,
    }
}
