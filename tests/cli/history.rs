//! `modreg health history ID`: a copy of the shipped registry in a temporary git repository,
//! with billing's snapshot committed in several versions (status, counts and error rates
//! changing, one version that does not parse, a deletion and a re-addition, a comment-only
//! change). The table and the JSON are checked exactly, with the commit ids (which depend on
//! the shipped registry's bytes) replaced by names before comparing.
//!
//! Regenerate the goldens with `SNAPSHOTS=overwrite cargo test --test cli history` and review
//! the diff.

use std::collections::BTreeMap;
use std::process::Command;

use serde::Deserialize;

use crate::util::{Run, Scratch, command, git_at};

/// Stage everything and commit at `date`; the commit id.
fn commit(s: &Scratch, message: &str, date: &str) -> String {
    git_at(s.path(), date, &["add", "-A"]);
    git_at(s.path(), date, &["commit", "-q", "-m", message]);
    git_at(s.path(), date, &["rev-parse", "HEAD"])
}

const BILLING: &str = "registry/billing/health.yaml";

fn snapshot(
    observed: &str,
    status: &str,
    invoices: u64,
    payments: u64,
    rate: f64,
    p95: u64,
    issues: usize,
) -> String {
    let mut s = format!(
        "apiVersion: modreg/v1\nkind: Health\nmodule: billing\nobserved_at: {observed}\nstatus: {status}\n\
         records:\n  Invoice: {{ count: {invoices} }}\n  Payment: {{ count: {payments} }}\n\
         metrics:\n  latency_p95_ms: {p95}\n  error_rate: {rate}\n"
    );
    if issues > 0 {
        s.push_str("issues:\n");
        for i in 0..issues {
            s.push_str(&format!("  - {{ id: BILL-{i}, severity: warning, summary: Slow webhooks }}\n"));
        }
    }
    s
}

/// The scratch project and its commits that touched billing's snapshot, by name.
struct History {
    s: Scratch,
    commits: Vec<(&'static str, String)>,
}

impl History {
    /// Commit ids replaced by `<name>`: the full ones, then the table's ten characters (padded
    /// to ten, so the columns stay aligned).
    fn named(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for (name, id) in &self.commits {
            let tag = format!("<{name}>");
            text = text.replace(id, &tag).replace(&id[..10], &format!("{tag:<10}"));
        }
        text
    }

