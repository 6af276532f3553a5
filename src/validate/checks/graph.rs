//! Rules over the relationship graph (SPEC §5 check 5): no depends_on cycle, part_of is a forest,
//! version requirements hold, and active modules do not lean on deprecated ones.
//!
//! Cycles come from [`RelGraph`], so `validate`, `graph` and `stats` report the same cycles.
//! Self-references are left to E037, which names them more plainly.

use rustc_hash::FxHashSet as HashSet;

use super::{at, line_of, sound};
use crate::diag::{Code, Diagnostic};
use crate::graph::RelGraph;
use crate::model::{RelationType, Status};
use crate::registry::Registry;

pub(super) fn check(reg: &Registry, out: &mut Vec<Diagnostic>) {
    cycles(reg, RelationType::DependsOn, out);
    cycles(reg, RelationType::PartOf, out);
    single_parent(reg, out);
    versions_and_deprecations(reg, out);
}

/// E040 / E041: one diagnostic per cycle, at the first module's edge to the next one; past
/// [`crate::graph::cycles::LIMIT`] cycles, one more that counts the rest and shows the next.
/// A self-loop is E037's (it names it more plainly).
fn cycles(reg: &Registry, kind: RelationType, out: &mut Vec<Diagnostic>) {
    let found = RelGraph::build(reg, &[kind]).cycles();
    let (code, hint) = match kind {
        RelationType::PartOf => {
            (Code::PartOf, "the part_of hierarchy must be a tree: remove one of these part_of relationships")
        }
        _ => (
            Code::DependencyCycle,
            "a module cannot depend on itself, even through others: remove one of these depends_on \
             relationships, turn one into integrates_with, or move the shared part into a module both depend on",
        ),
    };
    let path = |cycle: &[usize]| -> String {
        cycle.iter().chain(cycle.first()).map(|&m| reg.modules[m].id()).collect::<Vec<_>>().join(" → ")
    };
    // The edge a cycle is reported at: its first module's relationship to the second.
    let first_edge = |cycle: &[usize]| -> Option<String> {
        let first = *cycle.first()?;
        let second = cycle.get(1).copied().unwrap_or(first);
        let edge = reg.outgoing[first].iter().find(|e| e.kind == kind && e.target == second)?;
        Some(format!("/relationships/{}/target", edge.index))
    };
    for cycle in found.listed.iter().filter(|c| c.len() > 1) {
        if let Some(pointer) = first_edge(cycle) {
            out.push(at(reg, cycle[0], code, &pointer, format!("{kind} cycle: {}", path(cycle))).hint(hint));
        }
    }
    if let Some(next) = &found.next
        && let Some(pointer) = first_edge(next)
    {
        let count = found.omitted;
        let more = if found.exact { format!("{count} more") } else { format!("at least {count} more") };
        out.push(
            at(
                reg,
                next[0],
                code,
                &pointer,
                format!(
                    "{kind} cycles not listed: {more} beyond the first {}{}, the next being {}",
                    found.listed.len(),
                    if found.exact { "" } else { " (counting stopped there)" },
                    path(next)
                ),
            )
            .hint("fix the cycles listed and validate again: one relationship is often on many cycles"),
        );
    }
}

/// E041: a module is part of at most one parent. A repeated `part_of` to the same parent is a
/// duplicate (E037), not a second parent.
fn single_parent(reg: &Registry, out: &mut Vec<Diagnostic>) {
    for (i, m) in reg.modules.iter().enumerate() {
        let mut parent: Option<(usize, &str)> = None;
        for (r, rel) in m.m().relationships.iter().enumerate() {
            if rel.kind != RelationType::PartOf || !sound(reg, i, &format!("/relationships/{r}")) {
                continue;
            }
            match parent {
                None => parent = Some((r, rel.target.as_str())),
                Some((_, first)) if first == rel.target => {}
                Some((first_index, first)) => {
                    let line = line_of(reg, i, &format!("/relationships/{first_index}/target"));
                    out.push(
                        at(
                            reg,
                            i,
                            Code::PartOf,
                            &format!("/relationships/{r}/target"),
                            format!(
                                "`{}` is already part of `{first}` (line {line}); part_of `{}` would give it a second parent",
                                m.id(),
                                rel.target
                            ),
                        )
                        .hint("keep one part_of; express the other link with integrates_with or depends_on"),
                    );
                }
            }
        }
    }
}

/// E042 (the target's version meets the requirement) and W040 (an active module depends on a
/// deprecated or retired one).
fn versions_and_deprecations(reg: &Registry, out: &mut Vec<Diagnostic>) {
    let mut seen: HashSet<(usize, usize)> = HashSet::default();
    for edges in &reg.outgoing {
        for e in edges.iter().filter(|e| e.kind == RelationType::DependsOn && e.source != e.target) {
            let source = &reg.modules[e.source];
            let target = &reg.modules[e.target];
            let rel = reg.relationship(e);
            let meta = &target.m().metadata;
            if let Some(req) = &rel.version
                && sound(reg, e.target, "/metadata/version")
                && !req.matches(&meta.version)
            {
                let pointer = format!("/relationships/{}/version", e.index);
                let shown = req.as_written();
                let v = &meta.version;
                out.push(
                    at(
                        reg,
                        e.source,
                        Code::VersionUnsatisfied,
                        &pointer,
                        format!(
                            "`{}` is at version {v}, which does not satisfy the requirement `{shown}`",
                            target.id()
                        ),
                    )
                    .hint(format!(
                        "relax the requirement (e.g. \"^{}.{}\") or upgrade `{}` to a matching version",
                        v.major,
                        v.minor,
                        target.id()
                    )),
                );
            }
            // A repeated depends_on is E037; warn about the target once.
            if sound(reg, e.source, "/metadata/status")
                && sound(reg, e.target, "/metadata/status")
                && sound(reg, e.target, "/metadata/deprecation")
                && source.m().metadata.status == Status::Active
                && matches!(meta.status, Status::Deprecated | Status::Retired)
                && seen.insert((e.source, e.target))
            {
                let hint = match meta.deprecation.as_ref().and_then(|d| d.replaced_by.as_deref()) {
                    Some(by) => format!("`{}` is replaced by `{by}`: depend on `{by}` instead", target.id()),
                    None => format!(
                        "`{}` names no replacement: plan a migration away from it, or remove this dependency",
                        target.id()
                    ),
                };
                out.push(
                    at(
                        reg,
                        e.source,
                        Code::DeprecatedDependency,
                        &format!("/relationships/{}/target", e.index),
                        format!(
                            "active module `{}` depends on `{}`, which is {}",
                            source.id(),
                            target.id(),
                            meta.status
                        ),
                    )
                    .hint(hint),
                );
            }
        }
    }
}
