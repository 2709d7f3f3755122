//! Unit tests for the parsed-message view: paths, defaults, headers,
//! accessors, limits and hostile input.

use std::time::{Duration, Instant};

use super::*;
use crate::charset::CharsetIssue;
use crate::diag::Code;

fn paths(msg: &ParsedMessage) -> Vec<(&str, &str)> {
    msg.parts()
        .map(|p| (p.path.as_str(), p.content_type.as_str()))
        .collect()
}

fn codes(msg: &ParsedMessage) -> Vec<Code> {
    msg.diagnostics.iter().map(|d| d.code).collect()
}

const NESTED: &str = "From: a@example.com\r
To: b@example.com\r
Subject: nested\r
Date: Mon, 1 Apr 2019 07:55:00 +0800\r
Message-ID: <id-1@example.com>\r
MIME-Version: 1.0\r
Content-Type: multipart/mixed; boundary=\"outer\"\r
\r
preamble\r
--outer\r
Content-Type: multipart/alternative; boundary=\"alt\"\r
\r
--alt\r
Content-Type: text/plain; charset=utf-8\r
\r
plain body\r
--alt\r
Content-Type: text/html; charset=utf-8\r
\r
<p>html body</p>\r
--alt--\r
--outer\r
Content-Type: message/rfc822\r
\r
From: c@example.com\r
Subject: inner\r
Content-Type: multipart/mixed; boundary=\"inner\"\r
\r
--inner\r
\r
inner text\r
--inner\r
Content-Type: application/octet-stream\r
Content-Transfer-Encoding: base64\r
Content-Disposition: attachment; filename=\"data.bin\"\r
\r
AAEC\r
--inner--\r
--outer\r
Content-Type: message/rfc822\r
\r
From: d@example.com\r
Subject: simple\r
\r
simple embedded body\r
--outer\r
Content-Type: multipart/digest; boundary=\"dig\"\r
\r
--dig\r
\r
From: e@example.com\r
Subject: digest entry\r
\r
entry body\r
--dig--\r
--outer--\r
epilogue\r
";

#[test]
fn part_paths_follow_imap_on_nested_structures() {
    let msg = parse(NESTED.as_bytes());
    assert!(msg.diagnostics.is_empty(), "{:?}", msg.diagnostics);
    assert_eq!(
        paths(&msg),
        [
            ("", "multipart/mixed"),
            ("1", "multipart/alternative"),
            ("1.1", "text/plain"),
            ("1.2", "text/html"),
            ("2", "message/rfc822"),
            ("2.TEXT", "multipart/mixed"),
            ("2.1", "text/plain"),
            ("2.2", "application/octet-stream"),
            ("3", "message/rfc822"),
            ("3.1", "text/plain"),
            ("4", "multipart/digest"),
            ("4.1", "message/rfc822"),
            ("4.1.1", "text/plain"),
        ]
    );
    assert_eq!(msg.part_count, 13);
    assert_eq!(msg.part("2.2").unwrap().body, [0, 1, 2]);
    assert_eq!(
        msg.part("2.2").unwrap().filename.as_deref(),
        Some("data.bin")
    );
    assert_eq!(
        msg.part("3.1").unwrap().text.as_deref(),
        Some("simple embedded body")
    );
    assert_eq!(
        msg.part("4.1.1").unwrap().text.as_deref(),
        Some("entry body")
    );
}

#[test]
fn defaults_follow_rfc_2045_and_2046() {
    let msg = parse(NESTED.as_bytes());
    // No Content-Type: text/plain (RFC 2045 §5.2) …
    let inner_text = msg.part("2.1").unwrap();
    assert!(inner_text.content_type_defaulted);
    assert_eq!(inner_text.content_type, "text/plain");
    // … except inside multipart/digest: message/rfc822 (RFC 2046 §5.1.5).
    let entry = msg.part("4.1").unwrap();
    assert!(entry.content_type_defaulted);
    assert_eq!(entry.content_type, "message/rfc822");
    assert!(!msg.part("1.1").unwrap().content_type_defaulted);
    // An invalid Content-Type also means text/plain.
    let msg = parse(b"From: a@b\r\nContent-Type: text\r\n\r\nx");
    assert_eq!(
        (
            msg.root.content_type.as_str(),
            msg.root.content_type_defaulted
        ),
        ("text/plain", true)
    );
}

