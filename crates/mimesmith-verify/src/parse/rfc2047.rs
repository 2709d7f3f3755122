//! Header field bodies to text: unfolding (RFC 5322 §2.2.3), RFC 2047 encoded
//! words, and raw 8-bit bytes.
//!
//! mail-parser decodes each encoded word on its own, so a multi-byte character
//! split across two words (forbidden by RFC 2047 §5(3), common in practice)
//! becomes two U+FFFD, and it reads raw 8-bit header bytes as lossy UTF-8. This
//! module decodes the way mail readers do instead: adjacent encoded words in
//! the same charset are joined *as bytes* before charset decoding (RFC 2047
//! §6.2 drops the white space between them), and raw 8-bit bytes that are not
//! UTF-8 (RFC 6532) are decoded with a hint charset (the message's body
//! charset) or a detected one.
//!
//! The scanner also reports every encoded word it saw ([`EncodedWord`]) with
//! its place in the raw bytes, so lint rules can check length (RFC 2047 §2),
//! validity (§4), split characters (§5(3)) and quoted strings (§5(3)).

use std::ops::Range;

use encoding_rs::Encoding;

use crate::charset;

/// RFC 2047 §2: an encoded word is at most 75 characters.
pub const MAX_ENCODED_WORD: usize = 75;

/// One encoded word `=?charset?X?payload?=` found in a raw field body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedWord {
    /// Byte range of the whole word (`=?` to `?=`) in the raw field body.
    pub range: Range<usize>,
    /// The charset as written, including any RFC 2231 `*language` suffix (RFC 2231 §5).
    pub charset: String,
    /// `b'B'` or `b'Q'` (upper-cased).
    pub encoding: u8,
    /// The payload decoded (base64 or Q) and the charset known.
    pub valid: bool,
    /// Decoding this word on its own fails, but joined with its neighbours in
    /// the same charset it decodes: a character was split across words.
    pub split_char: bool,
    /// The word sits inside a quoted string (between unescaped `"`).
    pub in_quotes: bool,
    /// The payload decodes, but its bytes are not valid in the word's charset
    /// even when joined with its neighbours (RFC 2047 §2: the text MUST be in
    /// the named charset).
    pub undecodable: bool,
    /// For an undecodable word: the charset its bytes are really in, when one
    /// CJK charset reads them clearly better than any other
    /// ([`crate::charset::weigh_cjk`]); the field's value then holds that
    /// reading.
    pub read_as: Option<&'static str>,
}

/// A field body decoded to text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DecodedField {
    /// Unfolded, encoded words decoded, literal outer whitespace trimmed.
    pub value: String,
    /// The charset raw 8-bit bytes were decoded with, when there were raw
    /// 8-bit bytes that are not UTF-8.
    pub raw_charset: Option<&'static str>,
    /// How the raw 8-bit bytes' charset was chosen, and on what evidence.
    pub raw_weighed: Option<charset::Weighed>,
    /// Every encoded word, in order.
    pub words: Vec<EncodedWord>,
}

