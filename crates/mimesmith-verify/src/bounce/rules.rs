//! Reports that follow no standard: the free-text notices of MTAs and
//! providers, and automatic replies.
//!
//! Recognition is data: [`SENDERS`] names the software or provider from a
//! header field and a substring; [`BOUNCE_SUBJECTS`] and [`BOUNCE_FROM`]
//! say that a message is a delivery notice at all. The recipients are then
//! read the same way for every sender: `X-Failed-Recipients` (Exim, Gmail,
//! Postfix), else the addresses that start a line of the failure section
//! (before the returned message), else any address there that is not the
//! notice's own, else the To of the returned message.

use crate::parse::ParsedMessage;

use super::text::{self, addresses, failure_section, lines_about, one_line};
use super::{Kind, Original, Reason, Recipient, Report, Source};

/// `(name, header field, lower-case substring of its value)`: who wrote a notice.
pub const SENDERS: &[(&str, &str, &str)] = &[
    ("Exim", "x-failed-recipients", ""),
    ("Exim", "received", "(exim "),
    ("Postfix", "from", "mail delivery system"),
    ("Sendmail", "from", "mail delivery subsystem"),
    ("qmail", "subject", "failure notice"),
    ("Gmail", "from", "googlemail.com"),
    ("Google Groups", "from", "googlegroups.com"),
    ("Yahoo", "from", "yahoo"),
    ("Outlook.com", "from", "hotmail"),
    ("Outlook.com", "from", "outlook.com"),
    ("Office 365", "x-ms-exchange-message-is-ndr", ""),
    ("Exchange", "x-mailer", "microsoft exchange"),
    ("Exchange", "x-ms-embedded-report", ""),
    ("Amazon SES", "x-ses-outgoing", ""),
    ("Amazon WorkMail", "x-mailer", "amazon workmail"),
    ("KDDI", "from", "ezweb.ne.jp"),
    ("NTT docomo", "from", "docomo.ne.jp"),
    ("QQ Mail", "from", "qq.com"),
    ("Tencent", "from", "exmail.qq.com"),
    ("Zoho", "from", "zoho"),
    ("Domino", "subject", "delivery status notification"),
    ("IMail", "x-mailer", "imail"),
    ("Courier", "from", "courier mail server"),
    ("DragonFly", "from", "mailer-daemon"),
    ("Facebook", "from", "facebook"),
];

/// `(header field, lower-case substring, reason)`: providers whose notices
/// always mean one reason whatever their text says (Google Groups refuses
/// posts from non-members: sisimai's `rejected`).
pub const FIXED_REASONS: &[(&str, &str, Reason)] =
    &[("x-failed-recipients", "@googlegroups.com", Reason::Rejected)];

/// The reason [`FIXED_REASONS`] gives the notice, if any.
#[must_use]
pub fn fixed_reason(msg: &ParsedMessage) -> Option<Reason> {
    FIXED_REASONS.iter().find_map(|(field, needle, reason)| {
        (*reason != Reason::Undefined
            && msg
                .headers_named(field)
                .any(|h| needle.is_empty() || h.value.to_lowercase().contains(needle)))
        .then_some(*reason)
    })
}

/// Lower-case substrings of a Subject that say "your mail was not delivered".
pub const BOUNCE_SUBJECTS: &[&str] = &[
    "undeliver",
    "undelivered",
    "delivery status",
    "delivery fail",
    "delivery problem",
    "delivery notification",
    "returned mail",
    "returned to sender",
    "returning message",
    "failure notice",
    "mail delivery",
    "delivery report",
    "non remis",
    "not delivered",
    "could not be delivered",
    "nondeliverable",
    "non-deliverable",
    "rejected",
    "mail failure",
    "delivery error",
    "failed delivery",
    "warning: could not send",
    "message you sent",
    "your message to",
    "permanent error",
    "delayed mail",
    "delivery delayed",
    "mail system error",
    "error sending",
    "returned",
    "bounce",
    "unzustellbar",
    "non recapitabile",
    "no entregado",
    "退信",
    "未送达",
    "系统退信",
    "退回",
    "投递失败",
    "发送失败",
    "送信できません",
    "配信",
    "不達",
    "エラー",
    "unable to deliver",
    "couldn't be delivered",
    "message not delivered",
    "address not found",
    "failure delivery",
    "unknown user",
    "user unknown",
    "mail status",
    "notification",
    "error",
    "failed",
];

