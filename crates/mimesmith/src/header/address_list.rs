//! Address lists as users type them (RFC 5322 §3.4):
//! `A <a@b>, "Zhang, San" <z@c>, team: x@y, w@v;`.
//!
//! [`Mailbox::parse`] takes one mailbox and refuses a string that holds
//! more (a `,` `;` or `:` outside quotes and angle brackets), so a pasted
//! list is never read as one mailbox with a strange name. This parser is
//! the explicit way to take such a list; its errors say where it failed.

use super::address::{Address, Group, Mailbox};
use crate::error::{Error, Result};

/// A parsed list of addresses: mailboxes and groups, in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct AddressList(Vec<Address>);

/// Where the scanner is, outside quoted strings, comments and brackets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Special {
    Comma,
    Colon,
    Semicolon,
}

/// The top-level specials of `s` (outside quoted strings, comments and
/// angle brackets), with their octet offsets; or where `s` is unbalanced.
fn top_level(s: &str) -> std::result::Result<Vec<(usize, Special)>, (usize, &'static str)> {
    let mut out = Vec::new();
    let mut chars = s.char_indices();
    let mut angle: Option<usize> = None;
    let mut comment = 0usize;
    let mut comment_start = 0;
    while let Some((i, c)) = chars.next() {
        if comment > 0 {
            match c {
                '\\' => {
                    chars.next();
                }
                '(' => comment += 1,
                ')' => comment -= 1,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                let mut closed = false;
                while let Some((_, q)) = chars.next() {
                    match q {
                        '\\' => {
                            chars.next();
                        }
                        '"' => {
                            closed = true;
                            break;
                        }
                        _ => {}
                    }
                }
                if !closed {
                    return Err((i, "a quoted string is not closed (RFC 5322 §3.2.4)"));
                }
            }
            '(' => {
                comment = 1;
                comment_start = i;
            }
            '<' if angle.is_some() => return Err((i, "'<' inside '<…>'")),
            '<' => angle = Some(i),
            '>' if angle.is_none() => return Err((i, "'>' without '<'")),
            '>' => angle = None,
            _ if angle.is_some() => {}
            ',' => out.push((i, Special::Comma)),
            ':' => out.push((i, Special::Colon)),
            ';' => out.push((i, Special::Semicolon)),
            _ => {}
        }
    }
    if comment > 0 {
        return Err((comment_start, "a comment is not closed (RFC 5322 §3.2.2)"));
    }
    if let Some(i) = angle {
        return Err((i, "'<' without '>'"));
    }
    Ok(out)
}

/// Why a string given as one mailbox is refused when it holds a list or a
/// group: the special that shows it, or `None` for a single mailbox.
pub(crate) fn list_special(s: &str) -> Option<&'static str> {
    let specials = top_level(s).ok()?;
    specials.first().map(|(_, sp)| match sp {
        Special::Comma | Special::Semicolon => {
            "a ',' or ';' outside quotes separates addresses (RFC 5322 §3.4), so this is more \
             than one mailbox: give each one separately, quote a name that holds a comma, or \
             use AddressList::parse"
        }
        Special::Colon => {
            "a ':' outside quotes starts a group (RFC 5322 §3.4): use Group, quote the name, \
             or use AddressList::parse"
        }
    })
}

impl AddressList {
    /// Parses a comma-separated list of mailboxes and groups (RFC 5322
    /// §3.4 `address-list`). Empty elements (`a@b,,c@d`, RFC 5322 §4.4
    /// obs-addr-list) are skipped; an empty string is an empty list.
    ///
    /// # Errors
    /// [`Error::InvalidAddressList`] naming the octet offset and the
    /// reason: an invalid mailbox, an unclosed quote or bracket, a group
    /// without its `;`, or a group inside a group.
    pub fn parse(s: &str) -> Result<Self> {
        let fail = |offset: usize, reason: String| Error::InvalidAddressList {
            input: s.to_owned(),
            offset,
            reason,
        };
        let specials = top_level(s).map_err(|(at, why)| fail(at, why.to_owned()))?;
        let mut list = Vec::new();
        // The group being read: its name and members.
        let mut group: Option<(String, Vec<Mailbox>)> = None;
        let mut start = 0;
        let mailbox = |from: usize, to: usize| -> Result<Option<Mailbox>> {
            let piece = s.get(from..to).unwrap_or_default();
            if piece.trim().is_empty() {
                return Ok(None);
            }
            let lead = piece.len() - piece.trim_start().len();
            Mailbox::parse(piece).map(Some).map_err(|e| match e {
                Error::InvalidAddress { reason, .. } => fail(from + lead, reason),
                other => other,
            })
        };
        for (at, sp) in specials
            .into_iter()
            .chain(std::iter::once((s.len(), Special::Comma)))
        {
            match (sp, group.as_mut()) {
                (Special::Comma, None) => {
                    if let Some(m) = mailbox(start, at)? {
                        list.push(Address::Mailbox(m));
                    }
                }
                (Special::Comma, Some((_, members))) => {
                    if at == s.len() {
                        return Err(fail(
                            at,
                            "a group is not closed with ';' (RFC 5322 §3.4)".into(),
                        ));
                    }
                    members.extend(mailbox(start, at)?);
                }
                (Special::Colon, None) => {
                    let raw = s.get(start..at).unwrap_or_default().trim();
                    let name = match raw.strip_prefix('"').and_then(unquoted) {
                        Some(n) => n,
                        None => raw.to_owned(),
                    };
                    group = Some((name, Vec::new()));
                }
                (Special::Colon, Some(_)) => {
                    return Err(fail(
                        at,
                        "a group cannot hold a group (RFC 5322 §3.4)".into(),
                    ));
                }
                (Special::Semicolon, None) => {
                    return Err(fail(
                        at,
                        "';' without a group to close (RFC 5322 §3.4)".into(),
                    ));
                }
                (Special::Semicolon, Some(_)) => {
                    let (name, mut members) = group.take().unwrap_or_default();
                    members.extend(mailbox(start, at)?);
                    let g = Group::new(&name, members).map_err(|e| match e {
                        Error::InvalidAddress { reason, .. } => fail(at, reason),
                        other => other,
                    })?;
                    list.push(Address::Group(g));
                    // Only white space or a ',' may follow a group's ';'.
                    let next = s.get(at + 1..).unwrap_or_default();
                    let gap = next.len() - next.trim_start().len();
                    if !next.trim_start().is_empty() && !next.trim_start().starts_with(',') {
                        return Err(fail(
                            at + 1 + gap,
                            "a ',' must follow a group's ';' (RFC 5322 §3.4)".into(),
                        ));
                    }
                }
            }
            start = at + 1;
        }
        Ok(Self(list))
    }

