#![no_main]
//! `build_roundtrip`: see `mimesmith_verify::fuzzing::build_roundtrip` for the property.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) = mimesmith_verify::fuzzing::build_roundtrip(data) {
        panic!("build_roundtrip: {violation}");
    }
});
