//! Header fields: validated names, and the writers for every kind of field
//! body. All folding goes through [`fold`].

pub mod address;
pub mod address_list;
pub mod content_type;
pub mod date;
pub mod encoded_word;
pub mod fold;
pub mod kind;
pub mod message_id;
pub mod rfc2231;

use std::borrow::Cow;
use std::fmt;

use crate::encode::charset::Charset;
use crate::error::{Error, Result};

/// How header text is written: the charset of encoded words, and whether
/// the message may carry raw UTF-8 headers (RFC 6532).
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeaderStyle {
    pub(crate) charset: Charset,
    pub(crate) smtputf8: bool,
}

/// The longest header name accepted: `Name: ` must leave room on a 78
/// character line (RFC 5322 §2.1.1).
pub const MAX_HEADER_NAME: usize = 76;

/// Fields the builder writes itself; an extra header may not name them,
/// which keeps a caller from writing a second, conflicting copy.
const RESERVED: &[&str] = &[
    "bcc",
    "cc",
    "content-disposition",
    "content-id",
    "content-transfer-encoding",
    "content-type",
    "date",
    "from",
    "in-reply-to",
    "message-id",
    "mime-version",
    "references",
    "reply-to",
    "sender",
    "subject",
    "to",
];

/// A header field name: 1 to 76 characters of ftext, printable US-ASCII
/// except `:` (RFC 5322 §2.2). A name with CR, LF, colon, space or any
/// control character cannot be constructed, so header injection through a
/// name is impossible.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct HeaderName(Cow<'static, str>);

impl HeaderName {
    /// Validates `name`.
    ///
    /// # Errors
    /// [`Error::InvalidHeaderName`] when the name is empty, too long, or has
    /// a character outside ftext.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Result<Self> {
        let name = name.into();
        let invalid = |reason| Error::InvalidHeaderName {
            name: name.to_string(),
            reason,
        };
        if name.is_empty() {
            return Err(invalid("a header name cannot be empty"));
        }
        if name.len() > MAX_HEADER_NAME {
            return Err(invalid("a header name is at most 76 characters"));
        }
        if let Some(c) = name.chars().find(|&c| !is_ftext(c)) {
            return Err(invalid(match c {
                '\r' | '\n' => "CR and LF cannot appear in a header name (RFC 5322 §2.2)",
                ':' => "a colon ends a header name (RFC 5322 §2.2)",
                ' ' | '\t' => "whitespace cannot appear in a header name (RFC 5322 §2.2)",
                _ => {
                    "only printable US-ASCII other than ':' may appear in a header name (RFC 5322 §2.2)"
                }
            }));
        }
        Ok(Self(name))
    }

    /// The name as given.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when the builder writes this field itself (From, Subject,
    /// Content-Type, …), compared without regard to case.
    #[must_use]
    pub fn is_reserved(&self) -> bool {
        RESERVED.iter().any(|r| r.eq_ignore_ascii_case(&self.0))
    }
}

/// ftext (RFC 5322 §2.2): printable US-ASCII except colon.
const fn is_ftext(c: char) -> bool {
    matches!(c, '!'..='9' | ';'..='~')
}

impl fmt::Debug for HeaderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for HeaderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<&str> for HeaderName {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self> {
        Self::new(s.to_owned())
    }
}

impl TryFrom<String> for HeaderName {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        Self::new(s)
    }
}

impl std::str::FromStr for HeaderName {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::new(s.to_owned())
    }
}

