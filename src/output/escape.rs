//! Text from manifests on its way to a terminal. A manifest is written by people and AI
//! pipelines alike, so a name may hold ESC, an OSC sequence or a BEL that would drive the
//! terminal (recolour it, retitle it, hide text); every human-facing printer shows such
//! characters in a visible form instead. JSON and YAML keep the exact data (their own escapes
//! already make it safe), and so does CSV, which is for programs.
//!
//! The visible forms are those `validate` shows in its source snippets (annotate-snippets, after
//! rustc): a C0 control is its Unicode control picture (ESC is `␛`, U+241B), DEL is `␡`. C1
//! controls, which have no pictures, and the bidirectional overrides that reorder what a
//! terminal shows are written `\u{9b}`.
//!
//! [`join_list`] is the other half of keeping a cell unambiguous: how a list becomes one cell.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` for one line of a table or message: every control character visible, line breaks and
/// tabs included, so a row never splits and columns stay aligned.
pub fn visible(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// `text` for a block that may span lines (a description, a message with a hint): like
/// [`visible`], but a line feed and a tab stay what they are.
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn escape(text: &str, keep_lines: bool) -> Cow<'_, str> {
    let shown = |c: char| keep_lines && matches!(c, '\n' | '\t');
    if !text.chars().any(|c| needs_escape(c) && !shown(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if shown(c) || !needs_escape(c) {
            out.push(c);
        } else {
            push_visible(&mut out, c);
        }
    }
    Cow::Owned(out)
}

/// A character a terminal may act on rather than print: C0 and C1 controls, DEL, and the
/// bidirectional embeddings, overrides and isolates.
pub fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The visible form of one character that [`needs_escape`].
fn push_visible(out: &mut String, c: char) {
    match u32::from(c) {
        code @ 0..=0x1f => out.push(char::from_u32(0x2400 + code).unwrap_or('\u{fffd}')),
        0x7f => out.push('\u{2421}'),
        code => {
            let _ = write!(out, "\\u{{{code:x}}}");
        }
    }
}

/// A list as one cell, items separated by `sep` (a single character, optionally followed by
/// spaces, such as `;` or `, `). So that the cell splits back into the same items, an item that
/// is empty or holds the separator character, a double quote or whitespace is written in double
/// quotes with its own double quotes doubled, as CSV does inside a field:
/// `["a;b", "c,d", "say \"hi\""]` with `;` is `"a;b";c,d;"say ""hi"""`.
pub fn join_list(items: &[String], sep: &str) -> String {
    let sep_char = sep.chars().next();
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        let quote =
            item.is_empty() || item.chars().any(|c| Some(c) == sep_char || c == '"' || c.is_whitespace());
        if quote {
            out.push('"');
            out.push_str(&item.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(item);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible() {
        assert_eq!(visible("\u{1b}[31mRED\u{1b}]0;pwned\u{7}"), "␛[31mRED␛]0;pwned␇");
        assert_eq!(visible("a\nb\tc\rd\0"), "a␊b␉c␍d␀");
        assert_eq!(visible("del\u{7f} csi\u{9b}2J nel\u{85}"), "del␡ csi\\u{9b}2J nel\\u{85}");
        assert_eq!(visible("rlo\u{202e}x\u{2066}"), "rlo\\u{202e}x\\u{2066}");
        assert_eq!(visible_lines("a\nb\tc\rd\u{1b}"), "a\nb\tc␍d␛");
    }

    #[test]
    fn ordinary_text_is_borrowed() {
        for s in ["Customer Relationship Management", "顧客管理 — café 🦀", "", "a\u{200d}b"] {
            assert!(matches!(visible(s), Cow::Borrowed(_)), "{s}");
        }
        assert!(matches!(visible_lines("two\nlines"), Cow::Borrowed(_)));
    }

    #[test]
    fn nothing_a_terminal_acts_on_survives() {
        for code in (0u32..0x300).chain(0x2000..0x2100) {
            let Some(c) = char::from_u32(code) else { continue };
            let out = visible(&c.to_string()).into_owned();
            assert!(!out.chars().any(needs_escape), "U+{code:04X} -> {out:?}");
        }
    }

    #[test]
    fn lists_split_back_unambiguously() {
        let items = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(join_list(&items(&["a;b", "c,d"]), ";"), r#""a;b";c,d"#);
        assert_eq!(join_list(&items(&["x,y", "z"]), ","), r#""x,y",z"#);
        assert_eq!(join_list(&items(&["x,y", "z"]), ", "), r#""x,y", z"#);
        assert_eq!(
            join_list(&items(&["say \"hi\"", "", "two words"]), ";"),
            r#""say ""hi""";"";"two words""#
        );
        assert_eq!(join_list(&items(&["sales", "crm"]), ","), "sales,crm");
        assert_eq!(join_list(&[], ","), "");
    }
}
