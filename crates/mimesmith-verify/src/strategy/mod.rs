//! proptest strategies for the builder's inputs (feature `strategies`): one
//! `arb_<production>()` per grammar rule, bounded in size and depth.
//!
//! Text is drawn from the things that break mail: CJK, emoji and ZWJ
//! sequences, combining marks, right-to-left scripts, quoting specials,
//! CR/LF, NUL and other controls, unbroken 200-character words, empty
//! strings. Everything produces a [`Spec`], the builder's input as data.

use mimesmith::spec::{AddressSpec, AttachmentSpec, LeafSpec, MultiSpec, NodeSpec, Spec};
use proptest::prelude::*;
use proptest::sample::select;

/// Longest text fragment list joined into one value.
const MAX_FRAGMENTS: usize = 8;
/// Deepest body tree generated.
pub const MAX_TREE_DEPTH: u32 = 5;

/// A fixed date, so that the only randomness in a built message is the spec.
pub const DATE: &str = "2026-11-23T10:00:00+08:00";

/// Which characters a text may draw from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextOptions {
    /// CR and LF (which the builder turns into spaces in headers).
    pub line_breaks: bool,
    /// NUL and other C0/C1 controls.
    pub controls: bool,
}

impl TextOptions {
    /// Everything, controls included.
    pub const ALL: Self = Self {
        line_breaks: true,
        controls: true,
    };
    /// Everything but controls (what issue-level Python checks can compare).
    pub const PRINTABLE: Self = Self {
        line_breaks: true,
        controls: false,
    };
}

/// An ASCII word of letters and digits.
pub fn arb_ascii_word() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{1,12}"
}

/// A run of CJK ideographs, kana or Hangul.
pub fn arb_cjk() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\u{4E00}-\u{9FA5}]{1,12}",
        "[\u{3041}-\u{3093}\u{30A1}-\u{30F3}]{1,8}",
        "[\u{AC00}-\u{D7A3}]{1,8}",
        Just("季度报告：第三季度销售数据与分析".to_owned()),
        Just("繁體中文（測試）".to_owned()),
    ]
}

/// Emoji, with skin tones, flags and ZWJ sequences.
pub fn arb_emoji() -> impl Strategy<Value = String> {
    select(vec![
        "😀",
        "👍🏽",
        "👨\u{200D}👩\u{200D}👧\u{200D}👦",
        "🏳️\u{200D}🌈",
        "🇨🇳",
        "🇯🇵🇰🇷",
        "❤️",
        "🧑🏿\u{200D}🚀",
    ])
    .prop_map(str::to_owned)
}

/// A base letter with one to five combining marks.
pub fn arb_combining() -> impl Strategy<Value = String> {
    ("[a-zA-Z]", "[\u{0300}-\u{036F}]{1,5}").prop_map(|(b, m)| b + &m)
}

/// Right-to-left text (Hebrew, Arabic).
pub fn arb_rtl() -> impl Strategy<Value = String> {
    prop_oneof!["[\u{05D0}-\u{05EA}]{1,8}", "[\u{0627}-\u{064A}]{1,8}"]
}

/// RFC 5322 specials and quoting characters, and things that look like
/// encoded words.
pub fn arb_specials() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\"(),.:;<>@\\[\\]\\\\]{1,4}",
        select(vec![
            "=?",
            "?=",
            "=?UTF-8?B?5byg?=",
            "=?utf-8?q?x?=",
            "_",
            "=",
            "%",
            "'",
            "*"
        ])
        .prop_map(str::to_owned),
    ]
}

/// Whitespace: spaces and tabs.
pub fn arb_ws() -> impl Strategy<Value = String> {
    "[ \t]{1,12}"
}

/// An unbroken word of 200 characters, ASCII or CJK.
pub fn arb_long_word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{200}",
        "[\u{4E00}-\u{9FA5}]{200}",
        Just("x".repeat(1200))
    ]
}

/// A control character.
pub fn arb_control() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\u{0}-\u{8}\u{B}\u{C}\u{E}-\u{1F}\u{7F}]",
        "[\u{80}-\u{9F}]"
    ]
}

