//! Diagnostics for people (rustc-style, with the source line and a caret) and for machines
//! (JSON, SPEC §8).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use crate::validate::{Diagnostic, Severity};

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

/// Source text of files, read once each, for snippets.
#[derive(Default)]
pub struct Sources {
    files: HashMap<PathBuf, Option<String>>,
}

impl Sources {
    pub fn line(&mut self, path: &Path, line: u32) -> Option<String> {
        let text = self
            .files
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                crate::registry::load::read_bytes_limited(path)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
            })
            .as_deref()?;
        text.lines().nth(usize::try_from(line).ok()?.checked_sub(1)?).map(str::to_owned)
    }
}

/// Every diagnostic rustc-style, separated by blank lines.
pub fn human(diags: &[Diagnostic], color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut sources = Sources::default();
    let mut out = String::new();
    for d in diags {
        out.push_str(&render_one(d, &renderer, &mut sources));
        out.push_str("\n\n");
    }
    out
}

/// One diagnostic rustc-style; without a source line when the file is not text.
pub fn render_one(d: &Diagnostic, renderer: &Renderer, sources: &mut Sources) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let path = d.file.display().to_string();
    let line_text = sources.line(&d.file, d.line).filter(|l| l.len() <= 500);
    let title = level.primary_title(d.message.as_str()).id(d.code.as_str());
    let mut group = match &line_text {
        Some(text) => {
            let span = token_span(text, d.column);
            let mut annotation = AnnotationKind::Primary.span(span);
            if let Some(p) = d.instance_path.as_deref().filter(|p| !p.is_empty()) {
                annotation = annotation.label(p);
            }
            let snippet = Snippet::source(text.as_str())
                .line_start(d.line as usize)
                .path(path.as_str())
                .fold(false)
                .annotation(annotation);
            title.element(snippet)
        }
        None => title.element(
            annotate_snippets::Origin::path(path.as_str()).line(d.line as usize).char_column(d.column as usize - 1),
        ),
    };
    let mut report: Vec<Group<'_>> = Vec::new();
    if let Some(hint) = &d.hint {
        group = group.element(Level::HELP.with_name("hint").message(hint.as_str()));
    }
    report.push(group);
    renderer.render(&report)
}

/// Byte range of the YAML token that starts at 1-based character column `col`: a quoted
/// scalar to its closing quote, a key to its colon, a plain value to the end of the line (less
/// comments and flow punctuation).
pub fn token_span(line: &str, col: u32) -> std::ops::Range<usize> {
    let start = line.char_indices().nth(col.saturating_sub(1) as usize).map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let len = match rest.chars().next() {
        None => 0,
        Some(q @ ('"' | '\'')) => rest[1..].find(q).map_or(rest.len(), |i| i + 2),
        Some('{' | '[') => 1,
        Some(_) => {
            let mut end = rest.len();
            for (pat, _) in [(": ", 0), (",", 0), ("}", 0), ("]", 0), (" #", 0)] {
                if let Some(i) = rest.find(pat) {
                    end = end.min(i);
                }
            }
            if rest.ends_with(':') {
                end = end.min(rest.len() - 1);
            }
            rest[..end].trim_end().len().max(1).min(rest.len())
        }
    };
    start..start + len
}
