//! [`MessageBuilder`]: the RFC 5322 §3.6 fields, MIME-Version (RFC 2045 §4)
//! and the standard body layout
//! `mixed(related(alternative(text, html), inline…), attachments…)`.

use std::borrow::Cow;
use std::fs::File;
use std::io::Read;

use crate::boundary::{self, Exposed};
use crate::encode::base64::Base64Encoder;
use crate::encode::charset::Charset;
use crate::encode::qp::QpMode;
use crate::encode::{self, BodyKind, Measure, TransferEncoding};
use crate::error::{Error, Result};
use crate::header::address::{Address, Group, Mailbox};
use crate::header::address_list::AddressList;
use crate::header::content_type::{ContentType, Disposition};
use crate::header::date::DateTime;
use crate::header::kind::FieldValue;
use crate::header::message_id::{ContentId, MessageId};
use crate::header::{HeaderName, sanitize_cow};
use crate::part::{Body, MultiPart, Part, SinglePart};
use crate::random::LazyRng;
use crate::write::FormatOptions;
use smallvec::SmallVec;

/// The deepest part tree written; deeper trees are refused (parsers stop
/// earlier: mail-parser, for one, at about 50 levels).
pub const MAX_DEPTH: usize = 50;

/// Anything that can stand for one mailbox: a [`Mailbox`], `"Name <a@b>"`,
/// `"a@b"`, or `("Name", "a@b")`.
pub trait IntoMailbox {
    /// Converts, validating.
    ///
    /// # Errors
    /// [`Error::InvalidAddress`].
    fn into_mailbox(self) -> Result<Mailbox>;
}

impl IntoMailbox for Mailbox {
    fn into_mailbox(self) -> Result<Mailbox> {
        Ok(self)
    }
}

impl IntoMailbox for &str {
    fn into_mailbox(self) -> Result<Mailbox> {
        Mailbox::parse(self)
    }
}

impl IntoMailbox for String {
    fn into_mailbox(self) -> Result<Mailbox> {
        Mailbox::parse(&self)
    }
}

impl IntoMailbox for (&str, &str) {
    fn into_mailbox(self) -> Result<Mailbox> {
        Mailbox::new(self.0, self.1)
    }
}

/// Anything that can stand for one address: a mailbox (see
/// [`IntoMailbox`]) or a [`Group`].
pub trait IntoAddress {
    /// Converts, validating.
    ///
    /// # Errors
    /// [`Error::InvalidAddress`].
    fn into_address(self) -> Result<Address>;
}

impl IntoAddress for Address {
    fn into_address(self) -> Result<Address> {
        Ok(self)
    }
}

impl IntoAddress for Group {
    fn into_address(self) -> Result<Address> {
        Ok(Address::Group(self))
    }
}

impl<T: IntoMailbox> IntoAddress for T {
    fn into_address(self) -> Result<Address> {
        self.into_mailbox().map(Address::Mailbox)
    }
}

/// One address or several: anything [`IntoAddress`] takes, or an
/// [`AddressList`] parsed from a pasted list. The list setters of
/// [`MessageBuilder`] take this.
pub trait IntoAddresses {
    /// Converts, validating.
    ///
    /// # Errors
    /// [`Error::InvalidAddress`].
    fn into_addresses(self) -> Result<SmallVec<[Address; 1]>>;
}

impl<T: IntoAddress> IntoAddresses for T {
    #[inline]
    fn into_addresses(self) -> Result<SmallVec<[Address; 1]>> {
        self.into_address().map(|a| smallvec::smallvec![a])
    }
}

impl IntoAddresses for AddressList {
    fn into_addresses(self) -> Result<SmallVec<[Address; 1]>> {
        Ok(self.into_vec().into())
    }
}

/// The SMTP envelope (RFC 5321 §3.3): who the message is from and every
/// recipient, Bcc included, each once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The reverse path: the Sender, or else the first From address.
    pub from: String,
    /// Every recipient of To, Cc and Bcc (group members included), in order,
    /// without duplicates.
    pub to: Vec<String>,
}

/// Builds a [`Message`]. Methods that take text never fail; invalid input
/// given as a string (an address, a header name) is reported by
/// [`MessageBuilder::build`].
///
/// The fields live behind one `Box`, so that the chained calls move a
/// pointer rather than the whole builder.
///
/// [`MessageBuilder::build`] turns that same `Box` into the [`Message`],
/// so building allocates nothing for the message itself and moves no
/// header lists.
#[derive(Debug, Default)]
pub struct MessageBuilder<'a>(Box<Fields<'a>>);

/// A single From or To address is the common case: kept inline.
pub(crate) type Mailboxes = SmallVec<[Mailbox; 1]>;
/// See [`Mailboxes`].
pub(crate) type Addresses1 = SmallVec<[Address; 1]>;

/// The builder's fields, and after `build` the message's: the top-level
/// header fields, validated, and the prepared body.
#[derive(Default)]
pub(crate) struct Fields<'a> {
    pub(crate) from: Mailboxes,
    pub(crate) sender: Option<Mailbox>,
    pub(crate) reply_to: Vec<Address>,
    pub(crate) to: Addresses1,
    pub(crate) cc: Vec<Address>,
    /// Not written; kept for the envelope.
    pub(crate) bcc: Vec<Address>,
    pub(crate) subject: Option<Cow<'a, str>>,
    /// Always set by `build` (the current time when not given).
    pub(crate) date: Option<DateTime>,
    /// Always set by `build` (generated when not given).
    pub(crate) message_id: Option<MessageId>,
    pub(crate) in_reply_to: Vec<MessageId>,
    pub(crate) references: Vec<MessageId>,
    /// Extra header fields.
    pub(crate) headers: Vec<(HeaderName, FieldValue)>,
    text: Option<Cow<'a, str>>,
    html: Option<Cow<'a, str>>,
    inline: Vec<SinglePart<'a>>,
    attachments: Vec<SinglePart<'a>>,
    /// Boxed: rarely set, and the box of fields stays small enough for
    /// the allocator's fast path (at most 1032 octets for glibc's tcache).
    body: Option<Box<Part<'a>>>,
    pub(crate) options: FormatOptions,
    error: Option<Error>,
    /// The body, laid out, measured and given boundaries by `build`.
    pub(crate) root: Prepared<'a>,
}

