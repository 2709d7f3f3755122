//! The properties the fuzz targets check (feature `fuzzing`), written once
//! here so that `fuzz/` (libFuzzer, cargo-fuzz) and the stable test that
//! replays `testdata/regressions/` run the same code. Each takes the raw
//! fuzz input and returns the violated property, if any.

use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};
use mimesmith::encode::{Base64Encoder, Measure, QpEncoder, QpMode};
use mimesmith::spec::{AddressSpec, AttachmentSpec, LeafSpec, MultiSpec, NodeSpec, Spec};
use mimesmith::{Disposition, FormatOptions, HeaderName, Mailbox};

use crate::invariants::{InvariantOptions, check};
use crate::parse::parse;
use crate::roundtrip::roundtrip;

/// A violated property: what, and the evidence.
pub type Violation = String;

/// Valid addresses the fuzzer's mailboxes are mapped onto (the fuzzer
/// explores names, subjects, bodies and trees; addresses come from here).
const ADDRESSES: [&str; 6] = [
    "a@example.com",
    "zhang@例子.测试",
    "\"john doe\"@example.org",
    "x@[192.0.2.1]",
    "b.c+d@bücher.de",
    "z@example.cn",
];
/// Bounds that keep one input fast.
const MAX_TEXT: usize = 4096;
const MAX_PARTS: usize = 24;

fn address(i: usize) -> String {
    ADDRESSES
        .get(i % ADDRESSES.len())
        .copied()
        .unwrap_or("a@example.com")
        .to_owned()
}