fn is_wsp(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Tries to read an encoded word starting at `start` (which holds `=?`).
/// Returns the word's end and its parts. Linear in the bytes it looks at, and
/// it never looks past the next `?` of the payload.
fn word_at(raw: &[u8], start: usize) -> Option<(usize, &[u8], u8, &[u8])> {
    let rest = raw.get(start + 2..)?;
    let q1 = rest.iter().position(|&b| b == b'?' || is_wsp(b))?;
    let charset = rest.get(..q1)?;
    if charset.is_empty() || rest.get(q1) != Some(&b'?') {
        return None;
    }
    let encoding = rest.get(q1 + 1)?.to_ascii_uppercase();
    if !matches!(encoding, b'B' | b'Q') || rest.get(q1 + 2) != Some(&b'?') {
        return None;
    }
    let payload_start = q1 + 3;
    let after = rest.get(payload_start..)?;
    let len = after.iter().position(|&b| b == b'?' || is_wsp(b))?;
    if after.get(len..len + 2) != Some(b"?=") {
        return None;
    }
    let payload = after.get(..len)?;
    let end = start + 2 + payload_start + len + 2;
    Some((end, charset, encoding, payload))
}

/// Q encoding (RFC 2047 §4.2): `_` is space, `=XX` a byte. Returns the bytes and
/// whether every `=` was followed by two hex digits.
fn decode_q(payload: &[u8]) -> (Vec<u8>, bool) {
    let mut out = Vec::with_capacity(payload.len());
    let mut ok = true;
    let mut i = 0;
    while let Some(&b) = payload.get(i) {
        match b {
            b'_' => out.push(b' '),
            b'=' => {
                if let Some(byte) = super::transfer::hex_pair(payload.get(i + 1..i + 3)) {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                ok = false;
                out.push(b);
            }
            _ => out.push(b),
        }
        i += 1;
    }
    (out, ok)
}

/// B encoding (RFC 2047 §4.1): base64, padding optional in practice.
fn decode_b(payload: &[u8]) -> Option<Vec<u8>> {
    let unpadded = payload
        .strip_suffix(b"==")
        .or_else(|| payload.strip_suffix(b"="))
        .unwrap_or(payload);
    if unpadded.len() % 4 == 1 {
        return None;
    }
    mail_parser::decoders::base64::base64_decode(unpadded)
}

/// Decodes bytes with a charset label; `None` when the label is unknown.
fn decode_charset(bytes: &[u8], label: &str) -> Option<(String, bool)> {
    charset::decode_declared(bytes, label)
}

/// Raw (not encoded-word) header bytes to text: UTF-8 when valid (RFC 6532
/// §3.2), otherwise weighed by [`charset::weigh_raw`] with the hint charset
/// (the rest of the message's) as evidence. Returns the text, the charset
/// used for 8-bit bytes, and how it was chosen.
pub(crate) fn decode_raw(
    bytes: &[u8],
    hint: Option<&'static Encoding>,
) -> (String, Option<&'static str>, Option<charset::Weighed>) {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_owned(), None, None);
    }
    let (text, weighed) = charset::weigh_raw(bytes, hint);
    (text, Some(weighed.charset), Some(weighed))
}

/// A piece of the field body between encoded words, or a run of encoded words
/// in one charset.
enum Piece {
    Text(Vec<u8>),
    Words {
        charset: String,
        bytes: Vec<u8>,
        first_word: usize,
        count: usize,
    },
}

/// Decodes a raw field body (everything after the colon, folding kept).
#[must_use]
pub fn decode_field(raw: &[u8], hint: Option<&'static Encoding>) -> DecodedField {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut words: Vec<EncodedWord> = Vec::new();
    // Per word: its decoded bytes on their own, to find split characters.
    let mut word_bytes: Vec<Option<Vec<u8>>> = Vec::new();
    let mut text: Vec<u8> = Vec::new();
    // White space after the last encoded word, dropped if another word follows (RFC 2047 §6.2).
    let mut pending_ws: Vec<u8> = Vec::new();
    let mut last_was_word = false;
    let mut in_quotes = false;
    let mut escaped = false;
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        if b == b'='
            && raw.get(i + 1) == Some(&b'?')
            && let Some((end, charset_raw, encoding, payload)) = word_at(raw, i)
        {
            {
                let charset_label = String::from_utf8_lossy(charset_raw).into_owned();
                let decoded = if encoding == b'B' {
                    decode_b(payload).map(|d| (d, true))
                } else {
                    Some(decode_q(payload))
                };
                let known = charset::resolve_label(&charset_label).is_some()
                    || decode_charset(b"", &charset_label).is_some();
                let valid = known && decoded.as_ref().is_some_and(|(_, ok)| *ok);
                words.push(EncodedWord {
                    range: i..end,
                    charset: charset_label.clone(),
                    encoding,
                    valid,
                    split_char: false,
                    in_quotes,
                    undecodable: false,
                    read_as: None,
                });
                match decoded {
                    Some((bytes, _)) if known => {
                        if !last_was_word {
                            text.append(&mut pending_ws);
                        }
                        pending_ws.clear();
                        if !text.is_empty() {
                            pieces.push(Piece::Text(std::mem::take(&mut text)));
                        }
                        let index = words.len() - 1;
                        word_bytes.push(Some(bytes.clone()));
                        match pieces.last_mut() {
                            Some(Piece::Words {
                                charset,
                                bytes: joined,
                                count,
                                ..
                            }) if last_was_word && charset.eq_ignore_ascii_case(&charset_label) => {
                                joined.extend_from_slice(&bytes);
                                *count += 1;
                            }
                            _ => pieces.push(Piece::Words {
                                charset: charset_label,
                                bytes,
                                first_word: index,
                                count: 1,
                            }),
                        }
                        last_was_word = true;
                    }
                    _ => {
                        // Not decodable: keep it literally.
                        word_bytes.push(None);
                        text.append(&mut pending_ws);
                        text.extend_from_slice(raw.get(i..end).unwrap_or_default());
                        last_was_word = false;
                    }
                }
                i = end;
                continue;
            }
        }
        match b {
            b'\r' | b'\n' => {}
            b' ' | b'\t' if last_was_word => pending_ws.push(b),
            _ => {
                if b == b'"' && !escaped {
                    in_quotes = !in_quotes;
                }
                escaped = b == b'\\' && !escaped;
                text.append(&mut pending_ws);
                text.push(b);
                last_was_word = false;
            }
        }
        i += 1;
    }
    text.append(&mut pending_ws);
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }

    // Literal whitespace at either end of the field body is folding and
    // layout, not content (RFC 5322 §2.2.3); whitespace inside an encoded
    // word is content (RFC 2047 §5(1)) and stays.
    if let Some(Piece::Text(first)) = pieces.first_mut() {
        let n = first
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        first.drain(..n);
    }
    if let Some(Piece::Text(last)) = pieces.last_mut() {
        while matches!(last.last(), Some(b' ' | b'\t')) {
            last.pop();
        }
    }
    let mut value = String::new();
    let mut raw_charset = None;
    let mut raw_weighed: Option<charset::Weighed> = None;
    // The raw pieces of one field are weighed together: they are one text.
    let raw_bytes: Vec<u8> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Text(b) => Some(b.as_slice()),
            Piece::Words { .. } => None,
        })
        .flat_map(|b| b.iter().copied().chain(std::iter::once(b' ')))
        .collect();
    let field_hint = if std::str::from_utf8(&raw_bytes).is_err() {
        let (_, _, w) = decode_raw(&raw_bytes, hint);
        raw_weighed = w;
        raw_weighed
            .as_ref()
            .and_then(|w| Encoding::for_label(w.charset.as_bytes()))
            .or(hint)
    } else {
        hint
    };
    for piece in pieces {
        match piece {
            Piece::Text(bytes) => {
                let (s, used, _) = decode_raw(&bytes, field_hint);
                raw_charset = raw_charset.or(used);
                value.push_str(&s);
            }
            Piece::Words {
                charset,
                bytes,
                first_word,
                count,
            } => {
                let (mut joined, joined_errors) = decode_charset(&bytes, &charset)
                    .unwrap_or_else(|| (String::from_utf8_lossy(&bytes).into_owned(), true));
                // Bytes that are not in the word's charset: GBK labelled
                // UTF-8 is common. Offer the reading when it is clear.
                let mut read_as = None;
                if joined_errors
                    && let charset::Verdict::Clear(r) = charset::weigh_cjk(&bytes, None)
                {
                    read_as = Some(r.encoding.name());
                    joined = r.text;
                }
                value.push_str(&joined);
                for w in words.iter_mut().skip(first_word).take(count) {
                    w.read_as = read_as;
                }
                mark_split_chars(
                    &mut words,
                    &word_bytes,
                    first_word..first_word + count,
                    &charset,
                    joined_errors,
                );
            }
        }
    }
    DecodedField {
        value,
        raw_charset,
        raw_weighed,
        words,
    }
}

