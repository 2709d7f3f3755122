//! Our view of a parsed message, over [`mail_parser`] 0.11.
//!
//! [`parse`] never fails and never panics: any byte string gives a
//! [`ParsedMessage`], with a `not-a-message` [`Diagnostic`] when there is no
//! header section at all. Parsing is bounded ([`ParseOptions`]): past the
//! nesting depth or the part count it stops descending, keeps what it read and
//! says so with a `depth-limit` / `part-limit` diagnostic.
//!
//! The message is a tree of [`Part`]s addressed by IMAP part paths
//! (RFC 3501 §6.4.5): the body of a non-multipart message is `1`; a multipart
//! root is `""` and its children `1`, `2`, …; nested children `2.1`; the parts
//! of a message/rfc822 part `2` are `2.1`, `2.2`, … If the embedded message is
//! not multipart its body is `2.1`; if it is, its multipart root (which IMAP
//! numbers no part of its own) is `2.TEXT`, the IMAP section for the
//! embedded message's body, and its children are `2.1`, `2.2`, …
//!
//! # What mail-parser gives, and what it does not
//!
//! Kept from mail-parser: the part structure of each message (which bytes
//! belong to which part, found in one pass with an explicit stack), header
//! boundaries and offsets, the typed Content-Type / Content-Disposition
//! (RFC 2231 continuations merged), addresses (groups included), dates and
//! message ids.
//!
//! Worked around, each with the reason:
//! - **Super-linear time on hostile input.** Every multipart whose boundary
//!   never occurs makes mail-parser scan the rest of the input (20,000 of them
//!   in 1.1 MB: 12 s), and a long boundary is compared in full at every `--`
//!   (a 300 KB boundary over 600 KB of dashes: 2 s). A linear pre-scan
//!   (`guard`) hands mail-parser a same-length copy in which such multiparts
//!   are neutralised; they stay leaves, as mail-parser makes of a multipart
//!   whose boundary it cannot find.
//! - **Embedded messages.** mail-parser parses inline message/rfc822 parts
//!   without a depth limit (dropping a deep tree recursively overflows the
//!   stack around 50,000 levels on a 2 MiB thread) and transfer-encoded ones
//!   only 3 levels deep, and an inline embedded message that ends early can
//!   swallow its siblings (`stalwart-mail-parser/thirdparty__015.eml`: two of
//!   three attached messages lost). Here mail-parser never sees a
//!   message/rfc822 type (the guard neutralises it in its copy); each embedded
//!   message is parsed on its own, through the guard again, from its slice of
//!   the input (inline) or its decoded body (base64, quoted-printable), down
//!   to [`ParseOptions::max_depth`]. An embedded "message" without one proper
//!   header field stays a leaf with [`Part::parser_problem`].
//! - **No default Content-Type.** A part without Content-Type has no content
//!   type in mail-parser; here it gets RFC 2045 §5.2's `text/plain` (RFC 2046
//!   §5.1.5's `message/rfc822` inside multipart/digest) and
//!   [`Part::content_type_defaulted`].
//! - **Its own charset decoding of text bodies.** mail-parser decodes
//!   `us-ascii` and `iso-8859-1` as windows-1252 and unknown or missing charsets
//!   as lossy UTF-8, so UTF-8 text labelled `us-ascii` comes out as "Ã©" and Big5
//!   labelled `us-ascii` as Latin gibberish. [`Part::text`] is decoded from the
//!   transfer-decoded bytes by [`crate::charset::decode_text`] instead, which
//!   checks the label against the bytes and repairs mojibake;
//!   [`Part::charset_report`] records what was wrong.
//! - **Text parts lose their bytes.** For text/* parts mail-parser keeps only
//!   the decoded string; [`Part::body`] re-decodes the transfer encoding from
//!   the raw bytes so every leaf has its bytes.
//! - **One bad byte spoils a transfer-encoded part.** On the first character
//!   outside the base64 alphabet (or a `==` in quoted-printable) mail-parser
//!   keeps the raw encoded bytes and reclassifies the part as text. Here the
//!   declared type stays, the body is decoded leniently and
//!   [`Part::transfer_error`] says where the first bad byte is.
//! - **Encoded words are decoded one by one**, so a character split across two
//!   words (e.g. `=?utf-8?B?5A==?= =?utf-8?B?uK0=?=` for "中") becomes two U+FFFD;
//!   raw 8-bit header bytes are read as lossy UTF-8 (GBK subjects become
//!   U+FFFD). [`Header::value`] is decoded by [`rfc2047`] instead.
//! - **RFC 2231 sections are charset-decoded one by one**, with only their own
//!   charset: `filename*0*=gbk''%D6; filename*1*=%D0%CE%C4` decodes section 1 as
//!   UTF-8. [`Part::filename`] is decoded by [`params`], which joins the bytes
//!   first (RFC 2231 §4.1).
//! - **Header names lose their spelling** (`SUBJECT` becomes `Subject`);
//!   [`Header::name`] is taken from the raw bytes.
//! - **A UTF-8 BOM or an mbox `From ` line before the header** becomes part of
//!   the first field's name (`\u{feff}From`), so the `From:` field is lost. Both
//!   are stripped before parsing and recorded ([`ParsedMessage::bom`],
//!   [`ParsedMessage::envelope_from`]).
//! - **A line of only white space before the header** ends mail-parser's
//!   header section at once (several flanker test messages start with one), so
//!   the message has no field. Such lines are skipped and counted
//!   ([`ParsedMessage::skipped_blank_lines`]).
//! - **Unpadded base64** (`…zcrHysKhow` with no `=`): mail-parser drops the
//!   last group, so a GBK text loses its last byte and no longer decodes. The
//!   body is decoded leniently here and the missing padding reported.
//! - **Boundaries are found anywhere in a line** (`x--boundary` ends a part) and
//!   a boundary that is a prefix of another matches it; RFC 2046 §5.1.1
//!   requires the delimiter at the start of a line. The structure is kept as
//!   mail-parser found it; [`MultipartInfo`] records whether proper delimiter
//!   and close-delimiter lines exist.
//! - **Duplicate MIME fields**: mail-parser uses the *last* Content-Type,
//!   Content-Transfer-Encoding and Content-Disposition of a part; so do the
//!   part's MIME fields here (the structure was built from them). The header
//!   accessors ([`ParsedMessage::header`]) return the *first*.
//!
//! - **Only LF ends a line for mail-parser.** A message with CR-only line
//!   endings (classic Mac OS, some Japanese carriers) is one long header line
//!   to it: no body, no parts. Every line ending is accepted here: CRLF, LF,
//!   CR and any mix. A bare CR (one not followed by LF) is read as a line end:
//!   mail-parser is handed a same-length copy in which each bare CR is an LF,
//!   so offsets, spans and line numbers still point into the input.
//!   [`ParsedMessage::line_endings`] counts each kind, and the `bare-lf` lint
//!   says which it was. A bare CR inside a `binary` body (RFC 2045 §2.9 allows
//!   one there) becomes an LF too: `binary` is almost never sent, and RFC 5322
//!   §2.3 allows CR only as part of CRLF everywhere else.
//!
//! Line numbers count lines of the input (ended by CRLF, LF or a bare CR); parts inside a
//! transfer-encoded (e.g. base64) message/rfc822 have no place in the raw
//! message and report `None` (headers there report the line of the enclosing
//! body).
//!
//! Cost: linear in the input for each message parsed. An embedded message is
//! parsed from its own bytes, so a chain of inline embedded messages costs up
//! to `max_depth + 1` passes over the input (33 with the defaults).

