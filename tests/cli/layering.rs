//! The layering `src/lib.rs` describes, held by a test rather than by review: clap stops at the
//! edge (`cli.rs`, `commands/`, `main.rs`), so the library takes plain types any caller can build;
//! and the registry loads without knowing the checks run on it (`validate` sits above it).
//!
//! A plain text search over the sources, skipping `//` comment lines: crude, but it needs no
//! parser and says exactly which line crossed the boundary.

use std::path::{Path, PathBuf};

use crate::util::repo;

/// Library code: everything but the clap edge. Directories are searched recursively.
const LIBRARY: &[&str] = &[
    "src/diag",
    "src/graph",
    "src/mcp",
    "src/model",
    "src/output",
    "src/registry",
    "src/report",
    "src/schema",
    "src/search",
    "src/site",
    "src/validate",
    "src/yaml",
    "src/fsutil.rs",
    "src/git.rs",
    "src/health.rs",
    "src/suggest.rs",
];

const CLAP: &[&str] = &["crate::cli", "clap::", "use clap"];

const CHECKS: &[&str] = &["crate::validate", "validate::"];

#[test]
fn clap_stays_at_the_edge() {
    let found = offences(LIBRARY, CLAP);
    assert!(
        found.is_empty(),
        "library code uses the command line; turn the clap type into a plain one in `commands/` \
         (or give a library type its `ValueEnum` in `cli.rs`):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_registry_does_not_know_the_checks() {
    let found = offences(&["src/registry"], CHECKS);
    assert!(
        found.is_empty(),
        "the registry uses `validate`; pass the check in from above (as `Loader::report_with` \
         does):\n{}",
        found.join("\n")
    );
}

/// The search must still see something, or a renamed directory would make it pass vacuously.
#[test]
fn the_search_finds_what_it_looks_for() {
    for path in LIBRARY {
        assert!(!rust_files(&repo().join(path)).is_empty(), "{path}: no Rust source (renamed?)");
    }
    assert!(!offences(&["src/cli.rs"], CLAP).is_empty(), "the search misses clap in src/cli.rs");
}

/// `file:line: text` for every code line of `paths` that contains one of `patterns`.
fn offences(paths: &[&str], patterns: &[&str]) -> Vec<String> {
    let root = repo();
    let mut out = Vec::new();
    for path in paths {
        for file in rust_files(&root.join(path)) {
            let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            for (n, line) in text.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                if patterns.iter().any(|p| line.contains(p)) {
                    let shown = file.strip_prefix(&root).unwrap_or(&file).display().to_string();
                    out.push(format!("{shown}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    out
}

/// `path` itself if it is a `.rs` file, else every `.rs` file below it, sorted.
fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return if path.extension().is_some_and(|e| e == "rs") {
            vec![path.to_path_buf()]
        } else {
            Vec::new()
        };
    }
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(path) else {
        return out;
    };
    for entry in entries.flatten() {
        out.extend(rust_files(&entry.path()));
    }
    out.sort();
    out
}
