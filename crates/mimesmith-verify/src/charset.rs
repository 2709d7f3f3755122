//! Charsets: detection, checking a declared charset against the bytes, and
//! mojibake detection and repair.
//!
//! Built on [`chardetng`] (the detector Firefox uses) and [`encoding_rs`] (the
//! WHATWG Encoding Standard decoders). Labels are resolved the WHATWG way plus
//! a few aliases seen in mail (`cp936`, `euc-cn`, `cp949`, …); labels neither
//! knows but mail-parser decodes (`utf-7`, `ibm850`, …) fall back to
//! mail-parser's decoders.
//!
//! Three questions, three functions:
//! - *What is this?* [`detect`].
//! - *Is the label right?* [`check_declared`] (and [`decode_text`], which also
//!   chooses the text to show): the declared charset (RFC 2046 §4.1.2) fails to
//!   decode the bytes, or decodes them to implausible text, and which charset
//!   does decode them.
//! - *Was this text already garbled?* [`repair_mojibake`]: text whose bytes were
//!   decoded with the wrong charset and re-encoded, so the damage is in the
//!   characters themselves.
//!
//! Heuristics are deliberately one-sided: a finding needs strong evidence
//! (invalid bytes, valid UTF-8, or a confident multi-byte detection over enough
//! bytes). Disagreements *between single-byte charsets* (ISO-8859-1 vs -2, …)
//! are not reported: statistics over a short e-mail cannot tell them apart
//! reliably.

use encoding_rs::{
    BIG5, EUC_JP, EUC_KR, EncoderResult, GB18030, GBK, ISO_2022_JP, REPLACEMENT, SHIFT_JIS, UTF_8,
    UTF_16BE, UTF_16LE, WINDOWS_1252,
};
use serde::Serialize;

use crate::diag::{Code, Diagnostic};

pub use encoding_rs::Encoding;

/// Bytes fed to the detector at most; a prefix this long decides as well as the whole.
const DETECT_PREFIX: usize = 256 * 1024;
/// ESC starts ISO-2022 designations (RFC 1468 §2), so 7-bit text with ESC is not plain ASCII.
const ESC: u8 = 0x1B;
/// Non-ASCII bytes needed before a single-byte label is overruled by a CJK detection.
const MIN_BYTES_SINGLE_TO_CJK: usize = 8;
/// Non-ASCII bytes needed before one CJK label is overruled by another CJK detection.
const MIN_BYTES_CJK_TO_CJK: usize = 16;
/// Share of CJK characters (in per mille) among the non-ASCII characters of a detection
/// before it counts as CJK text.
const MIN_CJK_PER_MILLE: usize = 800;
/// Non-ASCII characters a CJK-reading mojibake candidate needs before it is repaired.
const MIN_CJK_MOJIBAKE_CHARS: usize = 3;
/// Share of common Han characters (in per mille) a CJK-reading repair must reach.
const MIN_COMMON_HAN_PER_MILLE: usize = 900;
/// Rounds of repair: text garbled twice (UTF-8 → Latin-1 → UTF-8 → Latin-1) is common enough.
const MAX_REPAIR_ROUNDS: usize = 2;

/// The name used in reports for text decoded by mail-parser's own decoder for a
/// label encoding_rs does not know.
const MAIL_PARSER_DECODER: &str = "mail-parser";

/// What [`detect`] thinks a byte string is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    /// The guessed encoding. ASCII-only input (without ESC) reports UTF-8: every
    /// ASCII-compatible charset decodes it identically.
    pub encoding: &'static Encoding,
    /// `true` when the guess is well supported: the input is valid UTF-8 (or
    /// ASCII), or chardetng scored its guess above at least one other candidate.
    pub confident: bool,
}

/// Guesses the encoding of `bytes`.
///
/// Valid UTF-8 is always UTF-8 (RFC 3629 §1: legacy text is very unlikely to be
/// valid UTF-8 by accident); otherwise chardetng decides, with UTF-8 allowed and
/// no top-level-domain hint.
#[must_use]
pub fn detect(bytes: &[u8]) -> Detected {
    let ascii = Encoding::ascii_valid_up_to(bytes) == bytes.len();
    if ascii && !bytes.contains(&ESC) {
        return Detected {
            encoding: UTF_8,
            confident: true,
        };
    }
    if std::str::from_utf8(bytes).is_ok() && !ascii {
        return Detected {
            encoding: UTF_8,
            confident: true,
        };
    }
    let mut detector = chardetng::EncodingDetector::new();
    match bytes.get(..DETECT_PREFIX) {
        Some(prefix) if prefix.len() < bytes.len() => {
            detector.feed(prefix, false);
        }
        _ => {
            detector.feed(bytes, true);
        }
    }
    let (encoding, confident) = detector.guess_assess(None, true);
    if ascii && encoding != ISO_2022_JP {
        // ESC without a valid ISO-2022-JP designation: still plain ASCII.
        return Detected {
            encoding: UTF_8,
            confident: true,
        };
    }
    Detected {
        encoding,
        confident,
    }
}

/// A charset label resolved to something that can decode.
#[derive(Clone, Copy)]
enum Resolved {
    /// An encoding_rs encoding.
    Encoding(&'static Encoding),
    /// mail-parser's decoder for a label encoding_rs does not know (UTF-7, IBM850, …).
    MailParser(mail_parser::decoders::charsets::DecoderFnc),
}

/// Strips quotes, whitespace and an RFC 2231 language suffix (`utf-8*en`) from a label.
fn clean_label(label: &str) -> &str {
    let label = label.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    label.split_once('*').map_or(label, |(charset, _)| charset)
}

/// Aliases seen in mail that the WHATWG label list lacks.
fn mail_alias(label: &str) -> Option<&'static Encoding> {
    let lower = label.to_ascii_lowercase();
    Some(match lower.as_str() {
        "cp936" | "ms936" | "windows-936" | "euc-cn" | "x-euc-cn" | "gb2312-80" | "x-gb2312" => GBK,
        "cp950" | "ms950" | "x-big5" | "big-5" | "big5hkscs" | "x-x-big5" => BIG5,
        "cp932" | "x-ms-cp932" | "shift-jis-2004" | "shiftjis" => SHIFT_JIS,
        "cp949" | "uhc" | "ks_c_5601" | "ks_c_5601-1989" | "x-windows-949" => EUC_KR,
        "iso-2022-jp-1" | "iso-2022-jp-2" | "iso-2022-jp-3" => ISO_2022_JP,
        "x-euc-jp" | "eucjp" => EUC_JP,
        "utf8mb4" => UTF_8,
        _ => return None,
    })
}

/// Resolves a charset label (RFC 2046 §4.1.2, IANA names and WHATWG labels) to
/// an encoding_rs encoding, or `None` when it names nothing encoding_rs can
/// decode (including labels WHATWG maps to the "replacement" encoding, such as
/// `iso-2022-kr`). `utf-16` without BOM is decoded big-endian unless the bytes
/// say otherwise (RFC 2781 §4.3).
#[must_use]
pub fn resolve_label(label: &str) -> Option<&'static Encoding> {
    let label = clean_label(label);
    if label.is_empty() {
        return None;
    }
    Encoding::for_label_no_replacement(label.as_bytes()).or_else(|| mail_alias(label))
}

fn resolve(label: &str) -> Option<Resolved> {
    if let Some(encoding) = resolve_label(label) {
        return Some(Resolved::Encoding(encoding));
    }
    let label = clean_label(label);
    if label.is_empty() || Encoding::for_label(label.as_bytes()) == Some(REPLACEMENT) {
        return None;
    }
    mail_parser::decoders::charsets::map::charset_decoder(label.as_bytes())
        .map(Resolved::MailParser)
}

/// `true` for the labels of US-ASCII (IANA), which WHATWG folds into windows-1252.
fn is_us_ascii_label(label: &str) -> bool {
    const US_ASCII: &[&str] = &[
        "us-ascii",
        "ascii",
        "us",
        "ansi_x3.4-1968",
        "ansi_x3.4-1986",
        "iso646-us",
        "iso-ir-6",
        "iso_646.irv:1991",
        "cp367",
        "ibm367",
        "csascii",
    ];
    let label = clean_label(label);
    US_ASCII.iter().any(|l| l.eq_ignore_ascii_case(label))
}

/// `true` for labels that name GB 2312 itself (EUC-CN) rather than GBK or GB 18030.
fn is_gb2312_label(label: &str) -> bool {
    let label = clean_label(label).to_ascii_lowercase();
    label.contains("2312")
        || label.contains("euc-cn")
        || label.contains("iso-ir-58")
        || label == "chinese"
}

/// `true` for labels that name GBK (not GB 18030).
fn is_gbk_label(label: &str) -> bool {
    let label = clean_label(label).to_ascii_lowercase();
    matches!(
        label.as_str(),
        "gbk" | "x-gbk" | "cp936" | "ms936" | "windows-936"
    )
}

/// Decodes with an encoding_rs encoding. A BOM overrides the label (WHATWG
/// "decode"); UTF-16 without a BOM is sniffed from where the NUL bytes sit.
fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> (String, bool) {
    let encoding =
        if (encoding == UTF_16LE || encoding == UTF_16BE) && Encoding::for_bom(bytes).is_none() {
            utf16_byte_order(bytes)
        } else {
            encoding
        };
    let (text, _, had_errors) = encoding.decode(bytes);
    (text.into_owned(), had_errors)
}

/// UTF-16 without a BOM: big-endian by default (RFC 2781 §4.3), little-endian
/// when NULs sit mostly at odd offsets (ASCII-range text in UTF-16LE).
fn utf16_byte_order(bytes: &[u8]) -> &'static Encoding {
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in bytes.chunks_exact(2) {
        if let [a, b] = pair {
            even += usize::from(*a == 0);
            odd += usize::from(*b == 0);
        }
    }
    if odd > even { UTF_16LE } else { UTF_16BE }
}

