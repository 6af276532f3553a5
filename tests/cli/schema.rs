//! `modreg schema NAME` and the committed `schemas/*.json`, which must never drift from the
//! Rust types they are generated from.

use modreg::model::SchemaName;

use crate::util::{repo, run};

#[test]
fn committed_schemas_match_the_types() {
    let mut stale = Vec::new();
    for name in SchemaName::ALL {
        let path = repo().join("schemas").join(name.file_name());
        let generated = name.render();
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != generated {
            if std::env::var_os("MODREG_BLESS").is_some() {
                std::fs::write(&path, &generated).expect("write schema");
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated schemas differ from the committed files: {stale:?}\nrun `MODREG_BLESS=1 cargo test --test cli schema` and commit the result"
    );
}

#[test]
fn schema_command_prints_the_committed_file() {
    for (arg, file) in [
        ("module", "module.schema.json"),
        ("health", "health.schema.json"),
        ("context", "context.schema.json"),
        ("settings", "settings.schema.json"),
    ] {
        let r = run(&["schema", arg]);
        assert_eq!(r.code, 0);
        let committed = std::fs::read_to_string(repo().join("schemas").join(file)).expect("schema file");
        assert_eq!(r.stdout, committed, "modreg schema {arg}");
    }
}

#[test]
fn schemas_are_draft_2020_12_and_closed() {
    let r = run(&["schema", "module"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(v["additionalProperties"], false, "unknown top-level keys must be errors");
    assert_eq!(v["$defs"]["Metadata"]["additionalProperties"], false);
    // Closed sets are enums, not free strings.
    assert_eq!(
        v["$defs"]["Status"]["enum"],
        serde_json::json!(["experimental", "active", "inactive", "deprecated", "error", "retired"])
    );
    // Optional fields are absent, never null: no anyOf with null to blur error messages.
    assert!(!r.stdout.contains("\"null\""), "schemas must not admit null");
}

#[test]
fn unknown_schema_name_is_a_usage_error() {
    let r = run(&["schema", "modules"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("module"), "{}", r.stderr);
}
