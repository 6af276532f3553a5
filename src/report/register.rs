//! `modreg register`: a manifest an AI pipeline produced (YAML or JSON, from a file or standard
//! input) is checked as if it were already in the registry, compared with the registered modules
//! for duplicates, and written atomically as canonical YAML (SPEC §4, §7, §8).
//!
//! - **As if registered.** The working tree is loaded with the manifest laid over it at
//!   `<id>/module.yaml` ([`Source::Overlay`]) and validated whole, so every check of SPEC §5 runs,
//!   references and cross-module checks included. What the registry already reported without the
//!   manifest is subtracted: a refusal is about this manifest, not about old problems elsewhere.
//!   Diagnostics in the manifest name it as it was sent (`<stdin>` or the path given) with the
//!   line and column in the text that was sent.
//! - **Never twice.** An id with a manifest on disk is refused (E080). The module directory is
//!   made with `mkdir`, never replacing one (a directory that is already there, holding docs the
//!   pipeline wrote first, is used as it is), and the manifest is renamed into place only if no
//!   file is there: of two registrations of one id exactly one wins, and registrations of
//!   different ids all land.
//! - **No near-duplicates.** A registered module whose similarity score (see `search`) reaches
//!   `register.similarity_threshold` refuses the manifest (E081) unless `--allow-similar`.
//!   Retired modules are left out: a replacement for one is what should be registered.
//! - **Canonical YAML.** The schema modeline, then the manifest's keys in the model's order,
//!   block style, every string a YAML 1.1 reader would retype quoted. What is written loads back
//!   as the same manifest, or nothing is written.
//!
//! A refusal writes nothing: the registry is left byte-for-byte as it was.

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::Error;
use crate::diag::{Code, Diagnostic, Files, Origin, Report, Severity, normalize};
use crate::fsutil::{Existing, write_atomic};
use crate::model::{Manifest, Status, is_module_id};
use crate::registry::{Candidate, Loader, Location, MANIFEST_FILE, Outcomes, Registry, Source, load};
use crate::report::input::{self, Expected};
use crate::schema::embedded;
use crate::yaml::{self, Document};

/// The first line of every manifest `register` writes: editors find the schema from it.
pub const MODELINE: &str = "# yaml-language-server: $schema=../../schemas/module.schema.json";

/// How many similar modules a result names at most.
pub const SIMILAR_LIMIT: usize = 5;

/// One manifest to register.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The input's name in diagnostics: `<stdin>` or the path as given.
    pub name: &'a Path,
    pub bytes: &'a [u8],
    /// Register even when a registered module reaches the similarity threshold.
    pub allow_similar: bool,
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// `register.similarity_threshold` of the settings.
    pub threshold: f64,
}

/// A registered module the manifest resembles, with the search score (0 to 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Similar {
    pub id: String,
    pub name: String,
    pub score: f64,
    /// The fields of the registered module the manifest's words matched.
    pub matched: Vec<String>,
}

/// The search index's ranking of the modules of `reg` (which holds the manifest itself under its
/// own id) against the manifest, best first: enough of them that the manifest itself and
/// retired modules can be left out and still name [`SIMILAR_LIMIT`].
fn ranked(reg: &Registry, m: &Manifest) -> Vec<Similar> {
    crate::search::Index::build(reg)
        .similar(m, SIMILAR_LIMIT * 4)
        .into_iter()
        .map(|h| Similar {
            id: h.id,
            name: h.name,
            score: h.score,
            matched: h.matched.into_iter().map(str::to_owned).collect(),
        })
        .collect()
}

/// What `register` prints on success (SPEC §8: `registered`, `path`).
#[derive(Debug, Serialize)]
pub struct Registered {
    /// The id registered; `null` on a dry run, which registers nothing.
    pub registered: Option<String>,
    /// On a dry run, the id a real run would register.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub would_register: Option<String>,
    /// The manifest file, as the registry names it (written, or to be written on a dry run).
    pub path: String,
    pub dry_run: bool,
    /// Registered modules at or over the similarity threshold (registered with
    /// `--allow-similar`), best first.
    pub similar: Vec<Similar>,
    /// Warnings the manifest brings into the registry (they do not refuse it).
    pub warnings: Vec<Diagnostic>,
    #[serde(skip)]
    pub files: Files,
}

/// A refused manifest (SPEC §8: `{"registered": null, "diagnostics": [...], "similar": [...]}`).
#[derive(Debug, Serialize)]
pub struct Refused {
    /// Always `null`: nothing was registered.
    pub registered: Option<String>,
    /// Every error (and warning) the manifest brings, located.
    pub diagnostics: Vec<Diagnostic>,
    /// Registered modules at or over the similarity threshold, best first.
    pub similar: Vec<Similar>,
    #[serde(skip)]
    pub files: Files,
}

#[derive(Debug)]
pub enum Outcome {
    Registered(Registered),
    Refused(Refused),
}