fn fix_text(s: &mut String) {
    if s.len() > MAX_TEXT {
        let mut cut = MAX_TEXT;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
}

fn fix_mailbox(a: &mut AddressSpec, i: usize) {
    *a = match std::mem::replace(a, AddressSpec::Text(String::new())) {
        AddressSpec::Mailbox { name, .. } => AddressSpec::Mailbox {
            name,
            email: address(i),
        },
        AddressSpec::Group { group, members } => AddressSpec::Group {
            group,
            members: members
                .into_iter()
                .take(4)
                .enumerate()
                .map(|(k, _)| AddressSpec::Text(address(i + k)))
                .collect(),
        },
        AddressSpec::Text(_) => AddressSpec::Text(address(i)),
    };
}

fn fix_leaf(l: &mut LeafSpec) {
    if ![&l.text, &l.base64].iter().any(|c| c.is_some()) || l.file.is_some() {
        l.file = None;
        l.text = Some(String::new());
    }
    if let Some(t) = &mut l.text {
        fix_text(t);
        l.base64 = None;
    }
    if mimesmith::ContentType::parse(&l.content_type).map_or(true, |c| c.is_multipart()) {
        l.content_type = "application/octet-stream".into();
    }
}

/// Turns an arbitrary spec into one that mostly builds: valid addresses,
/// bounded sizes, no file references.
fn repair(mut spec: Spec) -> Spec {
    let mut i = 0;
    let mut next = || {
        i += 1;
        i
    };
    let mut from = spec.from.take().unwrap_or(AddressSpec::Text(String::new()));
    fix_mailbox(&mut from, next());
    if matches!(from, AddressSpec::Group { .. }) {
        from = AddressSpec::Text(address(0));
    }
    spec.from = Some(from);
    spec.sender = None;
    for list in [
        &mut spec.to,
        &mut spec.cc,
        &mut spec.bcc,
        &mut spec.reply_to,
    ] {
        list.truncate(4);
        for a in list.iter_mut() {
            fix_mailbox(a, next());
        }
    }
    if spec.to.is_empty() {
        spec.to.push(AddressSpec::Text(address(1)));
    }
    spec.reply_to
        .retain(|a| !matches!(a, AddressSpec::Group { .. }));
    for s in [&mut spec.subject, &mut spec.text, &mut spec.html]
        .into_iter()
        .flatten()
    {
        fix_text(s);
    }
    spec.headers.truncate(4);
    spec.headers
        .retain(|(n, _)| HeaderName::new(n.clone()).is_ok_and(|h| !h.is_reserved()));
    spec.date = Some("2026-11-23T10:00:00+08:00".into());
    spec.message_id = None;
    spec.in_reply_to = None;
    spec.references.clear();
    spec.charset = None;
    spec.smtputf8 = None;
    spec.seed = Some(spec.seed.unwrap_or(1));
    let fix_attachment = |a: &mut AttachmentSpec| {
        a.file = None;
        if a.text.is_none() && a.base64.is_none() {
            a.text = Some(String::new());
        }
        if let Some(t) = &mut a.text {
            fix_text(t);
            a.base64 = None;
        }
        a.content_type = a
            .content_type
            .take()
            .filter(|c| mimesmith::ContentType::parse(c).is_ok_and(|c| !c.is_multipart()));
        a.cid = a
            .cid
            .take()
            .filter(|c| mimesmith::ContentId::new(c).is_ok());
        a.transfer_encoding = None;
    };
    spec.inline.truncate(4);
    spec.attachments.truncate(4);
    spec.inline.iter_mut().for_each(fix_attachment);
    spec.attachments.iter_mut().for_each(fix_attachment);
    if let Some(body) = &mut spec.body {
        // Bound the tree: at most MAX_PARTS nodes, each multipart non-empty.
        let mut count = 0;
        let mut stack = vec![body];
        while let Some(n) = stack.pop() {
            count += 1;
            match n {
                NodeSpec::Multi(MultiSpec { multipart, parts }) => {
                    if mimesmith::MultiPart::new(multipart).is_err() {
                        *multipart = "mixed".into();
                    }
                    if count > MAX_PARTS {
                        parts.truncate(1);
                    }
                    if parts.is_empty() {
                        parts.push(NodeSpec::Leaf(LeafSpec {
                            content_type: "text/plain".into(),
                            text: Some(String::new()),
                            base64: None,
                            file: None,
                            filename: None,
                            disposition: None,
                            cid: None,
                            charset: None,
                            transfer_encoding: None,
                        }));
                    }
                    stack.extend(parts.iter_mut());
                }
                NodeSpec::Leaf(l) => {
                    fix_leaf(l);
                    l.charset = None;
                    l.transfer_encoding = None;
                    l.cid = l
                        .cid
                        .take()
                        .filter(|c| mimesmith::ContentId::new(c).is_ok());
                    l.disposition = l
                        .disposition
                        .take()
                        .filter(|d| d == "inline" || d == "attachment");
                }
            }
        }
        spec.text = None;
        spec.html = None;
        spec.inline.clear();
        spec.attachments.clear();
    }
    spec
}

/// `build_roundtrip`: an arbitrary spec either fails with a typed error or
/// builds a message that holds the invariants and that mail-parser reads
/// back exactly.
///
/// # Errors
/// The violated property.
pub fn build_roundtrip(data: &[u8]) -> Result<(), Violation> {
    let mut u = Unstructured::new(data);
    let Ok(spec) = Spec::arbitrary(&mut u) else {
        return Ok(());
    };
    let compat = bool::arbitrary(&mut u).unwrap_or(true);
    let spec = Spec {
        rfc2047_filenames: Some(compat),
        ..repair(spec)
    };
    let Ok(r) = roundtrip(&spec, Path::new("/nonexistent")) else {
        return Ok(());
    };
    let found = check(
        &r.bytes,
        InvariantOptions {
            smtputf8: false,
            rfc2047_params: compat,
        },
    );
    if !found.is_empty() {
        return Err(format!(
            "invariants: {found:#?}\n{}\nspec: {spec:?}",
            String::from_utf8_lossy(&r.bytes)
        ));
    }
    if !r.mismatches.is_empty() {
        return Err(format!(
            "round trip: {:#?}\n{}\nspec: {spec:?}",
            r.mismatches,
            String::from_utf8_lossy(&r.bytes)
        ));
    }
    Ok(())
}

/// Decodes one header field with mail-parser: `Name: value\r\n`.
fn read_field(field: &str) -> mail_parser::HeaderValue<'static> {
    let bytes = field
        .split_once(':')
        .map_or("", |(_, v)| v)
        .as_bytes()
        .to_vec();
    let mut stream = mail_parser::parsers::MessageStream::new(&bytes);
    let v = if field.starts_with("Subject:") {
        stream.parse_unstructured()
    } else {
        stream.parse_address()
    };
    v.into_owned()
}

