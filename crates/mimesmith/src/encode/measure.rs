//! One pass over a body that gathers everything the transfer-encoding choice
//! needs (RFC 2045 §2.7–2.9, §6). Streamable: `update` may be called with
//! chunks of any size, split anywhere (a CRLF split across two chunks counts
//! as one CRLF).
//!
//! TODO(encoders helper): implement.
