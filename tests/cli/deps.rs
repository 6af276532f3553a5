//! `modreg deps`: direct and transitive dependencies both ways, with depth and path, decoded from
//! the JSON into our own types.

use serde::Deserialize;

use crate::util::{Scratch, manifest, run};

#[derive(Debug, Deserialize)]
struct Deps {
    module: String,
    reverse: bool,
    transitive: bool,
    modules: Vec<Entry>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Entry {
    id: String,
    depth: usize,
    via: Vec<String>,
}

fn entry(id: &str, depth: usize, via: &[&str]) -> Entry {
    Entry { id: id.to_owned(), depth, via: via.iter().map(|s| (*s).to_owned()).collect() }
}

/// A scratch registry where each module `depends_on` the listed targets.
fn registry(modules: &[(&str, &[&str])]) -> Scratch {
    let s = Scratch::empty();
    for (id, targets) in modules {
        let mut extra = String::from("relationships:\n");
        for t in *targets {
            extra.push_str(&format!("  - {{ type: depends_on, target: {t} }}\n"));
        }
        if targets.is_empty() {
            extra.clear();
        }
        s.write(&format!("registry/{id}/module.yaml"), manifest(id, &extra));
    }
    s
}

fn deps(s: &Scratch, args: &[&str]) -> Deps {
    let mut all = vec!["deps"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let r = s.run(&all);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

#[test]
fn diamond_reaches_the_bottom_once_by_the_smallest_path() {
    let s = registry(&[("aa", &["cc", "bb"]), ("bb", &["dd"]), ("cc", &["dd"]), ("dd", &[])]);
    let d = deps(&s, &["aa", "--transitive"]);
    assert_eq!((d.module.as_str(), d.reverse, d.transitive), ("aa", false, true));
    assert_eq!(d.modules, [entry("bb", 1, &["bb"]), entry("cc", 1, &["cc"]), entry("dd", 2, &["bb", "dd"])]);
    // Direct only by default.
    let d = deps(&s, &["aa"]);
    assert!(!d.transitive);
    assert_eq!(d.modules, [entry("bb", 1, &["bb"]), entry("cc", 1, &["cc"])]);
    // Reverse from the bottom.
    let d = deps(&s, &["dd", "--reverse", "--transitive"]);
    assert!(d.reverse);
    assert_eq!(d.modules, [entry("bb", 1, &["bb"]), entry("cc", 1, &["cc"]), entry("aa", 2, &["bb", "aa"])]);
}

#[test]
fn chain_honours_depth_both_ways() {
    let s = registry(&[("aa", &["bb"]), ("bb", &["cc"]), ("cc", &["dd"]), ("dd", &["ee"]), ("ee", &[])]);
    assert_eq!(
        deps(&s, &["aa", "--transitive", "--depth", "2"]).modules,
        [entry("bb", 1, &["bb"]), entry("cc", 2, &["bb", "cc"])]
    );
    let d = deps(&s, &["aa", "--depth", "3"]);
    assert!(d.transitive, "--depth implies --transitive");
    assert_eq!(d.modules.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["bb", "cc", "dd"]);
    assert_eq!(deps(&s, &["ee", "--reverse"]).modules, [entry("dd", 1, &["dd"])]);
    assert_eq!(
        deps(&s, &["ee", "--reverse", "--transitive"]).modules,
        [
            entry("dd", 1, &["dd"]),
            entry("cc", 2, &["dd", "cc"]),
            entry("bb", 3, &["dd", "cc", "bb"]),
            entry("aa", 4, &["dd", "cc", "bb", "aa"])
        ]
    );
    assert!(deps(&s, &["ee", "--transitive"]).modules.is_empty());
}

#[test]
fn a_cycle_terminates() {
    let s = registry(&[("aa", &["bb"]), ("bb", &["cc"]), ("cc", &["aa"])]);
    assert_eq!(
        deps(&s, &["aa", "--transitive"]).modules,
        [entry("bb", 1, &["bb"]), entry("cc", 2, &["bb", "cc"])]
    );
}

#[test]
fn shipped_registry_default_relation_is_depends_on() {
    let d: Deps = run(&["deps", "crm", "--format", "json"]).json();
    assert_eq!(d.modules, [entry("auth", 1, &["auth"])]);
    let d: Deps = run(&["deps", "crm", "--relation", "integrates_with", "--format", "json"]).json();
    assert_eq!(d.modules, [entry("email", 1, &["email"])]);
    let d: Deps = run(&[
        "deps",
        "crm",
        "--relation",
        "depends_on",
        "--relation",
        "provides_data_to",
        "--transitive",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(d.modules, [entry("analytics", 1, &["analytics"]), entry("auth", 1, &["auth"])]);
}

#[test]
fn shipped_registry_what_a_change_to_crm_affects() {
    let d: Deps = run(&["deps", "crm", "--reverse", "--transitive", "--format", "json"]).json();
    assert_eq!(
        d.modules,
        [entry("billing", 1, &["billing"]), entry("cpq", 1, &["cpq"]), entry("quotes", 1, &["quotes"])]
    );
}

#[test]
fn table_of_what_depends_on_auth() {
    let r = run(&["deps", "auth", "--reverse", "--transitive"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    snapbox::assert_data_eq!(r.stdout, snapbox::file!["snapshots/deps_auth_reverse.txt"]);
}

#[test]
fn nothing_found_is_an_empty_table_and_a_note() {
    let r = run(&["deps", "auth"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout.lines().count(), 1, "only the header: {}", r.stdout);
    assert!(r.stderr.contains("`auth` has no depends_on relationship"), "{}", r.stderr);
    assert_eq!(run(&["--quiet", "deps", "auth"]).stderr, "");
}

#[test]
fn unknown_id_is_a_usage_error_with_a_hint() {
    let r = run(&["deps", "bilING"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("no module `bilING`") && r.stderr.contains("hint:"), "{}", r.stderr);
    let r = run(&["deps", "billin", "--reverse"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("hint: did you mean `billing`?"), "{}", r.stderr);
}

#[test]
fn depth_zero_is_a_usage_error() {
    let r = run(&["deps", "crm", "--depth", "0"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--depth"), "{}", r.stderr);
}
