//! Output charsets: UTF-8, and the legacy charsets that old clients of
//! Chinese, Japanese and Korean recipients still expect, through encoding_rs.
//!
//! encoding_rs follows the WHATWG Encoding Standard, whose labels do not all
//! mean what the MIME charset registry means: `iso-8859-1` and `us-ascii`
//! are windows-1252 there, and `gb2312` is GBK. We write the MIME name the
//! caller asked for, so those three are checked strictly here: a character
//! outside the named charset is an error, never a silently wider encoding.
//! encoding_rs's own `encode` replaces unmappable characters with HTML
//! numeric references; we use the `without_replacement` API so that an
//! unmappable character is an error naming it, never a silent substitute.

use std::borrow::Cow;

use encoding_rs::{EncoderResult, Encoding};

use crate::error::{Error, Result};

/// How the bytes of a charset are produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Utf8,
    /// US-ASCII: only code points below 128 (RFC 2046 §4.1.2).
    Ascii,
    /// ISO-8859-1: code points below 256, one octet each.
    Latin1,
    /// An encoding_rs encoder, used as is.
    Encoder(&'static Encoding),
    /// GB2312 (EUC-CN): GBK output restricted to the GB2312 ranges
    /// (lead and trail octets 0xA1–0xFE, lead at most 0xF7).
    Gb2312,
}

/// A charset the builder can write headers and text bodies in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charset {
    kind: Kind,
    name: &'static str,
}

impl Default for Charset {
    fn default() -> Self {
        Self::UTF_8
    }
}

/// The charsets we write, by the MIME name we write for them, with the
/// encoding_rs encoding behind each.
const TABLE: &[(&str, &Encoding)] = &[
    ("GB18030", encoding_rs::GB18030),
    ("GBK", encoding_rs::GBK),
    ("Big5", encoding_rs::BIG5),
    ("ISO-2022-JP", encoding_rs::ISO_2022_JP),
    ("Shift_JIS", encoding_rs::SHIFT_JIS),
    ("EUC-JP", encoding_rs::EUC_JP),
    ("EUC-KR", encoding_rs::EUC_KR),
    ("KOI8-R", encoding_rs::KOI8_R),
    ("KOI8-U", encoding_rs::KOI8_U),
    ("ISO-8859-2", encoding_rs::ISO_8859_2),
    ("ISO-8859-3", encoding_rs::ISO_8859_3),
    ("ISO-8859-4", encoding_rs::ISO_8859_4),
    ("ISO-8859-5", encoding_rs::ISO_8859_5),
    ("ISO-8859-6", encoding_rs::ISO_8859_6),
    ("ISO-8859-7", encoding_rs::ISO_8859_7),
    ("ISO-8859-8", encoding_rs::ISO_8859_8),
    ("ISO-8859-10", encoding_rs::ISO_8859_10),
    ("ISO-8859-13", encoding_rs::ISO_8859_13),
    ("ISO-8859-14", encoding_rs::ISO_8859_14),
    ("ISO-8859-15", encoding_rs::ISO_8859_15),
    ("ISO-8859-16", encoding_rs::ISO_8859_16),
    ("windows-1250", encoding_rs::WINDOWS_1250),
    ("windows-1251", encoding_rs::WINDOWS_1251),
    ("windows-1252", encoding_rs::WINDOWS_1252),
    ("windows-1253", encoding_rs::WINDOWS_1253),
    ("windows-1254", encoding_rs::WINDOWS_1254),
    ("windows-1255", encoding_rs::WINDOWS_1255),
    ("windows-1256", encoding_rs::WINDOWS_1256),
    ("windows-1257", encoding_rs::WINDOWS_1257),
    ("windows-1258", encoding_rs::WINDOWS_1258),
];

