//! The kinds of header field, in one registry: how the builder writes an
//! extra header depends on what its body is (RFC 5322 §2.2.1-§2.2.2).
//!
//! - **Unstructured** text (RFC 5322 §3.2.5: Subject, Comments, and any
//!   field not listed here): RFC 2047 encoded words where needed (§5(1)).
//! - **Address lists** (RFC 5322 §3.4): parsed and written as mailboxes
//!   and groups, display names encoded as phrases (RFC 2047 §5(3)).
//! - **Structured** tokens (trace fields, signatures, authentication
//!   results, list fields, identifiers): folded at white space and never
//!   encoded, since an encoded word is not allowed there (RFC 2047 §5);
//!   non-ASCII or a control character is an error.

use super::HeaderStyle;
use super::address::Address;
use super::address_list::AddressList;
use super::encoded_word::{MAX_LITERAL_WORD, write_unstructured};
use super::fold::Folder;
use crate::error::{Error, Result};

/// What a header field's body is, which decides how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldKind {
    /// Text (RFC 5322 §3.2.5), encoded as RFC 2047 words where needed.
    Unstructured,
    /// An address list (RFC 5322 §3.4).
    AddressList,
    /// Tokens that are folded but never encoded.
    Structured,
}

/// Address fields: the builder's own (RFC 5322 §3.6.2, §3.6.3) and those a
/// caller may add as extra headers.
const ADDRESS_FIELDS: &[&str] = &[
    "from",
    "sender",
    "reply-to",
    "to",
    "cc",
    "bcc",
    // RFC 5322 §3.6.6
    "resent-from",
    "resent-sender",
    "resent-to",
    "resent-cc",
    "resent-bcc",
    "resent-reply-to",
    // RFC 8098 §2.1
    "disposition-notification-to",
    // Not standardised, still read by clients and MTAs
    "return-receipt-to",
    "mail-followup-to",
    "mail-reply-to",
    "errors-to",
    "apparently-to",
];

/// Structured fields whose tokens must reach the reader as written.
const STRUCTURED_FIELDS: &[&str] = &[
    // the builder's own: RFC 5322 §3.6.1, §3.6.4; RFC 2045 §4-§6; RFC 2183;
    // RFC 2392
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-disposition",
    "content-id",
    // RFC 5322 §3.6.7 trace fields
    "received",
    "return-path",
    // RFC 5322 §3.6.6
    "resent-date",
    "resent-message-id",
    // RFC 6376 §3.5, RFC 4870
    "dkim-signature",
    "domainkey-signature",
    // RFC 8617
    "arc-seal",
    "arc-message-signature",
    "arc-authentication-results",
    // RFC 8601, RFC 7208 §9.1
    "authentication-results",
    "received-spf",
    // RFC 2369, RFC 2919, RFC 8058
    "list-id",
    "list-help",
    "list-unsubscribe",
    "list-unsubscribe-post",
    "list-subscribe",
    "list-post",
    "list-owner",
    "list-archive",
    // RFC 5064
    "archived-at",
    // RFC 3834
    "auto-submitted",
    // RFC 3282, RFC 2557 §4
    "content-language",
    "content-location",
    "content-base",
    // RFC 1864
    "content-md5",
    // RFC 8689
    "tls-required",
    // identifiers (RFC 5322 §3.6.4 msg-id)
    "original-message-id",
    "supersedes",
    // Gmail's feedback loop; Autocrypt (keys in base64)
    "feedback-id",
    "autocrypt",
];

impl FieldKind {
    /// The kind of the field `name` (compared without regard to case);
    /// unstructured for any field not in the registry.
    #[must_use]
    pub fn of(name: &str) -> Self {
        let is = |list: &[&str]| list.iter().any(|n| n.eq_ignore_ascii_case(name));
        if is(ADDRESS_FIELDS) {
            Self::AddressList
        } else if is(STRUCTURED_FIELDS) {
            Self::Structured
        } else {
            Self::Unstructured
        }
    }
}

/// An extra header's body, checked when it is given and written by its
/// kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldValue {
    /// Unstructured text, line breaks already turned into spaces.
    Text(String),
    /// Structured tokens: ASCII, no control but HTAB.
    Structured(String),
    /// An address list.
    Addresses(Vec<Address>),
}

impl FieldValue {
    /// Checks `value` for the kind of the field `name`.
    ///
    /// # Errors
    /// [`Error::InvalidHeaderValue`] for a structured value with non-ASCII,
    /// a control character, or a token too long for any line;
    /// [`Error::InvalidAddressList`] for an address field that does not
    /// parse or is empty.
    pub(crate) fn new(name: &str, value: &str) -> Result<Self> {
        let value = super::sanitize_line_breaks(value);
        let invalid = |reason: String| Error::InvalidHeaderValue {
            field: name.to_owned(),
            reason,
        };
        match FieldKind::of(name) {
            FieldKind::Unstructured => {
                super::check_text(name, &value)?;
                Ok(Self::Text(value.into_owned()))
            }
            FieldKind::Structured => {
                if let Some(c) = value
                    .chars()
                    .find(|&c| !c.is_ascii() || (c.is_ascii_control() && c != '\t'))
                {
                    return Err(invalid(format!(
                        "{c:?} (U+{:04X}) cannot be written in a structured field, which is never RFC 2047 encoded (RFC 2047 §5); use ASCII",
                        c as u32
                    )));
                }
                if let Some(w) = value
                    .split([' ', '\t'])
                    .find(|w| w.len() > MAX_LITERAL_WORD)
                {
                    return Err(invalid(format!(
                        "a token of {} octets cannot be folded onto a line of 998 (RFC 5322 §2.1.1)",
                        w.len()
                    )));
                }
                Ok(Self::Structured(value.trim_matches([' ', '\t']).to_owned()))
            }
            FieldKind::AddressList => {
                let list = AddressList::parse(&value)?;
                if list.is_empty() {
                    return Err(invalid(
                        "an address field needs at least one address (RFC 5322 §3.4)".into(),
                    ));
                }
                Ok(Self::Addresses(list.into_vec()))
            }
        }
    }

