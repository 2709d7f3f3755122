//! RFC 2047 encoded words, written only where they are needed.
//!
//! Two contexts: unstructured text (Subject, extra headers; RFC 2047 §5(1))
//! and phrases (display names; RFC 2047 §5(3)), which restrict the
//! characters a "Q" word may carry literally. Every encoded word is at most
//! 75 characters (RFC 2047 §2), is cut only between grapheme clusters (so
//! never inside a UTF-8 sequence, and never between a base character and its
//! combining marks or inside an emoji ZWJ sequence), and uses "B" or "Q",
//! whichever is shorter for the text it carries (RFC 2047 §4).
//!
//! Whitespace is kept exactly: whitespace between two encoded words is
//! ignored by decoders (RFC 2047 §6.2), so whitespace that separates two
//! words that both need encoding goes *inside* the encoded text; whitespace
//! between an encoded word and plain text is kept by decoders and is written
//! as it is. Leading and trailing whitespace, which parsers strip from a
//! field body, is carried inside an encoded word.

use unicode_segmentation::UnicodeSegmentation;

use super::HeaderStyle;
use super::fold::{Folder, HARD_LINE_LIMIT, SOFT_LINE_LIMIT};
use crate::encode::charset::Charset;
use crate::error::Result;

/// An encoded word is at most 75 characters (RFC 2047 §2).
pub const MAX_ENCODED_WORD: usize = 75;
/// The longest run of whitespace written literally; longer runs go inside an
/// encoded word so that no folded line is made mostly of whitespace.
const MAX_LITERAL_WS: usize = 8;
/// The longest word written literally. A longer one is encoded so it can be
/// split across lines: a folded line holds whitespace and one token, and
/// must stay within 998 characters (RFC 5322 §2.1.1).
pub(crate) const MAX_LITERAL_WORD: usize = HARD_LINE_LIMIT - MAX_LITERAL_WS - 2;
/// The longest word of unstructured text or a phrase written literally: one
/// that fits on a continuation line after its space (RFC 5322 §2.1.1 asks
/// for lines of at most 78). A longer one is encoded, so that it can be
/// split between encoded words (issue 10 item 8; Python's email and MimeKit
/// do the same). Structured tokens (identifiers, trace fields) cannot be
/// encoded and are kept, up to the 998 limit.
pub(crate) const MAX_FOLDABLE_WORD: usize = SOFT_LINE_LIMIT - 1;
/// Base64 alphabet (RFC 2045 §6.8, Table 1).
const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Where an encoded word appears, which decides the characters a "Q" word
/// may carry unescaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// Unstructured text (RFC 2047 §5(1)): any printable ASCII but `=`, `?`, `_`.
    Text,
    /// A phrase (RFC 2047 §5(3)): letters, digits and `! * + - /` only.
    Phrase,
}

impl Context {
    /// Octets a "Q" word spends on `b` (RFC 2047 §4.2): 1 literal or `_`, 3 for `=XX`.
    fn q_literal(self, b: u8) -> bool {
        match self {
            Self::Text => b.is_ascii_graphic() && !matches!(b, b'=' | b'?' | b'_'),
            Self::Phrase => {
                b.is_ascii_alphanumeric() || matches!(b, b'!' | b'*' | b'+' | b'-' | b'/')
            }
        }
    }
}

/// "B" or "Q" (RFC 2047 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    B,
    Q,
}

fn scheme_cost(scheme: Scheme, ctx: Context, bytes: &[u8]) -> usize {
    match scheme {
        Scheme::B => b_len(bytes.len()),
        Scheme::Q => q_len(bytes, ctx),
    }
}

/// Whether `end` is a grapheme boundary of `rest`.
fn is_unit_end(rest: &str, end: usize) -> bool {
    if end == 0 || end >= rest.len() {
        return true;
    }
    let before = rest.get(..end).and_then(|h| h.chars().next_back());
    let after = rest.get(end..).and_then(|t| t.chars().next());
    (before.is_some_and(is_standalone) && after.is_some_and(is_standalone))
        || unit_ends(rest, false).any(|u| u == end)
}

/// The next word: its length, its scheme, and whether it is a fallback (a
/// padded "B" word that another follows, which GMime stops at).
///
/// A "B" word that is not the last of its run carries a multiple of three
/// octets, so it has no `=` padding. When no such cut fits in `budget`, the
/// word is "Q" if that keeps grapheme clusters whole, else the padded "B"
/// word is the fallback.
fn next_word(
    rest: &str,
    standalone: bool,
    budget: usize,
    scheme: Scheme,
    ctx: Context,
    charset: Charset,
    context: &dyn Fn() -> String,
) -> Result<(usize, Scheme, bool)> {
    if charset.is_utf8() {
        return Ok(next_word_utf8(rest, standalone, budget, scheme, ctx));
    }
    let cost = |b: &[u8]| scheme_cost(scheme, ctx, b);
    let take = chunk_len(
        rest, standalone, budget, charset, scheme, ctx, &cost, context,
    )?;
    if scheme == Scheme::Q || take >= rest.len() {
        return Ok((take, scheme, false));
    }
    let octets = |end: usize| -> Result<usize> {
        Ok(charset
            .encode(rest.get(..end).unwrap_or(rest), context)?
            .len())
    };
    let mut end = take;
    while end > 0 {
        if rest.is_char_boundary(end)
            && (standalone || is_unit_end(rest, end))
            && octets(end)? % 3 == 0
        {
            return Ok((end, scheme, false));
        }
        end -= 1;
    }
    let q_cost = |b: &[u8]| scheme_cost(Scheme::Q, ctx, b);
    let q_take = chunk_len(
        rest,
        standalone,
        budget,
        charset,
        Scheme::Q,
        ctx,
        &q_cost,
        context,
    )?;
    if is_unit_end(rest, q_take) {
        return Ok((q_take, Scheme::Q, false));
    }
    Ok((take, scheme, true))
}

/// [`next_word`] for UTF-8, whose octets are the text's own: the cuts of
/// a multiple of three octets are every third offset, so only those are
/// checked (the same cuts, in the same order, as the general loop).
fn next_word_utf8(
    rest: &str,
    standalone: bool,
    budget: usize,
    scheme: Scheme,
    ctx: Context,
) -> (usize, Scheme, bool) {
    let take = chunk_len_utf8(rest, standalone, budget, scheme, ctx);
    if scheme == Scheme::Q || take >= rest.len() {
        return (take, scheme, false);
    }
    let mut end = take - take % 3;
    while end > 0 {
        if rest.is_char_boundary(end) && (standalone || is_unit_end(rest, end)) {
            return (end, scheme, false);
        }
        end -= 3;
    }
    let q_take = chunk_len_utf8(rest, standalone, budget, Scheme::Q, ctx);
    if is_unit_end(rest, q_take) {
        return (q_take, Scheme::Q, false);
    }
    (take, scheme, true)
}

