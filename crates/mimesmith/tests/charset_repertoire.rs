//! Every Unicode scalar value in every charset the builder writes: what
//! [`Charset::encode`] accepts decodes back to exactly the same text in
//! encoding_rs, in Python's codec of that name and in glibc's iconv; every
//! other code point is an [`Error::Unrepresentable`] naming it and naming a
//! charset that does hold it (issue 10, item 5).
//!
//! Python (stdlib only) and `iconv` run as subprocesses. Both take the MIME
//! names we write as they are (`Shift_JIS`, `windows-1252`, `GB2312`, …),
//! so no name is mapped. Per-line verdicts on the code points the builder
//! refuses come from glibc's iconv(3) through Python's `ctypes` (one
//! `iconv` process per code point would take minutes); the accepted text
//! goes through the `iconv` command, as a reader's tools would run it.
//!
//! Run with `--nocapture` for the per-charset counts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test: a broken expectation is a failed test"
)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use encoding_rs::{EncoderResult, Encoding};
use mimesmith::{Charset, Error, Message};

/// The charsets of `charset.rs`'s table, plus GB2312, ISO-8859-1 and
/// US-ASCII, which it handles itself.
const CHARSETS: &[&str] = &[
    "GB18030",
    "GBK",
    "GB2312",
    "Big5",
    "ISO-2022-JP",
    "Shift_JIS",
    "EUC-JP",
    "EUC-KR",
    "KOI8-R",
    "KOI8-U",
    "US-ASCII",
    "ISO-8859-1",
    "ISO-8859-2",
    "ISO-8859-3",
    "ISO-8859-4",
    "ISO-8859-5",
    "ISO-8859-6",
    "ISO-8859-7",
    "ISO-8859-8",
    "ISO-8859-10",
    "ISO-8859-13",
    "ISO-8859-14",
    "ISO-8859-15",
    "ISO-8859-16",
    "windows-1250",
    "windows-1251",
    "windows-1252",
    "windows-1253",
    "windows-1254",
    "windows-1255",
    "windows-1256",
    "windows-1257",
    "windows-1258",
];

const CONTEXT: &str = "the repertoire test";

fn ctx() -> String {
    CONTEXT.to_owned()
}

/// Every Unicode scalar value (U+0000–U+10FFFF without the surrogates).
fn scalars() -> impl Iterator<Item = char> {
    ('\0'..='\u{D7FF}').chain('\u{E000}'..='\u{10FFFF}')
}

/// The octets the builder wrote for `c` before issue 10: encoding_rs's
/// encoder without replacement (GB2312 restricted to its octet ranges,
/// ISO-8859-1 and US-ASCII by code point).
#[derive(Clone, Copy)]
struct Before {
    name: &'static str,
    encoding: &'static Encoding,
}

impl Before {
    fn new(name: &'static str) -> Self {
        let encoding = Encoding::for_label(name.as_bytes()).expect("a WHATWG label");
        Self { name, encoding }
    }

    fn written(self, c: char) -> Option<Vec<u8>> {
        match self.name {
            "US-ASCII" => return c.is_ascii().then(|| vec![c as u8]),
            "ISO-8859-1" => return u8::try_from(u32::from(c)).ok().map(|b| vec![b]),
            _ => {}
        }
        let mut utf8 = [0u8; 4];
        let mut out = [0u8; 16];
        let (result, _, written) = self
            .encoding
            .new_encoder()
            .encode_from_utf8_without_replacement(c.encode_utf8(&mut utf8), &mut out, true);
        if !matches!(result, EncoderResult::InputEmpty) {
            return None;
        }
        let bytes = out[..written].to_vec();
        if self.name == "GB2312" && !c.is_ascii() && !matches!(*bytes, [0xA1..=0xF7, 0xA1..=0xFE]) {
            return None;
        }
        Some(bytes)
    }

