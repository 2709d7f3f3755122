//! The body of a message: leaves ([`SinglePart`]) and multiparts
//! ([`MultiPart`], RFC 2046 §5.1), nested to any shape.

use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::encode::TransferEncoding;
use crate::encode::charset::Charset;
use crate::error::{Error, Result};
use crate::header::content_type::{ContentType, Disposition, is_name};
use crate::header::message_id::ContentId;
use crate::header::{HeaderName, sanitize_line_breaks};

/// Where a leaf's content comes from.
pub enum Body<'a> {
    /// Text, written in the part's charset (UTF-8 unless set), its line
    /// endings normalised to CRLF (RFC 2046 §4.1.1).
    Text(Cow<'a, str>),
    /// Bytes, written unchanged (after transfer encoding).
    Bytes(Cow<'a, [u8]>),
    /// A file, read when the message is written (and once before, to
    /// measure it).
    File(PathBuf),
    /// A stream, read once when the message is written. It cannot be
    /// measured first, so it is written base64 (or quoted-printable when
    /// forced).
    Reader(Mutex<Option<Box<dyn Read + Send + 'a>>>),
}

impl<'a> Body<'a> {
    /// A body read from `reader` when the message is written.
    pub fn reader(reader: impl Read + Send + 'a) -> Self {
        Self::Reader(Mutex::new(Some(Box::new(reader))))
    }
}

impl fmt::Debug for Body<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(t) => write!(f, "Text({} bytes)", t.len()),
            Self::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Self::File(p) => write!(f, "File({})", p.display()),
            Self::Reader(_) => f.write_str("Reader"),
        }
    }
}

/// A leaf of the MIME tree: one content type and one body.
#[derive(Debug)]
pub struct SinglePart<'a> {
    pub(crate) content_type: ContentType,
    pub(crate) charset: Option<Charset>,
    pub(crate) body: Body<'a>,
    pub(crate) encoding: Option<TransferEncoding>,
    pub(crate) disposition: Option<Disposition>,
    pub(crate) filename: Option<String>,
    pub(crate) content_id: Option<ContentId>,
    pub(crate) description: Option<String>,
    pub(crate) headers: Vec<(HeaderName, crate::header::kind::FieldValue)>,
    /// The content type was guessed from the file name, not given: the
    /// builder may correct it from the content (see `prepare_leaf`).
    pub(crate) guessed_type: bool,
    /// Set by a constructor that needs an error reported at build time.
    pub(crate) error: Option<Error>,
}

impl<'a> SinglePart<'a> {
    /// A part of any content type. A `charset` parameter of a text type
    /// becomes the part's charset; an invalid one is reported by `build`.
    #[must_use]
    pub fn new(content_type: ContentType, body: Body<'a>) -> Self {
        let mut ct = content_type;
        let mut part = Self {
            charset: None,
            content_type: ContentType::text_plain(),
            body,
            encoding: None,
            disposition: None,
            filename: None,
            content_id: None,
            description: None,
            headers: Vec::new(),
            guessed_type: false,
            error: None,
        };
        if let Some(label) = ct.remove_param("charset") {
            match Charset::from_label(&label) {
                Ok(cs) => part.charset = Some(cs),
                Err(e) => part.error = Some(e),
            }
        }
        if let Some(name) = ct.remove_param("name") {
            part.filename = clean_filename(&name);
        }
        if ct.is_multipart() {
            part.error = Some(Error::InvalidContentType {
                input: ct.essence().to_owned(),
                reason: "a multipart type needs a MultiPart, not a SinglePart",
            });
        }
        part.content_type = ct;
        part
    }

    /// An empty `text/plain` part with no parameter, as [`SinglePart::new`]
    /// makes it but with no checks to run (a placeholder to fill in place).
    pub(crate) fn empty_plain() -> Self {
        Self {
            content_type: ContentType::text_plain(),
            charset: None,
            body: Body::Bytes(Cow::Borrowed(&[])),
            encoding: None,
            disposition: None,
            filename: None,
            content_id: None,
            description: None,
            headers: Vec::new(),
            guessed_type: false,
            error: None,
        }
    }

    /// `text/plain` in UTF-8 (or the message's charset).
    #[must_use]
    pub fn plain(text: impl Into<Cow<'a, str>>) -> Self {
        Self::new(ContentType::text_plain(), Body::Text(text.into()))
    }

    /// `text/html` in UTF-8 (or the message's charset).
    #[must_use]
    pub fn html(html: impl Into<Cow<'a, str>>) -> Self {
        Self::new(ContentType::text_html(), Body::Text(html.into()))
    }

    /// A part holding `bytes`.
    #[must_use]
    pub fn bytes(content_type: ContentType, bytes: impl Into<Cow<'a, [u8]>>) -> Self {
        Self::new(content_type, Body::Bytes(bytes.into()))
    }