fn decode_resolved(resolved: Resolved, bytes: &[u8]) -> (String, bool) {
    match resolved {
        Resolved::Encoding(encoding) => decode_with(encoding, bytes),
        Resolved::MailParser(decoder) => {
            let text = decoder(bytes);
            let had_errors = text.contains('\u{FFFD}');
            (text, had_errors)
        }
    }
}

fn resolved_name(resolved: Resolved) -> &'static str {
    match resolved {
        Resolved::Encoding(encoding) => encoding.name(),
        Resolved::MailParser(_) => MAIL_PARSER_DECODER,
    }
}

/// Decodes `bytes` with the charset `label` names. Returns the text and whether
/// any byte sequence was malformed in that charset (replaced by U+FFFD), or
/// `None` when the label names no charset this crate can decode.
#[must_use]
pub fn decode_declared(bytes: &[u8], label: &str) -> Option<(String, bool)> {
    resolve(label).map(|resolved| decode_resolved(resolved, bytes))
}

/// Which CJK family an encoding belongs to; GBK and GB 18030 are one family
/// (encoding_rs decodes both with the GB 18030 decoder).
fn cjk_family(encoding: &'static Encoding) -> Option<u8> {
    if encoding == GBK || encoding == GB18030 {
        Some(1)
    } else if encoding == BIG5 {
        Some(2)
    } else if encoding == SHIFT_JIS {
        Some(3)
    } else if encoding == EUC_JP {
        Some(4)
    } else if encoding == ISO_2022_JP {
        Some(5)
    } else if encoding == EUC_KR {
        Some(6)
    } else {
        None
    }
}

/// Han, kana, Hangul and CJK punctuation: the characters CJK legacy charsets exist for.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF      // Hangul Jamo
        | 0x3000..=0x303F    // CJK symbols and punctuation
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3130..=0x318F    // Hangul compatibility Jamo
        | 0x31F0..=0x31FF    // Katakana phonetic extensions
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFF00..=0xFFEF    // Half-width and full-width forms
        | 0x20000..=0x2FFFF) // CJK extensions B–F
}

/// Characters a Latin-1 repair may produce: those of the scripts and
/// symbols mail is written in (Latin with accents, Greek, Cyrillic, CJK,
/// punctuation, symbols, emoji). Latin-1 text that is valid UTF-8 by chance
/// reads as C1 controls or letters of Latin extended-B, IPA or Armenian,
/// which real text does not hold.
fn plausible_repair(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_ascii()
            || is_cjk(c)
            || matches!(c as u32,
                0x00A0..=0x017F       // Latin-1 supplement, Latin extended-A
                | 0x0370..=0x03FF     // Greek
                | 0x0400..=0x04FF     // Cyrillic
                | 0x2000..=0x206F     // General punctuation (ZWJ included)
                | 0x20A0..=0x20CF     // Currency symbols
                | 0x2100..=0x21FF     // Letterlike symbols, number forms, arrows
                | 0x2460..=0x24FF     // Enclosed alphanumerics
                | 0x25A0..=0x27BF     // Geometric shapes, miscellaneous symbols, dingbats
                | 0xFE0F              // Emoji presentation selector
                | 0x1F300..=0x1FAFF) // Emoji
    })
}

/// Han ideographs (CJK unified, extension A, compatibility, extensions B–F).
fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// A Han character of the everyday sets: GB2312 (GBK with both octets in
/// A1–FE), Big5 level 1 (lead A4–C6), JIS X 0208 level 1 (Shift_JIS lead
/// 88–98) or the KS X 1001 hanja (EUC-KR lead CA–FD).
fn is_common_han(c: char) -> bool {
    let mut buf = [0u8; 4];
    let s: &str = c.encode_utf8(&mut buf);
    let pair = |encoding: &'static Encoding| -> Option<(u8, u8)> {
        let (bytes, _, errors) = encoding.encode(s);
        match (errors, bytes.as_ref()) {
            (false, &[lead, trail]) => Some((lead, trail)),
            _ => None,
        }
    };
    matches!(pair(GBK), Some((0xA1..=0xF7, 0xA1..=0xFE)))
        || matches!(pair(BIG5), Some((0xA4..=0xC6, _)))
        || matches!(pair(SHIFT_JIS), Some((0x88..=0x98, _)))
        || matches!(pair(EUC_KR), Some((0xCA..=0xFD, 0xA1..=0xFE)))
}

/// Common Han characters among the Han characters, in per mille (1000 for
/// text without Han).
fn common_han_per_mille(text: &str) -> usize {
    let (mut common, mut han) = (0usize, 0usize);
    for c in text.chars().filter(|&c| is_han(c)) {
        han += 1;
        common += usize::from(is_common_han(c));
    }
    (common * 1000).checked_div(han).unwrap_or(1000)
}

fn non_ascii_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_ascii()).count()
}

/// CJK characters among the non-ASCII characters, in per mille (0 for ASCII text).
fn cjk_per_mille(text: &str) -> usize {
    let (mut cjk, mut non_ascii) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        non_ascii += 1;
        cjk += usize::from(is_cjk(c));
    }
    (cjk * 1000).checked_div(non_ascii).unwrap_or(0)
}

/// Non-ASCII bytes below which a CJK reading is too little evidence when
/// another charset reads the same bytes about as well: two GBK characters are
/// also two Hangul syllables in EUC-KR and two Han characters in Big5.
const MIN_EVIDENCE_BYTES: usize = 8;
/// Plausibility (per mille) by which the best reading must beat the runner-up
/// when the evidence is thin.
const CLEAR_MARGIN: usize = 150;
/// Plausibility (per mille) by which another reading must beat the declared
/// charset's before the label is called wrong.
const OVERRULE_MARGIN: usize = 300;
/// Non-ASCII characters scored at most (the rest decides nothing new).
const MAX_SCORED_CHARS: usize = 4096;

/// The multi-byte charsets whose readings are weighed against each other
/// (GB 18030 reads as GBK here: the same family, the same two-byte table).
const CJK_CANDIDATES: [&Encoding; 6] = [GBK, BIG5, SHIFT_JIS, EUC_JP, ISO_2022_JP, EUC_KR];

/// One charset's reading of some bytes, and how plausible it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The charset.
    pub encoding: &'static Encoding,
    /// The bytes decoded with it (without errors).
    pub text: String,
    /// Plausibility in per mille: the share of its non-ASCII characters that
    /// are everyday characters *of that charset's own language* (GB 2312
    /// level 1 for GBK, Big5 level 1 for Big5, kana and JIS level 1 for the
    /// Japanese charsets, KS X 1001 Hangul for EUC-KR; their punctuation
    /// counts too; rarer levels and GB 2312's kana count less), halved for
    /// Japanese without a single kana.
    pub score: usize,
}

/// How everyday a character is in `encoding`'s language, in per mille: 1000
/// for its common set and punctuation, 500 for its rarer level, 0 for what
/// only a misreading produces there (Cyrillic in a GBK reading of Big5 bytes).
fn char_weight(encoding: &'static Encoding, c: char) -> usize {
    let mut buf = [0u8; 4];
    let s: &str = c.encode_utf8(&mut buf);
    let table = if encoding == ISO_2022_JP {
        EUC_JP
    } else {
        encoding
    };
    let (bytes, _, errors) = table.encode(s);
    let (lead, trail) = match (errors, bytes.as_ref()) {
        (false, &[lead, trail]) => (lead, trail),
        _ => return 0,
    };
    let gb2312_trail = (0xA1..=0xFE).contains(&trail);
    if table == GBK {
        match lead {
            0xA1..=0xA3 | 0xB0..=0xD7 if gb2312_trail => 1000,
            // Kana: GB 2312 has them, and Japanese is written in GBK too.
            0xA4 | 0xA5 if gb2312_trail => 700,
            0xD8..=0xF7 if gb2312_trail => 500,
            _ => 0,
        }
    } else if table == BIG5 {
        match lead {
            0xA1..=0xC6 => 1000, // symbols A1–A3, level 1 A4–C6
            0xC9..=0xF9 => 500,
            _ => 0,
        }
    } else if table == SHIFT_JIS {
        match lead {
            0x81..=0x83 | 0x88..=0x98 => 1000,
            0x99..=0x9F | 0xE0..=0xEA => 500,
            _ => 0,
        }
    } else if table == EUC_JP {
        match lead {
            0xA1..=0xA5 | 0xB0..=0xCF => 1000,
            0xD0..=0xF4 => 500,
            _ => 0,
        }
    } else if table == EUC_KR {
        match lead {
            0xA1..=0xA3 | 0xB0..=0xC8 => 1000,
            0xCA..=0xFD => 300,
            _ => 0,
        }
    } else {
        0
    }
}

fn score_reading(encoding: &'static Encoding, text: &str) -> usize {
    let (mut sum, mut n, mut kana, mut han) = (0usize, 0usize, 0usize, 0usize);
    for c in text
        .chars()
        .filter(|c| !c.is_ascii())
        .take(MAX_SCORED_CHARS)
    {
        n += 1;
        sum += char_weight(encoding, c);
        kana += usize::from(matches!(c as u32, 0x3040..=0x30FF));
        han += usize::from(is_han(c));
    }
    let score = sum.checked_div(n).unwrap_or(0);
    let japanese = encoding == SHIFT_JIS || encoding == EUC_JP || encoding == ISO_2022_JP;
    // Japanese prose is never all kanji: a reading without kana over more
    // than a few characters is another language's bytes.
    if japanese && kana == 0 && han > 3 {
        score / 2
    } else {
        score
    }
}

/// Every CJK charset's reading of `bytes` that decodes without errors, most
/// plausible first (ties keep [`CJK_CANDIDATES`] order).
#[must_use]
pub fn cjk_readings(bytes: &[u8]) -> Vec<Reading> {
    let mut out: Vec<Reading> = CJK_CANDIDATES
        .iter()
        .filter_map(|&encoding| {
            let (text, errors) = decode_with(encoding, bytes);
            (!errors && non_ascii_chars(&text) > 0).then(|| Reading {
                encoding,
                score: score_reading(encoding, &text),
                text,
            })
        })
        .collect();
    out.sort_by_key(|r| std::cmp::Reverse(r.score));
    out
}