/// The registry as it is, before the manifest: what is subtracted.
#[derive(Debug, Default)]
pub struct Before {
    /// The validation report of the working tree.
    pub report: Report,
    /// The per-file outcomes of the load that report came from, when there was one (no cached
    /// report): the load with the manifest takes them instead of parsing every file again.
    pub outcomes: Option<Outcomes>,
}

/// Check the manifest against the registry at `location` and, unless refused or a dry run, write
/// it. `cache_dir` is the parse cache for the load with the manifest. Errors are I/O and internal
/// ones; a manifest that fails a check is [`Outcome::Refused`].
pub fn register(
    location: &Location,
    cache_dir: Option<PathBuf>,
    before: Before,
    req: &Request<'_>,
) -> Result<Outcome, Error> {
    let files = Files::closed();
    files.add(req.name, Origin::Bytes(req.bytes.into()));
    let refuse = |diags: Vec<Diagnostic>, similar: Vec<Similar>, files: Files| {
        let mut diagnostics = diags;
        normalize(&mut diagnostics);
        Ok(Outcome::Refused(Refused { registered: None, diagnostics, similar, files }))
    };

    let doc = match parse(req.bytes) {
        Ok(doc) => doc,
        Err(e) => return refuse(vec![load::yaml_diagnostic(req.name, e)], Vec::new(), files),
    };
    let id = doc.value.pointer("/metadata/id").and_then(|v| v.as_str()).filter(|id| is_module_id(id));
    let Some(id) = id.map(str::to_owned) else {
        // Without an id there is no place in the registry to check it at: the manifest's own
        // checks say what is wrong (the schema requires a well-formed id).
        let outcome = load::manifest(req.name, req.bytes, &embedded::Compiled::default());
        let mut diags = outcome.diagnostics;
        files.resolve(&mut diags);
        if diags.iter().all(|d| d.severity != Severity::Error) {
            diags.push(
                Diagnostic::new(
                    Code::MissingKey,
                    req.name,
                    doc.locate("/metadata").value,
                    "the manifest has no usable metadata.id",
                )
                .at_path("/metadata/id")
                .hint("give the module an id: lowercase words joined by hyphens, e.g. `order-history`"),
            );
        }
        return refuse(diags, Vec::new(), files);
    };

    let root = &location.root;
    let dir = root.join(&id);
    let path = dir.join(MANIFEST_FILE);
    if std::fs::symlink_metadata(&path).is_ok() {
        return refuse(vec![exists(&doc, req.name, &id, &path, false)], Vec::new(), files);
    }

    // The registry as it would be, validated whole.
    let candidate = Candidate { id: id.clone(), name: req.name.to_path_buf(), bytes: req.bytes.into() };
    let mut loader = Loader::new(location.clone(), Source::Overlay(candidate), cache_dir)?;
    if let Some(outcomes) = before.outcomes {
        loader.reuse(outcomes);
    }
    let mut reg = loader.load()?;
    loader.finish();
    let report = crate::validate::run(&reg);
    let files = std::mem::take(&mut reg.files);
    let brought = subtract(report.diagnostics, &before.report.diagnostics);

    let module = reg.index_of(&id).map(|i| &reg.modules[i]).filter(|m| !m.is_broken());
    // A retired module is no duplicate: its replacement is exactly what should be registered.
    let counts = |s: &Similar| {
        s.id != id
            && s.score >= req.threshold
            && reg.get(&s.id).is_some_and(|m| m.m().metadata.status != Status::Retired)
    };
    let similar_modules: Vec<Similar> = match module {
        Some(m) => ranked(&reg, m.m()).into_iter().filter(counts).take(SIMILAR_LIMIT).collect(),
        None => Vec::new(),
    };

    let mut errors = brought.iter().any(|d| d.severity == Severity::Error);
    let mut diagnostics = brought;
    if !similar_modules.is_empty() && !req.allow_similar {
        diagnostics.push(too_similar(&doc, req.name, &id, &similar_modules, req.threshold));
        errors = true;
    }
    if errors {
        return refuse(diagnostics, similar_modules, files);
    }
    let Some(module) = module else {
        return Err(Error::Other(format!("internal error: `{id}` has no errors but did not load")));
    };

    let text = canonical(module.m());
    // What is written must load as the same manifest; if not, that is a bug here, not the input.
    let back = load::manifest(&path, text.as_bytes(), &embedded::Compiled::default());
    if !back.diagnostics.is_empty() || back.value.as_ref() != Some(module.m()) {
        return Err(Error::Other(format!(
            "internal error: the canonical manifest does not read back as sent: {:?}",
            back.diagnostics.first().map(|d| &d.message)
        )));
    }
    if !req.dry_run {
        match write_new(&dir, &path, text.as_bytes()) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return refuse(vec![exists(&doc, req.name, &id, &path, true)], similar_modules, files);
            }
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
    let (registered, would_register) = if req.dry_run { (None, Some(id)) } else { (Some(id), None) };
    Ok(Outcome::Registered(Registered {
        registered,
        would_register,
        path: path.display().to_string(),
        dry_run: req.dry_run,
        similar: similar_modules,
        warnings: diagnostics,
        files,
    }))
}

