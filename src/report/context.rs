//! `modreg context`: the AI context bundle (SPEC §6, §8). Everything an AI pipeline needs before
//! it creates or changes a module, in one deterministic document: the registry in brief, every
//! module (or a neighbourhood) with its capabilities, config, relationships both ways, health and
//! the findings about it, and indexes over the WHOLE registry that keep a new module from
//! colliding with an existing one (endpoints, data models, events, tags, dependency order).
//!
//! Built in linear passes (each embedded schema parsed once, modules in parallel). Every module
//! is built in full; [`plan`] picks a lower [`DetailLevel`] per module, least relevant first,
//! from prices the renderer puts on each module at each level, until a token budget is met.
//! Modules whose manifest does not load are left out of `modules` and the indexes (named in
//! `broken`, their findings in `diagnostics`).

use std::collections::BTreeMap;
use std::path::{Component, Path};

use rustc_hash::FxHashMap as HashMap;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::Error;
use crate::diag::{Diagnostic, Report, Severity};
use crate::graph::reach::{Walk, walk};
use crate::graph::{Direction, RelGraph, dependency_order};
use crate::health::{self, HealthState};
use crate::model::{
    Deprecation, HttpMethod, IssueSeverity, ModuleType, OperationKind, RelationType, SchemaJson, Status,
};
use crate::registry::{Module, Registry};

/// The `schema_version` of this shape; a change that removes or renames a key bumps it.
pub const SCHEMA_VERSION: &str = "modreg/context/v1";

/// How much of a module the bundle carries. Ordered from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DetailLevel {
    /// id, status, version, type (and `distance`): enough to know the module exists.
    Ids,
    /// Adds the name, description, owners, tags, deprecation, capabilities by name (operations
    /// with kind and entity, endpoints, data model names, events), the required config keys,
    /// relationships without descriptions, the health state, and findings without positions.
    Summary,
    /// Everything: descriptions, data model fields, every config key with its default, health
    /// records and issues, findings with file, line and hint.
    Full,
}

impl DetailLevel {
    pub const ALL: &'static [DetailLevel] = &[DetailLevel::Ids, DetailLevel::Summary, DetailLevel::Full];

    pub fn as_str(self) -> &'static str {
        match self {
            DetailLevel::Ids => "ids",
            DetailLevel::Summary => "summary",
            DetailLevel::Full => "full",
        }
    }
}