#[test]
fn embedded_messages_expose_their_headers() {
    let msg = parse(NESTED.as_bytes());
    let part = msg.part("2").unwrap();
    let embedded = part.embedded.as_ref().unwrap();
    assert_eq!(
        embedded
            .headers
            .iter()
            .find(|h| h.is("subject"))
            .unwrap()
            .value,
        "inner"
    );
    assert_eq!(part.children.len(), 1);
    assert_eq!(part.children[0].path, "2.TEXT");
    let simple = msg.part("3").unwrap();
    assert_eq!(
        simple.embedded.as_ref().unwrap().headers[0].value,
        "d@example.com"
    );
    assert_eq!(simple.children[0].path, "3.1");
}

#[test]
fn a_non_multipart_message_body_is_part_1() {
    let msg = parse(b"From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n");
    assert_eq!(paths(&msg), [("1", "text/plain")]);
    assert_eq!(
        msg.root.text.as_deref(),
        Some("body\r\n"),
        "no delimiter: the body runs to the end"
    );
    assert_eq!(msg.text_body().unwrap().path, "1");
    assert!(msg.html_body().is_none());
    // A top-level message/rfc822 body: its embedded body is 1.1.
    let msg = parse(
        b"From: a@b\r\nContent-Type: message/rfc822\r\n\r\nFrom: c@d\r\nSubject: in\r\n\r\nx\r\n",
    );
    assert_eq!(
        paths(&msg),
        [("1", "message/rfc822"), ("1.1", "text/plain")]
    );
}

#[test]
fn headers_keep_raw_bytes_order_lines_and_spelling() {
    let msg = parse(NESTED.as_bytes());
    let names: Vec<&str> = msg.headers.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "MIME-Version",
            "Content-Type"
        ]
    );
    assert_eq!(msg.headers[2].line, 3);
    assert_eq!(msg.headers[2].offset, Some(NESTED.find("Subject").unwrap()));
    assert_eq!(msg.headers, msg.root.headers);
    let msg =
        parse(b"SUBJECT: =?utf-8?Q?caf=C3=A9?=\r\n =?utf-8?Q?_au_lait?=\r\nX-Empty:\r\n\r\nbody");
    let subject = &msg.headers[0];
    assert_eq!(subject.name, "SUBJECT", "the spelling is kept");
    assert_eq!(
        subject.raw,
        b" =?utf-8?Q?caf=C3=A9?=\r\n =?utf-8?Q?_au_lait?="
    );
    assert_eq!(subject.value, "café au lait");
    assert_eq!(msg.subject(), Some("café au lait"));
    assert_eq!(msg.headers[1].line, 3);
    assert_eq!(msg.header("x-empty").unwrap().value, "");
}

#[test]
fn line_spans_locate_parts() {
    let msg = parse(NESTED.as_bytes());
    let line_of = |needle: &str| NESTED[..NESTED.find(needle).unwrap()].matches('\n').count() + 1;
    let plain = msg.part("1.1").unwrap();
    assert_eq!(
        plain.header_lines.unwrap().first,
        line_of("Content-Type: text/plain")
    );
    assert_eq!(
        plain.body_lines.unwrap(),
        LineSpan {
            first: line_of("plain body"),
            last: line_of("plain body")
        }
    );
    let span = plain.span.unwrap();
    assert_eq!(&NESTED.as_bytes()[span.body_start..span.end], b"plain body");
}

