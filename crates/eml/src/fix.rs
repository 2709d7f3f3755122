//! `eml fix`: rebuild a garbled message with the builder.
//!
//! What the rebuild keeps and what it changes:
//! - **Structure**: every multipart keeps its subtype, its parameters (but
//!   the boundary, which the builder chooses so it cannot collide) and its
//!   children in order; message/rfc822 parts that lint without an error are
//!   kept byte for byte, others are fixed recursively (kept as they are when
//!   that fails).
//! - **Text parts** (text/*): decoded with the repaired charset
//!   (`mimesmith_verify::charset::decode_text`: a wrong or missing label,
//!   mojibake) and written as UTF-8 with the transfer encoding the builder
//!   chooses.
//! - **Other leaves**: their decoded bytes unchanged, content type kept.
//! - **Headers**: From, Sender, To, Cc, Reply-To, Subject, Date, Message-ID,
//!   In-Reply-To and References through the builder; every other field
//!   (but MIME fields, which the builder writes, and Bcc, which it never
//!   writes) as unstructured text, decoded and repaired, RFC 2047-encoded
//!   again where needed. File names are written in RFC 2231 form plus the
//!   RFC 2047 `name=` that Outlook reads.
//! - **Repairs beyond re-encoding**: a missing Date or Message-ID is added;
//!   a message without a From takes its address from Sender, then
//!   Return-Path; a message without any recipient gets the empty group
//!   `undisclosed-recipients:;` (RFC 5322 §3.4); an HTML-only body gets a
//!   text/plain alternative made from the HTML; an inline image that the
//!   HTML refers to by file name (`cid:logo.png`) but that has no matching
//!   Content-ID gets that Content-ID; when the HTML refers to exactly one
//!   `cid:` that no part carries and exactly one image carries a Content-ID
//!   nothing refers to (a template renamed one of them), the image takes the
//!   referred Content-ID; a multipart whose boundary never
//!   occurs becomes one text part holding its body.
//!
//! Every change that is not a pure re-encoding is listed in
//! [`Fixed::notes`].

use std::collections::HashSet;

use mimesmith::{
    Body, ContentId, ContentType, DateTime, Disposition, Group, HeaderName, Mailbox, Message,
    MultiPart, SinglePart,
};
use mimesmith_verify::lint::repaired_header_value;
use mimesmith_verify::parse::Addr;
use mimesmith_verify::{Code, ParsedMessage, Part, parse};

/// Fields the rebuild writes itself (or drops, for Bcc).
const HANDLED: &[&str] = &[
    "from",
    "sender",
    "to",
    "cc",
    "bcc",
    "reply-to",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-disposition",
    "content-id",
];

/// Embedded messages are fixed down to this depth; deeper ones are kept as they are.
const MAX_FIX_DEPTH: usize = 8;

/// A rebuilt message.
#[derive(Debug, Clone)]
pub struct Fixed {
    /// The new message.
    pub bytes: Vec<u8>,
    /// What was changed beyond re-encoding, one sentence each.
    pub notes: Vec<String>,
}