    /// An attachment: disposition `attachment`, the content type guessed from
    /// the file name's extension (set another with [`SinglePart::content_type`]).
    #[must_use]
    pub fn attachment(filename: &str, body: Body<'a>) -> Self {
        let clean = clean_filename(filename).unwrap_or_default();
        let mut part = Self::new(ContentType::guess_from_filename(&clean), body)
            .disposition(Disposition::Attachment)
            .filename(&clean);
        part.guessed_type = true;
        part
    }

    /// An attachment read from `path` when the message is written; its file
    /// name is the path's last component.
    #[must_use]
    pub fn attachment_from_path(path: impl AsRef<Path>) -> Self {
        let path = path.as_ref();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let part = Self::attachment(&name, Body::File(path.to_path_buf()));
        if name.is_empty() {
            part.without_filename()
        } else {
            part
        }
    }

    /// An inline part (RFC 2183 §2.1), typically an image referenced from
    /// HTML as `cid:` + its Content-ID.
    #[must_use]
    pub fn inline(content_type: ContentType, body: Body<'a>) -> Self {
        Self::new(content_type, body).disposition(Disposition::Inline)
    }

    /// An encapsulated message, `message/rfc822` (RFC 2046 §5.2.1): its
    /// bytes are written with an identity encoding, never base64 or
    /// quoted-printable.
    #[must_use]
    pub fn message(bytes: impl Into<Cow<'a, [u8]>>) -> Self {
        Self::new(ContentType::message_rfc822(), Body::Bytes(bytes.into()))
    }

    /// Marks the content type as guessed from the file name, so that the
    /// builder may correct it from the content: text that is not ASCII gets
    /// `charset=UTF-8` when it is UTF-8, and becomes
    /// `application/octet-stream` when it is not text at all.
    #[must_use]
    pub fn type_guessed(mut self) -> Self {
        self.guessed_type = true;
        self
    }

    /// Replaces the content type (keeping charset and file name handling).
    #[must_use]
    pub fn content_type(mut self, content_type: ContentType) -> Self {
        let charset = self.charset;
        let filename = self.filename.take();
        let error = self.error.take();
        let mut next = Self::new(
            content_type,
            std::mem::replace(&mut self.body, Body::Bytes(Cow::Borrowed(&[]))),
        );
        next.charset = next.charset.or(charset);
        next.filename = next.filename.or(filename);
        next.error = next.error.or(error);
        next.encoding = self.encoding;
        next.disposition = self.disposition;
        next.content_id = self.content_id;
        next.description = self.description;
        next.headers = self.headers;
        next
    }

    /// The charset of a text body (default: the message's charset).
    #[must_use]
    pub fn charset(mut self, charset: Charset) -> Self {
        self.charset = Some(charset);
        self
    }

    /// Forces a transfer encoding. `build` fails if it cannot carry the
    /// content (8-bit data in 7bit, base64 for a message/rfc822, …).
    #[must_use]
    pub fn encoding(mut self, encoding: TransferEncoding) -> Self {
        self.encoding = Some(encoding);
        self
    }

    /// The `Content-Disposition` type (RFC 2183).
    #[must_use]
    pub fn disposition(mut self, disposition: Disposition) -> Self {
        self.disposition = Some(disposition);
        self
    }

    /// The file name, written as RFC 2231 `filename*` (plus the RFC 2047
    /// compatibility form when enabled) and as the Content-Type `name`.
    /// Line breaks become spaces and leading and trailing whitespace is
    /// removed (parsers strip it, Python's `get_filename` among them, and
    /// Windows cannot keep it); an empty name means none.
    #[must_use]
    pub fn filename(mut self, filename: &str) -> Self {
        self.filename = clean_filename(filename);
        self
    }

    fn without_filename(mut self) -> Self {
        self.filename = None;
        self
    }

    /// The Content-ID (RFC 2392) that HTML refers to as `cid:…`.
    #[must_use]
    pub fn content_id(mut self, id: ContentId) -> Self {
        self.content_id = Some(id);
        self
    }

    /// A `Content-Description` (RFC 2045 §8), unstructured text.
    #[must_use]
    pub fn description(mut self, text: &str) -> Self {
        let text = sanitize_line_breaks(text).into_owned();
        if let Err(e) = crate::header::check_text("Content-Description", &text) {
            self.error.get_or_insert(e);
        }
        self.description = Some(text);
        self
    }

