use crate::util::{Scratch, run_in, tree};

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

#[test]
fn blank_or_control_character_arguments_are_usage_errors_before_any_write() {
    let s = Scratch::shipped();
    let before = tree(&s.registry());
    let cases: [(&[&str], &str); 7] = [
        (&["--name", ""], "--name must not be empty or blank"),
        (&["--name", "   "], "--name must not be empty or blank"),
        (&["--name", "\t"], "--name must not be empty or blank"),
        (&["--name", "Red \u{1b}[31m"], "--name `Red \\u{1b}[31m` contains a control character"),
        (&["--name", "Ok", "--description", " "], "--description must not be empty or blank"),
        (&["--name", "Ok", "--by", ""], "--by must not be empty or blank"),
        (&["--name", "Ok", "--ai-model", "a\nb"], "--ai-model `a\\nb` contains a control character"),
    ];
    for (flags, message) in cases {
        let mut args = vec!["new", "ab", "--type", "ui"];
        args.extend_from_slice(flags);
        let r = s.run(&args);
        assert_eq!(r.code, 2, "{flags:?}: {}", r.stderr);
        assert!(r.stderr.starts_with(&format!("error: {message}")), "{flags:?}: {}", r.stderr);
        assert!(r.stderr.contains("\nhint: "), "{}", r.stderr);
        assert!(!r.stderr.contains("internal error"), "{}", r.stderr);
    }
    assert_eq!(tree(&s.registry()), before, "nothing written");
    // A description may span lines.
    let r = s.run(&["new", "ab", "--type", "ui", "--name", "AB", "--description", "One.\nTwo."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(s.run(&["validate"]).code, 0);
}

#[test]
fn new_never_invents_a_registry() {
    // An empty directory: no modreg.yaml anywhere up, no registry/.
    let empty = tempfile::tempdir().unwrap();
    let r = run_in(empty.path(), &["new", "abc", "--type", "ui", "--name", "Abc"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.starts_with("error: no registry here: no modreg.yaml in "), "{}", r.stderr);
    assert!(r.stderr.contains("hint: run `modreg init`"), "{}", r.stderr);
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0, "nothing created");

    // Inside a registry without modreg.yaml: not a new registry/ under the module.
    let s = Scratch::shipped();
    std::fs::remove_file(s.path().join("modreg.yaml")).unwrap();
    let before = tree(s.path());
    let r = run_in(&s.registry().join("crm"), &["new", "abc", "--type", "ui", "--name", "Abc"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("modreg init"), "{}", r.stderr);
    assert_eq!(tree(s.path()), before);

    // A --registry that does not exist is not created either.
    let r = s.run(&["--registry", "regsitry", "new", "abc", "--type", "ui", "--name", "Abc"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("error: registry directory `regsitry` does not exist\nhint: "),
        "{}",
        r.stderr
    );
    assert!(!s.path().join("regsitry").exists());

    // The hint works: after `modreg init`, the same command lands in the new registry.
    assert_eq!(run_in(empty.path(), &["init"]).code, 0);
    let r = run_in(empty.path(), &["new", "abc", "--type", "ui", "--name", "Abc"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(empty.path().join("registry/abc/module.yaml").is_file());
}

#[test]
fn a_registry_named_by_the_settings_file_is_created_when_missing() {
    // git keeps no empty directory: a fresh clone of a project started with `init` lacks it.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("modreg.yaml"), "registry: modules\n").unwrap();
    let r = run_in(dir.path(), &["new", "abc", "--type", "ui", "--name", "Abc"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(dir.path().join("modules/abc/module.yaml").is_file());
}
