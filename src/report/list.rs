//! `modreg list`: one row per module that passes a metadata filter.

use serde::Serialize;

use crate::health::{self, HealthState};
use crate::model::{Metadata, ModuleType, Status};
use crate::registry::Registry;
use crate::report::changes::{Changes, GitFigures};

/// Which modules to list. Each empty field keeps every module.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Any of these statuses.
    pub statuses: Vec<Status>,
    /// Any of these types.
    pub types: Vec<ModuleType>,
    /// All of these tags (tags narrow a search; owners widen it).
    pub tags: Vec<String>,
    /// Any of these owners.
    pub owners: Vec<String>,
}

impl ListFilter {
    pub fn keeps(&self, md: &Metadata) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&md.status))
            && (self.types.is_empty() || self.types.contains(&md.module_type))
            && self.tags.iter().all(|t| md.tags.contains(t))
            && (self.owners.is_empty() || self.owners.iter().any(|o| md.owners.contains(o)))
    }
}

/// One row of `modreg list` (SPEC §8: id, name, type, status, version, owners, tags, health).
#[derive(Debug, Serialize)]
pub struct Row {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub module_type: String,
    pub status: String,
    pub version: String,
    pub owners: Vec<String>,
    pub tags: Vec<String>,
    pub relationships: RelCounts,
    pub health: HealthState,
    pub unhealthy: bool,
    /// `last_changed` and `commits` from git (see [`crate::report::changes`]); absent outside a
    /// git work tree and when the format does not show them.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub git: Option<GitFigures>,
}

#[derive(Debug, Serialize)]
pub struct RelCounts {
    pub outgoing: usize,
    pub incoming: usize,
}

/// The rows of the modules `filter` keeps, in id order; health is judged as of `now`; git
/// figures when `changes` has them.
pub fn rows(
    reg: &Registry,
    filter: &ListFilter,
    now: jiff::Timestamp,
    changes: Option<&Changes>,
) -> Vec<Row> {
    let settings = &reg.location.settings.health;
    reg.modules
        .iter()
        .enumerate()
        // A module whose manifest does not fully load is left out (the broken-manifest note
        // names it); so are its relationships from the counts.
        .filter(|(_, m)| !m.is_broken() && filter.keeps(&m.m().metadata))
        .map(|(i, m)| {
            let md = &m.m().metadata;
            let h = health::summarize(m, settings, now);
            Row {
                id: md.id.clone(),
                name: md.name.clone(),
                module_type: md.module_type.to_string(),
                status: md.status.to_string(),
                version: md.version.to_string(),
                owners: md.owners.clone(),
                tags: md.tags.clone(),
                relationships: RelCounts {
                    outgoing: reg.outgoing[i].iter().filter(|e| !reg.modules[e.target].is_broken()).count(),
                    incoming: reg.incoming[i].iter().filter(|e| !reg.modules[e.source].is_broken()).count(),
                },
                health: h.state,
                unhealthy: h.unhealthy,
                git: changes.map(|c| c.of(m)),
            }
        })
        .collect()
}
