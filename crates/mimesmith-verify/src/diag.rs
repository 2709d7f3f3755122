//! Diagnostics: one finding about one message, shared by the parser (limits,
//! unparseable input), the invariant checks, the lint rules and the `eml` CLI.
//!
//! A [`Diagnostic`] names *what* is wrong with a stable [`Code`] (kebab-case,
//! the same string in JSON output, in `--allow`/`--deny` flags and in the
//! documentation), *how bad* it is ([`Severity`], a default per code that a
//! caller may override), *where* (IMAP part path and 1-based line in the raw
//! message) and *what to do* (an optional suggestion).
//!
//! JSON shape of one diagnostic:
//!
//! ```json
//! {"code":"bare-lf","severity":"error","part":"1.2","line":12,"message":"…","suggestion":null}
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How bad a finding is. Ordered from most to least severe (`Error < Warning`
/// in `Ord`, so sorting puts errors first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The message violates a MUST of an RFC, or readers will visibly get it wrong.
    Error,
    /// The message violates a SHOULD, or some readers will get it wrong.
    Warning,
    /// Worth knowing; not a defect on its own.
    Info,
}

impl Severity {
    /// The lowercase name used in JSON and on the command line.
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

/// Declares [`Code`] from one table: variant, stable string, default severity
/// and the doc comment naming the rule's source. Keeping the three in one row
/// means a new code cannot forget its string or its severity.
macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal, $severity:ident; )+) => {
        /// A stable identifier for one kind of finding.
        ///
        /// The string form ([`Code::as_str`]) is kebab-case and never changes once
        /// released; serde uses it too. More codes will be added (the enum is
        /// `#[non_exhaustive]`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[doc = $doc])* $variant, )+
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)+];

            /// The stable kebab-case name, e.g. `"bare-lf"`.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)+
                }
            }

            /// The severity a diagnostic with this code gets unless a rule or the
            /// user says otherwise.
            #[must_use]
            pub const fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)+
                }
            }
        }

        impl FromStr for Code {
            type Err = UnknownCode;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok(Code::$variant),)+
                    _ => Err(UnknownCode(s.to_owned())),
                }
            }
        }
    };
}

