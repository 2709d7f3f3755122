//! The only code that folds header fields.
//!
//! A field is written as a sequence of unbreakable tokens, each preceded by
//! the whitespace where a fold may go. Folding inserts CRLF before that
//! whitespace (RFC 5322 §2.2.3), so unfolding gives back exactly what was
//! written: no whitespace is added or lost.

/// Lines SHOULD be no longer than 78 characters, CRLF excluded (RFC 5322 §2.1.1).
pub const SOFT_LINE_LIMIT: usize = 78;
/// Lines MUST be no longer than 998 characters, CRLF excluded (RFC 5322 §2.1.1).
pub const HARD_LINE_LIMIT: usize = 998;

/// Writes one header field, folding between tokens.
pub(crate) struct Folder<'o> {
    out: &'o mut Vec<u8>,
    /// Octets on the current line so far.
    col: usize,
    /// Whether the current line holds a token of the value: a fold right
    /// after `Name:` would leave that line empty of content.
    has_token: bool,
}

impl<'o> Folder<'o> {
    /// Starts the field `name:` on a new line of `out`.
    pub(crate) fn new(out: &'o mut Vec<u8>, name: &str) -> Self {
        out.extend_from_slice(name.as_bytes());
        out.push(b':');
        Self {
            out,
            col: name.len() + 1,
            has_token: false,
        }
    }

    /// Octets left on the current line before the soft limit.
    pub(crate) fn room(&self) -> usize {
        SOFT_LINE_LIMIT.saturating_sub(self.col)
    }

    /// Whether a fold is possible before the next token.
    pub(crate) fn can_fold(&self, ws: &[u8]) -> bool {
        self.has_token && !ws.is_empty()
    }

    /// Whether a fold is possible before the next token, counting the fold
    /// right after `Name:` that [`Folder::push`] makes for a first token
    /// that fits on a line of its own.
    pub(crate) fn can_move_to_next_line(&self, ws: &[u8]) -> bool {
        self.can_fold(ws) || (!self.has_token && ws == b" ")
    }

    /// Writes `ws` then `token`, folding before `ws` when the token would
    /// pass the soft limit on this line (and this line already holds a
    /// token), or would pass the hard limit. `ws` must be whitespace (SP or
    /// HTAB) and must not be empty where a fold is wanted.
    pub(crate) fn push(&mut self, ws: &[u8], token: &[u8]) {
        self.push_with(ws, token.len(), |out| out.extend_from_slice(token));
    }

    /// Like [`Folder::push`] for a token of `len` octets that `write`
    /// appends straight to the output (no intermediate buffer).
    #[inline]
    pub(crate) fn push_with(&mut self, ws: &[u8], len: usize, write: impl FnOnce(&mut Vec<u8>)) {
        self.push_with_trailing(ws, len, 0, write);
    }

    /// Like [`Folder::push_with`] when `trailing` octets will be glued right
    /// after the token (`,` `;` `:`), so the fit accounts for them.
    #[inline]
    pub(crate) fn push_with_trailing(
        &mut self,
        ws: &[u8],
        len: usize,
        trailing: usize,
        write: impl FnOnce(&mut Vec<u8>),
    ) {
        let out = self.start_token(ws, len, trailing);
        let before = out.len();
        write(out);
        debug_assert_eq!(
            out.len() - before,
            len,
            "push_with: announced length differs"
        );
    }

    /// Folds if a token of `len` octets after `ws` (and `trailing` octets
    /// glued after it) calls for it, writes `ws`, counts the token's
    /// columns, and returns the output for the token. Not generic, so one
    /// copy serves every kind of token.
    fn start_token(&mut self, ws: &[u8], len: usize, trailing: usize) -> &mut Vec<u8> {
        // Only a single space is a fold point for the soft limit: parsers
        // such as mail-parser turn a fold and the whitespace around it into
        // one space, so folding at a tab or a run of spaces would change it.
        let over_soft = self.col + ws.len() + len + trailing > SOFT_LINE_LIMIT
            && ws == b" "
            && (self.has_token || self.fits_alone(len + trailing));
        let over_hard = self.col + ws.len() + len > HARD_LINE_LIMIT;
        if !ws.is_empty() && (over_soft || over_hard) {
            self.out.extend_from_slice(b"\r\n");
            self.col = 0;
        }
        // Nearly always one space: a push, not a call to copy one octet.
        match ws {
            &[c] => self.out.push(c),
            _ => self.out.extend_from_slice(ws),
        }
        self.col += ws.len() + len;
        self.has_token = true;
        self.out
    }

