//! Message identifiers (RFC 5322 §3.6.4) and Content-IDs (RFC 2392).

use std::fmt;

use super::address::dot_atom;
use crate::error::{Error, Result};
use crate::random::Rng;

/// Characters of the random part of a generated identifier: 24 letters and
/// digits, about 143 bits.
const GENERATED_ID_LEN: usize = 24;

/// The longest identifier. An msg-id cannot be folded inside its angle
/// brackets (RFC 5322 §3.6.4), so `In-Reply-To: <id>`, the longest field that
/// holds one, must fit in a line of 998 octets (RFC 5322 §2.1.1):
/// 998 − `In-Reply-To: <>`.len().
pub const MAX_ID_LEN: usize = 998 - "In-Reply-To: <>".len();

/// Why an identifier over [`MAX_ID_LEN`] is refused.
const TOO_LONG: &str =
    "longer than 983 octets, it cannot fit on a line of 998 (RFC 5322 §2.1.1, §3.6.4)";

/// dot-atom-text (RFC 5322 §3.2.3), ASCII only (the address table, which
/// also tells UTF-8 dot-atoms apart).
fn is_dot_atom_text(s: &str) -> bool {
    dot_atom(s) == Some(true)
}

/// Splits at the last `@` (a short scan from the end; `rsplit_once` would
/// call the general `memrchr`).
fn split_at_last_at(s: &str) -> Option<(&str, &str)> {
    let at = s.bytes().rposition(|b| b == b'@')?;
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// no-fold-literal: `[` dtext `]` (RFC 5322 §3.6.4).
fn is_no_fold_literal(s: &str) -> bool {
    s.strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .is_some_and(|d| {
            d.bytes()
                .all(|b| b.is_ascii_graphic() && !b"[]\\".contains(&b))
        })
}

fn strip_angles(s: &str) -> &str {
    let t = super::trim(s);
    t.strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(t)
}

/// A `Message-ID`, `In-Reply-To` or `References` identifier,
/// `id-left@id-right` (RFC 5322 §3.6.4), stored without angle brackets.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MessageId(String);

impl MessageId {
    /// No identifier (never valid; a placeholder).
    pub(crate) const EMPTY: Self = Self(String::new());

    /// Validates `id` (angle brackets optional).
    ///
    /// # Errors
    /// [`Error::InvalidMessageId`] when `id` is not `dot-atom-text@(dot-atom-text / [literal])`
    /// or is longer than [`MAX_ID_LEN`].
    pub fn new(id: &str) -> Result<Self> {
        let inner = strip_angles(id);
        let invalid = |reason| Error::InvalidMessageId {
            input: id.to_owned(),
            reason,
        };
        if inner.len() > MAX_ID_LEN {
            return Err(invalid(TOO_LONG));
        }
        let (left, right) = split_at_last_at(inner)
            .ok_or_else(|| invalid("no @ (RFC 5322 §3.6.4: id-left \"@\" id-right)"))?;
        if !is_dot_atom_text(left) {
            return Err(invalid(
                "the part before @ must be dot-atom-text (RFC 5322 §3.6.4)",
            ));
        }
        if !is_dot_atom_text(right) && !is_no_fold_literal(right) {
            return Err(invalid(
                "the part after @ must be a domain or a [literal] (RFC 5322 §3.6.4)",
            ));
        }
        Ok(Self(inner.to_owned()))
    }

    /// A new unique identifier at `domain` (an ASCII domain or literal).
    pub(crate) fn generate(rng: &mut Rng, domain: &str) -> Self {
        let mut id = String::with_capacity(GENERATED_ID_LEN + 1 + domain.len());
        rng.push_alnum(GENERATED_ID_LEN, &mut id);
        id.push('@');
        id.push_str(domain);
        Self(id)
    }

    /// The identifier without angle brackets.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{}>", self.0)
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{}>", self.0)
    }
}

impl std::str::FromStr for MessageId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::new(s)
    }
}

/// A Content-ID (RFC 2045 §7, RFC 2392), referenced from HTML as `cid:…`.
///
/// RFC 2392 asks for the msg-id form `left@right`; mail clients match the
/// string, and `logo` or `logo.png` are common in practice, so the part
/// after `@` is optional here. Stored without angle brackets.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ContentId(String);

impl ContentId {
    /// Validates `id` (angle brackets optional).
    ///
    /// # Errors
    /// [`Error::InvalidContentId`] when `id` has characters outside atext,
    /// `.` and one `@`, or is longer than [`MAX_ID_LEN`].
    pub fn new(id: &str) -> Result<Self> {
        let inner = strip_angles(id);
        let invalid = |reason| Error::InvalidContentId {
            input: id.to_owned(),
            reason,
        };
        if inner.len() > MAX_ID_LEN {
            return Err(invalid(TOO_LONG));
        }
        let ok = match split_at_last_at(inner) {
            Some((l, r)) => is_dot_atom_text(l) && (is_dot_atom_text(r) || is_no_fold_literal(r)),
            None => is_dot_atom_text(inner),
        };
        if !ok {
            return Err(invalid(
                "a Content-ID is dot-atom-text, optionally @domain (RFC 2392, RFC 5322 §3.6.4)",
            ));
        }
        Ok(Self(inner.to_owned()))
    }

    pub(crate) fn generate(rng: &mut Rng, domain: &str) -> Self {
        Self(MessageId::generate(rng, domain).0)
    }

    /// The identifier without angle brackets, as used after `cid:`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ContentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{}>", self.0)
    }
}

impl fmt::Display for ContentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{}>", self.0)
    }
}

impl std::str::FromStr for ContentId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_validated() {
        assert_eq!(
            MessageId::new("<abc.123@example.com>").unwrap().as_str(),
            "abc.123@example.com"
        );
        assert_eq!(
            MessageId::new("x@[127.0.0.1]").unwrap().as_str(),
            "x@[127.0.0.1]"
        );
        for bad in [
            "",
            "no-at",
            "a b@c",
            "a@b c",
            "<a@b",
            "a@b\r\nBcc: x",
            "@b",
            "a@",
            ".a@b",
            "a@b..c",
        ] {
            assert!(MessageId::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn content_ids_may_omit_the_domain() {
        assert_eq!(ContentId::new("logo").unwrap().as_str(), "logo");
        assert_eq!(
            ContentId::new("<logo.png@x>").unwrap().as_str(),
            "logo.png@x"
        );
        for bad in ["", "a b", "a\nb", "<>", "a@b@c", "图"] {
            assert!(ContentId::new(bad).is_err(), "{bad:?}");
        }
    }

    /// A 1,000-octet id made a 1,015-octet line before the bound.
    #[test]
    fn ids_fit_on_one_line() {
        let at = format!(
            "{}@example.com",
            "a".repeat(MAX_ID_LEN - "@example.com".len())
        );
        let over = format!("a{at}");
        assert_eq!(("In-Reply-To: <".len() + at.len() + ">".len()), 998);
        assert!(MessageId::new(&at).is_ok() && ContentId::new(&at).is_ok());
        assert!(MessageId::new(&over).is_err() && ContentId::new(&over).is_err());
        assert!(ContentId::new(&"a".repeat(MAX_ID_LEN + 1)).is_err());
    }

    #[test]
    fn generated_ids_are_valid_and_seeded() {
        let a = MessageId::generate(&mut Rng::seeded(9), "example.com");
        let b = MessageId::generate(&mut Rng::seeded(9), "example.com");
        assert_eq!(a, b);
        assert!(MessageId::new(a.as_str()).is_ok());
        assert_eq!(a.as_str().len(), GENERATED_ID_LEN + "@example.com".len());
    }
}
