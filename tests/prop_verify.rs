//! The verifier's properties over random specs (512 cases each, a fixed
//! seed; `PROPTEST_CASES` and `PROPTEST_RNG_SEED` override):
//! - `prop_roundtrip`: mail-parser reads back exactly what was built;
//! - `prop_invariants`: the byte-level invariants hold;
//! - `prop_deterministic`: the same seed gives the same bytes;
//! - `prop_no_header_injection`: CR/LF in any text never adds a header;
//! - `prop_output_lints_clean`: `eml lint` finds no error and no warning in
//!   anything the builder writes (issue 10: our output passes our own lint).

use std::path::Path;

use mimesmith::spec::{AddressSpec, AttachmentSpec, Spec};
use mimesmith_tests::python::config;
use mimesmith_verify::invariants::{InvariantOptions, check};
use mimesmith_verify::roundtrip::roundtrip;
use mimesmith_verify::strategy::{TextOptions, arb_spec};
use proptest::prelude::*;

fn build(spec: &Spec) -> Result<Vec<u8>, TestCaseError> {
    let msg = spec
        .build(Path::new("."))
        .map_err(|e| TestCaseError::fail(format!("build failed: {e}")))?;
    msg.to_vec()
        .map_err(|e| TestCaseError::fail(format!("write failed: {e}")))
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn prop_roundtrip(spec in arb_spec(TextOptions::ALL)) {
        let r = roundtrip(&spec, Path::new(".")).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(r.mismatches.is_empty(), "{:#?}\n{}", r.mismatches, String::from_utf8_lossy(&r.bytes));
    }

    #[test]
    fn prop_invariants(spec in arb_spec(TextOptions::ALL), compat in any::<bool>()) {
        let spec = Spec { rfc2047_filenames: Some(compat), ..spec };
        let bytes = build(&spec)?;
        let found = check(&bytes, InvariantOptions { smtputf8: false, rfc2047_params: compat });
        prop_assert!(found.is_empty(), "{:#?}\n{}", found, String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn prop_output_lints_clean(spec in arb_spec(TextOptions::ALL), compat in any::<bool>()) {
        let spec = Spec { rfc2047_filenames: Some(compat), ..spec };
        let bytes = build(&spec)?;
        let linted = mimesmith_verify::lint::lint(&bytes);
        let bad: Vec<_> = linted
            .diagnostics
            .iter()
            .filter(|d| d.severity != mimesmith_verify::diag::Severity::Info)
            // Turning the Outlook form off is the caller's choice, and lint
            // says what it costs.
            .filter(|d| compat || d.code != mimesmith_verify::diag::Code::FilenameUnencoded)
            // An HTML-only message is what the caller asked for; the text
            // alternative made from HTML is issue 16's.
            .filter(|d| d.code != mimesmith_verify::diag::Code::HtmlWithoutText)
            .collect();
        prop_assert!(bad.is_empty(), "{:#?}\n{}", bad, String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn prop_control_in_header_text_is_a_typed_error(text in "[a-z]{0,4}[\u{0}-\u{8}\u{b}\u{c}\u{e}-\u{1f}\u{7f}\u{80}-\u{9f}][a-z]{0,4}", field in 0u8..2) {
        let mut spec = Spec {
            from: Some(AddressSpec::Text("a@example.com".into())),
            to: vec![AddressSpec::Text("b@example.com".into())],
            ..Spec::default()
        };
        if field == 0 {
            spec.subject = Some(text);
        } else {
            spec.headers.push(("X-Note".into(), text));
        }
        let err = spec.build(Path::new(".")).err();
        prop_assert!(err.as_ref().is_some_and(|e| e.message.contains("control")), "{err:?}");
    }

    #[test]
    fn prop_deterministic(spec in arb_spec(TextOptions::ALL)) {
        prop_assert_eq!(build(&spec)?, build(&spec)?);
        // Streaming to a writer gives the same bytes as building a Vec.
        let mut streamed = Vec::new();
        spec.build(Path::new(".")).map_err(|e| TestCaseError::fail(e.to_string()))?
            .write_to(&mut streamed).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(streamed, build(&spec)?);
    }

    #[test]
    fn prop_control_in_a_name_is_a_typed_error(name in "[a-z]{0,4}[\u{0}-\u{8}\u{b}\u{c}\u{e}-\u{1f}\u{7f}\u{80}-\u{9f}][a-z]{0,4}") {
        let spec = Spec {
            from: Some(AddressSpec::Text("a@example.com".into())),
            to: vec![AddressSpec::Mailbox { name: Some(name), email: "b@example.com".into() }],
            ..Spec::default()
        };
        let err = spec.build(Path::new(".")).err();
        prop_assert!(err.as_ref().is_some_and(|e| e.field == "to[0]" && e.message.contains("control")), "{err:?}");
    }

    #[test]
    fn prop_no_header_injection(spec in arb_spec(TextOptions::ALL), evil in "(\r\n|\n|\r)(Bcc|To|Content-Type): injected@evil\\.example") {
        let inject = |s: &str| format!("{s}{evil}");
        let mut spec = spec;
        spec.subject = Some(inject(spec.subject.as_deref().unwrap_or_default()));
        spec.headers.push(("X-Test".to_owned(), inject("value")));
        spec.to.push(AddressSpec::Mailbox { name: Some(inject("Name")), email: "ok@example.com".to_owned() });
        spec.attachments.push(AttachmentSpec { filename: Some(inject("file.txt")), text: Some("x".into()), ..AttachmentSpec::default() });
        if spec.body.is_some() {
            spec.attachments.clear();
        }
        let bytes = build(&spec)?;
        let text = String::from_utf8_lossy(&bytes);
        for line in text.split("\r\n") {
            prop_assert!(!line.starts_with("Bcc:") && !line.contains("injected@evil.example>") , "injected line {line:?}");
            let name = line.split(':').next().unwrap_or_default();
            prop_assert!(!(line.starts_with(|c: char| c.is_ascii_alphabetic()) && name.contains("injected")), "{line:?}");
        }
        prop_assert!(!text.lines().any(|l| l.trim_end() == "Bcc: injected@evil.example"));
        let parsed = mimesmith_verify::parse::parse(&bytes);
        prop_assert!(parsed.bcc().is_empty());
        prop_assert!(!parsed.to().iter().chain(&parsed.cc()).any(|a| a.address.as_deref() == Some("injected@evil.example")));
    }
}
