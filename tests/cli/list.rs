use serde::Deserialize;

use crate::util::{Scratch, manifest, run};

/// The keys SPEC §8 promises, decoded into our own type.
#[derive(Debug, Deserialize)]
struct Row {
    id: String,
    name: String,
    #[serde(rename = "type")]
    module_type: String,
    status: String,
    version: String,
    owners: Vec<String>,
    tags: Vec<String>,
    health: String,
}

#[test]
fn table_of_the_shipped_registry() {
    let r = run(&["list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    snapbox::assert_data_eq!(r.stdout, snapbox::file!["snapshots/list_table.txt"]);
}

#[test]
fn json_rows_are_sorted_and_complete() {
    let r = run(&["list", "--format", "json"]);
    assert_eq!(r.code, 0);
    let rows: Vec<Row> = r.json();
    assert!(rows.len() >= 9, "the shipped registry has the CRM module and at least eight neighbours");
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    let crm = rows.iter().find(|r| r.id == "crm").expect("crm is registered");
    assert_eq!(crm.name, "Customer Relationship Management");
    assert_eq!(crm.module_type, "crud");
    assert_eq!(crm.status, "active");
    assert_eq!(crm.version, "1.4.0");
    assert_eq!(crm.health, "healthy");
    assert!(!crm.owners.is_empty() && !crm.tags.is_empty());
    for status in ["experimental", "active", "inactive", "deprecated", "error", "retired"] {
        assert!(rows.iter().any(|r| r.status == status), "no {status} module in the shipped registry");
    }
}

#[test]
fn output_is_byte_for_byte_deterministic() {
    let a = run(&["list", "--format", "json"]);
    let b = run(&["list", "--format", "json"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn filters_combine() {
    let rows: Vec<Row> = run(&["list", "--status", "active", "--type", "crud", "--format", "json"]).json();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.status == "active" && r.module_type == "crud"));
    let rows: Vec<Row> =
        run(&["list", "--status", "deprecated", "--status", "retired", "--format", "json"]).json();
    assert!(rows.iter().all(|r| r.status == "deprecated" || r.status == "retired"));
    assert_eq!(rows.len(), 2);
    let rows: Vec<Row> = run(&["list", "--tag", "sales", "--format", "json"]).json();
    assert!(rows.iter().any(|r| r.id == "crm"));
    assert!(rows.iter().all(|r| r.tags.contains(&"sales".to_owned())));
    let rows: Vec<Row> = run(&["list", "--owner", "nobody-owns-this", "--format", "json"]).json();
    assert!(rows.is_empty());
}

#[test]
fn invalid_filter_value_is_a_usage_error() {
    let r = run(&["list", "--status", "actve"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("active"), "clap suggests the right value: {}", r.stderr);
}

#[test]
fn csv_has_a_header_and_one_line_per_module() {
    let r = run(&["list", "--format", "csv"]);
    assert_eq!(r.code, 0);
    let mut lines = r.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("id,name,type,status,version,owners,tags,outgoing,incoming,health,unhealthy")
    );
    let json: Vec<Row> = run(&["list", "--format", "json"]).json();
    assert_eq!(lines.count(), json.len());
    // A name with a comma is quoted, not split.
    assert!(r.stdout.contains("\"Configure, Price, Quote\""), "{}", r.stdout);
}

#[test]
fn yaml_round_trips_to_the_json() {
    let y = run(&["list", "--format", "yaml"]);
    assert_eq!(y.code, 0);
    let doc = modreg::yaml::parse(y.stdout.as_bytes()).expect("list --format yaml is YAML");
    let j: serde_json::Value = run(&["list", "--format", "json"]).json();
    assert_eq!(doc.value, j);
}

#[test]
fn broken_manifest_is_left_out_with_a_warning() {
    let s = Scratch::empty();
    s.write("registry/good/module.yaml", manifest("good", ""));
    s.write("registry/bad/module.yaml", "apiVersion: modreg/v1\nkind: [\n");
    let r = s.run(&["list", "--format", "json"]);
    assert_eq!(r.code, 0);
    let rows: Vec<Row> = r.json();
    assert_eq!(rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["good"]);
    assert!(r.stderr.contains("bad") && r.stderr.contains("modreg validate"), "{}", r.stderr);
}

#[test]
fn missing_registry_is_an_io_error_with_a_hint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = crate::util::run_in(dir.path(), &["list"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("registry") && r.stderr.contains("hint:"), "{}", r.stderr);
}

#[test]
fn registry_that_is_a_file_is_not_a_directory() {
    let s = Scratch::empty();
    s.write("README.md", "# hello\n");
    let r = s.run(&["--registry", "README.md", "list"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("error: registry `README.md` is not a directory\nhint: "), "{}", r.stderr);
    assert!(!r.stderr.contains("does not exist"), "{}", r.stderr);
}

#[test]
fn registry_discovery_order() {
    let s = Scratch::empty();
    s.write("registry/one/module.yaml", manifest("one", ""));
    s.write("elsewhere/two/module.yaml", manifest("two", ""));
    s.write("deep/nested/.keep", "");
    let ids = |r: crate::util::Run| r.json::<Vec<Row>>().into_iter().map(|r| r.id).collect::<Vec<_>>();
    // 1. ./registry by default
    assert_eq!(ids(s.run(&["list", "--format", "json"])), ["one"]);
    // 2. modreg.yaml found by walking up from a subdirectory
    s.write("modreg.yaml", "registry: elsewhere\n");
    let nested = s.path().join("deep/nested");
    assert_eq!(ids(crate::util::run_in(&nested, &["list", "--format", "json"])), ["two"]);
    // 3. MODREG_REGISTRY beats modreg.yaml
    let out = crate::util::command(&nested)
        .env("MODREG_REGISTRY", s.path().join("registry"))
        .args(["list", "--format", "json"])
        .output()
        .expect("run");
    let rows: Vec<Row> = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(rows[0].id, "one");
    // 4. --registry beats everything
    let r = crate::util::run_in(&nested, &["--registry", "../../registry", "list", "--format", "json"]);
    assert_eq!(ids(r), ["one"]);
}

#[test]
fn broken_settings_file_stops_with_a_located_error() {
    let s = Scratch::empty();
    s.write("modreg.yaml", "registry: registry\nhealth:\n  stale_after: seven days\n");
    let r = s.run(&["list"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("modreg.yaml:3:16"), "{}", r.stderr);
    assert!(r.stderr.contains("E013"), "{}", r.stderr);
}
