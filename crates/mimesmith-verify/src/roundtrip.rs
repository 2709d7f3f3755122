//! Build → bytes → parse → compare: what mail-parser reads back against what
//! the builder was asked to produce ([`crate::model`]).

use std::fmt;
use std::path::Path;

use mimesmith::spec::Spec;

use crate::model::{ExpAddr, ExpBody, ExpNode, Expected, expect, normalize_newlines};
use crate::parse::{Addr, ParsedMessage, Part, parse};

/// One difference between what was asked and what was read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The IMAP part path, or `header` for the top-level fields.
    pub part: String,
    /// What differs (`subject`, `to[1].name`, `content_type`, `body`, …).
    pub field: String,
    /// What the builder was asked for.
    pub expected: String,
    /// What the parser read.
    pub found: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: expected {:?}, found {:?}",
            self.part, self.field, self.expected, self.found
        )
    }
}

/// Why a round trip could not run.
#[derive(Debug, thiserror::Error)]
pub enum RoundtripError {
    /// The spec does not build (that is a result too: a typed builder error).
    #[error("the spec does not build: {0}")]
    Build(String),
    /// The bytes could not be written.
    #[error("writing failed: {0}")]
    Write(String),
}

/// The outcome of a round trip.
#[derive(Debug)]
pub struct Roundtrip {
    /// The bytes built.
    pub bytes: Vec<u8>,
    /// The expectation.
    pub expected: Expected,
    /// The parser's reading.
    pub parsed: ParsedMessage,
    /// Every difference.
    pub mismatches: Vec<Mismatch>,
}

/// Builds `spec`, parses the bytes with mail-parser and compares.
///
/// # Errors
/// [`RoundtripError`] when the spec does not build or write.
pub fn roundtrip(spec: &Spec, base: &Path) -> Result<Roundtrip, RoundtripError> {
    let message = spec
        .build(base)
        .map_err(|e| RoundtripError::Build(e.to_string()))?;
    let bytes = message
        .to_vec()
        .map_err(|e| RoundtripError::Write(e.to_string()))?;
    let expected = expect(spec, base).map_err(|e| RoundtripError::Build(e.to_string()))?;
    let parsed = parse(&bytes);
    let mismatches = compare(&expected, &parsed);
    Ok(Roundtrip {
        bytes,
        expected,
        parsed,
        mismatches,
    })
}

fn push(
    out: &mut Vec<Mismatch>,
    part: &str,
    field: impl Into<String>,
    expected: impl Into<String>,
    found: impl Into<String>,
) {
    out.push(Mismatch {
        part: part.to_owned(),
        field: field.into(),
        expected: expected.into(),
        found: found.into(),
    });
}

fn addr_lists(out: &mut Vec<Mismatch>, field: &str, want: &[ExpAddr], got: &[Addr]) {
    // An empty group is listed as an entry without an address: compare mailboxes.
    let got: Vec<&Addr> = got.iter().filter(|a| a.address.is_some()).collect();
    if want.len() != got.len() {
        push(
            out,
            "header",
            format!("{field}.len"),
            want.len().to_string(),
            got.len().to_string(),
        );
        return;
    }
    for (i, (w, g)) in want.iter().zip(got.iter().copied()).enumerate() {
        let g_name = g.name.clone().unwrap_or_default();
        if w.name != g_name {
            push(out, "header", format!("{field}[{i}].name"), &w.name, g_name);
        }
        let g_addr = g.address.clone().unwrap_or_default();
        if !same_address(&w.address, &g_addr) {
            push(
                out,
                "header",
                format!("{field}[{i}].address"),
                &w.address,
                g_addr,
            );
        }
        let g_group = g.group.clone().unwrap_or_default();
        let w_group = w.group.clone().unwrap_or_default();
        if w_group != g_group {
            push(
                out,
                "header",
                format!("{field}[{i}].group"),
                w_group,
                g_group,
            );
        }
    }
}

/// An address with a quoted local part unquoted and unescaped
/// (`"a\"b"@x` becomes `a"b@x`): the form in which readers that keep the
/// quotes and escapes and mail-parser, which drops them, can be compared.
#[must_use]
pub fn bare_address(addr: &str) -> String {
    let Some((local, domain)) = addr.rsplit_once('@') else {
        return addr.to_owned();
    };
    let local = local
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or(local);
    let mut out = String::new();
    let mut chars = local.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    format!("{out}@{domain}")
}

