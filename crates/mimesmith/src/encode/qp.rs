//! Streaming quoted-printable (RFC 2045 §6.7).
//!
//! Octets 33..=126 other than `=` are written as they are (rule 2); SP and
//! TAB too, except where they would end an encoded line (rule 3); every
//! other octet becomes `=XX` with upper-case hex digits (rule 1). Encoded
//! lines are at most 76 characters, the `=` of a soft line break included
//! (rule 5), and an escape is never split by one.
//!
//! In [`QpMode::Text`] CRLF, bare LF and bare CR are hard line breaks written
//! as CRLF (rule 4, and RFC 2046 §4.1.1 for the normalisation); in
//! [`QpMode::Binary`] CR and LF are escaped like any other octet.
//!
//! The encoder keeps at most one octet of look-ahead state between calls (a
//! space or tab whose fate depends on what follows it, or a CR whose LF may
//! come next), so its output is the same for any chunking of the input.
//!
//! Written here rather than taken from a crate: `encodify::qp::BODY` escapes
//! a bare CR instead of treating it as a line break, cannot stream (its
//! column state is private), and runs at 0.66–0.87 GiB/s on Chinese text
//! where this encoder must reach 1 GB/s; `quoted_printable` runs at 0.11
//! GiB/s. Measured on 1 MB in text mode (`benches/encode.rs`, several runs
//! on a shared machine, hence the ranges):
//!
//! | text                      | this           | `encodify`     | `quoted_printable` |
//! |---------------------------|----------------|----------------|--------------------|
//! | Chinese (all escaped)     | 1.3–1.9 GiB/s  | 0.66–0.87 GiB/s | 0.11–0.12 GiB/s |
//! | German, mostly ASCII      | 0.6–0.87 GiB/s | 0.73–0.88 GiB/s | 0.24–0.30 GiB/s |
//! | ASCII, 64-column lines    | 1.85–2.5 GiB/s | 1.7–2.5 GiB/s  | 0.34–0.44 GiB/s |
//!
//! Lines of 25 escapes take a fast path (25 table loads, one 78-octet
//! append); literal runs skip clean 16-octet blocks with compares the
//! compiler vectorises and are copied at a fixed size. On mostly-ASCII text
//! with accents the cost is one mispredicted branch per run; `encodify`
//! finds run ends with AVX2 masks, which safe Rust on baseline x86-64 cannot
//! express.

/// Encoded lines are at most 76 characters (RFC 2045 §6.7(5)).
pub const MAX_QP_LINE: usize = 76;
/// Characters of content on a line before a soft line break, whose `=`
/// takes the 76th column (RFC 2045 §6.7(5)). Lines ended by a hard break are
/// held to the same width.
pub(crate) const MAX_QP_CONTENT: usize = MAX_QP_LINE - 1;

/// `=XX`: an escape is three characters (RFC 2045 §6.7(1)).
const ESCAPE_LEN: usize = 3;
/// Escapes that fill a line before a soft break.
const ESCAPES_PER_LINE: usize = MAX_QP_CONTENT / ESCAPE_LEN;
/// The soft line break: `=` then CRLF (RFC 2045 §6.7(5)).
const SOFT_BREAK: &[u8; 3] = b"=\r\n";
/// The hard line break (RFC 2045 §6.7(4)).
const HARD_BREAK: &[u8; 2] = b"\r\n";
/// A literal space or tab must be followed on its line by a printable
/// character (RFC 2045 §6.7(3)): one is kept literal only where the token
/// after it still fits after it, counting a following space or tab as an
/// escape, so a run of them never leaves one before a break.
const WHITE_NEXT_WIDTH: usize = ESCAPE_LEN;

/// Whether CR and LF are line breaks or data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum QpMode {
    /// Text: CRLF, bare LF and bare CR become CRLF hard line breaks
    /// (RFC 2045 §6.7(4), RFC 2046 §4.1.1).
    Text,
    /// Binary data: CR and LF are escaped (`=0D`, `=0A`), so the output has
    /// soft line breaks only (RFC 2045 §6.7(4): "the CRLF ... must be
    /// represented as =0D=0A").
    Binary,
}

