//! Content transfer encodings (RFC 2045 §6): a body is measured once, an
//! encoding is chosen from the measurement, and only then encoded.
//!
//! The encoders in this module append to a `Vec<u8>`; the message writer
//! (`crate::write`) flushes that vector to an `io::Write` between chunks, so
//! a body of any size streams through a bounded buffer.

pub mod base64;
pub(crate) mod charset;
pub(crate) mod crlf;
pub mod measure;
pub mod qp;

pub use measure::Measure;

/// A `Content-Transfer-Encoding` value (RFC 2045 §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub enum TransferEncoding {
    /// Short lines of US-ASCII, no NUL (RFC 2045 §2.7).
    SevenBit,
    /// Short lines that may contain octets above 127, no NUL (RFC 2045 §2.8).
    EightBit,
    /// Any octets, lines of any length (RFC 2045 §2.9; needs BINARYMIME to travel over SMTP).
    Binary,
    /// Quoted-printable (RFC 2045 §6.7).
    QuotedPrintable,
    /// Base64 (RFC 2045 §6.8).
    Base64,
}

impl TransferEncoding {
    /// The token written in the `Content-Transfer-Encoding` field.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SevenBit => "7bit",
            Self::EightBit => "8bit",
            Self::Binary => "binary",
            Self::QuotedPrintable => "quoted-printable",
            Self::Base64 => "base64",
        }
    }

    /// True for the identity encodings (7bit, 8bit, binary), which write the
    /// content as it is (RFC 2045 §6.2).
    #[must_use]
    pub const fn is_identity(self) -> bool {
        matches!(self, Self::SevenBit | Self::EightBit | Self::Binary)
    }
}

impl std::fmt::Display for TransferEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a body is, which decides how its encoding is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// Text whose line endings are normalised to CRLF.
    Text,
    /// Bytes written unchanged.
    Binary,
    /// An encapsulated message (identity encodings only).
    Message,
}

/// TEMPORARY stub; replaced by the encoders branch.
pub fn choose(m: &Measure, kind: BodyKind) -> TransferEncoding {
    match kind {
        BodyKind::Text if m.eight_bit() == 0 && m.nul() == 0 && m.max_line() <= 78 => TransferEncoding::SevenBit,
        BodyKind::Text if m.qp_len(qp::QpMode::Text) <= base64::Base64Encoder::encoded_len(m.normalized_len()) => TransferEncoding::QuotedPrintable,
        BodyKind::Text => TransferEncoding::Base64,
        BodyKind::Binary if m.eight_bit() == 0 && m.nul() == 0 && m.bare_lf() == 0 && m.bare_cr() == 0 && m.max_line() <= 78 => TransferEncoding::SevenBit,
        BodyKind::Binary => TransferEncoding::Base64,
        BodyKind::Message if m.nul() == 0 && m.max_line() <= 998 => if m.eight_bit() == 0 { TransferEncoding::SevenBit } else { TransferEncoding::EightBit },
        BodyKind::Message => TransferEncoding::Binary,
    }
}

/// Why a forced encoding cannot carry a body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ForcedEncodingError(pub String);

/// TEMPORARY stub; replaced by the encoders branch.
pub fn check_forced(m: &Measure, kind: BodyKind, forced: TransferEncoding) -> Result<(), ForcedEncodingError> {
    let unchanged = kind != BodyKind::Text;
    let e = |s: String| Err(ForcedEncodingError(s));
    match forced {
        TransferEncoding::SevenBit | TransferEncoding::EightBit => {
            if forced == TransferEncoding::SevenBit && m.eight_bit() > 0 { return e(format!("7bit cannot carry {} octets above 127", m.eight_bit())); }
            if m.nul() > 0 { return e("NUL octets".into()); }
            if m.max_line() > 998 { return e("a line longer than 998 octets".into()); }
            if unchanged && (m.bare_lf() > 0 || m.bare_cr() > 0) { return e("bare CR or LF".into()); }
            Ok(())
        }
        TransferEncoding::Binary => Ok(()),
        _ if kind == BodyKind::Message => e("an encapsulated message is never base64 or quoted-printable (RFC 2046 §5.2.1)".into()),
        _ => Ok(()),
    }
}
