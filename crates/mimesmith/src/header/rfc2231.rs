//! MIME parameters (RFC 2045 §5.1) and their RFC 2231 extensions: charset
//! and language in `name*=UTF-8''%E5%AD%A3…` (RFC 2231 §4) and
//! continuations `name*0*=…; name*1*=…` (RFC 2231 §3) for values too long
//! for one line.
//!
//! An encoded word is never allowed inside a parameter (RFC 2047 §5), but
//! Outlook and QQ Mail show only `filename="=?UTF-8?B?…?="`; with the
//! compatibility option (on by default) that form is written *as well as*
//! the RFC 2231 one, for `name` and `filename` only.

use super::HeaderStyle;
use super::content_type::is_token;
use super::encoded_word::{Context, MAX_LITERAL_WORD, encode_words};
use super::fold::{Folder, SOFT_LINE_LIMIT};
use crate::error::Result;

/// attribute-char (RFC 2231 §7): token characters other than `*`, `'`, `%`.
fn is_attribute_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b)
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Length of `bytes` percent-encoded (RFC 2231 §4).
fn pct_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .map(|&b| if is_attribute_char(b) { 1 } else { 3 })
        .sum()
}

fn push_pct(out: &mut Vec<u8>, bytes: &[u8]) {
    for &b in bytes {
        if is_attribute_char(b) {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        }
    }
}

fn quoted_len(value: &str) -> usize {
    value.len() + 2 + value.bytes().filter(|b| matches!(b, b'"' | b'\\')).count()
}

