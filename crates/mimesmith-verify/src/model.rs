//! The expectation tree: what a builder was asked to produce, in the terms a
//! parser reports (decoded header text, addresses, the part tree, decoded
//! bodies). [`expect`] derives it from a [`Spec`] with the builder's own
//! rules (line breaks in header text become one space; the standard layout
//! `mixed(related(alternative(text, html), inline…), attachments…)` with
//! single-child levels collapsed), independently of the bytes written.

use std::path::Path;

use mimesmith::spec::{AddressSpec, AttachmentSpec, NodeSpec, Spec};
use mimesmith::{ContentType, EmailAddress, Mailbox, sanitize_line_breaks};

/// One expected address: group members carry their group's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpAddr {
    /// The display name, `""` when there is none.
    pub name: String,
    /// The addr-spec as written: local part quoted when needed, the domain
    /// in punycode unless SMTPUTF8.
    pub address: String,
    /// The group this mailbox belongs to.
    pub group: Option<String>,
}

/// An expected body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpBody {
    /// Text; compare after [`normalize_newlines`].
    Text(String),
    /// Bytes, exactly.
    Bytes(Vec<u8>),
}

/// An expected leaf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpLeaf {
    /// `type/subtype`, lower case.
    pub content_type: String,
    /// The decoded file name.
    pub filename: Option<String>,
    /// The Content-ID without angle brackets.
    pub content_id: Option<String>,
    /// `inline` or `attachment`.
    pub disposition: Option<String>,
    /// The content.
    pub body: ExpBody,
}

/// A node of the expected tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpNode {
    /// A multipart.
    Multi {
        /// `multipart/<subtype>`.
        content_type: String,
        /// Its children.
        children: Vec<ExpNode>,
    },
    /// A leaf.
    Leaf(ExpLeaf),
}

impl ExpNode {
    /// The leaves in document order.
    #[must_use]
    pub fn leaves(&self) -> Vec<&ExpLeaf> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(n) = stack.pop() {
            match n {
                Self::Leaf(l) => out.push(l),
                Self::Multi { children, .. } => stack.extend(children.iter().rev()),
            }
        }
        out
    }
}

/// Everything a parser should read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// The decoded Subject.
    pub subject: Option<String>,
    /// From.
    pub from: Vec<ExpAddr>,
    /// Sender.
    pub sender: Vec<ExpAddr>,
    /// To.
    pub to: Vec<ExpAddr>,
    /// Cc.
    pub cc: Vec<ExpAddr>,
    /// Reply-To.
    pub reply_to: Vec<ExpAddr>,
    /// Extra headers, decoded.
    pub headers: Vec<(String, String)>,
    /// Every header name the message may contain.
    pub allowed_headers: Vec<String>,
    /// The body tree.
    pub root: ExpNode,
    /// Raw UTF-8 headers.
    pub smtputf8: bool,
    /// Whether the RFC 2047 file name form is written.
    pub rfc2047_filenames: bool,
}

/// Why an expectation could not be derived (the spec itself is invalid).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot derive the expectation: {0}")]
pub struct ModelError(pub String);

/// CRLF and lone CR become LF, so texts decoded by different parsers compare.
#[must_use]
pub fn normalize_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

fn clean(s: &str) -> String {
    sanitize_line_breaks(s).into_owned()
}

fn mailbox(a: &AddressSpec) -> Result<Mailbox, ModelError> {
    let m = match a {
        AddressSpec::Text(s) => Mailbox::parse(s),
        AddressSpec::Mailbox {
            name: Some(n),
            email,
        } => Mailbox::new(n, email),
        AddressSpec::Mailbox { name: None, email } => Mailbox::address_only(email),
        AddressSpec::Group { .. } => {
            return Err(ModelError("a group where a mailbox is expected".into()));
        }
    };
    m.map_err(|e| ModelError(e.to_string()))
}

fn exp_mailbox(m: &Mailbox, group: Option<&str>, utf8: bool) -> Result<ExpAddr, ModelError> {
    Ok(ExpAddr {
        name: m.name().unwrap_or_default().to_owned(),
        address: header_address(m.email(), utf8)?,
        group: group.map(str::to_owned),
    })
}

fn header_address(e: &EmailAddress, utf8: bool) -> Result<String, ModelError> {
    e.to_header_string(utf8)
        .map_err(|e| ModelError(e.to_string()))
}

