//! The per-file phase: bytes → typed manifest or snapshot, with that file's own diagnostics
//! (YAML, schema, embedded schemas). Its result is what the parse cache keeps.
//!
//! Two paths lead to the same result. The fast path deserialises the typed model straight from
//! YAML events ([`yaml::de`]) and checks the few field rules types do not enforce
//! ([`schema::constraints`]): most files are valid, and for them no JSON tree and no span tree
//! is built. Anything the fast path is unsure of goes the slow path, which builds the tree with
//! spans, runs the full JSON Schema and reports every problem at its `line:col`. Debug builds
//! run both on every file the fast path accepts and insist they agree.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::cache::Outcome;
use crate::diag::{Code, Diagnostic, Files, Origin};
use crate::model::{Health, Manifest, SchemaName};
use crate::schema::{self, constraints, embedded};
use crate::yaml::{self, Document, YamlError, YamlErrorKind};

pub const MANIFEST_FILE: &str = "module.yaml";
pub const HEALTH_FILE: &str = "health.yaml";

/// A file that loaded: where it is (as diagnostics name it) and its typed value.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    pub path: PathBuf,
    pub value: T,
}

/// Load a manifest: typed value, schema and embedded-schema diagnostics.
pub fn manifest(name: &Path, bytes: &[u8], compiled: &embedded::Compiled) -> Outcome<Manifest> {
    let (value, mut diagnostics, doc) = typed(SchemaName::Module, name, bytes, constraints::manifest_ok);
    if let Some(m) = &value {
        let mut found = embedded::check(compiled, name, m);
        if !found.is_empty() {
            locate(name, bytes, doc, &mut found);
            diagnostics.extend(found);
        }
    }
    Outcome { value, diagnostics }
}

/// Load a health snapshot.
pub fn health(name: &Path, bytes: &[u8]) -> Outcome<Health> {
    let (value, diagnostics, _) = typed(SchemaName::Health, name, bytes, constraints::health_ok);
    Outcome { value, diagnostics }
}

/// Resolve the pointers of diagnostics about `bytes` (parsed already as `doc`, or parsed now).
fn locate(name: &Path, bytes: &[u8], doc: Option<Document>, found: &mut [Diagnostic]) {
    let files = Files::closed();
    files.add(name, Origin::Bytes(bytes.into()));
    let _ = doc; // the source map parses the text itself; the tree built earlier is dropped here
    files.resolve(found);
}

/// Decode, then the fast path, else the slow one. Returns the typed value (when the file
/// conforms), the file's diagnostics, and the parsed document when the slow path built one.
fn typed<T>(
    schema_name: SchemaName,
    name: &Path,
    bytes: &[u8],
    rules_ok: fn(&T) -> bool,
) -> (Option<T>, Vec<Diagnostic>, Option<Document>)
where
    T: for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    let text = match yaml::decode(bytes) {
        Ok(text) => text,
        Err(e) => return (None, vec![yaml_diagnostic(name, e)], None),
    };
    if let Ok(value) = yaml::de::from_str::<T>(text)
        && rules_ok(&value)
    {
        #[cfg(debug_assertions)]
        cross_check(schema_name, name, text, &value);
        return (Some(value), Vec::new(), None);
    }
    let doc = match yaml::parse_str(text) {
        Ok(doc) => doc,
        Err(e) => return (None, vec![yaml_diagnostic(name, e)], None),
    };
    let found = schema::check(schema_name, &doc, name);
    if !found.is_empty() {
        return (None, found, Some(doc));
    }
    // The plain path first: tracking every path segment costs time on every valid file.
    if let Ok(value) = T::deserialize(&doc.value) {
        return (Some(value), Vec::new(), Some(doc));
    }
    match serde_path_to_error::deserialize::<_, T>(&doc.value) {
        Ok(value) => (Some(value), Vec::new(), Some(doc)),
        Err(e) => {
            // The schema admits a few strings the types refine further (version requirements).
            let pointer = to_pointer(e.path());
            let at = doc.locate(&pointer);
            let d = Diagnostic::new(Code::InvalidValue, name, at.value, format!("{pointer}: {}", e.inner()))
                .at_path(pointer.clone())
                .maybe_hint(pointer.ends_with("/version").then(|| {
                    "write a semver requirement such as \">=2.0.0, <3.0.0\" or \"^1.4\"".to_owned()
                }));
            (None, vec![d], Some(doc))
        }
    }
}

/// Debug builds: the fast path may only accept what the slow path accepts, with the same value.
#[cfg(debug_assertions)]
fn cross_check<T>(schema_name: SchemaName, name: &Path, text: &str, fast: &T)
where
    T: for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    let doc = yaml::parse_str(text)
        .unwrap_or_else(|e| panic!("{}: fast path accepted what YAML refuses: {e:?}", name.display()));
    let found = schema::check(schema_name, &doc, name);
    assert!(found.is_empty(), "{}: fast path accepted a schema violation: {found:?}", name.display());
    let slow =
        T::deserialize(&doc.value).unwrap_or_else(|e| panic!("{}: slow path refuses: {e}", name.display()));
    assert_eq!(&slow, fast, "{}: fast and slow paths disagree", name.display());
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
