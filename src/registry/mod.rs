//! The loaded registry: every module that parsed, indexed by id, with relationship edges in
//! both directions computed once. Commands read from here; they never touch the files.
//!
//! One [`Loader`] serves every way in (the working tree, a git revision, the working tree with a
//! candidate manifest laid over it): it lists the source once, takes what it can from the parse
//! cache, runs the per-file phase on the rest in parallel, and keeps no parse tree.

pub mod cache;
pub mod discover;
pub mod load;
pub mod source;

use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use discover::{Location, discover};
pub use load::{HEALTH_FILE, Loaded, MANIFEST_FILE};
pub use source::{Candidate, Entry, GitTree, Kind, Listing, Source};

use self::cache::{Cache, FileOutcome, Outcome};
use crate::Error;
use crate::diag::{Anchor, Code, Covered, Diagnostic, Files, Report, normalize};
use crate::model::{Health, Manifest, RelationType, Relationship};
use crate::schema::embedded;
use crate::suggest::closest;
use crate::yaml::Pos;

/// One module: its manifest and, when present and valid, its health snapshot.
#[derive(Debug, Clone)]
pub struct Module {
    /// The module directory, as diagnostics name it.
    pub dir: PathBuf,
    /// The directory's name (equal to the id unless E020 says otherwise).
    pub dir_name: String,
    pub manifest: Loaded<Manifest>,
    pub health: Option<Loaded<Health>>,
}

impl Module {
    pub fn id(&self) -> &str {
        &self.manifest.value.metadata.id
    }

    /// A module whose manifest does not fully conform: it takes part in validation (references
    /// to it resolve, and every check of its sound parts runs), but commands that show modules
    /// leave it out.
    pub fn is_broken(&self) -> bool {
        !self.manifest.is_whole()
    }
    pub fn m(&self) -> &Manifest {
        &self.manifest.value
    }
}

/// A relationship between two loaded modules, as indexes into [`Registry::modules`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub source: usize,
    pub target: usize,
    pub kind: RelationType,
    /// Index of the relationship in the source's manifest.
    pub index: usize,
}

#[derive(Debug)]
pub struct Registry {
    pub location: Location,
    pub source: Source,
    /// How the registry directory is named in diagnostics (`registry`, `HEAD:registry`).
    pub display_root: PathBuf,
    /// Every entry under the registry directory.
    pub listing: Listing,
    /// Where the text of each file comes from, for snippets and positions.
    pub files: Files,
    /// Modules sorted by id; ids are unique.
    pub modules: Vec<Module>,
    by_id: HashMap<String, usize>,
    /// For each module, the edges it declares (to modules that exist), in manifest order.
    pub outgoing: Vec<Vec<Edge>>,
    /// For each module, the edges other modules declare to it, sorted by source id.
    pub incoming: Vec<Vec<Edge>>,
    /// Problems found while loading: unreadable files, YAML and schema errors, identity.
    pub diagnostics: Vec<Diagnostic>,
    /// Module directories that exist but whose manifest could not be loaded.
    pub broken: Vec<String>,
    /// How the load went: files read, and how many of them the parse cache served.
    pub stats: LoadStats,
}

/// What a load did, for benchmarks and tests of the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadStats {
    /// Manifests and snapshots the load needed.
    pub files: usize,
    /// Of those, served by the parse cache (the rest went through the per-file phase).
    pub from_cache: usize,
    /// Of those, taken from another load of the same bytes ([`Loader::reuse`]).
    pub reused: usize,
}

/// The per-file outcomes of a load ([`Loader::keep_outcomes`]), for another load of the same
/// files: the base of a diff takes the working tree's outcome of every file whose bytes git
/// says are the same at the base revision, rather than reading and parsing the blob again.
#[derive(Debug, Default)]
pub struct Outcomes {
    /// The registry as the outcomes' diagnostics name it.
    root: PathBuf,
    /// By path relative to the registry root: the file's size and its outcome.
    files: HashMap<PathBuf, (u64, FileOutcome)>,
}

