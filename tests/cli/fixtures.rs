//! Data-driven validation fixtures (`tests/fixtures/{invalid,valid}/<case>/`).
//!
//! Each case is a small project: `modreg.yaml` (so discovery stops at the case and never finds
//! the repository's own registry) and a `registry/`. An invalid case lists in `expected.json`
//! exactly the diagnostics `modreg validate --format json` must report, as (code, file, line,
//! column) with `file` relative to the case; a valid case must report nothing. Cases that need
//! bytes a text fixture cannot hold (NUL, invalid UTF-8) or symbolic links are generated below.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use modreg::diag::{Code, Severity};
use serde::Deserialize;

use crate::util::{Run, Scratch, ValidateDiag as Diag, ValidateReport as Report, manifest, repo, run_in};

/// One line of `expected.json`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    code: String,
    file: String,
    line: u32,
    column: u32,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}:{}:{}", self.code, self.file, self.line, self.column)
    }
}

impl Diag {
    fn key(&self) -> Expected {
        Expected { code: self.code.clone(), file: self.file.clone(), line: self.line, column: self.column }
    }
}

/// Codes no committed fixture can show, and the test that generates them instead.
const GENERATED: &[(Code, &str)] = &[
    (Code::Encoding, "encoding_errors_are_located_at_the_byte"),
    // Only `health record` reports these: they concern the input it was sent and the clock.
    (Code::JsonSyntax, "record::refuses_bad_json_at_its_line_and_column"),
    (Code::HealthFuture, "record::refuses_a_snapshot_from_the_future"),
    (Code::HealthUnknownModule, "record::refuses_an_unknown_module_with_a_did_you_mean"),
    // Only `register` reports these: they concern the manifest it was sent.
    (Code::RegisterExists, "register::an_existing_id_is_refused_and_nothing_changes"),
    (Code::RegisterSimilar, "register::a_near_duplicate_is_refused_unless_allowed"),
];

/// Codes no input can produce today, and why. Keep this list empty if at all possible.
const UNREACHABLE: &[(Code, &str)] = &[(
    Code::SchemaViolation,
    "every keyword the shipped schemas use (type, enum, pattern, format, required, additionalProperties, \
     minimum/maximum, minLength/maxLength) maps to a more specific code; E014 is the fallback for keywords \
     a future schema adds",
)];

fn fixtures(kind: &str) -> PathBuf {
    repo().join("tests/fixtures").join(kind)
}

fn cases(kind: &str) -> Vec<PathBuf> {
    let dir = fixtures(kind);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no fixture cases under {}", dir.display());
    out
}

