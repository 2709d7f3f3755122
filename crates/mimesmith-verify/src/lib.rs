#![forbid(unsafe_code)]
//! mimesmith-verify: parse any message through an independent parser
//! (mail-parser), check the byte-level invariants every mimesmith output
//! holds, lint other people's mail, and compare a build with what it was
//! asked to produce.

pub mod diag;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod invariants;
pub mod model;
pub mod parse;
pub mod roundtrip;
#[cfg(feature = "strategies")]
pub mod strategy;