fn lines_ok(field: &str) -> Result<(), Violation> {
    for line in field.trim_end_matches("\r\n").split("\r\n") {
        if line.len() > 998 {
            return Err(format!("line over 998: {line:?}"));
        }
        for w in line
            .split([' ', '\t', '"'])
            .filter(|w| w.starts_with("=?") && w.ends_with("?="))
        {
            if w.len() > 75 {
                return Err(format!("encoded word over 75: {w}"));
            }
        }
    }
    Ok(())
}

/// `encoded_word_roundtrip`: any text written as a Subject or a display
/// name decodes back to itself (after the documented normalisation).
///
/// # Errors
/// The violated property.
pub fn encoded_word_roundtrip(data: &[u8]) -> Result<(), Violation> {
    let mut u = Unstructured::new(data);
    let phrase = bool::arbitrary(&mut u).unwrap_or(false);
    let Ok(mut text) = String::arbitrary(&mut u) else {
        return Ok(());
    };
    fix_text(&mut text);
    let opts = FormatOptions::new();
    if phrase {
        let Ok(m) = Mailbox::new(&text, "a@example.com") else {
            return Ok(());
        };
        let name = HeaderName::new("From").map_err(|e| e.to_string())?;
        let field = mimesmith::header::format_address_list(&name, &[m.clone().into()], &opts)
            .map_err(|e| e.to_string())?;
        lines_ok(&field)?;
        let got = match read_field(&field) {
            mail_parser::HeaderValue::Address(mail_parser::Address::List(l)) => l
                .first()
                .and_then(|a| a.name.as_ref().map(ToString::to_string)),
            _ => None,
        };
        if got.as_deref().unwrap_or_default() != m.name().unwrap_or_default() {
            return Err(format!(
                "display name {:?} read as {got:?}\n{field}",
                m.name()
            ));
        }
    } else {
        let name = HeaderName::new("Subject").map_err(|e| e.to_string())?;
        let field = mimesmith::header::format_unstructured(&name, &text, &opts)
            .map_err(|e| e.to_string())?;
        lines_ok(&field)?;
        let want = mimesmith::sanitize_line_breaks(&text).into_owned();
        let got = match read_field(&field) {
            mail_parser::HeaderValue::Text(t) => t.to_string(),
            _ => String::new(),
        };
        if got != want {
            return Err(format!("subject {want:?} read as {got:?}\n{field}"));
        }
    }
    Ok(())
}

/// `rfc2231_roundtrip`: any file name written in Content-Disposition (with
/// and without the RFC 2047 compatibility form) reads back as itself.
///
/// # Errors
/// The violated property.
pub fn rfc2231_roundtrip(data: &[u8]) -> Result<(), Violation> {
    let mut u = Unstructured::new(data);
    let compat = bool::arbitrary(&mut u).unwrap_or(true);
    let Ok(mut name) = String::arbitrary(&mut u) else {
        return Ok(());
    };
    fix_text(&mut name);
    let Some(want) = mimesmith::clean_filename(&name) else {
        return Ok(());
    };
    let opts = FormatOptions::new().with_rfc2047_params(compat);
    let field = mimesmith::header::format_disposition(Disposition::Attachment, &name, &opts)
        .map_err(|e| e.to_string())?;
    for line in field.trim_end_matches("\r\n").split("\r\n") {
        if line.len() > 78 {
            return Err(format!("parameter line over 78: {line:?}\n{field}"));
        }
    }
    let message = format!("From: a@example.com\r\n{field}\r\nbody");
    let parsed = parse(message.as_bytes());
    let got = parsed.root.filename.clone();
    if got.as_deref() != Some(want.as_str()) {
        return Err(format!("file name {want:?} read as {got:?}\n{field}"));
    }
    Ok(())
}

