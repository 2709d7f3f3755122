//! Every message of the shared corpus (`<repo>/../shared/corpus`, see its
//! README) goes through `parse` without panicking, and a few known files are
//! checked for what they are known to contain.

// Test code: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mimesmith_verify::charset::{CharsetIssue, MojibakeRepair};
use mimesmith_verify::parse::{ParsedMessage, TransferFault};
use mimesmith_verify::{Code, ParseOptions, parse, parse_with};

fn corpus_dir() -> PathBuf {
    // crates/mimesmith-verify → repository root → its sibling `shared/corpus`.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// The `path` column of MANIFEST.tsv (header line skipped).
fn manifest() -> Vec<String> {
    let text = fs::read_to_string(corpus_dir().join("MANIFEST.tsv")).expect("read MANIFEST.tsv");
    let mut lines = text.lines();
    assert!(
        lines.next().is_some_and(|h| h.starts_with("path\t")),
        "MANIFEST.tsv header"
    );
    lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split('\t').next().unwrap().to_owned())
        .collect()
}

/// Every message file under the corpus directory (`<source>/<file>`), found
/// by walking it rather than by reading the manifest.
fn files_on_disk() -> Vec<String> {
    let mut found = Vec::new();
    for source in fs::read_dir(corpus_dir()).expect("read corpus dir") {
        let source = source.unwrap().path();
        if !source.is_dir() {
            continue;
        }
        for file in fs::read_dir(&source).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "eml" || e == "mbox") {
                let rel = file.strip_prefix(corpus_dir()).unwrap();
                found.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}

fn read(path: &str) -> Vec<u8> {
    fs::read(corpus_dir().join(path)).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

/// Splits an mbox (RFC 4155) into messages at lines starting with `From `.
fn split_mbox(bytes: &[u8]) -> Vec<&[u8]> {
    let mut starts = vec![0];
    for (i, window) in bytes.windows(6).enumerate() {
        if window == b"\nFrom " {
            starts.push(i + 1);
        }
    }
    starts.push(bytes.len());
    starts
        .windows(2)
        .map(|w| &bytes[w[0]..w[1]])
        .filter(|m| !m.iter().all(u8::is_ascii_whitespace))
        .collect()
}

fn messages(path: &str, bytes: &[u8]) -> Vec<Vec<u8>> {
    if path.ends_with(".mbox") {
        split_mbox(bytes).into_iter().map(<[u8]>::to_vec).collect()
    } else {
        vec![bytes.to_vec()]
    }
}

fn parse_file(path: &str) -> ParsedMessage {
    parse(&read(path))
}

#[derive(Default, Debug)]
struct Stats {
    files: usize,
    messages: usize,
    parts: usize,
    charset_reports: usize,
    mojibake_repairs: usize,
    transfer_errors: usize,
    by_code: BTreeMap<&'static str, usize>,
}

#[test]
fn every_corpus_message_parses_without_panic() {
    let paths = manifest();
    assert_eq!(paths.len(), 399, "MANIFEST.tsv lists 399 files");
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(
        files_on_disk(),
        sorted,
        "the files on disk are the files in MANIFEST.tsv"
    );
    let mut stats = Stats::default();
    let start = Instant::now();
    for path in &paths {
        let bytes = read(path);
        stats.files += 1;
        for message in messages(path, &bytes) {
            let parsed = parse(&message);
            stats.messages += 1;
            stats.parts += parsed.part_count;
            assert_eq!(parsed.parts().count(), parsed.part_count, "{path}");
            assert_eq!(parsed.size, message.len());
            for d in &parsed.diagnostics {
                *stats.by_code.entry(d.code.as_str()).or_default() += 1;
            }
            for part in parsed.parts() {
                if let Some(report) = &part.charset_report {
                    stats.charset_reports += 1;
                    stats.mojibake_repairs += usize::from(report.mojibake.is_some());
                    for code in report.codes() {
                        *stats.by_code.entry(code.as_str()).or_default() += 1;
                    }
                }
                stats.transfer_errors += usize::from(part.transfer_error.is_some());
                if part.content_type.starts_with("text/") && part.children.is_empty() {
                    assert!(
                        part.text.is_some(),
                        "{path} part {:?} has no text",
                        part.path
                    );
                }
            }
        }
    }
    let elapsed = start.elapsed();
    eprintln!("corpus: {stats:#?}\nparsed in {elapsed:?}");
    assert_eq!(stats.files, paths.len());
    assert!(
        stats.messages > stats.files,
        "the .mbox files hold several messages each"
    );
    assert!(stats.charset_reports > 0 && stats.mojibake_repairs > 0);
    assert!(elapsed < Duration::from_secs(60), "corpus took {elapsed:?}");
}

#[test]
fn truncated_and_line_ending_variants_of_the_corpus_parse_too() {
    for path in manifest() {
        let bytes = read(&path);
        for cut in [
            bytes.len() / 3,
            bytes.len() / 2,
            bytes.len().saturating_sub(7),
        ] {
            let _ = parse(&bytes[..cut]);
        }
        let lf: Vec<u8> = bytes.iter().copied().filter(|&b| b != b'\r').collect();
        let _ = parse(&lf);
    }
}

fn part_paths(msg: &ParsedMessage) -> Vec<&str> {
    msg.parts().map(|p| p.path.as_str()).collect()
}

#[test]
fn gbk_message_decodes_subject_addresses_and_tree() {
    // Encoded words in mixed-case GBK (`=?gbK?B?`), a UTF-8 emoji word, unpadded base64.
    let msg = parse_file("letters/test_chinese_multipart_mixed_gbk_over_base64.eml");
    assert!(msg.diagnostics.is_empty(), "{:?}", msg.diagnostics);
    assert_eq!(msg.subject(), Some("📧 Test 施氏食狮史"));
    let from = msg.from();
    assert_eq!(from.len(), 2);
    assert_eq!(from[0].name.as_deref(), Some("艾莉絲 发件人"));
    assert_eq!(
        from[0].address.as_deref(),
        Some("alice.fajianren@example.com")
    );
    assert_eq!(msg.to()[1].name.as_deref(), Some("卡罗尔 收件人"));
    assert_eq!(
        part_paths(&msg),
        [
            "", "1", "1.1", "1.1.1", "1.1.2", "1.1.3", "1.2", "1.3", "2", "3", "4", "5", "6"
        ]
    );
    let text = msg.text_body().unwrap();
    assert_eq!(text.path, "1.1.1");
    assert!(
        text.text
            .as_deref()
            .unwrap()
            .starts_with("石室诗士施氏，嗜狮，誓食十狮。")
    );
    assert!(text.charset_report.is_none());
    assert_eq!(msg.html_body().unwrap().path, "1.1.3");
    assert_eq!(
        msg.part("2").unwrap().filename.as_deref(),
        Some("attached-pdf-filename.pdf")
    );
    assert_eq!(msg.part("2").unwrap().content_type, "application/pdf");
}

#[test]
fn unpadded_base64_keeps_the_last_character() {
    // mail-parser drops the last group of `…zcrHysKhow`, leaving a lone GBK lead byte.
    let msg = parse_file("letters/test_chinese_multipart_related_gbk_over_base64.eml");
    let text = msg.part("1.1").unwrap();
    assert!(
        text.text.as_deref().unwrap().ends_with("试释是事。"),
        "{:?}",
        text.text
    );
    assert!(text.charset_report.is_none());
    assert_eq!(
        text.transfer_error.unwrap().fault,
        TransferFault::MissingPadding
    );
}

#[test]
fn gb2312_label_on_gbk_text_gets_a_charset_report() {
    // Named in the corpus README: a Japanese DSN labelled gb2312 using GBK-only code points.
    let msg = parse_file("php-mime-mail-parser/failure.eml");
    let part = msg.part("1.1").unwrap();
    assert_eq!(part.charset.as_deref(), Some("gb2312"));
    let report = part.charset_report.as_ref().unwrap();
    assert_eq!(report.issue, Some(CharsetIssue::Superset { actual: "GBK" }));
    assert_eq!(report.codes(), [Code::CharsetMismatch]);
    assert!(part.text.as_deref().unwrap().contains("配信に失敗しました"));

    let msg = parse_file("spamscope-mail-parser/mail_test_9.eml");
    let report = msg.root.charset_report.as_ref().unwrap();
    assert_eq!(report.issue, Some(CharsetIssue::Superset { actual: "GBK" }));
    assert!(msg.subject().unwrap().starts_with("我把镜头拉近些"));
}

#[test]
fn wrong_labels_are_decoded_with_the_right_charset() {
    // Labelled gb2312, but UTF-8.
    let msg = parse_file("spamscope-mail-parser/mail_test_12.eml");
    let report = msg.root.charset_report.as_ref().unwrap();
    assert_eq!(
        report.issue,
        Some(CharsetIssue::DecodeErrors {
            actual: Some("UTF-8")
        })
    );
    assert!(msg.root.text.as_deref().unwrap().contains("增值税发票"));
    // Labelled utf-8, but GB 18030.
    let msg = parse_file("spamscope-mail-parser/mail_test_6.eml");
    let report = msg.part("1").unwrap().charset_report.as_ref().unwrap();
    assert_eq!(
        report.issue,
        Some(CharsetIssue::DecodeErrors {
            actual: Some("GBK")
        })
    );
    // Big5 declared us-ascii.
    let msg = parse_file("enmime/parts__chardet-success-big-5.eml");
    let report = msg.root.charset_report.as_ref().unwrap();
    assert_eq!(
        report.issue,
        Some(CharsetIssue::NotAscii { detected: "Big5" })
    );
    assert!(msg.root.text.as_deref().unwrap().contains("北齊  顏之推"));
}

#[test]
fn big5_double_encoded_as_utf8_is_repaired() {
    // Big5 read as Latin-1 and written out as UTF-8, still labelled big5.
    let msg = parse_file("ruby-mail/error_emails__content_transfer_encoding_empty.eml");
    assert_eq!(
        msg.root.transfer_encoding.as_deref(),
        Some(""),
        "empty Content-Transfer-Encoding"
    );
    let report = msg.root.charset_report.as_ref().unwrap();
    assert_eq!(
        report.mojibake,
        Some(MojibakeRepair {
            from: "windows-1252",
            to: "Big5"
        })
    );
    let text = msg.root.text.as_deref().unwrap();
    assert!(text.contains("軟體帝國更新迅速"), "{text:.300}");
}

#[test]
fn filenames_decode_rfc2047_and_rfc2231() {
    let msg = parse_file("roundcube/filename.eml");
    let names: Vec<Option<&str>> = msg
        .root
        .children
        .iter()
        .map(|p| p.filename.as_deref())
        .collect();
    assert_eq!(
        names,
        [
            Some("A011.txt"),
            Some("A012.txt"),
            Some("A014.txt"),
            Some("żółć.png"),
            Some("żółć.png"),
            Some(
                "very very very very long very very very very long ćććććć very very very long name.txt"
            ),
        ]
    );
}

#[test]
fn deep_corpus_nesting_hits_the_default_depth_limit_only() {
    for (path, levels) in [
        ("horde-mime/deeply_nested.eml", 101),
        ("staktrace-mailparse/nested.eml", 105),
    ] {
        let bytes = read(path);
        let msg = parse(&bytes);
        assert_eq!(
            msg.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(),
            [Code::DepthLimit],
            "{path}"
        );
        let msg = parse_with(&bytes, &ParseOptions::new().with_max_depth(200));
        assert!(msg.diagnostics.is_empty(), "{path}: {:?}", msg.diagnostics);
        let deepest = msg
            .parts()
            .map(|p| p.path.split('.').count())
            .max()
            .unwrap();
        assert_eq!(deepest, levels, "{path}");
    }
}

#[test]
fn preambles_that_hide_the_header_are_skipped() {
    // A UTF-8 BOM before the first header.
    let msg = parse_file("mimekit/feedback-report.eml");
    assert!(msg.bom);
    assert_eq!(
        msg.from()[0].address.as_deref(),
        Some("abusedesk@example.com")
    );
    // A line of spaces before the first header.
    let msg = parse_file("flanker/enclosed.eml");
    assert_eq!(msg.skipped_blank_lines, 1);
    assert!(msg.diagnostics.is_empty());
    assert_eq!(
        msg.message_id().as_deref(),
        Some("4FEEF9B3.7060508@example.net")
    );
    // An mbox envelope line.
    let mbox = read("mime4j/mbox__test-1__mbox.rlug.mbox");
    let first = split_mbox(&mbox)[0];
    let msg = parse(first);
    assert_eq!(
        msg.envelope_from.as_deref(),
        Some("news@gmane.org Tue Mar 04 03:33:20 2003")
    );
    assert_eq!(msg.headers[0].name, "From");
    assert_eq!(msg.headers[0].line, 2);
}

#[test]
fn not_a_message_is_reported_for_headerless_files() {
    for path in [
        "enmime/mail__erroneous.eml",
        "mime4j/testmsgs__malformedHeader-noheader.eml",
    ] {
        let msg = parse_file(path);
        assert_eq!(
            msg.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(),
            [Code::NotAMessage],
            "{path}"
        );
    }
}

#[test]
fn huge_headers_and_boundaries_parse() {
    let msg = parse_file("mime4j/testmsgs__very-very-long-boundary.eml");
    let boundary = msg
        .root
        .multipart
        .as_ref()
        .unwrap()
        .boundary
        .as_ref()
        .unwrap();
    assert_eq!(boundary.len(), 7000);
    assert_eq!(part_paths(&msg), ["", "1"]);
    let bytes = read("flanker/long-header.eml");
    assert!(parse(&bytes).diagnostics.is_empty());
    let msg = parse_with(
        &bytes,
        &ParseOptions::new().with_max_header_bytes(64 * 1024),
    );
    assert_eq!(
        msg.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(),
        [Code::HeaderLimit]
    );
}