impl std::fmt::Debug for Fields<'_> {
    /// The builder's inputs, as before the body was kept here too.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fields")
            .field("from", &self.from)
            .field("sender", &self.sender)
            .field("reply_to", &self.reply_to)
            .field("to", &self.to)
            .field("cc", &self.cc)
            .field("bcc", &self.bcc)
            .field("subject", &self.subject)
            .field("date", &self.date)
            .field("message_id", &self.message_id)
            .field("in_reply_to", &self.in_reply_to)
            .field("references", &self.references)
            .field("headers", &self.headers)
            .field("text", &self.text)
            .field("html", &self.html)
            .field("inline", &self.inline)
            .field("attachments", &self.attachments)
            .field("body", &self.body)
            .field("options", &self.options)
            .field("error", &self.error)
            .finish()
    }
}

impl<'a> MessageBuilder<'a> {
    /// An empty builder with default options (UTF-8, no SMTPUTF8, RFC 2047
    /// compatibility file names on, random identifiers).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn keep<T>(&mut self, r: Result<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.error.get_or_insert(e);
                None
            }
        }
    }

    /// Adds a From mailbox (RFC 5322 §3.6.2).
    #[must_use]
    pub fn from(mut self, mailbox: impl IntoMailbox) -> Self {
        if let Some(m) = self.keep(mailbox.into_mailbox()) {
            self.0.from.push(m);
        }
        self
    }

    /// Sets the Sender (RFC 5322 §3.6.2), needed when From has several mailboxes.
    #[must_use]
    pub fn sender(mut self, mailbox: impl IntoMailbox) -> Self {
        self.0.sender = self.keep(mailbox.into_mailbox());
        self
    }

    /// Adds a Reply-To address (RFC 5322 §3.6.2).
    #[must_use]
    pub fn reply_to(mut self, address: impl IntoAddresses) -> Self {
        if let Some(a) = self.keep(address.into_addresses()) {
            self.0.reply_to.extend(a);
        }
        self
    }

    /// Adds a To address, or every address of an [`AddressList`]
    /// (RFC 5322 §3.6.3). A string is one mailbox: `"A <a@b>, B <b@c>"` is
    /// an error, never one mailbox with a strange name.
    #[must_use]
    pub fn to(mut self, address: impl IntoAddresses) -> Self {
        if let Some(a) = self.keep(address.into_addresses()) {
            self.0.to.extend(a);
        }
        self
    }

    /// Adds a Cc address (RFC 5322 §3.6.3).
    #[must_use]
    pub fn cc(mut self, address: impl IntoAddresses) -> Self {
        if let Some(a) = self.keep(address.into_addresses()) {
            self.0.cc.extend(a);
        }
        self
    }

    /// Adds a Bcc address: part of the envelope, never written into the
    /// message (RFC 5322 §3.6.3 allows either; writing it leaks the list).
    #[must_use]
    pub fn bcc(mut self, address: impl IntoAddresses) -> Self {
        if let Some(a) = self.keep(address.into_addresses()) {
            self.0.bcc.extend(a);
        }
        self
    }

    /// Sets the Subject (RFC 5322 §3.6.5). Any Unicode; line breaks become
    /// spaces.
    #[must_use]
    pub fn subject(mut self, subject: impl Into<Cow<'a, str>>) -> Self {
        self.0.subject = Some(sanitize_cow(subject.into()));
        self
    }

    /// Sets the Date (RFC 5322 §3.6.1); default: when `build` runs.
    #[must_use]
    pub fn date(mut self, date: DateTime) -> Self {
        self.0.date = Some(date);
        self
    }

    /// Sets the Message-ID (RFC 5322 §3.6.4); default: generated, with the
    /// domain of the first From address.
    #[must_use]
    pub fn message_id(mut self, id: &str) -> Self {
        self.0.message_id = self.keep(MessageId::new(id));
        self
    }

    /// Adds an In-Reply-To identifier (RFC 5322 §3.6.4).
    #[must_use]
    pub fn in_reply_to(mut self, id: &str) -> Self {
        if let Some(id) = self.keep(MessageId::new(id)) {
            self.0.in_reply_to.push(id);
        }
        self
    }

    /// Adds a References identifier (RFC 5322 §3.6.4).
    #[must_use]
    pub fn references(mut self, id: &str) -> Self {
        if let Some(id) = self.keep(MessageId::new(id)) {
            self.0.references.push(id);
        }
        self
    }

    /// Adds a header. The name is validated (RFC 5322 §2.2) and must not be
    /// a field the builder writes; line breaks in the value become spaces.
    /// The value is written by the field's [`crate::FieldKind`]: text is
    /// RFC 2047 encoded where needed; an address field (Resent-To,
    /// Disposition-Notification-To, …) is parsed as an address list; a
    /// structured field (Received, DKIM-Signature, Authentication-Results,
    /// List-*, …) is folded at white space and never encoded, and refuses
    /// non-ASCII. A value that does not fit its kind is reported by `build`.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::new(name.to_owned()).and_then(|n| {
            if n.is_reserved() {
                Err(Error::InvalidHeaderName {
                    name: n.as_str().to_owned(),
                    reason: "the builder writes this field itself; use the matching method",
                })
            } else {
                Ok(n)
            }
        });
        let field = name.and_then(|n| FieldValue::new(n.as_str(), value).map(|v| (n, v)));
        if let Some(field) = self.keep(field) {
            self.0.headers.push(field);
        }
        self
    }

    /// The plain-text body.
    #[must_use]
    pub fn text(mut self, text: impl Into<Cow<'a, str>>) -> Self {
        self.0.text = Some(text.into());
        self
    }

    /// The HTML body.
    #[must_use]
    pub fn html(mut self, html: impl Into<Cow<'a, str>>) -> Self {
        self.0.html = Some(html.into());
        self
    }

    /// Adds an inline part (an image the HTML shows through `cid:`). It goes
    /// into multipart/related with the text (RFC 2387); without a
    /// Content-ID, one is generated.
    #[must_use]
    pub fn inline(mut self, part: SinglePart<'a>) -> Self {
        let part = if part.disposition.is_none() {
            part.disposition(Disposition::Inline)
        } else {
            part
        };
        self.0.inline.push(part);
        self
    }

    /// Adds an attachment (multipart/mixed, RFC 2046 §5.1.3).
    #[must_use]
    pub fn attachment(mut self, part: SinglePart<'a>) -> Self {
        let part = if part.disposition.is_none() {
            part.disposition(Disposition::Attachment)
        } else {
            part
        };
        self.0.attachments.push(part);
        self
    }

    /// Sets the whole body tree, replacing text, html, inline parts and
    /// attachments.
    #[must_use]
    pub fn body(mut self, part: impl Into<Part<'a>>) -> Self {
        self.0.body = Some(Box::new(part.into()));
        self
    }

    /// Sets the output options.
    #[must_use]
    pub fn options(mut self, options: FormatOptions) -> Self {
        self.0.options = options;
        self
    }

    /// The charset of header encoded words and text bodies (default UTF-8).
    #[must_use]
    pub fn charset(mut self, charset: Charset) -> Self {
        self.0.options = self.0.options.with_charset(charset);
        self
    }

    /// Makes boundaries, Message-ID and Content-IDs reproducible.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.0.options = self.0.options.with_seed(seed);
        self
    }

    /// Checks everything, lays the body out, measures every part and
    /// chooses its encoding, identifiers and boundaries.
    ///
    /// # Errors
    /// The first invalid input: an address, a header name, a charset that
    /// cannot hold some text, a forced encoding that cannot carry its part,
    /// a missing file, no From, no recipient.
    pub fn build(mut self) -> Result<Message<'a>> {
        if let Some(e) = self.0.error.take() {
            return Err(e);
        }
        let first_from = self.0.from.first().ok_or(Error::MissingFrom)?;
        if self.0.from.len() > 1 && self.0.sender.is_none() {
            return Err(Error::SenderRequired);
        }
        if self.0.to.is_empty() && self.0.cc.is_empty() && self.0.bcc.is_empty() {
            return Err(Error::NoRecipients);
        }
        if let Some(subject) = &self.0.subject {
            crate::header::check_text("Subject", subject)?;
        }
        let opts = self.0.options;
        let smtputf8 = opts.smtputf8;
        // The first From domain names generated identifiers; copied only
        // when one is generated.
        let needs_domain = self.0.message_id.is_none()
            || (self.0.body.is_none() && self.0.inline.iter().any(|p| p.content_id.is_none()));
        let domain = if needs_domain {
            if smtputf8 {
                first_from.email().domain()
            } else {
                first_from.email().ascii_domain()
            }
            .to_owned()
        } else {
            String::new()
        };

        // Addresses: a UTF-8 local part needs SMTPUTF8 (RFC 6531). Checked in
        // this order (To, Cc, Bcc, Reply-To, From, Sender), so the first
        // offending address is the one reported.
        if !smtputf8 {
            let extra = self.0.headers.iter().flat_map(|(_, v)| v.addresses());
            for a in extra {
                for m in a.mailboxes() {
                    m.email().check(false)?;
                }
            }
            for list in [&self.0.to[..], &self.0.cc, &self.0.bcc, &self.0.reply_to] {
                for a in list {
                    for m in a.mailboxes() {
                        m.email().check(false)?;
                    }
                }
            }
            for m in self.0.from.iter().chain(&self.0.sender) {
                m.email().check(false)?;
            }
        }

        let mut rng = LazyRng::new(opts.seed);
        if self.0.message_id.is_none() {
            self.0.message_id = Some(MessageId::generate(rng.get(), &domain));
        }
        if self.0.date.is_none() {
            self.0.date = Some(DateTime::now());
        }

        match self.0.body.take() {
            Some(part) => self.0.root = prepare(*part, &opts)?,
            // One text part and nothing else: prepared in place, without the
            // layout's intermediate `Part`s or moving the part.
            None if self.prepare_single_text(&opts)? => {}
            None => self.0.root = prepare(self.layout(&mut rng, &domain)?, &opts)?,
        }
        assign_boundaries(&mut self.0.root, &mut rng)?;
        let message = Message(self.0);
        message.check_header_charset()?;
        Ok(message)
    }

    /// For a message with no inline parts or attachments and not both
    /// texts, prepares its only part (what `layout` would return:
    /// `SinglePart::plain` or `SinglePart::html`) as the root, in place.
    /// False, doing nothing, for any other message.
    fn prepare_single_text(&mut self, opts: &FormatOptions) -> Result<bool> {
        let f = &mut *self.0;
        if !f.inline.is_empty()
            || !f.attachments.is_empty()
            || (f.text.is_some() && f.html.is_some())
        {
            return Ok(false);
        }
        let (content_type, text) = match (f.text.take(), f.html.take()) {
            (None, Some(html)) => (ContentType::text_html(), html),
            (text, _) => (ContentType::text_plain(), text.unwrap_or(Cow::Borrowed(""))),
        };
        match &mut f.root {
            // The placeholder root is an empty text/plain part: with the
            // content type and body set it is the part `SinglePart::plain`
            // or `SinglePart::html` makes (neither has a parameter to take
            // out of the content type).
            Prepared::Leaf(leaf) => {
                leaf.part.content_type = content_type;
                leaf.part.body = Body::Text(text);
                leaf.prepare(opts)?;
            }
            root @ Prepared::Multi(_) => {
                *root = Prepared::Leaf(prepare_leaf(
                    SinglePart::new(content_type, Body::Text(text)),
                    opts,
                )?);
            }
        }
        Ok(true)
    }

    /// `mixed(related(alternative(text, html), inline…), attachments…)`,
    /// each level with a single child replaced by that child.
    #[inline(never)]
    fn layout(&mut self, rng: &mut LazyRng, domain: &str) -> Result<Part<'a>> {
        let text = self.0.text.take().map(SinglePart::plain);
        let html = self.0.html.take().map(SinglePart::html);
        let main: Option<Part<'a>> = match (text, html) {
            (Some(t), Some(h)) => Some(MultiPart::alternative().part(t).part(h).into()),
            (Some(t), None) => Some(t.into()),
            (None, Some(h)) => Some(h.into()),
            (None, None) => None,
        };
        let inline = std::mem::take(&mut self.0.inline);
        let related = if inline.is_empty() {
            main
        } else {
            let mut rel = MultiPart::related();
            if let Some(m) = main {
                rel = rel.part(m);
            }
            for mut p in inline {
                if p.content_id.is_none() {
                    p.content_id = Some(ContentId::generate(rng.get(), domain));
                }
                rel = rel.part(p);
            }
            Some(collapse(rel))
        };
        let attachments = std::mem::take(&mut self.0.attachments);
        let root = if attachments.is_empty() {
            related
        } else {
            let mut mixed = MultiPart::mixed();
            if let Some(r) = related {
                mixed = mixed.part(r);
            }
            for a in attachments {
                mixed = mixed.part(a);
            }
            Some(collapse(mixed))
        };
        Ok(root.unwrap_or_else(|| SinglePart::plain("").into()))
    }
}