#[test]
fn addresses_dates_and_ids() {
    let msg = parse(
        "From: =?utf-8?B?5byg5LiJ?= <zhang@example.com>\r
To: Team: a@example.com, \"B, Bee\" <b@example.com>;, c@example.com\r
Cc: undisclosed-recipients:;\r
Date: Mon, 1 Apr 2019 07:55:00 +0800\r
Message-ID: <abc@example.com>\r
\r
x"
        .as_bytes(),
    );
    let from = msg.from();
    assert_eq!(from.len(), 1);
    assert_eq!(from[0].name.as_deref(), Some("张三"));
    assert_eq!(from[0].address.as_deref(), Some("zhang@example.com"));
    let to = msg.to();
    let flat: Vec<(Option<&str>, Option<&str>)> = to
        .iter()
        .map(|a| (a.group.as_deref(), a.address.as_deref()))
        .collect();
    assert_eq!(
        flat,
        [
            (Some("Team"), Some("a@example.com")),
            (Some("Team"), Some("b@example.com")),
            (None, Some("c@example.com"))
        ]
    );
    assert_eq!(to[1].name.as_deref(), Some("B, Bee"));
    let cc = msg.cc();
    assert_eq!(
        (cc.len(), cc[0].group.as_deref(), cc[0].address.as_deref()),
        (1, Some("undisclosed-recipients"), None)
    );
    assert!(msg.bcc().is_empty());
    let date = msg.date().unwrap();
    assert_eq!(date.to_rfc3339(), "2019-04-01T07:55:00+08:00");
    assert_eq!(date.offset_minutes, 480);
    assert_eq!(date.timestamp(), 1_554_076_500);
    assert_eq!(msg.message_id().as_deref(), Some("abc@example.com"));
    assert!(parse(b"Date: yesterday\r\n\r\n").date().is_none());
}

/// Found in testdata/garbled/signup-notice-gbk: `某某网` alone was read as
/// EUC-JP (`蝶蝶利`); the header block as a whole is plainly GBK.
#[test]
fn a_short_raw_field_takes_the_charset_of_the_whole_header_block() {
    let mut raw = b"From: ".to_vec();
    raw.extend_from_slice(&encoding_rs::GBK.encode("某某网").0);
    raw.extend_from_slice(b" <noreply@example.cn>\r\nSubject: ");
    raw.extend_from_slice(&encoding_rs::GBK.encode("欢迎注册某某网").0);
    raw.extend_from_slice(b"\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n");
    let msg = parse(&raw);
    assert_eq!(msg.from()[0].name.as_deref(), Some("某某网"));
    assert_eq!(msg.header("from").unwrap().raw_charset, Some("GBK"));
    assert_eq!(msg.subject(), Some("欢迎注册某某网"));
}

#[test]
fn raw_gbk_headers_use_the_body_charset() {
    let mut raw = b"From: a@example.com\r\nSubject: ".to_vec();
    raw.extend_from_slice(&encoding_rs::GBK.encode("关于下周会议的通知").0);
    raw.extend_from_slice(b"\r\nContent-Type: text/plain; charset=gbk\r\n\r\n");
    raw.extend_from_slice(&encoding_rs::GBK.encode("请大家准时参加。").0);
    let msg = parse(&raw);
    assert_eq!(msg.subject(), Some("关于下周会议的通知"));
    assert_eq!(msg.header("subject").unwrap().raw_charset, Some("GBK"));
    assert_eq!(msg.root.text.as_deref(), Some("请大家准时参加。"));
    assert!(msg.root.charset_report.is_none());
}

#[test]
fn text_and_html_bodies_skip_attachments_and_embedded_messages() {
    let msg = parse(NESTED.as_bytes());
    assert_eq!(msg.text_body().unwrap().path, "1.1");
    assert_eq!(msg.html_body().unwrap().path, "1.2");
    let msg = parse(
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment\r\n\r\nnotes\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--b--\r\n",
    );
    assert!(msg.text_body().is_none());
    assert_eq!(msg.html_body().unwrap().path, "2");
}