/// Documented mail-parser quirk: it reads a quoted local part without its
/// backslash escapes, keeping the quotes inside angle brackets
/// (`<"a\"b"@x>` reads as `"a"b"@x`) and dropping them otherwise. Both
/// sides are compared with the quotes and escapes taken away.
fn same_address(written: &str, read: &str) -> bool {
    written == read || bare_address(written) == bare_address(read)
}

/// Compares an expectation with a parsed message.
#[must_use]
pub fn compare(exp: &Expected, got: &ParsedMessage) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let subject = got.subject().map(str::to_owned);
    if exp.subject != subject {
        push(
            &mut out,
            "header",
            "subject",
            format!("{:?}", exp.subject),
            format!("{subject:?}"),
        );
    }
    addr_lists(&mut out, "from", &exp.from, &got.from());
    addr_lists(&mut out, "sender", &exp.sender, &got.sender());
    addr_lists(&mut out, "to", &exp.to, &got.to());
    addr_lists(&mut out, "cc", &exp.cc, &got.cc());
    addr_lists(&mut out, "reply_to", &exp.reply_to, &got.reply_to());
    if !got.bcc().is_empty() {
        push(
            &mut out,
            "header",
            "bcc",
            "absent",
            format!("{} addresses", got.bcc().len()),
        );
    }
    // Extra headers: every value of a name, in order (a name may repeat).
    let mut names: Vec<&str> = exp.headers.iter().map(|(n, _)| n.as_str()).collect();
    names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    for name in names {
        let want: Vec<&str> = exp
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim_matches([' ', '\t']))
            .collect();
        let found: Vec<&str> = got
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.trim_matches([' ', '\t']))
            .collect();
        if want != found {
            push(
                &mut out,
                "header",
                name.to_owned(),
                format!("{want:?}"),
                format!("{found:?}"),
            );
        }
    }
    for h in &got.headers {
        if !exp
            .allowed_headers
            .iter()
            .any(|a| a.eq_ignore_ascii_case(&h.name))
        {
            push(&mut out, "header", h.name.clone(), "absent", &h.value);
        }
    }
    tree(&exp.root, &got.root, &mut out);
    out
}

fn tree(exp: &ExpNode, got: &Part, out: &mut Vec<Mismatch>) {
    // Pairs to compare, with an explicit stack.
    let mut stack = vec![(exp, got)];
    while let Some((e, g)) = stack.pop() {
        let path = g.path.as_str();
        match e {
            ExpNode::Multi {
                content_type,
                children,
            } => {
                if *content_type != g.content_type {
                    push(out, path, "content_type", content_type, &g.content_type);
                }
                if children.len() != g.children.len() {
                    push(
                        out,
                        path,
                        "parts",
                        children.len().to_string(),
                        g.children.len().to_string(),
                    );
                    continue;
                }
                stack.extend(children.iter().zip(&g.children).rev());
            }
            ExpNode::Leaf(l) => {
                if l.content_type != g.content_type {
                    push(out, path, "content_type", &l.content_type, &g.content_type);
                    continue;
                }
                if l.filename != g.filename {
                    push(
                        out,
                        path,
                        "filename",
                        format!("{:?}", l.filename),
                        format!("{:?}", g.filename),
                    );
                }
                if let Some(cid) = &l.content_id
                    && Some(cid) != g.content_id.as_ref()
                {
                    push(out, path, "content_id", cid, format!("{:?}", g.content_id));
                }
                if let Some(d) = &l.disposition
                    && Some(d) != g.disposition.as_ref()
                {
                    push(out, path, "disposition", d, format!("{:?}", g.disposition));
                }
                match &l.body {
                    ExpBody::Text(t) => {
                        let found = g
                            .text
                            .clone()
                            .unwrap_or_else(|| String::from_utf8_lossy(&g.body).into_owned());
                        if normalize_newlines(t) != normalize_newlines(&found) {
                            push(out, path, "text", t, found);
                        }
                    }
                    ExpBody::Bytes(b) => {
                        if *b != g.body {
                            push(
                                out,
                                path,
                                "body",
                                format!("{} octets", b.len()),
                                format!("{} octets", g.body.len()),
                            );
                        }
                    }
                }
            }
        }
    }
}
