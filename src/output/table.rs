//! Tables for terminals: borderless, like `kubectl get` or `cargo tree`, so they read well and
//! still survive `grep` and `awk`. Every cell goes through [`escape::visible`], so a cell is one
//! line (a line break in a name cannot split its row) and holds nothing a terminal acts on;
//! columns line up by display width (comfy-table measures with `unicode-width`, so CJK text
//! takes two columns per character).

use comfy_table::presets::NOTHING;
use comfy_table::{Cell, CellAlignment, ContentArrangement};

use super::escape;

pub struct Table {
    inner: comfy_table::Table,
}

impl Table {
    /// A table with these column headings (upper-cased); none for a key–value list.
    pub fn new(header: &[&str]) -> Table {
        let mut inner = comfy_table::Table::new();
        inner.load_style(NOTHING).set_content_arrangement(ContentArrangement::Disabled);
        if !header.is_empty() {
            inner.set_header(header.iter().map(|h| Cell::new(h.to_uppercase())));
        }
        Table { inner }
    }

    /// Right-align these columns (counts), heading included.
    pub fn align_right(mut self, columns: &[usize]) -> Table {
        for &i in columns {
            if let Some(c) = self.inner.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        self
    }

    /// One row, each cell shown with [`escape::visible`].
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.inner.add_row(cells.into_iter().map(|c| Cell::new(escape::visible(c.as_ref()))));
    }

    /// The table as text, each line without trailing blanks, ending in a newline.
    pub fn finish(&self) -> String {
        let text = self.inner.to_string();
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
}
