//! The part of the relationship graph `modreg graph` draws: the modules and edges a selection
//! keeps (relation types, statuses, a focus neighbourhood), which edges lie on a listed
//! `depends_on` cycle, and the `part_of` hierarchy as a forest. Renderers in `output` only
//! format this.

use rustc_hash::FxHashSet as HashSet;
use serde::Serialize;

use crate::graph::Direction;
use crate::graph::RelGraph;
use crate::graph::reach::{Neighbourhood, Walk, walk};
use crate::model::{ModuleType, RelationType, Status};
use crate::registry::Registry;

/// What to keep of the registry.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Relationship types drawn (and followed by a focus walk).
    pub kinds: Vec<RelationType>,
    /// Only modules with one of these statuses; empty keeps all.
    pub statuses: Vec<Status>,
    pub focus: Option<Focus>,
}

/// The neighbourhood of one module.
#[derive(Debug, Clone, Copy)]
pub struct Focus {
    pub index: usize,
    pub direction: Direction,
    pub max_depth: Option<usize>,
}

/// The graph as drawn (SPEC §8 `graph --format json`). Nodes are sorted by id, edges by
/// (source, target, type); the fields skipped in JSON serve the DOT and Mermaid renderers.
#[derive(Debug, Serialize)]
pub struct GraphView<'a> {
    pub nodes: Vec<ViewNode<'a>>,
    pub edges: Vec<ViewEdge<'a>>,
    /// Every elementary `depends_on` cycle among the nodes, each starting at its smallest id, in
    /// order, up to [`crate::graph::cycles::LIMIT`]: the cycles `validate` reports as E040.
    pub cycles: Vec<Vec<&'a str>>,
    /// How many cycles `cycles` leaves out, when it is cut short.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cycles_omitted: Option<Omitted>,
    /// The `part_of` forest (when `part_of` is drawn): children of each node, as positions in
    /// `nodes`, sorted by id.
    #[serde(skip)]
    pub children: Vec<Vec<usize>>,
    /// Nodes that are part of no drawn node, sorted by id.
    #[serde(skip)]
    pub roots: Vec<usize>,
}

/// The cycles a bounded list leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Omitted {
    /// How many (a lower bound when `exact` is false: counting stops after a fixed amount of work).
    pub count: usize,
    pub exact: bool,
}

/// One step of a depth-first walk of the `part_of` forest, as renderers draw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForestStep {
    /// A node without drawn parts, at nesting `level` (1 = top).
    Leaf { node: usize, level: usize },
    /// A node with parts: open its cluster (the node itself is drawn inside it).
    Open { node: usize, level: usize },
    /// Close the cluster opened at `level`.
    Close { level: usize },
}

impl GraphView<'_> {
    /// The forest in id order, depth first. An explicit stack, because a hierarchy may be
    /// deeper than the call stack allows.
    pub fn forest(&self) -> Vec<ForestStep> {
        enum Todo {
            Open(usize, usize),
            Close(usize),
        }
        let mut out = Vec::with_capacity(self.nodes.len() * 2);
        let mut stack: Vec<Todo> = self.roots.iter().rev().map(|&r| Todo::Open(r, 1)).collect();
        while let Some(todo) = stack.pop() {
            match todo {
                Todo::Open(node, level) if self.children[node].is_empty() => {
                    out.push(ForestStep::Leaf { node, level });
                }
                Todo::Open(node, level) => {
                    out.push(ForestStep::Open { node, level });
                    stack.push(Todo::Close(level));
                    stack.extend(self.children[node].iter().rev().map(|&c| Todo::Open(c, level + 1)));
                }
                Todo::Close(level) => out.push(ForestStep::Close { level }),
            }
        }
        out
    }
}

#[derive(Debug, Serialize)]
pub struct ViewNode<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub status: Status,
    #[serde(rename = "type")]
    pub module_type: ModuleType,
    #[serde(skip)]
    pub description: &'a str,
}

#[derive(Debug, Serialize)]
pub struct ViewEdge<'a> {
    pub source: &'a str,
    pub target: &'a str,
    #[serde(rename = "type")]
    pub kind: RelationType,
    /// For `provides_data_to`: the data models that flow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Vec<&'a str>>,
    /// Positions of the ends in `nodes`.
    #[serde(skip)]
    pub from: usize,
    #[serde(skip)]
    pub to: usize,
    /// A `depends_on` edge on one of the listed cycles.
    #[serde(skip)]
    pub on_cycle: bool,
}

impl GraphView<'_> {
    /// True when some node has parts (the renderers then draw clusters).
    pub fn has_parts(&self) -> bool {
        self.children.iter().any(|c| !c.is_empty())
    }
}

