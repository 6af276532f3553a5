//! `modreg generate man|completions`: files packagers ship, generated from the clap definition
//! so they never drift from `--help` (as ripgrep's `rg --generate man` does).
//!
//! The man page is one page, modreg(1), like ripgrep's: clap_mangen renders the top command, and
//! each subcommand's synopsis and options follow under COMMANDS, with the global options
//! described once.

use clap::CommandFactory;

use crate::Error;
use crate::cli::{Cli, GenerateWhat};
use crate::output::Output;

pub fn run(what: &GenerateWhat) -> Result<Output, Error> {
    match what {
        GenerateWhat::Man => man_page().map(Output::data),
        GenerateWhat::Completions(args) => Ok(super::completions::run(args)),
    }
}

/// modreg(1) in roff.
pub fn man_page() -> Result<String, Error> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone()).title("MODREG").manual("modreg manual");
    let mut out = Vec::new();
    let err = |e: std::io::Error| Error::Other(format!("rendering the man page: {e}"));
    man.render_title(&mut out).map_err(err)?;
    man.render_name_section(&mut out).map_err(err)?;
    man.render_synopsis_section(&mut out).map_err(err)?;
    man.render_description_section(&mut out).map_err(err)?;
    man.render_options_section(&mut out).map_err(err)?;
    out.extend_from_slice(b".SH COMMANDS\n");
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let page = clap_mangen::Man::new(sub.clone());
        let name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
        out.extend_from_slice(format!(".SS {}\n", roff_quoted(name)).as_bytes());
        let mut part = Vec::new();
        page.render_description_section(&mut part).map_err(err)?;
        page.render_synopsis_section(&mut part).map_err(err)?;
        page.render_options_section(&mut part).map_err(err)?;
        out.extend_from_slice(demote(&String::from_utf8_lossy(&part)).as_bytes());
        // Nested commands are on this page too, not on pages of their own.
        for nested in sub.get_subcommands().filter(|s| !s.is_hide_set()) {
            let nested_name = nested.get_bin_name().unwrap_or_else(|| nested.get_name());
            let about = nested.get_about().map(ToString::to_string).unwrap_or_default();
            out.extend_from_slice(
                format!(".TP\n.B {}\n{}\n", roff_quoted(nested_name), roff_text(&about)).as_bytes(),
            );
        }
    }
    out.extend_from_slice(b".SH \"EXIT STATUS\"\n");
    out.extend_from_slice(
        b".TP\n0\nSuccess.\n.TP\n1\nThe registry or the input is invalid (validation errors, a refused write).\n\
          .TP\n2\nUsage, I/O or internal error.\n",
    );
    out.extend_from_slice(b".SH ENVIRONMENT\n");
    for (var, what) in [
        ("MODREG_REGISTRY", "The registry directory, as --registry."),
        ("MODREG_NO_CACHE", "Set to 1: neither read nor write the parse cache, as --no-cache."),
        ("MODREG_CACHE_DIR", "Where the parse cache lives (default: .modreg-cache beside modreg.yaml)."),
        ("NO_COLOR", "Set and not empty: no colour, unless --color always."),
    ] {
        out.extend_from_slice(format!(".TP\n.B {var}\n{what}\n").as_bytes());
    }
    man.render_version_section(&mut out).map_err(err)?;
    let page = String::from_utf8(out).map_err(|_| Error::Other("the man page is not UTF-8".to_owned()))?;
    Ok(once_preamble(&page))
}

/// clap_mangen starts every fragment with the two lines that define `\*(Aq`; a page needs them
/// once.
fn once_preamble(page: &str) -> String {
    let mut seen = false;
    let mut out = String::with_capacity(page.len());
    let mut lines = page.lines().peekable();
    while let Some(line) = lines.next() {
        if line.starts_with(".ie \\n(.g .ds Aq") && lines.peek().is_some_and(|l| l.starts_with(".el .ds Aq"))
        {
            lines.next();
            if seen {
                continue;
            }
            seen = true;
            out.push_str(line);
            out.push_str("\n.el .ds Aq '\n");
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A subcommand's sections as paragraphs under its `.SS` heading: its DESCRIPTION and SYNOPSIS
/// headings go (the text stays), OPTIONS becomes a labelled paragraph, and the global options,
/// described once at the top of the page, are dropped.
fn demote(roff: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in roff.lines() {
        if let Some(heading) = line.strip_prefix(".SH ") {
            let heading = heading.trim_matches('"');
            skipping = heading.eq_ignore_ascii_case("GLOBAL OPTIONS");
            if !skipping && heading != "DESCRIPTION" {
                out.push_str(".PP\n");
                if heading != "SYNOPSIS" {
                    out.push_str(&format!(".I {}\n", roff_quoted(&capitalise(heading))));
                }
            }
            continue;
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn capitalise(heading: &str) -> String {
    let lower = heading.to_lowercase();
    let mut chars = lower.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A line of running text: backslashes escaped, and a leading `.` or `'` kept from reading as a
/// request.
fn roff_text(s: &str) -> String {
    let escaped = s.replace('\\', "\\e");
    if escaped.starts_with(['.', '\'']) { format!("\\&{escaped}") } else { escaped }
}

/// Text for a roff macro argument in double quotes.
fn roff_quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\e").replace('"', "\\(dq"))
}