/// `transfer_roundtrip`: the streaming quoted-printable and base64 encoders
/// decode back to their input for any chunking, keep lines within 76, and
/// quoted-printable stays within its measured bound.
///
/// # Errors
/// The violated property.
pub fn transfer_roundtrip(data: &[u8]) -> Result<(), Violation> {
    let mut u = Unstructured::new(data);
    let cuts: Vec<u16> = Vec::arbitrary(&mut u).unwrap_or_default();
    let text_mode = bool::arbitrary(&mut u).unwrap_or(false);
    let input = u.take_rest();
    let mut chunks = Vec::new();
    let mut rest = input;
    for c in cuts {
        let (a, b) = rest.split_at(usize::from(c).min(rest.len()));
        chunks.push(a);
        rest = b;
    }
    chunks.push(rest);

    let mut b64 = Base64Encoder::new();
    let mut out = Vec::new();
    for c in &chunks {
        b64.update(c, &mut out);
    }
    b64.finish(&mut out);
    if out.len() as u64 != Base64Encoder::encoded_len(input.len() as u64) {
        return Err("base64 length differs from encoded_len".into());
    }
    if out.split(|&b| b == b'\n').any(|l| l.len() > 77) {
        return Err("base64 line over 76".into());
    }
    let decoded = mail_parser::decoders::base64::base64_decode(&out).unwrap_or_default();
    if decoded != input {
        return Err(format!(
            "base64 does not decode back ({} vs {} octets)",
            decoded.len(),
            input.len()
        ));
    }

    let mode = if text_mode {
        QpMode::Text
    } else {
        QpMode::Binary
    };
    let mut qp = QpEncoder::new(mode);
    let mut out = Vec::new();
    for c in &chunks {
        qp.update(c, &mut out);
    }
    qp.finish(&mut out);
    if out
        .split(|&b| b == b'\n')
        .any(|l| l.strip_suffix(b"\r").unwrap_or(l).len() > 76)
    {
        return Err("quoted-printable line over 76".into());
    }
    if out.len() as u64 > Measure::of(input).qp_len_bound(mode) {
        return Err("quoted-printable longer than its bound".into());
    }
    let decoded =
        mail_parser::decoders::quoted_printable::quoted_printable_decode(&out).unwrap_or_default();
    let want: Vec<u8> = if text_mode {
        // Text mode writes line breaks as CRLF (RFC 2046 §4.1.1).
        let s = input.to_vec();
        let mut v = Vec::with_capacity(s.len());
        let mut i = 0;
        while let Some(&b) = s.get(i) {
            match b {
                b'\r' if s.get(i + 1) == Some(&b'\n') => {
                    v.extend_from_slice(b"\r\n");
                    i += 1;
                }
                b'\r' | b'\n' => v.extend_from_slice(b"\r\n"),
                b => v.push(b),
            }
            i += 1;
        }
        v
    } else {
        input.to_vec()
    };
    if decoded != want {
        return Err(format!(
            "quoted-printable does not decode back ({} vs {} octets)",
            decoded.len(),
            want.len()
        ));
    }
    Ok(())
}

/// `parse_no_panic`: any bytes go through the parser, the invariant
/// checker, the lint rules, header repair and the main-text view (HTML to
/// text included) without a panic (libFuzzer's timeout bounds the time).
///
/// # Errors
/// Never: a panic is the failure.
pub fn parse_no_panic(data: &[u8]) -> Result<(), Violation> {
    let parsed = parse(data);
    let _ = parsed.parts().count();
    let _ = check(data, InvariantOptions::default());
    let _ = crate::lint::lint_parsed(data, &parsed);
    for h in &parsed.headers {
        let _ = crate::lint::repaired_header_value(h);
    }
    let _ = crate::lint::main_text(&parsed);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::html::to_text(text);
    }
    Ok(())
}

