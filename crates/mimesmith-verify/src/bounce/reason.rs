//! Why a recipient's mail did not arrive, in sisimai's vocabulary, from its
//! RFC 3463 status code and diagnostic text.

use std::sync::OnceLock;

use regex::RegexSet;
use serde::Serialize;

use super::text;
use super::{Kind, Recipient};

/// A bounce reason: sisimai 5's names (`Sisimai::Reason::*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
#[allow(missing_docs, reason = "each variant is documented by `description`")]
pub enum Reason {
    UserUnknown,
    HostUnknown,
    HasMoved,
    MailboxFull,
    Suspend,
    Filtered,
    Rejected,
    Blocked,
    BadReputation,
    RequirePtr,
    AuthFailure,
    SpamDetected,
    VirusDetected,
    PolicyViolation,
    SecurityError,
    ContentError,
    NotCompliantRfc,
    MesgTooBig,
    ExceedLimit,
    NoRelaying,
    NotAccept,
    TooManyConn,
    Speeding,
    Expired,
    NetworkError,
    SystemError,
    SystemFull,
    SyntaxError,
    MailerError,
    OnHold,
    #[default]
    Undefined,
    Delivered,
    Feedback,
    Vacation,
}

impl Reason {
    /// Every reason, in the order the text rules try them.
    pub const ALL: &[Self] = &[
        Self::UserUnknown,
        Self::HostUnknown,
        Self::HasMoved,
        Self::MailboxFull,
        Self::Suspend,
        Self::Filtered,
        Self::Rejected,
        Self::Blocked,
        Self::BadReputation,
        Self::RequirePtr,
        Self::AuthFailure,
        Self::SpamDetected,
        Self::VirusDetected,
        Self::PolicyViolation,
        Self::SecurityError,
        Self::ContentError,
        Self::NotCompliantRfc,
        Self::MesgTooBig,
        Self::ExceedLimit,
        Self::NoRelaying,
        Self::NotAccept,
        Self::TooManyConn,
        Self::Speeding,
        Self::Expired,
        Self::NetworkError,
        Self::SystemError,
        Self::SystemFull,
        Self::SyntaxError,
        Self::MailerError,
        Self::OnHold,
        Self::Undefined,
        Self::Delivered,
        Self::Feedback,
        Self::Vacation,
    ];

