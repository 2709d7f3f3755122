//! Line-ending normalisation to CRLF for text bodies (RFC 2046 §4.1.1).
//!
//! TODO(encoders helper): implement.
