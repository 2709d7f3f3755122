//! Lint rules for any message, whoever wrote it: what a reader will get
//! wrong, which rule it breaks, and what the text really says.
//!
//! [`lint`] parses a message and runs every rule; [`lint_parsed`] runs them
//! on a message already parsed. The rules (each code's documentation in
//! [`Code`] names its RFC section):
//!
//! - the required fields: `missing-from`, `missing-date`, `missing-message-id`,
//!   `missing-mime-version` (when the message uses MIME fields, or has an
//!   8-bit text body, which cannot declare its charset without MIME);
//! - lines: `bare-lf`, saying which endings the message has (an error for
//!   CR only, as classic Mac OS wrote, and for any mix of CRLF, LF and CR;
//!   only `info` when every line ends in LF, which is how Unix tools store
//!   mail and what an MTA converts on the way out), `line-too-long`,
//!   `header-line-long`;
//! - header text: `raw-8bit-header` (an error with the detected charset when
//!   the bytes are not UTF-8; a warning when they are UTF-8, which RFC 6532
//!   allows only with SMTPUTF8), `encoded-word-split-char`,
//!   `encoded-word-too-long`, `encoded-word-invalid`, `unknown-charset`,
//!   `encoded-word-in-quotes` (in structured fields only), `mojibake`;
//! - body text: `charset-missing`, `charset-mismatch`, `unknown-charset`,
//!   `mojibake`, found by [`crate::charset::decode_text`];
//! - transfer encodings: `base64-invalid`, `qp-invalid`;
//! - structure: `boundary-missing`, `multipart-unterminated`, `cid-missing`,
//!   `cid-unused` (inside multipart/related only), `html-without-text`;
//! - file names: `filename-unencoded` (a non-ASCII name given only as raw
//!   bytes, or only in RFC 2231 form, which Outlook and QQ Mail do not show;
//!   RFC 2231 plus an RFC 2047 `name=` is the accepted pair, so that pair's
//!   encoded word in quotes is not reported), `filename-bidi` (bidi controls
//!   that disguise the extension);
//! - and whatever [`crate::parse`] reported (limits, not a message).
//!
//! Each rule reports a fault once per place (field, part), not once per
//! byte, so a long broken message gives a readable list.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::charset::{self, CharsetIssue, repair_mojibake};
use crate::diag::{Code, Diagnostic, Severity};
use crate::parse::params::{ParamForm, param_forms};
use crate::parse::rfc2047::{self, MAX_ENCODED_WORD};
use crate::parse::{Header, ParsedMessage, Part, TransferKind, parse};

/// RFC 5322 §2.1.1: a line SHOULD be at most 78 characters.
const SOFT_LIMIT: usize = 78;
/// RFC 5322 §2.1.1: a line MUST be at most 998 characters.
const HARD_LIMIT: usize = 998;

/// Address fields: structured, so quotes and encoded words interact
/// (RFC 2047 §5(3)).
const ADDRESS_FIELDS: &[&str] = &[
    "from",
    "sender",
    "to",
    "cc",
    "bcc",
    "reply-to",
    "resent-from",
    "resent-sender",
    "resent-to",
    "resent-cc",
    "resent-bcc",
    "return-receipt-to",
    "disposition-notification-to",
];

/// A message and what is wrong with it.
#[derive(Debug, Clone)]
pub struct Linted {
    /// The parsed message.
    pub parsed: ParsedMessage,
    /// Every finding, message-level ones first, then part by part.
    pub diagnostics: Vec<Diagnostic>,
}

impl Linted {
    /// `true` when some finding is an error.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        has_errors(&self.diagnostics)
    }
}

/// `true` when some finding is an error.
#[must_use]
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// Parses `raw` and runs every rule.
#[must_use]
pub fn lint(raw: &[u8]) -> Linted {
    let parsed = parse(raw);
    let diagnostics = lint_parsed(raw, &parsed);
    Linted {
        parsed,
        diagnostics,
    }
}

/// Runs every rule on a message parsed from `raw`.
#[must_use]
pub fn lint_parsed(raw: &[u8], parsed: &ParsedMessage) -> Vec<Diagnostic> {
    let mut out = parsed.diagnostics.clone();
    required_fields(parsed, &mut out);
    line_rules(raw, parsed, &mut out);
    for (part, headers) in header_sections(parsed) {
        for h in headers {
            header_rules(h, part, &mut out);
        }
    }
    body_rules(parsed, &mut out);
    out
}

/// The header sections of a message: the top one (no part path), then each
/// part's own (and each embedded message's, at its root part's path).
fn header_sections(parsed: &ParsedMessage) -> impl Iterator<Item = (Option<&str>, &[Header])> {
    std::iter::once((None, parsed.headers.as_slice())).chain(
        parsed
            .parts()
            .skip(1)
            .map(|p| (Some(p.path.as_str()), p.headers.as_slice())),
    )
}

