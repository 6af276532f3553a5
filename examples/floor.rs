//! The floor every modreg timing in `bench/run.sh` is compared to: read every
//! `*/module.yaml` directly under a registry directory and parse each into a plain saphyr tree,
//! in parallel with rayon, and nothing else: no spans, no schema, no typed model, no checks.
//! A modreg command cannot load a registry faster than this with the same YAML parser, so
//! "vs floor" in BENCHMARKS.md is what the rest of modreg costs on top of reading and parsing.
//!
//!     python3 ../shared/bench/gen_registry.py --modules 10000 --out /tmp/r10k
//!     cargo run --release --example floor -- /tmp/r10k/registry
//!
//! It uses saphyr's fastest plain API, `Yaml::load_from_parser` over
//! `saphyr_parser::Parser::new_from_str`, which scans the `&str` directly; NOT
//! `Yaml::load_from_str`, which feeds the parser through a slower `chars()` iterator and would
//! make the floor (and so every ratio to it) look better for modreg than it is.
//!
//! Like modreg: each file is read and parsed inside the same parallel task, the global allocator
//! is mimalloc (a floor on the system allocator would measure the allocator choice too), and
//! the trees are not freed: the program exits with `std::process::exit` right after printing.
#![allow(clippy::print_stdout)] // a benchmark reports on stdout

use std::path::PathBuf;

use rayon::prelude::*;
use saphyr::{LoadableYamlNode, Yaml};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let root = std::env::args_os().nth(1).expect("usage: floor REGISTRY");
    // Directories only (the entry's type comes with the listing, no stat per entry); a
    // directory without module.yaml is skipped in the parallel loop, as modreg reports it there.
    let dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("read the registry directory")
        .filter_map(|e| {
            let e = e.expect("read a registry entry");
            e.file_type().expect("entry type").is_dir().then(|| e.path())
        })
        .collect();
    let parsed: Vec<(usize, Vec<Yaml<'static>>)> = dirs
        .par_iter()
        .filter_map(|dir| {
            let path = dir.join("module.yaml");
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
                Err(e) => panic!("{}: {e}", path.display()),
            };
            // Leaked, not freed: the trees may borrow from the text, and nothing is freed before
            // the process exits anyway.
            let text: &'static str = text.leak();
            let docs = Yaml::load_from_parser(&mut saphyr_parser::Parser::new_from_str(text))
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            Some((text.len(), docs))
        })
        .collect();
    let bytes: usize = parsed.iter().map(|(n, _)| n).sum();
    println!("parsed {} files, {bytes} bytes", parsed.len());
    // Skip the exit-time free of millions of nodes, as modreg does.
    std::process::exit(0);
}
