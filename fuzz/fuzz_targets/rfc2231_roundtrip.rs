#![no_main]
//! `rfc2231_roundtrip`: see `mimesmith_verify::fuzzing::rfc2231_roundtrip` for the property.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) = mimesmith_verify::fuzzing::rfc2231_roundtrip(data) {
        panic!("rfc2231_roundtrip: {violation}");
    }
});
