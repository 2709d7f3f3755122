#![forbid(unsafe_code)]
//! mimesmith-verify: parse any message through an independent parser, check
//! the byte-level invariants, lint, and compare a build with its expectation.

pub mod charset;
pub mod diag;