/// Cut the registry down to `sel`. Linear in modules and edges (plus sorting).
pub fn build<'a>(reg: &'a Registry, sel: &Selection) -> GraphView<'a> {
    let n = reg.modules.len();
    let mut keep: Vec<bool> = reg
        .modules
        .iter()
        .map(|m| !m.is_broken() && (sel.statuses.is_empty() || sel.statuses.contains(&m.m().metadata.status)))
        .collect();
    // With a focus, the edges drawn are those the walk follows: out of each module it expands
    // (`--direction out`), into each one (`in`), or both; a module is expanded when it is reached
    // short of `--depth`. Only those: an edge between two reached modules may point back at the
    // focus (`sales-suite → crm` under `--focus crm --direction out --depth 1`) or lie beyond
    // the depth asked for. Without a depth limit this is every edge among the modules reached.
    let mut walked: Option<(Neighbourhood, Focus)> = None;
    if let Some(f) = sel.focus.filter(|f| f.index < n) {
        // The focus module is always drawn; the walk only passes through kept modules.
        keep[f.index] = true;
        let hood = walk(
            reg,
            f.index,
            &Walk { kinds: &sel.kinds, direction: f.direction, max_depth: f.max_depth, allowed: Some(&keep) },
        );
        keep = (0..n).map(|i| hood.contains(i)).collect();
        walked = Some((hood, f));
    }
    let followed = |source: usize, target: usize| {
        let Some((hood, f)) = &walked else {
            return true;
        };
        let expanded = |i: usize| hood.depth(i).is_some_and(|d| f.max_depth.is_none_or(|max| d < max));
        let (out, into) = match f.direction {
            Direction::Out => (true, false),
            Direction::In => (false, true),
            Direction::Both => (true, true),
        };
        (out && expanded(source)) || (into && expanded(target))
    };

    let mut position = vec![usize::MAX; n];
    let mut nodes = Vec::new();
    for (i, m) in reg.modules.iter().enumerate().filter(|&(i, _)| keep[i]) {
        let md = &m.m().metadata;
        position[i] = nodes.len();
        nodes.push(ViewNode {
            id: md.id.as_str(),
            name: md.name.as_str(),
            status: md.status,
            module_type: md.module_type,
            description: md.description.as_str(),
        });
    }

    let (cycle_edges, cycles, cycles_omitted) = if sel.kinds.contains(&RelationType::DependsOn) {
        let found = RelGraph::build_within(reg, &[RelationType::DependsOn], Some(&keep)).cycles();
        let edges: HashSet<(usize, usize)> = found.edges().collect();
        let omitted = found.next.is_some().then_some(Omitted { count: found.omitted, exact: found.exact });
        let cycles =
            found.listed.into_iter().map(|c| c.into_iter().map(|i| reg.modules[i].id()).collect()).collect();
        (edges, cycles, omitted)
    } else {
        (HashSet::default(), Vec::new(), None)
    };

    // (source, target, type name, type, data), merged when a pair is declared twice.
    let mut raw: Vec<(usize, usize, &'static str, RelationType, Vec<&'a str>)> = Vec::new();
    for (source, edges) in reg.outgoing.iter().enumerate().filter(|&(i, _)| keep[i]) {
        for e in edges
            .iter()
            .filter(|e| keep[e.target] && sel.kinds.contains(&e.kind) && followed(e.source, e.target))
        {
            let data = reg.relationship(e).data().iter().map(String::as_str).collect();
            raw.push((source, e.target, e.kind.as_str(), e.kind, data));
        }
    }
    raw.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
    let mut edges: Vec<ViewEdge<'a>> = Vec::with_capacity(raw.len());
    for (source, target, _, kind, data) in raw {
        if let Some(last) = edges.last_mut()
            && last.from == position[source]
            && last.to == position[target]
            && last.kind == kind
        {
            if let Some(d) = last.data.as_mut() {
                for name in data {
                    if !d.contains(&name) {
                        d.push(name);
                    }
                }
            }
            continue;
        }
        let on_cycle = kind == RelationType::DependsOn && cycle_edges.contains(&(source, target));
        edges.push(ViewEdge {
            source: reg.modules[source].id(),
            target: reg.modules[target].id(),
            kind,
            data: (kind == RelationType::ProvidesDataTo).then_some(data),
            from: position[source],
            to: position[target],
            on_cycle,
        });
    }

    let (children, roots) = if sel.kinds.contains(&RelationType::PartOf) {
        forest(&edges, nodes.len())
    } else {
        (vec![Vec::new(); nodes.len()], (0..nodes.len()).collect())
    };
    GraphView { nodes, edges, cycles, cycles_omitted, children, roots }
}

/// The `part_of` hierarchy among the drawn nodes. A module with several `part_of` edges (which
/// `validate` rejects) hangs under the smallest id; a loop (also rejected) is cut where it
/// closes, so drawing always terminates.
fn forest(edges: &[ViewEdge<'_>], len: usize) -> (Vec<Vec<usize>>, Vec<usize>) {
    let mut parent: Vec<Option<usize>> = vec![None; len];
    // Edges are sorted by (source, target): the first part_of of a source has the smallest target.
    for e in edges.iter().filter(|e| e.kind == RelationType::PartOf && e.from != e.to) {
        if parent[e.from].is_none() {
            parent[e.from] = Some(e.to);
        }
    }
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; len];
    let mut path = Vec::new();
    for s in 0..len {
        path.clear();
        let mut cur = s;
        loop {
            match state[cur] {
                DONE => break,
                ON_PATH => {
                    if let Some(&last) = path.last() {
                        parent[last] = None;
                    }
                    break;
                }
                _ => {
                    state[cur] = ON_PATH;
                    path.push(cur);
                    match parent[cur] {
                        Some(p) => cur = p,
                        None => break,
                    }
                }
            }
        }
        for &p in &path {
            state[p] = DONE;
        }
    }
    let mut children = vec![Vec::new(); len];
    let mut roots = Vec::new();
    for (child, p) in parent.iter().enumerate() {
        match p {
            Some(p) => children[*p].push(child),
            None => roots.push(child),
        }
    }
    (children, roots)
}
