//! MIME parameter values with RFC 2231 and RFC 2047 decoding, for
//! `filename`/`name`.
//!
//! mail-parser merges RFC 2231 continuations but decodes each `name*N*`
//! section on its own with only that section's charset, so a value whose
//! charset is given once in section 0 (as RFC 2231 §4.1 prescribes) and
//! continued in later sections is decoded as UTF-8 from section 1 on, and a
//! character whose percent-encoded bytes straddle two sections is broken.
//! Here the sections are joined as bytes in section order first and decoded
//! once with the charset of section 0 (RFC 2231 §3–4).
//!
//! Precedence follows what RFC 2231-aware readers do: an extended value
//! (`name*` or `name*0*`) wins over a plain `name`. A plain value with RFC 2047
//! encoded words inside (not allowed by RFC 2047 §5(3), but what Outlook and
//! others write) is decoded too.

use encoding_rs::Encoding;

use super::rfc2047;
use crate::charset;

/// One `attribute=value` as written, after unquoting.
struct RawParam {
    /// Attribute name, lower-cased, without any `*N`/`*` suffix.
    name: String,
    /// Section number for `name*N` / `name*N*` (RFC 2231 §3).
    section: Option<u32>,
    /// `name*` or `name*N*`: the value is `charset'lang'%XX…` (RFC 2231 §4).
    extended: bool,
    value: Vec<u8>,
}

/// Splits a Content-Type / Content-Disposition field body into parameters.
/// The type (`text/plain`, `attachment`) before the first `;` is skipped.
/// Comments (RFC 5322 §3.2.2) outside quoted strings are skipped.
fn split_params(raw: &[u8]) -> Vec<RawParam> {
    let unfolded = rfc2047::unfold(raw);
    let mut params = Vec::new();
    let mut i = unfolded
        .iter()
        .position(|&b| b == b';')
        .map_or(unfolded.len(), |p| p + 1);
    loop {
        // Skip separators and white space.
        while let Some(&b) = unfolded.get(i) {
            if b == b';' || b == b' ' || b == b'\t' {
                i += 1;
            } else if b == b'(' {
                i = skip_comment(&unfolded, i);
            } else {
                break;
            }
        }
        if i >= unfolded.len() {
            break;
        }
        // Attribute name up to '='.
        let name_start = i;
        while let Some(&b) = unfolded.get(i) {
            if b == b'=' || b == b';' {
                break;
            }
            i += 1;
        }
        let name = String::from_utf8_lossy(unfolded.get(name_start..i).unwrap_or_default())
            .trim()
            .to_ascii_lowercase();
        if unfolded.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while matches!(unfolded.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        let mut value = Vec::new();
        if unfolded.get(i) == Some(&b'"') {
            i += 1;
            while let Some(&b) = unfolded.get(i) {
                i += 1;
                match b {
                    b'"' => break,
                    b'\\' => {
                        if let Some(&next) = unfolded.get(i) {
                            value.push(next);
                            i += 1;
                        }
                    }
                    _ => value.push(b),
                }
            }
        } else {
            while let Some(&b) = unfolded.get(i) {
                if b == b';' {
                    break;
                }
                if b == b'(' {
                    i = skip_comment(&unfolded, i);
                    continue;
                }
                value.push(b);
                i += 1;
            }
            while value.last().is_some_and(|b| *b == b' ' || *b == b'\t') {
                value.pop();
            }
        }
        let (base, section, extended) = split_name(&name);
        params.push(RawParam {
            name: base,
            section,
            extended,
            value,
        });
    }
    params
}

/// How one parameter is written, for lint rules about the form rather than
/// the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamForm {
    /// Attribute name, lower-cased, without any `*N`/`*` suffix.
    pub name: String,
    /// Written as an RFC 2231 extended value (`name*` or `name*N*`).
    pub extended: bool,
    /// Written in RFC 2231 sections (`name*N`).
    pub section: Option<u32>,
    /// The value as written (unquoted, escapes removed).
    pub value: Vec<u8>,
}

impl ParamForm {
    /// The value holds raw 8-bit bytes.
    #[must_use]
    pub fn has_8bit(&self) -> bool {
        self.value.iter().any(|&b| b >= 0x80)
    }

    /// The value holds something that looks like an RFC 2047 encoded word.
    #[must_use]
    pub fn has_encoded_word(&self) -> bool {
        memchr::memmem::find(&self.value, b"=?").is_some()
    }
}

