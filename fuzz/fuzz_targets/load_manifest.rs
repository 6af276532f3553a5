//! Any bytes, loaded as a manifest the way `validate` loads one: YAML front end, schema check,
//! typed deserialisation, and a lookup of every diagnostic's pointer. The property is "a
//! manifest or diagnostics, never a panic, never a hang".
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use modreg::model::{Manifest, SchemaName};

fuzz_target!(|data: &[u8]| {
    let mut diags = Vec::new();
    let loaded = modreg::registry::load::load_file::<Manifest>(SchemaName::Module, Path::new("module.yaml"), data, &mut diags);
    assert!(loaded.is_some() || !diags.is_empty(), "a refused file must say why");
    if let Ok(doc) = modreg::yaml::parse(data) {
        for d in &diags {
            if let Some(p) = &d.instance_path {
                let _ = doc.locate(p);
            }
        }
    }
});
