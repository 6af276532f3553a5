//! The relationship graph as petgraph sees it: nodes are module indexes of the [`Registry`],
//! edges are declared relationships to modules that exist. Cycles, reachability and
//! topological order live here so `validate`, `graph`, `deps`, `stats` and `context` agree.

pub mod cycles;
pub mod dependents;
pub mod deps;
pub mod reach;
pub mod view;

use std::collections::BTreeSet;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::model::RelationType;
use crate::registry::{Edge, Registry};

pub use cycles::Cycles;

/// Which way a walk follows relationships. `deps --reverse` and `graph --direction` both come
/// down to this (`cli.rs` names the values on the command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// As declared: from a module to its targets
    Out,
    /// Against the declaration: from a module to the modules that point at it
    In,
    /// Either way
    Both,
}

/// A directed graph over the modules, restricted to some relationship types.
pub struct RelGraph {
    pub graph: DiGraph<usize, Edge>,
}

impl RelGraph {
    /// Node `i` of the petgraph is module `i` of the registry.
    pub fn build(reg: &Registry, kinds: &[RelationType]) -> Self {
        Self::build_within(reg, kinds, None)
    }

    /// Like [`RelGraph::build`], but only edges between modules whose `keep` entry is true
    /// (every module stays a node, so indexes still match the registry).
    pub fn build_within(reg: &Registry, kinds: &[RelationType], keep: Option<&[bool]>) -> Self {
        let kept = |i: usize| keep.is_none_or(|k| k.get(i).copied().unwrap_or(false));
        let mut graph = DiGraph::with_capacity(reg.modules.len(), reg.modules.len() * 2);
        for i in 0..reg.modules.len() {
            graph.add_node(i);
        }
        for edges in &reg.outgoing {
            for e in edges.iter().filter(|e| kinds.contains(&e.kind) && kept(e.source) && kept(e.target)) {
                graph.add_edge(NodeIndex::new(e.source), NodeIndex::new(e.target), *e);
            }
        }
        RelGraph { graph }
    }

    /// Every elementary cycle, as [`cycles::elementary`] bounds and orders them: the first
    /// [`cycles::LIMIT`] as module indexes starting at the smallest id and following edges
    /// (`[a, b, c]` is a → b → c → a), and a count of the rest.
    pub fn cycles(&self) -> Cycles {
        use petgraph::visit::EdgeRef;
        let edges = self.graph.edge_references().map(|e| (e.source().index(), e.target().index()));
        cycles::elementary(self.graph.node_count(), edges)
    }
}

/// Modules in dependency order: every module after the modules it `depends_on`. Ties are
/// broken by id; modules on a cycle come last, in id order.
pub fn dependency_order(reg: &Registry) -> Vec<usize> {
    let n = reg.modules.len();
    // Kahn's algorithm on "target before source".
    let mut remaining: Vec<usize> = vec![0; n];
    for edges in &reg.outgoing {
        for e in edges.iter().filter(|e| e.kind == RelationType::DependsOn) {
            remaining[e.source] += 1;
        }
    }
    let mut ready: BTreeSet<usize> = (0..n).filter(|&i| remaining[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    let mut placed = vec![false; n];
    while let Some(&i) = ready.iter().next() {
        ready.remove(&i);
        order.push(i);
        placed[i] = true;
        for e in reg.incoming[i].iter().filter(|e| e.kind == RelationType::DependsOn) {
            remaining[e.source] -= 1;
            if remaining[e.source] == 0 {
                ready.insert(e.source);
            }
        }
    }
    order.extend((0..n).filter(|&i| !placed[i]));
    order
}
