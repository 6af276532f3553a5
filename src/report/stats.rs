//! `modreg stats`: the registry in numbers (SPEC §4, §8). Everything is here, in full; the table
//! view shows the head of each list.
//!
//! Modules whose manifest does not fully load are left out of every figure (and named in
//! `broken`), as `list` leaves them out. Counts by status, type, relationship type and health
//! state name every value, zeros included, in the order the enums declare them.

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::graph::view::Omitted;
use crate::graph::{RelGraph, dependents};
use crate::health::{self, HealthState};
use crate::model::{HealthStatus, ModuleType, RelationType, Status};
use crate::registry::Registry;
use crate::report::changes::{Changes, GitFigures};

/// How many of the most depended-on modules get their transitive dependents counted: one
/// machine word of bits, so one linear pass (see [`dependents`]).
pub const TRANSITIVE_FOR: usize = 64;

/// `modreg stats --format json` (SPEC §8: modules, by_status, by_type, relationships,
/// most_depended_on, orphans, cycles, records.total, health, git).
#[derive(Debug, serde::Serialize)]
pub struct StatsReport {
    /// Modules counted (every module whose manifest loads).
    pub modules: usize,
    pub by_status: Ordered<&'static str, usize>,
    pub by_type: Ordered<&'static str, usize>,
    /// Declared relationships by type, whether or not the target exists.
    pub relationships: Ordered<&'static str, usize>,
    /// Of those, the ones whose target is not in the registry (`validate` reports them).
    pub unresolved_relationships: usize,
    /// Every module something depends on, most direct dependents first, then by id.
    pub most_depended_on: Vec<DependedOn>,
    /// Modules with no relationship either way, by id.
    pub orphans: Vec<String>,
    /// `depends_on` cycles, as `graph` (and `validate`) find them: each from its smallest id along
    /// the edges (`[a, b]` is a → b → a), at most [`crate::graph::cycles::LIMIT`] listed.
    pub cycles: Vec<Vec<String>>,
    /// Cycles beyond those listed, as `graph --format json` says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cycles_omitted: Option<Omitted>,
    pub records: Records,
    /// Modules per health state (healthy, degraded, down, unknown, stale, missing).
    pub health: Ordered<&'static str, usize>,
    /// The unhealthy modules, worst first: down, degraded, stale, then over a threshold; then
    /// by id.
    pub unhealthy: Vec<Unhealthy>,
    /// Per module id, the newest commit that touched its directory and how many did. Absent
    /// outside a git work tree; a module no commit touched has `commits: 0` and no date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git: Option<Ordered<String, GitFigures>>,
    /// Module directories whose manifest does not load, left out of every figure.
    pub broken: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DependedOn {
    pub id: String,
    /// Modules that declare `depends_on` on it.
    pub dependents: usize,
    /// Modules that depend on it directly or through others; counted for the first
    /// [`TRANSITIVE_FOR`] entries only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transitive_dependents: Option<usize>,
}

#[derive(Debug, serde::Serialize)]
pub struct Records {
    /// Record counts of every data model of every snapshot, summed.
    pub total: u64,
    /// Per module with a snapshot, its records summed, by id.
    pub by_module: Ordered<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unhealthy {
    pub id: String,
    pub state: HealthState,
    pub reasons: Vec<String>,
}

/// Pairs serialised as a JSON object in their order (serde_json maps would sort the keys, and
/// counts by status read best in the order statuses are declared).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ordered<K, V>(pub Vec<(K, V)>);

impl<K: Serialize, V: Serialize> Serialize for Ordered<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<K, V> Ordered<K, V> {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The statistics of `reg`, health judged as of `now`, with git figures when `changes` has them.
pub fn build(reg: &Registry, now: jiff::Timestamp, changes: Option<&Changes>) -> StatsReport {
    let shown: Vec<usize> = (0..reg.modules.len()).filter(|&i| !reg.modules[i].is_broken()).collect();
    let settings = &reg.location.settings.health;

    let mut by_status = Ordered(Status::ALL.iter().map(|s| (s.as_str(), 0)).collect());
    let mut by_type = Ordered(ModuleType::ALL.iter().map(|t| (t.as_str(), 0)).collect());
    let mut relationships = Ordered(RelationType::ALL.iter().map(|t| (t.as_str(), 0)).collect());
    let mut unresolved_relationships = 0;
    let mut health_counts: Vec<(HealthState, usize)> = [
        HealthState::Healthy,
        HealthState::Degraded,
        HealthState::Down,
        HealthState::Unknown,
        HealthState::Stale,
        HealthState::Missing,
    ]
    .into_iter()
    .map(|s| (s, 0))
    .collect();
    let mut unhealthy: Vec<(u8, Unhealthy)> = Vec::new();
    let mut records = Records { total: 0, by_module: Ordered(Vec::new()) };
    let mut orphans = Vec::new();

    let bump = |counts: &mut Vec<(&'static str, usize)>, name: &str| {
        if let Some(c) = counts.iter_mut().find(|(n, _)| *n == name) {
            c.1 += 1;
        }
    };
    for &i in &shown {
        let m = &reg.modules[i];
        let man = m.m();
        bump(&mut by_status.0, man.metadata.status.as_str());
        bump(&mut by_type.0, man.metadata.module_type.as_str());
        for rel in &man.relationships {
            bump(&mut relationships.0, rel.kind.as_str());
            if reg.index_of(&rel.target).is_none() {
                unresolved_relationships += 1;
            }
        }
        let incoming = reg.incoming[i].iter().any(|e| !reg.modules[e.source].is_broken());
        if man.relationships.is_empty() && !incoming {
            orphans.push(m.id().to_owned());
        }

        let h = health::summarize(m, settings, now);
        if let Some(c) = health_counts.iter_mut().find(|(s, _)| *s == h.state) {
            c.1 += 1;
        }
        if m.health.is_some() {
            records.total = records.total.saturating_add(h.records);
            records.by_module.0.push((m.id().to_owned(), h.records));
        }
        if h.unhealthy {
            // Worst first: down, degraded (by the snapshot's own status, which a stale snapshot
            // keeps), stale, then only over a threshold.
            let rank = match (m.health.as_ref().map(|s| s.value.status), h.state) {
                (Some(HealthStatus::Down), _) => 0,
                (Some(HealthStatus::Degraded), _) => 1,
                (_, HealthState::Stale) => 2,
                _ => 3,
            };
            unhealthy.push((rank, Unhealthy { id: m.id().to_owned(), state: h.state, reasons: h.reasons }));
        }
    }
    // Modules are in id order, so a stable sort by rank keeps ids in order within a rank.
    unhealthy.sort_by_key(|(rank, _)| *rank);

    let direct = dependents::direct(reg);
    let mut ranked: Vec<usize> = shown.iter().copied().filter(|&i| direct[i] > 0).collect();
    ranked.sort_by_key(|&i| std::cmp::Reverse(direct[i]));
    let head = &ranked[..ranked.len().min(TRANSITIVE_FOR)];
    let transitive = dependents::transitive(reg, head);
    let most_depended_on = ranked
        .iter()
        .enumerate()
        .map(|(rank, &i)| DependedOn {
            id: reg.modules[i].id().to_owned(),
            dependents: direct[i],
            transitive_dependents: transitive.get(rank).copied(),
        })
        .collect();

    // Among the modules shown, as `graph` finds them (with every manifest loading, `validate`
    // finds the same).
    let keep: Vec<bool> = reg.modules.iter().map(|m| !m.is_broken()).collect();
    let found = RelGraph::build_within(reg, &[RelationType::DependsOn], Some(&keep)).cycles();
    let cycles_omitted = found.next.is_some().then_some(Omitted { count: found.omitted, exact: found.exact });
    let cycles =
        found.listed.iter().map(|c| c.iter().map(|&i| reg.modules[i].id().to_owned()).collect()).collect();

    let git = changes.map(|c| {
        Ordered(shown.iter().map(|&i| (reg.modules[i].id().to_owned(), c.of(&reg.modules[i]))).collect())
    });

    StatsReport {
        modules: shown.len(),
        by_status,
        by_type,
        relationships,
        unresolved_relationships,
        most_depended_on,
        orphans,
        cycles,
        cycles_omitted,
        records,
        health: Ordered(health_counts.into_iter().map(|(s, c)| (s.as_str(), c)).collect()),
        unhealthy: unhealthy.into_iter().map(|(_, u)| u).collect(),
        git,
        broken: reg.broken.clone(),
    }
}