#[test]
fn mime_fields_are_read_and_normalised() {
    let msg = parse(
        "Content-Type: multipart/mixed; boundary=b\r
\r
--b\r
Content-Type: TEXT/Plain; Charset=\"ISO-8859-1\"; format=flowed\r
Content-Transfer-Encoding: Quoted-Printable\r
Content-ID: <part1@example.com>\r
\r
caf=E9\r
--b\r
Content-Type: application/pdf; name=\"=?utf-8?B?5Lit5paH?=.pdf\"\r
Content-Disposition: ATTACHMENT;\r
 filename*0*=utf-8''%E4%B8%AD; filename*1*=%E6%96%87.pdf\r
\r
%PDF\r
--b--\r
"
        .as_bytes(),
    );
    let text = msg.part("1").unwrap();
    assert_eq!(text.content_type, "text/plain");
    assert_eq!(text.charset.as_deref(), Some("ISO-8859-1"));
    assert_eq!(text.param("format"), Some("flowed"));
    assert_eq!(text.transfer_encoding.as_deref(), Some("quoted-printable"));
    assert_eq!(text.content_id.as_deref(), Some("part1@example.com"));
    assert_eq!(text.body, b"caf\xE9");
    assert_eq!(text.text.as_deref(), Some("café"));
    let pdf = msg.part("2").unwrap();
    assert_eq!(pdf.disposition.as_deref(), Some("attachment"));
    assert!(pdf.is_attachment());
    assert_eq!(pdf.filename.as_deref(), Some("中文.pdf"));
    assert_eq!(pdf.text, None, "only text/* parts get text");
    let info = msg.root.multipart.as_ref().unwrap();
    assert_eq!(info.boundary.as_deref(), Some("b"));
    assert!(info.delimiter_found && info.close_delimiter_found);
}

#[test]
fn bad_transfer_encoding_keeps_the_declared_type_and_is_located() {
    let raw = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBO\r\nRw!0K\r\n--b--\r\n";
    let msg = parse(raw);
    let png = msg.part("1").unwrap();
    assert_eq!(
        png.content_type, "image/png",
        "mail-parser would call this text"
    );
    assert_eq!(png.body, [0x89, b'P', b'N', b'G', 0x0D, 0x0A]);
    let error = png.transfer_error.unwrap();
    assert_eq!(
        (error.kind, error.fault, error.byte),
        (TransferKind::Base64, TransferFault::InvalidByte, Some(b'!'))
    );
    assert_eq!(
        error.offset,
        Some(raw.iter().position(|&b| b == b'!').unwrap())
    );
    assert_eq!(error.line, Some(8));
}

#[test]
fn mislabelled_text_is_repaired_and_reported() {
    let mut raw =
        b"Content-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            .to_vec();
    raw.extend_from_slice(
        &encoding_rs::GBK
            .encode("朱镕基总理和王堃先生今天参加了会议。")
            .0,
    );
    let msg = parse(&raw);
    assert_eq!(
        msg.root.text.as_deref(),
        Some("朱镕基总理和王堃先生今天参加了会议。")
    );
    let report = msg.root.charset_report.as_ref().unwrap();
    assert_eq!(report.issue, Some(CharsetIssue::Superset { actual: "GBK" }));
    assert_eq!(report.declared.as_deref(), Some("gb2312"));

    let msg = parse("Content-Type: text/plain; charset=us-ascii\r\n\r\nCafÃ© crÃ¨me".as_bytes());
    assert_eq!(msg.root.text.as_deref(), Some("Café crème"));
    let report = msg.root.charset_report.as_ref().unwrap();
    assert!(report.mojibake.is_some());
    assert_eq!(
        report.issue,
        Some(CharsetIssue::NotAscii { detected: "UTF-8" })
    );
}

#[test]
fn bom_and_mbox_envelope_are_stripped_and_recorded() {
    let msg = parse(b"\xEF\xBB\xBFFrom: a@example.com\r\nSubject: x\r\n\r\nbody");
    assert!(msg.bom);
    assert_eq!(msg.from()[0].address.as_deref(), Some("a@example.com"));
    assert_eq!(msg.headers[0].line, 1);
    let msg = parse(
        b"From a@example.com Mon Apr  1 07:55:00 2019\nFrom: a@example.com\nSubject: x\n\nbody\n",
    );
    assert_eq!(
        msg.envelope_from.as_deref(),
        Some("a@example.com Mon Apr  1 07:55:00 2019")
    );
    assert_eq!(msg.headers.len(), 2);
    assert_eq!(
        msg.headers[0].line, 2,
        "lines count from the start of the input"
    );
    let msg = parse(b"   \r\nFrom: a@example.com\r\n\r\nbody");
    assert_eq!((msg.skipped_blank_lines, msg.headers.len()), (1, 1));
    assert!(msg.diagnostics.is_empty());
}

