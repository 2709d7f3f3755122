//! mail-builder's small message N times, for callgrind comparisons.
use std::hint::black_box;
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let small_text = "您好，这是一封简短的中文测试邮件，内容大约一千字节。".repeat(13);
    for _ in 0..n {
        black_box(
            mail_builder::MessageBuilder::new()
                .from(("张三", "zhang@example.cn"))
                .to(vec![("李四", "li@example.cn")])
                .subject("季度报告：第三季度销售数据与分析")
                .message_id("small@example.cn")
                .date(1_795_399_200i64)
                .text_body(small_text.as_str())
                .write_to_vec()
                .unwrap_or_default(),
        );
    }
}