    /// Whether a first token of `len` octets (glued octets included) that
    /// passes the soft limit after `Name:` fits on a continuation line of
    /// its own. Only then is the fold right after the colon worth making: the
    /// field body may begin with folding white space (RFC 5322 §3.2.2, §2.2.3),
    /// and `Content-Type:` CRLF SP `application/vnd…sheet;` keeps every line
    /// within 78 where one line would not. A token too long for any line is
    /// left after the name, where folding would only add an empty line.
    fn fits_alone(&self, len: usize) -> bool {
        len < SOFT_LINE_LIMIT
    }

    /// Writes `token` right after the previous one, with no fold point (for
    /// `,`, `;`, `:` and closing quotes).
    pub(crate) fn glue(&mut self, token: &[u8]) {
        self.out.extend_from_slice(token);
        self.col += token.len();
    }

    /// Ends the field with CRLF.
    pub(crate) fn finish(self) {
        self.out.extend_from_slice(b"\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(out: &[u8]) -> Vec<&str> {
        std::str::from_utf8(out).unwrap().split("\r\n").collect()
    }

    #[test]
    fn folds_before_whitespace_and_unfolds_to_the_same_text() {
        let mut out = Vec::new();
        let mut f = Folder::new(&mut out, "Subject");
        let words: Vec<String> = (0..30).map(|i| format!("word{i}")).collect();
        for w in &words {
            f.push(b" ", w.as_bytes());
        }
        f.finish();
        for l in lines(&out) {
            assert!(l.len() <= SOFT_LINE_LIMIT, "{l:?}");
        }
        let unfolded = String::from_utf8(out.clone())
            .unwrap()
            .replace("\r\n ", " ");
        assert_eq!(unfolded, format!("Subject: {}\r\n", words.join(" ")));
    }

    #[test]
    fn never_folds_right_after_the_name() {
        let mut out = Vec::new();
        let mut f = Folder::new(&mut out, "Subject");
        let long = "x".repeat(100);
        f.push(b" ", long.as_bytes());
        f.finish();
        assert_eq!(out, format!("Subject: {long}\r\n").as_bytes());
    }

    #[test]
    fn folds_even_the_first_token_to_stay_under_998() {
        let mut out = Vec::new();
        let name = "X-".to_owned() + &"n".repeat(70);
        let mut f = Folder::new(&mut out, &name);
        let long = "y".repeat(950);
        f.push(b" ", long.as_bytes());
        f.finish();
        for l in lines(&out) {
            assert!(l.len() <= HARD_LINE_LIMIT);
        }
        assert_eq!(lines(&out)[0], format!("{name}:"));
    }

    /// Issue 10 item 3: a first token that fits on a line of its own but
    /// not after the name is folded right after the colon.
    #[test]
    fn regress_issue10_foldable_first_token_goes_to_its_own_line() {
        for n in 60..=76 {
            let mut out = Vec::new();
            let mut f = Folder::new(&mut out, "Content-Type");
            let token = "t".repeat(n);
            f.push_with_trailing(b" ", n, 1, |o| o.extend_from_slice(token.as_bytes()));
            f.glue(b";");
            f.push(b" ", b"name=x");
            f.finish();
            for l in lines(&out) {
                assert!(l.len() <= SOFT_LINE_LIMIT, "{n}: {l:?}");
            }
            let unfolded = String::from_utf8(out.clone())
                .unwrap()
                .replace("\r\n ", " ");
            assert_eq!(unfolded, format!("Content-Type: {token}; name=x\r\n"));
        }
    }

    #[test]
    fn glue_never_folds() {
        let mut out = Vec::new();
        let mut f = Folder::new(&mut out, "To");
        f.push(b" ", &[b'a'; 70]);
        f.glue(b",");
        f.push(b" ", b"b@example.com");
        f.finish();
        let l = lines(&out);
        assert!(l[0].ends_with(','));
        assert_eq!(l[1], " b@example.com");
    }
}
