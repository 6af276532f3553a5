//! Where the time of loading and validating a registry goes, phase by phase, each phase over
//! every manifest in parallel (as modreg does it):
//!
//!     python3 ../shared/bench/gen_registry.py --modules 10000 --out /tmp/r10k
//!     cargo run --release --example load_bench -- /tmp/r10k/registry
//!
//! `events` is saphyr-parser alone (no tree); `fast` the typed fast path with its field rules;
//! `slow` the tree with spans, the full JSON Schema and the typed model; `embedded` the checks of
//! embedded schemas; `load` and `validate` the whole pipeline without the cache.
#![allow(clippy::print_stdout)] // a benchmark reports on stdout
use std::path::PathBuf;
use std::time::Instant;

use modreg::model::{Manifest, SchemaName};
use modreg::registry::{Loader, Source, discover};
use modreg::schema::{constraints, embedded};
use rayon::prelude::*;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Resident memory now, in MB (Linux), to see what each phase keeps.
fn rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(|l| l[6..].trim().to_owned()))
        .unwrap_or_default()
}

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).expect("usage: load_bench REGISTRY"));
    let t = Instant::now();
    let listing = Source::WorkTree.list(&root).expect("list");
    println!("list      {:>8.3} s  {} entries", t.elapsed().as_secs_f64(), listing.entries.len());
    let files: Vec<PathBuf> = listing
        .entries
        .iter()
        .filter(|e| e.path.ends_with("module.yaml"))
        .map(|e| root.join(&e.path))
        .collect();
    let t = Instant::now();
    let texts: Vec<String> = files.par_iter().map(|p| std::fs::read_to_string(p).expect("read")).collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    println!("read      {:>8.3} s  {} files, {bytes} bytes", t.elapsed().as_secs_f64(), texts.len());
    let t = Instant::now();
    let n: usize = texts.par_iter().map(|s| saphyr_parser::Parser::new_from_str(s).count()).sum();
    println!("events    {:>8.3} s  {n} events", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let fast: Vec<Option<Manifest>> = texts
        .par_iter()
        .map(|s| modreg::yaml::de::from_str::<Manifest>(s).ok().filter(constraints::manifest_ok))
        .collect();
    let taken = fast.iter().filter(|m| m.is_some()).count();
    println!("fast      {:>8.3} s  {taken} taken", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let slow: usize = texts
        .par_iter()
        .zip(&files)
        .map(|(s, p)| {
            let doc = modreg::yaml::parse_str(s).expect("yaml");
            let errors = modreg::schema::check(SchemaName::Module, &doc, p).len();
            let _: Manifest = serde::Deserialize::deserialize(&doc.value).expect("typed");
            errors
        })
        .sum();
    println!("slow      {:>8.3} s  {slow} errors", t.elapsed().as_secs_f64());
    let compiled = embedded::Compiled::default();
    let t = Instant::now();
    let found: usize = fast
        .par_iter()
        .zip(&files)
        .filter_map(|(m, p)| Some(embedded::check(&compiled, p, m.as_ref()?).len()))
        .sum();
    println!("embedded  {:>8.3} s  {found} findings", t.elapsed().as_secs_f64());
    println!("RSS before load: {}", rss());
    drop((texts, fast));
    println!("RSS after dropping the phases' data: {}", rss());
    let cwd = std::env::current_dir().expect("cwd");
    let t = Instant::now();
    let reg = Loader::new(discover(Some(&root), &cwd).expect("location"), Source::WorkTree, None)
        .expect("loader")
        .load()
        .expect("load");
    println!(
        "load      {:>8.3} s  {} modules, RSS now {}",
        t.elapsed().as_secs_f64(),
        reg.modules.len(),
        rss()
    );
    let t = Instant::now();
    let report = modreg::validate::run(&reg);
    println!("validate  {:>8.3} s  {} diagnostics", t.elapsed().as_secs_f64(), report.diagnostics.len());
    std::process::exit(0);
}
