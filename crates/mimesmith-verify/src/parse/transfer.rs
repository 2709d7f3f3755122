//! Content-Transfer-Encoding decoding of leaf bodies (RFC 2045 §6).
//!
//! mail-parser's decoders are used for well-formed bodies. On the first
//! malformed byte mail-parser gives up on the whole part: it keeps the raw,
//! still-encoded bytes and reclassifies the part as text (so an image with one
//! stray character in its base64 becomes a "text" part full of base64). Here a
//! malformed body is decoded leniently instead, the way mail readers do
//! (skip characters outside the base64 alphabet; keep a `=` that starts no
//! escape), and the first bad byte is recorded as a [`TransferError`].

use serde::Serialize;

/// Which transfer encoding a [`TransferError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TransferKind {
    /// `base64` (RFC 2045 §6.8).
    Base64,
    /// `quoted-printable` (RFC 2045 §6.7).
    QuotedPrintable,
}

/// What is wrong with a transfer-encoded body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TransferFault {
    /// A byte outside the base64 alphabet and white space (RFC 2045 §6.8).
    InvalidByte,
    /// Base64 data after the `=` padding (RFC 2045 §6.8: `=` only at the end).
    DataAfterPadding,
    /// The base64 data stops in the middle of a 4-character group without `=`
    /// padding (RFC 2045 §6.8). mail-parser drops the last bytes of such a body.
    MissingPadding,
    /// A `=` starting neither `=XX` nor a soft line break (RFC 2045 §6.7).
    BadEscape,
}

/// The first fault of a transfer-encoded body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TransferError {
    /// The encoding the body claims.
    pub kind: TransferKind,
    /// What is wrong.
    pub fault: TransferFault,
    /// Offset of the faulty byte (for missing padding: the end of the data)
    /// in the raw message; `None` inside a transfer-encoded embedded message,
    /// whose bytes are not in the raw message.
    pub offset: Option<usize>,
    /// 1-based line of `offset` in the raw message.
    pub line: Option<usize>,
    /// The offending byte, when there is one.
    pub byte: Option<u8>,
}

/// A fault found in a body: what, where (offset in the body), which byte.
pub(crate) type Fault = (TransferKind, TransferFault, usize, Option<u8>);

/// Two hex digits (either case) to a byte; `None` for anything else (also for
/// `+1`, which `u8::from_str_radix` would accept).
pub(crate) fn hex_pair(pair: Option<&[u8]>) -> Option<u8> {
    match pair? {
        [hi, lo] => {
            let digit = |c: u8| {
                char::from(c)
                    .to_digit(16)
                    .and_then(|d| u8::try_from(d).ok())
            };
            Some(digit(*hi)? << 4 | digit(*lo)?)
        }
        _ => None,
    }
}

fn is_base64_alphabet(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// The first fault of a base64 body (RFC 2045 §6.8): a byte outside the
/// alphabet and white space, data after the `=` padding, or a last group cut
/// short without padding.
fn first_base64_fault(raw: &[u8]) -> Option<(TransferFault, usize, Option<u8>)> {
    let mut padding = false;
    let mut data = 0usize;
    let mut data_end = 0usize;
    for (i, &b) in raw.iter().enumerate() {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => {}
            b'=' => padding = true,
            _ if is_base64_alphabet(b) && padding => {
                return Some((TransferFault::DataAfterPadding, i, Some(b)));
            }
            _ if is_base64_alphabet(b) => {
                data += 1;
                data_end = i + 1;
            }
            _ => return Some((TransferFault::InvalidByte, i, Some(b))),
        }
    }
    (!padding && !data.is_multiple_of(4)).then_some((TransferFault::MissingPadding, data_end, None))
}

/// Lenient base64: ignores bytes outside the alphabet, treats `=` as the end of
/// a chunk (several padded chunks may follow one another), drops a dangling
/// sixth-bit remainder.
fn decode_base64_lenient(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() / 4 * 3);
    for chunk in raw.split(|&b| b == b'=') {
        let mut clean: Vec<u8> = chunk
            .iter()
            .copied()
            .filter(|&b| is_base64_alphabet(b))
            .collect();
        if clean.len() % 4 == 1 {
            clean.pop();
        }
        if let Some(decoded) = mail_parser::decoders::base64::base64_decode(&clean) {
            out.extend(decoded);
        }
    }
    out
}