/// Token classes, one bit each so the classes of a run can be or-ed.
const LITERAL: u32 = 1;
const ESCAPED: u32 = 2;
const WHITE: u32 = 4;
const CR: u32 = 8;
const LF: u32 = 16;
const CLASS_SHIFT: u32 = 24;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Per octet: `=`, the two hex digits and its class in the top byte, so one
/// load gives both the escape (written 4 bytes at a time, the 4th
/// overwritten next) and the class.
const fn table(mode: QpMode) -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut octet = 0;
    while octet < 256 {
        let class = match octet as u8 {
            b' ' | b'\t' => WHITE,
            b'\r' if matches!(mode, QpMode::Text) => CR,
            b'\n' if matches!(mode, QpMode::Text) => LF,
            b'=' => ESCAPED,
            33..=126 => LITERAL,
            _ => ESCAPED,
        };
        table[octet] =
            u32::from_le_bytes([b'=', HEX[octet >> 4], HEX[octet & 0xf], 0]) | class << CLASS_SHIFT;
        octet += 1;
    }
    table
}

static TEXT: [u32; 256] = table(QpMode::Text);
static BINARY: [u32; 256] = table(QpMode::Binary);

const fn class_of(entry: u32) -> u32 {
    entry >> CLASS_SHIFT
}

/// Room for one encoded line (content, a 4-byte escape store at the last
/// escape position and a line break) plus a whole line's worth of slack for
/// the fixed-size copies of [`LineBuf::push_prefix`].
const LINE_BUF: usize = 2 * (MAX_QP_LINE + SOFT_BREAK.len());

/// The output line being built, appended to the vector whole.
struct LineBuf {
    bytes: [u8; LINE_BUF],
    len: usize,
}

impl LineBuf {
    const fn new() -> Self {
        Self {
            bytes: [0; LINE_BUF],
            len: 0,
        }
    }

    #[inline(always)]
    fn push(&mut self, octet: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = octet;
        }
        self.len += 1;
    }

    /// Writes the escape in `entry` (its 4th byte is overwritten later or
    /// lies past the line).
    #[inline(always)]
    fn push_escape(&mut self, entry: u32) {
        if let Some(slot) = self
            .bytes
            .get_mut(self.len..)
            .and_then(|s| s.first_chunk_mut::<4>())
        {
            *slot = entry.to_le_bytes();
        }
        self.len += ESCAPE_LEN;
    }

    fn push_slice(&mut self, bytes: &[u8]) {
        if let Some(slot) = self.bytes.get_mut(self.len..self.len + bytes.len()) {
            slot.copy_from_slice(bytes);
        }
        self.len += bytes.len();
    }

    /// Appends the first `len` octets of `from` (`len` <= a line). When
    /// `from` is long enough, a whole line's worth is copied at a fixed size
    /// (cheaper than a variable-length copy) and the excess is left past
    /// `len`, to be overwritten.
    #[inline(always)]
    fn push_prefix(&mut self, from: &[u8], len: usize) {
        match (
            from.first_chunk::<MAX_QP_LINE>(),
            self.bytes
                .get_mut(self.len..)
                .and_then(|s| s.first_chunk_mut::<MAX_QP_LINE>()),
        ) {
            (Some(source), Some(slot)) => {
                *slot = *source;
                self.len += len;
            }
            _ => self.push_slice(from.get(..len).unwrap_or_default()),
        }
    }

    #[inline]
    fn flush(&mut self, out: &mut Vec<u8>) {
        if let Some(done) = self.bytes.get(..self.len) {
            out.extend_from_slice(done);
        }
        self.len = 0;
    }

    #[inline]
    fn soft_break(&mut self, out: &mut Vec<u8>) {
        self.push_slice(SOFT_BREAK);
        self.flush(out);
    }

    #[inline]
    fn hard_break(&mut self, out: &mut Vec<u8>) {
        self.push_slice(HARD_BREAK);
        self.flush(out);
    }
}