    /// The addresses of an address field.
    pub(crate) fn addresses(&self) -> &[Address] {
        match self {
            Self::Addresses(a) => a,
            _ => &[],
        }
    }

    /// Writes `Name: body` CRLF.
    pub(crate) fn write(&self, buf: &mut Vec<u8>, name: &str, style: &HeaderStyle) -> Result<()> {
        let mut f = Folder::new(buf, name);
        let context = || name.to_owned();
        match self {
            Self::Text(t) => write_unstructured(&mut f, t, style, &context)?,
            Self::Addresses(list) => {
                super::address::write_address_list(&mut f, list, style, &context)?
            }
            Self::Structured(t) => write_tokens(&mut f, t),
        }
        f.finish();
        Ok(())
    }
}

/// Writes structured tokens, each after the white space that preceded it,
/// so the folder may fold at every single space (RFC 5322 §2.2.3) and the
/// tokens reach the reader unchanged.
fn write_tokens(f: &mut Folder<'_>, text: &str) {
    let b = text.as_bytes();
    let mut i = 0;
    let mut first = true;
    while i < b.len() {
        let ws_start = i;
        while b.get(i).is_some_and(|&c| c == b' ' || c == b'\t') {
            i += 1;
        }
        let start = i;
        while b.get(i).is_some_and(|&c| c != b' ' && c != b'\t') {
            i += 1;
        }
        let ws = if first {
            &b" "[..]
        } else {
            b.get(ws_start..start).unwrap_or(b" ")
        };
        f.push(ws, b.get(start..i).unwrap_or_default());
        first = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::charset::Charset;

    fn field(name: &str, value: &str) -> Result<String> {
        let v = FieldValue::new(name, value)?;
        let mut out = Vec::new();
        v.write(
            &mut out,
            name,
            &HeaderStyle {
                charset: Charset::UTF_8,
                smtputf8: false,
            },
        )?;
        Ok(String::from_utf8(out).unwrap_or_default())
    }

    /// Issue 10 item 6: trace and token fields are folded at white space,
    /// never encoded.
    #[test]
    fn regress_issue10_received_is_folded_never_encoded() {
        let v = "from mx (mx.example [192.0.2.25])\tby mail.example with ESMTP id 123; Mon, 7 Dec 2026 10:00:00 +0000";
        let s = field("Received", v).unwrap();
        assert!(!s.contains("=?"), "{s}");
        assert!(s.split("\r\n").all(|l| l.len() <= 78), "{s}");
        assert_eq!(s.replace("\r\n", ""), format!("Received: {v}"));
        for name in [
            "DKIM-Signature",
            "Authentication-Results",
            "ARC-Seal",
            "List-Unsubscribe",
            "Return-Path",
        ] {
            let v =
                "v=1; a=rsa-sha256; d=example.com; s=sel; h=from:to:subject; bh=abc=?=; b=xyz==";
            let s = field(name, v).unwrap();
            assert_eq!(s.replace("\r\n", ""), format!("{name}: {v}"), "{name}");
        }
        let err = field("Received", "from 主机 by x")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("structured field"), "{err}");
        assert!(field("DKIM-Signature", "v=1;\u{0}b=").is_err());
    }

    /// Issue 10 item 6: address fields given as extra headers are address
    /// lists: `Zhang, San <z@example.com>` is not two mailboxes.
    #[test]
    fn regress_issue10_address_extra_headers_are_address_lists() {
        let s = field(
            "Disposition-Notification-To",
            "\"Zhang, San\" <z@example.com>",
        )
        .unwrap();
        assert_eq!(
            s,
            "Disposition-Notification-To: \"Zhang, San\" <z@example.com>\r\n"
        );
        assert!(field("Disposition-Notification-To", "Zhang, San <z@example.com>").is_err());
        let s = field("Resent-To", "张三 <z@example.com>, b@example.com").unwrap();
        assert!(
            s.starts_with("Resent-To: =?UTF-8?B?5byg5LiJ?= <z@example.com>, b@example.com"),
            "{s}"
        );
        assert!(field("Mail-Followup-To", "").is_err());
        assert_eq!(FieldKind::of("received"), FieldKind::Structured);
        assert_eq!(FieldKind::of("X-Mailer"), FieldKind::Unstructured);
        assert_eq!(FieldKind::of("RESENT-CC"), FieldKind::AddressList);
    }
}