codes! {
    /// No `From:` field; it is required (RFC 5322 §3.6, §3.6.2).
    MissingFrom = "missing-from", Error;
    /// No `Date:` field; it is required (RFC 5322 §3.6, §3.6.1).
    MissingDate = "missing-date", Error;
    /// No `Message-ID:` field; every message SHOULD have one (RFC 5322 §3.6.4).
    MissingMessageId = "missing-message-id", Warning;
    /// MIME structure without `MIME-Version: 1.0` (RFC 2045 §4).
    MissingMimeVersion = "missing-mime-version", Warning;
    /// A bare LF (or bare CR): CR and LF MUST only occur together as CRLF (RFC 5322 §2.3, RFC 5321 §2.3.8).
    BareLf = "bare-lf", Error;
    /// A line longer than 998 octets excluding CRLF (RFC 5322 §2.1.1, RFC 2045 §2.8).
    LineTooLong = "line-too-long", Error;
    /// A header line longer than 78 characters; it SHOULD be folded (RFC 5322 §2.1.1, §2.2.3).
    HeaderLineLong = "header-line-long", Warning;
    /// Raw 8-bit bytes in a header field; allowed only as UTF-8 with SMTPUTF8 (RFC 5322 §2.2, RFC 6532 §3).
    Raw8bitHeader = "raw-8bit-header", Error;
    /// 8-bit text without a `charset` parameter, so it defaults to US-ASCII (RFC 2045 §5.2, RFC 2046 §4.1.2).
    CharsetMissing = "charset-missing", Error;
    /// The declared charset does not decode the bytes, or decodes them to implausible text (RFC 2046 §4.1.2).
    CharsetMismatch = "charset-mismatch", Error;
    /// A charset name that is not registered or not supported (RFC 2046 §4.1.2, RFC 2978).
    UnknownCharset = "unknown-charset", Error;
    /// A multi-byte character split across two encoded words; each encoded word MUST hold whole characters (RFC 2047 §5(3)).
    EncodedWordSplitChar = "encoded-word-split-char", Error;
    /// An encoded word longer than 75 characters (RFC 2047 §2).
    EncodedWordTooLong = "encoded-word-too-long", Warning;
    /// A malformed or undecodable encoded word (RFC 2047 §2, §4).
    EncodedWordInvalid = "encoded-word-invalid", Error;
    /// An encoded word inside a quoted string or a parameter value, where it MUST NOT appear (RFC 2047 §5(3)).
    EncodedWordInQuotes = "encoded-word-in-quotes", Warning;
    /// Text that was decoded with the wrong charset and re-encoded (e.g. "Ã©" for "é").
    Mojibake = "mojibake", Error;
    /// Characters outside the base64 alphabet or bad padding (RFC 2045 §6.8).
    Base64Invalid = "base64-invalid", Error;
    /// A `=` not followed by two hex digits or a line break (RFC 2045 §6.7).
    QpInvalid = "qp-invalid", Warning;
    /// A multipart body without its close delimiter `--boundary--` (RFC 2046 §5.1.1).
    MultipartUnterminated = "multipart-unterminated", Warning;
    /// A multipart without a `boundary` parameter, or whose boundary never occurs (RFC 2046 §5.1.1).
    BoundaryMissing = "boundary-missing", Error;
    /// A `cid:` reference with no part carrying that Content-ID (RFC 2392 §2, RFC 2387).
    CidMissing = "cid-missing", Error;
    /// A part in multipart/related with a Content-ID nothing refers to (RFC 2387 §3).
    CidUnused = "cid-unused", Info;
    /// HTML without a plain-text alternative (RFC 2046 §5.1.4).
    HtmlWithoutText = "html-without-text", Warning;
    /// A filename with raw 8-bit or non-ASCII characters instead of RFC 2231 encoding (RFC 2231 §4, RFC 2183 §2.3).
    FilenameUnencoded = "filename-unencoded", Warning;
    /// A file name holding bidirectional controls (U+202E and others, Unicode UAX #9 §2), which make `gnp.exe` show as `exe.png` (RFC 2183 §5: names are a security concern).
    FilenameBidi = "filename-bidi", Warning;
    /// A boundary delimiter occurs inside a part it encloses (RFC 2046 §5.1.1).
    BoundaryInPart = "boundary-in-part", Error;
    /// A Bcc field is written into the message, showing blind recipients to all (RFC 5322 §3.6.3).
    BccPresent = "bcc-present", Error;
    /// Non-ASCII octets in a header of a message not sent with SMTPUTF8 (RFC 6532 §3, RFC 5322 §2.2).
    HeaderNotAscii = "header-not-ascii", Error;
    /// Parsing stopped descending at the nesting-depth limit ([`crate::parse::ParseOptions::max_depth`]).
    DepthLimit = "depth-limit", Warning;
    /// Parsing stopped adding parts at the part-count limit ([`crate::parse::ParseOptions::max_parts`]).
    PartLimit = "part-limit", Warning;
    /// Header fields were dropped at the header limits ([`crate::parse::ParseOptions::max_header_bytes`]).
    HeaderLimit = "header-limit", Warning;
    /// The input has no header section, so it is not an RFC 5322 message (RFC 5322 §2.1, §3.5).
    NotAMessage = "not-a-message", Error;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A string that is not the name of any [`Code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown diagnostic code {0:?}")]
pub struct UnknownCode(pub String);

/// One finding about a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// What kind of finding this is.
    pub code: Code,
    /// How bad it is; [`Code::severity`] unless overridden.
    pub severity: Severity,
    /// IMAP part path (RFC 3501 §6.4.5) of the part concerned: `""` is a
    /// multipart root, `"1.2"` a nested part; `None` for the whole message.
    pub part: Option<String>,
    /// 1-based line in the raw message, when the finding has a place.
    pub line: Option<usize>,
    /// A human-readable sentence saying what is wrong.
    pub message: String,
    /// What to do about it, when there is something to say.
    pub suggestion: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity and no place.
    #[must_use]
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: code.severity(),
            part: None,
            line: None,
            message: message.into(),
            suggestion: None,
        }
    }

    /// Sets the IMAP part path.
    #[must_use]
    pub fn with_part(mut self, part: impl Into<String>) -> Self {
        self.part = Some(part.into());
        self
    }

    /// Sets the 1-based line.
    #[must_use]
    pub fn with_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets the place from optional values (convenient when both may be unknown).
    #[must_use]
    pub fn at(mut self, part: Option<&str>, line: Option<usize>) -> Self {
        self.part = part.map(str::to_owned);
        self.line = line;
        self
    }

    /// Sets the suggestion.
    #[must_use]
    pub fn with_suggestion(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(suggestion.into());
        self
    }

    /// Overrides the default severity.
    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

impl fmt::Display for Diagnostic {
    /// `error[bare-lf] part 1.2, line 12: message (suggestion)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.severity, self.code)?;
        match (&self.part, self.line) {
            (Some(part), Some(line)) => write!(f, " part {}, line {line}", display_path(part))?,
            (Some(part), None) => write!(f, " part {}", display_path(part))?,
            (None, Some(line)) => write!(f, " line {line}")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.message)?;
        if let Some(suggestion) = &self.suggestion {
            write!(f, " ({suggestion})")?;
        }
        Ok(())
    }
}

