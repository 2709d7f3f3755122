//! Writes a sample message to stdout.
use mimesmith::{Body, ContentId, ContentType, DateTime, Message, SinglePart};

fn main() -> Result<(), mimesmith::Error> {
    let png = [0x89u8, b'P', b'N', b'G', 0, 1, 2, 3, 0xff, 0xfe];
    let msg = Message::builder()
        .from("张三 <zhang@example.cn>")
        .to("李四 <li@例子.测试>")
        .cc("\"Smith, John\" <john@example.com>")
        .bcc("audit@example.cn")
        .subject("季度报告：第三季度销售数据与分析，以及第四季度的预测和各部门的预算安排 Q3")
        .date(DateTime::parse_rfc3339("2026-11-23T10:00:00+08:00")?)
        .text("您好，\n\n请查收第三季度报告。\n")
        .html("<p>您好，</p><p>请查收第三季度报告。</p><img src=\"cid:logo@example.cn\">")
        .inline(
            SinglePart::inline(
                ContentType::parse("image/png")?,
                Body::Bytes(png.as_slice().into()),
            )
            .content_id(ContentId::new("logo@example.cn")?),
        )
        .attachment(SinglePart::attachment(
            "第三季度销售数据与分析报告（华东区、华南区、西南区）最终版本.xlsx",
            Body::Bytes(vec![1u8, 2, 3, 250].into()),
        ))
        .seed(42)
        .build()?;
    print!("{}", String::from_utf8_lossy(&msg.to_vec()?));
    Ok(())
}