mod build;
mod guard;
mod lines;
pub mod params;
pub mod rfc2047;
pub mod transfer;

use serde::Serialize;

use crate::charset::CharsetReport;
use crate::diag::Diagnostic;

pub use transfer::{TransferError, TransferFault, TransferKind};

/// Default [`ParseOptions::max_depth`].
pub const DEFAULT_MAX_DEPTH: usize = 64;
/// The largest nesting depth honoured, whatever the options say: our tree is
/// dropped, cloned and printed recursively, so its depth must stay small.
pub const MAX_DEPTH_CEILING: usize = 512;
/// Default [`ParseOptions::max_parts`].
pub const DEFAULT_MAX_PARTS: usize = 10_000;
/// Default [`ParseOptions::max_header_bytes`]: 1 MiB per header section.
pub const DEFAULT_MAX_HEADER_BYTES: usize = 1 << 20;
/// Default [`ParseOptions::max_headers`].
pub const DEFAULT_MAX_HEADERS: usize = 10_000;

/// Limits for [`parse_with`]. Past a limit the parser stops descending or
/// stops adding, keeps what it read and adds a diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// Deepest part kept: the root is at depth 0, its children at 1, an
    /// embedded message's root one below its message/rfc822 part. A part at
    /// this depth is kept without its children (`depth-limit`). Capped at
    /// [`MAX_DEPTH_CEILING`].
    pub max_depth: usize,
    /// Most parts (tree nodes) kept (`part-limit`): a message's parts in tree
    /// order, then the parts of its embedded messages.
    pub max_parts: usize,
    /// Most bytes of header fields kept per header section (`header-limit`).
    pub max_header_bytes: usize,
    /// Most header fields kept per header section (`header-limit`).
    pub max_headers: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl ParseOptions {
    /// The defaults: depth 64 (above the 50 levels the builder writes), 10,000 parts, 1 MiB and 10,000 fields per header.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            max_depth: DEFAULT_MAX_DEPTH,
            max_parts: DEFAULT_MAX_PARTS,
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
            max_headers: DEFAULT_MAX_HEADERS,
        }
    }

    /// Sets [`ParseOptions::max_depth`].
    #[must_use]
    pub const fn with_max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// Sets [`ParseOptions::max_parts`] (at least 1: the root is always kept).
    #[must_use]
    pub const fn with_max_parts(mut self, max_parts: usize) -> Self {
        self.max_parts = max_parts;
        self
    }

    /// Sets [`ParseOptions::max_header_bytes`].
    #[must_use]
    pub const fn with_max_header_bytes(mut self, max_header_bytes: usize) -> Self {
        self.max_header_bytes = max_header_bytes;
        self
    }

    /// Sets [`ParseOptions::max_headers`].
    #[must_use]
    pub const fn with_max_headers(mut self, max_headers: usize) -> Self {
        self.max_headers = max_headers;
        self
    }
}

