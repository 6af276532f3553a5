//! Names inside one manifest that must point at something (SPEC §5 check 4): relationship
//! targets, `replaced_by`, operation → data model, endpoint → operation, the data a module
//! provides, docs paths; and the per-module rules on relationships, deprecation and duplicate
//! names.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};

use super::{Ctx, at, at_key, line_of, list, sound};
use crate::diag::{Code, Diagnostic};
use crate::model::{HttpMethod, RelationType, Status};
use crate::registry::source::LinkTarget;
use crate::registry::{Kind, Module, Registry};

pub(super) fn check(ctx: &Ctx<'_>, i: usize, out: &mut Vec<Diagnostic>) {
    deprecation(ctx, i, out);
    let names = Names::of(ctx, i, out);
    relationships(ctx, i, &names, out);
    docs(ctx, i, out);
}

/// The data model names of a module. Building them reports duplicate names (E038) and
/// operations and endpoints that point nowhere (E032, E033) on the way.
struct Names<'m> {
    models: HashMap<&'m str, usize>,
    /// Every data model name is sound, so a name not in `models` is really unknown.
    complete: bool,
}

/// The keys of a name map, sorted, for hints (only built when there is something to hint).
fn sorted(names: &HashMap<&str, usize>) -> Vec<String> {
    let mut v: Vec<String> = names.keys().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

impl<'m> Names<'m> {
    fn of(ctx: &'m Ctx<'_>, i: usize, out: &mut Vec<Diagnostic>) -> Self {
        let reg = ctx.reg;
        let caps = &reg.modules[i].m().capabilities;
        let mut models = HashMap::with_capacity_and_hasher(caps.data_models.len(), Default::default());
        // Names are only trusted when every one of their kind is sound: an operation naming a
        // data model whose name did not conform is not an unknown entity.
        let models_known = sound(reg, i, "/capabilities/data_models");
        let operations_known = sound(reg, i, "/capabilities/operations");
        for (k, dm) in caps.data_models.iter().enumerate() {
            if !sound(reg, i, &format!("/capabilities/data_models/{k}")) {
                continue;
            }
            if let Some(&first) = models.get(dm.name.as_str()) {
                let pointer = format!("/capabilities/data_models/{k}/name");
                let line = line_of(reg, i, &format!("/capabilities/data_models/{first}/name"));
                out.push(
                    at(
                        reg,
                        i,
                        Code::DuplicateName,
                        &pointer,
                        format!("data model `{}` is defined twice (first at line {line})", dm.name),
                    )
                    .hint("remove one of the two definitions or rename one of them"),
                );
            } else {
                models.insert(dm.name.as_str(), k);
            }
        }

        let mut operations = HashMap::with_capacity_and_hasher(caps.operations.len(), Default::default());
        for (k, op) in caps.operations.iter().enumerate() {
            if !sound(reg, i, &format!("/capabilities/operations/{k}")) {
                continue;
            }
            if let Some(&first) = operations.get(op.name.as_str()) {
                let pointer = format!("/capabilities/operations/{k}/name");
                let line = line_of(reg, i, &format!("/capabilities/operations/{first}/name"));
                out.push(
                    at(
                        reg,
                        i,
                        Code::DuplicateName,
                        &pointer,
                        format!("operation `{}` is declared twice (first at line {line})", op.name),
                    )
                    .hint("remove one of the two operations or rename one of them"),
                );
            } else {
                operations.insert(op.name.as_str(), k);
            }
            if let Some(entity) = &op.entity
                && models_known
                && !models.contains_key(entity.as_str())
            {
                let model_list = sorted(&models);
                let hint = match ctx.suggest(entity, &model_list) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None if model_list.is_empty() => {
                        format!(
                            "add a data model named `{entity}` under capabilities.data_models, or remove `entity`"
                        )
                    }
                    None => format!("the module's data models are {}", list(&model_list)),
                };
                out.push(
                    at(
                        reg,
                        i,
                        Code::UnknownEntity,
                        &format!("/capabilities/operations/{k}/entity"),
                        format!(
                            "operation `{}` acts on `{entity}`, which is not a data model of this module",
                            op.name
                        ),
                    )
                    .hint(hint),
                );
            }
        }

        let mut routes: HashMap<(HttpMethod, Cow<'_, str>), usize> =
            HashMap::with_capacity_and_hasher(caps.endpoints.len(), Default::default());
        for (k, ep) in caps.endpoints.iter().enumerate() {
            if !sound(reg, i, &format!("/capabilities/endpoints/{k}")) {
                continue;
            }
            let key = (ep.method, normalize_route(&ep.path));
            if let Some(&first) = routes.get(&key) {
                let pointer = format!("/capabilities/endpoints/{first}/path");
                let line = line_of(reg, i, &pointer);
                let first_path = &caps.endpoints[first].path;
                let shown = if *first_path == ep.path {
                    format!("first at line {line}")
                } else {
                    format!(
                        "first as `{} {first_path}` at line {line}; parameter names do not make routes differ",
                        ep.method
                    )
                };
                out.push(
                    at(
                        reg,
                        i,
                        Code::DuplicateName,
                        &format!("/capabilities/endpoints/{k}/path"),
                        format!("endpoint `{} {}` is declared twice ({shown})", ep.method, ep.path),
                    )
                    .hint("remove one of the two endpoints or change its method or path"),
                );
            } else {
                routes.insert(key, k);
            }
            if let Some(op) = &ep.operation
                && operations_known
                && !operations.contains_key(op.as_str())
            {
                let op_list = sorted(&operations);
                let hint = match ctx.suggest(op, &op_list) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None if op_list.is_empty() => {
                        format!(
                            "add an operation named `{op}` under capabilities.operations, or remove `operation`"
                        )
                    }
                    None => format!("the module's operations are {}", list(&op_list)),
                };
                out.push(
                    at(
                        reg,
                        i,
                        Code::UnknownOperation,
                        &format!("/capabilities/endpoints/{k}/operation"),
                        format!(
                            "endpoint `{} {}` invokes `{op}`, which is not an operation of this module",
                            ep.method, ep.path
                        ),
                    )
                    .hint(hint),
                );
            }
        }
        Names { models, complete: models_known }
    }
}

