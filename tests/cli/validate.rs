//! `modreg validate` end to end: exit codes, the JSON shape of SPEC §8, locations, --strict and
//! PATH filtering. Per-code fixtures live in `fixtures.rs`; output formats in `formats.rs`.

use crate::util::{Scratch, ValidateReport as Report, manifest, run};

#[test]
fn shipped_registry_is_clean() {
    let r = run(&["validate"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let rep: Report = run(&["validate", "--format", "json"]).json();
    assert_eq!((rep.errors, rep.warnings), (0, 0), "{:?}", rep.diagnostics);
    assert!(rep.modules >= 9);
}

#[test]
fn schema_errors_point_at_the_node_with_path_and_hint() {
    let s = Scratch::empty();
    s.write(
        "registry/shop/module.yaml",
        manifest(
            "shop",
            "capabilities:\n  endpoints:\n    - { method: GET, path: /a }\n    - { method: FETCH, path: /b }\nrelationship: []\n",
        ),
    );
    let r = s.run(&["validate", "--format", "json"]);
    assert_eq!(r.code, 1);
    let rep: Report = r.json();
    assert_eq!(rep.modules, 1);
    let found: Vec<(&str, u32, u32, Option<&str>)> = rep
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.line, d.column, d.instance_path.as_deref()))
        .collect();
    assert_eq!(
        found,
        [("E013", 15, 17, Some("/capabilities/endpoints/1/method")), ("E010", 16, 1, Some("/relationship")),]
    );
    let unknown = &rep.diagnostics[1];
    assert_eq!(unknown.file, "registry/shop/module.yaml");
    assert_eq!(unknown.severity, "error");
    assert_eq!(unknown.hint.as_deref(), Some("did you mean `relationships`?"));
    assert!(rep.diagnostics[0].message.contains("FETCH"), "{}", rep.diagnostics[0].message);
}

#[test]
fn missing_key_points_at_its_parent_mapping() {
    let s = Scratch::empty();
    s.write("registry/x1/module.yaml", "apiVersion: modreg/v1\nkind: Module\nmetadata:\n  id: x1\n  version: 1.0.0\n  status: active\n  type: ui\n  created: { at: 2025-01-01T00:00:00Z, by: me }\n");
    let rep: Report = s.run(&["validate", "--format", "json"]).json();
    let d = &rep.diagnostics[0];
    assert_eq!((d.code.as_str(), d.line, d.column), ("E011", 4, 3));
    assert!(d.message.contains("`name`"), "{}", d.message);
    assert_eq!(d.instance_path.as_deref(), Some("/metadata"));
}

