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
//!
//! # What a legacy charset may carry
//!
//! A message is read by many decoders, not only by encoding_rs. The rule:
//! **what we write in a legacy charset decodes to the same text in
//! encoding_rs, in Python's codec of that name and in glibc's iconv, or the
//! character is an [`Error::Unrepresentable`] naming it.** Each character
//! is held to three tests:
//!
//! 1. encoding_rs's encoder maps it (no HTML reference, no `?`);
//! 2. encoding_rs's decoder reads those octets back as the same character.
//!    This refuses every one-way mapping of the WHATWG encoders: `¥` and
//!    `‾` written as 0x5C and 0x7E in Shift_JIS and EUC-JP, U+2212 written
//!    in the cell that reads as U+FF0D, half-width katakana that ISO-2022-JP
//!    writes as full-width ones, private-use characters GB18030-2022 moved;
//! 3. the octets lie in the part of the charset that Python's codec and
//!    glibc read the same way ([`Rule`]): the WHATWG indexes are the
//!    Microsoft code pages (CP932, CP936, CP949, CP950, windows-125x), wider
//!    than the registered charsets and, in a few cells, mapped differently.
//!
//! The exclusions of test 3 were measured, not guessed: the test
//! `tests/charset_repertoire.rs` encodes every Unicode scalar value in
//! every charset here and decodes the result with all three decoders.

use std::borrow::Cow;

use encoding_rs::{DecoderResult, EncoderResult, Encoding};

use crate::error::{Error, Result};

/// How the bytes of a charset are produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Utf8,
    /// US-ASCII: only code points below 128 (RFC 2046 §4.1.2).
    Ascii,
    /// ISO-8859-1: code points below 256, one octet each, except 27 of the
    /// C1 controls: encoding_rs, and so every WHATWG reader, reads
    /// ISO-8859-1 as windows-1252, where 0x80–0x9F are `€`, `‚`, … but for
    /// the five octets windows-1252 leaves undefined ([`latin1_holds`]).
    Latin1,
    /// An encoding_rs encoder, held to the charset's [`Rule`].
    Legacy(&'static Encoding, Rule),
}

/// The part of a legacy charset that encoding_rs, Python's codec and glibc
/// iconv all read the same way, as a test on the octets encoding_rs writes
/// for one character (after it has read them back as that character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Every octet the encoder writes (KOI8-R, ISO-8859-2…16): the three
    /// tables agree on the whole charset.
    All,
    /// GB18030, except the cells whose mapping GB18030-2022 (encoding_rs)
    /// changed from GB18030-2005 (Python) or that glibc maps its own way.
    Gb18030,
    /// GBK as CP936 defines it (Python's `gbk`, glibc's GBK): not 0x80 (the
    /// euro, a CP936 single-octet addition Python refuses), not the
    /// user-defined areas (private-use characters), not the cells GB18030
    /// later filled.
    Gbk,
    /// GB 2312 (EUC-CN): [`Rule::Gbk`] within GB 2312's rows (octets
    /// 0xA1–0xF7, 0xA1–0xFE), without GBK's additions to those rows and the
    /// two cells GBK maps differently (A1A4 `·`, A1AA `—`).
    Gb2312,
    /// Big5 proper (A140–A3BF, A440–C67E, C940–F9D5), without the ETEN and
    /// HKSCS extensions of CP950/encoding_rs and the eleven symbol cells
    /// that Python's table maps differently.
    Big5,
    /// JIS X 0208 in Shift_JIS form; also refuses `\` and `~`, which glibc
    /// reads as JIS X 0201 Roman `¥` and `‾`, the reading IANA's Shift_JIS
    /// registration gives them.
    ShiftJis,
    /// JIS X 0208 (and half-width katakana after SS2) in EUC-JP form.
    EucJp,
    /// JIS X 0208 between `ESC $ B` and `ESC ( B` (RFC 1468); also refuses
    /// ESC, SO and SI, which would change the decoder's state.
    Iso2022Jp,
    /// KS X 1001 (both octets 0xA1–0xFE), without CP949's extended Hangul
    /// and the Hangul filler A4D4, which Python reads as the start of an
    /// eight-octet jamo sequence (KS X 1001 annex 3).
    EucKr,
    /// KOI8-U (RFC 2319): encoding_rs's KOI8-U is KOI8-RU, whose 0xAE and
    /// 0xBE (`ў`, `Ў`) are box drawing characters in KOI8-U.
    Koi8U,
    /// A windows-125x code page: not U+0080–U+009F, which encoding_rs writes
    /// as the octets the code page leaves undefined (Python and glibc refuse
    /// them); and not `also`, octets a later revision added.
    Windows(Option<u8>),
}

