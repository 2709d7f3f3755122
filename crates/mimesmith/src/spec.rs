//! A message described as data (feature `spec`): the JSON spec of
//! `eml compose`, the input the property tests generate, and the structure
//! fuzz targets derive. [`Spec::build`] turns it into a [`Message`]. Unknown
//! fields are errors; every error names the field it comes from (`to[1]`,
//! `body.parts[0].base64`).

use std::path::{Path, PathBuf};

use crate::{
    Body, Charset, ContentId, ContentType, DateTime, Disposition, FormatOptions, Group, Mailbox,
    Message, MessageBuilder, MultiPart, Part, SinglePart, TransferEncoding,
};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// A spec error: the field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SpecError {
    /// Where in the spec (`to[1]`, `attachments[0].file`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

fn err(field: impl Into<String>, message: impl std::fmt::Display) -> SpecError {
    SpecError {
        field: field.into(),
        message: message.to_string(),
    }
}

/// `"Name <a@b>"` or `{"name": "…", "email": "a@b"}`, or a group
/// `{"group": "…", "members": [MAILBOX]}` where a list of addresses is
/// expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(untagged, deny_unknown_fields)]
pub enum AddressSpec {
    /// `"Display Name <local@domain>"` or `"local@domain"`.
    Text(String),
    /// A mailbox given by parts.
    Mailbox {
        /// The display name (optional).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// The address.
        email: String,
    },
    /// A group (RFC 5322 §3.4).
    Group {
        /// The group's name.
        group: String,
        /// Its members.
        #[serde(default)]
        members: Vec<AddressSpec>,
    },
}

/// An attachment or inline part.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct AttachmentSpec {
    /// The file name shown to the recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// The media type; guessed from the file name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The Content-ID, referenced from HTML as `cid:…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cid: Option<String>,
    /// A path, relative to the spec's folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The content, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
    /// The content, text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Force a transfer encoding: 7bit, 8bit, binary, quoted-printable, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_encoding: Option<String>,
}

/// A node of an arbitrary body tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(untagged)]
pub enum NodeSpec {
    /// `{"multipart": "mixed", "parts": [...]}`.
    Multi(MultiSpec),
    /// `{"content_type": "...", "text"|"base64"|"file": ...}`.
    Leaf(LeafSpec),
}

/// A multipart node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct MultiSpec {
    /// The subtype: mixed, alternative, related, digest, …
    pub multipart: String,
    /// The children.
    pub parts: Vec<NodeSpec>,
}

/// A leaf node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct LeafSpec {
    /// The media type.
    pub content_type: String,
    /// Text content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Binary content, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
    /// A file, relative to the spec's folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// `inline` or `attachment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disposition: Option<String>,
    /// The Content-ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cid: Option<String>,
    /// The charset of a text part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    /// Force a transfer encoding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_encoding: Option<String>,
}

/// The whole spec.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The author (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<AddressSpec>,
    /// The Sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<AddressSpec>,
    /// To.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<AddressSpec>,
    /// Cc.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<AddressSpec>,
    /// Bcc: envelope only, never written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bcc: Vec<AddressSpec>,
    /// Reply-To.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reply_to: Vec<AddressSpec>,
    /// The subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// RFC 3339; default now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// `id@host`; default generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// `id@host`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
    /// `[id@host]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// `[["X-Name", "value"]]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    /// The plain-text body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The HTML body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Inline parts (images referenced by `cid:`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inline: Vec<AttachmentSpec>,
    /// Attachments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentSpec>,
    /// An arbitrary tree, replacing text/html/inline/attachments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<NodeSpec>,
    /// Charset of headers and text bodies; default utf-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    /// Raw UTF-8 headers (RFC 6532).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtputf8: Option<bool>,
    /// Also write `filename="=?UTF-8?B?…?="` for Outlook; default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rfc2047_filenames: Option<bool>,
    /// Seed for boundaries, Message-ID and Content-IDs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

