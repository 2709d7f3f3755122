//! Bounce reading: from any message, a typed [`Report`] of why mail did not
//! arrive, or `None` when the message is not a report at all.
//!
//! Sources, in the order they are tried:
//! - **Delivery status notifications** (RFC 3464, RFC 6533): the
//!   `message/delivery-status` or `message/global-delivery-status` part of a
//!   `multipart/report` (RFC 6522) gives one [`Recipient`] per
//!   per-recipient block ([`dsn`]).
//! - **Feedback reports** (ARF, RFC 5965 §3): a `message/feedback-report`
//!   part; one recipient per `Original-Rcpt-To` ([`Kind::Feedback`]).
//! - **Disposition notifications** (MDN, RFC 8098 §3): a
//!   `message/disposition-notification` part ([`Kind::Disposition`]).
//! - **Automatic replies** (RFC 3834 §5: `Auto-Submitted: auto-replied`,
//!   vacation subjects): [`Kind::AutoReply`].
//! - **Everything else**: the free-text notices of MTAs and providers that
//!   follow no standard (Exim, qmail, Gmail, Yahoo, QQ, KDDI, …), read by
//!   the data-driven rules of [`rules`].
//!
//! Each recipient's [`Reason`] uses sisimai's vocabulary and is chosen by
//! [`reason`] from the status code (RFC 3463) and the diagnostic text.
//!
//! ```
//! use mimesmith_verify::bounce::{self, Reason};
//!
//! let dsn = b"From: MAILER-DAEMON@mx.example.net\r\n\
//! Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n\
//! --b\r\n\r\nSorry.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\n\
//! Reporting-MTA: dns; mx.example.net\r\n\r\n\
//! Final-Recipient: rfc822; nobody@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\
//! Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n--b--\r\n";
//! let report = bounce::read(&mimesmith_verify::parse(dsn)).unwrap();
//! let r = &report.recipients[0];
//! assert_eq!(r.recipient.as_deref(), Some("nobody@example.com"));
//! assert_eq!(r.reason, Reason::UserUnknown);
//! assert_eq!(r.reply_code, Some(550));
//! assert!(r.hard_bounce);
//! ```

pub mod dsn;
pub mod reason;
pub mod rules;
mod text;

use serde::Serialize;

use crate::parse::{ParsedMessage, Part};

pub use reason::Reason;

/// What kind of report a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Kind {
    /// A delivery status notification (RFC 3464) or a non-standard bounce.
    Bounce,
    /// An abuse or feedback-loop report (ARF, RFC 5965).
    Feedback,
    /// A message disposition notification (RFC 8098, formerly RFC 3798).
    Disposition,
    /// An automatic reply such as a vacation notice (RFC 3834): not a bounce.
    AutoReply,
}

/// Where the recipients of a report were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Source {
    /// A `message/delivery-status` or `message/global-delivery-status` part.
    Dsn,
    /// A `message/feedback-report` part.
    Arf,
    /// A `message/disposition-notification` part.
    Mdn,
    /// The header of an automatic reply.
    AutoReply,
    /// The free text of the notice, by [`rules`].
    Text,
}

/// The message a report is about (RFC 3464 §2: the returned message, or
/// RFC 6522 §3's `text/rfc822-headers`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Original {
    /// Its Message-ID, without angle brackets.
    pub message_id: Option<String>,
    /// Its From.
    pub from: Option<String>,
    /// Its To.
    pub to: Option<String>,
    /// Its Subject, decoded.
    pub subject: Option<String>,
}

