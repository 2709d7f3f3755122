//! Writes N messages built from random specs (the property tests' strategy,
//! printable text, a fixed seed) into a folder, for the seven-parser
//! crosscheck in `.ci/run`: `cargo run -p mimesmith-tests --example
//! gen_messages -- OUT_DIR 300 [SEED]`.

use std::path::{Path, PathBuf};

use mimesmith_verify::strategy::{TextOptions, arb_spec};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngSeed, TestRunner};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .ok_or("usage: gen_messages OUT_DIR COUNT [SEED]")?,
    );
    let count: usize = args
        .next()
        .ok_or("usage: gen_messages OUT_DIR COUNT [SEED]")?
        .parse()?;
    let seed: u64 = args.next().map_or(Ok(7), |s| s.parse())?;
    std::fs::create_dir_all(&dir)?;
    let mut runner = TestRunner::new(Config {
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    });
    let strategy = arb_spec(TextOptions::PRINTABLE);
    let mut written = 0;
    while written < count {
        let spec = strategy
            .new_tree(&mut runner)
            .map_err(|r| r.to_string())?
            .current();
        let Ok(message) = spec.build(Path::new(".")) else {
            continue;
        };
        std::fs::write(dir.join(format!("gen-{written:04}.eml")), message.to_vec()?)?;
        written += 1;
    }
    eprintln!("wrote {written} messages to {}", dir.display());
    Ok(())
}