    /// Whether encoding_rs, by the label a reader finds in `charset=`,
    /// reads `bytes` as `c`.
    fn reads_back(self, bytes: &[u8], c: char) -> bool {
        let mut utf8 = [0u8; 4];
        self.encoding
            .decode_without_bom_handling_and_without_replacement(bytes)
            .as_deref()
            == Some(c.encode_utf8(&mut utf8))
    }
}

/// What one charset's sweep found.
struct Sweep {
    name: &'static str,
    /// Code points `encode` accepts, in order.
    accepted: Vec<char>,
    /// Code points written before issue 10 and refused now.
    dropped: Vec<char>,
    /// Of those, how many encoding_rs itself read back as another character.
    dropped_one_way: usize,
    written_before: usize,
    /// How long the sweep took.
    took: std::time::Duration,
}

/// The fields of an [`Error::Unrepresentable`]; any other error fails.
fn refusal(name: &str, c: char, e: Error) -> (&'static str, char, String, &'static str) {
    match e {
        Error::Unrepresentable {
            charset,
            ch,
            context,
            instead,
        } => (charset, ch, context, instead),
        other => panic!(
            "{name} U+{:04X}: not Unrepresentable: {other}",
            u32::from(c)
        ),
    }
}

/// Sweeps every scalar value through `check` and `encode`, asserting they
/// agree and that every refusal is the typed error naming the character
/// and a charset that holds it.
fn sweep(name: &'static str) -> Sweep {
    let start = Instant::now();
    let cs = Charset::from_label(name).expect("a charset we write");
    assert_eq!(cs.name(), name, "from_label gives the MIME name back");
    let before = Before::new(name);
    let mut accepted = Vec::new();
    let mut dropped = Vec::new();
    let mut dropped_one_way = 0;
    let mut written_before = 0;
    let mut holders: Vec<Charset> = Vec::new();
    let mut buf = [0u8; 4];
    for c in scalars() {
        let text = c.encode_utf8(&mut buf);
        let old = before.written(c);
        written_before += usize::from(old.is_some());
        match (cs.check(text, &ctx), cs.encode(text, &ctx)) {
            (Ok(()), Ok(_)) => accepted.push(c),
            (Err(e1), Err(e2)) => {
                let refused = refusal(name, c, e2);
                assert!(
                    refusal(name, c, e1) == refused,
                    "{name}: check and encode disagree"
                );
                let (charset, ch, context, instead) = refused;
                assert_eq!((charset, ch, context.as_str()), (name, c, CONTEXT));
                let holder = match holders.iter().find(|h| h.name() == instead) {
                    Some(h) => *h,
                    None => {
                        let h = Charset::from_label(instead).expect("a charset we write");
                        holders.push(h);
                        h
                    }
                };
                assert!(
                    instead != name && holder.check(text, &ctx).is_ok(),
                    "{name} U+{:04X}: the suggested {instead} does not hold it either",
                    u32::from(c)
                );
                if let Some(bytes) = old {
                    dropped_one_way += usize::from(!before.reads_back(&bytes, c));
                    dropped.push(c);
                }
            }
            (checked, encoded) => panic!(
                "{name} U+{:04X}: check gives {checked:?}, encode gives {:?}",
                u32::from(c),
                encoded.map(|b| b.into_owned())
            ),
        }
    }
    Sweep {
        name,
        accepted,
        dropped,
        dropped_one_way,
        written_before,
        took: start.elapsed(),
    }
}

/// The accepted code points as one text, one per line (LF, the separator,
/// is left out: it was swept like the others).
fn accepted_text(accepted: &[char]) -> String {
    let mut text = String::with_capacity(accepted.len() * 4);
    for &c in accepted.iter().filter(|&&c| c != '\n') {
        text.push(c);
        text.push('\n');
    }
    text
}

