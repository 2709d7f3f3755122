//! Showing untrusted text safely: which characters can make a name or a
//! header look like something it is not.

/// The Unicode bidirectional formatting characters (Unicode Standard Annex
/// #9 §2: embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069,
/// the marks U+200E, U+200F and U+061C). In a file name they reorder what a
/// reader sees: `"invoice\u{202E}fdp.exe"` shows as `invoiceexe.pdf`
/// (CVE-2021-42574 is the same trick in source code).
#[must_use]
pub const fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// A character to escape before it reaches a terminal: C0 and C1 controls
/// (but line feed and tab, which `keep_layout` keeps), DEL, and the bidi
/// controls of [`is_bidi_control`].
#[must_use]
pub fn needs_escape(c: char, keep_layout: bool) -> bool {
    (c.is_control() && !(keep_layout && (c == '\n' || c == '\t'))) || is_bidi_control(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bidi_control_and_nothing_else_in_the_blocks() {
        let bidi: Vec<u32> = (0..=0x10FFFF_u32)
            .filter_map(char::from_u32)
            .filter(|&c| is_bidi_control(c))
            .map(u32::from)
            .collect();
        assert_eq!(
            bidi,
            [
                0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067,
                0x2068, 0x2069
            ]
        );
        assert!(needs_escape('\u{1b}', true) && needs_escape('\u{202e}', true));
        assert!(
            !needs_escape('\n', true) && needs_escape('\n', false) && !needs_escape('é', false)
        );
    }
}
