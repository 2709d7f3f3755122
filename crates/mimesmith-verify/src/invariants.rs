//! The byte-level rules every mimesmith output holds, checked on any bytes
//! with a line scanner of our own (independent of mail-parser, so a message
//! mail-parser misreads is still judged):
//!
//! - lines end in CRLF (RFC 5322 §2.3) and are at most 998 octets (§2.1.1);
//! - header lines longer than 78 characters only where no fold was possible
//!   (§2.1.1, §2.2.3): such a line holds one token and no whitespace after it;
//! - encoded words are at most 75 characters (RFC 2047 §2) and never inside a
//!   quoted string or a parameter (RFC 2047 §5), except the documented
//!   `name`/`filename` compatibility form;
//! - headers are ASCII unless SMTPUTF8 (RFC 6532);
//! - a boundary occurs only as its own delimiter lines (RFC 2046 §5.1.1);
//! - no Bcc field; From, Date, Message-ID and MIME-Version present.

use crate::diag::{Code, Diagnostic, Severity};

/// What the checked message was allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InvariantOptions {
    /// Raw UTF-8 headers are allowed (RFC 6532).
    pub smtputf8: bool,
    /// `name="=?…?="` / `filename="=?…?="` are allowed (the compatibility form).
    pub rfc2047_params: bool,
}

const MAX_LINE: usize = 998;
const SOFT_LINE: usize = 78;
const MAX_ENCODED_WORD: usize = 75;

/// One line of the raw message.
struct Line<'a> {
    text: &'a [u8],
    number: usize,
    /// The terminator was CRLF (false for a bare LF, a bare CR, or none at the end).
    crlf: bool,
    /// The line is the last and has no terminator.
    last_unterminated: bool,
}

fn lines(raw: &[u8]) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut number = 1;
    let mut i = 0;
    while i < raw.len() {
        match raw.get(i) {
            Some(b'\r') if raw.get(i + 1) == Some(&b'\n') => {
                out.push(Line {
                    text: raw.get(start..i).unwrap_or_default(),
                    number,
                    crlf: true,
                    last_unterminated: false,
                });
                i += 2;
                start = i;
                number += 1;
            }
            Some(b'\r' | b'\n') => {
                out.push(Line {
                    text: raw.get(start..i).unwrap_or_default(),
                    number,
                    crlf: false,
                    last_unterminated: false,
                });
                i += 1;
                start = i;
                number += 1;
            }
            _ => i += 1,
        }
    }
    if start < raw.len() {
        out.push(Line {
            text: raw.get(start..).unwrap_or_default(),
            number,
            crlf: false,
            last_unterminated: true,
        });
    }
    out
}

/// A header field: its physical lines and unfolded value.
struct Field<'a> {
    name: String,
    lines: Vec<&'a Line<'a>>,
}

impl Field<'_> {
    fn value(&self) -> String {
        let mut v = Vec::new();
        for (i, l) in self.lines.iter().enumerate() {
            let t = if i == 0 {
                l.text.splitn(2, |&b| b == b':').nth(1).unwrap_or_default()
            } else {
                l.text
            };
            v.extend_from_slice(t);
        }
        String::from_utf8_lossy(&v).into_owned()
    }
}

