use crate::util::{Scratch, tree};

#[test]
fn scaffold_validates_and_lists() {
    let s = Scratch::shipped();
    let r = s.run(&[
        "new",
        "order-history",
        "--type",
        "service",
        "--name",
        "Order \"History\": v2",
        "--by",
        "tests",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let created: serde_json::Value = r.json();
    assert_eq!(created["created"], "order-history");
    assert_eq!(created["path"], "registry/order-history/module.yaml");
    let text = s.read("registry/order-history/module.yaml");
    assert!(text.starts_with("# yaml-language-server: $schema=../../schemas/module.schema.json\n"));
    assert!(text.contains("created:\n    at: 2026-11-25T00:00:00Z\n    by: \"tests\""), "{text}");
    let v = s.run(&["validate"]);
    assert_eq!(v.code, 0, "the scaffold must validate:\n{}{}", v.stdout, v.stderr);
    let show: serde_json::Value = s.run(&["show", "order-history", "--format", "json"]).json();
    assert_eq!(show["metadata"]["name"], "Order \"History\": v2");
    assert_eq!(show["metadata"]["status"], "experimental");
}

#[test]
fn existing_id_is_refused_and_nothing_changes() {
    let s = Scratch::shipped();
    let before = tree(&s.registry());
    let r = s.run(&["new", "crm", "--type", "crud", "--name", "Another CRM"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert_eq!(tree(&s.registry()), before, "a refused write leaves the registry byte-for-byte unchanged");
}

#[test]
fn invalid_id_is_a_usage_error_before_any_write() {
    let s = Scratch::shipped();
    let before = tree(&s.registry());
    for bad in ["CRM", "a", "-x", "x--y", "../escape", "x_y", "x/y"] {
        let r = s.run(&["new", "--type", "crud", "--name", "X", "--", bad]);
        assert_eq!(r.code, 2, "{bad}: {}", r.stderr);
        assert!(r.stderr.contains("hint:"), "{}", r.stderr);
    }
    assert_eq!(tree(&s.registry()), before);
}

#[test]
fn no_temporary_files_are_left_behind() {
    let s = Scratch::empty();
    let r = s.run(&["new", "alpha", "--type", "library", "--name", "Alpha", "--ai-model", "claude-sonnet-4"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let files: Vec<String> = tree(&s.registry()).into_iter().map(|(p, _)| p.display().to_string()).collect();
    assert_eq!(files, ["alpha/module.yaml"]);
    assert!(s.read("registry/alpha/module.yaml").contains("ai_model: \"claude-sonnet-4\""));
}
