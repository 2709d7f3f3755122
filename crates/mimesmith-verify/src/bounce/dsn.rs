//! Delivery status notifications: the fields of a `message/delivery-status`
//! part (RFC 3464 §2) and of its internationalised form
//! `message/global-delivery-status` (RFC 6533 §6), plus the feedback report
//! (RFC 5965 §3) and disposition notification (RFC 8098 §3.2) parts, which
//! share the same field syntax.

use crate::parse::{ParsedMessage, Part};

use super::{Kind, Reason, Recipient, Report, Source, notice_parts, text};

/// One DSN field block: the fields of one paragraph, unfolded, in order
/// (RFC 3464 §2.1: per-message fields, then per-recipient groups separated
/// by blank lines).
pub type Block = Vec<(String, String)>;

/// Splits the body of a delivery-status part into blocks of unfolded fields
/// (RFC 3464 §2.1; RFC 5322 §2.2.3 unfolding). Lines that are not fields are
/// skipped.
#[must_use]
pub fn blocks(body: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut current: Block = Vec::new();
    for line in body.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = current.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            let name = name.trim();
            if !name.is_empty() && !name.contains(' ') {
                current.push((name.to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn field<'a>(block: &'a Block, name: &str) -> Option<&'a str> {
    block
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// The address of an `address-type ; address` field (RFC 3464 §2.3.1):
/// `rfc822` addresses as they are, `utf-8` addresses with their
/// `\x{HHHH}` escapes decoded (RFC 6533 §3), xtext `+HH` decoded
/// (RFC 3461 §4); angle brackets and quotes removed.
#[must_use]
pub fn typed_address(value: &str) -> Option<String> {
    let (kind, addr) = match value.split_once(';') {
        Some((k, a)) => (k.trim().to_ascii_lowercase(), a.trim()),
        None => (String::from("rfc822"), value.trim()),
    };
    let mut addr = addr.to_owned();
    if kind == "utf-8" || addr.contains("\\x{") {
        addr = decode_embedded_unicode(&addr);
    }
    text::clean_address(&addr)
}

/// A recipient that is a local delivery target rather than an address
/// (Exim's `rfc822;/var/spool/…` for a file, `|…` for a pipe): RFC 3464
/// §2.3.2 keeps whatever the MTA delivered to.
fn local_target(value: &str) -> Option<String> {
    let v = value.split_once(';').map_or(value, |(_, a)| a).trim();
    (v.starts_with('/') || v.starts_with('|')).then(|| v.to_owned())
}

fn xtext_like(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(3).any(|w| {
        w.first() == Some(&b'+')
            && w.get(1)
                .is_some_and(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
            && w.get(2)
                .is_some_and(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
    })
}

/// `+HH` escapes (RFC 3461 §4 xtext) decoded.
fn decode_xtext(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'+'
            && let Some(h) = b.get(i + 1..i + 3)
            && let Ok(h) = std::str::from_utf8(h)
            && let Ok(v) = u8::from_str_radix(h, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(c);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `\x{HHHH}` escapes (RFC 6533 §3 `embedded-unicode-char`) decoded.
fn decode_embedded_unicode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("\\x{") {
        out.push_str(rest.get(..i).unwrap_or_default());
        let after = rest.get(i + 3..).unwrap_or_default();
        match after.find('}') {
            Some(j)
                if let Some(c) = after
                    .get(..j)
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32) =>
            {
                out.push(c);
                rest = after.get(j + 1..).unwrap_or_default();
            }
            _ => {
                out.push_str("\\x{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text of a report part: UTF-8 for the `global` forms (RFC 6533 §6),
/// otherwise decoded like any text, charset repaired.
fn part_text(part: &Part) -> String {
    crate::charset::decode_text(&part.body, part.charset.as_deref()).text
}

/// The `type; text` of a Diagnostic-Code (RFC 3464 §2.3.6): the text alone.
fn diagnostic_text(value: &str) -> String {
    let v = value.trim();
    match v.split_once(';') {
        Some((t, rest)) if !t.trim().is_empty() && !t.trim().contains(' ') => {
            rest.trim().to_owned()
        }
        _ => v.to_owned(),
    }
}

/// Reads a DSN, ARF or MDN report part, when the message has one.
#[must_use]
pub fn read(msg: &ParsedMessage) -> Option<Report> {
    let parts = notice_parts(msg);
    for part in &parts {
        match part.content_type.as_str() {
            "message/delivery-status" | "message/global-delivery-status" => {
                let report = read_delivery_status(msg, part);
                if !report.recipients.is_empty() {
                    return Some(report);
                }
            }
            "message/feedback-report" => return Some(read_feedback(msg, part)),
            "message/disposition-notification" | "message/global-disposition-notification" => {
                return Some(read_disposition(msg, part));
            }
            _ => {}
        }
    }
    None
}

fn read_delivery_status(msg: &ParsedMessage, part: &Part) -> Report {
    let body = part_text(part);
    let (reporting_mta, mut recipients) = recipients_from_fields(&body);
    // The human-readable part often says more than the fields do.
    let notice = text::notice_text(msg);
    for r in &mut recipients {
        text::enrich_from_text(r, &notice);
    }
    Report {
        kind: Kind::Bounce,
        source: Source::Dsn,
        sender: None,
        reporting_mta,
        recipients,
        original: None,
    }
}

/// The per-message and per-recipient fields of a delivery-status body
/// (RFC 3464 §2.2–2.3): `Reporting-MTA` and one [`Recipient`] per
/// recipient block whose action is not `expanded` or `relayed`. Also used
/// on notices that quote the fields in their text.
#[must_use]
pub fn recipients_from_fields(body: &str) -> (Option<String>, Vec<Recipient>) {
    let blocks = blocks(body);
    let mut reporting_mta = None;
    let mut arrival = None;
    let mut recipients = Vec::new();
    for block in &blocks {
        if field(block, "reporting-mta").is_some() && field(block, "final-recipient").is_none() {
            reporting_mta = field(block, "reporting-mta").map(diagnostic_text);
            arrival = field(block, "arrival-date").map(str::to_owned);
            continue;
        }
        // Some writers put several recipients in one paragraph: a new
        // Final-Recipient starts a new recipient.
        let mut groups: Vec<Block> = Vec::new();
        for (n, v) in block {
            let starts = n == "final-recipient" || n == "original-recipient";
            let new = match groups.last() {
                None => true,
                Some(g) => starts && g.iter().any(|(gn, _)| gn == n),
            };
            if new {
                groups.push(Vec::new());
            }
            if let Some(g) = groups.last_mut() {
                g.push((n.clone(), v.clone()));
            }
        }
        for g in groups {
            let recipient = field(&g, "final-recipient")
                .or_else(|| field(&g, "x-actual-recipient"))
                .or_else(|| field(&g, "original-recipient"))
                .and_then(|v| typed_address(v).or_else(|| local_target(v)));
            if recipient.is_none() {
                continue;
            }
            let action = field(&g, "action").map(|a| {
                a.split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase()
            });
            if matches!(action.as_deref(), Some("expanded" | "relayed")) {
                continue;
            }
            recipients.push(Recipient {
                recipient,
                original_recipient: field(&g, "original-recipient").and_then(original_address),
                action,
                status: field(&g, "status").map(|s| {
                    s.split(|c: char| c.is_whitespace() || c == '(')
                        .next()
                        .unwrap_or_default()
                        .to_owned()
                }),
                diagnostic: field(&g, "diagnostic-code")
                    .map(diagnostic_text)
                    .filter(|d| !d.is_empty())
                    .or_else(|| field(&g, "status").and_then(status_comment)),
                // RFC 3464 §2.3.6: the diagnostic type `X-Unix` is the exit
                // status of a local mailer program (sendmail's), not an
                // SMTP reply.
                settled: powermta_category(&g).is_some(),
                reason: if let Some(r) = powermta_category(&g) {
                    r
                } else if field(&g, "diagnostic-code").is_some_and(|d| {
                    d.trim_start()
                        .get(..6)
                        .is_some_and(|t| t.eq_ignore_ascii_case("x-unix"))
                }) {
                    Reason::MailerError
                } else {
                    Reason::Undefined
                },
                remote_mta: field(&g, "remote-mta").map(diagnostic_text),
                date: field(&g, "last-attempt-date")
                    .map(str::to_owned)
                    .or_else(|| arrival.clone()),
                ..Recipient::default()
            });
        }
    }
    (reporting_mta, recipients)
}

/// PowerMTA's `X-PowerMTA-BounceCategory` (an extension field, RFC 3464
/// §3: `X-` fields of the per-recipient block) and the reason each of its
/// documented categories means.
pub const POWERMTA_CATEGORIES: &[(&str, Reason)] = &[
    ("bad-mailbox", Reason::UserUnknown),
    ("bad-domain", Reason::HostUnknown),
    ("inactive-mailbox", Reason::Suspend),
    ("quota-issues", Reason::MailboxFull),
    ("message-expired", Reason::Expired),
    ("no-answer-from-host", Reason::NetworkError),
    ("relaying-issues", Reason::NoRelaying),
    ("routing-errors", Reason::NetworkError),
    ("spam-related", Reason::SpamDetected),
    ("virus-related", Reason::VirusDetected),
    ("policy-related", Reason::PolicyViolation),
    ("content-related", Reason::ContentError),
    ("invalid-sender", Reason::Rejected),
    ("bad-connection", Reason::NetworkError),
];

fn powermta_category(block: &Block) -> Option<Reason> {
    let v = field(block, "x-powermta-bouncecategory")?.trim();
    POWERMTA_CATEGORIES
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(v))
        .map(|(_, r)| *r)
}

/// The comment after a `Status` code (`5.1.10 (host/domain does not accept
/// mail)`, RFC 5322 §3.2.2 comment syntax): the only text a DSN without
/// `Diagnostic-Code` gives.
fn status_comment(status: &str) -> Option<String> {
    let (_, rest) = status.split_once('(')?;
    let c = rest.rsplit_once(')').map_or(rest, |(c, _)| c).trim();
    (!c.is_empty()).then(|| c.to_owned())
}

/// An `Original-Recipient` address: like [`typed_address`], with the xtext
/// `+HH` escapes of RFC 3461 §4 (ORCPT) decoded.
fn original_address(value: &str) -> Option<String> {
    let a = typed_address(value)?;
    Some(if xtext_like(&a) { decode_xtext(&a) } else { a })
}

/// ARF (RFC 5965 §3.1–3.2): one recipient per `Original-Rcpt-To`, else the
/// To of the reported message.
fn read_feedback(msg: &ParsedMessage, part: &Part) -> Report {
    let body = part_text(part);
    let fields: Block = blocks(&body).into_iter().flatten().collect();
    let feedback_type = fields
        .iter()
        .find(|(n, _)| n == "feedback-type")
        .map(|(_, v)| v.to_ascii_lowercase());
    let mut rcpts: Vec<String> = fields
        .iter()
        .filter(|(n, _)| n == "original-rcpt-to" || n == "removal-recipient")
        .filter_map(|(_, v)| text::clean_address(v))
        .collect();
    rcpts.dedup();
    if rcpts.is_empty() {
        rcpts = text::original_recipients(msg);
    }
    if rcpts.is_empty() {
        rcpts.push(String::new());
    }
    let date = fields
        .iter()
        .find(|(n, _)| n == "arrival-date" || n == "received-date")
        .map(|(_, v)| v.clone());
    let recipients = rcpts
        .into_iter()
        .map(|a| Recipient {
            recipient: (!a.is_empty()).then_some(a),
            action: None,
            feedback_type: feedback_type.clone(),
            date: date.clone(),
            reason: super::Reason::Feedback,
            ..Recipient::default()
        })
        .collect();
    Report {
        kind: Kind::Feedback,
        source: Source::Arf,
        sender: None,
        reporting_mta: fields
            .iter()
            .find(|(n, _)| n == "reporting-mta")
            .map(|(_, v)| diagnostic_text(v)),
        recipients,
        original: None,
    }
}

/// MDN (RFC 8098 §3.2): `Final-Recipient` and `Disposition`.
fn read_disposition(msg: &ParsedMessage, part: &Part) -> Report {
    let body = part_text(part);
    let fields: Block = blocks(&body).into_iter().flatten().collect();
    let get = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let recipient = get("final-recipient")
        .and_then(|v| typed_address(&v))
        .or_else(|| text::original_recipients(msg).into_iter().next());
    Report {
        kind: Kind::Disposition,
        source: Source::Mdn,
        sender: None,
        reporting_mta: get("reporting-ua").map(|v| diagnostic_text(&v)),
        recipients: vec![Recipient {
            recipient,
            original_recipient: get("original-recipient").and_then(|v| typed_address(&v)),
            action: get("disposition").map(|d| diagnostic_text(&d)),
            reason: super::Reason::Delivered,
            ..Recipient::default()
        }],
        original: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_address_type_decodes_embedded_unicode() {
        assert_eq!(
            typed_address("utf-8; \\x{5F20}\\x{4E09}@example.cn").as_deref(),
            Some("张三@example.cn")
        );
    }

    #[test]
    fn xtext_original_recipient_is_decoded() {
        assert_eq!(
            original_address("rfc822; a+2Bb@example.com").as_deref(),
            Some("a+b@example.com")
        );
    }

    #[test]
    fn folded_fields_are_unfolded_and_blocks_split() {
        let b = blocks(
            "Reporting-MTA: dns; a\n\nFinal-Recipient: rfc822; x@y\nDiagnostic-Code: smtp; 550\n  gone\n",
        );
        assert_eq!(b.len(), 2);
        assert_eq!(field(&b[1], "diagnostic-code"), Some("smtp; 550 gone"));
    }
}