/// What weighing the readings concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// One reading is clearly the most plausible.
    Clear(Reading),
    /// Too few bytes: these readings (the first is the detector's choice when it
    /// is among them) are about as plausible as each other.
    Thin(Vec<Reading>),
    /// No CJK charset reads the bytes plausibly.
    None,
}

/// Weighs the CJK readings of `bytes` (at least one must score 500 per mille),
/// with `preferred` (the label's choice, else the detector's) winning ties
/// within [`CLEAR_MARGIN`].
#[must_use]
pub fn weigh_cjk(bytes: &[u8], preferred: Option<&'static Encoding>) -> Verdict {
    // Without a preference, chardetng's (its character-pair frequencies tell
    // Korean from Chinese where both readings are everyday characters).
    let preferred =
        preferred.or_else(|| Some(detect(bytes).encoding).filter(|&e| cjk_family(e).is_some()));
    let mut readings = cjk_readings(bytes);
    let Some(best) = readings.first().map(|r| r.score) else {
        return Verdict::None;
    };
    if best < 500 {
        return Verdict::None;
    }
    let non_ascii = bytes.iter().filter(|&&b| b >= 0x80).count();
    let close: Vec<Reading> = readings
        .iter()
        .filter(|r| r.score + CLEAR_MARGIN > best)
        .cloned()
        .collect();
    if let Some(p) = preferred
        && let Some(i) = readings
            .iter()
            .position(|r| cjk_family(r.encoding) == cjk_family(p) && r.score + CLEAR_MARGIN > best)
    {
        let r = readings.remove(i);
        readings.insert(0, r);
    }
    let distinct_families = close
        .iter()
        .map(|r| cjk_family(r.encoding))
        .collect::<std::collections::HashSet<_>>()
        .len();
    if non_ascii < MIN_EVIDENCE_BYTES && distinct_families > 1 {
        let mut thin: Vec<Reading> = readings
            .into_iter()
            .filter(|r| r.score + CLEAR_MARGIN > best)
            .collect();
        thin.dedup_by(|a, b| a.text == b.text);
        return Verdict::Thin(thin);
    }
    readings
        .into_iter()
        .next()
        .map_or(Verdict::None, Verdict::Clear)
}

fn eight_bit_bytes(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b >= 0x80).count()
}

/// The evidence for reading `bytes` as `chosen`, in words: valid UTF-8, or
/// how much of the reading is everyday text in that charset's language
/// against the best reading of another family.
#[must_use]
pub fn evidence(bytes: &[u8], chosen: &'static Encoding) -> String {
    let n = eight_bit_bytes(bytes);
    if chosen == UTF_8 {
        return format!(
            "its {n} 8-bit bytes are valid UTF-8, which legacy text almost never is by chance"
        );
    }
    let readings = cjk_readings(bytes);
    let Some(own) = readings
        .iter()
        .find(|r| cjk_family(r.encoding) == cjk_family(chosen))
    else {
        return format!("{n} 8-bit bytes, which no CJK charset reads as everyday text");
    };
    let pct = |score: usize| score / 10;
    match readings
        .iter()
        .find(|r| cjk_family(r.encoding) != cjk_family(chosen))
    {
        Some(other) => format!(
            "{n} 8-bit bytes; {}% of the characters are everyday {} text, against {}% in {}",
            pct(own.score),
            chosen.name(),
            pct(other.score),
            other.encoding.name()
        ),
        None => format!(
            "{n} 8-bit bytes; {}% of the characters are everyday {} text, and no other CJK charset decodes them",
            pct(own.score),
            chosen.name()
        ),
    }
}

/// How raw 8-bit header bytes, or the bytes of an RFC 2231 parameter, were
/// read, and on what evidence.
///
/// Header fields are ASCII (RFC 5322 §2.2); raw UTF-8 is allowed only with
/// SMTPUTF8 (RFC 6532 §3.2), and legacy text belongs in encoded words
/// (RFC 2047 §5) or RFC 2231 §4 parameters, which name their charset. Bytes
/// sent raw name none, so the charset is weighed like a body's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Weighed {
    /// The charset the text was read with (the first reading when ambiguous).
    pub charset: &'static str,
    /// Why that charset, in words (see [`evidence`]).
    pub evidence: String,
    /// Too few bytes, and nothing else in the message to decide: these
    /// readings are about as plausible as each other. A repair must not pick one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ambiguous: Vec<Alternative>,
    /// The bytes alone were too few; the charset the rest of the message
    /// uses decided ([`settle_by_message`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub settled_by_message: bool,
}

/// Reads raw 8-bit bytes that are not UTF-8 (RFC 6532 §3.2) and name no
/// charset: a header field's value or a parameter's.
///
/// The rule, in order:
/// 1. `hint`, the charset the rest of the message uses (the one its parts
///    declare, else its header block's, when that was clear), when it
///    decodes the bytes, unless the bytes alone are enough evidence
///    ([`MIN_BYTES_CJK_TO_CJK`] 8-bit bytes, [`MIN_BYTES_SINGLE_TO_CJK`]
///    over a single-byte hint) and another family's reading beats the
///    hint's by [`OVERRULE_MARGIN`]: script consistency lets the message
///    decide what a short field cannot, but not overrule a long one.
/// 2. Otherwise the bytes alone, weighed by [`weigh_cjk`]: a clear reading,
///    or every close reading when they are too few ([`Weighed::ambiguous`]).
/// 3. Otherwise chardetng's guess.
#[must_use]
pub fn weigh_raw(bytes: &[u8], hint: Option<&'static Encoding>) -> (String, Weighed) {
    let n = eight_bit_bytes(bytes);
    let weighed = |charset: &'static Encoding, evidence: String| Weighed {
        charset: charset.name(),
        evidence,
        ambiguous: Vec::new(),
        settled_by_message: false,
    };
    if let Some(hint) = hint {
        let (text, errors) = decode_with(hint, bytes);
        if !errors {
            let min = if hint.is_single_byte() {
                MIN_BYTES_SINGLE_TO_CJK
            } else {
                MIN_BYTES_CJK_TO_CJK
            };
            let hint_score = score_reading(hint, &text);
            match weigh_cjk(bytes, Some(hint)) {
                Verdict::Clear(r)
                    if cjk_family(r.encoding) != cjk_family(hint)
                        && n >= min
                        && r.score >= hint_score + OVERRULE_MARGIN =>
                {
                    let e = evidence(bytes, r.encoding);
                    return (r.text, weighed(r.encoding, e));
                }
                Verdict::Thin(_) => {
                    let mut w = weighed(
                        hint,
                        format!(
                            "{n} 8-bit bytes are too few to tell alone; {} is the charset the rest of the message uses",
                            hint.name()
                        ),
                    );
                    w.settled_by_message = true;
                    return (text, w);
                }
                _ => {
                    let e = if cjk_family(hint).is_some() {
                        format!("{}, as in the rest of the message", evidence(bytes, hint))
                    } else {
                        format!("{n} 8-bit bytes in the charset the rest of the message uses")
                    };
                    return (text, weighed(hint, e));
                }
            }
        }
    }
    match weigh_cjk(bytes, None) {
        Verdict::Clear(r) => {
            let e = evidence(bytes, r.encoding);
            (r.text, weighed(r.encoding, e))
        }
        Verdict::Thin(readings) => {
            let ambiguous: Vec<Alternative> = readings.iter().map(Alternative::of).collect();
            match readings.into_iter().next() {
                Some(first) => {
                    let mut w = weighed(
                        first.encoding,
                        format!("{n} 8-bit bytes are too few to tell which charset"),
                    );
                    w.ambiguous = ambiguous;
                    (first.text, w)
                }
                None => {
                    let (text, _) = decode_with(WINDOWS_1252, bytes);
                    (text, weighed(WINDOWS_1252, String::new()))
                }
            }
        }
        Verdict::None => {
            let detected = detect(bytes).encoding;
            let (text, _) = decode_with(detected, bytes);
            (
                text,
                weighed(
                    detected,
                    format!(
                        "{n} 8-bit bytes; chardetng's guess (no CJK charset reads them as everyday text)"
                    ),
                ),
            )
        }
    }
}

/// An RFC 2231 §4 extended value decoded under its label: the text, and what
/// is wrong with the label, weighed as for a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labelled {
    /// The text shown: the label's reading when it fits, else the better one.
    pub text: String,
    /// What is wrong with the label, if anything.
    pub issue: Option<CharsetIssue>,
    /// The charset the text was read with.
    pub decoded_as: &'static str,
    /// Why, when the label was overruled.
    pub evidence: Option<String>,
    /// Too few bytes to choose: every close reading. A repair must not pick one.
    pub ambiguous: Vec<Alternative>,
}

