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

pub use base64::Base64Encoder;
pub use measure::Measure;
pub use qp::{QpEncoder, QpMode};

/// Lines SHOULD be at most 78 characters, CRLF excluded (RFC 5322 §2.1.1):
/// the identity encodings are chosen only for bodies whose lines keep to it.
pub const SHORT_LINE: u64 = 78;

/// Lines MUST be at most 998 characters, CRLF excluded (RFC 5322 §2.1.1,
/// RFC 2045 §2.7–2.8 for 7bit and 8bit data).
pub const MAX_LINE: u64 = 998;

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

    /// The whole `Content-Transfer-Encoding` line, CRLF included.
    pub(crate) const fn header_line(self) -> &'static [u8] {
        match self {
            Self::SevenBit => b"Content-Transfer-Encoding: 7bit\r\n",
            Self::EightBit => b"Content-Transfer-Encoding: 8bit\r\n",
            Self::Binary => b"Content-Transfer-Encoding: binary\r\n",
            Self::QuotedPrintable => b"Content-Transfer-Encoding: quoted-printable\r\n",
            Self::Base64 => b"Content-Transfer-Encoding: base64\r\n",
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

/// What a body is, which decides how it may be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum BodyKind {
    /// `text/*`: the writer makes its line endings CRLF (RFC 2046 §4.1.1).
    Text,
    /// Anything else that is not a message: written octet for octet.
    Binary,
    /// `message/rfc822` (and `message/global`) content: its line endings are
    /// made CRLF, and it may only be 7bit, 8bit or binary (RFC 2046 §5.2.1).
    Message,
}

/// The encoding to write a body of `kind` with, from its measurement.
///
/// - `Text`: 7bit when it has no octet above 127, no NUL and lines of at
///   most [`SHORT_LINE`] octets; otherwise quoted-printable when that is not
///   longer than base64 of the CRLF-normalised text, else base64.
/// - `Binary`: 7bit when it is short lines of US-ASCII without NUL whose line
///   breaks are all CRLF (it is written unchanged); otherwise base64.
/// - `Message`: 7bit, or 8bit when it has octets above 127, as long as it
///   has no NUL and lines of at most [`MAX_LINE`] octets; otherwise binary
///   (RFC 2046 §5.2.1 forbids quoted-printable and base64 here).
///
/// Quoted-printable is compared through [`Measure::qp_len_bound`], so a text
/// whose two encodings are within a few percent may get base64.
#[must_use]
pub fn choose(m: &Measure, kind: BodyKind) -> TransferEncoding {
    let ascii = m.eight_bit() == 0 && m.nul() == 0;
    match kind {
        BodyKind::Text => {
            if ascii && m.max_line() <= SHORT_LINE {
                TransferEncoding::SevenBit
            } else if m.qp_len_bound(QpMode::Text) <= Base64Encoder::encoded_len(m.normalized_len())
            {
                TransferEncoding::QuotedPrintable
            } else {
                TransferEncoding::Base64
            }
        }
        BodyKind::Binary => {
            if ascii && m.bare_cr() == 0 && m.bare_lf() == 0 && m.max_line() <= SHORT_LINE {
                TransferEncoding::SevenBit
            } else {
                TransferEncoding::Base64
            }
        }
        BodyKind::Message => {
            if m.nul() > 0 || m.max_line() > MAX_LINE {
                TransferEncoding::Binary
            } else if m.eight_bit() > 0 {
                TransferEncoding::EightBit
            } else {
                TransferEncoding::SevenBit
            }
        }
    }
}