/// Why a message cannot be rebuilt.
#[derive(Debug, thiserror::Error)]
pub enum FixError {
    /// The input has no header section.
    #[error("not a message: no header fields")]
    NotAMessage,
    /// No author address anywhere (From, Sender, Return-Path).
    #[error("no From address, and no Sender or Return-Path to take one from")]
    NoFrom,
    /// The builder refused something.
    #[error("cannot rebuild: {0}")]
    Build(#[from] mimesmith::Error),
}

/// Rebuilds `raw`; `seed` makes boundaries and generated ids reproducible.
///
/// # Errors
/// [`FixError`] when there is nothing to rebuild from.
pub fn fix_message(raw: &[u8], seed: Option<u64>) -> Result<Fixed, FixError> {
    fix_at(raw, seed, 0)
}

fn fix_at(raw: &[u8], seed: Option<u64>, depth: usize) -> Result<Fixed, FixError> {
    let parsed = parse(raw);
    if parsed
        .diagnostics
        .iter()
        .any(|d| d.code == Code::NotAMessage)
    {
        return Err(FixError::NotAMessage);
    }
    let mut notes = Vec::new();
    let mut b = Message::builder();
    if let Some(seed) = seed {
        b = b.seed(seed);
    }

    // Author.
    let mut from = mailboxes(&parsed.from(), "From", &mut notes);
    if from.is_empty() {
        for field in ["sender", "return-path"] {
            let found = mailboxes(&parsed.addresses(field), field, &mut notes);
            if let Some(m) = found.into_iter().next() {
                notes.push(format!(
                    "From was missing; taken from {field}: {}",
                    m.email().to_header_string(true).unwrap_or_default()
                ));
                from.push(m);
                break;
            }
        }
    }
    if from.is_empty() {
        return Err(FixError::NoFrom);
    }
    let several = from.len() > 1;
    for m in from {
        b = b.from(m);
    }
    if let Some(s) = mailboxes(&parsed.sender(), "Sender", &mut notes)
        .into_iter()
        .next()
    {
        b = b.sender(s);
    } else if several {
        notes.push(
            "several From addresses and no Sender: the first author was made the Sender".to_owned(),
        );
        if let Some(first) = mailboxes(&parsed.from(), "From", &mut Vec::new())
            .into_iter()
            .next()
        {
            b = b.sender(first);
        }
    }

    // Recipients.
    let mut any_recipient = false;
    for (field, list) in [
        ("To", parsed.to()),
        ("Cc", parsed.cc()),
        ("Reply-To", parsed.reply_to()),
    ] {
        for address in addresses(&list, field, &mut notes) {
            any_recipient |= field != "Reply-To";
            b = match (field, address) {
                ("To", Addr2::Mailbox(m)) => b.to(m),
                ("To", Addr2::Group(g)) => b.to(g),
                ("Cc", Addr2::Mailbox(m)) => b.cc(m),
                ("Cc", Addr2::Group(g)) => b.cc(g),
                (_, Addr2::Mailbox(m)) => b.reply_to(m),
                (_, Addr2::Group(g)) => b.reply_to(g),
            };
        }
    }
    if !parsed.bcc().is_empty() {
        notes.push(
            "the Bcc field was dropped: a message must not show its blind recipients".to_owned(),
        );
    }
    if !any_recipient {
        b = b.to(Group::new("undisclosed-recipients", Vec::new())?);
        notes.push("no recipient: To set to the empty group undisclosed-recipients:;".to_owned());
    }

    // Identity and threading.
    if let Some(h) = parsed.header("subject") {
        b = b.subject(repaired_header_value(h).into_owned());
    }
    match parsed
        .date()
        .and_then(|d| DateTime::from_unix(d.timestamp(), i32::from(d.offset_minutes)).ok())
    {
        Some(d) => b = b.date(d),
        None => notes.push("Date was missing or unreadable: set to now".to_owned()),
    }
    match parsed.message_id() {
        Some(id) if mimesmith::MessageId::new(&id).is_ok() => b = b.message_id(&id),
        Some(id) => notes.push(format!(
            "Message-ID <{id}> is not valid: a new one was generated"
        )),
        None => notes.push("Message-ID was missing: one was generated".to_owned()),
    }
    for (field, many) in [("in-reply-to", false), ("references", true)] {
        if let Some(h) = parsed.header(field) {
            for id in ids(&h.value) {
                if mimesmith::MessageId::new(&id).is_err() {
                    notes.push(format!("{} id <{id}> is not valid and was dropped", h.name));
                    continue;
                }
                b = if many {
                    b.references(&id)
                } else {
                    b.in_reply_to(&id)
                };
            }
        }
    }

    // Every other field, as text.
    for h in &parsed.headers {
        if HANDLED.iter().any(|n| h.is(n)) {
            continue;
        }
        match HeaderName::new(h.name.clone()) {
            Ok(name) if !name.is_reserved() => b = b.header(&h.name, &repaired_header_value(h)),
            _ => notes.push(format!(
                "the field {:?} has an invalid name and was dropped",
                h.name
            )),
        }
    }

    // Body.
    let root = body(&parsed, &parsed.root, seed, depth, &mut notes)?;
    b = b.body(root);
    let message = b.build()?;
    let bytes = message.to_vec()?;
    Ok(Fixed { bytes, notes })
}

enum Addr2 {
    Mailbox(Mailbox),
    Group(Group),
}

/// A display name without control characters (the builder refuses them).
fn clean_name(name: Option<&str>) -> String {
    name.unwrap_or_default()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn mailbox(a: &Addr, field: &str, notes: &mut Vec<String>) -> Option<Mailbox> {
    let email = a.address.as_deref()?.trim();
    match Mailbox::new(clean_name(a.name.as_deref()), email) {
        Ok(m) => Some(m),
        Err(e) => {
            notes.push(format!("{field}: the address {email:?} was dropped: {e}"));
            None
        }
    }
}

fn mailboxes(list: &[Addr], field: &str, notes: &mut Vec<String>) -> Vec<Mailbox> {
    list.iter()
        .filter_map(|a| mailbox(a, field, notes))
        .collect()
}

/// Mailboxes and groups, in order; consecutive members of one group form it.
fn addresses(list: &[Addr], field: &str, notes: &mut Vec<String>) -> Vec<Addr2> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(a) = list.get(i) {
        match &a.group {
            None => {
                out.extend(mailbox(a, field, notes).map(Addr2::Mailbox));
                i += 1;
            }
            Some(name) => {
                let mut members = Vec::new();
                while let Some(m) = list.get(i).filter(|m| m.group.as_ref() == Some(name)) {
                    if m.address.is_some() {
                        members.extend(mailbox(m, field, notes));
                    }
                    i += 1;
                }
                match Group::new(&clean_name(Some(name)), members) {
                    Ok(g) => out.push(Addr2::Group(g)),
                    Err(e) => notes.push(format!("{field}: the group {name:?} was dropped: {e}")),
                }
            }
        }
    }
    out
}

/// Message ids in a field: the text between `<` and `>`.
fn ids(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let after = rest.get(start + 1..).unwrap_or_default();
        let Some(end) = after.find('>') else { break };
        let id = after.get(..end).unwrap_or_default().trim();
        if !id.is_empty() {
            out.push(id.to_owned());
        }
        rest = after.get(end + 1..).unwrap_or_default();
    }
    out
}

