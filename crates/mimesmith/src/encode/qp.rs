//! TEMPORARY naive stub; replaced by the encoders branch.
#![allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QpMode { Text, Binary }
#[derive(Debug)]
pub struct QpEncoder { mode: QpMode, buf: Vec<u8> }
impl QpEncoder {
    pub fn new(mode: QpMode) -> Self { Self { mode, buf: Vec::new() } }
    pub fn update(&mut self, input: &[u8], _out: &mut Vec<u8>) { self.buf.extend_from_slice(input); }
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        let s = match self.mode { QpMode::Text => encodify::qp::BODY.encode(&self.buf), QpMode::Binary => encodify::qp::BINARY.encode(&self.buf) };
        out.extend_from_slice(s.as_bytes());
    }
}
