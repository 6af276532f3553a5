//! The output formats of `modreg validate` on one small invalid registry: a golden file per
//! format, the SARIF log decoded and checked against the SARIF 2.1.0 schema, GitHub escaping
//! and the job summary, and repository-relative paths for the CI formats.
//!
//! Regenerate the goldens with `SNAPSHOTS=overwrite cargo test --test cli formats` and review
//! the diff.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;

use crate::util::{Run, Scratch, command, manifest};

/// Three modules and a stray file: an unknown relationship target (E030) in `alpha`, a typo'd
/// key (E010) that keeps `beta` from loading, a clean `gamma`, and `registry/notes.txt` (W001).
/// A `.git` directory makes the scratch directory the repository root.
fn invalid_registry() -> Scratch {
    let s = Scratch::empty();
    std::fs::create_dir(s.path().join(".git")).expect("mkdir .git");
    s.write(
        "registry/alpha/module.yaml",
        manifest("alpha", "relationships:\n  - { type: depends_on, target: ghost }\n"),
    );
    s.write("registry/beta/module.yaml", manifest("beta", "  nme: Beta\n"));
    s.write("registry/gamma/module.yaml", manifest("gamma", ""));
    s.write("registry/notes.txt", "remember the milk\n");
    s
}

fn validate(s: &Scratch, format: &str) -> Run {
    let r = s.run(&["validate", "--format", format]);
    assert_eq!(r.code, 1, "validate --format {format}: {}{}", r.stdout, r.stderr);
    assert_eq!(r.stderr, "validated 3 modules: 2 errors, 1 warning\n", "the summary line stays on stderr");
    r
}

#[test]
fn human_golden() {
    let r = validate(&invalid_registry(), "human");
    assert!(!r.stdout.contains('\u{1b}'), "no colour off a terminal");
    snapbox::assert_data_eq!(r.stdout, snapbox::file!["snapshots/validate_human.txt"]);
}

#[test]
fn json_golden() {
    let r = validate(&invalid_registry(), "json");
    snapbox::assert_data_eq!(r.stdout, snapbox::file!["snapshots/validate_json.json"].raw());
}

#[test]
fn github_golden() {
    let r = validate(&invalid_registry(), "github");
    snapbox::assert_data_eq!(r.stdout, snapbox::file!["snapshots/validate_github.txt"]);
}

#[test]
fn sarif_golden() {
    let r = validate(&invalid_registry(), "sarif");
    snapbox::assert_data_eq!(r.stdout, snapbox::file!["snapshots/validate_sarif.json"].raw());
}

#[test]
fn junit_golden() {
    let r = validate(&invalid_registry(), "junit");
    snapbox::assert_data_eq!(r.stdout, snapbox::file!["snapshots/validate_junit.xml"]);
}

#[test]
fn every_format_is_deterministic() {
    let s = invalid_registry();
    for format in ["human", "json", "github", "sarif", "junit"] {
        assert_eq!(validate(&s, format).stdout, validate(&s, format).stdout, "{format}");
    }
}

// ---- SARIF, decoded into the test's own types --------------------------------------------

#[derive(Debug, Deserialize)]
struct SarifLog {
    #[serde(rename = "$schema")]
    schema: String,
    version: String,
    runs: Vec<SarifRun>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun {
    tool: Tool,
    column_kind: String,
    results: Vec<SarifResult>,
}

#[derive(Debug, Deserialize)]
struct Tool {
    driver: Driver,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: String,
    version: String,
    information_uri: String,
    rules: Vec<Rule>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    short_description: Message,
    help: Help,
    default_configuration: Configuration,
}

#[derive(Debug, Deserialize)]
struct Message {
    text: String,
}

#[derive(Debug, Deserialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Debug, Deserialize)]
struct Configuration {
    level: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: String,
    message: Message,
    locations: Vec<Location>,
    partial_fingerprints: HashMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
}

impl SarifResult {
    fn place(&self) -> (&str, &str, u32, u32) {
        let p = &self.locations[0].physical_location;
        (self.rule_id.as_str(), p.artifact_location.uri.as_str(), p.region.start_line, p.region.start_column)
    }

