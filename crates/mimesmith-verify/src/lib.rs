#![forbid(unsafe_code)]
// Library code never indexes with `[]` (it would panic on hostile input); tests may.
#![deny(clippy::indexing_slicing)]
//! mimesmith-verify: parse any message through an independent parser, check
//! the byte-level invariants, lint, and compare a build with its expectation.
//!
//! This layer:
//! - [`mod@parse`]: our view of a parsed message over mail-parser 0.11, bounded,
//!   never panicking, with IMAP part paths and line numbers;
//! - [`charset`]: detection (chardetng + encoding_rs), declared-charset checks
//!   and mojibake repair;
//! - [`diag`]: the [`Diagnostic`] every check reports.
//!
//! ```
//! use mimesmith_verify::parse;
//!
//! let msg = parse(b"From: a@example.com\r\nSubject: =?utf-8?B?5Lit5paH?=\r\n\r\nhello\r\n");
//! assert_eq!(msg.subject(), Some("中文"));
//! assert_eq!(msg.root.path, "1");
//! assert_eq!(msg.root.content_type, "text/plain");
//! assert!(msg.diagnostics.is_empty());
//! ```

pub mod charset;
pub mod diag;
pub mod parse;

pub use diag::{Code, Diagnostic, Severity};
pub use parse::{ParseOptions, ParsedMessage, Part, parse, parse_with};
