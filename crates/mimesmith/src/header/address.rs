//! Mailboxes, groups and addr-specs (RFC 5322 §3.4), internationalized
//! domains written as punycode (RFC 5890, through the `idna` crate), and
//! UTF-8 local parts under SMTPUTF8 (RFC 6532).

use std::fmt;

use super::HeaderStyle;
use super::encoded_word::{ATEXT, PhraseForm, is_atext, write_phrase};
use super::fold::Folder;
use crate::error::{Error, Result};

/// A local part is at most 64 octets (RFC 5321 §4.5.3.1.1).
pub const MAX_LOCAL_PART: usize = 64;
/// A domain is at most 255 octets (RFC 5321 §4.5.3.1.2).
pub const MAX_DOMAIN: usize = 255;

/// An addr-spec, `local@domain` (RFC 5322 §3.4.1), validated when built.
pub struct EmailAddress {
    /// The unquoted local part, `@`, and the domain as given, in one string
    /// (one allocation per address). In a [`Mailbox`] the display name goes
    /// in front, so that a mailbox too is one allocation.
    text: String,
    /// Where the address starts in `text`: the length of the display name
    /// in front of it, 0 outside a mailbox.
    start: usize,
    /// The position of the `@` that separates them.
    at: usize,
    /// The domain in ASCII when it differs from the domain as given:
    /// punycode A-labels for an IDN (RFC 5890 §2.3.2.1).
    ascii_domain: Option<Box<str>>,
    /// The local part is a dot-atom (written without quotes).
    local_dot_atom: bool,
    /// The local part is ASCII.
    local_ascii: bool,
}

/// An addr-spec taken apart and validated, not yet stored.
struct AddrParts<'s> {
    local: std::borrow::Cow<'s, str>,
    domain: &'s str,
    ascii_domain: Option<String>,
    /// `local@domain` when the input holds it as it is stored (an unquoted
    /// local part): copied at once.
    whole: Option<&'s str>,
    local_dot_atom: bool,
    local_ascii: bool,
}

impl<'s> AddrParts<'s> {
    /// [`EmailAddress::new`] up to the allocation; errors name `addr`.
    #[inline]
    fn parse(addr: &'s str) -> Result<Self> {
        let input = addr;
        let addr = super::trim(addr);
        let invalid = |reason: &str| Error::InvalidAddress {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        let (local, rest, ascii) = if let Some(quoted) = addr.strip_prefix('"') {
            let (local, after) =
                unquote(quoted).ok_or_else(|| invalid("unterminated quoted local part"))?;
            (std::borrow::Cow::Owned(local), after, None)
        } else {
            // The last `@` (a short scan from the end; `rfind` would call
            // the general `memrchr`).
            let at = addr
                .bytes()
                .rposition(|b| b == b'@')
                .ok_or_else(|| invalid("no @ in the address"))?;
            let (local, after) = addr.split_at(at);
            let Some(ascii) = dot_atom(local) else {
                return Err(invalid(
                    "an unquoted local part must be a dot-atom (RFC 5322 §3.4.1); quote it: \"…\"@domain",
                ));
            };
            (std::borrow::Cow::Borrowed(local), after, Some(ascii))
        };
        let domain = rest
            .strip_prefix('@')
            .ok_or_else(|| invalid("no @ after the local part"))?;
        // A dot-atom is never empty and holds no control character.
        let ascii_domain =
            check_parts(&local, domain, ascii.is_some()).map_err(|reason| invalid(&reason))?;
        Ok(match ascii {
            // An unquoted local part: the input is `local@domain` as stored.
            Some(local_ascii) => Self {
                local,
                domain,
                ascii_domain,
                whole: Some(addr),
                local_dot_atom: true,
                local_ascii,
            },
            None => Self::quoted(local, domain, ascii_domain),
        })
    }

    /// Parts whose local part is not known to be a dot-atom.
    fn quoted(
        local: std::borrow::Cow<'s, str>,
        domain: &'s str,
        ascii_domain: Option<String>,
    ) -> Self {
        let local_dot_atom = is_dot_atom(&local);
        let local_ascii = local.is_ascii();
        Self {
            local,
            domain,
            ascii_domain,
            whole: None,
            local_dot_atom,
            local_ascii,
        }
    }

    /// Octets of `local@domain`.
    fn len(&self) -> usize {
        self.local.len() + 1 + self.domain.len()
    }

    /// Stores the address after `name` (empty for none) in one string.
    #[inline]
    fn store(self, name: &str) -> EmailAddress {
        let mut text = String::with_capacity(name.len() + self.len());
        text.push_str(name);
        match self.whole {
            Some(whole) => text.push_str(whole),
            None => {
                text.push_str(&self.local);
                text.push('@');
                text.push_str(self.domain);
            }
        }
        EmailAddress {
            text,
            start: name.len(),
            at: name.len() + self.local.len(),
            ascii_domain: self.ascii_domain.map(String::into_boxed_str),
            local_dot_atom: self.local_dot_atom,
            local_ascii: self.local_ascii,
        }
    }
}

/// The checks of [`EmailAddress::from_parts`]; the ASCII domain when it
/// differs, or the reason. `dot_atom` says that `local` is already known to
/// be a dot-atom (so neither empty nor holding a control character).
fn check_parts(
    local: &str,
    domain: &str,
    dot_atom: bool,
) -> std::result::Result<Option<String>, String> {
    if !dot_atom && local.is_empty() {
        return Err("the local part is empty".into());
    }
    if local.len() > MAX_LOCAL_PART {
        return Err("the local part is longer than 64 octets (RFC 5321 §4.5.3.1.1)".into());
    }
    if !dot_atom && has_control(local) {
        return Err("control characters (CR, LF, NUL, …) cannot appear in an address".into());
    }
    ascii_domain(domain)
}

impl EmailAddress {
    /// Parses `local@domain`. The local part may be a dot-atom or a quoted
    /// string (`"john doe"@example.com`); the domain may be a name (Unicode
    /// names are converted to punycode) or a literal (`[192.0.2.1]`).
    ///
    /// # Errors
    /// [`Error::InvalidAddress`] saying what is wrong.
    pub fn new(addr: &str) -> Result<Self> {
        AddrParts::parse(addr).map(|p| p.store(""))
    }