impl Charset {
    /// UTF-8 (RFC 3629), the default for headers and bodies.
    pub const UTF_8: Self = Self {
        kind: Kind::Utf8,
        name: "UTF-8",
    };
    /// US-ASCII.
    pub const US_ASCII: Self = Self {
        kind: Kind::Ascii,
        name: "US-ASCII",
    };
    /// GB18030: covers all of Unicode.
    pub const GB18030: Self = Self::encoder("GB18030", encoding_rs::GB18030);
    /// GBK (CP936).
    pub const GBK: Self = Self::encoder("GBK", encoding_rs::GBK);
    /// GB2312 (EUC-CN), checked strictly.
    pub const GB2312: Self = Self {
        kind: Kind::Gb2312,
        name: "GB2312",
    };
    /// Big5.
    pub const BIG5: Self = Self::encoder("Big5", encoding_rs::BIG5);
    /// ISO-2022-JP (RFC 1468), stateful 7-bit.
    pub const ISO_2022_JP: Self = Self::encoder("ISO-2022-JP", encoding_rs::ISO_2022_JP);
    /// Shift_JIS.
    pub const SHIFT_JIS: Self = Self::encoder("Shift_JIS", encoding_rs::SHIFT_JIS);
    /// EUC-KR.
    pub const EUC_KR: Self = Self::encoder("EUC-KR", encoding_rs::EUC_KR);

    const fn encoder(name: &'static str, encoding: &'static Encoding) -> Self {
        Self {
            kind: Kind::Encoder(encoding),
            name,
        }
    }

    /// Looks a charset up by any of its usual labels (`utf8`, `gb2312`,
    /// `cp936`, `sjis`, `ks_c_5601-1987`, …), case-insensitively.
    ///
    /// # Errors
    /// [`Error::UnknownCharset`] for a label we do not know or cannot write
    /// (UTF-16 and UTF-7 among them: not safe in MIME text, RFC 2152 §1).
    pub fn from_label(label: &str) -> Result<Self> {
        let trimmed = label.trim();
        let lower = trimmed.to_ascii_lowercase();
        match lower.as_str() {
            "utf-8" | "utf8" => return Ok(Self::UTF_8),
            "us-ascii" | "ascii" | "ansi_x3.4-1968" | "iso646-us" => return Ok(Self::US_ASCII),
            "iso-8859-1" | "iso8859-1" | "latin1" | "iso_8859-1" | "l1" => {
                return Ok(Self {
                    kind: Kind::Latin1,
                    name: "ISO-8859-1",
                });
            }
            "gb2312" | "euc-cn" | "x-gbk-2312" | "csgb2312" => return Ok(Self::GB2312),
            // Windows code page names that mail software writes but the
            // WHATWG label list lacks.
            "cp936" | "ms936" | "windows-936" => return Ok(Self::GBK),
            "cp950" | "ms950" | "windows-950" | "big5-hkscs" => return Ok(Self::BIG5),
            "cp932" | "ms932" | "windows-31j" | "windows-932" | "sjis" | "x-sjis" => {
                return Ok(Self::SHIFT_JIS);
            }
            "cp949" | "ms949" | "windows-949" | "uhc" => return Ok(Self::EUC_KR),
            _ => {}
        }
        let unknown = || Error::UnknownCharset(trimmed.to_owned());
        let encoding = Encoding::for_label_no_replacement(lower.as_bytes()).ok_or_else(unknown)?;
        TABLE
            .iter()
            .find(|(_, e)| *e == encoding)
            .map(|&(name, e)| Self::encoder(name, e))
            .ok_or_else(unknown)
    }

    /// The name written in `charset=` parameters and encoded words.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// True for UTF-8.
    #[must_use]
    pub fn is_utf8(&self) -> bool {
        self.kind == Kind::Utf8
    }

    /// True when encoding a string piece by piece and concatenating gives
    /// the same bytes as encoding it whole (false for ISO-2022-JP, whose
    /// escape sequences carry state).
    #[must_use]
    pub fn is_stateless(&self) -> bool {
        !matches!(self.kind, Kind::Encoder(e) if e == encoding_rs::ISO_2022_JP)
    }