fn addresses(list: &[AddressSpec], utf8: bool) -> Result<Vec<ExpAddr>, ModelError> {
    let mut out = Vec::new();
    // The builder writes groups after the mailboxes of a field.
    let groups_last = list
        .iter()
        .filter(|a| !matches!(a, AddressSpec::Group { .. }))
        .chain(
            list.iter()
                .filter(|a| matches!(a, AddressSpec::Group { .. })),
        );
    for a in groups_last {
        match a {
            AddressSpec::Group { group, members } => {
                let name = mimesmith::normalize_display_name(group)
                    .map_err(|e| ModelError(e.to_owned()))?
                    .unwrap_or_default();
                for m in members {
                    out.push(exp_mailbox(&mailbox(m)?, Some(&name), utf8)?);
                }
            }
            other => out.push(exp_mailbox(&mailbox(other)?, None, utf8)?),
        }
    }
    Ok(out)
}

fn b64(s: &str) -> Result<Vec<u8>, ModelError> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .map_err(|e| ModelError(e.to_string()))
}

fn content(
    text: Option<&String>,
    base64: Option<&String>,
    file: Option<&String>,
    base: &Path,
) -> Result<(bool, Vec<u8>), ModelError> {
    match (text, base64, file) {
        (Some(t), _, _) => Ok((true, t.clone().into_bytes())),
        (_, Some(b), _) => Ok((false, b64(b)?)),
        (_, _, Some(f)) => std::fs::read(base.join(f))
            .map(|b| (false, b))
            .map_err(|e| ModelError(e.to_string())),
        _ => Err(ModelError("no content".into())),
    }
}

/// CRLF, bare CR and bare LF all written as CRLF (RFC 2046 §4.1.1), on octets.
fn crlf_octets(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 32);
    let mut it = bytes.iter().copied().peekable();
    while let Some(b) = it.next() {
        match b {
            b'\r' => {
                if it.peek() == Some(&b'\n') {
                    it.next();
                }
                out.extend_from_slice(b"\r\n");
            }
            b'\n' => out.extend_from_slice(b"\r\n"),
            _ => out.push(b),
        }
    }
    out
}

fn leaf_body(ct: &ContentType, is_text: bool, bytes: Vec<u8>) -> ExpBody {
    if ct.is_message() {
        // Encapsulated messages are canonicalised to CRLF, octet by octet:
        // the builder keeps octets that are not UTF-8 as they are.
        return ExpBody::Bytes(crlf_octets(&bytes));
    }
    if is_text {
        // Text is written as text (line endings canonicalised) whatever its type.
        ExpBody::Text(String::from_utf8_lossy(&bytes).into_owned())
    } else {
        ExpBody::Bytes(bytes)
    }
}

fn filename_of(name: Option<&String>, file: Option<&String>) -> Option<String> {
    let n = name.cloned().or_else(|| {
        file.and_then(|f| Path::new(f).file_name())
            .map(|n| n.to_string_lossy().into_owned())
    })?;
    mimesmith::clean_filename(&n)
}

fn attachment(a: &AttachmentSpec, disposition: &str, base: &Path) -> Result<ExpNode, ModelError> {
    let (is_text, bytes) = content(a.text.as_ref(), a.base64.as_ref(), a.file.as_ref(), base)?;
    let filename = filename_of(a.filename.as_ref(), a.file.as_ref());
    let ct = match &a.content_type {
        Some(c) => ContentType::parse(c).map_err(|e| ModelError(e.to_string()))?,
        None => {
            let guessed = filename
                .as_deref()
                .map_or_else(ContentType::octet_stream, ContentType::guess_from_filename);
            // The builder turns a guessed text type into octets when the
            // content is not ASCII or UTF-8 text (or holds NUL).
            if guessed.is_text()
                && !is_text
                && (std::str::from_utf8(&bytes).is_err() || bytes.contains(&0))
            {
                ContentType::octet_stream()
            } else {
                guessed
            }
        }
    };
    let body = leaf_body(&ct, is_text, bytes);
    // As for a body leaf: a `name` parameter of the given type is the file
    // name when no other is given.
    let filename = filename.or_else(|| ct.param("name").and_then(mimesmith::clean_filename));
    Ok(ExpNode::Leaf(ExpLeaf {
        content_type: ct.essence().to_owned(),
        filename,
        content_id: a
            .cid
            .as_ref()
            .and_then(|c| mimesmith::ContentId::new(c).ok())
            .map(|c| c.as_str().to_owned()),
        disposition: Some(disposition.to_owned()),
        body,
    }))
}

fn text_leaf(ct: &str, text: &str) -> ExpNode {
    ExpNode::Leaf(ExpLeaf {
        content_type: ct.to_owned(),
        filename: None,
        content_id: None,
        disposition: None,
        body: ExpBody::Text(text.to_owned()),
    })
}

fn multi(sub: &str, mut children: Vec<ExpNode>) -> Option<ExpNode> {
    match children.len() {
        0 => None,
        1 => children.pop(),
        _ => Some(ExpNode::Multi {
            content_type: format!("multipart/{sub}"),
            children,
        }),
    }
}