    /// Builds an address from an unquoted local part and a domain.
    ///
    /// # Errors
    /// [`Error::InvalidAddress`] saying what is wrong.
    pub fn from_parts(local: &str, domain: &str) -> Result<Self> {
        let ascii_domain =
            check_parts(local, domain, false).map_err(|reason| Error::InvalidAddress {
                input: format!("{local}@{domain}"),
                reason,
            })?;
        Ok(AddrParts::quoted(local.into(), domain, ascii_domain).store(""))
    }

    /// `local@domain`, without the display name a mailbox keeps in front.
    fn addr_text(&self) -> &str {
        self.text.get(self.start..).unwrap_or_default()
    }

    /// The local part, unquoted.
    #[must_use]
    pub fn local_part(&self) -> &str {
        self.text.get(self.start..self.at).unwrap_or_default()
    }

    /// The domain as given.
    #[must_use]
    pub fn domain(&self) -> &str {
        self.text.get(self.at + 1..).unwrap_or_default()
    }

    /// The domain in ASCII (punycode for an internationalized name).
    #[must_use]
    pub fn ascii_domain(&self) -> &str {
        self.ascii_domain
            .as_deref()
            .unwrap_or_else(|| self.domain())
    }

    /// True when the local part is ASCII: the address can travel without
    /// SMTPUTF8 (RFC 6531 §3.2).
    #[must_use]
    pub fn is_ascii_local(&self) -> bool {
        self.local_ascii
    }

    pub(crate) fn local_is_dot_atom(&self) -> bool {
        self.local_dot_atom
    }

    /// The addr-spec exactly as written in a header, when that is the
    /// stored text: a dot-atom local part and a domain written as given.
    fn written_as_stored(&self, utf8: bool) -> Option<&str> {
        (self.local_dot_atom && (utf8 || self.ascii_domain.is_none())).then(|| self.addr_text())
    }

