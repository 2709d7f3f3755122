//! Keeps mail-parser linear and flat.
//!
//! mail-parser 0.11 takes super-linear time on two kinds of hostile input,
//! and parses embedded messages itself where we cannot bound it:
//! - **Boundaries that never occur.** For every multipart whose boundary is
//!   not found, `seek_next_part` scans to the end of the input and backs off;
//!   20,000 such parts in 1.1 MB take 12 s.
//! - **Long boundaries.** At every `--` the current boundary is compared in
//!   full; a 300 KB boundary of dashes over 600 KB of dashes takes 2 s.
//! - **Embedded messages.** message/rfc822 parts are parsed by mail-parser,
//!   without limit when inline and from the transfer-decoded bytes (up to 3
//!   levels) when base64 or quoted-printable, out of reach of this guard.
//!
//! [`guard`] finds every Content-Type field in one pass over the lines and
//! returns a copy of the input in which mail-parser sees a different media
//! type, by changing one byte in place so that every offset stays the same:
//! `message/rfc822` and `message/global` become `xessage/…` (we parse the
//! embedded bytes ourselves, through this guard again), `multipart/digest`
//! becomes `multipart/xigest` (whose parts default to message/rfc822, which
//! mail-parser would parse), and a multipart whose boundary would be too
//! costly becomes `xultipart/…`: a boundary longer than RFC 2046 §5.1.1's 70
//! characters when `--` occurs often enough to make it expensive, and every
//! multipart past the first [`MISSING_BOUNDARY_ALLOWANCE`] whose boundary does
//! not start any later line. Such a multipart is kept as a leaf, which is what
//! mail-parser makes of a multipart whose boundary it cannot find anyway.
//!
//! Everything reported is read from the original bytes at the same offsets;
//! only the structure comes from the guarded copy.

use std::borrow::Cow;
use std::collections::HashMap;

use super::params;

/// RFC 2046 §5.1.1: a boundary is 1 to 70 characters.
const MAX_BOUNDARY: usize = 70;
/// Multiparts whose boundary is missing that mail-parser may look for (each
/// such search scans the rest of the input once).
pub(crate) const MISSING_BOUNDARY_ALLOWANCE: usize = 32;
/// Work allowed for comparing one long boundary at every `--`, per input byte.
const LONG_BOUNDARY_WORK_PER_BYTE: usize = 16;
/// Work allowed for long boundaries regardless of the input size.
const LONG_BOUNDARY_WORK_FLOOR: usize = 1 << 20;
/// The replacement byte: it turns `message`, `multipart` and `digest` into
/// media types mail-parser treats as opaque.
const NEUTRAL: u8 = b'x';

/// One physical line: start offset and content (without the line break).
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut start = 0;
    bytes.split(|&b| b == b'\n').map(move |line| {
        let at = start;
        start += line.len() + 1;
        (at, line.strip_suffix(b"\r").unwrap_or(line))
    })
}

/// If `line` is a Content-Type field (as mail-parser reads names: white space
/// around the name ignored, case-insensitive), the offset of its value in the line.
fn content_type_value(line: &[u8]) -> Option<usize> {
    const NAME: &[u8] = b"content-type";
    let lead = line
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let name = line.get(lead..lead + NAME.len())?;
    if !name.eq_ignore_ascii_case(NAME) {
        return None;
    }
    let after = lead + NAME.len();
    let gap = line
        .get(after..)?
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    (line.get(after + gap) == Some(&b':')).then_some(after + gap + 1)
}

/// Skips white space, line breaks and comments (RFC 5322 §3.2.2) from `at`.
fn skip_cfws(bytes: &[u8], mut at: usize) -> usize {
    let mut depth = 0usize;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'(' => depth += 1,
            b')' if depth > 0 => depth -= 1,
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ if depth > 0 => {}
            _ => break,
        }
        at += 1;
    }
    at
}

/// A token (RFC 2045 §5.1) starting at `at`: its end.
fn token_end(bytes: &[u8], at: usize) -> usize {
    at + bytes
        .get(at..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| b > b' ' && b < 0x7F && !b"()<>@,;:\\\"/[]?=".contains(&b))
        .count()
}

/// A multipart declaration: where its `multipart` starts, and its boundary.
struct Multipart {
    type_at: usize,
    boundary: Option<String>,
}