/// "B" or "Q", whichever is shorter (RFC 2047 §4); always "B" for a
/// stateful charset, whose escape sequences "Q" would spell out octet by
/// octet (RFC 1468 recommends "B" for ISO-2022-JP).
fn choose_scheme(encoded: &[u8], ctx: Context, charset: Charset) -> Scheme {
    if charset.is_stateless() && q_len_within(encoded, ctx, b_len(encoded.len())) {
        Scheme::Q
    } else {
        Scheme::B
    }
}

/// The length of `=?charset?X?` plus `?=`.
fn overhead(charset: Charset) -> usize {
    charset.name().len() + 7
}

fn b_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// Octets a "Q" word spends on each octet, per context (RFC 2047 §4.2, §5).
const Q_COST: [[u8; 256]; 2] = {
    let mut t = [[3u8; 256]; 2];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c == b' ' || (c.is_ascii_graphic() && !matches!(c, b'=' | b'?' | b'_')) {
            t[0][b] = 1;
        }
        if c == b' ' || c.is_ascii_alphanumeric() || matches!(c, b'!' | b'*' | b'+' | b'-' | b'/') {
            t[1][b] = 1;
        }
        b += 1;
    }
    t
};

fn q_len(bytes: &[u8], ctx: Context) -> usize {
    let table = &Q_COST[usize::from(ctx == Context::Phrase)];
    bytes
        .iter()
        .map(|&b| usize::from(table[usize::from(b)]))
        .sum()
}

/// Whether `q_len(bytes, ctx) <= limit`, stopping at the first octet past
/// the limit (for CJK text, before half the text).
fn q_len_within(bytes: &[u8], ctx: Context, limit: usize) -> bool {
    // The "Q" length is one per octet plus two for each escaped one: count
    // only those, against what the limit allows (CJK text stops at the
    // first few octets).
    let table = &Q_COST[usize::from(ctx == Context::Phrase)];
    let Some(allowed) = limit.checked_sub(bytes.len()).map(|spare| spare / 2) else {
        return false;
    };
    let mut escaped = 0;
    for &b in bytes {
        escaped += usize::from(table[usize::from(b)] == 3);
        if escaped > allowed {
            return false;
        }
    }
    true
}

/// The longest prefix of `bytes` whose "Q" encoding takes at most `budget`
/// octets.
fn q_prefix(bytes: &[u8], ctx: Context, budget: usize) -> usize {
    let table = &Q_COST[usize::from(ctx == Context::Phrase)];
    let mut used = 0;
    for (i, &b) in bytes.iter().enumerate() {
        used += usize::from(table[usize::from(b)]);
        if used > budget {
            return i;
        }
    }
    bytes.len()
}

/// True when every character stands alone as a grapheme cluster: ASCII,
/// Latin-1, CJK ideographs and punctuation, kana, Hangul syllables and
/// fullwidth forms, none of which extend or join their neighbours
/// (UAX #29 §3.1.1). Text made only of these is cut between any two
/// characters without running the full segmentation.
fn is_standalone(c: char) -> bool {
    matches!(c,
        ' '..='~'
        | '\u{A0}'..='\u{AC}' | '\u{AE}'..='\u{2FF}'
        | '\u{3000}'..='\u{3029}' | '\u{3030}'..='\u{303F}'
        | '\u{3041}'..='\u{3096}' | '\u{309B}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{FF01}'..='\u{FF5E}')
}

/// End offsets of the grapheme clusters of `s`, in order.
fn unit_ends(s: &str, standalone: bool) -> impl Iterator<Item = usize> + '_ {
    let (chars, graphemes) = if standalone {
        (Some(s.char_indices()), None)
    } else {
        (None, Some(s.grapheme_indices(true)))
    };
    chars
        .into_iter()
        .flatten()
        .map(|(i, c)| i + c.len_utf8())
        .chain(graphemes.into_iter().flatten().map(|(i, g)| i + g.len()))
}

/// Writes `run` as one or more encoded words, the first preceded by `ws`.
///
/// With `single`, a run that fits in one encoded word is written as one,
/// on a new line if it does not fit on this one (Python's parser shows a
/// stray space between two encoded words of a display name). Otherwise the
/// words are sized to fill each line.
pub(crate) fn write_run(
    f: &mut Folder<'_>,
    ws: &[u8],
    run: &str,
    ctx: Context,
    charset: Charset,
    single: bool,
    context: &dyn Fn() -> String,
) -> Result<()> {
    if charset.is_utf8() {
        write_run_utf8(f, ws, run, ctx, single);
        return Ok(());
    }
    let encoded = charset.encode(run, context)?;
    let scheme = choose_scheme(&encoded, ctx, charset);
    let over = overhead(charset);
    let cost = |bytes: &[u8]| match scheme {
        Scheme::B => b_len(bytes.len()),
        Scheme::Q => q_len(bytes, ctx),
    };
    if single && over + cost(&encoded) <= MAX_ENCODED_WORD {
        let len = over + cost(&encoded);
        f.push_with(ws, len, |out| {
            write_word(out, charset, scheme, ctx, &encoded, len)
        });
        return Ok(());
    }
    // The smallest useful word carries one 4-octet character: 12 "Q" octets.
    let min_word = over + 12;
    // UTF-8 cuts check their own neighbourhood; other charsets are cut only
    // between grapheme clusters found by segmenting (or, for text that is
    // all standalone characters, between any two characters).
    let standalone = !charset.is_utf8() && run.chars().all(is_standalone);
    let mut ws = ws;
    let mut rest = run;
    while !rest.is_empty() {
        let here = f.room().saturating_sub(ws.len());
        let width = if here >= min_word || !f.can_fold(ws) {
            here.max(min_word)
        } else {
            SOFT_LINE_LIMIT - ws.len()
        };
        let budget = width.min(MAX_ENCODED_WORD) - over;
        let (mut take, mut word_scheme, fallback) =
            next_word(rest, standalone, budget, scheme, ctx, charset, context)?;
        let full = (SOFT_LINE_LIMIT - ws.len()).min(MAX_ENCODED_WORD) - over;
        let cut_inside = !standalone && !is_unit_end(rest, take);
        if ((fallback && f.can_fold(ws)) || (cut_inside && f.can_move_to_next_line(ws)))
            && budget < full
        {
            // A whole line may hold a clean cut, or the whole cluster that
            // does not fit on this one: the word then folds.
            let (t, sch, still) = next_word(rest, standalone, full, scheme, ctx, charset, context)?;
            if !still || (cut_inside && is_unit_end(rest, t)) {
                (take, word_scheme) = (t, sch);
            }
        }
        let (chunk, tail) = rest.split_at(take);
        let bytes = charset.encode(chunk, context)?;
        let len = over + scheme_cost(word_scheme, ctx, &bytes);
        f.push_with(ws, len, |out| {
            write_word(out, charset, word_scheme, ctx, &bytes, len)
        });
        ws = b" ";
        rest = tail;
    }
    Ok(())
}

