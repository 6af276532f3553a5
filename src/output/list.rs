//! `list`'s table and CSV. JSON and YAML serialise the same rows; these two flatten them into
//! columns, a list (owners, tags) into one cell by [`join_list`]'s quoting, so `["x,y", "z"]`
//! and `["x", "y", "z"]` stay apart.

use crate::Error;
use crate::health::HealthState;
use crate::output::escape::join_list;
use crate::output::table::Table;
use crate::report::list::Row;

/// Borderless columns; counts right-aligned, and a health state that hides a breached
/// threshold says so. Owners are joined with `,`.
pub fn render_table(rows: &[Row]) -> String {
    let mut t = Table::new(&["id", "name", "type", "status", "version", "owners", "out", "in", "health"])
        .align_right(&[6, 7]);
    for r in rows {
        let health = if r.unhealthy && matches!(r.health, HealthState::Healthy | HealthState::Unknown) {
            format!("{} (over threshold)", r.health.as_str())
        } else {
            r.health.as_str().to_owned()
        };
        t.row([
            r.id.as_str(),
            &r.name,
            &r.module_type,
            &r.status,
            &r.version,
            &join_list(&r.owners, ","),
            &r.relationships.outgoing.to_string(),
            &r.relationships.incoming.to_string(),
            &health,
        ]);
    }
    t.finish()
}

/// One header line and a record per row, with every field (tags too) and lists joined with `;`
/// by [`join_list`] (an item holding `;`, `"` or whitespace in double quotes); the `csv` crate
/// then quotes whatever field needs it. The data stays exact: CSV is for programs.
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
            &join_list(&r.owners, ";"),
            &join_list(&r.tags, ";"),
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