/// One recipient of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Recipient {
    /// The address delivery failed for (`Final-Recipient`, RFC 3464 §2.3.2).
    pub recipient: Option<String>,
    /// The address the sender gave (`Original-Recipient`, RFC 3464 §2.3.1).
    pub original_recipient: Option<String>,
    /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`
    /// (RFC 3464 §2.3.3), lower-cased.
    pub action: Option<String>,
    /// The RFC 3463 status code `class.subject.detail`, e.g. `5.1.1`;
    /// sisimai's pseudo codes `x.0.9yy` when the report has none
    /// ([`reason::pseudo_status`]).
    pub status: Option<String>,
    /// The SMTP reply code (RFC 5321 §4.2), e.g. 550.
    pub reply_code: Option<u16>,
    /// The diagnostic text (`Diagnostic-Code`, RFC 3464 §2.3.6, or the
    /// error text of a non-standard notice), decoded, on one line.
    pub diagnostic: Option<String>,
    /// The MTA that reported the error (`Remote-MTA`, RFC 3464 §2.3.5).
    pub remote_mta: Option<String>,
    /// `Last-Attempt-Date` (RFC 3464 §2.3.7) or the report's Date, as written.
    pub date: Option<String>,
    /// Why the mail did not arrive.
    pub reason: Reason,
    /// Sending again will not help (sisimai's hard bounce).
    pub hard_bounce: bool,
    /// ARF `Feedback-Type` (RFC 5965 §3.1) for feedback reports.
    pub feedback_type: Option<String>,
    /// The reason came from a field that names it outright (PowerMTA's
    /// bounce category): the text rules do not revise it.
    #[serde(skip)]
    pub(crate) settled: bool,
}

/// What a report says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Bounce, feedback, disposition notification or automatic reply.
    pub kind: Kind,
    /// Where the recipients were read from.
    pub source: Source,
    /// The MTA or provider that wrote the notice, when a rule recognised it.
    pub sender: Option<&'static str>,
    /// `Reporting-MTA` (RFC 3464 §2.2.2).
    pub reporting_mta: Option<String>,
    /// One entry per recipient, in the order of the report.
    pub recipients: Vec<Recipient>,
    /// The returned message, when it is included.
    pub original: Option<Original>,
}

/// Reads a report from a parsed message: `None` when it is not a bounce,
/// a feedback report, a disposition notification or an automatic reply.
#[must_use]
pub fn read(msg: &ParsedMessage) -> Option<Report> {
    read_at(msg, 0)
}

/// How many forwarded messages deep a report is looked for.
const MAX_FORWARD_DEPTH: usize = 2;

fn read_at(msg: &ParsedMessage, depth: usize) -> Option<Report> {
    let original = original(msg);
    let Some(mut report) = dsn::read(msg).or_else(|| rules::read(msg, original.as_ref())) else {
        // A person forwarding a bounce (RFC 2046 §5.2.1: the bounce as a
        // message/rfc822 attachment): the report inside is the one.
        if depth >= MAX_FORWARD_DEPTH {
            return None;
        }
        return msg
            .parts()
            .skip(1)
            .filter(|p| p.is_message() && !p.body.is_empty())
            .find_map(|p| read_at(&crate::parse(&p.body), depth + 1));
    };
    if report.original.is_none() {
        report.original = original;
    }
    for r in &mut report.recipients {
        reason::finish(r, report.kind);
    }
    Some(report)
}

/// Reads a report from raw bytes (parses with the default limits first).
#[must_use]
pub fn read_bytes(bytes: &[u8]) -> Option<Report> {
    read(&crate::parse(bytes))
}

/// `true` for the report parts a bounce reader reads: RFC 3464
/// `message/delivery-status`, RFC 6533 `message/global-delivery-status`,
/// RFC 5965 `message/feedback-report`, RFC 8098
/// `message/disposition-notification` (and its global form, RFC 6533 §6).
#[must_use]
pub fn is_report_part(content_type: &str) -> bool {
    matches!(
        content_type,
        "message/delivery-status"
            | "message/global-delivery-status"
            | "message/feedback-report"
            | "message/disposition-notification"
            | "message/global-disposition-notification"
    )
}

/// The returned message: a message/rfc822 (or message/global) part, or a
/// `text/rfc822-headers` part (RFC 6522 §3), or the header block quoted in
/// the text of a non-standard notice.
fn original(msg: &ParsedMessage) -> Option<Original> {
    for part in msg.parts().skip(1) {
        if part.is_message()
            && let Some(e) = &part.embedded
        {
            return Some(original_from(&e.headers));
        }
        if part.content_type == "text/rfc822-headers"
            || part.content_type == "message/rfc822-headers"
        {
            let headers = crate::parse(&part.body).headers;
            return Some(original_from(&headers));
        }
    }
    text::quoted_original(msg).map(|h| original_from(&crate::parse(h.as_bytes()).headers))
}

fn original_from(headers: &[crate::parse::Header]) -> Original {
    let get = |name: &str| {
        headers
            .iter()
            .find(|h| h.is(name))
            .map(|h| h.value.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    Original {
        message_id: get("message-id").map(|v| {
            v.trim_matches(|c| c == '<' || c == '>' || c == ' ')
                .to_owned()
        }),
        from: get("from"),
        to: get("to"),
        subject: get("subject"),
    }
}

/// The parts of the notice itself (not inside the returned message), in order.
pub(crate) fn notice_parts(msg: &ParsedMessage) -> Vec<&Part> {
    let mut out = Vec::new();
    let mut stack = vec![&msg.root];
    while let Some(part) = stack.pop() {
        if part.is_message() {
            continue;
        }
        out.push(part);
        stack.extend(part.children.iter().rev());
    }
    out
}