/// The AI context bundle (`modreg context --json`).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(title = "modreg context bundle")]
pub struct ContextBundle {
    /// Always `modreg/context/v1`.
    #[schemars(extend("const" = SCHEMA_VERSION))]
    pub schema_version: String,
    /// `full` when every module is in full, else the lowest level any module was cut to.
    pub detail_level: DetailLevel,
    /// The budget `--max-tokens` set, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<usize>,
    pub registry: RegistrySummary,
    /// With `--module`: the module and how far its neighbourhood reaches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus: Option<Focus>,
    /// Module directories whose manifest does not load: left out of `modules` and the indexes.
    pub broken: Vec<String>,
    /// Findings about no module listed in the registry: manifests that do not load, stray
    /// files. (Findings about a module are in its `warnings`.)
    pub diagnostics: Vec<Finding>,
    /// Modules by id: all of them, or with `--module` its neighbourhood. (Left empty by
    /// [`build`]: [`Modules`] builds them as they are rendered.)
    pub modules: Vec<ModuleContext>,
    /// Over the whole registry, whatever `--module` selects (see [`Indexes::scope`] for the
    /// one exception).
    pub indexes: Indexes,
    /// The estimate of this document's tokens, as printed (see `output::tokens`).
    pub estimated_tokens: usize,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RegistrySummary {
    /// Modules whose manifest loads (the broken ones aside).
    pub modules: usize,
    /// Those modules per status, every status named.
    pub by_status: BTreeMap<String, usize>,
    /// Errors and warnings a validation of the whole registry finds.
    pub errors: usize,
    pub warnings: usize,
    /// The commit HEAD points at; `null` outside a git work tree or before the first commit.
    pub git_commit: Option<String>,
    /// Whether anything under the registry directory differs from HEAD (untracked files
    /// included); `null` outside a git work tree.
    pub dirty: Option<bool>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Focus {
    pub module: String,
    /// Relationship steps, either way and of any type, the neighbourhood reaches.
    pub depth: usize,
}

/// One module. `detail` says which keys it has (see [`DetailLevel`]).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ModuleContext {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub status: Status,
    pub version: String,
    #[serde(rename = "type")]
    pub module_type: ModuleType,
    pub detail: DetailLevel,
    /// With `--module`: relationship steps from it (0 for the module itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance: Option<usize>,
    /// The description; in full, followed by `docs.summary` after a blank line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecation: Option<Deprecation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<CapabilitiesContext>,
    /// Configuration keys, required first (in summary, only the required ones).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<Vec<ConfigRequirement>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationships: Option<RelationshipsContext>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<HealthContext>,
    /// Validation findings (warnings and errors) in the module's directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warnings: Option<Vec<Finding>>,
}

#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct CapabilitiesContext {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<OperationContext>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<EndpointContext>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub data_models: Vec<DataModelContext>,
    /// Full only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub business_logic: Vec<Named>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub emits: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub consumes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OperationContext {
    pub name: String,
    pub kind: OperationKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EndpointContext {
    pub method: HttpMethod,
    pub path: String,
    /// The operation it invokes (full only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DataModelContext {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The top-level properties of its schema, in schema order (full only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
}

/// A property of an embedded schema, read the way a person skims it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Field {
    pub name: String,
    /// The schema's `type` (`string`, `string|null`), `array<T>` for an array of T, `enum`,
    /// `ref` for a `$ref`, `any` when it says nothing.
    #[serde(rename = "type")]
    pub ty: String,
    pub required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The values an `enum` allows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// For an object (or an array of objects): its properties, one level down; deeper ones are
    /// only typed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Named {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A key of the module's configuration, from `config.schema` and `config.defaults`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ConfigRequirement {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub required: bool,
    /// From `config.defaults`, else the schema's `default` (full only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct RelationshipsContext {
    /// As the module declares them, in manifest order.
    pub outgoing: Vec<OutgoingContext>,
    /// Declared by other modules, by source id, with the computed inverse name.
    pub incoming: Vec<IncomingContext>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OutgoingContext {
    #[serde(rename = "type")]
    pub kind: RelationType,
    pub target: String,
    /// The semver requirement on the target's version, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<String>,
    /// Full only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// True when no module has the target's id (`validate` reports it).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unresolved: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct IncomingContext {
    /// The type the source declared.
    #[serde(rename = "type")]
    pub kind: RelationType,
    /// The inverse name (`required_by`, `integrated_by`, `receives_data_from`, `has_part`).
    pub inverse: String,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct HealthContext {
    pub state: HealthState,
    pub unhealthy: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<String>,
    /// Records over all data models (full only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records: Option<u64>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub records_by_model: BTreeMap<String, u64>,
    /// Open issues of the snapshot (full only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<IssueContext>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct IssueContext {
    pub id: String,
    pub severity: IssueSeverity,
    pub summary: String,
}

/// A validation finding. Positions and hints in full only.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Finding {
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    pub message: String,
    /// Relative to the registry directory (`crm/module.yaml`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// What new modules must not collide with. Keys sorted; module lists by id.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Indexes {
    /// What the indexes cover: the whole registry, or (only under `--max-tokens` with
    /// `--module`, when the whole indexes do not fit even with every module at `ids`) the
    /// entries that name a module of the neighbourhood.
    pub scope: IndexScope,
    /// `"METHOD path"` → the module claiming it (the first by id when several do).
    pub endpoints: BTreeMap<String, String>,
    /// Endpoints more than one module claims, with every claimant (`validate` reports E070).
    pub endpoint_collisions: BTreeMap<String, Vec<String>>,
    /// Data model name → the modules defining it.
    pub data_models: BTreeMap<String, Vec<String>>,
    /// Event name → who emits and who consumes it.
    pub events: BTreeMap<String, EventIndex>,
    /// Tag → the modules carrying it.
    pub tags: BTreeMap<String, Vec<String>>,
    /// Every module after the modules it `depends_on`, ties by id. Modules on a `depends_on`
    /// cycle, or depending on one, cannot be ordered: they come last, by id, and are also
    /// listed in `unordered`.
    pub dependency_order: Vec<String>,
    /// The tail of `dependency_order` that cycles keep out of order.
    pub unordered: Vec<String>,
    /// `depends_on` cycles as `graph` and `stats` report them (`[a, b]` is a → b → a).
    pub dependency_cycles: Vec<Vec<String>>,
}

/// See [`Indexes::scope`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndexScope {
    /// Every entry of the registry.
    #[default]
    Registry,
    /// The entries naming a module of the neighbourhood, each still with every module of the
    /// registry that shares it (so a collision with a module elsewhere stays visible); tags and
    /// the dependency order list only the neighbourhood's modules.
    Neighbourhood,
}

