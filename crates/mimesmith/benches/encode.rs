//! Transfer encoders against the crates they compete with.
//!
//! Run short on the shared machine:
//! `cargo bench -p mimesmith --bench encode -- --warm-up-time 1 --measurement-time 3`
//!
//! - `base64_10MiB`: 10 MiB of random octets, wrapped MIME base64, appended
//!   to one pre-sized vector (`big`), in chunks of ~48 KiB appended to that
//!   vector (`chunks`), or in chunks to a small vector emptied after each
//!   chunk as a writer flushing its buffer would (`stream`). `*_unwrapped`
//!   are floors: the same kernels without line breaks.
//! - `qp_1MB`: quoted-printable text mode on Chinese, mostly-ASCII with
//!   accents, and ASCII text; ours against `encodify::qp::BODY` and
//!   `quoted_printable`.
//! - `measure_1MB`: the measuring pass.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark harness"
)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mimesmith::encode::{Base64Encoder, Measure, QpEncoder, QpMode};
use std::hint::black_box;

const TEN_MIB: usize = 10 * 1024 * 1024;
const ONE_MB: usize = 1_000_000;
/// 862 lines of 57 octets: the chunk size closest to 48 KiB that encodify can
/// be handed without breaking lines in the wrong place.
const LINE_CHUNK: usize = 862 * 57;
/// Our encoder carries partial lines, so it gets plain 48 KiB chunks.
const CHUNK: usize = 48 * 1024;

fn random(len: usize) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[3]
        })
        .collect()
}

fn repeat_to(unit: &str, len: usize) -> Vec<u8> {
    unit.as_bytes().iter().copied().cycle().take(len).collect()
}

/// base64-turbo (AVX-512 VBMI) has no wrapping: 64 lines are encoded
/// unwrapped into an L1 buffer, then copied out line by line with CRLF.
fn turbo_wrapped(input: &[u8], out: &mut Vec<u8>) {
    const BLOCK: usize = 64;
    let mut unwrapped = [0u8; BLOCK * 76];
    let (lines, tail) = input.as_chunks::<57>();
    out.reserve(lines.len() * 78);
    for group in lines.chunks(BLOCK) {
        let encoded = &mut unwrapped[..group.len() * 76];
        base64_turbo::STANDARD
            .encode_slice(group.as_flattened(), &mut *encoded)
            .unwrap();
        let (encoded_lines, _) = encoded.as_chunks::<76>();
        out.extend(encoded_lines.iter().flat_map(|line| {
            let mut full = [b'\n'; 78];
            full[..76].copy_from_slice(line);
            full[76] = b'\r';
            full
        }));
    }
    encodify::base64::MIME.encode_append(tail, out);
}