/// `cid:` references of every HTML part of this message (not embedded ones).
fn html_cids(root: &Part) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut stack = vec![root];
    while let Some(p) = stack.pop() {
        if p.is_multipart() {
            stack.extend(&p.children);
        } else if p.content_type == "text/html"
            && let Some(t) = &p.text
        {
            let lower = t.to_ascii_lowercase();
            let mut from = 0;
            while let Some(at) = lower.get(from..).and_then(|s| s.find("cid:")) {
                let start = from + at + 4;
                let rest = t.get(start..).unwrap_or_default();
                let end = rest
                    .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ')' | '>' | '<'))
                    .unwrap_or(rest.len());
                out.insert(rest.get(..end).unwrap_or_default().to_owned());
                from = start;
            }
        }
    }
    out
}

/// The one image whose Content-ID nothing refers to, and the one `cid:` the
/// HTML refers to that no part carries, when there is exactly one of each:
/// (the image's path, the referred Content-ID).
fn lone_cid_rename(root: &Part, cids: &HashSet<String>) -> Option<(String, String)> {
    let mut carried = HashSet::new();
    let mut unreferenced = Vec::new();
    let mut stack = vec![root];
    while let Some(p) = stack.pop() {
        if p.is_multipart() {
            stack.extend(&p.children);
        } else if let Some(id) = &p.content_id {
            carried.insert(id.as_str());
            if p.content_type.starts_with("image/") && !cids.contains(id) {
                unreferenced.push(p.path.clone());
            }
        }
    }
    let missing: Vec<&String> = cids
        .iter()
        .filter(|c| !carried.contains(c.as_str()))
        .collect();
    match (missing.as_slice(), unreferenced.as_slice()) {
        ([cid], [path]) => Some((path.clone(), (*cid).clone())),
        _ => None,
    }
}