    /// The addr-spec as written in a header: the local part quoted when it
    /// is not a dot-atom (RFC 5322 §3.4.1), the domain in punycode unless
    /// `utf8` (RFC 6532 §3.2).
    ///
    /// # Errors
    /// [`Error::InvalidAddress`] for a UTF-8 local part without `utf8`.
    pub fn to_header_string(&self, utf8: bool) -> Result<String> {
        let mut out = Vec::new();
        self.write(&mut out, utf8)?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// The address for the SMTP envelope (RFC 5321 §4.1.2).
    ///
    /// # Errors
    /// As [`EmailAddress::to_header_string`].
    pub fn to_envelope_string(&self, smtputf8: bool) -> Result<String> {
        self.to_header_string(smtputf8)
    }

    fn written_len(&self, utf8: bool) -> usize {
        let local = self.local_part();
        let local_len = if self.local_is_dot_atom() {
            local.len()
        } else {
            local.len() + 2 + local.bytes().filter(|b| matches!(b, b'"' | b'\\')).count()
        };
        local_len
            + 1
            + if utf8 {
                self.domain().len()
            } else {
                self.ascii_domain().len()
            }
    }

    /// Whether the address can be written: a UTF-8 local part needs `utf8`.
    #[inline]
    pub(crate) fn check(&self, utf8: bool) -> Result<()> {
        if !utf8 && !self.local_ascii {
            return Err(self.needs_smtputf8());
        }
        Ok(())
    }

    #[cold]
    fn needs_smtputf8(&self) -> Error {
        Error::InvalidAddress {
            input: self.addr_text().to_owned(),
            reason: "a non-ASCII local part needs the SMTPUTF8 option (RFC 6531, RFC 6532)"
                .to_owned(),
        }
    }

    fn write(&self, out: &mut Vec<u8>, utf8: bool) -> Result<()> {
        self.check(utf8)?;
        self.write_unchecked(out, utf8);
        Ok(())
    }

    fn write_unchecked(&self, out: &mut Vec<u8>, utf8: bool) {
        let local = self.local_part();
        if self.local_is_dot_atom() {
            out.extend_from_slice(local.as_bytes());
        } else {
            out.push(b'"');
            for b in local.bytes() {
                if matches!(b, b'"' | b'\\') {
                    out.push(b'\\');
                }
                out.push(b);
            }
            out.push(b'"');
        }
        out.push(b'@');
        out.extend_from_slice(
            if utf8 {
                self.domain()
            } else {
                self.ascii_domain()
            }
            .as_bytes(),
        );
    }
}

impl Clone for EmailAddress {
    /// A copy of the address alone (a mailbox's display name stays behind).
    fn clone(&self) -> Self {
        Self {
            text: self.addr_text().to_owned(),
            start: 0,
            at: self.at - self.start,
            ascii_domain: self.ascii_domain.clone(),
            local_dot_atom: self.local_dot_atom,
            local_ascii: self.local_ascii,
        }
    }
}

impl PartialEq for EmailAddress {
    fn eq(&self, other: &Self) -> bool {
        self.addr_text() == other.addr_text()
            && self.at - self.start == other.at - other.start
            && self.ascii_domain == other.ascii_domain
    }
}

impl Eq for EmailAddress {}

impl std::hash::Hash for EmailAddress {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.addr_text().hash(state);
        (self.at - self.start).hash(state);
        self.ascii_domain.hash(state);
    }
}

/// dot-atom-text (RFC 5322 §3.2.3), with UTF-8 atext (RFC 6532 §3.2).
fn is_dot_atom(s: &str) -> bool {
    dot_atom(s).is_some()
}

/// [`is_dot_atom`], and if so whether it is ASCII.
pub(crate) fn dot_atom(s: &str) -> Option<bool> {
    let b = s.as_bytes();
    if b.first().is_none_or(|&c| c == b'.') || b.last() == Some(&b'.') {
        return None;
    }
    let mut prev = 0u8;
    for &c in b {
        if c == b'.' {
            if prev == b'.' {
                return None;
            }
        } else if !ATEXT[usize::from(c)] {
            // Only UTF-8 can still be atext (RFC 6532): check by characters.
            let utf8 = c >= 0x80
                && !s.contains("..")
                && s.chars().all(|ch| ch == '.' || is_atext(ch, true));
            return utf8.then_some(false);
        }
        prev = c;
    }
    Some(true)
}

/// Splits a quoted string after its opening quote into its unescaped
/// content and what follows the closing quote.
fn unquote(s: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?.1),
            '"' => return Some((out, s.get(i + 1..)?)),
            c => out.push(c),
        }
    }
    None
}

/// Validates a domain and returns its ASCII form when it differs.
fn ascii_domain(domain: &str) -> std::result::Result<Option<String>, String> {
    if domain.is_empty() {
        return Err("the domain is empty".into());
    }
    if domain.len() > MAX_DOMAIN {
        return Err("the domain is longer than 255 octets (RFC 5321 §4.5.3.1.2)".into());
    }
    if let Some(inner) = domain.strip_prefix('[') {
        // domain-literal: dtext is printable ASCII except [ ] \ (RFC 5322 §3.4.1).
        let ok = inner.strip_suffix(']').is_some_and(|d| {
            !d.is_empty()
                && d.bytes()
                    .all(|b| b.is_ascii_graphic() && !b"[]\\".contains(&b))
        });
        return if ok {
            Ok(None)
        } else {
            Err("malformed domain literal".into())
        };
    }
    if domain.is_ascii() {
        if dot_atom(domain) != Some(true) && !is_dot_atom(domain) {
            return Err("the domain is not a dot-atom (RFC 5322 §3.4.1)".into());
        }
        host_labels(domain)?;
        return Ok(None);
    }
    // An internationalized domain name: UTS #46 processing to A-labels.
    match idna::domain_to_ascii(domain) {
        Ok(ascii) if !ascii.is_empty() && ascii.len() <= MAX_DOMAIN => {
            host_labels(&ascii)?;
            Ok(Some(ascii))
        }
        _ => Err("not a valid internationalized domain name (UTS #46)".into()),
    }
}

/// The longest label of a host name (RFC 1035 §2.3.4).
const MAX_LABEL: usize = 63;

