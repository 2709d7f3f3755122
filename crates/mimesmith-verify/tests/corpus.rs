#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "test code")]
//! Every message of the shared corpus (real mail written by other software)
//! goes through `parse` without a panic, and the test reads them all.

use std::path::PathBuf;

use mimesmith_verify::parse::parse;

/// `<repo>/../shared/corpus`.
fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// The files listed in MANIFEST.tsv.
fn manifest() -> Vec<PathBuf> {
    let text = std::fs::read_to_string(corpus().join("MANIFEST.tsv"))
        .unwrap_or_else(|e| panic!("the shared corpus is needed at {}: {e}", corpus().display()));
    text.lines().skip(1).filter_map(|l| l.split('\t').next()).filter(|p| !p.is_empty()).map(|p| corpus().join(p)).collect()
}

/// An mbox file split at its `From ` lines; anything else is one message.
fn messages(path: &std::path::Path, bytes: &[u8]) -> Vec<Vec<u8>> {
    if path.extension().is_none_or(|e| e != "mbox") {
        return vec![bytes.to_vec()];
    }
    let mut out: Vec<Vec<u8>> = Vec::new();
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let l = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        if l.starts_with(b"From ") {
            out.push(Vec::new());
            continue;
        }
        match out.last_mut() {
            Some(m) => m.extend_from_slice(line),
            None => out.push(line.to_vec()),
        }
    }
    out
}

#[test]
fn every_corpus_message_parses_without_panic() {
    let files = manifest();
    assert!(files.len() >= 399, "MANIFEST lists {} files", files.len());
    let mut read = 0;
    let mut messages_read = 0;
    let mut with_parts = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for m in messages(path, &bytes) {
            let parsed = parse(&m);
            messages_read += 1;
            if parsed.parts().len() > 1 {
                with_parts += 1;
            }
        }
        read += 1;
    }
    assert_eq!(read, files.len());
    assert!(messages_read > read, "mbox files hold several messages: {messages_read} from {read} files");
    assert!(with_parts > 200, "only {with_parts} multipart messages");
}

#[test]
fn known_corpus_messages_read_as_expected() {
    let read = |p: &str| parse(&std::fs::read(corpus().join(p)).unwrap());
    // A Chinese subject in GBK encoded words.
    let m = read("letters/test_chinese_plaintext_gbk_over_base64.eml");
    assert!(m.subject().is_some_and(|s| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))), "{:?}", m.subject());
    // A deeply nested message is read, bounded.
    let m = read("horde-mime/deeply_nested.eml");
    assert!(m.parts().len() > 5);
}
