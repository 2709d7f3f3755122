//! Streaming MIME base64 (RFC 2045 §6.8): 76-character lines ended by CRLF.
//!
//! TODO(encoders helper): implement.
