//! `modreg health record ID FILE|-` (SPEC §3, §7): snapshots in as JSON or YAML, out as canonical
//! YAML written atomically; every refusal located in the input as it was sent, with the registry
//! left byte-for-byte as it was; and the verdict on fresh, stale, degraded and missing snapshots.

use serde::Deserialize;

use crate::util::{NOW, Run, Scratch, ValidateDiag, manifest, run_stdin, tree};

/// `health record --format json` on success.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Recorded {
    recorded: String,
    path: String,
    health: Verdict,
}

#[derive(Debug, Deserialize)]
struct Verdict {
    state: String,
    unhealthy: bool,
    reasons: Vec<String>,
}

/// `health record --format json` on refusal: `recorded` is null.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Refusal {
    recorded: Option<String>,
    diagnostics: Vec<ValidateDiag>,
}

/// One row of `list --format json`, as far as the verdict goes.
#[derive(Debug, Deserialize)]
struct Row {
    id: String,
    health: String,
    unhealthy: bool,
}

/// A valid snapshot of crm as monitoring jobs send it: pretty JSON, `observed_at` a day before
/// the tests' clock.
const CRM_JSON: &str = r#"{
  "apiVersion": "modreg/v1",
  "kind": "Health",
  "module": "crm",
  "observed_at": "2026-11-24T00:00:00Z",
  "status": "healthy",
  "records": {
    "Deal": {"count": 2214, "last_updated": "2026-11-23T23:55:00Z"},
    "Contact": {"count": 12450}
  },
  "metrics": {"requests_per_minute": 320.0, "latency_p95_ms": 180, "error_rate": 0.004},
  "issues": [
    {"id": "CRM-7", "severity": "error", "summary": "Dedupe job failed twice", "opened_at": "2026-11-23T08:00:00Z"}
  ]
}
"#;

/// The same snapshot in YAML, keys in another order.
const CRM_YAML: &str = "kind: Health\napiVersion: modreg/v1\nmodule: crm\nstatus: healthy\n\
observed_at: 2026-11-24T00:00:00Z\nmetrics: { error_rate: 0.004, latency_p95_ms: 180.0, requests_per_minute: 320 }\n\
records:\n  Contact: { count: 12450 }\n  Deal: { count: 2214, last_updated: 2026-11-23T23:55:00Z }\n\
issues:\n  - { id: CRM-7, severity: error, summary: Dedupe job failed twice, opened_at: \"2026-11-23T08:00:00Z\" }\n";

/// What `health record` writes for both.
const CRM_CANONICAL: &str = "# yaml-language-server: $schema=../../schemas/health.schema.json
apiVersion: modreg/v1
kind: Health
module: crm
observed_at: \"2026-11-24T00:00:00Z\"
status: healthy
records:
  Contact:
    count: 12450
  Deal:
    count: 2214
    last_updated: \"2026-11-23T23:55:00Z\"
metrics:
  requests_per_minute: 320
  latency_p95_ms: 180
  error_rate: 0.004
issues:
  - id: CRM-7
    severity: error
    summary: Dedupe job failed twice
    opened_at: \"2026-11-23T08:00:00Z\"
";

const CRM_HEALTH: &str = "registry/crm/health.yaml";

fn validates(s: &Scratch) {
    let v = s.run(&["validate"]);
    assert_eq!(v.code, 0, "the written snapshot must validate:\n{}{}", v.stdout, v.stderr);
}