/// Splits a header block (lines up to the blank line) into fields.
fn fields<'a>(block: &'a [Line<'a>]) -> Vec<Field<'a>> {
    let mut out: Vec<Field<'a>> = Vec::new();
    for l in block {
        if matches!(l.text.first(), Some(b' ' | b'\t')) {
            if let Some(f) = out.last_mut() {
                f.lines.push(l);
            }
            continue;
        }
        let name = l.text.split(|&b| b == b':').next().unwrap_or_default();
        out.push(Field {
            name: String::from_utf8_lossy(name).trim().to_owned(),
            lines: vec![l],
        });
    }
    out
}

/// The `boundary` parameter of a Content-Type value (quoted or not).
fn boundary_of(value: &str) -> Option<String> {
    params(value)
        .into_iter()
        .find(|(n, _)| n == "boundary")
        .map(|(_, v)| {
            v.strip_prefix('"')
                .and_then(|q| q.strip_suffix('"'))
                .map_or(v.clone(), str::to_owned)
        })
        .filter(|b| !b.is_empty())
}

/// Encoded words in a header value, with whether each sits inside quotes.
fn encoded_words(value: &str) -> Vec<(String, bool)> {
    let b = value.as_bytes();
    let mut out = Vec::new();
    let mut in_quotes = false;
    let mut i = 0;
    while i < b.len() {
        match b.get(i) {
            Some(b'\\') if in_quotes => i += 2,
            Some(b'"') => {
                in_quotes = !in_quotes;
                i += 1;
            }
            Some(b'=') if b.get(i + 1) == Some(&b'?') => {
                // =?charset?X?text?= : find the closing ?= after three ?.
                let mut q = 0;
                let mut j = i + 2;
                let mut end = None;
                while j + 1 < b.len() {
                    if b.get(j) == Some(&b'?') {
                        q += 1;
                        if q >= 3 && b.get(j + 1) == Some(&b'=') {
                            end = Some(j + 2);
                            break;
                        }
                    }
                    if matches!(b.get(j), Some(b' ' | b'\t' | b'"')) {
                        break;
                    }
                    j += 1;
                }
                match end {
                    Some(e) => {
                        out.push((value.get(i..e).unwrap_or_default().to_owned(), in_quotes));
                        i = e;
                    }
                    None => i += 2,
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// Parameters (`name=value`) of a Content-Type or Content-Disposition value,
/// names lower case, values as written (quotes included).
fn params(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = value;
    // Skip the type: everything up to the first ; outside quotes.
    let mut in_q = false;
    let mut cut = rest.len();
    for (i, c) in rest.char_indices() {
        match c {
            '"' => in_q = !in_q,
            ';' if !in_q => {
                cut = i;
                break;
            }
            _ => {}
        }
    }
    rest = rest.get(cut..).unwrap_or_default();
    while let Some(r) = rest.strip_prefix(';') {
        let r = r.trim_start();
        let Some(eq) = r.find('=') else { break };
        let name = r.get(..eq).unwrap_or_default().trim().to_ascii_lowercase();
        let after = r.get(eq + 1..).unwrap_or_default();
        let (v, tail) = if let Some(q) = after.strip_prefix('"') {
            let mut end = q.len();
            let mut esc = false;
            for (i, c) in q.char_indices() {
                if esc {
                    esc = false;
                } else if c == '\\' {
                    esc = true;
                } else if c == '"' {
                    end = i;
                    break;
                }
            }
            (
                format!("\"{}\"", q.get(..end).unwrap_or_default()),
                q.get(end + 1..).unwrap_or_default(),
            )
        } else {
            let end = after.find(';').unwrap_or(after.len());
            (
                after.get(..end).unwrap_or_default().trim().to_owned(),
                after.get(end..).unwrap_or_default(),
            )
        };
        out.push((name, v));
        rest = tail.trim_start();
    }
    out
}

/// Checks the invariants; an empty result means the message holds them all.
#[must_use]
pub fn check(raw: &[u8], opts: InvariantOptions) -> Vec<Diagnostic> {
    let mut d = Vec::new();
    let all = lines(raw);
    for l in &all {
        if !l.crlf && !l.last_unterminated {
            d.push(
                Diagnostic::new(
                    Code::BareLf,
                    "the line ends in a bare LF or CR, not CRLF (RFC 5322 §2.3)",
                )
                .with_line(l.number),
            );
        }
        if l.text.len() > MAX_LINE {
            d.push(
                Diagnostic::new(
                    Code::LineTooLong,
                    format!(
                        "the line is {} octets long; the limit is 998 (RFC 5322 §2.1.1)",
                        l.text.len()
                    ),
                )
                .with_line(l.number),
            );
        }
    }
    // Walk header blocks: the top one, then one after each delimiter line of
    // every boundary met so far.
    let mut boundaries: Vec<String> = Vec::new();
    let mut i = 0;
    let mut top = true;
    let mut delimiter_counts: Vec<usize> = Vec::new();
    while i <= all.len() {
        // A header block starts at i.
        let start = i;
        while all.get(i).is_some_and(|l| !l.text.is_empty()) {
            i += 1;
        }
        let block = all.get(start..i).unwrap_or_default();
        let fs = fields(block);
        check_header_block(&fs, top, opts, &mut d);
        for f in &fs {
            if f.name.eq_ignore_ascii_case("content-type")
                && let Some(b) = boundary_of(&f.value())
                && !boundaries.contains(&b)
            {
                boundaries.push(b);
                delimiter_counts.push(0);
            }
        }
        top = false;
        // The body: skip to the next delimiter line that opens a part.
        i += 1;
        let mut next_block = None;
        while let Some(l) = all.get(i) {
            let mut is_delim = false;
            for (k, b) in boundaries.iter().enumerate() {
                let Some(rest) = l
                    .text
                    .strip_prefix(b"--")
                    .and_then(|t| t.strip_prefix(b.as_bytes()))
                else {
                    continue;
                };
                if rest.is_empty() || rest == b"--" {
                    is_delim = true;
                    if let Some(c) = delimiter_counts.get_mut(k) {
                        *c += 1;
                    }
                    if rest.is_empty() {
                        next_block = Some(i + 1);
                    }
                } else {
                    d.push(
                        Diagnostic::new(Code::BoundaryInPart, format!("a line starts with the boundary {b:?} but is not a delimiter (RFC 2046 §5.1.1)"))
                            .with_line(l.number),
                    );
                }
                break;
            }
            if !is_delim {
                for b in &boundaries {
                    if memchr::memmem::find(l.text, format!("--{b}").as_bytes())
                        .is_some_and(|p| p > 0)
                    {
                        d.push(
                            Diagnostic::new(
                                Code::BoundaryInPart,
                                format!(
                                    "the boundary {b:?} occurs inside a part (RFC 2046 §5.1.1)"
                                ),
                            )
                            .with_line(l.number),
                        );
                    }
                }
            }
            i += 1;
            if next_block.is_some() {
                break;
            }
        }
        match next_block {
            Some(n) => i = n,
            None => break,
        }
    }
    d
}

fn check_header_block(
    fs: &[Field<'_>],
    top: bool,
    opts: InvariantOptions,
    d: &mut Vec<Diagnostic>,
) {
    let has = |n: &str| fs.iter().any(|f| f.name.eq_ignore_ascii_case(n));
    if top {
        for (name, code) in [
            ("From", Code::MissingFrom),
            ("Date", Code::MissingDate),
            ("Message-ID", Code::MissingMessageId),
            ("MIME-Version", Code::MissingMimeVersion),
        ] {
            if !has(name) {
                d.push(Diagnostic::new(code, format!("no {name} field")).with_line(1));
            }
        }
        if let Some(f) = fs.iter().find(|f| f.name.eq_ignore_ascii_case("bcc")) {
            d.push(
                Diagnostic::new(
                    Code::BccPresent,
                    "a Bcc field is written into the message, showing blind recipients to everyone",
                )
                .with_line(f.lines.first().map_or(1, |l| l.number)),
            );
        }
    }
    for f in fs {
        let first_line = f.lines.first().map_or(1, |l| l.number);
        for (k, l) in f.lines.iter().enumerate() {
            if !opts.smtputf8 && !l.text.is_ascii() {
                d.push(
                    Diagnostic::new(
                        Code::HeaderNotAscii,
                        format!(
                            "{} holds non-ASCII octets without SMTPUTF8 (RFC 6532)",
                            f.name
                        ),
                    )
                    .with_line(l.number),
                );
            }
            let chars = if opts.smtputf8 {
                String::from_utf8_lossy(l.text).chars().count()
            } else {
                l.text.len()
            };
            if chars > SOFT_LINE {
                // Past the name (first line) or the leading whitespace
                // (continuation), a line longer than 78 must be one token.
                let body = if k == 0 {
                    l.text.splitn(2, |&b| b == b':').nth(1).unwrap_or_default()
                } else {
                    l.text
                };
                let token = body
                    .iter()
                    .position(|&b| b != b' ' && b != b'\t')
                    .map_or(&[][..], |p| body.get(p..).unwrap_or_default());
                // A fold right after `Name:` (RFC 5322 §3.2.2 FWS) would
                // have put the rest on a line of its own within 78.
                let after_colon = k == 0
                    && token.len() < body.len()
                    && !token.is_empty()
                    && token.len() < SOFT_LINE;
                // Unstructured text can always be split into encoded words
                // (RFC 2047 §2), so a long line there was avoidable.
                let text = mimesmith::FieldKind::of(&f.name) == mimesmith::FieldKind::Unstructured;
                // Whitespace inside a quoted string is not a fold point for
                // us: display names are never folded inside (GMime keeps the
                // CRLF of such a fold).
                let mut in_quotes = false;
                let mut escaped = false;
                let foldable = token.iter().any(|&b| {
                    let hit = !in_quotes && (b == b' ' || b == b'\t');
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' && in_quotes {
                        escaped = true;
                    } else if b == b'"' {
                        in_quotes = !in_quotes;
                    }
                    hit
                });
                if foldable || after_colon || text {
                    d.push(
                        Diagnostic::new(
                            Code::HeaderLineLong,
                            format!("{} has a line of {chars} characters that could have been folded (RFC 5322 §2.1.1)", f.name),
                        )
                        .with_line(l.number)
                        .with_severity(Severity::Warning),
                    );
                }
            }
        }
        let value = f.value();
        // Quoted strings exist only in structured fields (RFC 5322 §3.2.4);
        // in unstructured text a `"` is just a character.
        let structured = [
            "from",
            "to",
            "cc",
            "bcc",
            "reply-to",
            "sender",
            "content-type",
            "content-disposition",
        ]
        .iter()
        .any(|n| {
            f.name.eq_ignore_ascii_case(n)
                || f.name.to_ascii_lowercase().strip_prefix("resent-") == Some(n)
        });
        for (word, quoted) in encoded_words(&value) {
            let quoted = quoted && structured;
            if word.len() > MAX_ENCODED_WORD {
                d.push(
                    Diagnostic::new(
                        Code::EncodedWordTooLong,
                        format!(
                            "an encoded word of {} characters in {} (RFC 2047 §2: at most 75)",
                            word.len(),
                            f.name
                        ),
                    )
                    .with_line(first_line),
                );
            }
            let structured_param = f.name.eq_ignore_ascii_case("content-type")
                || f.name.eq_ignore_ascii_case("content-disposition");
            if quoted && !structured_param {
                d.push(
                    Diagnostic::new(
                        Code::EncodedWordInQuotes,
                        format!(
                            "an encoded word inside a quoted string in {} (RFC 2047 §5)",
                            f.name
                        ),
                    )
                    .with_line(first_line),
                );
            }
        }
        if f.name.eq_ignore_ascii_case("content-type")
            || f.name.eq_ignore_ascii_case("content-disposition")
        {
            for (name, v) in params(&value) {
                if v.contains("=?") && v.contains("?=") {
                    let allowed =
                        opts.rfc2047_params && matches!(name.as_str(), "name" | "filename");
                    if !allowed {
                        d.push(
                            Diagnostic::new(Code::EncodedWordInQuotes, format!("an encoded word in the {name} parameter of {} (RFC 2047 §5; use RFC 2231)", f.name))
                                .with_line(first_line),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "From: a@example.com\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <x@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"=_b\"\r\n\r\n--=_b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--=_b--\r\n";

    fn codes(raw: &str, opts: InvariantOptions) -> Vec<Code> {
        check(raw.as_bytes(), opts)
            .into_iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn a_good_message_has_no_findings() {
        assert_eq!(codes(GOOD, InvariantOptions::default()), []);
    }

    #[test]
    fn each_broken_message_gets_its_code() {
        let o = InvariantOptions::default();
        let cases: Vec<(String, Code)> = vec![
            (GOOD.replace("hello\r\n", "hello\n"), Code::BareLf),
            (GOOD.replace("hello", &"x".repeat(1200)), Code::LineTooLong),
            (
                GOOD.replace(
                    "From: a@example.com",
                    "From: \"=?UTF-8?B?5byg?=\" <a@example.com>",
                ),
                Code::EncodedWordInQuotes,
            ),
            (
                GOOD.replace(
                    "Content-Type: text/plain",
                    "Content-Type: text/plain; name=\"=?UTF-8?B?5byg?=\"",
                ),
                Code::EncodedWordInQuotes,
            ),
            (
                GOOD.replace("hello", "hello --=_b inside"),
                Code::BoundaryInPart,
            ),
            (
                GOOD.replace("hello", "--=_bX looks like a delimiter"),
                Code::BoundaryInPart,
            ),
            (
                GOOD.replace(
                    "Message-ID: <x@example.com>",
                    &format!("Subject: =?UTF-8?B?{}?=", "QUFB".repeat(20)),
                ),
                Code::EncodedWordTooLong,
            ),
            (
                GOOD.replace(
                    "Message-ID: <x@example.com>",
                    "Message-ID: <x@example.com>\r\nBcc: hidden@example.com",
                ),
                Code::BccPresent,
            ),
            (
                GOOD.replace("Message-ID: <x@example.com>", "Subject: caf\u{e9}"),
                Code::HeaderNotAscii,
            ),
            (
                GOOD.replace("Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n", ""),
                Code::MissingDate,
            ),
            (
                GOOD.replace("From: a@example.com\r\n", ""),
                Code::MissingFrom,
            ),
            (
                GOOD.replace("MIME-Version: 1.0\r\n", ""),
                Code::MissingMimeVersion,
            ),
            (
                GOOD.replace("Message-ID: <x@example.com>\r\n", ""),
                Code::MissingMessageId,
            ),
            (
                GOOD.replace(
                    "Message-ID: <x@example.com>",
                    &format!("Subject: {}", "word ".repeat(30)),
                ),
                Code::HeaderLineLong,
            ),
        ];
        for (raw, code) in cases {
            assert!(
                codes(&raw, o).contains(&code),
                "{code:?} not found in:\n{raw}"
            );
        }
    }

    #[test]
    fn the_compat_filename_form_is_allowed_only_when_asked() {
        let raw = GOOD.replace(
            "Content-Type: text/plain",
            "Content-Type: text/plain; name=\"=?UTF-8?B?5byg?=\"",
        );
        let on = InvariantOptions {
            rfc2047_params: true,
            ..InvariantOptions::default()
        };
        assert_eq!(codes(&raw, on), []);
    }

    #[test]
    fn an_unbreakable_long_header_line_is_fine() {
        let raw = GOOD.replace(
            "Message-ID: <x@example.com>",
            &format!("Message-ID: <{}@example.com>", "x".repeat(100)),
        );
        assert_eq!(codes(&raw, InvariantOptions::default()), []);
    }

    #[test]
    fn smtputf8_allows_utf8_headers() {
        let raw = GOOD.replace(
            "Message-ID: <x@example.com>",
            "Message-ID: <x@example.com>\r\nSubject: 季度报告",
        );
        assert_eq!(
            codes(
                &raw,
                InvariantOptions {
                    smtputf8: true,
                    ..InvariantOptions::default()
                }
            ),
            []
        );
    }
}