fn required_fields(parsed: &ParsedMessage, out: &mut Vec<Diagnostic>) {
    if parsed
        .diagnostics
        .iter()
        .any(|d| d.code == Code::NotAMessage)
    {
        return;
    }
    let has = |name: &str| parsed.header(name).is_some();
    let first_line = parsed.headers.first().map(|h| h.line);
    let missing = [
        ("From", Code::MissingFrom, "who wrote the message"),
        ("Date", Code::MissingDate, "when it was written"),
        (
            "Message-ID",
            Code::MissingMessageId,
            "a unique identifier for replies and threading",
        ),
    ];
    for (name, code, what) in missing {
        if !has(name) {
            out.push(
                Diagnostic::new(code, format!("no {name} field ({what})"))
                    .at(None, first_line)
                    .with_suggestion(format!("add a {name} field")),
            );
        }
    }
    // 8-bit text needs a charset, and a charset needs MIME (RFC 2045 §4, §5):
    // without MIME-Version an 8-bit body has no way to say what it is.
    let eight_bit_body = parsed
        .parts()
        .any(|p| p.children.is_empty() && p.text.is_some() && p.body.iter().any(|&b| b >= 0x80));
    if !has("MIME-Version") && (has("Content-Type") || has("Content-Transfer-Encoding")) {
        out.push(
            Diagnostic::new(
                Code::MissingMimeVersion,
                "MIME fields without MIME-Version: 1.0, so strict readers may ignore them",
            )
            .at(None, first_line)
            .with_suggestion("add MIME-Version: 1.0"),
        );
    } else if !has("MIME-Version") && eight_bit_body {
        out.push(
            Diagnostic::new(
                Code::MissingMimeVersion,
                "an 8-bit body without MIME-Version: 1.0, so it cannot declare its charset (RFC 2045 §4)",
            )
            .at(None, first_line)
            .with_suggestion("add MIME-Version: 1.0"),
        );
    }
}

/// One physical line of the raw message.
struct Line {
    /// 1-based.
    number: usize,
    /// Length without the line break.
    len: usize,
    /// Ends in a bare LF or a bare CR.
    bare: bool,
}

fn lines(raw: &[u8]) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut number = 1;
    let mut i = 0;
    while i < raw.len() {
        match raw.get(i) {
            Some(b'\n') => {
                out.push(Line {
                    number,
                    len: i - start,
                    bare: true,
                });
                start = i + 1;
                number += 1;
            }
            Some(b'\r') if raw.get(i + 1) == Some(&b'\n') => {
                out.push(Line {
                    number,
                    len: i - start,
                    bare: false,
                });
                i += 1;
                start = i + 1;
                number += 1;
            }
            Some(b'\r') => {
                // A bare CR ends a line, as the parser reads it.
                out.push(Line {
                    number,
                    len: i - start,
                    bare: true,
                });
                start = i + 1;
                number += 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < raw.len() {
        out.push(Line {
            number,
            len: raw.len() - start,
            bare: false,
        });
    }
    out
}

/// Every header field with a place in the raw message, sorted by line, with
/// the part path of its section: to find the field a line belongs to by
/// binary search (a hostile message may have many fields and many lines).
fn fields_by_line(parsed: &ParsedMessage) -> Vec<(usize, Option<&str>, &Header)> {
    let mut fields: Vec<(usize, Option<&str>, &Header)> = header_sections(parsed)
        .flat_map(|(part, headers)| {
            headers
                .iter()
                .filter(|h| h.offset.is_some())
                .map(move |h| (h.line, part, h))
        })
        .collect();
    fields.sort_by_key(|&(line, _, _)| line);
    fields
}

/// Lines that belong to a header section, as `first..=last` spans sorted by
/// `first` (header sections do not overlap).
fn header_spans(parsed: &ParsedMessage) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = parsed
        .parts()
        .filter_map(|p| p.header_lines.map(|s| (s.first, s.last)))
        .collect();
    if let (Some(first), Some(last)) = (parsed.headers.first(), parsed.headers.last()) {
        spans.push((first.line, last.line.max(first.line)));
    }
    spans.sort_unstable();
    spans
}

/// `n` lies in one of the sorted spans.
fn in_spans(spans: &[(usize, usize)], n: usize) -> bool {
    let i = spans.partition_point(|&(first, _)| first <= n);
    // The span starting last at or before `n`, and the one before it (the
    // top header section and the root part's may share a start).
    spans
        .get(..i)
        .unwrap_or_default()
        .iter()
        .rev()
        .take(2)
        .any(|&(a, b)| (a..=b).contains(&n))
}

/// `bare-lf`, saying which line endings the message has (RFC 5322 §2.3: CR
/// and LF only together). LF only is a file stored the Unix way (`info`: an
/// MTA converts it); CR only (classic Mac OS) and any mix are errors, since
/// readers split such lines differently.
fn line_ending_diagnostic(e: crate::parse::LineEndings) -> Diagnostic {
    if e.crlf == 0 && e.cr == 0 {
        return Diagnostic::new(
            Code::BareLf,
            format!("every line ends in a bare LF ({} lines): a file stored the Unix way; on the wire SMTP needs CRLF", e.lf),
        )
        .with_severity(Severity::Info)
        .with_suggestion("let the sending MTA convert, or write CRLF");
    }
    let message = if e.crlf == 0 && e.lf == 0 {
        format!(
            "every line ends in a bare CR ({} lines), as classic Mac OS wrote them: readers that split lines at LF see one long line",
            e.cr
        )
    } else {
        let mut kinds = Vec::new();
        for (n, kind) in [(e.crlf, "CRLF"), (e.lf, "a bare LF"), (e.cr, "a bare CR")] {
            if n > 0 {
                kinds.push(format!("{n} in {kind}"));
            }
        }
        format!("mixed line endings: of the lines, {}", kinds.join(", "))
    };
    Diagnostic::new(Code::BareLf, message).with_suggestion("end every line with CRLF")
}

fn line_rules(raw: &[u8], parsed: &ParsedMessage, out: &mut Vec<Diagnostic>) {
    let all = lines(raw);
    if let Some(first) = all.iter().find(|l| l.bare) {
        out.push(line_ending_diagnostic(parsed.line_endings).with_line(first.number));
    }
    let long: Vec<&Line> = all.iter().filter(|l| l.len > HARD_LIMIT).collect();
    if let Some(first) = long.first() {
        out.push(
            Diagnostic::new(
                Code::LineTooLong,
                format!(
                    "{} line(s) longer than {HARD_LIMIT} octets, the first ({} octets) at line {}; servers may cut or reject them",
                    long.len(),
                    first.len,
                    first.number
                ),
            )
            .with_line(first.number)
            .with_suggestion("use quoted-printable or base64 for long lines"),
        );
    }
    let spans = header_spans(parsed);
    let fields = fields_by_line(parsed);
    let mut reported: HashSet<(Option<&str>, usize)> = HashSet::new();
    for l in &all {
        if l.len <= SOFT_LIMIT || l.len > HARD_LIMIT || !in_spans(&spans, l.number) {
            continue;
        }
        // The field starting last at or before this line.
        let at = fields.partition_point(|&(line, _, _)| line <= l.number);
        let Some(&(_, part, h)) = at.checked_sub(1).and_then(|i| fields.get(i)) else {
            continue;
        };
        if !reported.insert((part, h.line)) {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::HeaderLineLong,
                format!(
                    "{} has a line of {} characters; fold it at {SOFT_LIMIT}",
                    h.name, l.len
                ),
            )
            .at(part, Some(l.number))
            .with_suggestion("fold the field at white space (RFC 5322 §2.2.3)"),
        );
    }
}