/// A multipart with one child is that child.
fn collapse(m: MultiPart<'_>) -> Part<'_> {
    if m.parts.len() == 1 {
        let mut parts = m.parts;
        if let Some(only) = parts.pop() {
            return only;
        }
        return Part::Multi(MultiPart { parts, ..m });
    }
    Part::Multi(m)
}

/// Where a prepared leaf's bytes come from.
#[derive(Debug)]
pub(crate) enum Data<'a> {
    Mem(Cow<'a, [u8]>),
    File(std::path::PathBuf),
    Reader,
}

/// A leaf, measured, with its encoding chosen.
#[derive(Debug)]
pub(crate) struct Leaf<'a> {
    pub(crate) part: SinglePart<'a>,
    pub(crate) data: Data<'a>,
    pub(crate) kind: BodyKind,
    pub(crate) encoding: TransferEncoding,
    /// Line endings must be normalised to CRLF while writing.
    pub(crate) normalize: bool,
    /// The charset written in Content-Type (text types only).
    pub(crate) charset: Option<Charset>,
    /// The exact or estimated encoded length, for sizing output buffers.
    pub(crate) encoded_len: u64,
}

/// A multipart, with its boundary.
#[derive(Debug)]
pub(crate) struct Multi<'a> {
    pub(crate) subtype: String,
    pub(crate) params: Vec<(String, String)>,
    pub(crate) boundary: String,
    pub(crate) children: Vec<Prepared<'a>>,
}

