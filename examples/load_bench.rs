//! Where the time of loading a registry goes: read, parse to JSON with spans, schema-check,
//! deserialise. Run on a generated registry:
//!
//!     python3 ../shared/bench/gen_registry.py --modules 10000 --out /tmp/r10k
//!     cargo run --release --example load_bench -- /tmp/r10k/registry
#![allow(clippy::print_stdout)] // a benchmark reports on stdout
use std::time::Instant;

use modreg::model::{Manifest, SchemaName};
use rayon::prelude::*;

fn main() {
    let root = std::env::args().nth(1).expect("usage: load_bench REGISTRY");
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .expect("read_dir")
        .map(|e| e.expect("entry").path().join("module.yaml"))
        .collect();
    files.sort();
    let t = Instant::now();
    let bytes: Vec<Vec<u8>> = files.par_iter().map(|p| std::fs::read(p).expect("read")).collect();
    let total: usize = bytes.iter().map(Vec::len).sum();
    println!("read     {:>8.3} s  {} files, {} bytes", t.elapsed().as_secs_f64(), bytes.len(), total);
    let t = Instant::now();
    let docs: Vec<_> = bytes.par_iter().map(|b| modreg::yaml::parse(b).expect("yaml")).collect();
    println!("parse    {:>8.3} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let n: usize =
        docs.par_iter().zip(&files).map(|(d, p)| modreg::schema::check(SchemaName::Module, d, p).len()).sum();
    println!("schema   {:>8.3} s  {n} errors", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let ms: Vec<Manifest> =
        docs.par_iter().map(|d| serde_json::from_value(d.value.clone()).expect("typed")).collect();
    println!("typed    {:>8.3} s  {} manifests", t.elapsed().as_secs_f64(), ms.len());
}
