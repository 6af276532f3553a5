//! `modreg explain CODE`: what a diagnostic code means, with a wrong example and its fix, or what
//! a rule of `modreg diff` catches and why. The texts live in `validate::explain` and
//! `diff::rules`; this file only picks and lays them out.

use std::fmt::Write as _;

use crate::Error;
use crate::cli::ExplainArgs;
use crate::context::Context;
use crate::diag::{Code, Severity};
use crate::diff::rules::{self, Level, Rule};
use crate::output::{Output, style};
use crate::suggest::closest;
use crate::validate::explain;

/// What `explain` was asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Topic {
    Code(Code),
    Rule(Rule),
}

pub fn run(ctx: &Context, args: &ExplainArgs) -> Result<Output, Error> {
    let color = ctx.color_stdout;
    let topic = match args.code.as_deref() {
        Some(raw) => Some(topic(raw)?),
        None => None,
    };
    Ok(match (topic, args.markdown) {
        (Some(Topic::Code(code)), true) => Output::data(explain::section(code)),
        (Some(Topic::Rule(rule)), true) => Output::data(rules::section(rule)),
        (None, true) => Output::data(explain::markdown()),
        (Some(Topic::Code(code)), false) => Output::data(render(code, color)),
        (Some(Topic::Rule(rule)), false) => Output::data(render_rule(rule, color)),
        (None, false) if ctx.quiet => Output::data(list(color)),
        (None, false) => Output::data(list(color))
            .note("hint: `modreg explain CODE` explains one code or diff rule, with an example"),
    })
}

/// A diff rule id (any case, `-` for `_`), else a diagnostic code.
fn topic(raw: &str) -> Result<Topic, Error> {
    if let Some(rule) = Rule::parse(raw) {
        return Ok(Topic::Rule(rule));
    }
    let looks_like_rule =
        raw.trim().len() > 4 && raw.trim().chars().any(|c| c.is_ascii_alphabetic() && !"EeWw".contains(c));
    if looks_like_rule {
        let ids: Vec<String> = rules::TABLE.iter().map(|r| r.id.to_owned()).collect();
        let mut msg = format!("unknown diff rule `{raw}`");
        match closest(&raw.trim().to_ascii_uppercase().replace('-', "_"), &ids) {
            Some(near) => {
                let _ =
                    write!(msg, "\nhint: did you mean `{near}`? `modreg explain --list` shows every rule");
            }
            None => msg.push_str("\nhint: `modreg explain --list` shows every code and rule"),
        }
        return Err(Error::Usage(msg));
    }
    parse(raw).map(Topic::Code)
}

/// A code as the user typed it: any case, and `10` or `e10` for `E010`.
fn parse(raw: &str) -> Result<Code, Error> {
    let trimmed = raw.trim();
    if let Some(code) = Code::parse(trimmed) {
        return Ok(code);
    }
    let digits = trimmed.trim_start_matches(['E', 'e', 'W', 'w']);
    if !digits.is_empty() && digits.len() <= 3 && digits.bytes().all(|b| b.is_ascii_digit()) {
        let padded = format!("{digits:0>3}");
        let prefix = trimmed.chars().next().filter(char::is_ascii_alphabetic);
        let candidates: Vec<Code> = Code::ALL
            .iter()
            .copied()
            .filter(|c| c.as_str()[1..] == padded)
            .filter(|c| prefix.is_none_or(|p| c.as_str().starts_with(p.to_ascii_uppercase())))
            .collect();
        if let [only] = candidates.as_slice() {
            return Ok(*only);
        }
    }
    let all: Vec<String> = Code::ALL.iter().map(|c| c.as_str().to_owned()).collect();
    let mut msg = format!("unknown diagnostic code `{raw}`");
    match closest(trimmed, &all) {
        Some(near) => {
            let _ = write!(msg, "\nhint: did you mean `{near}`? `modreg explain --list` shows every code");
        }
        None => msg.push_str("\nhint: `modreg explain --list` shows every code"),
    }
    Err(Error::Usage(msg))
}

fn severity_style(severity: Severity) -> anstyle::Style {
    match severity {
        Severity::Error => style::ERROR,
        Severity::Warning => style::WARNING,
    }
}

/// `E010 (error): a key the schema does not define (often a typo)`, a blank line, the text.
fn render(code: Code, color: bool) -> String {
    let sev = code.severity();
    format!(
        "{} ({}): {}\n\n{}",
        style::paint(color, severity_style(sev), code.as_str()),
        sev.as_str(),
        code.description(),
        explain::plain_text(code)
    )
}

fn level_style(level: Level) -> anstyle::Style {
    match level {
        Level::Breaking => style::ERROR,
        Level::Warning => style::WARNING,
        Level::Info => style::NOTE,
    }
}

/// `ENDPOINT_REMOVED (breaking, modreg diff): HTTP clients …`, a blank line, the example.
fn render_rule(rule: Rule, color: bool) -> String {
    let info = rule.info();
    format!(
        "{} ({}, a rule of `modreg diff`): {}\n\n{}",
        style::paint(color, level_style(info.level), info.id),
        info.level.as_str(),
        info.rationale,
        rules::plain_text(rule)
    )
}

/// One line per code: `E010  error    a key the schema does not define (often a typo)`; then,
/// after a blank line and a heading, one per diff rule.
fn list(color: bool) -> String {
    let mut out = String::new();
    for &code in Code::ALL {
        let sev = code.severity();
        let _ = writeln!(
            out,
            "{}  {}  {}",
            style::paint(color, severity_style(sev), code.as_str()),
            style::paint(color, style::DIM, &format!("{:<7}", sev.as_str())),
            code.description()
        );
    }
    out.push_str("\nRules of `modreg diff`:\n");
    let width = rules::TABLE.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in rules::TABLE {
        let _ = writeln!(
            out,
            "{}  {}  {}",
            style::paint(color, level_style(r.level), &format!("{:<width$}", r.id)),
            style::paint(color, style::DIM, &format!("{:<8}", r.level.as_str())),
            r.rationale
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_loosely() {
        assert_eq!(parse("E010").unwrap(), Code::UnknownKey);
        assert_eq!(parse("e010").unwrap(), Code::UnknownKey);
        assert_eq!(parse(" e10 ").unwrap(), Code::UnknownKey);
        assert_eq!(parse("w1").unwrap(), Code::StrayFile);
        assert_eq!(parse("E1").unwrap(), Code::Io);
        // 001 is both E001 and W001: ambiguous without a prefix.
        assert!(parse("1").is_err());
        assert_eq!(parse("40").ok(), None);
        assert!(matches!(parse("E999"), Err(Error::Usage(m)) if m.contains("hint:")));
        assert!(parse("").is_err());
        assert!(parse("E0100").is_err());
    }

    #[test]
    fn rules_are_topics_too() {
        assert_eq!(topic("ENDPOINT_REMOVED").unwrap(), Topic::Rule(Rule::EndpointRemoved));
        assert_eq!(topic("endpoint-removed").unwrap(), Topic::Rule(Rule::EndpointRemoved));
        assert_eq!(topic("e10").unwrap(), Topic::Code(Code::UnknownKey));
        assert!(
            matches!(topic("ENDPOINT_REMOVD"), Err(Error::Usage(m)) if m.contains("did you mean `ENDPOINT_REMOVED`?"))
        );
    }
}