/// For a run of words joined into one charset decode: when the run decodes
/// cleanly, the words that do not decode on their own split a character
/// (RFC 2047 §5(3)); when it does not, those words are undecodable.
fn mark_split_chars(
    words: &mut [EncodedWord],
    word_bytes: &[Option<Vec<u8>>],
    run: Range<usize>,
    charset: &str,
    joined_errors: bool,
) {
    for index in run {
        if let (Some(word), Some(Some(bytes))) = (words.get_mut(index), word_bytes.get(index))
            && let Some((_, errors)) = decode_charset(bytes, charset)
        {
            if joined_errors {
                word.undecodable = errors;
            } else {
                word.split_char = errors;
            }
        }
    }
}

/// Unfolds a raw field body (RFC 5322 §2.2.3: CRLF followed by WSP is removed)
/// without decoding anything; stray CR and LF are removed too.
#[must_use]
pub fn unfold(raw: &[u8]) -> Vec<u8> {
    raw.iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(raw: &str) -> String {
        decode_field(raw.as_bytes(), None).value
    }

    #[test]
    fn plain_and_folded_text_is_unfolded() {
        assert_eq!(value(" Hello\r\n world "), "Hello world");
        assert_eq!(value(" a\n\tb"), "a\tb");
    }

    #[test]
    fn encoded_words_decode_and_adjacent_white_space_is_dropped() {
        assert_eq!(
            value(" =?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?="),
            "Keld Jørn Simonsen"
        );
        assert_eq!(value(" =?utf-8?B?w6k=?= =?utf-8?B?w6k=?="), "éé");
        assert_eq!(value(" (=?ISO-8859-1?Q?a?= b)"), "(a b)");
        assert_eq!(value(" =?UTF-8?Q?a?=\r\n =?UTF-8?Q?b?="), "ab");
        assert_eq!(value(" x =?utf-8?q?y?= z"), "x y z");
    }

    #[test]
    fn a_character_split_across_words_is_joined_and_reported() {
        // "中" is E4 B8 AD in UTF-8; split after the first byte.
        let d = decode_field(b" =?utf-8?B?5A==?= =?utf-8?B?uK0=?=", None);
        assert_eq!(d.value, "中");
        assert_eq!(d.words.len(), 2);
        assert!(d.words.iter().all(|w| w.split_char && w.valid));
        // GBK split the same way.
        let d = decode_field(b" =?gbk?Q?=D6?= =?GBK?Q?=D0?=", None);
        assert_eq!(d.value, "中");
        let d = decode_field(b" =?utf-8?B?5Lit?=", None);
        assert!(!d.words[0].split_char);
    }

    #[test]
    fn invalid_words_stay_literal_and_are_reported() {
        let d = decode_field(b" =?x-nonsense?Q?abc?= ok", None);
        assert_eq!(d.value, "=?x-nonsense?Q?abc?= ok");
        assert!(!d.words[0].valid);
        let d = decode_field(b" =?utf-8?B?####?=", None);
        assert!(!d.words[0].valid);
        assert_eq!(value(" =?utf-8?X?abc?="), "=?utf-8?X?abc?=");
        assert_eq!(value(" =?utf-8?Q?abc"), "=?utf-8?Q?abc");
    }

    #[test]
    fn words_in_quotes_are_marked() {
        let d = decode_field(
            b" \"=?utf-8?Q?Jos=C3=A9?=\" <j@example.com>, =?utf-8?Q?x?= <x@y>",
            None,
        );
        assert_eq!(d.value, "\"José\" <j@example.com>, x <x@y>");
        assert!(d.words[0].in_quotes);
        assert!(!d.words[1].in_quotes);
    }

    #[test]
    fn word_ranges_point_into_the_raw_bytes() {
        let raw = b" a =?utf-8?q?b?=";
        let d = decode_field(raw, None);
        assert_eq!(&raw[d.words[0].range.clone()], b"=?utf-8?q?b?=");
    }

    #[test]
    fn raw_8bit_uses_utf8_then_the_hint_then_detection() {
        let d = decode_field(" caf\u{e9}".as_bytes(), None);
        assert_eq!((d.value.as_str(), d.raw_charset), ("café", None));
        let (gbk, _, _) = encoding_rs::GBK.encode("中文邮件主题测试");
        let d = decode_field(&gbk, Some(encoding_rs::GBK));
        assert_eq!(
            (d.value.as_str(), d.raw_charset),
            ("中文邮件主题测试", Some("GBK"))
        );
        let d = decode_field(&gbk, None);
        assert_eq!(d.value, "中文邮件主题测试");
    }

    #[test]
    fn pathological_input_is_linear() {
        let mut raw = Vec::new();
        for _ in 0..50_000 {
            raw.extend_from_slice(b"=?x?q?=?");
        }
        let start = std::time::Instant::now();
        let _ = decode_field(&raw, None);
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }
}
