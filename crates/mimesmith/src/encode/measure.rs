//! One pass over a body that gathers everything the transfer-encoding choice
//! needs (RFC 2045 §2.7–2.9, §6). Streamable: `update` may be called with
//! chunks of any size, split anywhere (a CRLF split across two chunks counts
//! as one CRLF).
//!
//! The pass counts 8-bit octets, NULs and controls over each chunk in
//! vectorised byte lanes, finds line terminators with `memchr`, and counts
//! the escapes and spaces of each line the same way: about 2 GiB/s on
//! ordinary text and on random binary data (the per-line work dominates),
//! 5–6 GiB/s on text without line breaks. For a binary attachment the writer
//! need not measure the whole body: [`Measure::settled`] says when more
//! input can no longer change the choice (at the first 8-bit octet).

use super::qp::QpMode;
use super::{BodyKind, TransferEncoding};

/// Characters of content on a quoted-printable line that a soft line break
/// follows: the line is at most 76 characters with the `=` (RFC 2045 §6.7(5)).
const QP_CONTENT: u64 = super::qp::MAX_QP_CONTENT as u64;
/// Width of an `=XX` escape (RFC 2045 §6.7(1)).
const QP_ESCAPE: u64 = 3;
/// Width of a soft line break `=` CRLF (RFC 2045 §6.7(5)).
const QP_SOFT_BREAK: u64 = 3;
/// Width of a hard line break CRLF (RFC 2045 §6.7(4)).
const QP_HARD_BREAK: u64 = 2;
/// A line the encoder breaks holds at least this many columns: a token is
/// moved to the next line only when it does not fit, and no token is wider
/// than an escape.
const QP_MIN_BROKEN: u64 = QP_CONTENT + 1 - QP_ESCAPE;
/// The widest a line can be (in nominal columns, see [`Line::nominal`]) and
/// never need a soft break: every token then fits, and a space or tab stays
/// literal even before another one (which the encoder counts as an escape).
const QP_NO_BREAK: u64 = QP_CONTENT - 2;

/// Octets counted in a chunk of input (the counts that do not depend on
/// lines; those that do are counted per line by [`line_counts`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Tally {
    /// Octets >= 0x80.
    high: u64,
    /// NUL.
    nul: u64,
    /// C0 controls other than NUL, TAB, CR and LF, and DEL.
    controls: u64,
}

/// Lanes of the vectorised counts (one 16-octet vector register).
const LANES: usize = 16;
/// A lane counter of `u8` holds at most this many blocks before it must be
/// added up.
const BLOCKS_PER_FLUSH: usize = u8::MAX as usize;

/// The sum of 16 byte counters, added as two words (SWAR).
fn lane_sum(lanes: [u8; LANES]) -> u64 {
    const PAIRS: u64 = 0x00ff_00ff_00ff_00ff;
    const FOLD: u64 = 0x0001_0001_0001_0001;
    let (low, high) = lanes.split_at(LANES / 2);
    [low, high]
        .into_iter()
        .map(|half| {
            let word = u64::from_le_bytes(half.try_into().unwrap_or_default());
            let pairs = (word & PAIRS) + ((word >> 8) & PAIRS);
            pairs.wrapping_mul(FOLD) >> 48
        })
        .sum()
}

impl Tally {
    /// Counts `chunk`, 16 octets at a time in byte lanes (which the compiler
    /// turns into vector compares), the tail one octet at a time.
    fn of(chunk: &[u8]) -> Self {
        let mut tally = Tally::default();
        let (blocks, tail) = chunk.as_chunks::<LANES>();
        for group in blocks.chunks(BLOCKS_PER_FLUSH) {
            let mut high = [0u8; LANES];
            let mut nul = [0u8; LANES];
            let mut controls = [0u8; LANES];
            for block in group {
                for lane in 0..LANES {
                    let octet = block[lane];
                    high[lane] += u8::from(octet >= 0x80);
                    nul[lane] += u8::from(octet == 0);
                    controls[lane] += u8::from(is_control(octet));
                }
            }
            tally.high += lane_sum(high);
            tally.nul += lane_sum(nul);
            tally.controls += lane_sum(controls);
        }
        for &octet in tail {
            tally.high += u64::from(octet >= 0x80);
            tally.nul += u64::from(octet == 0);
            tally.controls += u64::from(is_control(octet));
        }
        tally
    }
}

