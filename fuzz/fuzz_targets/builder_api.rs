#![no_main]
//! `builder_api`: see `mimesmith_verify::fuzzing::builder_api` for the property.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) = mimesmith_verify::fuzzing::builder_api(data) {
        panic!("builder_api: {violation}");
    }
});
