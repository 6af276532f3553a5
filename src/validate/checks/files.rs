//! Stray files inside module directories (SPEC §1: anything under `registry/` is a manifest,
//! a health snapshot, a file a manifest references, or a warning). Links are never followed;
//! hidden files (`.gitkeep`) are left alone. Files directly under the registry are reported by
//! the loader.

use std::fs;
use std::path::PathBuf;

use super::references::{docs_paths, relative_docs_path};
use crate::registry::{HEALTH_FILE, MANIFEST_FILE, Registry};
use crate::validate::{Code, Diagnostic};
use crate::yaml::Pos;

pub(super) fn check(reg: &Registry, i: usize, out: &mut Vec<Diagnostic>) {
    let m = &reg.modules[i];
    let mut docs: Vec<PathBuf> =
        docs_paths(m).into_iter().filter_map(|(_, p)| relative_docs_path(p)).collect();
    // A docs path may be a link to another file of the module (E035 refuses links that leave
    // it); that file is referenced too.
    if !docs.is_empty()
        && let Ok(real_dir) = fs::canonicalize(&m.dir)
    {
        let targets: Vec<PathBuf> = docs
            .iter()
            .filter_map(|d| fs::canonicalize(m.dir.join(d)).ok())
            .filter_map(|real| real.strip_prefix(&real_dir).ok().map(PathBuf::from))
            .collect();
        docs.extend(targets);
    }
    let mut todo: Vec<PathBuf> = vec![PathBuf::new()];
    while let Some(rel_dir) = todo.pop() {
        // An unreadable subdirectory hides nothing the manifest needs; E035 reports docs paths.
        let Ok(entries) = fs::read_dir(m.dir.join(&rel_dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let rel = rel_dir.join(&name);
            let top = rel_dir.as_os_str().is_empty();
            if (top && (name == MANIFEST_FILE || name == HEALTH_FILE)) || docs.contains(&rel) {
                continue;
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = m.dir.join(&rel);
            if kind.is_symlink() {
                out.push(
                    Diagnostic::new(Code::StrayFile, path, Pos::default(), "symbolic link is not followed")
                        .hint("replace the link with the file it points to, or remove it"),
                );
            } else if kind.is_dir() {
                todo.push(rel);
            } else {
                out.push(
                    Diagnostic::new(
                        Code::StrayFile,
                        path,
                        Pos::default(),
                        format!("file is not used by {}", m.manifest.path.display()),
                    )
                    .hint("reference it from docs.usage or docs.api, or move it out of the registry"),
                );
            }
        }
    }
}