/// C0 controls other than NUL, TAB, CR and LF, and DEL.
#[inline(always)]
const fn is_control(octet: u8) -> bool {
    (octet < b' ' && octet != 0 && octet != b'\t' && octet != b'\r' && octet != b'\n')
        || octet == 0x7f
}

/// The octets of `stretch` (no CR or LF) that text-mode quoted-printable
/// escapes (RFC 2045 §6.7(1)), and its spaces and tabs.
fn line_counts(stretch: &[u8]) -> (u64, u64) {
    let (blocks, tail) = stretch.as_chunks::<LANES>();
    // The tail is counted as one more block, padded with an octet that
    // counts as nothing; it goes in first so the groups stay one short.
    let mut last = [b'a'; LANES];
    if let Some(head) = last.get_mut(..tail.len()) {
        head.copy_from_slice(tail);
    }
    let mut escapes = [0u8; LANES];
    let mut whites = [0u8; LANES];
    count_block(&last, &mut escapes, &mut whites);
    let (mut escaped, mut white) = (0, 0);
    for group in blocks.chunks(BLOCKS_PER_FLUSH - 1) {
        for block in group {
            count_block(block, &mut escapes, &mut whites);
        }
        escaped += lane_sum(escapes);
        white += lane_sum(whites);
        escapes = [0; LANES];
        whites = [0; LANES];
    }
    (escaped + lane_sum(escapes), white + lane_sum(whites))
}

#[inline(always)]
fn count_block(block: &[u8; LANES], escapes: &mut [u8; LANES], whites: &mut [u8; LANES]) {
    for lane in 0..LANES {
        let octet = block[lane];
        escapes[lane] +=
            u8::from(octet >= 0x7f || octet == b'=' || (octet < 0x20 && octet != b'\t'));
        whites[lane] += u8::from(octet == b' ' || octet == b'\t');
    }
}

/// The line being measured (it may span chunks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Line {
    /// Octets, terminator excluded.
    len: u64,
    /// Octets quoted-printable escapes in text mode.
    escaped: u64,
    /// SP and TAB.
    white: u64,
    /// The last octet so far is SP or TAB.
    ends_white: bool,
}

impl Line {
    /// Columns the line takes in quoted-printable with every space or tab
    /// literal except a final one, which is escaped (RFC 2045 §6.7(3)).
    const fn nominal(&self) -> u64 {
        self.len + 2 * self.escaped + if self.ends_white { 2 } else { 0 }
    }

    /// Upper bound of the columns beyond [`Line::nominal`] that the encoder
    /// adds to this line: soft line breaks, and the two an in-line space or
    /// tab takes when it is escaped next to one (at most once per break).
    /// Every broken output line holds at least `QP_MIN_BROKEN` columns.
    const fn qp_extra(&self) -> u64 {
        qp_extra(self.nominal(), self.white)
    }
}

/// See [`Line::qp_extra`]: `nominal` columns holding `white` spaces and tabs.
const fn qp_extra(nominal: u64, white: u64) -> u64 {
    // Without spaces or tabs a line breaks only when its tokens overflow it.
    if nominal <= QP_NO_BREAK || (white == 0 && nominal <= QP_CONTENT) {
        return 0;
    }
    let by_width = nominal / (QP_MIN_BROKEN - 2);
    let by_white = (nominal + 2 * white) / QP_MIN_BROKEN;
    let breaks = if white == 0 {
        nominal / QP_MIN_BROKEN
    } else if by_width < by_white {
        by_width
    } else {
        by_white
    };
    let escaped_white = if white < breaks { white } else { breaks };
    breaks * QP_SOFT_BREAK + 2 * escaped_white
}