#[test]
fn input_without_headers_is_not_a_message() {
    for input in [
        &b""[..],
        b"just some text\nwithout any header\n",
        b"\x00\x01\x02\xff",
        b"\n\nbody",
    ] {
        let msg = parse(input);
        assert_eq!(codes(&msg), [Code::NotAMessage], "{input:?}");
        assert_eq!(msg.root.path, "1");
        assert_eq!(msg.root.content_type, "text/plain");
        assert_eq!(msg.part_count, 1);
    }
    let msg = parse(b"just some text\nwithout any header\n");
    assert_eq!(
        msg.root.text.as_deref(),
        Some("just some text\nwithout any header\n")
    );
}

/// `depth` multipart levels, each opened with its own boundary and closed in
/// reverse order, around one text part.
fn deep_multipart(depth: usize) -> Vec<u8> {
    let mut s = String::from("From: a@example.com\r\n");
    for i in 0..depth {
        s += &format!("Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n");
    }
    s += "Content-Type: text/plain\r\n\r\ndeepest\r\n";
    for i in (0..depth).rev() {
        s += &format!("--b{i}--\r\n");
    }
    s.into_bytes()
}

#[test]
fn ten_thousand_nested_multiparts_stop_at_the_depth_limit_quickly() {
    let input = deep_multipart(10_000);
    let start = Instant::now();
    let msg = parse(&input);
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert_eq!(codes(&msg), [Code::DepthLimit]);
    assert_eq!(msg.part_count, DEFAULT_MAX_DEPTH + 1);
    let deepest = msg.parts().last().unwrap();
    assert!(deepest.truncated);
    assert_eq!(deepest.path.split('.').count(), DEFAULT_MAX_DEPTH);
    assert!(!deepest.body.is_empty(), "the cut subtree's bytes are kept");
    let d = &msg.diagnostics[0];
    assert_eq!(d.part.as_deref(), Some(deepest.path.as_str()));
    assert!(d.line.is_some());
}

#[test]
fn nesting_within_the_limit_is_complete() {
    let msg = parse_with(&deep_multipart(5), &ParseOptions::new().with_max_depth(5));
    assert!(msg.diagnostics.is_empty(), "{:?}", msg.diagnostics);
    assert_eq!(msg.parts().last().unwrap().text.as_deref(), Some("deepest"));
    assert_eq!(msg.parts().last().unwrap().path, "1.1.1.1.1");
    let msg = parse_with(&deep_multipart(5), &ParseOptions::new().with_max_depth(4));
    assert_eq!(codes(&msg), [Code::DepthLimit]);
}

#[test]
fn a_hundred_thousand_parts_stop_at_the_part_limit_quickly() {
    let mut s = String::from(
        "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n",
    );
    for i in 0..100_000 {
        s += &format!("--b\r\n\r\npart {i}\r\n");
    }
    s += "--b--\r\n";
    let start = Instant::now();
    let msg = parse(s.as_bytes());
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    assert_eq!(codes(&msg), [Code::PartLimit]);
    assert_eq!(msg.part_count, DEFAULT_MAX_PARTS);
    assert_eq!(msg.root.children.len(), DEFAULT_MAX_PARTS - 1);
    assert!(msg.root.truncated);
    assert_eq!(
        msg.root.children.last().unwrap().text.as_deref(),
        Some("part 9998")
    );
    assert!(
        msg.diagnostics[0].message.contains("90001"),
        "{}",
        msg.diagnostics[0].message
    );
}

