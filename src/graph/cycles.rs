//! Every elementary cycle of a directed graph, bounded: Johnson's algorithm ("Finding all the
//! elementary circuits of a directed graph", 1975), without recursion, so `validate` and `graph`
//! can name each cycle rather than one per strongly connected component.
//!
//! A graph may hold exponentially many cycles, so the enumeration lists the first [`LIMIT`] and
//! counts the rest within a work budget (a count of steps, not of time, so the answer is the same
//! on every machine). Cycles come out in a fixed order without being sorted: each starts at its
//! smallest vertex, and they are in lexicographic order of their vertex sequences (Johnson's
//! search takes start vertices in ascending order, and neighbours in ascending order, so it
//! visits paths in lexicographic order; blocking only prunes branches that hold no cycle).
//! Vertices are module indexes, which are in id order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// How many cycles are listed; the rest are only counted.
pub const LIMIT: usize = 100;

/// Steps (edges looked at, vertices unblocked) the count of unlisted cycles may take. Listing
/// the first [`LIMIT`] is not budgeted: Johnson's algorithm spends O(vertices + edges) between
/// two cycles, so the list itself is cheap.
const COUNT_BUDGET: u64 = 5_000_000;

/// The elementary cycles of a graph, as [`elementary`] finds them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cycles {
    /// The first [`LIMIT`] cycles, each from its smallest vertex along the edges (`[a, b, c]`
    /// is a → b → c → a), in lexicographic order.
    pub listed: Vec<Vec<usize>>,
    /// How many cycles there are beyond `listed` (a lower bound when `exact` is false).
    pub omitted: usize,
    /// Whether `omitted` is the exact count: false when counting ran out of budget.
    pub exact: bool,
    /// The first cycle not listed, for a message that shows one.
    pub next: Option<Vec<usize>>,
}

impl Cycles {
    /// The edges of the listed cycles (`from`, `to`), cycle by cycle.
    pub fn edges(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.listed.iter().flat_map(|c| c.iter().zip(c.iter().cycle().skip(1)).map(|(&a, &b)| (a, b)))
    }
}

/// The elementary cycles of the graph on the vertices `0..n` with these edges (in any order,
/// repeats allowed; edges to a vertex `>= n` are ignored). A self-loop is a cycle of one vertex.
pub fn elementary(n: usize, edges: impl IntoIterator<Item = (usize, usize)>) -> Cycles {
    elementary_within(&Adjacency::new(n, edges), LIMIT, COUNT_BUDGET)
}

/// Successors of every vertex, sorted and without repeats, in one array.
struct Adjacency {
    /// The successors of `v` are `targets[start[v]..start[v + 1]]`.
    start: Vec<usize>,
    targets: Vec<usize>,
}

impl Adjacency {
    fn new(n: usize, edges: impl IntoIterator<Item = (usize, usize)>) -> Self {
        let mut edges: Vec<(usize, usize)> = edges.into_iter().filter(|&(a, b)| a < n && b < n).collect();
        edges.sort_unstable();
        edges.dedup();
        let mut start = vec![0; n + 1];
        for &(a, _) in &edges {
            start[a + 1] += 1;
        }
        for v in 0..n {
            start[v + 1] += start[v];
        }
        Adjacency { start, targets: edges.into_iter().map(|(_, b)| b).collect() }
    }

    fn len(&self) -> usize {
        self.start.len() - 1
    }

    fn of(&self, v: usize) -> &[usize] {
        &self.targets[self.start[v]..self.start[v + 1]]
    }
}

