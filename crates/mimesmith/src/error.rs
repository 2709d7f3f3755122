//! The builder's error type: every bad input is one of these, never a panic
//! and never a malformed message.

use std::path::PathBuf;

/// Everything that can go wrong while building or writing a message.
///
/// Each variant carries the context a user needs to find the bad input: the
/// header, the offending text or character, the path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A header field name is not 1*ftext (RFC 5322 §2.2), is too long, or
    /// names a field the builder writes itself.
    #[error("invalid header name {name:?}: {reason}")]
    InvalidHeaderName {
        /// The name as given.
        name: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A header value cannot be written (for example a NUL in a raw value).
    #[error("invalid value for {field}: {reason}")]
    InvalidHeaderValue {
        /// The header (or parameter) the value was meant for.
        field: String,
        /// Why it was refused.
        reason: String,
    },
    /// An address that is not a valid mailbox (RFC 5322 §3.4).
    #[error("invalid address {input:?}: {reason}")]
    InvalidAddress {
        /// The address as given.
        input: String,
        /// Why it was refused.
        reason: String,
    },
    /// An address list that does not parse (RFC 5322 §3.4): where, and why.
    #[error("invalid address list {input:?} at octet {offset}: {reason}")]
    InvalidAddressList {
        /// The list as given.
        input: String,
        /// The octet offset in `input` where the problem is.
        offset: usize,
        /// Why it was refused.
        reason: String,
    },
    /// A charset name the builder does not know or cannot write.
    #[error("unknown or unsupported charset {0:?}")]
    UnknownCharset(String),
    /// A character the chosen charset cannot represent, or one that its
    /// readers (encoding_rs, Python's codec, glibc iconv) would not all read
    /// back as the same character.
    #[error(
        "charset {charset} cannot represent {ch:?} (U+{code:04X}) in {context}; {instead} can",
        code = *.ch as u32
    )]
    Unrepresentable {
        /// The charset's MIME name.
        charset: &'static str,
        /// The first character that does not fit.
        ch: char,
        /// Where the text was going (a header name or a part).
        context: String,
        /// The MIME name of a charset that holds `ch`: a wider one of the
        /// same family where there is one (GB18030 for GBK), else UTF-8.
        instead: &'static str,
    },
    /// The message has no From field (RFC 5322 §3.6 requires it).
    #[error("the message has no From address (RFC 5322 §3.6)")]
    MissingFrom,
    /// The message has no recipient in To, Cc or Bcc.
    #[error("the message has no recipient (To, Cc or Bcc)")]
    NoRecipients,
    /// Several From mailboxes and no Sender (RFC 5322 §3.6.2).
    #[error("a message with several From mailboxes needs a Sender (RFC 5322 §3.6.2)")]
    SenderRequired,
    /// A content type that is not `type/subtype` with token characters
    /// (RFC 2045 §5.1), or a multipart type used where a leaf is expected.
    #[error("invalid content type {input:?}: {reason}")]
    InvalidContentType {
        /// The content type as given.
        input: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A message identifier that is not `id-left@id-right` (RFC 5322 §3.6.4).
    #[error("invalid message id {input:?}: {reason}")]
    InvalidMessageId {
        /// The identifier as given.
        input: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A Content-ID that cannot be written (RFC 2392).
    #[error("invalid Content-ID {input:?}: {reason}")]
    InvalidContentId {
        /// The identifier as given.
        input: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A date that cannot be parsed or written (RFC 5322 §3.3, RFC 3339).
    #[error("invalid date {input:?}: {reason}")]
    InvalidDate {
        /// The date as given.
        input: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A forced transfer encoding that cannot carry the part's content
    /// (RFC 2045 §2.7–2.9, RFC 2046 §5.2.1).
    #[error("{encoding} cannot carry the body of {part}: {reason}")]
    EncodingCannotRepresent {
        /// The forced encoding.
        encoding: crate::encode::TransferEncoding,
        /// Which part (its content type and, if any, file name).
        part: String,
        /// Why not.
        reason: String,
    },
    /// A body read from a stream must be base64 or quoted-printable: an
    /// identity encoding could not be checked against the boundaries
    /// (RFC 2046 §5.1.1) before the stream is written.
    #[error(
        "the body of {part} comes from a reader, so it must be base64 or quoted-printable (forced {encoding})"
    )]
    UncheckableStream {
        /// Which part.
        part: String,
        /// The encoding that was asked for.
        encoding: crate::encode::TransferEncoding,
    },
    /// A text part given as octets that are 8-bit and not UTF-8, with no
    /// charset: readers would take it for US-ASCII (RFC 2046 §4.1.2).
    #[error(
        "{part} holds 8-bit octets that are not UTF-8 and no charset is given (RFC 2046 §4.1.2): set the part's charset, or send it as application/octet-stream"
    )]
    TextWithoutCharset {
        /// Which part.
        part: String,
    },
    /// A part tree nested deeper than the builder writes.
    #[error("the part tree is nested {depth} levels deep; the limit is {limit}")]
    TooDeep {
        /// The depth found.
        depth: usize,
        /// The limit.
        limit: usize,
    },
    /// A multipart with no parts (RFC 2046 §5.1.1 requires at least one).
    #[error("multipart/{subtype} has no parts (RFC 2046 §5.1.1 requires one or more)")]
    EmptyMultipart {
        /// The multipart subtype.
        subtype: String,
    },
    /// A file that could not be read.
    #[error("cannot read {path}: {source}")]
    File {
        /// The path as given.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Writing the message (or reading a streamed body) failed.
    #[error("I/O error while writing the message: {0}")]
    Io(#[from] std::io::Error),
    /// A body was read twice: a reader can be written only once.
    #[error("the body of {part} came from a reader that was already consumed")]
    ReaderConsumed {
        /// Which part.
        part: String,
    },
}

/// The builder's `Result`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