fn is_address_field(name: &str) -> bool {
    ADDRESS_FIELDS.iter().any(|f| f.eq_ignore_ascii_case(name))
}

fn is_param_field(name: &str) -> bool {
    name.eq_ignore_ascii_case("content-type") || name.eq_ignore_ascii_case("content-disposition")
}

/// The text of a header field, as a reader should show it: decoded, with
/// mojibake repaired. Borrowed when nothing needed repair.
#[must_use]
pub fn repaired_header_value(h: &Header) -> Cow<'_, str> {
    if h.value.is_ascii() {
        return Cow::Borrowed(&h.value);
    }
    match repair_mojibake(&h.value) {
        Some(r) => Cow::Owned(r.text),
        None => Cow::Borrowed(&h.value),
    }
}

fn header_rules(h: &Header, part: Option<&str>, out: &mut Vec<Diagnostic>) {
    let at = |d: Diagnostic| d.at(part, Some(h.line));
    if h.raw.iter().any(|&b| b >= 0x80) {
        if std::str::from_utf8(&h.raw).is_ok() {
            out.push(at(Diagnostic::new(
                Code::Raw8bitHeader,
                format!(
                    "{} holds raw UTF-8, which only SMTPUTF8 messages may (RFC 6532 §3)",
                    h.name
                ),
            )
            .with_severity(Severity::Warning)
            .with_suggestion(
                "encode it as RFC 2047 encoded words (=?UTF-8?B?…?=)",
            )));
        } else {
            let detected = h
                .raw_charset
                .unwrap_or_else(|| charset::detect(&h.raw).encoding.name());
            // Parameters are encoded by RFC 2231 §4, not by encoded words
            // (RFC 2047 §5: not inside a quoted string or a parameter).
            let how = if is_param_field(&h.name) {
                "encode its parameters as RFC 2231 (name*=UTF-8''…)"
            } else {
                "encode it as RFC 2047 encoded words"
            };
            let d = match &h.raw_weighed {
                Some(w) if !w.ambiguous.is_empty() => {
                    let readings: Vec<String> = w
                        .ambiguous
                        .iter()
                        .map(|a| format!("{:?} in {}", a.text, a.charset))
                        .collect();
                    Diagnostic::new(
                        Code::Raw8bitHeader,
                        format!(
                            "{} holds raw 8-bit bytes, which readers show as garbage; {}: it reads as {}",
                            h.name,
                            w.evidence,
                            readings.join(", or ")
                        ),
                    )
                    .with_suggestion(format!(
                        "{how} in the charset it was written in; fix leaves it as it is rather than guess"
                    ))
                }
                Some(w) => Diagnostic::new(
                    Code::Raw8bitHeader,
                    format!(
                        "{} holds raw 8-bit bytes in {detected}, which readers show as garbage ({})",
                        h.name, w.evidence
                    ),
                )
                .with_suggestion(format!("{how}; it reads as {:?}", h.value)),
                None => Diagnostic::new(
                    Code::Raw8bitHeader,
                    format!(
                        "{} holds raw 8-bit bytes in {detected}, which readers show as garbage",
                        h.name
                    ),
                )
                .with_suggestion(format!("{how}; it reads as {:?}", h.value)),
            };
            out.push(at(d));
        }
    }
    if !is_param_field(&h.name) {
        encoded_word_rules(h, &at, out);
    }
    if !h.value.is_ascii()
        && let Some(r) = repair_mojibake(&h.value)
    {
        out.push(at(Diagnostic::new(
            Code::Mojibake,
            format!(
                "{} is {} text that was decoded as {} and re-encoded",
                h.name, r.to, r.from
            ),
        )
        .with_suggestion(r.text)));
    }
}