/// Returns the bytes mail-parser should see: `bytes` itself when nothing
/// needs guarding, otherwise a same-length copy with media types neutralised.
pub(crate) fn guard(bytes: &[u8]) -> Cow<'_, [u8]> {
    let mut edits: Vec<usize> = Vec::new();
    let mut multiparts: Vec<Multipart> = Vec::new();
    // Last start of a line `--token` (optionally `--token--`), per token.
    let mut delimiters: HashMap<&[u8], usize> = HashMap::new();
    let all: Vec<(usize, &[u8])> = lines(bytes).collect();
    for (index, &(start, line)) in all.iter().enumerate() {
        if let Some(token) = line.strip_prefix(b"--") {
            let end = token
                .iter()
                .rposition(|&b| b != b' ' && b != b'\t')
                .map_or(0, |p| p + 1);
            let token = token.get(..end).unwrap_or_default();
            delimiters.insert(token, start);
            if let Some(open) = token.strip_suffix(b"--") {
                delimiters.insert(open, start);
            }
        }
        let Some(value_at) = content_type_value(line) else {
            continue;
        };
        // The field runs on over folded lines (RFC 5322 §2.2.3).
        let folded = all
            .get(index + 1..)
            .unwrap_or_default()
            .iter()
            .take_while(|(_, l)| matches!(l.first(), Some(b' ' | b'\t')))
            .count();
        let field_end = all
            .get(index + folded)
            .map_or(bytes.len(), |(s, l)| s + l.len());
        let field = bytes.get(start + value_at..field_end).unwrap_or_default();
        let type_start = skip_cfws(field, 0);
        let type_end = token_end(field, type_start);
        if field.get(type_end) != Some(&b'/') {
            continue;
        }
        let subtype_start = skip_cfws(field, type_end + 1);
        let subtype_end = token_end(field, subtype_start);
        let media_type = field.get(type_start..type_end).unwrap_or_default();
        let subtype = field.get(subtype_start..subtype_end).unwrap_or_default();
        let absolute = start + value_at;
        if media_type.eq_ignore_ascii_case(b"message")
            && (subtype.eq_ignore_ascii_case(b"rfc822") || subtype.eq_ignore_ascii_case(b"global"))
        {
            edits.push(absolute + type_start);
        } else if media_type.eq_ignore_ascii_case(b"multipart") {
            if subtype.eq_ignore_ascii_case(b"digest") {
                edits.push(absolute + subtype_start);
            }
            multiparts.push(Multipart {
                type_at: absolute + type_start,
                boundary: params::decode_param(field, "boundary", None),
            });
        }
    }

    let dashes = bytes.windows(2).filter(|w| w == b"--").count();
    let long_budget = bytes
        .len()
        .saturating_mul(LONG_BOUNDARY_WORK_PER_BYTE)
        .saturating_add(LONG_BOUNDARY_WORK_FLOOR);
    let mut missing = 0usize;
    for multipart in &multiparts {
        let Some(boundary) = multipart.boundary.as_deref().filter(|b| !b.is_empty()) else {
            continue;
        };
        if boundary.len() > MAX_BOUNDARY && dashes.saturating_mul(boundary.len()) > long_budget {
            edits.push(multipart.type_at);
            continue;
        }
        let found_later = delimiters
            .get(boundary.as_bytes())
            .is_some_and(|&at| at > multipart.type_at);
        if !found_later {
            missing += 1;
            if missing > MISSING_BOUNDARY_ALLOWANCE {
                edits.push(multipart.type_at);
            }
        }
    }

    if edits.is_empty() {
        return Cow::Borrowed(bytes);
    }
    let mut copy = bytes.to_vec();
    for at in edits {
        if let Some(b) = copy.get_mut(at) {
            *b = NEUTRAL;
        }
    }
    Cow::Owned(copy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guarded(input: &str) -> String {
        String::from_utf8(guard(input.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn plain_messages_are_not_copied() {
        let input = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n";
        assert!(matches!(guard(input), Cow::Borrowed(_)));
    }

    #[test]
    fn embedded_message_types_are_neutralised_in_place() {
        assert_eq!(
            guarded("Content-Type: message/rfc822\r\n"),
            "Content-Type: xessage/rfc822\r\n"
        );
        assert_eq!(
            guarded("content-type :\r\n (c) Message/Global\r\n"),
            "content-type :\r\n (c) xessage/Global\r\n"
        );
        assert_eq!(
            guarded("Content-Type: multipart/digest; boundary=d\r\n\r\n--d--\r\n"),
            "Content-Type: multipart/xigest; boundary=d\r\n\r\n--d--\r\n"
        );
        assert_eq!(
            guarded("Content-Type: message/delivery-status\r\n"),
            "Content-Type: message/delivery-status\r\n"
        );
        assert_eq!(
            guarded("X-Content-Type: message/rfc822\r\n"),
            "X-Content-Type: message/rfc822\r\n"
        );
    }

    #[test]
    fn missing_boundaries_past_the_allowance_are_neutralised() {
        let mut input = String::from("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n");
        for i in 0..MISSING_BOUNDARY_ALLOWANCE + 2 {
            input +=
                &format!("--b\r\nContent-Type: multipart/mixed; boundary=\"zz{i}\"\r\n\r\nx\r\n");
        }
        input += "--b--\r\n";
        let out = guarded(&input);
        assert_eq!(out.len(), input.len());
        assert_eq!(out.matches("xultipart/mixed").count(), 2);
        assert!(
            out.starts_with("Content-Type: multipart/mixed"),
            "the found boundary is kept"
        );
    }

    #[test]
    fn expensive_long_boundaries_are_neutralised() {
        let boundary = "-".repeat(10_000) + "x";
        let input = format!(
            "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n{}\r\n",
            "-".repeat(200_000)
        );
        assert!(guarded(&input).starts_with("Content-Type: xultipart/mixed"));
        // A long boundary in a message with few `--` stays (mime4j's 7000-character test).
        let boundary = "a".repeat(7000);
        let input = format!(
            "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n--{boundary}\r\n\r\nx\r\n--{boundary}--\r\n"
        );
        assert!(matches!(guard(input.as_bytes()), Cow::Borrowed(_)));
    }
}