    /// sisimai's name, e.g. `userunknown`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::UserUnknown => "userunknown",
            Self::HostUnknown => "hostunknown",
            Self::HasMoved => "hasmoved",
            Self::MailboxFull => "mailboxfull",
            Self::Suspend => "suspend",
            Self::Filtered => "filtered",
            Self::Rejected => "rejected",
            Self::Blocked => "blocked",
            Self::BadReputation => "badreputation",
            Self::RequirePtr => "requireptr",
            Self::AuthFailure => "authfailure",
            Self::SpamDetected => "spamdetected",
            Self::VirusDetected => "virusdetected",
            Self::PolicyViolation => "policyviolation",
            Self::SecurityError => "securityerror",
            Self::ContentError => "contenterror",
            Self::NotCompliantRfc => "notcompliantrfc",
            Self::MesgTooBig => "mesgtoobig",
            Self::ExceedLimit => "exceedlimit",
            Self::NoRelaying => "norelaying",
            Self::NotAccept => "notaccept",
            Self::TooManyConn => "toomanyconn",
            Self::Speeding => "speeding",
            Self::Expired => "expired",
            Self::NetworkError => "networkerror",
            Self::SystemError => "systemerror",
            Self::SystemFull => "systemfull",
            Self::SyntaxError => "syntaxerror",
            Self::MailerError => "mailererror",
            Self::OnHold => "onhold",
            Self::Undefined => "undefined",
            Self::Delivered => "delivered",
            Self::Feedback => "feedback",
            Self::Vacation => "vacation",
        }
    }

    /// One sentence on what the reason means.
    #[must_use]
    pub const fn description(self) -> &'static str {
        match self {
            Self::UserUnknown => "the mailbox (local part) does not exist",
            Self::HostUnknown => "the domain does not exist or cannot be resolved",
            Self::HasMoved => "the mailbox has moved and mail is not forwarded",
            Self::MailboxFull => "the mailbox is full",
            Self::Suspend => "the account exists but is suspended or disabled",
            Self::Filtered => "rejected by a recipient-side filter",
            Self::Rejected => "rejected because of the sender address",
            Self::Blocked => "the sending IP address or host name is blocked",
            Self::BadReputation => "the sending IP address has a poor reputation",
            Self::RequirePtr => "the sending IP address has no valid PTR record",
            Self::AuthFailure => "SPF, DKIM or DMARC authentication failed",
            Self::SpamDetected => "the content was judged to be spam",
            Self::VirusDetected => "a virus was found in the message",
            Self::PolicyViolation => "the message violates a policy of the destination",
            Self::SecurityError => "a security violation was detected",
            Self::ContentError => "the header or content format was rejected",
            Self::NotCompliantRfc => "the message does not comply with RFC 5322",
            Self::MesgTooBig => "the message is too large",
            Self::ExceedLimit => "the message exceeds a limit of the destination",
            Self::NoRelaying => "the destination does not relay for the recipient",
            Self::NotAccept => "the destination accepts no mail",
            Self::TooManyConn => "too many connections to the destination",
            Self::Speeding => "sending too fast (rate limit)",
            Self::Expired => "delivery gave up after retrying too long",
            Self::NetworkError => "a DNS or network failure",
            Self::SystemError => "an error inside the remote system",
            Self::SystemFull => "the remote disk or spool is full",
            Self::SyntaxError => "the remote host did not accept an SMTP command",
            Self::MailerError => "a local mailer program failed",
            Self::OnHold => "too little detail to decide",
            Self::Undefined => "no reason could be found",
            Self::Delivered => "delivered: not an error",
            Self::Feedback => "a feedback-loop (ARF) report, not a bounce",
            Self::Vacation => "an automatic reply, not a bounce",
        }
    }

    /// sisimai's pseudo status detail (`x.0.9yy`) for a report without a
    /// status code (`Sisimai::SMTP::Status` `InternalCode`).
    #[must_use]
    pub const fn pseudo_detail(self) -> u16 {
        match self {
            Self::UserUnknown => 911,
            Self::HostUnknown => 912,
            Self::HasMoved => 916,
            Self::MailboxFull => 922,
            Self::Suspend => 921,
            Self::Filtered => 910,
            Self::Rejected => 918,
            Self::Blocked => 971,
            Self::BadReputation => 975,
            Self::RequirePtr => 973,
            Self::AuthFailure => 960,
            Self::SpamDetected => 980,
            Self::VirusDetected => 981,
            Self::PolicyViolation => 972,
            Self::SecurityError => 970,
            Self::ContentError => 960,
            Self::NotCompliantRfc => 976,
            Self::MesgTooBig => 934,
            Self::ExceedLimit => 923,
            Self::NoRelaying => 909,
            Self::NotAccept => 932,
            Self::TooManyConn => 945,
            Self::Speeding => 946,
            Self::Expired => 947,
            Self::NetworkError => 944,
            Self::SystemError => 930,
            Self::SystemFull => 931,
            Self::SyntaxError => 902,
            Self::MailerError => 939,
            Self::OnHold | Self::Delivered | Self::Feedback | Self::Vacation => 901,
            Self::Undefined => 900,
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Text rules: for each reason, case-insensitive patterns of diagnostic
/// text. Tried in this order; the first reason with a match wins.
pub const TEXT_RULES: &[(Reason, &[&str])] = &[
    (
        Reason::RequirePtr,
        &[
            r"(?:no|invalid|bad) (?:ptr|reverse dns|rdns)",
            r"fix reverse dns",
            r"reverse dns lookup for host",
            r"service permits",
            r"mismatches client ip",
            r"reverse (?:dns|lookup|dns lookup) (?:failed|failure|error)",
            r"ptr record",
            r"cannot find your hostname",
            r"client host rejected: cannot find your (?:reverse )?hostname",
            r"(?:ip|address) (?:name )?lookup failed",
            r"unresolvable (?:client|host|address)",
            r"no reverse",
            r"reverse hostname",
            r"does not have a reverse",
            r"resolve.* your (?:ip|address)",
            r"dns ptr",
        ],
    ),
    (
        Reason::AuthFailure,
        &[
            r"\bspf\b.*(?:fail|check|record)",
            r"\bdmarc\b",
            r"\bdkim\b.*(?:fail|invalid|signature)",
            r"sender policy framework",
            r"authentication (?:failed|failure|required)? ?(?:spf|dkim|dmarc)",
            r"5\.7\.2[0-6]",
            r"5\.7\.509",
            r"not (?:authorized|permitted) by (?:the )?(?:domain|spf)",
            r"(?:spf|dkim) (?:fail|softfail|hardfail|check failed)",
            r"unauthenticated email",
            r"fails to pass authentication",
            r"does not have authentication information",
        ],
    ),
    (
        Reason::BadReputation,
        &[
            r"poor reputation",
            r"bad reputation",
            r"low reputation",
            r"sender reputation",
            r"ip reputation",
        ],
    ),
    (
        Reason::MailboxFull,
        &[
            r"mailbox (?:is )?(?:full|over ?quota|exceeded|size limit)",
            r"over ?quota",
            r"quota (?:exceeded|exceed|full|violation)",
            r"exceed(?:ed|s)? (?:the |his |her |its )?(?:storage|quota|mailbox)",
            r"mail ?box full",
            r"mailbox exceeds allowed size",
            r"user(?:'s)? (?:mailbox|quota) (?:is )?(?:full|exceeded)",
            r"too much mail data",
            r"mailfolder is full",
            r"no space left",
            r"not enough (?:storage|space)",
            r"account is full",
            r"recipient (?:is )?over",
            r"boite du destinataire pleine",
            r"maildir over quota",
            r"disk quota",
            r"exceeds (?:the )?size limit for (?:the )?mailbox",
            r"full mailbox",
            r"inbox is full",
            r"空间不足",
            r"邮箱已满",
            r"容量",
        ],
    ),
    (
        Reason::MesgTooBig,
        &[
            r"message (?:is )?too (?:big|large|long)",
            r"(?:size|length) (?:exceeds|exceeded|limit)",
            r"exceeds (?:the )?(?:maximum )?(?:message )?size",
            r"message size (?:exceeds|too)",
            r"message (?:is )?too large",
            r"line limit exceeded",
            r"message (?:length|size) (?:is )?(?:greater|larger|over)",
            r"mail size limit",
            r"maximum (?:allowed )?message size",
        ],
    ),
    (
        Reason::ExceedLimit,
        &[
            r"message too many recipients",
            r"recipients? limit",
            r"exceeded (?:the )?(?:maximum )?(?:number|limit)",
            r"too many recipients",
        ],
    ),
    (
        Reason::Suspend,
        &[
            r"(?:account|mailbox|user|address|recipient) (?:has been |is |was )?(?:suspended|disabled|deactivated|inactive|locked|frozen|blocked)",
            r"(?:suspended|disabled|inactive|deactivated) (?:account|mailbox|user|recipient)",
            r"5\.7\.13",
            r"temporarily (?:disabled|suspended)",
            r"account (?:has been )?(?:expired|closed)",
            r"is not (?:active|enabled)",
            r"not an active",
            r"mailbox (?:is )?currently unavailable",
            r"mailbox unavailable or access denied",
            r"user (?:is )?(?:on )?(?:hold|terminated)",
        ],
    ),
    (
        Reason::HasMoved,
        &[
            r"has been moved",
            r"has moved",
            r"no longer (?:a valid|at|with|here)",
            r"address (?:has )?changed",
            r"5\.1\.6",
        ],
    ),
    (
        Reason::NoRelaying,
        &[
            r"relay(?:ing)? (?:access )?(?:denied|not (?:allowed|permitted)|prohibited)",
            r"not (?:allowed|permitted) to relay",
            r"unable to relay",
            r"relaying (?:mail )?(?:to .* )?(?:is )?not",
            r"no relaying",
            r"relay not permitted",
            r"we do not relay",
            r"not local host",
            r"domain isn't in my list of allowed rcpthosts",
            r"cannot relay",
            r"relay denied",
            r"insecure mail relay",
        ],
    ),
    (
        Reason::UserUnknown,
        &[
            r"user (?:unknown|not found|not exist|doesn't exist|does not exist|invalid)",
            r"unknown (?:user|recipient|local part|mailbox|address)",
            r"no such (?:user|recipient|mailbox|address|account|person|local user)",
            r"(?:mailbox|recipient|address|account|user) (?:does not|doesn't|did not) exist",
            r"(?:mailbox|recipient|user|address|account) (?:not found|unavailable|invalid|is invalid|not known|unknown|nonexistent|non-existent)",
            r"invalid (?:recipient|mailbox|user|address|account)",
            r"recipient address rejected: (?:access denied|invalid user|invalid-recipient|user .* does not exist|user unknown|unknown user)",
            r"recipient rejected",
            r"not a valid (?:user|mailbox|recipient)",
            r"(?:is not|isn't) a (?:valid|known) (?:user|mailbox|recipient)",
            r"bad (?:recipient|destination mailbox|address)",
            r"5\.1\.1\b",
            r"5\.1\.0\b.*(?:address|unknown)",
            r"unrouteable address",
            r"this user doesn't have a",
            r"address (?:not|no longer) (?:valid|in use|exists?)",
            r"no mailbox",
            r"mailbox (?:name )?not allowed",
            r"no account",
            r"does not exist",
            r"doesn't exist",
            r"not our customer",
            r"undeliverable address",
            r"email account that you tried to reach does not exist",
            r"requested action not taken: mailbox unavailable",
            r"unknown or illegal alias",
            r"recipient not (?:found|ok|exist)",
            r"no valid recipients",
            r"the email address you entered couldn't be found",
            r"invalid address",
            r"unknown local",
            r"account (?:not|unknown)",
            r"user not local",
            r"not a known user",
            r"user (?:account )?is unavailable",
            r"sorry, no mailbox here",
            r"invalid final delivery userid",
            r"address not present",
            r"mailbox (?:is )?not available",
            r"存在しない",
            r"用户不存在",
            r"不存在",
        ],
    ),
    (
        Reason::HostUnknown,
        &[
            r"host (?:unknown|not found|name lookup failed)",
            r"unknown (?:host|domain)",
            r"domain (?:not found|does not exist|unknown|name not found|is not)",
            r"no such (?:host|domain)",
            r"name or service not known",
            r"unrouteable mail domain",
            r"(?:host|domain) (?:does not|doesn't) exist",
            r"nxdomain",
            r"no (?:a|dns) record",
            r"mx (?:record )?(?:not found|lookup failed)",
            r"unresolvable",
            r"5\.1\.2\b",
            r"all relevant mx records point to non-existent hosts",
            r"domain (?:name )?(?:is )?invalid",
            r"host [a-z0-9.-]+ not found",
            r"the account or domain may not exist",
            r"(?:^|[\s<])[a-z0-9-]+(?:\.[a-z0-9-]+)+>? does not exist",
        ],
    ),
    (
        Reason::VirusDetected,
        &[r"virus", r"malware", r"trojan", r"infected"],
    ),
    (
        Reason::SpamDetected,
        &[
            r"\bspam\b",
            r"junk mail",
            r"unsolicited",
            r"bulk mail",
            r"looks like spam",
            r"content filter",
            r"blocked (?:by|for) (?:spam|content)",
            r"spamassassin",
            r"\buce\b",
            r"message content rejected",
            r"scored too high",
            r"message is considered",
            r"spam score",
            r"blacklisted url",
            r"\buribl\b",
        ],
    ),
    (
        Reason::TooManyConn,
        &[
            r"too many (?:connections|concurrent|sessions|simultaneous)",
            r"frequency limited",
            r"connection (?:limit|rate)",
            r"too many open",
        ],
    ),
    (
        Reason::Speeding,
        &[
            r"too many recipients this hour",
            r"rate limit",
            r"too fast",
            r"sending rate",
            r"try again later.*rate",
            r"throttl",
        ],
    ),
    (
        Reason::Blocked,
        &[
            r"blocked",
            r"blacklist",
            r"block ?list",
            r"\brbl\b",
            r"\bdnsbl\b",
            r"spamhaus",
            r"spamcop",
            r"sorbs",
            r"listed (?:in|on|at|by)",
            r"access denied",
            r"client host .*rejected",
            r"connection (?:refused|rejected)",
            r"(?:your|the) (?:ip|server|host|network|address) (?:address )?(?:has been |is )?(?:blocked|banned|rejected|not allowed)",
            r"banned",
            r"not allowed to send",
            r"refused (?:by|to talk)",
            r"please use the smtp server of your isp",
            r"dynamic ip",
            r"\bdenied\b",
            r"residential",
            r"(?:invalid|bad|rejected) (?:helo|ehlo)",
            r"missing reverse dns",
            r"(?:helo|ehlo) (?:command )?rejected",
            r"not accepting connections",
            r"invalid ip for sending",
            r"no access from mail server",
            r"which is an open relay",
        ],
    ),
    (
        Reason::Rejected,
        &[
            r"sender (?:address )?(?:rejected|denied|refused|unknown|invalid|verify failed|blocked|domain)",
            r"envelope sender",
            r"return path",
            r"from address",
            r"5\.1\.[78]\b",
            r"domain of sender",
            r"sender .*(?:not|no) (?:exist|valid|allowed|permitted)",
            r"your (?:email )?address (?:is )?(?:not|has been) (?:allowed|blocked)",
            r"sender .*(?:rejected|refused|denied)",
            r"mail from .*(?:rejected|refused|denied)",
            r"purported responsible address",
            r"(?:from|sending to/from) an? address that (?:has been|is) blacklisted",
        ],
    ),
    (
        Reason::Filtered,
        &[
            r"filter",
            r"not authorized to (?:send|receive)",
            r"does not accept mail from",
            r"recipient refuses",
            r"user refuses",
            r"recipient (?:is )?(?:not )?(?:accepting|accept)",
            r"restricted",
            r"prohibited",
            r"5\.2\.[01]\b",
        ],
    ),
    (
        Reason::PolicyViolation,
        &[
            r"policy",
            r"not (?:permitted|allowed) by",
            r"attachment",
            r"5\.7\.0 .*(?:rejected|forbidden)",
            r"content presents a potential",
        ],
    ),
    (
        Reason::NotCompliantRfc,
        &[
            r"multiple addresses in from",
            r"rfc ?5322",
            r"not rfc ?compliant",
            r"duplicate (?:subject|date|from|message-id)",
            r"rfc ?2822",
        ],
    ),
    (
        Reason::SecurityError,
        &[
            r"unauthenticated senders",
            r"security",
            r"authentication (?:required|failed)",
            r"certificate",
            r"tls",
            r"encryption",
            r"forged",
            r"5\.7\.[01]\b",
        ],
    ),
    (
        Reason::ContentError,
        &[
            r"header",
            r"content",
            r"mime",
            r"message format",
            r"5\.6\.[0-9]",
        ],
    ),
    (
        Reason::NotAccept,
        &[
            r"no mx record found",
            r"does not accept (?:any )?mail",
            r"not accept(?:ing)? (?:any )?mail",
            r"null mx",
            r"no mail (?:service|accepted)",
            r"maintenance",
        ],
    ),
    (
        Reason::Expired,
        &[
            r"retry (?:timeout|time)",
            r"(?:has been|was) (?:delayed|in the queue)",
            r"delivery (?:time )?expired",
            r"giving up",
            r"gave up",
            r"too long",
            r"could not be delivered (?:for|within)",
            r"connection timed out",
            r"timed? ?out",
            r"expired",
            r"not yet been delivered",
            r"deferred",
            r"did not accept our requests to connect",
            r"all hosts have been failing",
            r"host not reachable",
            r"warning message only",
            r"delivery failed \d+ attempts",
            r"aborted after",
            r"delayed",
            r"4\.4\.7",
            r"unable to deliver .* for",
            r"remote host did not respond",
        ],
    ),
    (
        Reason::NetworkError,
        &[
            r"network",
            r"dns (?:lookup|error|failure)",
            r"connection (?:lost|dropped|reset|closed)",
            r"loop",
            r"hop count",
            r"lost connection",
            r"dns query failed",
            r"name server: .*lookup failure",
        ],
    ),
    (
        Reason::SystemFull,
        &[
            r"insufficient disk space",
            r"system (?:is )?full",
            r"disk full",
            r"spool (?:is )?full",
            r"out of (?:disk|storage)",
            r"5\.3\.1\b",
        ],
    ),
    (
        Reason::MailerError,
        &[
            r"mailer",
            r"program",
            r"procmail",
            r"command (?:died|failed)",
            r"exit (?:code|status)",
            r"pipe",
            r"local delivery failed",
        ],
    ),
    (
        Reason::SystemError,
        &[
            r"system error",
            r"internal (?:server )?error",
            r"server error",
            r"temporary (?:error|problem)",
            r"local error",
            r"configuration error",
            r"misconfigur",
            r"ldap",
            r"database",
            r"i/o error",
            r"service (?:not )?available",
            r"unavailable",
            r"try again later",
            r"insufficient permission",
            r"out of memory",
        ],
    ),
    (
        Reason::SyntaxError,
        &[
            r"malformed address",
            r"syntax error",
            r"command unrecognized",
            r"bad sequence",
            r"unrecognized command",
            r"need (?:rcpt|mail)",
            r"command not implemented",
        ],
    ),
];

fn rule_sets() -> &'static [(Reason, Option<RegexSet>)] {
    static SETS: OnceLock<Vec<(Reason, Option<RegexSet>)>> = OnceLock::new();
    SETS.get_or_init(|| {
        TEXT_RULES
            .iter()
            .map(|(reason, patterns)| {
                let set = RegexSet::new(patterns.iter().map(|p| format!("(?i){p}"))).ok();
                (*reason, set)
            })
            .collect()
    })
}

/// The reason the diagnostic text says, by [`TEXT_RULES`].
#[must_use]
pub fn from_text(text: &str) -> Option<Reason> {
    rule_sets()
        .iter()
        .find(|(_, set)| set.as_ref().is_some_and(|s| s.is_match(text)))
        .map(|(r, _)| *r)
}

/// The reason an RFC 3463 status code says on its own (RFC 3463 §3;
/// RFC 7372 for 5.7.13 and 5.7.2x; RFC 7505 for 5.1.10), as sisimai names
/// them. `None` for codes that leave it open.
#[must_use]
pub fn from_status(status: &str) -> Option<Reason> {
    let mut it = status.splitn(3, '.');
    let class = it.next()?;
    let subject = it.next()?;
    let detail = it.next()?;
    let temp = class == "4";
    Some(match (subject, detail) {
        ("1", "0" | "1" | "3" | "10") => Reason::UserUnknown,
        ("1", "2") => Reason::HostUnknown,
        ("1", "4") => Reason::Filtered,
        ("1", "6") => Reason::HasMoved,
        ("1", "7" | "8") => Reason::Rejected,
        ("1", "9") => Reason::SystemError,
        ("2", "1") if temp => Reason::Suspend,
        ("2", "0" | "1" | "4") => Reason::Filtered,
        ("2", "2") => Reason::MailboxFull,
        ("2", "3") => Reason::ExceedLimit,
        ("3", "0") if !temp => Reason::SystemError,
        ("3", "1") => Reason::SystemFull,
        ("3", "2") => Reason::NotAccept,
        ("3", "3" | "5") => Reason::SystemError,
        ("3", "4") => Reason::MesgTooBig,
        ("4", "0") if !temp => Reason::NetworkError,
        ("4", "1" | "7") => Reason::Expired,
        ("4", "2" | "6") => Reason::NetworkError,
        ("4", "4") if temp => Reason::NetworkError,
        ("4", "4") => Reason::HostUnknown,
        ("4", "3") => Reason::SystemError,
        ("4", "5") => Reason::SystemFull,
        ("5", "3") if temp => Reason::SystemError,
        ("5", "3") => Reason::TooManyConn,
        ("5", "4" | "5") => Reason::SystemError,
        ("6", _) => Reason::ContentError,
        ("7", "1" | "2") if temp => Reason::Blocked,
        ("7", "13") => Reason::Suspend,
        ("7", "25") => Reason::RequirePtr,
        ("7", "27") => Reason::NotAccept,
        ("7", "16") => Reason::MesgTooBig,
        ("7", "20" | "21" | "22" | "23" | "24" | "26" | "509") => Reason::AuthFailure,
        ("7", "9") => Reason::PolicyViolation,
        ("7", _) => Reason::SecurityError,
        _ => return None,
    })
}

/// Reasons a status code can name that the diagnostic text is still asked
/// about (sisimai's `retry`): they are often given for any failure.
const fn retry(r: Reason) -> bool {
    matches!(
        r,
        Reason::Undefined
            | Reason::OnHold
            | Reason::SystemError
            | Reason::SecurityError
            | Reason::NetworkError
            | Reason::HostUnknown
            | Reason::UserUnknown
    )
}

fn matches(reason: Reason, text: &str) -> bool {
    rule_sets()
        .iter()
        .find(|(r, _)| *r == reason)
        .and_then(|(_, s)| s.as_ref())
        .is_some_and(|s| s.is_match(text))
}

/// Policy wordings precise enough to come before `blocked` (a message
/// "blocked because its content presents a potential security issue" is a
/// policy refusal, not a blocked IP address).
pub const STRICT_POLICY: &[&str] = &[
    r"content presents a potential",
    r"policy violation",
    r"violates? (?:our|the|a) (?:[a-z]+ )?polic",
];

/// Unknown-recipient wordings that mean no such mailbox whatever status
/// code or command goes with them (Exchange Online's "Access denied" at
/// RCPT is its directory check, sendmail's "No such user here").
pub const STRICT_USER_UNKNOWN: &[&str] = &[
    r"recipient address rejected: access denied",
    r"no such user here",
    r"\binvalid recipient\b",
];

/// Recipient-side refusals a status code for an unknown mailbox (5.1.1)
/// is sometimes given with.
pub const STRICT_FILTERED: &[&str] = &[r"recipient preferences", r"refused by (?:the )?recipient"];

fn any_of(set: &'static OnceLock<Option<RegexSet>>, pats: &[&str], text: &str) -> bool {
    set.get_or_init(|| RegexSet::new(pats.iter().map(|p| format!("(?i){p}"))).ok())
        .as_ref()
        .is_some_and(|s| s.is_match(text))
}

fn strict_user_unknown(text: &str) -> bool {
    static SET: OnceLock<Option<RegexSet>> = OnceLock::new();
    any_of(&SET, STRICT_USER_UNKNOWN, text)
}

fn strict_filtered(text: &str) -> bool {
    static SET: OnceLock<Option<RegexSet>> = OnceLock::new();
    any_of(&SET, STRICT_FILTERED, text)
}

fn strict_policy(text: &str) -> bool {
    static SET: OnceLock<Option<RegexSet>> = OnceLock::new();
    SET.get_or_init(|| RegexSet::new(STRICT_POLICY.iter().map(|p| format!("(?i){p}"))).ok())
        .as_ref()
        .is_some_and(|s| s.is_match(text))
}

/// First pass (sisimai's `true` methods): the status code's reason or the
/// text, with the SMTP command deciding between "unknown user at RCPT"
/// (userunknown) and "refused after DATA" (filtered).
const FIRST: &[Reason] = &[
    Reason::RequirePtr,
    Reason::AuthFailure,
    Reason::BadReputation,
    Reason::NotCompliantRfc,
    Reason::MailboxFull,
    Reason::MesgTooBig,
    Reason::Speeding,
    Reason::ExceedLimit,
    Reason::Suspend,
    Reason::HasMoved,
    Reason::NoRelaying,
    Reason::UserUnknown,
    Reason::Filtered,
    Reason::Rejected,
    Reason::HostUnknown,
    Reason::SpamDetected,
    Reason::TooManyConn,
    Reason::PolicyViolation,
    Reason::Blocked,
];

/// Second pass (sisimai's `anotherone`): text only.
const SECOND: &[Reason] = &[
    Reason::MailboxFull,
    Reason::SpamDetected,
    Reason::VirusDetected,
    Reason::PolicyViolation,
    Reason::NoRelaying,
    Reason::NotAccept,
    Reason::SecurityError,
    Reason::SystemError,
    Reason::NetworkError,
    Reason::Suspend,
    Reason::Expired,
    Reason::ContentError,
    Reason::SystemFull,
    Reason::NotAccept,
    Reason::MailerError,
    Reason::SyntaxError,
];

/// The reason for a status code, diagnostic text, SMTP command (`RCPT`,
/// `DATA`, …, when the notice says) and DSN action.
#[must_use]
pub fn classify(status: &str, diag: &str, command: Option<&str>, action: Option<&str>) -> Reason {
    if status.starts_with('2') || action == Some("delivered") {
        return Reason::Delivered;
    }
    let named = from_status(status);
    for &r in FIRST {
        let hit = match r {
            Reason::UserUnknown => {
                // RFC 5321 §3.3: MAIL FROM carries the reverse path; a
                // refusal there is about the sender, whatever it says.
                if named == Some(Reason::Suspend) || command == Some("MAIL") {
                    false
                } else if strict_user_unknown(diag) {
                    true
                } else if named == Some(Reason::UserUnknown) {
                    !strict_filtered(diag)
                        && ![
                            Reason::NoRelaying,
                            Reason::Blocked,
                            Reason::MailboxFull,
                            Reason::HasMoved,
                            Reason::Rejected,
                            Reason::NotAccept,
                        ]
                        .iter()
                        .any(|&o| matches(o, diag))
                } else {
                    // sisimai asks for RCPT here; the notices read by text
                    // rarely say, so only DATA turns it into `filtered`.
                    (command == Some("RCPT") || (named.is_none() && command != Some("DATA")))
                        && matches(r, diag)
                }
            }
            Reason::Filtered => {
                if named == Some(Reason::Filtered) {
                    matches(Reason::UserUnknown, diag) || matches(r, diag)
                } else if named == Some(Reason::Suspend)
                    || matches!(command, Some("CONN" | "EHLO" | "HELO" | "MAIL" | "RCPT"))
                {
                    false
                } else {
                    strict_filtered(diag)
                        || matches(r, diag)
                        // A sender status (5.1.7/5.1.8, RFC 3463 §3.2) or a
                        // domain that does not exist is not a filter.
                        || ((command == Some("DATA") || (command.is_none() && named.is_some()))
                            && named != Some(Reason::Rejected)
                            && !matches(Reason::HostUnknown, diag)
                            && matches(Reason::UserUnknown, diag))
                }
            }
            // Only its unmistakable wordings here; the rest in the second pass.
            Reason::PolicyViolation => strict_policy(diag),
            Reason::SpamDetected => {
                named != Some(Reason::ContentError) && (named == Some(r) || matches(r, diag))
            }
            Reason::MesgTooBig => {
                named != Some(Reason::ExceedLimit) && (named == Some(r) || matches(r, diag))
            }
            Reason::Rejected => {
                named == Some(r)
                    || (command == Some("MAIL") && !matches(Reason::Blocked, diag))
                    || (match command {
                        Some("DATA") => named != Some(Reason::UserUnknown),
                        _ => named.is_none_or(|n| {
                            matches!(n, Reason::SecurityError | Reason::SystemError)
                        }),
                    } && matches(r, diag))
            }
            Reason::HostUnknown => {
                if named == Some(r) {
                    !matches(Reason::NetworkError, diag)
                } else {
                    matches(r, diag)
                }
            }
            _ => named == Some(r) || matches(r, diag),
        };
        if hit {
            return r;
        }
    }
    if named.is_none_or(|n| retry(n) || n == Reason::Expired) {
        if let Some(&r) = SECOND.iter().find(|&&r| matches(r, diag)) {
            return r;
        }
        if status.get(..3).is_some_and(|s| s.ends_with(".6")) {
            return Reason::ContentError;
        }
        if status.get(..3).is_some_and(|s| s.ends_with(".7")) {
            return Reason::SecurityError;
        }
        // Refused at the greeting (RFC 5321 §3.1: a 554 instead of 220)
        // or at EHLO/HELO (§4.1.1.1): the client host itself is refused.
        if matches!(command, Some("EHLO" | "HELO" | "CONN")) {
            return Reason::Blocked;
        }
    }
    match named {
        Some(r) => r,
        None if action == Some("delayed") => Reason::Expired,
        None if !diag.is_empty() => Reason::OnHold,
        None => Reason::Undefined,
    }
}

/// Completes a recipient: the status and reply code from the diagnostic
/// text when the report gave none, the reason, sisimai's pseudo status
/// when there is no code at all, and the hard-bounce flag.
pub fn finish(r: &mut Recipient, kind: Kind) {
    match kind {
        Kind::Feedback | Kind::AutoReply => {
            r.status = None;
            r.reply_code = None;
            r.hard_bounce = false;
            return;
        }
        Kind::Disposition => {
            r.hard_bounce = false;
            return;
        }
        Kind::Bounce => {}
    }
    let diag = r.diagnostic.clone().unwrap_or_default();
    // The code the remote host itself gave (the last one in the text, as
    // relays quote the original error last) is more precise than what the
    // reporting MTA put into `Status:`.
    let from_diag = text::last_status_code(&diag);
    r.status = match (r.status.take().filter(|s| valid_status(s)), from_diag) {
        (Some(s), Some(d)) if d.get(..1) == s.get(..1) => Some(d),
        (Some(s), _) => Some(s),
        (None, d) => d,
    };
    if r.reply_code.is_none() {
        r.reply_code = text::reply_code(&diag);
    }
    let status = r.status.clone().unwrap_or_default();
    let command = text::smtp_command(&diag);
    // A reason a rule set (a provider that always means one thing) stays,
    // unless it is one the text may refine (sisimai's `retry`).
    if !r.settled && (r.reason == Reason::Undefined || retry(r.reason)) {
        r.reason = classify(&status, &diag, command, r.action.as_deref());
    }
    // A local mailer's exit status (X-Unix) whose text names a fault of
    // the system itself (sendmail's EX_NOPERM "Insufficient permission").
    if r.reason == Reason::MailerError && matches(Reason::SystemError, &diag) {
        r.reason = Reason::SystemError;
    }
    let temporary = status.starts_with('4')
        || r.reply_code.is_some_and(|c| (400..500).contains(&c))
        || r.action.as_deref() == Some("delayed")
        || {
            let l = diag.to_lowercase();
            [
                "retry timeout exceeded",
                "delay reason",
                "warning message only",
                "temporar",
                "will be retried",
                "still trying",
            ]
            .iter()
            .any(|w| l.contains(w))
        };
    if r.status.is_none() {
        let class = if temporary { 4 } else { 5 };
        // Exim's "SMTP error from remote mail server after MAIL FROM": a
        // refusal at MAIL (RFC 5321 §3.3) says nothing about the
        // recipient, and sisimai leaves its pseudo code undecided
        // (x.0.901) whatever reason the words give.
        let detail = if command == Some("MAIL")
            && diag
                .to_ascii_lowercase()
                .contains("remote mail server after mail from")
        {
            Reason::OnHold.pseudo_detail()
        } else {
            r.reason.pseudo_detail()
        };
        r.status = Some(format!("{class}.0.{detail}"));
    }
    if let (Some(code), Some(s)) = (r.reply_code, r.status.as_deref())
        && s.get(..1) != Some(&(code / 100).to_string()[..])
    {
        r.reply_code = None;
    }
    r.hard_bounce = match r.reason {
        Reason::UserUnknown | Reason::HostUnknown | Reason::HasMoved => true,
        Reason::NotAccept => !r.status.as_deref().is_some_and(|s| s.starts_with('4')),
        _ => false,
    };
}

fn valid_status(s: &str) -> bool {
    let mut n = 0;
    for (i, p) in s.split('.').enumerate() {
        n += 1;
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        if i == 0 && !matches!(p, "2" | "4" | "5") {
            return false;
        }
    }
    n == 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_a_distinct_name() {
        let mut names: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Reason::ALL.len());
    }

    #[test]
    fn every_text_rule_compiles() {
        for (reason, patterns) in TEXT_RULES {
            for p in *patterns {
                assert!(
                    regex::Regex::new(&format!("(?i){p}")).is_ok(),
                    "{reason}: {p}"
                );
            }
        }
        assert!(rule_sets().iter().all(|(_, s)| s.is_some()));
    }

    #[test]
    fn status_decides_unless_the_text_names_another_cause() {
        assert_eq!(
            classify("5.1.1", "550 5.1.1 User unknown", None, None),
            Reason::UserUnknown
        );
        assert_eq!(
            classify("5.2.2", "552 5.2.2 Mailbox full", None, None),
            Reason::MailboxFull
        );
        assert_eq!(
            classify("5.1.1", "550 5.1.1 Relay access denied", None, None),
            Reason::NoRelaying
        );
        assert_eq!(classify("2.0.0", "250 ok", None, None), Reason::Delivered);
    }

    #[test]
    fn unknown_user_after_data_is_filtered_and_at_rcpt_userunknown() {
        assert_eq!(
            classify("", "550 Unknown user", Some("DATA"), None),
            Reason::Filtered
        );
        assert_eq!(
            classify("", "550 Unknown user", Some("RCPT"), None),
            Reason::UserUnknown
        );
    }

    #[test]
    fn no_code_and_no_text_is_onhold_or_expired_when_delayed() {
        assert_eq!(classify("", "", None, Some("delayed")), Reason::Expired);
        assert_eq!(classify("", "nothing useful", None, None), Reason::OnHold);
    }

    #[test]
    fn finish_fills_a_pseudo_status_and_drops_a_contradicting_reply_code() {
        let mut r = Recipient {
            diagnostic: Some("452 Mailbox full, try later".to_owned()),
            ..Recipient::default()
        };
        finish(&mut r, Kind::Bounce);
        assert_eq!(r.reason, Reason::MailboxFull);
        assert_eq!(r.status.as_deref(), Some("4.0.922"));
        assert_eq!(r.reply_code, Some(452));
        assert!(!r.hard_bounce);
        let mut r = Recipient {
            status: Some("5.1.1".to_owned()),
            diagnostic: Some("421 try again".to_owned()),
            ..Recipient::default()
        };
        finish(&mut r, Kind::Bounce);
        assert_eq!(r.reply_code, None);
        assert!(r.hard_bounce);
    }
}