/// A node of the prepared tree.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "one node per part, built once; a Box would add an allocation per part"
)]
pub(crate) enum Prepared<'a> {
    Leaf(Leaf<'a>),
    Multi(Multi<'a>),
}

impl Default for Prepared<'_> {
    /// A placeholder until `build` prepares the body (allocates nothing): an
    /// empty text/plain leaf, which `build` fills in place for a message
    /// with a single text part.
    fn default() -> Self {
        Self::Leaf(Leaf::unprepared(SinglePart::empty_plain()))
    }
}

/// Prepares the tree with an explicit stack (no recursion, so no stack
/// overflow on a deep tree), refusing trees deeper than [`MAX_DEPTH`].
#[inline(never)]
fn prepare<'a>(root: Part<'a>, opts: &FormatOptions) -> Result<Prepared<'a>> {
    struct Frame<'a> {
        multi: Multi<'a>,
        pending: std::vec::IntoIter<Part<'a>>,
    }
    let mut stack: Vec<Frame<'a>> = Vec::new();
    let mut next = Some(root);
    loop {
        if let Some(part) = next.take() {
            match part {
                Part::Single(s) => {
                    let leaf = Prepared::Leaf(prepare_leaf(s, opts)?);
                    match stack.last_mut() {
                        Some(top) => top.multi.children.push(leaf),
                        None => return Ok(leaf),
                    }
                }
                Part::Multi(m) => {
                    if m.parts.is_empty() {
                        return Err(Error::EmptyMultipart { subtype: m.subtype });
                    }
                    if stack.len() + 1 >= MAX_DEPTH {
                        return Err(Error::TooDeep {
                            depth: stack.len() + 1,
                            limit: MAX_DEPTH,
                        });
                    }
                    let MultiPart {
                        subtype,
                        params,
                        parts,
                    } = m;
                    stack.push(Frame {
                        multi: Multi {
                            subtype,
                            params,
                            boundary: String::new(),
                            children: Vec::new(),
                        },
                        pending: parts.into_iter(),
                    });
                }
            }
        }
        let Some(top) = stack.last_mut() else {
            return Err(Error::EmptyMultipart {
                subtype: String::new(),
            });
        };
        if let Some(p) = top.pending.next() {
            next = Some(p);
            continue;
        }
        let Some(done) = stack.pop() else { continue };
        let mut multi = done.multi;
        if multi.subtype == "related" && !multi.params.iter().any(|(n, _)| n == "type") {
            // RFC 2387 §3.1: `type` names the root's media type.
            let root_type = match multi.children.first() {
                Some(Prepared::Leaf(l)) => l.part.content_type.essence().to_owned(),
                Some(Prepared::Multi(m)) => format!("multipart/{}", m.subtype),
                None => String::new(),
            };
            multi.params.insert(0, ("type".into(), root_type));
        }
        let node = Prepared::Multi(multi);
        match stack.last_mut() {
            Some(parent) => parent.multi.children.push(node),
            None => return Ok(node),
        }
    }
}

