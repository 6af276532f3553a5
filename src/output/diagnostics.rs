//! Diagnostics for people (rustc-style, with the source line and a caret) and for machines
//! (JSON, SPEC §8).

use std::path::Path;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use super::escape;
use crate::diag::{Diagnostic, Files, Severity};

/// The result of a validation run, as `validate --format json` prints it.
#[derive(Debug, Serialize)]
pub struct ValidationReport<'a> {
    pub modules: usize,
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics: &'a [Diagnostic],
}

impl<'a> ValidationReport<'a> {
    pub fn new(modules: usize, diagnostics: &'a [Diagnostic]) -> Self {
        let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        ValidationReport { modules, errors, warnings: diagnostics.len() - errors, diagnostics }
    }

    /// `validated 12 modules: 2 errors, 1 warning`
    pub fn summary(&self) -> String {
        format!(
            "validated {} module{}: {} error{}, {} warning{}",
            self.modules,
            plural(self.modules),
            self.errors,
            plural(self.errors),
            self.warnings,
            plural(self.warnings)
        )
    }
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Every diagnostic rustc-style, separated by blank lines, with source lines from `files`.
pub fn human(diags: &[Diagnostic], files: &Files, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for d in diags {
        out.push_str(&render_one(d, &renderer, files));
        out.push_str("\n\n");
    }
    out
}

/// One diagnostic rustc-style. Without a source line (an unreadable or binary file, a directory,
/// line 0, an overlong line) it still shows `--> file:line:col`.
pub fn render_one(d: &Diagnostic, renderer: &Renderer, files: &Files) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    // annotate-snippets shows C0 controls and DEL as control pictures, but passes C1 controls
    // (and, outside the source line, bidi overrides) through: escape them first.
    let path = escape::visible(&d.file.display().to_string()).into_owned();
    let message = escape::visible_lines(&d.message);
    let line_text = files.line(&d.file, d.line).and_then(|l| shown_line(l, d.column)).map(|l| without_c1(&l));
    let title = level.primary_title(message.as_ref()).id(d.code.as_str());
    let label = d.instance_path.as_deref().filter(|p| !p.is_empty()).map(escape::visible);
    let hint = d.hint.as_deref().map(escape::visible_lines);
    let mut group = match &line_text {
        Some(text) => {
            let span = token_span(text, d.column);
            let mut annotation = AnnotationKind::Primary.span(span);
            if let Some(p) = &label {
                annotation = annotation.label(p.as_ref());
            }
            let snippet = Snippet::source(text.as_str())
                .line_start(d.line as usize)
                .path(path.as_str())
                .fold(false)
                .annotation(annotation);
            title.element(snippet)
        }
        None => {
            let origin = annotate_snippets::Origin::path(path.as_str());
            let origin = if d.line == 0 {
                origin
            } else {
                origin.line(d.line as usize).char_column(d.column.max(1) as usize)
            };
            title.element(origin)
        }
    };
    if let Some(hint) = &hint {
        group = group.element(Level::HELP.with_name("hint").message(hint.as_ref()));
    }
    let report: Vec<Group<'_>> = vec![group];
    renderer.render(&report)
}

/// A source line with each C1 control as U+FFFD: one character for one, so the column of every
/// token stays where the diagnostic says it is (annotate-snippets draws C0 controls itself).
fn without_c1(line: &str) -> String {
    line.chars().map(|c| if ('\u{80}'..='\u{9f}').contains(&c) { '\u{fffd}' } else { c }).collect()
}

/// Of a long source line (minified or generated content), a snippet shows at most this many
/// characters after the column; a column further right than this shows no snippet.
const MAX_SNIPPET_LINE: usize = 500;

/// The source line as a snippet shows it: a long line cut short after the column (the cut
/// keeps the column exact, and the renderer trims to the terminal anyway); `None` when the
/// column lies too far into the line.
fn shown_line(line: String, column: u32) -> Option<String> {
    if line.len() <= MAX_SNIPPET_LINE {
        return Some(line);
    }
    let col = usize::try_from(column).unwrap_or(usize::MAX);
    (col <= MAX_SNIPPET_LINE).then(|| line.chars().take(col + MAX_SNIPPET_LINE).collect())
}