impl Indexes {
    /// Keep only the entries that name a module of `keep` (see [`IndexScope::Neighbourhood`]).
    pub fn narrow(&mut self, keep: &rustc_hash::FxHashSet<&str>) {
        let any = |ids: &[String]| ids.iter().any(|i| keep.contains(i.as_str()));
        let collisions = std::mem::take(&mut self.endpoint_collisions);
        self.endpoints
            .retain(|key, id| keep.contains(id.as_str()) || collisions.get(key).is_some_and(|c| any(c)));
        self.endpoint_collisions = collisions.into_iter().filter(|(_, c)| any(c)).collect();
        self.data_models.retain(|_, ids| any(ids));
        self.events.retain(|_, e| any(&e.emitters) || any(&e.consumers));
        for ids in self.tags.values_mut() {
            ids.retain(|i| keep.contains(i.as_str()));
        }
        self.tags.retain(|_, ids| !ids.is_empty());
        self.dependency_order.retain(|i| keep.contains(i.as_str()));
        self.unordered.retain(|i| keep.contains(i.as_str()));
        self.dependency_cycles.retain(|c| any(c));
        self.scope = IndexScope::Neighbourhood;
    }
}

#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct EventIndex {
    pub emitters: Vec<String>,
    pub consumers: Vec<String>,
}

/// What to put in the bundle.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Only this module's neighbourhood, this many steps deep.
    pub focus: Option<(String, usize)>,
}

/// The git state of the registry directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitState {
    pub commit: Option<String>,
    pub dirty: bool,
}

/// The state of the registry directory `root` (relative to `cwd`, or absolute); `Ok(None)`
/// outside a git work tree.
pub fn git_state(cwd: &Path, root: &Path) -> Result<Option<GitState>, crate::git::GitError> {
    let abs = if root.is_absolute() { root.to_path_buf() } else { cwd.join(root) };
    let Some(repo) = crate::git::Repo::discover(&abs)? else {
        return Ok(None);
    };
    let Some(prefix) = repo.relative(&abs) else {
        return Ok(None);
    };
    Ok(Some(GitState { commit: repo.resolve("HEAD").ok(), dirty: repo.is_dirty(&prefix)? }))
}

/// The modules a bundle lists, built on demand: a renderer builds, prints and drops them a few
/// at a time, so a bundle of 10,000 modules never holds every module's context at once.
pub struct Modules<'a> {
    reg: &'a Registry,
    /// Module index and distance from the focus, by id.
    selected: Vec<(usize, Option<usize>)>,
    /// Validation findings per module index.
    findings: Vec<Vec<&'a Diagnostic>>,
    now: jiff::Timestamp,
}

