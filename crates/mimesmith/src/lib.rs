#![forbid(unsafe_code)]
//! mimesmith: builds RFC 5322 / MIME messages that every mail client reads correctly.

pub mod encode;
