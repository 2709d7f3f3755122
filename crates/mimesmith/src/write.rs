//! Writing a built message: [`FormatOptions`], and a streaming writer that
//! walks the part tree with an explicit stack and encodes each body as it
//! reads it.
//!
//! Output is appended to one buffer. Writing to a `Vec<u8>`
//! ([`Message::to_vec`]) appends straight into the result, sized up front
//! from the measured parts, so nothing is copied twice. Writing to any
//! `io::Write` ([`Message::write_to`]) flushes that buffer whenever it
//! passes 64 KiB and feeds bodies in chunks, so a 100 MB attachment passes
//! through a few hundred kilobytes of memory.

use std::fs::File;
use std::io::{self, Read, Write};

use crate::encode::base64::Base64Encoder;
use crate::encode::charset::Charset;
use crate::encode::crlf::CrlfNormalizer;
use crate::encode::qp::{QpEncoder, QpMode};
use crate::encode::{BodyKind, TransferEncoding};
use crate::error::{Error, Result};
use crate::header::HeaderStyle;
use crate::header::address::{write_address_list, write_mailbox};
use crate::header::date::RFC5322_LEN;
use crate::header::encoded_word::write_unstructured;
use crate::header::fold::{Folder, SOFT_LINE_LIMIT};
use crate::header::message_id::MessageId;
use crate::header::rfc2231::{ParamStyle, write_param};
use crate::message::{Data, Leaf, Message, Multi, Prepared, READ_CHUNK};
use crate::part::Body;

/// The buffer is handed to the `io::Write` whenever it holds this much.
const FLUSH_AT: usize = 64 * 1024;
/// Headers of a part, for the output size estimate.
const HEADER_ESTIMATE: usize = 512;

/// Every output choice, in one place (after MimeKit's `FormatOptions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatOptions {
    pub(crate) charset: Charset,
    pub(crate) smtputf8: bool,
    pub(crate) rfc2047_params: bool,
    pub(crate) seed: Option<u64>,
}

impl Default for FormatOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl FormatOptions {
    /// UTF-8, ASCII headers, the RFC 2047 file name form on, random
    /// identifiers.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            charset: Charset::UTF_8,
            smtputf8: false,
            rfc2047_params: true,
            seed: None,
        }
    }

    /// The charset of encoded words and text bodies.
    #[must_use]
    pub const fn with_charset(mut self, charset: Charset) -> Self {
        self.charset = charset;
        self
    }

    /// Raw UTF-8 headers (RFC 6532), for messages sent with SMTPUTF8
    /// (RFC 6531): no encoded words, UTF-8 local parts and domains.
    #[must_use]
    pub const fn with_smtputf8(mut self, on: bool) -> Self {
        self.smtputf8 = on;
        self
    }

    /// Whether `name`/`filename` also get the RFC 2047-in-quotes form that
    /// Outlook and QQ Mail display (RFC 2047 §5 forbids it; every parser we
    /// test reads it). On by default.
    #[must_use]
    pub const fn with_rfc2047_params(mut self, on: bool) -> Self {
        self.rfc2047_params = on;
        self
    }

    /// Seeds boundaries, Message-ID and Content-IDs.
    #[must_use]
    pub const fn with_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The charset in use.
    #[must_use]
    pub const fn charset(&self) -> Charset {
        self.charset
    }

    /// Whether SMTPUTF8 headers are written.
    #[must_use]
    pub const fn smtputf8(&self) -> bool {
        self.smtputf8
    }

    pub(crate) fn header_style(&self) -> HeaderStyle {
        HeaderStyle {
            charset: self.charset,
            smtputf8: self.smtputf8,
        }
    }

    pub(crate) fn param_style(&self) -> ParamStyle {
        ParamStyle {
            header: self.header_style(),
            rfc2047_compat: self.rfc2047_params && !self.smtputf8,
        }
    }
}

/// The output buffer, flushed to a writer when there is one.
struct Out<'w> {
    buf: Vec<u8>,
    sink: Option<&'w mut dyn Write>,
}

