//! Diagnostics: what is wrong with a message, where, and what to do. Shared
//! by the parser's limits, the byte-level invariants and the lint rules.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The message is wrong: some reader will show it garbled or drop it.
    Error,
    /// Allowed but risky, or against a SHOULD.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// `error`, `warning`, `info`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $severity:ident, $doc:literal;)*) => {
        /// A stable, kebab-case diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $(#[doc = $doc] $variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The kebab-case name (`bare-lf`).
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }

            /// The severity a finding of this code has unless a rule says otherwise.
            #[must_use]
            pub const fn severity(self) -> Severity {
                match self {
                    $(Self::$variant => Severity::$severity,)*
                }
            }

            /// What the code means, in one sentence.
            #[must_use]
            pub const fn description(self) -> &'static str {
                match self {
                    $(Self::$variant => $doc,)*
                }
            }

            /// The code named `name`.
            #[must_use]
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|c| c.as_str() == name)
            }
        }
    };
}

codes! {
    MissingFrom = "missing-from", Error, "No From field (RFC 5322 §3.6).";
    MissingDate = "missing-date", Error, "No Date field (RFC 5322 §3.6).";
    MissingMessageId = "missing-message-id", Warning, "No Message-ID field (RFC 5322 §3.6.4 SHOULD).";
    MissingMimeVersion = "missing-mime-version", Error, "MIME content without MIME-Version (RFC 2045 §4).";
    BareLf = "bare-lf", Error, "A line ends in a bare LF or CR instead of CRLF (RFC 5322 §2.3).";
    LineTooLong = "line-too-long", Error, "A line is longer than 998 octets (RFC 5322 §2.1.1).";
    HeaderLineLong = "header-line-long", Warning, "A header line is longer than 78 characters where it could be folded (RFC 5322 §2.1.1).";
    Raw8bitHeader = "raw-8bit-header", Error, "A header holds raw 8-bit octets outside an encoded word (RFC 5322 §2.2, RFC 2047).";
    CharsetMissing = "charset-missing", Error, "An 8-bit text part declares no charset (RFC 2046 §4.1.2).";
    CharsetMismatch = "charset-mismatch", Error, "The declared charset does not decode the octets, or decodes them to implausible text.";
    UnknownCharset = "unknown-charset", Error, "A charset name no decoder knows.";
    EncodedWordSplitChar = "encoded-word-split-char", Error, "A character is split across two encoded words (RFC 2047 §5(3)).";
    EncodedWordTooLong = "encoded-word-too-long", Error, "An encoded word is longer than 75 characters (RFC 2047 §2).";
    EncodedWordInvalid = "encoded-word-invalid", Error, "An encoded word cannot be decoded (RFC 2047 §2, §4).";
    EncodedWordInQuotes = "encoded-word-in-quotes", Warning, "An encoded word inside a quoted string or a parameter (RFC 2047 §5).";
    Mojibake = "mojibake", Error, "Text decoded with the wrong charset and re-encoded (for example UTF-8 read as Windows-1252).";
    Base64Invalid = "base64-invalid", Error, "A base64 body has characters or padding outside RFC 2045 §6.8.";
    QpInvalid = "qp-invalid", Error, "A quoted-printable body breaks RFC 2045 §6.7.";
    MultipartUnterminated = "multipart-unterminated", Error, "A multipart has no closing delimiter (RFC 2046 §5.1.1).";
    BoundaryMissing = "boundary-missing", Error, "A multipart has no boundary parameter, or its boundary never occurs (RFC 2046 §5.1.1).";
    BoundaryInPart = "boundary-in-part", Error, "A boundary delimiter occurs inside a part it encloses (RFC 2046 §5.1.1).";
    CidMissing = "cid-missing", Error, "HTML refers to cid: with no part of that Content-ID (RFC 2392).";
    CidUnused = "cid-unused", Warning, "An inline part has a Content-ID that no HTML refers to.";
    HtmlWithoutText = "html-without-text", Warning, "An HTML body without a plain-text alternative.";
    FilenameUnencoded = "filename-unencoded", Warning, "A file name given only in RFC 2231 form or only as raw octets: some clients show it garbled.";
    BccPresent = "bcc-present", Error, "A Bcc field is written into the message.";
    HeaderNotAscii = "header-not-ascii", Error, "A header holds non-ASCII octets though SMTPUTF8 was not asked for (RFC 6532).";
    DepthLimit = "depth-limit", Error, "The part tree is nested deeper than the parser follows.";
    PartLimit = "part-limit", Error, "The message has more parts than the parser reads.";
    HeaderLimit = "header-limit", Error, "A header block is larger than the parser reads.";
    NotAMessage = "not-a-message", Error, "The input is not a message: no header could be read.";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Self::from_name(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown diagnostic code {name:?}")))
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// What kind of problem.
    pub code: Code,
    /// How bad.
    pub severity: Severity,
    /// The IMAP part path (RFC 3501 §6.4.5) where it is; `None` for the
    /// top-level header.
    pub part: Option<String>,
    /// The 1-based line of the raw message where it is.
    pub line: Option<usize>,
    /// What is wrong, for a human.
    pub message: String,
    /// What to do about it (for mojibake, the repaired text).
    pub suggestion: Option<String>,
}

impl Diagnostic {
    /// A finding with the code's default severity.
    #[must_use]
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self { code, severity: code.severity(), part: None, line: None, message: message.into(), suggestion: None }
    }

    /// At part `path`.
    #[must_use]
    pub fn at_part(mut self, path: impl Into<String>) -> Self {
        self.part = Some(path.into());
        self
    }

    /// At line `line` (1-based).
    #[must_use]
    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// With a suggestion.
    #[must_use]
    pub fn suggest(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(suggestion.into());
        self
    }

    /// With another severity.
    #[must_use]
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.severity, self.code)?;
        if let Some(p) = &self.part {
            write!(f, " part {p}")?;
        }
        if let Some(l) = self.line {
            write!(f, " line {l}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(s) = &self.suggestion {
            write!(f, " (suggestion: {s})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_kebab_case_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            let n = c.as_str();
            assert!(n.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{n}");
            assert!(seen.insert(n), "duplicate {n}");
            assert_eq!(Code::from_name(n), Some(*c));
        }
    }

    #[test]
    fn diagnostics_serialise_to_the_documented_json() {
        let d = Diagnostic::new(Code::BareLf, "line 12 ends in LF").at_part("1.2").at_line(12);
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(
            json,
            r#"{"code":"bare-lf","severity":"error","part":"1.2","line":12,"message":"line 12 ends in LF","suggestion":null}"#
        );
        let back: Diagnostic = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
    }
}