/// [`write_run`] for UTF-8, whose octets are the text's own: nothing to
/// encode or check, and cuts found by arithmetic ("B") or one scan ("Q").
fn write_run_utf8(f: &mut Folder<'_>, ws: &[u8], run: &str, ctx: Context, single: bool) {
    let charset = Charset::UTF_8;
    let scheme = choose_scheme(run.as_bytes(), ctx, charset);
    let over = overhead(charset);
    let cost = |bytes: &[u8]| match scheme {
        Scheme::B => b_len(bytes.len()),
        Scheme::Q => q_len(bytes, ctx),
    };
    if single && over + cost(run.as_bytes()) <= MAX_ENCODED_WORD {
        let len = over + cost(run.as_bytes());
        f.push_with(ws, len, |out| {
            write_word(out, charset, scheme, ctx, run.as_bytes(), len)
        });
        return;
    }
    // As in `write_run`.
    let min_word = over + 12;
    let mut ws = ws;
    let mut rest = run;
    while !rest.is_empty() {
        let here = f.room().saturating_sub(ws.len());
        let width = if here >= min_word || !f.can_fold(ws) {
            here.max(min_word)
        } else {
            SOFT_LINE_LIMIT - ws.len()
        };
        let budget = width.min(MAX_ENCODED_WORD) - over;
        // As in `write_run`: a "B" word another follows has no padding.
        let (mut take, mut word_scheme, fallback) =
            next_word_utf8(rest, false, budget, scheme, ctx);
        let full = (SOFT_LINE_LIMIT - ws.len()).min(MAX_ENCODED_WORD) - over;
        // A grapheme cluster is cut only when it is longer than a whole
        // word can hold (issue 10 item 2); one that only does not fit on
        // this line goes, whole, to the next.
        let cut_inside = !is_unit_end(rest, take);
        if ((fallback && f.can_fold(ws)) || (cut_inside && f.can_move_to_next_line(ws)))
            && budget < full
        {
            // A whole line may hold a clean cut, or the whole cluster that
            // does not fit on this one: the word then folds.
            let (t, sch, still) = next_word_utf8(rest, false, full, scheme, ctx);
            if !still || (cut_inside && is_unit_end(rest, t)) {
                (take, word_scheme) = (t, sch);
            }
        }
        let (chunk, tail) = rest.split_at(take);
        let len = over + scheme_cost(word_scheme, ctx, chunk.as_bytes());
        f.push_with(ws, len, |out| {
            write_word(out, charset, word_scheme, ctx, chunk.as_bytes(), len)
        });
        ws = b" ";
        rest = tail;
    }
}

/// Splits `text` into complete encoded words of at most `max_word`
/// (and [`MAX_ENCODED_WORD`]) characters each, independent of any line: the
/// compatibility form of a parameter value (`filename="=?UTF-8?B?…?="`,
/// which Outlook reads) is built from these.
pub(crate) fn encode_words(
    text: &str,
    ctx: Context,
    charset: Charset,
    max_word: usize,
    context: &dyn Fn() -> String,
) -> Result<Vec<String>> {
    let encoded = charset.encode(text, context)?;
    let scheme = choose_scheme(&encoded, ctx, charset);
    let over = overhead(charset);
    let standalone = text.chars().all(is_standalone);
    let mut words = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let budget = max_word.min(MAX_ENCODED_WORD).saturating_sub(over).max(12);
        let (take, word_scheme, _) =
            next_word(rest, standalone, budget, scheme, ctx, charset, context)?;
        let (chunk, tail) = rest.split_at(take);
        let bytes = charset.encode(chunk, context)?;
        let len = over + scheme_cost(word_scheme, ctx, &bytes);
        let mut word = Vec::with_capacity(len);
        write_word(&mut word, charset, word_scheme, ctx, &bytes, len);
        words.push(String::from_utf8_lossy(&word).into_owned());
        rest = tail;
    }
    Ok(words)
}

/// The length in octets of the longest prefix of `rest` that ends on a
/// grapheme boundary and encodes within `budget`; if even the first cluster
/// does not fit, the longest prefix that ends on a character boundary; and
/// at least one character.
#[allow(
    clippy::too_many_arguments,
    reason = "one private helper; the cost closure and the scheme describe the same choice"
)]
fn chunk_len(
    rest: &str,
    standalone: bool,
    budget: usize,
    charset: Charset,
    scheme: Scheme,
    ctx: Context,
    cost: &dyn Fn(&[u8]) -> usize,
    context: &dyn Fn() -> String,
) -> Result<usize> {
    if charset.is_utf8() {
        return Ok(chunk_len_utf8(rest, standalone, budget, scheme, ctx));
    }
    let fits = |end: usize| -> Result<bool> {
        let prefix = rest.get(..end).unwrap_or(rest);
        Ok(cost(&charset.encode(prefix, context)?) <= budget)
    };
    let mut best = 0;
    for end in unit_ends(rest, standalone) {
        if !fits(end)? {
            break;
        }
        best = end;
    }
    if best == 0 {
        // One grapheme cluster longer than a word (a letter with dozens of
        // combining marks): cut it between characters, the only option left.
        for (i, c) in rest.char_indices() {
            let end = i + c.len_utf8();
            if best > 0 && !fits(end)? {
                break;
            }
            best = end;
        }
    }
    Ok(best)
}

/// [`chunk_len`] for UTF-8, where the bytes are the text's own: the longest
/// fitting byte prefix is found in one pass, then cut back to a boundary.
/// The cut is known to be between grapheme clusters when the characters on
/// both sides stand alone; only otherwise is the text segmented.
fn chunk_len_utf8(
    rest: &str,
    standalone: bool,
    budget: usize,
    scheme: Scheme,
    ctx: Context,
) -> usize {
    let bytes = rest.as_bytes();
    // The longest prefix that fits: "B" spends 4 characters on every 3
    // octets or part of them, so it is a whole number of 3-octet groups;
    // "Q" is found by adding up the octets' costs.
    let lo = match scheme {
        Scheme::B if b_len(bytes.len()) <= budget => return bytes.len(),
        Scheme::B => budget / 4 * 3,
        Scheme::Q => match q_prefix(bytes, ctx, budget) {
            n if n == bytes.len() => return n,
            n => n,
        },
    };
    cut_back_utf8(rest, standalone, lo)
}

/// Moves the longest fitting prefix length `lo` of [`chunk_len_utf8`] back
/// to a character boundary, then to a grapheme boundary unless the
/// characters on both sides stand alone; at least one character.
fn cut_back_utf8(rest: &str, standalone: bool, lo: usize) -> usize {
    let first_char = || rest.chars().next().map_or(0, char::len_utf8);
    let mut cut = lo;
    while cut > 0 && !rest.is_char_boundary(cut) {
        cut -= 1;
    }
    if cut == 0 {
        return first_char();
    }
    let around = |at: usize| {
        let before = rest.get(..at).and_then(|h| h.chars().next_back());
        let after = rest.get(at..).and_then(|t| t.chars().next());
        before.is_some_and(is_standalone) && after.is_some_and(is_standalone)
    };
    if standalone || around(cut) {
        return cut;
    }
    let mut best = 0;
    for end in unit_ends(rest, false) {
        if end > cut {
            break;
        }
        best = end;
    }
    if best == 0 { cut } else { best }
}

