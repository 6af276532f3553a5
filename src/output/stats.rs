//! `stats`' table view: a heading per section, numbers right-aligned, and the first
//! [`HEAD`] rows of each list with a line saying how many more there are (`--format json` has
//! them all). Ids and reasons come from manifests and snapshots, so they go through [`Table`],
//! which shows control characters visibly.

use std::fmt::Write as _;

use crate::output::style::{BOLD, DIM, paint};
use crate::output::table::Table;
use crate::report::stats::StatsReport;

/// Rows shown per list.
pub const HEAD: usize = 10;

/// The report for a terminal.
pub fn render_table(r: &StatsReport, color: bool) -> String {
    let mut s = String::new();
    let heading = |s: &mut String, title: &str| {
        if !s.is_empty() {
            s.push('\n');
        }
        let _ = writeln!(s, "{}", paint(color, BOLD, title));
    };
    let none = |s: &mut String, what: &str| s.push_str(&indent(&paint(color, DIM, &format!("{what}\n"))));
    let more = |s: &mut String, shown: usize, total: usize| {
        if total > shown {
            let _ = writeln!(s, "  … and {} more", total - shown);
        }
    };

    heading(&mut s, &format!("Modules: {}", r.modules));
    let mut t = Table::new(&["status", "modules"]);
    for (status, n) in &r.by_status.0 {
        t.row([status.to_string(), n.to_string()]);
    }
    s.push_str(&indent(&t.align_right(&[1]).finish()));
    s.push('\n');
    let mut t = Table::new(&["type", "modules"]);
    for (ty, n) in &r.by_type.0 {
        t.row([ty.to_string(), n.to_string()]);
    }
    s.push_str(&indent(&t.align_right(&[1]).finish()));

    let declared: usize = r.relationships.0.iter().map(|(_, n)| n).sum();
    heading(&mut s, &format!("Relationships: {declared}"));
    let mut t = Table::new(&["type", "count"]);
    for (kind, n) in &r.relationships.0 {
        t.row([kind.to_string(), n.to_string()]);
    }
    if r.unresolved_relationships > 0 {
        t.row(["(unknown target)".to_owned(), r.unresolved_relationships.to_string()]);
    }
    s.push_str(&indent(&t.align_right(&[1]).finish()));

    heading(&mut s, "Most depended on");
    if r.most_depended_on.is_empty() {
        none(&mut s, "nothing depends on anything");
    } else {
        let mut t = Table::new(&["module", "direct", "transitive"]);
        for d in r.most_depended_on.iter().take(HEAD) {
            let transitive = d.transitive_dependents.map(|n| n.to_string()).unwrap_or_default();
            t.row([d.id.clone(), d.dependents.to_string(), transitive]);
        }
        s.push_str(&indent(&t.align_right(&[1, 2]).finish()));
        more(&mut s, HEAD, r.most_depended_on.len());
    }

    heading(&mut s, &format!("Orphans (no relationship either way): {}", r.orphans.len()));
    if r.orphans.is_empty() {
        none(&mut s, "none");
    } else {
        let mut t = Table::new(&[]);
        for id in r.orphans.iter().take(HEAD) {
            t.row([id.as_str()]);
        }
        s.push_str(&indent(&t.finish()));
        more(&mut s, HEAD, r.orphans.len());
    }

    let omitted = r.cycles_omitted.map_or(0, |o| o.count);
    let at_least = if r.cycles_omitted.is_some_and(|o| !o.exact) { "at least " } else { "" };
    heading(&mut s, &format!("depends_on cycles: {at_least}{}", r.cycles.len() + omitted));
    if r.cycles.is_empty() {
        none(&mut s, "none");
    } else {
        let mut t = Table::new(&[]);
        for cycle in r.cycles.iter().take(HEAD) {
            let path: Vec<&str> = cycle.iter().chain(cycle.first()).map(String::as_str).collect();
            t.row([path.join(" → ")]);
        }
        s.push_str(&indent(&t.finish()));
        let hidden = r.cycles.len().saturating_sub(HEAD) + omitted;
        if hidden > 0 {
            let _ = writeln!(s, "  … and {at_least}{hidden} more");
        }
    }

    heading(&mut s, &format!("Records: {}", r.records.total));
    if r.records.by_module.is_empty() {
        none(&mut s, "no health snapshots");
    } else {
        let mut by_count: Vec<&(String, u64)> = r.records.by_module.0.iter().collect();
        // Most records first; the sort is stable, so ties stay in id order.
        by_count.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        let mut t = Table::new(&["module", "records"]);
        for (id, n) in by_count.iter().take(HEAD) {
            t.row([id.clone(), n.to_string()]);
        }
        s.push_str(&indent(&t.align_right(&[1]).finish()));
        more(&mut s, HEAD, by_count.len());
    }

    heading(&mut s, "Health");
    let mut t = Table::new(&["state", "modules"]);
    for (state, n) in &r.health.0 {
        t.row([state.to_string(), n.to_string()]);
    }
    s.push_str(&indent(&t.align_right(&[1]).finish()));

    heading(&mut s, &format!("Unhealthy, worst first: {}", r.unhealthy.len()));
    if r.unhealthy.is_empty() {
        none(&mut s, "none");
    } else {
        let mut t = Table::new(&["module", "state", "why"]);
        for u in r.unhealthy.iter().take(HEAD) {
            t.row([u.id.clone(), u.state.as_str().to_owned(), u.reasons.join("; ")]);
        }
        s.push_str(&indent(&t.finish()));
        more(&mut s, HEAD, r.unhealthy.len());
    }

    heading(&mut s, "Recently changed (git)");
    match &r.git {
        None => none(&mut s, "not in a git repository: no change history"),
        Some(git) => {
            let mut changed: Vec<&(String, _)> = git.0.iter().filter(|(_, g)| g.commits > 0).collect();
            // Newest first; the sort is stable, so ties stay in id order.
            changed.sort_by_key(|(_, g)| std::cmp::Reverse(g.last_changed_unix));
            if changed.is_empty() {
                none(&mut s, "no module committed yet");
            } else {
                let mut t = Table::new(&["module", "last changed", "commits"]);
                for (id, g) in changed.iter().take(HEAD) {
                    t.row([id.clone(), g.last_changed.clone().unwrap_or_default(), g.commits.to_string()]);
                }
                s.push_str(&indent(&t.align_right(&[2]).finish()));
                more(&mut s, HEAD, changed.len());
            }
            let never = git.len() - changed.len();
            if never > 0 {
                let _ = writeln!(s, "  never committed: {never}");
            }
        }
    }
    s
}

/// Indent a block under its heading.
fn indent(text: &str) -> String {
    text.lines().map(|l| if l.is_empty() { "\n".to_owned() } else { format!("  {l}\n") }).collect()
}
