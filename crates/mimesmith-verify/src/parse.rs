//! Our view of a parsed message, over `mail-parser` 0.11 (an independent
//! parser: the builder never depends on it).
//!
//! What mail-parser gives and we keep: the flat part list with its tree,
//! decoded header values (RFC 2047, RFC 2231), transfer-decoded bodies, text
//! bodies converted to UTF-8, offsets into the raw message. What it does not
//! give and we add: IMAP part paths (RFC 3501 §6.4.5); the RFC 2045 §5.2
//! default content type (mail-parser stores none; `message/rfc822` inside
//! multipart/digest, RFC 2046 §5.1.5); the transfer-decoded octets of text
//! parts before charset conversion (charset diagnosis needs them); line
//! numbers; bounds on depth and part count, with a diagnostic when hit.
//!
//! mail-parser follows message/rfc822 parts only three levels deep; deeper
//! ones stay bytes. It never panics and keeps its own state on the heap, so
//! hostile nesting costs memory, not stack; our conversion uses an explicit
//! stack too.

use std::borrow::Cow;

use mail_parser::{Address, HeaderName, HeaderValue, MessageParser, MessagePart, MimeHeaders, PartType};

use crate::diag::{Code, Diagnostic};

/// Limits on what is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    max_depth: usize,
    max_parts: usize,
    max_header_bytes: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl ParseOptions {
    /// Depth 64 (above the 50 levels the builder writes), 10,000 parts,
    /// header blocks of 1 MiB.
    #[must_use]
    pub const fn new() -> Self {
        Self { max_depth: 64, max_parts: 10_000, max_header_bytes: 1 << 20 }
    }

    /// The deepest nesting of multiparts and messages followed.
    #[must_use]
    pub const fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// The most parts read.
    #[must_use]
    pub const fn with_max_parts(mut self, parts: usize) -> Self {
        self.max_parts = parts;
        self
    }

    /// The largest header block read without a diagnostic.
    #[must_use]
    pub const fn with_max_header_bytes(mut self, bytes: usize) -> Self {
        self.max_header_bytes = bytes;
        self
    }
}

/// One header field, in message order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The name as written.
    pub name: String,
    /// The field body exactly as in the message (folding kept, without the
    /// final CRLF).
    pub raw: Vec<u8>,
    /// The decoded value: encoded words decoded, unfolded.
    pub value: String,
    /// The 1-based line of the field in the raw message, when known.
    pub line: Option<usize>,
}

/// An address as read: group members carry their group's name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Addr {
    /// The display name.
    pub name: Option<String>,
    /// The addr-spec.
    pub address: Option<String>,
    /// The group the mailbox belongs to.
    pub group: Option<String>,
}

/// The headers of an embedded message (message/rfc822).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Embedded {
    /// Its header fields.
    pub headers: Vec<Header>,
}

/// A node of the MIME tree.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Part {
    /// The IMAP part path (RFC 3501 §6.4.5): `1`, `2.1`; `TEXT` for a
    /// multipart root, `2.TEXT` for the multipart body of message part 2.
    pub path: String,
    /// `type/subtype` in lower case; the RFC 2045 §5.2 default when absent.
    pub content_type: String,
    /// Content-Type parameters, decoded (RFC 2231 joined), names lower case.
    pub params: Vec<(String, String)>,
    /// The charset parameter.
    pub charset: Option<String>,
    /// Content-Transfer-Encoding, lower case.
    pub transfer_encoding: Option<String>,
    /// Content-Disposition type, lower case.
    pub disposition: Option<String>,
    /// The decoded file name (disposition `filename`, else type `name`).
    pub filename: Option<String>,
    /// The Content-ID without angle brackets.
    pub content_id: Option<String>,
    /// The part's own header fields.
    pub headers: Vec<Header>,
    /// The transfer-decoded octets of a leaf (before any charset decoding).
    pub body: Vec<u8>,
    /// The text of a text leaf, decoded by mail-parser with the declared
    /// charset.
    pub text: Option<String>,
    /// Multipart children; for message/rfc822, the embedded message's body.
    pub children: Vec<Part>,
    /// For message/rfc822: the embedded message's headers.
    pub embedded: Option<Embedded>,
    /// The 1-based line of the part's header, its body, and the line after
    /// it, in the top-level raw message (`None` inside an encoded message).
    pub lines: Option<(usize, usize, usize)>,
    /// Octet offsets of header, body and end in the top-level raw message.
    pub offsets: Option<(usize, usize, usize)>,
    /// mail-parser reported trouble decoding this part.
    pub encoding_problem: bool,
}