impl Outcomes {
    /// Forget the outcomes of `paths` (relative to the registry root): files whose bytes differ.
    pub fn forget<'a>(&mut self, paths: impl IntoIterator<Item = &'a Path>) {
        for p in paths {
            self.files.remove(p);
        }
    }
}

/// Loads a registry from one source, with the parse cache when the source is the working tree.
pub struct Loader {
    pub location: Location,
    source: Source,
    display_root: PathBuf,
    listing: Listing,
    cache: Option<Cache>,
    /// Keep a copy of every readable file's outcome for [`Loader::take_outcomes`].
    keep: bool,
    kept: Option<Outcomes>,
    /// Outcomes to take instead of reading files ([`Loader::reuse`]).
    reuse: Option<Outcomes>,
}

impl Loader {
    /// List the source and open the cache (`cache_dir`; `None` for no cache). A missing
    /// registry directory is a usage error that says how to point modreg at one.
    pub fn new(location: Location, source: Source, cache_dir: Option<PathBuf>) -> Result<Loader, Error> {
        let root = location.root.clone();
        if !matches!(source, Source::Git(_)) && !root.is_dir() {
            return Err(Error::Usage(format!(
                "registry directory `{}` does not exist\nhint: run modreg inside a project with a `registry/` directory, \
                 pass --registry DIR (or set MODREG_REGISTRY), or start one with `modreg init`",
                root.display()
            )));
        }
        let display_root = source.display_root(&root);
        // The cache time is taken before any file is looked at (see `cache`).
        let cache = match (&source, cache_dir) {
            (Source::Git(_), _) | (_, None) => None,
            (_, Some(dir)) => {
                let abs = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
                Some(Cache::open(&dir, &abs, &display_root))
            }
        };
        let listing = source.list(&root)?;
        Ok(Loader { location, source, display_root, listing, cache, keep: false, kept: None, reuse: None })
    }

    /// Have the next [`Loader::load`] keep a copy of the per-file outcome of every file it could
    /// read, for [`Loader::take_outcomes`].
    pub fn keep_outcomes(&mut self) {
        self.keep = true;
    }

    /// The outcomes the last load kept (see [`Loader::keep_outcomes`]).
    pub fn take_outcomes(&mut self) -> Option<Outcomes> {
        self.kept.take()
    }

    /// Take the outcome of a file of the listing from `outcomes` instead of reading it, when
    /// `outcomes` has one for its path and its size is the same. The caller vouches that such a
    /// file holds the same bytes (forgetting first every path whose contents may differ); its
    /// diagnostics are renamed to this source's names.
    pub fn reuse(&mut self, outcomes: Outcomes) {
        self.reuse = Some(outcomes);
    }

    /// The reused outcome of a file, when there is one (see [`Loader::reuse`]).
    fn reused(&mut self, entry: &Entry) -> Option<FileOutcome> {
        let reuse = self.reuse.as_mut()?;
        let (size, mut outcome) = reuse.files.remove(&entry.path)?;
        if size != entry.size {
            return None;
        }
        cache::rebase(outcome.diagnostics_mut(), &reuse.root, &self.display_root);
        Some(outcome)
    }

    /// What a full validation of this registry depends on, when that can be trusted (see
    /// [`Cache::fingerprint`]).
    pub fn fingerprint(&self) -> Option<u64> {
        let cache = self.cache.as_ref()?;
        if !matches!(self.source, Source::WorkTree) {
            return None;
        }
        let settings = self
            .location
            .settings_file
            .as_ref()
            .map(|f| std::fs::read(f).unwrap_or_default())
            .unwrap_or_default();
        cache.fingerprint(&self.listing.entries, &settings)
    }