    /// The addresses, in order.
    #[must_use]
    pub fn as_slice(&self) -> &[Address] {
        &self.0
    }

    /// The addresses, taken out.
    #[must_use]
    pub fn into_vec(self) -> Vec<Address> {
        self.0
    }

    /// How many addresses (a group counts once).
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the list is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every mailbox, group members included, in order.
    pub fn mailboxes(&self) -> impl Iterator<Item = &Mailbox> {
        self.0.iter().flat_map(Address::mailboxes)
    }
}

/// The content of a quoted string after its opening quote, when nothing
/// but white space follows the closing one.
fn unquoted(after_quote: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = after_quote.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?.1),
            '"' => return after_quote.get(i + 1..)?.trim().is_empty().then_some(out),
            c => out.push(c),
        }
    }
    None
}

impl std::str::FromStr for AddressList {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl From<Vec<Address>> for AddressList {
    fn from(v: Vec<Address>) -> Self {
        Self(v)
    }
}

impl IntoIterator for AddressList {
    type Item = Address;
    type IntoIter = std::vec::IntoIter<Address>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'l> IntoIterator for &'l AddressList {
    type Item = &'l Address;
    type IntoIter = std::slice::Iter<'l, Address>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emails(l: &AddressList) -> Vec<String> {
        l.mailboxes().map(|m| m.email().to_string()).collect()
    }

    /// Issue 10 item 1: a pasted list is two mailboxes or an error, never
    /// one mailbox named `A <a@b.example>, B`.
    #[test]
    fn regress_issue10_recipient_list_in_one_string_is_never_one_mailbox() {
        for s in [
            "A <a@b.example>, B <b@c.example>",
            "a@b.example, b@c.example",
            "a@b.example; b@c.example",
            "Zhang, San <z@example.com>",
            "team: a@b.example;",
        ] {
            let err = Mailbox::parse(s)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("AddressList::parse"), "{s:?}: {err}");
        }
        let l = AddressList::parse("A <a@b.example>, B <b@c.example>").unwrap();
        assert_eq!(emails(&l), ["a@b.example", "b@c.example"]);
        assert_eq!(l.as_slice().len(), 2);
    }

    #[test]
    fn lists_with_quotes_groups_and_comments() {
        let l = AddressList::parse(
            r#"A <a@b>, "Zhang, San" <z@c.example>, group: x@y.example, "w;" <w@v.example>;, last@z.example"#,
        )
        .unwrap();
        assert_eq!(l.len(), 4);
        assert_eq!(
            emails(&l),
            [
                "a@b",
                "z@c.example",
                "x@y.example",
                "w@v.example",
                "last@z.example"
            ]
        );
        let Address::Group(g) = &l.as_slice()[2] else {
            panic!("{l:?}")
        };
        assert_eq!(g.name(), "group");
        assert_eq!(g.members()[1].name(), Some("w;"));
        assert_eq!(
            l.as_slice()[1],
            Address::Mailbox(Mailbox::new("Zhang, San", "z@c.example").unwrap())
        );
        let l = AddressList::parse("undisclosed-recipients:;").unwrap();
        assert_eq!((l.len(), l.mailboxes().count()), (1, 0));
        assert!(AddressList::parse("").unwrap().is_empty());
        assert_eq!(
            emails(&AddressList::parse(" a@b.example,, c@d.example ,").unwrap()),
            ["a@b.example", "c@d.example"]
        );
    }

    #[test]
    fn list_errors_say_where() {
        for (s, at) in [
            ("a@b.example, bad", 13),
            ("a@b.example, \"open <x@y>", 13),
            ("g: a@b.example", 14),
            ("a@b.example; c@d.example", 11),
            ("g: h: a@b;;", 4),
            ("<a@b.example", 0),
            ("g: a@b.example; x@y.example", 16),
        ] {
            match AddressList::parse(s) {
                Err(Error::InvalidAddressList { offset, .. }) => assert_eq!(offset, at, "{s:?}"),
                other => panic!("{s:?}: {other:?}"),
            }
        }
    }
}
