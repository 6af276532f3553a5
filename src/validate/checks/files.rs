//! Stray files inside module directories (SPEC §1: anything under `registry/` is a manifest,
//! a health snapshot, a file a manifest references, or a warning). Read from the registry's
//! listing, so a git tree is checked like the working tree. Links are never followed; hidden
//! files (`.gitkeep`) are left alone. Files directly under the registry are reported by the
//! loader.

use std::path::{Path, PathBuf};

use super::references::{Resolved, docs_paths, relative_docs_path, resolve_docs_file};
use crate::diag::{Code, Diagnostic};
use crate::registry::{HEALTH_FILE, Kind, MANIFEST_FILE, Registry};
use crate::yaml::Pos;

pub(super) fn check(reg: &Registry, i: usize, out: &mut Vec<Diagnostic>) {
    let m = &reg.modules[i];
    // Without sound docs paths, which files are referenced is not known.
    if !m.manifest.sound("/docs") {
        return;
    }
    let mut docs: Vec<PathBuf> =
        docs_paths(m).into_iter().filter_map(|(_, p)| relative_docs_path(p)).collect();
    // A docs path may be a link to another file of the module (E035 refuses links that leave
    // it); that file is referenced too.
    let targets: Vec<PathBuf> = docs
        .iter()
        .filter_map(|d| match resolve_docs_file(reg, m, d) {
            Resolved::File(target) => Some(target),
            _ => None,
        })
        .collect();
    docs.extend(targets);
    let dir = Path::new(&m.dir_name);
    for entry in reg.listing.under(dir) {
        let Ok(rel) = entry.path.strip_prefix(dir) else {
            continue;
        };
        // A docs path naming a directory (E035) covers what is inside it.
        if rel == Path::new(MANIFEST_FILE)
            || rel == Path::new(HEALTH_FILE)
            || docs.iter().any(|d| rel.starts_with(d))
        {
            continue;
        }
        let path = reg.display_root.join(&entry.path);
        match entry.kind {
            Kind::Dir => {}
            Kind::Symlink => out.push(
                Diagnostic::new(Code::StrayFile, path, Pos::default(), "symbolic link is not followed")
                    .hint("replace the link with the file it points to, or remove it"),
            ),
            Kind::File | Kind::Other => out.push(
                Diagnostic::new(
                    Code::StrayFile,
                    path,
                    Pos::default(),
                    format!("file is not used by {}", m.manifest.path.display()),
                )
                .hint("reference it from docs.usage or docs.api, or move it out of the registry"),
            ),
        }
    }
}