impl Spec {
    /// Parses a spec from JSON.
    ///
    /// # Errors
    /// A [`SpecError`] naming the field (serde's message names unknown fields).
    pub fn from_json(json: &str) -> Result<Self, SpecError> {
        let de = &mut serde_json::Deserializer::from_str(json);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            // The path already ends with an unknown field's name.
            let field = if path == "." || path.is_empty() {
                unknown_field(&inner.to_string())
                    .unwrap_or_else(|| format!("line {} column {}", inner.line(), inner.column()))
            } else {
                path
            };
            err(field, inner)
        })
    }

    /// Builds the message; relative file paths are resolved against `base`.
    ///
    /// # Errors
    /// A [`SpecError`] naming the field whose value is wrong.
    pub fn build(&self, base: &Path) -> Result<Message<'static>, SpecError> {
        let mut opts = FormatOptions::new();
        if let Some(cs) = &self.charset {
            opts = opts.with_charset(Charset::from_label(cs).map_err(|e| err("charset", e))?);
        }
        if let Some(on) = self.smtputf8 {
            opts = opts.with_smtputf8(on);
        }
        if let Some(on) = self.rfc2047_filenames {
            opts = opts.with_rfc2047_params(on);
        }
        if let Some(seed) = self.seed {
            opts = opts.with_seed(seed);
        }
        let mut b = MessageBuilder::new().options(opts);
        let from = self.from.as_ref().ok_or_else(|| err("from", "required"))?;
        b = b.from(mailbox(from, "from")?);
        if let Some(s) = &self.sender {
            b = b.sender(mailbox(s, "sender")?);
        }
        if self.to.is_empty() && self.cc.is_empty() && self.bcc.is_empty() {
            return Err(err(
                "to",
                "at least one recipient (to, cc or bcc) is required",
            ));
        }
        for (name, list) in [
            ("to", &self.to),
            ("cc", &self.cc),
            ("bcc", &self.bcc),
            ("reply_to", &self.reply_to),
        ] {
            for (i, a) in list.iter().enumerate() {
                let field = format!("{name}[{i}]");
                let addr = address(a, &field)?;
                b = match name {
                    "to" => b.to(addr),
                    "cc" => b.cc(addr),
                    "bcc" => b.bcc(addr),
                    _ => b.reply_to(addr),
                };
            }
        }
        if let Some(s) = &self.subject {
            b = b.subject(s.clone());
        }
        if let Some(d) = &self.date {
            b = b.date(DateTime::parse_rfc3339(d).map_err(|e| err("date", e))?);
        }
        b = check(
            b,
            self.message_id.as_deref(),
            "message_id",
            MessageBuilder::message_id,
        )?;
        b = check(
            b,
            self.in_reply_to.as_deref(),
            "in_reply_to",
            MessageBuilder::in_reply_to,
        )?;
        for (i, r) in self.references.iter().enumerate() {
            b = check(
                b,
                Some(r),
                &format!("references[{i}]"),
                MessageBuilder::references,
            )?;
        }
        for (i, (name, value)) in self.headers.iter().enumerate() {
            b = check_header(b, name, value, &format!("headers[{i}]"))?;
        }
        if let Some(body) = &self.body {
            for (set, field) in [
                (self.text.is_some(), "text"),
                (self.html.is_some(), "html"),
                (!self.inline.is_empty(), "inline"),
                (!self.attachments.is_empty(), "attachments"),
            ] {
                if set {
                    return Err(err(
                        field,
                        "cannot be combined with body (body replaces text, html, inline and attachments)",
                    ));
                }
            }
            b = b.body(node(body, "body", base)?);
        } else {
            if let Some(t) = &self.text {
                b = b.text(t.clone());
            }
            if let Some(h) = &self.html {
                b = b.html(h.clone());
            }
            for (i, a) in self.inline.iter().enumerate() {
                b = b.inline(attachment(
                    a,
                    &format!("inline[{i}]"),
                    base,
                    Disposition::Inline,
                )?);
            }
            for (i, a) in self.attachments.iter().enumerate() {
                b = b.attachment(attachment(
                    a,
                    &format!("attachments[{i}]"),
                    base,
                    Disposition::Attachment,
                )?);
            }
        }
        b.build().map_err(|e| {
            let field = match &e {
                crate::Error::EncodingCannotRepresent { .. }
                | crate::Error::UncheckableStream { .. } => self.forced_encoding_field(),
                _ => None,
            };
            match field {
                Some(f) => err(f, e),
                None => err(field_of(&e), e),
            }
        })
    }

    /// The spec path of the one part that forces a transfer encoding
    /// (`attachments[0].transfer_encoding`), so an error about it names a
    /// field the spec has; `None` when no part or several do.
    fn forced_encoding_field(&self) -> Option<String> {
        let mut found = Vec::new();
        for (list, name) in [(&self.inline, "inline"), (&self.attachments, "attachments")] {
            for (i, a) in list.iter().enumerate() {
                if a.transfer_encoding.is_some() {
                    found.push(format!("{name}[{i}].transfer_encoding"));
                }
            }
        }
        let mut stack: Vec<(&NodeSpec, String)> =
            self.body.iter().map(|n| (n, "body".to_owned())).collect();
        while let Some((node, path)) = stack.pop() {
            match node {
                NodeSpec::Leaf(l) if l.transfer_encoding.is_some() => {
                    found.push(format!("{path}.transfer_encoding"));
                }
                NodeSpec::Leaf(_) => {}
                NodeSpec::Multi(m) => {
                    for (i, p) in m.parts.iter().enumerate() {
                        stack.push((p, format!("{path}.parts[{i}]")));
                    }
                }
            }
        }
        (found.len() == 1).then(|| found.swap_remove(0))
    }
}