/// Lower-case phrases of a notice's text that say delivery failed.
pub const BOUNCE_BODY: &[&str] = &[
    "could not be delivered",
    "undeliverable",
    "delivery has failed",
    "permanent error",
    "error message below",
    "following address",
    "failed permanently",
    "user unknown",
    "no such user",
    "delivery to the following",
    "was not delivered",
    "returned to sender",
];

/// Lower-case local parts (or display-name words) of a notice's From.
pub const BOUNCE_FROM: &[&str] = &[
    "mailer-daemon",
    "postmaster",
    "post_master",
    "mail delivery",
    "mailer daemon",
    "maildaemon",
    "mail-daemon",
    "bounce",
    "nobody",
    "daemon",
    "mail administrator",
    "mail system",
    "system administrator",
    "mdaemon",
    "smtp",
    "noreply",
    "no-reply",
    "delivery",
];

/// Lower-case Subject substrings of automatic replies (RFC 3834 §3.1.5
/// leaves the wording free; these are the common ones).
pub const AUTO_REPLY_SUBJECTS: &[&str] = &[
    "out of office",
    "out of the office",
    "auto:",
    "autoreply",
    "auto-reply",
    "auto reply",
    "automatic reply",
    "vacation",
    "away until",
    "away from",
    "abwesenheit",
    "absence",
    "自动回复",
    "不在",
    "réponse automatique",
    "on leave",
    "ooo",
];

fn value<'a>(msg: &'a ParsedMessage, name: &str) -> Option<&'a str> {
    msg.header(name).map(|h| h.value.as_str())
}

/// The software or provider that wrote the notice, by [`SENDERS`].
#[must_use]
pub fn sender(msg: &ParsedMessage) -> Option<&'static str> {
    SENDERS.iter().find_map(|(name, field, needle)| {
        msg.headers_named(field)
            .any(|h| needle.is_empty() || h.value.to_lowercase().contains(needle))
            .then_some(*name)
    })
}

/// `true` when the header says the message is a delivery notice.
#[must_use]
pub fn looks_like_bounce(msg: &ParsedMessage) -> bool {
    if msg.header("x-failed-recipients").is_some() {
        return true;
    }
    let ct = msg.root.content_type.as_str();
    if ct == "multipart/report" {
        return true;
    }
    let from = value(msg, "from").unwrap_or_default().to_lowercase();
    let subject = value(msg, "subject").unwrap_or_default().to_lowercase();
    let return_path = value(msg, "return-path").unwrap_or_default();
    let from_daemon = BOUNCE_FROM.iter().any(|w| from.contains(w));
    // A person forwarding a bounce inline ("Fwd: Returned mail: …").
    let forwarded = ["fwd:", "fw:"]
        .iter()
        .any(|p| subject.trim_start().starts_with(p))
        && [
            "returned mail",
            "undeliver",
            "delivery status notification",
            "failure notice",
            "mail delivery failed",
        ]
        .iter()
        .any(|w| subject.contains(w));
    // (Forwarded as an attachment, the report inside is read instead.)
    if forwarded && !msg.parts().any(|p| p.is_message()) {
        return true;
    }
    let null_sender = return_path.trim() == "<>";
    let subject_says = BOUNCE_SUBJECTS.iter().any(|w| subject.contains(w));
    let body_says = || {
        let t = text::notice_text(msg).to_lowercase();
        BOUNCE_BODY.iter().any(|w| t.contains(w))
    };
    (from_daemon && (subject_says || null_sender || subject.is_empty() || body_says()))
        || (null_sender && subject_says)
        || (subject_says && from_daemon)
        || (from_daemon
            && msg
                .parts()
                .any(|p| p.is_message() || p.content_type == "text/rfc822-headers"))
}

