#![no_main]
//! `transfer_roundtrip`: see `mimesmith_verify::fuzzing::transfer_roundtrip` for the property.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) = mimesmith_verify::fuzzing::transfer_roundtrip(data) {
        panic!("transfer_roundtrip: {violation}");
    }
});