fn body<'p>(
    parsed: &'p ParsedMessage,
    part: &'p Part,
    seed: Option<u64>,
    depth: usize,
    notes: &mut Vec<String>,
) -> Result<mimesmith::Part<'p>, FixError> {
    let cids = html_cids(&parsed.root);
    let main_html = parsed.html_body().map(|p| p.path.clone());
    let has_text = parsed.text_body().is_some();
    let rename = lone_cid_rename(&parsed.root, &cids);
    convert(
        part,
        &Ctx {
            cids: &cids,
            rename: rename.as_ref(),
            main_html: main_html.as_deref(),
            has_text,
            seed,
            depth,
        },
        notes,
    )
}

struct Ctx<'c> {
    cids: &'c HashSet<String>,
    rename: Option<&'c (String, String)>,
    main_html: Option<&'c str>,
    has_text: bool,
    seed: Option<u64>,
    depth: usize,
}

fn convert<'p>(
    part: &'p Part,
    ctx: &Ctx<'_>,
    notes: &mut Vec<String>,
) -> Result<mimesmith::Part<'p>, FixError> {
    if part.is_multipart() && !part.children.is_empty() {
        let subtype = part
            .content_type
            .strip_prefix("multipart/")
            .unwrap_or("mixed");
        let mut mp = MultiPart::new(subtype)?;
        for (k, v) in &part.params {
            if !matches!(k.as_str(), "boundary" | "charset") {
                mp = mp.param(k, v)?;
            }
        }
        for child in &part.children {
            mp = mp.part(convert(child, ctx, notes)?);
        }
        return Ok(mp.into());
    }
    if part.is_multipart() {
        notes.push(format!(
            "part {}: {} whose boundary never occurs became one text part holding its body",
            display(&part.path),
            part.content_type
        ));
        let text = mimesmith_verify::charset::decode_text(&part.body, None).text;
        return Ok(SinglePart::plain(text).into());
    }
    // The main HTML of a message without text: offer a text alternative.
    if ctx.main_html == Some(part.path.as_str()) && !ctx.has_text {
        let html = part.text.clone().unwrap_or_default();
        let text = mimesmith_verify::html::to_text(&html);
        notes.push(format!(
            "part {}: HTML only; a text/plain alternative was made from it",
            display(&part.path)
        ));
        let alt = MultiPart::alternative()
            .part(SinglePart::plain(text))
            .part(leaf(part, ctx, notes)?);
        return Ok(alt.into());
    }
    Ok(leaf(part, ctx, notes)?.into())
}

/// The part's content type with its parameters, but those the builder
/// writes itself (`charset`, `name`, `boundary`).
fn content_type(part: &Part, notes: &mut Vec<String>) -> ContentType {
    let Ok(mut ct) = ContentType::parse(&part.content_type) else {
        notes.push(format!(
            "part {}: the content type {:?} is invalid; written as application/octet-stream",
            display(&part.path),
            part.content_type
        ));
        return ContentType::octet_stream();
    };
    for (k, v) in &part.params {
        if matches!(k.as_str(), "charset" | "name" | "boundary") {
            continue;
        }
        match ct.clone().with_param(k, v) {
            Ok(with) => ct = with,
            Err(e) => notes.push(format!(
                "part {}: parameter {k} dropped: {e}",
                display(&part.path)
            )),
        }
    }
    ct
}