/// `true` for an automatic reply (RFC 3834 §5.1 `Auto-Submitted:
/// auto-replied`, or the fields and subjects vacation programs write).
#[must_use]
pub fn looks_like_auto_reply(msg: &ParsedMessage) -> bool {
    let auto = value(msg, "auto-submitted")
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("auto-replied"));
    let subject = value(msg, "subject").unwrap_or_default().to_lowercase();
    let subject_says = AUTO_REPLY_SUBJECTS.iter().any(|w| subject.contains(w));
    let other = msg.header("x-autoreply").is_some()
        || msg.header("x-autorespond").is_some()
        || value(msg, "precedence").is_some_and(|p| p.trim().eq_ignore_ascii_case("auto_reply"))
        || value(msg, "x-auto-response-suppress").is_some() && subject_says;
    auto || other || subject_says
}

/// Reads a non-standard notice or an automatic reply.
#[must_use]
pub fn read(msg: &ParsedMessage, original: Option<&Original>) -> Option<Report> {
    if let Some(report) = hotmail_complaint(msg) {
        return Some(report);
    }
    let bounce = looks_like_bounce(msg);
    if !bounce {
        if looks_like_auto_reply(msg) {
            return Some(auto_reply(msg, original));
        }
        return None;
    }
    let notice = text::notice_text(msg);
    let section = failure_section(&notice);
    if notice.to_ascii_lowercase().contains("final-recipient:") {
        let (reporting_mta, mut recipients) = super::dsn::recipients_from_fields(&notice);
        if !recipients.is_empty() {
            for r in &mut recipients {
                text::enrich_from_text(r, &notice);
            }
            return Some(Report {
                kind: Kind::Bounce,
                source: Source::Text,
                sender: sender(msg),
                reporting_mta,
                recipients,
                original: None,
            });
        }
    }
    let own: Vec<String> = [
        "from",
        "to",
        "return-path",
        "reply-to",
        "sender",
        "delivered-to",
    ]
    .iter()
    .flat_map(|n| text::header_addresses(&msg.headers, n))
    .map(|a| a.to_lowercase())
    .chain(
        original
            .and_then(|o| o.from.as_deref())
            .and_then(text::first_address)
            .map(|a| a.to_lowercase()),
    )
    .collect();
    let mut rcpts: Vec<String> = msg
        .headers_named("x-failed-recipients")
        .flat_map(|h| addresses(&h.value).map(|(_, a)| a).collect::<Vec<_>>())
        .collect();
    if rcpts.is_empty() {
        rcpts = line_start_addresses(section, &own);
    }
    if rcpts.is_empty() {
        rcpts = addresses(section)
            .map(|(_, a)| a)
            .filter(|a| !own.contains(&a.to_lowercase()) && !is_daemon(a))
            .collect();
        rcpts.truncate(1);
    }
    if rcpts.is_empty() {
        rcpts = text::original_recipients(msg);
        rcpts.truncate(1);
    }
    dedup(&mut rcpts);
    if rcpts.is_empty() && section.trim().is_empty() {
        return None;
    }
    let whole = one_line(section);
    let fixed = fixed_reason(msg).unwrap_or_default();
    let date = value(msg, "date").map(|d| d.trim().to_owned());
    let mut recipients: Vec<Recipient> = rcpts
        .iter()
        .map(|a| {
            let about = lines_about(section, a).map(|d| text::with_transcript_reply(section, a, d));
            let diagnostic = match about {
                Some(d) if text::status_code(&d).is_some() || text::reply_code(&d).is_some() => d,
                _ => whole.clone(),
            };
            Recipient {
                recipient: Some(a.clone()),
                action: Some("failed".to_owned()),
                diagnostic: (!diagnostic.is_empty()).then_some(diagnostic),
                date: date.clone(),
                reason: fixed,
                ..Recipient::default()
            }
        })
        .collect();
    if recipients.is_empty() {
        recipients.push(Recipient {
            action: Some("failed".to_owned()),
            diagnostic: (!whole.is_empty()).then_some(whole),
            date,
            ..Recipient::default()
        });
    }
    Some(Report {
        kind: Kind::Bounce,
        source: Source::Text,
        sender: sender(msg),
        reporting_mta: None,
        recipients,
        original: None,
    })
}

