//! What users type, through the public builder API (issue 10), judged by
//! oracles that could fail:
//!
//! - `prop_every_field_every_length`: every header text field (Subject,
//!   the display names of From, To, Cc and Reply-To, a group name, an extra
//!   header, a part's description, a file name) at every length from 40 to
//!   90 characters, drawn from Unicode's hard cases: every emoji sequence
//!   Unicode lists (ZWJ, tag, keycap, modifier, flag; the `emojis` crate
//!   ships `emoji-test.txt`), long combining sequences, Hangul jamo, Indic
//!   conjuncts, prepend marks, regional indicators, CJK and ASCII. The
//!   message must hold the invariants (no line over 78 where a fold was
//!   possible), lint with no error and no warning, read back exactly, and
//!   no encoded word may end inside a grapheme cluster that one word could
//!   have held.
//! - `prop_recipient_lists`: lists of 1 to 40 mailboxes and groups typed
//!   as one string reach the envelope and the To field whole, in order.
//!
//! - `random_calls_reach_a_built_message_often`: the `builder_api` fuzz
//!   property (every public builder method called with arbitrary strings)
//!   on random inputs, so it runs in `cargo test` too, bounded; and at
//!   least a fifth of them must get as far as a built message.
//!
//! 256 cases each by default (`PROPTEST_CASES` overrides).

use std::sync::LazyLock;

use mimesmith::{AddressList, Body, DateTime, Mailbox, Message, MessageBuilder, SinglePart};
use mimesmith_tests::python::config;
use mimesmith_tests::rfc2047;
use mimesmith_verify::diag::Severity;
use mimesmith_verify::invariants::{InvariantOptions, check};
use proptest::prelude::*;
use proptest::sample::select;
use unicode_segmentation::UnicodeSegmentation;

/// Every emoji of Unicode's list, with every skin-tone variant.
static EMOJI: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut v = Vec::new();
    for e in emojis::iter() {
        v.push(e.as_str().to_owned());
        if let Some(tones) = e.skin_tones() {
            v.extend(tones.map(|t| t.as_str().to_owned()));
        }
    }
    v
});

#[test]
fn the_emoji_list_holds_every_kind_of_sequence() {
    let has = |f: &dyn Fn(&str) -> bool| EMOJI.iter().any(|e| f(e));
    assert!(EMOJI.len() > 3000, "{}", EMOJI.len());
    assert!(has(&|e| e.contains('\u{200D}')), "ZWJ");
    assert!(has(&|e| e.contains('\u{E007F}')), "tag sequence");
    assert!(has(&|e| e.contains('\u{20E3}')), "keycap");
    assert!(has(&|e| e.contains('\u{1F3FD}')), "modifier");
    assert!(
        has(&|e| e.chars().all(|c| ('\u{1F1E6}'..='\u{1F1FF}').contains(&c))),
        "flag"
    );
}

fn chars_in(lo: u32, hi: u32) -> impl Strategy<Value = char> {
    (lo..=hi).prop_filter_map("scalar", char::from_u32)
}