/// How many octets of a file are read per call while measuring or writing it.
pub(crate) const READ_CHUNK: usize = 57 * 1024;

/// Measures a leaf and chooses (or checks) its transfer encoding.
fn prepare_leaf<'a>(part: SinglePart<'a>, opts: &FormatOptions) -> Result<Leaf<'a>> {
    let mut leaf = Leaf::unprepared(part);
    leaf.prepare(opts)?;
    Ok(leaf)
}

impl<'a> Leaf<'a> {
    /// `part`, not yet measured (the other fields are placeholders).
    fn unprepared(part: SinglePart<'a>) -> Self {
        Self {
            part,
            data: Data::Reader,
            kind: BodyKind::Binary,
            encoding: TransferEncoding::Base64,
            normalize: false,
            charset: None,
            encoded_len: 0,
        }
    }

    /// Measures the part and chooses (or checks) its transfer encoding, in
    /// place: the part is not moved.
    fn prepare(&mut self, opts: &FormatOptions) -> Result<()> {
        let part = &mut self.part;
        if let Some(e) = part.error.take() {
            return Err(e);
        }
        if !opts.smtputf8 {
            // A UTF-8 local part needs SMTPUTF8 (RFC 6531), as in `build`.
            for a in part.headers.iter().flat_map(|(_, v)| v.addresses()) {
                for m in a.mailboxes() {
                    m.email().check(false)?;
                }
            }
        }
        let is_message = part.content_type.is_message();
        let is_text_type = part.content_type.is_text();
        let charset = part.charset.unwrap_or(opts.charset);
        // Bytes, a file or a reader: octets to carry as they are.
        let raw = if is_message || part.content_type.is_seven_bit_only() {
            BodyKind::Message
        } else {
            BodyKind::Binary
        };
        let body = std::mem::replace(&mut part.body, Body::Bytes(Cow::Borrowed(&[])));
        let (data, kind, written_charset) = match body {
            Body::Text(text) => {
                let bytes = charset.encode_cow(text, &|| part.describe())?;
                let kind = if is_message { raw } else { BodyKind::Text };
                (
                    Data::Mem(bytes),
                    kind,
                    (is_text_type && !is_message).then_some(charset),
                )
            }
            Body::Bytes(b) => (Data::Mem(b), raw, None),
            Body::File(path) => (Data::File(path), raw, None),
            Body::Reader(r) => {
                part.body = Body::Reader(r);
                (Data::Reader, raw, None)
            }
        };
        // A text part given as bytes keeps the charset parameter the caller set.
        let mut written_charset =
            written_charset.or(if is_text_type { part.charset } else { None });
        // A text type guessed from a file name is checked against the content:
        // 8-bit text without a charset is read differently by every client.
        // A text type given by the caller with 8-bit octets and no charset
        // would be read as US-ASCII (RFC 2046 §4.1.2): UTF-8 is declared as
        // such, anything else is a typed error, never a silent guess.
        if is_text_type && written_charset.is_none() && !matches!(data, Data::Reader) {
            match text_content(&data)? {
                TextContent::Ascii => {}
                TextContent::Utf8 => written_charset = Some(Charset::UTF_8),
                TextContent::NotText if part.guessed_type => {
                    part.content_type = ContentType::octet_stream();
                }
                TextContent::NotText => {
                    let eight_bit = match &data {
                        Data::Mem(b) => !b.is_ascii(),
                        _ => true,
                    };
                    if eight_bit {
                        return Err(Error::TextWithoutCharset {
                            part: part.describe(),
                        });
                    }
                }
            }
        }

        if part.encoding.is_none()
            && kind == BodyKind::Text
            && let Data::Mem(b) = &data
            && let Some(quick) = quick_text_base64(b)
        {
            self.data = data;
            self.kind = kind;
            self.encoding = TransferEncoding::Base64;
            self.normalize = quick.line_breaks;
            self.charset = written_charset;
            self.encoded_len = quick.encoded_len;
            return Ok(());
        }
        self.measure(data, kind, written_charset)
    }