/// Checks the labels of an ASCII domain as a host name a message can be
/// delivered to: 1 to 63 letters, digits and hyphens, neither first nor
/// last a hyphen (RFC 5321 §4.1.2 `sub-domain`, RFC 1035 §2.3.1), and every
/// `xn--` label a valid A-label (RFC 5890 §2.3.2.1), checked by the `idna`
/// crate's UTS #46 processing, which decodes it.
fn host_labels(domain: &str) -> std::result::Result<(), String> {
    let mut a_label = false;
    for label in domain.split('.') {
        let b = label.as_bytes();
        if b.is_empty() {
            return Err("the domain has an empty label (RFC 1035 §2.3.1)".into());
        }
        if b.len() > MAX_LABEL {
            return Err(format!(
                "the domain label {label:?} is {} octets; the limit is 63 (RFC 1035 §2.3.4)",
                b.len()
            ));
        }
        if !b.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-') {
            return Err(format!(
                "the domain label {label:?} holds a character other than a letter, digit or hyphen (RFC 5321 §4.1.2)"
            ));
        }
        if b.first() == Some(&b'-') || b.last() == Some(&b'-') {
            return Err(format!(
                "the domain label {label:?} starts or ends with a hyphen (RFC 5321 §4.1.2)"
            ));
        }
        a_label |= b.len() >= 4 && b[..4].eq_ignore_ascii_case(b"xn--");
    }
    if a_label && idna::domain_to_ascii(domain).is_err() {
        return Err(
            "an xn-- label is not valid punycode for a Unicode label (RFC 5890 §2.3.2.1)".into(),
        );
    }
    Ok(())
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.addr_text())
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::new();
        let _ = self.write(&mut out, true);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

impl std::str::FromStr for EmailAddress {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::new(s)
    }
}

/// A mailbox: an optional display name and an address (RFC 5322 §3.4).
pub struct Mailbox {
    /// The address, with the display name (if any) in front of it in the
    /// same string: `email.start` octets, never 0 for a name (a normalised
    /// name is never empty).
    email: EmailAddress,
}

impl Mailbox {
    /// A mailbox with a display name of any Unicode, normalised by
    /// [`normalize_display_name`]; an empty name means none.
    ///
    /// # Errors
    /// [`Error::InvalidAddress`] when `email` is not a valid address or the
    /// name holds a control character.
    #[inline]
    pub fn new(name: impl AsRef<str>, email: &str) -> Result<Self> {
        Self::from_parts(Some(name.as_ref()), AddrParts::parse(email)?)
    }

    /// A mailbox without a display name.
    ///
    /// # Errors
    /// [`Error::InvalidAddress`] when `email` is not a valid address.
    pub fn address_only(email: &str) -> Result<Self> {
        Self::from_address(None, EmailAddress::new(email)?)
    }

    /// A mailbox from a validated address.
    ///
    /// # Errors
    /// [`Error::InvalidAddress`] when the name holds a control character.
    pub fn from_address(name: Option<&str>, email: EmailAddress) -> Result<Self> {
        let Some(n) = name else {
            return Ok(Self { email });
        };
        let name = normalize_name(n).map_err(|reason| Error::InvalidAddress {
            input: format!("{n} <{email}>"),
            reason: reason.to_owned(),
        })?;
        match name {
            Some(name) => {
                let mut text = String::with_capacity(name.len() + email.addr_text().len());
                text.push_str(&name);
                text.push_str(email.addr_text());
                let at = name.len() + email.at - email.start;
                let EmailAddress {
                    ascii_domain,
                    local_dot_atom,
                    local_ascii,
                    ..
                } = email;
                Ok(Self {
                    email: EmailAddress {
                        text,
                        start: name.len(),
                        at,
                        ascii_domain,
                        local_dot_atom,
                        local_ascii,
                    },
                })
            }
            None => Ok(Self { email }),
        }
    }

    /// A mailbox from a name and a parsed address, in one allocation. The
    /// name is checked after the address, as [`Mailbox::from_address`] does.
    #[inline]
    fn from_parts(name: Option<&str>, parts: AddrParts<'_>) -> Result<Self> {
        let name = match name {
            Some(n) => match normalize_name(n) {
                Ok(name) => name,
                Err(reason) => {
                    return Err(Error::InvalidAddress {
                        input: format!("{n} <{}>", parts.store("")),
                        reason: reason.to_owned(),
                    });
                }
            },
            None => None,
        };
        Ok(Self {
            email: parts.store(name.as_deref().unwrap_or_default()),
        })
    }