/// What one pass over a body found (RFC 2045 §2.7–2.9, §6).
///
/// ```
/// use mimesmith::encode::Measure;
///
/// let mut m = Measure::new();
/// m.update(b"caf\xc3\xa9\r");
/// m.update(b"\nbare\nend");
/// assert_eq!((m.len(), m.eight_bit(), m.bare_lf(), m.bare_cr()), (15, 2, 1, 0));
/// assert_eq!(m.max_line(), 5);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Measure {
    len: u64,
    totals: Tally,
    /// Octets text-mode quoted-printable escapes (RFC 2045 §6.7(1)).
    escaped: u64,
    /// SP and TAB.
    white: u64,
    cr: u64,
    lf: u64,
    bare_lf: u64,
    /// Bare CRs already known to be bare (a CR at the very end is not yet).
    bare_cr: u64,
    max_line: u64,
    line: Line,
    /// Text-mode quoted-printable columns of the lines already ended, with
    /// their line breaks.
    qp_text_done: u64,
    /// The last octet seen was CR.
    after_cr: bool,
    /// The last octet seen was SP or TAB.
    ends_white: bool,
}

impl Measure {
    /// Nothing measured yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Measures `bytes` in one go.
    #[must_use]
    pub fn of(bytes: &[u8]) -> Self {
        let mut measure = Self::new();
        measure.update(bytes);
        measure
    }

    /// Measures the next chunk of the body. Chunks may be split anywhere.
    pub fn update(&mut self, chunk: &[u8]) {
        let Some(&last) = chunk.last() else {
            return;
        };
        self.len += chunk.len() as u64;
        let tally = Tally::of(chunk);
        self.totals.high += tally.high;
        self.totals.nul += tally.nul;
        self.totals.controls += tally.controls;
        let mut rest = chunk;
        while let Some(at) = memchr::memchr2(b'\r', b'\n', rest) {
            let (stretch, from_break) = rest.split_at(at);
            self.stretch(stretch);
            let Some((&terminator, after)) = from_break.split_first() else {
                break;
            };
            if terminator == b'\r' {
                self.cr += 1;
                if self.after_cr {
                    self.bare_cr += 1;
                }
                self.end_line();
                self.after_cr = true;
            } else {
                self.lf += 1;
                if self.after_cr {
                    // The LF of a CRLF: the CR already ended the line.
                    self.after_cr = false;
                } else {
                    self.bare_lf += 1;
                    self.end_line();
                }
            }
            rest = after;
        }
        self.stretch(rest);
        self.ends_white = matches!(last, b' ' | b'\t');
    }

