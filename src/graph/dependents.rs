//! How many modules depend on a module, directly and through others (`stats`' most depended-on).
//!
//! Direct counts for every module take one pass over the edges. Transitive counts for every
//! module would be all-pairs reachability, so they are computed only for the modules asked about
//! (the top of the ranking): one pass over the condensation of the `depends_on` graph (its
//! strongly connected components, in topological order) per 64 of them, each carrying one bit
//! of a machine word. Asking about the top 64 is linear in modules and edges.
//!
//! Modules whose manifest does not fully load are left out on both ends, as every command that
//! shows modules leaves them out; a module never counts as its own dependent.

use petgraph::algo::tarjan_scc;
use petgraph::visit::EdgeRef;

use crate::graph::RelGraph;
use crate::model::RelationType;
use crate::registry::Registry;

/// For every module (indexed like the registry), how many modules declare `depends_on` on it.
pub fn direct(reg: &Registry) -> Vec<usize> {
    let mut count = vec![0; reg.modules.len()];
    for (target, incoming) in reg.incoming.iter().enumerate() {
        if reg.modules[target].is_broken() {
            continue;
        }
        // Incoming edges are sorted by source: a source that declares the edge twice counts once.
        let mut last = None;
        for e in incoming.iter().filter(|e| e.kind == RelationType::DependsOn) {
            if e.source != target && !reg.modules[e.source].is_broken() && last != Some(e.source) {
                count[target] += 1;
                last = Some(e.source);
            }
        }
    }
    count
}

/// For each of `targets` (module indexes), how many modules depend on it directly or through
/// others, in the same order.
pub fn transitive(reg: &Registry, targets: &[usize]) -> Vec<usize> {
    let n = reg.modules.len();
    let keep: Vec<bool> = reg.modules.iter().map(|m| !m.is_broken()).collect();
    let g = RelGraph::build_within(reg, &[RelationType::DependsOn], Some(&keep));
    // Components in reverse topological order: every edge between two components points from
    // a later one to an earlier one (from a dependent to what it depends on).
    let sccs = tarjan_scc(&g.graph);
    let mut component = vec![0usize; n];
    for (c, members) in sccs.iter().enumerate() {
        for v in members {
            component[v.index()] = c;
        }
    }
    // The condensation's edges, from each component to the components it depends on.
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); sccs.len()];
    for e in g.graph.edge_references() {
        let (a, b) = (component[e.source().index()], component[e.target().index()]);
        if a != b {
            succ[a].push(b);
        }
    }
    for s in &mut succ {
        s.sort_unstable();
        s.dedup();
    }
    let size: Vec<usize> = sccs.iter().map(Vec::len).collect();

    let mut out = vec![0; targets.len()];
    let mut reaches = vec![0u64; sccs.len()];
    for (block, chunk) in targets.chunks(64).enumerate() {
        // Bit `i` of `reaches[c]`: component `c` reaches the component of `chunk[i]`.
        reaches.fill(0);
        for (bit, &t) in chunk.iter().enumerate() {
            if t < n {
                reaches[component[t]] |= 1 << bit;
            }
        }
        // Earlier components first: what a component depends on is done before it.
        for c in 0..sccs.len() {
            let mut word = reaches[c];
            for &s in &succ[c] {
                word |= reaches[s];
            }
            reaches[c] = word;
        }
        let mut counts = [0usize; 64];
        for (c, &word) in reaches.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let bit = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                counts[bit] += size[c];
            }
        }
        for (bit, &t) in chunk.iter().enumerate() {
            // Every member of the target's own component counted, the target itself too.
            out[block * 64 + bit] = if t < n && keep[t] { counts[bit] - 1 } else { 0 };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    // The word-per-64 blocking checked against a plain walk from every module.
    use super::*;
    use crate::graph::Direction;
    use crate::graph::reach::reach;

    #[test]
    fn blocks_of_64_agree_with_a_walk() {
        // 150 modules: each depends on the two before it, and 40 ↔ 41 form a cycle.
        let mut manifests = Vec::new();
        for i in 0..150usize {
            let mut deps: Vec<usize> = (i.saturating_sub(2)..i).collect();
            if i == 40 {
                deps.push(41);
            }
            manifests.push((i, deps));
        }
        let dir = tempfile::tempdir().unwrap();
        for (i, deps) in &manifests {
            let rels: String = if deps.is_empty() {
                " []\n".to_owned()
            } else {
                "\n".to_owned()
                    + &deps
                        .iter()
                        .map(|d| format!("  - {{ type: depends_on, target: m{d:04} }}\n"))
                        .collect::<String>()
            };
            let module = dir.path().join(format!("m{i:04}"));
            std::fs::create_dir(&module).unwrap();
            std::fs::write(
                module.join("module.yaml"),
                format!(
                    "apiVersion: modreg/v1\nkind: Module\nmetadata:\n  id: m{i:04}\n  name: M\n  version: 1.0.0\n  \
                     status: active\n  type: service\n  created: {{ at: 2025-01-01T00:00:00Z, by: t }}\n\
                     relationships:{rels}"
                ),
            )
            .unwrap();
        }
        let cwd = std::env::current_dir().unwrap();
        let location = crate::registry::discover(Some(dir.path()), &cwd).unwrap();
        let reg = crate::registry::Registry::load(location).unwrap();
        assert_eq!(reg.modules.len(), 150, "{:?} {:?}", reg.diagnostics, reg.listing.entries.len());
        assert!(reg.broken.is_empty(), "{:?}", reg.diagnostics);
        let all: Vec<usize> = (0..reg.modules.len()).collect();
        let counts = transitive(&reg, &all);
        for (i, &count) in counts.iter().enumerate() {
            let walked = reach(&reg, i, &[RelationType::DependsOn], Direction::In, None).len();
            assert_eq!(count, walked, "module {}", reg.modules[i].id());
        }
        let d = direct(&reg);
        assert_eq!(d[reg.index_of("m0149").unwrap()], 0);
        assert_eq!(d[reg.index_of("m0010").unwrap()], 2);
    }
}
