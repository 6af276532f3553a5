//! `list`'s table and CSV. JSON and YAML serialise the same rows; these two flatten them into
//! columns.

use crate::Error;
use crate::health::HealthState;
use crate::output::table;
use crate::report::list::Row;

/// Borderless columns; counts right-aligned, and a health state that hides a breached
/// threshold says so.
pub fn render_table(rows: &[Row]) -> String {
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

/// One header line and a record per row, with every field (tags too) and lists joined with `;`;
/// the `csv` crate quotes whatever needs it.
pub fn render_csv(rows: &[Row]) -> Result<String, Error> {
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
