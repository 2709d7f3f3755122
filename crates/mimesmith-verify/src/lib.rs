#![forbid(unsafe_code)]
// Library code never indexes with `[]` (it would panic on hostile input); tests may.
#![deny(clippy::indexing_slicing)]
//! mimesmith-verify: parse any message through an independent parser
//! (mail-parser), check the byte-level invariants every mimesmith output
//! holds, lint other people's mail, and compare a build with what it was
//! asked to produce.
//!
//! - [`mod@parse`]: our view of a parsed message over mail-parser 0.11, bounded,
//!   never panicking, with IMAP part paths and line numbers;
//! - [`charset`]: detection (chardetng + encoding_rs), declared-charset checks
//!   and mojibake repair;
//! - [`diag`]: the [`Diagnostic`] every check reports;
//! - [`display`]: which characters must be escaped when untrusted text is shown;
//! - [`invariants`]: the byte-level rules of mimesmith's output;
//! - [`lint`]: the rules for anyone's mail (what `eml lint` reports), and
//!   [`html`] to show HTML as text;
//! - [`model`] and [`roundtrip`]: what a spec asks for, against what is read;
//! - `strategy` (feature `strategies`): proptest strategies for the builder's inputs;
//! - `fuzzing` (feature `fuzzing`): the properties the fuzz targets check.
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

pub mod bounce;
pub mod charset;
pub mod diag;
pub mod display;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod html;
pub mod invariants;
pub mod lint;
pub mod model;
pub mod parse;
pub mod roundtrip;
#[cfg(feature = "strategies")]
pub mod strategy;

pub use diag::{Code, Diagnostic, Severity};
pub use parse::{ParseOptions, ParsedMessage, Part, parse, parse_with};