/// One fragment of text.
pub fn arb_fragment(opts: TextOptions) -> impl Strategy<Value = String> {
    let mut choices: Vec<(u32, BoxedStrategy<String>)> = vec![
        (6, arb_ascii_word().boxed()),
        (5, arb_cjk().boxed()),
        (4, Just(" ".to_owned()).boxed()),
        (2, arb_emoji().boxed()),
        (2, arb_combining().boxed()),
        (1, arb_rtl().boxed()),
        (2, arb_specials().boxed()),
        (2, arb_ws().boxed()),
        (1, arb_long_word().boxed()),
    ];
    if opts.line_breaks {
        choices.push((
            1,
            select(vec!["\r\n", "\n", "\r", "\r\n\r\n"])
                .prop_map(str::to_owned)
                .boxed(),
        ));
    }
    if opts.controls {
        choices.push((1, arb_control().boxed()));
    }
    proptest::strategy::Union::new_weighted(choices)
}

/// Text of any kind, possibly empty.
pub fn arb_text(opts: TextOptions) -> impl Strategy<Value = String> {
    prop::collection::vec(arb_fragment(opts), 0..MAX_FRAGMENTS).prop_map(|v| v.concat())
}

/// A subject (unstructured text, RFC 5322 §3.6.5). Never with control
/// characters, which the builder refuses in every header text (a typed
/// error, tested on its own).
pub fn arb_subject(opts: TextOptions) -> impl Strategy<Value = String> {
    arb_header_text(opts)
}

/// Header text of any kind but controls (which the builder refuses).
pub fn arb_header_text(opts: TextOptions) -> impl Strategy<Value = String> {
    arb_text(TextOptions {
        controls: false,
        ..opts
    })
}

/// A display name (a phrase, RFC 5322 §3.2.5). Never with control
/// characters, which the builder refuses in names (a typed error, tested on
/// its own).
pub fn arb_display_name(opts: TextOptions) -> impl Strategy<Value = String> {
    arb_text(TextOptions {
        controls: false,
        ..opts
    })
}

/// A local part: a dot-atom or one that needs quoting.
pub fn arb_local_part() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z0-9]{1,10}(\\.[a-z0-9+_-]{1,8}){0,2}",
        1 => "\"[a-z]{1,6} [a-z]{1,6}\"",
        1 => "\"[a-z]{1,4}\\\\\"[a-z]{1,4}\"",
    ]
}

/// A domain: ASCII, internationalized (punycode when written), or a literal.
pub fn arb_domain() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-z]{1,10}\\.(com|cn|org|example)",
        2 => select(vec!["例子.测试", "bücher.de", "münchen.example", "пример.рф", "日本.jp"]).prop_map(str::to_owned),
        1 => Just("[192.0.2.1]".to_owned()),
    ]
}

/// An addr-spec.
pub fn arb_addr_spec() -> impl Strategy<Value = String> {
    (arb_local_part(), arb_domain()).prop_map(|(l, d)| format!("{l}@{d}"))
}

/// A mailbox, with or without a display name.
pub fn arb_mailbox(opts: TextOptions) -> impl Strategy<Value = AddressSpec> {
    prop_oneof![
        1 => arb_addr_spec().prop_map(AddressSpec::Text),
        3 => (arb_display_name(opts), arb_addr_spec())
            .prop_map(|(name, email)| AddressSpec::Mailbox { name: Some(name), email }),
    ]
}

/// An address: a mailbox or a group.
pub fn arb_address(opts: TextOptions) -> impl Strategy<Value = AddressSpec> {
    prop_oneof![
        6 => arb_mailbox(opts),
        1 => (arb_display_name(opts).prop_filter("group names are not empty", |n| !n.trim().is_empty()),
              prop::collection::vec(arb_mailbox(opts), 0..3))
            .prop_map(|(group, members)| AddressSpec::Group { group, members }),
    ]
}

/// A file name: any text, often with an extension.
pub fn arb_filename(opts: TextOptions) -> impl Strategy<Value = String> {
    (
        arb_text(opts),
        select(vec!["", ".pdf", ".xlsx", ".txt", ".png", ".tar.gz"]),
    )
        .prop_map(|(stem, ext)| stem + ext)
}

/// Binary content: any octets, sometimes empty, sometimes large.
pub fn arb_binary() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => prop::collection::vec(any::<u8>(), 0..600),
        1 => prop::collection::vec(any::<u8>(), 0..20_000),
        1 => Just(Vec::new()),
    ]
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// An attachment given as bytes.
pub fn arb_attachment(opts: TextOptions) -> impl Strategy<Value = AttachmentSpec> {
    (
        arb_filename(opts),
        arb_binary(),
        prop::option::of(select(vec![
            "application/octet-stream",
            "image/png",
            "application/pdf",
        ])),
    )
        .prop_map(|(filename, bytes, ct)| AttachmentSpec {
            filename: Some(filename),
            content_type: ct.map(str::to_owned),
            base64: Some(b64(&bytes)),
            ..AttachmentSpec::default()
        })
}

