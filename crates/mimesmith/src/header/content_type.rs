//! Media types (RFC 2045 §5.1, RFC 2046) and content dispositions (RFC 2183).

use std::borrow::Cow;
use std::fmt;

use crate::error::{Error, Result};

/// tspecials (RFC 2045 §5.1).
const TSPECIALS: &[u8] = b"()<>@,;:\\\"/[]?=";

/// token (RFC 2045 §5.1): printable US-ASCII except tspecials.
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_graphic() && !TSPECIALS.contains(&b))
}

/// The longest type, subtype or parameter name: RFC 6838 §4.2 limits
/// `restricted-name` to 127 characters, and §4.3 gives parameter names the
/// same syntax. A token cannot be folded, so without a bound one long name
/// would push its line past RFC 5322 §2.1.1's 998 octets.
pub(crate) const MAX_NAME: usize = 127;

/// The longest `type/subtype`: it is one token that cannot be folded, so
/// with the `;` after it it must fit on a folded line of its own, a space
/// and at most 77 more characters (RFC 5322 §2.1.1's 78; a builder_api
/// find: a 115-character subtype made a 122-character line).
pub(crate) const MAX_ESSENCE: usize = 76;

/// A type, subtype or parameter name: a token (RFC 2045 §5.1) of at most
/// [`MAX_NAME`] characters (RFC 6838 §4.2).
pub(crate) fn is_name(s: &str) -> bool {
    s.len() <= MAX_NAME && is_token(s)
}

/// A media type `type/subtype` with parameters (RFC 2045 §5.1). Type and
/// subtype are stored in lower case (they are case-insensitive).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ContentType {
    essence: Cow<'static, str>,
    slash: usize,
    params: Vec<(String, String)>,
}

impl ContentType {
    /// Parses `type/subtype; name=value; …` (values may be quoted).
    ///
    /// # Errors
    /// [`Error::InvalidContentType`] for anything that is not a media type.
    pub fn parse(s: &str) -> Result<Self> {
        let invalid = |reason| Error::InvalidContentType {
            input: s.to_owned(),
            reason,
        };
        if s.contains(['\r', '\n', '\0']) {
            return Err(invalid("CR, LF and NUL cannot appear in a content type"));
        }
        let mime: mime::Mime = s
            .trim()
            .parse()
            .map_err(|_| invalid("expected type/subtype with token characters (RFC 2045 §5.1)"))?;
        let mut ct = Self::new(mime.type_().as_str(), mime.subtype().as_str())
            .map_err(|_| invalid("expected type/subtype with token characters (RFC 2045 §5.1)"))?;
        if let Some(suffix) = mime.suffix() {
            ct = Self::new(
                mime.type_().as_str(),
                &format!("{}+{}", mime.subtype(), suffix),
            )?;
        }
        for (name, value) in mime.params() {
            ct = ct.with_param(name.as_str(), value.as_str())?;
        }
        Ok(ct)
    }

    /// `type/subtype`, validated.
    ///
    /// # Errors
    /// [`Error::InvalidContentType`] when either is not a token.
    pub fn new(main: &str, sub: &str) -> Result<Self> {
        if main.len() + 1 + sub.len() > MAX_ESSENCE {
            return Err(Error::InvalidContentType {
                input: format!("{main}/{sub}"),
                reason: "type/subtype longer than 76 characters cannot be written within 78-character lines (RFC 5322 §2.1.1)",
            });
        }
        if !is_name(main) || !is_name(sub) {
            return Err(Error::InvalidContentType {
                input: format!("{main}/{sub}"),
                reason: "type and subtype must be tokens (RFC 2045 §5.1) of at most 127 characters (RFC 6838 §4.2)",
            });
        }
        Ok(Self {
            essence: Cow::Owned(format!(
                "{}/{}",
                main.to_ascii_lowercase(),
                sub.to_ascii_lowercase()
            )),
            slash: main.len(),
            params: Vec::new(),
        })
    }