/// serde_json says "unknown field `x`, expected …": name the field.
fn unknown_field(msg: &str) -> Option<String> {
    let rest = msg.split_once("unknown field `")?.1;
    Some(rest.split_once('`')?.0.to_owned())
}

/// The spec field an error from `build` belongs to.
fn field_of(e: &crate::Error) -> &'static str {
    use crate::Error as E;
    match e {
        E::MissingFrom => "from",
        E::SenderRequired => "sender",
        E::NoRecipients => "to",
        E::Unrepresentable { .. } => "charset",
        E::InvalidAddress { .. } => "address",
        E::File { .. } => "file",
        E::TooDeep { .. } | E::EmptyMultipart { .. } => "body",
        E::EncodingCannotRepresent { .. } | E::UncheckableStream { .. } => "transfer_encoding",
        E::InvalidContentType { .. } => "content_type",
        E::InvalidContentId { .. } => "cid",
        _ => "message",
    }
}

fn check<'a>(
    b: MessageBuilder<'a>,
    value: Option<&str>,
    field: &str,
    set: fn(MessageBuilder<'a>, &str) -> MessageBuilder<'a>,
) -> Result<MessageBuilder<'a>, SpecError> {
    match value {
        Some(v) => {
            crate::MessageId::new(v).map_err(|e| err(field, e))?;
            Ok(set(b, v))
        }
        None => Ok(b),
    }
}

fn check_header<'a>(
    b: MessageBuilder<'a>,
    name: &str,
    value: &str,
    field: &str,
) -> Result<MessageBuilder<'a>, SpecError> {
    let n = crate::HeaderName::new(name.to_owned()).map_err(|e| err(field, e))?;
    if n.is_reserved() {
        return Err(err(
            field,
            format!("{name} is written by the builder; use the matching spec field"),
        ));
    }
    Ok(b.header(name, value))
}

fn mailbox(a: &AddressSpec, field: &str) -> Result<Mailbox, SpecError> {
    match a {
        AddressSpec::Text(s) => Mailbox::parse(s).map_err(|e| err(field, e)),
        AddressSpec::Mailbox { name, email } => match name {
            Some(n) => Mailbox::new(n, email),
            None => Mailbox::address_only(email),
        }
        .map_err(|e| err(field, e)),
        AddressSpec::Group { .. } => {
            Err(err(field, "a group is not allowed here; give one mailbox"))
        }
    }
}

fn address(a: &AddressSpec, field: &str) -> Result<crate::Address, SpecError> {
    match a {
        AddressSpec::Group { group, members } => {
            let members = members
                .iter()
                .enumerate()
                .map(|(i, m)| mailbox(m, &format!("{field}.members[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Group::new(group, members)
                .map_err(|e| err(field, e))?
                .into())
        }
        other => mailbox(other, field).map(Into::into),
    }
}

fn transfer_encoding(s: &str, field: &str) -> Result<TransferEncoding, SpecError> {
    Ok(match s.to_ascii_lowercase().as_str() {
        "7bit" => TransferEncoding::SevenBit,
        "8bit" => TransferEncoding::EightBit,
        "binary" => TransferEncoding::Binary,
        "quoted-printable" => TransferEncoding::QuotedPrintable,
        "base64" => TransferEncoding::Base64,
        other => {
            return Err(err(
                field,
                format!(
                    "unknown transfer encoding {other:?} (7bit, 8bit, binary, quoted-printable, base64)"
                ),
            ));
        }
    })
}

/// Exactly one of text, base64, file.
fn content(
    text: Option<&String>,
    b64: Option<&String>,
    file: Option<&String>,
    field: &str,
    base: &Path,
) -> Result<Body<'static>, SpecError> {
    match (text, b64, file) {
        (Some(t), None, None) => Ok(Body::Text(t.clone().into())),
        (None, Some(b), None) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .map_err(|e| err(format!("{field}.base64"), format!("not valid base64: {e}")))?;
            Ok(Body::Bytes(bytes.into()))
        }
        (None, None, Some(f)) => {
            let path = resolve(base, f);
            if !path.is_file() {
                return Err(err(
                    format!("{field}.file"),
                    format!("no such file: {}", path.display()),
                ));
            }
            Ok(Body::File(path))
        }
        _ => Err(err(
            field,
            "give exactly one of \"text\", \"base64\" or \"file\"",
        )),
    }
}