/// Streaming quoted-printable encoder (RFC 2045 §6.7).
///
/// ```
/// use mimesmith::encode::{QpEncoder, QpMode};
///
/// let mut encoder = QpEncoder::new(QpMode::Text);
/// let mut out = Vec::new();
/// encoder.update("Grüße \n".as_bytes(), &mut out);
/// encoder.update(b"a=b", &mut out);
/// encoder.finish(&mut out);
/// assert_eq!(out, b"Gr=C3=BC=C3=9Fe=20\r\na=3Db");
/// ```
#[derive(Debug)]
pub struct QpEncoder {
    mode: QpMode,
    /// Characters on the current output line.
    column: usize,
    /// A space or tab not written yet: how depends on the next octet.
    pending_white: Option<u8>,
    /// Text mode: the last octet was a CR, already written as a hard break;
    /// an LF right after it belongs to it.
    after_cr: bool,
}

impl QpEncoder {
    /// An encoder at the start of a body.
    #[must_use]
    pub const fn new(mode: QpMode) -> Self {
        Self {
            mode,
            column: 0,
            pending_white: None,
            after_cr: false,
        }
    }

    const fn table(&self) -> &'static [u32; 256] {
        match self.mode {
            QpMode::Text => &TEXT,
            QpMode::Binary => &BINARY,
        }
    }

    /// Encodes `input`, appending to `out`.
    pub fn update(&mut self, input: &[u8], out: &mut Vec<u8>) {
        let table = self.table();
        let mut rest = input;
        if self.after_cr && !rest.is_empty() {
            self.after_cr = false;
            if let [b'\n', after @ ..] = rest {
                rest = after;
            }
        }
        let mut line = LineBuf::new();
        let mut column = self.column;
        if let Some(white) = self.pending_white {
            let Some(&next) = rest.first() else {
                return;
            };
            self.pending_white = None;
            column = place_white(table, white, Some(next), column, &mut line, out);
        }
        out.reserve(rest.len() + rest.len() / 4);
        loop {
            if column == 0 {
                // Every line break flushes `line`, so it is empty here and
                // full lines may go straight to `out`.
                rest = full_lines(table, rest, out);
            }
            let run = literal_run(table, rest, column);
            if run > 0 {
                line.push_prefix(rest, run);
                column += run;
                rest = rest.get(run..).unwrap_or_default();
            }
            let Some((&octet, tail)) = rest.split_first() else {
                break;
            };
            let entry = table[usize::from(octet)];
            match class_of(entry) {
                LITERAL => {
                    if column >= MAX_QP_CONTENT {
                        // Back to the top, where a new line may take the fast path.
                        line.soft_break(out);
                        column = 0;
                        continue;
                    }
                    line.push(octet);
                    column += 1;
                }
                ESCAPED => {
                    if column + ESCAPE_LEN > MAX_QP_CONTENT {
                        line.soft_break(out);
                        column = 0;
                        continue;
                    }
                    line.push_escape(entry);
                    column += ESCAPE_LEN;
                    // Escapes come in runs (the octets of a UTF-8 character).
                    rest = tail;
                    while let Some((&octet, tail)) = rest.split_first() {
                        let entry = table[usize::from(octet)];
                        if class_of(entry) != ESCAPED || column + ESCAPE_LEN > MAX_QP_CONTENT {
                            break;
                        }
                        line.push_escape(entry);
                        column += ESCAPE_LEN;
                        rest = tail;
                    }
                    continue;
                }
                WHITE => match tail.first() {
                    None => {
                        self.pending_white = Some(octet);
                        break;
                    }
                    Some(&next) => {
                        column = place_white(table, octet, Some(next), column, &mut line, out);
                    }
                },
                CR => {
                    line.hard_break(out);
                    column = 0;
                    match tail {
                        [b'\n', after @ ..] => {
                            rest = after;
                            continue;
                        }
                        [] => self.after_cr = true,
                        _ => {}
                    }
                }
                _ => {
                    line.hard_break(out);
                    column = 0;
                }
            }
            rest = tail;
        }
        line.flush(out);
        self.column = column;
    }

    /// Ends the body: a space or tab that ends it is escaped (RFC 2045
    /// §6.7(3)). No line break is added, so the output ends with CRLF only
    /// when the input ended with a line break. The encoder can then start a
    /// new body.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if let Some(white) = self.pending_white.take() {
            let mut line = LineBuf::new();
            place_white(self.table(), white, None, self.column, &mut line, out);
            line.flush(out);
        }
        self.column = 0;
        self.after_cr = false;
    }
}