    /// The report of the last validation, when it was computed from the same inputs.
    pub fn cached_report(&self, fingerprint: Option<u64>) -> Option<Report> {
        self.cache.as_ref()?.report(fingerprint)
    }

    pub fn store_report(&mut self, fingerprint: Option<u64>, report: &Report) {
        if let Some(cache) = &mut self.cache {
            cache.put_report(fingerprint, report);
        }
    }

    /// Write the cache back if this run changed it.
    pub fn finish(self) {
        if let Some(cache) = self.cache {
            cache.save();
        }
    }

    /// Whether `rel` is the overlay's candidate manifest: text that is not on disk, so neither
    /// taken from nor put into the parse cache.
    fn is_candidate(&self, rel: &Path) -> bool {
        matches!(&self.source, Source::Overlay(c) if rel == Path::new(&c.id).join(MANIFEST_FILE))
    }

    /// How a file of the listing is named in diagnostics.
    fn name_of(&self, rel: &Path) -> PathBuf {
        if let Source::Overlay(c) = &self.source
            && self.is_candidate(rel)
        {
            return c.name.clone();
        }
        self.display_root.join(rel)
    }

    /// Load every module: cached outcomes where fresh, the per-file phase in parallel for the
    /// rest; then identity checks and the edge indexes.
    pub fn load(&mut self) -> Result<Registry, Error> {
        let mut diagnostics = Vec::new();
        let mut dirs: Vec<String> = Vec::new();
        // What each directory holds, and which files need the per-file phase: one pass over
        // the listing, each top-level entry with the entries below it.
        let mut slots: Vec<[Slot; 2]> = Vec::new();
        let mut todo: Vec<(usize, usize, Entry)> = Vec::new();
        let mut reused = 0;
        let listing = std::mem::take(&mut self.listing);
        for (e, inside) in listing.groups() {
            let name = e.path.to_string_lossy().into_owned();
            let path = self.display_root.join(&e.path);
            match e.kind {
                Kind::Dir => {}
                Kind::Symlink => {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::StrayFile,
                            path,
                            Pos::default(),
                            "symbolic link in the registry is not followed",
                        )
                        .hint("replace the link with the directory it points to"),
                    );
                    continue;
                }
                _ if matches!(name.as_str(), "README.md" | "README" | ".gitkeep") => continue,
                _ => {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::StrayFile,
                            path,
                            Pos::default(),
                            "file directly under the registry belongs to no module",
                        )
                        .hint("move it into a module directory or out of the registry"),
                    );
                    continue;
                }
            }
            let d = dirs.len();
            let mut pair = [Slot::Absent, Slot::Absent];
            for (f, file) in [MANIFEST_FILE, HEALTH_FILE].into_iter().enumerate() {
                let Some(entry) = inside.iter().find(|x| is_child(&x.path, &e.path, file)) else {
                    continue;
                };
                pair[f] = match entry.kind {
                    Kind::Symlink => Slot::Refused(
                        Diagnostic::new(
                            Code::Io,
                            self.name_of(&entry.path),
                            Pos::default(),
                            "file is a symbolic link; modreg does not follow links in the registry",
                        )
                        .hint("replace the link with the file itself"),
                    ),
                    Kind::Dir | Kind::Other => Slot::Refused(Diagnostic::new(
                        Code::Io,
                        self.name_of(&entry.path),
                        Pos::default(),
                        "not a regular file",
                    )),
                    Kind::File if self.is_candidate(&entry.path) => {
                        todo.push((d, f, entry.clone()));
                        Slot::Pending
                    }
                    Kind::File => {
                        if let Some(outcome) = self.cache.as_mut().and_then(|c| c.take(entry)) {
                            Slot::Done(outcome)
                        } else if let Some(outcome) = self.reused(entry) {
                            reused += 1;
                            Slot::Done(outcome)
                        } else {
                            todo.push((d, f, entry.clone()));
                            Slot::Pending
                        }
                    }
                };
            }
            dirs.push(name);
            slots.push(pair);
        }
        self.listing = listing;
        self.reuse = None;

        let parsed = todo.len();
        let from_cache = slots.iter().flatten().filter(|s| matches!(s, Slot::Done(_))).count() - reused;
        let mut unreadable = Vec::new();
        for (d, f, outcome, readable, encoded) in self.per_file(todo) {
            if let (Some(cache), Some((entry, bytes))) = (self.cache.as_mut(), encoded) {
                cache.put(&entry, bytes);
            }
            if !readable {
                unreadable.push((d, f));
            }
            slots[d][f] = Slot::Done(outcome);
        }
        if self.keep {
            unreadable.sort_unstable();
            self.kept = Some(self.copy_outcomes(&dirs, &slots, &unreadable));
        }

        let mut modules: Vec<Module> = Vec::with_capacity(dirs.len());
        let mut broken = Vec::new();
        for (name, [manifest, health]) in dirs.into_iter().zip(slots) {
            let dir = self.display_root.join(&name);
            let manifest_path = self.name_of(&Path::new(&name).join(MANIFEST_FILE));
            let health_path = self.name_of(&Path::new(&name).join(HEALTH_FILE));
            let health = match health {
                Slot::Done(FileOutcome::Health(Outcome { value, diagnostics: found, unsound })) => {
                    diagnostics.extend(found);
                    value.map(|value| Loaded { path: health_path, value, unsound })
                }
                Slot::Refused(d) => {
                    diagnostics.push(d);
                    None
                }
                _ => None,
            };
            let manifest = match manifest {
                Slot::Done(FileOutcome::Manifest(Outcome {
                    value: Some(value),
                    diagnostics: found,
                    unsound,
                })) => {
                    diagnostics.extend(found);
                    Some(Loaded { path: manifest_path.clone(), value, unsound })
                }
                Slot::Done(FileOutcome::Manifest(Outcome { diagnostics: found, .. })) => {
                    diagnostics.extend(found);
                    None
                }
                Slot::Refused(d) => {
                    diagnostics.push(d);
                    None
                }
                Slot::Absent => {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::MissingManifest,
                            &dir,
                            Pos::default(),
                            format!("directory `{name}` has no {MANIFEST_FILE}"),
                        )
                        .hint(format!("create one with `modreg new {name}` or remove the directory")),
                    );
                    continue;
                }
                Slot::Pending | Slot::Done(FileOutcome::Health(_)) => None,
            };
            // A manifest that does not load at all still stands for its module, known by its
            // directory, so references to it resolve; nothing of it is sound.
            let Some(mut manifest) = manifest.or_else(|| stand_in(&name, manifest_path)) else {
                continue;
            };
            if !manifest.sound("/metadata/id") {
                manifest.value.metadata.id = name.clone();
            } else if manifest.value.metadata.id != name {
                diagnostics.push(
                    Diagnostic::at_pointer(
                        Code::IdMismatch,
                        &manifest.path,
                        "/metadata/id",
                        Anchor::Value,
                        format!(
                            "metadata.id `{}` differs from its directory `{name}`",
                            manifest.value.metadata.id
                        ),
                    )
                    .hint(format!(
                        "set `id: {name}` or rename the directory to `{}`",
                        manifest.value.metadata.id
                    )),
                );
            }
            if !manifest.is_whole() {
                broken.push(name.clone());
            }
            modules.push(Module { dir, dir_name: name, manifest, health });
        }
        // Snippets of files that are not on disk under their name come from the source.
        let files = self.source.files();
        if matches!(self.source, Source::Git(_)) {
            for e in self.listing.entries.iter().filter(|e| e.kind == Kind::File) {
                self.source.register(&files, &self.name_of(&e.path), e);
            }
        }
        let mut reg = Registry::from_modules(
            self.location.clone(),
            self.source.clone(),
            self.display_root.clone(),
            std::mem::take(&mut self.listing),
            files,
            modules,
            diagnostics,
            broken,
        );
        reg.stats = LoadStats { files: parsed + from_cache + reused, from_cache, reused };
        Ok(reg)
    }

    /// A copy of the outcome of every file the load read (not an unreadable one: the same
    /// bytes elsewhere may well be readable), in parallel.
    fn copy_outcomes(&self, dirs: &[String], slots: &[[Slot; 2]], unreadable: &[(usize, usize)]) -> Outcomes {
        let files = dirs
            .par_iter()
            .zip(slots)
            .enumerate()
            .flat_map_iter(|(d, (name, pair))| {
                [MANIFEST_FILE, HEALTH_FILE].into_iter().enumerate().filter_map(move |(f, file)| {
                    let Slot::Done(outcome) = &pair[f] else {
                        return None;
                    };
                    let rel = Path::new(name).join(file);
                    if unreadable.binary_search(&(d, f)).is_ok() || self.is_candidate(&rel) {
                        return None;
                    }
                    let size = self.listing.get(&rel)?.size;
                    Some((rel, (size, outcome.clone())))
                })
            })
            .collect();
        Outcomes { root: self.display_root.clone(), files }
    }

    /// The per-file phase for every file not served by the cache, in parallel: each outcome,
    /// whether the file could be read, and maybe its cache encoding (made on the worker thread).
    #[allow(clippy::type_complexity)]
    fn per_file(
        &self,
        todo: Vec<(usize, usize, Entry)>,
    ) -> Vec<(usize, usize, FileOutcome, bool, Option<(Entry, Vec<u8>)>)> {
        let compiled = embedded::Compiled::default();
        let root = &self.location.root;
        let refs: Vec<&Entry> = todo.iter().map(|(_, _, e)| e).collect();
        // A git tree is read through one `git cat-file`; files on disk are read by the workers.
        let mut preread: Vec<Option<Result<Vec<u8>, source::Unreadable>>> = match self.source {
            Source::Git(_) => self.source.read_many(root, &refs).into_iter().map(Some).collect(),
            _ => (0..todo.len()).map(|_| None).collect(),
        };
        let caching = self.cache.is_some();
        todo.into_par_iter()
            .zip(preread.par_iter_mut())
            .map(|((d, f, entry), pre)| {
                let name = self.name_of(&entry.path);
                let bytes = pre.take().unwrap_or_else(|| self.source.read(root, &entry));
                // An unreadable file is not cached: reading it again is the only way to learn it
                // became readable.
                let (outcome, readable) = match bytes {
                    Err(why) => {
                        let message = match why {
                            source::Unreadable::Symlink => {
                                "file is a symbolic link; modreg does not follow links in the registry"
                                    .to_owned()
                            }
                            source::Unreadable::NotAFile => "not a regular file".to_owned(),
                            source::Unreadable::Io(e) => format!("cannot read file: {e}"),
                        };
                        let diagnostics = vec![Diagnostic::new(Code::Io, &name, Pos::default(), message)];
                        let outcome = if f == 0 {
                            FileOutcome::Manifest(Outcome { value: None, diagnostics, unsound: Vec::new() })
                        } else {
                            FileOutcome::Health(Outcome { value: None, diagnostics, unsound: Vec::new() })
                        };
                        (outcome, false)
                    }
                    Ok(bytes) if f == 0 => {
                        (FileOutcome::Manifest(load::manifest(&name, &bytes, &compiled)), true)
                    }
                    Ok(bytes) => (FileOutcome::Health(load::health(&name, &bytes)), true),
                };
                let encoded = (caching && readable && !self.is_candidate(&entry.path))
                    .then(|| Cache::encode(&entry, &outcome, &self.display_root))
                    .flatten()
                    .map(|b| (entry, b));
                (d, f, outcome, readable, encoded)
            })
            .collect()
    }
}