/// One complete header field, `Name: value` folded and ended by CRLF, with
/// unstructured text encoded only where needed (RFC 2047 §5(1)). For
/// senders that build their own headers, and for tests and fuzzing.
///
/// # Errors
/// [`Error::Unrepresentable`] when the charset cannot hold the text.
pub fn format_unstructured(
    name: &HeaderName,
    value: &str,
    options: &crate::FormatOptions,
) -> Result<String> {
    let value = sanitize_line_breaks(value);
    let mut out = Vec::new();
    let mut f = fold::Folder::new(&mut out, name.as_str());
    encoded_word::write_unstructured(&mut f, &value, &options.header_style(), &|| {
        name.as_str().to_owned()
    })?;
    f.finish();
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// One complete address field, `To: …` folded and ended by CRLF (RFC 5322
/// §3.4, display names per RFC 2047 §5(3)).
///
/// # Errors
/// [`Error::Unrepresentable`], or [`Error::InvalidAddress`] for a UTF-8
/// local part without SMTPUTF8.
pub fn format_address_list(
    name: &HeaderName,
    list: &[address::Address],
    options: &crate::FormatOptions,
) -> Result<String> {
    let mut out = Vec::new();
    let mut f = fold::Folder::new(&mut out, name.as_str());
    address::write_address_list(&mut f, list, &options.header_style(), &|| {
        name.as_str().to_owned()
    })?;
    f.finish();
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// One `Content-Disposition` field with a file name: `disposition;
/// filename*=…` (RFC 2183, RFC 2231), plus the RFC 2047 form when the
/// options ask for it.
///
/// # Errors
/// [`Error::Unrepresentable`] when the charset cannot hold the name.
pub fn format_disposition(
    disposition: content_type::Disposition,
    filename: &str,
    options: &crate::FormatOptions,
) -> Result<String> {
    let mut out = Vec::new();
    let mut f = fold::Folder::new(&mut out, "Content-Disposition");
    let name = crate::part::clean_filename(filename);
    let d = disposition.as_str();
    f.push_with_trailing(b" ", d.len(), usize::from(name.is_some()), |out| {
        out.extend_from_slice(d.as_bytes())
    });
    if let Some(name) = name {
        rfc2231::write_param(
            &mut f,
            "filename",
            &name,
            &options.param_style(),
            true,
            true,
            &|| "filename".to_owned(),
        )?;
    }
    f.finish();
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// `s.trim()`, returning at once when both ends are printable ASCII (no
/// whitespace, ASCII or Unicode, can then be trimmed), as identifiers and
/// addresses nearly always are.
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    let printable = |b: Option<&u8>| b.is_some_and(|&b| (0x21..0x7F).contains(&b));
    if printable(s.as_bytes().first()) && printable(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// Checks header text (a Subject, Content-Description, any unstructured
/// field; display names follow the same rule in `address.rs`): no control
/// character but HTAB. A control cannot be written readably: raw it is not
/// allowed (RFC 5322 §3.2.5 VCHAR / WSP), and inside an encoded word
/// readers show it as `?` (GMime) or flag a defect (Python), so it is an
/// error, for every text field alike (issue 10 item 9).
///
/// # Errors
/// [`Error::InvalidHeaderValue`] naming the field and the character.
pub(crate) fn check_text(field: &str, text: &str) -> Result<()> {
    let b = text.as_bytes();
    let c0 = b.iter().any(|&c| (c < 0x20 && c != b'\t') || c == 0x7F);
    let c1 = || {
        memchr::memchr_iter(0xC2, b)
            .any(|i| b.get(i + 1).is_some_and(|&n| (0x80..=0x9F).contains(&n)))
    };
    if !c0 && !c1() {
        return Ok(());
    }
    let c = text
        .chars()
        .find(|&c| c.is_control() && c != '\t')
        .unwrap_or('\0');
    Err(Error::InvalidHeaderValue {
        field: field.to_owned(),
        reason: format!(
            "the control character U+{:04X} cannot be written in header text (RFC 5322 §3.2.5)",
            c as u32
        ),
    })
}

/// Replaces every run of CR and LF in a header value with one space.
///
/// A line break inside a value would end the field and start another (the
/// header injection of CWE-93). We chose to keep the text rather than refuse
/// it: RFC 5322 §2.2.3 unfolding turns a folded line break into whitespace
/// too, so a reader sees what a folded value would show, and a subject
/// pasted from a text area with a trailing newline still sends.
#[must_use]
pub fn sanitize_line_breaks(value: &str) -> Cow<'_, str> {
    if memchr::memchr2(b'\r', b'\n', value.as_bytes()).is_none() {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut in_break = false;
    for c in value.chars() {
        if c == '\r' || c == '\n' {
            if !in_break {
                out.push(' ');
            }
            in_break = true;
        } else {
            out.push(c);
            in_break = false;
        }
    }
    Cow::Owned(out)
}

/// [`sanitize_line_breaks`] for a value that may be borrowed.
#[must_use]
pub fn sanitize_cow(value: Cow<'_, str>) -> Cow<'_, str> {
    match value {
        Cow::Borrowed(b) => sanitize_line_breaks(b),
        Cow::Owned(o) => match sanitize_line_breaks(&o) {
            Cow::Borrowed(_) => Cow::Owned(o),
            Cow::Owned(fixed) => Cow::Owned(fixed),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_with_injection_characters_cannot_exist() {
        for bad in [
            "X-A\r\nBcc",
            "X-A\nB",
            "X:A",
            "X A",
            "",
            "X\u{7f}",
            "Ünïcode",
            "X\0",
        ] {
            assert!(HeaderName::new(bad.to_owned()).is_err(), "{bad:?}");
        }
        assert!(HeaderName::new("x".repeat(77)).is_err());
        assert_eq!(HeaderName::new("X-Mailer").unwrap().as_str(), "X-Mailer");
        assert!(HeaderName::new("x".repeat(76)).is_ok());
    }

    #[test]
    fn reserved_names_are_recognised_case_insensitively() {
        assert!(HeaderName::new("content-TYPE").unwrap().is_reserved());
        assert!(HeaderName::new("BCC").unwrap().is_reserved());
        assert!(!HeaderName::new("X-Priority").unwrap().is_reserved());
    }

    #[test]
    fn the_quick_trim_is_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{3000}a",
            "a\u{a0}",
            "\u{85}x\u{85}",
            "<id@x>",
            "\ta\n",
            "\u{7f}",
            "~x~",
            "!",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn line_breaks_become_one_space() {
        assert_eq!(sanitize_line_breaks("a\r\nb"), "a b");
        assert_eq!(sanitize_line_breaks("a\n\n\rb"), "a b");
        assert_eq!(sanitize_line_breaks("a\r\n b"), "a  b");
        assert_eq!(sanitize_line_breaks("trailing\n"), "trailing ");
        assert!(matches!(sanitize_line_breaks("clean"), Cow::Borrowed(_)));
        let long = format!("{}\n{}", "x".repeat(300), "y");
        assert_eq!(sanitize_line_breaks(&long), long.replace('\n', " "));
        for (i, c) in ["\r", "\n"].into_iter().enumerate() {
            for at in 0..40 {
                let v = format!("{}{c}{}", "a".repeat(at), "b".repeat(i));
                assert!(matches!(sanitize_line_breaks(&v), Cow::Owned(_)), "{v:?}");
            }
        }
    }
}
