//! Byte offset → 1-based line number in the raw message.
//!
//! Lines end at LF (CRLF and bare LF alike, as mail-parser reads them); a bare
//! CR does not end a line here.

/// The offsets of every LF of the input, for binary search.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(input: &[u8]) -> Self {
        let newlines = input
            .iter()
            .enumerate()
            .filter_map(|(i, &b)| (b == b'\n').then_some(i))
            .collect();
        Self { newlines }
    }

    /// The 1-based line holding the byte at `offset` (an offset at or past the
    /// end belongs to the last line).
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < offset) + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_at_lf() {
        let index = LineIndex::new(b"a\r\nbc\nd");
        assert_eq!(index.line_of(0), 1);
        assert_eq!(index.line_of(2), 1, "the LF itself ends line 1");
        assert_eq!(index.line_of(3), 2);
        assert_eq!(index.line_of(6), 3);
        assert_eq!(index.line_of(100), 3);
        assert_eq!(LineIndex::new(b"").line_of(0), 1);
    }
}
