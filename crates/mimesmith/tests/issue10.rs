//! Regression tests for the defects of issue 10, each named after its item,
//! through the public API as a user calls it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

use mimesmith::{
    AddressList, Body, Charset, ContentType, DateTime, Error, Mailbox, Message, MessageBuilder,
    SinglePart,
};

fn base() -> MessageBuilder<'static> {
    Message::builder()
        .from("a@example.com")
        .to("b@example.com")
        .seed(1)
        .date(DateTime::from_unix(1_800_000_000, 0).unwrap())
        .text("x")
}

fn head(m: &Message<'_>) -> String {
    let bytes = m.to_vec().unwrap();
    let s = String::from_utf8_lossy(&bytes).into_owned();
    s.split("\r\n\r\n").next().unwrap_or_default().to_owned()
}

fn all_lines_within_78(s: &str) -> bool {
    s.split("\r\n").all(|l| l.len() <= 78)
}

#[test]
fn regress_issue10_item1_a_pasted_list_is_an_error_or_a_list() {
    let err = Message::builder()
        .from("a@example.com")
        .to("A <a@b.example>, B <b@c.example>")
        .text("x")
        .build()
        .err();
    assert!(matches!(err, Some(Error::InvalidAddress { .. })), "{err:?}");
    let m = Message::builder()
        .from("a@example.com")
        .to(AddressList::parse("A <a@b.example>, B <b@c.example>").unwrap())
        .text("x")
        .build()
        .unwrap();
    assert_eq!(m.envelope().to, ["a@b.example", "b@c.example"]);
    assert!(head(&m).contains("To: A <a@b.example>, B <b@c.example>"));
}

#[test]
fn regress_issue10_item2_clusters_are_never_cut_between_words() {
    use base64::Engine as _;
    for cluster in ["👨‍👩‍👧‍👦", "🏴󠁧󠁢󠁥󠁮󠁧󠁿", "1️⃣", "👍🏽"]
    {
        let subject = cluster.repeat(4);
        let m = base().subject(subject.clone()).build().unwrap();
        let h = head(&m);
        let field = h
            .split("\r\n")
            .skip_while(|l| !l.starts_with("Subject:"))
            .take_while(|l| l.starts_with("Subject:") || l.starts_with(' '))
            .collect::<Vec<_>>()
            .join("");
        let mut all = String::new();
        for w in field.split(' ').filter(|w| w.starts_with("=?")) {
            let text = if let Some(p) = w.strip_prefix("=?UTF-8?B?") {
                let payload = p.trim_end_matches("?=");
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(payload)
                    .unwrap();
                String::from_utf8(bytes).unwrap()
            } else {
                panic!("unexpected word {w} in\n{h}")
            };
            let whole = text.len() % cluster.len() == 0
                && cluster.repeat(text.len() / cluster.len()) == text;
            assert!(
                !text.is_empty() && whole,
                "a word holds part of a cluster: {text:?} in\n{h}"
            );
            all.push_str(&text);
        }
        assert_eq!(all, subject);
        assert!(all_lines_within_78(&h), "{h}");
    }
}

