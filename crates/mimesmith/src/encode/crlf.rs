//! TEMPORARY naive stub; replaced by the encoders branch.
#[derive(Debug, Default)]
pub(crate) struct CrlfNormalizer { cr: bool }
impl CrlfNormalizer {
    pub(crate) fn new() -> Self { Self::default() }
    pub(crate) fn update(&mut self, input: &[u8], out: &mut Vec<u8>) {
        for &b in input {
            match b { b'\n' => { out.extend_from_slice(b"\r\n"); } b'\r' => { if self.cr { out.extend_from_slice(b"\r\n"); } } _ => { if self.cr { out.extend_from_slice(b"\r\n"); } out.push(b); } }
            self.cr = b == b'\r';
        }
    }
    pub(crate) fn finish(&mut self, out: &mut Vec<u8>) { if self.cr { out.extend_from_slice(b"\r\n"); self.cr = false; } }
}