fn encoded_word_rules(
    h: &Header,
    at: &dyn Fn(Diagnostic) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    if memchr::memmem::find(&h.raw, b"=?").is_none() {
        return;
    }
    let decoded = rfc2047::decode_field(&h.raw, None);
    let words = &decoded.words;
    let name = &h.name;
    if let Some(w) = words
        .iter()
        .find(|w| !w.valid && !charset_known(&w.charset))
    {
        out.push(at(Diagnostic::new(
            Code::UnknownCharset,
            format!(
                "an encoded word in {name} names the unknown charset {:?}",
                w.charset
            ),
        )
        .with_suggestion("write encoded words in UTF-8")));
    }
    if let Some(w) = words.iter().find(|w| w.undecodable && w.read_as.is_some()) {
        out.push(at(Diagnostic::new(
            Code::EncodedWordInvalid,
            format!(
                "{name} has an encoded word labelled {} whose bytes are {}: it reads as {:?}",
                w.charset,
                w.read_as.unwrap_or_default(),
                h.value
            ),
        )
        .with_suggestion(
            "re-encode the text in UTF-8 (RFC 2047 §2: the text must be in the named charset)",
        )));
    } else if words
        .iter()
        .any(|w| (!w.valid && charset_known(&w.charset)) || w.undecodable)
    {
        out.push(at(Diagnostic::new(
            Code::EncodedWordInvalid,
            format!("{name} has an encoded word that does not decode (bad base64/Q payload or bytes invalid in its charset)"),
        )
        .with_suggestion("re-encode the text")));
    }
    if words.iter().any(|w| w.split_char) {
        out.push(at(Diagnostic::new(
            Code::EncodedWordSplitChar,
            format!(
                "{name} splits a character across two encoded words; many readers show U+FFFD there"
            ),
        )
        .with_suggestion(format!(
            "keep whole characters in each word; the text is {:?}",
            h.value
        ))));
    }
    if let Some(w) = words.iter().find(|w| w.range.len() > MAX_ENCODED_WORD) {
        out.push(at(Diagnostic::new(
            Code::EncodedWordTooLong,
            format!(
                "{name} has an encoded word of {} characters (at most {MAX_ENCODED_WORD})",
                w.range.len()
            ),
        )
        .with_suggestion("split the text into several encoded words")));
    }
    if is_address_field(name) && words.iter().any(|w| w.in_quotes) {
        out.push(at(Diagnostic::new(
            Code::EncodedWordInQuotes,
            format!(
                "{name} has an encoded word inside a quoted string, which readers need not decode"
            ),
        )
        .with_suggestion("write the encoded word outside the quotes")));
    }
}

/// The RFC 2047 decoder knows `label` (encoding_rs's labels and the few it
/// adds, such as UTF-7): a word with a known charset but a bad payload is
/// invalid, not of an unknown charset.
fn charset_known(label: &str) -> bool {
    let probe = format!("=?{label}?Q?a?=");
    rfc2047::decode_field(probe.as_bytes(), None)
        .words
        .first()
        .is_some_and(|w| w.valid)
}

fn body_rules(parsed: &ParsedMessage, out: &mut Vec<Diagnostic>) {
    for part in parsed.parts() {
        let path = Some(part.path.as_str());
        let body_line = part
            .body_lines
            .map(|l| l.first)
            .or(part.header_lines.map(|l| l.first));
        if part.is_multipart() && !part.truncated {
            multipart_rules(part, body_line, out);
        }
        if let Some(report) = &part.charset_report {
            out.extend(report.diagnostics(path, body_line));
        }
        if let Some(e) = &part.transfer_error {
            let (code, what) = match e.kind {
                TransferKind::Base64 => (Code::Base64Invalid, "base64"),
                _ => (Code::QpInvalid, "quoted-printable"),
            };
            let byte = e
                .byte
                .map_or_else(String::new, |b| format!(" (byte 0x{b:02X})"));
            out.push(
                Diagnostic::new(
                    code,
                    format!("the {what} body is malformed: {:?}{byte}", e.fault),
                )
                .at(path, e.line.or(body_line))
                .with_suggestion(format!("re-encode the part as {what}")),
            );
        }
        filename_rules(part, out);
    }
    cid_rules(parsed, out);
    html_rule(parsed, out);
}