impl Modules<'_> {
    pub fn len(&self) -> usize {
        self.selected.len()
    }

    pub fn is_empty(&self) -> bool {
        self.selected.is_empty()
    }

    /// The `k`-th module, in full.
    pub fn get(&self, k: usize) -> ModuleContext {
        let (i, distance) = self.selected[k];
        let mut m =
            module_context(self.reg, i, &self.findings[i], &self.reg.location.settings.health, self.now);
        m.distance = distance;
        m
    }

    /// The `k`-th module at (at most) `level`.
    pub fn at(&self, k: usize, level: DetailLevel) -> ModuleContext {
        let mut m = self.get(k);
        m.cut(level);
        m
    }

    /// The ids of the modules listed.
    pub fn ids(&self) -> rustc_hash::FxHashSet<&str> {
        self.selected.iter().map(|&(i, _)| self.reg.modules[i].id()).collect()
    }

    /// What [`plan`] orders modules by: status and distance from the focus.
    pub fn relevance(&self) -> Vec<(Status, Option<usize>)> {
        self.selected.iter().map(|&(i, d)| (self.reg.modules[i].m().metadata.status, d)).collect()
    }
}

/// The bundle of `reg` (its `modules` left to the [`Modules`] returned beside it), with the
/// findings of its validation `report`, health judged as of `now`. An unknown `--module` id is
/// the usual usage error.
pub fn build<'a>(
    reg: &'a Registry,
    report: &'a Report,
    git: Option<&GitState>,
    query: &Query,
    now: jiff::Timestamp,
) -> Result<(ContextBundle, Modules<'a>), Error> {
    let n = reg.modules.len();
    let whole = |i: usize| !reg.modules[i].is_broken();

    // Which modules, and how far from the focus.
    let (selected, focus): (Vec<(usize, Option<usize>)>, Option<Focus>) = match &query.focus {
        Some((id, depth)) => {
            let start = reg.require(id)?;
            let hood = walk(
                reg,
                start,
                &Walk {
                    kinds: RelationType::ALL,
                    direction: Direction::Both,
                    max_depth: Some(*depth),
                    allowed: None,
                },
            );
            let picked = (0..n).filter(|&i| hood.contains(i)).map(|i| (i, hood.depth(i))).collect();
            (picked, Some(Focus { module: id.clone(), depth: *depth }))
        }
        None => ((0..n).filter(|&i| whole(i)).map(|i| (i, None)).collect(), None),
    };

    // Findings by module directory; the rest go to the top.
    let by_dir: HashMap<&str, usize> =
        (0..n).filter(|&i| whole(i)).map(|i| (reg.modules[i].dir_name.as_str(), i)).collect();
    let mut findings: Vec<Vec<&Diagnostic>> = vec![Vec::new(); n];
    let mut diagnostics = Vec::new();
    let (mut errors, mut warnings) = (0, 0);
    for d in &report.diagnostics {
        match d.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
        }
        let rel = d.file.strip_prefix(reg.root()).unwrap_or(&d.file);
        let owner = match rel.components().next() {
            Some(Component::Normal(dir)) if rel.components().count() > 1 => {
                dir.to_str().and_then(|dir| by_dir.get(dir).copied())
            }
            _ => None,
        };
        match owner {
            Some(i) => findings[i].push(d),
            None => diagnostics.push(finding(d, rel)),
        }
    }

    let indexes = indexes(reg);

    let mut by_status: BTreeMap<String, usize> =
        Status::ALL.iter().map(|s| (s.as_str().to_owned(), 0)).collect();
    for m in reg.modules.iter().filter(|m| !m.is_broken()) {
        *by_status.entry(m.m().metadata.status.as_str().to_owned()).or_default() += 1;
    }

    let bundle = ContextBundle {
        schema_version: SCHEMA_VERSION.to_owned(),
        detail_level: DetailLevel::Full,
        max_tokens: None,
        registry: RegistrySummary {
            modules: by_status.values().sum(),
            by_status,
            errors,
            warnings,
            git_commit: git.and_then(|g| g.commit.clone()),
            dirty: git.map(|g| g.dirty),
        },
        focus,
        broken: reg.broken.clone(),
        diagnostics,
        modules: Vec::new(),
        indexes,
        estimated_tokens: 0,
    };
    Ok((bundle, Modules { reg, selected, findings, now }))
}

