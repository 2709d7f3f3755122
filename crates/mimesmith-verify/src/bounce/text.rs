//! Text helpers shared by the DSN reader and the rules: the notice's own
//! text, the returned message quoted in it, addresses and codes in free text.

use std::sync::OnceLock;

use regex::Regex;

use crate::parse::ParsedMessage;

use super::{Recipient, notice_parts};

/// Most characters of a diagnostic kept (a notice can quote pages of text).
pub const MAX_DIAGNOSTIC: usize = 1000;

fn re(cell: &'static OnceLock<Option<Regex>>, pattern: &str) -> Option<&'static Regex> {
    cell.get_or_init(|| Regex::new(pattern).ok()).as_ref()
}

/// The addr-spec in `s` (RFC 5322 §3.4.1), without angle brackets, quotes,
/// a `mailto:` or an address type; `None` when `s` holds none.
#[must_use]
pub fn clean_address(s: &str) -> Option<String> {
    let s = s.trim();
    let s = match s.split_once(';') {
        Some((t, rest)) if !t.contains('@') => rest.trim(),
        _ => s,
    };
    first_address(s)
}

/// The first thing in `s` that looks like an addr-spec.
#[must_use]
pub fn first_address(s: &str) -> Option<String> {
    addresses(s).next().map(|(_, a)| a)
}

/// Every addr-spec-looking word of `s` with its byte offset.
pub fn addresses(s: &str) -> impl Iterator<Item = (usize, String)> + '_ {
    static ADDR: OnceLock<Option<Regex>> = OnceLock::new();
    let rx = re(
        &ADDR,
        r#"[^\s<>()\[\]"',;:@=\\/]+@[^\s<>()\[\]"',;:@\\/]+\.[^\s<>()\[\]"',;:@\\/.]+"#,
    );
    rx.into_iter().flat_map(move |rx| {
        rx.find_iter(s).filter_map(|m| {
            let a = m
                .as_str()
                .trim_start_matches(['.', '*', '`', '{', '|', '}', '~', '?', '!'])
                .trim_end_matches(['.', '*', '`', '?', '!']);
            let a = a.strip_prefix("mailto").unwrap_or(a);
            let (local, domain) = a.rsplit_once('@')?;
            (!local.is_empty() && domain.contains('.') && !domain.starts_with('.'))
                .then(|| (m.start(), a.to_owned()))
        })
    })
}

/// The first RFC 3463 status code (`class.subject.detail`) in `s`, not
/// part of an IP address or a version number.
#[must_use]
pub fn status_code(s: &str) -> Option<String> {
    status_codes(s).next().map(|(_, c)| c)
}

/// The last RFC 3463 status code in `s`.
#[must_use]
pub fn last_status_code(s: &str) -> Option<String> {
    status_codes(s).last().map(|(_, c)| c)
}

fn status_codes(s: &str) -> impl Iterator<Item = (usize, String)> + '_ {
    static STATUS: OnceLock<Option<Regex>> = OnceLock::new();
    let rx = re(&STATUS, r"[245]\.[0-9]{1,3}\.[0-9]{1,3}");
    let b = s.as_bytes();
    rx.into_iter().flat_map(move |rx| {
        rx.find_iter(s).filter_map(move |m| {
            let before = m.start().checked_sub(1).and_then(|i| b.get(i));
            let after = b.get(m.end());
            let after2 = b.get(m.end() + 1);
            let bad_before = before.is_some_and(|c| {
                c.is_ascii_alphanumeric() || *c == b'.' || *c == b'-' || *c == b'/'
            });
            let bad_after = after.is_some_and(|c| c.is_ascii_alphanumeric())
                || (after == Some(&b'.') && after2.is_some_and(u8::is_ascii_digit));
            // "503 5.0.0 Need RCPT": a bad-sequence reply (RFC 5321
            // §4.3.2) only follows an earlier refusal, so it is never the
            // cause; sendmail's transcripts end with one after DATA.
            let follow_up = s
                .get(..m.start())
                .is_some_and(|h| h.trim_end().ends_with("503"));
            (!bad_before && !bad_after && !follow_up).then(|| (m.start(), m.as_str().to_owned()))
        })
    })
}