    /// Parses `Display Name <local@domain>`, `"Quoted, Name" <local@domain>`
    /// or a bare `local@domain`.
    ///
    /// # Errors
    /// [`Error::InvalidAddress`] when the address part is invalid or the
    /// angle brackets are unbalanced.
    pub fn parse(s: &str) -> Result<Self> {
        let t = super::trim(s);
        let invalid = |reason: &str| Error::InvalidAddress {
            input: s.to_owned(),
            reason: reason.to_owned(),
        };
        // One mailbox or an error: never a list read as one strange name.
        if let Some(reason) = super::address_list::list_special(t) {
            return Err(invalid(reason));
        }
        if let Some(body) = t.strip_suffix('>') {
            let open = body.rfind('<').ok_or_else(|| invalid("'>' without '<'"))?;
            let (name, addr) = body.split_at(open);
            let addr = addr.get(1..).unwrap_or_default();
            let name = name.trim();
            let name = match name.strip_prefix('"') {
                Some(q) => match unquote(q) {
                    Some((n, rest)) if rest.trim().is_empty() => std::borrow::Cow::Owned(n),
                    _ => std::borrow::Cow::Borrowed(name),
                },
                None => std::borrow::Cow::Borrowed(name),
            };
            let parts = AddrParts::parse(addr).map_err(|e| match e {
                Error::InvalidAddress { reason, .. } => invalid(&reason),
                other => other,
            })?;
            Self::from_parts(Some(&name), parts)
        } else if t.contains('<') {
            Err(invalid("'<' without '>'"))
        } else {
            Self::from_address(None, EmailAddress::new(t)?)
        }
    }

    /// The display name, if any.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        let e = &self.email;
        if e.start == 0 {
            None
        } else {
            e.text.get(..e.start)
        }
    }

    /// The address.
    #[must_use]
    pub fn email(&self) -> &EmailAddress {
        &self.email
    }
}

impl fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailbox")
            .field("name", &self.name())
            .field("email", &self.email)
            .finish()
    }
}

impl Clone for Mailbox {
    fn clone(&self) -> Self {
        let e = &self.email;
        Self {
            email: EmailAddress {
                text: e.text.clone(),
                start: e.start,
                at: e.at,
                ascii_domain: e.ascii_domain.clone(),
                local_dot_atom: e.local_dot_atom,
                local_ascii: e.local_ascii,
            },
        }
    }
}

impl PartialEq for Mailbox {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name() && self.email == other.email
    }
}

impl Eq for Mailbox {}

impl std::hash::Hash for Mailbox {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name().hash(state);
        self.email.hash(state);
    }
}

impl std::str::FromStr for Mailbox {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for Mailbox {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl TryFrom<(&str, &str)> for Mailbox {
    type Error = Error;
    fn try_from((name, email): (&str, &str)) -> Result<Self> {
        Self::new(name, email)
    }
}

/// A named group of mailboxes, possibly empty (RFC 5322 §3.4):
/// `undisclosed-recipients:;`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Group {
    name: String,
    members: Vec<Mailbox>,
}

impl Group {
    /// A group; its name is normalised like a display name.
    ///
    /// # Errors
    /// [`Error::InvalidAddress`] when the name is empty (after
    /// normalisation) or holds a control character.
    pub fn new(name: &str, members: Vec<Mailbox>) -> Result<Self> {
        let invalid = |reason: &str| Error::InvalidAddress {
            input: format!("{name}:;"),
            reason: reason.to_owned(),
        };
        let name = normalize_display_name(name)
            .map_err(invalid)?
            .ok_or_else(|| invalid("a group needs a name (RFC 5322 §3.4)"))?;
        Ok(Self { name, members })
    }

    /// The group's display name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The members.
    #[must_use]
    pub fn members(&self) -> &[Mailbox] {
        &self.members
    }
}

/// An address in a To, Cc, Bcc or Reply-To list (RFC 5322 §3.4).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Address {
    /// One mailbox.
    Mailbox(Mailbox),
    /// A group.
    Group(Group),
}

impl Address {
    /// The mailboxes this address stands for (a group's members).
    pub fn mailboxes(&self) -> impl Iterator<Item = &Mailbox> {
        match self {
            Self::Mailbox(m) => std::slice::from_ref(m).iter(),
            Self::Group(g) => g.members.iter(),
        }
    }
}

impl From<Mailbox> for Address {
    fn from(m: Mailbox) -> Self {
        Self::Mailbox(m)
    }
}

impl From<Group> for Address {
    fn from(g: Group) -> Self {
        Self::Group(g)
    }
}

/// A display name as the builder writes it: line breaks and tabs become
/// spaces, runs of spaces become one, and outer spaces are removed (in a
/// phrase, whitespace means one space, RFC 5322 §3.2.2, and parsers such as
/// Python's collapse it even inside encoded words). `None` for an empty name.
///
/// # Errors
/// A reason when the name holds a control character (C0, DEL, C1), which a
/// display name cannot carry readably (Python flags them as defects).
pub fn normalize_display_name(name: &str) -> std::result::Result<Option<String>, &'static str> {
    normalize_name(name).map(|n| n.map(std::borrow::Cow::into_owned))
}