/// One hard grapheme cluster, or a plain piece of text.
fn arb_piece() -> impl Strategy<Value = String> {
    let combining = (
        chars_in(0x61, 0x7A),
        prop::collection::vec(
            prop_oneof![
                chars_in(0x300, 0x36F),
                chars_in(0x1AB0, 0x1ACE),
                chars_in(0x20D0, 0x20F0)
            ],
            1..24,
        ),
    )
        .prop_map(|(b, marks)| std::iter::once(b).chain(marks).collect::<String>());
    let hangul = (
        chars_in(0x1100, 0x1112),
        chars_in(0x1161, 0x1175),
        prop::option::of(chars_in(0x11A8, 0x11C2)),
    )
        .prop_map(|(l, v, t)| {
            [Some(l), Some(v), t]
                .into_iter()
                .flatten()
                .collect::<String>()
        });
    let devanagari = (chars_in(0x915, 0x939), chars_in(0x915, 0x939))
        .prop_map(|(a, b)| format!("{a}\u{94D}{b}\u{93F}"));
    let regional = (chars_in(0x1F1E6, 0x1F1FF), chars_in(0x1F1E6, 0x1F1FF))
        .prop_map(|(a, b)| format!("{a}{b}"));
    let prepend = chars_in(0x30, 0x39).prop_map(|d| format!("\u{600}{d}"));
    let zwj_chain =
        prop::collection::vec(select(EMOJI.clone()), 2..5).prop_map(|v| v.join("\u{200D}"));
    prop_oneof![
        4 => select(EMOJI.clone()),
        1 => zwj_chain,
        2 => combining,
        1 => hangul,
        1 => devanagari,
        1 => regional,
        1 => prepend,
        2 => chars_in(0x4E00, 0x9FA5).prop_map(String::from),
        2 => "[A-Za-z0-9]{1,12}",
        2 => Just(" ".to_owned()),
        1 => "[àéîõüßçñ]{1,4}",
        1 => "[-.,;:!?'()\"\\\\]{1,3}",
    ]
}

/// Text of exactly `n` characters built from [`arb_piece`]s, or an
/// unbroken ASCII word, or CJK, or words.
fn arb_text_of(n: usize) -> impl Strategy<Value = String> {
    let take = move |s: String| s.chars().take(n).collect::<String>();
    prop_oneof![
        3 => prop::collection::vec(arb_piece(), n..n + 1).prop_map(move |v| take(v.concat())),
        1 => Just("x".repeat(n)),
        1 => prop::collection::vec(chars_in(0x4E00, 0x9FA5), n..n + 1).prop_map(|v| v.into_iter().collect()),
        1 => prop::collection::vec("[a-z]{1,9}", n..n + 1).prop_map(move |v| take(v.join(" "))),
    ]
}

#[derive(Debug, Clone, Copy)]
enum Field {
    Subject,
    FromName,
    ToName,
    CcName,
    ReplyToName,
    GroupName,
    Extra,
    Description,
    Filename,
}

const FIELDS: [Field; 9] = [
    Field::Subject,
    Field::FromName,
    Field::ToName,
    Field::CcName,
    Field::ReplyToName,
    Field::GroupName,
    Field::Extra,
    Field::Description,
    Field::Filename,
];

fn base() -> MessageBuilder<'static> {
    Message::builder()
        .seed(7)
        .date(DateTime::from_unix(1_800_000_000, 480).unwrap_or_else(|e| panic!("{e}")))
        .text("body")
}

/// The message with `text` in `field`, or the typed error.
fn build(field: Field, text: &str) -> mimesmith::Result<Vec<u8>> {
    let mb = |name: &str, email: &str| Mailbox::new(name, email);
    let b = base();
    let b = match field {
        Field::FromName => b.from(mb(text, "a@example.com")?).to("b@example.com"),
        Field::ToName => b.from("a@example.com").to(mb(text, "b@example.com")?),
        Field::CcName => b
            .from("a@example.com")
            .to("b@example.com")
            .cc(mb(text, "c@example.com")?),
        Field::ReplyToName => b
            .from("a@example.com")
            .to("b@example.com")
            .reply_to(mb(text, "r@example.com")?),
        Field::GroupName => b.from("a@example.com").to(mimesmith::Group::new(
            text,
            vec![Mailbox::parse("b@example.com")?],
        )?),
        _ => b.from("a@example.com").to("b@example.com"),
    };
    let part = || SinglePart::attachment("a.bin", Body::Bytes(b"\x00\x01".as_slice().into()));
    let b = match field {
        Field::Subject => b.subject(text.to_owned()),
        Field::Extra => b.header("X-Note", text),
        Field::Description => b.attachment(part().description(text)),
        Field::Filename => b.attachment(SinglePart::attachment(
            text,
            Body::Bytes(b"\x00\x01".as_slice().into()),
        )),
        _ => b,
    };
    b.build()?.to_vec()
}