fn name(case: &Path) -> String {
    case.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn expected(case: &Path) -> Vec<Expected> {
    let path = case.join("expected.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut list: Vec<Expected> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    list.sort();
    list
}

/// Run `validate --format json` in a case and decode the report.
fn validate(case: &Path) -> (Run, Report) {
    assert!(
        case.join("modreg.yaml").is_file(),
        "{}: every case needs a modreg.yaml with `registry: registry`, or discovery finds the repository's registry",
        case.display()
    );
    let r = run_in(case, &["validate", "--format", "json"]);
    let report: Report = r.json();
    (r, report)
}

/// Every way the report differs from what is expected, as readable lines; empty when it fits.
fn compare(case: &Path, want: &[Expected], r: &Run, report: &Report) -> Vec<String> {
    let mut got: Vec<&Diag> = report.diagnostics.iter().collect();
    got.sort_by_key(|d| d.key());
    let mut problems = Vec::new();
    let mut missing: Vec<Expected> = want.to_vec();
    let mut unexpected: Vec<&Diag> = Vec::new();
    for d in got {
        match missing.iter().position(|e| *e == d.key()) {
            Some(at) => {
                missing.remove(at);
            }
            None => unexpected.push(d),
        }
    }
    for e in &missing {
        problems.push(format!("  - expected, not reported: {e}"));
    }
    for d in &unexpected {
        problems.push(format!("  + reported, not expected: {}  ({})", d.key(), d.message));
    }
    let errors =
        want.iter().filter(|e| Code::parse(&e.code).is_some_and(|c| c.severity() == Severity::Error)).count();
    let want_status = if errors > 0 { 1 } else { 0 };
    if r.code != want_status {
        problems.push(format!(
            "  exit status {} (expected {want_status}); stderr: {}",
            r.code,
            r.stderr.trim()
        ));
    }
    if report.errors + report.warnings != report.diagnostics.len() {
        problems.push(format!(
            "  errors + warnings ({} + {}) differ from the diagnostics listed",
            report.errors, report.warnings
        ));
    }
    for d in &report.diagnostics {
        problems.extend(shape_problems(d));
    }
    if !problems.is_empty() {
        problems.insert(0, format!("{}:", case.display()));
    }
    problems
}

/// What every diagnostic owes its reader: a message, a pointer into a manifest or snapshot it
/// blames, and a hint wherever a fix can be suggested.
fn shape_problems(d: &Diag) -> Vec<String> {
    let mut out = Vec::new();
    let Some(code) = Code::parse(&d.code) else {
        return vec![format!("  unknown code {} in the output", d.code)];
    };
    if d.message.trim().is_empty() {
        out.push(format!("  {}: empty message", d.key()));
    }
    // The YAML front end cannot know a pointer; files without a document (strays, unreadable
    // files, directories) have none either.
    let yaml_level = code <= Code::UnsupportedYaml;
    let in_document =
        d.file.ends_with(".yaml") && !yaml_level && !matches!(code, Code::StrayFile | Code::MissingManifest);
    if in_document && d.instance_path.is_none() {
        out.push(format!("  {}: no instance_path", d.key()));
    }
    if code >= Code::IdMismatch && d.hint.as_deref().is_none_or(|h| h.trim().is_empty()) {
        out.push(format!("  {}: no hint", d.key()));
    }
    out
}

#[test]
fn invalid_fixtures_report_exactly_the_expected_diagnostics() {
    let mut failures = Vec::new();
    for case in cases("invalid") {
        let want = expected(&case);
        assert!(!want.is_empty(), "{}: an invalid case expects at least one diagnostic", case.display());
        let (r, report) = validate(&case);
        failures.extend(compare(&case, &want, &r, &report));
    }
    assert!(failures.is_empty(), "fixtures differ from expected.json:\n{}", failures.join("\n"));
}

#[test]
fn valid_fixtures_report_nothing() {
    let mut failures = Vec::new();
    for case in cases("valid") {
        assert!(
            !case.join("expected.json").exists(),
            "{}: a valid case has no expected.json",
            case.display()
        );
        let (r, report) = validate(&case);
        failures.extend(compare(&case, &[], &r, &report));
    }
    assert!(failures.is_empty(), "valid fixtures report diagnostics:\n{}", failures.join("\n"));
}

#[test]
fn every_code_has_an_invalid_fixture() {
    let mut covered: BTreeSet<Code> = BTreeSet::new();
    for case in cases("invalid") {
        let want = expected(&case);
        for e in &want {
            let code =
                Code::parse(&e.code).unwrap_or_else(|| panic!("{}: unknown code {}", case.display(), e.code));
            covered.insert(code);
        }
        // Cases are named after the code they show: `E030-unknown-target`.
        let n = name(&case);
        let prefix = n.split('-').next().unwrap_or_default();
        assert!(
            want.iter().any(|e| e.code == prefix),
            "{}: named after {prefix}, which its expected.json does not list",
            case.display()
        );
    }
    covered.extend(GENERATED.iter().map(|(c, _)| *c));
    covered.extend(UNREACHABLE.iter().map(|(c, _)| *c));
    let uncovered: Vec<&str> =
        Code::ALL.iter().filter(|c| !covered.contains(c)).map(|c| c.as_str()).collect();
    assert!(uncovered.is_empty(), "codes without a fixture under tests/fixtures/invalid: {uncovered:?}");
}

// ---------------------------------------------------------------------------------------------
// Generated cases: bytes and links that do not belong in committed text fixtures.

/// (code, file, line, column) of a scratch run, sorted.
fn located(s: &Scratch) -> (i32, Vec<Expected>) {
    let r = s.run(&["validate", "--format", "json"]);
    let report: Report = r.json();
    for d in &report.diagnostics {
        let problems = shape_problems(d);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
    let mut found: Vec<Expected> = report.diagnostics.iter().map(Diag::key).collect();
    found.sort();
    (r.code, found)
}

fn exp(code: &str, file: &str, line: u32, column: u32) -> Expected {
    Expected { code: code.to_owned(), file: file.to_owned(), line, column }
}

#[test]
fn encoding_errors_are_located_at_the_byte() {
    let s = Scratch::empty();
    let mut nul = manifest("alpha", "").into_bytes();
    nul.extend_from_slice(b"docs:\n  summary: a\0b\n");
    s.write("registry/alpha/module.yaml", nul);
    let mut latin1 = manifest("beta", "").into_bytes();
    latin1.extend_from_slice(b"docs:\n  summary: caf\xe9\n");
    s.write("registry/beta/module.yaml", latin1);
    // A stray byte-order mark of UTF-16 is not UTF-8.
    s.write("registry/beta/health.yaml", b"\xff\xfeapiVersion: modreg/v1\n");
    let (code, found) = located(&s);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [
            exp("E002", "registry/alpha/module.yaml", 13, 13),
            exp("E002", "registry/beta/health.yaml", 1, 1),
            exp("E002", "registry/beta/module.yaml", 13, 15),
        ]
    );
}

#[cfg(unix)]
#[test]
fn links_are_never_followed() {
    use std::os::unix::fs::symlink;
    let s = Scratch::empty();
    s.write("outside/secret.md", "# not part of the registry\n");
    s.write("outside/module.yaml", manifest("alpha", ""));
    // A manifest that is a link is not read.
    std::fs::create_dir_all(s.registry().join("alpha")).expect("mkdir");
    symlink(s.path().join("outside/module.yaml"), s.registry().join("alpha/module.yaml")).expect("symlink");
    // A docs path that leads out through a link is refused; one that stays inside is fine.
    s.write(
        "registry/beta/module.yaml",
        manifest("beta", "docs:\n  usage: docs/usage.md\n  api: docs/api.md\n"),
    );
    s.write("registry/beta/guide/api.md", "# API\n");
    std::fs::create_dir_all(s.registry().join("beta/docs")).expect("mkdir");
    symlink("../../../outside/secret.md", s.registry().join("beta/docs/usage.md")).expect("symlink");
    symlink("../guide/api.md", s.registry().join("beta/docs/api.md")).expect("symlink");
    // Any other link inside a module directory is a stray, whether or not its target exists.
    symlink("/etc", s.registry().join("beta/etc")).expect("symlink");
    symlink("nowhere.md", s.registry().join("beta/guide/dangling.md")).expect("symlink");
    let (code, found) = located(&s);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [
            exp("E001", "registry/alpha/module.yaml", 1, 1),
            exp("E035", "registry/beta/module.yaml", 13, 10),
            exp("W001", "registry/beta/etc", 1, 1),
            exp("W001", "registry/beta/guide/dangling.md", 1, 1),
        ]
    );
}