    fn fingerprint(&self) -> &str {
        &self.partial_fingerprints["primaryLocationLineHash"]
    }
}

#[test]
fn sarif_log_has_the_shape_code_scanning_expects() {
    let s = invalid_registry();
    let log: SarifLog = validate(&s, "sarif").json();
    assert_eq!(log.version, "2.1.0");
    assert_eq!(log.schema, "https://json.schemastore.org/sarif-2.1.0.json");
    assert_eq!(log.runs.len(), 1);
    let run = &log.runs[0];
    assert_eq!(run.column_kind, "unicodeCodePoints");
    assert_eq!(run.tool.driver.name, "modreg");
    assert_eq!(run.tool.driver.version, env!("CARGO_PKG_VERSION"));
    // SARIF Multitool's SARIF2005 wants it; Cargo.toml's `repository` is the one source.
    assert_eq!(run.tool.driver.information_uri, env!("CARGO_PKG_REPOSITORY"));
    assert!(run.tool.driver.information_uri.starts_with("https://"), "an absolute URI");

    // Every code is a rule, once, with its description, help and default level.
    let listed = crate::util::run(&["explain", "--list"]);
    // The diagnostic codes; the rules of `modreg diff` follow after a blank line.
    let codes: Vec<&str> = listed
        .stdout
        .lines()
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let ids: Vec<&str> = run.tool.driver.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, codes);
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len(), "rule ids are unique");
    for rule in &run.tool.driver.rules {
        assert!(!rule.short_description.text.is_empty(), "{}", rule.id);
        assert!(rule.help.markdown.contains("```"), "{}", rule.id);
        assert!(!rule.help.text.contains("```"), "{}", rule.id);
        let want = if rule.id.starts_with('E') { "error" } else { "warning" };
        assert_eq!(rule.default_configuration.level, want, "{}", rule.id);
    }

    let places: Vec<_> = run.results.iter().map(SarifResult::place).collect();
    assert_eq!(
        places,
        [
            ("E030", "registry/alpha/module.yaml", 13, 33),
            ("E010", "registry/beta/module.yaml", 12, 3),
            ("W001", "registry/notes.txt", 1, 1),
        ]
    );
    for r in &run.results {
        assert_eq!(run.tool.driver.rules[r.rule_index].id, r.rule_id, "ruleIndex points at the rule");
        assert_eq!(r.level, if r.rule_id.starts_with('E') { "error" } else { "warning" });
        assert_eq!(
            r.locations[0].physical_location.artifact_location.uri_base_id.as_deref(),
            Some("%SRCROOT%")
        );
        assert!(!r.message.text.is_empty());
    }
    assert!(
        run.results[1].message.text.ends_with("(hint: did you mean `name`?)"),
        "{}",
        run.results[1].message.text
    );
    let fingerprints: BTreeSet<&str> = run.results.iter().map(SarifResult::fingerprint).collect();
    assert_eq!(fingerprints.len(), 3, "distinct findings have distinct fingerprints");
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let schema_path = crate::util::repo().join("tests/fixtures/sarif-schema-2.1.0.json");
    let mut schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&schema_path).expect("vendored SARIF schema"))
            .expect("schema is JSON");
    // The published schema's `language` patterns have a stray `]` that strict regex engines
    // reject when the schema is compiled; patch them in memory to what they mean (see the README
    // beside the schema). modreg does not write `language`.
    for owner in ["run", "toolComponent"] {
        let pattern = schema
            .pointer_mut(&format!("/definitions/{owner}/properties/language/pattern"))
            .expect("language pattern");
        assert_eq!(pattern, "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$");
        *pattern = serde_json::json!("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
    }
    let validator = jsonschema::options().build(&schema).expect("the SARIF schema compiles");
    let s = invalid_registry();
    // The invalid registry, the same under --strict, and a clean one (no results).
    let clean = Scratch::empty();
    clean.write("registry/gamma/module.yaml", manifest("gamma", ""));
    let logs = [
        validate(&s, "sarif").stdout,
        s.run(&["validate", "--format", "sarif", "--strict"]).stdout,
        clean.run(&["validate", "--format", "sarif"]).stdout,
    ];
    for out in logs {
        let instance: serde_json::Value = serde_json::from_str(&out).expect("SARIF is JSON");
        let errors: Vec<String> =
            validator.iter_errors(&instance).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "SARIF log violates the schema:\n{}", errors.join("\n"));
    }
}