/// Whether ISO-8859-1 holds `c`: below 256, and not a C1 control that
/// windows-1252 (encoding_rs's reading of the label) gives a character to;
/// 0x81, 0x8D, 0x8F, 0x90 and 0x9D are undefined there and read as the C1
/// controls themselves.
const fn latin1_holds(c: char) -> bool {
    match c {
        '\u{81}' | '\u{8D}' | '\u{8F}' | '\u{90}' | '\u{9D}' => true,
        '\u{80}'..='\u{9F}' => false,
        _ => (c as u32) < 0x100,
    }
}

/// A JIS X 0208 row–cell (kuten) pair.
type Kuten = (u8, u8);

/// JIS X 0208 cells that CP932 (encoding_rs's index) and JIS X 0208 as
/// Python and glibc read it map to different characters: 1-33 `〜` (U+FF5E
/// / U+301C), 1-34 `‖` (U+2225 / U+2016), 1-61 `−` (U+FF0D / U+2212), 1-81
/// `¢` (U+FFE0 / U+00A2), 1-82 `£` (U+FFE1 / U+00A3), 2-44 `¬` (U+FFE2 /
/// U+00AC).
const JIS_DISPUTED: [Kuten; 6] = [(1, 33), (1, 34), (1, 61), (1, 81), (1, 82), (2, 44)];

/// True for a JIS X 0208 cell all three decoders read the same way: rows
/// 1–8 and 16–84 of the standard, not NEC's row 13 nor the IBM extensions
/// of rows 89–92 and 115–119 that CP932 adds (`①`, `髙`).
fn jis0208_holds(row: u8, cell: u8) -> bool {
    matches!(row, 1..=8 | 16..=84) && !JIS_DISPUTED.contains(&(row, cell))
}

/// The two-octet cells of GB18030 whose readings differ: encoding_rs
/// (GB18030-2022) reads A6D9–A6DF, A6EC–A6ED, A6F3, A8BC, FE59, FE61,
/// FE66–FE67, FE6D, FE7E, FE90 and FEA0 as standard characters where
/// Python (GB18030-2005) reads private-use ones, and glibc reads FE51–FE53,
/// FE6C, FE76 and FE91 as CJK Extension B ideographs where the other two
/// read private-use ones.
const GB18030_DISPUTED: [u16; 25] = [
    0xA6D9, 0xA6DA, 0xA6DB, 0xA6DC, 0xA6DD, 0xA6DE, 0xA6DF, 0xA6EC, 0xA6ED, 0xA6F3, 0xA8BC, 0xFE51,
    0xFE52, 0xFE53, 0xFE59, 0xFE61, 0xFE66, 0xFE67, 0xFE6C, 0xFE6D, 0xFE76, 0xFE7E, 0xFE90, 0xFE91,
    0xFEA0,
];

/// The four-octet GB18030 sequence that GB18030-2022 gives U+E7C7 and
/// GB18030-2005 gives U+1E3F (the swap of A8BC).
const GB18030_DISPUTED_4: [u8; 4] = [0x81, 0x35, 0xF4, 0x37];

