//! From mail-parser's `Message` (a flat `parts` list per message, nested
//! messages inside `PartType::Message`) to our [`Part`] tree.
//!
//! Each message is handed to mail-parser through [`guard`], which keeps
//! mail-parser from parsing embedded messages; a message/rfc822 part becomes a
//! job in a queue, and its bytes (a slice of the input, or the
//! transfer-decoded body) go through the same steps. Within one message the
//! walk uses an explicit stack in tree order. Parts are collected in a flat
//! list with parent links (every part after its parent) and the tree is
//! assembled bottom-up, so nothing recurses; the depth and part limits are
//! applied on the way.

use std::collections::VecDeque;
use std::ops::Range;
use std::panic::AssertUnwindSafe;

use encoding_rs::Encoding;
use mail_parser::parsers::MessageStream;
use mail_parser::{
    Address, GetHeader, HeaderName, HeaderValue, Message, MessageParser, MessagePart, PartType,
};

use super::guard::guard;
use super::lines::LineIndex;
use super::{
    Addr, ByteSpan, EmbeddedMessage, Header, LineSpan, MAX_DEPTH_CEILING, MultipartInfo,
    ParseOptions, ParsedMessage, Part, TransferError, params, rfc2047, transfer,
};
use crate::charset;
use crate::diag::{Code, Diagnostic};

/// UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// The mbox envelope line starts with `From ` (RFC 4155 §2).
const MBOX_FROM: &[u8] = b"From ";

/// One part waiting to be converted.
struct Work<'m, 'x> {
    msg: &'m Message<'x>,
    index: usize,
    path: String,
    depth: usize,
    parent: Option<usize>,
    /// The parent is multipart/digest, so the default type is message/rfc822 (RFC 2046 §5.1.5).
    in_digest: bool,
    /// This is the root of a message/rfc822 part's embedded message.
    embedded_root: bool,
    /// Line to report for places inside a transfer-encoded embedded message.
    anchor_line: usize,
}

/// The first place a limit was hit, and how often.
struct LimitHit {
    path: String,
    line: Option<usize>,
    count: usize,
}

fn note(hit: &mut Option<LimitHit>, path: &str, line: Option<usize>, count: usize) {
    match hit {
        Some(h) => h.count += count,
        None => {
            *hit = Some(LimitHit {
                path: path.to_owned(),
                line,
                count,
            });
        }
    }
}

/// Where a message's bytes are.
enum JobBytes {
    /// A range of the input (the top message, inline embedded messages).
    Input(Range<usize>),
    /// Transfer-decoded bytes of a message/rfc822 part, or bytes of an
    /// embedded message inside such.
    Owned(Vec<u8>),
}

/// A message waiting to be parsed.
struct Job {
    bytes: JobBytes,
    /// The message/rfc822 part (node index, path) it is embedded in; `None` for
    /// the top-level message.
    message_part: Option<(usize, String)>,
    /// Depth of its root.
    depth: usize,
    /// Line to report for places that are not in the input.
    anchor_line: usize,
}

/// The bytes of one mail-parser run: what was read, and the guarded copy
/// mail-parser was given (same length, same offsets).
struct Source<'b> {
    original: &'b [u8],
    guarded: &'b [u8],
    /// Offset of `original` in the input, when it is a slice of it.
    base: Option<usize>,
}

impl Source<'_> {
    fn is_guarded(&self, msg: &Message<'_>) -> bool {
        let raw = msg.raw_message.as_ref();
        raw.as_ptr() == self.guarded.as_ptr() && raw.len() == self.guarded.len()
    }

    /// The bytes `msg`'s offsets refer to, read from the original (not the
    /// guarded copy) when `msg` is the message mail-parser was given.
    fn raw<'m>(&'m self, msg: &'m Message<'_>) -> &'m [u8] {
        if self.is_guarded(msg) {
            self.original
        } else {
            msg.raw_message.as_ref()
        }
    }

    /// Where `msg`'s offsets are in the input, if they are.
    fn base(&self, msg: &Message<'_>) -> Option<usize> {
        self.base.filter(|_| self.is_guarded(msg))
    }
}

struct Builder {
    lines: LineIndex,
    options: ParseOptions,
    /// Charset for raw 8-bit header bytes that are not UTF-8: the first body charset.
    hint: Option<&'static Encoding>,
    depth_cut: Option<LimitHit>,
    part_cut: Option<LimitHit>,
    header_cut: Option<LimitHit>,
    /// Parts so far, each after its parent, with the parent's index.
    nodes: Vec<(Part, Option<usize>)>,
    jobs: VecDeque<Job>,
}