    /// Encodes `text` in this charset; `context` names where the text goes,
    /// for the error.
    ///
    /// # Errors
    /// [`Error::Unrepresentable`] naming the first character that the
    /// charset cannot hold.
    pub fn encode<'t>(&self, text: &'t str, context: &dyn Fn() -> String) -> Result<Cow<'t, [u8]>> {
        let unrepresentable = |ch: char| Error::Unrepresentable {
            charset: self.name,
            ch,
            context: context(),
        };
        match self.kind {
            Kind::Utf8 => Ok(Cow::Borrowed(text.as_bytes())),
            Kind::Ascii => match text.chars().find(|c| !c.is_ascii()) {
                Some(ch) => Err(unrepresentable(ch)),
                None => Ok(Cow::Borrowed(text.as_bytes())),
            },
            Kind::Latin1 => {
                if text.is_ascii() {
                    return Ok(Cow::Borrowed(text.as_bytes()));
                }
                text.chars()
                    .map(|c| u8::try_from(u32::from(c)).map_err(|_| unrepresentable(c)))
                    .collect::<Result<Vec<u8>>>()
                    .map(Cow::Owned)
            }
            Kind::Encoder(encoding) => encode_strict(encoding, text).map_err(unrepresentable),
            Kind::Gb2312 => {
                let bytes = encode_strict(encoding_rs::GBK, text).map_err(unrepresentable)?;
                match first_outside_gb2312(text) {
                    Some(ch) => Err(unrepresentable(ch)),
                    None => Ok(bytes),
                }
            }
        }
    }
}

impl Charset {
    /// Like [`Charset::encode`], keeping a borrowed UTF-8 text borrowed and
    /// an owned one without a copy.
    ///
    /// # Errors
    /// As [`Charset::encode`].
    #[inline]
    pub fn encode_cow<'t>(
        &self,
        text: Cow<'t, str>,
        context: &dyn Fn() -> String,
    ) -> Result<Cow<'t, [u8]>> {
        if self.kind == Kind::Utf8 {
            // The text's own octets.
            return Ok(match text {
                Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
                Cow::Owned(s) => Cow::Owned(s.into_bytes()),
            });
        }
        match text {
            Cow::Borrowed(s) => self.encode(s, context),
            Cow::Owned(s) => match self.encode(&s, context)? {
                Cow::Borrowed(_) => Ok(Cow::Owned(s.into_bytes())),
                Cow::Owned(v) => Ok(Cow::Owned(v)),
            },
        }
    }
}

impl std::fmt::Display for Charset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl std::str::FromStr for Charset {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::from_label(s)
    }
}

/// Encodes with encoding_rs, refusing (not replacing) unmappable characters.
fn encode_strict(
    encoding: &'static Encoding,
    text: &str,
) -> std::result::Result<Cow<'static, [u8]>, char> {
    let mut encoder = encoding.new_encoder();
    let capacity = encoder
        .max_buffer_length_from_utf8_without_replacement(text.len())
        .unwrap_or(text.len().saturating_mul(4).saturating_add(16));
    let mut out = vec![0u8; capacity];
    let mut read = 0;
    let mut written = 0;
    loop {
        let rest = text.get(read..).unwrap_or_default();
        let dst = out.get_mut(written..).unwrap_or_default();
        let (result, r, w) = encoder.encode_from_utf8_without_replacement(rest, dst, true);
        read += r;
        written += w;
        match result {
            EncoderResult::InputEmpty => break,
            EncoderResult::Unmappable(ch) => return Err(ch),
            EncoderResult::OutputFull => out.resize(out.len().saturating_mul(2).max(16), 0),
        }
    }
    out.truncate(written);
    Ok(Cow::Owned(out))
}