impl Out<'_> {
    fn maybe_flush(&mut self) -> io::Result<()> {
        if let Some(sink) = self.sink.as_mut()
            && self.buf.len() >= FLUSH_AT
        {
            sink.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

impl Message<'_> {
    /// Writes the message to `w`, streaming: file and reader bodies are read
    /// and encoded chunk by chunk.
    ///
    /// # Errors
    /// [`Error::Io`] when `w` fails, [`Error::File`] when a file body cannot
    /// be read, [`Error::ReaderConsumed`] when a reader body was written
    /// before. On error, what was written is incomplete.
    pub fn write_to(&self, mut w: impl Write) -> Result<()> {
        let mut out = Out {
            buf: Vec::with_capacity(FLUSH_AT + FLUSH_AT / 2),
            sink: Some(&mut w),
        };
        self.write(&mut out)?;
        if let Some(sink) = out.sink.as_mut() {
            sink.write_all(&out.buf)?;
            sink.flush()?;
        }
        Ok(())
    }

    /// The message as bytes.
    ///
    /// # Errors
    /// As [`Message::write_to`], but for a `Vec`, which cannot fail to write.
    pub fn to_vec(&self) -> Result<Vec<u8>> {
        let mut out = Out {
            buf: Vec::with_capacity(self.estimated_len()),
            sink: None,
        };
        self.write(&mut out)?;
        Ok(out.buf)
    }

    /// An upper estimate of the message size: the encoded bodies are exact.
    fn estimated_len(&self) -> usize {
        let mut total = 2 * HEADER_ESTIMATE;
        if let Prepared::Leaf(l) = &self.0.root {
            return total + usize::try_from(l.encoded_len).unwrap_or(0);
        }
        let mut stack = vec![&self.0.root];
        while let Some(node) = stack.pop() {
            total += HEADER_ESTIMATE;
            match node {
                Prepared::Leaf(l) => total += usize::try_from(l.encoded_len).unwrap_or(0),
                Prepared::Multi(m) => stack.extend(m.children.iter()),
            }
        }
        total
    }

    fn write(&self, out: &mut Out<'_>) -> Result<()> {
        self.write_top_headers(&mut out.buf)?;
        write_content_headers(&self.0.root, &self.0.options, &mut out.buf)?;
        out.buf.extend_from_slice(b"\r\n");
        let mut chunk = Vec::new();
        // Multiparts being written, with the index of their next child.
        let mut stack: Vec<(&Multi<'_>, usize)> = Vec::new();
        match &self.0.root {
            Prepared::Leaf(l) => write_leaf_body(l, out, &mut chunk)?,
            Prepared::Multi(m) => stack.push((m, 0)),
        }
        while let Some((multi, next)) = stack.pop() {
            // RFC 2046 §5.1.1: the CRLF before a delimiter belongs to it.
            let Some(child) = multi.children.get(next) else {
                out.buf.extend_from_slice(b"\r\n--");
                out.buf.extend_from_slice(multi.boundary.as_bytes());
                out.buf.extend_from_slice(b"--\r\n");
                continue;
            };
            stack.push((multi, next + 1));
            if next > 0 {
                out.buf.extend_from_slice(b"\r\n");
            }
            out.buf.extend_from_slice(b"--");
            out.buf.extend_from_slice(multi.boundary.as_bytes());
            out.buf.extend_from_slice(b"\r\n");
            write_content_headers(child, &self.0.options, &mut out.buf)?;
            out.buf.extend_from_slice(b"\r\n");
            match child {
                Prepared::Leaf(l) => write_leaf_body(l, out, &mut chunk)?,
                Prepared::Multi(m) => stack.push((m, 0)),
            }
            out.maybe_flush()?;
        }
        Ok(())
    }

    /// Writes every header block of the message (the top one and each
    /// part's) into a scratch buffer and drops it: what can fail in them
    /// (a character the header charset lacks, in any field, parameter or
    /// file name) fails here, in `build`, before any byte reaches a writer
    /// (issue 10 item 4).
    pub(crate) fn check_headers(&self) -> Result<()> {
        let mut scratch = Vec::with_capacity(HEADER_ESTIMATE);
        self.write_top_headers(&mut scratch)?;
        let mut stack = vec![&self.0.root];
        while let Some(node) = stack.pop() {
            scratch.clear();
            write_content_headers(node, &self.0.options, &mut scratch)?;
            if let Prepared::Multi(m) = node {
                stack.extend(m.children.iter().rev());
            }
        }
        Ok(())
    }

    fn write_top_headers(&self, buf: &mut Vec<u8>) -> Result<()> {
        let h = &self.0;
        let style = h.options.header_style();
        let ctx = |field: &'static str| move || field.to_owned();
        {
            let mut f = Folder::new(buf, "From");
            for (i, m) in h.from.iter().enumerate() {
                if i > 0 {
                    f.glue(b",");
                }
                write_mailbox(
                    &mut f,
                    b" ",
                    m,
                    usize::from(i + 1 < h.from.len()),
                    &style,
                    &ctx("From"),
                )?;
            }
            f.finish();
        }
        if let Some(sender) = &h.sender {
            let mut f = Folder::new(buf, "Sender");
            write_mailbox(&mut f, b" ", sender, 0, &style, &ctx("Sender"))?;
            f.finish();
        }
        for (name, list) in [("Reply-To", &h.reply_to[..]), ("To", &h.to), ("Cc", &h.cc)] {
            if !list.is_empty() {
                let mut f = Folder::new(buf, name);
                write_address_list(&mut f, list, &style, &move || name.to_owned())?;
                f.finish();
            }
        }
        // An explicitly empty Subject is written as `Subject:` with no text
        // (RFC 5322 §3.6.5 allows an empty unstructured body): dropping it
        // would silently change the message (issue 10 item 9). Parsers read
        // it as empty (Python, GMime) or as absent (mail-parser,
        // mailparser, postal-mime), which the verifier's model accepts.
        if let Some(subject) = &h.subject {
            let mut f = Folder::new(buf, "Subject");
            write_unstructured(&mut f, subject, &style, &ctx("Subject"))?;
            f.finish();
        }
        if let Some(date) = &h.date {
            // The whole line, fixed length, in one copy.
            let mut line = [0u8; 6 + RFC5322_LEN + 2];
            line[..6].copy_from_slice(b"Date: ");
            line[6..6 + RFC5322_LEN].copy_from_slice(&date.rfc5322_bytes());
            line[6 + RFC5322_LEN..].copy_from_slice(b"\r\n");
            buf.extend_from_slice(&line);
        }
        if let Some(id) = &h.message_id {
            write_message_id(buf, id);
        }
        write_ids(buf, "In-Reply-To", &h.in_reply_to);
        write_ids(buf, "References", &h.references);
        for (name, value) in &h.headers {
            value.write(buf, name.as_str(), &style)?;
        }
        buf.extend_from_slice(b"MIME-Version: 1.0\r\n");
        Ok(())
    }
}

/// `Message-ID: <id>`: one identifier, which the folder would put on the
/// first line unless it is too long even for that (RFC 5322 §2.1.1).
fn write_message_id(buf: &mut Vec<u8>, id: &MessageId) {
    const NAME: &str = "Message-ID";
    let id_bytes = id.as_str().as_bytes();
    // `Name:`, the space, `<id>`: what Folder::push_with checks against
    // the hard limit before the first token (the soft one applies only
    // after a token).
    // A line over 78 goes to the folder, which moves `<id>` to a line of
    // its own when it fits there.
    if NAME.len() + 1 + 1 + id_bytes.len() + 2 > SOFT_LINE_LIMIT {
        return write_ids(buf, NAME, std::slice::from_ref(id));
    }
    buf.extend_from_slice(b"Message-ID: <");
    buf.extend_from_slice(id_bytes);
    buf.extend_from_slice(b">\r\n");
}

/// `; charset=NAME`: what [`write_param`] writes for a token (every
/// charset name is one: letters, digits, `-`, `_`), without its checks.
/// Unless `last`, the `;` of the parameter that follows counts toward the
/// fit, as in `write_param`.
fn write_charset_param(f: &mut Folder<'_>, charset: &str, last: bool) {
    let name = charset.as_bytes();
    f.glue(b";");
    f.push_with_trailing(b" ", 8 + name.len(), usize::from(!last), |out| {
        out.extend_from_slice(b"charset=");
        out.extend_from_slice(name);
    });
}

/// `Name: <id1> <id2>` folded between identifiers (RFC 5322 §3.6.4).
fn write_ids(buf: &mut Vec<u8>, name: &str, ids: &[MessageId]) {
    if ids.is_empty() {
        return;
    }
    let mut f = Folder::new(buf, name);
    for id in ids {
        f.push_with(b" ", id.as_str().len() + 2, |out| {
            out.push(b'<');
            out.extend_from_slice(id.as_str().as_bytes());
            out.push(b'>');
        });
    }
    f.finish();
}

/// Content-Type, Content-Transfer-Encoding, Content-Disposition,
/// Content-ID, Content-Description and extra headers of one part.
fn write_content_headers(
    node: &Prepared<'_>,
    opts: &FormatOptions,
    buf: &mut Vec<u8>,
) -> Result<()> {
    let style = opts.header_style();
    let ps = opts.param_style();
    match node {
        Prepared::Multi(m) => {
            let mut f = Folder::new(buf, "Content-Type");
            f.push_with_trailing(b" ", 10 + m.subtype.len(), 1, |out| {
                out.extend_from_slice(b"multipart/");
                out.extend_from_slice(m.subtype.as_bytes());
            });
            for (name, value) in &m.params {
                write_param(&mut f, name, value, &ps, false, false, &|| {
                    format!("Content-Type {name}")
                })?;
            }
            write_param(&mut f, "boundary", &m.boundary, &ps, true, true, &|| {
                "boundary".to_owned()
            })?;
            f.finish();
        }
        Prepared::Leaf(leaf) => {
            let p = &leaf.part;
            let context = || format!("the Content-Type of {}", p.describe());
            let mut f = Folder::new(buf, "Content-Type");
            let essence = p.content_type.essence().as_bytes();
            let params = p.content_type.params();
            let has_name = p.filename.is_some();
            let any = leaf.charset.is_some() || !params.is_empty() || has_name;
            f.push_with_trailing(b" ", essence.len(), usize::from(any), |out| {
                out.extend_from_slice(essence)
            });
            if let Some(cs) = leaf.charset {
                write_charset_param(&mut f, cs.name(), params.is_empty() && !has_name);
            }
            for (i, (name, value)) in params.iter().enumerate() {
                write_param(
                    &mut f,
                    name,
                    value,
                    &ps,
                    false,
                    i + 1 == params.len() && !has_name,
                    &context,
                )?;
            }
            if let Some(name) = &p.filename {
                write_param(&mut f, "name", name, &ps, true, true, &context)?;
            }
            f.finish();
            buf.extend_from_slice(leaf.encoding.header_line());
            if let Some(d) = p.disposition {
                let mut f = Folder::new(buf, "Content-Disposition");
                let d = d.as_str();
                f.push_with_trailing(b" ", d.len(), usize::from(p.filename.is_some()), |out| {
                    out.extend_from_slice(d.as_bytes())
                });
                if let Some(name) = &p.filename {
                    write_param(&mut f, "filename", name, &ps, true, true, &context)?;
                }
                f.finish();
            }
            if let Some(id) = &p.content_id {
                write_ids_cid(buf, id.as_str());
            }
            if let Some(d) = &p.description {
                let mut f = Folder::new(buf, "Content-Description");
                write_unstructured(&mut f, d, &style, &|| "Content-Description".to_owned())?;
                f.finish();
            }
            for (name, value) in &p.headers {
                value.write(buf, name.as_str(), &style)?;
            }
        }
    }
    Ok(())
}

fn write_ids_cid(buf: &mut Vec<u8>, id: &str) {
    let mut f = Folder::new(buf, "Content-ID");
    f.push_with(b" ", id.len() + 2, |out| {
        out.push(b'<');
        out.extend_from_slice(id.as_bytes());
        out.push(b'>');
    });
    f.finish();
}

/// The encoder for one body: optional CRLF normalisation, then the
/// transfer encoding.
enum StreamEncoder {
    Identity(Option<CrlfNormalizer>),
    Qp(QpEncoder),
    Base64 {
        b64: Base64Encoder,
        crlf: Option<CrlfNormalizer>,
        tmp: Vec<u8>,
    },
}

impl StreamEncoder {
    fn new(leaf: &Leaf<'_>) -> Self {
        let crlf = leaf.normalize.then(CrlfNormalizer::new);
        match leaf.encoding {
            TransferEncoding::QuotedPrintable => {
                Self::Qp(QpEncoder::new(if leaf.kind == BodyKind::Binary {
                    QpMode::Binary
                } else {
                    QpMode::Text
                }))
            }
            TransferEncoding::Base64 => Self::Base64 {
                b64: Base64Encoder::new(),
                crlf,
                tmp: Vec::new(),
            },
            _ => Self::Identity(crlf),
        }
    }

    fn update(&mut self, input: &[u8], out: &mut Vec<u8>) {
        match self {
            Self::Identity(None) => out.extend_from_slice(input),
            Self::Identity(Some(n)) => n.update(input, out),
            Self::Qp(q) => q.update(input, out),
            Self::Base64 {
                b64, crlf: None, ..
            } => b64.update(input, out),
            Self::Base64 {
                b64,
                crlf: Some(n),
                tmp,
            } => {
                tmp.clear();
                n.update(input, tmp);
                b64.update(tmp, out);
            }
        }
    }

    fn finish(&mut self, out: &mut Vec<u8>) {
        match self {
            Self::Identity(None) => {}
            Self::Identity(Some(n)) => n.finish(out),
            Self::Qp(q) => q.finish(out),
            Self::Base64 { b64, crlf, tmp } => {
                if let Some(n) = crlf {
                    tmp.clear();
                    n.finish(tmp);
                    b64.update(tmp, out);
                }
                b64.finish(out);
            }
        }
    }
}

fn write_leaf_body(leaf: &Leaf<'_>, out: &mut Out<'_>, chunk: &mut Vec<u8>) -> Result<()> {
    let mut enc = StreamEncoder::new(leaf);
    match &leaf.data {
        Data::Mem(bytes) => {
            if out.sink.is_some() {
                for piece in bytes.chunks(READ_CHUNK) {
                    enc.update(piece, &mut out.buf);
                    out.maybe_flush()?;
                }
            } else {
                out.buf
                    .reserve(usize::try_from(leaf.encoded_len).unwrap_or(0));
                if let StreamEncoder::Base64 { crlf: None, .. } = enc {
                    // The whole body is here: one call, nothing carried.
                    Base64Encoder::encode_all(bytes, &mut out.buf);
                    out.maybe_flush()?;
                    return Ok(());
                }
                enc.update(bytes, &mut out.buf);
            }
        }
        Data::File(path) => {
            let file_err = |source| Error::File {
                path: path.clone(),
                source,
            };
            let mut file = File::open(path).map_err(file_err)?;
            stream(&mut file, &mut enc, out, chunk).map_err(|e| match e {
                StreamError::Read(source) => Error::File {
                    path: path.clone(),
                    source,
                },
                StreamError::Write(e) => Error::Io(e),
            })?;
        }
        Data::Reader => {
            let Body::Reader(slot) = &leaf.part.body else {
                return Err(Error::ReaderConsumed {
                    part: leaf.part.describe(),
                });
            };
            let taken = slot.lock().ok().and_then(|mut g| g.take());
            let Some(mut reader) = taken else {
                return Err(Error::ReaderConsumed {
                    part: leaf.part.describe(),
                });
            };
            stream(&mut reader, &mut enc, out, chunk).map_err(|e| match e {
                StreamError::Read(e) | StreamError::Write(e) => Error::Io(e),
            })?;
        }
    }
    enc.finish(&mut out.buf);
    out.maybe_flush()?;
    Ok(())
}

enum StreamError {
    Read(io::Error),
    Write(io::Error),
}

fn stream(
    r: &mut dyn Read,
    enc: &mut StreamEncoder,
    out: &mut Out<'_>,
    chunk: &mut Vec<u8>,
) -> std::result::Result<(), StreamError> {
    chunk.resize(READ_CHUNK, 0);
    loop {
        let n = match r.read(chunk) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(StreamError::Read(e)),
        };
        enc.update(chunk.get(..n).unwrap_or_default(), &mut out.buf);
        out.maybe_flush().map_err(StreamError::Write)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_id_line_is_what_the_folder_writes() {
        let longest = crate::MAX_ID_LEN - "@x".len();
        for len in [1, 16, 70, 975, 978, 979, 980, 981, longest] {
            let id = MessageId::new(&format!("{}@x", "a".repeat(len))).unwrap();
            let (mut quick, mut folded) = (Vec::new(), Vec::new());
            write_message_id(&mut quick, &id);
            write_ids(&mut folded, "Message-ID", std::slice::from_ref(&id));
            assert!(quick == folded, "{len}");
        }
    }

    #[test]
    fn charset_parameter_is_what_write_param_writes() {
        let opts = FormatOptions::default();
        let ps = opts.param_style();
        for charset in ["UTF-8", "ISO-8859-1", "GB18030", "ISO-2022-JP", "US-ASCII"] {
            // Essences long enough to push the parameter (and the `;` after
            // it) across the soft limit at every column.
            for n in 1..90 {
                let essence = format!("text/{}", "x".repeat(n));
                for last in [false, true] {
                    let (mut quick, mut general) = (Vec::new(), Vec::new());
                    for (out, fast) in [(&mut quick, true), (&mut general, false)] {
                        let mut f = Folder::new(out, "Content-Type");
                        f.push_with_trailing(b" ", essence.len(), 1, |o| {
                            o.extend_from_slice(essence.as_bytes())
                        });
                        if fast {
                            write_charset_param(&mut f, charset, last);
                        } else {
                            write_param(&mut f, "charset", charset, &ps, false, last, &|| {
                                "charset".to_owned()
                            })
                            .unwrap();
                        }
                        f.finish();
                    }
                    assert!(quick == general, "{charset} {n} {last}");
                }
            }
        }
    }
}
