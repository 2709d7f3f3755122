//! Builds the benchmark's small (or large) message in a loop, for profilers:
//! `cargo run --release --example profile -- small 1000000`.
use mimesmith::{Body, ContentId, ContentType, DateTime, Message, SinglePart};

fn main() -> Result<(), mimesmith::Error> {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "small".into());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let small_text = "您好，这是一封简短的中文测试邮件，内容大约一千字节。".repeat(13);
    let text = "这是一封测试邮件，用于衡量构建大型消息的速度。".repeat(40);
    let html = format!("<html><body><p>{text}</p><img src=\"cid:logo@example.cn\"></body></html>");
    let image = vec![0xA5u8; 200 * 1024];
    let attachment: Vec<u8> = (0..10 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let date = DateTime::from_unix(1_795_399_200, 480)?;
    let start = std::time::Instant::now();
    let mut total = 0;
    for _ in 0..n {
        let b = Message::builder()
            .from(("张三", "zhang@example.cn"))
            .to(("李四", "li@example.cn"))
            .subject("季度报告：第三季度销售数据与分析")
            .message_id("small@example.cn")
            .date(date);
        let msg = if which == "large" {
            b.text(text.as_str())
                .html(html.as_str())
                .inline(
                    SinglePart::inline(
                        ContentType::parse("image/png")?,
                        Body::Bytes(image.as_slice().into()),
                    )
                    .content_id(ContentId::new("logo@example.cn")?),
                )
                .attachment(SinglePart::attachment(
                    "第三季度销售数据.bin",
                    Body::Bytes(attachment.as_slice().into()),
                ))
                .build()?
        } else {
            b.text(small_text.as_str()).build()?
        };
        total += msg.to_vec()?.len();
    }
    eprintln!(
        "{which}: {:?} per message ({total} bytes)",
        start.elapsed() / u32::try_from(n).unwrap_or(1)
    );
    Ok(())
}