fn push_quoted(out: &mut Vec<u8>, value: &str) {
    out.push(b'"');
    for b in value.bytes() {
        if matches!(b, b'"' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// How parameters are written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ParamStyle {
    pub(crate) header: HeaderStyle,
    /// Also write the RFC 2047-in-quotes form of `name`/`filename` that
    /// Outlook reads.
    pub(crate) rfc2047_compat: bool,
}

/// The room a segment has on a continuation line: ` name*NN*=` before it
/// and `;` after it.
fn segment_room(name: &str, index: usize) -> usize {
    let digits = if index < 10 {
        1
    } else if index < 100 {
        2
    } else {
        3
    };
    SOFT_LINE_LIMIT.saturating_sub(1 + name.len() + 1 + digits + 2 + 1)
}

/// Writes `; name=value` in the simplest form that carries `value` exactly.
pub(crate) fn write_param(
    f: &mut Folder<'_>,
    name: &str,
    value: &str,
    ps: &ParamStyle,
    always_quote: bool,
    last: bool,
    context: &dyn Fn() -> String,
) -> Result<()> {
    // Room for the `;` that follows every parameter but the last.
    let after = usize::from(!last);
    let raw_ok = |c: char| {
        c == ' ' || c.is_ascii_graphic() || (ps.header.smtputf8 && !c.is_ascii() && !c.is_control())
    };
    // A value containing `=?` would be decoded as an encoded word by
    // parsers that decode inside quotes, and `;`, `"` and `\` inside quotes
    // are mishandled by naive parameter splitters (mailparse 0.16 cuts at
    // the `;`): percent-encoding keeps all of them literal everywhere.
    let plain =
        value.chars().all(raw_ok) && !value.contains("=?") && !value.contains([';', '"', '\\']);
    if plain && !always_quote && is_token(value) && value.len() <= MAX_LITERAL_WORD {
        f.glue(b";");
        f.push_with_trailing(b" ", name.len() + 1 + value.len(), after, |out| {
            out.extend_from_slice(name.as_bytes());
            out.push(b'=');
            out.extend_from_slice(value.as_bytes());
        });
        return Ok(());
    }
    if plain && name.len() + 1 + quoted_len(value) + 2 <= SOFT_LINE_LIMIT {
        f.glue(b";");
        f.push_with_trailing(b" ", name.len() + 1 + quoted_len(value), after, |out| {
            out.extend_from_slice(name.as_bytes());
            out.push(b'=');
            push_quoted(out, value);
        });
        return Ok(());
    }
    if plain && value.is_ascii() {
        // A long ASCII value: quoted continuations (RFC 2231 §3).
        let mut rest = value;
        let mut index = 0;
        while !rest.is_empty() || index == 0 {
            let room = segment_room(name, index).saturating_sub(2).max(1);
            let mut take = 0;
            let mut used = 0;
            for b in rest.bytes() {
                let w = if matches!(b, b'"' | b'\\') { 2 } else { 1 };
                if used + w > room && take > 0 {
                    break;
                }
                used += w;
                take += 1;
            }
            let (seg, tail) = rest.split_at(take);
            let head = format!("{name}*{index}=");
            f.glue(b";");
            let trailing = if tail.is_empty() { after } else { 1 };
            f.push_with_trailing(b" ", head.len() + quoted_len(seg), trailing, |out| {
                out.extend_from_slice(head.as_bytes());
                push_quoted(out, seg);
            });
            rest = tail;
            index += 1;
        }
        return Ok(());
    }
    // mailparse (0.16) decodes encoded words in the whole field before it
    // splits parameters, so a decoded `;` `"` or `\` cuts the value there.
    // Such a name gets its compatibility form in Content-Type `name=` only
    // (which Outlook and QQ Mail fall back to, and which keeps `eml lint`'s
    // filename-unencoded rule satisfied, issue 10 item 7), while
    // Content-Disposition carries it in RFC 2231 form alone, which every
    // parser reads whole.
    let compat = ps.rfc2047_compat
        && (name == "name" || (name == "filename" && !value.contains([';', '"', '\\'])));
    write_extended(f, name, value, ps, if compat { 1 } else { after }, context)?;
    if compat {
        write_compat(f, name, value, ps, after, context)?;
    }
    Ok(())
}

/// `name*=charset''value` or its continuations (RFC 2231 §3–4), each
/// segment cut between characters so that parsers that decode segments one
/// by one (the Rust `mailparse` and `mail-parser` crates) still read them.
fn write_extended(
    f: &mut Folder<'_>,
    name: &str,
    value: &str,
    ps: &ParamStyle,
    after: usize,
    context: &dyn Fn() -> String,
) -> Result<()> {
    let charset = ps.header.charset;
    let prefix_len = charset.name().len() + 2;
    let bytes = charset.encode(value, context)?;
    let whole = name.len() + 2 + prefix_len + pct_len(&bytes);
    if whole + 2 <= SOFT_LINE_LIMIT {
        f.glue(b";");
        f.push_with_trailing(b" ", whole, after, |out| {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"*=");
            out.extend_from_slice(charset.name().as_bytes());
            out.extend_from_slice(b"''");
            push_pct(out, &bytes);
        });
        return Ok(());
    }
    let mut rest = value;
    let mut index = 0;
    while !rest.is_empty() {
        let room =
            segment_room(name, index).saturating_sub(if index == 0 { prefix_len } else { 0 });
        // The longest run of whole characters whose encoding fits.
        let mut take = 0;
        for (i, c) in rest.char_indices() {
            let end = i + c.len_utf8();
            let seg = charset.encode(rest.get(..end).unwrap_or(rest), context)?;
            if pct_len(&seg) > room && take > 0 {
                break;
            }
            take = end;
        }
        let (seg, tail) = rest.split_at(take);
        let seg_bytes = charset.encode(seg, context)?;
        let head = format!("{name}*{index}*=");
        let len = head.len() + if index == 0 { prefix_len } else { 0 } + pct_len(&seg_bytes);
        f.glue(b";");
        let trailing = if tail.is_empty() { after } else { 1 };
        f.push_with_trailing(b" ", len, trailing, |out| {
            out.extend_from_slice(head.as_bytes());
            if index == 0 {
                out.extend_from_slice(charset.name().as_bytes());
                out.extend_from_slice(b"''");
            }
            push_pct(out, &seg_bytes);
        });
        rest = tail;
        index += 1;
    }
    Ok(())
}

/// `name="=?UTF-8?B?…?= =?UTF-8?B?…?="`, folded between the encoded words
/// (FWS may fold a quoted-string, RFC 5322 §3.2.4).
fn write_compat(
    f: &mut Folder<'_>,
    name: &str,
    value: &str,
    ps: &ParamStyle,
    after: usize,
    context: &dyn Fn() -> String,
) -> Result<()> {
    // Room for ` name="` before the first word and `";` after the last.
    let max_word = SOFT_LINE_LIMIT.saturating_sub(1 + name.len() + 2 + 2);
    let words = encode_words(value, Context::Phrase, ps.header.charset, max_word, context)?;
    let last = words.len().saturating_sub(1);
    f.glue(b";");
    for (i, word) in words.iter().enumerate() {
        let head = if i == 0 { name.len() + 2 } else { 0 };
        let len = head + word.len() + usize::from(i == last);
        f.push_with_trailing(b" ", len, if i == last { after } else { 0 }, |out| {
            if i == 0 {
                out.extend_from_slice(name.as_bytes());
                out.extend_from_slice(b"=\"");
            }
            out.extend_from_slice(word.as_bytes());
            if i == last {
                out.push(b'"');
            }
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::charset::Charset;

    fn style(compat: bool) -> ParamStyle {
        ParamStyle {
            header: HeaderStyle {
                charset: Charset::UTF_8,
                smtputf8: false,
            },
            rfc2047_compat: compat,
        }
    }

    fn disposition(value: &str, compat: bool) -> String {
        let mut out = Vec::new();
        let mut f = Folder::new(&mut out, "Content-Disposition");
        f.push(b" ", b"attachment");
        write_param(
            &mut f,
            "filename",
            value,
            &style(compat),
            true,
            true,
            &|| "filename".into(),
        )
        .unwrap();
        f.finish();
        String::from_utf8(out).unwrap()
    }

    /// Joins RFC 2231 segments (plain and extended) and percent-decodes.
    fn decode_2231(field: &str, name: &str) -> String {
        let unfolded = field.replace("\r\n", "");
        let mut segs: Vec<(usize, bool, String)> = Vec::new();
        for p in unfolded.split(';').skip(1) {
            let (k, v) = p.trim().split_once('=').unwrap();
            let Some(rest) = k.strip_prefix(name) else {
                continue;
            };
            if rest.is_empty() {
                continue;
            }
            let rest = rest.strip_prefix('*').unwrap();
            let (idx, ext) = match rest.strip_suffix('*') {
                Some(n) => (n.parse().unwrap_or(0), true),
                None if rest.is_empty() => (0, true),
                None => (rest.parse().unwrap(), false),
            };
            segs.push((idx, ext, v.to_owned()));
        }
        segs.sort_by_key(|s| s.0);
        let mut bytes = Vec::new();
        for (i, (idx, ext, v)) in segs.iter().enumerate() {
            assert_eq!(*idx, i);
            if *ext {
                let v = if i == 0 {
                    v.splitn(3, '\'').nth(2).unwrap()
                } else {
                    v.as_str()
                };
                let b = v.as_bytes();
                let mut k = 0;
                while k < b.len() {
                    if b[k] == b'%' {
                        bytes.push(u8::from_str_radix(&v[k + 1..k + 3], 16).unwrap());
                        k += 3;
                    } else {
                        bytes.push(b[k]);
                        k += 1;
                    }
                }
            } else {
                bytes.extend_from_slice(v.trim_matches('"').as_bytes());
            }
        }
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn ascii_names_are_quoted_strings() {
        assert_eq!(
            disposition("report (final).pdf", true),
            "Content-Disposition: attachment; filename=\"report (final).pdf\"\r\n"
        );
    }

    #[test]
    fn chinese_names_use_rfc2231_and_the_outlook_form() {
        let s = disposition("季度报告.pdf", true);
        assert!(
            s.contains("filename*=UTF-8''%E5%AD%A3%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf"),
            "{s}"
        );
        assert!(
            s.contains("filename=\"=?UTF-8?B?5a2j5bqm5oql5ZGKLnBkZg==?=\""),
            "{s}"
        );
        let s = disposition("季度报告.pdf", false);
        assert!(!s.contains("=?"), "{s}");
    }

    #[test]
    fn long_names_continue_between_characters() {
        let name = "第三季度销售数据与分析报告（华东区、华南区、西南区）最终版本审阅稿".repeat(2)
            + ".xlsx";
        let s = disposition(&name, false);
        for line in s.trim_end().split("\r\n") {
            assert!(line.len() <= SOFT_LINE_LIMIT, "{line}");
        }
        assert!(s.contains("filename*0*=UTF-8''"), "{s}");
        assert!(s.contains("filename*1*="), "{s}");
        // Every segment decodes on its own: none starts or ends inside a character.
        for seg in s
            .replace("\r\n", "")
            .split(';')
            .filter(|p| p.contains("filename*"))
        {
            let v = seg.split_once('=').unwrap().1;
            let v = v.rsplit('\'').next().unwrap();
            let bytes: Vec<u8> = v
                .split('%')
                .enumerate()
                .flat_map(|(i, p)| {
                    if i == 0 {
                        p.as_bytes().to_vec()
                    } else {
                        let mut b = vec![u8::from_str_radix(&p[..2], 16).unwrap()];
                        b.extend_from_slice(&p.as_bytes()[2..]);
                        b
                    }
                })
                .collect();
            assert!(
                String::from_utf8(bytes).is_ok(),
                "segment cut inside a character: {seg}"
            );
        }
        assert_eq!(decode_2231(&s, "filename"), name);
    }

    #[test]
    fn long_ascii_names_continue_too() {
        let name = "a very long file name with spaces ".repeat(5) + ".txt";
        let s = disposition(&name, true);
        for line in s.trim_end().split("\r\n") {
            assert!(line.len() <= SOFT_LINE_LIMIT, "{line}");
        }
        assert_eq!(decode_2231(&s, "filename"), name);
        assert!(!s.contains("=?"));
    }

    #[test]
    fn quoting_specials_are_percent_encoded() {
        let s = disposition("a;b\"c\\.txt", false);
        assert!(s.contains("filename*=UTF-8''a%3Bb%22c%5C.txt"), "{s}");
    }

    #[test]
    fn encoded_word_lookalikes_are_percent_encoded() {
        let s = disposition("=?UTF-8?B?5byg?=", false);
        assert!(
            s.contains("filename*=UTF-8''%3D%3FUTF-8%3FB%3F5byg%3F%3D"),
            "{s}"
        );
    }

    #[test]
    fn controls_in_names_are_percent_encoded() {
        let s = disposition("a\tb\u{1}.txt", false);
        assert!(s.contains("filename*=UTF-8''a%09b%01.txt"), "{s}");
    }

    #[test]
    fn compat_form_of_a_long_name_folds_between_words() {
        let name = "北京某某科技有限公司客户服务中心华东区季度报告汇总".repeat(2) + ".pdf";
        let s = disposition(&name, true);
        for line in s.trim_end().split("\r\n") {
            assert!(line.len() <= SOFT_LINE_LIMIT, "{line}");
        }
        let compat = s.replace("\r\n", "");
        let start = compat.find("filename=\"").unwrap();
        assert!(compat[start..].trim_end().ends_with("?=\""), "{compat}");
    }
}