fn multipart_rules(part: &Part, line: Option<usize>, out: &mut Vec<Diagnostic>) {
    let path = Some(part.path.as_str());
    let Some(info) = &part.multipart else { return };
    match &info.boundary {
        None => out.push(
            Diagnostic::new(
                Code::BoundaryMissing,
                format!(
                    "{} has no boundary parameter, so its parts cannot be found",
                    part.content_type
                ),
            )
            .at(path, line)
            .with_suggestion("add a boundary parameter"),
        ),
        Some(b) if !info.delimiter_found => out.push(
            Diagnostic::new(
                Code::BoundaryMissing,
                format!(
                    "the boundary {b:?} of {} never occurs as a delimiter line",
                    part.content_type
                ),
            )
            .at(path, line)
            .with_suggestion("start each part with a line --boundary"),
        ),
        Some(b) if !info.close_delimiter_found => out.push(
            Diagnostic::new(
                Code::MultipartUnterminated,
                format!(
                    "{} never closes: no line --{b}--, so the last part may be cut",
                    part.content_type
                ),
            )
            .at(path, line)
            .with_suggestion(format!("end the body with --{b}--")),
        ),
        Some(_) => {}
    }
}

/// Plain (not RFC 2231) `filename`/`name` forms.
fn plain_forms<'a>(
    forms: &'a [ParamForm],
    name: &'a str,
) -> impl Iterator<Item = &'a ParamForm> + 'a {
    forms
        .iter()
        .filter(move |f| f.name == name && !f.extended && f.section.is_none())
}

fn filename_rules(part: &Part, out: &mut Vec<Diagnostic>) {
    let path = Some(part.path.as_str());
    let mut forms: Vec<ParamForm> = Vec::new();
    let mut line = None;
    for field in ["content-disposition", "content-type"] {
        if let Some(h) = part.header(field) {
            forms.extend(param_forms(&h.raw));
            line = line.or(Some(h.line));
        }
    }
    let is_name = |f: &&ParamForm| f.name == "filename" || f.name == "name";
    let extended = forms
        .iter()
        .filter(is_name)
        .any(|f| f.extended || f.section.is_some());
    let plain: Vec<&ParamForm> = plain_forms(&forms, "filename")
        .chain(plain_forms(&forms, "name"))
        .collect();
    let in_quotes = plain.iter().any(|f| f.has_encoded_word());
    // An encoded word in a parameter is not RFC 2047 (§5(3)); next to an
    // RFC 2231 form it is the compatibility copy Outlook reads.
    if in_quotes && !extended {
        out.push(
            Diagnostic::new(
                Code::EncodedWordInQuotes,
                "the file name is an RFC 2047 encoded word in a parameter, which RFC 2231 readers do not decode",
            )
            .at(path, line)
            .with_suggestion("add filename*=UTF-8''… (RFC 2231) and keep the encoded word as name= for Outlook"),
        );
    }
    labelled_param_rules(part, path, out);
    let Some(filename) = &part.filename else {
        return;
    };
    if filename.chars().any(crate::display::is_bidi_control) {
        let shown: String = filename
            .chars()
            .map(|c| {
                if crate::display::is_bidi_control(c) {
                    format!("<U+{:04X}>", u32::from(c))
                } else {
                    c.to_string()
                }
            })
            .collect();
        out.push(
            Diagnostic::new(
                Code::FilenameBidi,
                format!("the file name {shown} holds bidirectional controls, which show it in another order than it is (a disguised extension)"),
            )
            .at(path, line)
            .with_suggestion("remove the bidi controls from the name"),
        );
    }
    if filename.is_ascii() {
        return;
    }
    if extended && plain.is_empty() {
        out.push(
            Diagnostic::new(
                Code::FilenameUnencoded,
                format!("the file name {filename:?} is only in RFC 2231 form, which Outlook and QQ Mail show as a generic name"),
            )
            .at(path, line)
            .with_suggestion("add an RFC 2047 name=\"=?UTF-8?B?…?=\" beside filename*"),
        );
    } else if !extended && plain.iter().any(|f| f.has_8bit()) && !in_quotes {
        // A warning either way (RFC 2183 §2.3 and RFC 2231 §4 want the
        // name encoded); raw bytes in a legacy charset are also an error
        // through raw-8bit-header, which names the charset.
        let utf8 = plain
            .iter()
            .filter(|f| f.has_8bit())
            .all(|f| std::str::from_utf8(&f.value).is_ok());
        let d = Diagnostic::new(
            Code::FilenameUnencoded,
            if utf8 {
                format!("the file name {filename:?} is raw UTF-8, not encoded")
            } else {
                format!("the file name {filename:?} is raw 8-bit bytes in a legacy charset, not encoded; most readers show garbage")
            },
        )
        .at(path, line)
        .with_suggestion("write filename*=UTF-8''… (RFC 2231) and an RFC 2047 name=");
        out.push(d.with_severity(Severity::Warning));
    }
}