/// A route with its parameter names erased: `/a/{id}` and `/a/{key}` are the same route.
pub(crate) fn normalize_route(path: &str) -> Cow<'_, str> {
    if !path.contains('{') {
        return Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str("{}");
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// E036 (the block fits the status) and E031 (`replaced_by` names a module).
fn deprecation(ctx: &Ctx<'_>, i: usize, out: &mut Vec<Diagnostic>) {
    let reg = ctx.reg;
    let meta = &reg.modules[i].m().metadata;
    if !sound(reg, i, "/metadata/status") || !sound(reg, i, "/metadata/deprecation") {
        return;
    }
    let ending = matches!(meta.status, Status::Deprecated | Status::Retired);
    match (&meta.deprecation, ending) {
        (None, true) => out.push(
            at(
                reg,
                i,
                Code::Deprecation,
                "/metadata/status",
                format!("status `{}` requires a `metadata.deprecation` block", meta.status),
            )
            .hint("add `deprecation: { since: YYYY-MM-DD, replaced_by: <module id>, reason: … }` under metadata"),
        ),
        (Some(_), false) => out.push(
            at_key(
                reg,
                i,
                Code::Deprecation,
                "/metadata/deprecation",
                format!("`deprecation` is only allowed when status is deprecated or retired, but status is `{}`", meta.status),
            )
            .hint("remove the deprecation block, or set `status: deprecated`"),
        ),
        _ => {}
    }
    if let Some(by) = meta.deprecation.as_ref().and_then(|d| d.replaced_by.as_ref())
        && reg.index_of(by).is_none()
    {
        out.push(
            at(
                reg,
                i,
                Code::UnknownReplacement,
                "/metadata/deprecation/replaced_by",
                format!("replaced_by `{by}` is not a module in the registry"),
            )
            .hint(ctx.unknown_module_hint(by)),
        );
    }
}

/// E030 (targets exist), E037 (fields fit the type, no self-reference, no duplicate) and E034
/// (`provides_data_to.data` names the source's data models).
fn relationships(ctx: &Ctx<'_>, i: usize, names: &Names<'_>, out: &mut Vec<Diagnostic>) {
    let reg = ctx.reg;
    let m = &reg.modules[i];
    let mut seen: HashMap<(RelationType, &str), usize> = HashMap::default();
    for (r, rel) in m.m().relationships.iter().enumerate() {
        if !sound(reg, i, &format!("/relationships/{r}")) {
            continue;
        }
        let target_ptr = || format!("/relationships/{r}/target");
        if rel.target == m.id() {
            out.push(
                at(
                    reg,
                    i,
                    Code::RelationshipField,
                    &target_ptr(),
                    format!("{} points at the module itself", rel.kind),
                )
                .hint("remove this relationship; a module cannot relate to itself"),
            );
        } else if reg.index_of(&rel.target).is_none() {
            out.push(
                at(
                    reg,
                    i,
                    Code::UnknownTarget,
                    &target_ptr(),
                    format!("{} target `{}` is not a module in the registry", rel.kind, rel.target),
                )
                .hint(ctx.unknown_module_hint(&rel.target)),
            );
        }
        if let Some(&first) = seen.get(&(rel.kind, rel.target.as_str())) {
            let line = line_of(reg, i, &format!("/relationships/{first}/target"));
            out.push(
                at(
                    reg,
                    i,
                    Code::RelationshipField,
                    &target_ptr(),
                    format!("{} `{}` is declared twice (first at line {line})", rel.kind, rel.target),
                )
                .hint("merge the two entries into one"),
            );
        } else {
            seen.insert((rel.kind, rel.target.as_str()), r);
        }
        if rel.version.is_some() && rel.kind != RelationType::DependsOn {
            out.push(
                at_key(
                    reg,
                    i,
                    Code::RelationshipField,
                    &format!("/relationships/{r}/version"),
                    format!("`version` applies to depends_on only, not to {}", rel.kind),
                )
                .hint("remove `version`, or make this a depends_on relationship"),
            );
        }
        if rel.kind != RelationType::ProvidesDataTo {
            if rel.data.is_some() {
                out.push(
                    at_key(
                        reg,
                        i,
                        Code::RelationshipField,
                        &format!("/relationships/{r}/data"),
                        format!("`data` applies to provides_data_to only, not to {}", rel.kind),
                    )
                    .hint("remove `data`, or make this a provides_data_to relationship"),
                );
            }
            continue;
        }
        if !names.complete {
            continue;
        }
        for (k, name) in rel.data().iter().enumerate() {
            if names.models.contains_key(name.as_str()) {
                continue;
            }
            let model_list = sorted(&names.models);
            let hint = match ctx.suggest(name, &model_list) {
                Some(near) => format!("did you mean `{near}`?"),
                None if model_list.is_empty() => {
                    format!(
                        "`{}` defines no data models; define `{name}` under capabilities.data_models",
                        m.id()
                    )
                }
                None => format!("`{}` defines {}", m.id(), list(&model_list)),
            };
            out.push(
                at(
                    reg,
                    i,
                    Code::UnknownDataModel,
                    &format!("/relationships/{r}/data/{k}"),
                    format!(
                        "`{name}` is not a data model of `{}`, so it cannot provide it to `{}`",
                        m.id(),
                        rel.target
                    ),
                )
                .hint(hint),
            );
        }
    }
}

/// The docs paths a manifest declares, with their pointers.
pub(crate) fn docs_paths(m: &Module) -> Vec<(&'static str, &str)> {
    let Some(docs) = &m.m().docs else {
        return Vec::new();
    };
    [("/docs/usage", docs.usage.as_deref()), ("/docs/api", docs.api.as_deref())]
        .into_iter()
        .filter_map(|(p, v)| v.map(|v| (p, v)))
        .collect()
}

/// A docs path relative to the module directory, with `.` components folded; `None` when it is
/// absolute or climbs with `..` (E035 reports those).
pub(crate) fn relative_docs_path(path: &str) -> Option<PathBuf> {
    if path.starts_with(['/', '\\']) {
        return None;
    }
    let mut out = PathBuf::new();
    for c in Path::new(path).components() {
        match c {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// E035: every docs path is relative, stays inside the module directory (lexically and after
/// following links) and names a file.
fn docs(ctx: &Ctx<'_>, i: usize, out: &mut Vec<Diagnostic>) {
    let reg = ctx.reg;
    let m = &reg.modules[i];
    for (pointer, path) in docs_paths(m) {
        if !sound(reg, i, pointer) {
            continue;
        }
        let field = &pointer[1..].replace('/', ".");
        if let Some(problem) = docs_problem(reg, m, path) {
            let (message, hint) = match problem {
                DocsProblem::Empty => (
                    format!("{field} is empty"),
                    "write a path relative to the module directory, e.g. docs/usage.md".to_owned(),
                ),
                DocsProblem::Absolute => (
                    format!(
                        "{field} `{path}` is an absolute path; docs paths are relative to the module directory"
                    ),
                    format!("write it relative to {}, e.g. docs/usage.md", m.dir.display()),
                ),
                DocsProblem::Climbs => (
                    format!("{field} `{path}` uses `..`; docs paths must stay inside the module directory"),
                    format!("keep the file inside {} and write its path without `..`", m.dir.display()),
                ),
                DocsProblem::Missing => (
                    format!("{field} `{path}` does not exist"),
                    format!("create {} or fix the path", m.dir.join(path).display()),
                ),
                DocsProblem::Escapes => (
                    format!("{field} `{path}` leads outside the module directory through a symbolic link"),
                    "replace the link with the file itself".to_owned(),
                ),
                DocsProblem::NotFile => (
                    format!("{field} `{path}` is not a file"),
                    "point at a Markdown file inside the module directory".to_owned(),
                ),
            };
            out.push(at(reg, i, Code::DocsPath, pointer, message).hint(hint));
        }
    }
}

enum DocsProblem {
    Empty,
    Absolute,
    Climbs,
    Missing,
    Escapes,
    NotFile,
}

fn docs_problem(reg: &Registry, m: &Module, path: &str) -> Option<DocsProblem> {
    if path.trim().is_empty() {
        return Some(DocsProblem::Empty);
    }
    let p = Path::new(path);
    if p.is_absolute()
        || path.starts_with(['/', '\\'])
        || p.components().any(|c| matches!(c, Component::Prefix(_) | Component::RootDir))
    {
        return Some(DocsProblem::Absolute);
    }
    if p.components().any(|c| c == Component::ParentDir) {
        return Some(DocsProblem::Climbs);
    }
    let rel = relative_docs_path(path)?;
    match resolve_docs_file(reg, m, &rel) {
        Resolved::File(_) => None,
        Resolved::Missing => Some(DocsProblem::Missing),
        Resolved::Escapes => Some(DocsProblem::Escapes),
        Resolved::NotFile => Some(DocsProblem::NotFile),
    }
}

/// Where a docs path (relative to the module directory, `.` folded, no `..`) leads.
pub(crate) enum Resolved {
    /// A regular file, at this path relative to the module directory (after links).
    File(PathBuf),
    Missing,
    /// Through a symbolic link to somewhere outside the module directory.
    Escapes,
    /// A directory or something else that is not a file.
    NotFile,
}

/// Look a docs path up in the registry's listing. Links (the path itself or a directory on the
/// way) are resolved by the source only to see where they lead; nothing outside the module is
/// read.
pub(crate) fn resolve_docs_file(reg: &Registry, m: &Module, rel: &Path) -> Resolved {
    let dir = Path::new(&m.dir_name);
    let full = dir.join(rel);
    let through_link = full
        .ancestors()
        .skip(1)
        .take_while(|a| *a != dir)
        .any(|a| reg.listing.get(a).is_some_and(|e| e.kind == Kind::Symlink));
    let entry = reg.listing.get(&full);
    let linked = match entry.map(|e| e.kind) {
        Some(Kind::File) if !through_link => return Resolved::File(rel.to_path_buf()),
        Some(Kind::Dir | Kind::Other) if !through_link => return Resolved::NotFile,
        None if !through_link => return Resolved::Missing,
        _ => full,
    };
    let target = match reg.source.link_target(&reg.location.root, &reg.listing, &linked) {
        LinkTarget::Inside(target) => target,
        LinkTarget::Outside => return Resolved::Escapes,
        LinkTarget::Dangling => return Resolved::Missing,
    };
    let Ok(inside) = target.strip_prefix(dir) else {
        return Resolved::Escapes;
    };
    match reg.listing.get(&target).map(|e| e.kind) {
        Some(Kind::File) => Resolved::File(inside.to_path_buf()),
        Some(_) => Resolved::NotFile,
        None => Resolved::Missing,
    }
}