/// Byte range of the YAML token that starts at 1-based character column `col`: a quoted
/// scalar to its closing quote, a key to its colon, a plain value to the end of the line (less
/// comments and flow punctuation). Always a range of whole characters within `line`; empty
/// only when `col` lies past the end of the line.
pub fn token_span(line: &str, col: u32) -> std::ops::Range<usize> {
    let skip = usize::try_from(col.saturating_sub(1)).unwrap_or(usize::MAX);
    let start = line.char_indices().nth(skip).map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let Some(first) = rest.chars().next() else {
        return start..start;
    };
    let len = match first {
        '"' => closing_quote(rest, '"', true),
        '\'' => closing_quote(rest, '\'', false),
        // A tab is pointed at on its own (YAML refuses it in indentation).
        '{' | '[' | '\t' => 1,
        _ => {
            let mut end = rest.len();
            for pat in [": ", ",", "}", "]", " #"] {
                if let Some(i) = rest.find(pat) {
                    end = end.min(i);
                }
            }
            if rest.ends_with(':') {
                end = end.min(rest.len() - 1);
            }
            rest[..end].trim_end().len()
        }
    };
    start..start + len.max(first.len_utf8())
}

/// Length of a quoted scalar up to and including its closing quote (the whole rest of the
/// line when it does not close there). Double quotes escape with a backslash, single quotes by
/// doubling.
fn closing_quote(rest: &str, quote: char, backslash: bool) -> usize {
    let mut chars = rest.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if backslash && c == '\\' {
            chars.next();
        } else if c == quote {
            if !backslash && chars.peek().is_some_and(|&(_, n)| n == quote) {
                chars.next();
                continue;
            }
            return i + c.len_utf8();
        }
    }
    rest.len()
}

/// The message with its hint, for formats that have one text field per finding.
pub fn message_with_hint(d: &Diagnostic) -> String {
    match &d.hint {
        Some(hint) => format!("{} (hint: {hint})", d.message),
        None => d.message.clone(),
    }
}

/// A path with `/` between components on every platform, as CI services and URIs expect.
pub fn slash_path(path: &Path) -> String {
    use std::path::Component;
    let mut out = String::new();
    for c in path.components() {
        match c {
            Component::Prefix(p) => out.push_str(&p.as_os_str().to_string_lossy()),
            Component::RootDir => out.push('/'),
            Component::CurDir => push_part(&mut out, "."),
            Component::ParentDir => push_part(&mut out, ".."),
            Component::Normal(s) => push_part(&mut out, &s.to_string_lossy()),
        }
    }
    out
}

