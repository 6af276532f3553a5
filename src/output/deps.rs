//! `deps`' table, and the note that stands in for an empty one. JSON serialises the same
//! [`DepsReport`].

use crate::graph::deps::DepsReport;
use crate::output::table::Table;

/// One line per module reached, with the path that reaches it.
pub fn render_table(r: &DepsReport<'_>) -> String {
    let mut t = Table::new(&["id", "depth", "name", "status", "via"]);
    for m in &r.modules {
        t.row([
            m.id.to_owned(),
            m.depth.to_string(),
            m.name.to_owned(),
            m.status.to_string(),
            m.via.join(" → "),
        ]);
    }
    t.finish()
}

/// The stderr line that explains an empty table (JSON says it with an empty list).
pub fn empty_note(r: &DepsReport<'_>) -> String {
    let kinds: Vec<&str> = r.relations.iter().map(|k| k.as_str()).collect();
    if r.reverse {
        format!("no module has a {} relationship to `{}`", kinds.join(" or "), r.module)
    } else {
        format!("`{}` has no {} relationship", r.module, kinds.join(" or "))
    }
}
