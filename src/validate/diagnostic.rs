use std::path::PathBuf;

use serde::Serialize;

use super::codes::Code;
use crate::yaml::Pos;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One finding, located in a file. Renderers in `output::diagnostics` turn it into text, JSON,
/// GitHub annotations and the rest; nothing here knows about formats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// Path as the user should see it: relative to the current directory when possible.
    pub file: PathBuf,
    pub line: u32,
    pub column: u32,
    /// JSON pointer of the node in the document, when there is one.
    pub instance_path: Option<String>,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity.
    pub fn new(code: Code, file: impl Into<PathBuf>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            file: file.into(),
            line: pos.line.max(1),
            column: pos.col.max(1),
            instance_path: None,
            hint: None,
        }
    }

    pub fn at_path(mut self, pointer: impl Into<String>) -> Self {
        self.instance_path = Some(pointer.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn maybe_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    /// Sort key: file, position, then code, so output is stable whatever the load order.
    pub fn sort_key(&self) -> (&PathBuf, u32, u32, Code, &str) {
        (&self.file, self.line, self.column, self.code, &self.message)
    }
}

/// Sort and drop exact duplicates (the same finding reached twice).
pub fn normalize(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
}
