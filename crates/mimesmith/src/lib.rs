#![forbid(unsafe_code)]
//! mimesmith builds RFC 5322 / MIME (RFC 2045–2049) messages that every mail
//! client reads correctly: Chinese (and any other) subjects and display names
//! as RFC 2047 encoded words cut only between characters, file names as RFC
//! 2231 plus the form Outlook shows, inline images in multipart/related,
//! IDN domains as punycode, the right transfer encoding per part, boundaries
//! that cannot collide with content, and streaming output.
//!
//! ```
//! use mimesmith::{Body, DateTime, Message, SinglePart, ContentType};
//!
//! # fn main() -> Result<(), mimesmith::Error> {
//! let message = Message::builder()
//!     .from("张三 <zhang@example.cn>")
//!     .to("李四 <li@例子.测试>")
//!     .bcc("audit@example.cn")
//!     .subject("季度报告")
//!     .date(DateTime::parse_rfc3339("2026-11-23T10:00:00+08:00")?)
//!     .text("请查收附件。")
//!     .html("<p>请查收附件。</p>")
//!     .attachment(SinglePart::attachment("季度报告.pdf", Body::Bytes(b"%PDF-1.7".as_slice().into())))
//!     .seed(42)
//!     .build()?;
//! let bytes = message.to_vec()?;
//! let text = String::from_utf8(bytes).expect("headers are ASCII");
//! assert!(text.contains("Subject: =?UTF-8?B?5a2j5bqm5oql5ZGK?="));
//! assert!(text.contains("li@xn--fsqu00a.xn--0zwm56d"));
//! assert!(!text.contains("audit@")); // Bcc is never written
//! assert_eq!(message.envelope().to, ["li@xn--fsqu00a.xn--0zwm56d", "audit@example.cn"]);
//! # let _ = ContentType::text_plain();
//! # Ok(())
//! # }
//! ```

mod boundary;
pub mod encode;
mod error;
pub mod header;
mod message;
mod part;
mod random;
#[cfg(feature = "spec")]
pub mod spec;
mod write;

pub use encode::TransferEncoding;
pub use encode::charset::Charset;
pub use error::{Error, Result};
pub use header::address::{Address, EmailAddress, Group, Mailbox, normalize_display_name};
pub use header::address_list::AddressList;
pub use header::content_type::{ContentType, Disposition};
pub use header::date::DateTime;
pub use header::kind::FieldKind;
pub use header::message_id::{ContentId, MAX_ID_LEN, MessageId};
pub use header::{HeaderName, sanitize_line_breaks};
pub use message::{
    Envelope, IntoAddress, IntoAddresses, IntoMailbox, MAX_DEPTH, Message, MessageBuilder,
};
pub use part::{Body, MultiPart, Part, SinglePart, clean_filename};
pub use write::FormatOptions;

/// The README's Rust example compiles and runs (`cargo test --doc`).
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

#[cfg(test)]
mod size_report {
    #[test]
    fn print_sizes() {
        eprintln!(
            "MessageBuilder {}",
            std::mem::size_of::<crate::MessageBuilder<'_>>()
        );
        eprintln!(
            "Fields {}",
            std::mem::size_of::<crate::message::Fields<'_>>()
        );
        eprintln!(
            "Option<Part> {}",
            std::mem::size_of::<Option<crate::Part<'_>>>()
        );
        eprintln!("Address {}", std::mem::size_of::<crate::Address>());
        eprintln!(
            "Mailboxes {}",
            std::mem::size_of::<crate::message::Mailboxes>()
        );
        eprintln!(
            "FormatOptions {}",
            std::mem::size_of::<crate::FormatOptions>()
        );
        eprintln!("Leaf {}", std::mem::size_of::<crate::message::Leaf<'_>>());
        eprintln!(
            "SinglePart {}",
            std::mem::size_of::<crate::SinglePart<'_>>()
        );
        eprintln!("Part {}", std::mem::size_of::<crate::Part<'_>>());
        eprintln!("Message {}", std::mem::size_of::<crate::Message<'_>>());
        eprintln!(
            "Prepared {}",
            std::mem::size_of::<crate::message::Prepared<'_>>()
        );
        eprintln!("Mailbox {}", std::mem::size_of::<crate::Mailbox>());
        eprintln!("Measure {}", std::mem::size_of::<crate::encode::Measure>());
        eprintln!("Error {}", std::mem::size_of::<crate::Error>());
        eprintln!("ContentType {}", std::mem::size_of::<crate::ContentType>());
    }
}