    /// Adds or replaces a parameter. Names are tokens, compared without
    /// regard to case; values may be any text (non-ASCII values are written
    /// with RFC 2231).
    ///
    /// # Errors
    /// [`Error::InvalidContentType`] when the name is not a token.
    pub fn with_param(mut self, name: &str, value: &str) -> Result<Self> {
        if !is_name(name) || name.contains(['*', '\'', '%']) {
            return Err(Error::InvalidContentType {
                input: format!("{}; {name}=…", self.essence()),
                reason: "a parameter name must be a token without * ' % (RFC 2231 §7) of at most 127 characters (RFC 6838 §4.3)",
            });
        }
        let name = name.to_ascii_lowercase();
        let value = super::sanitize_line_breaks(value).into_owned();
        match self.params.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.params.push((name, value)),
        }
        Ok(self)
    }

    /// `text/plain`.
    #[must_use]
    pub fn text_plain() -> Self {
        Self {
            essence: Cow::Borrowed("text/plain"),
            slash: 4,
            params: Vec::new(),
        }
    }

    /// `text/html`.
    #[must_use]
    pub fn text_html() -> Self {
        Self {
            essence: Cow::Borrowed("text/html"),
            slash: 4,
            params: Vec::new(),
        }
    }

    /// `application/octet-stream`.
    #[must_use]
    pub fn octet_stream() -> Self {
        Self {
            essence: Cow::Borrowed("application/octet-stream"),
            slash: 11,
            params: Vec::new(),
        }
    }

    /// `message/rfc822`.
    #[must_use]
    pub fn message_rfc822() -> Self {
        Self {
            essence: Cow::Borrowed("message/rfc822"),
            slash: 7,
            params: Vec::new(),
        }
    }

    /// The media type guessed from a file name's extension (mime_guess), or
    /// `application/octet-stream`.
    #[must_use]
    pub fn guess_from_filename(name: &str) -> Self {
        mime_guess::from_path(name)
            .first_raw()
            .and_then(|s| Self::parse(s).ok())
            .unwrap_or_else(Self::octet_stream)
    }

    /// `type/subtype` in lower case.
    #[must_use]
    pub fn essence(&self) -> &str {
        &self.essence
    }

    /// The top-level type.
    #[must_use]
    pub fn main_type(&self) -> &str {
        self.essence.get(..self.slash).unwrap_or_default()
    }

    /// The subtype.
    #[must_use]
    pub fn subtype(&self) -> &str {
        self.essence.get(self.slash + 1..).unwrap_or_default()
    }

    /// A parameter's value.
    #[must_use]
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// All parameters, in order.
    #[must_use]
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    pub(crate) fn remove_param(&mut self, name: &str) -> Option<String> {
        let i = self.params.iter().position(|(n, _)| n == name)?;
        Some(self.params.remove(i).1)
    }

    /// `text/*`.
    #[must_use]
    pub fn is_text(&self) -> bool {
        self.main_type() == "text"
    }

    /// `multipart/*`.
    #[must_use]
    pub fn is_multipart(&self) -> bool {
        self.main_type() == "multipart"
    }

    /// An encapsulated message (RFC 2046 §5.2.1, RFC 6532 §3.7): its body
    /// is never base64 or quoted-printable.
    #[must_use]
    pub fn is_message(&self) -> bool {
        matches!(self.essence(), "message/rfc822" | "message/global")
    }

    /// message/partial and message/external-body, which allow no encoding
    /// but 7bit (RFC 2046 §5.2.2, §5.2.3).
    #[must_use]
    pub fn is_seven_bit_only(&self) -> bool {
        matches!(self.essence(), "message/partial" | "message/external-body")
    }
}

impl fmt::Debug for ContentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for ContentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.essence)?;
        for (n, v) in &self.params {
            write!(f, "; {n}={v:?}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for ContentType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

/// `Content-Disposition` type (RFC 2183 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Disposition {
    /// Shown with the message (RFC 2183 §2.1).
    Inline,
    /// Offered for saving (RFC 2183 §2.2).
    Attachment,
}

impl Disposition {
    /// The token written in the field.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Inline => "inline",
            Self::Attachment => "attachment",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_types_and_parameters() {
        let ct = ContentType::parse("Text/HTML; Charset=\"utf-8\"; format=flowed").unwrap();
        assert_eq!(ct.essence(), "text/html");
        assert_eq!((ct.main_type(), ct.subtype()), ("text", "html"));
        assert_eq!(ct.param("charset"), Some("utf-8"));
        assert_eq!(ct.param("FORMAT"), Some("flowed"));
        assert!(ct.is_text());
        let ct = ContentType::parse("application/vnd.api+json").unwrap();
        assert_eq!(ct.essence(), "application/vnd.api+json");
    }

    #[test]
    fn rejects_what_is_not_a_media_type() {
        for bad in [
            "",
            "text",
            "text/",
            "/plain",
            "te xt/plain",
            "text/plain\r\nBcc: x",
            "text/pl@in",
            "图/片",
        ] {
            assert!(ContentType::parse(bad).is_err(), "{bad:?}");
        }
        assert!(ContentType::text_plain().with_param("na me", "x").is_err());
        assert!(ContentType::text_plain().with_param("name*", "x").is_err());
    }

    /// RFC 6838 §4.2/§4.3: names of at most 127 characters, so that no
    /// unfoldable token can push a line past 998 octets (a build_roundtrip
    /// find: a 1,000-character parameter name made a 1,058-octet line).
    #[test]
    fn names_are_at_most_127_characters() {
        let at = "a".repeat(MAX_NAME);
        let over = "a".repeat(MAX_NAME + 1);
        assert!(ContentType::new(&"a".repeat(37), &"b".repeat(38)).is_ok());
        assert!(ContentType::new(&"a".repeat(38), &"b".repeat(38)).is_err());
        assert!(ContentType::new(&over, "plain").is_err());
        assert!(ContentType::new("text", &over).is_err());
        assert!(ContentType::parse(&format!("text/{over}")).is_err());
        assert!(ContentType::text_plain().with_param(&at, "x").is_ok());
        let err = ContentType::text_plain()
            .with_param(&over, "x")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("127"), "{err}");
        assert!(ContentType::parse(&format!("text/plain; {over}=x")).is_err());
    }

    #[test]
    fn guesses_from_extensions() {
        assert_eq!(
            ContentType::guess_from_filename("报告.pdf").essence(),
            "application/pdf"
        );
        assert_eq!(
            ContentType::guess_from_filename("logo.PNG").essence(),
            "image/png"
        );
        assert_eq!(
            ContentType::guess_from_filename("noext").essence(),
            "application/octet-stream"
        );
    }
}