#[test]
fn deeply_nested_embedded_messages_do_not_overflow_the_stack() {
    // mail-parser nests inline message/rfc822 without limit; dropping its tree
    // recursively overflows a 2 MiB stack at this depth.
    let mut s = String::from("From: a@example.com\r\n");
    for _ in 0..100_000 {
        s += "Content-Type: message/rfc822\r\n\r\nFrom: a@example.com\r\n";
    }
    s += "\r\nhi\r\n";
    let input = s.into_bytes();
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let start = Instant::now();
            let msg = parse(&input);
            (msg.part_count, codes(&msg), start.elapsed())
        })
        .unwrap();
    let (count, codes, elapsed) = handle.join().unwrap();
    assert_eq!(codes, [Code::DepthLimit]);
    assert_eq!(count, DEFAULT_MAX_DEPTH + 1);
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
}

#[test]
fn header_limits_drop_fields_and_say_so() {
    let mut s = String::new();
    for i in 0..50 {
        s += &format!("X-Field-{i}: {}\r\n", "v".repeat(100));
    }
    s += "\r\nbody";
    let msg = parse_with(s.as_bytes(), &ParseOptions::new().with_max_headers(10));
    assert_eq!(msg.headers.len(), 10);
    assert_eq!(codes(&msg), [Code::HeaderLimit]);
    assert_eq!(msg.diagnostics[0].line, Some(11));
    let msg = parse_with(
        s.as_bytes(),
        &ParseOptions::new().with_max_header_bytes(1000),
    );
    assert_eq!(msg.headers.len(), 8);
    assert_eq!(codes(&msg), [Code::HeaderLimit]);
    assert!(parse(s.as_bytes()).diagnostics.is_empty());
}

#[test]
fn limits_are_clamped() {
    let options = ParseOptions::new()
        .with_max_depth(usize::MAX)
        .with_max_parts(0);
    let msg = parse_with(&deep_multipart(3), &options);
    assert_eq!(msg.part_count, 1, "the root is always kept");
    let msg = parse_with(
        &deep_multipart(MAX_DEPTH_CEILING + 10),
        &ParseOptions::new().with_max_depth(usize::MAX),
    );
    assert_eq!(msg.part_count, MAX_DEPTH_CEILING + 1);
}

#[test]
fn an_unterminated_multipart_is_kept_and_flagged() {
    let msg = parse(
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n",
    );
    assert_eq!(
        paths(&msg),
        [
            ("", "multipart/mixed"),
            ("1", "text/plain"),
            ("2", "text/plain")
        ]
    );
    let info = msg.root.multipart.as_ref().unwrap();
    assert!(info.delimiter_found && !info.close_delimiter_found);
    let msg = parse(b"Content-Type: multipart/mixed\r\n\r\nno boundary\r\n");
    assert_eq!(paths(&msg), [("1", "multipart/mixed")]);
    assert_eq!(msg.root.multipart.as_ref().unwrap().boundary, None);
}

/// A small deterministic generator (xorshift) for hostile inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    const PIECES: &[&[u8]] = &[
        b"Content-Type: multipart/mixed; boundary=b\r\n",
        b"Content-Type: message/rfc822\r\n",
        b"Content-Type: text/plain; charset=gb2312\r\n",
        b"Content-Transfer-Encoding: base64\r\n",
        b"Content-Transfer-Encoding: quoted-printable\r\n",
        b"Content-Disposition: attachment; filename*0*=utf-8''%E4; filename*1*=%B8\r\n",
        b"Subject: =?utf-8?B?5A==?= =?gbk?Q?=D6?=\r\n",
        b"--b\r\n",
        b"--b--\r\n",
        b"\r\n",
        b"\n",
        b"=?",
        b"?=",
        b"==",
        b"\xEF\xBB\xBF",
        b"From ",
        b"\xff\xfe\x00",
        b"\xd6\xd0\xce\xc4",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3_000 {
        let mut input = Vec::new();
        for _ in 0..rng.next() % 40 {
            let r = rng.next();
            if r.is_multiple_of(3) {
                input.push((r >> 8) as u8);
            } else {
                input.extend_from_slice(PIECES[(r >> 8) as usize % PIECES.len()]);
            }
        }
        let msg = parse(&input);
        assert_eq!(msg.parts().count(), msg.part_count);
        let _ = (
            msg.subject(),
            msg.from(),
            msg.date(),
            msg.message_id(),
            msg.text_body(),
        );
    }
}