/// What comes before the header section and is not part of the message.
struct Preamble {
    /// Where the message starts.
    start: usize,
    bom: bool,
    envelope: Option<String>,
    blank_lines: usize,
}

/// Splits off a UTF-8 BOM, an mbox `From ` line (RFC 4155) and lines of only
/// white space before the first header field.
fn strip_preamble(input: &[u8]) -> Preamble {
    let bom = input.starts_with(BOM);
    let mut start = if bom { BOM.len() } else { 0 };
    let rest = input.get(start..).unwrap_or_default();
    let mut envelope = None;
    if let Some(after) = rest.strip_prefix(MBOX_FROM) {
        // `From : x` is a header field with white space before the colon (RFC 5322 §4.5).
        let is_field = after.iter().find(|&&b| b != b' ' && b != b'\t') == Some(&b':');
        if !is_field {
            let line_len = rest
                .iter()
                .position(|&b| b == b'\n')
                .map_or(rest.len(), |p| p + 1);
            let line = rest.get(MBOX_FROM.len()..line_len).unwrap_or_default();
            envelope = Some(String::from_utf8_lossy(line).trim_end().to_owned());
            start += line_len;
        }
    }
    // A line of only SP/HT is not the empty line that ends a header section,
    // but mail-parser ends the header there and finds no field at all.
    let mut blank_lines = 0;
    loop {
        let rest = input.get(start..).unwrap_or_default();
        let Some(line_len) = rest.iter().position(|&b| b == b'\n') else {
            break;
        };
        let line = rest.get(..line_len).unwrap_or_default();
        let blank = line.iter().all(|&b| matches!(b, b' ' | b'\t' | b'\r'));
        if !blank || !line.iter().any(|&b| b == b' ' || b == b'\t') {
            break;
        }
        start += line_len + 1;
        blank_lines += 1;
    }
    Preamble {
        start,
        bom,
        envelope,
        blank_lines,
    }
}

/// Takes a mail-parser message apart without recursion: dropping a deep chain
/// of embedded messages recursively overflows the stack.
fn dismantle(message: Message<'_>) {
    let mut stack = vec![message];
    while let Some(mut message) = stack.pop() {
        for part in &mut message.parts {
            if matches!(part.body, PartType::Message(_))
                && let PartType::Message(inner) = std::mem::take(&mut part.body)
            {
                stack.push(inner);
            }
        }
    }
}

/// A field name of printable ASCII except colon (RFC 5322 §3.6.8 `ftext`).
fn is_valid_field_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| (33..=126).contains(&b) && b != b':')
}

/// The message's own header has a field with a valid name.
fn has_valid_field(msg: &Message<'_>, raw: &[u8]) -> bool {
    msg.parts.first().is_some_and(|root| {
        root.headers.iter().any(|h| {
            let name = raw
                .get(h.offset_field as usize..(h.offset_start as usize).saturating_sub(1))
                .unwrap_or_default();
            is_valid_field_name(String::from_utf8_lossy(name).trim())
        })
    })
}

/// The first charset declared by any part that names a known encoding.
fn body_charset_hint(msg: &Message<'_>) -> Option<&'static Encoding> {
    msg.parts.iter().find_map(|part| {
        part.headers
            .header_value(&HeaderName::ContentType)
            .and_then(HeaderValue::as_content_type)
            .and_then(|ct| ct.attribute("charset"))
            .and_then(charset::resolve_label)
    })
}

/// The charset raw 8-bit octets in header fields are read with: the first
/// charset a part declares when the top-level header block decodes in it
/// without error, else the charset of the block's octets as a whole. One
/// field alone is often too short to tell (`某某网` in GBK is six octets that
/// read as EUC-JP just as well); the sender wrote every field with the same
/// software, so the whole block is the better evidence.
fn header_block_hint(
    msg: &Message<'_>,
    bytes: &[u8],
    declared: Option<&'static Encoding>,
) -> Option<&'static Encoding> {
    let block = msg
        .parts
        .first()
        .and_then(|root| {
            bytes.get(root.offset_header as usize..(root.offset_body as usize).min(bytes.len()))
        })
        .unwrap_or_default();
    if block.is_ascii() || std::str::from_utf8(block).is_ok() {
        return declared;
    }
    match declared {
        Some(enc) if !enc.decode_without_bom_handling(block).1 => Some(enc),
        // Only a clear reading of the whole block is evidence for its fields;
        // too few bytes leave each field to be weighed, and found thin.
        _ => match charset::weigh_cjk(block, None) {
            charset::Verdict::Clear(r) => Some(r.encoding),
            charset::Verdict::Thin(_) => None,
            charset::Verdict::None => Some(charset::detect(block).encoding),
        },
    }
}