fn elementary_within(adj: &Adjacency, limit: usize, budget: u64) -> Cycles {
    let n = adj.len();
    let mut j = Johnson::new(adj);
    let mut out = Cycles { exact: true, ..Cycles::default() };

    // The components of the whole graph that hold a cycle; a cycle never leaves its component.
    let mut component = vec![usize::MAX; n];
    let mut members: Vec<Vec<usize>> = Vec::new();
    for mut scc in j.sccs(0..n, |_| true) {
        if j.is_cyclic(&scc) {
            scc.sort_unstable();
            for &v in &scc {
                component[v] = members.len();
            }
            members.push(scc);
        }
    }
    // Components take turns by the next start vertex each offers, so cycles come out in order
    // across components too.
    let mut queue: BinaryHeap<Reverse<(usize, usize, Vec<usize>)>> = BinaryHeap::new();
    for (c, scc) in members.iter().enumerate() {
        if let Some((s, scc)) = j.next_start(scc, &component, c, 0) {
            queue.push(Reverse((s, c, scc)));
        }
    }
    let mut spent_before_count: Option<u64> = None;
    while let Some(Reverse((s, c, scc))) = queue.pop() {
        let stopped = j.circuits(s, &scc, |cycle, steps| {
            if out.listed.len() < limit {
                out.listed.push(cycle.to_vec());
                return true;
            }
            let start = *spent_before_count.get_or_insert(steps);
            if steps - start > budget {
                return false;
            }
            if out.next.is_none() {
                out.next = Some(cycle.to_vec());
            }
            out.omitted += 1;
            true
        });
        if stopped {
            out.exact = false;
            break;
        }
        if let Some(start) = spent_before_count
            && j.steps - start > budget
        {
            // Components not yet searched may hold cycles: the count is a lower bound.
            out.exact = false;
            break;
        }
        if let Some((s, scc)) = j.next_start(&members[c], &component, c, s + 1) {
            queue.push(Reverse((s, c, scc)));
        }
    }
    debug_assert!(out.listed.windows(2).all(|w| w[0] < w[1]), "cycles come out sorted");
    out
}

/// The working state of the search, sized once for the whole graph.
struct Johnson<'a> {
    adj: &'a Adjacency,
    /// Vertices of the component being searched carry the current mark.
    mark: Vec<u32>,
    current: u32,
    blocked: Vec<bool>,
    /// Johnson's B sets: when `w` is unblocked, so are the vertices in `unblock_with[w]`.
    unblock_with: Vec<Vec<usize>>,
    /// Tarjan's numbering, valid where `visit[v] == visit_mark`.
    index: Vec<usize>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    visit: Vec<u32>,
    visit_mark: u32,
    /// Work done so far, for the budget.
    steps: u64,
}

impl<'a> Johnson<'a> {
    fn new(adj: &'a Adjacency) -> Self {
        let n = adj.len();
        Johnson {
            adj,
            mark: vec![0; n],
            current: 0,
            blocked: vec![false; n],
            unblock_with: vec![Vec::new(); n],
            index: vec![0; n],
            low: vec![0; n],
            on_stack: vec![false; n],
            visit: vec![0; n],
            visit_mark: 0,
            steps: 0,
        }
    }

    /// A strongly connected component holds a cycle when it has two vertices or a self-loop.
    fn is_cyclic(&self, scc: &[usize]) -> bool {
        scc.len() > 1 || scc.first().is_some_and(|&v| self.adj.of(v).binary_search(&v).is_ok())
    }

    /// The least vertex `s >= from` of component `c` that lies on a cycle of the subgraph of `c`
    /// induced by the vertices `>= from`, with the strongly connected component it lies in there.
    fn next_start(
        &mut self,
        members: &[usize],
        component: &[usize],
        c: usize,
        from: usize,
    ) -> Option<(usize, Vec<usize>)> {
        let first = members.partition_point(|&v| v < from);
        let inside = |v: usize| v >= from && component[v] == c;
        let mut best: Option<Vec<usize>> = None;
        for mut scc in self.sccs(members[first..].iter().copied(), inside) {
            if !self.is_cyclic(&scc) {
                continue;
            }
            scc.sort_unstable();
            if best.as_ref().is_none_or(|b| scc[0] < b[0]) {
                best = Some(scc);
            }
        }
        best.map(|scc| (scc[0], scc))
    }

