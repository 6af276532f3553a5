//! Health snapshots against their module (SPEC §5 check 8; the schema part runs at load time):
//! `module` names the directory the snapshot sits in, and `records` are kept per data model of
//! that module.

use rustc_hash::FxHashSet as HashSet;

use super::{Ctx, list};
use crate::diag::{Anchor, Code, Diagnostic};
use crate::model::Health;
use crate::registry::Loaded;
use crate::yaml::escape_pointer_token as escape;

pub(super) fn check(ctx: &Ctx<'_>, i: usize, out: &mut Vec<Diagnostic>) {
    let m = &ctx.reg.modules[i];
    let Some(h) = &m.health else { return };
    let dir_name = &m.dir_name;
    if h.sound("/module") && h.value.module != *dir_name {
        out.push(
            Diagnostic::at_pointer(
                Code::HealthModule,
                &h.path,
                "/module",
                Anchor::Value,
                format!(
                    "health snapshot is for module `{}`, but it sits in the directory of `{dir_name}`",
                    h.value.module
                ),
            )
            .hint(format!(
                "set `module: {dir_name}`, or move the snapshot to the directory of `{}`",
                h.value.module
            )),
        );
    }
    records(ctx, i, h, out);
}

/// E071: `records` are kept per data model of module `i`. For the snapshot in its directory, and
/// for one on its way in (`health record`).
pub(super) fn records(ctx: &Ctx<'_>, i: usize, h: &Loaded<Health>, out: &mut Vec<Diagnostic>) {
    let m = &ctx.reg.modules[i];
    let models: HashSet<&str> = m.m().capabilities.data_models.iter().map(|d| d.name.as_str()).collect();
    // Records are checked against the data models only when all of them are known.
    let complete = m.manifest.sound("/capabilities/data_models");
    for key in h.value.records.keys().filter(|k| complete && !models.contains(k.as_str())) {
        if !h.sound(&format!("/records/{}", escape(key))) {
            continue;
        }
        let mut names: Vec<String> = models.iter().map(|s| (*s).to_owned()).collect();
        names.sort();
        let pointer = format!("/records/{}", escape(key));
        let hint = match ctx.suggest(key, &names) {
            Some(near) => format!("did you mean `{near}`?"),
            None if names.is_empty() => {
                format!("`{}` defines no data models; remove the records", m.id())
            }
            None => format!("records are kept per data model of `{}`: {}", m.id(), list(&names)),
        };
        out.push(
            Diagnostic::at_pointer(
                Code::HealthRecords,
                &h.path,
                pointer,
                Anchor::Key,
                format!("records for `{key}`, which is not a data model of `{}`", m.id()),
            )
            .hint(hint),
        );
    }
}
