#![no_main]
//! `parse_no_panic`: see `mimesmith_verify::fuzzing::parse_no_panic` for the property; the bounce reader
//! (`mimesmith_verify::bounce`) reads the same bytes.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) = mimesmith_verify::fuzzing::parse_no_panic(data) {
        panic!("parse_no_panic: {violation}");
    }
    let _ = mimesmith_verify::bounce::read_bytes(data);
});
