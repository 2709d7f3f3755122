//! TEMPORARY naive stub; replaced by the encoders branch.
#![allow(missing_docs)]
const LINE_IN: usize = 57;
#[derive(Debug, Default)]
pub struct Base64Encoder { pending: Vec<u8> }
impl Base64Encoder {
    pub fn new() -> Self { Self::default() }
    pub fn update(&mut self, input: &[u8], out: &mut Vec<u8>) {
        self.pending.extend_from_slice(input);
        let whole = self.pending.len() / LINE_IN * LINE_IN;
        let rest = self.pending.split_off(whole);
        for line in self.pending.chunks(LINE_IN) { encodify::base64::STANDARD.encode_append(line, out); out.extend_from_slice(b"\r\n"); }
        self.pending = rest;
    }
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if !self.pending.is_empty() { encodify::base64::STANDARD.encode_append(&self.pending, out); out.extend_from_slice(b"\r\n"); self.pending.clear(); }
    }
    pub const fn encoded_len(n: u64) -> u64 { let lines = n.div_ceil(57); n.div_ceil(3) * 4 + lines * 2 }
}