/// The stand-in for a manifest that is not even YAML (or cannot be read): placeholders, the
/// directory's name as its id, and all of it unsound.
fn stand_in(dir_name: &str, path: PathBuf) -> Option<Loaded<Manifest>> {
    let known = serde_json::json!({ "metadata": { "id": dir_name } });
    let value = crate::schema::salvage::placeholder(crate::model::SchemaName::Module, known)?;
    Some(Loaded { path, value, unsound: vec![String::new()] })
}

/// `path` is `dir/name`.
fn is_child(path: &Path, dir: &Path, name: &str) -> bool {
    let (p, d) = (path.as_os_str().as_encoded_bytes(), dir.as_os_str().as_encoded_bytes());
    p.len() == d.len() + 1 + name.len()
        && p.starts_with(d)
        && p[d.len()] == b'/'
        && p.ends_with(name.as_bytes())
}

// Short-lived, one per file of a load.
#[allow(clippy::large_enum_variant)]
enum Slot {
    /// No such file.
    Absent,
    /// There, but not a file modreg reads.
    Refused(Diagnostic),
    /// Waiting for the per-file phase.
    Pending,
    Done(FileOutcome),
}

impl Registry {
    /// The working tree at `location`, without the parse cache.
    pub fn load(location: Location) -> Result<Registry, Error> {
        Loader::new(location, Source::WorkTree, None)?.load()
    }

