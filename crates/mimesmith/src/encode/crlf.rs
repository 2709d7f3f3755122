//! Line-ending normalisation to CRLF for text bodies (RFC 2046 §4.1.1: the
//! canonical form of text breaks lines with CRLF).
//!
//! LF and a lone CR become CRLF; CRLF stays. A CR is written as CRLF at once
//! and an LF right after it (in the same chunk or the next) is dropped, so
//! nothing is held back between chunks and `finish` never writes.

#[allow(
    dead_code,
    reason = "used by the message writer, which is built on another branch"
)]
const CRLF: &[u8; 2] = b"\r\n";

/// Streaming LF / CR to CRLF converter.
#[derive(Debug, Default)]
#[allow(
    dead_code,
    reason = "used by the message writer, which is built on another branch"
)]
pub(crate) struct CrlfNormalizer {
    /// The last octet seen was CR, already written as CRLF.
    after_cr: bool,
}

#[allow(
    dead_code,
    reason = "used by the message writer, which is built on another branch"
)]
impl CrlfNormalizer {
    /// A normaliser at the start of a body.
    #[must_use]
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Appends `input` to `out` with its line endings made CRLF.
    pub(crate) fn update(&mut self, input: &[u8], out: &mut Vec<u8>) {
        let mut rest = input;
        if self.after_cr {
            if let Some((b'\n', after)) = rest.split_first() {
                rest = after;
            }
            if !input.is_empty() {
                self.after_cr = false;
            }
        }
        out.reserve(rest.len());
        while let Some(at) = memchr::memchr2(b'\r', b'\n', rest) {
            let (text, from_break) = rest.split_at(at);
            out.extend_from_slice(text);
            out.extend_from_slice(CRLF);
            rest = match from_break {
                [b'\r', b'\n', after @ ..] => after,
                [b'\r'] => {
                    self.after_cr = true;
                    &[]
                }
                [_, after @ ..] => after,
                [] => &[],
            };
        }
        out.extend_from_slice(rest);
    }

    /// Ends the body. Nothing is pending, so this only resets the state.
    pub(crate) fn finish(&mut self, out: &mut Vec<u8>) {
        let _ = out;
        self.after_cr = false;
    }
}

#[cfg(test)]
mod tests {
    use super::CrlfNormalizer;
    use proptest::prelude::*;

    fn normalize(chunks: &[&[u8]]) -> Vec<u8> {
        let mut normalizer = CrlfNormalizer::new();
        let mut out = Vec::new();
        for chunk in chunks {
            normalizer.update(chunk, &mut out);
        }
        normalizer.finish(&mut out);
        out
    }

    /// The rule written out byte by byte.
    fn reference(input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < input.len() {
            match input[i] {
                b'\r' => {
                    out.extend_from_slice(b"\r\n");
                    if input.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                }
                b'\n' => out.extend_from_slice(b"\r\n"),
                octet => out.push(octet),
            }
            i += 1;
        }
        out
    }

    #[test]
    fn crlf_turns_lf_and_lone_cr_into_crlf_and_keeps_crlf() {
        assert_eq!(
            normalize(&[b"a\nb\rc\r\nd\r\r\n\n"]),
            b"a\r\nb\r\nc\r\nd\r\n\r\n\r\n"
        );
        assert_eq!(normalize(&[b"\r"]), b"\r\n");
        assert_eq!(normalize(&[b""]), b"");
        assert_eq!(normalize(&[b"no breaks"]), b"no breaks");
    }

    #[test]
    fn crlf_split_between_chunks_stays_one_crlf() {
        assert_eq!(normalize(&[b"a\r", b"\nb"]), b"a\r\nb");
        assert_eq!(normalize(&[b"a\r", b"", b"\nb"]), b"a\r\nb");
        assert_eq!(normalize(&[b"a\r", b"\r", b"\n"]), b"a\r\n\r\n");
        assert_eq!(normalize(&[b"a\r", b"b"]), b"a\r\nb");
    }

    fn text() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![Just(b'\r'), Just(b'\n'), Just(b'x'), any::<u8>()],
            0..200,
        )
    }

    proptest! {
        #[test]
        fn crlf_any_chunking_gives_the_reference_output(input in text(), cuts in proptest::collection::vec(0usize..200, 0..6)) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(input.len())).collect();
            cuts.sort_unstable();
            let mut chunks = Vec::new();
            let mut from = 0;
            for cut in cuts {
                chunks.push(&input[from..cut]);
                from = cut;
            }
            chunks.push(&input[from..]);
            prop_assert_eq!(normalize(&chunks), reference(&input));
        }

        #[test]
        fn crlf_output_length_is_measure_normalized_len(input in text()) {
            let out = normalize(&[&input]);
            prop_assert_eq!(out.len() as u64, crate::encode::Measure::of(&input).normalized_len());
        }
    }
}
