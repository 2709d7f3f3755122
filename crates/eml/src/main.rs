#![forbid(unsafe_code)]
//! `eml`: inspect, lint, repair and compose email messages.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