/// True for the two-octet cells that GB18030 added to CP936 outside the
/// private-use ranges: Python's `gbk` and glibc's GBK refuse them.
fn gb18030_addition(code: u16) -> bool {
    matches!(
        code,
        0xA6D9..=0xA6DF | 0xA6EC..=0xA6ED | 0xA6F3 | 0xA8BC | 0xA8BF | 0xA989..=0xA995 | 0xFE50..=0xFEA0
    )
}

/// Big5 symbol cells that CP950 (encoding_rs) and the Big5 table of
/// Python's `big5` map to different characters (A145 `‧`/`•`, A1C2 `¯`/`‾`,
/// A241 `∕`/`／`, …).
const BIG5_DISPUTED: [u16; 11] = [
    0xA145, 0xA14E, 0xA1C2, 0xA1E3, 0xA1F2, 0xA1F3, 0xA241, 0xA242, 0xA244, 0xA246, 0xA247,
];

/// The private-use area of the BMP (Unicode §23.5): CP936's user-defined
/// areas map there, and only GB18030 defines them.
const fn is_private_use(c: char) -> bool {
    matches!(c, '\u{E000}'..='\u{F8FF}')
}

impl Rule {
    /// Whether an ASCII octet reads as itself in all three decoders.
    const fn holds_ascii(self, b: u8) -> bool {
        match self {
            Self::ShiftJis => !matches!(b, b'\\' | b'~'),
            Self::Iso2022Jp => !matches!(b, 0x0E | 0x0F | 0x1B),
            _ => true,
        }
    }

    /// The offset of the first ASCII octet of `ascii` that does not hold.
    fn first_unheld_ascii(self, ascii: &[u8]) -> Option<usize> {
        match self {
            Self::ShiftJis => memchr::memchr2(b'\\', b'~', ascii),
            Self::Iso2022Jp => memchr::memchr3(0x0E, 0x0F, 0x1B, ascii),
            _ => None,
        }
    }

    /// The length of the octet sequence at the start of `rest`, encoding_rs's
    /// output for a stateless charset: one character's octets.
    fn unit_len(self, rest: &[u8]) -> usize {
        match (self, rest) {
            (_, [0x00..=0x7F, ..]) => 1,
            (Self::Gb18030, [_, 0x30..=0x39, ..]) => 4,
            (Self::Gb18030 | Self::Gbk | Self::Gb2312, [0x80, ..]) => 1,
            (Self::ShiftJis, [0x80 | 0xA1..=0xDF, ..]) => 1,
            (Self::EucJp, [0x8F, ..]) => 3,
            (
                Self::Gb18030
                | Self::Gbk
                | Self::Gb2312
                | Self::Big5
                | Self::ShiftJis
                | Self::EucJp
                | Self::EucKr,
                _,
            ) => 2,
            _ => 1,
        }
    }

    /// [`Charset::holds`] for every character of `text` at once, given
    /// `out`, encoding_rs's octets for all of it: `out` reads back as `text`
    /// (test 2 for every character, one decoder pass), and each character's
    /// octets, found by walking `out` beside `text`, pass [`Rule::holds`].
    /// False when in doubt; the caller then tests character by character.
    fn holds_all(self, encoding: &'static Encoding, text: &str, out: &[u8]) -> bool {
        if !reads_back(encoding, out, text) {
            return false;
        }
        let mut rest = out;
        // ISO-2022-JP's state: whether two-octet JIS X 0208 is in force.
        let mut kanji = false;
        for c in text.chars() {
            if self == Self::Iso2022Jp {
                while let [0x1B, b'$' | b'(', designation, tail @ ..] = rest {
                    kanji = rest.get(1) == Some(&b'$') && *designation == b'B';
                    rest = tail;
                }
            }
            let len = if kanji { 2 } else { self.unit_len(rest) };
            let Some((unit, tail)) = rest.split_at_checked(len) else {
                return false;
            };
            rest = tail;
            let holds = match (c.is_ascii(), kanji, unit) {
                (true, false, _) => self.holds_ascii(c as u8),
                (false, true, &[row, cell]) => {
                    jis0208_holds(row.wrapping_sub(0x20), cell.wrapping_sub(0x20))
                }
                // A non-ASCII character in ISO-2022-JP's ASCII state is
                // JIS X 0201 Roman (`¥`, `‾`), as in `holds`.
                (false, false, _) if self == Self::Iso2022Jp => true,
                (false, false, _) => self.holds(c, unit),
                _ => false,
            };
            if !holds {
                return false;
            }
        }
        if self == Self::Iso2022Jp {
            // The closing `ESC ( B` (RFC 1468: the text ends in ASCII).
            rest = rest.strip_prefix(b"\x1b(B").unwrap_or(rest);
        }
        rest.is_empty()
    }