impl Part {
    /// A multipart (or an embedded message with a body).
    #[must_use]
    pub fn is_multipart(&self) -> bool {
        self.content_type.starts_with("multipart/")
    }

    /// A leaf that is text.
    #[must_use]
    pub fn is_text(&self) -> bool {
        self.content_type.starts_with("text/")
    }

    /// A Content-Type parameter.
    #[must_use]
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// A header of this part.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&Header> {
        self.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name))
    }
}

/// A parsed message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedMessage {
    /// Top-level header fields, in order.
    pub headers: Vec<Header>,
    /// The body tree.
    pub root: Part,
    /// What the parser found wrong (limits, unreadable input).
    pub diagnostics: Vec<Diagnostic>,
    /// From, as read.
    pub from: Vec<Addr>,
    /// Sender.
    pub sender: Vec<Addr>,
    /// To.
    pub to: Vec<Addr>,
    /// Cc.
    pub cc: Vec<Addr>,
    /// Bcc.
    pub bcc: Vec<Addr>,
    /// Reply-To.
    pub reply_to: Vec<Addr>,
}

impl ParsedMessage {
    /// The first header called `name`.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&Header> {
        self.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name))
    }

    /// The decoded Subject.
    #[must_use]
    pub fn subject(&self) -> Option<&str> {
        self.header("subject").map(|h| h.value.as_str())
    }

    /// The Date, as written.
    #[must_use]
    pub fn date(&self) -> Option<&str> {
        self.header("date").map(|h| h.value.as_str())
    }

    /// The Message-ID without angle brackets.
    #[must_use]
    pub fn message_id(&self) -> Option<&str> {
        self.header("message-id").map(|h| h.value.trim().trim_start_matches('<').trim_end_matches('>'))
    }

    /// Every node of the tree, in document order.
    #[must_use]
    pub fn parts(&self) -> Vec<&Part> {
        let mut out = Vec::new();
        let mut stack = vec![&self.root];
        while let Some(p) = stack.pop() {
            out.push(p);
            stack.extend(p.children.iter().rev());
        }
        out
    }

    /// The part at `path`.
    #[must_use]
    pub fn part(&self, path: &str) -> Option<&Part> {
        self.parts().into_iter().find(|p| p.path == path)
    }

    /// The leaves, in document order.
    #[must_use]
    pub fn leaves(&self) -> Vec<&Part> {
        self.parts().into_iter().filter(|p| p.children.is_empty() && !p.is_multipart()).collect()
    }

    /// The main text part: the first text/plain leaf that is not an
    /// attachment, outside embedded messages.
    #[must_use]
    pub fn text_body(&self) -> Option<&Part> {
        self.main_leaf("text/plain")
    }

    /// The main HTML part.
    #[must_use]
    pub fn html_body(&self) -> Option<&Part> {
        self.main_leaf("text/html")
    }

    fn main_leaf(&self, ct: &str) -> Option<&Part> {
        let mut stack = vec![&self.root];
        while let Some(p) = stack.pop() {
            if p.embedded.is_some() {
                continue;
            }
            if p.content_type == ct && p.disposition.as_deref() != Some("attachment") && p.filename.is_none() {
                return Some(p);
            }
            stack.extend(p.children.iter().rev());
        }
        None
    }
}

/// Parses with the default limits.
#[must_use]
pub fn parse(bytes: &[u8]) -> ParsedMessage {
    parse_with(bytes, &ParseOptions::new())
}