pub(super) fn parse_message(input: &[u8], options: &ParseOptions) -> ParsedMessage {
    let Preamble {
        start,
        bom,
        envelope,
        blank_lines,
    } = strip_preamble(input);
    let options = ParseOptions {
        max_depth: options.max_depth.min(MAX_DEPTH_CEILING),
        max_parts: options.max_parts.max(1),
        ..*options
    };
    let lines = LineIndex::new(input);
    let anchor_line = lines.line_of(start);
    let mut builder = Builder {
        lines,
        options,
        hint: None,
        depth_cut: None,
        part_cut: None,
        header_cut: None,
        nodes: Vec::new(),
        jobs: VecDeque::from([Job {
            bytes: JobBytes::Input(start..input.len()),
            message_part: None,
            depth: 0,
            anchor_line,
        }]),
    };
    while let Some(job) = builder.jobs.pop_front() {
        builder.run(input, &job);
    }
    let part_count = builder.nodes.len();
    let mut root = builder.assemble();
    crate::charset::settle_by_message(&mut root);
    let mut diagnostics = Vec::new();
    if !root.headers.iter().any(|h| is_valid_field_name(&h.name)) {
        diagnostics.push(
            Diagnostic::new(
                Code::NotAMessage,
                "no header field found: the input is not an RFC 5322 message",
            )
            .with_line(1),
        );
    }
    builder.limit_diagnostics(&mut diagnostics);
    ParsedMessage {
        headers: root.headers.clone(),
        root,
        diagnostics,
        size: input.len(),
        bom,
        envelope_from: envelope,
        skipped_blank_lines: blank_lines,
        part_count,
        line_endings: super::LineEndings::default(),
    }
}

/// `n`-th child (1-based) of the part at `parent` (RFC 3501 §6.4.5).
fn child_path(parent: &str, n: usize) -> String {
    let base = parent.strip_suffix(".TEXT").unwrap_or(parent);
    if base.is_empty() {
        n.to_string()
    } else {
        format!("{base}.{n}")
    }
}

/// The root of the message embedded in message/rfc822 part `parent`: its body
/// `parent.1`, or, when multipart, the section `parent.TEXT`.
fn embedded_root_path(parent: &str, multipart: bool) -> String {
    let parent = parent.strip_suffix(".TEXT").unwrap_or(parent);
    match (parent.is_empty(), multipart) {
        (true, true) => "TEXT".to_owned(),
        (true, false) => "1".to_owned(),
        (false, true) => format!("{parent}.TEXT"),
        (false, false) => format!("{parent}.1"),
    }
}

/// `(delimiter line found, close-delimiter line found)` for `boundary` in a
/// multipart body (RFC 2046 §5.1.1; transport padding after it is allowed).
fn delimiter_facts(body: &[u8], boundary: &str) -> (bool, bool) {
    let boundary = boundary.as_bytes();
    if boundary.is_empty() {
        return (false, false);
    }
    let (mut open, mut close) = (false, false);
    for line in body.split(|&b| b == b'\n') {
        let Some(rest) = line
            .strip_prefix(b"--")
            .and_then(|l| l.strip_prefix(boundary))
        else {
            continue;
        };
        let (is_close, tail) = rest
            .strip_prefix(b"--")
            .map_or((false, rest), |t| (true, t));
        if tail.iter().all(|&b| matches!(b, b' ' | b'\t' | b'\r')) {
            if is_close {
                close = true;
            } else {
                open = true;
            }
        }
    }
    (open, close)
}

