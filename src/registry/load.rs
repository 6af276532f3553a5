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
    /// JSON pointers of the nodes a schema error left unsound (their values are placeholders);
    /// empty for a file that conforms. See [`Loaded::sound`].
    pub unsound: Vec<String>,
}

impl<T> Loaded<T> {
    /// Whether the node at `pointer` — and everything above and below it — conforms, so a
    /// check may read it.
    pub fn sound(&self, pointer: &str) -> bool {
        self.unsound.iter().all(|u| !related(u, pointer))
    }

    /// Whether the whole file conforms.
    pub fn is_whole(&self) -> bool {
        self.unsound.is_empty()
    }
}

/// One pointer is the other, or lies above or below it.
fn related(a: &str, b: &str) -> bool {
    let below = |x: &str, y: &str| x.len() > y.len() && x.starts_with(y) && x.as_bytes()[y.len()] == b'/';
    a == b || below(a, b) || below(b, a)
}

/// Load a manifest: typed value, schema and embedded-schema diagnostics. A manifest that does
/// not conform still yields a value when its damage can be cut out (see `schema::salvage`).
pub fn manifest(name: &Path, bytes: &[u8], compiled: &embedded::Compiled) -> Outcome<Manifest> {
    let mut outcome = typed(SchemaName::Module, name, bytes, constraints::manifest_ok);
    if let Some(m) = &outcome.value {
        let mut found = embedded::check(compiled, name, m);
        if !found.is_empty() {
            let files = Files::closed();
            files.add(name, Origin::Bytes(bytes.into()));
            files.resolve(&mut found);
            outcome.diagnostics.extend(found);
        }
    }
    outcome
}

/// Load a health snapshot.
pub fn health(name: &Path, bytes: &[u8]) -> Outcome<Health> {
    typed(SchemaName::Health, name, bytes, constraints::health_ok)
}

/// Decode, then the fast path, else the slow one: the typed value, the file's diagnostics, and
/// the pointers of the nodes a schema error left unsound.
fn typed<T>(schema_name: SchemaName, name: &Path, bytes: &[u8], rules_ok: fn(&T) -> bool) -> Outcome<T>
where
    T: for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    let refused = |d: Diagnostic| Outcome { value: None, diagnostics: vec![d], unsound: Vec::new() };
    let text = match yaml::decode(bytes) {
        Ok(text) => text,
        Err(e) => return refused(yaml_diagnostic(name, e)),
    };
    if let Ok(value) = yaml::de::from_str::<T>(text)
        && rules_ok(&value)
    {
        #[cfg(debug_assertions)]
        cross_check(schema_name, name, text, &value);
        return Outcome { value: Some(value), diagnostics: Vec::new(), unsound: Vec::new() };
    }
    match yaml::parse_str(text) {
        Ok(doc) => from_document(schema_name, name, &doc),
        Err(e) => refused(yaml_diagnostic(name, e)),
    }
}

/// Load a health snapshot from a document already parsed: input that arrived as JSON, or with a
/// key filled in (`health record`). The slow path of [`health`], every problem located in `doc`.
pub fn health_document(name: &Path, doc: &Document) -> Outcome<Health> {
    from_document(SchemaName::Health, name, doc)
}

/// The slow path: the full schema with located diagnostics, then the typed value, salvaged
/// around the nodes a schema error left unsound.
fn from_document<T>(schema_name: SchemaName, name: &Path, doc: &Document) -> Outcome<T>
where
    T: for<'de> Deserialize<'de>,
{
    let mut found = schema::check(schema_name, doc, name);
    // The plain path first: tracking every path segment costs time on every valid file.
    if found.is_empty()
        && let Ok(value) = T::deserialize(&doc.value)
    {
        return Outcome { value: Some(value), diagnostics: Vec::new(), unsound: Vec::new() };
    }
    if found.is_empty()
        && let Err(e) = serde_path_to_error::deserialize::<_, T>(&doc.value)
    {
        // The schema admits a few strings the types refine further (version requirements).
        let pointer = yaml::pointer_of(e.path());
        let at = doc.locate(&pointer);
        found.push(
            Diagnostic::new(Code::InvalidValue, name, at.value, format!("{pointer}: {}", e.inner()))
                .at_path(pointer.clone())
                .maybe_hint(pointer.ends_with("/version").then(|| {
                    "write a semver requirement such as \">=2.0.0, <3.0.0\" or \"^1.4\"".to_owned()
                })),
        );
    }
    match schema::salvage::salvage::<T>(schema_name, doc.value.clone()) {
        Some((value, unsound)) => Outcome { value: Some(value), diagnostics: found, unsound },
        None => Outcome { value: None, diagnostics: found, unsound: Vec::new() },
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

pub fn yaml_diagnostic(path: &Path, e: YamlError) -> Diagnostic {
    let code = match e.kind {
        YamlErrorKind::Encoding => Code::Encoding,
        YamlErrorKind::Syntax => Code::YamlSyntax,
        YamlErrorKind::DuplicateKey => Code::DuplicateKey,
        YamlErrorKind::Limit => Code::Limit,
        YamlErrorKind::Documents => Code::Documents,
        YamlErrorKind::Unsupported => Code::UnsupportedYaml,
        YamlErrorKind::Json => Code::JsonSyntax,
    };
    Diagnostic::new(code, path, e.pos, e.message).maybe_hint(e.hint)
}