#[test]
fn regress_issue10_item3_first_token_folds_after_the_colon() {
    let ct =
        ContentType::parse("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .unwrap();
    let m = base()
        .attachment(
            SinglePart::attachment("a.xlsx", Body::Bytes(b"PK".as_slice().into())).content_type(ct),
        )
        .build()
        .unwrap();
    let h = String::from_utf8(m.to_vec().unwrap()).unwrap();
    assert!(all_lines_within_78(&h), "{h}");
    for n in 50..70 {
        let name = format!("José {}", "x".repeat(n));
        let m = Message::builder()
            .from(Mailbox::new(&name, "a@example.com").unwrap())
            .to("b@example.com")
            .text("x")
            .build()
            .unwrap();
        let h = head(&m);
        assert!(all_lines_within_78(&h), "{n}: {h}");
    }
}

#[test]
fn regress_issue10_item4_charset_errors_come_from_build() {
    let gbk = Charset::from_label("gbk").unwrap();
    let unrepresentable =
        |r: mimesmith::Result<Message<'_>>| matches!(r, Err(Error::Unrepresentable { .. }));
    let file = SinglePart::attachment("😀.txt", Body::Bytes(b"x".as_slice().into()));
    assert!(unrepresentable(
        base().charset(gbk).attachment(file).build()
    ));
    let desc =
        SinglePart::attachment("a.txt", Body::Bytes(b"x".as_slice().into())).description("😀");
    assert!(unrepresentable(
        base().charset(gbk).attachment(desc).build()
    ));
    let hdr = SinglePart::attachment("a.txt", Body::Bytes(b"x".as_slice().into()))
        .header("X-Note".parse().unwrap(), "😀");
    assert!(unrepresentable(base().charset(gbk).attachment(hdr).build()));
    let ct = ContentType::parse("application/x-custom")
        .unwrap()
        .with_param("title", "😀")
        .unwrap();
    let param = SinglePart::bytes(ct, b"x".to_vec());
    assert!(unrepresentable(
        base().charset(gbk).attachment(param).build()
    ));
    assert!(unrepresentable(
        base().charset(gbk).header("X-Note", "😀").build()
    ));
}

#[test]
fn regress_issue10_item6_structured_and_address_extra_headers() {
    let received = "from mx (mx.example [192.0.2.25])\tby mail.example with ESMTP id 123; Mon, 7 Dec 2026 10:00:00 +0000";
    let m = base()
        .header("Received", received)
        .header(
            "Disposition-Notification-To",
            "\"Zhang, San\" <z@example.com>",
        )
        .build()
        .unwrap();
    let h = head(&m);
    assert!(!h.contains("=?"), "{h}");
    assert!(
        h.replace("\r\n ", " ")
            .contains(&format!("Received: {received}")),
        "{h}"
    );
    assert!(
        h.contains("Disposition-Notification-To: \"Zhang, San\" <z@example.com>"),
        "{h}"
    );
    assert!(
        base()
            .header("Disposition-Notification-To", "Zhang, San <z@example.com>")
            .build()
            .is_err()
    );
    assert!(base().header("Received", "from 主机").build().is_err());
}

#[test]
fn regress_issue10_item7_names_with_specials_get_a_compatibility_form() {
    let m = base()
        .attachment(SinglePart::attachment(
            "报告;v2 \"终\\稿\".pdf",
            Body::Bytes(b"%PDF".as_slice().into()),
        ))
        .build()
        .unwrap();
    let s = String::from_utf8(m.to_vec().unwrap()).unwrap();
    assert!(s.contains(" name=\"=?UTF-8?"), "{s}");
}

#[test]
fn regress_issue10_item8_long_unbroken_words_are_encoded_in_text() {
    let word = "a".repeat(150);
    let m = base().subject(word.clone()).build().unwrap();
    assert!(all_lines_within_78(&head(&m)), "{}", head(&m));
    let m = Message::builder()
        .from(Mailbox::new(&word, "a@example.com").unwrap())
        .to("b@example.com")
        .text("x")
        .build()
        .unwrap();
    assert!(all_lines_within_78(&head(&m)), "{}", head(&m));
}

#[test]
fn regress_issue10_item9_strict_domains() {
    for bad in [
        "x@-bad-.example".to_owned(),
        "a@xn--zz.example".to_owned(),
        format!("a@{}.example", "l".repeat(64)),
        "a@under_score.example".to_owned(),
    ] {
        assert!(Mailbox::parse(&bad).is_err(), "{bad} accepted");
    }
    let longest = format!("a@{}.example", "l".repeat(63));
    for good in [
        "a@xn--bcher-kva.de",
        "a@r3---sn-abc.googlevideo.com",
        "a@localhost",
        &longest,
    ] {
        assert!(Mailbox::parse(good).is_ok(), "{good} refused");
    }
}

#[test]
fn regress_issue10_item9_controls_refused_in_every_text_field() {
    let invalid =
        |r: mimesmith::Result<Message<'_>>| matches!(r, Err(Error::InvalidHeaderValue { .. }));
    assert!(invalid(base().subject("a\0b").build()));
    assert!(invalid(base().subject("a\u{1b}[31m").build()));
    assert!(invalid(base().header("X-Note", "a\u{85}").build()));
    let d =
        SinglePart::attachment("a.txt", Body::Bytes(b"x".as_slice().into())).description("a\u{7f}");
    assert!(invalid(base().attachment(d).build()));
    assert!(base().subject("tab\tis fine").build().is_ok());
    assert!(Mailbox::new("a\0b", "a@example.com").is_err());
}

#[test]
fn regress_issue10_item9_message_partial_is_7bit() {
    let ct = ContentType::parse("message/partial; id=\"x@example\"; number=1; total=2").unwrap();
    let m = base()
        .body(SinglePart::bytes(
            ct.clone(),
            b"Subject: x\r\n\r\nhello\r\n".to_vec(),
        ))
        .build()
        .unwrap();
    assert!(
        head(&m).contains("Content-Transfer-Encoding: 7bit"),
        "{}",
        head(&m)
    );
    let eight = SinglePart::bytes(ct.clone(), "Subject: x\r\n\r\nhé\r\n".as_bytes().to_vec());
    assert!(matches!(
        base().body(eight).build(),
        Err(Error::EncodingCannotRepresent { .. })
    ));
    let forced =
        SinglePart::bytes(ct, b"x\r\n".to_vec()).encoding(mimesmith::TransferEncoding::Base64);
    assert!(matches!(
        base().body(forced).build(),
        Err(Error::EncodingCannotRepresent { .. })
    ));
}

#[test]
fn regress_issue10_item9_empty_subject_is_written() {
    let m = base().subject("").build().unwrap();
    assert!(head(&m).contains("\r\nSubject:\r\n"), "{}", head(&m));
}

#[test]
fn regress_issue10_item9_leap_second_is_refused_not_rolled() {
    let e = DateTime::parse_rfc3339("2016-12-31T23:59:60Z");
    assert!(matches!(e, Err(Error::InvalidDate { .. })), "{e:?}");
}

/// Found by the `builder_api` fuzz target
/// (`testdata/regressions/builder_api/crash-21f90b54…`): a text type given
/// as 8-bit octets with no charset was written as if US-ASCII.
#[test]
fn regress_fuzz_builder_api_21f90b54_text_bytes_need_a_charset() {
    let ct = ContentType::parse("text/csv").unwrap();
    let gbk = SinglePart::bytes(ct.clone(), b"\xd6\xd0\xce\xc4".to_vec());
    assert!(matches!(
        base().attachment(gbk).build(),
        Err(Error::TextWithoutCharset { .. })
    ));
    let utf8 = SinglePart::bytes(ct, "中文".as_bytes().to_vec());
    let m = base().attachment(utf8).build().unwrap();
    let s = String::from_utf8(m.to_vec().unwrap()).unwrap();
    assert!(s.contains("Content-Type: text/csv; charset=UTF-8"), "{s}");
}