    /// An extra header on this part, written by its [`crate::FieldKind`]
    /// as [`crate::MessageBuilder::header`] does. Its name must not be one
    /// the builder writes (Content-Type, Content-Transfer-Encoding, …);
    /// `build` reports that, and a value that does not fit its kind.
    #[must_use]
    pub fn header(mut self, name: HeaderName, value: &str) -> Self {
        if name.is_reserved() && self.error.is_none() {
            self.error = Some(Error::InvalidHeaderName {
                name: name.as_str().to_owned(),
                reason: "the builder writes this field itself; use the matching method",
            });
        }
        match crate::header::kind::FieldValue::new(name.as_str(), value) {
            Ok(v) => self.headers.push((name, v)),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    /// The part's content type.
    #[must_use]
    pub fn get_content_type(&self) -> &ContentType {
        &self.content_type
    }

    /// The part's Content-ID, if any.
    #[must_use]
    pub fn get_content_id(&self) -> Option<&ContentId> {
        self.content_id.as_ref()
    }

    /// A short description for error messages: content type and file name.
    pub(crate) fn describe(&self) -> String {
        match &self.filename {
            Some(n) => format!("{} {n:?}", self.content_type.essence()),
            None => self.content_type.essence().to_owned(),
        }
    }
}

/// A file name as the builder writes it: line breaks become spaces, outer
/// whitespace is removed, and an empty result means no name.
#[must_use]
pub fn clean_filename(name: &str) -> Option<String> {
    let name = sanitize_line_breaks(name);
    let trimmed = name.trim_matches([' ', '\t']);
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// A multipart (RFC 2046 §5.1): one or more parts under one boundary.
#[derive(Debug)]
pub struct MultiPart<'a> {
    pub(crate) subtype: String,
    pub(crate) params: Vec<(String, String)>,
    pub(crate) parts: Vec<Part<'a>>,
}

impl<'a> MultiPart<'a> {
    /// `multipart/<subtype>`; any token subtype is accepted (`mixed`,
    /// `alternative`, `related`, `digest`, `signed`, `report`, …).
    ///
    /// # Errors
    /// [`Error::InvalidContentType`] when `subtype` is not a token.
    pub fn new(subtype: &str) -> Result<Self> {
        if !is_name(subtype) {
            return Err(Error::InvalidContentType {
                input: format!("multipart/{subtype}"),
                reason: "the subtype must be a token (RFC 2045 §5.1) of at most 127 characters (RFC 6838 §4.2)",
            });
        }
        Ok(Self {
            subtype: subtype.to_ascii_lowercase(),
            params: Vec::new(),
            parts: Vec::new(),
        })
    }

    fn known(subtype: &str) -> Self {
        Self {
            subtype: subtype.to_owned(),
            params: Vec::new(),
            parts: Vec::new(),
        }
    }

    /// `multipart/mixed` (RFC 2046 §5.1.3).
    #[must_use]
    pub fn mixed() -> Self {
        Self::known("mixed")
    }

    /// `multipart/alternative` (RFC 2046 §5.1.4): the last part is the
    /// richest.
    #[must_use]
    pub fn alternative() -> Self {
        Self::known("alternative")
    }

    /// `multipart/related` (RFC 2387): the first part is the root; the
    /// `type` parameter is written from it.
    #[must_use]
    pub fn related() -> Self {
        Self::known("related")
    }

    /// Appends a part.
    #[must_use]
    pub fn part(mut self, part: impl Into<Part<'a>>) -> Self {
        self.parts.push(part.into());
        self
    }

    /// Adds a parameter (other than `boundary`, which is generated).
    ///
    /// # Errors
    /// [`Error::InvalidContentType`] for a name that is not a token or is
    /// `boundary`.
    pub fn param(mut self, name: &str, value: &str) -> Result<Self> {
        if !is_name(name)
            || name.eq_ignore_ascii_case("boundary")
            || name.contains(['*', '\'', '%'])
        {
            return Err(Error::InvalidContentType {
                input: format!("multipart/{}; {name}", self.subtype),
                reason: "a parameter name must be a token of at most 127 characters (RFC 2045 §5.1, RFC 6838 §4.3), and the boundary is generated",
            });
        }
        self.params.push((
            name.to_ascii_lowercase(),
            sanitize_line_breaks(value).into_owned(),
        ));
        Ok(self)
    }

    /// The subtype.
    #[must_use]
    pub fn subtype(&self) -> &str {
        &self.subtype
    }

    /// The parts.
    #[must_use]
    pub fn parts(&self) -> &[Part<'a>] {
        &self.parts
    }
}

/// A node of the MIME tree.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "one node per part, built once; a Box would add an allocation per part"
)]
pub enum Part<'a> {
    /// A leaf.
    Single(SinglePart<'a>),
    /// A multipart.
    Multi(MultiPart<'a>),
}

impl<'a> From<SinglePart<'a>> for Part<'a> {
    fn from(p: SinglePart<'a>) -> Self {
        Self::Single(p)
    }
}

impl<'a> From<MultiPart<'a>> for Part<'a> {
    fn from(p: MultiPart<'a>) -> Self {
        Self::Multi(p)
    }
}
