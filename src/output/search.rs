//! `search`'s table: rank, id, name, score and the fields that matched. JSON serialises the
//! hits as they are.

use crate::output::table::Table;
use crate::search::Hit;

/// Best first, as ranked; nothing at all (not even the heading) when nothing matched, so the
/// note on stderr is the whole answer.
pub fn render_table(hits: &[Hit]) -> String {
    if hits.is_empty() {
        return String::new();
    }
    let mut t = Table::new(&["rank", "id", "name", "score", "matched"]).align_right(&[0, 3]);
    for (rank, h) in hits.iter().enumerate() {
        t.row([
            (rank + 1).to_string(),
            h.id.clone(),
            h.name.clone(),
            format!("{:.2}", h.score),
            h.matched.join(","),
        ]);
    }
    t.finish()
}

/// What the table says on stderr when nothing matched.
pub fn no_match_note(query: &str) -> String {
    format!(
        "no module matches `{}`\nhint: try other words for the same thing, or fewer of them",
        query.trim()
    )
}