    /// Tarjan's strongly connected components of the subgraph induced by the vertices `inside`
    /// accepts, starting from `roots` (all of them inside). Iterative: a component may be longer
    /// than the call stack is deep.
    fn sccs(
        &mut self,
        roots: impl Iterator<Item = usize>,
        inside: impl Fn(usize) -> bool,
    ) -> Vec<Vec<usize>> {
        self.visit_mark += 1;
        let mark = self.visit_mark;
        let mut next_index = 0;
        let mut stack: Vec<usize> = Vec::new();
        let mut out = Vec::new();
        // (vertex, position in its successor list)
        let mut frames: Vec<(usize, usize)> = Vec::new();
        for root in roots {
            if self.visit[root] == mark {
                continue;
            }
            self.visit[root] = mark;
            self.index[root] = next_index;
            self.low[root] = next_index;
            next_index += 1;
            stack.push(root);
            self.on_stack[root] = true;
            frames.push((root, 0));
            while let Some(&mut (v, ref mut i)) = frames.last_mut() {
                if let Some(&w) = self.adj.of(v).get(*i) {
                    *i += 1;
                    self.steps += 1;
                    if !inside(w) {
                        continue;
                    }
                    if self.visit[w] != mark {
                        self.visit[w] = mark;
                        self.index[w] = next_index;
                        self.low[w] = next_index;
                        next_index += 1;
                        stack.push(w);
                        self.on_stack[w] = true;
                        frames.push((w, 0));
                    } else if self.on_stack[w] {
                        self.low[v] = self.low[v].min(self.index[w]);
                    }
                    continue;
                }
                frames.pop();
                if let Some(&(parent, _)) = frames.last() {
                    self.low[parent] = self.low[parent].min(self.low[v]);
                }
                if self.low[v] == self.index[v] {
                    let mut scc = Vec::new();
                    while let Some(w) = stack.pop() {
                        self.on_stack[w] = false;
                        scc.push(w);
                        if w == v {
                            break;
                        }
                    }
                    out.push(scc);
                }
            }
        }
        out
    }

    /// Johnson's CIRCUIT from `s` inside `scc` (whose least vertex is `s`): every elementary
    /// cycle through `s`, in lexicographic order, handed to `found` with the steps spent so
    /// far. Returns true when `found` asked to stop.
    fn circuits(&mut self, s: usize, scc: &[usize], mut found: impl FnMut(&[usize], u64) -> bool) -> bool {
        self.current += 1;
        let mark = self.current;
        for &v in scc {
            self.mark[v] = mark;
            self.blocked[v] = false;
            self.unblock_with[v].clear();
        }
        let adj = self.adj;
        let mut path = vec![s];
        // (vertex, position in its successor list, whether a cycle was found below it)
        let mut frames: Vec<(usize, usize, bool)> = vec![(s, 0, false)];
        self.blocked[s] = true;
        while let Some(&mut (v, ref mut i, ref mut closed)) = frames.last_mut() {
            if let Some(&w) = adj.of(v).get(*i) {
                *i += 1;
                self.steps += 1;
                if self.mark[w] != mark {
                    continue;
                }
                if w == s {
                    *closed = true;
                    if !found(&path, self.steps) {
                        return true;
                    }
                } else if !self.blocked[w] {
                    self.blocked[w] = true;
                    path.push(w);
                    frames.push((w, 0, false));
                }
                continue;
            }
            let (v, _, closed) = frames.pop().unwrap_or((v, 0, false));
            if closed {
                self.unblock(v);
            } else {
                for &w in adj.of(v) {
                    self.steps += 1;
                    if self.mark[w] == mark && !self.unblock_with[w].contains(&v) {
                        self.unblock_with[w].push(v);
                    }
                }
            }
            path.pop();
            if let Some(parent) = frames.last_mut() {
                parent.2 |= closed;
            }
        }
        false
    }

