//! A document sent to a writing command (`health record`, `register`): read from a file or
//! standard input, bounded, and parsed as JSON or YAML with positions in the text as it was
//! sent, so that every diagnostic points into what the sender wrote.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::yaml::{self, Document, YamlError, YamlErrorKind};

/// Where the document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    /// `-` is standard input.
    pub fn from_arg(arg: &Path) -> Input {
        if arg == Path::new("-") { Input::Stdin } else { Input::File(arg.to_path_buf()) }
    }

    /// The name diagnostics give the input: `<stdin>`, or the path as given.
    pub fn name(&self) -> PathBuf {
        match self {
            Input::Stdin => PathBuf::from("<stdin>"),
            Input::File(p) => p.clone(),
        }
    }

    /// The bytes, at most one past [`yaml::MAX_FILE_BYTES`] (so a larger input is known to be too
    /// large without reading it whole). A file may be a pipe (`<(generate --json)`).
    pub fn read(&self) -> Result<Vec<u8>, Error> {
        let limit = yaml::MAX_FILE_BYTES as u64 + 1;
        let mut bytes = Vec::new();
        match self {
            Input::Stdin => std::io::stdin().lock().take(limit).read_to_end(&mut bytes),
            Input::File(p) => std::fs::File::open(p).and_then(|f| f.take(limit).read_to_end(&mut bytes)),
        }
        .map_err(|e| Error::io(&self.name(), e))?;
        Ok(bytes)
    }
}

/// What the command expects, for the messages about input that is not it.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// `snapshot`, `manifest`.
    pub noun: &'a str,
    /// The hint when the input is over the size limit.
    pub too_large: &'a str,
    /// The hint when the input is empty.
    pub empty: &'a str,
}

/// JSON when the input starts with `{` (the common case: pipelines emit JSON), else YAML. Input
/// that starts with `{` but is not JSON may still be a YAML flow mapping (`{status: healthy,
/// ...}`), which is read as such; when it is neither, the JSON error is the one reported, since
/// JSON is what was most likely meant.
pub fn parse(bytes: &[u8], expected: &Expected<'_>) -> Result<Document, YamlError> {
    let text = yaml::decode(bytes).map_err(|e| {
        if bytes.len() > yaml::MAX_FILE_BYTES {
            YamlError {
                message: format!("the {} is more than {} bytes", expected.noun, yaml::MAX_FILE_BYTES),
                hint: Some(expected.too_large.to_owned()),
                ..e
            }
        } else {
            e
        }
    })?;
    let parsed = if is_json(text) {
        yaml::json::parse(text).or_else(|json_error| yaml::parse_str(text).map_err(|_| json_error))
    } else {
        yaml::parse_str(text)
    };
    // The YAML front end speaks of files; this is a document on its way in.
    parsed.map_err(|e| {
        if e.kind == YamlErrorKind::Documents && e.message == "file is empty" {
            YamlError {
                message: format!("the {} is empty", expected.noun),
                hint: Some(expected.empty.to_owned()),
                ..e
            }
        } else {
            e
        }
    })
}

/// Whether `text` is meant as JSON: it starts with `{` after white space.
pub fn is_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}
