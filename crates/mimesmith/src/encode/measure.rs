//! TEMPORARY naive stub; replaced by the encoders branch.
#![allow(missing_docs, clippy::all)]
use super::qp::QpMode;
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Measure { data_len: u64, eight: u64, nul: u64, ctl: u64, blf: u64, bcr: u64, maxl: u64, cur: u64, prev_cr: bool, qp_t: u64, qp_b: u64 }
impl Measure {
    pub fn new() -> Self { Self::default() }
    pub fn of(b: &[u8]) -> Self { let mut m = Self::new(); m.update(b); m }
    pub fn update(&mut self, chunk: &[u8]) {
        for &b in chunk {
            self.data_len += 1;
            if b >= 0x80 { self.eight += 1 }
            if b == 0 { self.nul += 1 }
            if (b < 0x20 && b != 0 && b != b'\t' && b != b'\r' && b != b'\n') || b == 0x7f { self.ctl += 1 }
            let lit = (33..=126).contains(&b) && b != b'=' || b == b' ' || b == b'\t';
            self.qp_b += if lit { 1 } else { 3 };
            self.qp_t += if lit || b == b'\n' || b == b'\r' { 2 } else { 3 };
            if self.prev_cr && b != b'\n' { self.bcr += 1; self.maxl = self.maxl.max(self.cur); self.cur = 0; }
            match b { b'\n' => { if !self.prev_cr { self.blf += 1 } self.maxl = self.maxl.max(self.cur); self.cur = 0; } b'\r' => {} _ => self.cur += 1 }
            self.prev_cr = b == b'\r';
        }
        self.maxl = self.maxl.max(self.cur);
    }
    pub fn len(&self) -> u64 { self.data_len }
    pub fn is_empty(&self) -> bool { self.data_len == 0 }
    pub fn eight_bit(&self) -> u64 { self.eight }
    pub fn nul(&self) -> u64 { self.nul }
    pub fn controls(&self) -> u64 { self.ctl }
    pub fn bare_lf(&self) -> u64 { self.blf }
    pub fn bare_cr(&self) -> u64 { self.bcr + u64::from(self.prev_cr) }
    pub fn max_line(&self) -> u64 { self.maxl }
    pub fn normalized_len(&self) -> u64 { self.data_len + self.bare_lf() + self.bare_cr() }
    pub fn qp_len(&self, mode: QpMode) -> u64 { let b = match mode { QpMode::Text => self.qp_t, QpMode::Binary => self.qp_b }; b + b / 25 * 3 + 8 }
}
