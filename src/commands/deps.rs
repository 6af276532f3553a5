//! `modreg deps ID`: what a module depends on, or (`--reverse`) what is affected when it changes,
//! one level deep or transitively. The walk is `graph::reach`, shared with `graph --focus`.

use serde::Serialize;

use crate::Error;
use crate::cli::{DepsArgs, DepsFormat, Direction};
use crate::context::Context;
use crate::graph::reach::reach;
use crate::model::{RelationType, Status};
use crate::output::{self, Output, table};
use crate::registry::Registry;

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

pub fn run(ctx: &Context, args: &DepsArgs) -> Result<Output, Error> {
    let reg = ctx.registry()?;
    let report = build(reg, args)?;
    let stdout = match args.format {
        DepsFormat::Json => output::json(&report),
        DepsFormat::Table => render_table(&report),
    };
    let mut out = Output::data(stdout);
    if !ctx.quiet {
        if report.modules.is_empty() && args.format == DepsFormat::Table {
            out = out.note(empty_note(&report));
        }
        if let Some(note) = super::broken_note(reg) {
            out = out.note(note);
        }
    }
    Ok(out)
}

pub fn build<'a>(reg: &'a Registry, args: &DepsArgs) -> Result<DepsReport<'a>, Error> {
    let start = reg.require(&args.id)?;
    let mut kinds =
        if args.relation.is_empty() { vec![RelationType::DependsOn] } else { args.relation.clone() };
    kinds.sort_unstable();
    kinds.dedup();
    let transitive = args.transitive || args.depth.is_some();
    let max_depth = if transitive { args.depth } else { Some(1) };
    let direction = if args.reverse { Direction::In } else { Direction::Out };
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
        reverse: args.reverse,
        transitive,
        relations: kinds,
        modules,
    })
}

fn render_table(r: &DepsReport<'_>) -> String {
    let mut t = table::new(&["id", "depth", "name", "status", "via"]);
    for m in &r.modules {
        t.add_row(vec![
            m.id.to_owned(),
            m.depth.to_string(),
            m.name.to_owned(),
            m.status.to_string(),
            m.via.join(" → "),
        ]);
    }
    table::finish(&t)
}

fn empty_note(r: &DepsReport<'_>) -> String {
    let kinds: Vec<&str> = r.relations.iter().map(|k| k.as_str()).collect();
    if r.reverse {
        format!("no module has a {} relationship to `{}`", kinds.join(" or "), r.module)
    } else {
        format!("`{}` has no {} relationship", r.module, kinds.join(" or "))
    }
}