/// The multipart root's path is empty; show it as `(root)` to humans.
fn display_path(path: &str) -> &str {
    if path.is_empty() { "(root)" } else { path }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostic_json_has_the_documented_shape() {
        let d = Diagnostic::new(Code::BareLf, "bare LF")
            .with_part("1.2")
            .with_line(12);
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(
            json,
            r#"{"code":"bare-lf","severity":"error","part":"1.2","line":12,"message":"bare LF","suggestion":null}"#
        );
        let back: Diagnostic = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn every_code_round_trips_through_its_string() {
        for &code in Code::ALL {
            let s = code.as_str();
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{s} is not kebab-case"
            );
            assert_eq!(s.parse::<Code>(), Ok(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{s}\""));
        }
    }

    #[test]
    fn code_strings_are_unique() {
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n);
    }

    #[test]
    fn required_codes_exist_with_their_severities() {
        let expected = [
            ("missing-from", Severity::Error),
            ("missing-date", Severity::Error),
            ("missing-message-id", Severity::Warning),
            ("missing-mime-version", Severity::Warning),
            ("bare-lf", Severity::Error),
            ("line-too-long", Severity::Error),
            ("header-line-long", Severity::Warning),
            ("raw-8bit-header", Severity::Error),
            ("charset-missing", Severity::Error),
            ("charset-mismatch", Severity::Error),
            ("unknown-charset", Severity::Error),
            ("encoded-word-split-char", Severity::Error),
            ("encoded-word-too-long", Severity::Warning),
            ("encoded-word-invalid", Severity::Error),
            ("encoded-word-in-quotes", Severity::Warning),
            ("mojibake", Severity::Error),
            ("base64-invalid", Severity::Error),
            ("qp-invalid", Severity::Warning),
            ("multipart-unterminated", Severity::Warning),
            ("boundary-missing", Severity::Error),
            ("cid-missing", Severity::Error),
            ("cid-unused", Severity::Info),
            ("html-without-text", Severity::Warning),
            ("filename-unencoded", Severity::Warning),
            ("filename-bidi", Severity::Warning),
            ("depth-limit", Severity::Warning),
            ("part-limit", Severity::Warning),
            ("header-limit", Severity::Warning),
            ("not-a-message", Severity::Error),
            ("boundary-in-part", Severity::Error),
            ("bcc-present", Severity::Error),
            ("header-not-ascii", Severity::Error),
        ];
        for (name, severity) in expected {
            let code: Code = name.parse().unwrap();
            assert_eq!(code.severity(), severity, "{name}");
        }
        assert_eq!(Code::ALL.len(), expected.len());
    }

    #[test]
    fn unknown_code_is_rejected() {
        assert!("bare_lf".parse::<Code>().is_err());
        assert!(serde_json::from_str::<Code>("\"no-such-code\"").is_err());
    }

    #[test]
    fn severity_serializes_lowercase_and_sorts_errors_first() {
        assert_eq!(
            serde_json::to_string(&Severity::Warning).unwrap(),
            "\"warning\""
        );
        let mut v = vec![Severity::Info, Severity::Error, Severity::Warning];
        v.sort();
        assert_eq!(v, [Severity::Error, Severity::Warning, Severity::Info]);
    }

    #[test]
    fn display_names_place_and_suggestion() {
        let d = Diagnostic::new(Code::MissingDate, "no Date field")
            .with_part("")
            .with_suggestion("add a Date field");
        assert_eq!(
            d.to_string(),
            "error[missing-date] part (root): no Date field (add a Date field)"
        );
        let d = Diagnostic::new(Code::CidUnused, "x").with_line(3);
        assert_eq!(d.to_string(), "info[cid-unused] line 3: x");
    }
}