/// [`normalize_display_name`], borrowing a name that needs no change.
fn normalize_name(
    name: &str,
) -> std::result::Result<Option<std::borrow::Cow<'_, str>>, &'static str> {
    // Most names have single inner spaces, no outer ones and no controls.
    if is_plain_name(name.as_bytes()) {
        return Ok(Some(std::borrow::Cow::Borrowed(name)));
    }
    let mut out = String::with_capacity(name.len());
    let mut pending_space = false;
    for c in name.chars() {
        if matches!(c, ' ' | '\t' | '\r' | '\n') {
            pending_space = !out.is_empty();
            continue;
        }
        if c.is_control() {
            return Err("a display name cannot contain control characters");
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    Ok((!out.is_empty()).then_some(std::borrow::Cow::Owned(out)))
}

/// A name that normalising leaves as it is: not empty, no outer space, no
/// two spaces in a row, and no control (C0, which includes TAB, CR and LF;
/// DEL; C1, in UTF-8 0xC2 0x80–0x9F), in one pass over the octets.
fn is_plain_name(b: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    if first == b' ' || last == b' ' {
        return false;
    }
    // Each octet is refused by the flags in `refuse`: a control always,
    // a space after a space, a C1 trail octet after 0xC2.
    let mut refuse = NAME_CONTROL;
    for &c in b {
        let class = NAME_CLASS[usize::from(c)];
        if class & refuse != 0 {
            return false;
        }
        refuse = NAME_CONTROL | NAME_NEXT[usize::from(c)];
    }
    true
}

const NAME_CONTROL: u8 = 1;
const NAME_SPACE: u8 = 2;
const NAME_C1_TRAIL: u8 = 4;

/// What each octet is, for [`is_plain_name`].
const NAME_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = if c < 0x20 || c == 0x7F {
            NAME_CONTROL
        } else if c == b' ' as usize {
            NAME_SPACE
        } else if c >= 0x80 && c <= 0x9F {
            NAME_C1_TRAIL
        } else {
            0
        };
        c += 1;
    }
    t
};

/// What each octet refuses in the next one, for [`is_plain_name`].
const NAME_NEXT: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b' ' as usize] = NAME_SPACE;
    t[0xC2] = NAME_C1_TRAIL;
    t
};

/// Whether `s` has a C0 control, DEL or a C1 control (U+0080–U+009F, in
/// UTF-8 0xC2 0x80–0x9F), by octets.
pub(crate) fn has_control(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().any(|&c| c < 0x20 || c == 0x7F)
        || memchr::memchr_iter(0xC2, b)
            .any(|i| b.get(i + 1).is_some_and(|&n| (0x80..=0x9F).contains(&n)))
}

/// Writes one mailbox, its first token preceded by `ws`.
pub(crate) fn write_mailbox(
    f: &mut Folder<'_>,
    ws: &[u8],
    mailbox: &Mailbox,
    trailing: usize,
    style: &HeaderStyle,
    context: &dyn Fn() -> String,
) -> Result<()> {
    let utf8 = style.smtputf8;
    let email = &mailbox.email;
    email.check(utf8)?;
    // Most addresses are written as stored: one copy of the text.
    let stored = email.written_as_stored(utf8);
    let len = stored.map_or_else(|| email.written_len(utf8), str::len);
    let write = |out: &mut Vec<u8>| match stored {
        Some(addr) => out.extend_from_slice(addr.as_bytes()),
        None => email.write_unchecked(out, utf8),
    };
    let angle = |out: &mut Vec<u8>| {
        out.push(b'<');
        write(out);
        out.push(b'>');
    };
    match mailbox.name() {
        Some(name) => {
            write_phrase(f, ws, name, 0, style, context)?;
            f.push_with_trailing(b" ", len + 2, trailing, angle);
        }
        // A quoted local part goes inside angle brackets: some parsers
        // (mail-parser) read a bare `"a b"@x` as a display name.
        None if !email.local_is_dot_atom() => f.push_with_trailing(ws, len + 2, trailing, angle),
        None => f.push_with_trailing(ws, len, trailing, write),
    }
    Ok(())
}