/// One header field, in message order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    /// The field name as written (RFC 5322 §2.2), without the colon and
    /// surrounding white space.
    pub name: String,
    /// The field body exactly as in the message: everything after the colon,
    /// folding kept, without the final line break.
    #[serde(skip)]
    pub raw: Vec<u8>,
    /// The field body decoded: unfolded (RFC 5322 §2.2.3), RFC 2047 encoded
    /// words decoded, raw 8-bit bytes decoded (see `raw_charset`), trimmed.
    pub value: String,
    /// The charset raw 8-bit bytes of `raw` were decoded with, when they are
    /// not UTF-8 (RFC 6532): the message's body charset when it fits, else a
    /// detected one.
    pub raw_charset: Option<&'static str>,
    /// How `raw_charset` was chosen and on what evidence
    /// ([`crate::charset::weigh_raw`]); the readings when too few bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_weighed: Option<crate::charset::Weighed>,
    /// 1-based line of the field name in the raw message (for fields inside a
    /// transfer-encoded embedded message: the first line of its body).
    pub line: usize,
    /// Byte offset of the field name in the raw message, when it is there.
    pub offset: Option<usize>,
}

impl Header {
    /// `true` when the field is named `name` (case-insensitive, RFC 5322 §1.2.2).
    #[must_use]
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// Lines `first..=last` (1-based) of the raw message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineSpan {
    /// First line.
    pub first: usize,
    /// Last line (inclusive).
    pub last: usize,
}

/// Byte offsets of a part in the raw message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ByteSpan {
    /// Start of the part's header section.
    pub header_start: usize,
    /// Start of the part's body (after the blank line).
    pub body_start: usize,
    /// End of the body (exclusive; before the CRLF that belongs to the next
    /// delimiter, RFC 2046 §5.1.1).
    pub end: usize,
}

/// What a multipart body's delimiters look like (RFC 2046 §5.1.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MultipartInfo {
    /// The `boundary` parameter, if any.
    pub boundary: Option<String>,
    /// A line `--boundary` (optionally followed by white space) occurs in the body.
    pub delimiter_found: bool,
    /// A line `--boundary--` occurs in the body.
    pub close_delimiter_found: bool,
}

/// The header section of a message/rfc822 part's embedded message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmbeddedMessage {
    /// Its header fields, in order.
    pub headers: Vec<Header>,
    /// Where they are, when the embedded message is not transfer-encoded.
    pub header_lines: Option<LineSpan>,
}