    /// Whether `bytes`, encoding_rs's octets for the non-ASCII `c` (which it
    /// reads back as `c`), lie where all three decoders agree.
    fn holds(self, c: char, bytes: &[u8]) -> bool {
        let pair = |b: &[u8]| match *b {
            [lead, trail] => Some(u16::from_be_bytes([lead, trail])),
            _ => None,
        };
        match self {
            Self::All => true,
            Self::Gb18030 => match bytes.len() {
                2 => pair(bytes).is_some_and(|code| !GB18030_DISPUTED.contains(&code)),
                _ => bytes != GB18030_DISPUTED_4,
            },
            Self::Gbk => {
                !is_private_use(c) && pair(bytes).is_some_and(|code| !gb18030_addition(code))
            }
            Self::Gb2312 => {
                matches!(*bytes, [0xA1..=0xF7, 0xA1..=0xFE])
                    && pair(bytes).is_some_and(|code| {
                        !matches!(
                            code,
                            0xA1A4 | 0xA1AA | 0xA2A1..=0xA2AA | 0xA6D9..=0xA6F5 | 0xA8BB..=0xA8C0
                        )
                    })
                    && Self::Gbk.holds(c, bytes)
            }
            Self::Big5 => pair(bytes).is_some_and(|code| {
                matches!(code, 0xA140..=0xA3BF | 0xA440..=0xC67E | 0xC940..=0xF9D5)
                    && !BIG5_DISPUTED.contains(&code)
            }),
            Self::ShiftJis => match *bytes {
                // Half-width katakana (JIS X 0201).
                [0xA1..=0xDF] => true,
                [lead @ (0x81..=0x9F | 0xE0..=0xEF), trail @ 0x40..=0xFC] => {
                    let pair_index = if lead <= 0x9F {
                        lead - 0x81
                    } else {
                        lead - 0xE0 + 31
                    };
                    let (row, cell) = match trail {
                        0x9F.. => (pair_index * 2 + 2, trail - 0x9E),
                        0x80.. => (pair_index * 2 + 1, trail - 0x40),
                        _ => (pair_index * 2 + 1, trail - 0x3F),
                    };
                    jis0208_holds(row, cell)
                }
                _ => false,
            },
            Self::EucJp => match *bytes {
                // SS2 and a half-width katakana.
                [0x8E, 0xA1..=0xDF] => true,
                [lead @ 0xA1..=0xFE, trail @ 0xA1..=0xFE] => {
                    jis0208_holds(lead - 0xA0, trail - 0xA0)
                }
                _ => false,
            },
            Self::Iso2022Jp => match *bytes {
                [0x1B, b'$', b'B', row, cell, ..] => {
                    jis0208_holds(row.wrapping_sub(0x20), cell.wrapping_sub(0x20))
                }
                // JIS X 0201 Roman (`¥`, `‾`), which all three read alike.
                [0x1B, b'(', b'J', ..] => true,
                _ => false,
            },
            Self::EucKr => matches!(*bytes, [0xA1..=0xFE, 0xA1..=0xFE]) && bytes != [0xA4, 0xD4],
            Self::Koi8U => !matches!(*bytes, [0xAE | 0xBE]),
            Self::Windows(also) => {
                !matches!(c, '\u{80}'..='\u{9F}') && also.is_none_or(|a| bytes != [a])
            }
        }
    }
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
/// encoding_rs encoding behind each and the rule that bounds it.
const TABLE: &[(&str, &Encoding, Rule)] = &[
    ("GB18030", encoding_rs::GB18030, Rule::Gb18030),
    ("GBK", encoding_rs::GBK, Rule::Gbk),
    ("Big5", encoding_rs::BIG5, Rule::Big5),
    ("ISO-2022-JP", encoding_rs::ISO_2022_JP, Rule::Iso2022Jp),
    ("Shift_JIS", encoding_rs::SHIFT_JIS, Rule::ShiftJis),
    ("EUC-JP", encoding_rs::EUC_JP, Rule::EucJp),
    ("EUC-KR", encoding_rs::EUC_KR, Rule::EucKr),
    ("KOI8-R", encoding_rs::KOI8_R, Rule::All),
    ("KOI8-U", encoding_rs::KOI8_U, Rule::Koi8U),
    ("ISO-8859-2", encoding_rs::ISO_8859_2, Rule::All),
    ("ISO-8859-3", encoding_rs::ISO_8859_3, Rule::All),
    ("ISO-8859-4", encoding_rs::ISO_8859_4, Rule::All),
    ("ISO-8859-5", encoding_rs::ISO_8859_5, Rule::All),
    ("ISO-8859-6", encoding_rs::ISO_8859_6, Rule::All),
    ("ISO-8859-7", encoding_rs::ISO_8859_7, Rule::All),
    ("ISO-8859-8", encoding_rs::ISO_8859_8, Rule::All),
    ("ISO-8859-10", encoding_rs::ISO_8859_10, Rule::All),
    ("ISO-8859-13", encoding_rs::ISO_8859_13, Rule::All),
    ("ISO-8859-14", encoding_rs::ISO_8859_14, Rule::All),
    ("ISO-8859-15", encoding_rs::ISO_8859_15, Rule::All),
    ("ISO-8859-16", encoding_rs::ISO_8859_16, Rule::All),
    (
        "windows-1250",
        encoding_rs::WINDOWS_1250,
        Rule::Windows(None),
    ),
    (
        "windows-1251",
        encoding_rs::WINDOWS_1251,
        Rule::Windows(None),
    ),
    (
        "windows-1252",
        encoding_rs::WINDOWS_1252,
        Rule::Windows(None),
    ),
    (
        "windows-1253",
        encoding_rs::WINDOWS_1253,
        Rule::Windows(None),
    ),
    (
        "windows-1254",
        encoding_rs::WINDOWS_1254,
        Rule::Windows(None),
    ),
    // 0xCA, U+05BA HEBREW POINT HOLAM HASER FOR VAV, added by Microsoft
    // after the tables of Python and glibc were made.
    (
        "windows-1255",
        encoding_rs::WINDOWS_1255,
        Rule::Windows(Some(0xCA)),
    ),
    (
        "windows-1256",
        encoding_rs::WINDOWS_1256,
        Rule::Windows(None),
    ),
    (
        "windows-1257",
        encoding_rs::WINDOWS_1257,
        Rule::Windows(None),
    ),
    (
        "windows-1258",
        encoding_rs::WINDOWS_1258,
        Rule::Windows(None),
    ),
];

/// The largest output of encoding_rs for one character: ISO-2022-JP's
/// `ESC $ B`, two octets and `ESC ( B`.
const MAX_CHAR_OCTETS: usize = 8;

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
    /// GB18030: all of Unicode except the few cells its editions disagree on.
    pub const GB18030: Self = Self::legacy("GB18030", encoding_rs::GB18030, Rule::Gb18030);
    /// GBK (CP936).
    pub const GBK: Self = Self::legacy("GBK", encoding_rs::GBK, Rule::Gbk);
    /// GB2312 (EUC-CN), checked strictly.
    pub const GB2312: Self = Self::legacy("GB2312", encoding_rs::GBK, Rule::Gb2312);
    /// Big5.
    pub const BIG5: Self = Self::legacy("Big5", encoding_rs::BIG5, Rule::Big5);
    /// ISO-2022-JP (RFC 1468), stateful 7-bit.
    pub const ISO_2022_JP: Self =
        Self::legacy("ISO-2022-JP", encoding_rs::ISO_2022_JP, Rule::Iso2022Jp);
    /// Shift_JIS.
    pub const SHIFT_JIS: Self = Self::legacy("Shift_JIS", encoding_rs::SHIFT_JIS, Rule::ShiftJis);
    /// EUC-JP.
    pub const EUC_JP: Self = Self::legacy("EUC-JP", encoding_rs::EUC_JP, Rule::EucJp);
    /// EUC-KR.
    pub const EUC_KR: Self = Self::legacy("EUC-KR", encoding_rs::EUC_KR, Rule::EucKr);