/// Every parameter of a raw Content-Type / Content-Disposition field body,
/// in order, as written.
#[must_use]
pub fn param_forms(raw: &[u8]) -> Vec<ParamForm> {
    split_params(raw)
        .into_iter()
        .map(|p| ParamForm {
            name: p.name,
            extended: p.extended,
            section: p.section,
            value: p.value,
        })
        .collect()
}

/// Skips a (possibly nested) comment starting at `start` (`(`); returns the index after it.
fn skip_comment(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        match b {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    i
}

/// `filename*1*` → (`filename`, Some(1), true); `name*` → (`name`, None, true).
fn split_name(name: &str) -> (String, Option<u32>, bool) {
    let (name, extended) = name.strip_suffix('*').map_or((name, false), |n| (n, true));
    if let Some((base, number)) = name.rsplit_once('*')
        && let Ok(section) = number.parse::<u32>()
    {
        return (base.to_owned(), Some(section), extended);
    }
    (name.to_owned(), None, extended)
}

/// Percent-decoding of an RFC 2231 extended value (RFC 2231 §4: `%XX`).
fn percent_decode(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while let Some(&b) = value.get(i) {
        if b == b'%'
            && let Some(byte) = super::transfer::hex_pair(value.get(i + 1..i + 3))
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    out
}

/// `charset'language'rest` → (charset, rest); `rest` alone when the quotes are missing.
fn split_charset(value: &[u8]) -> (Option<String>, &[u8]) {
    let mut parts = value.splitn(3, |&b| b == b'\'');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(charset), Some(_language), Some(rest)) => {
            let charset = String::from_utf8_lossy(charset).trim().to_owned();
            (Some(charset).filter(|c| !c.is_empty()), rest)
        }
        _ => (None, value),
    }
}

/// Decodes the parameter `name` of a raw Content-Type / Content-Disposition
/// field body, or `None` when it is absent.
pub fn decode_param(raw: &[u8], name: &str, hint: Option<&'static Encoding>) -> Option<String> {
    let params: Vec<RawParam> = split_params(raw)
        .into_iter()
        .filter(|p| p.name == name)
        .collect();
    if params.is_empty() {
        return None;
    }
    // RFC 2231 §4: `name*=charset'lang'value`.
    if let Some(p) = params.iter().find(|p| p.extended && p.section.is_none()) {
        let (charset, rest) = split_charset(&p.value);
        return Some(decode_bytes(
            &percent_decode(rest),
            charset.as_deref(),
            hint,
        ));
    }
    // RFC 2231 §3: continuations `name*0`, `name*1*`, … joined in section order.
    let mut sections: Vec<&RawParam> = params.iter().filter(|p| p.section.is_some()).collect();
    if !sections.is_empty() {
        sections.sort_by_key(|p| p.section);
        sections.dedup_by_key(|p| p.section);
        let mut bytes = Vec::new();
        let mut charset = None;
        let mut any_extended = false;
        for (index, p) in sections.iter().enumerate() {
            if p.extended {
                any_extended = true;
                let value = if index == 0 {
                    let (cs, rest) = split_charset(&p.value);
                    charset = cs;
                    rest
                } else {
                    &p.value[..]
                };
                bytes.extend(percent_decode(value));
            } else {
                bytes.extend_from_slice(&p.value);
            }
        }
        if any_extended {
            return Some(decode_bytes(&bytes, charset.as_deref(), hint));
        }
        // Plain continuations: may carry RFC 2047 words split across sections.
        return Some(rfc2047::decode_field(&bytes, hint).value);
    }
    let plain = params.first()?;
    Some(rfc2047::decode_field(&plain.value, hint).value)
}

/// An RFC 2231 §4 extended value with its charset label, weighed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledParam {
    /// The label as written.
    pub label: String,
    /// The bytes' reading under the label, or the better one.
    pub reading: charset::Labelled,
}

