//! The command line (clap).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Inspect, lint, repair and compose email messages.
///
/// Every FILE may be `-` to read standard input. Exit status: 0 clean (or
/// warnings only), 1 errors found, 2 unusable input or usage.
#[derive(Debug, Parser)]
#[command(name = "eml", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    /// When to colour the output: `auto` colours a terminal unless NO_COLOR
    /// is set (<https://no-color.org>); `always` and `never` override both.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// `--color WHEN` (as ripgrep and GNU ls spell it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is unset or empty.
    Auto,
    /// Always colour, even into a pipe or with NO_COLOR set.
    Always,
    /// Never colour.
    Never,
}

const EXAMPLES: &str = "\
Examples:
  eml lint message.eml              which rules the message breaks, and why
  eml headers message.eml           every header, raw and decoded
  eml tree --json message.eml       the MIME tree for machines
  eml show message.eml              the text, with the charset repaired
  eml extract message.eml -d out/   attachments with their real names
  eml fix message.eml -o fixed.eml  a repaired copy
  eml compose spec.json -o out.eml  build a message from JSON

Exit status (every command):
  0  done; for lint: clean, or warnings only
  1  lint found an error in some file
  2  the input is not a message (an empty file, random bytes), a file cannot
     be read or written, or the command line is wrong";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The MIME tree: part paths, types, charsets, encodings, names, sizes.
    #[command(
        after_help = "Example:\n  eml tree message.eml\n  eml tree --json message.eml | jq '.children[].filename'"
    )]
    Tree {
        /// The message (`-` reads stdin).
        file: PathBuf,
        /// A nested JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Every header field in order, raw and decoded (repaired when garbled).
    #[command(
        after_help = "Example:\n  eml headers message.eml\n  eml headers --part 2 message.eml   the headers of part 2"
    )]
    Headers {
        /// The message (`-` reads stdin).
        file: PathBuf,
        /// `{"headers": [{"name", "raw", "value"}]}` instead of text.
        #[arg(long)]
        json: bool,
        /// The header of this part (IMAP path, e.g. `2` or `1.2`) instead of the message's.
        #[arg(long)]
        part: Option<String>,
    },
    /// Check messages against the rules; exit 1 when there is an error.
    #[command(after_help = LINT_HELP)]
    Lint {
        /// The messages (`-` reads stdin).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// One JSON object per file: `{"file", "diagnostics": [...]}`.
        #[arg(long)]
        json: bool,
        /// Do not report this code (repeatable).
        #[arg(long, value_name = "CODE")]
        allow: Vec<String>,
        /// Report this code as an error (repeatable).
        #[arg(long, value_name = "CODE")]
        deny: Vec<String>,
    },
    /// The decoded text of the main text part (or of --part), as UTF-8.
    #[command(
        after_help = "The declared charset is checked against the bytes and repaired when wrong;\nan HTML-only message is shown as text.\n\nExample:\n  eml show message.eml\n  eml show --part 1.2 message.eml"
    )]
    Show {
        /// The message (`-` reads stdin).
        file: PathBuf,
        /// The part to show (IMAP path).
        #[arg(long)]
        part: Option<String>,
        /// `{"path", "text", "from_html", "declared_charset", "decoded_as"}` instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write every part but the main text to a folder, with its decoded name.
    #[command(
        after_help = "Names are made safe: nothing is ever written outside DIR (no `../`, absolute\npaths, NUL or reserved Windows names); duplicates get a suffix; existing files\nare kept unless --force.\n\nExample:\n  eml extract message.eml -d attachments/"
    )]
    Extract {
        /// The message (`-` reads stdin).
        file: PathBuf,
        /// The folder to write into (created if missing).
        #[arg(short = 'd', long = "dir", value_name = "DIR")]
        dir: PathBuf,
        /// Overwrite files that already exist.
        #[arg(long)]
        force: bool,
        /// List what was written as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Repair what `eml lint` names, and leave every other byte as it is.
    #[command(
        after_help = "Only fields and parts a diagnosis names are written again (text as UTF-8,\nheaders RFC 2047-encoded, trace fields never); what changed is reported on\nstderr, or as JSON with --json.\n\nExample:\n  eml fix garbled.eml -o fixed.eml && eml lint fixed.eml"
    )]
    Fix {
        /// The message (`-` reads stdin).
        file: PathBuf,
        /// Write the repaired message here instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Seed for boundaries and generated ids (reproducible output).
        #[arg(long)]
        seed: Option<u64>,
        /// Report what changed as one JSON object on stdout (needs -o).
        #[arg(long)]
        json: bool,
    },
    /// Read bounces: per failed recipient, the status, reply code, reason and diagnostic.
    #[command(after_help = BOUNCE_HELP)]
    Bounce {
        /// Messages or folders (read recursively; `-` reads stdin).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// One JSON object per recipient and line.
        #[arg(long)]
        json: bool,
    },
    /// Build a message from a JSON spec and write it to stdout (or -o FILE).
    #[command(after_help = COMPOSE_HELP)]
    Compose {
        /// The JSON spec (`-` reads stdin; relative file paths are then relative to the current folder).
        spec: PathBuf,
        /// Write the message here instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

const LINT_HELP: &str = "\
Codes: missing-from missing-date missing-message-id missing-mime-version bare-lf
  line-too-long header-line-long raw-8bit-header charset-missing charset-mismatch
  unknown-charset encoded-word-split-char encoded-word-too-long encoded-word-invalid
  encoded-word-in-quotes mojibake base64-invalid qp-invalid multipart-unterminated
  boundary-missing cid-missing cid-unused html-without-text filename-unencoded
  filename-bidi
Exit status: 0 clean or warnings only, 1 an error in some file, 2 a file unusable.

Examples:
  eml lint message.eml
  eml lint --json *.eml > report.jsonl
  eml lint --deny header-line-long --allow missing-message-id out.eml";

const BOUNCE_HELP: &str = "\
JSON fields: file, message (its 1-based position in the file), recipient, action,
  status (RFC 3463, or sisimai's x.0.9yy when the report has none), reply_code,
  diagnostic_code, remote_mta, reason (sisimai's names: userunknown, mailboxfull,
  filtered, blocked, expired, ..., feedback, vacation), hard_bounce,
  original_message_id; null where the report does not say.
A message that is no report prints nothing with --json.
Exit status: 0 every message read (bounce or not), 2 an input unreadable.

Examples:
  eml bounce bounce.eml
  eml bounce --json maildir/ > bounces.jsonl";

const COMPOSE_HELP: &str = r#"Spec (only "from" and one recipient are required):
  { "from": MAILBOX, "sender": MAILBOX, "to": [ADDRESS], "cc": [ADDRESS], "bcc": [ADDRESS],
    "reply_to": [ADDRESS], "subject": "…", "date": "2026-11-23T10:00:00+08:00",
    "message_id": "id@host", "in_reply_to": "id@host", "references": ["id@host"],
    "headers": [["X-Name", "value"]], "text": "…", "html": "…",
    "inline": [ATTACHMENT], "attachments": [ATTACHMENT], "body": NODE,
    "charset": "utf-8", "smtputf8": false, "rfc2047_filenames": true, "seed": 42 }
  MAILBOX    = "Display Name <local@domain>" | { "name": "…", "email": "local@domain" }
  ADDRESS    = MAILBOX | { "group": "…", "members": [MAILBOX] }
  ATTACHMENT = { "filename", "content_type", "cid", "transfer_encoding",
                 one of "file" | "base64" | "text" }
  NODE       = { "multipart": "mixed|alternative|related|…", "parts": [NODE] }
             | { "content_type", one of "text" | "base64" | "file",
                 "filename", "disposition", "cid", "charset", "transfer_encoding" }
Exit status: 0 written, 2 bad spec (the message names the field).

Example:
  echo '{"from":"张三 <zhang@example.cn>","to":["li@example.cn"],"subject":"你好","text":"…"}' | eml compose -"#;
