use serde::Deserialize;

use crate::util::run;

#[derive(Debug, Deserialize)]
struct Show {
    id: String,
    metadata: serde_json::Value,
    capabilities: serde_json::Value,
    config: serde_json::Value,
    docs: serde_json::Value,
    relationships: Rels,
    health: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct Rels {
    outgoing: Vec<Out>,
    incoming: Vec<In>,
}

#[derive(Debug, Deserialize)]
struct Out {
    #[serde(rename = "type")]
    kind: String,
    target: String,
}

#[derive(Debug, Deserialize)]
struct In {
    #[serde(rename = "type")]
    kind: String,
    inverse: String,
    source: String,
}

#[test]
fn crm_in_json_has_every_section_and_both_directions() {
    let r = run(&["show", "crm", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s: Show = r.json();
    assert_eq!(s.id, "crm");
    assert_eq!(s.metadata["created"]["ai_model"].as_str().map(|m| !m.is_empty()), Some(true));
    assert!(s.capabilities["operations"].as_array().is_some_and(|a| !a.is_empty()));
    assert!(s.capabilities["data_models"].as_array().is_some_and(|a| a.len() >= 2));
    assert!(s.config["schema"].is_object());
    assert!(s.docs["summary"].is_string());
    assert!(s.health.is_some());
    let out: Vec<(&str, &str)> =
        s.relationships.outgoing.iter().map(|o| (o.kind.as_str(), o.target.as_str())).collect();
    assert!(out.contains(&("depends_on", "auth")), "{out:?}");
    for kind in ["depends_on", "integrates_with", "provides_data_to", "part_of"] {
        assert!(out.iter().any(|(k, _)| *k == kind), "crm declares {kind}");
    }
    // Something depends on crm, and the inverse name is computed.
    assert!(
        s.relationships.incoming.iter().any(|i| i.kind == "depends_on" && i.inverse == "required_by"),
        "{:?}",
        s.relationships.incoming
    );
    let sources: Vec<&str> = s.relationships.incoming.iter().map(|i| i.source.as_str()).collect();
    let mut sorted = sources.clone();
    sorted.sort();
    assert_eq!(sources, sorted, "incoming relationships are sorted by source id");
}

#[test]
fn auth_shows_what_requires_it() {
    let s: Show = run(&["show", "auth", "--format", "json"]).json();
    assert!(s.relationships.incoming.iter().any(|i| i.source == "crm" && i.inverse == "required_by"));
}

/// On a copy of the shipped registry outside git, so the page does not change with the project's
/// own history (`stats.rs` checks the git line).
#[test]
fn text_page_of_crm() {
    let r = crate::util::Scratch::shipped().run(&["show", "crm"]);
    assert_eq!(r.code, 0);
    snapbox::assert_data_eq!(r.stdout, snapbox::file!["snapshots/show_crm.txt"]);
}

#[test]
fn yaml_format_parses_back_to_the_json() {
    let y = run(&["show", "billing", "--format", "yaml"]);
    let doc = modreg::yaml::parse(y.stdout.as_bytes()).expect("show --format yaml is YAML");
    let j: serde_json::Value = run(&["show", "billing", "--format", "json"]).json();
    assert_eq!(doc.value, j);
}

#[test]
fn unknown_id_suggests_the_nearest() {
    let r = run(&["show", "crn"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("no module `crn`"), "{}", r.stderr);
    assert!(r.stderr.contains("hint: did you mean `crm`?"), "{}", r.stderr);
}

#[test]
fn a_module_whose_manifest_does_not_load_is_named_as_such() {
    let s = crate::util::Scratch::shipped();
    let file = s.registry().join("email/module.yaml");
    let text = std::fs::read_to_string(&file).expect("email");
    std::fs::write(&file, text.replace("\n  status: active\n", "\n  status: actve\n")).expect("write");
    let r = s.run(&["show", "email"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: the manifest of module `email` does not load: registry/email/module.yaml\n\
         hint: run `modreg validate registry/email/module.yaml` to see why\n"
    );
    // The command it suggests is the one that says why.
    let v = s.run(&["validate", "registry/email/module.yaml"]);
    assert_eq!(v.code, 1);
    assert!(v.stdout.contains("actve"), "{}", v.stdout);
}