/// Python: decodes `<name>.accepted` whole with `codecs.decode(data, name)`
/// into `<name>.accepted.py` (or the error into `<name>.accepted.pyerr`),
/// and for every line of `<name>.dropped` writes `python<TAB>iconv`, each
/// the decoded code points in hex or `!` when refused.
const PY_HELPER: &str = r#"
import codecs, ctypes, ctypes.util, sys
libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
libc.iconv_open.restype = ctypes.c_void_p
libc.iconv_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
P = ctypes.POINTER
libc.iconv.argtypes = [ctypes.c_void_p, P(ctypes.c_char_p), P(ctypes.c_size_t),
                       P(ctypes.c_char_p), P(ctypes.c_size_t)]
libc.iconv.restype = ctypes.c_size_t
FAIL = ctypes.c_size_t(-1).value

def iconv(cd, data):
    libc.iconv(cd, None, None, None, None)
    src = ctypes.create_string_buffer(data, len(data))
    dst = ctypes.create_string_buffer(64)
    ip, il = ctypes.c_char_p(ctypes.addressof(src)), ctypes.c_size_t(len(data))
    op, ol = ctypes.c_char_p(ctypes.addressof(dst)), ctypes.c_size_t(64)
    if libc.iconv(cd, ctypes.byref(ip), ctypes.byref(il), ctypes.byref(op), ctypes.byref(ol)) == FAIL or il.value:
        return None
    if libc.iconv(cd, None, None, ctypes.byref(op), ctypes.byref(ol)) == FAIL:
        return None
    return dst.raw[:64 - ol.value].decode("utf-8")

def show(text):
    return "!" if text is None else " ".join("%X" % ord(c) for c in text) or "-"

folder = sys.argv[1]
for name in sys.argv[2:]:
    base = folder + "/" + name
    data = open(base + ".accepted", "rb").read()
    try:
        open(base + ".accepted.py", "w", encoding="utf-8", newline="").write(codecs.decode(data, name))
    except (UnicodeError, LookupError) as e:
        open(base + ".accepted.pyerr", "w").write(repr(e))
    cd = libc.iconv_open(b"UTF-8", name.encode())
    if cd == FAIL:
        sys.exit("iconv does not know " + name)
    lines = open(base + ".dropped", "rb").read().split(b"\n")[:-1]
    out = []
    for line in lines:
        try:
            py = codecs.decode(line, name)
        except UnicodeError:
            py = None
        out.append(show(py) + "\t" + show(iconv(cd, line)) + "\n")
    open(base + ".dropped.verdicts", "w").write("".join(out))
"#;

fn folder() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("charset_repertoire");
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

/// Where `got` first differs from the expected lines, for the message.
fn first_difference(expected: &str, got: &str) -> String {
    let mut report = String::new();
    for (i, (e, g)) in expected.lines().zip(got.lines()).enumerate() {
        if e != g {
            let hex = |s: &str| {
                s.chars()
                    .map(|c| format!("U+{:04X} ", u32::from(c)))
                    .collect::<String>()
            };
            let _ = write!(report, "line {i}: expected {}got {}", hex(e), hex(g));
            return report;
        }
    }
    format!(
        "{} lines expected, {} read",
        expected.lines().count(),
        got.lines().count()
    )
}

/// Lines of `<name>.dropped` the decoders read as the character itself.
fn misread_by_someone(sweep: &Sweep, verdicts: &str) -> (usize, usize, Vec<String>) {
    let mut by_python = 0;
    let mut by_iconv = 0;
    let mut read_alike = Vec::new();
    let lines: Vec<&str> = verdicts.lines().collect();
    assert_eq!(
        lines.len(),
        sweep.dropped.len(),
        "{}: one verdict per dropped code point",
        sweep.name
    );
    for (&c, line) in sweep.dropped.iter().zip(lines) {
        let me = format!("{:X}", u32::from(c));
        let (py, ic) = line.split_once('\t').expect("python<TAB>iconv");
        by_python += usize::from(py != me);
        by_iconv += usize::from(ic != me);
        let before = Before::new(sweep.name);
        let bytes = before.written(c).expect("written before");
        if py == me && ic == me && before.reads_back(&bytes, c) {
            read_alike.push(format!("U+{:04X}", u32::from(c)));
        }
    }
    (by_python, by_iconv, read_alike)
}