fn push_part(out: &mut String, part: &str) {
    if !out.is_empty() && !out.ends_with('/') {
        out.push('/');
    }
    out.push_str(part);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::yaml::Pos;

    fn text(line: &str, col: u32) -> &str {
        &line[token_span(line, col)]
    }

    #[test]
    fn token_span_of_plain_keys_and_values() {
        assert_eq!(text("  name: Customer Relationship Management", 3), "name");
        assert_eq!(text("  name: Customer Relationship Management", 9), "Customer Relationship Management");
        assert_eq!(text("  status: activ # typo", 11), "activ");
        assert_eq!(text("metadata:", 1), "metadata");
        assert_eq!(text("  - crm", 5), "crm");
    }

    #[test]
    fn token_span_of_quoted_strings() {
        assert_eq!(text(r#"  "a,b:c%": 1"#, 3), r#""a,b:c%""#);
        assert_eq!(text(r#"  desc: "say \"hi\", then: go" # c"#, 9), r#""say \"hi\", then: go""#);
        assert_eq!(text("  desc: 'it''s: here' # c", 9), "'it''s: here'");
        // An unterminated quote runs to the end of the line.
        assert_eq!(text(r#"  desc: "open, ended"#, 9), r#""open, ended"#);
        assert_eq!(text(r#"  desc: "ends in backslash\"#, 9), r#""ends in backslash\"#);
    }

    #[test]
    fn token_span_of_keys_with_colons() {
        assert_eq!(text("  url: https://example.com:8080/x", 8), "https://example.com:8080/x");
        assert_eq!(text("  a:b: 1", 3), "a:b");
        assert_eq!(text("  time: 12:30", 9), "12:30");
    }

    #[test]
    fn token_span_in_flow_collections() {
        let line = "  - { a: b, c: d }";
        assert_eq!(text(line, 5), "{");
        assert_eq!(text(line, 7), "a");
        assert_eq!(text(line, 10), "b");
        assert_eq!(text(line, 13), "c");
        assert_eq!(text(line, 16), "d");
        assert_eq!(text("tags: [x, y]", 7), "[");
        assert_eq!(text("tags: [x, y]", 8), "x");
        assert_eq!(text("tags: [x, y]", 11), "y");
    }

    #[test]
    fn token_span_past_the_end_or_on_empty_lines() {
        assert_eq!(token_span("abc", 4), 3..3);
        assert_eq!(token_span("abc", 100), 3..3);
        assert_eq!(token_span("abc", u32::MAX), 3..3);
        assert_eq!(token_span("", 1), 0..0);
        assert_eq!(token_span("abc", 0), 0..3);
        assert_eq!(text("key:   ", 5), " ");
        assert_eq!(text("a: , b", 4), ",");
    }

    #[test]
    fn token_span_with_multibyte_characters() {
        assert_eq!(text("名前: 値です", 1), "名前");
        assert_eq!(text("名前: 値です", 5), "値です");
        assert_eq!(text("  k: \u{3000}: x", 6), "\u{3000}");
        assert_eq!(text("é: 'ü''x'", 4), "'ü''x'");
        assert_eq!(text("🦀🦀🦀", 2), "🦀🦀");
        assert_eq!(token_span("🦀", 2), 4..4);
    }

    proptest::proptest! {
        #[test]
        fn token_span_is_always_a_char_range(line in "\\PC{0,40}", col in 0u32..60) {
            let r = token_span(&line, col);
            proptest::prop_assert!(r.start <= r.end && r.end <= line.len());
            proptest::prop_assert!(line.is_char_boundary(r.start) && line.is_char_boundary(r.end));
        }

        #[test]
        fn rendering_never_panics(line in "[ -~\\t\u{e9}\u{540d}\u{1f980}]{0,30}", col in 0u32..40) {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("m.yaml");
            std::fs::write(&file, format!("{line}\n")).unwrap();
            let mut d = Diagnostic::new(Code::UnknownKey, &file, Pos { line: 1, col: 1 }, "m");
            d.column = col;
            let _ = human(&[d], &Files::disk(), false);
        }
    }

    fn diag(file: &Path, line: u32, col: u32) -> Diagnostic {
        Diagnostic::new(Code::UnknownKey, file, Pos { line, col }, "unknown key `nmae` in /metadata")
            .at_path("/metadata/nmae")
            .hint("did you mean `name`?")
    }

    #[test]
    fn human_with_a_source_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("module.yaml");
        std::fs::write(&file, "metadata:\n  nmae: x\n").unwrap();
        let out = human(&[diag(&file, 2, 3)], &Files::disk(), false);
        let shown = file.display().to_string();
        assert!(out.starts_with("error[E010]: unknown key `nmae` in /metadata\n"), "{out}");
        assert!(out.contains(&format!("--> {shown}:2:3\n")), "{out}");
        assert!(out.contains("2 |   nmae: x\n"), "{out}");
        assert!(out.contains("  |   ^^^^ /metadata/nmae\n"), "{out}");
        assert!(out.contains("= hint: did you mean `name`?"), "{out}");
        assert!(!out.contains('\u{1b}'), "no colour when off: {out:?}");
        assert!(human(&[diag(&file, 2, 3)], &Files::disk(), true).contains('\u{1b}'), "colour when on");
    }

    #[test]
    fn human_without_a_source_line() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone.yaml");
        let binary = dir.path().join("blob.yaml");
        std::fs::write(&binary, b"\xff\xfe\x00binary\n").unwrap();
        for (file, line, col, at) in
            [(&missing, 3, 5, ":3:5"), (&binary, 1, 1, ":1:1"), (&binary, 9, 2, ":9:2"), (&binary, 0, 0, "")]
        {
            let mut d = diag(file, 1, 1);
            d.line = line;
            d.column = col;
            let out = human(&[d], &Files::disk(), false);
            assert!(out.contains(&format!("--> {}{at}\n", file.display())), "{out}");
            assert!(out.contains("= hint: did you mean `name`?"), "{out}");
            assert!(!out.contains('\u{1b}'), "{out:?}");
        }
    }

    #[test]
    fn human_with_a_column_past_the_end_and_multibyte_text() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("m.yaml");
        std::fs::write(&file, "名前: 値\n").unwrap();
        for col in [0, 1, 5, 6, 50] {
            let out = human(&[diag(&file, 1, col)], &Files::disk(), false);
            assert!(out.contains("1 | 名前: 値"), "{out}");
        }
    }

    #[test]
    fn message_with_hint_and_slash_paths() {
        let d = diag(Path::new("registry/crm/module.yaml"), 1, 1);
        assert_eq!(message_with_hint(&d), "unknown key `nmae` in /metadata (hint: did you mean `name`?)");
        assert_eq!(slash_path(Path::new("registry/crm/module.yaml")), "registry/crm/module.yaml");
        assert_eq!(slash_path(Path::new("./registry/../x")), "./registry/../x");
        assert_eq!(slash_path(Path::new("/abs/x")), "/abs/x");
    }
}
