//! Diagnostics at the bottom of the crate: what every layer reports (`registry` while loading,
//! `validate` while checking, `error` for invalid input) and what `output` renders. A diagnostic
//! names its file and, for a node of a YAML document, the node's JSON pointer; its `line:col`
//! is resolved from the pointer through the [`Files`] source map, which re-parses only the files
//! that have findings.

mod codes;
mod files;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use codes::Code;
pub use files::{Files, Origin};

use crate::yaml::Pos;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

/// Which node a pointer-located diagnostic points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Anchor {
    /// The value the pointer names (a wrong value, a missing reference).
    Value,
    /// The key the pointer ends in (a field that should not be there); the value when there is
    /// no key.
    Key,
}

/// One finding, located in a file. Renderers in `output` turn it into text, JSON, GitHub
/// annotations and the rest; nothing here knows about formats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// Path as the user should see it: relative to the current directory when possible.
    pub file: PathBuf,
    /// 1-based; 0 while the position still has to be resolved from `instance_path`.
    pub line: u32,
    pub column: u32,
    /// JSON pointer of the node in the document, when there is one.
    pub instance_path: Option<String>,
    pub hint: Option<String>,
    /// Set while `line`/`column` wait for [`Files::resolve`] to look the pointer up.
    #[serde(skip)]
    pub pending: Option<Anchor>,
}

impl Diagnostic {
    /// A diagnostic at a known position, with the code's default severity.
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
            pending: None,
        }
    }

    /// A diagnostic at the node a JSON pointer names; [`Files::resolve`] finds its position.
    pub fn at_pointer(
        code: Code,
        file: impl Into<PathBuf>,
        pointer: impl Into<String>,
        anchor: Anchor,
        message: impl Into<String>,
    ) -> Self {
        let mut d = Diagnostic::new(code, file, Pos::default(), message).at_path(pointer);
        d.line = 0;
        d.column = 0;
        d.pending = Some(anchor);
        d
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

/// Sort and drop exact duplicates (the same finding reached twice). Positions must be resolved
/// first ([`Files::resolve`]).
pub fn normalize(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
}

/// A manifest a validation covered (a module directory's `module.yaml`, loaded or not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Covered {
    /// The module id (the directory name when the manifest does not load).
    pub name: String,
    /// The manifest's path, as diagnostics show it.
    pub file: PathBuf,
}

/// Everything a validation of a whole registry found: the manifests it covered and every
/// diagnostic, located, sorted and without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub manifests: Vec<Covered>,
    pub diagnostics: Vec<Diagnostic>,
}