/// Writes the space or tab `white` at `column`, `next` being the octet after
/// it (`None` at the end of the data), and returns the new column.
///
/// Before a line break or the end it is escaped (RFC 2045 §6.7(3)). Before
/// anything else it stays literal when what follows fits after it on the
/// line; otherwise it is escaped if that fits, else it starts the next line
/// (literal, after a soft break), so no line ever ends in a space or tab.
#[inline(never)]
fn place_white(
    table: &[u32; 256],
    white: u8,
    next: Option<u8>,
    column: usize,
    line: &mut LineBuf,
    out: &mut Vec<u8>,
) -> usize {
    let entry = table[usize::from(white)];
    let next_class = next.map(|octet| class_of(table[usize::from(octet)]));
    let next_width = match next_class {
        None => None,
        Some(class) if class & (CR | LF) != 0 => None,
        Some(LITERAL) => Some(1),
        Some(_) => Some(WHITE_NEXT_WIDTH),
    };
    match next_width {
        Some(width) if column + 1 + width <= MAX_QP_CONTENT => {
            line.push(white);
            column + 1
        }
        None if column + ESCAPE_LEN > MAX_QP_CONTENT => {
            line.soft_break(out);
            line.push_escape(entry);
            ESCAPE_LEN
        }
        _ if column + ESCAPE_LEN <= MAX_QP_CONTENT => {
            line.push_escape(entry);
            column + ESCAPE_LEN
        }
        _ => {
            line.soft_break(out);
            line.push(white);
            1
        }
    }
}

/// The number of octets at the start of `rest` that are written as they
/// are from `column` on: literals, and spaces or tabs that [`place_white`]
/// would keep literal (early enough in the line, and not before a line
/// break or the end of the input), up to the end of the line.
#[inline]
fn literal_run(table: &[u32; 256], rest: &[u8], column: usize) -> usize {
    let room = MAX_QP_CONTENT.saturating_sub(column);
    let window = rest.get(..room).unwrap_or(rest);
    let is_white = |octet: u8| class_of(table[usize::from(octet)]) == WHITE;
    let mut run = first_stop(table, window);
    let safe = (WHITE_SAFE_UNTIL + 1).saturating_sub(column);
    if let Some(late) = window.get(safe..run)
        && let Some(white) = late.iter().position(|&octet| is_white(octet))
    {
        run = safe + white;
    }
    if let Some(last) = run.checked_sub(1)
        && window.get(last).is_some_and(|&octet| is_white(octet))
        && rest
            .get(run)
            .is_none_or(|&next| class_of(table[usize::from(next)]) & (CR | LF) != 0)
    {
        run = last;
    }
    run
}

