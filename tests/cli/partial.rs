//! A manifest or snapshot that does not conform still takes part in validation (SPEC §5: every
//! diagnostic in one run): its module exists for references, and every check that does not
//! read a broken node runs on the rest. Commands that show modules leave it out.

use std::fs;

use crate::util::{Scratch, ValidateReport};

fn edit(s: &Scratch, rel: &str, from: &str, to: &str) {
    let path = s.path().join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} holds {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn found(s: &Scratch) -> Vec<(String, String, u32)> {
    let rep: ValidateReport = s.run(&["validate", "--format", "json"]).json();
    rep.diagnostics.into_iter().map(|d| (d.code, d.file, d.line)).collect()
}

#[test]
fn a_schema_error_invents_no_error_elsewhere() {
    let s = Scratch::shipped();
    edit(&s, "registry/email/module.yaml", "  status: active", "  status: actve");
    assert_eq!(found(&s), [("E013".to_owned(), "registry/email/module.yaml".to_owned(), 9)]);
}

#[test]
fn the_other_faults_of_a_broken_manifest_are_reported_in_the_same_run() {
    let s = Scratch::shipped();
    let email = "registry/email/module.yaml";
    edit(&s, email, "  status: active", "  status: actve");
    edit(&s, email, "target: auth, version", "target: auht, version");
    edit(&s, email, "relationships:\n", "relationships:\n  - { type: integrates_with, target: email }\n");
    edit(&s, email, "docs:\n", "docs:\n  usage: ../../etc/passwd\n");
    let codes: Vec<String> = found(&s).into_iter().filter(|d| d.1 == email).map(|d| d.0).collect();
    for code in ["E013", "E030", "E037", "E035"] {
        assert!(codes.iter().any(|c| c == code), "{code} missing from {codes:?}");
    }
    // The auht typo is still suggested, the status typo too.
    let rep: ValidateReport = s.run(&["validate", "--format", "json"]).json();
    let e030 = rep.diagnostics.iter().find(|d| d.code == "E030").unwrap();
    assert_eq!(e030.hint.as_deref(), Some("did you mean `auth`?"));
    assert!(rep.diagnostics.iter().all(|d| d.file == email), "nothing elsewhere: {:?}", rep.diagnostics);
}

#[test]
fn a_broken_snapshot_is_still_checked_against_its_module() {
    let s = Scratch::shipped();
    let health = "registry/billing/health.yaml";
    edit(&s, health, "status: degraded", "status: sideways");
    edit(&s, health, "module: billing", "module: billng");
    edit(&s, health, "  Invoice: {", "  Invoices: {");
    let mut codes: Vec<String> = found(&s).into_iter().filter(|d| d.1 == health).map(|d| d.0).collect();
    codes.sort();
    assert_eq!(codes, ["E013", "E070", "E071"]);
}

#[test]
fn commands_that_show_modules_leave_a_broken_one_out() {
    let s = Scratch::shipped();
    edit(&s, "registry/email/module.yaml", "  status: active", "  status: actve");
    let list = s.run(&["list", "--format", "json"]);
    assert_eq!(list.code, 0);
    let rows: Vec<serde_json::Value> = list.json();
    assert!(rows.iter().all(|r| r["id"] != "email"));
    assert!(list.stderr.contains("could not be loaded") && list.stderr.contains("email"), "{}", list.stderr);
    let show = s.run(&["show", "email"]);
    assert_eq!(show.code, 2);
    assert!(show.stderr.contains("does not load"), "{}", show.stderr);
    let graph: serde_json::Value = s.run(&["graph", "--format", "json"]).json();
    let nodes = graph["nodes"].as_array().unwrap();
    assert!(nodes.iter().all(|n| n["id"] != "email"));
    assert!(
        graph["edges"].as_array().unwrap().iter().all(|e| e["source"] != "email" && e["target"] != "email")
    );
    let deps = s.run(&["deps", "auth", "--reverse", "--format", "json"]);
    let deps: serde_json::Value = deps.json();
    assert!(deps["modules"].as_array().unwrap().iter().all(|m| m["id"] != "email"));
}
