//! `modreg diff`: the semantic difference between two loaded registries — the base (a git
//! revision read from the object store, or another registry directory) and the working tree —
//! as a typed report. Modules are matched by id; unchanged ones are skipped by comparing their
//! typed manifests, so a large registry with a few changes costs little more than loading it.
//! [`compare`] finds the differences within one manifest, [`rules`] classes them; the
//! cross-module rules (version requirements, the major bump, who is affected) live here.

pub mod compare;
pub mod rules;

use std::collections::BTreeSet;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

pub use compare::{ChangeKind, Found};
pub use rules::{Level, Rule};

use crate::diag::Severity;
use crate::graph::Direction;
use crate::graph::reach::reach;
use crate::model::{Manifest, RelationType};
use crate::registry::{MANIFEST_FILE, Module, Registry};

/// What the working tree was compared with.
#[derive(Debug, Clone)]
pub enum Base {
    /// A git revision as the user wrote it, and the commit it resolved to.
    Git { rev: String, commit: String },
    /// Another registry directory.
    Dir(PathBuf),
}

/// The report `diff` renders; `--format json` prints it (SPEC §8, with more keys).
#[derive(Debug, Serialize)]
pub struct DiffReport {
    /// The revision or directory compared with, as given.
    pub base: String,
    /// The commit the revision resolved to (absent for a directory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Every change, sorted by module id, then breaking first, then by path.
    pub changes: Vec<Change>,
    /// How many changes are breaking (SPEC §8), with warnings and info for completeness.
    pub breaking: usize,
    pub warnings: usize,
    pub info: usize,
    /// One entry per changed module, sorted by id.
    pub modules: Vec<ModuleDiff>,
}

#[derive(Debug, Serialize)]
pub struct Change {
    pub module: String,
    pub change: ChangeKind,
    /// JSON pointer in the manifest: in the base for a removal, in the working tree otherwise;
    /// empty for a whole module added or removed.
    pub path: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub breaking: bool,
    pub reason: String,
    pub rule: Rule,
    pub level: Level,
    /// For a breaking change: the modules that depend on this one (`depends_on`, transitively).
    pub affected: Vec<String>,
    /// The working tree's manifest, where an annotation goes (it may no longer exist).
    pub file: PathBuf,
    /// The line of the changed node in `file` (its parent for a removal; 1 when unknown).
    pub line: u32,
}

/// What changed in one module, summed up.
#[derive(Debug, Serialize)]
pub struct ModuleDiff {
    pub id: String,
    pub change: ChangeKind,
    pub breaking: usize,
    pub warnings: usize,
    pub info: usize,
    /// The modules that depend on it, when it has a breaking change.
    pub affected: Vec<String>,
}

impl DiffReport {
    /// The highest level among the changes, if any.
    pub fn worst(&self) -> Option<Level> {
        self.changes.iter().map(|c| c.level).max()
    }

    /// The base as a heading names it: `origin/main (1a2b3c4)` or the directory.
    pub fn base_label(&self) -> String {
        match &self.commit {
            Some(c) => format!("{} ({})", self.base, &c[..c.len().min(7)]),
            None => self.base.clone(),
        }
    }
}

/// One module's changes before the cross-module pass.
struct Pending {
    id: String,
    kind: ChangeKind,
    found: Vec<Found>,
}

/// Compare the base registry `before` with the working tree `after`.
pub fn diff(before: &Registry, after: &Registry, base: Base) -> DiffReport {
    let ids: BTreeSet<&str> = before.ids().chain(after.ids()).collect();
    let ids: Vec<&str> = ids.into_iter().collect();
    let mut pending: Vec<Pending> =
        ids.par_iter().filter_map(|&id| module(id, before.get(id), after.get(id), before, after)).collect();
    version_requirements(before, after, &mut pending);
    pending.sort_by(|a, b| a.id.cmp(&b.id));

    let mut changes = Vec::new();
    let mut modules = Vec::new();
    for p in pending {
        let mut found = p.found;
        if p.kind == ChangeKind::Modified {
            major_bump(before.get(&p.id), after.get(&p.id), &mut found);
        }
        if found.is_empty() {
            continue;
        }
        let breaks = found.iter().any(|f| f.rule.level() == Level::Breaking);
        let affected = if breaks { dependents(&p.id, before, after) } else { Vec::new() };
        let (file, doc) = match after.get(&p.id) {
            Some(m) => (m.manifest.path.clone(), !m.is_broken()),
            None => (after.root().join(&p.id).join(MANIFEST_FILE), false),
        };
        let count = |l: Level| found.iter().filter(|f| f.rule.level() == l).count();
        modules.push(ModuleDiff {
            id: p.id.clone(),
            change: p.kind,
            breaking: count(Level::Breaking),
            warnings: count(Level::Warning),
            info: count(Level::Info),
            affected: affected.clone(),
        });
        let mut these: Vec<Change> = found
            .into_iter()
            .map(|f| {
                let level = f.rule.level();
                let line = if doc && !f.at.is_empty() {
                    after.files.locate(&file, &f.at).map_or(1, |l| l.key.unwrap_or(l.value).line.max(1))
                } else {
                    1
                };
                Change {
                    module: p.id.clone(),
                    change: f.change,
                    path: f.path,
                    before: f.before,
                    after: f.after,
                    breaking: level == Level::Breaking,
                    reason: f.reason,
                    rule: f.rule,
                    level,
                    affected: if level == Level::Breaking { affected.clone() } else { Vec::new() },
                    file: file.clone(),
                    line,
                }
            })
            .collect();
        these.sort_by(|a, b| {
            b.level.cmp(&a.level).then_with(|| a.path.cmp(&b.path)).then(a.rule.cmp(&b.rule))
        });
        changes.extend(these);
    }
    let count = |l: Level| changes.iter().filter(|c| c.level == l).count();
    let (base, commit) = match base {
        Base::Git { rev, commit } => (rev, Some(commit)),
        Base::Dir(dir) => (dir.display().to_string(), None),
    };
    DiffReport {
        base,
        commit,
        breaking: count(Level::Breaking),
        warnings: count(Level::Warning),
        info: count(Level::Info),
        changes,
        modules,
    }
}