/// The index of the first octet of `window` that is neither a literal nor a
/// space or tab (its length if there is none). The first 16 octets are
/// searched one by one; after them, blocks of 16 without such an octet are
/// skipped with byte-lane compares the compiler vectorises, and the block
/// that has one is searched octet by octet. CR and LF stop a run in
/// both modes (a line break in text mode, an escape in binary mode).
#[inline]
fn first_stop(table: &[u32; 256], window: &[u8]) -> usize {
    const LANES: usize = 16;
    let stops_at = |octets: &[u8]| {
        octets
            .iter()
            .position(|&octet| class_of(table[usize::from(octet)]) & (LITERAL | WHITE) == 0)
    };
    // Short runs (words between accented letters) end in the first block.
    let (first, after) = window.split_at(window.len().min(LANES));
    if let Some(stop) = stops_at(first) {
        return stop;
    }
    let (blocks, _) = after.as_chunks::<LANES>();
    let mut clean = first.len();
    for block in blocks {
        let mut stops = [0u8; LANES];
        for lane in 0..LANES {
            let octet = block[lane];
            stops[lane] = u8::from(octet >= 0x7f)
                | u8::from(octet == b'=')
                | (u8::from(octet < b' ') & u8::from(octet != b'\t'));
        }
        if u128::from_le_bytes(stops) != 0 {
            break;
        }
        clean += LANES;
    }
    let rest = window.get(clean..).unwrap_or_default();
    clean + stops_at(rest).unwrap_or(rest.len())
}

/// Past this column a space or tab may not be literal whatever follows
/// (see [`WHITE_NEXT_WIDTH`]).
const WHITE_SAFE_UNTIL: usize = MAX_QP_CONTENT - 1 - WHITE_NEXT_WIDTH;