fn tree(node: &NodeSpec, base: &Path) -> Result<ExpNode, ModelError> {
    match node {
        NodeSpec::Multi(m) => Ok(ExpNode::Multi {
            content_type: format!("multipart/{}", m.multipart.to_ascii_lowercase()),
            children: m
                .parts
                .iter()
                .map(|p| tree(p, base))
                .collect::<Result<_, _>>()?,
        }),
        NodeSpec::Leaf(l) => {
            let ct = ContentType::parse(&l.content_type).map_err(|e| ModelError(e.to_string()))?;
            let (is_text, bytes) =
                content(l.text.as_ref(), l.base64.as_ref(), l.file.as_ref(), base)?;
            Ok(ExpNode::Leaf(ExpLeaf {
                content_type: ct.essence().to_owned(),
                filename: filename_of(l.filename.as_ref(), l.file.as_ref())
                    .or_else(|| ct.param("name").and_then(mimesmith::clean_filename)),
                content_id: l
                    .cid
                    .as_ref()
                    .and_then(|c| mimesmith::ContentId::new(c).ok())
                    .map(|c| c.as_str().to_owned()),
                disposition: l.disposition.as_ref().map(|d| d.to_ascii_lowercase()),
                body: leaf_body(&ct, is_text, bytes),
            }))
        }
    }
}

/// Derives what a parser should read back from the message built from `spec`.
///
/// # Errors
/// [`ModelError`] when the spec is invalid (it would not build either).
pub fn expect(spec: &Spec, base: &Path) -> Result<Expected, ModelError> {
    let utf8 = spec.smtputf8.unwrap_or(false);
    let from = match &spec.from {
        Some(f) => vec![exp_mailbox(&mailbox(f)?, None, utf8)?],
        None => Vec::new(),
    };
    let sender = match &spec.sender {
        Some(s) => vec![exp_mailbox(&mailbox(s)?, None, utf8)?],
        None => Vec::new(),
    };
    let root = match &spec.body {
        Some(node) => tree(node, base)?,
        None => {
            let mut alt = Vec::new();
            if let Some(t) = &spec.text {
                alt.push(text_leaf("text/plain", t));
            }
            if let Some(h) = &spec.html {
                alt.push(text_leaf("text/html", h));
            }
            let mut related: Vec<ExpNode> = multi("alternative", alt).into_iter().collect();
            for i in &spec.inline {
                related.push(attachment(i, "inline", base)?);
            }
            let mut mixed: Vec<ExpNode> = multi("related", related).into_iter().collect();
            for a in &spec.attachments {
                mixed.push(attachment(a, "attachment", base)?);
            }
            multi("mixed", mixed).unwrap_or_else(|| text_leaf("text/plain", ""))
        }
    };
    let mut allowed: Vec<String> = [
        "From",
        "Date",
        "Message-ID",
        "MIME-Version",
        "Content-Type",
        "Content-Transfer-Encoding",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for (present, name) in [
        (spec.sender.is_some(), "Sender"),
        (!spec.to.is_empty(), "To"),
        (!spec.cc.is_empty(), "Cc"),
        (!spec.reply_to.is_empty(), "Reply-To"),
        (spec.subject.is_some(), "Subject"),
        (spec.in_reply_to.is_some(), "In-Reply-To"),
        (!spec.references.is_empty(), "References"),
    ] {
        if present {
            allowed.push(name.to_owned());
        }
    }
    if matches!(&root, ExpNode::Leaf(l) if l.disposition.is_some()) {
        allowed.push("Content-Disposition".to_owned());
    }
    // A lone inline part is the root: its Content-ID (given or generated)
    // is in the top-level header.
    if matches!(&root, ExpNode::Leaf(l) if l.content_id.is_some() || l.disposition.as_deref() == Some("inline"))
    {
        allowed.push("Content-ID".to_owned());
    }
    allowed.extend(spec.headers.iter().map(|(n, _)| n.clone()));
    Ok(Expected {
        // An empty Subject is written as `Subject:` with no text.
        subject: spec.subject.as_deref().map(clean),
        from,
        sender,
        to: addresses(&spec.to, utf8)?,
        cc: addresses(&spec.cc, utf8)?,
        reply_to: addresses(&spec.reply_to, utf8)?,
        headers: spec
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), clean(v)))
            .collect(),
        allowed_headers: allowed,
        root,
        smtputf8: utf8,
        rfc2047_filenames: spec.rfc2047_filenames.unwrap_or(true),
    })
}

#[cfg(test)]
mod tests {
    use super::crlf_octets;

    #[test]
    fn crlf_octets_keeps_octets_that_are_not_utf8() {
        assert_eq!(crlf_octets(b"U\xea\xeb"), b"U\xea\xeb");
        assert_eq!(
            crlf_octets(b"a\nb\rc\r\nd\xff\r"),
            b"a\r\nb\r\nc\r\nd\xff\r\n"
        );
    }
}
