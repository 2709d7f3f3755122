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