    const fn legacy(name: &'static str, encoding: &'static Encoding, rule: Rule) -> Self {
        Self {
            kind: Kind::Legacy(encoding, rule),
            name,
        }
    }

    /// Looks a charset up by any of its usual labels (`utf8`, `gb2312`,
    /// `cp936`, `sjis`, `ks_c_5601-1987`, …), case-insensitively.
    ///
    /// A Microsoft code page label (`cp932`, `cp949`, `cp950`) gives the
    /// registered charset we write its text under (Shift_JIS, EUC-KR,
    /// Big5), with that charset's repertoire.
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
            .find(|(_, e, _)| *e == encoding)
            .map(|&(name, e, rule)| Self::legacy(name, e, rule))
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
    /// escape sequences carry state). Each [`Charset::encode`] call is
    /// self-contained all the same: ISO-2022-JP output starts in ASCII and
    /// ends in ASCII (RFC 1468), so every encoded word decodes on its own.
    #[must_use]
    pub fn is_stateless(&self) -> bool {
        !matches!(self.kind, Kind::Legacy(_, Rule::Iso2022Jp))
    }

    /// Whether every decoder reads `c`, written in this charset, as `c`:
    /// the three tests of the module documentation.
    fn holds(&self, c: char) -> bool {
        match self.kind {
            Kind::Utf8 => true,
            Kind::Ascii => c.is_ascii(),
            Kind::Latin1 => latin1_holds(c),
            Kind::Legacy(_, rule) if c.is_ascii() => rule.holds_ascii(c as u8),
            Kind::Legacy(encoding, rule) => {
                let mut utf8 = [0u8; 4];
                let utf8 = c.encode_utf8(&mut utf8);
                let mut octets = [0u8; MAX_CHAR_OCTETS];
                let (result, _, written) = encoding
                    .new_encoder()
                    .encode_from_utf8_without_replacement(utf8, &mut octets, true);
                if !matches!(result, EncoderResult::InputEmpty) {
                    return false;
                }
                let octets = octets.get(..written).unwrap_or_default();
                let mut back = [0u8; 4 * MAX_CHAR_OCTETS];
                let (result, _, read_back) = encoding
                    .new_decoder_without_bom_handling()
                    .decode_to_utf8_without_replacement(octets, &mut back, true);
                matches!(result, DecoderResult::InputEmpty)
                    && back.get(..read_back) == Some(utf8.as_bytes())
                    && rule.holds(c, octets)
            }
        }
    }