/// The SMTP reply code of a diagnostic (RFC 5321 §4.2): the three digits
/// before its last status code, else the first `[245]yz` word that stands alone.
#[must_use]
pub fn reply_code(s: &str) -> Option<u16> {
    static REPLY: OnceLock<Option<Regex>> = OnceLock::new();
    let rx = re(
        &REPLY,
        r"(?:^|[\s:(<\[#]|said:)([245][0-5][0-9])(?:[\s\-:,]|$)",
    )?;
    let b = s.as_bytes();
    // The code before the last status code: relays quote the remote
    // host's own reply last ("554 4.4.7 expired <421 4.4.2 timed out>").
    if let Some((at, _)) = status_codes(s).last() {
        let head = s.get(..at).unwrap_or_default().trim_end_matches([' ', '-']);
        if head.len() >= 3
            && let Some(code) = head.get(head.len() - 3..)
            && code.bytes().all(|c| c.is_ascii_digit())
            && !head
                .len()
                .checked_sub(4)
                .and_then(|i| b.get(i))
                .is_some_and(u8::is_ascii_alphanumeric)
            && let Ok(n) = code.parse::<u16>()
            && (200..600).contains(&n)
        {
            return Some(n);
        }
    }
    // sendmail's "554 <rcpt>... 550 Host unknown": the remote host's code.
    static INNER: OnceLock<Option<Regex>> = OnceLock::new();
    if let Some(c) = re(&INNER, r"^[245][0-9][0-9] <[^>]*>\.\.\. ([245][0-5][0-9]) ")
        .and_then(|rx| rx.captures(s))
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse().ok())
    {
        return Some(c);
    }
    rx.captures_iter(s).find_map(|c| {
        let m = c.get(1)?;
        // "Error 550" fine; "2005 550" (a year) and "1.550" not.
        let prev = m.start().checked_sub(1).and_then(|i| b.get(i));
        if prev.is_some_and(|p| *p == b'.') {
            return None;
        }
        m.as_str().parse().ok()
    })
}

/// Collapses white space (line breaks included) to single spaces.
#[must_use]
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.len() > MAX_DIAGNOSTIC {
        let mut end = MAX_DIAGNOSTIC;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out
}

/// `true` for a line that starts the returned message or its header in a
/// free-text notice ("------ This is a copy of the message", "--- Original
/// message ---", "Unsent message below", …).
fn is_original_marker(line: &str) -> bool {
    static MARK: OnceLock<Option<Regex>> = OnceLock::new();
    re(
        &MARK,
        r"(?i)^\s*(?:[-=_*>]{2,}.*(?:original|copy of|returned|unsent|headers? (?:of|follow)|message (?:text|header|body)|below this line|rfc822|undelivered message)|(?:original message|unsent message below|the (?:original|returned) message|message headers? follows?|below (?:is|are) the|the headers? of (?:your|the) (?:original )?message|your message (?:reads|was)|---- the following|原始邮件|原信件|以下为原|元のメッセージ)\b.*[:：]?\s*$|(?:content-type:\s*message/rfc822))",
    )
    .is_some_and(|rx| rx.is_match(line))
}

fn is_header_line(line: &str) -> bool {
    static HDR: OnceLock<Option<Regex>> = OnceLock::new();
    re(
        &HDR,
        r"(?i)^(?:return-path|received|from|to|subject|date|message-id|mime-version|content-type|x-[a-z0-9-]+|dkim-signature|delivered-to|reply-to|cc):[ \t]",
    )
    .is_some_and(|rx| rx.is_match(line))
}

/// The text of the notice: its text/* parts outside the returned message
/// (HTML shown as text), in order.
#[must_use]
pub fn notice_text(msg: &ParsedMessage) -> String {
    let mut plain = String::new();
    let mut html = String::new();
    for part in notice_parts(msg) {
        if !part.children.is_empty() {
            continue;
        }
        // A multipart whose boundary never occurs stays one leaf without
        // text (the parse layer neutralises it): its raw body is the text.
        if part.is_multipart() {
            plain.push_str(&crate::charset::decode_text(&part.body, None).text);
            plain.push('\n');
            continue;
        }
        let Some(t) = &part.text else { continue };
        match part.content_type.as_str() {
            "text/plain" => {
                plain.push_str(t);
                plain.push('\n');
            }
            "text/html" => {
                html.push_str(&crate::html::to_text(t));
                html.push('\n');
            }
            _ => {}
        }
    }
    if plain.trim().is_empty() { html } else { plain }
}