/// A module's metadata, as the before or after of a whole module added or removed.
fn summary(m: &Module) -> Option<Value> {
    (!m.is_broken()).then(|| serde_json::to_value(&m.m().metadata).unwrap_or(Value::Null))
}

/// The first error that kept a manifest from loading, as `E003 message (line 3)`.
fn why_broken(reg: &Registry, m: &Module) -> String {
    reg.diagnostics.iter().find(|d| d.file == m.manifest.path && d.severity == Severity::Error).map_or_else(
        || "see `modreg validate`".to_owned(),
        |d| format!("{} {} (line {})", d.code, d.message, d.line),
    )
}

/// The errors of a manifest, to tell whether a manifest broken on both sides changed.
fn errors_of<'a>(reg: &'a Registry, m: &Module) -> Vec<(&'a str, &'a str)> {
    reg.diagnostics
        .iter()
        .filter(|d| d.file == m.manifest.path && d.severity == Severity::Error)
        .map(|d| (d.code.as_str(), d.message.as_str()))
        .collect()
}

fn module(
    id: &str,
    b: Option<&Module>,
    a: Option<&Module>,
    before: &Registry,
    after: &Registry,
) -> Option<Pending> {
    let whole = |kind, rule, before: Option<Value>, after: Option<Value>, reason: String| {
        Some(Pending {
            id: id.to_owned(),
            kind,
            found: vec![Found {
                rule,
                change: kind,
                path: String::new(),
                at: String::new(),
                before,
                after,
                reason,
            }],
        })
    };
    match (b, a) {
        (None, None) => None,
        (Some(b), None) => whole(
            ChangeKind::Removed,
            Rule::ModuleRemoved,
            summary(b),
            None,
            format!("module `{id}` removed"),
        ),
        (None, Some(a)) if a.is_broken() => whole(
            ChangeKind::Added,
            Rule::ManifestUnreadable,
            None,
            None,
            format!("the manifest does not load: {}", why_broken(after, a)),
        ),
        (None, Some(a)) => {
            whole(ChangeKind::Added, Rule::ModuleAdded, None, summary(a), format!("module `{id}` added"))
        }
        (Some(b), Some(a)) if a.is_broken() => {
            if b.is_broken() && errors_of(before, b) == errors_of(after, a) {
                return None;
            }
            whole(
                ChangeKind::Modified,
                Rule::ManifestUnreadable,
                summary(b),
                None,
                format!("the manifest does not load: {}", why_broken(after, a)),
            )
        }
        (Some(b), Some(a)) if b.is_broken() => whole(
            ChangeKind::Modified,
            Rule::BaseManifestUnreadable,
            None,
            summary(a),
            format!(
                "the base's manifest does not load, so its changes cannot be listed: {}",
                why_broken(before, b)
            ),
        ),
        (Some(b), Some(a)) => {
            if b.m() == a.m() {
                return None;
            }
            let found = compare::manifests(b.m(), a.m());
            (!found.is_empty()).then(|| Pending { id: id.to_owned(), kind: ChangeKind::Modified, found })
        }
    }
}

/// The manifest of module `id` when it loads whole.
fn whole<'r>(reg: &'r Registry, id: &str) -> Option<&'r Manifest> {
    reg.get(id).filter(|m| !m.is_broken()).map(Module::m)
}