/// Decodes bytes that name their charset (an RFC 2231 §4 `charset'lang'`
/// value): the label's reading when it fits (RFC 2046 §4.1.2 checks as for a
/// body: valid UTF-8 under a legacy label, another CJK family clearly better
/// over enough bytes), else the weighed one. Bytes invalid in the label are
/// weighed by [`weigh_cjk`] rather than given to the detector's guess, so a
/// short name is reported as too little evidence.
#[must_use]
pub fn decode_labelled(bytes: &[u8], label: &str) -> Labelled {
    let a = assess(bytes, Some(label));
    let evidence_of =
        |name: &'static str| Encoding::for_label(name.as_bytes()).map(|e| evidence(bytes, e));
    match a.issue {
        Some(CharsetIssue::DecodeErrors { .. }) => match weigh_cjk(bytes, None) {
            Verdict::Clear(r) => Labelled {
                issue: Some(CharsetIssue::DecodeErrors {
                    actual: Some(r.encoding.name()),
                }),
                decoded_as: r.encoding.name(),
                evidence: Some(evidence(bytes, r.encoding)),
                text: r.text,
                ambiguous: Vec::new(),
            },
            Verdict::Thin(readings) => Labelled {
                ambiguous: readings.iter().map(Alternative::of).collect(),
                issue: a.issue,
                decoded_as: a.decoded_as,
                evidence: None,
                text: a.text,
            },
            Verdict::None => Labelled {
                evidence: match &a.issue {
                    Some(CharsetIssue::DecodeErrors { actual: Some(n) }) => evidence_of(n),
                    _ => None,
                },
                issue: a.issue,
                decoded_as: a.decoded_as,
                text: a.text,
                ambiguous: Vec::new(),
            },
        },
        Some(CharsetIssue::Implausible { actual }) => Labelled {
            evidence: evidence_of(actual),
            issue: a.issue,
            decoded_as: a.decoded_as,
            text: a.text,
            ambiguous: Vec::new(),
        },
        issue => Labelled {
            text: a.text,
            issue,
            decoded_as: a.decoded_as,
            evidence: None,
            ambiguous: a.ambiguous,
        },
    }
}

/// What is wrong with a text part's charset, at the byte level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum CharsetIssue {
    /// 8-bit (or ISO-2022 escaped) text without a `charset` parameter, which
    /// therefore means US-ASCII (RFC 2045 §5.2, RFC 2046 §4.1.2).
    Missing {
        /// What the bytes were detected as (and decoded with).
        detected: &'static str,
    },
    /// The label names no charset this crate can decode (RFC 2046 §4.1.2).
    Unknown {
        /// What the bytes were detected as, if they are not plain ASCII.
        detected: Option<&'static str>,
    },
    /// Declared US-ASCII, but the bytes are 8-bit (RFC 2046 §4.1.2, RFC 2045 §2.7).
    NotAscii {
        /// What the bytes were detected as (and decoded with).
        detected: &'static str,
    },
    /// The declared charset fails to decode some byte sequences.
    DecodeErrors {
        /// A charset that decodes all of them, if detection found one.
        actual: Option<&'static str>,
    },
    /// The declared charset decodes the bytes, but to implausible text: they are
    /// valid UTF-8, or confidently another multi-byte charset.
    Implausible {
        /// The charset the bytes are in.
        actual: &'static str,
    },
    /// A GB 2312 label on text that uses GBK-only characters, or a GBK label on
    /// text with GB 18030 four-byte sequences. The text decodes (encoding_rs
    /// decodes all three the same way) but strict readers fail on it.
    Superset {
        /// The charset the bytes need: `GBK` or `gb18030`.
        actual: &'static str,
    },
}

impl CharsetIssue {
    /// The diagnostic code this issue is reported under.
    #[must_use]
    pub const fn code(&self) -> Code {
        match self {
            Self::Missing { .. } => Code::CharsetMissing,
            Self::Unknown { .. } => Code::UnknownCharset,
            Self::NotAscii { .. }
            | Self::DecodeErrors { .. }
            | Self::Implausible { .. }
            | Self::Superset { .. } => Code::CharsetMismatch,
        }
    }
}

/// For bytes that decode as GBK: `None` when they stay within GB 2312 (EUC-CN),
/// `Some("GBK")` when they use GBK-only two-byte codes, `Some("gb18030")` when
/// they use GB 18030 four-byte sequences.
fn gb_extension(bytes: &[u8]) -> Option<&'static str> {
    // EUC-CN (GB 2312) lead bytes 0xA1–0xF7, trail bytes 0xA1–0xFE; GBK adds leads
    // 0x81–0xFE with trails 0x40–0xFE and the single byte 0x80; GB 18030 adds
    // four-byte sequences whose second byte is a digit.
    let mut i = 0;
    let mut found = None;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).copied().unwrap_or(0);
        if (0x81..=0xFE).contains(&b) && next.is_ascii_digit() {
            return Some(GB18030.name());
        }
        let euc_cn = (0xA1..=0xF7).contains(&b) && (0xA1..=0xFE).contains(&next);
        if !euc_cn {
            found = Some(GBK.name());
        }
        i += if b == 0x80 || b == 0xFF { 1 } else { 2 };
    }
    found
}

/// The result of choosing a text for bytes under a declared charset.
struct Assessment {
    text: String,
    decoded_as: &'static str,
    issue: Option<CharsetIssue>,
    ambiguous: Vec<Alternative>,
}

fn needs_detection(bytes: &[u8]) -> bool {
    bytes.iter().any(|&b| b >= 0x80 || b == ESC)
}

/// Decodes bytes no label describes: valid UTF-8 as UTF-8; otherwise the
/// detector's guess, and when that is a CJK charset, the most plausible CJK
/// reading ([`weigh_cjk`]), with the other readings when the bytes are too
/// few to choose.
fn decode_detected(bytes: &[u8]) -> (String, &'static str, Vec<Alternative>) {
    let detected = detect(bytes);
    if cjk_family(detected.encoding).is_some() {
        match weigh_cjk(bytes, Some(detected.encoding)) {
            Verdict::Clear(r) => return (r.text, r.encoding.name(), Vec::new()),
            Verdict::Thin(readings) => {
                let alternatives = readings.iter().map(Alternative::of).collect();
                if let Some(first) = readings.into_iter().next() {
                    return (first.text, first.encoding.name(), alternatives);
                }
            }
            Verdict::None => {}
        }
    }
    let (text, _) = decode_with(detected.encoding, bytes);
    (text, detected.encoding.name(), Vec::new())
}

/// The CJK charset family the rest of a message uses, as evidence for text
/// too short to decide on its own: the charsets its encoded words name, its
/// raw 8-bit header bytes were read as, and its other text parts declare or
/// were clearly read as. `None` when the message names no CJK charset, or
/// more than one family.
#[must_use]
pub fn message_cjk_family(root: &crate::parse::Part) -> Option<&'static Encoding> {
    let mut found: Vec<&'static Encoding> = Vec::new();
    let mut add = |e: Option<&'static Encoding>| {
        if let Some(e) = e.filter(|&e| cjk_family(e).is_some())
            && !found.iter().any(|f| cjk_family(f) == cjk_family(e))
        {
            found.push(e);
        }
    };
    for part in root.descendants() {
        for h in &part.headers {
            // A field too short to tell is no evidence, nor one it settled.
            let thin = h
                .raw_weighed
                .as_ref()
                .is_some_and(|w| !w.ambiguous.is_empty() || w.settled_by_message);
            if !thin {
                add(h
                    .raw_charset
                    .and_then(|c| Encoding::for_label(c.as_bytes())));
            }
            for w in crate::parse::rfc2047::decode_field(&h.raw, None).words {
                if w.valid && !w.undecodable {
                    add(resolve_label(&w.charset));
                }
            }
        }
        match &part.charset_report {
            Some(r) if !r.ambiguous.is_empty() => {}
            Some(r) => add(Encoding::for_label(r.decoded_as.as_bytes())),
            None => add(part.charset.as_deref().and_then(resolve_label)),
        }
    }
    match found.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// Settles text parts whose bytes were too few to choose a charset
/// ([`CharsetReport::ambiguous`]), and header fields whose raw 8-bit bytes
/// were ([`Weighed::ambiguous`]), by the family the rest of the message uses
/// ([`message_cjk_family`]), when that family is one of the readings: the
/// text becomes that reading and the report says why.
///
/// The rule (script consistency): one sender's software wrote the whole
/// message in one charset, so when a part or a field is thin evidence alone
/// (a few 8-bit bytes that read about as well as GBK, EUC-KR and Big5) but
/// the rest of the message clearly names or reads as one CJK family (encoded
/// words' charsets, RFC 2047 §5; its parts' declared or clearly read
/// charsets, RFC 2046 §4.1.2; other raw fields read clearly), that family
/// decides. Thin parts and fields are not evidence for each other, and a
/// message that uses two families decides nothing.
pub fn settle_by_message(root: &mut crate::parse::Part) {
    // Nearly every message has nothing to settle: look no further then.
    let unsettled = root.descendants().any(|p| {
        p.charset_report
            .as_ref()
            .is_some_and(|r| !r.ambiguous.is_empty())
            || p.headers.iter().any(|h| {
                h.raw_weighed
                    .as_ref()
                    .is_some_and(|w| !w.ambiguous.is_empty())
            })
    });
    if !unsettled {
        return;
    }
    let Some(family) = message_cjk_family(root) else {
        return;
    };
    let mut stack = vec![root];
    while let Some(part) = stack.pop() {
        for h in &mut part.headers {
            let matches = h.raw_weighed.as_ref().is_some_and(|w| {
                w.ambiguous.iter().any(|a| {
                    Encoding::for_label(a.charset.as_bytes()).and_then(cjk_family)
                        == cjk_family(family)
                })
            });
            if matches {
                let decoded = crate::parse::rfc2047::decode_field(&h.raw, Some(family));
                if decoded
                    .raw_weighed
                    .as_ref()
                    .is_some_and(|w| w.settled_by_message)
                {
                    h.value = decoded.value;
                    h.raw_charset = decoded.raw_charset;
                    h.raw_weighed = decoded.raw_weighed;
                }
            }
        }
        if let Some(report) = part.charset_report.as_mut()
            && let Some(chosen) = report
                .ambiguous
                .iter()
                .find(|a| {
                    Encoding::for_label(a.charset.as_bytes()).and_then(cjk_family)
                        == cjk_family(family)
                })
                .map(|a| a.charset)
            && let Some(encoding) = Encoding::for_label(chosen.as_bytes())
        {
            let (text, errors) = decode_with(encoding, &part.body);
            if !errors {
                part.text = Some(text);
                report.decoded_as = encoding.name();
                report.settled_by_message = true;
                report.ambiguous.clear();
                if let Some(CharsetIssue::Missing { detected }) = report.issue.as_mut() {
                    *detected = encoding.name();
                }
            }
        }
        stack.extend(part.children.iter_mut());
    }
}

