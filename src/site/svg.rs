//! The relationship graph as inline SVG, laid out here in Rust so that building a site needs no
//! Graphviz. A layered (Sugiyama-style) layout, left to right: `depends_on`,
//! `provides_data_to` and `integrates_with` edges rank a module left of its targets (back edges
//! of a cycle are ignored for ranking), barycentre sweeps order each column to cut crossings,
//! and modules that are `part_of` the same top-level module share a horizontal band, drawn as a
//! cluster box. Modules without edges are set in a grid after the last column.
//!
//! Styles are CSS classes (`site.css`), so the graph follows the light or dark theme; every
//! label is escaped, and every node links to its module's page.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::{RelationType, Status};
use crate::site::html::esc;

/// A node to draw.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub name: String,
    pub status: Status,
    /// The link to its page, relative to the page the SVG sits in.
    pub href: String,
    /// The node the page is about (drawn emphasised).
    pub focus: bool,
}

/// An edge between positions in the node list.
#[derive(Debug, Clone)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: RelationType,
    /// On a listed `depends_on` cycle.
    pub on_cycle: bool,
    /// `provides_data_to`: the data models that flow.
    pub data: Vec<String>,
}

/// What to draw. `part_of` edges are not drawn as lines: they put the parts of a module in a
/// box with it (the top-most module reached through `part_of` edges among the nodes).
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

const NODE_W: f64 = 184.0;
const NODE_H: f64 = 40.0;
const GAP_X: f64 = 96.0;
const GAP_Y: f64 = 18.0;
const PAD: f64 = 16.0;
/// Room above a cluster's first row for its label.
const CLUSTER_LABEL: f64 = 18.0;
/// Characters of a name shown in a node before it is cut with an ellipsis.
const NAME_CHARS: usize = 24;
/// Graphs with more nodes than this get no edge labels (they would only add clutter).
const LABELS_UP_TO: usize = 80;

/// Where everything goes.
struct Layout {
    x: Vec<f64>,
    y: Vec<f64>,
    width: f64,
    height: f64,
    /// (cluster root, x0, y0, x1, y1)
    clusters: Vec<(usize, f64, f64, f64, f64)>,
}