/// One node of the MIME tree.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Part {
    /// IMAP part path (RFC 3501 §6.4.5), see the [module docs](self).
    pub path: String,
    /// Lower-cased `type/subtype`; RFC 2045 §5.2's `text/plain` when absent or
    /// invalid (`message/rfc822` inside multipart/digest, RFC 2046 §5.1.5).
    pub content_type: String,
    /// `content_type` is the default, not what the part says.
    pub content_type_defaulted: bool,
    /// Content-Type parameters as mail-parser read them (names lower-cased,
    /// RFC 2231 continuations merged, quotes removed).
    pub params: Vec<(String, String)>,
    /// The `charset` parameter as written (trimmed).
    pub charset: Option<String>,
    /// Content-Transfer-Encoding, lower-cased, first token (RFC 2045 §6.1);
    /// `Some("")` when the field is present but empty.
    pub transfer_encoding: Option<String>,
    /// Content-Disposition type, lower-cased (RFC 2183 §2).
    pub disposition: Option<String>,
    /// The file name: Content-Disposition `filename`, else Content-Type `name`;
    /// decoded (RFC 2231 §3–4, RFC 2047 inside quotes, raw 8-bit).
    pub filename: Option<String>,
    /// Content-ID without the angle brackets (RFC 2045 §7, RFC 2392).
    pub content_id: Option<String>,
    /// The part's header fields, in order (for the root: the message header).
    pub headers: Vec<Header>,
    /// Transfer-decoded bytes of a leaf or of a message/rfc822 part (the
    /// embedded message as it is). Empty for multiparts; the raw body for a
    /// part cut at a limit ([`Part::truncated`]).
    #[serde(skip)]
    pub body: Vec<u8>,
    /// Decoded text of a text/* leaf, with charset repair
    /// ([`crate::charset::decode_text`]).
    pub text: Option<String>,
    /// What was wrong with the charset of `text`, if anything.
    pub charset_report: Option<CharsetReport>,
    /// The first malformed byte of the transfer encoding, if any.
    pub transfer_error: Option<TransferError>,
    /// mail-parser flagged this part (`is_encoding_problem`): bad transfer
    /// encoding, missing closing boundary, or an unparseable embedded message.
    pub parser_problem: bool,
    /// Delimiter facts, for multipart/* content types.
    pub multipart: Option<MultipartInfo>,
    /// Children: the parts of a multipart; for message/rfc822, the embedded
    /// message's root.
    pub children: Vec<Part>,
    /// For message/rfc822 (and message/global): the embedded message's header.
    pub embedded: Option<Box<EmbeddedMessage>>,
    /// Children were left out because of [`ParseOptions`] limits.
    pub truncated: bool,
    /// Lines of the part's header section, up to and including the blank line.
    pub header_lines: Option<LineSpan>,
    /// Lines of the part's body (`None` when empty or not in the raw message).
    pub body_lines: Option<LineSpan>,
    /// Byte offsets in the raw message (`None` inside a transfer-encoded
    /// embedded message).
    pub span: Option<ByteSpan>,
}

impl Part {
    /// `true` for multipart/* content types.
    #[must_use]
    pub fn is_multipart(&self) -> bool {
        self.content_type.starts_with("multipart/")
    }

    /// `true` for message/rfc822 and message/global (RFC 2046 §5.2.1, RFC 6532 §3.5).
    #[must_use]
    pub fn is_message(&self) -> bool {
        matches!(
            self.content_type.as_str(),
            "message/rfc822" | "message/global"
        )
    }

    /// `true` when Content-Disposition says `attachment` (RFC 2183 §2.2).
    #[must_use]
    pub fn is_attachment(&self) -> bool {
        self.disposition.as_deref() == Some("attachment")
    }

    /// The first header field named `name` (case-insensitive).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&Header> {
        self.headers.iter().find(|h| h.is(name))
    }

    /// A Content-Type parameter by (lower-case) name.
    #[must_use]
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// This part and all its descendants, in tree order.
    #[must_use]
    pub fn descendants(&self) -> Parts<'_> {
        Parts { stack: vec![self] }
    }
}

/// Pre-order iterator over a part tree.
#[derive(Debug, Clone)]
pub struct Parts<'a> {
    stack: Vec<&'a Part>,
}

impl<'a> Iterator for Parts<'a> {
    type Item = &'a Part;

    fn next(&mut self) -> Option<&'a Part> {
        let part = self.stack.pop()?;
        self.stack.extend(part.children.iter().rev());
        Some(part)
    }
}

/// One mailbox of an address field (RFC 5322 §3.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Addr {
    /// The display name, decoded.
    pub name: Option<String>,
    /// The addr-spec, as mail-parser read it.
    pub address: Option<String>,
    /// The name of the group (RFC 5322 §3.4 `group`) this mailbox belongs to.
    pub group: Option<String>,
}