/// Appends `=?charset?X?…?=`, `len` characters (as [`overhead`] plus the
/// "B" or "Q" length of `bytes`).
fn write_word(
    out: &mut Vec<u8>,
    charset: Charset,
    scheme: Scheme,
    ctx: Context,
    bytes: &[u8],
    len: usize,
) {
    // Built on the stack and appended with one copy; every word cut to fit
    // [`MAX_ENCODED_WORD`] fits here.
    let mut buf = [0u8; WORD_BUF];
    if len > WORD_BUF {
        return write_word_to(out, charset, scheme, ctx, bytes);
    }
    let mut n;
    if charset.is_utf8() {
        buf[..8].copy_from_slice(b"=?UTF-8?");
        n = 8;
    } else {
        let name = charset.name().as_bytes();
        buf[..2].copy_from_slice(b"=?");
        buf[2..2 + name.len()].copy_from_slice(name);
        buf[2 + name.len()] = b'?';
        n = 3 + name.len();
    }
    match scheme {
        Scheme::B => {
            buf[n..n + 2].copy_from_slice(b"B?");
            n += 2;
            n += base64_into(&mut buf[n..], bytes);
        }
        Scheme::Q => {
            buf[n..n + 2].copy_from_slice(b"Q?");
            n += 2;
            for &b in bytes {
                if b == b' ' {
                    buf[n] = b'_';
                    n += 1;
                } else if ctx.q_literal(b) {
                    buf[n] = b;
                    n += 1;
                } else {
                    buf[n..n + 3].copy_from_slice(&[
                        b'=',
                        HEX[usize::from(b >> 4)],
                        HEX[usize::from(b & 15)],
                    ]);
                    n += 3;
                }
            }
        }
    }
    buf[n..n + 2].copy_from_slice(b"?=");
    out.extend_from_slice(&buf[..n + 2]);
}

/// Room for one encoded word on the stack.
const WORD_BUF: usize = 80;

/// [`write_word`] straight into `out`, for a word longer than [`WORD_BUF`].
fn write_word_to(out: &mut Vec<u8>, charset: Charset, scheme: Scheme, ctx: Context, bytes: &[u8]) {
    out.extend_from_slice(b"=?");
    out.extend_from_slice(charset.name().as_bytes());
    match scheme {
        Scheme::B => {
            out.extend_from_slice(b"?B?");
            for piece in bytes.chunks(57) {
                let mut buf = [0u8; 76];
                let n = base64_into(&mut buf, piece);
                out.extend_from_slice(&buf[..n]);
            }
        }
        Scheme::Q => {
            out.extend_from_slice(b"?Q?");
            for &b in bytes {
                if b == b' ' {
                    out.push(b'_');
                } else if ctx.q_literal(b) {
                    out.push(b);
                } else {
                    out.extend_from_slice(&[
                        b'=',
                        HEX[usize::from(b >> 4)],
                        HEX[usize::from(b & 15)],
                    ]);
                }
            }
        }
    }
    out.extend_from_slice(b"?=");
}

/// Base64 (RFC 2045 §6.8 alphabet) of every 12-bit value: its two
/// characters, so that 3 octets take two look-ups.
const B64_PAIRS: [[u8; 2]; 4096] = {
    let mut t = [[0u8; 2]; 4096];
    let mut i = 0;
    while i < 4096 {
        t[i] = [B64[i >> 6], B64[i & 63]];
        i += 1;
    }
    t
};

/// Writes base64 of `bytes` (without line breaks) at the start of `dst`,
/// which must hold `b_len(bytes.len())` characters; returns that length.
fn base64_into(dst: &mut [u8], bytes: &[u8]) -> usize {
    let (triples, rest) = bytes.as_chunks::<3>();
    let mut n = 0;
    for (t, slot) in triples.iter().zip(dst.chunks_exact_mut(4)) {
        let v = usize::from(t[0]) << 16 | usize::from(t[1]) << 8 | usize::from(t[2]);
        let [a, b] = B64_PAIRS[v >> 12];
        let [c, d] = B64_PAIRS[v & 0xFFF];
        slot.copy_from_slice(&[a, b, c, d]);
        n += 4;
    }
    let last = match *rest {
        [a] => {
            let [x, y] = B64_PAIRS[usize::from(a) << 4];
            [x, y, b'=', b'=']
        }
        [a, b] => {
            let v = usize::from(a) << 10 | usize::from(b) << 2;
            let [x, y] = B64_PAIRS[v >> 6];
            [x, y, B64[v & 63], b'=']
        }
        _ => return n,
    };
    if let Some(slot) = dst.get_mut(n..n + 4) {
        slot.copy_from_slice(&last);
        n += 4;
    }
    n
}

/// Whether a whitespace-free word must be encoded in unstructured text: it
/// is too long to fold, holds `=?` (which decoders would take for an
/// encoded word), or holds a character that must not appear raw in a
/// header: a control (C0, DEL, C1), or, unless SMTPUTF8 allows UTF-8
/// (RFC 6532 §3.2), anything outside ASCII. Checked by octets: every such
/// character has an octet below 0x20 or from 0x7F up.
fn word_needs_encoding(word: &str, smtputf8: bool) -> bool {
    let b = word.as_bytes();
    let raw = b.iter().any(|&c| !(0x20..0x7F).contains(&c));
    (raw && (!smtputf8 || super::address::has_control(word)))
        || b.len() > MAX_FOLDABLE_WORD
        || memchr::memchr_iter(b'=', b).any(|i| b.get(i + 1) == Some(&b'?'))
}

fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// One whitespace-free word and the whitespace before it, as byte ranges.
#[derive(Debug, Clone, Copy)]
struct Token {
    ws_start: usize,
    start: usize,
    end: usize,
    encode: bool,
}

/// Tokens of a header value; most values have few words, kept on the stack.
type Tokens = smallvec::SmallVec<[Token; 24]>;

/// Splits `text` into [`Token`]s, appended to `out` (filled in place: the
/// inline array is too large to return by value cheaply).
fn tokens(text: &str, smtputf8: bool, out: &mut Tokens) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let ws_start = i;
        while i < b.len() && is_wsp(b[i]) {
            i += 1;
        }
        let start = i;
        i = memchr::memchr2(b' ', b'\t', b.get(i..).unwrap_or_default()).map_or(b.len(), |n| i + n);
        if start == i {
            break;
        }
        let word = text.get(start..i).unwrap_or_default();
        out.push(Token {
            ws_start,
            start,
            end: i,
            encode: word_needs_encoding(word, smtputf8),
        });
    }
}