/// The SVG for `g`; `label` is the accessible name of the picture.
pub fn render(g: &Graph, label: &str) -> String {
    let layout = layout(g);
    let mut s = String::with_capacity(g.nodes.len() * 420 + g.edges.len() * 260 + 1024);
    let _ = writeln!(
        s,
        "<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{}\" \
         viewBox=\"0 0 {:.0} {:.0}\" width=\"{:.0}\" height=\"{:.0}\">",
        esc(label),
        layout.width,
        layout.height,
        layout.width,
        layout.height
    );
    s.push_str(
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" \
         markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"arrowhead\"/>\
         </marker><marker id=\"arrow-cycle\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" \
         markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"arrowhead-cycle\"/>\
         </marker></defs>\n",
    );
    for &(root, x0, y0, x1, y1) in &layout.clusters {
        let _ = writeln!(
            s,
            "<g class=\"cluster\"><rect x=\"{x0:.1}\" y=\"{y0:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"8\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">part of {}</text></g>",
            x1 - x0,
            y1 - y0,
            x0 + 8.0,
            y0 + 13.0,
            esc(&g.nodes[root].name)
        );
    }
    let labels = g.nodes.len() <= LABELS_UP_TO;
    for e in g.edges.iter().filter(|e| e.kind != RelationType::PartOf && e.from != e.to) {
        let (x1, y1, x2, y2) = ends(&layout, e.from, e.to);
        let dx = ((x2 - x1).abs() / 2.0).max(40.0);
        let (c1, c2) = if x2 >= x1 { (x1 + dx, x2 - dx) } else { (x1 - dx, x2 + dx) };
        let class = match (e.kind, e.on_cycle) {
            (RelationType::DependsOn, true) => "edge depends_on cycle",
            (RelationType::DependsOn, false) => "edge depends_on",
            (RelationType::IntegratesWith, _) => "edge integrates_with",
            (RelationType::ProvidesDataTo, _) => "edge provides_data_to",
            (RelationType::PartOf, _) => "edge part_of",
        };
        let marker = match (e.kind, e.on_cycle) {
            (RelationType::IntegratesWith, _) => "",
            (_, true) => " marker-end=\"url(#arrow-cycle)\"",
            _ => " marker-end=\"url(#arrow)\"",
        };
        let mut title = format!("{} {} {}", g.nodes[e.from].id, e.kind.as_str(), g.nodes[e.to].id);
        if !e.data.is_empty() {
            let _ = write!(title, " ({})", e.data.join(", "));
        }
        let _ = write!(
            s,
            "<path class=\"{class}\" d=\"M{x1:.1},{y1:.1} C{c1:.1},{y1:.1} {c2:.1},{y2:.1} {x2:.1},{y2:.1}\"{marker}>\
             <title>{}</title></path>",
            esc(&title)
        );
        if labels && !e.data.is_empty() {
            let _ = write!(
                s,
                "<text class=\"edge-label\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                (x1 + x2) / 2.0,
                (y1 + y2) / 2.0 - 4.0,
                esc(&shorten(&e.data.join(", "), 28))
            );
        }
        s.push('\n');
    }
    for (i, n) in g.nodes.iter().enumerate() {
        let focus = if n.focus { " focus" } else { "" };
        let _ = writeln!(
            s,
            "<a href=\"{}\"><g class=\"node st-{}{focus}\"><title>{} ({}, {})</title>\
             <rect x=\"{:.1}\" y=\"{:.1}\" width=\"{NODE_W}\" height=\"{NODE_H}\" rx=\"6\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"name\">{}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"id\">{}</text></g></a>",
            esc(&n.href),
            n.status.as_str(),
            esc(&n.name),
            esc(&n.id),
            n.status.as_str(),
            layout.x[i],
            layout.y[i],
            layout.x[i] + 10.0,
            layout.y[i] + 17.0,
            esc(&shorten(&n.name, NAME_CHARS)),
            layout.x[i] + 10.0,
            layout.y[i] + 32.0,
            esc(&shorten(&n.id, NAME_CHARS + 4)),
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The points where an edge leaves `from` and enters `to`: the facing sides.
fn ends(l: &Layout, from: usize, to: usize) -> (f64, f64, f64, f64) {
    let (ax, ay, bx, by) = (l.x[from], l.y[from] + NODE_H / 2.0, l.x[to], l.y[to] + NODE_H / 2.0);
    if bx > ax + NODE_W / 2.0 {
        (ax + NODE_W, ay, bx, by)
    } else if bx + NODE_W / 2.0 < ax {
        (ax, ay, bx + NODE_W, by)
    } else if by > ay {
        // Same column: leave from the bottom, enter at the top.
        (ax + NODE_W / 2.0, ay + NODE_H / 2.0, bx + NODE_W / 2.0, by - NODE_H / 2.0)
    } else {
        (ax + NODE_W / 2.0, ay - NODE_H / 2.0, bx + NODE_W / 2.0, by + NODE_H / 2.0)
    }
}

/// `text` cut to `max` characters, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The cluster of every node: the top-most node it reaches through `part_of` edges among the
/// drawn nodes (a loop, which `validate` rejects, is cut where it closes). `None` for a node
/// that is part of nothing drawn and has no parts.
fn clusters(g: &Graph) -> Vec<Option<usize>> {
    let n = g.nodes.len();
    let mut parent: Vec<Option<usize>> = vec![None; n];
    for e in g.edges.iter().filter(|e| e.kind == RelationType::PartOf && e.from != e.to) {
        if parent[e.from].is_none() {
            parent[e.from] = Some(e.to);
        }
    }
    let mut has_parts = vec![false; n];
    let mut root = vec![None; n];
    #[allow(clippy::needless_range_loop)] // `v` walks `parent` and fills `root`
    for v in 0..n {
        let mut cur = v;
        let mut steps = 0;
        while let Some(p) = parent[cur] {
            if steps > n {
                break;
            }
            cur = p;
            steps += 1;
        }
        if cur != v {
            has_parts[cur] = true;
            root[v] = Some(cur);
        }
    }
    for v in 0..n {
        if has_parts[v] {
            root[v] = Some(v);
        }
    }
    root
}

fn layout(g: &Graph) -> Layout {
    let n = g.nodes.len();
    let ranking: Vec<(usize, usize)> = g
        .edges
        .iter()
        .filter(|e| e.kind != RelationType::PartOf && e.from != e.to && e.from < n && e.to < n)
        .map(|e| (e.from, e.to))
        .collect();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in &ranking {
        succ[a].push(b);
        neighbours[a].push(b);
        neighbours[b].push(a);
    }
    for list in succ.iter_mut().chain(neighbours.iter_mut()) {
        list.sort_unstable();
        list.dedup();
    }
    let cluster = clusters(g);
    let connected: Vec<bool> = (0..n).map(|v| !neighbours[v].is_empty() || cluster[v].is_some()).collect();

    // Ranks: longest path from the sources over the edges a depth-first search does not see as
    // closing a cycle.
    let forward = acyclic(&succ);
    let mut indegree = vec![0usize; n];
    for w in forward.iter().flatten() {
        indegree[*w] += 1;
    }
    let mut rank = vec![0usize; n];
    let mut ready: std::collections::BTreeSet<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    while let Some(v) = ready.pop_first() {
        for &w in &forward[v] {
            rank[w] = rank[w].max(rank[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.insert(w);
            }
        }
    }
    // Modules with no edge and no cluster: a grid after the last column.
    let last = (0..n).filter(|&v| connected[v]).map(|v| rank[v]).max();
    let loose: Vec<usize> = (0..n).filter(|&v| !connected[v]).collect();
    if !loose.is_empty() {
        let start = last.map_or(0, |r| r + 1);
        let per_column = loose.len().isqrt().max(6);
        for (k, &v) in loose.iter().enumerate() {
            rank[v] = start + k / per_column;
        }
    }
    let columns = rank.iter().max().map_or(0, |m| m + 1);

    // Order within columns: by cluster band, then by the barycentre of the neighbours.
    let band_of = |v: usize| cluster[v].map_or(usize::MAX, |r| r);
    let mut pos: Vec<f64> = vec![0.0; n];
    let mut by_col: Vec<Vec<usize>> = vec![Vec::new(); columns];
    for v in 0..n {
        by_col[rank[v]].push(v);
    }
    for col in &mut by_col {
        col.sort_by_key(|&v| (band_of(v), v));
        for (i, &v) in col.iter().enumerate() {
            pos[v] = i as f64;
        }
    }
    // Bands in the order of their mean position, recomputed with the sweeps.
    let mut band_order: BTreeMap<usize, f64> = BTreeMap::new();
    for sweep in 0..8 {
        let cols: Vec<usize> =
            if sweep % 2 == 0 { (0..columns).collect() } else { (0..columns).rev().collect() };
        for c in cols {
            let mut keyed: Vec<(usize, f64, usize)> = by_col[c]
                .iter()
                .map(|&v| {
                    let nb = &neighbours[v];
                    let bary = if nb.is_empty() {
                        pos[v]
                    } else {
                        nb.iter().map(|&w| pos[w]).sum::<f64>() / nb.len() as f64
                    };
                    (band_of(v), bary, v)
                })
                .collect();
            keyed.sort_by(|a, b| {
                let ra = band_order.get(&a.0).copied().unwrap_or(0.0);
                let rb = band_order.get(&b.0).copied().unwrap_or(0.0);
                ra.total_cmp(&rb).then(a.0.cmp(&b.0)).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2))
            });
            by_col[c] = keyed.iter().map(|k| k.2).collect();
            for (i, &v) in by_col[c].iter().enumerate() {
                pos[v] = i as f64;
            }
        }
        let mut sums: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
        for (v, p) in pos.iter().enumerate() {
            let e = sums.entry(band_of(v)).or_insert((0.0, 0.0));
            e.0 += p;
            e.1 += 1.0;
        }
        band_order = sums.into_iter().map(|(b, (sum, count))| (b, sum / count)).collect();
    }

    // Rows: each band is as tall as its fullest column; bands stack top to bottom.
    let mut bands: Vec<(usize, f64)> = band_order.iter().map(|(&b, &m)| (b, m)).collect();
    bands.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let mut x = vec![0.0; n];
    let mut y = vec![0.0; n];
    let mut top = PAD;
    let mut clusters_out = Vec::new();
    for &(band, _) in &bands {
        let labelled = band != usize::MAX;
        let head = if labelled { CLUSTER_LABEL + 6.0 } else { 0.0 };
        let mut rows = 0usize;
        let mut span: Option<(usize, usize)> = None;
        for (c, col) in by_col.iter().enumerate() {
            let members: Vec<usize> = col.iter().copied().filter(|&v| band_of(v) == band).collect();
            rows = rows.max(members.len());
            if !members.is_empty() {
                span = Some(span.map_or((c, c), |(a, _)| (a, c)));
            }
            for (k, &v) in members.iter().enumerate() {
                x[v] = PAD + c as f64 * (NODE_W + GAP_X) + if labelled { 8.0 } else { 0.0 };
                y[v] = top + head + k as f64 * (NODE_H + GAP_Y);
            }
        }
        let height = head + rows as f64 * (NODE_H + GAP_Y) - GAP_Y;
        if labelled && let Some((a, b)) = span {
            let x0 = PAD + a as f64 * (NODE_W + GAP_X) - 4.0;
            let x1 = PAD + b as f64 * (NODE_W + GAP_X) + NODE_W + 20.0;
            clusters_out.push((band, x0, top - 4.0, x1, top + height + 8.0));
        }
        top += height + GAP_Y + if labelled { 16.0 } else { 0.0 };
    }
    let width = PAD * 2.0 + columns.max(1) as f64 * (NODE_W + GAP_X) - GAP_X + 24.0;
    let height = (top - GAP_Y + PAD).max(NODE_H + PAD * 2.0);
    clusters_out.sort_by_key(|c| c.0);
    Layout { x, y, width, height, clusters: clusters_out }
}

/// The edges of `succ` that do not close a cycle in a depth-first search from each vertex in
/// order: what remains is acyclic. Iterative, as a chain may be long.
fn acyclic(succ: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = succ.len();
    const NEW: u8 = 0;
    const OPEN: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for s in 0..n {
        if state[s] != NEW {
            continue;
        }
        state[s] = OPEN;
        let mut stack: Vec<(usize, usize)> = vec![(s, 0)];
        while let Some(&mut (v, ref mut i)) = stack.last_mut() {
            if let Some(&w) = succ[v].get(*i) {
                *i += 1;
                match state[w] {
                    OPEN => {} // closes a cycle: left out of the ranking
                    DONE => out[v].push(w),
                    _ => {
                        out[v].push(w);
                        state[w] = OPEN;
                        stack.push((w, 0));
                    }
                }
                continue;
            }
            state[v] = DONE;
            stack.pop();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str) -> Node {
        Node {
            id: id.to_owned(),
            name: id.to_uppercase(),
            status: Status::Active,
            href: format!("{id}.html"),
            focus: false,
        }
    }

    fn edge(from: usize, to: usize, kind: RelationType) -> Edge {
        Edge { from, to, kind, on_cycle: false, data: Vec::new() }
    }

    #[test]
    fn targets_sit_right_of_their_sources_and_nothing_overlaps() {
        let g = Graph {
            nodes: ["a", "b", "c", "d", "suite", "loose"].into_iter().map(node).collect(),
            edges: vec![
                edge(0, 1, RelationType::DependsOn),
                edge(1, 2, RelationType::DependsOn),
                edge(0, 3, RelationType::ProvidesDataTo),
                edge(2, 0, RelationType::DependsOn),
                edge(0, 4, RelationType::PartOf),
                edge(1, 4, RelationType::PartOf),
            ],
        };
        let l = layout(&g);
        assert!(l.x[1] > l.x[0] && l.x[2] > l.x[1], "{:?}", l.x);
        for a in 0..g.nodes.len() {
            for b in a + 1..g.nodes.len() {
                let apart = (l.x[a] - l.x[b]).abs() >= NODE_W || (l.y[a] - l.y[b]).abs() >= NODE_H;
                assert!(apart, "{a} and {b} overlap: {:?} {:?}", l.x, l.y);
            }
        }
        assert_eq!(l.clusters.len(), 1);
        let (root, x0, y0, x1, y1) = l.clusters[0];
        assert_eq!(root, 4);
        for v in [0, 1, 4] {
            assert!(l.x[v] >= x0 && l.x[v] + NODE_W <= x1 && l.y[v] >= y0 && l.y[v] + NODE_H <= y1, "{v}");
        }
        for v in [2, 3, 5] {
            let inside = l.x[v] + NODE_W > x0 && l.x[v] < x1 && l.y[v] + NODE_H > y0 && l.y[v] < y1;
            assert!(!inside, "{v} is inside the cluster");
        }
    }

    #[test]
    fn labels_are_escaped_and_nodes_link() {
        let mut evil = node("evil");
        evil.name = "<script>alert(1)</script>".to_owned();
        let g = Graph { nodes: vec![evil, node("ok")], edges: vec![edge(0, 1, RelationType::DependsOn)] };
        let svg = render(&g, "a \"graph\"");
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"), "{svg}");
        assert!(svg.contains("<a href=\"evil.html\">"));
        assert!(svg.contains("aria-label=\"a &quot;graph&quot;\""));
    }

    #[test]
    fn layout_is_deterministic_and_handles_long_chains() {
        let n = 3000;
        let g = Graph {
            nodes: (0..n).map(|i| node(&format!("m{i}"))).collect(),
            edges: (0..n - 1).map(|i| edge(i, i + 1, RelationType::DependsOn)).collect(),
        };
        let a = render(&g, "g");
        assert_eq!(a, render(&g, "g"));
    }
}
