//! The relationship graph as petgraph sees it: nodes are module indexes of the [`Registry`],
//! edges are declared relationships to modules that exist. Cycles, reachability and
//! topological order live here so `validate`, `graph`, `deps`, `stats` and `context` agree.

pub mod deps;
pub mod reach;
pub mod view;

use std::collections::BTreeSet;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::model::RelationType;
use crate::registry::{Edge, Registry};

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

    /// For each module, the number of the strongly connected component it shares with others
    /// (or with itself through a self-loop); `None` for modules on no cycle. An edge lies on a
    /// cycle exactly when both ends carry the same number.
    pub fn cyclic_components(&self) -> Vec<Option<usize>> {
        let mut out = vec![None; self.graph.node_count()];
        for (c, scc) in tarjan_scc(&self.graph).into_iter().enumerate() {
            let self_loop = scc.len() == 1 && self.graph.contains_edge(scc[0], scc[0]);
            if scc.len() >= 2 || self_loop {
                for n in scc {
                    out[n.index()] = Some(c);
                }
            }
        }
        out
    }

    /// Every cycle, one per strongly connected component, as module indexes starting at the
    /// smallest id and following edges (`a → b → c`, back to `a`). Sorted, so output is stable.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let mut out: Vec<Vec<usize>> = Vec::new();
        for scc in tarjan_scc(&self.graph) {
            let self_loop = scc.len() == 1 && self.graph.contains_edge(scc[0], scc[0]);
            if scc.len() < 2 && !self_loop {
                continue;
            }
            let members: BTreeSet<usize> = scc.iter().map(|n| n.index()).collect();
            let start = *members.first().expect("an SCC has a member");
            out.push(self.cycle_through(start, &members));
        }
        out.sort();
        out
    }

    /// A shortest path from `start` back to itself inside one component (breadth-first, with
    /// neighbours in id order, so the same registry always yields the same cycle).
    fn cycle_through(&self, start: usize, members: &BTreeSet<usize>) -> Vec<usize> {
        let n = self.graph.node_count();
        let mut parent: Vec<Option<usize>> = vec![None; n];
        let mut queue = std::collections::VecDeque::from([start]);
        let mut seen = vec![false; n];
        seen[start] = true;
        while let Some(u) = queue.pop_front() {
            let mut next: Vec<usize> = self.graph.neighbors(NodeIndex::new(u)).map(|v| v.index()).collect();
            next.sort_unstable();
            next.dedup();
            for v in next {
                if v == start {
                    let mut path = vec![u];
                    let mut cur = u;
                    while let Some(p) = parent[cur] {
                        path.push(p);
                        cur = p;
                    }
                    path.reverse();
                    return path;
                }
                if members.contains(&v) && !seen[v] {
                    seen[v] = true;
                    parent[v] = Some(u);
                    queue.push_back(v);
                }
            }
        }
        vec![start]
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