    /// The first character of `text` that this charset does not hold.
    fn first_unheld(&self, text: &str) -> Option<char> {
        match self.kind {
            Kind::Utf8 => None,
            _ if text.is_ascii() => {
                let Kind::Legacy(_, rule) = self.kind else {
                    return None;
                };
                rule.first_unheld_ascii(text.as_bytes())
                    .and_then(|i| text.get(i..))
                    .and_then(|rest| rest.chars().next())
            }
            _ => text.chars().find(|&c| !self.holds(c)),
        }
    }

    /// A charset that holds `ch`: the next wider one of this charset's
    /// family, else UTF-8.
    fn instead(&self, ch: char) -> &'static str {
        let family: &[Self] = match self.kind {
            Kind::Legacy(_, Rule::Gb2312) => &[Self::GBK, Self::GB18030],
            Kind::Legacy(_, Rule::Gbk) => &[Self::GB18030],
            Kind::Legacy(_, Rule::Iso2022Jp | Rule::ShiftJis | Rule::EucJp) => {
                &[Self::ISO_2022_JP, Self::SHIFT_JIS, Self::EUC_JP]
            }
            _ => &[],
        };
        family
            .iter()
            .find(|cs| *cs != self && cs.holds(ch))
            .map_or(Self::UTF_8.name, Self::name)
    }

    fn unrepresentable(&self, ch: char, context: &dyn Fn() -> String) -> Error {
        Error::Unrepresentable {
            charset: self.name,
            ch,
            context: context(),
            instead: self.instead(ch),
        }
    }

    /// Checks that every character of `text` is one this charset holds,
    /// with the error [`Charset::encode`] would give. Free for UTF-8 and
    /// for ASCII text (nothing is allocated); a legacy charset's non-ASCII
    /// text costs an encoding.
    ///
    /// # Errors
    /// [`Error::Unrepresentable`] naming the first character that the
    /// charset cannot hold, or that some decoder would read differently.
    pub fn check(&self, text: &str, context: &dyn Fn() -> String) -> Result<()> {
        match self.kind {
            Kind::Utf8 => Ok(()),
            Kind::Legacy(..) if !text.is_ascii() => self.encode(text, context).map(drop),
            _ => match self.first_unheld(text) {
                Some(ch) => Err(self.unrepresentable(ch, context)),
                None => Ok(()),
            },
        }
    }

    /// Encodes `text` in this charset; `context` names where the text goes,
    /// for the error.
    ///
    /// # Errors
    /// [`Error::Unrepresentable`] naming the first character that the
    /// charset cannot hold, or that some decoder would read differently.
    pub fn encode<'t>(&self, text: &'t str, context: &dyn Fn() -> String) -> Result<Cow<'t, [u8]>> {
        match self.kind {
            Kind::Utf8 => return Ok(Cow::Borrowed(text.as_bytes())),
            Kind::Legacy(encoding, rule) if !text.is_ascii() => {
                // Encode once and check the whole output; only a refusal
                // goes character by character, to name the first culprit.
                if let Ok(out) = encode_strict(encoding, text)
                    && rule.holds_all(encoding, text, &out)
                {
                    return Ok(out);
                }
            }
            _ => {}
        }
        if let Some(ch) = self.first_unheld(text) {
            return Err(self.unrepresentable(ch, context));
        }
        match self.kind {
            Kind::Utf8 | Kind::Ascii => Ok(Cow::Borrowed(text.as_bytes())),
            // Every charset here writes ASCII as itself (ISO-2022-JP starts
            // in ASCII, RFC 1468).
            _ if text.is_ascii() => Ok(Cow::Borrowed(text.as_bytes())),
            Kind::Latin1 => text
                .chars()
                .map(|c| u8::try_from(u32::from(c)).map_err(|_| self.unrepresentable(c, context)))
                .collect::<Result<Vec<u8>>>()
                .map(Cow::Owned),
            Kind::Legacy(encoding, _) => {
                encode_strict(encoding, text).map_err(|ch| self.unrepresentable(ch, context))
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

/// Whether encoding_rs's decoder reads `octets` as exactly `text`, compared
/// a buffer at a time (no copy of the text is made).
fn reads_back(encoding: &'static Encoding, octets: &[u8], text: &str) -> bool {
    const CHUNK: usize = 1024;
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut buf = [0u8; CHUNK];
    let mut src = octets;
    let mut expected = text.as_bytes();
    loop {
        let (result, read, written) =
            decoder.decode_to_utf8_without_replacement(src, &mut buf, true);
        let (Some(got), Some((head, tail)), Some(rest)) = (
            buf.get(..written),
            expected.split_at_checked(written),
            src.get(read..),
        ) else {
            return false;
        };
        if got != head {
            return false;
        }
        (expected, src) = (tail, rest);
        match result {
            DecoderResult::InputEmpty => return expected.is_empty(),
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(..) => return false,
        }
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
        let mut names: Vec<&str> = TABLE.iter().map(|(n, _, _)| *n).collect();
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
                instead,
            } => {
                assert_eq!(
                    (charset, ch, context.as_str(), instead),
                    ("GBK", '😀', "Subject", "GB18030")
                );
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

    /// Every charset the builder writes.
    fn all_charsets() -> Vec<Charset> {
        let mut all: Vec<Charset> = TABLE
            .iter()
            .map(|&(name, e, rule)| Charset::legacy(name, e, rule))
            .collect();
        all.extend([
            Charset::GB2312,
            Charset::US_ASCII,
            Charset::from_label("latin1").unwrap(),
            Charset::UTF_8,
        ]);
        all
    }

    #[test]
    fn whole_text_check_agrees_with_the_per_character_rule() {
        // `encode` checks a whole text at once; the rule is per character.
        // Texts of characters each charset holds, with now and then one it
        // refuses, drawn from the hard cases by a fixed xorshift.
        let pool: Vec<char> = "aZ09 \\~\n\r¥‾€①髙ｶﾀ−－〜～‖∥¢£¬日本語かな한국어中文繁體镕·—ÀéЖў\
                               \u{80}\u{81}\u{9F}\u{E000}\u{E7C7}\u{1E3F}\u{FE10}\u{3164}😀\u{1B}\u{E}"
            .chars()
            .collect();
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            usize::try_from(seed % 1_000_003).unwrap()
        };
        for cs in all_charsets() {
            let (held, refused): (Vec<char>, Vec<char>) = pool.iter().partition(|&&c| cs.holds(c));
            for _ in 0..3000 {
                let len = 1 + next() % 16;
                let text: String = (0..len)
                    .map(|_| match next() % 16 {
                        0 if !refused.is_empty() => refused[next() % refused.len()],
                        _ => held[next() % held.len()],
                    })
                    .collect();
                let expected = text.chars().find(|&c| !cs.holds(c));
                let encoded = cs.encode(&text, &ctx);
                let checked = cs.check(&text, &ctx);
                match (expected, encoded, checked) {
                    (None, Ok(bytes), Ok(())) => {
                        let enc = Encoding::for_label(cs.name().as_bytes()).unwrap();
                        let back = enc.decode_without_bom_handling_and_without_replacement(&bytes);
                        assert_eq!(back.as_deref(), Some(text.as_str()), "{cs}");
                    }
                    (
                        Some(ch),
                        Err(Error::Unrepresentable { ch: e1, .. }),
                        Err(Error::Unrepresentable { ch: e2, .. }),
                    ) => assert_eq!((e1, e2), (ch, ch), "{cs} {text:?}"),
                    (expected, encoded, checked) => {
                        panic!(
                            "{cs} {text:?}: rule {expected:?}, encode {encoded:?}, check {checked:?}"
                        )
                    }
                }
            }
        }
    }

    #[test]
    fn latin1_writes_one_octet_per_character() {
        let cs = Charset::from_label("ISO-8859-1").unwrap();
        assert_eq!(cs.encode("café", &ctx).unwrap().as_ref(), b"caf\xe9");
    }
}
