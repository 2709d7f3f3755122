//! Loops `to_vec` of the small message, for profilers.
use mimesmith::{DateTime, Message};
fn main() -> Result<(), mimesmith::Error> {
    let small_text = "您好，这是一封简短的中文测试邮件，内容大约一千字节。".repeat(13);
    let date = DateTime::from_unix(1_795_399_200, 480)?;
    let msg = Message::builder()
        .from(("张三", "zhang@example.cn"))
        .to(("李四", "li@example.cn"))
        .subject("季度报告：第三季度销售数据与分析")
        .message_id("small@example.cn")
        .date(date)
        .text(small_text.as_str())
        .build()?;
    let mut n = 0;
    for _ in 0..2_000_000 {
        n += msg.to_vec()?.len();
    }
    eprintln!("{n}");
    Ok(())
}