/// RFC 2231 §4 `filename*` / `name*` values whose bytes are not in the
/// charset they name (RFC 2046 §4.1.2 checks, weighed as for a body): the
/// reading in the charset they are in, and its evidence; too few bytes are
/// said to be too few.
fn labelled_param_rules(part: &Part, path: Option<&str>, out: &mut Vec<Diagnostic>) {
    for (field, name) in [
        ("content-disposition", "filename"),
        ("content-type", "name"),
    ] {
        let Some(h) = part.header(field) else {
            continue;
        };
        let Some(l) = crate::parse::params::labelled_param(&h.raw, name) else {
            continue;
        };
        let Some(issue) = &l.reading.issue else {
            continue;
        };
        let label = &l.label;
        let d = if l.reading.ambiguous.is_empty() {
            let actual = l.reading.decoded_as;
            let why = match issue {
                CharsetIssue::DecodeErrors { actual: None } => {
                    format!(
                        "the {name}* parameter is not valid {label} and no other charset decodes it"
                    )
                }
                CharsetIssue::Superset { actual } => {
                    format!(
                        "the {name}* parameter is labelled {label} but uses characters only {actual} has"
                    )
                }
                _ => format!(
                    "the {name}* parameter is labelled {label} but its bytes are {actual}{}: it reads as {:?}",
                    l.reading
                        .evidence
                        .as_ref()
                        .map_or_else(String::new, |e| format!(" ({e})")),
                    l.reading.text
                ),
            };
            Diagnostic::new(Code::CharsetMismatch, why)
                .with_suggestion(format!("write {name}*=UTF-8''… (RFC 2231 §4)"))
        } else {
            let readings: Vec<String> = l
                .reading
                .ambiguous
                .iter()
                .map(|a| format!("{:?} in {}", a.text, a.charset))
                .collect();
            Diagnostic::new(
                Code::CharsetMismatch,
                format!(
                    "the {name}* parameter is not valid {label}; too few bytes to tell which charset: it reads as {}",
                    readings.join(", or ")
                ),
            )
            .with_suggestion("label it with the charset it was written in; fix leaves it as it is rather than guess")
        };
        out.push(d.at(path, Some(h.line)));
    }
}

/// `cid:` URLs in an HTML text (RFC 2392 §2), percent-decoded.
fn cid_references(html: &str) -> Vec<String> {
    let mut refs = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower.get(from..).and_then(|s| s.find("cid:")) {
        let start = from + at + 4;
        let rest = html.get(start..).unwrap_or_default();
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ')' | '>' | '<'))
            .unwrap_or(rest.len());
        let raw = rest.get(..end).unwrap_or_default();
        // Only where a URL can be: after a quote, `=`, or `(` (CSS url()).
        let before = lower.get(..from + at).and_then(|s| s.chars().next_back());
        if !raw.is_empty() && matches!(before, Some('"' | '\'' | '=' | '(')) {
            refs.push(percent_decode(raw));
        }
        from = start;
    }
    refs
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%'
            && let Some(v) = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(c);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The parts of one message (not descending into embedded messages), with
/// the path of the nearest multipart parent's subtype.
fn own_parts(root: &Part) -> Vec<(&Part, Option<&str>)> {
    let mut out = Vec::new();
    let mut stack: Vec<(&Part, Option<&str>)> = vec![(root, None)];
    while let Some((p, parent)) = stack.pop() {
        out.push((p, parent));
        if p.is_multipart() {
            for c in p.children.iter().rev() {
                stack.push((c, Some(p.content_type.as_str())));
            }
        }
    }
    out
}

fn cid_rules(parsed: &ParsedMessage, out: &mut Vec<Diagnostic>) {
    let parts = own_parts(&parsed.root);
    let norm = |s: &str| {
        s.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_ascii_lowercase()
    };
    let ids: HashSet<String> = parts
        .iter()
        .filter_map(|(p, _)| p.content_id.as_deref().map(norm))
        .collect();
    let mut referenced: HashSet<String> = HashSet::new();
    for (p, _) in &parts {
        if p.content_type != "text/html" || p.is_attachment() {
            continue;
        }
        let Some(text) = &p.text else { continue };
        let mut missing: Vec<String> = Vec::new();
        for r in cid_references(text) {
            let n = norm(&r);
            if !ids.contains(&n) && !missing.contains(&r) {
                missing.push(r);
            }
            referenced.insert(n);
        }
        if !missing.is_empty() {
            out.push(
                Diagnostic::new(
                    Code::CidMissing,
                    format!("the HTML refers to {} with no part carrying that Content-ID; readers show a broken image", missing.iter().map(|m| format!("cid:{m}")).collect::<Vec<_>>().join(", ")),
                )
                .at(Some(&p.path), p.body_lines.map(|l| l.first))
                .with_suggestion("attach the image inside multipart/related with that Content-ID"),
            );
        }
    }
    for (p, parent) in &parts {
        let Some(id) = &p.content_id else { continue };
        if *parent == Some("multipart/related")
            && !p.content_type.starts_with("text/html")
            && !referenced.contains(&norm(id))
        {
            out.push(
                Diagnostic::new(Code::CidUnused, format!("the part with Content-ID <{id}> is in multipart/related but nothing refers to it"))
                    .at(Some(&p.path), p.header_lines.map(|l| l.first))
                    .with_suggestion("refer to it as cid:… or attach it in multipart/mixed"),
            );
        }
    }
}