/// Outlook.com's (Hotmail's) complaint reports predate ARF: a
/// `complaint about message from <IP>` subject and the reported message
/// attached, its recipient in `X-HmXmrOriginalRecipient`.
fn hotmail_complaint(msg: &ParsedMessage) -> Option<Report> {
    let subject = value(msg, "subject").unwrap_or_default().to_lowercase();
    if !subject.contains("complaint about message from") {
        return None;
    }
    let embedded = msg.parts().find_map(|p| p.embedded.as_ref())?;
    let recipient = text::header_addresses(&embedded.headers, "x-hmxmroriginalrecipient")
        .into_iter()
        .next()
        .or_else(|| {
            text::header_addresses(&embedded.headers, "to")
                .into_iter()
                .next()
        });
    Some(Report {
        kind: Kind::Feedback,
        source: Source::Text,
        sender: Some("Outlook.com"),
        reporting_mta: None,
        recipients: vec![Recipient {
            recipient,
            reason: Reason::Feedback,
            feedback_type: Some("abuse".to_owned()),
            date: value(msg, "date").map(|d| d.trim().to_owned()),
            ..Recipient::default()
        }],
        original: None,
    })
}

fn is_daemon(a: &str) -> bool {
    let l = a.to_lowercase();
    [
        "mailer-daemon@",
        "postmaster@",
        "mailer_daemon@",
        "mail-daemon@",
    ]
    .iter()
    .any(|p| l.starts_with(p))
}

fn dedup(v: &mut Vec<String>) {
    let mut seen: Vec<String> = Vec::new();
    v.retain(|a| {
        let l = a.to_lowercase();
        if seen.contains(&l) {
            false
        } else {
            seen.push(l);
            true
        }
    });
}

/// Addresses that begin a line of `section` (after white space, `<`, quotes
/// or a label such as `Recipient:`): how notices list the failed recipients.
fn line_start_addresses(section: &str, own: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for line in section.lines() {
        let t = line.trim_start();
        let Some((i, a)) = addresses(t).next() else {
            continue;
        };
        let lead = t.get(..i).unwrap_or_default().trim_end();
        let code_lead = lead.len() >= 3
            && lead.bytes().take(3).all(|b| b.is_ascii_digit())
            && lead
                .get(3..)
                .is_some_and(|r| r.trim().is_empty() || r.trim() == "<");
        let lead_ok = lead.is_empty()
            || code_lead
            || lead.chars().all(|c| {
                matches!(
                    c,
                    '<' | '"' | '\'' | '*' | '-' | '(' | '[' | ' ' | '\t' | '>'
                )
            })
            || lead.to_ascii_lowercase().ends_with("recipient:")
            || lead.to_ascii_lowercase().ends_with("recipients:")
            || lead.to_ascii_lowercase().ends_with("rcpt to:<")
            || lead.to_ascii_lowercase().ends_with("address:")
            || lead.to_ascii_lowercase().ends_with("rcpt to:");
        if lead_ok && !own.contains(&a.to_lowercase()) && !is_daemon(&a) {
            out.push(a);
        }
    }
    out
}

fn auto_reply(msg: &ParsedMessage, original: Option<&Original>) -> Report {
    let recipient = text::header_addresses(&msg.headers, "from")
        .into_iter()
        .next();
    let _ = original;
    Report {
        kind: Kind::AutoReply,
        source: Source::AutoReply,
        sender: None,
        reporting_mta: None,
        recipients: vec![Recipient {
            recipient,
            diagnostic: value(msg, "subject").map(one_line),
            date: value(msg, "date").map(|d| d.trim().to_owned()),
            reason: Reason::Vacation,
            ..Recipient::default()
        }],
        original: None,
    }
}
