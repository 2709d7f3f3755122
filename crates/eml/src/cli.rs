//! The command line (clap).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Inspect, lint, repair and compose email messages.
#[derive(Debug, Parser)]
#[command(name = "eml", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "\
Examples:
  eml compose testdata/golden/chinese-subject.spec.json -o out.eml
  eml compose spec.json | sendmail -t";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
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