    fn unblock(&mut self, u: usize) {
        self.blocked[u] = false;
        let mut todo = vec![u];
        while let Some(x) = todo.pop() {
            for w in std::mem::take(&mut self.unblock_with[x]) {
                self.steps += 1;
                if self.blocked[w] {
                    self.blocked[w] = false;
                    todo.push(w);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(n: usize, edges: &[(usize, usize)]) -> Adjacency {
        Adjacency::new(n, edges.iter().copied())
    }

    /// Every elementary cycle by brute force: simple paths from each vertex back to it through
    /// larger vertices only.
    fn brute(adj: &Adjacency) -> Vec<Vec<usize>> {
        fn walk(adj: &Adjacency, s: usize, path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
            let v = *path.last().expect("a path");
            for &w in adj.of(v) {
                if w == s {
                    out.push(path.clone());
                } else if w > s && !path.contains(&w) {
                    path.push(w);
                    walk(adj, s, path, out);
                    path.pop();
                }
            }
        }
        let mut out = Vec::new();
        for s in 0..adj.len() {
            walk(adj, s, &mut vec![s], &mut out);
        }
        out.sort();
        out
    }

    #[test]
    fn every_cycle_from_its_smallest_vertex_in_order() {
        // 0 → 1 → 0, 0 → 1 → 2 → 0, 1 → 3 → 1, a self-loop on 4, and 5 on no cycle.
        let adj = graph(6, &[(0, 1), (1, 0), (1, 2), (2, 0), (1, 3), (3, 1), (4, 4), (5, 0), (1, 0)]);
        let c = elementary_within(&adj, LIMIT, COUNT_BUDGET);
        assert_eq!(c.listed, [vec![0, 1], vec![0, 1, 2], vec![1, 3], vec![4]]);
        assert_eq!((c.omitted, c.exact, c.next.is_none()), (0, true, true));
        let edges: Vec<(usize, usize)> = c.edges().collect();
        assert_eq!(edges, [(0, 1), (1, 0), (0, 1), (1, 2), (2, 0), (1, 3), (3, 1), (4, 4)]);
    }

    #[test]
    fn components_interleave_by_start_vertex() {
        // Component {0, 3} and component {1, 2}: the cycle through 1 comes before 3's.
        let adj = graph(5, &[(0, 3), (3, 0), (1, 2), (2, 1), (3, 4), (4, 3)]);
        assert_eq!(elementary_within(&adj, LIMIT, COUNT_BUDGET).listed, [vec![0, 3], vec![1, 2], vec![3, 4]]);
    }

    #[test]
    fn the_list_is_bounded_and_the_rest_counted() {
        // The complete digraph on 6 vertices: sum over k of C(6,k)(k-1)! = 409 cycles.
        let n = 6;
        let edges: Vec<(usize, usize)> =
            (0..n).flat_map(|a| (0..n).filter(move |&b| b != a).map(move |b| (a, b))).collect();
        let adj = graph(n, &edges);
        let all = brute(&adj);
        assert_eq!(all.len(), 409);
        let c = elementary_within(&adj, 10, u64::MAX);
        assert_eq!(c.listed, all[..10]);
        assert_eq!((c.omitted, c.exact), (399, true));
        assert_eq!(c.next.as_deref(), Some(&all[10][..]));
        // With no budget for counting, the count is a lower bound.
        let c = elementary_within(&adj, 10, 0);
        assert_eq!(c.listed, all[..10]);
        assert!(!c.exact);
        assert_eq!(c.omitted, 1);
    }

    #[test]
    fn exponentially_many_cycles_stop_at_the_budget() {
        let n = 40;
        let edges: Vec<(usize, usize)> =
            (0..n).flat_map(|a| (0..n).filter(move |&b| b != a).map(move |b| (a, b))).collect();
        let c = elementary(n, edges);
        assert_eq!(c.listed.len(), LIMIT);
        assert!(!c.exact && c.omitted > 1000, "{} {}", c.omitted, c.exact);
    }

    #[test]
    fn a_long_cycle_does_not_overflow_the_stack() {
        let n = 200_000;
        let edges: Vec<(usize, usize)> = (0..n).map(|a| (a, (a + 1) % n)).collect();
        let c = elementary(n, edges);
        assert_eq!(c.listed.len(), 1);
        assert_eq!(c.listed[0].len(), n);
    }

    proptest::proptest! {
        #[test]
        fn johnson_agrees_with_brute_force(
            edges in proptest::collection::vec((0usize..8, 0usize..8), 0..24),
            limit in 0usize..8,
        ) {
            let adj = graph(8, &edges);
            let all = brute(&adj);
            let c = elementary_within(&adj, limit, u64::MAX);
            proptest::prop_assert_eq!(&c.listed[..], &all[..all.len().min(limit)]);
            proptest::prop_assert_eq!(c.omitted, all.len().saturating_sub(limit));
            proptest::prop_assert_eq!(c.next.as_ref(), all.get(limit));
            proptest::prop_assert!(c.exact);
        }
    }
}