fn resolve(base: &Path, f: &str) -> PathBuf {
    let p = Path::new(f);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

fn attachment(
    a: &AttachmentSpec,
    field: &str,
    base: &Path,
    disposition: Disposition,
) -> Result<SinglePart<'static>, SpecError> {
    let body = content(
        a.text.as_ref(),
        a.base64.as_ref(),
        a.file.as_ref(),
        field,
        base,
    )?;
    let filename = a
        .filename
        .clone()
        .or_else(|| {
            a.file
                .as_ref()
                .and_then(|f| Path::new(f).file_name())
                .map(|n| n.to_string_lossy().into_owned())
        })
        .and_then(|n| crate::clean_filename(&n));
    let (ct, guessed) = match &a.content_type {
        Some(ct) => (
            ContentType::parse(ct).map_err(|e| err(format!("{field}.content_type"), e))?,
            false,
        ),
        None => (
            filename
                .as_deref()
                .map_or_else(ContentType::octet_stream, ContentType::guess_from_filename),
            true,
        ),
    };
    let mut part = SinglePart::new(ct, body).disposition(disposition);
    if guessed {
        part = part.type_guessed();
    }
    if let Some(n) = &filename {
        part = part.filename(n);
    }
    if let Some(cid) = &a.cid {
        part = part.content_id(ContentId::new(cid).map_err(|e| err(format!("{field}.cid"), e))?);
    }
    if let Some(te) = &a.transfer_encoding {
        part = part.encoding(transfer_encoding(
            te,
            &format!("{field}.transfer_encoding"),
        )?);
    }
    Ok(part)
}

/// Builds a tree without recursion (the explicit stack keeps a hostile,
/// deeply nested spec from overflowing the stack; the builder then refuses
/// it with a clear error).
fn node(root: &NodeSpec, field: &str, base: &Path) -> Result<Part<'static>, SpecError> {
    enum Step<'s> {
        Visit(&'s NodeSpec, String),
        Close(&'s MultiSpec, String),
    }
    let mut steps = vec![Step::Visit(root, field.to_owned())];
    let mut done: Vec<Part<'static>> = Vec::new();
    while let Some(step) = steps.pop() {
        match step {
            Step::Visit(NodeSpec::Leaf(l), f) => done.push(leaf(l, &f, base)?.into()),
            Step::Visit(NodeSpec::Multi(m), f) => {
                steps.push(Step::Close(m, f.clone()));
                for (i, child) in m.parts.iter().enumerate().rev() {
                    steps.push(Step::Visit(child, format!("{f}.parts[{i}]")));
                }
            }
            Step::Close(m, f) => {
                let mut multi =
                    MultiPart::new(&m.multipart).map_err(|e| err(format!("{f}.multipart"), e))?;
                if m.parts.is_empty() {
                    return Err(err(
                        format!("{f}.parts"),
                        "a multipart needs at least one part (RFC 2046 §5.1.1)",
                    ));
                }
                let children = done.split_off(done.len().saturating_sub(m.parts.len()));
                for c in children {
                    multi = multi.part(c);
                }
                done.push(multi.into());
            }
        }
    }
    done.pop().ok_or_else(|| err(field, "empty body"))
}