/// The offset of the first `=` that starts neither `=XX` nor a soft line break
/// (RFC 2045 §6.7 rules 1 and 5; trailing white space before the break is
/// tolerated, rule 3).
fn first_qp_error(raw: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        if b == b'=' {
            let hex = raw
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
            if hex {
                i += 3;
                continue;
            }
            let rest = raw.get(i + 1..).unwrap_or_default();
            let ws = rest
                .iter()
                .take_while(|&&c| c == b' ' || c == b'\t')
                .count();
            let soft_break = matches!(rest.get(ws..), Some([] | [b'\n', ..] | [b'\r', b'\n', ..]));
            if !soft_break {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// Lenient quoted-printable: `=XX` is a byte, `=` before a line break joins the
/// lines, any other `=` is kept; trailing white space on a line is dropped
/// (RFC 2045 §6.7 rule 3). Line breaks are kept as written (CRLF or LF).
fn decode_qp_lenient(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    loop {
        let newline = rest.iter().position(|&b| b == b'\n');
        let (line, next) = match newline {
            Some(p) => (
                rest.get(..p).unwrap_or_default(),
                rest.get(p + 1..).unwrap_or_default(),
            ),
            None => (rest, &[][..]),
        };
        let (line, crlf) = match (newline, line.strip_suffix(b"\r")) {
            (Some(_), Some(stripped)) => (stripped, true),
            _ => (line, false),
        };
        let end = line
            .iter()
            .rposition(|&b| b != b' ' && b != b'\t')
            .map_or(0, |p| p + 1);
        let line = line.get(..end).unwrap_or_default();
        let (line, soft) = line.strip_suffix(b"=").map_or((line, false), |l| (l, true));
        let mut i = 0;
        while let Some(&b) = line.get(i) {
            if b == b'='
                && let Some(byte) = hex_pair(line.get(i + 1..i + 3))
            {
                out.push(byte);
                i += 3;
                continue;
            }
            out.push(b);
            i += 1;
        }
        if newline.is_none() {
            break;
        }
        if !soft {
            out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
        }
        rest = next;
    }
    out
}

/// Decodes a leaf body by its Content-Transfer-Encoding (lower-cased, trimmed).
/// Unknown encodings and `7bit`/`8bit`/`binary` return the bytes unchanged
/// (RFC 2045 §6.4 says an unknown encoding should be treated as binary). The
/// fault's offset is relative to `raw`; the caller places it.
pub(crate) fn decode(raw: &[u8], cte: Option<&str>) -> (Vec<u8>, Option<Fault>) {
    match cte {
        // The lenient decoder is exact on valid input and, unlike
        // mail-parser's, keeps the last bytes of unpadded data.
        Some("base64") => (
            decode_base64_lenient(raw),
            first_base64_fault(raw)
                .map(|(fault, at, byte)| (TransferKind::Base64, fault, at, byte)),
        ),
        Some("quoted-printable") => match first_qp_error(raw) {
            None => (
                mail_parser::decoders::quoted_printable::quoted_printable_decode(raw)
                    .unwrap_or_else(|| decode_qp_lenient(raw)),
                None,
            ),
            Some(at) => (
                decode_qp_lenient(raw),
                Some((
                    TransferKind::QuotedPrintable,
                    TransferFault::BadEscape,
                    at,
                    raw.get(at).copied(),
                )),
            ),
        },
        _ => (raw.to_vec(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_base64_decodes_with_line_breaks() {
        let (bytes, err) = decode(b"aGVsbG8g\r\nd29ybGQ=\r\n", Some("base64"));
        assert_eq!((bytes.as_slice(), err), (&b"hello world"[..], None));
    }

    #[test]
    fn base64_with_a_stray_byte_is_decoded_leniently_and_located() {
        let (bytes, err) = decode(b"aGVs!bG8=", Some("base64"));
        assert_eq!(bytes, b"hello");
        assert_eq!(
            err,
            Some((
                TransferKind::Base64,
                TransferFault::InvalidByte,
                4,
                Some(b'!')
            ))
        );
        // Data after padding: concatenated chunks still decode.
        let (bytes, err) = decode(b"aGk=\naGk=", Some("base64"));
        assert_eq!(bytes, b"hihi");
        assert_eq!(
            err,
            Some((
                TransferKind::Base64,
                TransferFault::DataAfterPadding,
                5,
                Some(b'a')
            ))
        );
    }

    #[test]
    fn unpadded_base64_keeps_its_last_bytes_and_is_reported() {
        // "zcrHysKhow" ends a GBK text in the letters corpus; mail-parser drops its last byte.
        let (bytes, err) = decode(b"aGVsbG8\r\n", Some("base64"));
        assert_eq!(bytes, b"hello");
        assert_eq!(
            err,
            Some((TransferKind::Base64, TransferFault::MissingPadding, 7, None))
        );
    }

    #[test]
    fn valid_qp_decodes_escapes_and_soft_breaks() {
        let (bytes, err) = decode(b"caf=C3=A9 =\r\nau lait  \r\nend", Some("quoted-printable"));
        assert_eq!(err, None);
        assert_eq!(bytes, "café au lait\r\nend".as_bytes());
    }

    #[test]
    fn invalid_qp_keeps_the_equals_sign_and_is_located() {
        let (bytes, err) = decode(b"a=ZZb=3D\nx==\n", Some("quoted-printable"));
        assert_eq!(
            err,
            Some((
                TransferKind::QuotedPrintable,
                TransferFault::BadEscape,
                1,
                Some(b'=')
            ))
        );
        assert_eq!(bytes, b"a=ZZb=\nx=");
        assert_eq!(decode_qp_lenient(b"a=\nb"), b"ab");
        assert_eq!(decode_qp_lenient(b"a\r\nb\r\n"), b"a\r\nb\r\n");
        assert_eq!(decode_qp_lenient(b"a\nb"), b"a\nb");
        assert_eq!(decode_qp_lenient(b""), b"");
    }

    #[test]
    fn other_encodings_pass_bytes_through() {
        assert_eq!(decode(b"=ZZ", Some("8bit")).0, b"=ZZ");
        assert_eq!(decode(b"=ZZ", Some("x-uuencode")).0, b"=ZZ");
        assert_eq!(decode(b"=ZZ", None).0, b"=ZZ");
    }
}
