//! Benchmarks: the same messages built by mimesmith, mail-builder and lettre.
fn main() {}