fn base64(c: &mut Criterion) {
    let input = random(TEN_MIB);
    let encoded_len = usize::try_from(Base64Encoder::encoded_len(input.len() as u64)).unwrap();
    let mut big = vec![0u8; encoded_len + 4096];
    let mut small = Vec::with_capacity(2 * CHUNK);

    let mut group = c.benchmark_group("base64_10MiB");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.sample_size(20);

    group.bench_function(BenchmarkId::new("encodify_mime", "big"), |b| {
        b.iter(|| {
            big.clear();
            encodify::base64::MIME.encode_append(black_box(&input), &mut big);
            black_box(big.len())
        });
    });
    group.bench_function(BenchmarkId::new("mimesmith", "big"), |b| {
        b.iter(|| {
            big.clear();
            let mut encoder = Base64Encoder::new();
            encoder.update(black_box(&input), &mut big);
            encoder.finish(&mut big);
            black_box(big.len())
        });
    });
    group.bench_function(BenchmarkId::new("encodify_mime", "chunks"), |b| {
        b.iter(|| {
            big.clear();
            for chunk in input.chunks(LINE_CHUNK) {
                encodify::base64::MIME.encode_append(black_box(chunk), &mut big);
            }
            black_box(big.len())
        });
    });
    group.bench_function(BenchmarkId::new("mimesmith", "chunks"), |b| {
        b.iter(|| {
            big.clear();
            let mut encoder = Base64Encoder::new();
            for chunk in input.chunks(CHUNK) {
                encoder.update(black_box(chunk), &mut big);
            }
            encoder.finish(&mut big);
            black_box(big.len())
        });
    });
    group.bench_function(
        BenchmarkId::new("mimesmith", "chunks_of_whole_lines"),
        |b| {
            b.iter(|| {
                big.clear();
                let mut encoder = Base64Encoder::new();
                for chunk in input.chunks(LINE_CHUNK) {
                    encoder.update(black_box(chunk), &mut big);
                }
                encoder.finish(&mut big);
                black_box(big.len())
            });
        },
    );
    group.bench_function(BenchmarkId::new("encodify_mime", "stream"), |b| {
        b.iter(|| {
            let mut total = 0;
            for chunk in input.chunks(LINE_CHUNK) {
                small.clear();
                encodify::base64::MIME.encode_append(black_box(chunk), &mut small);
                total += black_box(&small).len();
            }
            total
        });
    });
    group.bench_function(BenchmarkId::new("mimesmith", "stream"), |b| {
        b.iter(|| {
            let mut total = 0;
            let mut encoder = Base64Encoder::new();
            for chunk in input.chunks(CHUNK) {
                small.clear();
                encoder.update(black_box(chunk), &mut small);
                total += black_box(&small).len();
            }
            small.clear();
            encoder.finish(&mut small);
            total + small.len()
        });
    });
    group.bench_function(BenchmarkId::new("base64_turbo_lines", "big"), |b| {
        b.iter(|| {
            big.clear();
            turbo_wrapped(black_box(&input), &mut big);
            black_box(big.len())
        });
    });
    group.bench_function(BenchmarkId::new("base64_turbo_lines", "stream"), |b| {
        b.iter(|| {
            let mut total = 0;
            for chunk in input.chunks(LINE_CHUNK) {
                small.clear();
                turbo_wrapped(black_box(chunk), &mut small);
                total += black_box(&small).len();
            }
            total
        });
    });
    group.bench_function(BenchmarkId::new("encodify_unwrapped", "big"), |b| {
        b.iter(|| {
            big.clear();
            encodify::base64::STANDARD.encode_append(black_box(&input), &mut big);
            black_box(big.len())
        });
    });
    let mut zeroed = vec![0u8; input.len().div_ceil(3) * 4];
    group.bench_function(
        BenchmarkId::new("base64_turbo_unwrapped", "prezeroed"),
        |b| {
            b.iter(|| {
                base64_turbo::STANDARD
                    .encode_slice(black_box(&input), &mut zeroed)
                    .unwrap();
                black_box(zeroed.len())
            });
        },
    );
    group.finish();

    // The comparison is only fair if the outputs agree.
    let mut ours = Vec::new();
    let mut encoder = Base64Encoder::new();
    for chunk in input.chunks(CHUNK) {
        encoder.update(chunk, &mut ours);
    }
    encoder.finish(&mut ours);
    let mut theirs = Vec::new();
    encodify::base64::MIME.encode_append(&input, &mut theirs);
    assert!(ours == theirs, "mimesmith and encodify disagree");
    let mut turbo = Vec::new();
    turbo_wrapped(&input, &mut turbo);
    assert!(turbo == theirs, "base64-turbo variant disagrees");
}

fn texts() -> [(&'static str, Vec<u8>); 3] {
    let chinese = repeat_to("这是一封测试邮件，用于衡量构建大型消息的速度。", ONE_MB);
    let mixed = repeat_to(
        "Grüße aus München! Das Café an der Ecke serviert täglich Crème brûlée,\n\
         und die Straße davor ist für Fußgänger reserviert. Bis bald, Jürgen.\n",
        ONE_MB,
    );
    let ascii = repeat_to(
        "The quick brown fox jumps over the lazy dog while the committee\n\
         reviews the quarterly figures; nobody expects a surprise = none.\n",
        ONE_MB,
    );
    [("chinese", chinese), ("mixed", mixed), ("ascii", ascii)]
}

fn qp(c: &mut Criterion) {
    let mut group = c.benchmark_group("qp_1MB");
    group.sample_size(20);
    let mut out = Vec::with_capacity(4 * ONE_MB);
    for (name, text) in texts() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(BenchmarkId::new("mimesmith", name), |b| {
            b.iter(|| {
                out.clear();
                let mut encoder = QpEncoder::new(QpMode::Text);
                encoder.update(black_box(&text), &mut out);
                encoder.finish(&mut out);
                black_box(out.len())
            });
        });
        group.bench_function(BenchmarkId::new("mimesmith_chunks", name), |b| {
            b.iter(|| {
                out.clear();
                let mut encoder = QpEncoder::new(QpMode::Text);
                for chunk in text.chunks(CHUNK) {
                    encoder.update(black_box(chunk), &mut out);
                }
                encoder.finish(&mut out);
                black_box(out.len())
            });
        });
        group.bench_function(BenchmarkId::new("encodify_body", name), |b| {
            b.iter(|| {
                out.clear();
                encodify::qp::BODY.encode_append(black_box(&text), &mut out);
                black_box(out.len())
            });
        });
        group.bench_function(BenchmarkId::new("quoted_printable", name), |b| {
            b.iter(|| black_box(quoted_printable::encode(black_box(&text))).len());
        });
    }
    group.finish();
}

fn measure(c: &mut Criterion) {
    let mut group = c.benchmark_group("measure_1MB");
    group.sample_size(20);
    let [chinese, mixed, ascii] = texts();
    for (name, body) in [chinese, mixed, ascii, ("random", random(ONE_MB))] {
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| black_box(Measure::of(black_box(&body))))
        });
    }
    group.finish();
}

criterion_group!(benches, base64, qp, measure);
criterion_main!(benches);