/// The RFC 2231 extended value (`name*` or `name*0*`…) of parameter `name`,
/// its sections joined as bytes (RFC 2231 §3), when it names a charset this
/// crate knows and holds 8-bit bytes.
#[must_use]
pub fn labelled_param(raw: &[u8], name: &str) -> Option<LabelledParam> {
    let params: Vec<RawParam> = split_params(raw)
        .into_iter()
        .filter(|p| p.name == name)
        .collect();
    let (label, bytes) = if let Some(p) = params.iter().find(|p| p.extended && p.section.is_none())
    {
        let (charset, rest) = split_charset(&p.value);
        (charset?, percent_decode(rest))
    } else {
        let mut sections: Vec<&RawParam> = params.iter().filter(|p| p.section.is_some()).collect();
        sections.sort_by_key(|p| p.section);
        sections.dedup_by_key(|p| p.section);
        let first = sections.first().filter(|p| p.extended)?;
        let (charset, _) = split_charset(&first.value);
        let mut bytes = Vec::new();
        for (index, p) in sections.iter().enumerate() {
            let value = if index == 0 {
                split_charset(&p.value).1
            } else {
                &p.value[..]
            };
            if p.extended {
                bytes.extend(percent_decode(value));
            } else {
                bytes.extend_from_slice(value);
            }
        }
        (charset?, bytes)
    };
    if !bytes.iter().any(|&b| b >= 0x80) || charset::decode_declared(b"", &label).is_none() {
        return None;
    }
    let reading = charset::decode_labelled(&bytes, &label);
    Some(LabelledParam { label, reading })
}

/// Charset-decodes RFC 2231 bytes: with the given charset when known and it
/// fits the bytes, else the charset that does ([`charset::decode_labelled`]);
/// otherwise as raw header bytes.
fn decode_bytes(bytes: &[u8], charset: Option<&str>, hint: Option<&'static Encoding>) -> String {
    match charset {
        Some(cs) if charset::decode_declared(b"", cs).is_some() => {
            charset::decode_labelled(bytes, cs).text
        }
        _ => rfc2047::decode_raw(bytes, hint).0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filename(raw: &str) -> Option<String> {
        decode_param(raw.as_bytes(), "filename", None)
    }

    #[test]
    fn plain_quoted_and_token_values() {
        assert_eq!(
            filename(" attachment; filename=\"a b.txt\""),
            Some("a b.txt".into())
        );
        assert_eq!(
            filename(" attachment; filename=a.txt ; size=3"),
            Some("a.txt".into())
        );
        assert_eq!(
            filename(" attachment;\r\n\tFILENAME=\"q\\\"x.txt\""),
            Some("q\"x.txt".into())
        );
        assert_eq!(
            filename(" attachment (c) ; filename=x (comment)"),
            Some("x".into())
        );
        assert_eq!(filename(" inline"), None);
    }

    #[test]
    fn rfc2231_extended_value_with_charset() {
        assert_eq!(
            filename(" attachment; filename*=UTF-8''%E4%B8%AD%E6%96%87.pdf"),
            Some("中文.pdf".into())
        );
        assert_eq!(
            filename(" attachment; filename*=iso-8859-1'fr'caf%E9.txt; filename=cafe.txt"),
            Some("café.txt".into())
        );
    }

    #[test]
    fn rfc2231_continuations_join_bytes_before_decoding() {
        // The charset is only in section 0; the GBK character straddles sections.
        assert_eq!(
            filename(" attachment; filename*1*=%D0%CE%C4.txt; filename*0*=gbk''%D6"),
            Some("中文.txt".into())
        );
        assert_eq!(
            filename(" attachment; filename*0=\"long \"; filename*1=\"name.txt\""),
            Some("long name.txt".into())
        );
    }

    #[test]
    fn rfc2047_inside_a_quoted_value_is_decoded() {
        assert_eq!(
            filename(" attachment; filename=\"=?utf-8?B?5Lit5paH?=.pdf\""),
            Some("中文.pdf".into())
        );
        assert_eq!(
            decode_param(
                b" text/plain; name*0=\"=?utf-8?B?5Lit\"; name*1=\"5paH?=\"",
                "name",
                None
            ),
            Some("中文".into())
        );
    }

    #[test]
    fn raw_8bit_values_use_utf8_or_the_hint() {
        assert_eq!(
            filename(" attachment; filename=\"résumé.pdf\""),
            Some("résumé.pdf".into())
        );
        let (gbk, _, _) = encoding_rs::GBK.encode(" attachment; filename=\"中文文件名称.doc\"");
        assert_eq!(
            decode_param(&gbk, "filename", Some(encoding_rs::GBK)),
            Some("中文文件名称.doc".into())
        );
    }

    #[test]
    fn garbage_does_not_panic() {
        for raw in [
            "",
            ";",
            "; =",
            "; a*=",
            "; a*0*='",
            "; filename*=''",
            "; filename=\"",
            "(((",
            "; filename*99999999999=x",
        ] {
            let _ = filename(raw);
        }
        assert_eq!(filename("; filename*0*=utf-8'"), Some("utf-8'".into()));
    }
}