/// An inline image with a Content-ID.
pub fn arb_inline() -> impl Strategy<Value = AttachmentSpec> {
    ("[a-z]{1,8}", arb_binary()).prop_map(|(cid, bytes)| AttachmentSpec {
        filename: Some(format!("{cid}.png")),
        cid: Some(format!("{cid}@example.cn")),
        base64: Some(b64(&bytes)),
        ..AttachmentSpec::default()
    })
}

/// A leaf of a body tree: text of some type, or bytes.
pub fn arb_leaf(opts: TextOptions) -> impl Strategy<Value = NodeSpec> {
    prop_oneof![
        3 => (select(vec!["text/plain", "text/html", "text/csv"]), arb_text(opts)).prop_map(|(ct, text)| NodeSpec::Leaf(LeafSpec {
            content_type: ct.to_owned(), text: Some(text), base64: None, file: None, filename: None,
            disposition: None, cid: None, charset: None, transfer_encoding: None,
        })),
        2 => (arb_binary(), prop::option::of(arb_filename(opts))).prop_map(|(bytes, filename)| NodeSpec::Leaf(LeafSpec {
            content_type: "application/octet-stream".to_owned(), text: None, base64: Some(b64(&bytes)), file: None,
            disposition: filename.as_ref().map(|_| "attachment".to_owned()), filename,
            cid: None, charset: None, transfer_encoding: None,
        })),
        1 => arb_embedded_message().prop_map(|bytes| NodeSpec::Leaf(LeafSpec {
            content_type: "message/rfc822".to_owned(), text: None, base64: Some(b64(&bytes)), file: None,
            filename: None, disposition: None, cid: None, charset: None, transfer_encoding: None,
        })),
    ]
}

/// A small message to encapsulate in message/rfc822 (8-bit included).
pub fn arb_embedded_message() -> impl Strategy<Value = Vec<u8>> {
    (arb_ascii_word(), arb_cjk()).prop_map(|(w, c)| {
        format!("From: a@example.com\r\nSubject: {w}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{c}\r\n").into_bytes()
    })
}

/// A body tree up to [`MAX_TREE_DEPTH`] levels with any multipart subtype.
pub fn arb_tree(opts: TextOptions) -> impl Strategy<Value = NodeSpec> {
    arb_leaf(opts).prop_recursive(MAX_TREE_DEPTH, 24, 4, move |inner| {
        (
            select(vec![
                "mixed",
                "alternative",
                "related",
                "digest",
                "parallel",
                "x-custom",
            ]),
            prop::collection::vec(inner, 1..4),
        )
            .prop_map(|(sub, parts)| {
                NodeSpec::Multi(MultiSpec {
                    multipart: sub.to_owned(),
                    parts,
                })
            })
    })
}

/// A whole spec: standard layout or an arbitrary tree; a fixed date and a
/// seed so the built bytes are a function of the spec.
pub fn arb_spec(opts: TextOptions) -> impl Strategy<Value = Spec> {
    let headers = (
        arb_mailbox(opts),
        prop::collection::vec(arb_address(opts), 1..4),
        prop::collection::vec(arb_address(opts), 0..3),
        prop::collection::vec(arb_mailbox(opts), 0..2),
        prop::collection::vec(arb_mailbox(opts), 0..2),
        prop::option::of(arb_subject(opts)),
        prop::collection::vec(("X-[A-Za-z]{1,10}", arb_header_text(opts)), 0..3),
        any::<u64>(),
    );
    let body = prop_oneof![
        3 => (
            prop::option::of(arb_text(opts)),
            prop::option::of(arb_text(opts)),
            prop::collection::vec(arb_inline(), 0..3),
            prop::collection::vec(arb_attachment(opts), 0..3),
        ).prop_map(|(text, html, inline, attachments)| (text, html, inline, attachments, None)),
        1 => arb_tree(opts).prop_map(|t| (None, None, Vec::new(), Vec::new(), Some(t))),
    ];
    (headers, body).prop_map(
        |(
            (from, to, cc, bcc, reply_to, subject, extra, seed),
            (text, html, inline, attachments, tree),
        )| {
            Spec {
                from: Some(from),
                to,
                cc,
                bcc,
                reply_to,
                subject,
                date: Some(DATE.to_owned()),
                headers: extra,
                text,
                html,
                inline,
                attachments,
                body: tree,
                seed: Some(seed),
                ..Spec::default()
            }
        },
    )
}