/// `depends_on` version requirements the base satisfied and the working tree does not. The
/// change is the target's when its version moved, else the source's (its requirement moved).
fn version_requirements(before: &Registry, after: &Registry, pending: &mut Vec<Pending>) {
    let mut found: Vec<(String, Found)> = Vec::new();
    for source in after.modules.iter().filter(|m| !m.is_broken()) {
        let s = source.m();
        for (i, rel) in s.relationships.iter().enumerate() {
            let (RelationType::DependsOn, Some(req)) = (rel.kind, &rel.version) else {
                continue;
            };
            let Some(target) = whole(after, &rel.target) else {
                continue;
            };
            if req.matches(&target.metadata.version) {
                continue;
            }
            // Satisfied in the base, by the same relationship?
            let Some((old_req, old_target)) = whole(before, source.id()).and_then(|old: &Manifest| {
                let r = old
                    .relationships
                    .iter()
                    .find(|r| r.kind == RelationType::DependsOn && r.target == rel.target)?;
                Some((r.version.as_ref()?, whole(before, &rel.target)?))
            }) else {
                continue;
            };
            if !old_req.matches(&old_target.metadata.version) {
                continue;
            }
            let (old_v, new_v) = (&old_target.metadata.version, &target.metadata.version);
            if old_v != new_v {
                found.push((
                    rel.target.clone(),
                    Found {
                        rule: Rule::VersionRequirementUnmet,
                        change: ChangeKind::Modified,
                        path: "/metadata/version".to_owned(),
                        at: "/metadata/version".to_owned(),
                        before: Some(Value::from(old_v.to_string())),
                        after: Some(Value::from(new_v.to_string())),
                        reason: format!(
                            "version {new_v} no longer satisfies `{}` that `{}` requires",
                            req.as_written(),
                            source.id()
                        ),
                    },
                ));
            } else {
                let path = format!("/relationships/{i}/version");
                found.push((
                    source.id().to_owned(),
                    Found {
                        rule: Rule::VersionRequirementUnmet,
                        change: ChangeKind::Modified,
                        path: path.clone(),
                        at: path,
                        before: Some(Value::from(old_req.as_written())),
                        after: Some(Value::from(req.as_written())),
                        reason: format!(
                            "`{}` at version {new_v} does not satisfy the new requirement `{}`",
                            rel.target,
                            req.as_written()
                        ),
                    },
                ));
            }
        }
    }
    for (id, f) in found {
        match pending.iter_mut().find(|p| p.id == id) {
            Some(p) => p.found.push(f),
            None => pending.push(Pending { id, kind: ChangeKind::Modified, found: vec![f] }),
        }
    }
}

/// Whether `to` is a major step up from `from` in semver's sense: the first non-zero
/// component of `major.minor.patch` went up (so 0.3 → 0.4 counts, as cargo reads it).
pub fn is_major_bump(from: &semver::Version, to: &semver::Version) -> bool {
    let key = |v: &semver::Version| -> (u64, u64, u64) {
        match (v.major, v.minor) {
            (0, 0) => (0, 0, v.patch),
            (0, m) => (0, m, 0),
            (m, _) => (m, 0, 0),
        }
    };
    key(to) > key(from)
}

/// MISSING_MAJOR_BUMP: a breaking change in a module whose version did not take a major step.
fn major_bump(b: Option<&Module>, a: Option<&Module>, found: &mut Vec<Found>) {
    let (Some(b), Some(a)) = (b, a) else {
        return;
    };
    if b.is_broken() || a.is_broken() || !found.iter().any(|f| f.rule.level() == Level::Breaking) {
        return;
    }
    let (from, to) = (&b.m().metadata.version, &a.m().metadata.version);
    if is_major_bump(from, to) {
        return;
    }
    found.push(Found {
        rule: Rule::MissingMajorBump,
        change: ChangeKind::Modified,
        path: "/metadata/version".to_owned(),
        at: "/metadata/version".to_owned(),
        before: Some(Value::from(from.to_string())),
        after: Some(Value::from(to.to_string())),
        reason: if from == to {
            format!("breaking changes, but the version stays {to}")
        } else {
            format!("breaking changes, but the version goes only from {from} to {to}")
        },
    });
}

/// The modules that depend on `id`, directly or through others: in the working tree, or for a
/// module removed from it, in the base.
fn dependents(id: &str, before: &Registry, after: &Registry) -> Vec<String> {
    let reg = if after.index_of(id).is_some() { after } else { before };
    let Some(start) = reg.index_of(id) else {
        return Vec::new();
    };
    let mut ids: Vec<String> = reach(reg, start, &[RelationType::DependsOn], Direction::In, None)
        .into_iter()
        .map(|r| reg.modules[r.index].id().to_owned())
        .collect();
    ids.sort();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_bumps_follow_semver_and_cargo_for_zero_versions() {
        let v = |s: &str| semver::Version::parse(s).unwrap();
        assert!(is_major_bump(&v("1.4.0"), &v("2.0.0")));
        assert!(!is_major_bump(&v("1.4.0"), &v("1.5.0")));
        assert!(is_major_bump(&v("0.3.1"), &v("0.4.0")));
        assert!(!is_major_bump(&v("0.3.1"), &v("0.3.2")));
        assert!(is_major_bump(&v("0.0.1"), &v("0.0.2")));
        assert!(!is_major_bump(&v("2.0.0"), &v("2.0.0")));
        assert!(!is_major_bump(&v("2.0.0"), &v("1.0.0")));
    }
}