    fn run(&self, args: &[&str]) -> Run {
        self.s.run(args)
    }
}

fn history() -> History {
    let s = Scratch::shipped();
    git_at(s.path(), "2026-11-01T00:00:00Z", &["init", "-q", "-b", "main"]);
    let mut commits = Vec::new();
    s.write(BILLING, snapshot("2026-11-01T00:00:00Z", "healthy", 40000, 38000, 0.002, 180, 0));
    commits.push(("v1", commit(&s, "the registry", "2026-11-01T00:05:00Z")));
    s.write(BILLING, snapshot("2026-11-02T00:00:00Z", "degraded", 41000, 39000, 0.031, 900, 1));
    commits.push(("v2", commit(&s, "billing degraded", "2026-11-02T00:05:00+01:00")));
    s.write("registry/crm/notes.md", "unrelated\n");
    commit(&s, "an unrelated change", "2026-11-02T12:00:00Z");
    s.write(BILLING, "apiVersion: modreg/v1\nkind: Health\nmodule: billing\nobserved_at: 2026-11-03T00:00:00Z\nstatus: [\n");
    commits.push(("broken", commit(&s, "a truncated upload", "2026-11-03T00:05:00Z")));
    s.write(BILLING, snapshot("2026-11-04T00:00:00Z", "down", 41500, 39010, 0.2, 5000, 2));
    commits.push(("v4", commit(&s, "billing down", "2026-11-04T00:05:00Z")));
    std::fs::remove_file(s.path().join(BILLING)).expect("rm");
    commits.push(("deleted", commit(&s, "monitoring paused", "2026-11-05T00:05:00Z")));
    let v5 = snapshot("2026-11-06T00:00:00Z", "healthy", 42000, 40000, 0.001, 150, 0);
    s.write(BILLING, &v5);
    commits.push(("v5", commit(&s, "monitoring back", "2026-11-06T00:05:00Z")));
    s.write(BILLING, format!("# re-recorded by the new job\n{v5}"));
    commits.push(("comment", commit(&s, "the same observation again", "2026-11-07T00:05:00Z")));
    History { s, commits }
}

#[test]
fn table_lists_every_version_oldest_first_with_trends() {
    let h = history();
    let r = h.run(&["health", "history", "billing"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "1 commit repeated the snapshot before it and is shown once\n");
    snapbox::assert_data_eq!(h.named(&r.stdout), snapbox::file!["snapshots/history_billing.txt"].raw());
    assert!(!r.stdout.contains("<comment>"), "the repeated observation is shown once");
    // The same bytes from anywhere in the project, and with -q no note.
    let inside =
        crate::util::run_in(&h.s.registry().join("billing"), &["health", "history", "billing", "-q"]);
    assert_eq!((inside.code, inside.stdout.as_str(), inside.stderr.as_str()), (0, r.stdout.as_str(), ""));
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Report {
    module: String,
    path: String,
    since: Option<String>,
    collapsed: usize,
    excluded_by_since: usize,
    versions: Vec<Version>,
    trends: Trends,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Version {
    commit: String,
    date: String,
    observed_at: Option<String>,
    status: Option<String>,
    records: Option<BTreeMap<String, u64>>,
    error_rate: Option<f64>,
    latency_p95_ms: Option<f64>,
    issues: Option<u64>,
    deleted: bool,
    problem: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Trends {
    records: BTreeMap<String, Trend>,
    records_total: Trend,
    error_rate: Trend,
    latency_p95_ms: Trend,
    issues: Trend,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Trend {
    points: usize,
    first: Option<f64>,
    last: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
    sparkline: String,
}

fn trend(points: usize, first: f64, last: f64, min: f64, max: f64, sparkline: &str) -> Trend {
    Trend {
        points,
        first: Some(first),
        last: Some(last),
        min: Some(min),
        max: Some(max),
        sparkline: sparkline.into(),
    }
}

#[test]
fn json_has_every_version_and_the_trends() {
    let h = history();
    let r = h.run(&["health", "history", "billing", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    snapbox::assert_data_eq!(h.named(&r.stdout), snapbox::file!["snapshots/history_billing.json"].raw());
    let report: Report = r.json();
    let id = |name: &str| h.commits.iter().find(|(n, _)| *n == name).expect("named commit").1.clone();
    let valid = |name: &str,
                 date: &str,
                 observed: &str,
                 status: &str,
                 rec: [u64; 2],
                 rate: f64,
                 p95: f64,
                 issues: u64| {
        Version {
            commit: id(name),
            date: date.into(),
            observed_at: Some(observed.into()),
            status: Some(status.into()),
            records: Some(BTreeMap::from([("Invoice".to_owned(), rec[0]), ("Payment".to_owned(), rec[1])])),
            error_rate: Some(rate),
            latency_p95_ms: Some(p95),
            issues: Some(issues),
            deleted: false,
            problem: None,
        }
    };
    let gone = |name: &str, date: &str, problem: Option<&str>, observed: Option<&str>| Version {
        commit: id(name),
        date: date.into(),
        observed_at: observed.map(str::to_owned),
        status: None,
        records: None,
        error_rate: None,
        latency_p95_ms: None,
        issues: None,
        deleted: problem.is_none(),
        problem: problem.map(str::to_owned),
    };
    assert_eq!(report.module, "billing");
    assert_eq!(report.path, "registry/billing/health.yaml");
    assert_eq!((report.since, report.collapsed, report.excluded_by_since), (None, 1, 0));
    assert_eq!(
        report.versions,
        [
            valid(
                "v1",
                "2026-11-01T00:05:00Z",
                "2026-11-01T00:00:00Z",
                "healthy",
                [40000, 38000],
                0.002,
                180.0,
                0
            ),
            valid(
                "v2",
                "2026-11-02T00:05:00+01:00",
                "2026-11-02T00:00:00Z",
                "degraded",
                [41000, 39000],
                0.031,
                900.0,
                1
            ),
            gone(
                "broken",
                "2026-11-03T00:05:00Z",
                Some(
                    "E003 at 6:1: YAML syntax error: while parsing a node, did not find expected node content"
                ),
                None
            ),
            valid(
                "v4",
                "2026-11-04T00:05:00Z",
                "2026-11-04T00:00:00Z",
                "down",
                [41500, 39010],
                0.2,
                5000.0,
                2
            ),
            gone("deleted", "2026-11-05T00:05:00Z", None, None),
            valid(
                "v5",
                "2026-11-06T00:05:00Z",
                "2026-11-06T00:00:00Z",
                "healthy",
                [42000, 40000],
                0.001,
                150.0,
                0
            ),
        ]
    );
    let t = &report.trends;
    assert_eq!(t.records["Invoice"], trend(4, 40000.0, 42000.0, 40000.0, 42000.0, "▁▅ ▆ █"));
    assert_eq!(t.records_total, trend(4, 78000.0, 82000.0, 78000.0, 82000.0, "▁▅ ▅ █"));
    assert_eq!(t.error_rate, trend(4, 0.002, 0.001, 0.001, 0.2, "▁▂ █ ▁"));
    assert_eq!(t.latency_p95_ms, trend(4, 180.0, 150.0, 150.0, 5000.0, "▁▂ █ ▁"));
    assert_eq!(t.issues, trend(4, 0.0, 0.0, 0.0, 2.0, "▁▅ █ ▁"));
    // Deterministic: the same bytes twice.
    assert_eq!(h.run(&["health", "history", "billing", "--format", "json"]).stdout, r.stdout);
}

#[test]
fn since_filters_by_observed_at_else_by_commit_date() {
    let h = history();
    let versions = |args: &[&str]| {
        let mut all = vec!["health", "history", "billing", "--format", "json"];
        all.extend(args);
        let r = h.run(&all);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        let report: Report = r.json();
        let names: Vec<String> = report.versions.iter().map(|v| h.named(&v.commit)).collect();
        (names, report.excluded_by_since, report.since)
    };
    // The broken version has no observed_at: its commit date (11-03) places it.
    assert_eq!(
        versions(&["--since", "2026-11-03"]),
        (
            vec!["<broken>".into(), "<v4>".into(), "<deleted>".into(), "<v5>".into()],
            2,
            Some("2026-11-03T00:00:00Z".into())
        )
    );
    assert_eq!(
        versions(&["--since", "2026-11-03T00:05:01Z"]),
        (vec!["<v4>".into(), "<deleted>".into(), "<v5>".into()], 3, Some("2026-11-03T00:05:01Z".into()))
    );
    // An offset is honoured; the bound itself is included.
    assert_eq!(versions(&["--since", "2026-11-06T01:00:00+01:00"]).0, ["<v5>"]);
    let (none, excluded, _) = versions(&["--since", "2030-01-01"]);
    assert!(none.is_empty() && excluded == 6, "{none:?} {excluded}");

    let r = h.run(&["health", "history", "billing", "--since", "2026-11-05"]);
    assert_eq!(r.code, 0);
    let table = h.named(&r.stdout);
    assert!(table.starts_with("COMMIT "), "{table}");
    assert!(
        table.contains("\n<deleted>  ") && table.contains("\n<v5>  ") && !table.contains("<v4>"),
        "{table}"
    );
    assert!(r.stderr.contains("4 versions observed before 2026-11-05T00:00:00Z left out\n"), "{}", r.stderr);
    let r = h.run(&["health", "history", "billing", "--since", "2030-01-01"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    assert!(
        r.stderr.contains(
            "no snapshot of `billing` observed since 2030-01-01T00:00:00Z; 6 older versions left out"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_bad_since_is_a_usage_error_with_a_hint() {
    let h = history();
    for bad in ["last week", "2026-02-30", "2026-11-01 12:00", "2026-11-01T12:00:00"] {
        let r = h.run(&["health", "history", "billing", "--since", bad]);
        assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{bad}");
        assert_eq!(
            r.stderr,
            format!(
                "error: invalid --since `{bad}`: not a date or an RFC 3339 time\nhint: write a day as 2026-11-01 \
                 or a time with its offset as 2026-11-01T12:00:00Z\n"
            )
        );
    }
}

#[test]
fn outside_a_git_repository_is_a_usage_error_with_a_hint() {
    let s = Scratch::shipped();
    // Only meaningful when no repository encloses the temporary directory.
    let enclosed = Command::new("git")
        .current_dir(s.path())
        .args(["rev-parse", "--git-dir"])
        .output()
        .expect("git runs")
        .status
        .success();
    if enclosed {
        return;
    }
    let r = s.run(&["health", "history", "billing"]);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert!(
        r.stderr.starts_with("error: registry is not inside a git repository, and `health history`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("\nhint: run it in a clone of the repository that holds the registry"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_unknown_module_gets_the_registry_did_you_mean() {
    let h = history();
    for (id, near) in [("billng", "billing"), ("Billing", "billing"), ("../billing", "billing")] {
        let r = h.run(&["health", "history", id]);
        assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{id}");
        assert_eq!(
            r.stderr,
            format!("error: no module `{id}` in registry\nhint: did you mean `{near}`?\n"),
            "{id}"
        );
    }
}

#[test]
fn a_module_without_snapshots_has_an_empty_history() {
    let h = history();
    let r = h.run(&["health", "history", "currency"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    assert_eq!(
        r.stderr,
        "no snapshot of `currency` was ever committed (registry/currency/health.yaml has no history)\n\
         hint: monitoring jobs write it with `modreg health record currency FILE` and commit it\n"
    );
    let r = h.run(&["health", "history", "currency", "--format", "json"]);
    assert_eq!(r.code, 0);
    let report: Report = r.json();
    assert!(report.versions.is_empty() && report.trends.records.is_empty());
    assert_eq!(
        report.trends.error_rate,
        Trend { points: 0, first: None, last: None, min: None, max: None, sparkline: String::new() }
    );
}

#[test]
fn a_removed_module_keeps_its_history() {
    let h = history();
    std::fs::remove_dir_all(h.s.registry().join("billing")).expect("rm");
    commit(&h.s, "billing retired", "2026-11-08T00:00:00Z");
    let r = h.run(&["health", "history", "billing", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: Report = r.json();
    assert_eq!(report.versions.len(), 7);
    assert!(report.versions[6].deleted);
}

#[test]
fn many_data_models_share_one_records_column() {
    let s = Scratch::shipped();
    git_at(s.path(), "2026-11-01T00:00:00Z", &["init", "-q", "-b", "main"]);
    let records = |n: u64| {
        ["Activity", "Company", "Contact", "Deal", "Pipeline"]
            .iter()
            .map(|m| format!("  {m}: {{ count: {n} }}\n"))
            .collect::<String>()
    };
    for (day, n) in [(1, 10), (2, 20)] {
        s.write(
            "registry/crm/health.yaml",
            format!(
                "apiVersion: modreg/v1\nkind: Health\nmodule: crm\nobserved_at: 2026-11-0{day}T00:00:00Z\n\
                 status: healthy\nrecords:\n{}",
                records(n)
            ),
        );
        commit(&s, "crm", &format!("2026-11-0{day}T00:05:00Z"));
    }
    let r = s.run(&["health", "history", "crm"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[0].ends_with("STATUS   RECORDS  ERROR_RATE  P95_MS  ISSUES"), "{}", r.stdout);
    assert!(lines[1].ends_with("healthy       50           -       -       0"), "{}", r.stdout);
    assert!(lines[2].ends_with("healthy      100           -       -       0"), "{}", r.stdout);
    assert!(r.stdout.contains("\nrecords     ▁█  "), "{}", r.stdout);
    assert!(!r.stdout.contains("Pipeline"), "one column, one trend: {}", r.stdout);
}

/// A `git` on PATH that logs each run before handing over to the real one.
#[cfg(unix)]
#[test]
fn git_runs_a_fixed_number_of_times_however_long_the_history() {
    use std::os::unix::fs::PermissionsExt;

    let h = history();
    let real = Command::new("sh").args(["-c", "command -v git"]).output().expect("sh runs");
    let real = String::from_utf8(real.stdout).expect("UTF-8").trim().to_owned();
    let bin = tempfile::tempdir().expect("tempdir");
    let log = bin.path().join("calls.log");
    let wrapper = bin.path().join("git");
    std::fs::write(
        &wrapper,
        format!("#!/bin/sh\necho \"$1 $2 $3 $4\" >> '{}'\nexec '{real}' \"$@\"\n", log.display()),
    )
    .expect("write");
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default());

    let calls = |s: &Scratch| {
        let _ = std::fs::remove_file(&log);
        let out = command(s.path())
            .args(["health", "history", "billing"])
            .env("PATH", &path)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        std::fs::read_to_string(&log)
            .expect("git ran")
            .lines()
            .map(|l| l.split(' ').nth(2).unwrap_or("").to_owned())
            .collect::<Vec<_>>()
    };
    let few = calls(&h.s);
    // Twenty more versions change nothing in how often git runs.
    for i in 0..20 {
        h.s.write(
            BILLING,
            snapshot(&format!("2026-11-10T00:{i:02}:00Z"), "healthy", 42000 + i, 40000, 0.001, 150, 0),
        );
        commit(&h.s, "more", &format!("2026-11-10T00:{i:02}:30Z"));
    }
    let many = calls(&h.s);
    assert_eq!(few, many);
    assert_eq!(few, ["rev-parse", "log", "cat-file"], "one discovery, one log pass, one batch read");
}

#[test]
fn a_version_that_does_not_conform_shows_what_does() {
    let h = history();
    let text = snapshot("2026-11-08T00:00:00Z", "degraded", 43000, 41000, 0.5, 700, 1)
        .replace("error_rate: 0.5", "error_rate: 1.5");
    h.s.write(BILLING, text);
    let id = commit(&h.s, "a bad rate", "2026-11-08T00:05:00Z");
    let r = h.run(&["health", "history", "billing", "--format", "json", "--since", "2026-11-08"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: Report = r.json();
    let [v] = &report.versions[..] else { panic!("one version: {:#?}", report.versions) };
    assert_eq!(v.commit, id);
    assert_eq!(
        (v.status.as_deref(), v.error_rate, v.latency_p95_ms, v.issues),
        (Some("degraded"), None, Some(700.0), Some(1))
    );
    assert_eq!(v.observed_at.as_deref(), Some("2026-11-08T00:00:00Z"));
    let problem = v.problem.as_deref().unwrap_or_default();
    assert!(problem.starts_with("E0") && problem.contains("/metrics/error_rate"), "{problem}");
}
