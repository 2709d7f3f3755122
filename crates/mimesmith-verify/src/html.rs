//! HTML to plain text, for showing an HTML-only message in a terminal.
//!
//! Not a browser: tags are dropped, `<script>`, `<style>`, `<head>` and
//! comments are skipped, block elements and `<br>` become line breaks,
//! character references are decoded (the common named ones and all numeric
//! ones, HTML Living Standard §13.2.5.72), and runs of white space collapse
//! as a browser would render them outside `<pre>`. Linear in the input.

/// Elements whose content is never shown.
const HIDDEN: &[&str] = &["script", "style", "head", "title", "template"];
/// Elements that start on a new line.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "br",
    "tr",
    "li",
    "ul",
    "ol",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "hr",
    "section",
    "article",
    "header",
    "footer",
    "dd",
    "dt",
    "dl",
];

/// The text an HTML document shows, one paragraph per line.
#[must_use]
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut pending_space = false;
    let mut pre = 0usize;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after
                .find("-->")
                .map_or("", |end| after.get(end + 3..).unwrap_or_default());
            continue;
        }
        if rest.starts_with('<') {
            let end = rest.find('>').unwrap_or(rest.len());
            let tag = rest.get(1..end).unwrap_or_default();
            rest = rest.get(end + 1..).unwrap_or_default();
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_lowercase())
                .collect();
            if !closing && HIDDEN.contains(&name.as_str()) && !tag.ends_with('/') {
                // Skip to the matching close tag (case-insensitive).
                let close = format!("</{name}");
                rest = find_ci(rest, &close).map_or("", |at| {
                    let after = rest.get(at..).unwrap_or_default();
                    after
                        .find('>')
                        .map_or("", |e| after.get(e + 1..).unwrap_or_default())
                });
                continue;
            }
            if name == "pre" {
                pre = if closing {
                    pre.saturating_sub(1)
                } else {
                    pre + 1
                };
            }
            if BLOCK.contains(&name.as_str()) {
                newline(&mut out);
                pending_space = false;
            }
            continue;
        }
        let next = rest
            .find(['<', '&'])
            .map_or(rest.len(), |i| if i == 0 { 1 } else { i });
        let (chunk, tail) = rest.split_at(next);
        rest = tail;
        let decoded;
        let text = if chunk == "&" {
            let (c, used) = reference(rest);
            rest = rest.get(used..).unwrap_or_default();
            decoded = c;
            decoded.as_str()
        } else {
            chunk
        };
        for c in text.chars() {
            if pre > 0 {
                out.push(c);
            } else if c.is_whitespace() && c != '\u{a0}' {
                pending_space = true;
            } else {
                if pending_space && !out.is_empty() && !out.ends_with('\n') {
                    out.push(' ');
                }
                pending_space = false;
                out.push(if c == '\u{a0}' { ' ' } else { c });
            }
        }
    }
    let trimmed = out.trim_matches('\n');
    let mut text = String::with_capacity(trimmed.len() + 1);
    // At most one blank line between paragraphs.
    let mut newlines = 0;
    for c in trimmed.chars() {
        if c == '\n' {
            newlines += 1;
            if newlines > 2 {
                continue;
            }
        } else {
            newlines = 0;
        }
        text.push(c);
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text
}

fn newline(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push('\n');
    }
}

fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    let n = needle.len();
    haystack
        .char_indices()
        .find(|&(i, _)| {
            haystack
                .get(i..i + n)
                .is_some_and(|s| s.eq_ignore_ascii_case(needle))
        })
        .map(|(i, _)| i)
}

/// A character reference after `&`: the text and how many bytes of `rest` it used.
fn reference(rest: &str) -> (String, usize) {
    let end = rest
        .char_indices()
        .take(12)
        .find(|&(_, c)| c == ';')
        .map(|(i, _)| i);
    let Some(end) = end else {
        return ("&".to_owned(), 0);
    };
    let name = rest.get(..end).unwrap_or_default();
    let c = if let Some(num) = name.strip_prefix('#') {
        let value = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse().ok(),
        };
        value.and_then(char::from_u32)
    } else {
        match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            "copy" => Some('©'),
            "reg" => Some('®'),
            "mdash" => Some('—'),
            "ndash" => Some('–'),
            "hellip" => Some('…'),
            "laquo" => Some('«'),
            "raquo" => Some('»'),
            "ldquo" => Some('“'),
            "rdquo" => Some('”'),
            "lsquo" => Some('‘'),
            "rsquo" => Some('’'),
            "middot" => Some('·'),
            "yen" => Some('¥'),
            "euro" => Some('€'),
            _ => None,
        }
    };
    match c {
        Some(c) => (c.to_string(), end + 1),
        None => ("&".to_owned(), 0),
    }
}

#[cfg(test)]
mod tests {
    use super::to_text;

    #[test]
    fn paragraphs_breaks_and_references() {
        let html = "<html><head><title>x</title><style>p{}</style></head><body>\
                    <p>你好，&nbsp;世界 &amp; <b>friends</b></p><p>line&#x41;<br>next &#169;</p>\
                    <!-- hidden --><script>alert(1)</script></body></html>";
        assert_eq!(to_text(html), "你好， 世界 & friends\n\nlineA\nnext ©\n");
    }

    #[test]
    fn whitespace_collapses_outside_pre() {
        assert_eq!(to_text("a  \r\n  b<pre>x  y\n z</pre>"), "a b\nx  y\n z\n");
    }

    #[test]
    fn broken_markup_never_panics() {
        for s in [
            "<",
            "&",
            "&#xZZ;",
            "<script>",
            "<!--",
            "a<b",
            "&#1114112;",
            "<STYLE>x</style>y",
        ] {
            let _ = to_text(s);
        }
        assert_eq!(to_text("<STYLE>x</style>y"), "y\n");
    }
}