fn html_rule(parsed: &ParsedMessage, out: &mut Vec<Diagnostic>) {
    let parts = own_parts(&parsed.root);
    let inline =
        |p: &Part, t: &str| p.content_type == t && p.children.is_empty() && !p.is_attachment();
    let html = parts.iter().find(|(p, _)| inline(p, "text/html"));
    let text = parts.iter().any(|(p, _)| inline(p, "text/plain"));
    if let Some((p, _)) = html
        && !text
    {
        out.push(
            Diagnostic::new(Code::HtmlWithoutText, "HTML with no plain-text alternative: text-only readers and spam filters see nothing")
                .at(Some(&p.path), p.header_lines.map(|l| l.first))
                .with_suggestion("add a text/plain part in multipart/alternative"),
        );
    }
}

/// The text a reader shows first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MainText {
    /// IMAP path of the part it comes from.
    pub path: String,
    /// The text, charset-repaired; HTML converted to text when `from_html`.
    pub text: String,
    /// The message has no text/plain body; this is its HTML shown as text.
    pub from_html: bool,
}

/// The main text of a message: its text/plain body, else its HTML body as
/// text ([`crate::html::to_text`]).
#[must_use]
pub fn main_text(parsed: &ParsedMessage) -> Option<MainText> {
    if let Some(p) = parsed.text_body()
        && let Some(text) = &p.text
    {
        return Some(MainText {
            path: p.path.clone(),
            text: text.clone(),
            from_html: false,
        });
    }
    let p = parsed.html_body()?;
    let html = p.text.as_deref()?;
    Some(MainText {
        path: p.path.clone(),
        text: crate::html::to_text(html),
        from_html: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <x@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n";

    fn codes(raw: &[u8]) -> Vec<(Code, Severity)> {
        lint(raw)
            .diagnostics
            .iter()
            .map(|d| (d.code, d.severity))
            .collect()
    }

    #[test]
    fn a_good_message_is_clean() {
        assert_eq!(codes(GOOD.as_bytes()), []);
    }

    #[test]
    fn each_fault_gets_its_code() {
        let cases: Vec<(String, Code, Severity)> = vec![
            (GOOD.replace("From: a@example.com\r\n", ""), Code::MissingFrom, Severity::Error),
            (GOOD.replace("Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n", ""), Code::MissingDate, Severity::Error),
            (GOOD.replace("Message-ID: <x@example.com>\r\n", ""), Code::MissingMessageId, Severity::Warning),
            (GOOD.replace("MIME-Version: 1.0\r\n", ""), Code::MissingMimeVersion, Severity::Warning),
            (GOOD.replace("hello\r\n", "hello\nworld\r\n"), Code::BareLf, Severity::Error),
            (GOOD.replace("\r\n", "\n"), Code::BareLf, Severity::Info),
            (GOOD.replace("hello", &"x".repeat(1200)), Code::LineTooLong, Severity::Error),
            (GOOD.replace("Subject: hi", &format!("Subject: {}", "word ".repeat(20))), Code::HeaderLineLong, Severity::Warning),
            (GOOD.replace("Subject: hi", "Subject: =?utf-8?B?5A==?= =?utf-8?B?uK0=?="), Code::EncodedWordSplitChar, Severity::Error),
            (GOOD.replace("Subject: hi", "Subject: =?utf-8?B?5Lit!!!5paH?="), Code::EncodedWordInvalid, Severity::Error),
            (GOOD.replace("Subject: hi", "Subject: =?utf-8?B?wyg=?="), Code::EncodedWordInvalid, Severity::Error),
            (GOOD.replace("Subject: hi", "Subject: =?x-nope?B?5Lit?="), Code::UnknownCharset, Severity::Error),
            (GOOD.replace("Subject: hi", &format!("Subject: =?utf-8?B?{}?=", "5Lit".repeat(20))), Code::EncodedWordTooLong, Severity::Warning),
            (GOOD.replace("From: a@example.com", "From: \"=?utf-8?B?5byg?=\" <a@example.com>"), Code::EncodedWordInQuotes, Severity::Warning),
            (GOOD.replace("Subject: hi", "Subject: =?utf-8?B?w6XCj8KRw6nCgMKBw6bCiMKQw6XCisKfw6/CvMKMw6jCr8K3w6bCn8Klw6bClMK2?="), Code::Mojibake, Severity::Error),
            (GOOD.replace("charset=utf-8\r\n\r\nhello", "charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8*"), Code::Base64Invalid, Severity::Error),
            (GOOD.replace("charset=utf-8\r\n\r\nhello", "charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nhello =ZZ"), Code::QpInvalid, Severity::Warning),
            (GOOD.replace("text/plain; charset=utf-8\r\n\r\nhello", "text/html; charset=utf-8\r\n\r\n<p>hello</p>"), Code::HtmlWithoutText, Severity::Warning),
        ];
        for (raw, code, severity) in cases {
            let got = codes(raw.as_bytes());
            assert!(got.contains(&(code, severity)), "{code}: {got:?}\n{raw}");
        }
    }

    #[test]
    fn raw_8bit_headers_name_the_charset() {
        let (gbk, _, _) = encoding_rs::GBK.encode("关于明天下午开会的通知，请大家准时参加");
        let mut raw = GOOD.replace("Subject: hi", "Subject: ").into_bytes();
        let at = raw.windows(9).position(|w| w == b"Subject: ").unwrap() + 9;
        raw.splice(at..at, gbk.iter().copied());
        let l = lint(&raw);
        let d = l
            .diagnostics
            .iter()
            .find(|d| d.code == Code::Raw8bitHeader)
            .unwrap();
        assert_eq!(d.severity, Severity::Error);
        assert!(d.message.contains("GBK"), "{}", d.message);
        assert_eq!(
            l.parsed.subject(),
            Some("关于明天下午开会的通知，请大家准时参加")
        );
        let utf8 = GOOD.replace("Subject: hi", "Subject: 你好");
        assert_eq!(
            codes(utf8.as_bytes()),
            [(Code::Raw8bitHeader, Severity::Warning)]
        );
    }

    #[test]
    fn repaired_subject_reads_as_the_original() {
        let raw = GOOD.replace(
            "Subject: hi",
            "Subject: =?utf-8?B?w6XCj8KRw6nCgMKBw6bCiMKQw6XCisKfw6/CvMKMw6jCr8K3w6bCn8Klw6bClMK2?=",
        );
        let l = lint(raw.as_bytes());
        let h = l.parsed.header("subject").unwrap();
        let fixed = repaired_header_value(h);
        assert!(fixed.starts_with("发送"), "{fixed}");
    }

    #[test]
    fn cid_references_are_checked_both_ways() {
        let msg = "From: a@example.com\r\nTo: b@example.com\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <x@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=b\r\n\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<img src=\"cid:logo@x\"><img src=\"cid:gone@x\">\r\n--b\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\n\r\nPNG\r\n--b\r\nContent-Type: image/png\r\nContent-ID: <spare@x>\r\n\r\nPNG\r\n--b--\r\n";
        let got = codes(msg.as_bytes());
        assert!(
            got.contains(&(Code::CidMissing, Severity::Error)),
            "{got:?}"
        );
        assert!(got.contains(&(Code::CidUnused, Severity::Info)), "{got:?}");
        assert_eq!(got.iter().filter(|(c, _)| *c == Code::CidUnused).count(), 1);
    }

    #[test]
    fn multipart_delimiters() {
        let base = "From: a@example.com\r\nTo: b@example.com\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <x@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n";
        assert_eq!(codes(base.as_bytes()), []);
        let open = base.replace("--b--\r\n", "");
        assert!(codes(open.as_bytes()).contains(&(Code::MultipartUnterminated, Severity::Warning)));
        let none = base.replace("; boundary=b", "");
        assert!(codes(none.as_bytes()).contains(&(Code::BoundaryMissing, Severity::Error)));
        let wrong = base.replace("boundary=b", "boundary=zzz");
        assert!(codes(wrong.as_bytes()).contains(&(Code::BoundaryMissing, Severity::Error)));
    }

    #[test]
    fn file_name_forms() {
        let part = |cd: &str, ct: &str| {
            format!(
                "From: a@example.com\r\nTo: b@example.com\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <x@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n--b\r\nContent-Type: application/pdf{ct}\r\nContent-Disposition: attachment{cd}\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n"
            )
        };
        let pair = part(
            "; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf",
            "; name=\"=?UTF-8?B?5oql5ZGKLnBkZg==?=\"",
        );
        assert_eq!(codes(pair.as_bytes()), []);
        let only2231 = part("; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf", "");
        assert_eq!(
            codes(only2231.as_bytes()),
            [(Code::FilenameUnencoded, Severity::Warning)]
        );
        let only2047 = part("; filename=\"=?UTF-8?B?5oql5ZGKLnBkZg==?=\"", "");
        assert_eq!(
            codes(only2047.as_bytes()),
            [(Code::EncodedWordInQuotes, Severity::Warning)]
        );
        let raw = part("; filename=\"报告.pdf\"", "");
        let got = codes(raw.as_bytes());
        assert!(
            got.contains(&(Code::FilenameUnencoded, Severity::Warning)),
            "{got:?}"
        );
        assert!(
            got.contains(&(Code::Raw8bitHeader, Severity::Warning)),
            "{got:?}"
        );
        // The same name in raw GBK: garbage for most readers, an error.
        let gbk = part("; filename=\"NAME\"", "");
        let (name, _, _) = encoding_rs::GBK.encode("报告.pdf");
        let i = gbk.find("NAME").unwrap();
        let mut bytes = gbk.as_bytes()[..i].to_vec();
        bytes.extend_from_slice(&name);
        bytes.extend_from_slice(&gbk.as_bytes()[i + 4..]);
        let got = codes(&bytes);
        assert!(
            got.contains(&(Code::FilenameUnencoded, Severity::Warning)),
            "{got:?}"
        );
        assert!(
            got.contains(&(Code::Raw8bitHeader, Severity::Error)),
            "{got:?}"
        );
    }

    #[test]
    fn main_text_falls_back_to_html() {
        let raw = GOOD.replace(
            "text/plain; charset=utf-8\r\n\r\nhello",
            "text/html; charset=utf-8\r\n\r\n<p>hello &amp; bye</p>",
        );
        let t = main_text(&lint(raw.as_bytes()).parsed).unwrap();
        assert!(t.from_html);
        assert_eq!(t.text, "hello & bye\n");
        let t = main_text(&lint(GOOD.as_bytes()).parsed).unwrap();
        assert_eq!(
            (t.text.as_str(), t.path.as_str(), t.from_html),
            ("hello\r\n", "1", false)
        );
    }
}
