//! Uniqueness across the registry (SPEC §5 check 7): one owner per `METHOD path`, and no two
//! active modules defining the same data model without a dependency between them. Each rule
//! builds one map over all modules, in id order, so the first module in id order is the owner
//! and the later ones are reported.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;
use std::collections::hash_map::Entry;

use super::references::normalize_route;
use super::{at, sound};
use crate::diag::{Code, Diagnostic};
use crate::model::{HttpMethod, RelationType, Status};
use crate::registry::Registry;
use crate::yaml::Pos;

pub(super) fn check(reg: &Registry, out: &mut Vec<Diagnostic>) {
    endpoints(reg, out);
    data_models(reg, out);
}

/// E060: the first module (in id order) to declare a route owns it.
fn endpoints(reg: &Registry, out: &mut Vec<Diagnostic>) {
    let total = reg.modules.iter().map(|m| m.m().capabilities.endpoints.len()).sum();
    let mut owners: HashMap<(HttpMethod, Cow<'_, str>), (usize, usize)> =
        HashMap::with_capacity_and_hasher(total, Default::default());
    for (i, m) in reg.modules.iter().enumerate() {
        for (k, ep) in m.m().capabilities.endpoints.iter().enumerate() {
            if !sound(reg, i, &format!("/capabilities/endpoints/{k}")) {
                continue;
            }
            let (owner, first) = match owners.entry((ep.method, normalize_route(&ep.path))) {
                Entry::Vacant(v) => {
                    v.insert((i, k));
                    continue;
                }
                Entry::Occupied(o) => *o.get(),
            };
            // Twice in one module is E038.
            if owner == i {
                continue;
            }
            let o = &reg.modules[owner];
            let pointer = format!("/capabilities/endpoints/{first}/path");
            let pos =
                reg.files.locate(&o.manifest.path, &pointer).map_or(Pos { line: 1, col: 1 }, |l| l.value);
            let theirs = &o.m().capabilities.endpoints[first].path;
            let as_theirs =
                if *theirs == ep.path { String::new() } else { format!(" as `{} {theirs}`", ep.method) };
            out.push(
                at(
                    reg,
                    i,
                    Code::EndpointClash,
                    &format!("/capabilities/endpoints/{k}/path"),
                    format!("`{} {}` is already claimed by module `{}`{as_theirs}", ep.method, ep.path, o.id()),
                )
                .hint(format!(
                    "first declared at {}:{}:{}; serve the route from one module, or give this one a path of its own (e.g. under /api/{}/)",
                    o.manifest.path.display(),
                    pos.line,
                    pos.col,
                    m.id()
                )),
            );
        }
    }
}

/// W060: within each group of active modules defining a name, every module after the first must
/// depend on (or be depended on by) each earlier one. Each module is reported once, naming the
/// first earlier module it is unrelated to; the scan of earlier modules stops there, so a group
/// costs its size plus the dependency edges of its members.
fn data_models(reg: &Registry, out: &mut Vec<Diagnostic>) {
    let total = reg.modules.iter().map(|m| m.m().capabilities.data_models.len()).sum();
    let mut by_name: HashMap<&str, Vec<(usize, usize)>> =
        HashMap::with_capacity_and_hasher(total, Default::default());
    for (i, m) in reg.modules.iter().enumerate() {
        if !sound(reg, i, "/metadata/status") || m.m().metadata.status != Status::Active {
            continue;
        }
        let mut own: HashSet<&str> = HashSet::default();
        for (k, dm) in m.m().capabilities.data_models.iter().enumerate() {
            if !sound(reg, i, &format!("/capabilities/data_models/{k}")) {
                continue;
            }
            // A name defined twice in one module is E038.
            if own.insert(dm.name.as_str()) {
                by_name.entry(dm.name.as_str()).or_default().push((i, k));
            }
        }
    }
    let depends: HashSet<(usize, usize)> = reg
        .outgoing
        .iter()
        .flatten()
        .filter(|e| e.kind == RelationType::DependsOn)
        .map(|e| (e.source, e.target))
        .collect();
    let related = |a: usize, b: usize| depends.contains(&(a, b)) || depends.contains(&(b, a));
    for (name, group) in by_name.iter().filter(|(_, g)| g.len() > 1) {
        for (n, &(j, k)) in group.iter().enumerate().skip(1) {
            let Some(&(i, _)) = group[..n].iter().find(|&&(i, _)| !related(i, j)) else {
                continue;
            };
            let other = reg.modules[i].id();
            out.push(
                at(
                    reg,
                    j,
                    Code::SharedDataModel,
                    &format!("/capabilities/data_models/{k}/name"),
                    format!(
                        "data model `{name}` is also defined by active module `{other}`, and neither module depends on the other"
                    ),
                )
                .hint(format!(
                    "if it is the same entity, depend on `{other}` and use its `{name}`; if not, give one of them a more specific name"
                )),
            );
        }
    }
}
