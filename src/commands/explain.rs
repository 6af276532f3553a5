//! `modreg explain CODE`: what a diagnostic code means, with a wrong example and its fix. The
//! texts live in `validate::explain`; this file only picks and lays them out.

use std::fmt::Write as _;

use crate::Error;
use crate::cli::ExplainArgs;
use crate::context::Context;
use crate::diag::{Code, Severity};
use crate::output::{Output, style};
use crate::suggest::closest;
use crate::validate::explain;

pub fn run(ctx: &Context, args: &ExplainArgs) -> Result<Output, Error> {
    let color = ctx.color_stdout;
    let code = match args.code.as_deref() {
        Some(raw) => Some(parse(raw)?),
        None => None,
    };
    Ok(match (code, args.markdown) {
        (Some(code), true) => Output::data(explain::section(code)),
        (None, true) => Output::data(explain::markdown()),
        (Some(code), false) => Output::data(render(code, color)),
        (None, false) if ctx.quiet => Output::data(list(color)),
        (None, false) => {
            Output::data(list(color)).note("hint: `modreg explain CODE` explains one code, with an example")
        }
    })
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

/// One line per code: `E010  error    a key the schema does not define (often a typo)`.
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
}