fn finding(d: &Diagnostic, rel: &Path) -> Finding {
    Finding {
        code: d.code.as_str().to_owned(),
        severity: d.severity.as_str().to_owned(),
        message: d.message.clone(),
        file: Some(rel.display().to_string()),
        line: Some(d.line),
        instance_path: d.instance_path.clone(),
        hint: d.hint.clone(),
    }
}

fn module_context(
    reg: &Registry,
    i: usize,
    findings: &[&Diagnostic],
    settings: &crate::model::HealthSettings,
    now: jiff::Timestamp,
) -> ModuleContext {
    let module: &Module = &reg.modules[i];
    let man = module.m();
    let meta = &man.metadata;
    let caps = &man.capabilities;
    let docs_summary = man.docs.as_ref().and_then(|d| d.summary.as_deref()).filter(|s| !s.trim().is_empty());
    let summary = match (meta.description.trim(), docs_summary) {
        ("", None) => None,
        ("", Some(s)) => Some(s.to_owned()),
        (d, None) => Some(d.to_owned()),
        (d, Some(s)) => Some(format!("{d}\n\n{s}")),
    };

    let capabilities = CapabilitiesContext {
        operations: caps
            .operations
            .iter()
            .map(|o| OperationContext {
                name: o.name.clone(),
                kind: o.kind,
                entity: o.entity.clone(),
                description: o.description.clone(),
            })
            .collect(),
        endpoints: caps
            .endpoints
            .iter()
            .map(|e| EndpointContext {
                method: e.method,
                path: e.path.clone(),
                operation: e.operation.clone(),
            })
            .collect(),
        data_models: caps
            .data_models
            .iter()
            .map(|d| DataModelContext {
                name: d.name.clone(),
                description: d.description.clone(),
                fields: d.schema.as_ref().map(|s| fields(&parse(s), 1)).unwrap_or_default(),
            })
            .collect(),
        business_logic: caps
            .business_logic
            .iter()
            .map(|b| Named { name: b.name.clone(), description: b.description.clone() })
            .collect(),
        emits: caps.events.emits.clone(),
        consumes: caps.events.consumes.clone(),
    };

    let config = man.config.as_ref().map(|c| {
        let Some(schema) = c.schema.as_ref().map(parse) else {
            // Defaults without a schema still say which keys exist.
            return c
                .defaults
                .iter()
                .flatten()
                .map(|(k, v)| ConfigRequirement {
                    name: k.clone(),
                    ty: json_type(v).to_owned(),
                    required: false,
                    default: Some(v.clone()),
                    description: None,
                })
                .collect();
        };
        let mut keys: Vec<ConfigRequirement> = fields(&schema, 0)
            .into_iter()
            .map(|f| {
                let default = c.defaults.as_ref().and_then(|d| d.get(&f.name)).cloned().or_else(|| {
                    schema
                        .get("properties")
                        .and_then(|p| p.get(&f.name))
                        .and_then(|p| p.get("default"))
                        .cloned()
                });
                ConfigRequirement {
                    name: f.name,
                    ty: f.ty,
                    required: f.required,
                    default,
                    description: f.description,
                }
            })
            .collect();
        keys.sort_by_key(|k| !k.required);
        keys
    });

    let outgoing = man
        .relationships
        .iter()
        .map(|r| OutgoingContext {
            kind: r.kind,
            target: r.target.clone(),
            version: r.version.as_ref().map(|v| v.as_written().to_owned()),
            data: r.data().to_vec(),
            description: r.description.clone(),
            unresolved: reg.index_of(&r.target).is_none(),
        })
        .collect();
    let incoming = reg.incoming[i]
        .iter()
        .filter(|e| !reg.modules[e.source].is_broken())
        .map(|e| {
            let r = reg.relationship(e);
            IncomingContext {
                kind: r.kind,
                inverse: r.kind.inverse().to_owned(),
                source: reg.modules[e.source].id().to_owned(),
                version: r.version.as_ref().map(|v| v.as_written().to_owned()),
                data: r.data().to_vec(),
                description: r.description.clone(),
            }
        })
        .collect();

    let h = health::summarize(module, settings, now);
    let snapshot = module.health.as_ref().map(|s| &s.value);
    let health = HealthContext {
        state: h.state,
        unhealthy: h.unhealthy,
        reasons: h.reasons,
        observed_at: h.observed_at,
        records: snapshot.map(|_| h.records),
        records_by_model: snapshot
            .map(|s| s.records.iter().map(|(k, r)| (k.clone(), r.count)).collect())
            .unwrap_or_default(),
        issues: snapshot
            .map(|s| {
                s.issues
                    .iter()
                    .map(|x| IssueContext {
                        id: x.id.clone(),
                        severity: x.severity,
                        summary: x.summary.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };

    let root = reg.root();
    ModuleContext {
        id: module.id().to_owned(),
        name: Some(meta.name.clone()),
        status: meta.status,
        version: meta.version.to_string(),
        module_type: meta.module_type,
        detail: DetailLevel::Full,
        distance: None,
        summary,
        owners: meta.owners.clone(),
        tags: meta.tags.clone(),
        deprecation: meta.deprecation.clone(),
        capabilities: Some(capabilities),
        config: Some(config.unwrap_or_default()),
        relationships: Some(RelationshipsContext { outgoing, incoming }),
        health: Some(health),
        warnings: Some(
            findings.iter().map(|d| finding(d, d.file.strip_prefix(root).unwrap_or(&d.file))).collect(),
        ),
    }
}

/// An embedded schema as a value, parsed once per use site.
fn parse(s: &SchemaJson) -> Value {
    s.to_value()
}

/// The properties of an object schema, in schema order, `depth` more levels of nesting shown.
fn fields(schema: &Value, depth: usize) -> Vec<Field> {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    props
        .iter()
        .map(|(name, prop)| {
            let items = prop.get("items");
            let nested = match items {
                Some(items) if prop.get("type").and_then(Value::as_str) == Some("array") => items,
                _ => prop,
            };
            Field {
                name: name.clone(),
                ty: type_of(prop),
                required: required.contains(&name.as_str()),
                format: prop.get("format").and_then(Value::as_str).map(str::to_owned),
                values: prop.get("enum").and_then(Value::as_array).cloned().unwrap_or_default(),
                description: prop.get("description").and_then(Value::as_str).map(str::to_owned),
                fields: if depth > 0 { fields(nested, depth - 1) } else { Vec::new() },
            }
        })
        .collect()
}

/// A schema's type in one word (see [`Field::ty`]).
fn type_of(prop: &Value) -> String {
    match prop.get("type") {
        Some(Value::String(t)) if t == "array" => match prop.get("items") {
            Some(items) => format!("array<{}>", type_of(items)),
            None => "array".to_owned(),
        },
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("|"),
        _ if prop.get("enum").is_some() => "enum".to_owned(),
        _ if prop.get("$ref").is_some() => "ref".to_owned(),
        _ if prop.get("const").is_some() => {
            prop.get("const").map(|c| json_type(c).to_owned()).unwrap_or_default()
        }
        _ => "any".to_owned(),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The indexes over every module whose manifest loads.
fn indexes(reg: &Registry) -> Indexes {
    let mut ix = Indexes::default();
    // (key, module) pairs, sorted and grouped: a map built from sorted keys is built in one
    // pass, where inserting key by key would compare long, alike keys at every level.
    let mut endpoints: Vec<(String, usize)> = Vec::new();
    let mut models: Vec<(&str, usize)> = Vec::new();
    let mut events: Vec<(&str, bool, usize)> = Vec::new();
    let mut tags: Vec<(&str, usize)> = Vec::new();
    for (i, m) in reg.modules.iter().enumerate().filter(|(_, m)| !m.is_broken()) {
        let caps = &m.m().capabilities;
        endpoints.extend(caps.endpoints.iter().map(|e| (format!("{} {}", e.method, e.path), i)));
        models.extend(caps.data_models.iter().map(|d| (d.name.as_str(), i)));
        events.extend(caps.events.emits.iter().map(|e| (e.as_str(), false, i)));
        events.extend(caps.events.consumes.iter().map(|e| (e.as_str(), true, i)));
        tags.extend(m.m().metadata.tags.iter().map(|t| (t.as_str(), i)));
    }
    let id = |i: usize| reg.modules[i].id().to_owned();
    // Module indexes are in id order, so sorting pairs sorts each list by id; a module that
    // names a key twice is listed once.
    let ids = |group: &[usize]| {
        let mut out: Vec<String> = Vec::with_capacity(group.len());
        let mut last = usize::MAX;
        for &i in group {
            if i != last {
                out.push(id(i));
                last = i;
            }
        }
        out
    };
    endpoints.sort_unstable();
    for group in endpoints.chunk_by(|a, b| a.0 == b.0) {
        let claimants: Vec<usize> = group.iter().map(|g| g.1).collect();
        let list = ids(&claimants);
        if list.len() > 1 {
            ix.endpoint_collisions.insert(group[0].0.clone(), list.clone());
        }
        ix.endpoints.insert(group[0].0.clone(), list.into_iter().next().unwrap_or_default());
    }
    let grouped = |mut pairs: Vec<(&str, usize)>| -> BTreeMap<String, Vec<String>> {
        pairs.sort_unstable();
        pairs
            .chunk_by(|a, b| a.0 == b.0)
            .map(|g| (g[0].0.to_owned(), ids(&g.iter().map(|p| p.1).collect::<Vec<_>>())))
            .collect()
    };
    ix.data_models = grouped(models);
    ix.tags = grouped(tags);
    events.sort_unstable();
    ix.events = events
        .chunk_by(|a, b| a.0 == b.0)
        .map(|g| {
            let of =
                |consumes: bool| ids(&g.iter().filter(|p| p.1 == consumes).map(|p| p.2).collect::<Vec<_>>());
            (g[0].0.to_owned(), EventIndex { emitters: of(false), consumers: of(true) })
        })
        .collect();

    let keep: Vec<bool> = reg.modules.iter().map(|m| !m.is_broken()).collect();
    let order: Vec<usize> = dependency_order(reg).into_iter().filter(|&i| keep[i]).collect();
    // `dependency_order` puts what it cannot order last; find where that tail starts.
    let mut placed = vec![false; reg.modules.len()];
    let mut ordered = 0;
    for (k, &i) in order.iter().enumerate() {
        let ready = reg.outgoing[i]
            .iter()
            .filter(|e| e.kind == RelationType::DependsOn && keep[e.target])
            .all(|e| placed[e.target]);
        if !ready {
            break;
        }
        placed[i] = true;
        ordered = k + 1;
    }
    ix.unordered = order[ordered..].iter().map(|&i| id(i)).collect();
    ix.dependency_order = order.into_iter().map(id).collect();
    let found = RelGraph::build_within(reg, &[RelationType::DependsOn], Some(&keep)).cycles();
    ix.dependency_cycles = found.listed.iter().map(|c| c.iter().map(|&i| id(i)).collect()).collect();
    ix
}

impl ModuleContext {
    /// Cut this module to (at most) `level`.
    pub fn cut(&mut self, level: DetailLevel) {
        if level >= self.detail {
            return;
        }
        self.detail = level;
        if level == DetailLevel::Ids {
            self.name = None;
            self.summary = None;
            self.owners = Vec::new();
            self.tags = Vec::new();
            self.deprecation = None;
            self.capabilities = None;
            self.config = None;
            self.relationships = None;
            self.health = None;
            self.warnings = None;
            return;
        }
        // Summary: the description alone, names without descriptions.
        if let Some(s) = &mut self.summary
            && let Some((first, _)) = s.split_once("\n\n")
        {
            *s = first.to_owned();
        }
        if let Some(d) = &mut self.deprecation {
            d.reason = None;
        }
        if let Some(c) = &mut self.capabilities {
            c.operations.iter_mut().for_each(|o| o.description = None);
            c.endpoints.iter_mut().for_each(|e| e.operation = None);
            for d in &mut c.data_models {
                d.description = None;
                d.fields = Vec::new();
            }
            c.business_logic = Vec::new();
        }
        if let Some(keys) = &mut self.config {
            keys.retain(|k| k.required);
            for k in keys {
                k.default = None;
                k.description = None;
            }
        }
        if let Some(r) = &mut self.relationships {
            r.outgoing.iter_mut().for_each(|o| o.description = None);
            r.incoming.iter_mut().for_each(|i| i.description = None);
        }
        if let Some(h) = &mut self.health {
            h.observed_at = None;
            h.records = None;
            h.records_by_model = BTreeMap::new();
            h.issues = Vec::new();
        }
        for w in self.warnings.iter_mut().flatten() {
            w.file = None;
            w.line = None;
            w.instance_path = None;
            w.hint = None;
        }
    }
}

/// Why a budget cannot be met: what the bundle costs with every module at `ids`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    pub minimum: usize,
}

/// The detail level of each module (as indexed in `modules`) that fits `budget` tokens, given
/// what the document costs without modules (`fixed`) and each module's price at each level
/// (`prices[i]`: ids, summary, full). Least relevant first: modules fall in tiers, retired, then
/// deprecated, then the rest, each by distance from the focus, farthest first. A tier is cut
/// down completely before the next loses any detail; within a tier every module goes to
/// summary (in id order) before any goes to ids.
pub fn plan(
    relevance: &[(Status, Option<usize>)],
    fixed: usize,
    prices: &[[usize; 3]],
    budget: usize,
) -> Result<Vec<DetailLevel>, Shortfall> {
    let mut levels = vec![DetailLevel::Full; relevance.len()];
    let mut total = fixed + prices.iter().map(|p| p[2]).sum::<usize>();
    let tier = |k: usize| {
        let (status, distance) = relevance[k];
        let rank = match status {
            Status::Retired => 0,
            Status::Deprecated => 1,
            _ => 2,
        };
        (rank, std::cmp::Reverse(distance.unwrap_or(0)))
    };
    let mut order: Vec<usize> = (0..relevance.len()).collect();
    order.sort_by_key(|&k| (tier(k), k));
    for group in order.chunk_by(|&a, &b| tier(a) == tier(b)) {
        for (from, to) in
            [(DetailLevel::Full, DetailLevel::Summary), (DetailLevel::Summary, DetailLevel::Ids)]
        {
            for &i in group {
                if total <= budget {
                    return Ok(levels);
                }
                total = total - prices[i][from as usize] + prices[i][to as usize];
                levels[i] = to;
            }
        }
    }
    if total <= budget { Ok(levels) } else { Err(Shortfall { minimum: total }) }
}

/// The JSON Schema of the bundle (`schemas/context.schema.json`): of what modreg writes, so
/// optional keys are those it may leave out and `null` is allowed where it prints it.
pub fn schema() -> schemars::Schema {
    schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<ContextBundle>()
}
