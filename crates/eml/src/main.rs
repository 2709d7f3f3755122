#![forbid(unsafe_code)]
//! `eml`: inspect, lint, repair and compose email messages.

fn main() -> std::process::ExitCode {
    eml::run(std::env::args_os())
}