#[test]
fn records_a_json_snapshot_from_a_file() {
    let s = Scratch::shipped();
    s.write("snap.json", CRM_JSON);
    let r = s.run(&["health", "record", "crm", "snap.json", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let done: Recorded = r.json();
    assert_eq!((done.recorded.as_str(), done.path.as_str()), ("crm", CRM_HEALTH));
    assert_eq!((done.health.state.as_str(), done.health.unhealthy), ("healthy", false));
    assert!(done.health.reasons.is_empty());
    assert_eq!(r.stderr, "recorded registry/crm/health.yaml: healthy\n");
    assert_eq!(s.read(CRM_HEALTH), CRM_CANONICAL);
    validates(&s);
    let show = s.run(&["show", "crm"]);
    assert!(show.stdout.contains("  error: Dedupe job failed twice\n"), "{}", show.stdout);
}

#[test]
fn records_yaml_from_stdin_as_the_same_bytes() {
    let s = Scratch::shipped();
    let r = run_stdin(s.path(), &["health", "record", "crm", "-"], CRM_YAML.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "", "the text format prints no data");
    assert_eq!(r.stderr, "recorded registry/crm/health.yaml: healthy\n");
    assert_eq!(s.read(CRM_HEALTH), CRM_CANONICAL, "YAML and JSON of one snapshot give the same file");
    validates(&s);
    // Deterministic: recording again, from either form, rewrites the same bytes.
    let q = run_stdin(s.path(), &["-q", "health", "record", "crm", "-"], CRM_JSON.as_bytes());
    assert_eq!((q.code, q.stdout.as_str(), q.stderr.as_str()), (0, "", ""), "-q silences the confirmation");
    assert_eq!(s.read(CRM_HEALTH), CRM_CANONICAL);
    // The written file is itself a snapshot `health record` takes back unchanged.
    let again = run_stdin(s.path(), &["health", "record", "crm", "-"], CRM_CANONICAL.as_bytes());
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(s.read(CRM_HEALTH), CRM_CANONICAL);
}

#[test]
fn json_the_yaml_front_end_refuses_is_read_as_json() {
    let s = Scratch::shipped();
    // Tabs, a surrogate pair (Python's json.dumps writes one for every emoji) and `\/`.
    let text = "{\n\t\"apiVersion\": \"modreg/v1\",\n\t\"kind\": \"Health\",\n\t\"observed_at\": \
                \"2026-11-24T00:00:00Z\",\n\t\"status\": \"unknown\",\n\t\"issues\": [{\"id\": \"X-1\", \
                \"severity\": \"info\", \"summary\": \"\\ud83d\\ude00 a\\/b\"}]\n}";
    let r = run_stdin(s.path(), &["health", "record", "email", "-"], text.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(s.read("registry/email/health.yaml").contains("summary: \u{1f600} a/b\n"));
    validates(&s);
}

#[test]
fn a_yaml_flow_mapping_is_yaml_not_broken_json() {
    let s = Scratch::shipped();
    let text = "{apiVersion: modreg/v1, kind: Health, observed_at: 2026-11-24T00:00:00Z, status: healthy,}";
    let r = run_stdin(s.path(), &["health", "record", "email", "-"], text.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    validates(&s);
}

#[test]
fn module_is_filled_in_from_the_id_when_absent() {
    let s = Scratch::shipped();
    let without = CRM_JSON.replace("  \"module\": \"crm\",\n", "");
    assert_ne!(without, CRM_JSON);
    let r = run_stdin(s.path(), &["health", "record", "crm", "-"], without.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(s.read(CRM_HEALTH), CRM_CANONICAL, "`module` in its place in the model's order");
    // Positions of problems are those of the text that was sent, filled in or not.
    let bad = without.replace("\"error_rate\": 0.004", "\"error_rate\": 2");
    let refusal = refused(&s, &["crm", "-"], bad.as_bytes());
    assert_eq!(located(&refusal), [("E013", "<stdin>", 10, 82)]);
}

// ---------------------------------------------------------------------------------------------
// Refusals: exit 1, located diagnostics, the registry byte-for-byte unchanged, no temp file.

/// Record `input` with `args` (`ID FILE|-`) and insist it is refused with nothing changed: the
/// same bytes in every file of the project (the old snapshot, no temporary file beside it) and
/// `{"recorded": null, ...}` on stdout.
fn refused(s: &Scratch, args: &[&str], input: &[u8]) -> Refusal {
    let before = tree(s.path());
    let mut full = vec!["health", "record"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--format", "json", "--no-cache"]);
    let r = run_stdin(s.path(), &full, input);
    assert_eq!(r.code, 1, "{args:?}: {}{}", r.stdout, r.stderr);
    assert_eq!(tree(s.path()), before, "{args:?}: a refused snapshot changes nothing");
    let refusal: Refusal = r.json();
    assert_eq!(refusal.recorded, None);
    assert!(!refusal.diagnostics.is_empty());
    for d in &refusal.diagnostics {
        assert!(!d.message.trim().is_empty(), "{d:?}");
        assert!(d.line >= 1 && d.column >= 1, "{d:?}");
    }
    assert!(r.stderr.starts_with("error: refused the snapshot for"), "{}", r.stderr);
    refusal
}

/// (code, file, line, column) of each diagnostic.
fn located(r: &Refusal) -> Vec<(&str, &str, u32, u32)> {
    r.diagnostics.iter().map(|d| (d.code.as_str(), d.file.as_str(), d.line, d.column)).collect()
}

fn hint(r: &Refusal, code: &str) -> String {
    r.diagnostics.iter().find(|d| d.code == code).and_then(|d| d.hint.clone()).unwrap_or_default()
}

#[test]
fn refuses_an_unknown_module_with_a_did_you_mean() {
    let s = Scratch::shipped();
    let r = refused(&s, &["crn", "-"], CRM_JSON.replace("\"crm\"", "\"crn\"").as_bytes());
    assert_eq!(located(&r), [("E073", "<stdin>", 4, 13)]);
    assert_eq!(hint(&r, "E073"), "did you mean `crm`?");
    // Without `module`, at the top of the input; a module whose manifest does not load is named
    // as such.
    s.write(
        "registry/broken/module.yaml",
        manifest("broken", "").replace("status: active", "status: sleeping"),
    );
    let without = CRM_JSON.replace("  \"module\": \"crm\",\n", "");
    let r = refused(&s, &["broken", "-"], without.as_bytes());
    assert_eq!(located(&r), [("E073", "<stdin>", 1, 1)]);
    assert!(r.diagnostics[0].message.contains("does not load"), "{:?}", r.diagnostics);
    assert!(hint(&r, "E073").contains("modreg validate"), "{:?}", r.diagnostics);
}

#[test]
fn refuses_records_for_an_unknown_data_model() {
    let s = Scratch::shipped();
    let r = refused(&s, &["crm", "-"], CRM_JSON.replace("\"Deal\"", "\"Deals\"").as_bytes());
    assert_eq!(located(&r), [("E071", "<stdin>", 8, 5)]);
    assert_eq!(hint(&r, "E071"), "did you mean `Deal`?");
}

#[test]
fn refuses_bad_json_at_its_line_and_column() {
    let s = Scratch::shipped();
    let bad = CRM_JSON.replace("\"status\": \"healthy\",", "\"status\": \"healthy\"");
    let r = refused(&s, &["crm", "-"], bad.as_bytes());
    assert_eq!(located(&r), [("E008", "<stdin>", 7, 3)]);
    assert!(r.diagnostics[0].message.starts_with("JSON syntax error: expected `,`"), "{:?}", r.diagnostics);
    assert!(hint(&r, "E008").contains("missing"));
    // The human form shows the line that was sent, under the name `<stdin>`.
    let human = run_stdin(s.path(), &["health", "record", "crm", "-"], bad.as_bytes());
    assert_eq!((human.code, human.stdout.as_str()), (1, ""));
    assert!(
        human.stderr.starts_with("error[E008]: JSON syntax error: expected `,` or `}`\n --> <stdin>:7:3\n"),
        "{}",
        human.stderr
    );
    assert!(human.stderr.contains("7 |   \"records\": {\n"), "{}", human.stderr);
    // A file is named as given; cut-off output is reported at its end.
    s.write("cut.json", &CRM_JSON[..40]);
    let r = refused(&s, &["crm", "cut.json"], b"");
    assert_eq!(located(&r), [("E008", "cut.json", 3, 9)]);
    assert!(hint(&r, "E008").contains("cut off"), "{:?}", r.diagnostics);
}

#[test]
fn refuses_a_snapshot_from_the_future() {
    let s = Scratch::shipped();
    let ahead = CRM_JSON.replace("2026-11-24T00:00:00Z", "2026-11-25T00:01:01Z");
    let r = refused(&s, &["crm", "-"], ahead.as_bytes());
    assert_eq!(located(&r), [("E072", "<stdin>", 5, 18)]);
    assert!(r.diagnostics[0].message.contains("1 min ahead of the clock (2026-11-25T00:00:00Z)"));
    // A minute of clock skew is allowed, and offsets count.
    let skewed = CRM_JSON.replace("2026-11-24T00:00:00Z", "2026-11-25T00:01:00Z");
    assert_eq!(run_stdin(s.path(), &["health", "record", "crm", "-"], skewed.as_bytes()).code, 0);
    let local = CRM_JSON.replace("2026-11-24T00:00:00Z", "2026-11-25T02:00:00+02:00");
    assert_eq!(run_stdin(s.path(), &["health", "record", "crm", "-"], local.as_bytes()).code, 0);
    let r = refused(
        &s,
        &["crm", "-"],
        CRM_JSON.replace("2026-11-24T00:00:00Z", "2027-01-01T00:00:00Z").as_bytes(),
    );
    assert!(r.diagnostics[0].message.contains("37 d ahead"), "{:?}", r.diagnostics);
    // validate does not judge the clock (see `modreg explain E072`): the snapshot recorded a
    // minute ahead still validates.
    validates(&s);
}

#[test]
fn refuses_schema_errors_and_another_modules_snapshot_reporting_every_one() {
    let s = Scratch::shipped();
    let bad = CRM_JSON
        .replace("\"error_rate\": 0.004", "\"error_rate\": 2")
        .replace("\"module\": \"crm\"", "\"module\": \"billing\"")
        .replace("\"severity\": \"error\"", "\"severity\": \"fatal\"")
        .replace("\"Deal\"", "\"Deals\"");
    let r = refused(&s, &["crm", "-"], bad.as_bytes());
    assert_eq!(
        located(&r),
        [
            ("E070", "<stdin>", 4, 13),
            ("E071", "<stdin>", 8, 5),
            ("E013", "<stdin>", 11, 82),
            ("E013", "<stdin>", 13, 33),
        ]
    );
    assert!(hint(&r, "E070").contains("modreg health record billing"), "{:?}", r.diagnostics);
    // YAML is located the same way.
    let yaml = CRM_YAML.replace("error_rate: 0.004", "error_rate: -1");
    let r = refused(&s, &["crm", "-"], yaml.as_bytes());
    assert_eq!(located(&r), [("E013", "<stdin>", 6, 24)]);
    // Control characters are refused as validate refuses them (E015).
    let escape = CRM_JSON.replace("Dedupe job", "Dedupe \\u001b[31mjob");
    assert_eq!(located(&refused(&s, &["crm", "-"], escape.as_bytes())), [("E015", "<stdin>", 13, 53)]);
    // So is an empty input, and YAML that is not YAML.
    assert_eq!(located(&refused(&s, &["crm", "-"], b"")), [("E006", "<stdin>", 1, 1)]);
    assert_eq!(located(&refused(&s, &["crm", "-"], b"status: [healthy\n")), [("E003", "<stdin>", 2, 1)]);
}

#[test]
fn an_oversized_input_is_refused_without_reading_it_whole() {
    let s = Scratch::shipped();
    let mut big = CRM_JSON.as_bytes().to_vec();
    big.resize(8 * 1024 * 1024 + 1, b' ');
    let r = refused(&s, &["crm", "-"], &big);
    assert_eq!(located(&r), [("E005", "<stdin>", 1, 1)]);
    assert!(r.diagnostics[0].message.contains("more than 8388608 bytes"), "{:?}", r.diagnostics);
    // Up to the limit is fine (trailing white space is still JSON).
    big.pop();
    assert_eq!(run_stdin(s.path(), &["health", "record", "crm", "-"], &big).code, 0);
}

#[test]
fn the_write_needs_a_registry_and_a_readable_input() {
    let s = Scratch::shipped();
    let r = s.run(&["health", "record", "crm", "missing.json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("error: missing.json: "), "{}", r.stderr);
    let empty = tempfile::tempdir().expect("tempdir");
    let r = run_stdin(empty.path(), &["health", "record", "crm", "-"], CRM_JSON.as_bytes());
    assert_eq!(r.code, 2, "a writing command never invents a registry: {}", r.stderr);
    assert!(r.stderr.contains("modreg init"), "{}", r.stderr);
    assert!(tree(empty.path()).is_empty());
}

// ---------------------------------------------------------------------------------------------
// The verdict, on snapshots fresh, stale, degraded and missing.

#[test]
fn the_verdict_on_fresh_stale_degraded_and_missing_snapshots() {
    let s = Scratch::empty();
    s.write("modreg.yaml", "registry: registry\nhealth:\n  stale_after: 7d\n  max_latency_p95_ms: 500\n");
    for id in ["fresh", "stale", "degraded", "slow", "missing"] {
        s.write(&format!("registry/{id}/module.yaml"), manifest(id, ""));
    }
    let snap = |observed: &str, status: &str, p95: u32| {
        format!(
            "{{\"apiVersion\": \"modreg/v1\", \"kind\": \"Health\", \"observed_at\": \"{observed}\", \
             \"status\": \"{status}\", \"metrics\": {{\"latency_p95_ms\": {p95}}}}}"
        )
    };
    let cases = [
        ("fresh", snap("2026-11-24T23:59:00Z", "healthy", 100), "healthy", Vec::<&str>::new()),
        ("stale", snap("2026-11-17T23:59:59Z", "healthy", 100), "stale", vec!["snapshot older than 7d"]),
        ("degraded", snap("2026-11-24T00:00:00Z", "degraded", 100), "degraded", vec!["status degraded"]),
        (
            "slow",
            snap("2026-11-24T00:00:00Z", "healthy", 900),
            "healthy",
            vec!["p95 latency 900 ms above 500 ms"],
        ),
    ];
    for (id, text, state, reasons) in &cases {
        let r = run_stdin(s.path(), &["health", "record", id, "-", "--format", "json"], text.as_bytes());
        assert_eq!(r.code, 0, "{id}: {}", r.stderr);
        let done: Recorded = r.json();
        assert_eq!(done.health.state, *state, "{id}");
        assert_eq!(done.health.reasons, *reasons, "{id}");
        assert_eq!(done.health.unhealthy, !reasons.is_empty(), "{id}");
    }
    let stale = run_stdin(s.path(), &["health", "record", "stale", "-"], cases[1].1.as_bytes());
    assert_eq!(stale.stderr, "recorded registry/stale/health.yaml: stale (snapshot older than 7d)\n");
    validates(&s);
    let rows: Vec<Row> = s.run(&["list", "--format", "json"]).json();
    let got: Vec<(&str, &str, bool)> =
        rows.iter().map(|r| (r.id.as_str(), r.health.as_str(), r.unhealthy)).collect();
    assert_eq!(
        got,
        [
            ("degraded", "degraded", true),
            ("fresh", "healthy", false),
            ("missing", "missing", false),
            ("slow", "healthy", true),
            ("stale", "stale", true),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// The write itself: the mode a plain write gives, and concurrent writers.

#[cfg(unix)]
#[test]
fn the_snapshot_gets_the_umask_mode_and_a_replaced_one_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt as _;
    let s = Scratch::shipped();
    s.write("snap.json", CRM_JSON);
    let record = |umask: &str, id: &str| {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_modreg"))
            .args(["health", "record", id, "snap.json"])
            .current_dir(s.path())
            .env_remove("MODREG_REGISTRY")
            .env("MODREG_NOW", NOW)
            .output()
            .expect("sh runs modreg");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    let mode =
        |rel: &str| std::fs::metadata(s.path().join(rel)).expect("written").permissions().mode() & 0o777;
    // crm has a snapshot already: it keeps its mode whatever the umask.
    std::fs::set_permissions(s.path().join(CRM_HEALTH), std::fs::Permissions::from_mode(0o640)).unwrap();
    record("077", "crm");
    assert_eq!(mode(CRM_HEALTH), 0o640);
    assert_eq!(s.read(CRM_HEALTH), CRM_CANONICAL);
    // email has none: a new file gets 0666 less the umask.
    s.write(
        "snap.json",
        "{\"apiVersion\": \"modreg/v1\", \"kind\": \"Health\", \"observed_at\": \"2026-11-24T00:00:00Z\", \"status\": \"healthy\"}",
    );
    std::fs::remove_file(s.path().join("registry/email/health.yaml")).ok();
    record("022", "email");
    assert_eq!(mode("registry/email/health.yaml"), 0o644);
    std::fs::remove_file(s.path().join("registry/email/health.yaml")).unwrap();
    record("027", "email");
    assert_eq!(mode("registry/email/health.yaml"), 0o640);
}

#[test]
fn eight_concurrent_records_of_different_modules_all_land() {
    let s = Scratch::shipped();
    let ids = ["analytics", "auth", "billing", "cpq", "crm", "currency", "email", "inventory"];
    let runs: Vec<Run> = std::thread::scope(|scope| {
        let handles: Vec<_> = ids
            .iter()
            .map(|id| {
                let text = format!(
                    "{{\"apiVersion\": \"modreg/v1\", \"kind\": \"Health\", \"observed_at\": \"2026-11-24T12:00:00Z\", \
                     \"status\": \"degraded\", \"issues\": [{{\"id\": \"{id}-1\", \"severity\": \"error\", \"summary\": \"{id}\"}}]}}"
                );
                let path = s.path().to_path_buf();
                scope.spawn(move || run_stdin(&path, &["health", "record", id, "-", "--format", "json"], text.as_bytes()))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    for (id, r) in ids.iter().zip(&runs) {
        assert_eq!(r.code, 0, "{id}: {}", r.stderr);
        let done: Recorded = r.json();
        assert_eq!(done.recorded, *id);
        let text = s.read(&format!("registry/{id}/health.yaml"));
        assert!(
            text.contains(&format!("module: {id}\n")) && text.contains("status: degraded\n"),
            "{id}: {text}"
        );
        assert!(text.contains(&format!("summary: {id}\n")), "{id}: {text}");
    }
    let leftovers: Vec<String> = tree(&s.registry())
        .into_iter()
        .map(|(p, _)| p.display().to_string())
        .filter(|p| p.contains(".modreg-") || p.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    validates(&s);
}
