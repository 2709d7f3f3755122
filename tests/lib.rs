#![forbid(unsafe_code)]
//! Shared helpers for the cross-crate tests in this folder.
