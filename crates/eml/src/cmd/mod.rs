//! One module per subcommand, and what they share: reading the input,
//! colour, and writing to stdout.

pub mod bounce;
pub mod compose;
pub mod extract;
pub mod fix;
pub mod headers;
pub mod lint;
pub mod output;
pub mod show;
pub mod tree;

use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;

use crate::CliError;
use crate::cli::{Cli, Command};

/// The largest message read (1 GiB): beyond that the input is refused
/// rather than exhausting memory.
pub const MAX_INPUT: u64 = 1 << 30;

/// Runs the chosen subcommand and returns its exit status.
///
/// # Errors
/// [`CliError`] when the input is unusable.
pub fn dispatch(cli: Cli) -> Result<u8, CliError> {
    let style = Style::for_stdout(cli.color);
    match cli.command {
        Command::Bounce { paths, json } => bounce::run(&paths, json, style),
        Command::Compose { spec, output } => compose::run(&spec, output.as_deref()),
        Command::Tree { file, json } => tree::run(&file, json, style),
        Command::Headers { file, json, part } => headers::run(&file, json, part.as_deref(), style),
        Command::Lint {
            files,
            json,
            allow,
            deny,
        } => lint::run(&files, json, &allow, &deny, style),
        Command::Show { file, part, json } => show::run(&file, part.as_deref(), json),
        Command::Extract {
            file,
            dir,
            force,
            json,
        } => extract::run(&file, &dir, force, json),
        Command::Fix {
            file,
            output,
            seed,
            json,
        } => fix::run(&file, output.as_deref(), seed, json),
    }
}

/// Reads a message from `path`, or from stdin for `-`.
///
/// # Errors
/// [`CliError::Usage`] naming the file when it cannot be read or is too large.
pub fn read_input(path: &Path) -> Result<Vec<u8>, CliError> {
    let name = display_name(path);
    let mut bytes = Vec::new();
    let result = if path == Path::new("-") {
        io::stdin()
            .lock()
            .take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(MAX_INPUT + 1).read_to_end(&mut bytes))
    };
    result.map_err(|e| CliError::Usage(format!("cannot read {name}: {e}")))?;
    if bytes.len() as u64 > MAX_INPUT {
        return Err(CliError::Usage(format!(
            "{name} is larger than {MAX_INPUT} bytes"
        )));
    }
    Ok(bytes)
}

/// Reads and parses a message for a command that inspects it.
///
/// # Errors
/// [`CliError::Usage`] (exit 2) when the file cannot be read or is not a
/// message at all (no header field: an empty file, random bytes), the one
/// rule every inspecting command follows.
pub fn read_message(path: &Path) -> Result<(Vec<u8>, mimesmith_verify::ParsedMessage), CliError> {
    let raw = read_input(path)?;
    let parsed = mimesmith_verify::parse(&raw);
    if let Some(d) = parsed
        .diagnostics
        .iter()
        .find(|d| d.code == mimesmith_verify::Code::NotAMessage)
    {
        return Err(CliError::Usage(format!(
            "{}: {}",
            display_name(path),
            d.message
        )));
    }
    Ok((raw, parsed))
}

/// How a path is named in messages (`-` is stdin).
#[must_use]
pub fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// ANSI colour for human output: on when stdout is a terminal and `NO_COLOR`
/// is unset or empty (<https://no-color.org>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Whether escapes are written.
    pub color: bool,
}

impl Style {
    /// The style `--color` asks for: for `auto`, colour when stdout is a
    /// terminal and `NO_COLOR` is unset or empty.
    #[must_use]
    pub fn for_stdout(choice: crate::cli::ColorChoice) -> Self {
        use crate::cli::ColorChoice;
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                !no_color && io::stdout().is_terminal()
            }
        };
        Self { color }
    }

    /// No colour.
    #[must_use]
    pub const fn plain() -> Self {
        Self { color: false }
    }

    fn paint(self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    /// Bold.
    #[must_use]
    pub fn bold(self, s: &str) -> String {
        self.paint("1", s)
    }

    /// Dim, for secondary detail.
    #[must_use]
    pub fn dim(self, s: &str) -> String {
        self.paint("2", s)
    }

    /// Coloured by severity: red, yellow, blue.
    #[must_use]
    pub fn severity(self, severity: mimesmith_verify::Severity, s: &str) -> String {
        let code = match severity {
            mimesmith_verify::Severity::Error => "1;31",
            mimesmith_verify::Severity::Warning => "1;33",
            mimesmith_verify::Severity::Info => "1;34",
        };
        self.paint(code, s)
    }

    /// Cyan, for part paths and names.
    #[must_use]
    pub fn accent(self, s: &str) -> String {
        self.paint("36", s)
    }
}

/// Shows control characters of untrusted text as `\u{…}` escapes so that
/// nothing in a message can drive the terminal (ANSI escapes, CR overwrites)
/// or reorder what is shown (bidi controls,
/// [`mimesmith_verify::display::is_bidi_control`]).
#[must_use]
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if mimesmith_verify::display::needs_escape(c, true) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// Raw header bytes as a string: UTF-8 as is, any other byte as `\xNN`.
#[must_use]
pub fn raw_string(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Writes `text` to stdout.
///
/// # Errors
/// When stdout cannot be written (a closed pipe is handled by the caller).
pub fn print(text: &str) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .map_err(anyhow::Error::from)?;
    out.flush().map_err(anyhow::Error::from)?;
    Ok(())
}

/// Writes bytes to stdout.
///
/// # Errors
/// When stdout cannot be written.
pub fn print_bytes(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    out.write_all(bytes).map_err(anyhow::Error::from)?;
    out.flush().map_err(anyhow::Error::from)?;
    Ok(())
}

/// A JSON value, pretty or as one line, plus a newline, to stdout.
///
/// # Errors
/// When stdout cannot be written.
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T, pretty: bool) -> Result<(), CliError> {
    let s = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .map_err(anyhow::Error::from)?;
    print(&(s + "\n"))
}