/// The first character of `text` that GBK writes outside GB2312's ranges.
fn first_outside_gb2312(text: &str) -> Option<char> {
    let mut buf = [0u8; 4];
    text.chars().find(|&c| {
        if c.is_ascii() {
            return false;
        }
        match encode_strict(encoding_rs::GBK, c.encode_utf8(&mut buf)) {
            Ok(bytes) => !matches!(*bytes, [lead @ 0xA1..=0xF7, 0xA1..=0xFE] if lead != 0xA0),
            Err(_) => true,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> String {
        "Subject".to_owned()
    }

    #[test]
    fn labels_resolve_to_mime_names() {
        for (label, name) in [
            ("utf8", "UTF-8"),
            ("GB2312", "GB2312"),
            ("cp936", "GBK"),
            ("gb18030", "GB18030"),
            ("big5", "Big5"),
            ("iso-2022-jp", "ISO-2022-JP"),
            ("sjis", "Shift_JIS"),
            ("ks_c_5601-1987", "EUC-KR"),
            ("latin1", "ISO-8859-1"),
            ("us-ascii", "US-ASCII"),
            ("Windows-1252", "windows-1252"),
        ] {
            assert_eq!(Charset::from_label(label).unwrap().name(), name, "{label}");
        }
    }

    #[test]
    fn every_charset_name_is_a_short_token() {
        // The writer puts `charset=<name>` without the checks of write_param.
        let mut names: Vec<&str> = TABLE.iter().map(|(n, _)| *n).collect();
        names.extend(["UTF-8", "US-ASCII", "ISO-8859-1", "GB2312"]);
        for label in [
            "utf8", "ascii", "latin1", "gb2312", "cp936", "cp950", "sjis", "uhc",
        ] {
            names.push(Charset::from_label(label).unwrap().name());
        }
        for name in names {
            assert!(
                crate::header::content_type::is_token(name)
                    && !name.contains("=?")
                    && name.len() < 40,
                "{name}"
            );
        }
    }

    #[test]
    fn unknown_and_unwritable_charsets_are_errors() {
        for label in [
            "klingon",
            "utf-16",
            "utf-16le",
            "replacement",
            "x-user-defined",
            "",
        ] {
            assert!(
                matches!(Charset::from_label(label), Err(Error::UnknownCharset(_))),
                "{label}"
            );
        }
    }

    #[test]
    fn unmappable_character_is_named_never_replaced() {
        let err = Charset::GBK.encode("报告 😀", &ctx).unwrap_err();
        match err {
            Error::Unrepresentable {
                charset,
                ch,
                context,
            } => {
                assert_eq!((charset, ch, context.as_str()), ("GBK", '😀', "Subject"));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(Charset::SHIFT_JIS.encode("한국어", &ctx).is_err());
        assert!(Charset::US_ASCII.encode("café", &ctx).is_err());
        assert!(
            Charset::from_label("iso-8859-1")
                .unwrap()
                .encode("€", &ctx)
                .is_err()
        );
    }

    #[test]
    fn gb2312_refuses_gbk_only_characters() {
        // 镕 (U+9555) is in GBK but not in GB2312.
        assert_eq!(
            Charset::GB2312.encode("中文", &ctx).unwrap().as_ref(),
            b"\xd6\xd0\xce\xc4"
        );
        let err = Charset::GB2312.encode("朱镕基", &ctx).unwrap_err();
        assert!(
            matches!(err, Error::Unrepresentable { ch: '镕', .. }),
            "{err}"
        );
        assert!(Charset::GBK.encode("朱镕基", &ctx).is_ok());
    }

    #[test]
    fn legacy_charsets_round_trip_through_encoding_rs() {
        for (cs, text) in [
            (Charset::GB18030, "季度报告 😀"),
            (Charset::BIG5, "繁體中文"),
            (Charset::ISO_2022_JP, "日本語のテキスト"),
            (Charset::SHIFT_JIS, "日本語"),
            (Charset::EUC_KR, "한국어"),
        ] {
            let bytes = cs.encode(text, &ctx).unwrap();
            let enc = Encoding::for_label(cs.name().as_bytes()).unwrap();
            let (back, had_errors) = enc.decode_without_bom_handling(&bytes);
            assert!(!had_errors, "{cs}");
            assert_eq!(back, text, "{cs}");
        }
    }

    #[test]
    fn latin1_writes_one_octet_per_character() {
        let cs = Charset::from_label("ISO-8859-1").unwrap();
        assert_eq!(cs.encode("café", &ctx).unwrap().as_ref(), b"caf\xe9");
    }
}