/// One call of the public builder API, with arbitrary strings: what a
/// user might type into any method (issue 10: fuzz the API itself, not
/// only the spec).
#[derive(Debug, Arbitrary)]
enum ApiCall {
    From(String),
    FromPair(String, String),
    Sender(String),
    To(String),
    ToList(String),
    Cc(String),
    Bcc(String),
    ReplyTo(String),
    Group(String, Vec<String>),
    Subject(String),
    Header(String, String),
    MessageId(String),
    InReplyTo(String),
    References(String),
    Text(String),
    Html(String),
    Attachment {
        filename: String,
        content_type: Option<String>,
        description: Option<String>,
        header: Option<(String, String)>,
        body: Vec<u8>,
    },
    Inline(String, Vec<u8>),
    Charset(String),
    Smtputf8(bool),
    Rfc2047Params(bool),
    Date(String),
}

/// The longest string one call passes, so that an input stays fast.
const MAX_ARG: usize = 300;

fn arg(s: &str) -> &str {
    let mut cut = s.len().min(MAX_ARG);
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.get(..cut).unwrap_or_default()
}

/// `builder_api`: any sequence of builder calls with arbitrary strings
/// either fails in `build` with a typed error, or builds a message that
/// writes without error (nothing is left to fail after `build`), holds the
/// invariants, lints with no error or warning, and keeps its Subject.
///
/// # Errors
/// The violated property.
pub fn builder_api(data: &[u8]) -> Result<(), Violation> {
    builder_api_built(data).map(drop)
}