fn display(path: &str) -> &str {
    if path.is_empty() { "(root)" } else { path }
}

/// NUL or a line over 998 octets (RFC 5322 §2.1.1): only binary carries it.
/// Lines end at CR or LF, as the builder's measure counts them (it writes a
/// bare CR or LF as CRLF), so this refuses exactly what the builder would.
fn needs_binary(bytes: &[u8]) -> bool {
    bytes.contains(&0)
        || bytes
            .split(|&b| b == b'\n' || b == b'\r')
            .any(|l| l.len() > 998)
}

fn leaf<'p>(
    part: &'p Part,
    ctx: &Ctx<'_>,
    notes: &mut Vec<String>,
) -> Result<SinglePart<'p>, FixError> {
    let ct = content_type(part, notes);
    let mut single = if part.is_message() {
        let clean = !mimesmith_verify::lint::has_errors(
            &mimesmith_verify::lint::lint(&part.body).diagnostics,
        );
        let bytes = if clean || ctx.depth >= MAX_FIX_DEPTH {
            part.body.clone()
        } else {
            match fix_at(&part.body, ctx.seed, ctx.depth + 1) {
                Ok(f) => f.bytes,
                Err(e) => {
                    notes.push(format!(
                        "part {}: the attached message was kept as it is ({e})",
                        display(&part.path)
                    ));
                    part.body.clone()
                }
            }
        };
        if needs_binary(&bytes) {
            // The builder writes embedded messages 7bit or 8bit only (RFC 2046
            // §5.2.1 allows binary, which few servers accept).
            notes.push(format!(
                "part {}: the attached message has NUL octets or a line over 998 octets, which only binary transfer carries; attached as application/octet-stream",
                display(&part.path)
            ));
            SinglePart::bytes(mimesmith::ContentType::octet_stream(), bytes)
        } else {
            SinglePart::message(bytes)
        }
    } else if let (true, Some(text)) = (ct.is_text(), &part.text) {
        SinglePart::new(ct, Body::Text(text.as_str().into())).charset(mimesmith::Charset::UTF_8)
    } else {
        SinglePart::bytes(ct, part.body.as_slice())
    };
    match part.disposition.as_deref() {
        Some("attachment") => single = single.disposition(Disposition::Attachment),
        Some("inline") => single = single.disposition(Disposition::Inline),
        _ => {}
    }
    if let Some(name) = &part.filename
        && mimesmith::clean_filename(name).is_some()
    {
        single = single.filename(name);
    }
    let mut cid = part.content_id.clone();
    if cid.is_none()
        && let Some(name) = &part.filename
        && ctx.cids.contains(name)
    {
        notes.push(format!(
            "part {}: the HTML refers to cid:{name}; the part was given that Content-ID",
            display(&part.path)
        ));
        cid = Some(name.clone());
    }
    if let Some((path, referred)) = ctx.rename
        && *path == part.path
    {
        notes.push(format!(
            "part {}: no part carried cid:{referred}, which the HTML refers to, and nothing referred to this image's \
             Content-ID; the image was given cid:{referred}",
            display(&part.path)
        ));
        cid = Some(referred.clone());
    }
    if let Some(id) = cid {
        match ContentId::new(&id) {
            Ok(c) => single = single.content_id(c),
            Err(e) => notes.push(format!(
                "part {}: Content-ID <{id}> dropped: {e}",
                display(&part.path)
            )),
        }
    }
    for h in &part.headers {
        if HANDLED.iter().any(|n| h.is(n)) {
            continue;
        }
        match HeaderName::new(h.name.clone()) {
            Ok(name) if !name.is_reserved() => {
                single = single.header(name, &repaired_header_value(h))
            }
            _ => notes.push(format!(
                "part {}: the field {:?} was dropped",
                display(&part.path),
                h.name
            )),
        }
    }
    Ok(single)
}