    /// The rest of [`Leaf::prepare`]: measures the whole body and chooses
    /// or checks its encoding (out of line: a mostly-8-bit text never gets
    /// here).
    #[inline(never)]
    fn measure(
        &mut self,
        data: Data<'a>,
        kind: BodyKind,
        written_charset: Option<Charset>,
    ) -> Result<()> {
        let part = &mut self.part;
        // After `prepare`, which may have corrected a guessed text type.
        let is_message = part.content_type.is_message();
        let is_text_type = part.content_type.is_text();
        let (measure, total_len) = match &data {
            Data::Mem(b) => (Some(measure_bytes(b, kind)), b.len() as u64),
            Data::File(path) => {
                let (m, len) = measure_file(path, kind)?;
                (Some(m), len)
            }
            Data::Reader => (None, 0),
        };
        let encoding = match (measure.as_ref(), part.encoding) {
            // RFC 2046 §5.2.2, §5.2.3: no encoding but 7bit is permitted.
            (m, forced) if part.content_type.is_seven_bit_only() => {
                let seven = TransferEncoding::SevenBit;
                let reason = match (m, forced) {
                    (_, Some(f)) if f != seven => Some(format!(
                        "{} allows only 7bit (RFC 2046 §5.2.2, §5.2.3)",
                        part.content_type.essence()
                    )),
                    (Some(m), _) => encode::check_forced(m, kind, seven)
                        .err()
                        .map(|e| e.to_string()),
                    (None, _) => Some("a body from a reader cannot be checked for 7bit".to_owned()),
                };
                if let Some(reason) = reason {
                    return Err(Error::EncodingCannotRepresent {
                        encoding: seven,
                        part: part.describe(),
                        reason,
                    });
                }
                seven
            }
            (Some(m), Some(forced)) => {
                encode::check_forced(m, kind, forced).map_err(|e| {
                    Error::EncodingCannotRepresent {
                        encoding: forced,
                        part: part.describe(),
                        reason: e.to_string(),
                    }
                })?;
                forced
            }
            // A type that is neither text nor a message is sent base64: readers
            // disagree on whether the CRLF before the delimiter belongs to a 7bit
            // body of octets (Perl's MIME-tools and postal-mime keep or drop it).
            (Some(_), None) if !is_text_type && !is_message => TransferEncoding::Base64,
            (Some(m), None) => match encode::choose(m, kind) {
                // RFC 2046 §5.2.1: an embedded message is 7bit, 8bit or
                // binary, never base64 or QP. Binary breaks the 998-octet
                // line limit and needs BINARYMIME (RFC 3030), which few
                // servers offer: the caller must ask for it.
                TransferEncoding::Binary if kind == BodyKind::Message => {
                    let what = if m.nul() > 0 {
                        "it holds NUL octets".to_owned()
                    } else {
                        format!(
                            "it has a line of {} octets, over the limit of 998",
                            m.max_line()
                        )
                    };
                    return Err(Error::EncodingCannotRepresent {
                        encoding: TransferEncoding::EightBit,
                        part: part.describe(),
                        reason: format!(
                            "{what}; only binary carries that in an embedded message (RFC 2046 §5.2.1), \
                             and binary needs BINARYMIME (RFC 3030): force binary, or attach it as application/octet-stream"
                        ),
                    });
                }
                e => e,
            },
            (None, forced) => match (kind, forced) {
                (BodyKind::Message, _)
                | (
                    _,
                    Some(
                        TransferEncoding::SevenBit
                        | TransferEncoding::EightBit
                        | TransferEncoding::Binary,
                    ),
                ) => {
                    return Err(Error::UncheckableStream {
                        part: part.describe(),
                        encoding: forced.unwrap_or(TransferEncoding::SevenBit),
                    });
                }
                (_, Some(f)) => f,
                (_, None) => TransferEncoding::Base64,
            },
        };
        let normalize = kind != BodyKind::Binary
            && !matches!(encoding, TransferEncoding::QuotedPrintable)
            && measure
                .as_ref()
                .is_none_or(|m| m.bare_lf() > 0 || m.bare_cr() > 0);
        let encoded_len = measure.as_ref().map_or(0, |m| {
            let len = if normalize {
                m.normalized_len()
            } else {
                total_len
            };
            match encoding {
                TransferEncoding::Base64 => Base64Encoder::encoded_len(len),
                TransferEncoding::QuotedPrintable => m.qp_len_bound(if kind == BodyKind::Binary {
                    QpMode::Binary
                } else {
                    QpMode::Text
                }),
                _ => len,
            }
        });
        self.data = data;
        self.kind = kind;
        self.encoding = encoding;
        self.normalize = normalize;
        self.charset = written_charset;
        self.encoded_len = encoded_len;
        Ok(())
    }
}

/// The outcome of [`quick_text_base64`].
struct QuickBase64 {
    line_breaks: bool,
    encoded_len: u64,
}

/// Decides base64 for a text without the full measurement when it is
/// certain: quoted-printable spends three octets on each octet above 127
/// (RFC 2045 §6.7), so it is at least `len + 2 × high`, and base64 of the
/// CRLF-normalised text is at most base64 of `len + CR + LF` octets. When
/// the first exceeds the second, [`encode::choose`] would pick base64 too.
///
/// Line breaks are counted first (`memchr`, vectorised at run time); that
/// fixes how many octets above 127 decide it, and they are counted only
/// until there are enough: about a fifth of a mostly-CJK text.
fn quick_text_base64(b: &[u8]) -> Option<QuickBase64> {
    // Byte-wide sums over blocks of at most 255 octets vectorise to byte
    // adds (baseline x86-64 has no POPCNT, and u64 sums widen every lane).
    // 224 is 7 rounds of the 32-octet vector loop, so that only the last
    // block has a scalar tail.
    const BLOCK: usize = 224;
    let breaks = memchr::memchr2_iter(b'\n', b'\r', b).count() as u64;
    let len = b.len() as u64;
    let b64_max = Base64Encoder::encoded_len(len + breaks);
    // `len + 2 × high > b64_max`, where `b64_max >= len` (base64 never
    // shrinks), holds from this many octets above 127 on; it is at least 1,
    // so `high > 0` follows.
    let enough = b64_max.saturating_sub(len) / 2 + 1;
    let mut high = 0u64;
    for block in b.chunks(BLOCK) {
        high += u64::from(block.iter().fold(0u8, |n, &c| n.wrapping_add(c >> 7)));
        if high >= enough {
            return Some(QuickBase64 {
                line_breaks: breaks > 0,
                encoded_len: b64_max,
            });
        }
    }
    None
}

enum TextContent {
    Ascii,
    Utf8,
    NotText,
}

/// Whether a body is ASCII, UTF-8, or not text (NUL or invalid UTF-8).
fn text_content(data: &Data<'_>) -> Result<TextContent> {
    fn classify(all_ascii: bool, utf8: bool, nul: bool) -> TextContent {
        if nul || !utf8 {
            TextContent::NotText
        } else if all_ascii {
            TextContent::Ascii
        } else {
            TextContent::Utf8
        }
    }
    match data {
        Data::Mem(b) => Ok(classify(
            b.is_ascii(),
            std::str::from_utf8(b).is_ok(),
            b.contains(&0),
        )),
        Data::File(path) => {
            let file_err = |source| Error::File {
                path: path.clone(),
                source,
            };
            let mut file = File::open(path).map_err(file_err)?;
            let mut buf = vec![0u8; READ_CHUNK + 4];
            let (mut carry, mut ascii, mut nul) = (0usize, true, false);
            loop {
                let n = file
                    .read(buf.get_mut(carry..).unwrap_or_default())
                    .map_err(file_err)?;
                let end = carry + n;
                let chunk = buf.get(..end).unwrap_or_default();
                ascii &= chunk.is_ascii();
                nul |= chunk.contains(&0);
                let valid = match std::str::from_utf8(chunk) {
                    Ok(_) => end,
                    // An incomplete sequence at the end waits for the next read.
                    Err(e) if e.error_len().is_none() && n > 0 => e.valid_up_to(),
                    Err(_) => return Ok(TextContent::NotText),
                };
                if n == 0 {
                    return Ok(classify(ascii, valid == end, nul));
                }
                buf.copy_within(valid..end, 0);
                carry = end - valid;
            }
        }
        Data::Reader => Ok(TextContent::NotText),
    }
}

