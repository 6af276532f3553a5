//! What `deps` asks of the graph: what one module depends on, or (reversed) what is affected
//! when it changes, one level deep or transitively. The walk is [`reach`], shared with
//! `graph --focus`, so both agree on depths and paths; the report is what `deps --format json`
//! prints (SPEC §8) and what `output::deps` draws as a table.

use serde::Serialize;

use crate::Error;
use crate::graph::Direction;
use crate::graph::reach::reach;
use crate::model::{RelationType, Status};
use crate::registry::Registry;

/// What to ask, free of how it was asked (`commands::deps` builds it from the flags).
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// The module asked about.
    pub id: String,
    /// Follow relationships against their declaration: who points at `id`.
    pub reverse: bool,
    /// Walk past the direct neighbours (also implied by `depth`).
    pub transitive: bool,
    /// At most this many levels deep.
    pub depth: Option<usize>,
    /// Relationship types to follow; empty means `depends_on`.
    pub relations: Vec<RelationType>,
}

/// SPEC §8 `deps ID --format json`.
#[derive(Debug, Serialize)]
pub struct DepsReport<'a> {
    pub module: &'a str,
    pub reverse: bool,
    pub transitive: bool,
    /// The relationship types followed.
    pub relations: Vec<RelationType>,
    /// Sorted by (depth, id).
    pub modules: Vec<DepEntry<'a>>,
}

#[derive(Debug, Serialize)]
pub struct DepEntry<'a> {
    pub id: &'a str,
    pub depth: usize,
    /// The path from the module asked about (excluded) to this one (included).
    pub via: Vec<&'a str>,
    pub name: &'a str,
    pub status: Status,
}

/// Answer `query`; an unknown id is a usage error with a suggestion.
pub fn build<'a>(reg: &'a Registry, query: &Query) -> Result<DepsReport<'a>, Error> {
    let start = reg.require(&query.id)?;
    let mut kinds =
        if query.relations.is_empty() { vec![RelationType::DependsOn] } else { query.relations.clone() };
    kinds.sort_unstable();
    kinds.dedup();
    let transitive = query.transitive || query.depth.is_some();
    let max_depth = if transitive { query.depth } else { Some(1) };
    let direction = if query.reverse { Direction::In } else { Direction::Out };
    let modules = reach(reg, start, &kinds, direction, max_depth)
        .into_iter()
        .map(|r| {
            let md = &reg.modules[r.index].m().metadata;
            DepEntry {
                id: md.id.as_str(),
                depth: r.depth,
                via: r.via.iter().map(|&i| reg.modules[i].id()).collect(),
                name: md.name.as_str(),
                status: md.status,
            }
        })
        .collect();
    Ok(DepsReport {
        module: reg.modules[start].id(),
        reverse: query.reverse,
        transitive,
        relations: kinds,
        modules,
    })
}