    /// Counts a stretch without CR or LF.
    fn stretch(&mut self, stretch: &[u8]) {
        let Some(&last) = stretch.last() else {
            return;
        };
        if self.after_cr {
            self.bare_cr += 1;
            self.after_cr = false;
        }
        let (escaped, white) = line_counts(stretch);
        self.line.len += stretch.len() as u64;
        self.line.escaped += escaped;
        self.line.white += white;
        self.escaped += escaped;
        self.white += white;
        self.line.ends_white = matches!(last, b' ' | b'\t');
    }

    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        self.max_line = self.max_line.max(line.len);
        self.qp_text_done += line.nominal() + line.qp_extra() + QP_HARD_BREAK;
    }

    /// Octets seen.
    #[must_use]
    pub const fn len(&self) -> u64 {
        self.len
    }

    /// True when no octet was seen.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Octets >= 0x80, which 7bit data cannot carry (RFC 2045 §2.7).
    #[must_use]
    pub const fn eight_bit(&self) -> u64 {
        self.totals.high
    }

    /// NUL octets, which neither 7bit nor 8bit data may carry (RFC 2045 §2.7, §2.8).
    #[must_use]
    pub const fn nul(&self) -> u64 {
        self.totals.nul
    }

    /// C0 controls other than NUL, TAB, CR and LF, and DEL.
    #[must_use]
    pub const fn controls(&self) -> u64 {
        self.totals.controls
    }

    /// LF octets not preceded by CR (RFC 5322 §2.3 allows CR and LF only together).
    #[must_use]
    pub const fn bare_lf(&self) -> u64 {
        self.bare_lf
    }

    /// CR octets not followed by LF; a CR that ends the input so far counts.
    #[must_use]
    pub const fn bare_cr(&self) -> u64 {
        self.bare_cr + if self.after_cr { 1 } else { 0 }
    }

    /// The longest line in octets, its terminator excluded; CRLF, bare LF and
    /// bare CR all end a line (RFC 5322 §2.1.1 limits lines to 998 octets).
    #[must_use]
    pub const fn max_line(&self) -> u64 {
        if self.line.len > self.max_line {
            self.line.len
        } else {
            self.max_line
        }
    }

    /// The length after line endings are made CRLF (RFC 2046 §4.1.1): every
    /// bare LF gains a CR and every bare CR an LF.
    #[must_use]
    pub const fn normalized_len(&self) -> u64 {
        self.len + self.bare_lf + self.bare_cr()
    }

    /// An upper bound of the length of the output of
    /// [`QpEncoder`](super::qp::QpEncoder) in `mode` for this input, to
    /// choose between quoted-printable and base64 and to size a buffer.
    ///
    /// Not the exact length (the interface first asked for `qp_len`): where
    /// soft line breaks fall depends on every escape before them, so the
    /// exact length needs the encoder's column walk, token by token, which
    /// would make this pass as slow as encoding (and far slower on binary
    /// data, where escapes and literals alternate every octet or two).
    ///
    /// Every octet's width and every hard line break is counted exactly;
    /// only soft breaks are bounded, per line, from the fact that a line the
    /// encoder breaks holds at least 73 characters. So the bound is exact
    /// when no line is wider than 73 encoded characters, and above that it
    /// exceeds the real length by at most 5 octets per line plus about 4 %
    /// of those lines (both property-tested in `qp.rs`).
    #[must_use]
    pub const fn qp_len_bound(&self, mode: QpMode) -> u64 {
        match mode {
            QpMode::Text => {
                let line = &self.line;
                self.qp_text_done + line.nominal() + line.qp_extra()
            }
            QpMode::Binary => {
                let escaped = self.escaped + self.cr + self.lf;
                let nominal = self.len + 2 * escaped + if self.ends_white { 2 } else { 0 };
                nominal + qp_extra(nominal, self.white)
            }
        }
    }

    /// `Some(encoding)` when [`choose`](super::choose) returns `encoding` for
    /// this body whatever follows, so a writer may stop measuring (and for a
    /// binary attachment stop at the first octet above 127). `None` while
    /// more input could change the choice. Text never settles: the choice
    /// compares lengths of the whole body.
    #[must_use]
    pub const fn settled(&self, kind: BodyKind) -> Option<TransferEncoding> {
        match kind {
            BodyKind::Text => None,
            BodyKind::Binary => {
                if self.totals.high > 0
                    || self.totals.nul > 0
                    || self.bare_lf > 0
                    || self.bare_cr > 0
                    || self.max_line() > super::SHORT_LINE
                {
                    Some(TransferEncoding::Base64)
                } else {
                    None
                }
            }
            BodyKind::Message => {
                if self.totals.nul > 0 || self.max_line() > super::MAX_LINE {
                    Some(TransferEncoding::Binary)
                } else {
                    None
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Measure;
    use crate::encode::{BodyKind, QpMode, TransferEncoding};
    use proptest::prelude::*;

    /// The counts of `Measure`, computed octet by octet.
    fn reference(input: &[u8]) -> [u64; 8] {
        let mut counts = [0u64; 8];
        counts[0] = input.len() as u64;
        let mut line = 0u64;
        let mut max_line = 0u64;
        for (i, &octet) in input.iter().enumerate() {
            let prev = i.checked_sub(1).map(|p| input[p]);
            let next = input.get(i + 1).copied();
            counts[1] += u64::from(octet >= 0x80);
            counts[2] += u64::from(octet == 0);
            counts[3] += u64::from(matches!(octet, 1..=8 | 0x0b | 0x0c | 0x0e..=0x1f | 0x7f));
            counts[4] += u64::from(octet == b'\n' && prev != Some(b'\r'));
            counts[5] += u64::from(octet == b'\r' && next != Some(b'\n'));
            match octet {
                b'\r' => {
                    max_line = max_line.max(line);
                    line = 0;
                }
                b'\n' if prev == Some(b'\r') => {}
                b'\n' => {
                    max_line = max_line.max(line);
                    line = 0;
                }
                _ => line += 1,
            }
        }
        counts[6] = max_line.max(line);
        counts[7] = counts[0] + counts[4] + counts[5];
        counts
    }

    fn counts(m: &Measure) -> [u64; 8] {
        [
            m.len(),
            m.eight_bit(),
            m.nul(),
            m.controls(),
            m.bare_lf(),
            m.bare_cr(),
            m.max_line(),
            m.normalized_len(),
        ]
    }

    #[test]
    fn measure_counts_each_kind_of_octet() {
        let m = Measure::of(b"a\x00\x01\x7f\t \xff\r\nb\nc\rd");
        assert_eq!(counts(&m), [14, 1, 1, 2, 1, 1, 7, 16]);
        assert!(Measure::new().is_empty());
        assert_eq!(Measure::of(b""), Measure::new());
    }

    #[test]
    fn measure_crlf_split_across_chunks_is_one_crlf() {
        let mut m = Measure::new();
        m.update(b"abc\r");
        assert_eq!(m.bare_cr(), 1, "a CR at the end is bare until an LF comes");
        m.update(b"");
        m.update(b"\nde");
        assert_eq!((m.bare_cr(), m.bare_lf(), m.max_line()), (0, 0, 3));
        m.update(b"\r");
        m.update(b"\r");
        assert_eq!(m.bare_cr(), 2);
    }

    #[test]
    fn measure_long_line_across_chunks_is_one_line() {
        let mut m = Measure::new();
        for _ in 0..10 {
            m.update(&[b'x'; 100]);
        }
        m.update(b"\n");
        assert_eq!(m.max_line(), 1000);
    }

    #[test]
    fn measure_settles_a_binary_body_at_its_first_eight_bit_octet() {
        let mut m = Measure::of(b"plain ascii\r\n");
        assert_eq!(m.settled(BodyKind::Binary), None);
        m.update(b"\x89PNG");
        assert_eq!(m.settled(BodyKind::Binary), Some(TransferEncoding::Base64));
        assert_eq!(m.settled(BodyKind::Text), None);
        assert_eq!(
            Measure::of(b"a\0").settled(BodyKind::Message),
            Some(TransferEncoding::Binary)
        );
    }

    #[test]
    fn measure_qp_len_bound_is_exact_for_short_lines() {
        let input = b"caf\xc3\xa9 au lait \r\nx=1\n";
        let mut out = Vec::new();
        let mut encoder = crate::encode::QpEncoder::new(QpMode::Text);
        encoder.update(input, &mut out);
        encoder.finish(&mut out);
        assert_eq!(
            Measure::of(input).qp_len_bound(QpMode::Text),
            out.len() as u64
        );
    }

    fn body() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![
                Just(b'\r'),
                Just(b'\n'),
                Just(b'a'),
                Just(b' '),
                Just(0u8),
                any::<u8>()
            ],
            0..300,
        )
    }

    proptest! {
        #[test]
        fn measure_any_chunking_gives_the_same_measure(
            input in body(),
            cuts in proptest::collection::vec(0usize..300, 0..8),
        ) {
            let whole = Measure::of(&input);
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(input.len())).collect();
            cuts.sort_unstable();
            let mut chunked = Measure::new();
            let mut from = 0;
            for cut in cuts {
                chunked.update(&input[from..cut]);
                from = cut;
            }
            chunked.update(&input[from..]);
            prop_assert_eq!(chunked, whole);
        }

        #[test]
        fn measure_counts_match_an_octet_by_octet_count(input in body()) {
            prop_assert_eq!(counts(&Measure::of(&input)), reference(&input));
        }
    }
}
