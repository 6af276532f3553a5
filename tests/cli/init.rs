//! `modreg init [DIR]`: modreg.yaml and registry/, never over an existing settings file; and the
//! registry it starts is one every other command takes.

use crate::util::{Scratch, run_in, tree};

fn bare() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

#[test]
fn init_creates_settings_and_registry_that_the_other_commands_use() {
    let dir = bare();
    let r = run_in(dir.path(), &["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.starts_with("created modreg.yaml\ncreated registry/\n"), "{}", r.stderr);
    assert!(r.stderr.contains("modreg new ID"), "it says what to do next: {}", r.stderr);
    let settings = std::fs::read_to_string(dir.path().join("modreg.yaml")).unwrap();
    assert!(settings.lines().any(|l| l == "registry: registry"), "{settings}");
    assert!(dir.path().join("registry").is_dir());
    let files: Vec<String> = tree(dir.path()).into_iter().map(|(p, _)| p.display().to_string()).collect();
    assert_eq!(files, ["modreg.yaml", "registry/.gitkeep"], "nothing else, no temporary file");

    let v = run_in(dir.path(), &["validate"]);
    assert_eq!(
        (v.code, v.stderr.as_str()),
        (0, "validated 0 modules: 0 errors, 0 warnings\n"),
        "{}",
        v.stdout
    );
    let n = run_in(dir.path(), &["new", "alpha", "--type", "library", "--name", "Alpha", "--by", "tests"]);
    assert_eq!(n.code, 0, "{}", n.stderr);
    // From inside the registry, the settings file is found above and `new` writes beside alpha.
    let n = run_in(
        &dir.path().join("registry/alpha"),
        &["new", "beta", "--type", "ui", "--name", "Beta", "--by", "t"],
    );
    assert_eq!(n.code, 0, "{}", n.stderr);
    assert!(dir.path().join("registry/beta/module.yaml").is_file());
    let v = run_in(dir.path(), &["validate"]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    assert_eq!(v.stderr, "validated 2 modules: 0 errors, 0 warnings\n");
}

#[test]
fn init_never_overwrites_settings() {
    let s = Scratch::shipped();
    let before = tree(s.path());
    let r = s.run(&["init"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.starts_with("error: modreg.yaml already exists\nhint: "), "{}", r.stderr);
    assert_eq!(tree(s.path()), before, "a refused init changes nothing");
}

#[test]
fn init_keeps_an_existing_registry_and_takes_a_directory() {
    // A registry without settings: init adds modreg.yaml and keeps the modules.
    let s = Scratch::empty();
    s.write("registry/alpha/module.yaml", crate::util::manifest("alpha", ""));
    let r = s.run(&["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("kept the existing registry/"), "{}", r.stderr);
    assert!(!s.registry().join(".gitkeep").exists());
    assert_eq!(s.run(&["validate"]).code, 0);

    // DIR, created when missing; paths shown as given.
    let dir = bare();
    let r = run_in(dir.path(), &["init", "proj/sub"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("created proj/sub/modreg.yaml\ncreated proj/sub/registry/\n"),
        "{}",
        r.stderr
    );
    assert!(dir.path().join("proj/sub/registry").is_dir());
}

#[test]
fn init_refuses_a_registry_path_that_is_a_file() {
    let dir = bare();
    std::fs::write(dir.path().join("registry"), "not a directory").unwrap();
    let r = run_in(dir.path(), &["init"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("registry exists and is not a directory"), "{}", r.stderr);
    assert!(!dir.path().join("modreg.yaml").exists());
}