/// The manifest as a document: JSON or YAML.
fn parse(bytes: &[u8]) -> Result<Document, yaml::YamlError> {
    input::parse(
        bytes,
        &Expected {
            noun: "manifest",
            too_large: "a manifest describes a module; put long documentation in files under docs/",
            empty: "send a manifest, YAML or JSON, with `apiVersion: modreg/v1` and `kind: Module` \
                    (`modreg new` shows the form)",
        },
    )
}

/// The diagnostics of `found` that `before` does not have: what the manifest brought. Positions
/// are resolved in both, so equal findings compare equal.
fn subtract(found: Vec<Diagnostic>, before: &[Diagnostic]) -> Vec<Diagnostic> {
    let key = |d: &Diagnostic| (d.file.clone(), d.line, d.column, d.code, d.message.clone());
    let mut seen: FxHashMap<_, usize> = FxHashMap::default();
    for d in before {
        *seen.entry(key(d)).or_default() += 1;
    }
    found
        .into_iter()
        .filter(|d| match seen.get_mut(&key(d)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect()
}

/// E080 at `metadata.id`.
fn exists(doc: &Document, name: &Path, id: &str, path: &Path, meanwhile: bool) -> Diagnostic {
    let message = if meanwhile {
        format!("module `{id}` was registered by someone else meanwhile: {} now exists", path.display())
    } else {
        format!("module `{id}` is already registered: {} exists", path.display())
    };
    Diagnostic::new(Code::RegisterExists, name, doc.locate("/metadata/id").value, message)
        .at_path("/metadata/id")
        .hint(format!(
            "pick an id of its own for a new module; to change `{id}`, edit {} and have it reviewed",
            path.display()
        ))
}

/// E081 at `metadata.name`: the similar modules, best first.
fn too_similar(doc: &Document, name: &Path, id: &str, similar: &[Similar], threshold: f64) -> Diagnostic {
    let list: Vec<String> =
        similar.iter().map(|s| format!("`{}` ({}, score {:.2})", s.id, s.name, s.score)).collect();
    let at = doc.locate("/metadata/name");
    let pointer = if at.key.is_some() { "/metadata/name" } else { "/metadata/id" };
    Diagnostic::new(
        Code::RegisterSimilar,
        name,
        doc.locate(pointer).value,
        format!("`{id}` looks like a duplicate of {}; the threshold is {threshold:.2}", list.join(", ")),
    )
    .at_path(pointer)
    .hint(format!(
        "use `{}` (depend on it or extend it); if `{id}` is genuinely different, say how in its name and \
         description, or register it with --allow-similar",
        similar[0].id
    ))
}

/// The manifest as `register` writes it: the schema modeline, then the typed manifest's keys in
/// the model's order, block style, strings a YAML 1.1 reader would retype quoted. The same
/// manifest always gives the same bytes.
pub fn canonical(m: &Manifest) -> String {
    let value = serde_json::to_value(m).expect("manifests serialise to JSON");
    format!("{MODELINE}\n{}", yaml::emit::document(&value, |_| false))
}

/// Create `dir` unless it exists (never replacing anything), then put `contents` at `path` unless
/// a file is there. A directory made here is removed again when the write fails.
fn write_new(dir: &Path, path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let created = match std::fs::create_dir(dir) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let meta = std::fs::symlink_metadata(dir)?;
            if !meta.is_dir() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    format!("{} exists and is not a directory", dir.display()),
                ));
            }
            false
        }
        Err(e) => return Err(e),
    };
    let written = write_atomic(path, contents, Existing::Refuse);
    if written.is_err() && created {
        // Only if still empty: a concurrent registration of the same id may have won meanwhile.
        let _ = std::fs::remove_dir(dir);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Pos;

    fn diag(file: &str, line: u32, code: Code) -> Diagnostic {
        Diagnostic::new(code, file, Pos { line, col: 1 }, "m")
    }

    #[test]
    fn subtract_keeps_only_what_is_new_counting_repeats() {
        let before = vec![diag("a", 1, Code::UnknownTarget), diag("a", 1, Code::UnknownTarget)];
        let found = vec![
            diag("a", 1, Code::UnknownTarget),
            diag("a", 1, Code::UnknownTarget),
            diag("a", 1, Code::UnknownTarget),
            diag("<stdin>", 4, Code::WrongType),
        ];
        let new = subtract(found, &before);
        assert_eq!(new, vec![diag("a", 1, Code::UnknownTarget), diag("<stdin>", 4, Code::WrongType)]);
    }
}
