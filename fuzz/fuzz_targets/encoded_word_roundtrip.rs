#![no_main]
//! `encoded_word_roundtrip`: see `mimesmith_verify::fuzzing::encoded_word_roundtrip` for the property.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) = mimesmith_verify::fuzzing::encoded_word_roundtrip(data) {
        panic!("encoded_word_roundtrip: {violation}");
    }
});