/// A binary body is measured only as far as needed: the first octet above
/// 127 or NUL already rules out 7bit, and that is all `choose` asks of a
/// binary body (the total length is taken from the data).
fn measure_bytes(b: &[u8], kind: BodyKind) -> Measure {
    if kind == BodyKind::Binary
        && let Some(i) = b.iter().position(|&c| c >= 0x80 || c == 0)
    {
        return Measure::of(b.get(..=i).unwrap_or(b));
    }
    Measure::of(b)
}

fn measure_file(path: &std::path::Path, kind: BodyKind) -> Result<(Measure, u64)> {
    let file_err = |source| Error::File {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(file_err)?;
    let len = file.metadata().map_err(file_err)?.len();
    let mut m = Measure::new();
    let mut buf = vec![0u8; READ_CHUNK];
    loop {
        let n = file.read(&mut buf).map_err(file_err)?;
        if n == 0 {
            break;
        }
        let chunk = buf.get(..n).unwrap_or_default();
        m.update(chunk);
        if kind == BodyKind::Binary && (m.eight_bit() > 0 || m.nul() > 0) {
            return Ok((m, len));
        }
    }
    let total = m.len();
    Ok((m, total))
}

/// Gives every multipart a boundary found in none of the parts written with
/// an identity encoding.
fn assign_boundaries(root: &mut Prepared<'_>, rng: &mut LazyRng) -> Result<()> {
    if let Prepared::Leaf(_) = root {
        // No multipart, no boundary (and no stack to allocate).
        return Ok(());
    }
    assign_multipart_boundaries(root, rng)
}

/// [`assign_boundaries`] for a tree with multiparts (out of line).
#[inline(never)]
fn assign_multipart_boundaries(root: &mut Prepared<'_>, rng: &mut LazyRng) -> Result<()> {
    let mut count = 0;
    let mut exposed = Vec::new();
    let mut stack = vec![&*root];
    while let Some(node) = stack.pop() {
        match node {
            Prepared::Multi(m) => {
                count += 1;
                stack.extend(m.children.iter());
            }
            Prepared::Leaf(l) if l.encoding.is_identity() => match &l.data {
                Data::Mem(b) => exposed.push(Exposed::Bytes(b)),
                Data::File(p) => exposed.push(Exposed::File(p)),
                Data::Reader => {}
            },
            Prepared::Leaf(_) => {}
        }
    }
    if count == 0 {
        return Ok(());
    }
    let mut boundaries = boundary::choose(rng.get(), count, &exposed)?.into_iter();
    drop(exposed);
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if let Prepared::Multi(m) = node {
            m.boundary = boundaries.next().unwrap_or_default();
            // Children in reverse so boundaries follow document order.
            stack.extend(m.children.iter_mut().rev());
        }
    }
    Ok(())
}

/// A built message, ready to be written any number of times (except that a
/// body read from a stream can be written only once).
///
/// It is the builder's own `Box`: the header fields validated and the
/// body prepared.
pub struct Message<'a>(pub(crate) Box<Fields<'a>>);

/// What `message_id` returns if the identifier were missing, which `build`
/// never allows.
static NO_MESSAGE_ID: MessageId = MessageId::EMPTY;

impl std::fmt::Debug for Message<'_> {
    /// The same shape as before the message shared the builder's `Box`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        struct TopHeaders<'m, 'a>(&'m Fields<'a>);
        impl std::fmt::Debug for TopHeaders<'_, '_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let h = self.0;
                let mut d = f.debug_struct("TopHeaders");
                d.field("from", &h.from)
                    .field("sender", &h.sender)
                    .field("reply_to", &h.reply_to)
                    .field("to", &h.to)
                    .field("cc", &h.cc)
                    .field("bcc", &h.bcc)
                    .field("subject", &h.subject);
                match &h.date {
                    Some(date) => d.field("date", date),
                    None => d.field("date", &h.date),
                };
                match &h.message_id {
                    Some(id) => d.field("message_id", id),
                    None => d.field("message_id", &h.message_id),
                };
                d.field("in_reply_to", &h.in_reply_to)
                    .field("references", &h.references)
                    .field("extra", &h.headers)
                    .finish()
            }
        }
        f.debug_struct("Message")
            .field("headers", &TopHeaders(&self.0))
            .field("root", &self.0.root)
            .field("options", &self.0.options)
            .finish()
    }
}

impl<'a> Message<'a> {
    /// A builder.
    #[must_use]
    pub fn builder() -> MessageBuilder<'a> {
        MessageBuilder::new()
    }

    /// The envelope: the sender and every recipient, Bcc included, in ASCII
    /// form (punycode domains) unless SMTPUTF8 is on.
    #[must_use]
    pub fn envelope(&self) -> Envelope {
        let h = &self.0;
        let utf8 = h.options.smtputf8;
        let addr = |m: &Mailbox| {
            m.email()
                .to_envelope_string(utf8)
                .unwrap_or_else(|_| m.email().to_string())
        };
        let from = h
            .sender
            .as_ref()
            .or(h.from.first())
            .map(addr)
            .unwrap_or_default();
        let mut to: Vec<String> = Vec::new();
        for m in [&h.to[..], &h.cc, &h.bcc]
            .into_iter()
            .flatten()
            .flat_map(Address::mailboxes)
        {
            let a = addr(m);
            if !to.contains(&a) {
                to.push(a);
            }
        }
        Envelope { from, to }
    }

    /// The Message-ID (without angle brackets).
    #[must_use]
    pub fn message_id(&self) -> &MessageId {
        self.0.message_id.as_ref().unwrap_or(&NO_MESSAGE_ID)
    }

    /// Checks that every header text fits the header charset, so that
    /// writing cannot fail on it later. UTF-8 holds every character; for
    /// another charset the headers are written once into a scratch buffer,
    /// so every field, parameter and file name is checked by the code that
    /// writes it.
    fn check_header_charset(&self) -> Result<()> {
        if self.0.options.charset.is_utf8() {
            return Ok(());
        }
        self.check_headers()
    }
}

