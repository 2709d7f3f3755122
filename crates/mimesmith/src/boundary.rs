//! Multipart boundaries (RFC 2046 §5.1.1).
//!
//! Every boundary is `=_` followed by 28 letters and digits. `=_` can never
//! appear in base64 output (no `_` in its alphabet) nor in our
//! quoted-printable output (`=` is always followed by two hex digits or a
//! line break), so only parts written with an identity encoding (7bit, 8bit,
//! binary: plain text and encapsulated messages) can contain a boundary, and
//! those are searched before a boundary is accepted. All boundaries of a
//! message have the same length and differ, so none is a prefix of another.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};
use crate::random::Rng;

/// bchars after the `=_` prefix; 28 × log2(62) ≈ 166 bits.
const RANDOM_LEN: usize = 28;
/// A boundary is 1 to 70 bchars (RFC 2046 §5.1.1).
pub(crate) const MAX_BOUNDARY: usize = 70;
/// Attempts before giving up on a content that contains every candidate
/// (only possible for content built to contain the seeded sequence).
const MAX_ATTEMPTS: usize = 1000;

const _: () = assert!(2 + RANDOM_LEN <= MAX_BOUNDARY);

/// A source of candidate boundaries.
pub(crate) fn candidate(rng: &mut Rng) -> String {
    let mut b = String::with_capacity(2 + RANDOM_LEN);
    b.push_str("=_");
    rng.push_alnum(RANDOM_LEN, &mut b);
    b
}

/// Content that will be written unencoded and so must not contain a boundary.
pub(crate) enum Exposed<'x> {
    /// In memory.
    Bytes(&'x [u8]),
    /// In a file, searched by streaming it.
    File(&'x Path),
}

impl Exposed<'_> {
    fn contains(&self, needle: &[u8]) -> Result<bool> {
        match self {
            Self::Bytes(b) => Ok(memchr::memmem::find(b, needle).is_some()),
            Self::File(path) => file_contains(path, needle),
        }
    }
}

/// Streams `path` looking for `needle`, keeping only `needle.len() - 1`
/// octets between reads so a match across two reads is found.
fn file_contains(path: &Path, needle: &[u8]) -> Result<bool> {
    let file_err = |source| Error::File {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(file_err)?;
    let finder = memchr::memmem::Finder::new(needle);
    let keep = needle.len().saturating_sub(1);
    let mut buf = vec![0u8; 64 * 1024 + keep];
    let mut filled = 0;
    loop {
        let n = file
            .read(buf.get_mut(filled..).unwrap_or_default())
            .map_err(file_err)?;
        if n == 0 {
            return Ok(false);
        }
        filled += n;
        if finder.find(buf.get(..filled).unwrap_or_default()).is_some() {
            return Ok(true);
        }
        let tail = filled.saturating_sub(keep);
        buf.copy_within(tail..filled, 0);
        filled -= tail;
    }
}

/// Draws `count` distinct boundaries, none of which occurs in `exposed`.
pub(crate) fn choose(rng: &mut Rng, count: usize, exposed: &[Exposed<'_>]) -> Result<Vec<String>> {
    let mut chosen: Vec<String> = Vec::with_capacity(count);
    let mut attempts = 0;
    while chosen.len() < count {
        attempts += 1;
        if attempts > MAX_ATTEMPTS + count {
            return Err(Error::InvalidHeaderValue {
                field: "Content-Type boundary".into(),
                reason: "no boundary absent from the content was found".into(),
            });
        }
        let b = candidate(rng);
        if chosen.contains(&b) {
            continue;
        }
        let mut clash = false;
        for e in exposed {
            if e.contains(b.as_bytes())? {
                clash = true;
                break;
            }
        }
        if !clash {
            chosen.push(b);
        }
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_are_bchars_and_short_enough() {
        let b = candidate(&mut Rng::seeded(1));
        assert!(b.len() <= MAX_BOUNDARY);
        assert!(b.starts_with("=_"));
        assert!(
            b.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'=' || c == b'_')
        );
    }

    #[test]
    fn a_boundary_found_in_the_content_is_drawn_again() {
        // The content holds exactly the first candidate the seed draws.
        let first = candidate(&mut Rng::seeded(5));
        let content = format!("text\r\n--{first}\r\nmore");
        let exposed = [Exposed::Bytes(content.as_bytes())];
        let chosen = choose(&mut Rng::seeded(5), 2, &exposed).unwrap();
        assert!(!chosen.contains(&first));
        assert_ne!(chosen[0], chosen[1]);
        for b in &chosen {
            assert!(!content.contains(b.as_str()));
        }
    }

    #[test]
    fn files_are_searched_across_read_boundaries() {
        let first = candidate(&mut Rng::seeded(8));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.eml");
        let mut content = vec![b'x'; 64 * 1024 - 5];
        content.extend_from_slice(first.as_bytes());
        std::fs::write(&path, &content).unwrap();
        assert!(file_contains(&path, first.as_bytes()).unwrap());
        let chosen = choose(&mut Rng::seeded(8), 1, &[Exposed::File(&path)]).unwrap();
        assert_ne!(chosen[0], first);
    }
}