/// A reading offered when the evidence is too thin to choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alternative {
    /// The charset.
    pub charset: &'static str,
    /// The text in it (the first 40 characters).
    pub text: String,
}

impl Alternative {
    fn of(r: &Reading) -> Self {
        Self {
            charset: r.encoding.name(),
            text: r.text.trim().chars().take(40).collect(),
        }
    }
}

fn ascii_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assess(bytes: &[u8], declared: Option<&str>) -> Assessment {
    let declared = declared.map(clean_label).filter(|l| !l.is_empty());
    let Some(label) = declared else {
        if !needs_detection(bytes) {
            return Assessment {
                text: ascii_text(bytes),
                decoded_as: "US-ASCII",
                issue: None,
                ambiguous: Vec::new(),
            };
        }
        let (text, name, ambiguous) = decode_detected(bytes);
        return Assessment {
            text,
            decoded_as: name,
            issue: Some(CharsetIssue::Missing { detected: name }),
            ambiguous,
        };
    };
    let Some(resolved) = resolve(label) else {
        if !needs_detection(bytes) {
            return Assessment {
                text: ascii_text(bytes),
                decoded_as: "US-ASCII",
                issue: Some(CharsetIssue::Unknown { detected: None }),
                ambiguous: Vec::new(),
            };
        }
        let (text, name, ambiguous) = decode_detected(bytes);
        return Assessment {
            text,
            decoded_as: name,
            issue: Some(CharsetIssue::Unknown {
                detected: Some(name),
            }),
            ambiguous,
        };
    };
    let Resolved::Encoding(encoding) = resolved else {
        let (text, _) = decode_resolved(resolved, bytes);
        return Assessment {
            text,
            decoded_as: resolved_name(resolved),
            issue: None,
            ambiguous: Vec::new(),
        };
    };
    let eight_bit = bytes.iter().any(|&b| b >= 0x80);
    if eight_bit && is_us_ascii_label(label) {
        let (text, name, ambiguous) = decode_detected(bytes);
        return Assessment {
            text,
            decoded_as: name,
            issue: Some(CharsetIssue::NotAscii { detected: name }),
            ambiguous,
        };
    }
    let (text, had_errors) = decode_with(encoding, bytes);
    if had_errors {
        let detected = detect(bytes);
        if detected.encoding != encoding {
            let (other, other_errors) = decode_with(detected.encoding, bytes);
            if !other_errors {
                return Assessment {
                    text: other,
                    decoded_as: detected.encoding.name(),
                    issue: Some(CharsetIssue::DecodeErrors {
                        actual: Some(detected.encoding.name()),
                    }),
                    ambiguous: Vec::new(),
                };
            }
        }
        return Assessment {
            text,
            decoded_as: encoding.name(),
            issue: Some(CharsetIssue::DecodeErrors { actual: None }),
            ambiguous: Vec::new(),
        };
    }
    if !eight_bit {
        return Assessment {
            text,
            decoded_as: encoding.name(),
            issue: None,
            ambiguous: Vec::new(),
        };
    }
    if let Some((issue, better)) = plausibility(bytes, label, encoding) {
        if let Some(other) = better {
            let (other_text, _) = decode_with(other, bytes);
            return Assessment {
                text: other_text,
                decoded_as: other.name(),
                issue: Some(issue),
                ambiguous: Vec::new(),
            };
        }
        return Assessment {
            text,
            decoded_as: encoding.name(),
            issue: Some(issue),
            ambiguous: Vec::new(),
        };
    }
    Assessment {
        text,
        decoded_as: encoding.name(),
        issue: None,
        ambiguous: Vec::new(),
    }
}

/// For 8-bit bytes the declared encoding decodes without errors: is the result
/// plausible? If not, the issue and the encoding that decodes the bytes better
/// (`None` when the declared decoding is right but the label too narrow).
fn plausibility(
    bytes: &[u8],
    label: &str,
    encoding: &'static Encoding,
) -> Option<(CharsetIssue, Option<&'static Encoding>)> {
    let declared_family = cjk_family(encoding);
    let legacy = encoding != UTF_8 && (encoding.is_single_byte() || declared_family.is_some());
    if legacy && let Ok(utf8) = std::str::from_utf8(bytes) {
        let needed = if encoding.is_single_byte() { 1 } else { 2 };
        if non_ascii_chars(utf8) >= needed {
            return Some((
                CharsetIssue::Implausible {
                    actual: UTF_8.name(),
                },
                Some(UTF_8),
            ));
        }
    }
    // Bytes valid in the declared CJK charset may be another one's: Big5
    // text mostly decodes as GBK, to a jumble of rare Han, kana and Cyrillic.
    // The reading that is everyday text in its own language wins, given
    // enough bytes and a clear margin.
    if let Some(family) = declared_family
        && bytes.iter().filter(|&&b| b >= 0x80).count() >= MIN_BYTES_CJK_TO_CJK
    {
        let declared_score = score_reading(encoding, &decode_with(encoding, bytes).0);
        if let Verdict::Clear(r) = weigh_cjk(bytes, Some(encoding))
            && cjk_family(r.encoding) != Some(family)
            && r.score >= declared_score + OVERRULE_MARGIN
        {
            return Some((
                CharsetIssue::Implausible {
                    actual: r.encoding.name(),
                },
                Some(r.encoding),
            ));
        }
    }
    if encoding == GBK && (is_gb2312_label(label) || is_gbk_label(label)) {
        match gb_extension(bytes) {
            Some(actual) if actual == GB18030.name() => {
                return Some((CharsetIssue::Superset { actual }, None));
            }
            Some(actual) if is_gb2312_label(label) => {
                return Some((CharsetIssue::Superset { actual }, None));
            }
            _ => {}
        }
    }
    if legacy {
        let non_ascii_bytes = bytes.iter().filter(|&&b| b >= 0x80).count();
        let min_bytes = if declared_family.is_some() {
            MIN_BYTES_CJK_TO_CJK
        } else {
            MIN_BYTES_SINGLE_TO_CJK
        };
        if non_ascii_bytes < min_bytes {
            return None;
        }
        let detected = detect(bytes);
        let detected_family = cjk_family(detected.encoding);
        if detected.confident && detected_family.is_some() && detected_family != declared_family {
            let (text, errors) = decode_with(detected.encoding, bytes);
            if !errors && cjk_per_mille(&text) >= MIN_CJK_PER_MILLE {
                let actual = detected.encoding;
                return Some((
                    CharsetIssue::Implausible {
                        actual: actual.name(),
                    },
                    Some(actual),
                ));
            }
        }
    }
    None
}

/// Checks a declared charset against the bytes it labels: `None` when the label
/// is fine (or the bytes are ASCII), otherwise what is wrong and, where
/// detection finds one, which charset does decode them.
#[must_use]
pub fn check_declared(bytes: &[u8], label: &str) -> Option<CharsetIssue> {
    assess(bytes, Some(label)).issue
}

/// Text repaired by [`repair_mojibake`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repaired {
    /// The repaired text.
    pub text: String,
    /// The charset the bytes were wrongly decoded as (e.g. `windows-1252`).
    pub from: &'static str,
    /// The charset they really were in (e.g. `UTF-8`).
    pub to: &'static str,
}

/// Encodes `text` in `encoding`, failing on any character it cannot represent.
fn encode_strict(encoding: &'static Encoding, text: &str) -> Option<Vec<u8>> {
    let mut encoder = encoding.new_encoder();
    let capacity = encoder.max_buffer_length_from_utf8_without_replacement(text.len())?;
    let mut out = Vec::with_capacity(capacity);
    let (result, read) = encoder.encode_from_utf8_to_vec_without_replacement(text, &mut out, true);
    (result == EncoderResult::InputEmpty && read == text.len()).then_some(out)
}

/// The bytes a Latin-1 / windows-1252 decoder turned into `text`, or `None`
/// when `text` holds a character neither produces. Latin-1 maps U+0000–U+00FF
/// to the byte of the same value; windows-1252 puts `€ ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž
/// ' ' " " • – — ˜ ™ š › œ ž Ÿ` at 0x80–0x9F.
fn latin_bytes(text: &str) -> Option<Vec<u8>> {
    let c1: Vec<u8> = (0x80..=0x9F).collect();
    let (specials, _) = WINDOWS_1252.decode_without_bom_handling(&c1);
    let specials: Vec<char> = specials.chars().collect();
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        if let Ok(byte) = u8::try_from(u32::from(c)) {
            out.push(byte);
        } else {
            let index = specials.iter().position(|&s| s == c)?;
            out.push(u8::try_from(index).ok()?.checked_add(0x80)?);
        }
    }
    Some(out)
}

/// UTF-8, GBK or Big5 (…) bytes that were decoded as Latin-1 / windows-1252.
fn repair_latin_reading(text: &str) -> Option<Repaired> {
    let bytes = latin_bytes(text)?;
    if let Ok(utf8) = std::str::from_utf8(&bytes) {
        return (utf8 != text && plausible_repair(utf8)).then(|| Repaired {
            text: utf8.to_owned(),
            from: WINDOWS_1252.name(),
            to: UTF_8.name(),
        });
    }
    if bytes.iter().filter(|&&b| b >= 0x80).count() < MIN_BYTES_SINGLE_TO_CJK {
        return None;
    }
    let detected = detect(&bytes);
    cjk_family(detected.encoding)?;
    if !detected.confident {
        return None;
    }
    let (repaired, errors) = decode_with(detected.encoding, &bytes);
    (!errors && cjk_per_mille(&repaired) >= MIN_CJK_PER_MILLE).then(|| Repaired {
        text: repaired,
        from: WINDOWS_1252.name(),
        to: detected.encoding.name(),
    })
}

