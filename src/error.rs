//! The crate's error and the process exit status it maps to (SPEC §4).

use std::path::Path;

use crate::diag::Diagnostic;

/// How a run ends. `main` turns this into the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: the command did what was asked and found nothing wrong.
    Success,
    /// 1: the registry or the input is invalid (validate errors, a refused register, diff
    /// `--fail-on` triggered).
    Invalid,
    /// 2: usage, I/O or internal error.
    Failure,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Invalid => 1,
            ExitStatus::Failure => 2,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line asked for something impossible (unknown module, missing registry).
    #[error("{0}")]
    Usage(String),
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    /// An input file is invalid; the diagnostics say where and why.
    #[error("the input is invalid")]
    Invalid(Vec<Diagnostic>),
    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io { path: path.display().to_string(), source }
    }

    pub fn exit_status(&self) -> ExitStatus {
        match self {
            Error::Invalid(_) => ExitStatus::Invalid,
            _ => ExitStatus::Failure,
        }
    }
}
