//! `modreg stats`, and the git figures `show` and `list --format json` share with it: the shipped
//! registry as a snapshot (outside git, the copy is not a repository), a temporary repository
//! with dated commits for exact git figures, and small registries with cycles, orphans and
//! every kind of unhealthy module. JSON is decoded into the types below.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::util::{Scratch, git_at, manifest};

/// `stats --format json` (SPEC §8 and the keys this command adds).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stats {
    modules: usize,
    by_status: serde_json::Map<String, serde_json::Value>,
    by_type: serde_json::Map<String, serde_json::Value>,
    relationships: BTreeMap<String, usize>,
    unresolved_relationships: usize,
    most_depended_on: Vec<DependedOn>,
    orphans: Vec<String>,
    cycles: Vec<Vec<String>>,
    cycles_omitted: Option<Omitted>,
    records: Records,
    health: serde_json::Map<String, serde_json::Value>,
    unhealthy: Vec<Unhealthy>,
    git: Option<BTreeMap<String, Git>>,
    broken: Vec<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct DependedOn {
    id: String,
    dependents: usize,
    transitive_dependents: Option<usize>,
}

#[derive(Debug, Deserialize)]
struct Omitted {
    count: usize,
    exact: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Records {
    total: u64,
    by_module: BTreeMap<String, u64>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Unhealthy {
    id: String,
    state: String,
    reasons: Vec<String>,
}

#[derive(Debug, Deserialize, PartialEq, Eq, Clone)]
#[serde(deny_unknown_fields)]
struct Git {
    last_changed: Option<String>,
    commits: usize,
}

/// Keys of a JSON object in their order, with the counts.
fn counts(map: &serde_json::Map<String, serde_json::Value>) -> Vec<(String, u64)> {
    map.iter().map(|(k, v)| (k.clone(), v.as_u64().expect("a count"))).collect()
}

fn stats(s: &Scratch) -> Stats {
    let r = s.run(&["stats", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

#[test]
fn shipped_registry_table() {
    let s = Scratch::shipped();
    let r = s.run(&["stats"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    snapbox::assert_data_eq!(r.stdout.clone(), snapbox::file!["snapshots/stats_shipped.txt"]);
    assert_eq!(s.run(&["stats"]).stdout, r.stdout, "deterministic");
}

#[test]
fn shipped_registry_json() {
    let s = Scratch::shipped();
    let r = s.run(&["stats", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    snapbox::assert_data_eq!(r.stdout.clone(), snapbox::file!["snapshots/stats_shipped.json"].raw());
    let st: Stats = r.json();
    assert_eq!(st.modules, 12);
    // Every status and type, zeros included, in the order the manifest format declares them.
    let statuses: Vec<String> = counts(&st.by_status).into_iter().map(|(k, _)| k).collect();
    assert_eq!(statuses, ["experimental", "active", "inactive", "deprecated", "error", "retired"]);
    let types: Vec<String> = counts(&st.by_type).into_iter().map(|(k, _)| k).collect();
    assert_eq!(types, ["crud", "workflow", "integration", "analytics", "ui", "service", "library"]);
    for map in [&st.by_status, &st.by_type] {
        assert_eq!(counts(map).iter().map(|(_, n)| *n).sum::<u64>(), 12);
    }
    let health = counts(&st.health);
    let states: Vec<&str> = health.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(states, ["healthy", "degraded", "down", "unknown", "stale", "missing"]);
    assert_eq!(health.iter().map(|(_, n)| *n).sum::<u64>(), 12);
    assert_eq!(st.relationships.keys().count(), 4);
    assert_eq!(st.unresolved_relationships, 0);
    // auth is what the shipped registry leans on most.
    assert_eq!(st.most_depended_on[0].id, "auth");
    assert!(st.most_depended_on.windows(2).all(|w| w[0].dependents >= w[1].dependents));
    for d in &st.most_depended_on {
        let transitive = d.transitive_dependents.expect("counted for the top 64");
        assert!(transitive >= d.dependents, "{d:?}");
    }
    assert_eq!(st.orphans, ["legacy-fax"]);
    assert!(st.cycles.is_empty() && st.cycles_omitted.is_none());
    assert_eq!(st.records.total, st.records.by_module.values().sum::<u64>());
    assert_eq!(st.records.by_module["crm"], 12450 + 3182 + 2214);
    // notifications is down, billing degraded: worst first.
    let ids: Vec<&str> = st.unhealthy.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["notifications", "billing"]);
    assert!(st.git.is_none(), "the copy is not a git repository: no git figures at all");
    assert!(st.broken.is_empty());
}

/// A module with `depends_on` on each of `deps`.
fn depending(id: &str, deps: &[&str]) -> String {
    if deps.is_empty() {
        return manifest(id, "");
    }
    let rels: String = deps.iter().map(|d| format!("  - {{ type: depends_on, target: {d} }}\n")).collect();
    manifest(id, &format!("relationships:\n{rels}"))
}

#[test]
fn cycles_orphans_and_transitive_dependents() {
    let s = Scratch::empty();
    // aa ↔ bb is a cycle; cc depends on aa, dd on cc and twice on bb; ee stands alone; ff points at a
    // module that does not exist.
    s.write("registry/aa/module.yaml", depending("aa", &["bb"]));
    s.write("registry/bb/module.yaml", depending("bb", &["aa"]));
    s.write("registry/cc/module.yaml", depending("cc", &["aa"]));
    s.write("registry/dd/module.yaml", depending("dd", &["cc", "bb", "bb"]));
    s.write("registry/ee/module.yaml", depending("ee", &[]));
    s.write("registry/ff/module.yaml", depending("ff", &["ghost"]));
    let st = stats(&s);
    assert_eq!(st.modules, 6);
    assert_eq!(st.cycles, [["aa", "bb"]]);
    assert!(st.cycles_omitted.is_none());
    assert_eq!(st.orphans, ["ee"], "ff declares a relationship, even one that resolves to nothing");
    assert_eq!(st.relationships["depends_on"], 7);
    assert_eq!(st.relationships["part_of"], 0);
    assert_eq!(st.unresolved_relationships, 1);
    let dep = |id: &str, dependents, transitive| DependedOn {
        id: id.to_owned(),
        dependents,
        transitive_dependents: Some(transitive),
    };
    // bb: aa and dd directly (dd declares it twice, and counts once); cc through aa.
    // aa: bb and cc directly; dd through cc; aa does not depend on itself through bb.
    assert_eq!(st.most_depended_on, [dep("aa", 2, 3), dep("bb", 2, 3), dep("cc", 1, 1)]);

    // validate names the same cycle.
    let v = s.run(&["validate", "--format", "json"]);
    assert!(v.stdout.contains("depends_on cycle: aa → bb → aa"), "{}", v.stdout);

    let table = s.run(&["stats"]).stdout;
    assert!(table.contains("depends_on cycles: 1\n  aa → bb → aa\n"), "{table}");
    assert!(table.contains("Orphans (no relationship either way): 1\n  ee\n"), "{table}");
    assert!(table.contains("  (unknown target)      1\n"), "{table}");
}

#[test]
fn long_lists_show_ten_rows_and_how_many_more() {
    let s = Scratch::empty();
    for i in 0..15 {
        s.write(&format!("registry/o{i:02}/module.yaml"), manifest(&format!("o{i:02}"), ""));
    }
    // 105 two-module cycles: more than the 100 that are listed.
    for i in 0..105 {
        s.write(
            &format!("registry/x{i:03}/module.yaml"),
            depending(&format!("x{i:03}"), &[&format!("y{i:03}")]),
        );
        s.write(
            &format!("registry/y{i:03}/module.yaml"),
            depending(&format!("y{i:03}"), &[&format!("x{i:03}")]),
        );
    }
    let table = s.run(&["stats"]).stdout;
    let orphans: String = (0..10).map(|i| format!("  o{i:02}\n")).collect();
    assert!(
        table.contains(&format!("Orphans (no relationship either way): 15\n{orphans}  … and 5 more\n")),
        "{table}"
    );
    assert!(table.contains("depends_on cycles: 105\n  x000 → y000 → x000\n"), "{table}");
    assert!(table.contains("  x009 → y009 → x009\n  … and 95 more\n"), "{table}");
    assert_eq!(table.matches(" → ").count(), 20, "ten cycles of two edges: {table}");
    assert!(
        table.contains("Most depended on\n  MODULE  DIRECT  TRANSITIVE\n  x000         1           1\n"),
        "{table}"
    );
    assert!(table.contains("  … and 200 more\n"), "{table}");
    let st = stats(&s);
    assert_eq!(st.orphans.len(), 15, "JSON has them all");
    assert_eq!(st.cycles.len(), 100, "as many as graph and validate list");
    let omitted = st.cycles_omitted.expect("the rest are counted");
    assert_eq!((omitted.count, omitted.exact), (5, true));
    assert_eq!(st.most_depended_on.len(), 210);
    let counted = st.most_depended_on.iter().filter(|d| d.transitive_dependents.is_some()).count();
    assert_eq!(counted, 64, "transitive dependents for the top 64");
}

/// A snapshot of module `id` observed at `at` with `status` and an error rate.
fn snapshot(id: &str, at: &str, status: &str, error_rate: f64) -> String {
    format!(
        "apiVersion: modreg/v1\nkind: Health\nmodule: {id}\nobserved_at: {at}\nstatus: {status}\nmetrics:\n  error_rate: {error_rate}\n"
    )
}

#[test]
fn unhealthy_modules_come_worst_first() {
    let s = Scratch::empty();
    let fresh = "2026-11-24T00:00:00Z";
    let old = "2026-10-01T00:00:00Z";
    for (id, at, status, rate) in [
        ("a-over", fresh, "healthy", 0.5),
        ("b-stale", old, "healthy", 0.0),
        ("c-down", fresh, "down", 0.0),
        ("d-degraded", fresh, "degraded", 0.0),
        ("e-fine", fresh, "healthy", 0.0),
        ("f-down-stale", old, "down", 0.0),
        ("g-unknown", fresh, "unknown", 0.0),
    ] {
        s.write(&format!("registry/{id}/module.yaml"), manifest(id, ""));
        s.write(&format!("registry/{id}/health.yaml"), snapshot(id, at, status, rate));
    }
    s.write("registry/h-missing/module.yaml", manifest("h-missing", ""));
    let st = stats(&s);
    let order: Vec<(&str, &str)> = st.unhealthy.iter().map(|u| (u.id.as_str(), u.state.as_str())).collect();
    assert_eq!(
        order,
        [
            ("c-down", "down"),
            ("f-down-stale", "stale"),
            ("d-degraded", "degraded"),
            ("b-stale", "stale"),
            ("a-over", "healthy"),
        ]
    );
    assert_eq!(st.unhealthy[4].reasons, ["error rate 0.5 above 0.05"]);
    assert_eq!(st.unhealthy[1].reasons, ["status down", "snapshot older than 7d"]);
    let health = counts(&st.health);
    assert_eq!(
        health,
        [("healthy", 2), ("degraded", 1), ("down", 1), ("unknown", 1), ("stale", 2), ("missing", 1)]
            .map(|(k, n)| (k.to_owned(), n))
    );
    assert_eq!(st.records.total, 0);
    assert_eq!(st.records.by_module.len(), 7, "every module with a snapshot, even without records");
    let table = s.run(&["stats"]).stdout;
    assert!(
        table.contains(
            "Unhealthy, worst first: 5\n  MODULE        STATE     WHY\n  c-down        down      status down\n"
        ),
        "{table}"
    );
}

#[test]
fn a_manifest_that_does_not_load_is_left_out_and_named() {
    let s = Scratch::empty();
    s.write("registry/aa/module.yaml", depending("aa", &["bb"]));
    s.write("registry/bb/module.yaml", manifest("bb", "").replace("status: active", "status: actve"));
    let r = s.run(&["stats", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("1 manifest could not be loaded and is left out: bb"), "{}", r.stderr);
    let st: Stats = r.json();
    assert_eq!((st.modules, st.broken.as_slice()), (1, ["bb".to_owned()].as_slice()));
    assert!(st.most_depended_on.is_empty());
    assert!(st.orphans.is_empty(), "aa declares a relationship");
    assert!(s.run(&["-q", "stats"]).stderr.is_empty(), "-q keeps the note back");
}

// --- git figures ---------------------------------------------------------------------------

fn commit(dir: &Path, date: &str, message: &str) {
    git_at(dir, date, &["add", "-A"]);
    git_at(dir, date, &["commit", "-q", "-m", message]);
}

/// A repository with dated commits: settings, crm and auth added, crm changed twice more (once through
/// its snapshot), auth's docs changed, a file outside the registry, and `fresh` written but
/// never committed.
fn repository() -> Scratch {
    let s = Scratch::empty();
    git_at(s.path(), "2024-01-01T00:00:00Z", &["init", "-q", "-b", "main"]);
    // Settings, so that modreg finds the registry from any directory of the project.
    s.write("modreg.yaml", "registry: registry\n");
    s.write("registry/crm/module.yaml", depending("crm", &["auth"]));
    s.write("registry/auth/module.yaml", manifest("auth", ""));
    commit(s.path(), "2024-01-01T10:00:00+02:00", "crm and auth");
    s.write("registry/crm/module.yaml", depending("crm", &["auth"]).replace("Module crm", "CRM"));
    commit(s.path(), "2024-02-01T09:00:00Z", "rename crm");
    s.write("registry/auth/docs/usage.md", "# Usage\n");
    s.write("README.md", "outside the registry\n");
    commit(s.path(), "2024-02-15T12:30:00-05:00", "auth docs");
    s.write("registry/crm/health.yaml", snapshot("crm", "2026-11-24T00:00:00Z", "healthy", 0.0));
    commit(s.path(), "2024-03-01T00:00:00Z", "crm snapshot");
    s.write("registry/fresh/module.yaml", manifest("fresh", ""));
    s
}

fn git(last_changed: Option<&str>, commits: usize) -> Git {
    Git { last_changed: last_changed.map(str::to_owned), commits }
}

#[test]
fn git_figures_in_stats() {
    let s = repository();
    let st = stats(&s);
    let expected: BTreeMap<String, Git> = [
        ("auth", git(Some("2024-02-15T12:30:00-05:00"), 2)),
        ("crm", git(Some("2024-03-01T00:00:00Z"), 3)),
        ("fresh", git(None, 0)),
    ]
    .into_iter()
    .map(|(id, g)| (id.to_owned(), g))
    .collect();
    assert_eq!(st.git, Some(expected));

    let table = s.run(&["stats"]).stdout;
    // Newest first, across offsets: 2024-02-15T12:30-05:00 is 17:30 UTC, before March.
    assert!(
        table.ends_with(
            "Recently changed (git)\n  MODULE  LAST CHANGED               COMMITS\n  \
             crm     2024-03-01T00:00:00Z             3\n  \
             auth    2024-02-15T12:30:00-05:00        2\n  \
             never committed: 1\n"
        ),
        "{table}"
    );

    // From a subdirectory, and with --registry from outside the repository: the same figures.
    let sub = crate::util::run_in(&s.registry().join("crm"), &["stats", "--format", "json"]).json::<Stats>();
    assert_eq!(sub.git, st.git);
    let outside = tempfile::tempdir().expect("tempdir");
    let flagged = crate::util::run_in(
        outside.path(),
        &["--registry", s.registry().to_str().expect("utf-8"), "stats", "--format", "json"],
    )
    .json::<Stats>();
    assert_eq!(flagged.git, st.git);
}

#[test]
fn git_figures_in_show() {
    let s = repository();
    #[derive(Deserialize)]
    struct Show {
        git: Option<Git>,
    }
    let crm: Show = s.run(&["show", "crm", "--format", "json"]).json();
    assert_eq!(crm.git, Some(git(Some("2024-03-01T00:00:00Z"), 3)));
    let fresh: Show = s.run(&["show", "fresh", "--format", "json"]).json();
    assert_eq!(fresh.git, Some(git(None, 0)));
    let page = s.run(&["show", "auth"]).stdout;
    assert!(page.contains("\n  last change  2024-02-15T12:30:00-05:00 (2 commits)\n"), "{page}");
    assert!(s.run(&["show", "fresh"]).stdout.contains("\n  last change  not committed yet\n"));

    // Outside git: no key, no line.
    let plain = Scratch::shipped();
    let r = plain.run(&["show", "crm", "--format", "json"]);
    let doc: serde_json::Value = r.json();
    assert!(doc.get("git").is_none(), "{}", r.stdout);
    assert!(!plain.run(&["show", "crm"]).stdout.contains("last change"));
}

#[test]
fn git_figures_in_list_json_only() {
    let s = repository();
    #[derive(Deserialize)]
    struct Row {
        id: String,
        // Present (null when never committed) in a repository.
        last_changed: Option<String>,
        commits: usize,
    }
    let r = s.run(&["list", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<Row> = r.json();
    let got: Vec<(&str, Option<&str>, usize)> =
        rows.iter().map(|r| (r.id.as_str(), r.last_changed.as_deref(), r.commits)).collect();
    assert_eq!(
        got,
        [
            ("auth", Some("2024-02-15T12:30:00-05:00"), 2),
            ("crm", Some("2024-03-01T00:00:00Z"), 3),
            ("fresh", None, 0)
        ]
    );
    let raw: Vec<serde_json::Value> = r.json();
    assert!(raw[2]["last_changed"].is_null());
    // YAML serialises the same rows; the table and CSV stay narrow.
    assert!(s.run(&["list", "--format", "yaml"]).stdout.contains("last_changed: \"2024-03-01T00:00:00Z\""));
    assert!(!s.run(&["list"]).stdout.to_lowercase().contains("2024"));
    assert!(!s.run(&["list", "--format", "csv"]).stdout.contains("2024"));

    // Outside git the keys are absent.
    let plain: Vec<serde_json::Value> = Scratch::shipped().run(&["list", "--format", "json"]).json();
    assert!(plain.iter().all(|row| row.get("last_changed").is_none() && row.get("commits").is_none()));
}

#[test]
fn a_repository_without_commits_has_figures_of_zero() {
    let s = Scratch::empty();
    git_at(s.path(), "2024-01-01T00:00:00Z", &["init", "-q", "-b", "main"]);
    s.write("registry/aa/module.yaml", manifest("aa", ""));
    let st = stats(&s);
    assert_eq!(st.git, Some([("aa".to_owned(), git(None, 0))].into_iter().collect()));
    assert!(s.run(&["stats"]).stdout.contains("no module committed yet\n  never committed: 1\n"));
}

/// The `git-*.bin` files in the project's cache directory.
fn git_cache_files(s: &Scratch) -> Vec<std::path::PathBuf> {
    let dir = s.path().join(".modreg-cache");
    let mut files: Vec<_> =
        std::fs::read_dir(dir).map(|r| r.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    files.retain(|p: &std::path::PathBuf| {
        p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("git-") && n.ends_with(".bin"))
    });
    files
}

#[test]
fn git_figures_are_cached_per_commit_and_stay_exact() {
    let s = repository();
    let crm = |st: &Stats| st.git.as_ref().expect("in git")["crm"].clone();
    assert_eq!(crm(&stats(&s)), git(Some("2024-03-01T00:00:00Z"), 3));
    assert_eq!(git_cache_files(&s).len(), 1, "kept for the next run");
    // Same HEAD: the same answer, from the cache.
    assert_eq!(crm(&stats(&s)), git(Some("2024-03-01T00:00:00Z"), 3));

    // New commits on top: only they are walked, and added. (`fresh` is committed with the first.)
    s.write("registry/crm/docs/usage.md", "# Usage\n");
    commit(s.path(), "2024-04-01T00:00:00Z", "crm docs");
    s.write("registry/fresh/docs/usage.md", "# Usage\n");
    commit(s.path(), "2024-04-02T00:00:00Z", "fresh, at last");
    let st = stats(&s);
    assert_eq!(crm(&st), git(Some("2024-04-01T00:00:00Z"), 4));
    assert_eq!(st.git.as_ref().expect("in git")["fresh"], git(Some("2024-04-02T00:00:00Z"), 2));
    assert_eq!(st.git.as_ref().expect("in git")["auth"], git(Some("2024-02-15T12:30:00-05:00"), 2));
    #[derive(Deserialize)]
    struct Show {
        git: Option<Git>,
    }
    let shown: Show = s.run(&["show", "crm", "--format", "json"]).json();
    assert_eq!(shown.git, Some(git(Some("2024-04-01T00:00:00Z"), 4)));

    // HEAD moved back (the cached commit is not an ancestor): the whole history again.
    git_at(s.path(), "2024-05-01T00:00:00Z", &["reset", "-q", "--hard", "HEAD~3"]);
    let st = stats(&s);
    assert_eq!(crm(&st), git(Some("2024-02-01T09:00:00Z"), 2));
    assert_eq!(st.git.as_ref().expect("in git")["auth"], git(Some("2024-02-15T12:30:00-05:00"), 2));
    let shown: Show = s.run(&["show", "crm", "--format", "json"]).json();
    assert_eq!(shown.git, Some(git(Some("2024-02-01T09:00:00Z"), 2)));

    // A damaged cache is ignored and rewritten.
    for file in git_cache_files(&s) {
        std::fs::write(&file, b"modreg-git-changes\nnot msgpack").expect("damage");
    }
    assert_eq!(crm(&stats(&s)), git(Some("2024-02-01T09:00:00Z"), 2));
    assert_eq!(crm(&stats(&s)), git(Some("2024-02-01T09:00:00Z"), 2));
}

#[test]
fn no_cache_keeps_no_git_figures_either() {
    let s = repository();
    let r = s.run(&["--no-cache", "stats", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json::<Stats>().git.expect("in git")["crm"], git(Some("2024-03-01T00:00:00Z"), 3));
    assert!(git_cache_files(&s).is_empty());
    // show never writes it.
    s.run(&["show", "crm"]);
    assert!(git_cache_files(&s).is_empty());
}