/// UTF-8 bytes that were decoded as GBK, Big5, Shift_JIS or EUC-KR, like
/// "鍙戦€佹垚鍔?" for "发送成功". A final `?` or U+FFFD usually stands for the
/// last byte, which the wrong decoder could not pair; it becomes U+FFFD.
fn repair_cjk_reading(text: &str) -> Option<Repaired> {
    const CANDIDATES: [&Encoding; 4] = [GBK, BIG5, SHIFT_JIS, EUC_KR];
    let body = text
        .strip_suffix('?')
        .or_else(|| text.strip_suffix('\u{FFFD}'))
        .unwrap_or(text);
    let lost_tail = body.len() != text.len();
    if non_ascii_chars(body) < MIN_CJK_MOJIBAKE_CHARS || !body.chars().any(is_cjk) {
        return None;
    }
    for encoding in CANDIDATES {
        let Some(bytes) = encode_strict(encoding, body) else {
            continue;
        };
        let mut repaired = match std::str::from_utf8(&bytes) {
            Ok(utf8) => utf8.to_owned(),
            Err(e) if e.error_len().is_none() => {
                // Only an incomplete character at the very end.
                let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
                let mut s = String::from_utf8_lossy(valid).into_owned();
                s.push('\u{FFFD}');
                s
            }
            Err(_) => continue,
        };
        if non_ascii_chars(&repaired) == 0 || repaired == body {
            continue;
        }
        // UTF-8 text read as a CJK charset is repaired only back to CJK text:
        // its 3-octet sequences rarely pair up by chance, whereas the legacy
        // encoding of correct Chinese is often valid 2-octet UTF-8 (GBK
        // "为为为" is UTF-8 "ΪΪΪ", "一一一" is "һһһ"). And the repair must
        // make the Han characters commoner: correct text is written in the
        // common sets, mojibake ("鍙戦€佹垚鍔") is mostly outside them, and a
        // chance reading of correct text lands on rare characters
        // ("陌狗搭" would become "虋瓋").
        let clean = repaired.strip_suffix('\u{FFFD}').unwrap_or(&repaired);
        if cjk_per_mille(clean) < MIN_CJK_PER_MILLE {
            continue;
        }
        let (after, before) = (common_han_per_mille(clean), common_han_per_mille(body));
        if after < MIN_COMMON_HAN_PER_MILLE || after <= before {
            continue;
        }
        if lost_tail && !repaired.ends_with('\u{FFFD}') {
            repaired.push('\u{FFFD}');
        }
        return Some(Repaired {
            text: repaired,
            from: encoding.name(),
            to: UTF_8.name(),
        });
    }
    None
}

fn repair_once(text: &str) -> Option<Repaired> {
    if text.is_ascii() {
        return None;
    }
    repair_latin_reading(text).or_else(|| repair_cjk_reading(text))
}

/// Detects and repairs mojibake: text whose bytes were decoded with the wrong
/// charset and then stored (re-encoded) as characters.
///
/// Recognised both ways:
/// - UTF-8, GBK, Big5, Shift_JIS or EUC-KR bytes decoded as Latin-1 /
///   windows-1252 ("Ã©tÃ©" for "été"), possibly twice;
/// - UTF-8 bytes decoded as GBK, Big5, Shift_JIS or EUC-KR ("鍙戦€佹垚鍔?" for
///   "发送成功").
///
/// Returns `None` for text that is not recognisably garbled. The evidence
/// required is strong (the recovered bytes are valid UTF-8, or a confident CJK
/// detection with no decoding error), so correct text is left alone.
#[must_use]
pub fn repair_mojibake(text: &str) -> Option<Repaired> {
    let mut repaired = repair_once(text)?;
    for _ in 1..MAX_REPAIR_ROUNDS {
        match repair_once(&repaired.text) {
            Some(again) => {
                repaired = Repaired {
                    text: again.text,
                    from: repaired.from,
                    to: again.to,
                }
            }
            None => break,
        }
    }
    Some(repaired)
}

/// A mojibake repair recorded in a [`CharsetReport`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MojibakeRepair {
    /// The charset the bytes had been wrongly decoded as.
    pub from: &'static str,
    /// The charset they really were in.
    pub to: &'static str,
}

/// Everything worth reporting about how a text part's charset was handled.
/// Present on a part only when something is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CharsetReport {
    /// The `charset` parameter as written (trimmed), if any.
    pub declared: Option<String>,
    /// The encoding the part's text was decoded with.
    pub decoded_as: &'static str,
    /// What is wrong at the byte level, if anything.
    pub issue: Option<CharsetIssue>,
    /// The decoded text was itself mojibake and has been repaired.
    pub mojibake: Option<MojibakeRepair>,
    /// Too few bytes to choose a charset: these readings are about as
    /// plausible as each other (the text shown is the first). A repair must
    /// not pick one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ambiguous: Vec<Alternative>,
    /// The bytes alone were too few, and the charset the rest of the message
    /// uses chose among the readings ([`settle_by_message`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub settled_by_message: bool,
}

impl CharsetReport {
    /// The diagnostic codes this report stands for.
    #[must_use]
    pub fn codes(&self) -> Vec<Code> {
        let mut codes: Vec<Code> = self.issue.iter().map(CharsetIssue::code).collect();
        if self.mojibake.is_some() {
            codes.push(Code::Mojibake);
        }
        codes
    }

    /// Diagnostics for this report, placed at `part` / `line`.
    #[must_use]
    pub fn diagnostics(&self, part: Option<&str>, line: Option<usize>) -> Vec<Diagnostic> {
        let declared = self.declared.as_deref().unwrap_or("(none)");
        let mut out = Vec::new();
        if let Some(issue) = &self.issue {
            let (message, suggestion) = match issue {
                _ if !self.ambiguous.is_empty() => {
                    let readings: Vec<String> = self
                        .ambiguous
                        .iter()
                        .map(|a| format!("{:?} in {}", a.text, a.charset))
                        .collect();
                    let what = match issue {
                        CharsetIssue::Missing { .. } => {
                            "8-bit text without a charset parameter (so US-ASCII)".to_owned()
                        }
                        _ => format!("the text does not fit its label {declared}"),
                    };
                    (
                        format!(
                            "{what}; too few bytes to tell which charset: it reads as {}",
                            readings.join(", or ")
                        ),
                        "declare the charset the text was written in; fix leaves it as it is rather than guess".to_owned(),
                    )
                }
                CharsetIssue::Missing { detected } if self.settled_by_message => (
                    format!(
                        "8-bit text without a charset parameter (so US-ASCII); too short to tell alone, it reads as {detected}, the charset the rest of the message uses"
                    ),
                    format!("declare charset={detected}"),
                ),
                CharsetIssue::Missing { detected } => (
                    format!(
                        "8-bit text without a charset parameter (so US-ASCII); it looks like {detected}"
                    ),
                    format!("declare charset={detected}"),
                ),
                CharsetIssue::Unknown { detected } => (
                    format!("unknown charset {declared:?}"),
                    detected.map_or_else(
                        || "use a registered charset name, preferably UTF-8".to_owned(),
                        |d| format!("the text looks like {d}; declare that, or convert to UTF-8"),
                    ),
                ),
                CharsetIssue::NotAscii { detected } => (
                    format!(
                        "declared {declared} but the text has 8-bit bytes; it looks like {detected}"
                    ),
                    format!("declare charset={detected}"),
                ),
                CharsetIssue::DecodeErrors {
                    actual: Some(actual),
                } => (
                    format!("the text is not valid {declared}; it decodes as {actual}"),
                    format!("declare charset={actual}"),
                ),
                CharsetIssue::DecodeErrors { actual: None } => (
                    format!("the text is not valid {declared} and no other charset decodes it"),
                    "re-encode the text as UTF-8".to_owned(),
                ),
                CharsetIssue::Implausible { actual } => (
                    format!("declared {declared} but the text is {actual}"),
                    format!("declare charset={actual}"),
                ),
                CharsetIssue::Superset { actual } => (
                    format!("declared {declared} but the text uses characters only {actual} has"),
                    format!("declare charset={actual}, or send UTF-8"),
                ),
            };
            out.push(
                Diagnostic::new(issue.code(), message)
                    .at(part, line)
                    .with_suggestion(suggestion),
            );
        }
        if let Some(MojibakeRepair { from, to }) = self.mojibake {
            out.push(
                Diagnostic::new(
                    Code::Mojibake,
                    format!("the text is {to} that was decoded as {from} and re-encoded"),
                )
                .at(part, line)
                .with_suggestion(format!("decode the original bytes as {to}")),
            );
        }
        out
    }
}

/// A text part decoded by [`decode_text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedText {
    /// The text, repaired where the declared charset was wrong or the text was mojibake.
    pub text: String,
    /// Present when something was wrong.
    pub report: Option<CharsetReport>,
}