/// Why a body cannot be written with the encoding a caller forced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ForcedEncodingError {
    /// 7bit data is US-ASCII (RFC 2045 §2.7).
    #[error("{encoding} cannot carry {count} octets above 127 (RFC 2045 §2.7)")]
    EightBit {
        /// The forced encoding.
        encoding: TransferEncoding,
        /// Octets >= 0x80 in the body.
        count: u64,
    },
    /// 7bit and 8bit data have no NUL (RFC 2045 §2.7, §2.8).
    #[error("{encoding} cannot carry {count} NUL octets (RFC 2045 §2.7, §2.8)")]
    Nul {
        /// The forced encoding.
        encoding: TransferEncoding,
        /// NUL octets in the body.
        count: u64,
    },
    /// 7bit and 8bit lines are at most 998 octets (RFC 5322 §2.1.1, RFC 2045 §2.7, §2.8).
    #[error(
        "{encoding} allows lines of at most 998 octets, the longest has {longest} (RFC 5322 §2.1.1)"
    )]
    LongLine {
        /// The forced encoding.
        encoding: TransferEncoding,
        /// The longest line of the body, in octets.
        longest: u64,
    },
    /// A body written unchanged as 7bit or 8bit may only break lines with
    /// CRLF (RFC 2045 §2.7, §2.8; RFC 5322 §2.3).
    #[error(
        "{encoding} data breaks lines only with CRLF, the body has {bare_lf} bare LF and {bare_cr} bare CR (RFC 2045 §2.7)"
    )]
    BareLineBreak {
        /// The forced encoding.
        encoding: TransferEncoding,
        /// LF not preceded by CR.
        bare_lf: u64,
        /// CR not followed by LF.
        bare_cr: u64,
    },
    /// A `message/rfc822` body is only 7bit, 8bit or binary (RFC 2046 §5.2.1).
    #[error("a message/rfc822 body cannot be {encoding} (RFC 2046 §5.2.1)")]
    NotForMessage {
        /// The forced encoding.
        encoding: TransferEncoding,
    },
}

