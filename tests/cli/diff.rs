//! `modreg diff` (SPEC §4, §8): a temporary git repository per case, committed, then changed in
//! the working tree. One case per rule of the table (each with its own failure message), list
//! reordering, renames, broken manifests on either side, `--against DIR`, missing revisions (and
//! the shallow-clone hint), the formats, and `--fail-on`. JSON is decoded into the types below.

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::Value;

use crate::util::{Run, Scratch, git, repo, run_in};

/// `diff --format json`: SPEC §8 plus the keys modreg adds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Diff {
    base: String,
    commit: Option<String>,
    changes: Vec<Change>,
    breaking: usize,
    warnings: usize,
    info: usize,
    modules: Vec<ModuleDiff>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Change {
    module: String,
    change: String,
    path: String,
    before: Option<Value>,
    after: Option<Value>,
    breaking: bool,
    reason: String,
    rule: String,
    level: String,
    affected: Vec<String>,
    file: String,
    line: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModuleDiff {
    id: String,
    change: String,
    breaking: usize,
    warnings: usize,
    info: usize,
    affected: Vec<String>,
}

/// A manifest with the version, status and extra YAML (top-level keys; lines starting with two
/// spaces continue `metadata`) given.
fn m(id: &str, version: &str, status: &str, extra: &str) -> String {
    format!(
        "apiVersion: modreg/v1\nkind: Module\nmetadata:\n  id: {id}\n  name: Module {id}\n  version: {version}\n  \
         status: {status}\n  type: service\n  created:\n    at: 2025-01-01T00:00:00Z\n    by: tests\n{extra}"
    )
}

/// A project whose registry holds `modules` (id, manifest), committed as the first commit.
fn committed(modules: &[(&str, String)]) -> Scratch {
    let s = Scratch::empty();
    for (id, text) in modules {
        s.write(&format!("registry/{id}/module.yaml"), text);
    }
    s.write(".gitignore", ".modreg-cache/\n");
    git(s.path(), &["init", "-q"]);
    git(s.path(), &["add", "-A"]);
    git(s.path(), &["commit", "-q", "-m", "base"]);
    s
}

fn json(r: &Run) -> Diff {
    assert!(r.code == 0 || r.code == 1, "exit {}: {}", r.code, r.stderr);
    r.json()
}

fn diff(s: &Scratch, args: &[&str]) -> Diff {
    let mut all = vec!["diff", "--format", "json"];
    all.extend_from_slice(args);
    json(&s.run(&all))
}

/// Shipped registry copy, committed.
fn shipped() -> Scratch {
    let s = Scratch::shipped();
    s.write(".gitignore", ".modreg-cache/\n");
    git(s.path(), &["init", "-q"]);
    git(s.path(), &["add", "-A"]);
    git(s.path(), &["commit", "-q", "-m", "base"]);
    s
}

fn edit(s: &Scratch, rel: &str, from: &str, to: &str) {
    let text = s.read(rel);
    assert!(text.contains(from), "{rel} has no `{from}`");
    s.write(rel, text.replacen(from, to, 1));
}

#[test]
fn an_unchanged_registry_prints_nothing() {
    let s = shipped();
    let r = s.run(&["diff"]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    let github = s.run(&["diff", "--format", "github", "--fail-on", "any"]);
    assert_eq!((github.code, github.stdout.as_str()), (0, ""));
    let d = diff(&s, &[]);
    assert_eq!((d.base.as_str(), d.changes.len(), d.breaking, d.modules.len()), ("HEAD", 0, 0, 0));
    assert_eq!(d.commit.as_deref(), Some(git(s.path(), &["rev-parse", "HEAD"]).as_str()));
}

#[test]
fn a_module_added_and_one_removed() {
    let s = committed(&[
        ("alpha", m("alpha", "1.0.0", "active", "")),
        ("beta", m("beta", "1.0.0", "active", "relationships:\n  - { type: depends_on, target: alpha }\n")),
        ("gamma", m("gamma", "1.0.0", "active", "relationships:\n  - { type: depends_on, target: beta }\n")),
    ]);
    std::fs::remove_dir_all(s.registry().join("alpha")).expect("rm");
    s.write("registry/delta/module.yaml", m("delta", "0.1.0", "experimental", ""));
    let d = diff(&s, &[]);
    let got: Vec<(&str, &str, &str, &str)> = d
        .changes
        .iter()
        .map(|c| (c.module.as_str(), c.change.as_str(), c.rule.as_str(), c.path.as_str()))
        .collect();
    assert_eq!(got, [("alpha", "removed", "MODULE_REMOVED", ""), ("delta", "added", "MODULE_ADDED", "")]);
    let removed = &d.changes[0];
    assert!(removed.breaking && removed.level == "breaking");
    assert_eq!(removed.affected, ["beta", "gamma"], "dependents, transitively");
    assert_eq!(removed.before.as_ref().and_then(|b| b["version"].as_str()), Some("1.0.0"));
    assert_eq!((removed.file.as_str(), removed.line), ("registry/alpha/module.yaml", 1));
    assert_eq!(d.changes[1].after.as_ref().and_then(|a| a["status"].as_str()), Some("experimental"));
    assert_eq!((d.breaking, d.warnings, d.info), (1, 0, 1));
    let ids: Vec<(&str, &str)> = d.modules.iter().map(|m| (m.id.as_str(), m.change.as_str())).collect();
    assert_eq!(ids, [("alpha", "removed"), ("delta", "added")]);
    assert_eq!((d.modules[0].breaking, d.modules[0].warnings, d.modules[0].info), (1, 0, 0));
    assert_eq!(d.modules[0].affected, ["beta", "gamma"]);

    let text = s.run(&["diff"]);
    assert_eq!(text.code, 0);
    assert_eq!(
        text.stdout,
        "alpha (removed): 1 breaking, 0 warnings, 0 info\n  breaking  MODULE_REMOVED: module `alpha` removed\n            \
         at registry/alpha/module.yaml:1\n  affected (depend on alpha): beta, gamma\n\n\
         delta (added): 0 breaking, 0 warnings, 1 info\n  info      MODULE_ADDED: module `delta` added\n            \
         at registry/delta/module.yaml:1\n"
    );
    assert!(
        text.stderr.starts_with("1 breaking, 0 warnings, 1 info in 2 modules against HEAD ("),
        "{}",
        text.stderr
    );
}

/// One case per rule: the base manifests, the working tree's (None deletes the module), and the
/// module and path the rule must report.
struct Case {
    rule: &'static str,
    before: Before,
    after: After,
    module: &'static str,
    path: &'static str,
}

fn case(rule: &'static str, before: Before, after: After, module: &'static str, path: &'static str) -> Case {
    Case { rule, before, after, module, path }
}

/// Base manifests, and the working tree's (None deletes the module).
type Before = Vec<(&'static str, String)>;
type After = Vec<(&'static str, Option<String>)>;

fn cases() -> Vec<Case> {
    let a = |extra: &str| m("alpha", "1.0.0", "active", extra);
    let simple = |rule, before: String, after: String, path| {
        case(rule, vec![("alpha", before)], vec![("alpha", Some(after))], "alpha", path)
    };
    let ops = |list: &str| format!("capabilities:\n  operations:\n{list}");
    let endpoints = |list: &str| format!("capabilities:\n  endpoints:\n{list}");
    let model = |schema: &str| {
        format!(
            "capabilities:\n  data_models:\n    - name: Contact\n      schema:\n        type: object\n{schema}"
        )
    };
    let config =
        |schema: &str, defaults: &str| format!("config:\n  schema:\n    type: object\n{schema}{defaults}");
    let dep = "relationships:\n  - { type: depends_on, target: alpha, version: \">=1.0.0, <2.0.0\" }\n";
    vec![
        case(
            "MODULE_REMOVED",
            vec![("alpha", a("")), ("beta", m("beta", "1.0.0", "active", dep))],
            vec![("alpha", None)],
            "alpha",
            "",
        ),
        simple(
            "OPERATION_REMOVED",
            a(&ops("    - { name: x, kind: read }\n    - { name: y, kind: list }\n")),
            a(&ops("    - { name: y, kind: list }\n")),
            "/capabilities/operations/0",
        ),
        simple(
            "ENDPOINT_REMOVED",
            a(&endpoints("    - { method: GET, path: /a }\n    - { method: POST, path: /a }\n")),
            a(&endpoints("    - { method: GET, path: /a }\n")),
            "/capabilities/endpoints/1",
        ),
        simple(
            "DATA_MODEL_REMOVED",
            a("capabilities:\n  data_models:\n    - { name: A }\n    - { name: B }\n"),
            a("capabilities:\n  data_models:\n    - { name: B }\n"),
            "/capabilities/data_models/0",
        ),
        simple(
            "EVENT_REMOVED",
            a("capabilities:\n  events:\n    emits: [a.created, a.deleted]\n"),
            a("capabilities:\n  events:\n    emits: [a.created]\n"),
            "/capabilities/events/emits/1",
        ),
        simple(
            "PROPERTY_REMOVED",
            a(&model(
                "        properties:\n          id: { type: string }\n          email: { type: string }\n",
            )),
            a(&model("        properties:\n          id: { type: string }\n")),
            "/capabilities/data_models/0/schema/properties/email",
        ),
        simple(
            "PROPERTY_TYPE_NARROWED",
            a(&model("        properties:\n          score: { type: number }\n")),
            a(&model("        properties:\n          score: { type: integer }\n")),
            "/capabilities/data_models/0/schema/properties/score/type",
        ),
        simple(
            "PROPERTY_MADE_REQUIRED",
            a(&model(
                "        required: [id]\n        properties:\n          id: { type: string }\n          email: { type: string }\n",
            )),
            a(&model(
                "        required: [id, email]\n        properties:\n          id: { type: string }\n          email: { type: string }\n",
            )),
            "/capabilities/data_models/0/schema/required",
        ),
        simple(
            "CONFIG_KEY_MADE_REQUIRED",
            a(&config("    properties:\n      token: { type: string }\n", "")),
            a(&config("    required: [token]\n    properties:\n      token: { type: string }\n", "")),
            "/config/schema/required",
        ),
        simple(
            "ENUM_VALUE_REMOVED",
            a(&model("        properties:\n          stage: { enum: [lead, won, lost] }\n")),
            a(&model("        properties:\n          stage: { enum: [lead, won] }\n")),
            "/capabilities/data_models/0/schema/properties/stage/enum",
        ),
        case(
            "VERSION_REQUIREMENT_UNMET",
            vec![("alpha", a("")), ("beta", m("beta", "1.0.0", "active", dep))],
            vec![("alpha", Some(m("alpha", "2.0.0", "active", "")))],
            "alpha",
            "/metadata/version",
        ),
        simple(
            "STATUS_RETIRED",
            m("alpha", "1.0.0", "deprecated", "  deprecation: { since: 2026-01-10 }\n"),
            m("alpha", "1.0.0", "retired", "  deprecation: { since: 2026-01-10 }\n"),
            "/metadata/status",
        ),
        simple("MANIFEST_UNREADABLE", a(""), a("capabilities: [unclosed\n"), ""),
        simple(
            "STATUS_DEPRECATED",
            a(""),
            m("alpha", "1.0.0", "deprecated", "  deprecation: { since: 2026-01-10 }\n"),
            "/metadata/status",
        ),
        simple(
            "MISSING_MAJOR_BUMP",
            a(&ops("    - { name: x, kind: read }\n")),
            m("alpha", "1.1.0", "active", ""),
            "/metadata/version",
        ),
        simple("VERSION_DECREASED", a(""), m("alpha", "0.9.0", "active", ""), "/metadata/version"),
        simple("BASE_MANIFEST_UNREADABLE", a("capabilities: [unclosed\n"), a(""), ""),
        simple(
            "CONFIG_KEY_REMOVED",
            a(&config(
                "    properties:\n      token: { type: string }\n      region: { type: string }\n",
                "",
            )),
            a(&config("    properties:\n      token: { type: string }\n", "")),
            "/config/schema/properties/region",
        ),
        simple(
            "CONFIG_DEFAULT_CHANGED",
            a(&config("    properties:\n      limit: { type: integer }\n", "  defaults: { limit: 10 }\n")),
            a(&config("    properties:\n      limit: { type: integer }\n", "  defaults: { limit: 20 }\n")),
            "/config/defaults/limit",
        ),
        simple(
            "CAPABILITY_CHANGED",
            a(&ops("    - { name: x, kind: read }\n")),
            a(&ops("    - { name: x, kind: query }\n")),
            "/capabilities/operations/0/kind",
        ),
        simple(
            "SCHEMA_CHANGED",
            a(&model("        properties:\n          name: { type: string, maxLength: 200 }\n")),
            a(&model("        properties:\n          name: { type: string, maxLength: 80 }\n")),
            "/capabilities/data_models/0/schema/properties/name/maxLength",
        ),
        case(
            "MODULE_ADDED",
            vec![("alpha", a(""))],
            vec![("beta", Some(m("beta", "0.1.0", "active", "")))],
            "beta",
            "",
        ),
        simple(
            "CAPABILITY_ADDED",
            a(&endpoints("    - { method: GET, path: /a }\n")),
            a(&endpoints("    - { method: GET, path: /a }\n    - { method: GET, path: /b }\n")),
            "/capabilities/endpoints/1",
        ),
        simple(
            "SCHEMA_RELAXED",
            a(&model("        properties:\n          score: { type: integer }\n")),
            a(&model("        properties:\n          score: { type: number }\n")),
            "/capabilities/data_models/0/schema/properties/score/type",
        ),
        case(
            "RELATIONSHIP_CHANGED",
            vec![("alpha", a("")), ("beta", m("beta", "1.0.0", "active", ""))],
            vec![(
                "b",
                Some(m(
                    "beta",
                    "1.0.0",
                    "active",
                    "relationships:\n  - { type: integrates_with, target: alpha }\n",
                )),
            )],
            "beta",
            "/relationships/0",
        ),
        simple(
            "INTERNAL_CHANGED",
            a("capabilities:\n  events:\n    consumes: [x.done, y.done]\n"),
            a("capabilities:\n  events:\n    consumes: [y.done]\n"),
            "/capabilities/events/consumes/0",
        ),
        simple("VERSION_BUMPED", a(""), m("alpha", "1.0.1", "active", ""), "/metadata/version"),
        simple(
            "DESCRIPTION_CHANGED",
            a(&ops("    - { name: x, kind: read, description: Reads. }\n")),
            a(&ops("    - { name: x, kind: read, description: Reads one. }\n")),
            "/capabilities/operations/0/description",
        ),
        simple("DOCS_CHANGED", a("docs:\n  summary: Old.\n"), a("docs:\n  summary: New.\n"), "/docs/summary"),
        simple("TAGS_CHANGED", a("  tags: [x]\n"), a("  tags: [x, y]\n"), "/metadata/tags"),
        simple("METADATA_CHANGED", a("  owners: [team-a]\n"), a("  owners: [team-b]\n"), "/metadata/owners"),
    ]
}

#[test]
fn every_rule_of_the_table_has_a_case_and_fires_on_it() {
    let cases = cases();
    let covered: BTreeSet<&str> = cases.iter().map(|c| c.rule).collect();
    let table: BTreeSet<&str> = modreg::diff::rules::TABLE.iter().map(|r| r.id).collect();
    assert_eq!(covered, table, "one case per rule id");
    let mut failures = Vec::new();
    for c in &cases {
        let s = committed(&c.before);
        for (id, text) in &c.after {
            match text {
                Some(text) => {
                    s.write(&format!("registry/{id}/module.yaml"), text);
                }
                None => std::fs::remove_dir_all(s.registry().join(id)).expect("rm"),
            }
        }
        let r = s.run(&["diff", "--format", "json"]);
        if r.code != 0 {
            failures.push(format!("{}: exit {}: {}", c.rule, r.code, r.stderr));
            continue;
        }
        let d: Diff = r.json();
        let level = modreg::diff::Rule::parse(c.rule).expect("a rule").level().as_str();
        let hit = d.changes.iter().find(|x| x.rule == c.rule);
        match hit {
            None => failures.push(format!(
                "{}: not reported; got {:?}",
                c.rule,
                d.changes.iter().map(|x| (&x.rule, &x.path)).collect::<Vec<_>>()
            )),
            Some(x) if (x.module.as_str(), x.path.as_str()) != (c.module, c.path) => failures.push(format!(
                "{}: reported on {} {}, expected {} {}",
                c.rule, x.module, x.path, c.module, c.path
            )),
            Some(x) if x.level != level || x.breaking != (level == "breaking") => failures
                .push(format!("{}: level {} (breaking {}), expected {level}", c.rule, x.level, x.breaking)),
            Some(x) if c.rule == "MODULE_REMOVED" && x.affected != ["beta"] => {
                failures.push(format!("{}: affected {:?}, expected [\"beta\"]", c.rule, x.affected))
            }
            Some(_) => {}
        }
    }
    assert!(failures.is_empty(), "{} rule(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn a_reordered_list_is_no_change() {
    let s = shipped();
    let crm = "registry/crm/module.yaml";
    // Swap two operations, two events, two tags, two schema properties and two relationships.
    let text = s.read(crm);
    let swapped = swap_lines(&text, "    - { name: create_contact", "    - { name: get_contact");
    let swapped = swapped
        .replace("emits: [contact.created, contact.updated,", "emits: [contact.updated, contact.created,");
    let swapped = swap_lines(&swapped, "          first_name:", "          last_name:");
    let swapped = swapped.replace(
        "required: [id, email, first_name, last_name, lifecycle_stage, created_at]",
        "required: [email, id, first_name, last_name, lifecycle_stage, created_at]",
    );
    assert_ne!(swapped, text, "the edit changes the file");
    s.write(crm, &swapped);
    let r = s.run(&["diff"]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    assert_eq!(diff(&s, &[]).changes.len(), 0);
}

/// Swap the first lines starting with `a` and `b`.
fn swap_lines(text: &str, a: &str, b: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let i = lines.iter().position(|l| l.starts_with(a)).unwrap_or_else(|| panic!("no line `{a}`"));
    let j = lines.iter().position(|l| l.starts_with(b)).unwrap_or_else(|| panic!("no line `{b}`"));
    lines.swap(i, j);
    lines.join("\n") + "\n"
}

#[test]
fn a_renamed_key_is_a_removal_and_an_addition() {
    let s = shipped();
    edit(&s, "registry/crm/module.yaml", "          job_title: {", "          position: {");
    edit(&s, "registry/crm/module.yaml", "      default_currency: {", "      currency: {");
    let d = diff(&s, &[]);
    let got: Vec<(&str, &str, &str)> =
        d.changes.iter().map(|c| (c.rule.as_str(), c.change.as_str(), c.path.as_str())).collect();
    let model = "/capabilities/data_models/0/schema/properties";
    assert!(got.contains(&("PROPERTY_REMOVED", "removed", &*format!("{model}/job_title"))), "{got:?}");
    assert!(got.contains(&("CAPABILITY_ADDED", "added", &*format!("{model}/position"))), "{got:?}");
    assert!(
        got.contains(&("CONFIG_KEY_REMOVED", "removed", "/config/schema/properties/default_currency")),
        "{got:?}"
    );
    // `currency` is not required, so adding it breaks nobody; `default_currency` stays in
    // `required` without a property: an unchanged list.
    assert!(got.contains(&("CAPABILITY_ADDED", "added", "/config/schema/properties/currency")), "{got:?}");
    let removed = d.changes.iter().find(|c| c.rule == "PROPERTY_REMOVED").expect("removed");
    assert_eq!(removed.before, Some(serde_json::json!({"type": "string", "maxLength": 150})));
    assert_eq!(removed.after, None);
    // The removal is annotated at the parent node of the working tree; the addition at itself.
    let crm = s.read("registry/crm/module.yaml");
    let line_of = |needle: &str| crm.lines().position(|l| l.contains(needle)).expect("line") as u32 + 1;
    assert_eq!(removed.line, line_of("        properties:"));
    let added = d.changes.iter().find(|c| c.path == format!("{model}/position")).expect("added");
    assert_eq!(added.line, line_of("position: {"));
    assert!(!removed.affected.is_empty(), "crm has dependents: {:?}", removed.affected);
}

#[test]
fn a_manifest_broken_on_either_side_is_reported_not_skipped() {
    let s = committed(&[
        ("alpha", m("alpha", "1.0.0", "active", "")),
        ("beta", m("beta", "1.0.0", "active", "metadata: [twice\n")),
    ]);
    s.write("registry/alpha/module.yaml", m("alpha", "1.0.0", "active", "  status: oops\n"));
    s.write("registry/beta/module.yaml", m("beta", "1.0.0", "active", ""));
    let d = diff(&s, &[]);
    let got: Vec<(&str, &str, &str)> =
        d.changes.iter().map(|c| (c.module.as_str(), c.change.as_str(), c.rule.as_str())).collect();
    assert_eq!(
        got,
        [("alpha", "modified", "MANIFEST_UNREADABLE"), ("beta", "modified", "BASE_MANIFEST_UNREADABLE")]
    );
    assert!(d.changes[0].reason.starts_with("the manifest does not load: E004"), "{}", d.changes[0].reason);
    assert_eq!(
        d.changes[1].reason,
        "the base's manifest does not load, so its changes cannot be listed: E004 duplicate key `metadata` (first \
         defined at line 3) (line 12)"
    );
    assert_eq!(s.run(&["diff", "--fail-on", "breaking"]).code, 1);
}

#[test]
fn against_another_directory_needs_no_git() {
    let old = Scratch::empty();
    old.write("registry/alpha/module.yaml", m("alpha", "1.0.0", "active", ""));
    old.write("registry/beta/module.yaml", m("beta", "1.0.0", "active", ""));
    let new = Scratch::empty();
    new.write("registry/alpha/module.yaml", m("alpha", "1.1.0", "active", ""));
    for against in [old.registry(), old.path().to_path_buf()] {
        let against = against.display().to_string();
        let d = diff(&new, &["--against", &against]);
        assert_eq!(d.base, against);
        assert_eq!(d.commit, None);
        let got: Vec<(&str, &str)> = d.changes.iter().map(|c| (c.module.as_str(), c.rule.as_str())).collect();
        assert_eq!(got, [("alpha", "VERSION_BUMPED"), ("beta", "MODULE_REMOVED")], "--against {against}");
    }
    // Without git, a revision has nothing to be read from.
    let r = new.run(&["diff"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not inside a git repository"), "{}", r.stderr);
    assert!(r.stderr.contains("hint: pass --against DIR"), "{}", r.stderr);
}

#[test]
fn an_unknown_revision_is_a_usage_error_with_a_hint() {
    let s = shipped();
    let r = s.run(&["diff", "--against", "origin/no-such-branch"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.starts_with("error: unknown git revision `origin/no-such-branch`"), "{}", r.stderr);
    assert!(r.stderr.contains("\nhint: ") && r.stderr.contains("git fetch origin"), "{}", r.stderr);
}

#[test]
fn a_shallow_clone_says_how_to_fetch_the_history() {
    let s = shipped();
    edit(&s, "registry/crm/module.yaml", "version: ", "version: 9");
    git(s.path(), &["commit", "-q", "-a", "-m", "second"]);
    let clone = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", s.path().display());
    git(clone.path(), &["clone", "-q", "--depth", "1", &url, "c"]);
    let cwd = clone.path().join("c");
    let r = run_in(&cwd, &["diff", "--against", "HEAD~1"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.starts_with("error: unknown git revision `HEAD~1`"), "{}", r.stderr);
    assert!(r.stderr.contains("shallow clone"), "{}", r.stderr);
    assert!(
        r.stderr.contains("git fetch --unshallow") && r.stderr.contains("fetch-depth: 0"),
        "{}",
        r.stderr
    );
    // HEAD itself is there.
    assert_eq!(run_in(&cwd, &["diff"]).code, 0);
}

/// The shipped registry with a few changes of every level: the review a pull request gets.
fn reviewed() -> Scratch {
    let s = shipped();
    let auth = "registry/auth/module.yaml";
    edit(
        &s,
        auth,
        "    - { method: GET, path: /api/auth/roles",
        "    - { method: GET, path: /api/auth/roles/all",
    );
    edit(&s, auth, "  tags: [", "  tags: [login, ");
    let crm = "registry/crm/module.yaml";
    edit(
        &s,
        crm,
        "  status: active",
        "  status: deprecated\n  deprecation: { since: 2026-11-01, replaced_by: sales-suite }",
    );
    edit(
        &s,
        crm,
        "            enum: [subscriber, lead, qualified, customer, churned]",
        "            enum: [lead, qualified, customer, churned]",
    );
    std::fs::remove_dir_all(s.registry().join("legacy-fax")).ok();
    s
}

#[test]
fn markdown_for_a_pull_request() {
    let s = reviewed();
    let r = s.run(&["diff", "--format", "markdown"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    snapbox::assert_data_eq!(r.stdout.as_str(), snapbox::file!["snapshots/diff_markdown.md"]);
}

#[test]
fn json_output_is_decoded_and_sorted() {
    let s = reviewed();
    let d = diff(&s, &[]);
    let modules: Vec<&str> = d.changes.iter().map(|c| c.module.as_str()).collect();
    let mut sorted = modules.clone();
    sorted.sort();
    assert_eq!(modules, sorted, "changes sorted by module id");
    assert_eq!(d.breaking, d.changes.iter().filter(|c| c.breaking).count());
    assert_eq!(d.warnings, d.changes.iter().filter(|c| c.level == "warning").count());
    assert_eq!(d.info, d.changes.iter().filter(|c| c.level == "info").count());
    for c in &d.changes {
        assert!(["added", "removed", "modified"].contains(&c.change.as_str()), "{c:?}");
        assert!(!c.reason.is_empty() && c.line >= 1 && c.file.ends_with("module.yaml"), "{c:?}");
        assert!(c.breaking || c.affected.is_empty(), "only breaking changes list who is affected: {c:?}");
    }
    let endpoint = d.changes.iter().find(|c| c.rule == "ENDPOINT_REMOVED").expect("endpoint removed");
    assert_eq!(endpoint.module, "auth");
    assert!(
        endpoint.affected.contains(&"crm".to_owned()) && endpoint.affected.contains(&"billing".to_owned())
    );
    // Same registry, same bytes.
    assert_eq!(s.run(&["diff", "--format", "json"]).stdout, s.run(&["diff", "--format", "json"]).stdout);
}

#[test]
fn github_annotations_point_at_the_changed_lines() {
    let s = reviewed();
    let summary = s.path().join("summary.md");
    let r = crate::util::command(s.path())
        .args(["diff", "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("runs");
    let stdout = String::from_utf8(r.stdout).expect("UTF-8");
    let crm = s.read("registry/crm/module.yaml");
    let status_line = crm.lines().position(|l| l.starts_with("  status: deprecated")).expect("status") + 1;
    assert!(
        stdout.contains(&format!(
            "::warning file=registry/crm/module.yaml,line={status_line},title=STATUS_DEPRECATED::crm: status: active → \
             deprecated\n"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("::error file=registry/auth/module.yaml,line="), "{stdout}");
    assert!(
        stdout.contains("title=ENDPOINT_REMOVED::auth: endpoint `GET /api/auth/roles` removed (affects "),
        "{stdout}"
    );
    assert!(stdout.contains("::notice file=registry/auth/module.yaml,line="), "{stdout}");
    assert!(
        stdout.contains("::error file=registry/legacy-fax/module.yaml,line=1,title=MODULE_REMOVED::"),
        "{stdout}"
    );
    let md = std::fs::read_to_string(&summary).expect("the job summary");
    assert!(md.starts_with("## modreg diff\n"), "{md}");
}

#[test]
fn fail_on_sets_the_exit_status() {
    let s = reviewed();
    for (level, code) in [("none", 0), ("breaking", 1), ("warning", 1), ("any", 1)] {
        assert_eq!(s.run(&["diff", "--fail-on", level]).code, code, "--fail-on {level}");
    }
    let info_only = shipped();
    edit(&info_only, "registry/crm/module.yaml", "  tags: [", "  tags: [new, ");
    for (level, code) in [("none", 0), ("breaking", 0), ("warning", 0), ("any", 1)] {
        assert_eq!(info_only.run(&["diff", "--fail-on", level]).code, code, "info only, --fail-on {level}");
    }
}

#[test]
fn committed_diff_rules_doc_matches_the_table() {
    let generated = modreg::diff::rules::markdown();
    let path = repo().join("docs/diff-rules.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        if std::env::var_os("MODREG_BLESS").is_some() {
            std::fs::write(&path, &generated).expect("write docs/diff-rules.md");
        } else {
            panic!(
                "docs/diff-rules.md differs from src/diff/rules.rs\n\
                 run `MODREG_BLESS=1 cargo test --test cli diff_rules_doc` and commit the result"
            );
        }
    }
    for r in modreg::diff::rules::TABLE {
        let e = crate::util::run(&["explain", r.id]);
        assert_eq!(e.code, 0, "{}: {}", r.id, e.stderr);
        assert!(
            e.stdout.starts_with(&format!("{} ({}, a rule of `modreg diff`): ", r.id, r.level.as_str())),
            "{}",
            e.stdout
        );
        assert!(e.stdout.contains("\nExample:\n"), "{}", e.stdout);
        assert!(generated.contains(&format!("\n## {}\n", r.id)), "{}", r.id);
    }
}

/// A health snapshot of `id`, observed at `at`.
fn health(id: &str, at: &str) -> String {
    format!("apiVersion: modreg/v1\nkind: Health\nmodule: {id}\nobserved_at: {at}\nstatus: healthy\n")
}

/// Both sides of `diff --against HEAD` through the library, the way `modreg diff` loads them,
/// for the registry `cwd/registry`: the report as JSON, the base and working tree as loaded (modules, health,
/// diagnostics), and the base's load statistics.
fn sides(
    cwd: &std::path::Path,
    reuse: bool,
    no_cache: bool,
) -> (String, String, String, modreg::registry::LoadStats) {
    // The library takes the context's directory for the process's, which a test cannot move.
    let here = std::env::current_dir().expect("cwd");
    let mut ctx = modreg::context::Context::new(here, jiff::Timestamp::UNIX_EPOCH);
    ctx.no_cache = no_cache;
    ctx.registry_flag = Some(cwd.join("registry"));
    let (before, after, base) = modreg::commands::diff::sides(&ctx, "HEAD", reuse).expect("both sides load");
    let dump = |r: &modreg::registry::Registry| format!("{:#?}", (&r.modules, &r.diagnostics, &r.broken));
    let report = modreg::diff::diff(&before, &after, base);
    (modreg::output::json(&report), dump(&before), dump(&after), before.stats)
}

#[test]
fn reusing_the_working_tree_for_unchanged_files_changes_nothing() {
    // A registry below the repository's top level, so git's paths carry a prefix.
    let s = Scratch::empty();
    let both_broken = m("both", "1.0.0", "active", "metadata: [twice\n");
    let base: Vec<(&str, String)> = vec![
        (
            "alpha",
            m("alpha", "1.0.0", "active", "capabilities:\n  endpoints:\n    - { method: GET, path: /a }\n"),
        ),
        ("alpha-health", health("alpha", "2026-01-01T00:00:00Z")),
        ("beta", m("beta", "1.0.0", "active", "relationships:\n  - { type: depends_on, target: alpha }\n")),
        ("beta-health", health("beta", "2026-01-01T00:00:00Z")),
        ("gone", m("gone", "1.0.0", "active", "")),
        ("old-name", m("old-name", "1.0.0", "active", "")),
        ("fixed", m("fixed", "1.0.0", "active", "metadata: [twice\n")),
        ("breaks", m("breaks", "1.0.0", "active", "")),
        ("both", both_broken.clone()),
        ("moved", m("moved", "1.0.0", "active", "  status: oops\n")),
        ("staged", m("staged", "1.0.0", "active", "")),
        ("touched", m("touched", "1.0.0", "active", "")),
    ];
    for (name, text) in &base {
        let path = match name.strip_suffix("-health") {
            Some(id) => format!("proj/registry/{id}/health.yaml"),
            None => format!("proj/registry/{name}/module.yaml"),
        };
        s.write(&path, text);
    }
    s.write(".gitignore", ".modreg-cache/\n");
    git(s.path(), &["init", "-q"]);
    git(s.path(), &["add", "-A"]);
    git(s.path(), &["commit", "-q", "-m", "base"]);
    std::fs::remove_dir_all(s.path().join("registry")).expect("the scratch's own registry/ goes");

    let reg = "proj/registry";
    // Modified (breaking), with a modified health snapshot; removed; renamed; broken in the
    // base only, in the working tree only, on both sides alike and on both sides differently;
    // changed and staged; touched with the same contents; added and staged; added, untracked.
    s.write(&format!("{reg}/alpha/module.yaml"), m("alpha", "1.0.1", "active", ""));
    s.write(&format!("{reg}/alpha/health.yaml"), health("alpha", "2026-02-01T00:00:00Z"));
    std::fs::remove_dir_all(s.path().join(reg).join("gone")).expect("rm");
    std::fs::rename(s.path().join(reg).join("old-name"), s.path().join(reg).join("new-name")).expect("mv");
    edit(&s, &format!("{reg}/new-name/module.yaml"), "id: old-name", "id: new-name");
    s.write(&format!("{reg}/fixed/module.yaml"), m("fixed", "1.0.0", "active", ""));
    s.write(&format!("{reg}/breaks/module.yaml"), m("breaks", "1.0.0", "active", "metadata: [twice\n"));
    s.write(&format!("{reg}/moved/module.yaml"), m("moved", "1.0.0", "active", "  type: twice\n"));
    s.write(&format!("{reg}/staged/module.yaml"), m("staged", "2.0.0", "active", ""));
    git(s.path(), &["add", &format!("{reg}/staged/module.yaml")]);
    let touched = s.path().join(reg).join("touched/module.yaml");
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options().write(true).open(&touched).expect("open").set_modified(later).expect("touch");
    s.write(&format!("{reg}/added/module.yaml"), m("added", "1.0.0", "active", ""));
    git(s.path(), &["add", &format!("{reg}/added/module.yaml")]);
    s.write(&format!("{reg}/untracked/module.yaml"), m("untracked", "1.0.0", "active", ""));
    assert_eq!(both_broken, s.read(&format!("{reg}/both/module.yaml")));

    let cwd = s.path().join("proj");
    let slow = sides(&cwd, false, true);
    assert_eq!(slow.3.reused, 0);
    let d: Diff = serde_json::from_str(&slow.0).expect("JSON");
    let got: Vec<(&str, &str)> = d.modules.iter().map(|m| (m.id.as_str(), m.change.as_str())).collect();
    assert_eq!(
        got,
        [
            ("added", "added"),
            ("alpha", "modified"),
            ("breaks", "modified"),
            ("fixed", "modified"),
            ("gone", "removed"),
            ("moved", "modified"),
            ("new-name", "added"),
            ("old-name", "removed"),
            ("staged", "modified"),
            ("untracked", "added"),
        ]
    );
    // With and without the parse cache (cold, then warm), the same report and the same base.
    for no_cache in [true, false, false] {
        let fast = sides(&cwd, true, no_cache);
        assert_eq!(fast.0, slow.0, "the report, no_cache {no_cache}");
        assert_eq!(fast.1, slow.1, "the base as loaded, no_cache {no_cache}");
        assert_eq!(fast.2, slow.2, "the working tree as loaded, no_cache {no_cache}");
        // Read from git: the files that differ (alpha's two, breaks, fixed, moved, staged) and
        // those the working tree lacks (gone, old-name); beta's two, both and touched are not.
        assert_eq!((fast.3.files, fast.3.reused), (12, 4), "no_cache {no_cache}");
    }
    assert!(slow.1.contains("HEAD:proj/registry/both/module.yaml"), "the base names its own files");
}
