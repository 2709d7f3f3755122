//! The one source of randomness: boundaries, Message-IDs and Content-IDs.
//!
//! Seeded, it is a SplitMix64 stream, so the same seed gives the same bytes
//! on every platform and across dependency upgrades (which `rand`'s `StdRng`
//! does not promise). Unseeded, it is seeded once per message from the
//! operating system (`getrandom`).

/// Alphabet of generated identifiers: letters and digits are atext
/// (RFC 5322 §3.2.3) and bchars (RFC 2046 §5.1.1).
const ALNUM: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A SplitMix64 generator (Steele, Lea, Flood 2014).
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose output is fixed by `seed`.
    pub(crate) const fn seeded(seed: u64) -> Self {
        Self { state: seed }
    }

    /// A generator seeded by the operating system. If the system source
    /// fails, the clock and the process id are mixed instead: identifiers
    /// must be unique, not secret.
    pub(crate) fn from_os() -> Self {
        let mut seed = [0u8; 8];
        if getrandom::fill(&mut seed).is_ok() {
            return Self::seeded(u64::from_le_bytes(seed));
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Self::seeded(nanos ^ (u64::from(std::process::id()) << 32))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Appends `n` characters drawn uniformly from letters and digits.
    pub(crate) fn push_alnum(&mut self, n: usize, out: &mut String) {
        let mut left = 0;
        let mut bits = 0u64;
        for _ in 0..n {
            // Rejection sampling keeps the draw uniform: 6 bits give 0..64,
            // values 62 and 63 are drawn again.
            loop {
                if left == 0 {
                    bits = self.next_u64();
                    left = 10;
                }
                let v = (bits & 63) as usize;
                bits >>= 6;
                left -= 1;
                if let Some(&c) = ALNUM.get(v) {
                    out.push(char::from(c));
                    break;
                }
            }
        }
    }
}

/// A lazily seeded generator: no system call until the first identifier is
/// actually needed.
#[derive(Debug, Clone)]
pub(crate) struct LazyRng {
    seed: Option<u64>,
    rng: Option<Rng>,
}

impl LazyRng {
    pub(crate) const fn new(seed: Option<u64>) -> Self {
        Self { seed, rng: None }
    }

    pub(crate) fn get(&mut self) -> &mut Rng {
        let seed = self.seed;
        self.rng
            .get_or_insert_with(|| seed.map_or_else(Rng::from_os, Rng::seeded))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_identifiers() {
        let (mut a, mut b) = (Rng::seeded(42), Rng::seeded(42));
        let (mut sa, mut sb) = (String::new(), String::new());
        a.push_alnum(40, &mut sa);
        b.push_alnum(40, &mut sb);
        assert_eq!(sa, sb);
        assert_eq!(sa.len(), 40);
        assert!(sa.bytes().all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn different_seeds_differ() {
        let mut sa = String::new();
        let mut sb = String::new();
        Rng::seeded(1).push_alnum(24, &mut sa);
        Rng::seeded(2).push_alnum(24, &mut sb);
        assert_ne!(sa, sb);
    }

    #[test]
    fn alnum_draw_uses_the_whole_alphabet() {
        let mut s = String::new();
        Rng::seeded(7).push_alnum(20_000, &mut s);
        for c in ALNUM {
            assert!(s.as_bytes().contains(c), "{} never drawn", char::from(*c));
        }
    }
}