/// [`builder_api`], saying whether a message was built (for the stable
/// runner, which checks that enough inputs get that far).
///
/// # Errors
/// The violated property.
pub fn builder_api_built(data: &[u8]) -> Result<bool, Violation> {
    let u = Unstructured::new(data);
    let Ok(calls) = Vec::<ApiCall>::arbitrary_take_rest(u) else {
        return Ok(false);
    };
    // A sender and a recipient to start from, so that most call sequences
    // reach `build`'s other checks and the writer.
    let mut b = mimesmith::Message::builder()
        .from("a@example.com")
        .to("b@example.com")
        .seed(1)
        .date(mimesmith::DateTime::from_unix(1_800_000_000, 0).map_err(|e| e.to_string())?);
    let mut options = FormatOptions::new().with_seed(1);
    let mut subject = None;
    let mut rfc2047_params = true;
    for call in calls.iter().take(40) {
        b = match call {
            ApiCall::From(s) => b.from(arg(s)),
            ApiCall::FromPair(n, e) => b.from((arg(n), arg(e))),
            ApiCall::Sender(s) => b.sender(arg(s)),
            ApiCall::To(s) => b.to(arg(s)),
            ApiCall::ToList(s) => match mimesmith::AddressList::parse(arg(s)) {
                Ok(l) => b.to(l),
                Err(_) => b,
            },
            ApiCall::Cc(s) => b.cc(arg(s)),
            ApiCall::Bcc(s) => b.bcc(arg(s)),
            ApiCall::ReplyTo(s) => b.reply_to(arg(s)),
            ApiCall::Group(name, members) => {
                let members: Result<Vec<Mailbox>, _> = members
                    .iter()
                    .take(5)
                    .map(|m| Mailbox::parse(arg(m)))
                    .collect();
                match members.and_then(|m| mimesmith::Group::new(arg(name), m)) {
                    Ok(g) => b.cc(g),
                    Err(_) => b,
                }
            }
            ApiCall::Subject(s) => {
                subject = Some(mimesmith::sanitize_line_breaks(arg(s)).into_owned());
                b.subject(arg(s).to_owned())
            }
            ApiCall::Header(n, v) => b.header(arg(n), arg(v)),
            ApiCall::MessageId(s) => b.message_id(arg(s)),
            ApiCall::InReplyTo(s) => b.in_reply_to(arg(s)),
            ApiCall::References(s) => b.references(arg(s)),
            ApiCall::Text(s) => b.text(arg(s).to_owned()),
            ApiCall::Html(s) => b.html(arg(s).to_owned()),
            ApiCall::Attachment {
                filename,
                content_type,
                description,
                header,
                body,
            } => {
                let mut part = mimesmith::SinglePart::attachment(
                    arg(filename),
                    mimesmith::Body::Bytes(
                        body.iter()
                            .take(MAX_TEXT)
                            .copied()
                            .collect::<Vec<u8>>()
                            .into(),
                    ),
                );
                if let Some(ct) = content_type
                    .as_deref()
                    .and_then(|c| mimesmith::ContentType::parse(arg(c)).ok())
                {
                    part = part.content_type(ct);
                }
                if let Some(d) = description {
                    part = part.description(arg(d));
                }
                if let Some((n, v)) = header
                    && let Ok(n) = HeaderName::new(arg(n).to_owned())
                {
                    part = part.header(n, arg(v));
                }
                b.attachment(part)
            }
            ApiCall::Inline(ct, body) => match mimesmith::ContentType::parse(arg(ct)) {
                Ok(ct) => b.inline(mimesmith::SinglePart::inline(
                    ct,
                    mimesmith::Body::Bytes(
                        body.iter()
                            .take(MAX_TEXT)
                            .copied()
                            .collect::<Vec<u8>>()
                            .into(),
                    ),
                )),
                Err(_) => b,
            },
            ApiCall::Charset(label) => match mimesmith::Charset::from_label(arg(label)) {
                Ok(c) => {
                    options = options.with_charset(c);
                    b
                }
                Err(_) => b,
            },
            ApiCall::Smtputf8(on) => {
                options = options.with_smtputf8(*on);
                b
            }
            ApiCall::Rfc2047Params(on) => {
                rfc2047_params = *on;
                options = options.with_rfc2047_params(*on);
                b
            }
            ApiCall::Date(s) => match mimesmith::DateTime::parse_rfc3339(arg(s)) {
                Ok(d) => b.date(d),
                Err(_) => b,
            },
        };
    }
    let Ok(message) = b.options(options).build() else {
        return Ok(false);
    };
    let bytes = message
        .to_vec()
        .map_err(|e| format!("build succeeded but writing failed: {e}\ncalls: {calls:?}"))?;
    let found = check(
        &bytes,
        InvariantOptions {
            smtputf8: options.smtputf8(),
            rfc2047_params,
        },
    );
    if !found.is_empty() {
        return Err(format!(
            "invariants: {found:#?}\n{}\ncalls: {calls:?}",
            String::from_utf8_lossy(&bytes)
        ));
    }
    if !options.smtputf8() {
        let linted = crate::lint::lint(&bytes);
        let bad: Vec<_> = linted
            .diagnostics
            .iter()
            .filter(|d| d.severity != crate::diag::Severity::Info)
            // The caller's own choices, which lint rightly names: HTML with
            // no text, and file names without the Outlook form.
            .filter(|d| d.code != crate::diag::Code::HtmlWithoutText)
            .filter(|d| rfc2047_params || d.code != crate::diag::Code::FilenameUnencoded)
            .collect();
        if !bad.is_empty() {
            return Err(format!(
                "lint: {bad:#?}\n{}\ncalls: {calls:?}",
                String::from_utf8_lossy(&bytes)
            ));
        }
        if let Some(want) = &subject {
            let got = linted.parsed.subject().unwrap_or_default();
            if got != want {
                return Err(format!(
                    "subject {want:?} read back as {got:?}\n{}",
                    String::from_utf8_lossy(&bytes)
                ));
            }
        }
    }
    Ok(true)
}

/// A fuzz target's check.
pub type Check = fn(&[u8]) -> Result<(), Violation>;

/// Every target, by name, for the regression runner.
pub const TARGETS: [(&str, Check); 6] = [
    ("build_roundtrip", build_roundtrip),
    ("builder_api", builder_api),
    ("encoded_word_roundtrip", encoded_word_roundtrip),
    ("rfc2231_roundtrip", rfc2231_roundtrip),
    ("transfer_roundtrip", transfer_roundtrip),
    ("parse_no_panic", parse_no_panic),
];
