use serde::Serialize;

use crate::Error;
use crate::cli::{ListArgs, ListFormat};
use crate::context::Context;
use crate::health::{self, HealthState};
use crate::output::{self, Output, table};
use crate::registry::{Module, Registry};

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
}

#[derive(Debug, Serialize)]
pub struct RelCounts {
    pub outgoing: usize,
    pub incoming: usize,
}

pub fn run(ctx: &Context, args: &ListArgs) -> Result<Output, Error> {
    let reg = ctx.registry()?;
    let rows = rows(ctx, reg, args);
    let stdout = match args.format {
        ListFormat::Table => render_table(&rows),
        ListFormat::Json => output::json(&rows),
        ListFormat::Yaml => output::yaml::render(&rows),
        ListFormat::Csv => render_csv(&rows)?,
    };
    let mut out = Output::data(stdout);
    if let Some(note) = super::broken_note(reg)
        && !ctx.quiet
    {
        out = out.note(note);
    }
    Ok(out)
}

fn keep(m: &Module, args: &ListArgs) -> bool {
    let md = &m.m().metadata;
    (args.status.is_empty() || args.status.contains(&md.status))
        && (args.module_type.is_empty() || args.module_type.contains(&md.module_type))
        && args.tag.iter().all(|t| md.tags.contains(t))
        && (args.owner.is_empty() || args.owner.iter().any(|o| md.owners.contains(o)))
}

pub fn rows(ctx: &Context, reg: &Registry, args: &ListArgs) -> Vec<Row> {
    let settings = &reg.location.settings.health;
    reg.modules
        .iter()
        .enumerate()
        .filter(|(_, m)| keep(m, args))
        .map(|(i, m)| {
            let md = &m.m().metadata;
            let h = health::summarize(m, settings, ctx.now);
            Row {
                id: md.id.clone(),
                name: md.name.clone(),
                module_type: md.module_type.to_string(),
                status: md.status.to_string(),
                version: md.version.to_string(),
                owners: md.owners.clone(),
                tags: md.tags.clone(),
                relationships: RelCounts { outgoing: reg.outgoing[i].len(), incoming: reg.incoming[i].len() },
                health: h.state,
                unhealthy: h.unhealthy,
            }
        })
        .collect()
}

fn render_table(rows: &[Row]) -> String {
    let mut t = table::new(&["id", "name", "type", "status", "version", "owners", "out", "in", "health"]);
    for r in rows {
        let health = if r.unhealthy && matches!(r.health, HealthState::Healthy | HealthState::Unknown) {
            format!("{} (over threshold)", r.health.as_str())
        } else {
            r.health.as_str().to_owned()
        };
        t.add_row(vec![
            comfy_table::Cell::new(&r.id),
            comfy_table::Cell::new(&r.name),
            comfy_table::Cell::new(&r.module_type),
            comfy_table::Cell::new(&r.status),
            comfy_table::Cell::new(&r.version),
            comfy_table::Cell::new(r.owners.join(",")),
            table::right(r.relationships.outgoing),
            table::right(r.relationships.incoming),
            comfy_table::Cell::new(health),
        ]);
    }
    table::finish(&t)
}

fn render_csv(rows: &[Row]) -> Result<String, Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::Other(format!("writing CSV: {e}"));
    w.write_record([
        "id",
        "name",
        "type",
        "status",
        "version",
        "owners",
        "tags",
        "outgoing",
        "incoming",
        "health",
        "unhealthy",
    ])
    .map_err(err)?;
    for r in rows {
        w.write_record([
            r.id.as_str(),
            &r.name,
            &r.module_type,
            &r.status,
            &r.version,
            &r.owners.join(";"),
            &r.tags.join(";"),
            &r.relationships.outgoing.to_string(),
            &r.relationships.incoming.to_string(),
            r.health.as_str(),
            if r.unhealthy { "true" } else { "false" },
        ])
        .map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Other(format!("writing CSV: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
