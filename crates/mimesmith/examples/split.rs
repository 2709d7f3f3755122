//! Times the small message's build and write separately.
use mimesmith::{DateTime, Message};
use std::hint::black_box;
use std::time::Instant;

fn main() -> Result<(), mimesmith::Error> {
    let small_text = "您好，这是一封简短的中文测试邮件，内容大约一千字节。".repeat(13);
    let date = DateTime::from_unix(1_795_399_200, 480)?;
    let n = 300_000u32;
    let small = || {
        Message::builder()
            .from(("张三", "zhang@example.cn"))
            .to(("李四", "li@example.cn"))
            .subject("季度报告：第三季度销售数据与分析")
            .message_id("small@example.cn")
            .date(date)
            .text(small_text.as_str())
    };
    let t = Instant::now();
    for _ in 0..n {
        black_box(mimesmith::Mailbox::new("张三", "zhang@example.cn")?);
    }
    eprintln!("mailbox: {:?}", t.elapsed() / n);
    let t = Instant::now();
    for _ in 0..n {
        black_box(small());
    }
    eprintln!("builder calls: {:?}", t.elapsed() / n);
    let t = Instant::now();
    for _ in 0..n {
        black_box(small().build()?);
    }
    eprintln!("builder + build: {:?}", t.elapsed() / n);
    let msg = small().build()?;
    let t = Instant::now();
    for _ in 0..n {
        black_box(msg.to_vec()?);
    }
    eprintln!("to_vec: {:?}", t.elapsed() / n);
    let t = Instant::now();
    for _ in 0..n {
        black_box(mimesmith::encode::Measure::of(small_text.as_bytes()));
    }
    eprintln!("measure 1KB: {:?}", t.elapsed() / n);
    Ok(())
}