/// Display names and group names as the builder normalises them.
fn normalised(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The largest UTF-8 text one "B" word holds: 75 - `=?UTF-8?B??=`, in
/// 3-octet groups (RFC 2047 §2).
const WORD_OCTETS: usize = (75 - 12) / 4 * 3;

/// Every encoded word of the raw field `value` ends on a grapheme boundary
/// of `text`, unless the cluster it cuts is longer than a word can hold.
fn check_no_cluster_cut(value: &str, text: &str) -> Result<(), TestCaseError> {
    let boundaries: Vec<usize> = text
        .grapheme_indices(true)
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let decoded: Vec<String> = value
        .split([' ', '\t'])
        .filter_map(|w| rfc2047::decode_word(w.trim_end_matches([',', ';', ':', '"'])))
        .collect();
    let joined = decoded.concat();
    let Some(start) = text.find(joined.as_str()) else {
        return Ok(()); // the words hold a part of the text with its spaces elsewhere
    };
    let mut at = start;
    for w in &decoded {
        at += w.len();
        if !boundaries.contains(&at) {
            let cluster = text
                .grapheme_indices(true)
                .find(|(i, g)| *i < at && at < i + g.len());
            let long = cluster.is_some_and(|(_, g)| g.len() > WORD_OCTETS);
            prop_assert!(
                long,
                "an encoded word ends inside the cluster {cluster:?} of {text:?}: {value}"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn prop_every_field_every_length(
        field in select(FIELDS.to_vec()),
        text in (40usize..=90).prop_flat_map(arb_text_of),
    ) {
        let bytes = match build(field, &text) {
            Ok(b) => b,
            // The only refusals allowed: a name or text made only of what
            // the builder may not carry (nothing left after normalising).
            Err(e) => {
                prop_assert!(text.trim().is_empty() || normalised(&text).is_empty(), "{field:?} {text:?}: {e}");
                return Ok(());
            }
        };
        let found = check(&bytes, InvariantOptions { smtputf8: false, rfc2047_params: true });
        prop_assert!(found.is_empty(), "{field:?} {text:?}: {found:#?}\n{}", String::from_utf8_lossy(&bytes));
        let linted = mimesmith_verify::lint::lint(&bytes);
        let bad: Vec<_> = linted.diagnostics.iter().filter(|d| d.severity != Severity::Info).collect();
        prop_assert!(bad.is_empty(), "{field:?} {text:?}: {bad:#?}\n{}", String::from_utf8_lossy(&bytes));
        let p = &linted.parsed;
        let name_of = |a: Vec<mimesmith_verify::parse::Addr>| a.first().and_then(|a| a.name.clone());
        let (got, want) = match field {
            Field::Subject => (p.subject().map(str::to_owned), Some(text.clone())),
            Field::FromName => (name_of(p.from()), Some(normalised(&text))),
            Field::ToName => (name_of(p.to()), Some(normalised(&text))),
            Field::CcName => (name_of(p.cc()), Some(normalised(&text))),
            Field::ReplyToName | Field::GroupName | Field::Extra => {
                let name = match field { Field::ReplyToName => "Reply-To", Field::GroupName => "To", _ => "X-Note" };
                let raw = rfc2047::header(&bytes, name).unwrap_or_default();
                let want = if matches!(field, Field::Extra) { text.clone() } else { normalised(&text) };
                prop_assert!(
                    p.header(name).is_some_and(|h| h.value.contains(want.as_str())),
                    "{field:?}: {:?} does not hold {want:?}\n{raw}", p.header(name).map(|h| h.value.clone())
                );
                (None, None)
            }
            Field::Description => (
                p.root.descendants().find_map(|d| d.header("content-description").map(|h| h.value.clone())),
                Some(text.clone()),
            ),
            Field::Filename => (
                p.root.descendants().find_map(|d| d.filename.clone()),
                mimesmith::clean_filename(&text),
            ),
        };
        prop_assert_eq!(got, want, "{:?}\n{}", field, String::from_utf8_lossy(&bytes));
        if matches!(field, Field::Subject | Field::FromName | Field::ToName | Field::CcName) {
            let name = match field { Field::Subject => "Subject", Field::FromName => "From", Field::ToName => "To", _ => "Cc" };
            let value = rfc2047::header(&bytes, name).unwrap_or_default();
            let t = if matches!(field, Field::Subject) { text.clone() } else { normalised(&text) };
            check_no_cluster_cut(&value, &t)?;
        }
    }

    #[test]
    fn prop_recipient_lists(
        people in prop::collection::vec(
            (prop::option::of(prop_oneof![arb_text_of(8), "[A-Z][a-z]{1,6}, [A-Z][a-z]{1,6}", "[a-z]{1,8}"]), "[a-z]{1,8}", 0u8..3),
            1..40,
        ),
        group_at in prop::option::of(0usize..40),
    ) {
        let mut typed = Vec::new();
        let mut emails = Vec::new();
        for (i, (name, user, domain)) in people.iter().enumerate() {
            let email = format!("{user}{i}@d{domain}.example");
            emails.push(email.clone());
            let entry = match name.as_deref().map(normalised).filter(|n| !n.is_empty()) {
                Some(n) => {
                    let quoted = n.replace('\\', "\\\\").replace('"', "\\\"");
                    format!("\"{quoted}\" <{email}>")
                }
                None => email,
            };
            typed.push(entry);
        }
        let mut list = typed.join(", ");
        if let Some(g) = group_at.filter(|g| *g < typed.len()) {
            // The first `g` recipients go into a group of their own.
            let (head, tail) = typed.split_at(g);
            list = format!("team: {};{}{}", head.join(", "), if tail.is_empty() { "" } else { ", " }, tail.join(", "));
            if head.is_empty() {
                list = format!("team:;{}{}", if tail.is_empty() { "" } else { ", " }, tail.join(", "));
            }
        }
        let parsed = AddressList::parse(&list).map_err(|e| TestCaseError::fail(format!("{list}: {e}")))?;
        let got: Vec<String> = parsed.mailboxes().map(|m| m.email().to_string()).collect();
        prop_assert_eq!(&got, &emails, "{}", list);
        let m = base().from("a@example.com").to(parsed).build().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut envelope = emails.clone();
        envelope.dedup();
        prop_assert_eq!(m.envelope().to, envelope);
        let bytes = m.to_vec().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let p = mimesmith_verify::parse::parse(&bytes);
        let mut read: Vec<String> = p.to().iter().filter_map(|a| a.address.clone()).collect();
        read.sort();
        let mut want = emails.clone();
        want.sort();
        prop_assert_eq!(read, want, "{}", String::from_utf8_lossy(&bytes));
    }

}

static BUILT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static RAN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The API property is only as strong as the share of inputs that get as
/// far as a built message: random bytes must reach it often.
#[test]
fn random_calls_reach_a_built_message_often() {
    use std::sync::atomic::Ordering::Relaxed;
    let mut runner = proptest::test_runner::TestRunner::new(config(256));
    runner
        .run(&prop::collection::vec(any::<u8>(), 0..4096), |data| {
            let built =
                mimesmith_verify::fuzzing::builder_api_built(&data).map_err(TestCaseError::fail)?;
            BUILT.fetch_add(usize::from(built), Relaxed);
            RAN.fetch_add(1, Relaxed);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let (built, ran) = (BUILT.load(Relaxed), RAN.load(Relaxed));
    eprintln!("builder_api: {built} of {ran} random call sequences built a message");
    assert!(built * 5 >= ran, "only {built} of {ran} built");
}
