//! Renderers: typed reports in, text out. This is the only module (with `main.rs`) that decides
//! how anything looks; commands pick a renderer by `--format` and return the text.

pub mod diagnostics;
pub mod dot;
pub mod github;
pub mod junit;
pub mod mermaid;
pub mod sarif;
pub mod style;
pub mod table;
pub mod yaml;

use serde::Serialize;

use crate::ExitStatus;

/// What a command hands back to `main`: bytes for stdout, messages for stderr, an exit status.
#[derive(Debug, Default)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub status: Option<ExitStatus>,
}

impl Output {
    pub fn data(stdout: String) -> Self {
        Output { stdout, ..Output::default() }
    }

    pub fn with_status(mut self, status: ExitStatus) -> Self {
        self.status = Some(status);
        self
    }

    pub fn note(mut self, message: impl AsRef<str>) -> Self {
        self.stderr.push_str(message.as_ref());
        if !self.stderr.ends_with('\n') {
            self.stderr.push('\n');
        }
        self
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
