//! Streaming quoted-printable (RFC 2045 §6.7).
//!
//! TODO(encoders helper): implement.
