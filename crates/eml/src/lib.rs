#![forbid(unsafe_code)]
//! `eml`: inspect, lint, repair and compose email messages. The binary is a
//! thin `main` over [`run`]; everything it does is here so tests can call it.

pub mod cli;
pub mod cmd;
pub mod fix;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

/// Exit status: clean, or warnings only.
pub const EXIT_OK: u8 = 0;
/// Exit status: problems found (lint errors).
pub const EXIT_PROBLEMS: u8 = 1;
/// Exit status: unusable input or usage.
pub const EXIT_USAGE: u8 = 2;

/// An error that decides the exit status.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input or usage: exit 2 with this one-line message.
    #[error("{0}")]
    Usage(String),
    /// Anything else that stops the command: exit 2.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Runs `eml` with `args` (the first is the program name) and returns the
/// exit status. A closed stdout (`eml tree x | head`) is not an error.
pub fn run<I: IntoIterator<Item = OsString>>(args: I) -> ExitCode {
    use clap::Parser;
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cmd::dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::from(EXIT_OK),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "eml: {}", one_line(&e));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn one_line(e: &CliError) -> String {
    match e {
        CliError::Usage(s) => s.clone(),
        CliError::Other(e) => format!("{e:#}"),
    }
    .replace(['\r', '\n'], " ")
}

fn is_broken_pipe(e: &CliError) -> bool {
    let CliError::Other(e) = e else { return false };
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<mimesmith::Error>().is_some_and(|m| {
                matches!(m, mimesmith::Error::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
            })
    })
}