/// Offsets of line starts, to turn an octet offset into a line number.
struct Lines(Vec<usize>);

impl Lines {
    fn new(raw: &[u8]) -> Self {
        let mut v = vec![0];
        v.extend(memchr::memchr_iter(b'\n', raw).map(|i| i + 1));
        Self(v)
    }

    /// The 1-based line holding octet `offset`.
    fn line(&self, offset: usize) -> usize {
        match self.0.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

/// Parses `bytes`, never panicking, in time linear in the input (for the
/// parts read).
#[must_use]
pub fn parse_with(bytes: &[u8], opts: &ParseOptions) -> ParsedMessage {
    // mail-parser has debug assertions that some inputs trip (in debug
    // builds only): a panic there becomes a diagnostic, never ours.
    let parsed = std::panic::catch_unwind(|| MessageParser::default().parse(bytes));
    let Ok(parsed) = parsed else {
        return ParsedMessage {
            diagnostics: vec![Diagnostic::new(Code::NotAMessage, "the parser (mail-parser) failed on this input")],
            root: Part { path: "1".into(), content_type: "text/plain".into(), ..Part::default() },
            ..ParsedMessage::default()
        };
    };
    let Some(message) = parsed else {
        return ParsedMessage {
            diagnostics: vec![Diagnostic::new(Code::NotAMessage, "no header field could be read")],
            root: Part { path: "1".into(), content_type: "text/plain".into(), ..Part::default() },
            ..ParsedMessage::default()
        };
    };
    let lines = Lines::new(bytes);
    let mut out = ParsedMessage::default();
    let Some(root) = message.parts.first() else {
        out.diagnostics.push(Diagnostic::new(Code::NotAMessage, "no part could be read"));
        return out;
    };
    let header_end = usize::try_from(root.offset_body).unwrap_or(0);
    if header_end > opts.max_header_bytes {
        out.diagnostics.push(
            Diagnostic::new(Code::HeaderLimit, format!("the header block is {header_end} octets; the limit is {}", opts.max_header_bytes))
                .at_line(1),
        );
    }
    out.headers = headers(root, &message.raw_message, Some((&lines, 0)));
    if out.headers.is_empty() {
        out.diagnostics.push(Diagnostic::new(Code::NotAMessage, "no header field could be read").at_line(1));
    }
    for (list, name) in [
        (&mut out.from, HeaderName::From),
        (&mut out.sender, HeaderName::Sender),
        (&mut out.to, HeaderName::To),
        (&mut out.cc, HeaderName::Cc),
        (&mut out.bcc, HeaderName::Bcc),
        (&mut out.reply_to, HeaderName::ReplyTo),
    ] {
        *list = root.headers.iter().filter(|h| h.name == name).flat_map(|h| addresses(&h.value)).collect();
    }
    let mut diags = Vec::new();
    out.root = tree(&message, Some((&lines, 0)), opts, &mut diags);
    out.diagnostics.extend(diags);
    out
}

/// Line numbers for a message: the index and the octet offset of the
/// message inside the top-level raw bytes.
type LineBase<'l> = Option<(&'l Lines, usize)>;

fn headers(part: &MessagePart<'_>, raw: &[u8], base: LineBase<'_>) -> Vec<Header> {
    part.headers
        .iter()
        .map(|h| {
            let start = usize::try_from(h.offset_start).unwrap_or(0);
            let end = usize::try_from(h.offset_end).unwrap_or(0);
            let field = usize::try_from(h.offset_field).unwrap_or(0);
            let mut raw_value = raw.get(start..end.max(start)).unwrap_or_default();
            while let [rest @ .., b'\r' | b'\n'] = raw_value {
                raw_value = rest;
            }
            let name = match &h.name {
                HeaderName::Other(n) => n.to_string(),
                known => raw
                    .get(field..start)
                    .and_then(|n| std::str::from_utf8(n).ok())
                    .map(|n| n.trim_end_matches(':').trim().to_owned())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| known.as_str().to_owned()),
            };
            // mail-parser keeps unknown fields raw (encoded words not
            // decoded): read them as unstructured text (RFC 2047 §5(1)).
            let value = match (&h.name, &h.value) {
                (HeaderName::Other(_), HeaderValue::Text(_) | HeaderValue::Empty) => {
                    let mut field_bytes = raw_value.to_vec();
                    field_bytes.extend_from_slice(b"\r\n");
                    match mail_parser::parsers::MessageStream::new(&field_bytes).parse_unstructured() {
                        HeaderValue::Text(t) => t.to_string(),
                        _ => String::new(),
                    }
                }
                _ => display_value(&h.value, raw_value),
            };
            Header { name, raw: raw_value.to_vec(), value, line: base.map(|(l, off)| l.line(off + field)) }
        })
        .collect()
}

