//! Builds and writes the benchmark's small message N times (default 2000),
//! for `valgrind --tool=callgrind`: instruction counts do not depend on the
//! machine's load.
use mimesmith::{DateTime, Message};
use std::hint::black_box;

fn main() -> Result<(), mimesmith::Error> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let small_text = "您好，这是一封简短的中文测试邮件，内容大约一千字节。".repeat(13);
    let date = DateTime::from_unix(1_795_399_200, 480)?;
    for _ in 0..n {
        let msg = Message::builder()
            .from(("张三", "zhang@example.cn"))
            .to(("李四", "li@example.cn"))
            .subject("季度报告：第三季度销售数据与分析")
            .message_id("small@example.cn")
            .date(date)
            .text(small_text.as_str())
            .build()?;
        black_box(msg.to_vec()?);
    }
    Ok(())
}
