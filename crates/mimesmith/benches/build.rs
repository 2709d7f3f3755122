//! The same two messages built by mimesmith, mail-builder 2.0.1 and lettre
//! 0.11 in one run, each through its own API, into a `Vec<u8>`:
//!
//! - large: Chinese subject and names, Chinese HTML and text, a 200 KB inline
//!   image, a 10 MiB attachment with a Chinese name;
//! - small: Chinese subject and names, 1 KB of Chinese text.
//!
#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]
//! Date and Message-ID are given to all three, so none of them pays for a
//! clock or a random source. Run: `cargo bench -p mimesmith --bench build`.

use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const DATE: i64 = 1_795_399_200;
const SUBJECT: &str = "季度报告：第三季度销售数据与分析";

struct Inputs {
    text: String,
    html: String,
    image: Vec<u8>,
    attachment: Vec<u8>,
    small_text: String,
}

fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect()
}

fn inputs() -> Inputs {
    let sentence = "这是一封测试邮件，用于衡量构建大型消息的速度。";
    let text = sentence.repeat(40);
    let html = format!("<html><body><p>{text}</p><img src=\"cid:logo@example.cn\"></body></html>");
    let small_text = "您好，这是一封简短的中文测试邮件，内容大约一千字节。".repeat(13);
    Inputs {
        text,
        html,
        image: noise(200 * 1024, 1),
        attachment: noise(10 * 1024 * 1024, 2),
        small_text,
    }
}

mod ours {
    use mimesmith::{Body, ContentId, ContentType, DateTime, Message, SinglePart};

    pub fn large(i: &super::Inputs) -> Vec<u8> {
        let msg = Message::builder()
            .from(("张三", "zhang@example.cn"))
            .to(("李四", "li@example.cn"))
            .subject(super::SUBJECT)
            .message_id("large@example.cn")
            .date(DateTime::from_unix(super::DATE, 480).unwrap_or_else(|_| DateTime::now()))
            .text(i.text.as_str())
            .html(i.html.as_str())
            .inline(
                SinglePart::inline(
                    ContentType::parse("image/png").unwrap_or_else(|_| ContentType::octet_stream()),
                    Body::Bytes(i.image.as_slice().into()),
                )
                .content_id(ContentId::new("logo@example.cn").unwrap_or_else(|_| unreachable!())),
            )
            .attachment(SinglePart::attachment(
                "第三季度销售数据.bin",
                Body::Bytes(i.attachment.as_slice().into()),
            ))
            .build()
            .unwrap_or_else(|e| unreachable!("{e}"));
        msg.to_vec().unwrap_or_default()
    }

    pub fn small(i: &super::Inputs) -> Vec<u8> {
        let msg = Message::builder()
            .from(("张三", "zhang@example.cn"))
            .to(("李四", "li@example.cn"))
            .subject(super::SUBJECT)
            .message_id("small@example.cn")
            .date(DateTime::from_unix(super::DATE, 480).unwrap_or_else(|_| DateTime::now()))
            .text(i.small_text.as_str())
            .build()
            .unwrap_or_else(|e| unreachable!("{e}"));
        msg.to_vec().unwrap_or_default()
    }
}

mod mail_builder_ {
    use mail_builder::MessageBuilder;

    pub fn large(i: &super::Inputs) -> Vec<u8> {
        MessageBuilder::new()
            .from(("张三", "zhang@example.cn"))
            .to(vec![("李四", "li@example.cn")])
            .subject(super::SUBJECT)
            .message_id("large@example.cn")
            .date(super::DATE)
            .text_body(i.text.as_str())
            .html_body(i.html.as_str())
            .inline("image/png", "logo@example.cn", i.image.as_slice())
            .attachment(
                "application/octet-stream",
                "第三季度销售数据.bin",
                i.attachment.as_slice(),
            )
            .write_to_vec()
            .unwrap_or_default()
    }

    pub fn small(i: &super::Inputs) -> Vec<u8> {
        MessageBuilder::new()
            .from(("张三", "zhang@example.cn"))
            .to(vec![("李四", "li@example.cn")])
            .subject(super::SUBJECT)
            .message_id("small@example.cn")
            .date(super::DATE)
            .text_body(i.small_text.as_str())
            .write_to_vec()
            .unwrap_or_default()
    }
}

mod lettre_ {
    use lettre::message::header::ContentType;
    use lettre::message::{Attachment, Mailbox, Message, MultiPart};

    fn mailbox(name: &str, addr: &str) -> Mailbox {
        Mailbox::new(
            Some(name.to_owned()),
            addr.parse().unwrap_or_else(|_| unreachable!()),
        )
    }

    pub fn large(i: &super::Inputs) -> Vec<u8> {
        let png = ContentType::parse("image/png").unwrap_or(ContentType::TEXT_PLAIN);
        let bin = ContentType::parse("application/octet-stream").unwrap_or(ContentType::TEXT_PLAIN);
        Message::builder()
            .from(mailbox("张三", "zhang@example.cn"))
            .to(mailbox("李四", "li@example.cn"))
            .subject(super::SUBJECT)
            .message_id(Some("<large@example.cn>".to_owned()))
            .date(super::UNIX_EPOCH + super::Duration::from_secs(super::DATE as u64))
            .multipart(
                MultiPart::mixed()
                    .multipart(
                        MultiPart::related()
                            .multipart(MultiPart::alternative_plain_html(
                                i.text.clone(),
                                i.html.clone(),
                            ))
                            .singlepart(
                                Attachment::new_inline("logo@example.cn".to_owned())
                                    .body(i.image.clone(), png),
                            ),
                    )
                    .singlepart(
                        Attachment::new("第三季度销售数据.bin".to_owned())
                            .body(i.attachment.clone(), bin),
                    ),
            )
            .map(|m| m.formatted())
            .unwrap_or_default()
    }

    pub fn small(i: &super::Inputs) -> Vec<u8> {
        Message::builder()
            .from(mailbox("张三", "zhang@example.cn"))
            .to(mailbox("李四", "li@example.cn"))
            .subject(super::SUBJECT)
            .message_id(Some("<small@example.cn>".to_owned()))
            .date(super::UNIX_EPOCH + super::Duration::from_secs(super::DATE as u64))
            .header(ContentType::TEXT_PLAIN)
            .body(i.small_text.clone())
            .map(|m| m.formatted())
            .unwrap_or_default()
    }
}

type Builder = fn(&Inputs) -> Vec<u8>;

fn bench(c: &mut Criterion) {
    let i = inputs();
    let cases: [(&str, Builder, Builder); 3] = [
        ("mimesmith", ours::large, ours::small),
        ("mail-builder", mail_builder_::large, mail_builder_::small),
        ("lettre", lettre_::large, lettre_::small),
    ];
    for (name, large, small) in cases {
        eprintln!(
            "{name}: large message {} bytes, small message {} bytes",
            large(&i).len(),
            small(&i).len()
        );
    }
    let mut g = c.benchmark_group("large");
    g.sample_size(30).measurement_time(Duration::from_secs(6));
    g.throughput(Throughput::Elements(1));
    for (name, large, _) in cases {
        g.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| black_box(large(black_box(&i))))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("small");
    g.throughput(Throughput::Elements(1));
    for (name, _, small) in cases {
        g.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| black_box(small(black_box(&i))))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
