//! The loaded registry: every module that parsed, indexed by id, with relationship edges in
//! both directions computed once. Commands read from here; they never touch the files.

pub mod discover;
pub mod load;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use discover::{Location, discover};
pub use load::{HEALTH_FILE, Loaded, MANIFEST_FILE};

use crate::Error;
use crate::model::{Health, Manifest, RelationType, Relationship};
use crate::validate::{Code, Diagnostic, normalize};

/// One module: its manifest and, when present and valid, its health snapshot.
#[derive(Debug, Clone)]
pub struct Module {
    pub dir: PathBuf,
    pub manifest: Loaded<Manifest>,
    pub health: Option<Loaded<Health>>,
}

impl Module {
    pub fn id(&self) -> &str {
        &self.manifest.value.metadata.id
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
}

impl Registry {
    /// Load the registry at `location`: every manifest in parallel, then the indexes.
    pub fn load(location: Location) -> Result<Registry, Error> {
        let root = location.root.clone();
        if !root.is_dir() {
            return Err(Error::Usage(format!(
                "registry directory `{}` does not exist\nhint: run modreg inside a project with a `registry/` directory, \
                 or pass --registry DIR (or set MODREG_REGISTRY)",
                root.display()
            )));
        }
        let (dirs, mut diagnostics) = load::load_dirs(&root).map_err(|e| Error::io(&root, e))?;
        let mut modules: Vec<Module> = Vec::with_capacity(dirs.len());
        let mut broken = Vec::new();
        for d in dirs {
            diagnostics.extend(d.diagnostics);
            let Some(manifest) = d.manifest else {
                if d.dir.join(MANIFEST_FILE).exists() {
                    broken.push(d.dir_name);
                }
                continue;
            };
            let id = &manifest.value.metadata.id;
            if *id != d.dir_name {
                let at = manifest.doc.locate("/metadata/id");
                diagnostics.push(
                    Diagnostic::new(
                        Code::IdMismatch,
                        &manifest.path,
                        at.value,
                        format!("metadata.id `{id}` differs from its directory `{}`", d.dir_name),
                    )
                    .at_path("/metadata/id")
                    .hint(format!("set `id: {}` or rename the directory to `{id}`", d.dir_name)),
                );
            }
            modules.push(Module { dir: d.dir, manifest, health: d.health });
        }
        // Directory order differs from id order only where ids mismatch their directories.
        modules.sort_by(|a, b| a.id().cmp(b.id()).then_with(|| a.dir.cmp(&b.dir)));
        let mut unique: Vec<Module> = Vec::with_capacity(modules.len());
        for m in modules {
            if let Some(first) = unique.last().filter(|u| u.id() == m.id()) {
                let at = m.manifest.doc.locate("/metadata/id");
                diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateId,
                        &m.manifest.path,
                        at.value,
                        format!(
                            "module id `{}` is already declared by {}",
                            m.id(),
                            first.manifest.path.display()
                        ),
                    )
                    .at_path("/metadata/id")
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
                if let Some(&target) = by_id.get(&rel.target) {
                    let edge = Edge { source, target, kind: rel.kind, index };
                    outgoing[source].push(edge);
                    incoming[target].push(edge);
                }
            }
        }
        // Sources are visited in id order, so `incoming` is already sorted by source id.
        normalize(&mut diagnostics);
        broken.sort();
        Ok(Registry { location, modules, by_id, outgoing, incoming, diagnostics, broken })
    }

    pub fn root(&self) -> &Path {
        &self.location.root
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
}
