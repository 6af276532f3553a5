//! Checks over a loaded registry (SPEC §5, checks 3–8): references, the relationship graph,
//! uniqueness across modules, health snapshots against their modules, stray files. The
//! per-file checks (YAML, schema, embedded schemas) ran while loading, so [`run`] starts from
//! the registry's own diagnostics. No check stops at the first problem and none prints.

pub mod checks;
pub mod explain;

use crate::diag::{Report, normalize};
use crate::registry::Registry;

/// Validate a whole registry: every diagnostic, located (each file with findings parsed once
/// more for positions), sorted, without duplicates.
pub fn run(reg: &Registry) -> Report {
    let mut diagnostics = reg.diagnostics.clone();
    diagnostics.extend(checks::run(reg));
    reg.files.resolve(&mut diagnostics);
    normalize(&mut diagnostics);
    Report { manifests: reg.manifests(), diagnostics }
}