/// Writes an address list (RFC 5322 §3.4): `a, "b" <b@x>, g: c@x;`.
pub(crate) fn write_address_list(
    f: &mut Folder<'_>,
    list: &[Address],
    style: &HeaderStyle,
    context: &dyn Fn() -> String,
) -> Result<()> {
    // Groups go after the mailboxes of the field: mailparse (0.16) cannot
    // read any address that follows a group's `;`, and the order of
    // recipients carries no meaning (RFC 5322 §3.6.3).
    let ordered = list
        .iter()
        .filter(|a| matches!(a, Address::Mailbox(_)))
        .chain(list.iter().filter(|a| matches!(a, Address::Group(_))));
    for (i, address) in ordered.enumerate() {
        if i > 0 {
            f.glue(b",");
        }
        // A `,` follows every address but the last.
        let comma = usize::from(i + 1 < list.len());
        match address {
            Address::Mailbox(m) => write_mailbox(f, b" ", m, comma, style, context)?,
            Address::Group(g) => {
                // Glued after a plain name: `:`, and `;` (plus `,`) when empty.
                let glued = 1 + if g.members.is_empty() { 1 + comma } else { 0 };
                let form = write_phrase(f, b" ", &g.name, glued, style, context)?;
                // An encoded word must be followed by whitespace, not a special
                // (RFC 2047 §5(3)); that whitespace may fold.
                if form == PhraseForm::Encoded {
                    f.push_with_trailing(
                        b" ",
                        1,
                        usize::from(g.members.is_empty()) * (1 + comma),
                        |o| o.push(b':'),
                    );
                } else {
                    f.glue(b":");
                }
                for (k, m) in g.members.iter().enumerate() {
                    if k > 0 {
                        f.glue(b",");
                    }
                    let last = k + 1 == g.members.len();
                    write_mailbox(f, b" ", m, if last { 1 + comma } else { 1 }, style, context)?;
                }
                f.glue(b";");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::charset::Charset;

    fn style(smtputf8: bool) -> HeaderStyle {
        HeaderStyle {
            charset: Charset::UTF_8,
            smtputf8,
        }
    }

    fn field(list: &[Address], smtputf8: bool) -> Result<String> {
        let mut out = Vec::new();
        let mut f = Folder::new(&mut out, "To");
        write_address_list(&mut f, list, &style(smtputf8), &|| "To".into())?;
        f.finish();
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn parses_the_usual_forms() {
        let m = Mailbox::parse("张三 <zhang@example.cn>").unwrap();
        assert_eq!(
            (m.name(), m.email().to_string().as_str()),
            (Some("张三"), "zhang@example.cn")
        );
        let m = Mailbox::parse("\"Smith, John\" <john@example.com>").unwrap();
        assert_eq!(m.name(), Some("Smith, John"));
        let m = Mailbox::parse("  bare@example.com ").unwrap();
        assert_eq!(m.name(), None);
        let m = Mailbox::parse("<angle@example.com>").unwrap();
        assert_eq!(m.name(), None);
        let m = Mailbox::parse("\"john doe\"@example.com").unwrap();
        assert_eq!(m.email().local_part(), "john doe");
    }

    #[test]
    fn invalid_addresses_are_errors_with_the_reason() {
        for bad in [
            "no-at-sign",
            "@example.com",
            "a@",
            "a@b..c",
            "a@exa mple.com",
            "Name <a@b",
            "Name a@b>",
            "a\r\nBcc: x@y@example.com",
            "\"unterminated@example.com",
            "a@[bad[literal]",
        ] {
            assert!(Mailbox::parse(bad).is_err(), "{bad:?} accepted");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(EmailAddress::new(&long_local).is_err());
    }

    #[test]
    fn idn_domains_are_written_as_punycode() {
        let a = EmailAddress::new("info@例子.测试").unwrap();
        assert_eq!(a.ascii_domain(), "xn--fsqu00a.xn--0zwm56d");
        assert_eq!(
            a.to_header_string(false).unwrap(),
            "info@xn--fsqu00a.xn--0zwm56d"
        );
        assert_eq!(a.to_header_string(true).unwrap(), "info@例子.测试");
        assert_eq!(
            EmailAddress::new("a@bücher.de").unwrap().ascii_domain(),
            "xn--bcher-kva.de"
        );
    }

    #[test]
    fn non_ascii_local_part_needs_smtputf8() {
        let m = Mailbox::address_only("用户@例子.测试").unwrap();
        let list = [Address::from(m)];
        assert!(matches!(
            field(&list, false),
            Err(Error::InvalidAddress { .. })
        ));
        assert_eq!(field(&list, true).unwrap(), "To: 用户@例子.测试\r\n");
    }

    #[test]
    fn local_parts_that_are_not_dot_atoms_are_quoted() {
        let m = Mailbox::address_only("\"john \\\"jd\\\" doe\"@example.com").unwrap();
        assert_eq!(m.email().local_part(), "john \"jd\" doe");
        assert_eq!(
            field(&[m.into()], false).unwrap(),
            "To: <\"john \\\"jd\\\" doe\"@example.com>\r\n"
        );
        let dots = Mailbox::address_only("\".leading\"@example.com").unwrap();
        assert_eq!(
            field(&[dots.into()], false).unwrap(),
            "To: <\".leading\"@example.com>\r\n"
        );
    }

    #[test]
    fn lists_and_groups() {
        let a = Mailbox::parse("张三 <zhang@example.cn>").unwrap();
        let b = Mailbox::parse("li@example.cn").unwrap();
        let s = field(&[a.clone().into(), b.clone().into()], false).unwrap();
        assert_eq!(
            s,
            "To: =?UTF-8?B?5byg5LiJ?= <zhang@example.cn>, li@example.cn\r\n"
        );
        let g = Group::new("undisclosed-recipients", vec![]).unwrap();
        assert_eq!(
            field(&[g.into()], false).unwrap(),
            "To: undisclosed-recipients:;\r\n"
        );
        let g = Group::new("项目组", vec![a, b]).unwrap();
        let s = field(&[g.into()], false).unwrap();
        assert!(
            s.starts_with(
                "To: =?UTF-8?B?6aG555uu57uE?= : =?UTF-8?B?5byg5LiJ?= <zhang@example.cn>,"
            ),
            "{s}"
        );
        assert!(s.ends_with("li@example.cn;\r\n"), "{s}");
    }

    #[test]
    fn many_recipients_fold_at_78() {
        let list: Vec<Address> = (0..40)
            .map(|i| {
                Mailbox::new(format!("User {i}"), &format!("user{i}@example.com"))
                    .unwrap()
                    .into()
            })
            .collect();
        let s = field(&list, false).unwrap();
        for line in s.trim_end().split("\r\n") {
            assert!(line.len() <= 78, "{line}");
        }
        assert_eq!(s.matches('@').count(), 40);
    }

    #[test]
    fn display_names_are_normalised_and_controls_refused() {
        assert_eq!(
            normalize_display_name("  a \t\r\n b  ").unwrap().as_deref(),
            Some("a b")
        );
        assert_eq!(normalize_display_name(" \t ").unwrap(), None);
        assert!(normalize_display_name("nul\0").is_err());
        assert!(Mailbox::new("bell\u{7}", "a@example.com").is_err());
        assert!(Group::new("  ", vec![]).is_err());
        assert_eq!(
            normalize_display_name("\u{3000}全角\u{a0}nbsp")
                .unwrap()
                .as_deref(),
            Some("\u{3000}全角\u{a0}nbsp")
        );
    }

    #[test]
    fn a_mailbox_keeps_its_name_in_front_of_the_address() {
        use std::hash::{BuildHasher, RandomState};
        let m = Mailbox::new("张三", "zhang@例子.测试").unwrap();
        let e = EmailAddress::new("zhang@例子.测试").unwrap();
        assert_eq!(
            (m.name(), m.email().local_part(), m.email().domain()),
            (Some("张三"), "zhang", "例子.测试")
        );
        assert_eq!(m.email(), &e);
        assert_eq!(m.email().clone(), e);
        let h = RandomState::new();
        assert_eq!(h.hash_one(m.email()), h.hash_one(&e));
        assert_eq!(h.hash_one(m.clone()), h.hash_one(&m));
        assert_eq!(m.clone(), m);
        assert_ne!(m, Mailbox::from_address(None, e.clone()).unwrap());
        assert_eq!(m, Mailbox::from_address(Some(" 张三 "), e.clone()).unwrap());
        assert_eq!(
            format!("{m:?}"),
            "Mailbox { name: Some(\"张三\"), email: EmailAddress(zhang@例子.测试) }"
        );
        assert_eq!(
            m.email().to_header_string(false).unwrap(),
            "zhang@xn--fsqu00a.xn--0zwm56d"
        );
        let q = Mailbox::new("Q", "\"a b\"@example.com").unwrap();
        assert_eq!(
            (
                q.name(),
                q.email().local_part(),
                q.email().to_string().as_str()
            ),
            (Some("Q"), "a b", "\"a b\"@example.com")
        );
    }

    #[test]
    fn plain_names_by_table_match_the_rules() {
        fn reference(b: &[u8]) -> bool {
            !b.is_empty()
                && b.first() != Some(&b' ')
                && b.last() != Some(&b' ')
                && !b.iter().any(|&c| c < 0x20 || c == 0x7F)
                && !b
                    .windows(2)
                    .any(|w| w == b"  " || (w[0] == 0xC2 && (0x80..=0x9F).contains(&w[1])))
        }
        let samples: [&[u8]; 14] = [
            b"",
            b" ",
            b"a",
            b"a b",
            b"a  b",
            b" a",
            b"a ",
            b"a\tb",
            b"a\x7fb",
            "张三".as_bytes(),
            "x\u{85}y".as_bytes(),
            "\u{a0}".as_bytes(),
            b"\xc2\xa0 \xc2",
            "Zoë O'Brien".as_bytes(),
        ];
        for b in samples {
            assert_eq!(is_plain_name(b), reference(b), "{b:?}");
        }
        for a in 0..=255u8 {
            for c in [0u8, b' ', 0x80, 0x9F, 0xA0, 0xC2, b'x'] {
                let b = [b'x', a, c, b'y'];
                assert_eq!(is_plain_name(&b), reference(&b), "{b:?}");
            }
        }
    }

    #[test]
    fn display_name_line_breaks_become_spaces() {
        let m = Mailbox::new("Evil\r\nBcc: victim@example.com", "a@example.com").unwrap();
        assert_eq!(m.name(), Some("Evil Bcc: victim@example.com"));
        let s = field(&[m.into()], false).unwrap();
        assert_eq!(s.matches("\r\n").count(), 1, "{s}");
    }
}