/// A date-time as written in a Date field (RFC 5322 §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateTime {
    /// Year.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31.
    pub day: u8,
    /// Hour, 0–23.
    pub hour: u8,
    /// Minute, 0–59.
    pub minute: u8,
    /// Second, 0–60.
    pub second: u8,
    /// Offset from UTC in minutes (`+0200` is 120).
    pub offset_minutes: i16,
}

impl DateTime {
    fn to_mail_parser(self) -> mail_parser::DateTime {
        let offset = self.offset_minutes.unsigned_abs();
        mail_parser::DateTime {
            year: self.year,
            month: self.month,
            day: self.day,
            hour: self.hour,
            minute: self.minute,
            second: self.second,
            tz_before_gmt: self.offset_minutes < 0,
            tz_hour: u8::try_from(offset / 60).unwrap_or(0),
            tz_minute: u8::try_from(offset % 60).unwrap_or(0),
        }
    }

    fn from_mail_parser(dt: &mail_parser::DateTime) -> Option<Self> {
        if !dt.is_valid() {
            return None;
        }
        let offset = i16::from(dt.tz_hour) * 60 + i16::from(dt.tz_minute);
        Some(Self {
            year: dt.year,
            month: dt.month,
            day: dt.day,
            hour: dt.hour,
            minute: dt.minute,
            second: dt.second,
            offset_minutes: if dt.tz_before_gmt { -offset } else { offset },
        })
    }

    /// RFC 3339 form, e.g. `2024-05-01T12:00:00+02:00`.
    #[must_use]
    pub fn to_rfc3339(self) -> String {
        self.to_mail_parser().to_rfc3339()
    }

    /// Seconds since the Unix epoch.
    #[must_use]
    pub fn timestamp(self) -> i64 {
        self.to_mail_parser().to_timestamp()
    }
}

/// A parsed message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedMessage {
    /// The message's header fields, in order (the same as `root.headers`).
    pub headers: Vec<Header>,
    /// The MIME tree.
    pub root: Part,
    /// Findings of the parser itself: `not-a-message`, `depth-limit`,
    /// `part-limit`, `header-limit`.
    pub diagnostics: Vec<Diagnostic>,
    /// Input size in bytes.
    pub size: usize,
    /// The input started with a UTF-8 byte order mark (stripped before parsing).
    pub bom: bool,
    /// The mbox `From ` envelope line the input started with (stripped), without `From `.
    pub envelope_from: Option<String>,
    /// Lines of only white space before the header section, skipped (RFC 5322
    /// §2.1 has the header start at the first line; mail-parser would end the
    /// header at such a line and find no field).
    pub skipped_blank_lines: usize,
    /// Number of parts in the tree.
    pub part_count: usize,
    /// How the input's lines end (counted over the whole input).
    pub line_endings: LineEndings,
}

/// How many lines of the input end in each way (RFC 5322 §2.3 allows only
/// CRLF on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct LineEndings {
    /// Lines ending in CRLF.
    pub crlf: usize,
    /// Lines ending in a bare LF (Unix).
    pub lf: usize,
    /// Lines ending in a bare CR, one not followed by LF (classic Mac OS).
    pub cr: usize,
}

impl LineEndings {
    /// Counts the line endings of `bytes`.
    #[must_use]
    pub fn count(bytes: &[u8]) -> Self {
        let mut out = Self::default();
        let mut iter = memchr::memchr2_iter(b'\r', b'\n', bytes).peekable();
        while let Some(i) = iter.next() {
            match bytes.get(i) {
                Some(b'\n') => out.lf += 1,
                _ if bytes.get(i + 1) == Some(&b'\n') => {
                    out.crlf += 1;
                    iter.next();
                }
                _ => out.cr += 1,
            }
        }
        out
    }

    /// More than one kind of line ending occurs.
    #[must_use]
    pub const fn mixed(&self) -> bool {
        (self.crlf > 0) as u8 + (self.lf > 0) as u8 + (self.cr > 0) as u8 > 1
    }

    /// Lines that do not end in CRLF.
    #[must_use]
    pub const fn bare(&self) -> usize {
        self.lf + self.cr
    }
}

/// `bytes` with every bare CR (not followed by LF) replaced by LF: the same
/// length, so offsets into it are offsets into `bytes`.
fn bare_cr_as_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for i in memchr::memchr_iter(b'\r', bytes) {
        if bytes.get(i + 1) != Some(&b'\n')
            && let Some(b) = out.get_mut(i)
        {
            *b = b'\n';
        }
    }
    out
}

