//! Reading every manifest and snapshot of a registry, in parallel, into typed modules and the
//! diagnostics of whatever could not be read. Nothing stops at the first bad file.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;

use crate::model::{Health, Manifest, SchemaName};
use crate::validate::{Code, Diagnostic, schema};
use crate::yaml::{self, Document, Pos, YamlError, YamlErrorKind};

pub const MANIFEST_FILE: &str = "module.yaml";
pub const HEALTH_FILE: &str = "health.yaml";

/// A file that parsed and passed its schema.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    pub path: PathBuf,
    pub value: T,
    pub doc: Document,
}

/// What one module directory yielded.
#[derive(Debug, Default)]
pub struct DirResult {
    pub dir_name: String,
    pub dir: PathBuf,
    pub manifest: Option<Loaded<Manifest>>,
    pub health: Option<Loaded<Health>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Load every module directory directly under `root`.
pub fn load_dirs(root: &Path) -> std::io::Result<(Vec<DirResult>, Vec<Diagnostic>)> {
    let mut dirs = Vec::new();
    let mut stray = Vec::new();
    for entry in fs::read_dir(root)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let ft = entry.file_type()?;
        if ft.is_symlink() {
            stray.push(
                Diagnostic::new(
                    Code::StrayFile,
                    &path,
                    Pos::default(),
                    "symbolic link in the registry is not followed",
                )
                .hint("replace the link with the directory it points to"),
            );
        } else if ft.is_dir() {
            dirs.push((name, path));
        } else if !is_registry_doc(&name) {
            stray.push(
                Diagnostic::new(
                    Code::StrayFile,
                    &path,
                    Pos::default(),
                    "file directly under the registry belongs to no module",
                )
                .hint("move it into a module directory or out of the registry"),
            );
        }
    }
    dirs.sort();
    let results = dirs.into_par_iter().map(|(name, dir)| load_dir(name, dir)).collect();
    Ok((results, stray))
}

fn is_registry_doc(name: &str) -> bool {
    matches!(name, "README.md" | "README" | ".gitkeep")
}

fn load_dir(dir_name: String, dir: PathBuf) -> DirResult {
    let mut out = DirResult { dir_name, dir: dir.clone(), ..DirResult::default() };
    let manifest_path = dir.join(MANIFEST_FILE);
    match read_limited(&manifest_path) {
        Ok(Some(bytes)) => {
            out.manifest =
                load_file::<Manifest>(SchemaName::Module, &manifest_path, &bytes, &mut out.diagnostics);
        }
        Ok(None) => out.diagnostics.push(
            Diagnostic::new(
                Code::MissingManifest,
                &dir,
                Pos::default(),
                format!("directory `{}` has no {MANIFEST_FILE}", out.dir_name),
            )
            .hint(format!("create one with `modreg new {}` or remove the directory", out.dir_name)),
        ),
        Err(d) => out.diagnostics.push(d),
    }
    let health_path = dir.join(HEALTH_FILE);
    match read_limited(&health_path) {
        Ok(Some(bytes)) => {
            out.health = load_file::<Health>(SchemaName::Health, &health_path, &bytes, &mut out.diagnostics);
        }
        Ok(None) => {}
        Err(d) => out.diagnostics.push(d),
    }
    out
}

/// Read a file, refusing links and anything over the size limit before reading it whole.
/// `Ok(None)` when the file does not exist.
pub fn read_limited(path: &Path) -> Result<Option<Vec<u8>>, Diagnostic> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_diag(path, &e)),
    };
    if meta.file_type().is_symlink() {
        return Err(Diagnostic::new(
            Code::Io,
            path,
            Pos::default(),
            "file is a symbolic link; modreg does not follow links in the registry",
        )
        .hint("replace the link with the file itself"));
    }
    if !meta.is_file() {
        return Err(Diagnostic::new(Code::Io, path, Pos::default(), "not a regular file"));
    }
    read_bytes_limited(path).map(Some)
}

/// Read at most the size limit (plus one byte, to know it was exceeded).
pub fn read_bytes_limited(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    let file = fs::File::open(path).map_err(|e| io_diag(path, &e))?;
    let mut bytes = Vec::new();
    file.take(yaml::MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| io_diag(path, &e))?;
    Ok(bytes)
}

fn io_diag(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(Code::Io, path, Pos::default(), format!("cannot read file: {e}"))
}

/// Parse, check against the schema, then deserialise into the typed model.
pub fn load_file<T: for<'de> Deserialize<'de>>(
    schema_name: SchemaName,
    path: &Path,
    bytes: &[u8],
    diags: &mut Vec<Diagnostic>,
) -> Option<Loaded<T>> {
    let doc = match yaml::parse(bytes) {
        Ok(doc) => doc,
        Err(e) => {
            diags.push(yaml_diagnostic(path, e));
            return None;
        }
    };
    let found = schema::check(schema_name, &doc, path);
    if !found.is_empty() {
        diags.extend(found);
        return None;
    }
    // The plain path first: tracking every path segment costs time on every valid file.
    if let Ok(value) = T::deserialize(&doc.value) {
        return Some(Loaded { path: path.to_path_buf(), value, doc });
    }
    match serde_path_to_error::deserialize::<_, T>(&doc.value) {
        Ok(value) => Some(Loaded { path: path.to_path_buf(), value, doc }),
        Err(e) => {
            // The schema admits a few strings the types refine further (version requirements).
            let pointer = to_pointer(e.path());
            let at = doc.locate(&pointer);
            diags.push(
                Diagnostic::new(Code::InvalidValue, path, at.value, format!("{pointer}: {}", e.inner()))
                    .at_path(pointer.clone())
                    .maybe_hint(pointer.ends_with("/version").then(|| {
                        "write a semver requirement such as \">=2.0.0, <3.0.0\" or \"^1.4\"".to_owned()
                    })),
            );
            None
        }
    }
}

fn to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => out.push_str(&format!("/{}", yaml::escape_pointer_token(key))),
            Segment::Enum { variant } => out.push_str(&format!("/{variant}")),
            Segment::Unknown => {}
        }
    }
    out
}

pub fn yaml_diagnostic(path: &Path, e: YamlError) -> Diagnostic {
    let code = match e.kind {
        YamlErrorKind::Encoding => Code::Encoding,
        YamlErrorKind::Syntax => Code::YamlSyntax,
        YamlErrorKind::DuplicateKey => Code::DuplicateKey,
        YamlErrorKind::Limit => Code::Limit,
        YamlErrorKind::Documents => Code::Documents,
        YamlErrorKind::Unsupported => Code::UnsupportedYaml,
    };
    Diagnostic::new(code, path, e.pos, e.message).maybe_hint(e.hint)
}
