//! `diff`: the report for a terminal (grouped by module, breaking first), as Markdown for a pull
//! request comment or the job summary (a table, then a section per module, info collapsed), and
//! as GitHub workflow commands that annotate the changed lines.

use std::fmt::Write as _;

use super::diagnostics::{plural, slash_path};
use super::escape::visible;
use super::github::{cell, escape_data, escape_property};
use super::style;
use crate::diff::{Change, DiffReport, Level, ModuleDiff};

/// Modules in reading order: those with breaking changes first, then warnings, then the rest;
/// by id within each group.
fn ordered(report: &DiffReport) -> Vec<&ModuleDiff> {
    let mut modules: Vec<&ModuleDiff> = report.modules.iter().collect();
    modules.sort_by_key(|m| (m.breaking == 0, m.warnings == 0));
    modules
}

fn changes_of<'a>(report: &'a DiffReport, id: &'a str) -> impl Iterator<Item = &'a Change> + 'a {
    // Changes are sorted by module, then breaking first.
    let start = report.changes.partition_point(|c| c.module.as_str() < id);
    report.changes[start..].iter().take_while(move |c| c.module == id)
}

fn counts(breaking: usize, warnings: usize, info: usize) -> String {
    format!("{breaking} breaking, {warnings} warning{}, {info} info", plural(warnings))
}

/// `2 breaking, 1 warning, 3 info in 2 modules against HEAD (1a2b3c4)`, for stderr.
pub fn summary(report: &DiffReport) -> String {
    format!(
        "{} in {} module{} against {}",
        counts(report.breaking, report.warnings, report.info),
        report.modules.len(),
        plural(report.modules.len()),
        report.base_label()
    )
}

fn level_style(level: Level) -> anstyle::Style {
    match level {
        Level::Breaking => style::ERROR,
        Level::Warning => style::WARNING,
        Level::Info => style::NOTE,
    }
}

/// For a terminal; nothing at all when nothing changed.
pub fn text(report: &DiffReport, color: bool) -> String {
    let mut out = String::new();
    for m in ordered(report) {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "{} ({}): {}",
            style::paint(color, style::BOLD, &visible(&m.id)),
            m.change.as_str(),
            counts(m.breaking, m.warnings, m.info)
        );
        for c in changes_of(report, &m.id) {
            let _ = writeln!(
                out,
                "  {}  {}: {}",
                style::paint(color, level_style(c.level), &format!("{:<8}", c.level.as_str())),
                c.rule,
                visible(&c.reason)
            );
            let place = if c.path.is_empty() { String::new() } else { format!("{} ", visible(&c.path)) };
            let _ = writeln!(
                out,
                "            {}",
                style::paint(
                    color,
                    style::DIM,
                    &format!("{place}at {}:{}", visible(&slash_path(&c.file)), c.line)
                )
            );
        }
        if !m.affected.is_empty() {
            let _ = writeln!(
                out,
                "  affected (depend on {}): {}",
                visible(&m.id),
                visible(&m.affected.join(", "))
            );
        }
    }
    out
}

/// Inline code in Markdown that survives any content: a fence longer than the longest run of
/// backticks inside, padded when it starts or ends with one.
fn code(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// For a pull request comment or `$GITHUB_STEP_SUMMARY`: a summary table, then a section per
/// module, breaking changes first and info collapsed.
pub fn markdown(report: &DiffReport) -> String {
    let mut out = String::from("## modreg diff\n\n");
    let base = match &report.commit {
        Some(c) => format!("{} ({})", code(&report.base), code(&c[..c.len().min(12)])),
        None => code(&report.base),
    };
    if report.changes.is_empty() {
        let _ = writeln!(out, "No changes against {base}.");
        return out;
    }
    let breaking = if report.breaking > 0 {
        format!("**{} breaking**", report.breaking)
    } else {
        "0 breaking".to_owned()
    };
    let _ = writeln!(
        out,
        "Against {base}: {breaking}, {} warning{}, {} info in {} module{}.\n",
        report.warnings,
        plural(report.warnings),
        report.info,
        report.modules.len(),
        plural(report.modules.len())
    );
    out.push_str(
        "| Module | Change | Breaking | Warnings | Info | Affected |\n|---|---|---:|---:|---:|---|\n",
    );
    let modules = ordered(report);
    for m in &modules {
        let affected: Vec<String> = m.affected.iter().map(|a| code(a)).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&code(&m.id)),
            m.change.as_str(),
            m.breaking,
            m.warnings,
            m.info,
            cell(&affected.join(", "))
        );
    }
    for m in &modules {
        let _ = writeln!(out, "\n### {} ({})\n", cell(&code(&m.id)), m.change.as_str());
        if !m.affected.is_empty() {
            let affected: Vec<String> = m.affected.iter().map(|a| code(a)).collect();
            let _ = writeln!(out, "Depend on it, and may break: {}.\n", cell(&affected.join(", ")));
        }
        let (loud, info): (Vec<&Change>, Vec<&Change>) =
            changes_of(report, &m.id).partition(|c| c.level > Level::Info);
        if !loud.is_empty() {
            out.push_str("| Level | Rule | Change | Path |\n|---|---|---|---|\n");
            for c in &loud {
                let level = if c.level == Level::Breaking {
                    "**breaking**".to_owned()
                } else {
                    c.level.as_str().to_owned()
                };
                let _ = writeln!(
                    out,
                    "| {level} | {} | {} | {} |",
                    code(c.rule.id()),
                    cell(&c.reason),
                    path_cell(c)
                );
            }
        }
        if !info.is_empty() {
            if !loud.is_empty() {
                out.push('\n');
            }
            let _ = writeln!(
                out,
                "<details><summary>{} info change{}</summary>\n\n| Rule | Change | Path |\n|---|---|---|",
                info.len(),
                plural(info.len())
            );
            for c in &info {
                let _ = writeln!(out, "| {} | {} | {} |", code(c.rule.id()), cell(&c.reason), path_cell(c));
            }
            out.push_str("\n</details>\n");
        }
    }
    out.push_str("\n`modreg explain RULE` explains a rule.\n");
    out
}

fn path_cell(c: &Change) -> String {
    if c.path.is_empty() { String::new() } else { cell(&code(&c.path)) }
}

/// `::error file=…,line=…,title=RULE::reason`, one workflow command per change: breaking as
/// errors, warnings as warnings, info as notices, on the working tree's lines.
pub fn github(report: &DiffReport) -> String {
    let mut out = String::new();
    for c in &report.changes {
        let command = match c.level {
            Level::Breaking => "error",
            Level::Warning => "warning",
            Level::Info => "notice",
        };
        let mut message = format!("{}: {}", c.module, c.reason);
        if !c.affected.is_empty() {
            let _ = write!(message, " (affects {})", c.affected.join(", "));
        }
        let _ = writeln!(
            out,
            "::{command} file={},line={},title={}::{}",
            escape_property(&slash_path(&c.file)),
            c.line,
            escape_property(c.rule.id()),
            escape_data(&message)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_code_holds_backticks() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
    }
}