impl ParsedMessage {
    /// The first header field named `name` (case-insensitive).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&Header> {
        self.headers.iter().find(|h| h.is(name))
    }

    /// All header fields named `name`, in order.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Header> + 'a {
        self.headers.iter().filter(move |h| h.is(name))
    }

    /// The decoded Subject (RFC 5322 §3.6.5).
    #[must_use]
    pub fn subject(&self) -> Option<&str> {
        self.header("subject").map(|h| h.value.as_str())
    }

    /// Mailboxes of From (RFC 5322 §3.6.2).
    #[must_use]
    pub fn from(&self) -> Vec<Addr> {
        self.addresses("from")
    }

    /// Mailboxes of To (RFC 5322 §3.6.3).
    #[must_use]
    pub fn to(&self) -> Vec<Addr> {
        self.addresses("to")
    }

    /// Mailboxes of Cc (RFC 5322 §3.6.3).
    #[must_use]
    pub fn cc(&self) -> Vec<Addr> {
        self.addresses("cc")
    }

    /// Mailboxes of Bcc (RFC 5322 §3.6.3).
    #[must_use]
    pub fn bcc(&self) -> Vec<Addr> {
        self.addresses("bcc")
    }

    /// Mailboxes of Reply-To (RFC 5322 §3.6.2).
    #[must_use]
    pub fn reply_to(&self) -> Vec<Addr> {
        self.addresses("reply-to")
    }

    /// Mailboxes of Sender (RFC 5322 §3.6.2).
    #[must_use]
    pub fn sender(&self) -> Vec<Addr> {
        self.addresses("sender")
    }

    /// Mailboxes of every field named `name`, group members flattened with
    /// the group name recorded.
    #[must_use]
    pub fn addresses(&self, name: &str) -> Vec<Addr> {
        self.headers_named(name)
            .flat_map(build::parse_addresses)
            .collect()
    }

    /// The first Date field, when mail-parser can read a valid date from it.
    #[must_use]
    pub fn date(&self) -> Option<DateTime> {
        let header = self.header("date")?;
        let bytes = build::field_for_reparse(header);
        match mail_parser::parsers::MessageStream::new(&bytes).parse_date() {
            mail_parser::HeaderValue::DateTime(dt) => DateTime::from_mail_parser(&dt),
            _ => None,
        }
    }

    /// The first Message-ID, without angle brackets (RFC 5322 §3.6.4).
    #[must_use]
    pub fn message_id(&self) -> Option<String> {
        build::parse_first_id(self.header("message-id")?)
    }

    /// The main text/plain leaf: the first one in tree order that is not an
    /// attachment and not inside an embedded message.
    #[must_use]
    pub fn text_body(&self) -> Option<&Part> {
        self.main_leaf("text/plain")
    }

    /// The main text/html leaf, chosen like [`ParsedMessage::text_body`].
    #[must_use]
    pub fn html_body(&self) -> Option<&Part> {
        self.main_leaf("text/html")
    }

    fn main_leaf(&self, content_type: &str) -> Option<&Part> {
        let mut stack = vec![&self.root];
        while let Some(part) = stack.pop() {
            if part.children.is_empty() {
                if part.content_type == content_type && !part.is_attachment() {
                    return Some(part);
                }
            } else if !part.is_message() {
                stack.extend(part.children.iter().rev());
            }
        }
        None
    }

    /// Every part in tree order, the root first.
    #[must_use]
    pub fn parts(&self) -> Parts<'_> {
        self.root.descendants()
    }

    /// The part with IMAP path `path`.
    #[must_use]
    pub fn part(&self, path: &str) -> Option<&Part> {
        self.parts().find(|p| p.path == path)
    }
}

/// Parses a message with the default [`ParseOptions`].
#[must_use]
pub fn parse(bytes: &[u8]) -> ParsedMessage {
    parse_with(bytes, &ParseOptions::new())
}

/// Parses a message with the given limits. Never panics; never fails (input
/// that is not a message gives a `not-a-message` diagnostic); time and memory
/// are linear in the input.
#[must_use]
pub fn parse_with(bytes: &[u8], options: &ParseOptions) -> ParsedMessage {
    let line_endings = LineEndings::count(bytes);
    let mut parsed = if line_endings.cr > 0 {
        build::parse_message(&bare_cr_as_lf(bytes), options)
    } else {
        build::parse_message(bytes, options)
    };
    parsed.line_endings = line_endings;
    parsed
}

#[cfg(test)]
mod tests;