/// Writes an unstructured field body (RFC 5322 §3.2.5) after `Name:`,
/// encoding only the words that need it (RFC 2047 §5(1)).
pub(crate) fn write_unstructured(
    f: &mut Folder<'_>,
    text: &str,
    style: &HeaderStyle,
    context: &dyn Fn() -> String,
) -> Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    if memchr::memchr2(b' ', b'\t', text.as_bytes()).is_none() {
        // One word, the whole value (a CJK subject, typically): what the
        // token loop below does with a single token, without the tokens.
        if word_needs_encoding(text, style.smtputf8) {
            return write_run(f, b" ", text, Context::Text, style.charset, false, context);
        }
        f.push(b" ", text.as_bytes());
        return Ok(());
    }
    let mut toks = Tokens::new();
    tokens(text, style.smtputf8, &mut toks);
    let Some(last) = toks.last().copied() else {
        // Only whitespace: keep it, inside an encoded word.
        return write_run(f, b" ", text, Context::Text, style.charset, false, context);
    };
    if let Some(first) = toks.first_mut() {
        // Leading whitespace would be stripped by parsers: encode it.
        first.encode |= first.start > 0;
    }
    if let Some(l) = toks.last_mut() {
        l.encode |= last.end < text.len();
    }
    for t in toks.iter_mut().skip(1) {
        t.encode |= t.start - t.ws_start > MAX_LITERAL_WS;
    }
    // Whitespace between plain text and an encoded word is kept by RFC 2047
    // §6.2, but mail-parser turns any run of it into one space; it does the
    // same with whitespace at a fold. Unless the whitespace is exactly one
    // space, encode the neighbour too, so the whitespace goes inside the
    // encoded text, where every decoder keeps it. Between two plain words it
    // only matters when the field is long enough to fold.
    let odd_ws = |t: &Token| {
        text.as_bytes()
            .get(t.ws_start..t.start)
            .is_some_and(|w| w != b" ")
    };
    // An encoded word can take three characters per octet ("Q") plus its
    // frame, so a value with one may fold though its text is short.
    let any_encoded = toks.iter().any(|t| t.encode);
    let may_fold = f.room() < text.len() + 1
        || (any_encoded && f.room() < 3 * text.len() + 2 * MAX_ENCODED_WORD);
    let mut changed = true;
    while changed {
        changed = false;
        for i in 1..toks.len() {
            let (prev, cur) = (toks[i - 1].encode, toks[i].encode);
            if (prev != cur || (may_fold && !prev)) && odd_ws(&toks[i]) {
                toks[i - 1].encode = true;
                toks[i].encode = true;
                changed = true;
            }
        }
    }
    let mut i = 0;
    while let Some(&t) = toks.get(i) {
        let ws = if i == 0 {
            " "
        } else {
            text.get(t.ws_start..t.start).unwrap_or(" ")
        };
        if !t.encode {
            let word = text.get(t.start..t.end).unwrap_or_default();
            f.push(ws.as_bytes(), word.as_bytes());
            i += 1;
            continue;
        }
        let mut j = i;
        while toks.get(j + 1).is_some_and(|n| n.encode) {
            j += 1;
        }
        let (literal_ws, run_start) = if i == 0 {
            (" ", 0)
        } else if ws.len() > MAX_LITERAL_WS {
            (ws.get(..1).unwrap_or(" "), t.ws_start + 1)
        } else {
            (ws, t.start)
        };
        let run_end = if j + 1 == toks.len() {
            text.len()
        } else {
            toks.get(j).map_or(text.len(), |x| x.end)
        };
        let run = text.get(run_start..run_end).unwrap_or_default();
        write_run(
            f,
            literal_ws.as_bytes(),
            run,
            Context::Text,
            style.charset,
            false,
            context,
        )?;
        i = j + 1;
    }
    Ok(())
}

/// The longest display name written as atoms (`To: ` and ` <…>` leave this
/// much of a 78-character line).
const MAX_ATOM_PHRASE: usize = 40;

/// The form a phrase is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PhraseForm {
    /// Atoms separated by single spaces.
    Atoms,
    /// One quoted-string (RFC 5322 §3.2.4).
    Quoted,
    /// Encoded words (RFC 2047 §5(3)).
    Encoded,
}

/// ASCII atext (RFC 5322 §3.2.3) by octet; octets above 127 are false
/// (UTF-8 atext, RFC 6532 §3.2, is judged by character in [`is_atext`]).
pub(crate) const ATEXT: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'/'
                    | b'='
                    | b'?'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'{'
                    | b'|'
                    | b'}'
                    | b'~'
            );
        c += 1;
    }
    t
};

/// atext (RFC 5322 §3.2.3), widened to UTF-8 with SMTPUTF8 (RFC 6532 §3.2).
pub(crate) fn is_atext(c: char, smtputf8: bool) -> bool {
    if (c as u32) < 128 {
        ATEXT[c as usize]
    } else {
        smtputf8 && !c.is_control()
    }
}

/// How a display name is written: atoms when it is plain words, a quoted
/// string when it is printable ASCII with specials, encoded words otherwise
/// (and whenever the text contains `=?`, which some parsers would decode
/// even inside quotes).
pub(crate) fn phrase_form(name: &str, smtputf8: bool) -> PhraseForm {
    if !smtputf8 && !name.is_ascii() {
        return PhraseForm::Encoded;
    }
    let simple_spacing = !name.is_empty()
        && !name.starts_with(' ')
        && !name.ends_with(' ')
        && !name.contains("  ")
        && !name.contains('\t')
        && !name.contains("=?")
        && name.split(' ').all(|w| w.len() <= MAX_FOLDABLE_WORD);
    if !simple_spacing {
        return PhraseForm::Encoded;
    }
    // Atoms only when the name fits on a line: GMime keeps the CRLF of a
    // fold between the words of a plain display name, so a longer name is one
    // quoted string, never folded inside (RFC 5322 §3.2.4 would allow it).
    if name.len() <= MAX_ATOM_PHRASE
        && name
            .split(' ')
            .all(|w| w.chars().all(|c| is_atext(c, smtputf8)))
    {
        PhraseForm::Atoms
    } else if quoted_len(name) > MAX_FOLDABLE_WORD {
        // A quoted string is never folded inside, so one longer than a line
        // is encoded instead (issue 10 items 3 and 8). Escapes count: a name
        // of quotes doubles in length when quoted.
        PhraseForm::Encoded
    } else if name
        .chars()
        .all(|c| c == ' ' || c.is_ascii_graphic() || (smtputf8 && !c.is_ascii() && !c.is_control()))
    {
        PhraseForm::Quoted
    } else {
        PhraseForm::Encoded
    }
}

/// The length of `name` as a quoted-string: quotes, and a backslash before
/// each `"` and `\` (RFC 5322 §3.2.4).
fn quoted_len(name: &str) -> usize {
    name.len() + 2 + name.bytes().filter(|b| matches!(b, b'"' | b'\\')).count()
}