fn leaf(l: &LeafSpec, field: &str, base: &Path) -> Result<SinglePart<'static>, SpecError> {
    let ct =
        ContentType::parse(&l.content_type).map_err(|e| err(format!("{field}.content_type"), e))?;
    if ct.is_multipart() {
        return Err(err(
            format!("{field}.content_type"),
            "use {\"multipart\": …, \"parts\": […]} for a multipart",
        ));
    }
    let body = content(
        l.text.as_ref(),
        l.base64.as_ref(),
        l.file.as_ref(),
        field,
        base,
    )?;
    let mut part = SinglePart::new(ct, body);
    if let Some(cs) = &l.charset {
        part =
            part.charset(Charset::from_label(cs).map_err(|e| err(format!("{field}.charset"), e))?);
    }
    if let Some(d) = &l.disposition {
        part = part.disposition(match d.to_ascii_lowercase().as_str() {
            "inline" => Disposition::Inline,
            "attachment" => Disposition::Attachment,
            other => {
                return Err(err(
                    format!("{field}.disposition"),
                    format!("{other:?} is not inline or attachment"),
                ));
            }
        });
    }
    let filename = l
        .filename
        .clone()
        .or_else(|| {
            l.file
                .as_ref()
                .and_then(|f| Path::new(f).file_name())
                .map(|n| n.to_string_lossy().into_owned())
        })
        .and_then(|n| crate::clean_filename(&n));
    if let Some(n) = &filename {
        part = part.filename(n);
    }
    if let Some(cid) = &l.cid {
        part = part.content_id(ContentId::new(cid).map_err(|e| err(format!("{field}.cid"), e))?);
    }
    if let Some(te) = &l.transfer_encoding {
        part = part.encoding(transfer_encoding(
            te,
            &format!("{field}.transfer_encoding"),
        )?);
    }
    Ok(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(json: &str) -> Result<Vec<u8>, SpecError> {
        let spec = Spec::from_json(json)?;
        let msg = spec.build(Path::new("."))?;
        msg.to_vec().map_err(|e| err("write", e))
    }

    #[test]
    fn minimal_spec_builds() {
        let out =
            build(r#"{"from": "a@example.com", "to": ["b@example.com"], "seed": 1}"#).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(
            s.starts_with("From: a@example.com\r\nTo: b@example.com\r\n"),
            "{s}"
        );
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (r#"{"to": ["b@example.com"]}"#, "from"),
            (r#"{"from": "a@example.com"}"#, "to"),
            (
                r#"{"from": "a@example.com", "to": ["b@example.com"], "colour": 1}"#,
                "colour",
            ),
            (
                r#"{"from": "a@example.com", "to": ["ok@example.com", "bad"]}"#,
                "to[1]",
            ),
            (
                r#"{"from": "a@example.com", "to": ["b@example.com"], "date": "yesterday"}"#,
                "date",
            ),
            (
                r#"{"from": "a@example.com", "to": ["b@example.com"], "charset": "klingon"}"#,
                "charset",
            ),
            (
                r#"{"from": "a@example.com", "to": ["b@example.com"], "headers": [["Bad Name", "x"]]}"#,
                "headers[0]",
            ),
            (
                r#"{"from": "a@example.com", "to": ["b@example.com"], "attachments": [{"filename": "a", "base64": "!!"}]}"#,
                "attachments[0].base64",
            ),
            (
                r#"{"from": "a@example.com", "to": ["b@example.com"], "attachments": [{"file": "/nonexistent/x.pdf"}]}"#,
                "attachments[0].file",
            ),
            (
                r#"{"from": "a@example.com", "to": ["b@example.com"], "body": {"multipart": "mixed", "parts": []}}"#,
                "body.parts",
            ),
            (
                r#"{"from": "a@example.com", "to": ["b@example.com"], "text": "x", "body": {"content_type": "text/plain", "text": "y"}}"#,
                "text",
            ),
            (
                r#"{"from": "a@example.com", "to": ["b@example.com"], "charset": "gbk", "subject": "😀"}"#,
                "charset",
            ),
        ];
        for (json, field) in cases {
            let e = build(json).unwrap_err();
            assert_eq!(e.field, field, "{json}: {e}");
        }
    }

    /// Issue 10 item 9: an encoding a part forces but cannot use is
    /// reported at that part's field, one the spec has.
    #[test]
    fn regress_issue10_forced_encoding_error_names_the_spec_field() {
        for (json, field) in [
            (
                r#"{"from": "a@example.com", "to": ["b@example.com"], "text": "x", "attachments": [{"filename": "a.txt", "text": "x"}, {"filename": "b.bin", "base64": "AAEC", "transfer_encoding": "8bit"}]}"#,
                "attachments[1].transfer_encoding",
            ),
            (
                r#"{"from": "a@example.com", "to": ["b@example.com"], "body": {"multipart": "mixed", "parts": [{"content_type": "text/plain", "text": "x"}, {"content_type": "application/octet-stream", "base64": "AAEC", "transfer_encoding": "7bit"}]}}"#,
                "body.parts[1].transfer_encoding",
            ),
        ] {
            let e = build(json).unwrap_err();
            assert_eq!(e.field, field, "{json}: {e}");
        }
    }
}
