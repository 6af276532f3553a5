//! Paths as modreg prints them from anywhere in the project (SPEC §8): relative to the current
//! directory, climbing with `..` when the file is above or beside it; GitHub annotations and
//! SARIF relative to the repository root, whatever the current directory.

use std::path::Path;

use crate::util::{Scratch, ValidateReport as Report, run_in};

/// The shipped registry with two findings (a dangling target), one in crm, one in billing; a `.git` marks the
/// repository root.
fn project() -> Scratch {
    let s = Scratch::shipped();
    std::fs::create_dir(s.path().join(".git")).unwrap();
    for id in ["crm", "billing"] {
        let p = s.registry().join(id).join("module.yaml");
        let text = std::fs::read_to_string(&p).unwrap();
        let part_of = "{ type: part_of, target: sales-suite }";
        assert!(text.contains(part_of));
        let text =
            text.replace(part_of, &format!("{part_of}\n  - {{ type: integrates_with, target: nowhere }}"));
        std::fs::write(&p, text).unwrap();
    }
    s.write("docs/guide/README.md", "# Guide\n");
    s
}

fn files(cwd: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["validate", "--format", "json"];
    all.extend_from_slice(args);
    let r = run_in(cwd, &all);
    assert_eq!(r.code, 1, "{}", r.stderr);
    r.json::<Report>().diagnostics.into_iter().map(|d| d.file).collect()
}

#[test]
fn json_and_human_paths_are_relative_to_the_current_directory() {
    let s = project();
    let at = |rel: &str| s.path().join(rel);
    assert_eq!(files(s.path(), &[]), ["registry/billing/module.yaml", "registry/crm/module.yaml"]);
    assert_eq!(files(&at("registry"), &[]), ["billing/module.yaml", "crm/module.yaml"]);
    assert_eq!(files(&at("registry/crm"), &[]), ["../billing/module.yaml", "module.yaml"]);
    assert_eq!(files(&at("registry/crm/docs"), &[]), ["../../billing/module.yaml", "../module.yaml"]);
    assert_eq!(
        files(&at("docs/guide"), &[]),
        ["../../registry/billing/module.yaml", "../../registry/crm/module.yaml"]
    );
    let human = run_in(&at("registry/crm/docs"), &["validate"]);
    assert!(human.stdout.contains("--> ../module.yaml:"), "{}", human.stdout);
    assert!(human.stdout.contains("--> ../../billing/module.yaml:"), "{}", human.stdout);
    assert!(
        human.stdout.contains("target: nowhere }\n"),
        "the snippet is found under the new name: {}",
        human.stdout
    );

    // A broken settings file, seen from below.
    s.write("modreg.yaml", "registry: registry\nhealth: { stale_after: soon }\n");
    assert_eq!(files(&at("registry/crm"), &[]), ["../../modreg.yaml"]);
}

#[test]
fn paths_filter_from_a_subdirectory() {
    let s = project();
    let crm = s.path().join("registry/crm");
    assert_eq!(files(&crm, &["."]), ["module.yaml"]);
    assert_eq!(files(&crm, &["module.yaml"]), ["module.yaml"]);
    assert_eq!(files(&crm, &["../billing"]), ["../billing/module.yaml"]);
    assert_eq!(files(&crm, &[".."]), ["../billing/module.yaml", "module.yaml"]);
    let guide = s.path().join("docs/guide");
    assert_eq!(files(&guide, &["../../registry/crm"]), ["../../registry/crm/module.yaml"]);
    let r = run_in(&guide, &["validate", "."]);
    assert_eq!(r.code, 2, "docs/guide is not in the registry: {}", r.stderr);
}

#[test]
fn github_and_sarif_stay_relative_to_the_repository_root() {
    let s = project();
    let docs = s.path().join("registry/crm/docs");
    let github = run_in(&docs, &["validate", "--format", "github"]);
    assert!(github.stdout.contains("::error file=registry/crm/module.yaml,"), "{}", github.stdout);
    assert!(github.stdout.contains("::error file=registry/billing/module.yaml,"), "{}", github.stdout);
    let sarif: serde_json::Value = run_in(&docs, &["validate", "--format", "sarif"]).json();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris, ["registry/billing/module.yaml", "registry/crm/module.yaml"]);
}

#[test]
fn show_paths_are_relative_to_the_current_directory() {
    let s = Scratch::shipped();
    let show = |cwd: &Path| -> serde_json::Value { run_in(cwd, &["show", "crm", "--format", "json"]).json() };
    let doc_paths = |v: &serde_json::Value| -> Vec<String> {
        v["docs"]["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_owned())
            .collect()
    };
    let root = show(s.path());
    assert_eq!(root["path"], "registry/crm/module.yaml");
    assert_eq!(doc_paths(&root), ["registry/crm/docs/usage.md", "registry/crm/docs/api.md"]);
    let inside = show(&s.registry().join("crm"));
    assert_eq!(inside["path"], "module.yaml");
    assert_eq!(doc_paths(&inside), ["docs/usage.md", "docs/api.md"]);
    let beside = show(&s.registry().join("billing"));
    assert_eq!(beside["path"], "../crm/module.yaml");
    let text = run_in(&s.registry().join("crm/docs"), &["show", "crm"]).stdout;
    assert!(text.contains("\n  usage: usage.md\n"), "{text}");

    // `new` says where it wrote, from where it runs.
    let r = run_in(&s.registry().join("crm"), &["new", "abc", "--type", "ui", "--name", "Abc"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json::<serde_json::Value>()["path"], "../abc/module.yaml");
}