/// The notice text up to the returned message.
#[must_use]
pub fn failure_section(notice: &str) -> &str {
    let mut offset = 0;
    let lines: Vec<&str> = notice.split_inclusive('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        let l = line.trim_end();
        let header_run = is_header_line(l)
            && lines
                .get(i + 1)
                .is_some_and(|n| is_header_line(n.trim_end()) || n.starts_with([' ', '\t']))
            && lines
                .get(i + 2)
                .is_some_and(|n| is_header_line(n.trim_end()) || n.starts_with([' ', '\t']));
        if (is_original_marker(l) || header_run) && offset > 0 {
            return notice.get(..offset).unwrap_or(notice);
        }
        offset += line.len();
    }
    notice
}

/// The header block of the returned message quoted in a free-text notice.
#[must_use]
pub fn quoted_original(msg: &ParsedMessage) -> Option<String> {
    let notice = notice_text(msg);
    let head = failure_section(&notice);
    let rest = notice.get(head.len()..)?;
    let start = rest.lines().position(is_header_line)?;
    let mut out = String::new();
    for line in rest.lines().skip(start) {
        if line.trim().is_empty() {
            break;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    (!out.is_empty()).then_some(out)
}

/// The To addresses of the returned message (the recipients of a report
/// that names none itself).
#[must_use]
pub fn original_recipients(msg: &ParsedMessage) -> Vec<String> {
    for part in msg.parts().skip(1) {
        if part.is_message()
            && let Some(e) = &part.embedded
        {
            return header_addresses(&e.headers, "to");
        }
        if part.content_type == "text/rfc822-headers" {
            return header_addresses(&crate::parse(&part.body).headers, "to");
        }
    }
    quoted_original(msg)
        .map(|h| header_addresses(&crate::parse(h.as_bytes()).headers, "to"))
        .unwrap_or_default()
}

/// Addresses of every field `name` in `headers`.
#[must_use]
pub fn header_addresses(headers: &[crate::parse::Header], name: &str) -> Vec<String> {
    headers
        .iter()
        .filter(|h| h.is(name))
        .flat_map(|h| addresses(&h.value).map(|(_, a)| a).collect::<Vec<_>>())
        .collect()
}

/// Fills what a DSN recipient lacks from the notice text: the diagnostic
/// (the lines about the recipient's address) and a reply code.
pub fn enrich_from_text(r: &mut Recipient, notice: &str) {
    let section = failure_section(notice);
    let about = r.recipient.as_deref().and_then(|a| lines_about(section, a));
    let generic = r
        .diagnostic
        .as_deref()
        .is_none_or(|d| status_code(d).is_none() && reply_code(d).is_none() && d.len() < 20);
    // The text names the SMTP command the fields leave out ("after EHLO
    // …: 550 Rejected" over `Diagnostic-Code: smtp; 550 Rejected`).
    if !generic
        && let (Some(d), Some(about)) = (r.diagnostic.as_deref(), about.as_deref())
        && smtp_command(d).is_none()
        && smtp_command(about).is_some()
        && about.contains(d.trim())
    {
        r.diagnostic = Some(about.to_owned());
        return;
    }
    if generic
        && let Some(about) = about
        && !about.is_empty()
    {
        r.diagnostic = Some(match r.diagnostic.take() {
            Some(d) if !d.is_empty() => one_line(&format!("{d} {about}")),
            _ => about,
        });
    }
}

/// The text about `address` in `section`: the rest of the line it is on and
/// the indented or non-blank lines after it, on one line.
#[must_use]
pub fn lines_about(section: &str, address: &str) -> Option<String> {
    let lower = section.to_lowercase();
    let needle = address.to_lowercase();
    let mut from = 0;
    let (mut bare, mut plain, mut replied) = (None, None, None);
    // An address listed alone first and with its error later (sendmail:
    // "<a@b>" under "The following addresses …", or ">>> RCPT To:<a@b>",
    // then "<a@b>... Deferred: …" or "<<< 550 <a@b>... User unknown" in
    // the transcript): the occurrence with a reply code says why.
    while let Some(i) = lower.get(from..).and_then(|l| l.find(&needle)) {
        let at = from + i;
        let s = lines_about_at(section, address, at);
        // A line with an RFC 3463 status code says most; one with a reply
        // code alone ("(reason: 550 Host unknown)") only if none has one.
        if s.as_deref().is_some_and(|s| status_code(s).is_some()) {
            return s;
        }
        let coded = s.as_deref().is_some_and(|s| reply_code(s).is_some());
        if coded {
            replied = replied.or(s);
            from = at + needle.len().max(1);
            continue;
        }
        let is_bare = s.as_deref().is_none_or(|s| {
            s.trim_matches(['<', '>', '"', '*', ' ', ':'])
                .eq_ignore_ascii_case(address)
        });
        // The command we sent (">>> RCPT To:<a@b>") is not the error.
        let echo = s.as_deref().is_some_and(|s| s.starts_with(">>>"));
        if replied.is_none() && plain.is_none() && bare.is_none() && !is_bare && !echo {
            return s;
        }
        if is_bare {
            bare = bare.or(s);
        } else {
            plain = plain.or(s);
        }
        from = at + needle.len().max(1);
    }
    replied.or(plain).or(bare)
}

fn lines_about_at(section: &str, address: &str, at: usize) -> Option<String> {
    let line_start = section.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let mut out = String::new();
    let mut first = true;
    // The address alone on its line: the next lines say why, indented or
    // not; otherwise only indented lines continue it.
    let alone = {
        let l = section
            .get(line_start..)?
            .lines()
            .next()
            .unwrap_or_default();
        l.trim()
            .trim_matches(['<', '>', '"', '*', ' ', ':'])
            .eq_ignore_ascii_case(address)
    };
    for line in section.get(line_start..)?.lines().take(12) {
        if line.trim().is_empty() {
            if first {
                continue;
            }
            break;
        }
        if !first && !alone && !line.starts_with([' ', '\t']) {
            break;
        }
        if !first
            && addresses(line).next().is_some_and(|(i, a)| {
                i < 8 && !a.eq_ignore_ascii_case(address) && line.trim_start().len() < a.len() + 6
            })
        {
            break;
        }
        out.push_str(line);
        out.push(' ');
        first = false;
    }
    let s = one_line(&out);
    (!s.is_empty()).then_some(s)
}

/// sendmail's "554 <a@b>... Remote protocol error" only says that the
/// remote host refused; the reply itself is the `<<<` line of the session
/// transcript above it (RFC 5321 §4.2). That reply goes first.
#[must_use]
pub fn with_transcript_reply(section: &str, address: &str, about: String) -> String {
    if !about
        .to_ascii_lowercase()
        .contains("... remote protocol error")
    {
        return about;
    }
    let needle = address.to_lowercase();
    let lines: Vec<&str> = section.lines().collect();
    let Some(at) = lines.iter().position(|l| {
        let l = l.to_lowercase();
        l.contains(&needle) && l.contains("remote protocol error")
    }) else {
        return about;
    };
    let reply = lines
        .get(..at)
        .unwrap_or_default()
        .iter()
        .rev()
        .take_while(|l| {
            !l.trim_start()
                .to_ascii_lowercase()
                .starts_with("while talking to")
        })
        .find_map(|l| l.trim_start().strip_prefix("<<<"));
    match reply {
        Some(r) => one_line(&format!("{} {about}", r.trim())),
        None => about,
    }
}

/// The SMTP command the remote host answered with the error (RFC 5321
/// §4.1), when the notice says: `CONN`, `HELO`, `EHLO`, `MAIL`, `RCPT` or `DATA`.
#[must_use]
pub fn smtp_command(s: &str) -> Option<&'static str> {
    static CMD: OnceLock<Option<Regex>> = OnceLock::new();
    let rx = re(
        &CMD,
        r"(?i)(?:in reply to|after|>>>|while sending|response to|like our|command:?)\s*(?:the\s+)?(rcpt\s+to|mail\s+from|data|end of data|helo|ehlo|initial connection|connect|rcpt|mail)\b",
    )?;
    if s.contains("[RCPT_TO]") {
        return Some("RCPT");
    }
    // Notices that name the command as `SMTP:RCPT` (RFC 3464 §2.3.6
    // diagnostic written as type:command).
    if let Some(i) = s.to_ascii_uppercase().find("SMTP:") {
        let rest = s.get(i + 5..).unwrap_or_default().to_ascii_uppercase();
        for (w, c) in [("RCPT", "RCPT"), ("MAIL", "MAIL"), ("DATA", "DATA")] {
            if rest.starts_with(w) {
                return Some(c);
            }
        }
    }
    let c = rx.captures(s)?.get(1)?.as_str().to_ascii_lowercase();
    Some(match c.split_whitespace().next().unwrap_or_default() {
        "rcpt" => "RCPT",
        "mail" => "MAIL",
        "data" | "end" => "DATA",
        "helo" => "HELO",
        "ehlo" => "EHLO",
        _ => "CONN",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_code_is_not_read_from_an_ip_address_or_version() {
        assert_eq!(
            status_code("host [192.0.2.153]: 550 5.1.1 gone"),
            Some("5.1.1".to_owned())
        );
        assert_eq!(status_code("relay 10.5.2.22 said no"), None);
        assert_eq!(status_code("Exim 4.72 here"), None);
    }

    #[test]
    fn reply_code_prefers_the_code_before_the_last_status() {
        assert_eq!(
            reply_code("554 4.4.7 Message expired <421 4.4.2 Connection timed out>"),
            Some(421)
        );
        assert_eq!(
            reply_code("554 <a@example.org>... 550 Host unknown"),
            Some(550)
        );
        assert_eq!(
            reply_code("ERROR_CODE :550, ERROR_CODE :5.1.1 User Unknown"),
            Some(550)
        );
        assert_eq!(reply_code("Thu, 29 Apr 2005 23:34:45 +0900"), None);
    }

    #[test]
    fn a_503_bad_sequence_reply_is_not_the_cause() {
        assert_eq!(
            last_status_code("<<< 550 5.1.1 <a@b.c>... User unknown <<< 503 5.0.0 Need RCPT"),
            Some("5.1.1".to_owned())
        );
    }

    #[test]
    fn remote_protocol_error_takes_the_transcript_reply() {
        let section = "While talking to mx.b.c:\n>>> MAIL From:<x@y.z>\n<<< 550 Insecure Mail Relay\n554 <a@b.c>... Remote protocol error\n";
        let about = "554 <a@b.c>... Remote protocol error".to_owned();
        assert_eq!(
            with_transcript_reply(section, "a@b.c", about),
            "550 Insecure Mail Relay 554 <a@b.c>... Remote protocol error"
        );
        assert_eq!(smtp_command("SMTP:RCPT host 192.0.2.8: 553"), Some("RCPT"));
    }

    #[test]
    fn smtp_command_is_found_in_exim_postfix_and_sendmail_wording() {
        assert_eq!(
            smtp_command("SMTP error from remote mail server after RCPT TO:<a@b.c>:"),
            Some("RCPT")
        );
        assert_eq!(
            smtp_command("(in reply to end of DATA command)"),
            Some("DATA")
        );
        assert_eq!(smtp_command(">>> MAIL From:<a@b.c>"), Some("MAIL"));
        assert_eq!(smtp_command("User unknown"), None);
    }

    #[test]
    fn addresses_skip_message_ids_without_a_dot_and_trim_punctuation() {
        let found: Vec<String> =
            addresses("<kijitora@example.jp>... and x@localhost, y@example.org.")
                .map(|(_, a)| a)
                .collect();
        assert_eq!(found, ["kijitora@example.jp", "y@example.org"]);
    }
}