#[test]
fn human_output_shows_the_line_and_a_caret() {
    let s = Scratch::empty();
    s.write(
        "registry/a1/module.yaml",
        manifest("a1", "relationships:\n  - { type: depends_on, target: nowhere }\n"),
    );
    let r = s.run(&["validate"]);
    assert_eq!(r.code, 1);
    snapbox::assert_data_eq!(
        r.stdout,
        snapbox::str![[r#"
error[E030]: depends_on target `nowhere` is not a module in the registry
  --> registry/a1/module.yaml:13:33
   |
13 |   - { type: depends_on, target: nowhere }
   |                                 ^^^^^^^ /relationships/0/target
   |
   = hint: create it with `modreg new nowhere --type … --name …` or fix the id


"#]]
    );
    assert_eq!(r.stderr, "validated 1 module: 1 error, 0 warnings\n");
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let s = Scratch::empty();
    s.write(
        "registry/a1/module.yaml",
        manifest("a1", "relationships:\n  - { type: depends_on, target: b0 }\n"),
    );
    s.write("registry/b1/module.yaml", manifest("b2", ""));
    s.write("registry/c1/module.yaml", "apiVersion: modreg/v1\nkind: Module\nmetadata: {\n");
    s.write("registry/d1/module.yaml", manifest("d1", "bogus: 1\n"));
    let rep: Report = s.run(&["validate", "--format", "json"]).json();
    let codes: Vec<&str> = rep.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E030", "E020", "E003", "E010"]);
    assert_eq!(rep.modules, 4);
}

#[test]
fn quiet_drops_the_summary_but_keeps_the_data() {
    let s = Scratch::empty();
    s.write("registry/a1/module.yaml", manifest("a1", "bogus: 1\n"));
    let r = s.run(&["-q", "validate"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "");
    assert!(r.stdout.contains("E010"));
}

#[test]
fn paths_limit_the_report_but_references_resolve_against_everything() {
    let s = Scratch::empty();
    s.write(
        "registry/a1/module.yaml",
        manifest("a1", "relationships:\n  - { type: depends_on, target: b1 }\n"),
    );
    s.write("registry/b1/module.yaml", manifest("b1", "bogus: 1\n"));
    // a1 alone is fine: its target b1 exists, even if b1 itself is broken elsewhere.
    let r = s.run(&["validate", "registry/a1/module.yaml", "--format", "json"]);
    let rep: Report = r.json();
    assert_eq!(rep.modules, 1);
    assert!(rep.diagnostics.iter().all(|d| d.file.starts_with("registry/a1")), "{:?}", rep.diagnostics);
    let r = s.run(&["validate", "registry/b1", "--format", "json"]);
    assert_eq!(r.code, 1);
    let r = s.run(&["validate", "registry/nope"]);
    assert_eq!(r.code, 2);
}

#[test]
fn strict_turns_warnings_into_errors() {
    let s = Scratch::empty();
    s.write("registry/a1/module.yaml", manifest("a1", ""));
    s.write("registry/a1/notes.txt", "scratch");
    let r = s.run(&["validate", "--format", "json"]);
    assert_eq!(r.code, 0, "a warning alone does not fail: {}", r.stdout);
    let rep: Report = r.json();
    assert_eq!((rep.errors, rep.warnings), (0, 1));
    let r = s.run(&["validate", "--strict", "--format", "json"]);
    assert_eq!(r.code, 1);
    let rep: Report = r.json();
    assert_eq!((rep.errors, rep.warnings), (1, 0));
    assert_eq!(rep.diagnostics[0].severity, "error");
    assert_eq!(rep.diagnostics[0].code, "W001");
}

#[test]
fn message_text_is_stable() {
    let s = Scratch::empty();
    s.write("registry/a1/module.yaml", manifest("a1", "").replace("status: active", "status: actve"));
    let rep: Report = s.run(&["validate", "--format", "json"]).json();
    let d = &rep.diagnostics[0];
    assert_eq!(
        d.message,
        "/metadata/status: `actve` is not one of experimental, active, inactive, deprecated, error, retired"
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `active`?"));
}

#[test]
fn a_reference_to_a_module_that_does_not_load_is_not_an_error() {
    let s = Scratch::empty();
    s.write(
        "registry/a1/module.yaml",
        manifest("a1", "relationships:\n  - { type: depends_on, target: a2 }\n"),
    );
    s.write("registry/a2/module.yaml", "apiVersion: modreg/v1\nkind: [\n");
    let rep: Report = s.run(&["validate", "--format", "json"]).json();
    // a2 exists (by its directory) even though its manifest is not YAML: only its own error.
    let codes: Vec<(&str, &str)> =
        rep.diagnostics.iter().map(|d| (d.code.as_str(), d.file.as_str())).collect();
    assert_eq!(codes, [("E003", "registry/a2/module.yaml")]);
    assert_eq!(rep.modules, 2);
}

/// A settings file whose `stale_after` does not parse: its diagnostic, in every format.
fn broken_settings() -> Scratch {
    let s = Scratch::shipped();
    s.write("modreg.yaml", "registry: registry\nhealth: { stale_after: 7 days }\n");
    s
}

#[test]
fn a_broken_settings_file_is_reported_in_every_format() {
    let s = broken_settings();
    let runs = |format: &str| {
        let r = s.run(&["validate", "--format", format]);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        assert_eq!(r.stderr, "validated 0 modules: 1 error, 0 warnings\n", "{format}");
        r.stdout
    };
    let human = runs("human");
    assert!(human.starts_with("error[E013]: /health/stale_after: "), "{human}");
    assert!(human.contains(" --> modreg.yaml:2:24\n"), "{human}");
    assert!(human.contains("= hint: write a number and a unit"), "{human}");

    let rep: Report = serde_json::from_str(&runs("json")).expect("JSON");
    assert_eq!((rep.modules, rep.errors, rep.warnings), (0, 1, 0));
    let d = &rep.diagnostics[0];
    assert_eq!((d.code.as_str(), d.file.as_str(), d.line, d.column), ("E013", "modreg.yaml", 2, 24));
    assert_eq!(d.instance_path.as_deref(), Some("/health/stale_after"));

    let github = runs("github");
    assert!(github.starts_with("::error file=modreg.yaml,line=2,col=24,title=E013::"), "{github}");

    let sarif: serde_json::Value = serde_json::from_str(&runs("sarif")).expect("SARIF is JSON");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(results[0]["ruleId"], "E013");
    let location = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "modreg.yaml");
    assert_eq!(location["region"]["startLine"], 2);

    let junit = runs("junit");
    assert!(junit.contains("tests=\"1\" failures=\"1\""), "{junit}");
    assert!(junit.contains("file=\"modreg.yaml\""), "{junit}");
    assert!(junit.contains("<failure type=\"E013\""), "{junit}");
}

#[test]
fn a_broken_settings_file_reaches_the_github_job_summary() {
    let s = broken_settings();
    let summary = s.path().join("summary.md");
    let out = crate::util::command(s.path())
        .args(["validate", "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("modreg runs");
    assert_eq!(out.status.code(), Some(1));
    let md = std::fs::read_to_string(&summary).expect("the summary is written");
    assert!(md.contains("| error | E013 | modreg.yaml:2:24 |"), "{md}");
}

#[test]
fn other_commands_keep_the_settings_error_on_stderr() {
    let s = broken_settings();
    let r = s.run(&["list", "--format", "json"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("error[E013]"), "{}", r.stderr);
}

#[test]
fn paths_outside_the_registry_or_of_no_module_are_usage_errors() {
    let s = Scratch::empty();
    s.write("registry/a1/module.yaml", manifest("a1", ""));
    s.write("registry/README.md", "# Our modules\n");
    s.write("README.md", "# The project\n");
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("module.yaml"), manifest("a1", "bogus: 1\n")).unwrap();
    let outside = elsewhere.path().join("module.yaml");
    for path in [outside.to_str().unwrap(), "README.md", "."] {
        let r = s.run(&["validate", path]);
        assert_eq!(r.code, 2, "{path}: {}{}", r.stdout, r.stderr);
        assert_eq!(r.stdout, "");
        assert!(
            r.stderr.starts_with(&format!("error: `{path}` is not in the registry `registry`\nhint: ")),
            "{path}: {}",
            r.stderr
        );
    }
    let r = s.run(&["validate", "registry/README.md", "--format", "json"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.starts_with(
            "error: `registry/README.md` is neither a module directory nor a file of a module\n"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hint: name the registry `registry`, a module directory"), "{}", r.stderr);

    let r = s.run(&["validate", "registry/nope"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("error: `registry/nope`: no such file or directory\n"), "{}", r.stderr);

    // What validate does report on: the registry, a module, a file of a module, a stray file.
    s.write("registry/notes.txt", "stray\n");
    for path in ["registry", "registry/", "registry/a1", "registry/a1/module.yaml", "registry/notes.txt"] {
        let r = s.run(&["validate", path]);
        assert_eq!(r.code, 0, "{path}: {}", r.stderr);
    }
    let rep: Report = s.run(&["validate", "registry/notes.txt", "--format", "json"]).json();
    assert_eq!(rep.diagnostics.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), ["W001"]);
}

#[cfg(unix)]
#[test]
fn a_path_into_the_registry_through_a_link_is_in_it() {
    let s = Scratch::empty();
    s.write("registry/a1/module.yaml", manifest("a1", "bogus: 1\n"));
    s.write("registry/b1/module.yaml", manifest("b1", "bogus: 1\n"));
    let link = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(s.registry(), link.path().join("reg")).unwrap();
    let via = link.path().join("reg/a1");
    let rep: Report = s.run(&["validate", via.to_str().unwrap(), "--format", "json"]).json();
    assert_eq!(rep.modules, 1);
    let files: Vec<&str> = rep.diagnostics.iter().map(|d| d.file.as_str()).collect();
    assert_eq!(files, ["registry/a1/module.yaml"]);
}

#[test]
fn pattern_errors_name_the_rule_not_the_regex() {
    let s = Scratch::empty();
    s.write(
        "registry/a1/module.yaml",
        manifest(
            "a1",
            "capabilities:\n  operations:\n    - { name: Bad-Op, kind: action }\n  endpoints:\n    - { method: GET, path: \"/a b\" }\n  \
             data_models:\n    - { name: 9Lives }\nrelationships:\n  - { type: depends_on, target: Auth_X }\n",
        )
        .replace("version: 1.0.0", "version: 1.2.3.4"),
    );
    let rep: Report = s.run(&["validate", "--format", "json"]).json();
    let found: Vec<(&str, &str, Option<&str>)> = rep
        .diagnostics
        .iter()
        .map(|d| (d.instance_path.as_deref().unwrap_or_default(), d.message.as_str(), d.hint.as_deref()))
        .collect();
    for (_, message, _) in &found {
        assert!(!message.contains('^') && !message.contains("\\d"), "a regex in: {message}");
    }
    let message =
        |path: &str| found.iter().find(|f| f.0 == path).unwrap_or_else(|| panic!("{path}: {found:#?}"));
    assert_eq!(
        message("/metadata/version").1,
        "/metadata/version: \"1.2.3.4\" is not a semantic version (MAJOR.MINOR.PATCH)"
    );
    assert!(message("/metadata/version").2.is_some_and(|h| h.contains("e.g. 1.4.0")));
    assert!(message("/relationships/0/target").1.ends_with(
        "\"Auth_X\" is not a module id (lowercase letters and digits, words joined by single hyphens)"
    ));
    assert!(message("/relationships/0/target").2.is_some_and(|h| h.ends_with("did you mean `auth-x`?")));
    assert!(message("/capabilities/operations/0/name").1.contains("is not an operation name"));
    assert!(
        message("/capabilities/operations/0/name").2.is_some_and(|h| h.ends_with("did you mean `bad_op`?"))
    );
    assert!(message("/capabilities/endpoints/0/path").1.contains("is not an endpoint path"));
    assert!(message("/capabilities/data_models/0/name").1.contains("is not a data model name"));

    // The settings file's durations too.
    std::fs::write(s.path().join("modreg.yaml"), "registry: registry\nhealth:\n  stale_after: 7 days\n")
        .expect("write settings");
    let r = s.run(&["validate"]);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("\"7 days\" is not a duration (a whole number and a unit)"), "{all}");
    assert!(all.contains("did you mean `7d`?"), "{all}");
    assert!(!all.contains("[smhdw]"), "{all}");
}

/// A tab in the indentation and nesting past the limit are shown at the offending character,
/// with the source line, however long the line is.
#[test]
fn yaml_front_end_errors_point_at_the_culprit_with_a_snippet() {
    let s = Scratch::empty();
    s.write("registry/a1/module.yaml", manifest("a1", "").replace("  type: service\n", "\ttype: service\n"));
    let r = s.run(&["validate"]);
    assert!(r.stdout.contains("YAML indentation must use spaces"), "{}", r.stdout);
    assert!(r.stdout.contains("--> registry/a1/module.yaml:8:1\n"), "{}", r.stdout);
    assert!(r.stdout.contains("8 |     type: service\n  | ^^^^\n"), "{}", r.stdout);

    for depth in [100, 300] {
        let deep = format!("config:\n  defaults:\n    deep: {}{}\n", "[".repeat(depth), "]".repeat(depth));
        s.write("registry/a1/module.yaml", manifest("a1", &deep));
        let r = s.run(&["validate"]);
        assert!(r.stdout.contains("nesting deeper than 64 levels"), "{}", r.stdout);
        assert!(r.stdout.contains("--> registry/a1/module.yaml:14:72\n"), "{depth}: {}", r.stdout);
        assert!(r.stdout.contains("14 |     deep: [[[["), "{depth}: no snippet: {}", r.stdout);
    }
}

/// A terminal escape in a name (the issue's example) is an error at the name, and the message
/// shows it escaped; multi-line text stays allowed where it belongs.
#[test]
fn control_characters_in_text_are_refused() {
    let s = Scratch::shipped();
    let path = "registry/crm/module.yaml";
    let text = s
        .read(path)
        .replace("  name: Customer Relationship Management\n", "  name: \"\\e[31mRED\\e]0;pwned\\a\"\n");
    s.write(path, text);
    let r = s.run(&["validate", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let rep: Report = r.json();
    let found: Vec<(&str, &str, u32, u32)> =
        rep.diagnostics.iter().map(|d| (d.code.as_str(), d.file.as_str(), d.line, d.column)).collect();
    assert_eq!(found, [("E015", path, 6, 9)]);
    let d = &rep.diagnostics[0];
    assert_eq!(d.instance_path.as_deref(), Some("/metadata/name"));
    assert!(d.message.contains("U+001B (ESC)") && d.message.contains("\\u{1b}[31mRED"), "{}", d.message);
    assert!(!d.message.chars().any(char::is_control), "{:?}", d.message);
    // The human report carries no raw escape either.
    let human = s.run(&["validate"]).stdout;
    assert!(!human.contains('\u{1b}') && !human.contains('\u{7}'), "{human:?}");
}