    /// A registry of loaded modules: identity rules (E021: one module per id), then the indexes.
    #[allow(clippy::too_many_arguments)]
    pub fn from_modules(
        location: Location,
        source: Source,
        display_root: PathBuf,
        listing: Listing,
        files: Files,
        mut modules: Vec<Module>,
        mut diagnostics: Vec<Diagnostic>,
        mut broken: Vec<String>,
    ) -> Registry {
        // Directory order differs from id order only where ids mismatch their directories.
        modules.sort_by(|a, b| a.id().cmp(b.id()).then_with(|| a.dir.cmp(&b.dir)));
        let mut unique: Vec<Module> = Vec::with_capacity(modules.len());
        for m in modules {
            if let Some(first) = unique.last().filter(|u| u.id() == m.id()) {
                // A module known only by its directory is not a second declaration.
                if !m.manifest.sound("/metadata/id") {
                    continue;
                }
                diagnostics.push(
                    Diagnostic::at_pointer(
                        Code::DuplicateId,
                        &m.manifest.path,
                        "/metadata/id",
                        Anchor::Value,
                        format!(
                            "module id `{}` is already declared by {}",
                            m.id(),
                            first.manifest.path.display()
                        ),
                    )
                    .hint("give each module its own id, equal to its directory name"),
                );
                continue;
            }
            unique.push(m);
        }
        let modules = unique;
        let by_id: HashMap<String, usize> =
            modules.iter().enumerate().map(|(i, m)| (m.id().to_owned(), i)).collect();
        let mut outgoing = vec![Vec::new(); modules.len()];
        let mut incoming = vec![Vec::new(); modules.len()];
        for (source, m) in modules.iter().enumerate() {
            for (index, rel) in m.m().relationships.iter().enumerate() {
                if !m.manifest.sound(&format!("/relationships/{index}")) {
                    continue;
                }
                if let Some(&target) = by_id.get(&rel.target) {
                    let edge = Edge { source, target, kind: rel.kind, index };
                    outgoing[source].push(edge);
                    incoming[target].push(edge);
                }
            }
        }
        // Sources are visited in id order, so `incoming` is already sorted by source id.
        files.resolve(&mut diagnostics);
        normalize(&mut diagnostics);
        broken.sort();
        Registry {
            location,
            source,
            display_root,
            listing,
            files,
            modules,
            by_id,
            outgoing,
            incoming,
            diagnostics,
            broken,
            stats: LoadStats::default(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.display_root
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub fn get(&self, id: &str) -> Option<&Module> {
        self.index_of(id).map(|i| &self.modules[i])
    }

    /// The relationship an edge was declared with.
    pub fn relationship(&self, edge: &Edge) -> &Relationship {
        &self.modules[edge.source].m().relationships[edge.index]
    }

    /// Ids of all modules, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.modules.iter().map(Module::id)
    }

    /// Whether `id` names a module directory whose manifest does not load.
    pub fn is_broken(&self, id: &str) -> bool {
        self.broken.binary_search_by(|b| b.as_str().cmp(id)).is_ok()
    }

    /// Every manifest of the registry, whole or not: what a validation covers.
    pub fn manifests(&self) -> Vec<Covered> {
        self.modules
            .iter()
            .map(|m| Covered { name: m.id().to_owned(), file: m.manifest.path.clone() })
            .collect()
    }

    /// The error for an id that names no module, with the nearest id as a hint.
    pub fn unknown_module(&self, id: &str) -> Error {
        let (message, hint) = self.unknown_module_text(id);
        Error::Usage(format!("{message}\nhint: {hint}"))
    }

    /// What is wrong with an id that names no usable module, and the hint: the nearest id, or
    /// for a module whose manifest does not load, how to see why.
    pub fn unknown_module_text(&self, id: &str) -> (String, String) {
        if self.is_broken(id) {
            // The module is there; only its manifest is not usable. Say so, and how to see why.
            let manifest = self.root().join(id).join(MANIFEST_FILE);
            return (
                format!("the manifest of module `{id}` does not load: {}", manifest.display()),
                format!("run `modreg validate {}` to see why", manifest.display()),
            );
        }
        let ids: Vec<String> = self.ids().map(str::to_owned).collect();
        let message = format!("no module `{id}` in {}", self.root().display());
        let hint = match closest(id, &ids) {
            Some(near) => format!("did you mean `{near}`?"),
            None => "`modreg list` shows the ids".to_owned(),
        };
        (message, hint)
    }

    /// The module, or the usage error [`Registry::unknown_module`] describes (also for a module
    /// whose manifest does not fully load: commands do not show placeholders).
    pub fn require(&self, id: &str) -> Result<usize, Error> {
        self.index_of(id).filter(|&i| !self.modules[i].is_broken()).ok_or_else(|| self.unknown_module(id))
    }
}

impl Loader {
    /// The report of `check` on this registry: the cached one when no input changed, else
    /// `check` run on a load, kept for next time. The registry is loaded only when the report
    /// has to be computed, or when `load_anyway`; it is returned when it was. After a load the
    /// caller calls [`Loader::finish`]; without one it must not (the cache would take the files
    /// this run did not look at for gone).
    pub fn validated(
        &mut self,
        check: impl FnOnce(&Registry) -> Report,
        load_anyway: bool,
    ) -> Result<(Report, Option<Registry>), Error> {
        let fingerprint = self.fingerprint();
        let cached = self.cached_report(fingerprint);
        if !load_anyway && let Some(report) = cached {
            return Ok((report, None));
        }
        let reg = self.load()?;
        let report = cached.unwrap_or_else(|| {
            let report = check(&reg);
            self.store_report(fingerprint, &report);
            report
        });
        Ok((report, Some(reg)))
    }

    /// The whole pipeline for one validation, for `validate` and library callers: the cached
    /// report when nothing changed, else load and run `check`, keeping the report for next time.
    /// Returns the report with the source map its snippets are drawn from.
    pub fn report_with(mut self, check: impl FnOnce(&Registry) -> Report) -> Result<(Report, Files), Error> {
        match self.validated(check, false)? {
            // Nothing changed, so the cache stays as it is.
            (report, None) => Ok((report, self.source.files())),
            (report, Some(mut reg)) => {
                self.finish();
                Ok((report, std::mem::take(&mut reg.files)))
            }
        }
    }
}
