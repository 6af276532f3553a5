//! `validate --format github`: one GitHub Actions workflow command per diagnostic, which the
//! runner turns into an annotation on the pull request's diff, and the Markdown job summary
//! written to `$GITHUB_STEP_SUMMARY`. Escaping follows `@actions/core` (`command.ts`).

use std::fmt::Write as _;

use super::diagnostics::{ValidationReport, message_with_hint, plural, slash_path};
use crate::diag::{Diagnostic, Severity};

/// Rows of the job summary table; the rest is counted, not listed (GitHub caps a summary at
/// 1 MiB, and the annotations already carry every finding).
const MAX_SUMMARY_ROWS: usize = 500;

/// `::error file=…,line=…,col=…,title=E010::message (hint: …)`, one line per diagnostic.
pub fn render(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},title={}::{}",
            escape_property(&slash_path(&d.file)),
            d.line,
            d.column,
            escape_property(d.code.as_str()),
            escape_data(&message_with_hint(d)),
        );
    }
    out
}

/// The Markdown appended to `$GITHUB_STEP_SUMMARY`: a heading, the counts, and a table of the
/// findings.
pub fn step_summary(report: &ValidationReport<'_>) -> String {
    let mut out = String::from("## modreg validate\n\n");
    let _ = writeln!(out, "{}\n", capitalise(&report.summary()));
    if report.diagnostics.is_empty() {
        out.push_str("No problems found.\n\n");
        return out;
    }
    out.push_str("| Severity | Code | Location | Message |\n|---|---|---|---|\n");
    for d in report.diagnostics.iter().take(MAX_SUMMARY_ROWS) {
        let _ = writeln!(
            out,
            "| {} | {} | {}:{}:{} | {} |",
            d.severity.as_str(),
            d.code,
            cell(&slash_path(&d.file)),
            d.line,
            d.column,
            cell(&message_with_hint(d)),
        );
    }
    let rest = report.diagnostics.len().saturating_sub(MAX_SUMMARY_ROWS);
    if rest > 0 {
        let _ =
            writeln!(out, "\n…and {rest} more finding{} (see the annotations in the job log).", plural(rest));
    }
    out.push('\n');
    out
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Text that stays inside one Markdown table cell.
pub(crate) fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace("\r\n", "<br>").replace(['\r', '\n'], "<br>")
}

/// The message part of a workflow command (`escapeData` in `@actions/core`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property value of a workflow command (`escapeProperty` in `@actions/core`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::yaml::Pos;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("100% a:b,c\r\nd"), "100%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("100% a:b,c\r\nd"), "100%25 a%3Ab%2Cc%0D%0Ad");
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn one_command_per_diagnostic() {
        let diags = [
            Diagnostic::new(
                Code::UnknownKey,
                "registry/a,b/module.yaml",
                Pos { line: 3, col: 5 },
                "unknown key `x:y`",
            )
            .hint("did you mean `name`?"),
            Diagnostic::new(Code::StrayFile, "registry/notes.txt", Pos { line: 1, col: 1 }, "stray"),
        ];
        assert_eq!(
            render(&diags),
            "::error file=registry/a%2Cb/module.yaml,line=3,col=5,title=E010::unknown key `x:y` (hint: did you mean `name`?)\n\
             ::warning file=registry/notes.txt,line=1,col=1,title=W001::stray\n"
        );
    }

    #[test]
    fn summary_table_cells_stay_in_their_cell() {
        let diags = [Diagnostic::new(Code::UnknownKey, "m.yaml", Pos { line: 1, col: 1 }, "a | b\nc")];
        let report = ValidationReport::new(1, &diags);
        let md = step_summary(&report);
        assert!(md.contains("| error | E010 | m.yaml:1:1 | a \\| b<br>c |\n"), "{md}");
        assert!(md.starts_with("## modreg validate\n\nValidated 1 module: 1 error, 0 warnings\n\n"), "{md}");
        let clean = step_summary(&ValidationReport::new(2, &[]));
        assert!(clean.ends_with("No problems found.\n\n"), "{clean}");
    }
}