/// The whole test: sweeps, files, three decoders, counts.
#[test]
fn every_code_point_the_builder_accepts_decodes_identically_everywhere_and_every_other_is_a_typed_error()
 {
    let start = Instant::now();
    let dir = folder();
    // The charsets dealt out to one thread per core.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    let sweeps: Vec<Sweep> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|first| {
                s.spawn(move || {
                    CHARSETS
                        .iter()
                        .skip(first)
                        .step_by(threads)
                        .map(|&name| sweep(name))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<Sweep> = handles
            .into_iter()
            .flat_map(|h| h.join().expect("a sweep"))
            .collect();
        all.sort_by_key(|s| CHARSETS.iter().position(|&n| n == s.name));
        all
    });
    let swept = start.elapsed();

    let mut texts = HashMap::new();
    for sw in &sweeps {
        let cs = Charset::from_label(sw.name).expect("a charset we write");
        let text = accepted_text(&sw.accepted);
        // One call, as a text body is written: ISO-2022-JP's state then
        // carries from character to character.
        let bytes = cs
            .encode(&text, &ctx)
            .expect("accepted one by one, accepted together");
        std::fs::write(dir.join(format!("{}.accepted", sw.name)), &bytes).expect("written");
        let mut dropped = Vec::new();
        for &c in &sw.dropped {
            dropped.extend(Before::new(sw.name).written(c).expect("written before"));
            dropped.push(b'\n');
        }
        std::fs::write(dir.join(format!("{}.dropped", sw.name)), dropped).expect("written");

        // (a) encoding_rs, by the label a reader finds in charset=.
        let encoding = Encoding::for_label(sw.name.as_bytes()).expect("a WHATWG label");
        let back = encoding
            .decode_without_bom_handling_and_without_replacement(&bytes)
            .unwrap_or_else(|| panic!("{}: encoding_rs finds malformed input", sw.name));
        assert!(
            back == text,
            "{}: encoding_rs reads {}",
            sw.name,
            first_difference(&text, &back)
        );

        // (c) the iconv command.
        let out = Command::new("iconv")
            .args(["-f", sw.name, "-t", "UTF-8"])
            .arg(dir.join(format!("{}.accepted", sw.name)))
            .output()
            .expect("iconv (glibc) is installed");
        assert!(
            out.status.success(),
            "{}: iconv refuses our output: {}",
            sw.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let got = String::from_utf8(out.stdout).expect("iconv writes UTF-8");
        assert!(
            got == text,
            "{}: iconv reads {}",
            sw.name,
            first_difference(&text, &got)
        );
        texts.insert(sw.name, text);
    }

    // (b) Python's codecs, one process for all.
    let out = Command::new("python3")
        .arg("-c")
        .arg(PY_HELPER)
        .arg(&dir)
        .args(CHARSETS)
        .output()
        .expect("python3 is installed");
    assert!(
        out.status.success(),
        "python3: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    println!(
        "{:<13} {:>9} {:>9} {:>7} {:>9} {:>8} {:>8} {:>7}",
        "charset", "accepted", "before", "lossy", "rs 1-way", "python", "iconv", "sweep"
    );
    println!(
        "(accepted: code points encode accepts now; before: that encoding_rs wrote before issue 10; lossy: \
         written before and refused now, every one misread by some decoder: by encoding_rs itself (a \
         one-way mapping), by Python's codec, by glibc iconv)"
    );
    let (mut accepted_total, mut lossy_total) = (0, 0);
    for sw in &sweeps {
        let file = |suffix: &str| dir.join(format!("{}.{suffix}", sw.name));
        let err = std::fs::read_to_string(file("accepted.pyerr"));
        assert!(
            err.is_err(),
            "{}: Python refuses our output: {}",
            sw.name,
            err.unwrap_or_default()
        );
        let got = std::fs::read_to_string(file("accepted.py")).expect("Python's reading");
        let text = &texts[sw.name];
        assert!(
            got == *text,
            "{}: Python reads {}",
            sw.name,
            first_difference(text, &got)
        );

        let verdicts = std::fs::read_to_string(file("dropped.verdicts")).expect("verdicts");
        let (by_python, by_iconv, read_alike) = misread_by_someone(sw, &verdicts);
        // The rule is exact, not merely safe: nothing is refused that all
        // three decoders would have read back as itself.
        assert!(
            read_alike.is_empty(),
            "{}: refused though every decoder reads them back: {}",
            sw.name,
            read_alike.join(" ")
        );
        assert_eq!(
            sw.written_before - sw.dropped.len(),
            sw.accepted.len(),
            "{}: nothing accepted that was refused before",
            sw.name
        );
        accepted_total += sw.accepted.len();
        lossy_total += sw.dropped.len();
        println!(
            "{:<13} {:>9} {:>9} {:>7} {:>9} {:>8} {:>8} {:>7.2?}",
            sw.name,
            sw.accepted.len(),
            sw.written_before,
            sw.dropped.len(),
            sw.dropped_one_way,
            by_python,
            by_iconv,
            sw.took
        );
    }
    println!(
        "{} charsets, {accepted_total} (charset, code point) pairs accepted, {lossy_total} that were written \
         before and misread by some decoder now refused; swept in {swept:.1?}, all in {:.1?}",
        sweeps.len(),
        start.elapsed()
    );
}

/// The error for `text` in the charset labelled `label`: the character it
/// names and the charset it suggests.
fn refused(label: &str, text: &str) -> (char, &'static str) {
    let cs = Charset::from_label(label).expect("a charset we write");
    match cs.encode(text, &ctx) {
        Err(Error::Unrepresentable {
            charset,
            ch,
            context,
            instead,
        }) => {
            assert_eq!((charset, context.as_str()), (cs.name(), CONTEXT));
            let checked = cs.check(text, &ctx).map_err(|e| e.to_string());
            assert_eq!(
                checked,
                Err(format!(
                    "charset {charset} cannot represent {ch:?} (U+{:04X}) in {CONTEXT}; {instead} can",
                    u32::from(ch)
                ))
            );
            (ch, instead)
        }
        other => panic!("{label} {text:?}: expected Unrepresentable, got {other:?}"),
    }
}

/// A message with `subject` and `body` in `charset`, as bytes, or the error
/// of `build` or of writing (whichever finds it).
fn message(charset: Charset, subject: &str, body: &str) -> mimesmith::Result<Vec<u8>> {
    Message::builder()
        .from("a@example.com")
        .to("b@example.com")
        .subject(subject.to_owned())
        .text(body.to_owned())
        .charset(charset)
        .seed(1)
        .build()
        .and_then(|m| m.to_vec())
}

#[test]
fn regress_issue10_iso2022jp_halfwidth_katakana_is_an_error() {
    // encoding_rs writes half-width katakana as the full-width ones
    // (ｶﾀｶﾅ read back as カタカナ); Shift_JIS holds them.
    assert_eq!(refused("ISO-2022-JP", "ｶﾀｶﾅ"), ('ｶ', "Shift_JIS"));
    assert_eq!(refused("ISO-2022-JP", "カタカナとｶﾀｶﾅ"), ('ｶ', "Shift_JIS"));
    assert!(Charset::SHIFT_JIS.check("ｶﾀｶﾅ", &ctx).is_ok());
    assert!(Charset::EUC_JP.check("ｶﾀｶﾅ", &ctx).is_ok());
    let err = message(Charset::ISO_2022_JP, "ｶﾀｶﾅ", "本文").unwrap_err();
    assert!(
        matches!(err, Error::Unrepresentable { ch: 'ｶ', .. }),
        "{err}"
    );
    let err = message(Charset::ISO_2022_JP, "件名", "ｶﾀｶﾅ").unwrap_err();
    assert!(
        matches!(err, Error::Unrepresentable { ch: 'ｶ', .. }),
        "{err}"
    );
}

#[test]
fn regress_issue10_yen_in_shift_jis_and_euc_jp_is_an_error() {
    // Both wrote ¥ as 0x5C, which encoding_rs, Python and EUC-JP's glibc
    // read back as a backslash; ISO-2022-JP writes it in JIS X 0201 Roman.
    assert_eq!(refused("Shift_JIS", "¥100"), ('¥', "ISO-2022-JP"));
    assert_eq!(refused("EUC-JP", "¥100"), ('¥', "ISO-2022-JP"));
    assert_eq!(refused("Shift_JIS", "‾"), ('‾', "ISO-2022-JP"));
    // And glibc reads Shift_JIS 0x5C and 0x7E as ¥ and ‾ (JIS X 0201, as
    // IANA registers Shift_JIS), so `\` and `~` are refused there too.
    assert_eq!(refused("Shift_JIS", r"C:\temp"), ('\\', "ISO-2022-JP"));
    assert_eq!(refused("Shift_JIS", "~user"), ('~', "ISO-2022-JP"));
    assert_eq!(
        Charset::EUC_JP.encode(r"\~", &ctx).unwrap().as_ref(),
        br"\~"
    );
    assert_eq!(
        Charset::ISO_2022_JP.encode("¥", &ctx).unwrap().as_ref(),
        b"\x1b(J\x5c\x1b(B"
    );
    let err = message(Charset::SHIFT_JIS, "価格 ¥100", "本文").unwrap_err();
    assert!(
        matches!(err, Error::Unrepresentable { ch: '¥', .. }),
        "{err}"
    );
}

#[test]
fn regress_issue10_minus_sign_u2212_is_an_error_not_ff0d() {
    // JIS X 0208 1-61 is U+2212 for Python and glibc and U+FF0D for
    // encoding_rs (CP932): neither is written, in any of the three forms.
    for label in ["Shift_JIS", "EUC-JP", "ISO-2022-JP"] {
        assert_eq!(refused(label, "1 − 2"), ('−', "UTF-8"), "{label}");
        assert_eq!(refused(label, "1 － 2"), ('－', "UTF-8"), "{label}");
        // The other cells CP932 and JIS X 0208 map differently.
        for ch in ['〜', '～', '‖', '∥', '¢', '￠', '£', '￡', '¬', '￢'] {
            assert_eq!(refused(label, &ch.to_string()), (ch, "UTF-8"), "{label}");
        }
    }
}

#[test]
fn regress_issue10_euro_in_gbk_is_an_error_naming_gb18030() {
    // GBK wrote € as 0x80, which Python's gbk codec refuses.
    assert_eq!(refused("GBK", "价格 €100"), ('€', "GB18030"));
    assert_eq!(refused("GB2312", "价格 €100"), ('€', "GB18030"));
    assert_eq!(
        Charset::GB18030.encode("€", &ctx).unwrap().as_ref(),
        b"\xa2\xe3"
    );
    let err = message(Charset::GBK, "价格 €100", "正文").unwrap_err();
    assert!(
        matches!(
            err,
            Error::Unrepresentable {
                ch: '€',
                instead: "GB18030",
                ..
            }
        ),
        "{err}"
    );
    // A GBK-only character in GB2312 names GBK, the next wider charset.
    assert_eq!(refused("GB2312", "朱镕基"), ('镕', "GBK"));
}

#[test]
fn regress_issue10_circled_one_and_taka_in_iso2022jp_are_errors() {
    // ① is NEC row 13 and 髙 an IBM extension (row 89): CP932 has them,
    // JIS X 0208 (Python's iso2022_jp, glibc) does not.
    assert_eq!(refused("ISO-2022-JP", "①"), ('①', "UTF-8"));
    assert_eq!(refused("ISO-2022-JP", "髙橋"), ('髙', "UTF-8"));
    assert_eq!(refused("Shift_JIS", "①"), ('①', "UTF-8"));
    assert_eq!(refused("EUC-JP", "髙橋"), ('髙', "UTF-8"));
    assert!(Charset::ISO_2022_JP.check("高橋", &ctx).is_ok());
}

/// ISO-2022-JP's character set state after each octet (RFC 1468).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Jis {
    Ascii,
    Roman,
    Kanji,
}

