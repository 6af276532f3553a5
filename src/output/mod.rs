//! Renderers: typed reports in, text out. This is the only module (with `main.rs`) that decides
//! how anything looks; commands pick a renderer by `--format` and return the text. A report that
//! has a JSON form is a `Serialize` struct and [`json`] prints it; the other formats have a
//! module each (one per command for the tables and pages).

pub mod context;
pub mod deps;
pub mod diagnostics;
pub mod diff;
pub mod dot;
pub mod escape;
pub mod github;
pub mod history;
pub mod junit;
pub mod list;
pub mod mermaid;
pub mod progress;
pub mod sarif;
pub mod search;
pub mod show;
pub mod stats;
pub mod style;
pub mod table;
pub mod tokens;
pub mod yaml;

use serde::Serialize;

use crate::ExitStatus;

/// What a command hands back to `main`: bytes for stdout, messages for stderr, an exit status.
#[derive(Debug, Default)]
pub struct Output {
    pub stdout: String,
    /// More of stdout, written after `stdout` in turn: a document of many megabytes rendered in
    /// parallel pieces is written as they are rather than copied into one string first.
    pub stdout_parts: Vec<String>,
    pub stderr: String,
    pub status: Option<ExitStatus>,
}

impl Output {
    pub fn data(stdout: String) -> Self {
        Output { stdout, ..Output::default() }
    }

    /// Data in pieces, written one after the other.
    pub fn data_parts(mut parts: Vec<String>) -> Self {
        let stdout = if parts.is_empty() { String::new() } else { parts.remove(0) };
        Output { stdout, stdout_parts: parts, ..Output::default() }
    }

    pub fn with_status(mut self, status: ExitStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Add a message for stderr. Messages quote manifest text (ids, names, paths), so control
    /// characters in it are shown visibly ([`escape::visible_lines`]); line breaks stay.
    pub fn note(mut self, message: impl AsRef<str>) -> Self {
        self.stderr.push_str(&escape::visible_lines(message.as_ref()));
        if !self.stderr.ends_with('\n') {
            self.stderr.push('\n');
        }
        self
    }

    /// Every note in turn, unless `quiet` (`-q`) silences them.
    pub fn notes(self, notes: impl IntoIterator<Item = String>, quiet: bool) -> Self {
        if quiet { self } else { notes.into_iter().fold(self, Output::note) }
    }

    /// `error: message` on stderr, `error` in red when `color`; the message as [`Output::note`]
    /// shows it.
    pub fn error(mut self, color: bool, message: &str) -> Self {
        self.stderr.push_str(&style::paint(color, style::ERROR, "error"));
        self.stderr.push_str(": ");
        self.note(message)
    }

    pub fn status(&self) -> ExitStatus {
        self.status.unwrap_or(ExitStatus::Success)
    }
}

/// Pretty JSON with a trailing newline: stable key order comes from the report types.
pub fn json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("reports serialise to JSON");
    s.push('\n');
    s
}

/// Which way DOT and Mermaid lay a graph out; both spell it the same (`cli.rs` takes these names
/// on the command line, in any case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankDir {
    /// Left to right
    Lr,
    /// Top to bottom
    Tb,
}

impl RankDir {
    /// The name DOT's `rankdir` and Mermaid's `flowchart` take.
    pub fn as_str(self) -> &'static str {
        match self {
            RankDir::Lr => "LR",
            RankDir::Tb => "TB",
        }
    }
}

/// Indentation for nesting `level` in DOT and Mermaid, capped so a deep `part_of` hierarchy
/// cannot blow up the output.
pub(crate) fn pad(level: usize) -> String {
    const MAX_INDENT: usize = 16;
    "  ".repeat(level.min(MAX_INDENT))
}

/// The stderr line a data command adds when some manifests could not be loaded (`broken` names
/// them): its answer leaves those modules out, and the reader should know.
pub fn broken_note(broken: &[String]) -> Option<String> {
    (!broken.is_empty()).then(|| {
        format!(
            "warning: {} manifest{} could not be loaded and {} left out: {}\nhint: run `modreg validate` for details",
            broken.len(),
            diagnostics::plural(broken.len()),
            if broken.len() == 1 { "is" } else { "are" },
            broken.join(", ")
        )
    })
}