/// The last Content-Transfer-Encoding's first token, lower-cased (RFC 2045 §6.1).
fn transfer_encoding(raw_field: &[u8]) -> String {
    let unfolded = rfc2047::unfold(raw_field);
    let text = String::from_utf8_lossy(&unfolded);
    text.trim()
        .split(|c: char| c.is_ascii_whitespace() || c == '(' || c == ';')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The raw field body of a mail-parser header: after the colon, without the final line break.
fn raw_field<'r>(raw: &'r [u8], header: &mail_parser::Header<'_>) -> &'r [u8] {
    let start = header.offset_start as usize;
    let end = (header.offset_end as usize).max(start);
    let field = raw.get(start..end).unwrap_or_default();
    let field = field.strip_suffix(b"\n").unwrap_or(field);
    field.strip_suffix(b"\r").unwrap_or(field)
}

impl Builder {
    /// Parses one message (the top-level one or an embedded one) and walks it.
    fn run(&mut self, input: &[u8], job: &Job) {
        let (bytes, base) = match &job.bytes {
            JobBytes::Input(range) => (
                input.get(range.clone()).unwrap_or_default(),
                Some(range.start),
            ),
            JobBytes::Owned(bytes) => (bytes.as_slice(), None),
        };
        if job.message_part.is_some() && self.nodes.len() >= self.options.max_parts {
            let path = job.message_part.as_ref().map_or("", |(_, p)| p.as_str());
            note(&mut self.part_cut, path, None, 1);
            self.give_back(job, bytes, true);
            return;
        }
        let guarded = guard(bytes);
        let parsed = std::panic::catch_unwind(AssertUnwindSafe(|| {
            MessageParser::default().parse(guarded.as_ref())
        }))
        .ok()
        .flatten()
        .filter(|m| !m.parts.is_empty());
        match parsed {
            // An embedded "message" without a single proper field is not one
            // (mail-parser reads `not an eml, sorry!` as a field name).
            Some(msg) if job.message_part.is_some() && !has_valid_field(&msg, bytes) => {
                dismantle(msg);
                self.give_back(job, bytes, false);
            }
            Some(msg) => {
                if self.hint.is_none() {
                    self.hint = header_block_hint(&msg, bytes, body_charset_hint(&msg));
                }
                let source = Source {
                    original: bytes,
                    guarded: guarded.as_ref(),
                    base,
                };
                self.walk(&msg, &source, job);
                dismantle(msg);
            }
            None if job.message_part.is_none() => {
                let root = self.unparsed_root(bytes, base.unwrap_or(0));
                self.nodes.push((root, None));
            }
            None => self.give_back(job, bytes, false),
        }
    }

    /// An embedded message that was not parsed: its bytes become the body of
    /// its message/rfc822 part again.
    fn give_back(&mut self, job: &Job, bytes: &[u8], truncated: bool) {
        if let Some((part, _)) = job
            .message_part
            .as_ref()
            .and_then(|(node, _)| self.nodes.get_mut(*node))
        {
            part.body = bytes.to_vec();
            if truncated {
                part.truncated = true;
            } else {
                part.parser_problem = true;
            }
        }
    }

    fn walk(&mut self, msg: &Message<'_>, source: &Source<'_>, job: &Job) {
        let root_is_multipart = matches!(
            msg.parts.first().map(|p| &p.body),
            Some(PartType::Multipart(_))
        );
        let (path, parent) = match &job.message_part {
            None => (
                if root_is_multipart {
                    String::new()
                } else {
                    "1".to_owned()
                },
                None,
            ),
            Some((node, path)) => (embedded_root_path(path, root_is_multipart), Some(*node)),
        };
        let mut stack = vec![Work {
            msg,
            index: 0,
            path,
            depth: job.depth,
            parent,
            in_digest: false,
            embedded_root: parent.is_some(),
            anchor_line: job.anchor_line,
        }];
        while let Some(work) = stack.pop() {
            if self.nodes.len() >= self.options.max_parts {
                let skipped = 1 + stack.len();
                note(&mut self.part_cut, &work.path, None, skipped);
                for parent in std::iter::once(work.parent).chain(stack.iter().map(|w| w.parent)) {
                    if let Some((part, _)) = parent.and_then(|p| self.nodes.get_mut(p)) {
                        part.truncated = true;
                    }
                }
                break;
            }
            let Some(mp) = work.msg.parts.get(work.index) else {
                continue;
            };
            let mut part = self.convert(&work, mp, source);
            let node = self.nodes.len();
            let children = self.children(&work, mp, &part, node);
            if !children.is_empty() {
                if work.depth >= self.options.max_depth {
                    part.truncated = true;
                    let raw = source.raw(work.msg);
                    let body = raw
                        .get(mp.offset_body as usize..mp.offset_end as usize)
                        .unwrap_or_default();
                    part.body = body.to_vec();
                    let line = part.body_lines.map(|l| l.first).or(Some(work.anchor_line));
                    note(&mut self.depth_cut, &part.path, line, 1);
                } else {
                    stack.extend(children.into_iter().rev());
                }
            } else if part.is_message() && !matches!(mp.body, PartType::Message(_)) {
                self.queue_embedded(&work, &mut part, node);
            }
            if work.embedded_root
                && let Some((parent, _)) = work.parent.and_then(|p| self.nodes.get_mut(p))
            {
                parent.embedded = Some(Box::new(EmbeddedMessage {
                    headers: part.headers.clone(),
                    header_lines: part.header_lines,
                }));
            }
            self.nodes.push((part, work.parent));
        }
    }

    /// Queues the message embedded in message/rfc822 `part` (RFC 2046 §5.2.1),
    /// unless it is at the depth limit. An inline message is a range of the
    /// input (so its lines are known); a transfer-encoded one is its decoded body.
    fn queue_embedded(&mut self, work: &Work<'_, '_>, part: &mut Part, node: usize) {
        if work.depth >= self.options.max_depth {
            part.truncated = true;
            let line = part.body_lines.map(|l| l.first).or(Some(work.anchor_line));
            note(&mut self.depth_cut, &part.path, line, 1);
            return;
        }
        let identity = matches!(
            part.transfer_encoding.as_deref(),
            None | Some("" | "7bit" | "8bit" | "binary")
        );
        // The part keeps its bytes too: `eml extract` saves an attached
        // message as it is.
        let bytes = match part.span {
            Some(span) if identity => JobBytes::Input(span.body_start..span.end),
            _ => JobBytes::Owned(part.body.clone()),
        };
        self.jobs.push_back(Job {
            bytes,
            message_part: Some((node, part.path.clone())),
            depth: work.depth + 1,
            anchor_line: part.body_lines.map_or(work.anchor_line, |l| l.first),
        });
    }

    /// The tree from the flat list. Every node comes after its parent, so
    /// popping from the end moves a node only when all its children (which
    /// come later) have been attached to it.
    fn assemble(&mut self) -> Part {
        let nodes = &mut self.nodes;
        while nodes.len() > 1 {
            let Some((mut part, parent)) = nodes.pop() else {
                break;
            };
            part.children.reverse();
            if let Some((parent, _)) = parent.and_then(|p| nodes.get_mut(p)) {
                parent.children.push(part);
            }
        }
        let (mut root, _) = nodes.pop().unwrap_or_default();
        root.children.reverse();
        root
    }

    /// The work items for a part's children (not yet limited by depth).
    fn children<'m, 'x>(
        &self,
        work: &Work<'m, 'x>,
        mp: &'m MessagePart<'x>,
        part: &Part,
        node: usize,
    ) -> Vec<Work<'m, 'x>> {
        let anchor_line = part.body_lines.map_or(work.anchor_line, |l| l.first);
        match &mp.body {
            PartType::Multipart(ids) => {
                let in_digest = part.content_type == "multipart/digest";
                ids.iter()
                    .map(|&id| id as usize)
                    // Children come after their parent in the flat list; anything
                    // else would be a cycle.
                    .filter(|&id| id > work.index)
                    .enumerate()
                    .map(|(n, index)| Work {
                        msg: work.msg,
                        index,
                        path: child_path(&work.path, n + 1),
                        depth: work.depth + 1,
                        parent: Some(node),
                        in_digest,
                        embedded_root: false,
                        anchor_line,
                    })
                    .collect()
            }
            PartType::Message(nested) if !nested.parts.is_empty() => {
                let multipart = matches!(
                    nested.parts.first().map(|p| &p.body),
                    Some(PartType::Multipart(_))
                );
                vec![Work {
                    msg: nested,
                    index: 0,
                    path: embedded_root_path(&work.path, multipart),
                    depth: work.depth + 1,
                    parent: Some(node),
                    in_digest: false,
                    embedded_root: true,
                    anchor_line,
                }]
            }
            _ => Vec::new(),
        }
    }

    fn convert(&mut self, work: &Work<'_, '_>, mp: &MessagePart<'_>, source: &Source<'_>) -> Part {
        let raw = source.raw(work.msg);
        let base = source.base(work.msg);
        let header_start = mp.offset_header as usize;
        let body_start = (mp.offset_body as usize).max(header_start);
        let end = (mp.offset_end as usize).clamp(body_start, raw.len().max(body_start));
        let headers = self.convert_headers(&mp.headers, raw, base, work.anchor_line, &work.path);

        // Read again from the original bytes: the guarded copy mail-parser
        // read may have a neutralised media type.
        let ct_field = mp.headers.header(HeaderName::ContentType).map(|h| {
            let mut field = raw_field(raw, h).to_vec();
            field.push(b'\n');
            field
        });
        let ct_value = ct_field
            .as_deref()
            .map(|f| MessageStream::new(f).parse_content_type());
        let ct = ct_value.as_ref().and_then(HeaderValue::as_content_type);
        let declared_type = ct.and_then(|ct| {
            let subtype = ct.c_subtype.as_deref()?;
            let valid = |s: &str| {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?=".contains(&b))
            };
            (valid(&ct.c_type) && valid(subtype)).then(|| {
                format!(
                    "{}/{}",
                    ct.c_type.to_ascii_lowercase(),
                    subtype.to_ascii_lowercase()
                )
            })
        });
        let content_type_defaulted = declared_type.is_none();
        let content_type = declared_type.unwrap_or_else(|| {
            if work.in_digest {
                "message/rfc822"
            } else {
                "text/plain"
            }
            .to_owned()
        });
        let params: Vec<(String, String)> = ct
            .and_then(|ct| ct.attributes.as_ref())
            .map(|attrs| {
                attrs
                    .iter()
                    .map(|a| (a.name.to_ascii_lowercase(), a.value.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let param = |name: &str| {
            params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.trim().to_owned())
        };
        let charset = param("charset").filter(|c| !c.is_empty());
        let transfer_encoding = mp
            .headers
            .header(HeaderName::ContentTransferEncoding)
            .map(|h| transfer_encoding(raw_field(raw, h)));
        let disposition = mp
            .headers
            .header_value(&HeaderName::ContentDisposition)
            .and_then(HeaderValue::as_content_type)
            .map(|cd| cd.c_type.to_ascii_lowercase());
        let filename = mp
            .headers
            .header(HeaderName::ContentDisposition)
            .and_then(|h| params::decode_param(raw_field(raw, h), "filename", self.hint))
            .or_else(|| {
                mp.headers
                    .header(HeaderName::ContentType)
                    .and_then(|h| params::decode_param(raw_field(raw, h), "name", self.hint))
            });
        let content_id = mp
            .headers
            .header(HeaderName::ContentId)
            .and_then(|h| first_id(raw_field(raw, h)));

        let line_of = |offset: usize| self.lines.line_of(offset);
        let span = base.map(|b| ByteSpan {
            header_start: b + header_start,
            body_start: b + body_start,
            end: b + end,
        });
        let header_lines = span.map(|s| {
            let first = line_of(s.header_start);
            LineSpan {
                first,
                last: line_of(s.body_start.saturating_sub(1)).max(first),
            }
        });
        let body_lines = span.filter(|s| s.end > s.body_start).map(|s| LineSpan {
            first: line_of(s.body_start),
            last: line_of(s.end - 1),
        });

        let body_raw = raw.get(body_start..end).unwrap_or_default();
        let multipart = content_type.starts_with("multipart/").then(|| {
            // Untrimmed: it is what mail-parser split on (RFC 2046 §5.1.1 forbids a
            // trailing space, but mime4j's test boundary has two).
            let boundary = params
                .iter()
                .find(|(n, _)| n == "boundary")
                .map(|(_, v)| v.clone());
            let (delimiter_found, close_delimiter_found) = boundary
                .as_deref()
                .map_or((false, false), |b| delimiter_facts(body_raw, b));
            MultipartInfo {
                boundary,
                delimiter_found,
                close_delimiter_found,
            }
        });

        let is_container = match &mp.body {
            PartType::Multipart(_) => true,
            PartType::Message(nested) => !nested.parts.is_empty(),
            _ => false,
        };
        let (body, transfer_error) = if is_container {
            (Vec::new(), None)
        } else {
            let (body, error) = transfer::decode(body_raw, transfer_encoding.as_deref());
            let error = error.map(|(kind, fault, at, byte)| {
                let offset = span.map(|s| s.body_start + at);
                TransferError {
                    kind,
                    fault,
                    offset,
                    line: offset.map(line_of),
                    byte,
                }
            });
            (body, error)
        };
        let (text, charset_report) = if !is_container && content_type.starts_with("text/") {
            let decoded = charset::decode_text(&body, charset.as_deref());
            (Some(decoded.text), decoded.report)
        } else {
            (None, None)
        };

        Part {
            path: work.path.clone(),
            content_type,
            content_type_defaulted,
            params,
            charset,
            transfer_encoding,
            disposition,
            filename,
            content_id,
            headers,
            body,
            text,
            charset_report,
            transfer_error,
            parser_problem: mp.is_encoding_problem,
            multipart,
            children: Vec::new(),
            embedded: None,
            truncated: false,
            header_lines,
            body_lines,
            span,
        }
    }

    fn convert_headers(
        &mut self,
        headers: &[mail_parser::Header<'_>],
        raw: &[u8],
        base: Option<usize>,
        anchor_line: usize,
        path: &str,
    ) -> Vec<Header> {
        let mut out = Vec::with_capacity(headers.len().min(self.options.max_headers));
        let mut bytes = 0usize;
        let mut dropped = 0usize;
        let mut first_dropped_line = None;
        for h in headers {
            let field_start = h.offset_field as usize;
            let value_start = (h.offset_start as usize).max(field_start);
            let size = (h.offset_end as usize).saturating_sub(field_start);
            let offset = base.map(|b| b + field_start);
            let line = offset.map_or(anchor_line, |o| self.lines.line_of(o));
            if out.len() >= self.options.max_headers
                || bytes.saturating_add(size) > self.options.max_header_bytes
            {
                dropped += 1;
                first_dropped_line.get_or_insert(line);
                continue;
            }
            bytes += size;
            // The name runs from the field start to the colon just before the value.
            let name = raw
                .get(field_start..value_start.saturating_sub(1))
                .unwrap_or_default();
            let name = String::from_utf8_lossy(name).trim().to_owned();
            let field = raw_field(raw, h);
            let decoded = rfc2047::decode_field(field, self.hint);
            out.push(Header {
                name,
                raw: field.to_vec(),
                value: decoded.value,
                raw_charset: decoded.raw_charset,
                raw_weighed: decoded.raw_weighed,
                line,
                offset,
            });
        }
        if dropped > 0 {
            note(&mut self.header_cut, path, first_dropped_line, dropped);
        }
        out
    }

    /// The root for input mail-parser found no header in: the whole input as a
    /// text/plain body (RFC 2045 §5.2 default).
    fn unparsed_root(&self, bytes: &[u8], base: usize) -> Part {
        let decoded = charset::decode_text(bytes, None);
        let end = base + bytes.len();
        let span = ByteSpan {
            header_start: base,
            body_start: base,
            end,
        };
        let body_lines = (end > base).then(|| LineSpan {
            first: self.lines.line_of(base),
            last: self.lines.line_of(end - 1),
        });
        Part {
            path: "1".to_owned(),
            content_type: "text/plain".to_owned(),
            content_type_defaulted: true,
            body: bytes.to_vec(),
            text: Some(decoded.text),
            charset_report: decoded.report,
            body_lines,
            span: Some(span),
            ..Part::default()
        }
    }

    fn limit_diagnostics(&self, out: &mut Vec<Diagnostic>) {
        if let Some(hit) = &self.depth_cut {
            out.push(
                Diagnostic::new(
                    Code::DepthLimit,
                    format!(
                        "parts nest deeper than {} levels; {} subtree(s) were not parsed",
                        self.options.max_depth, hit.count
                    ),
                )
                .at(Some(&hit.path), hit.line),
            );
        }
        if let Some(hit) = &self.part_cut {
            out.push(
                Diagnostic::new(
                    Code::PartLimit,
                    format!(
                        "more than {} parts; {} more part(s) and their contents were not parsed",
                        self.options.max_parts, hit.count
                    ),
                )
                .at(Some(&hit.path), hit.line),
            );
        }
        if let Some(hit) = &self.header_cut {
            out.push(
                Diagnostic::new(
                    Code::HeaderLimit,
                    format!(
                        "header section over {} fields or {} bytes; {} field(s) were dropped",
                        self.options.max_headers, self.options.max_header_bytes, hit.count
                    ),
                )
                .at(Some(&hit.path), hit.line),
            );
        }
    }
}

/// A header's raw bytes ready for mail-parser's field parsers: transcoded to
/// UTF-8 when they were in another charset, ending with the line break the
/// parsers stop at.
pub(super) fn field_for_reparse(header: &Header) -> Vec<u8> {
    let mut bytes = match header
        .raw_charset
        .and_then(|cs| Encoding::for_label(cs.as_bytes()))
    {
        Some(encoding) => encoding.decode(&header.raw).0.into_owned().into_bytes(),
        None => header.raw.clone(),
    };
    bytes.push(b'\n');
    bytes
}

/// Mailboxes of an address field, group members flattened; an empty group
/// yields one entry with only the group name.
pub(super) fn parse_addresses(header: &Header) -> Vec<Addr> {
    let bytes = field_for_reparse(header);
    let owned = |s: &Option<std::borrow::Cow<'_, str>>| s.as_ref().map(|s| s.to_string());
    match MessageStream::new(&bytes).parse_address() {
        HeaderValue::Address(Address::List(list)) => list
            .iter()
            .map(|a| Addr {
                name: owned(&a.name),
                address: owned(&a.address),
                group: None,
            })
            .collect(),
        HeaderValue::Address(Address::Group(groups)) => {
            let mut out = Vec::new();
            for group in &groups {
                let name = owned(&group.name);
                if group.addresses.is_empty() {
                    out.push(Addr {
                        name: None,
                        address: None,
                        group: name.clone(),
                    });
                }
                out.extend(group.addresses.iter().map(|a| Addr {
                    name: owned(&a.name),
                    address: owned(&a.address),
                    group: name.clone(),
                }));
            }
            out
        }
        _ => Vec::new(),
    }
}

/// The first msg-id of a raw field body, without angle brackets.
fn first_id(raw: &[u8]) -> Option<String> {
    let mut bytes = raw.to_vec();
    bytes.push(b'\n');
    let id = match MessageStream::new(&bytes).parse_id() {
        HeaderValue::Text(id) => id.into_owned(),
        HeaderValue::TextList(ids) => ids.into_iter().next()?.into_owned(),
        _ => return None,
    };
    let id = id.trim();
    (!id.is_empty()).then(|| id.to_owned())
}

/// The first msg-id of a header, without angle brackets (RFC 5322 §3.6.4).
pub(super) fn parse_first_id(header: &Header) -> Option<String> {
    first_id(&header.raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_imap() {
        assert_eq!(child_path("", 2), "2");
        assert_eq!(child_path("2", 1), "2.1");
        assert_eq!(child_path("2.TEXT", 3), "2.3");
        assert_eq!(embedded_root_path("2", false), "2.1");
        assert_eq!(embedded_root_path("2", true), "2.TEXT");
        assert_eq!(embedded_root_path("1", true), "1.TEXT");
    }

    fn preamble(input: &[u8]) -> (usize, bool, Option<String>, usize) {
        let p = strip_preamble(input);
        (p.start, p.bom, p.envelope, p.blank_lines)
    }

    #[test]
    fn preamble_bom_mbox_line_and_blank_lines_are_split_off() {
        assert_eq!(preamble(b"\xEF\xBB\xBFFrom: a\n"), (3, true, None, 0));
        assert_eq!(
            preamble(b"From a@b Tue Mar 04 03:33:20 2003\r\nFrom: a\n"),
            (
                35,
                false,
                Some("a@b Tue Mar 04 03:33:20 2003".to_owned()),
                0
            )
        );
        assert_eq!(preamble(b"From : a\n"), (0, false, None, 0));
        assert_eq!(preamble(b"From:a\n"), (0, false, None, 0));
        assert_eq!(preamble(b"   \r\n\t\nTo: a\n"), (7, false, None, 2));
        // The empty line is the end of an (empty) header section, not a blank line.
        assert_eq!(preamble(b"\r\nTo: a\n"), (0, false, None, 0));
    }

    #[test]
    fn delimiters_must_start_a_line() {
        assert_eq!(delimiter_facts(b"x--b\n", "b"), (false, false));
        assert_eq!(delimiter_facts(b"--b \r\nx\n--b--\r\n", "b"), (true, true));
        assert_eq!(delimiter_facts(b"--bc\n", "b"), (false, false));
        assert_eq!(delimiter_facts(b"--b\n", ""), (false, false));
    }

    #[test]
    fn transfer_encoding_takes_the_first_token() {
        assert_eq!(transfer_encoding(b" Base64 (comment)"), "base64");
        assert_eq!(transfer_encoding(b" "), "");
        assert_eq!(
            transfer_encoding(b"\r\n\tquoted-printable"),
            "quoted-printable"
        );
    }
}
