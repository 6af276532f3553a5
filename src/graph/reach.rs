//! Breadth-first walks from one module over the registry's adjacency lists. `deps` and
//! `graph --focus` share this walk, so both agree on what is reachable, at which depth and by
//! which path. Linear in the modules and edges visited.

use std::collections::VecDeque;

use crate::graph::Direction;
use crate::model::RelationType;
use crate::registry::Registry;

/// A module reached from the start of a walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    /// Index into [`Registry::modules`].
    pub index: usize,
    /// Number of edges from the start (the start itself is never reported).
    pub depth: usize,
    /// The path from the start (excluded) to this module (included): a shortest one, and among
    /// those the smallest in id order.
    pub via: Vec<usize>,
}

/// What a walk follows.
#[derive(Debug, Clone, Copy)]
pub struct Walk<'a> {
    /// Relationship types to follow.
    pub kinds: &'a [RelationType],
    /// `Out` follows edges as declared (source → target), `In` against it, `Both` either way.
    pub direction: Direction,
    /// Stop this many edges from the start; `None` walks to the end.
    pub max_depth: Option<usize>,
    /// Modules the walk may enter (indexed like the registry); `None` allows all.
    pub allowed: Option<&'a [bool]>,
}

/// The result of a walk: depth and breadth-first parent of every module reached.
#[derive(Debug)]
pub struct Neighbourhood {
    start: usize,
    /// `usize::MAX` for modules not reached.
    depth: Vec<usize>,
    parent: Vec<usize>,
    /// Reached modules (start excluded), in visiting order.
    order: Vec<usize>,
}

impl Neighbourhood {
    pub fn start(&self) -> usize {
        self.start
    }

    /// True for the start and every module reached.
    pub fn contains(&self, index: usize) -> bool {
        self.depth.get(index).is_some_and(|&d| d != usize::MAX)
    }

    /// The depth of a reached module (0 for the start).
    pub fn depth(&self, index: usize) -> Option<usize> {
        self.depth.get(index).copied().filter(|&d| d != usize::MAX)
    }

    /// The path from the start (excluded) to `index` (included); empty for the start or a
    /// module not reached.
    pub fn via(&self, index: usize) -> Vec<usize> {
        if !self.contains(index) || index == self.start {
            return Vec::new();
        }
        let mut path = vec![index];
        let mut cur = index;
        while self.parent[cur] != self.start {
            cur = self.parent[cur];
            path.push(cur);
        }
        path.reverse();
        path
    }

    /// Every module reached, sorted by (depth, id), with its path.
    pub fn reached(&self) -> Vec<Reached> {
        let mut out: Vec<Reached> = self
            .order
            .iter()
            .map(|&i| Reached { index: i, depth: self.depth[i], via: self.via(i) })
            .collect();
        out.sort_by_key(|r| (r.depth, r.index));
        out
    }
}

/// Walk breadth-first from `start`. Neighbours are visited in id order (module indexes are in id
/// order), which makes every module's breadth-first parent the end of its smallest shortest path.
pub fn walk(reg: &Registry, start: usize, how: &Walk<'_>) -> Neighbourhood {
    let n = reg.modules.len();
    let mut depth = vec![usize::MAX; n];
    let mut parent = vec![usize::MAX; n];
    let mut order = Vec::new();
    if start >= n {
        return Neighbourhood { start, depth, parent, order };
    }
    // Modules whose manifest does not fully load are never reached: commands leave them out.
    let allowed = |i: usize| {
        !reg.modules[i].is_broken() && how.allowed.is_none_or(|a| a.get(i).copied().unwrap_or(false))
    };
    let follows_out = matches!(how.direction, Direction::Out | Direction::Both);
    let follows_in = matches!(how.direction, Direction::In | Direction::Both);
    depth[start] = 0;
    let mut queue = VecDeque::from([start]);
    let mut next: Vec<usize> = Vec::new();
    while let Some(u) = queue.pop_front() {
        let d = depth[u];
        if how.max_depth.is_some_and(|max| d >= max) {
            continue;
        }
        next.clear();
        if follows_out {
            next.extend(reg.outgoing[u].iter().filter(|e| how.kinds.contains(&e.kind)).map(|e| e.target));
        }
        if follows_in {
            next.extend(reg.incoming[u].iter().filter(|e| how.kinds.contains(&e.kind)).map(|e| e.source));
        }
        next.sort_unstable();
        next.dedup();
        for &v in &next {
            if depth[v] != usize::MAX || !allowed(v) {
                continue;
            }
            depth[v] = d + 1;
            parent[v] = u;
            order.push(v);
            queue.push_back(v);
        }
    }
    Neighbourhood { start, depth, parent, order }
}

/// Every module reachable from `start` over `kinds` in `direction`, at most `max_depth` edges
/// away, sorted by (depth, id).
pub fn reach(
    reg: &Registry,
    start: usize,
    kinds: &[RelationType],
    direction: Direction,
    max_depth: Option<usize>,
) -> Vec<Reached> {
    walk(reg, start, &Walk { kinds, direction, max_depth, allowed: None }).reached()
}