/// Writes a display name (a phrase, RFC 5322 §3.2.5), its first token
/// preceded by `ws`. Returns the form used.
pub(crate) fn write_phrase(
    f: &mut Folder<'_>,
    ws: &[u8],
    name: &str,
    trailing: usize,
    style: &HeaderStyle,
    context: &dyn Fn() -> String,
) -> Result<PhraseForm> {
    if !style.smtputf8 && style.charset.is_utf8() && !name.is_ascii() {
        // The usual non-ASCII name: encoded (`phrase_form` says so for any
        // non-ASCII name without SMTPUTF8), UTF-8, and short enough for
        // one word, which `write_run` writes as this.
        let scheme = choose_scheme(name.as_bytes(), Context::Phrase, Charset::UTF_8);
        let len = overhead(Charset::UTF_8)
            + match scheme {
                Scheme::B => b_len(name.len()),
                Scheme::Q => q_len(name.as_bytes(), Context::Phrase),
            };
        if len <= MAX_ENCODED_WORD {
            f.push_with(ws, len, |out| {
                write_word(
                    out,
                    Charset::UTF_8,
                    scheme,
                    Context::Phrase,
                    name.as_bytes(),
                    len,
                )
            });
            return Ok(PhraseForm::Encoded);
        }
    }
    let form = match phrase_form(name, style.smtputf8) {
        // A quoted string is one token: with what is glued after it (a
        // group's `:`) it must still fit on a line of its own, or it is
        // encoded, which can be split (RFC 5322 §2.1.1).
        PhraseForm::Quoted if 1 + quoted_len(name) + trailing > SOFT_LINE_LIMIT => {
            PhraseForm::Encoded
        }
        form => form,
    };
    match form {
        PhraseForm::Atoms => {
            // One token: never folded inside (GMime keeps the CRLF).
            f.push_with_trailing(ws, name.len(), trailing, |out| {
                out.extend_from_slice(name.as_bytes())
            });
        }
        PhraseForm::Quoted => {
            // One token: never folded inside (see MAX_ATOM_PHRASE).
            f.push_with_trailing(ws, quoted_len(name), trailing, |out| {
                out.push(b'"');
                for b in name.bytes() {
                    if matches!(b, b'"' | b'\\') {
                        out.push(b'\\');
                    }
                    out.push(b);
                }
                out.push(b'"');
            });
        }
        PhraseForm::Encoded => {
            write_run(f, ws, name, Context::Phrase, style.charset, true, context)?;
        }
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf8() -> HeaderStyle {
        HeaderStyle {
            charset: Charset::UTF_8,
            smtputf8: false,
        }
    }

    fn subject(text: &str) -> String {
        let mut out = Vec::new();
        let mut f = Folder::new(&mut out, "Subject");
        write_unstructured(&mut f, text, &utf8(), &|| "Subject".into()).unwrap();
        f.finish();
        String::from_utf8(out).unwrap()
    }

    /// A small RFC 2047 decoder for the tests: unfolds, decodes words and
    /// drops whitespace between adjacent encoded words (RFC 2047 §6.2).
    fn decode(field: &str) -> String {
        let body = field
            .split_once(':')
            .unwrap()
            .1
            .trim_end_matches("\r\n")
            .replace("\r\n", "");
        let body = body.strip_prefix(' ').unwrap_or(&body).to_owned();
        let mut out = String::new();
        let mut pending_ws = String::new();
        let mut last_ew = false;
        let mut rest = body.as_str();
        while !rest.is_empty() {
            let ws_len = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            let (ws, after) = rest.split_at(ws_len);
            pending_ws.push_str(ws);
            rest = after;
            let end = rest.find([' ', '\t']).unwrap_or(rest.len());
            let (word, after) = rest.split_at(end);
            rest = after;
            if word.is_empty() {
                continue;
            }
            if let Some(text) = decode_word(word) {
                if !last_ew {
                    out.push_str(&pending_ws);
                }
                out.push_str(&text);
                last_ew = true;
            } else {
                out.push_str(&pending_ws);
                out.push_str(word);
                last_ew = false;
            }
            pending_ws.clear();
        }
        out.push_str(&pending_ws);
        out
    }

    fn decode_word(word: &str) -> Option<String> {
        let inner = word.strip_prefix("=?")?.strip_suffix("?=")?;
        let mut it = inner.splitn(3, '?');
        let (cs, scheme, text) = (it.next()?, it.next()?, it.next()?);
        assert_eq!(cs, "UTF-8");
        let bytes = match scheme {
            "B" => base64_decode(text),
            "Q" => {
                let mut v = Vec::new();
                let b = text.as_bytes();
                let mut i = 0;
                while i < b.len() {
                    match b[i] {
                        b'_' => v.push(b' '),
                        b'=' => {
                            v.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                            i += 2;
                        }
                        c => v.push(c),
                    }
                    i += 1;
                }
                v
            }
            _ => panic!("scheme {scheme}"),
        };
        Some(String::from_utf8(bytes).expect("every word holds whole characters"))
    }

    fn base64_decode(s: &str) -> Vec<u8> {
        let val = |c: u8| B64.iter().position(|&x| x == c).unwrap() as u32;
        let s = s.trim_end_matches('=').as_bytes();
        let mut out = Vec::new();
        for chunk in s.chunks(4) {
            let mut n = 0u32;
            for (i, &c) in chunk.iter().enumerate() {
                n |= val(c) << (18 - 6 * i);
            }
            let bytes = n.to_be_bytes();
            out.extend_from_slice(&bytes[1..chunk.len()]);
        }
        out
    }

    fn check_lines(field: &str) {
        for line in field.trim_end_matches("\r\n").split("\r\n") {
            assert!(line.len() <= SOFT_LINE_LIMIT, "line too long: {line:?}");
            assert!(line.is_ascii());
        }
        for word in field
            .split([' ', '\r', '\n'])
            .filter(|w| w.starts_with("=?"))
        {
            assert!(word.len() <= MAX_ENCODED_WORD, "{word}");
        }
    }

    #[test]
    fn base64_by_pairs_matches_the_alphabet() {
        let mut seed = 0x9e37_79b9_u32;
        for len in 0..=70 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    seed as u8
                })
                .collect();
            let mut buf = [0u8; 100];
            let n = base64_into(&mut buf, &bytes);
            assert_eq!(n, b_len(len));
            assert_eq!(
                base64_decode(std::str::from_utf8(&buf[..n]).unwrap()),
                bytes
            );
        }
    }

    #[test]
    fn utf8_cuts_match_a_binary_search_of_the_cost() {
        fn reference(rest: &str, budget: usize, cost: &dyn Fn(&[u8]) -> usize) -> usize {
            let bytes = rest.as_bytes();
            if cost(bytes) <= budget {
                return bytes.len();
            }
            let (mut lo, mut hi) = (0, bytes.len());
            while lo + 1 < hi {
                let mid = lo + (hi - lo) / 2;
                if cost(&bytes[..mid]) <= budget {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            lo
        }
        let texts = [
            "季度报告：第三季度销售数据与分析",
            "Grüße aus Köln, liebe Grüße",
            "a=b?c_d e",
            "e\u{301}\u{302}x👨\u{200D}👩",
            "plain ascii words here",
        ];
        for text in texts {
            for budget in 1..70 {
                for ctx in [Context::Text, Context::Phrase] {
                    let b = chunk_len_utf8(text, false, budget, Scheme::B, ctx);
                    let q = chunk_len_utf8(text, false, budget, Scheme::Q, ctx);
                    // Same cut-back as chunk_len_utf8 after the longest fit.
                    let cut = |lo: usize| {
                        if lo == text.len() {
                            lo
                        } else {
                            cut_back_utf8(text, false, lo)
                        }
                    };
                    assert_eq!(
                        b,
                        cut(reference(text, budget, &|x| b_len(x.len()))),
                        "{text} {budget}"
                    );
                    assert_eq!(
                        q,
                        cut(reference(text, budget, &|x| q_len(x, ctx))),
                        "{text} {budget}"
                    );
                }
            }
        }
    }

    #[test]
    fn utf8_word_choice_matches_the_general_one() {
        // `next_word`'s loop as written for any charset, over UTF-8 octets.
        fn reference(
            rest: &str,
            standalone: bool,
            budget: usize,
            scheme: Scheme,
            ctx: Context,
        ) -> (usize, Scheme, bool) {
            let take = chunk_len_utf8(rest, standalone, budget, scheme, ctx);
            if scheme == Scheme::Q || take >= rest.len() {
                return (take, scheme, false);
            }
            let mut end = take;
            while end > 0 {
                if rest.is_char_boundary(end)
                    && (standalone || is_unit_end(rest, end))
                    && end.is_multiple_of(3)
                {
                    return (end, scheme, false);
                }
                end -= 1;
            }
            let q_take = chunk_len_utf8(rest, standalone, budget, Scheme::Q, ctx);
            if is_unit_end(rest, q_take) {
                return (q_take, Scheme::Q, false);
            }
            (take, scheme, true)
        }
        let texts = [
            "季度报告：第三季度销售数据与分析",
            "Grüße aus Köln, liebe Grüße",
            "e\u{301}\u{302}x👨\u{200D}👩😀",
            "👨\u{200D}👩\u{200D}👧\u{200D}👦",
            "a",
        ];
        for text in texts {
            for budget in 1..70 {
                for ctx in [Context::Text, Context::Phrase] {
                    for scheme in [Scheme::B, Scheme::Q] {
                        for standalone in [false, true] {
                            let got = next_word_utf8(text, standalone, budget, scheme, ctx);
                            assert_eq!(
                                got,
                                reference(text, standalone, budget, scheme, ctx),
                                "{text} {budget}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_b_word_followed_by_another_has_no_padding_in_phrases_and_parameters() {
        for text in [
            "季度报告：第三季度销售数据与分析，以及第四季度的预测".repeat(3),
            "Grüße 😀 aus Köln, é".repeat(6),
        ] {
            let (s, form) = phrase(&text);
            assert_eq!(form, PhraseForm::Encoded);
            let words: Vec<&str> = s
                .split([' ', '\r', '\n'])
                .filter(|w| w.starts_with("=?"))
                .collect();
            assert!(words.len() > 1, "{s}");
            for w in words.iter().take(words.len() - 1) {
                assert!(
                    !w.contains("?B?") || !w.ends_with("=?="),
                    "padded word {w} in\n{s}"
                );
            }
            let parts = encode_words(&text, Context::Text, Charset::UTF_8, 60, &|| {
                "filename".into()
            })
            .unwrap();
            for w in parts.iter().take(parts.len() - 1) {
                assert!(!w.contains("?B?") || !w.ends_with("=?="), "padded word {w}");
            }
        }
    }

    #[test]
    fn words_needing_encoding_by_octets_match_by_characters() {
        fn reference(word: &str, smtputf8: bool) -> bool {
            word.len() > MAX_FOLDABLE_WORD
                || word.contains("=?")
                || word
                    .chars()
                    .any(|c| c.is_control() || (!c.is_ascii() && !smtputf8))
        }
        let words = [
            "plain",
            "季度",
            "a=?b",
            "=",
            "x=",
            "=?",
            "?=",
            "bell\u{7}",
            "del\u{7f}",
            "c1\u{85}",
            "nbsp\u{a0}",
            "é",
            "\u{9f}",
            "\u{c2}",
        ];
        for w in words {
            for utf8 in [false, true] {
                assert_eq!(
                    word_needs_encoding(w, utf8),
                    reference(w, utf8),
                    "{w:?} {utf8}"
                );
            }
        }
        let long = "x".repeat(MAX_LITERAL_WORD + 1);
        assert!(word_needs_encoding(&long, true));
    }

    #[test]
    fn ascii_subject_is_written_as_is() {
        assert_eq!(subject("Quarterly report"), "Subject: Quarterly report\r\n");
    }

    #[test]
    fn chinese_subject_is_one_b_word_when_short() {
        let s = subject("季度报告");
        assert_eq!(s, "Subject: =?UTF-8?B?5a2j5bqm5oql5ZGK?=\r\n");
        assert_eq!(decode(&s), "季度报告");
    }

    #[test]
    fn only_the_words_that_need_it_are_encoded() {
        let s = subject("Re: 季度报告 Q3 final");
        assert!(s.starts_with("Subject: Re: =?UTF-8?B?"), "{s}");
        assert!(s.ends_with("?= Q3 final\r\n"), "{s}");
        assert_eq!(decode(&s), "Re: 季度报告 Q3 final");
    }

    #[test]
    fn whitespace_between_encoded_words_is_kept_inside_them() {
        let text = "季度 报告\t总结";
        let s = subject(text);
        assert_eq!(decode(&s), text);
    }

    #[test]
    fn leading_trailing_and_repeated_whitespace_survive() {
        for text in [
            "  leading",
            "trailing  ",
            " both ",
            "a  b   c",
            "tab\there",
            "   ",
            "a\t\t\t\t\t\t\t\t\t\t\tb",
        ] {
            let s = subject(text);
            check_lines(&s);
            assert_eq!(decode(&s), text, "{s}");
        }
    }

    #[test]
    fn long_chinese_subject_folds_into_words_of_at_most_75() {
        let text =
            "季度报告：第三季度销售数据与分析，以及第四季度的预测和各部门的预算安排".repeat(3);
        let s = subject(&text);
        check_lines(&s);
        assert!(s.matches("\r\n ").count() >= 3);
        assert_eq!(decode(&s), text);
    }

    #[test]
    fn a_literal_encoded_word_lookalike_is_encoded() {
        let text = "price =?UTF-8?B?5a2j?= today";
        let s = subject(text);
        assert!(!s.contains(" =?UTF-8?B?5a2j?= "), "{s}");
        assert_eq!(decode(&s), text);
    }

    #[test]
    fn never_splits_a_grapheme_cluster() {
        // A family emoji (ZWJ sequence, 25 octets) and e + 5 combining marks.
        let family = "👨\u{200D}👩\u{200D}👧\u{200D}👦";
        let marks = "e\u{301}\u{302}\u{303}\u{304}\u{305}";
        let text = format!("{family}{marks}").repeat(12);
        let s = subject(&text);
        check_lines(&s);
        for word in s.split([' ', '\r', '\n']).filter(|w| w.starts_with("=?")) {
            let decoded = decode_word(word).unwrap();
            let first = decoded.chars().next().unwrap();
            assert!(
                first == '👨' || first == 'e',
                "word starts inside a cluster: {decoded:?}"
            );
        }
        assert_eq!(decode(&s), text);
    }

    #[test]
    fn a_cluster_longer_than_a_word_is_cut_between_characters() {
        let text = format!("a{}", "\u{301}".repeat(60));
        let s = subject(&text);
        check_lines(&s);
        assert_eq!(decode(&s), text);
    }

    #[test]
    fn controls_are_encoded() {
        let text = "bell\u{7}nul\u{0}esc\u{1b}";
        let s = subject(text);
        assert!(s.bytes().all(|b| b >= 0x20 || b == b'\r' || b == b'\n'));
        assert_eq!(decode(&s), text);
    }

    #[test]
    fn a_b_word_followed_by_another_has_no_padding() {
        // GMime stops at a padded B word that another word follows.
        for text in [
            "季度报告：第三季度销售数据与分析，以及第四季度的预测".repeat(3),
            "Grüße 😀 aus Köln, é".repeat(6),
        ] {
            let s = subject(&text);
            let words: Vec<&str> = s
                .split([' ', '\r', '\n'])
                .filter(|w| w.starts_with("=?"))
                .collect();
            for w in words.iter().take(words.len().saturating_sub(1)) {
                assert!(
                    !w.contains("?B?") || !w.ends_with("=?="),
                    "padded word {w} in\n{s}"
                );
            }
            assert_eq!(decode(&s), text);
        }
    }

    #[test]
    fn q_is_chosen_when_shorter() {
        let s = subject("Übersicht 2026");
        assert!(s.contains("?Q?"), "{s}");
        assert_eq!(decode(&s), "Übersicht 2026");
        let s = subject("café");
        assert!(s.contains("?B?"), "{s}");
    }

    /// Issue 10 item 8: an unbroken word longer than a line is encoded, so
    /// that it can be split between encoded words and every line stays
    /// within 78; one that fits on a line of its own stays literal.
    #[test]
    fn regress_issue10_long_unbroken_word_is_encoded_so_lines_stay_under_78() {
        let fits = "x".repeat(MAX_FOLDABLE_WORD);
        assert_eq!(subject(&fits), format!("Subject:\r\n {fits}\r\n"));
        for n in [MAX_FOLDABLE_WORD + 1, 150, 200, 2000] {
            let word = "y".repeat(n);
            let s = subject(&word);
            for line in s.split("\r\n") {
                assert!(line.len() <= SOFT_LINE_LIMIT, "{n}: {line}");
            }
            assert_eq!(decode(&s), word);
            let s = subject(&format!("see {word} now"));
            assert!(s.split("\r\n").all(|l| l.len() <= SOFT_LINE_LIMIT), "{s}");
            assert_eq!(decode(&s), format!("see {word} now"));
        }
    }

    fn phrase(name: &str) -> (String, PhraseForm) {
        let mut out = Vec::new();
        let mut f = Folder::new(&mut out, "From");
        let form = write_phrase(&mut f, b" ", name, 0, &utf8(), &|| "From".into()).unwrap();
        f.finish();
        (String::from_utf8(out).unwrap(), form)
    }

    #[test]
    fn display_names_take_the_simplest_form() {
        assert_eq!(
            phrase("John Smith"),
            ("From: John Smith\r\n".into(), PhraseForm::Atoms)
        );
        assert_eq!(
            phrase("Smith, John"),
            ("From: \"Smith, John\"\r\n".into(), PhraseForm::Quoted)
        );
        assert_eq!(
            phrase("a \"b\" \\c"),
            ("From: \"a \\\"b\\\" \\\\c\"\r\n".into(), PhraseForm::Quoted)
        );
        assert_eq!(phrase("张三").1, PhraseForm::Encoded);
        assert_eq!(phrase(" padded").1, PhraseForm::Encoded);
        assert_eq!(phrase("=?x?=").1, PhraseForm::Encoded);
    }

    #[test]
    fn encoded_display_name_is_one_word_when_it_fits() {
        let name = "北京某某科技有限公司客户";
        let (s, _) = phrase(name);
        assert_eq!(s.matches("=?").count(), 1, "{s}");
        assert_eq!(decode(&s), name);
    }

    #[test]
    fn phrase_q_words_escape_specials() {
        let name = "Zoë (R&D), \"Team\"";
        let (s, form) = phrase(name);
        assert_eq!(form, PhraseForm::Encoded);
        let word = s.trim_start_matches("From: ").trim_end();
        if word.contains("?Q?") {
            let text = word.split('?').nth(3).unwrap();
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!*+-/=_".contains(&b)),
                "{text}"
            );
        }
        assert_eq!(decode(&s), name);
    }

    #[test]
    fn smtputf8_writes_raw_utf8() {
        let style = HeaderStyle {
            charset: Charset::UTF_8,
            smtputf8: true,
        };
        let mut out = Vec::new();
        let mut f = Folder::new(&mut out, "Subject");
        write_unstructured(&mut f, "季度报告 Q3", &style, &|| String::new()).unwrap();
        f.finish();
        assert_eq!(String::from_utf8(out).unwrap(), "Subject: 季度报告 Q3\r\n");
    }

    #[test]
    fn legacy_charset_words_hold_whole_characters() {
        let style = HeaderStyle {
            charset: Charset::ISO_2022_JP,
            smtputf8: false,
        };
        let text = "日本語のテキストです。".repeat(6);
        let mut out = Vec::new();
        let mut f = Folder::new(&mut out, "Subject");
        write_unstructured(&mut f, &text, &style, &|| String::new()).unwrap();
        f.finish();
        let s = String::from_utf8(out).unwrap();
        let mut decoded = String::new();
        for word in s.split([' ', '\r', '\n']).filter(|w| w.starts_with("=?")) {
            assert!(word.len() <= MAX_ENCODED_WORD);
            let b64 = word
                .strip_prefix("=?ISO-2022-JP?B?")
                .unwrap()
                .strip_suffix("?=")
                .unwrap();
            let bytes = base64_decode(b64);
            let (text, had_errors) = encoding_rs::ISO_2022_JP.decode_without_bom_handling(&bytes);
            assert!(!had_errors);
            // Each word ends in ASCII state, so it decodes on its own.
            assert!(bytes.ends_with(b"\x1b(B"));
            decoded.push_str(&text);
        }
        assert_eq!(decoded, text);
    }
}
