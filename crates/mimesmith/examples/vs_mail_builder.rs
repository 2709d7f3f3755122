//! The benchmark's two messages built by mimesmith and mail-builder in turn,
//! N rounds each (default 300 large, 200,000 small), with the minimum and
//! the median per message; and, as the floor for the large one, cloning a
//! `Vec` as long as the message (allocation, page faults, memcpy).
//! Interleaving puts both under the same machine load, which criterion's
//! one-after-the-other groups do not.
//!
//! `cargo run --release -p mimesmith --example vs_mail_builder [ROUNDS_LARGE [ROUNDS_SMALL]]`
use std::hint::black_box;
use std::time::Instant;

use mimesmith::{Body, ContentId, ContentType, DateTime, Message, SinglePart};

const SUBJECT: &str = "季度报告：第三季度销售数据与分析";
const DATE: i64 = 1_795_399_200;

/// The same xorshift noise as `benches/build.rs`.
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

/// Runs each closure `rounds` times, alternating, and returns per closure
/// the minimum and the median in microseconds.
fn interleave(rounds: usize, runs: &mut [&mut dyn FnMut() -> usize]) -> Vec<(f64, f64)> {
    let mut times = vec![Vec::with_capacity(rounds); runs.len()];
    for _ in 0..rounds {
        for (run, t) in runs.iter_mut().zip(times.iter_mut()) {
            let start = Instant::now();
            black_box(run());
            t.push(start.elapsed().as_secs_f64() * 1e6);
        }
    }
    times
        .into_iter()
        .map(|mut t| {
            t.sort_by(f64::total_cmp);
            (
                t.first().copied().unwrap_or(0.0),
                t.get(t.len() / 2).copied().unwrap_or(0.0),
            )
        })
        .collect()
}

fn main() -> Result<(), mimesmith::Error> {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().ok());
    let rounds_large = args.next().flatten().unwrap_or(300).max(1);
    let rounds_small = args.next().flatten().unwrap_or(200_000).max(1);
    let text = "这是一封测试邮件，用于衡量构建大型消息的速度。".repeat(40);
    let html = format!("<html><body><p>{text}</p><img src=\"cid:logo@example.cn\"></body></html>");
    let small_text = "您好，这是一封简短的中文测试邮件，内容大约一千字节。".repeat(13);
    let image = noise(200 * 1024, 1);
    let attachment = noise(10 * 1024 * 1024, 2);
    let date = DateTime::from_unix(DATE, 480)?;
    let png = ContentType::parse("image/png")?;
    let cid = ContentId::new("logo@example.cn")?;

    let ours_large = || -> Result<Vec<u8>, mimesmith::Error> {
        Message::builder()
            .from(("张三", "zhang@example.cn"))
            .to(("李四", "li@example.cn"))
            .subject(SUBJECT)
            .message_id("large@example.cn")
            .date(date)
            .text(text.as_str())
            .html(html.as_str())
            .inline(
                SinglePart::inline(png.clone(), Body::Bytes(image.as_slice().into()))
                    .content_id(cid.clone()),
            )
            .attachment(SinglePart::attachment(
                "第三季度销售数据.bin",
                Body::Bytes(attachment.as_slice().into()),
            ))
            .build()?
            .to_vec()
    };
    let theirs_large = || {
        mail_builder::MessageBuilder::new()
            .from(("张三", "zhang@example.cn"))
            .to(vec![("李四", "li@example.cn")])
            .subject(SUBJECT)
            .message_id("large@example.cn")
            .date(DATE)
            .text_body(text.as_str())
            .html_body(html.as_str())
            .inline("image/png", "logo@example.cn", image.as_slice())
            .attachment(
                "application/octet-stream",
                "第三季度销售数据.bin",
                attachment.as_slice(),
            )
            .write_to_vec()
            .unwrap_or_default()
    };
    let ours_small = || -> Result<Vec<u8>, mimesmith::Error> {
        Message::builder()
            .from(("张三", "zhang@example.cn"))
            .to(("李四", "li@example.cn"))
            .subject(SUBJECT)
            .message_id("small@example.cn")
            .date(date)
            .text(small_text.as_str())
            .build()?
            .to_vec()
    };
    let theirs_small = || {
        mail_builder::MessageBuilder::new()
            .from(("张三", "zhang@example.cn"))
            .to(vec![("李四", "li@example.cn")])
            .subject(SUBJECT)
            .message_id("small@example.cn")
            .date(DATE)
            .text_body(small_text.as_str())
            .write_to_vec()
            .unwrap_or_default()
    };

    let large_len = ours_large()?.len();
    let floor = vec![0x41u8; large_len];
    let large = interleave(
        rounds_large,
        &mut [
            &mut || ours_large().map_or(0, |v| black_box(v).len()),
            &mut || black_box(theirs_large()).len(),
            &mut || black_box(floor.clone()).len(),
        ],
    );
    let small = interleave(
        rounds_small,
        &mut [
            &mut || ours_small().map_or(0, |v| black_box(v).len()),
            &mut || black_box(theirs_small()).len(),
        ],
    );
    let row = |what: &str, (min, med): (f64, f64), (bmin, bmed): (f64, f64)| {
        println!(
            "{what:<34} min {min:>9.2} µs  median {med:>9.2} µs  ratio to mail-builder min {:.2} median {:.2}",
            min / bmin,
            med / bmed
        );
    };
    let (l, s) = (
        |i: usize| large.get(i).copied().unwrap_or((1.0, 1.0)),
        |i: usize| small.get(i).copied().unwrap_or((1.0, 1.0)),
    );
    println!("large message ({large_len} bytes), {rounds_large} rounds");
    row("  mimesmith", l(0), l(1));
    row("  mail-builder", l(1), l(1));
    row("  floor: clone a Vec that long", l(2), l(1));
    println!("small message, {rounds_small} rounds");
    row("  mimesmith", s(0), s(1));
    row("  mail-builder", s(1), s(1));
    Ok(())
}