/// Decodes the (transfer-decoded) bytes of a text part whose Content-Type
/// declares `declared` (RFC 2046 §4.1.2): with the declared charset when it
/// fits the bytes, otherwise with the charset that does, then repairs mojibake.
#[must_use]
pub fn decode_text(bytes: &[u8], declared: Option<&str>) -> DecodedText {
    let Assessment {
        text,
        decoded_as,
        issue,
        ambiguous,
    } = assess(bytes, declared);
    let repaired = repair_mojibake(&text);
    let mojibake = repaired.as_ref().map(|r| MojibakeRepair {
        from: r.from,
        to: r.to,
    });
    let text = repaired.map_or(text, |r| r.text);
    let report = (issue.is_some() || mojibake.is_some()).then(|| CharsetReport {
        declared: declared.map(|d| clean_label(d).to_owned()),
        decoded_as,
        issue,
        mojibake,
        ambiguous,
        settled_by_message: false,
    });
    DecodedText { text, report }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZH_HANS: &str =
        "我们明天下午三点在会议室开会，请大家准时参加并带上上周的销售报告。谢谢！";
    const ZH_HANT: &str =
        "我們明天下午三點在會議室開會，請大家準時參加並帶上上週的銷售報告。謝謝！";
    const JA: &str = "明日の午後三時に会議室で打ち合わせを行いますので、皆様ご参加ください。よろしくお願いします。";
    const KO: &str =
        "내일 오후 세 시에 회의실에서 회의가 있습니다. 모두 시간에 맞춰 참석해 주시기 바랍니다.";
    const FR: &str = "L'été dernier, nous sommes allés à la mer ; c'était très agréable et ensoleillé, à côté du château.";
    const DE: &str = "Größere Änderungen müssen wir nächste Woche besprechen, außerdem ist die Übersicht überfällig.";

    fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, errors) = encoding.encode(text);
        assert!(!errors, "{} cannot encode the sample", encoding.name());
        bytes.into_owned()
    }

    #[test]
    fn detects_real_sentences_in_their_encodings() {
        let cases: &[(&str, &'static Encoding)] = &[
            (ZH_HANS, GBK),
            (ZH_HANT, BIG5),
            (JA, SHIFT_JIS),
            (JA, EUC_JP),
            (JA, ISO_2022_JP),
            (KO, EUC_KR),
            (FR, WINDOWS_1252),
            (DE, WINDOWS_1252),
        ];
        for &(text, encoding) in cases {
            let bytes = encode(encoding, text);
            let detected = detect(&bytes);
            assert_eq!(detected.encoding, encoding, "{text}");
            assert!(detected.confident, "{text} in {}", encoding.name());
            let (decoded, errors) = decode_with(detected.encoding, &bytes);
            assert!(!errors);
            assert_eq!(decoded, text);
        }
        for text in [ZH_HANS, ZH_HANT, JA, KO, FR, DE] {
            assert_eq!(
                detect(text.as_bytes()),
                Detected {
                    encoding: UTF_8,
                    confident: true
                }
            );
        }
    }

    #[test]
    fn gb18030_four_byte_text_detects_as_the_gbk_family_and_decodes() {
        // U+20AC is 0x80 in GBK; "𠀀" (U+20000) needs a GB 18030 four-byte sequence.
        let text = format!("{ZH_HANS}𠀀𠀁");
        let bytes = encode(GB18030, &text);
        let detected = detect(&bytes);
        assert_eq!(cjk_family(detected.encoding), Some(1));
        assert_eq!(decode_with(detected.encoding, &bytes).0, text);
    }

    #[test]
    fn weighing_finds_each_sentence_in_its_own_charset() {
        let cases: &[(&str, &'static Encoding)] = &[
            (ZH_HANS, GBK),
            (ZH_HANT, BIG5),
            (JA, SHIFT_JIS),
            (JA, EUC_JP),
            (KO, EUC_KR),
        ];
        for &(text, encoding) in cases {
            let bytes = encode(encoding, text);
            match weigh_cjk(&bytes, None) {
                Verdict::Clear(r) => {
                    assert_eq!(cjk_family(r.encoding), cjk_family(encoding), "{text}");
                    assert_eq!(r.text, text);
                }
                other => panic!("{text} in {}: {other:?}", encoding.name()),
            }
        }
    }

    #[test]
    fn big5_declared_gb2312_is_read_as_big5() {
        let bytes = encode(BIG5, ZH_HANT);
        assert!(!decode_with(GBK, &bytes).1, "the bytes are valid GBK too");
        let d = decode_text(&bytes, Some("gb2312"));
        assert_eq!(d.text, ZH_HANT);
        let report = d.report.unwrap();
        assert_eq!(
            report.issue,
            Some(CharsetIssue::Implausible { actual: "Big5" })
        );
        assert!(report.ambiguous.is_empty());
    }

    #[test]
    fn two_characters_are_too_little_evidence() {
        let bytes = encode(GBK, "你好");
        let Verdict::Thin(readings) = weigh_cjk(&bytes, None) else {
            panic!("4 bytes decided");
        };
        let names: Vec<&str> = readings.iter().map(|r| r.encoding.name()).collect();
        assert!(
            names.contains(&"GBK") && names.contains(&"EUC-KR"),
            "{names:?}"
        );
        let report = decode_text(&bytes, None).report.unwrap();
        assert!(report.ambiguous.iter().any(|a| a.text == "你好"));
        // Enough of the same text decides.
        let long = encode(GBK, ZH_HANS);
        assert!(matches!(weigh_cjk(&long, None), Verdict::Clear(r) if r.encoding == GBK));
    }

    #[test]
    fn ascii_detects_as_utf8() {
        assert_eq!(detect(b"plain ascii").encoding, UTF_8);
        assert_eq!(detect(b"").encoding, UTF_8);
    }

    #[test]
    fn labels_resolve_whatwg_and_mail_aliases() {
        assert_eq!(resolve_label("GB2312"), Some(GBK));
        assert_eq!(resolve_label("\"gbK\""), Some(GBK));
        assert_eq!(resolve_label("cp936"), Some(GBK));
        assert_eq!(resolve_label("ks_c_5601-1987"), Some(EUC_KR));
        assert_eq!(resolve_label("us-ascii"), Some(WINDOWS_1252));
        assert_eq!(resolve_label("utf-8*en"), Some(UTF_8));
        assert_eq!(resolve_label("x-unknown"), None);
        assert_eq!(resolve_label("iso-2022-kr"), None);
        assert_eq!(resolve_label(""), None);
    }

    #[test]
    fn decode_declared_reports_errors_and_unknown_labels() {
        let gbk = encode(GBK, ZH_HANS);
        assert_eq!(
            decode_declared(&gbk, "gb2312"),
            Some((ZH_HANS.to_owned(), false))
        );
        let (_, errors) = decode_declared(&gbk, "utf-8").unwrap();
        assert!(errors);
        assert_eq!(decode_declared(b"abc", "x-no-such-charset"), None);
        // UTF-7 is not in encoding_rs; mail-parser's decoder handles it.
        assert_eq!(
            decode_declared(b"Hi Mom -+Jjo--!", "utf-7"),
            Some(("Hi Mom -\u{263A}-!".to_owned(), false))
        );
    }

    #[test]
    fn utf16_without_bom_is_sniffed() {
        let le: Vec<u8> = "hello".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = "hello".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode_declared(&le, "utf-16").unwrap().0, "hello");
        assert_eq!(decode_declared(&be, "utf-16").unwrap().0, "hello");
    }

    #[test]
    fn gb2312_label_on_gbk_only_text_is_a_superset_mismatch() {
        // "镕" and "堃" are in GBK but not in GB 2312.
        let text = format!("{ZH_HANS}朱镕基和王堃。");
        let bytes = encode(GBK, &text);
        assert_eq!(
            check_declared(&bytes, "gb2312"),
            Some(CharsetIssue::Superset { actual: "GBK" })
        );
        assert_eq!(check_declared(&bytes, "gbk"), None);
        let decoded = decode_text(&bytes, Some("gb2312"));
        assert_eq!(decoded.text, text, "GBK-only characters still decode");
        // Strict GB 2312 text is fine under its own label.
        assert_eq!(check_declared(&encode(GBK, ZH_HANS), "gb2312"), None);
    }

    #[test]
    fn gbk_label_on_four_byte_gb18030_text_is_a_superset_mismatch() {
        let bytes = encode(GB18030, &format!("{ZH_HANS}𠀀"));
        assert_eq!(
            check_declared(&bytes, "gbk"),
            Some(CharsetIssue::Superset { actual: "gb18030" })
        );
        assert_eq!(check_declared(&bytes, "gb18030"), None);
    }

    #[test]
    fn utf8_labelled_gb2312_is_implausible_and_decoded_as_utf8() {
        let decoded = decode_text(ZH_HANS.as_bytes(), Some("gb2312"));
        assert_eq!(decoded.text, ZH_HANS);
        let report = decoded.report.unwrap();
        assert_eq!(report.decoded_as, "UTF-8");
        assert_eq!(report.codes(), [Code::CharsetMismatch]);
    }

    #[test]
    fn gbk_labelled_utf8_fails_to_decode_and_names_gbk() {
        let decoded = decode_text(&encode(GBK, ZH_HANS), Some("utf-8"));
        assert_eq!(decoded.text, ZH_HANS);
        assert_eq!(
            decoded.report.unwrap().issue,
            Some(CharsetIssue::DecodeErrors {
                actual: Some("GBK")
            })
        );
    }

    #[test]
    fn big5_labelled_us_ascii_is_not_ascii() {
        let decoded = decode_text(&encode(BIG5, ZH_HANT), Some("us-ascii"));
        assert_eq!(decoded.text, ZH_HANT);
        assert_eq!(
            decoded.report.unwrap().issue,
            Some(CharsetIssue::NotAscii { detected: "Big5" })
        );
    }

    #[test]
    fn big5_labelled_gbk_is_implausible() {
        let decoded = decode_text(&encode(BIG5, ZH_HANT), Some("gbk"));
        let report = decoded.report.unwrap();
        assert_eq!(
            report.issue,
            Some(CharsetIssue::Implausible { actual: "Big5" })
        );
        assert_eq!(decoded.text, ZH_HANT);
    }

    #[test]
    fn shift_jis_labelled_latin1_is_implausible() {
        let decoded = decode_text(&encode(SHIFT_JIS, JA), Some("iso-8859-1"));
        assert_eq!(decoded.text, JA);
        assert_eq!(
            decoded.report.unwrap().issue,
            Some(CharsetIssue::Implausible {
                actual: "Shift_JIS"
            })
        );
    }

    #[test]
    fn correct_labels_produce_no_report() {
        let cases: &[(&str, &'static Encoding, &str)] = &[
            (ZH_HANS, GBK, "gb2312"),
            (ZH_HANS, GBK, "GBK"),
            (ZH_HANS, GB18030, "gb18030"),
            (ZH_HANT, BIG5, "big5"),
            (JA, SHIFT_JIS, "shift_jis"),
            (JA, ISO_2022_JP, "iso-2022-jp"),
            (JA, EUC_JP, "euc-jp"),
            (KO, EUC_KR, "ks_c_5601-1987"),
            (FR, WINDOWS_1252, "iso-8859-1"),
            (DE, WINDOWS_1252, "windows-1252"),
            (ZH_HANS, UTF_8, "utf-8"),
        ];
        for &(text, encoding, label) in cases {
            let decoded = decode_text(&encode(encoding, text), Some(label));
            assert_eq!(decoded.text, text, "{label}");
            assert_eq!(decoded.report, None, "{label}");
        }
    }

    #[test]
    fn latin_text_under_another_latin_label_is_not_flagged() {
        // Single-byte disagreements are out of scope: no false alarm.
        let bytes = encode(WINDOWS_1252, FR);
        assert_eq!(check_declared(&bytes, "iso-8859-15"), None);
        assert_eq!(check_declared(&bytes, "iso-8859-2"), None);
    }

    #[test]
    fn missing_and_unknown_charsets_are_reported_with_detection() {
        let decoded = decode_text(ZH_HANS.as_bytes(), None);
        assert_eq!(decoded.text, ZH_HANS);
        assert_eq!(
            decoded.report.unwrap().issue,
            Some(CharsetIssue::Missing { detected: "UTF-8" })
        );
        assert_eq!(decode_text(b"plain", None).report, None);
        let decoded = decode_text(&encode(GBK, ZH_HANS), Some("x-unknown"));
        assert_eq!(decoded.text, ZH_HANS);
        assert_eq!(
            decoded.report.unwrap().issue,
            Some(CharsetIssue::Unknown {
                detected: Some("GBK")
            })
        );
        assert_eq!(
            decode_text(b"plain", Some("x-unknown"))
                .report
                .unwrap()
                .issue,
            Some(CharsetIssue::Unknown { detected: None })
        );
    }

    /// What a mailer that decodes `bytes` as windows-1252 and re-encodes as UTF-8 produces.
    fn as_if_windows_1252(bytes: &[u8]) -> String {
        WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()
    }

    #[test]
    fn repairs_utf8_read_as_latin1() {
        assert_eq!(
            repair_mojibake("Ã©tÃ©"),
            Some(Repaired {
                text: "été".to_owned(),
                from: "windows-1252",
                to: "UTF-8"
            })
        );
        let garbled = as_if_windows_1252(FR.as_bytes());
        assert_eq!(repair_mojibake(&garbled).unwrap().text, FR);
        // The C1 controls a true ISO-8859-1 decoder produces work too.
        let latin1: String = ZH_HANS.bytes().map(char::from).collect();
        assert_eq!(repair_mojibake(&latin1).unwrap().text, ZH_HANS);
    }

    #[test]
    fn repairs_double_encoded_utf8() {
        let once = as_if_windows_1252(DE.as_bytes());
        let twice = as_if_windows_1252(once.as_bytes());
        assert_eq!(repair_mojibake(&twice).unwrap().text, DE);
    }

    #[test]
    fn repairs_gbk_and_big5_read_as_latin1() {
        for (text, encoding) in [(ZH_HANS, GBK), (ZH_HANT, BIG5)] {
            let garbled = as_if_windows_1252(&encode(encoding, text));
            let repaired = repair_mojibake(&garbled).unwrap();
            assert_eq!(repaired.text, text);
            assert_eq!(
                (repaired.from, repaired.to),
                ("windows-1252", encoding.name())
            );
        }
    }

    #[test]
    fn repairs_utf8_read_as_gbk() {
        // The classic: "发送成功" sent as UTF-8, read as GBK; the unpaired last byte became "?".
        let repaired = repair_mojibake("鍙戦€佹垚鍔?").unwrap();
        assert!(repaired.text.starts_with("发送成"), "{}", repaired.text);
        assert_eq!((repaired.from, repaired.to), ("GBK", "UTF-8"));
        // Sentences whose UTF-8 bytes all pair up under GBK come back exactly.
        let mut exact = 0;
        for sentence in [
            "邮件已经发送成功",
            "你好，世界！",
            "请查收附件中的报告",
            "我们明天见面吧",
        ] {
            let (garbled, errors) = GBK.decode_without_bom_handling(sentence.as_bytes());
            if !errors {
                assert_eq!(repair_mojibake(&garbled).unwrap().text, sentence);
                exact += 1;
            }
        }
        assert!(exact > 0, "no sample decodes cleanly as GBK");
    }

    #[test]
    fn repairs_utf8_read_as_shift_jis() {
        // "縺薙ｓ縺ｫ縺｡縺ｯ"-style text: Japanese UTF-8 read as Shift_JIS.
        let mut exact = 0;
        for sentence in [
            "こんにちは",
            "こんにちは、世界。",
            "今日はいい天気ですね",
            "会議の資料を送ります",
            "ありがとうございました",
        ] {
            let (garbled, errors) = SHIFT_JIS.decode_without_bom_handling(sentence.as_bytes());
            if !errors {
                let repaired = repair_mojibake(&garbled).unwrap();
                assert_eq!(repaired.text, sentence);
                assert_eq!(repaired.from, "Shift_JIS");
                exact += 1;
            }
        }
        assert!(exact > 0, "no sample decodes cleanly as Shift_JIS");
    }

    #[test]
    fn correct_text_is_left_alone() {
        for text in [
            ZH_HANS,
            ZH_HANT,
            JA,
            KO,
            FR,
            DE,
            "café",
            "naïve résumé",
            "plain",
            "São Paulo — 10 °C",
            "Ã",
            // Big5 C7 A1 is UTF-8 for "ǡ" (prop_roundtrip found it at 100,000 cases).
            "ゥゥゥ",
        ] {
            assert_eq!(repair_mojibake(text), None, "{text}");
        }
    }

    /// Short runs of common hanzi (GB2312 level 1, drawn with a fixed
    /// xorshift) are left alone too. With only the CJK-result rule, 9 of
    /// these 60,000 still "repaired" to rare characters (陌狗搭 -> 虋瓋);
    /// the common-Han rule leaves them alone.
    #[test]
    fn short_chinese_texts_are_left_alone() {
        let mut level1 = Vec::new();
        for lead in 0xB0u8..=0xD7 {
            for trail in 0xA1u8..=0xFE {
                let pair = [lead, trail];
                let (text, errors) = GBK.decode_without_bom_handling(&pair);
                if !errors {
                    level1.extend(text.chars());
                }
            }
        }
        assert!(level1.len() > 3700, "{}", level1.len());
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            level1[(seed % level1.len() as u64) as usize]
        };
        let mut wrong = Vec::new();
        for len in [3, 4, 5] {
            for _ in 0..20_000 {
                let text: String = (0..len).map(|_| next()).collect();
                if let Some(r) = repair_mojibake(&text) {
                    wrong.push(format!("{text} -> {}", r.text));
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "{} false repairs, e.g. {:?}",
            wrong.len(),
            &wrong[..wrong.len().min(10)]
        );
    }

    /// Correct CJK text whose legacy encoding happens to be valid UTF-8 is
    /// not "repaired": every kana, Hangul syllable and CJK ideograph,
    /// three times over, is left alone.
    #[test]
    fn repeated_cjk_characters_are_left_alone() {
        let blocks = [0x3041..=0x30FFu32, 0x4E00..=0x9FFF, 0xAC00..=0xD7A3];
        let mut wrong = Vec::new();
        for c in blocks.into_iter().flatten().filter_map(char::from_u32) {
            let text: String = [c, c, c].iter().collect();
            if let Some(r) = repair_mojibake(&text) {
                wrong.push(format!("{text} -> {} ({} as {})", r.text, r.to, r.from));
            }
        }
        assert!(
            wrong.is_empty(),
            "{} false repairs, e.g. {:?}",
            wrong.len(),
            &wrong[..wrong.len().min(10)]
        );
    }

    #[test]
    fn decode_text_reports_mojibake_in_correctly_labelled_utf8() {
        let garbled = as_if_windows_1252(FR.as_bytes());
        let decoded = decode_text(garbled.as_bytes(), Some("utf-8"));
        assert_eq!(decoded.text, FR);
        let report = decoded.report.unwrap();
        assert_eq!(report.issue, None);
        assert_eq!(
            report.mojibake,
            Some(MojibakeRepair {
                from: "windows-1252",
                to: "UTF-8"
            })
        );
        assert_eq!(report.codes(), [Code::Mojibake]);
        assert_eq!(report.diagnostics(Some("1"), Some(5)).len(), 1);
    }

    #[test]
    fn big5_double_encoded_as_utf8_of_latin1_is_repaired() {
        // The ruby-mail spam case: Big5 bytes read as Latin-1, written as UTF-8, labelled big5.
        let garbled = as_if_windows_1252(&encode(BIG5, ZH_HANT));
        let decoded = decode_text(garbled.as_bytes(), Some("big5"));
        assert_eq!(decoded.text, ZH_HANT);
        let report = decoded.report.unwrap();
        assert!(matches!(
            report.issue,
            Some(CharsetIssue::DecodeErrors { .. } | CharsetIssue::Implausible { .. })
        ));
        assert_eq!(
            report.mojibake,
            Some(MojibakeRepair {
                from: "windows-1252",
                to: "Big5"
            })
        );
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut bytes: Vec<u8> = (0..=255u8).collect();
        bytes.extend((0..=255u8).rev());
        for label in [
            None,
            Some("utf-8"),
            Some("gb2312"),
            Some("big5"),
            Some("utf-16"),
            Some("utf-7"),
            Some("x"),
        ] {
            for len in [0, 1, 2, 3, 17, bytes.len()] {
                let _ = decode_text(&bytes[..len], label);
            }
        }
        for s in ["\u{FFFD}", "?", "鍔?", "\u{80}\u{81}\u{8D}"] {
            let _ = repair_mojibake(s);
        }
    }
}
