//! Registry-wide rules over the typed modules (SPEC §5, checks 3–8). Each check walks the
//! modules once and uses the registry's prebuilt indexes or a map built once; none is quadratic
//! in modules.
//!
//! The checks that look at one module only (references, health, stray files) run in parallel,
//! one module per task; the cross-module ones (graph, uniqueness) run after, side by side.
//! Diagnostics name a node by its JSON pointer; `validate::run` resolves their positions.

mod files;
mod graph;
mod health;
mod references;
mod text;
mod uniqueness;

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::diag::{Anchor, Code, Diagnostic};
use crate::model::Health;
use crate::registry::{Loaded, Registry};
use crate::suggest::closest;

/// How many candidate names "did you mean" may compare in one run. A registry with thousands
/// of misspelt targets still validates in linear time; past the budget hints get plainer.
const SUGGESTION_BUDGET: usize = 2_000_000;

/// Every registry-level check, in order.
pub fn run(reg: &Registry) -> Vec<Diagnostic> {
    let ctx = Ctx::new(reg);
    let mut out: Vec<Diagnostic> = (0..reg.modules.len())
        .into_par_iter()
        .flat_map_iter(|i| {
            let mut found = Vec::new();
            references::check(&ctx, i, &mut found);
            health::check(&ctx, i, &mut found);
            text::check(&ctx, i, &mut found);
            files::check(reg, i, &mut found);
            found
        })
        .collect();
    let (graph, unique) = rayon::join(
        || {
            let mut found = Vec::new();
            graph::check(reg, &mut found);
            found
        },
        || {
            let mut found = Vec::new();
            uniqueness::check(reg, &mut found);
            found
        },
    );
    out.extend(graph);
    out.extend(unique);
    out
}

/// The checks of a snapshot against module `i` that `health record` runs before writing it, as
/// `validate` runs them on the snapshot in the module's directory: E071 (records per data model)
/// and E015 (control characters). E070 is the caller's, since what `module` must name differs
/// (the command line's id, not a directory). Diagnostics are pending: resolve them against the
/// snapshot's text.
pub fn snapshot(reg: &Registry, i: usize, h: &Loaded<Health>) -> Vec<Diagnostic> {
    let ctx = Ctx::new(reg);
    let mut out = Vec::new();
    health::records(&ctx, i, h, &mut out);
    text::health(h, &mut out);
    out
}

/// What the per-module checks share: the registry, its ids, and the suggestion budget.
pub(crate) struct Ctx<'r> {
    pub reg: &'r Registry,
    ids: Vec<String>,
    budget: AtomicUsize,
}

impl<'r> Ctx<'r> {
    fn new(reg: &'r Registry) -> Self {
        Ctx { reg, ids: reg.ids().map(str::to_owned).collect(), budget: AtomicUsize::new(SUGGESTION_BUDGET) }
    }

    /// The closest of `choices` to a misspelt `got`, while the budget lasts.
    pub fn suggest<'c>(&self, got: &str, choices: &'c [String]) -> Option<&'c str> {
        let cost = choices.len();
        let left = self.budget.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| b.checked_sub(cost));
        left.ok().and_then(|_| closest(got, choices))
    }

    /// The hint for a name that should be a module id but is not.
    pub fn unknown_module_hint(&self, id: &str) -> String {
        // A module whose manifest does not load is not missing: say so before guessing a typo.
        if self.reg.is_broken(id) {
            return format!("`{id}` exists but its manifest does not load; fix it first");
        }
        match self.suggest(id, &self.ids) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("create it with `modreg new {id} --type … --name …` or fix the id"),
        }
    }
}

/// A diagnostic at the value a JSON pointer of a module's manifest names.
pub(crate) fn at(reg: &Registry, module: usize, code: Code, pointer: &str, message: String) -> Diagnostic {
    Diagnostic::at_pointer(code, &reg.modules[module].manifest.path, pointer, Anchor::Value, message)
}

/// A diagnostic at the key a JSON pointer ends in (a field that should not be there).
pub(crate) fn at_key(
    reg: &Registry,
    module: usize,
    code: Code,
    pointer: &str,
    message: String,
) -> Diagnostic {
    Diagnostic::at_pointer(code, &reg.modules[module].manifest.path, pointer, Anchor::Key, message)
}

/// Whether a check may read the node at `pointer` of a module's manifest: a manifest that does
/// not fully conform holds placeholders where it failed (see `schema::salvage`), and a check
/// that read one would report a problem nobody wrote.
pub(crate) fn sound(reg: &Registry, module: usize, pointer: &str) -> bool {
    reg.modules[module].manifest.sound(pointer)
}

/// The line a pointer of a module's manifest is on, for "first declared at line N" messages.
/// Only called on a finding, so only files with findings are parsed again.
pub(crate) fn line_of(reg: &Registry, module: usize, pointer: &str) -> u32 {
    reg.files.line_of(&reg.modules[module].manifest.path, pointer)
}

/// `a, b, c` for a hint, with at most a handful of names.
pub(crate) fn list(names: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut s = names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    if names.len() > SHOWN {
        s.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    s
}