/// At the start of an output line, writes whole soft-broken lines while the
/// input makes them of escapes only (25 escapes, as in non-Latin text), and
/// returns the rest. The general loop gives the same output, slower.
#[inline]
fn full_lines<'a>(table: &[u32; 256], mut rest: &'a [u8], out: &mut Vec<u8>) -> &'a [u8] {
    loop {
        let Some((escapes, after)) = rest.split_first_chunk::<ESCAPES_PER_LINE>() else {
            return rest;
        };
        if class_of(table[usize::from(escapes[0])]) != ESCAPED {
            return rest;
        }
        // The line is broken only if a token follows on it (not a hard break).
        let Some(&next) = after.first() else {
            return rest;
        };
        if class_of(table[usize::from(next)]) & (CR | LF) != 0 {
            return rest;
        }
        let mut encoded = [0u8; MAX_QP_CONTENT + 4];
        let mut classes = 0;
        for (index, &octet) in escapes.iter().enumerate() {
            let entry = table[usize::from(octet)];
            classes |= entry;
            if let Some(slot) = encoded
                .get_mut(index * ESCAPE_LEN..)
                .and_then(|s| s.first_chunk_mut::<4>())
            {
                *slot = entry.to_le_bytes();
            }
        }
        if class_of(classes) == ESCAPED {
            encoded[MAX_QP_CONTENT..MAX_QP_LINE + 2].copy_from_slice(SOFT_BREAK);
            out.extend_from_slice(&encoded[..MAX_QP_LINE + 2]);
            rest = after;
            continue;
        }
        return rest;
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_QP_LINE, QpEncoder, QpMode};
    use crate::encode::Measure;
    use proptest::prelude::*;

    fn encode(mode: QpMode, chunks: &[&[u8]]) -> Vec<u8> {
        let mut encoder = QpEncoder::new(mode);
        let mut out = Vec::new();
        for chunk in chunks {
            encoder.update(chunk, &mut out);
        }
        encoder.finish(&mut out);
        out
    }

    fn split(input: &[u8], cuts: Vec<usize>) -> Vec<&[u8]> {
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(input.len())).collect();
        cuts.sort_unstable();
        let mut chunks = Vec::new();
        let mut from = 0;
        for cut in cuts {
            chunks.push(&input[from..cut]);
            from = cut;
        }
        chunks.push(&input[from..]);
        chunks
    }

    #[derive(Clone, Copy, PartialEq)]
    enum Token {
        Literal(u8),
        Escaped(u8),
        White(u8),
        Hard,
    }

    /// The rules of RFC 2045 §6.7 written out token by token, independently
    /// of the fast paths.
    fn reference(mode: QpMode, input: &[u8]) -> Vec<u8> {
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < input.len() {
            let octet = input[i];
            tokens.push(match octet {
                b'\r' | b'\n' if mode == QpMode::Text => {
                    if octet == b'\r' && input.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    Token::Hard
                }
                b' ' | b'\t' => Token::White(octet),
                b'=' => Token::Escaped(octet),
                33..=126 => Token::Literal(octet),
                _ => Token::Escaped(octet),
            });
            i += 1;
        }
        let mut out = Vec::new();
        let mut column = 0;
        let escape = |out: &mut Vec<u8>, octet: u8| {
            out.extend_from_slice(format!("={octet:02X}").as_bytes())
        };
        for (index, &token) in tokens.iter().enumerate() {
            match token {
                Token::Literal(octet) => {
                    if column + 1 > 75 {
                        out.extend_from_slice(b"=\r\n");
                        column = 0;
                    }
                    out.push(octet);
                    column += 1;
                }
                Token::Escaped(octet) => {
                    if column + 3 > 75 {
                        out.extend_from_slice(b"=\r\n");
                        column = 0;
                    }
                    escape(&mut out, octet);
                    column += 3;
                }
                Token::White(octet) => match tokens.get(index + 1) {
                    None | Some(Token::Hard) => {
                        if column + 3 > 75 {
                            out.extend_from_slice(b"=\r\n");
                            column = 0;
                        }
                        escape(&mut out, octet);
                        column += 3;
                    }
                    Some(next) => {
                        let width = if matches!(next, Token::Literal(_)) {
                            1
                        } else {
                            3
                        };
                        if column + 1 + width <= 75 {
                            out.push(octet);
                            column += 1;
                        } else if column + 3 <= 75 {
                            escape(&mut out, octet);
                            column += 3;
                        } else {
                            out.extend_from_slice(b"=\r\n");
                            out.push(octet);
                            column = 1;
                        }
                    }
                },
                Token::Hard => {
                    out.extend_from_slice(b"\r\n");
                    column = 0;
                }
            }
        }
        out
    }

    fn decode(encoded: &[u8]) -> Vec<u8> {
        encodify::qp::BODY
            .strict()
            .decode(encoded)
            .unwrap()
            .into_owned()
    }

    /// Text with CR, LF and CRLF made CRLF (what a text-mode decode gives back).
    fn normalized(input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < input.len() {
            match input[i] {
                b'\r' | b'\n' => {
                    if input[i] == b'\r' && input.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    out.extend_from_slice(b"\r\n");
                }
                octet => out.push(octet),
            }
            i += 1;
        }
        out
    }

    /// Checks the shape rules of RFC 2045 §6.7 on an encoding.
    fn assert_well_formed(encoded: &[u8]) {
        let mut lines: Vec<&[u8]> = Vec::new();
        let mut rest = encoded;
        while let Some(at) = rest.windows(2).position(|w| w == b"\r\n") {
            lines.push(&rest[..at]);
            rest = &rest[at + 2..];
        }
        lines.push(rest);
        for line in lines {
            assert!(
                line.len() <= MAX_QP_LINE,
                "line of {} characters: {:?}",
                line.len(),
                String::from_utf8_lossy(line)
            );
            assert!(
                !matches!(line.last(), Some(b' ' | b'\t')),
                "line ends in white space"
            );
            let body = line.strip_suffix(b"=").unwrap_or(line);
            assert!(
                !matches!(body.last(), Some(b' ' | b'\t')),
                "white space before a soft break"
            );
            let mut i = 0;
            while i < body.len() {
                let c = body[i];
                assert!(
                    c == b' ' || c == b'\t' || (33..=126).contains(&c),
                    "raw octet {c:#x}"
                );
                if c == b'=' {
                    let hex = body
                        .get(i + 1..i + 3)
                        .expect("escape split by a line break");
                    assert!(
                        hex.iter()
                            .all(|h| h.is_ascii_digit() || (b'A'..=b'F').contains(h)),
                        "bad escape"
                    );
                    i += 3;
                } else {
                    i += 1;
                }
            }
        }
    }

    #[test]
    fn qp_escapes_equals_controls_and_eight_bit_with_upper_case_hex() {
        assert_eq!(
            encode(QpMode::Text, &[b"a=b\x00\x7f\xff~!"]),
            b"a=3Db=00=7F=FF~!"
        );
    }

    #[test]
    fn qp_white_space_is_escaped_before_a_line_break_and_at_the_end() {
        assert_eq!(
            encode(QpMode::Text, &[b"a \r\nb\t\nc \rd "]),
            b"a=20\r\nb=09\r\nc=20\r\nd=20"
        );
        assert_eq!(encode(QpMode::Text, &[b"a b"]), b"a b");
    }

    #[test]
    fn qp_text_mode_turns_every_line_break_into_crlf() {
        assert_eq!(
            encode(QpMode::Text, &[b"a\nb\rc\r\nd\r\r\n"]),
            b"a\r\nb\r\nc\r\nd\r\n\r\n"
        );
        assert_eq!(encode(QpMode::Text, &[b"a\r", b"\nb"]), b"a\r\nb");
    }

    #[test]
    fn qp_binary_mode_escapes_cr_and_lf() {
        assert_eq!(encode(QpMode::Binary, &[b"a\r\nb \n"]), b"a=0D=0Ab =0A");
    }

    #[test]
    fn qp_output_ends_with_crlf_only_after_a_final_line_break() {
        assert!(!encode(QpMode::Text, &[&[b'x'; 200]]).ends_with(b"\r\n"));
        assert!(!encode(QpMode::Text, &[&[0xe4; 200]]).ends_with(b"=\r\n"));
        assert!(encode(QpMode::Text, &[b"x\n"]).ends_with(b"x\r\n"));
        assert_eq!(encode(QpMode::Text, &[b""]), b"");
    }

    #[test]
    fn qp_soft_break_never_splits_an_escape() {
        for prefix in 0..80 {
            let mut input = vec![b'a'; prefix];
            input.extend_from_slice(&[0xe9; 40]);
            let out = encode(QpMode::Text, &[&input]);
            assert_well_formed(&out);
            assert_eq!(decode(&out), input);
        }
    }

    #[test]
    fn qp_len_bound_is_exact_for_lines_of_up_to_73_columns() {
        for len in 0..=73 {
            for unit in [&b"ab "[..], b"a\t", b"xyz", b"  "] {
                let line: Vec<u8> = unit.iter().copied().cycle().take(len).collect();
                let input = [&line[..], b"\n", &line[..]].concat();
                let out = encode(QpMode::Text, &[&input]).len() as u64;
                let m = Measure::of(&input);
                // at most 73 columns even with a final space escaped
                if m.max_line() + 2 <= 73 {
                    assert_eq!(
                        m.qp_len_bound(QpMode::Text),
                        out,
                        "{:?}",
                        String::from_utf8_lossy(&line)
                    );
                }
            }
        }
    }

    #[test]
    fn qp_lines_are_at_most_76_characters_with_the_soft_break() {
        let out = encode(QpMode::Text, &[&[b'x'; 300]]);
        let first = out.split(|&c| c == b'\n').next().unwrap();
        assert_eq!(first.len(), 77); // 75 characters, '=', CR
        assert_eq!(&first[75..], b"=\r");
        let out = encode(QpMode::Text, &["中".repeat(40).as_bytes()]);
        let first = out.split(|&c| c == b'\n').next().unwrap();
        assert_eq!(first.len(), 77);
    }

    #[test]
    fn qp_white_space_near_a_soft_break_is_never_left_at_a_line_end() {
        for prefix in 60..80 {
            for tail in [
                &b"  \xe9xyz"[..],
                b" \t \t=abc",
                b" x",
                b"   \n",
                b" ",
                b"  xyzw",
                b" x yzw",
                b"\t\tabcdef",
                b"a b c d e",
            ] {
                let mut input = vec![b'a'; prefix];
                input.extend_from_slice(tail);
                let out = encode(QpMode::Text, &[&input]);
                assert_well_formed(&out);
                assert_eq!(out, reference(QpMode::Text, &input));
                assert_eq!(decode(&out), normalized(&input));
            }
        }
    }

    fn body() -> impl Strategy<Value = Vec<u8>> {
        let octet = prop_oneof![
            4 => Just(b'a'),
            2 => Just(b' '),
            1 => Just(b'\t'),
            1 => Just(b'\r'),
            1 => Just(b'\n'),
            1 => Just(b'='),
            3 => 0x80u8..=0xff,
            2 => any::<u8>(),
        ];
        prop_oneof![
            proptest::collection::vec(octet, 0..400),
            // long runs reach the full-line paths
            (
                proptest::collection::vec(prop_oneof![Just(b'x'), Just(b' '), Just(0xe4u8)], 1..4),
                0usize..300
            )
                .prop_map(|(unit, times)| unit.repeat(times)),
        ]
    }

    /// Lines of 40 to 120 octets of words, spaces and some 8-bit octets:
    /// lengths around the 76-column limit, where soft breaks start.
    fn lines() -> impl Strategy<Value = Vec<u8>> {
        let octet =
            prop_oneof![8 => Just(b'e'), 2 => Just(b' '), 1 => Just(0xc3u8), 1 => Just(b'\t')];
        proptest::collection::vec(proptest::collection::vec(octet, 40..120), 1..8)
            .prop_map(|lines| lines.join(&b'\n'))
    }

    fn mode() -> impl Strategy<Value = QpMode> {
        prop_oneof![Just(QpMode::Text), Just(QpMode::Binary)]
    }

    proptest! {
        #[test]
        fn qp_matches_the_token_by_token_reference(mode in mode(), input in body()) {
            prop_assert_eq!(encode(mode, &[&input]), reference(mode, &input));
        }

        #[test]
        fn qp_any_chunking_gives_the_same_output(
            mode in mode(),
            input in body(),
            cuts in proptest::collection::vec(0usize..400, 0..8),
        ) {
            let whole = encode(mode, &[&input]);
            prop_assert_eq!(encode(mode, &split(&input, cuts)), whole);
        }

        #[test]
        fn qp_decodes_back_to_the_input_and_is_well_formed(mode in mode(), input in body()) {
            let out = encode(mode, &[&input]);
            assert_well_formed(&out);
            let expected = match mode {
                QpMode::Text => normalized(&input),
                QpMode::Binary => input.clone(),
            };
            prop_assert_eq!(decode(&out), expected);
        }

        #[test]
        fn qp_len_bound_stays_close_on_lines_near_the_limit(input in lines()) {
            let out = encode(QpMode::Text, &[&input]).len() as u64;
            let bound = Measure::of(&input).qp_len_bound(QpMode::Text);
            let lines = input.iter().filter(|&&c| c == b'\n').count() as u64 + 1;
            prop_assert!(bound >= out, "bound {} < output {}", bound, out);
            prop_assert!(bound - out <= 5 * lines + out / 25, "bound {} far above output {}", bound, out);
        }

        #[test]
        fn qp_len_bound_is_at_least_the_output_and_close_to_it(mode in mode(), input in body()) {
            let out = encode(mode, &[&input]).len() as u64;
            let bound = Measure::of(&input).qp_len_bound(mode);
            prop_assert!(bound >= out, "bound {} < output {}", bound, out);
            prop_assert!(bound - out <= out / 25 + 6, "bound {} far above output {}", bound, out);
        }
    }
}
