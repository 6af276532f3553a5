//! Tables for terminals: borderless, like `kubectl get` or `cargo tree`, so they read well and
//! still survive `grep` and `awk`.

use comfy_table::presets::NOTHING;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};

pub fn new(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(NOTHING).set_content_arrangement(ContentArrangement::Disabled);
    if !header.is_empty() {
        t.set_header(header.iter().map(|h| Cell::new(h.to_uppercase())));
    }
    t
}

pub fn right(text: impl ToString) -> Cell {
    Cell::new(text.to_string()).set_alignment(CellAlignment::Right)
}

/// The table as text, each line without trailing blanks, ending in a newline.
pub fn finish(t: &Table) -> String {
    let text = t.to_string();
    // The preset pads every cell by one space; the first column's padding is only an indent.
    let strip = text.lines().all(|l| l.is_empty() || l.starts_with(' '));
    let mut out = String::new();
    for line in text.lines() {
        let line = if strip { line.strip_prefix(' ').unwrap_or(line) } else { line };
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