#[cfg(test)]
mod quick_tests {
    use super::*;

    #[test]
    fn swar_counts_match_a_plain_count() {
        let samples: [&[u8]; 4] = [
            "季度报告\r\n第三季度\n".as_bytes(),
            b"\n\r\n\r\x80\xff\x0a\x0d\x0b\x09",
            &[0x0a; 19],
            &[],
        ];
        for s in samples {
            for start in 0..s.len().min(8) {
                let s = &s[start..];
                let high = s.iter().filter(|&&c| c >= 0x80).count() as u64;
                let breaks = s.iter().filter(|&&c| c == b'\n' || c == b'\r').count() as u64;
                let len = s.len() as u64;
                let want = high > 0 && len + 2 * high > Base64Encoder::encoded_len(len + breaks);
                assert_eq!(quick_text_base64(s).is_some(), want, "{s:?}");
            }
        }
    }

    #[test]
    fn the_early_stop_agrees_with_full_counts_near_the_threshold() {
        // Mixtures of ASCII, line breaks and 8-bit octets around the point
        // where base64 starts to win, and longer than one counting block.
        for len in [1usize, 2, 3, 7, 76, 223, 224, 225, 500, 1000, 3000] {
            for high_pct in [0usize, 10, 15, 17, 18, 19, 20, 21, 22, 25, 30, 100] {
                for break_every in [0usize, 1, 2, 5, 40] {
                    let s: Vec<u8> = (0..len)
                        .map(|i| {
                            if break_every > 0 && i % break_every == 0 {
                                if i % 2 == 0 { b'\n' } else { b'\r' }
                            } else if (i * 100 / len.max(1)) < high_pct {
                                0xE4
                            } else {
                                b'a'
                            }
                        })
                        .collect();
                    let high = s.iter().filter(|&&c| c >= 0x80).count() as u64;
                    let breaks = s.iter().filter(|&&c| c == b'\n' || c == b'\r').count() as u64;
                    let n = s.len() as u64;
                    let b64_max = Base64Encoder::encoded_len(n + breaks);
                    let got = quick_text_base64(&s);
                    assert_eq!(
                        got.is_some(),
                        high > 0 && n + 2 * high > b64_max,
                        "{len} {high_pct} {break_every}"
                    );
                    if let Some(q) = got {
                        assert_eq!((q.line_breaks, q.encoded_len), (breaks > 0, b64_max));
                    }
                }
            }
        }
    }

    #[test]
    fn the_shortcut_agrees_with_the_full_choice() {
        for text in [
            "您好，这是一封简短的中文测试邮件。".repeat(30),
            "Grüße\r\n".repeat(50),
            "ascii only\n".repeat(9),
            "中\n".repeat(100),
        ] {
            let b = text.as_bytes();
            if quick_text_base64(b).is_some() {
                assert_eq!(
                    encode::choose(&Measure::of(b), BodyKind::Text),
                    TransferEncoding::Base64,
                    "{text:?}"
                );
            }
        }
    }

    /// RFC 2046 §5.2.1 leaves an embedded message only 7bit, 8bit or
    /// binary; binary (lines over 998, NUL) is written only when asked for.
    #[test]
    fn an_embedded_message_that_needs_binary_is_refused_unless_forced() {
        let long = format!("Subject: x\r\n\r\n{}\r\n", "y".repeat(1000));
        let build = |part: SinglePart<'static>| {
            Message::builder()
                .from("a@example.com")
                .to("b@example.com")
                .seed(1)
                .body(part)
                .build()
                .and_then(|m| m.to_vec())
        };
        for body in [
            long.clone().into_bytes(),
            b"Subject: x\r\n\r\na\0b\r\n".to_vec(),
        ] {
            let err = build(SinglePart::message(body.clone()))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("only binary carries that"), "{err}");
            let out = build(SinglePart::message(body).encoding(TransferEncoding::Binary))
                .unwrap_or_default();
            assert!(
                out.windows(33)
                    .any(|w| w == b"Content-Transfer-Encoding: binary")
            );
        }
    }

    /// RFC 5322 §2.1.1, §3.6.4: an identifier cannot be folded, so the
    /// longest one accepted still fits on a line of 998 octets in every field
    /// that carries it (1,000-octet ids made 1,015-octet lines before).
    #[test]
    fn the_longest_identifiers_fit_on_a_line() {
        let id = format!(
            "{}@example.com",
            "a".repeat(crate::MAX_ID_LEN - "@example.com".len())
        );
        let cid = crate::ContentId::new(&id).unwrap_or_else(|e| panic!("{e}"));
        let out = Message::builder()
            .from("a@example.com")
            .to("b@example.com")
            .seed(1)
            .message_id(&id)
            .in_reply_to(&id)
            .references(&id)
            .references(&id)
            .body(
                SinglePart::bytes(crate::ContentType::octet_stream(), b"x".to_vec())
                    .content_id(cid),
            )
            .build()
            .and_then(|m| m.to_vec())
            .unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8_lossy(&out);
        assert_eq!(text.matches(id.as_str()).count(), 5, "{text}");
        assert!(text.split("\r\n").all(|l| l.len() <= 998), "{text}");
        let longer = format!("a{id}");
        let err = Message::builder()
            .from("a@example.com")
            .to("b@example.com")
            .message_id(&longer)
            .text("x")
            .build();
        assert!(
            matches!(err, Err(Error::InvalidMessageId { .. })),
            "{err:?}"
        );
    }
}