#[test]
fn many_multiparts_with_missing_boundaries_stay_linear() {
    // mail-parser scans to the end for each missing boundary: 20,000 of them
    // in 1.1 MB take 12 s unguarded.
    let mut s = String::from(
        "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n",
    );
    for i in 0..20_000 {
        s += &format!("--b\r\nContent-Type: multipart/mixed; boundary=\"zz{i}\"\r\n\r\nx\r\n");
    }
    s += "--b--\r\n";
    let start = Instant::now();
    let msg = parse_with(s.as_bytes(), &ParseOptions::new().with_max_parts(100_000));
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert_eq!(msg.part_count, 20_001);
    assert!(msg.diagnostics.is_empty());
    let last = msg.root.children.last().unwrap();
    assert_eq!(
        (last.path.as_str(), last.content_type.as_str()),
        ("20000", "multipart/mixed")
    );
    assert!(last.children.is_empty());
    assert!(!last.multipart.as_ref().unwrap().delimiter_found);
}

#[test]
fn a_long_boundary_over_many_dashes_stays_linear() {
    // mail-parser compares the whole boundary at every `--`: 2 s unguarded.
    let boundary = "-".repeat(300_000) + "x";
    let s = format!(
        "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n{}\r\n",
        "-".repeat(600_000)
    );
    let start = Instant::now();
    let msg = parse(s.as_bytes());
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert_eq!(msg.root.content_type, "multipart/mixed");
    assert!(msg.root.children.is_empty());
}

#[test]
fn transfer_encoded_embedded_messages_are_parsed_at_any_depth() {
    // mail-parser stops parsing base64 message/rfc822 after 3 levels; we go on to max_depth.
    fn wrap(inner: &[u8], level: usize) -> Vec<u8> {
        let mut s = format!(
            "From: level{level}@example.com\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        )
        .into_bytes();
        let encoded = base64_encode(inner);
        for line in encoded.as_bytes().chunks(76) {
            s.extend_from_slice(line);
            s.extend_from_slice(b"\r\n");
        }
        s
    }
    let mut message = b"From: innermost@example.com\r\nSubject: deep\r\n\r\nhello".to_vec();
    for level in (0..6).rev() {
        message = wrap(&message, level);
    }
    let msg = parse(&message);
    assert!(msg.diagnostics.is_empty(), "{:?}", msg.diagnostics);
    assert_eq!(msg.part_count, 7);
    let leaf = msg.parts().last().unwrap();
    assert_eq!(leaf.path, "1.1.1.1.1.1.1");
    assert_eq!(leaf.text.as_deref(), Some("hello"));
    assert_eq!(leaf.span, None, "decoded bytes have no place in the input");
    let sixth = msg.part("1.1.1.1.1.1").unwrap();
    assert_eq!(sixth.embedded.as_ref().unwrap().headers[1].value, "deep");
    assert!(
        sixth.embedded.as_ref().unwrap().headers[0].line > 1,
        "anchored at the enclosing body"
    );
}

#[test]
fn an_embedded_message_without_a_header_stays_a_leaf() {
    let msg = parse(
        b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: message/rfc822\r\n\r\nnot an eml, sorry!\r\n--B--\r\n",
    );
    let part = msg.part("1").unwrap();
    assert!(part.children.is_empty() && part.parser_problem);
    assert_eq!(part.body, b"not an eml, sorry!");
    assert_eq!(msg.part_count, 2);
}

#[test]
fn inline_embedded_messages_keep_their_lines() {
    let msg = parse(NESTED.as_bytes());
    let line_of = |needle: &str| NESTED[..NESTED.find(needle).unwrap()].matches('\n').count() + 1;
    let inner = msg.part("2").unwrap().embedded.as_ref().unwrap();
    assert_eq!(inner.headers[0].line, line_of("From: c@example.com"));
    assert_eq!(
        msg.part("2.2").unwrap().header_lines.unwrap().first,
        line_of("Content-Type: application/octet-stream")
    );
}

/// Standard base64 with padding, for building test input.
fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