/// Follows the escapes of `bytes` from ASCII, asserting RFC 1468's rules:
/// 7-bit octets, no SO or SI, ASCII or Roman at every line end. Returns
/// the state at the end.
fn iso2022jp_state(bytes: &[u8]) -> Jis {
    let mut state = Jis::Ascii;
    let mut i = 0;
    while i < bytes.len() {
        assert!(
            bytes[i] < 0x80 && !matches!(bytes[i], 0x0E | 0x0F),
            "{bytes:x?}"
        );
        match &bytes[i..] {
            [0x1B, b'(', b'B', ..] => state = Jis::Ascii,
            [0x1B, b'(', b'J', ..] => state = Jis::Roman,
            [0x1B, b'$', b'@' | b'B', ..] => state = Jis::Kanji,
            [0x1B, ..] => panic!("unknown escape in {bytes:x?}"),
            [b'\r' | b'\n', ..] => {
                assert_ne!(state, Jis::Kanji, "a line ends in JIS X 0208: {bytes:x?}");
                i += 1;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        }
        i += 3;
    }
    state
}

#[test]
fn iso2022jp_output_ends_in_ascii_and_lines_end_in_ascii_or_roman() {
    for text in [
        "日本語",
        "¥",
        "価格は¥100\n次の行",
        "a¥b\\c~‾d",
        "漢字\r\n",
        "全角ＡＢＣ\nabc\n",
        "‾\n¥\n\\\nかな",
        "ASCII only",
    ] {
        let bytes = Charset::ISO_2022_JP.encode(text, &ctx).unwrap();
        assert_eq!(
            iso2022jp_state(&bytes),
            Jis::Ascii,
            "{text:?} ends in ASCII"
        );
        let back = encoding_rs::ISO_2022_JP
            .decode_without_bom_handling_and_without_replacement(&bytes)
            .unwrap();
        assert_eq!(back, text);
    }
}

#[test]
fn iso2022jp_encoded_words_each_decode_on_their_own() {
    use base64::Engine as _;
    // Long enough for several words; ¥ switches to JIS X 0201 Roman.
    let subject = "価格は¥1000です。日本語の件名がとても長いので、いくつかのエンコードされた単語に分かれます¥";
    let bytes = message(Charset::ISO_2022_JP, subject, "本文です。\n").unwrap();
    let text = String::from_utf8(bytes).expect("7-bit");
    let header: String = text
        .split("\r\n")
        .skip_while(|l| !l.starts_with("Subject:"))
        .enumerate()
        .take_while(|(i, l)| *i == 0 || l.starts_with([' ', '\t']))
        .map(|(_, l)| l)
        .collect();
    let words: Vec<&str> = header
        .split([' ', '\t'])
        .filter(|w| w.starts_with("=?"))
        .collect();
    assert!(words.len() > 1, "several words: {header}");
    let mut decoded = String::new();
    for word in &words {
        let payload = word
            .strip_prefix("=?ISO-2022-JP?B?")
            .and_then(|w| w.strip_suffix("?="))
            .unwrap_or_else(|| panic!("a B word (RFC 1468): {word}"));
        let octets = base64::engine::general_purpose::STANDARD
            .decode(payload)
            .unwrap();
        assert_eq!(iso2022jp_state(&octets), Jis::Ascii, "{word} ends in ASCII");
        let alone = encoding_rs::ISO_2022_JP
            .decode_without_bom_handling_and_without_replacement(&octets)
            .unwrap_or_else(|| panic!("{word} decodes on its own"));
        decoded.push_str(&alone);
    }
    assert_eq!(decoded, subject);
    assert!(!Charset::ISO_2022_JP.is_stateless());
    assert!(Charset::SHIFT_JIS.is_stateless() && Charset::UTF_8.is_stateless());
}