/// A header value as text: what a reader sees.
fn display_value(v: &HeaderValue<'_>, raw: &[u8]) -> String {
    match v {
        HeaderValue::Text(t) => t.to_string(),
        HeaderValue::TextList(l) => l.iter().map(|s| format!("<{s}>")).collect::<Vec<_>>().join(" "),
        HeaderValue::Address(_) => addresses(v)
            .iter()
            .map(|a| {
                let addr = a.address.as_deref().unwrap_or_default();
                let who = match a.name.as_deref() {
                    Some(n) if !n.is_empty() => format!("{n} <{addr}>"),
                    _ => addr.to_owned(),
                };
                match &a.group {
                    Some(g) => format!("{g}: {who}"),
                    None => who,
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
        HeaderValue::DateTime(d) => d.to_rfc822(),
        HeaderValue::ContentType(ct) => {
            let mut s = ct.ctype().to_owned();
            if let Some(sub) = ct.subtype() {
                s.push('/');
                s.push_str(sub);
            }
            for a in ct.attributes().unwrap_or_default() {
                s.push_str(&format!("; {}={}", a.name, a.value));
            }
            s
        }
        HeaderValue::Received(_) | HeaderValue::Empty => unfold(raw),
    }
}

fn unfold(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    s.replace("\r\n", "").replace('\n', "").trim().to_owned()
}

fn addresses(v: &HeaderValue<'_>) -> Vec<Addr> {
    let s = |c: &Option<Cow<'_, str>>| c.as_ref().map(ToString::to_string);
    match v {
        HeaderValue::Address(Address::List(list)) => {
            list.iter().map(|a| Addr { name: s(&a.name), address: s(&a.address), group: None }).collect()
        }
        HeaderValue::Address(Address::Group(groups)) => groups
            .iter()
            .flat_map(|g| {
                let name = s(&g.name);
                g.addresses.iter().map(move |a| Addr { name: s(&a.name), address: s(&a.address), group: name.clone() })
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// One unit of work of the tree conversion.
struct Work<'m, 'x> {
    msg: &'m mail_parser::Message<'x>,
    id: usize,
    path: String,
    depth: usize,
    parent: Option<usize>,
    /// The multipart subtype of the parent (for the digest default).
    parent_subtype: String,
    /// The parent's boundary: a part's octets end at its next delimiter.
    parent_boundary: Option<String>,
    base: Option<usize>,
}

fn tree(message: &mail_parser::Message<'_>, base: LineBase<'_>, opts: &ParseOptions, diags: &mut Vec<Diagnostic>) -> Part {
    let lines = base.map(|(l, _)| l);
    let mut arena: Vec<(Option<Part>, Option<usize>)> = Vec::new();
    let root_path = if message.parts.first().is_some_and(|p| matches!(p.body, PartType::Multipart(_))) {
        "TEXT".to_owned()
    } else {
        "1".to_owned()
    };
    let mut stack = vec![Work { msg: message, id: 0, path: root_path, depth: 0, parent: None, parent_subtype: String::new(), parent_boundary: None, base: base.map(|(_, o)| o) }];
    let mut depth_reported = false;
    let mut count = 0;
    while let Some(w) = stack.pop() {
        let Some(mp) = w.msg.parts.get(w.id) else { continue };
        count += 1;
        if count > opts.max_parts {
            diags.push(Diagnostic::new(Code::PartLimit, format!("more than {} parts; the rest was not read", opts.max_parts)));
            break;
        }
        let mut part = convert(mp, &w, lines);
        let index = arena.len();
        match &mp.body {
            PartType::Multipart(ids) => {
                if w.depth + 1 > opts.max_depth {
                    if !depth_reported {
                        diags.push(
                            Diagnostic::new(Code::DepthLimit, format!("parts nested deeper than {} levels were not read", opts.max_depth))
                                .at_part(w.path.clone()),
                        );
                        depth_reported = true;
                    }
                } else {
                    let prefix = child_prefix(&w.path);
                    let subtype = part.content_type.trim_start_matches("multipart/").to_owned();
                    let boundary = part.param("boundary").map(str::to_owned);
                    for (i, id) in ids.iter().enumerate().rev() {
                        stack.push(Work {
                            msg: w.msg,
                            id: usize::try_from(*id).unwrap_or(usize::MAX),
                            path: format!("{prefix}{}", i + 1),
                            depth: w.depth + 1,
                            parent: Some(index),
                            parent_subtype: subtype.clone(),
                            parent_boundary: boundary.clone(),
                            base: w.base,
                        });
                    }
                }
            }
            PartType::Message(inner) => {
                let inner_base = if part.transfer_encoding.as_deref().is_none_or(|e| matches!(e, "7bit" | "8bit" | "binary")) {
                    w.base.map(|b| b + usize::try_from(mp.offset_body).unwrap_or(0))
                } else {
                    None
                };
                if let Some(first) = inner.parts.first() {
                    part.embedded = Some(Embedded { headers: headers(first, &inner.raw_message, lines.zip(inner_base)) });
                }
                if w.depth + 1 > opts.max_depth {
                    if !depth_reported {
                        diags.push(
                            Diagnostic::new(Code::DepthLimit, format!("parts nested deeper than {} levels were not read", opts.max_depth))
                                .at_part(w.path.clone()),
                        );
                        depth_reported = true;
                    }
                } else {
                    let multipart = inner.parts.first().is_some_and(|p| matches!(p.body, PartType::Multipart(_)));
                    stack.push(Work {
                        msg: inner,
                        id: 0,
                        path: if multipart { format!("{}.TEXT", w.path) } else { format!("{}.1", w.path) },
                        depth: w.depth + 1,
                        parent: Some(index),
                        parent_subtype: String::new(),
                        parent_boundary: None,
                        base: inner_base,
                    });
                }
            }
            _ => {}
        }
        arena.push((Some(part), w.parent));
    }
    assemble(arena)
}

/// Children of `TEXT` are `1`, `2`; of `2.TEXT` are `2.1`; of `2` are `2.1`.
fn child_prefix(path: &str) -> String {
    match path.strip_suffix("TEXT") {
        Some(p) => p.to_owned(),
        None => format!("{path}."),
    }
}

/// Moves every node into its parent, children in document order, without
/// recursion.
fn assemble(mut arena: Vec<(Option<Part>, Option<usize>)>) -> Part {
    for i in (1..arena.len()).rev() {
        let (node, parent) = match arena.get_mut(i) {
            Some((n, p)) => (n.take(), *p),
            None => continue,
        };
        if let (Some(node), Some(p)) = (node, parent)
            && let Some((Some(parent), _)) = arena.get_mut(p)
        {
            parent.children.push(node);
        }
    }
    let mut root = arena.into_iter().next().and_then(|(n, _)| n).unwrap_or_default();
    // Children were pushed last-first: put them in document order.
    let mut stack = vec![&mut root];
    while let Some(p) = stack.pop() {
        p.children.reverse();
        stack.extend(p.children.iter_mut());
    }
    root
}

fn convert(mp: &MessagePart<'_>, w: &Work<'_, '_>, lines: Option<&Lines>) -> Part {
    let raw = &w.msg.raw_message;
    let ct = mp.content_type();
    let content_type = match ct {
        Some(c) => match c.subtype() {
            Some(sub) => format!("{}/{}", c.ctype(), sub).to_ascii_lowercase(),
            None => c.ctype().to_ascii_lowercase(),
        },
        // RFC 2045 §5.2; RFC 2046 §5.1.5 for digests.
        None if w.parent_subtype == "digest" => "message/rfc822".to_owned(),
        None => "text/plain".to_owned(),
    };
    let params: Vec<(String, String)> = ct
        .and_then(|c| c.attributes())
        .unwrap_or_default()
        .iter()
        .map(|a| (a.name.to_ascii_lowercase(), a.value.to_string()))
        .collect();
    let charset = params.iter().find(|(n, _)| n == "charset").map(|(_, v)| v.clone());
    let (hb, bb, mut eb) = (
        usize::try_from(mp.offset_header).unwrap_or(0),
        usize::try_from(mp.offset_body).unwrap_or(0),
        usize::try_from(mp.offset_end).unwrap_or(0),
    );
    // mail-parser's end offset of an embedded message it could not read
    // runs to the end of the message: a part ends at its parent's next
    // delimiter line (RFC 2046 §5.1.1: the CRLF before it belongs to it).
    if let Some(b) = &w.parent_boundary
        && let Some(body) = raw.get(bb..eb.max(bb))
        && let Some(at) = memchr::memmem::find(body, format!("\n--{b}").as_bytes())
    {
        let cut = if at > 0 && body.get(at - 1) == Some(&b'\r') { at - 1 } else { at };
        eb = bb + cut;
    }
    let transfer_encoding = mp.content_transfer_encoding().map(|e| e.trim().to_ascii_lowercase());
    let (body, text) = match &mp.body {
        PartType::Text(t) | PartType::Html(t) => {
            let raw_body = raw.get(bb..eb.max(bb)).unwrap_or_default();
            (transfer_decode(raw_body, transfer_encoding.as_deref()), Some(t.to_string()))
        }
        PartType::Binary(b) | PartType::InlineBinary(b) => (b.to_vec(), None),
        // The part's own octets: mail-parser's nested raw_message of a
        // top-level message/rfc822 body spans more than the part.
        PartType::Message(_) => (transfer_decode(raw.get(bb..eb.max(bb)).unwrap_or_default(), transfer_encoding.as_deref()), None),
        PartType::Multipart(_) => (Vec::new(), None),
    };
    let base = w.base;
    Part {
        path: w.path.clone(),
        content_type,
        charset,
        transfer_encoding,
        disposition: mp.content_disposition().map(|d| d.ctype().to_ascii_lowercase()),
        filename: mp.attachment_name().map(str::to_owned),
        content_id: mp.content_id().map(|c| c.trim().trim_start_matches('<').trim_end_matches('>').to_owned()),
        headers: headers(mp, raw, lines.zip(base)),
        body,
        text,
        params,
        children: Vec::new(),
        embedded: None,
        lines: lines.zip(base).map(|(l, o)| (l.line(o + hb), l.line(o + bb), l.line(o + eb))),
        offsets: base.map(|o| (o + hb, o + bb, o + eb)),
        encoding_problem: mp.is_encoding_problem,
    }
}

/// The octets of a body after its transfer encoding is undone (RFC 2045 §6),
/// with mail-parser's own decoders; unknown encodings are left as they are.
#[must_use]
pub fn transfer_decode(raw: &[u8], encoding: Option<&str>) -> Vec<u8> {
    match encoding {
        Some("base64") => mail_parser::decoders::base64::base64_decode(raw).unwrap_or_else(|| raw.to_vec()),
        Some("quoted-printable") => {
            mail_parser::decoders::quoted_printable::quoted_printable_decode(raw).unwrap_or_else(|| raw.to_vec())
        }
        _ => raw.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NESTED: &[u8] = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: =?UTF-8?B?5a2j5bqm5oql5ZGK?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"o\"\r\n\r\n--o\r\nContent-Type: multipart/alternative; boundary=\"i\"\r\n\r\n--i\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain\r\n--i\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nPGI+aDwvYj4=\r\n--i--\r\n\r\n--o\r\nContent-Type: message/rfc822\r\n\r\nFrom: c@example.com\r\nSubject: inner\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\none\r\n--x\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=UTF-8''%E6%8A%A5.bin\r\n\r\nxyz\r\n--x--\r\n\r\n--o--\r\n";

    #[test]
    fn paths_follow_imap() {
        let m = parse(NESTED);
        let paths: Vec<(&str, &str)> = m.parts().iter().map(|p| (p.path.as_str(), p.content_type.as_str())).collect();
        assert_eq!(
            paths,
            [
                ("TEXT", "multipart/mixed"),
                ("1", "multipart/alternative"),
                ("1.1", "text/plain"),
                ("1.2", "text/html"),
                ("2", "message/rfc822"),
                ("2.TEXT", "multipart/mixed"),
                ("2.1", "text/plain"),
                ("2.2", "application/octet-stream"),
            ]
        );
        assert_eq!(m.subject(), Some("季度报告"));
        assert_eq!(m.part("1.2").unwrap().body, b"<b>h</b>");
        assert_eq!(m.part("2.2").unwrap().filename.as_deref(), Some("报.bin"));
        let embedded = m.part("2").unwrap().embedded.as_ref().unwrap();
        assert!(embedded.headers.iter().any(|h| h.name == "Subject" && h.value == "inner"));
        assert_eq!(m.text_body().unwrap().text.as_deref(), Some("plain"));
    }

    #[test]
    fn a_single_part_message_is_part_1() {
        let m = parse(b"Subject: x\r\n\r\nbody");
        assert_eq!(m.root.path, "1");
        assert_eq!(m.root.content_type, "text/plain");
    }

    #[test]
    fn header_lines_and_raw_values() {
        let m = parse(NESTED);
        let s = m.header("subject").unwrap();
        assert_eq!(s.line, Some(3));
        assert_eq!(s.raw, b" =?UTF-8?B?5a2j5bqm5oql5ZGK?=");
        // The part header starts on the line after its delimiter.
        assert_eq!(m.part("1.1").unwrap().lines.map(|l| l.0), Some(11));
    }

    #[test]
    fn garbage_is_not_a_message() {
        for input in [&b""[..], b"\0\0\0", b"\r\n\r\n"] {
            let m = parse(input);
            assert!(m.diagnostics.iter().any(|d| d.code == Code::NotAMessage) || !m.headers.is_empty(), "{input:?}");
        }
    }

    fn nested(depth: usize) -> Vec<u8> {
        let mut s = String::from("From: a@example.com\r\nMIME-Version: 1.0\r\n");
        for i in 0..depth {
            s.push_str(&format!("Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"));
        }
        s.push_str("Content-Type: text/plain\r\n\r\ndeep\r\n");
        for i in (0..depth).rev() {
            s.push_str(&format!("--b{i}--\r\n"));
        }
        s.into_bytes()
    }

    #[test]
    fn deep_nesting_is_cut_with_a_diagnostic() {
        let m = parse(&nested(10_000));
        assert!(m.diagnostics.iter().any(|d| d.code == Code::DepthLimit));
        let mut depth = 0;
        let mut p = &m.root;
        while let Some(c) = p.children.first() {
            depth += 1;
            p = c;
        }
        assert!(depth <= 64, "{depth}");
    }

    #[test]
    fn many_parts_are_cut_with_a_diagnostic() {
        let mut s = String::from("From: a@example.com\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n");
        for _ in 0..100_000 {
            s.push_str("--b\r\n\r\nx\r\n");
        }
        s.push_str("--b--\r\n");
        let m = parse(s.as_bytes());
        assert!(m.diagnostics.iter().any(|d| d.code == Code::PartLimit));
        assert!(m.parts().len() <= 10_000);
    }
}