/// Checks that a body of `kind` measured as `m` can be written as `forced`.
///
/// 7bit needs no octet above 127; 7bit and 8bit need no NUL and lines of at
/// most [`MAX_LINE`] octets, and for a `Binary` body, which is written
/// unchanged, no bare CR or LF. Binary carries anything. Quoted-printable
/// and base64 carry anything but a message (RFC 2046 §5.2.1).
///
/// # Errors
///
/// The first rule the body breaks, in the order above.
pub fn check_forced(
    m: &Measure,
    kind: BodyKind,
    forced: TransferEncoding,
) -> Result<(), ForcedEncodingError> {
    match forced {
        TransferEncoding::SevenBit | TransferEncoding::EightBit => {
            if forced == TransferEncoding::SevenBit && m.eight_bit() > 0 {
                return Err(ForcedEncodingError::EightBit {
                    encoding: forced,
                    count: m.eight_bit(),
                });
            }
            if m.nul() > 0 {
                return Err(ForcedEncodingError::Nul {
                    encoding: forced,
                    count: m.nul(),
                });
            }
            if m.max_line() > MAX_LINE {
                return Err(ForcedEncodingError::LongLine {
                    encoding: forced,
                    longest: m.max_line(),
                });
            }
            if kind == BodyKind::Binary && (m.bare_lf() > 0 || m.bare_cr() > 0) {
                return Err(ForcedEncodingError::BareLineBreak {
                    encoding: forced,
                    bare_lf: m.bare_lf(),
                    bare_cr: m.bare_cr(),
                });
            }
            Ok(())
        }
        TransferEncoding::Binary => Ok(()),
        TransferEncoding::QuotedPrintable | TransferEncoding::Base64 => {
            if kind == BodyKind::Message {
                Err(ForcedEncodingError::NotForMessage { encoding: forced })
            } else {
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{BodyKind, ForcedEncodingError, Measure, TransferEncoding, check_forced, choose};

    fn pick(body: &[u8], kind: BodyKind) -> TransferEncoding {
        choose(&Measure::of(body), kind)
    }

    #[test]
    fn header_lines_spell_the_tokens() {
        use TransferEncoding::*;
        for e in [SevenBit, EightBit, Binary, QuotedPrintable, Base64] {
            assert_eq!(
                e.header_line(),
                format!("Content-Transfer-Encoding: {}\r\n", e.as_str()).as_bytes()
            );
        }
    }

    #[test]
    fn choose_short_ascii_text_is_7bit() {
        assert_eq!(
            pick(b"Hello\nworld\n", BodyKind::Text),
            TransferEncoding::SevenBit
        );
        assert_eq!(
            pick(&[b'x'; 78], BodyKind::Text),
            TransferEncoding::SevenBit
        );
    }

    #[test]
    fn choose_text_with_a_line_over_78_is_quoted_printable() {
        assert_eq!(
            pick(&[b'x'; 79], BodyKind::Text),
            TransferEncoding::QuotedPrintable
        );
    }

    #[test]
    fn choose_mostly_ascii_text_with_accents_is_quoted_printable() {
        let body = "The café on the corner serves a fine crème brûlée every afternoon. ".repeat(20);
        assert_eq!(
            pick(body.as_bytes(), BodyKind::Text),
            TransferEncoding::QuotedPrintable
        );
    }

    #[test]
    fn choose_accent_dense_text_is_base64() {
        // 25 octets, 4 of them 2-octet letters: 41 QP characters against 34 of base64
        let body = "Voilà, l'été est là. ".repeat(20);
        assert_eq!(
            pick(body.as_bytes(), BodyKind::Text),
            TransferEncoding::Base64
        );
    }

    #[test]
    fn choose_non_latin_text_is_base64() {
        let body = "这是一封测试邮件，用于衡量构建大型消息的速度。".repeat(10);
        assert_eq!(
            pick(body.as_bytes(), BodyKind::Text),
            TransferEncoding::Base64
        );
    }

    #[test]
    fn choose_binary_is_7bit_only_for_short_crlf_ascii_lines() {
        assert_eq!(
            pick(b"a,b\r\n1,2\r\n", BodyKind::Binary),
            TransferEncoding::SevenBit
        );
        assert_eq!(
            pick(b"a,b\n1,2\n", BodyKind::Binary),
            TransferEncoding::Base64
        );
        assert_eq!(pick(b"a\rb", BodyKind::Binary), TransferEncoding::Base64);
        assert_eq!(pick(b"\x89PNG", BodyKind::Binary), TransferEncoding::Base64);
        assert_eq!(
            pick(&[b'x'; 79], BodyKind::Binary),
            TransferEncoding::Base64
        );
    }

    #[test]
    fn choose_message_is_never_quoted_printable_or_base64() {
        assert_eq!(
            pick(b"Subject: a\r\n\r\nb\r\n", BodyKind::Message),
            TransferEncoding::SevenBit
        );
        assert_eq!(
            pick(&[b'x'; 998], BodyKind::Message),
            TransferEncoding::SevenBit
        );
        assert_eq!(
            pick("Subject: é\r\n".as_bytes(), BodyKind::Message),
            TransferEncoding::EightBit
        );
        assert_eq!(
            pick(&[b'x'; 999], BodyKind::Message),
            TransferEncoding::Binary
        );
        assert_eq!(pick(b"a\0b", BodyKind::Message), TransferEncoding::Binary);
    }

    #[test]
    fn check_forced_7bit_rejects_eight_bit_octets_and_says_how_many() {
        let m = Measure::of("ééé".as_bytes());
        let err = check_forced(&m, BodyKind::Text, TransferEncoding::SevenBit).unwrap_err();
        assert_eq!(
            err,
            ForcedEncodingError::EightBit {
                encoding: TransferEncoding::SevenBit,
                count: 6
            }
        );
        assert!(
            err.to_string()
                .starts_with("7bit cannot carry 6 octets above 127")
        );
        assert_eq!(
            check_forced(&m, BodyKind::Text, TransferEncoding::EightBit),
            Ok(())
        );
    }

    #[test]
    fn check_forced_identity_encodings_reject_nul_and_long_lines() {
        let nul = Measure::of(b"a\0");
        assert!(matches!(
            check_forced(&nul, BodyKind::Text, TransferEncoding::EightBit),
            Err(ForcedEncodingError::Nul { count: 1, .. })
        ));
        let long = Measure::of(&[b'x'; 999]);
        assert!(matches!(
            check_forced(&long, BodyKind::Message, TransferEncoding::SevenBit),
            Err(ForcedEncodingError::LongLine { longest: 999, .. })
        ));
        assert_eq!(
            check_forced(&long, BodyKind::Message, TransferEncoding::Binary),
            Ok(())
        );
    }

    #[test]
    fn check_forced_bare_line_breaks_matter_only_for_binary_bodies() {
        let m = Measure::of(b"a\nb\r");
        assert_eq!(
            check_forced(&m, BodyKind::Text, TransferEncoding::SevenBit),
            Ok(())
        );
        assert_eq!(
            check_forced(&m, BodyKind::Binary, TransferEncoding::SevenBit),
            Err(ForcedEncodingError::BareLineBreak {
                encoding: TransferEncoding::SevenBit,
                bare_lf: 1,
                bare_cr: 1
            })
        );
    }

    #[test]
    fn check_forced_message_rejects_quoted_printable_and_base64() {
        let m = Measure::of(b"Subject: a\r\n\r\nb\r\n");
        for encoding in [TransferEncoding::QuotedPrintable, TransferEncoding::Base64] {
            assert_eq!(
                check_forced(&m, BodyKind::Message, encoding),
                Err(ForcedEncodingError::NotForMessage { encoding })
            );
            assert_eq!(check_forced(&m, BodyKind::Binary, encoding), Ok(()));
        }
    }
}
