//! Any bytes, loaded as a manifest the way the registry loads one: the per-file phase (the typed
//! fast path, else the YAML front end, the schema and the typed model; then embedded schemas),
//! and a lookup of every diagnostic's pointer. The properties: "a manifest or diagnostics, never
//! a panic, never a hang"; and whatever the fast path accepts, the slow path accepts with an
//! equal value (fuzz builds keep debug assertions, under which the loader checks that itself).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use modreg::model::Manifest;
use modreg::schema::{constraints, embedded};

fuzz_target!(|data: &[u8]| {
    let compiled = embedded::Compiled::default();
    let outcome = modreg::registry::load::manifest(Path::new("module.yaml"), data, &compiled);
    assert!(outcome.value.is_some() || !outcome.diagnostics.is_empty(), "a refused file must say why");
    assert!(outcome.diagnostics.iter().all(|d| d.pending.is_none() && d.line >= 1), "every finding is located");
    if let Ok(text) = modreg::yaml::decode(data)
        && let Ok(fast) = modreg::yaml::de::from_str::<Manifest>(text)
        && constraints::manifest_ok(&fast)
    {
        let doc = modreg::yaml::parse_str(text).expect("the slow path parses what the fast path read");
        let slow: Manifest = serde::Deserialize::deserialize(&doc.value).expect("and types it");
        assert_eq!(fast, slow);
    }
});