#[test]
fn sarif_fingerprints_survive_edits_above_the_finding() {
    let s = invalid_registry();
    let before: SarifLog = validate(&s, "sarif").json();
    let alpha = s.read("registry/alpha/module.yaml");
    s.write("registry/alpha/module.yaml", format!("# a comment\n# another\n{alpha}"));
    let after: SarifLog = validate(&s, "sarif").json();
    let (b, a) = (&before.runs[0].results[0], &after.runs[0].results[0]);
    assert_eq!((b.rule_id.as_str(), a.rule_id.as_str()), ("E030", "E030"));
    assert_eq!(a.place().2, b.place().2 + 2, "the line moved");
    assert_eq!(a.fingerprint(), b.fingerprint(), "the fingerprint did not");
}

#[test]
fn ci_paths_are_relative_to_the_repository_root() {
    let s = invalid_registry();
    let sub = s.path().join("registry");
    let in_sub = |format: &str| {
        let out = command(&sub)
            .args(["--registry", ".", "validate", "--format", format])
            .output()
            .expect("modreg runs");
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    // Human and JSON output show paths from the cwd, in their shortest form ...
    assert!(in_sub("json").contains("\"file\": \"alpha/module.yaml\""));
    // ... GitHub and SARIF from the repository root, where GitHub resolves them.
    let gh = in_sub("github");
    assert!(gh.contains("::error file=registry/alpha/module.yaml,line=13,col=33,title=E030::"), "{gh}");
    let log: SarifLog = serde_json::from_str(&in_sub("sarif")).expect("SARIF");
    assert_eq!(log.runs[0].results[0].place().1, "registry/alpha/module.yaml");

    // Without a repository, paths stay relative to the cwd.
    let bare = Scratch::empty();
    bare.write(
        "registry/alpha/module.yaml",
        manifest("alpha", "relationships:\n  - { type: depends_on, target: ghost }\n"),
    );
    let out = bare.run(&["validate", "--format", "github"]).stdout;
    assert!(out.starts_with("::error file=registry/alpha/module.yaml,"), "{out}");
}

// ---- GitHub ------------------------------------------------------------------------------

#[test]
fn github_escapes_messages_and_properties() {
    let s = Scratch::empty();
    s.write("registry/a,b:c%/module.yaml", manifest("odd", "  \"50%: a,b\\nc\": 1\n"));
    let r = s.run(&["validate", "--format", "github"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    let unknown = lines.iter().find(|l| l.contains("title=E010")).expect("an E010 annotation");
    assert!(
        unknown.starts_with(
            "::error file=registry/a%2Cb%3Ac%25/module.yaml,line=12,col=3,title=E010::unknown key `50%25: a,b%0Ac` in /metadata (hint: "
        ),
        "{unknown}"
    );
    assert!(lines.iter().all(|l| l.starts_with("::error ") || l.starts_with("::warning ")), "{}", r.stdout);
}

#[test]
fn github_appends_a_job_summary() {
    let s = invalid_registry();
    let summary = s.write("summary.md", "# Earlier step\n\n");
    let out = command(s.path())
        .args(["validate", "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("modreg runs");
    assert_eq!(out.status.code(), Some(1));
    let md = std::fs::read_to_string(&summary).expect("summary");
    let ours = md.strip_prefix("# Earlier step\n\n").expect("appended, not overwritten");
    snapbox::assert_data_eq!(ours, snapbox::file!["snapshots/validate_github_summary.md"]);

    // Each run appends again; other formats leave the file alone.
    let again = command(s.path())
        .args(["validate", "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    let json = command(s.path())
        .args(["validate", "--format", "json"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&summary).unwrap(), format!("# Earlier step\n\n{ours}{ours}"));
}

#[test]
fn github_summary_that_cannot_be_written_is_an_io_error() {
    let s = invalid_registry();
    let out = command(s.path())
        .args(["validate", "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", s.path().join("no/such/dir/summary.md"))
        .output()
        .expect("modreg runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: ") && stderr.contains("summary.md"), "{stderr}");
}

#[test]
fn github_on_a_clean_registry_prints_nothing_and_summarises() {
    let s = Scratch::empty();
    s.write("registry/gamma/module.yaml", manifest("gamma", ""));
    let summary = s.path().join("summary.md");
    let out = command(s.path())
        .args(["validate", "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("modreg runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&summary).unwrap(),
        "## modreg validate\n\nValidated 1 module: 0 errors, 0 warnings\n\nNo problems found.\n\n"
    );
}

// ---- JUnit -------------------------------------------------------------------------------

#[test]
fn junit_strict_turns_warnings_into_failures_and_paths_narrow_the_cases() {
    let s = invalid_registry();
    let strict = s.run(&["validate", "--format", "junit", "--strict"]);
    assert_eq!(strict.code, 1);
    assert!(strict.stdout.contains("tests=\"4\" failures=\"3\""), "{}", strict.stdout);
    assert!(strict.stdout.contains("<failure type=\"W001\""), "{}", strict.stdout);
    assert!(!strict.stdout.contains("<system-out>"), "{}", strict.stdout);

    let one = s.run(&["validate", "--format", "junit", "registry/gamma"]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert_eq!(
        one.stdout,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"modreg\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0\">\n  \
         <testsuite name=\"modreg validate\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0\">\n    \
         <testcase name=\"gamma\" classname=\"modreg.validate\" file=\"registry/gamma/module.yaml\" time=\"0\"/>\n  \
         </testsuite>\n</testsuites>\n"
    );
    assert_eq!(one.stderr, "validated 1 module: 0 errors, 0 warnings\n");
}

#[test]
fn junit_has_one_failure_per_case_with_every_error() {
    let s = Scratch::empty();
    // Two unknown keys in one manifest: two errors, one test case.
    s.write("registry/alpha/module.yaml", manifest("alpha", "  nme: x\n  tgas: [y]\n"));
    let r = s.run(&["validate", "--format", "junit"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("tests=\"1\" failures=\"1\""), "{}", r.stdout);
    assert_eq!(r.stdout.matches("<failure").count(), 1, "one failure for the one case: {}", r.stdout);
    let failure = &r.stdout[r.stdout.find("<failure").unwrap()..r.stdout.find("</failure>").unwrap()];
    assert!(
        failure.starts_with(
            "<failure type=\"E010\" message=\"2 errors: E010 unknown key `nme` in /metadata; E010 unknown key `tgas` in /metadata\">"
        ),
        "{failure}"
    );
    for want in [
        "registry/alpha/module.yaml:12:3 E010 unknown key `nme` in /metadata\nhint: did you mean `name`?\n",
        "registry/alpha/module.yaml:13:3 E010 unknown key `tgas` in /metadata\nhint: did you mean `tags`?",
    ] {
        assert!(failure.contains(want), "{want} missing from {failure}");
    }
}

#[test]
fn junit_escapes_xml_and_drops_illegal_characters() {
    let s = Scratch::empty();
    s.write("registry/odd/module.yaml", manifest("odd", "  \"<&'\\\"\\x01>\": 1\n"));
    let r = s.run(&["validate", "--format", "junit"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("message=\"unknown key `&lt;&amp;&apos;&quot;&gt;` in /metadata\""),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains('\u{1}'));
}

/// The stderr summary and exit status do not depend on the format.
#[test]
fn summary_and_status_are_the_same_in_every_format() {
    let s = invalid_registry();
    for format in ["human", "json", "github", "sarif", "junit"] {
        let r = validate(&s, format);
        let quiet = s.run(&["-q", "validate", "--format", format]);
        assert_eq!(
            (quiet.code, quiet.stderr.as_str(), quiet.stdout.as_str()),
            (1, "", r.stdout.as_str()),
            "{format}"
        );
    }
}
