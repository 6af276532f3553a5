//! `modreg register FILE|-` (SPEC §4, §7, §8): a manifest from an AI pipeline, checked as if it
//! were in the registry, refused with located diagnostics (the registry left byte-for-byte as it
//! was) or written atomically as canonical YAML; concurrent registrations.

use serde::Deserialize;

use crate::util::{Run, Scratch, ValidateDiag, ValidateReport, manifest, run_stdin, tree};

/// `register` on success.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Registered {
    registered: Option<String>,
    #[serde(default)]
    would_register: Option<String>,
    path: String,
    dry_run: bool,
    similar: Vec<Similar>,
    warnings: Vec<ValidateDiag>,
}

/// `register` on refusal: `registered` is null.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Refusal {
    registered: Option<String>,
    diagnostics: Vec<ValidateDiag>,
    similar: Vec<Similar>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Similar {
    id: String,
    name: String,
    score: f64,
    matched: Vec<String>,
}

/// A new module unlike anything in the shipped registry, depending on `auth`.
fn fleet(id: &str) -> String {
    format!(
        "apiVersion: modreg/v1\nkind: Module\nmetadata:\n  id: {id}\n  name: Fleet tracking {id}\n  \
         description: Tracks delivery vans, their GPS positions, routes and driver shifts.\n  version: 0.1.0\n  \
         status: experimental\n  type: service\n  created: {{ at: \"2026-11-27T10:00:00Z\", by: pipeline-7 }}\n  \
         tags: [logistics, \"yes\", \"1.10\", \"0x1F\", \"2026-01-01\"]\n\
         capabilities:\n  operations:\n    - {{ name: record_position, kind: create, entity: VanPosition }}\n  \
         endpoints:\n    - {{ method: POST, path: /api/{id}/positions, operation: record_position }}\n  \
         data_models:\n    - name: VanPosition\n      schema: {{ type: object, properties: {{ lat: {{ type: number }}, \
         \"on\": {{ type: boolean }} }} }}\n\
         relationships:\n  - {{ type: depends_on, target: auth, version: \">=1.0.0\" }}\n"
    )
}

fn refusal(r: &Run) -> Refusal {
    assert_eq!(r.code, 1, "refused: {}\n{}", r.stdout, r.stderr);
    let refused: Refusal = r.json();
    assert_eq!(refused.registered, None);
    assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    refused
}

#[test]
fn a_new_module_is_written_as_canonical_yaml_that_validates() {
    let s = Scratch::shipped();
    let input = s.write("fleet.yaml", fleet("fleet-tracking"));
    let r = s.run(&["register", input.to_str().expect("utf-8")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let done: Registered = r.json();
    assert_eq!(done.registered.as_deref(), Some("fleet-tracking"));
    assert_eq!(done.path, "registry/fleet-tracking/module.yaml");
    assert!(!done.dry_run && done.would_register.is_none() && done.warnings.is_empty());
    assert!(r.stderr.contains("registered `fleet-tracking` at registry/fleet-tracking/module.yaml"));
    let text = s.read("registry/fleet-tracking/module.yaml");
    assert!(text.starts_with(
        "# yaml-language-server: $schema=../../schemas/module.schema.json\napiVersion: modreg/v1\n"
    ));
    // Strings a YAML 1.1 reader (PyYAML, js-yaml) would take for a bool, float, int or date are
    // quoted, keys included; the flow style of the input becomes block style.
    for quoted in [
        "- \"yes\"\n",
        "- \"1.10\"\n",
        "- \"0x1F\"\n",
        "- \"2026-01-01\"\n",
        "\"on\":\n",
        "at: \"2026-11-27T10:00:00Z\"\n",
    ] {
        assert!(text.contains(quoted), "{quoted:?} in\n{text}");
    }
    assert!(text.contains("  operations:\n    - name: record_position\n      kind: create\n"), "{text}");
    let v: ValidateReport = s.run(&["validate", "--format", "json"]).json();
    assert_eq!((v.modules, v.errors, v.warnings), (13, 0, 0), "{:?}", v.diagnostics);
    // The same manifest gives the same bytes: registering the written file elsewhere reproduces it.
    let again = Scratch::shipped();
    let copy = again.write("copy.yaml", &text);
    assert_eq!(again.run(&["register", copy.to_str().expect("utf-8")]).code, 0);
    assert_eq!(again.read("registry/fleet-tracking/module.yaml"), text);
}

#[test]
fn json_from_standard_input_is_registered() {
    let s = Scratch::shipped();
    let json = r#"{
  "apiVersion": "modreg/v1", "kind": "Module",
  "metadata": {"id": "geo-fence", "name": "Geo fences", "version": "1.0.0", "status": "active",
               "type": "service", "created": {"at": "2026-11-27T10:00:00Z", "by": "pipeline"}},
  "relationships": [{"type": "depends_on", "target": "auth", "version": ">=1.0.0"}]
}"#;
    let r = run_stdin(s.path(), &["register", "-"], json.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let done: Registered = r.json();
    assert_eq!(done.registered.as_deref(), Some("geo-fence"));
    let text = s.read("registry/geo-fence/module.yaml");
    assert!(text.contains("metadata:\n  id: geo-fence\n  name: Geo fences\n"), "{text}");
}

#[test]
fn an_existing_id_is_refused_and_nothing_changes() {
    let s = Scratch::shipped();
    let before = tree(&s.registry());
    let text = manifest("crm", "");
    let r = run_stdin(s.path(), &["register", "-"], text.as_bytes());
    let refused = refusal(&r);
    assert_eq!(refused.diagnostics.len(), 1, "{:?}", refused.diagnostics);
    let d = &refused.diagnostics[0];
    assert_eq!((d.code.as_str(), d.file.as_str(), d.line, d.column), ("E080", "<stdin>", 4, 7));
    assert!(d.message.contains("module `crm` is already registered"), "{}", d.message);
    assert_eq!(tree(&s.registry()), before);
}

#[test]
fn an_invalid_manifest_is_refused_with_lines_in_the_text_sent() {
    let s = Scratch::shipped();
    let before = tree(&s.registry());
    // Line 7: a status that does not exist; line 13: a target that does not exist.
    let text = manifest("fleet-tracking", "relationships:\n  - { type: depends_on, target: nowhere }\n")
        .replace("status: active", "status: actve");
    let r = run_stdin(s.path(), &["register", "-"], text.as_bytes());
    let refused = refusal(&r);
    let found: Vec<(&str, &str, u32)> =
        refused.diagnostics.iter().map(|d| (d.code.as_str(), d.file.as_str(), d.line)).collect();
    assert_eq!(found, [("E013", "<stdin>", 7), ("E030", "<stdin>", 13)], "{:?}", refused.diagnostics);
    assert_eq!(tree(&s.registry()), before);
    // --format human shows them as `validate` does, with the text that was sent.
    let r = run_stdin(s.path(), &["register", "-", "--format", "human"], text.as_bytes());
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("--> <stdin>:7:11"), "{}", r.stderr);
    assert!(r.stderr.contains("status: actve"), "{}", r.stderr);
    assert!(r.stderr.contains("error: refused the manifest: 2 errors; nothing was written"), "{}", r.stderr);
}

#[test]
fn a_json_manifest_with_an_error_is_located_in_the_json() {
    let s = Scratch::shipped();
    let json = "{\n  \"apiVersion\": \"modreg/v1\",\n  \"kind\": \"Module\",\n  \"metadata\": {\n    \"id\": \"geo-fence\",\n    \
                \"name\": \"Geo\",\n    \"version\": 1,\n    \"status\": \"active\",\n    \"type\": \"service\",\n    \
                \"created\": {\"at\": \"2026-11-27T10:00:00Z\", \"by\": \"p\"}\n  }\n}\n";
    let refused = refusal(&run_stdin(s.path(), &["register", "-"], json.as_bytes()));
    let d = &refused.diagnostics[0];
    assert_eq!((d.code.as_str(), d.line, d.column), ("E012", 7, 16), "{:?}", refused.diagnostics);
    // Broken JSON is a JSON error at its position.
    let refused = refusal(&run_stdin(s.path(), &["register", "-"], b"{\"apiVersion\": \"modreg/v1\",,}"));
    let d = &refused.diagnostics[0];
    assert_eq!((d.code.as_str(), d.line, d.column), ("E008", 1, 28), "{:?}", refused.diagnostics);
}

#[test]
fn garbage_and_empty_input_are_refused() {
    let s = Scratch::shipped();
    let before = tree(&s.registry());
    for (input, code) in [
        (&b""[..], "E006"),
        (&b"\n\n"[..], "E006"),
        (&b"\x00\xff\xfe binary"[..], "E002"),
        (&b"- just\n- a list\n"[..], "E012"),
        (&b"key: [unclosed\n"[..], "E003"),
    ] {
        let refused = refusal(&run_stdin(s.path(), &["register", "-"], input));
        assert_eq!(refused.diagnostics[0].code, code, "{input:?}: {:?}", refused.diagnostics);
        assert_eq!(refused.diagnostics[0].file, "<stdin>");
    }
    let r = run_stdin(s.path(), &["register", "-"], b"");
    assert!(r.stdout.contains("the manifest is empty"), "{}", r.stdout);
    assert_eq!(tree(&s.registry()), before);
}

#[test]
fn problems_already_in_the_registry_do_not_refuse_a_good_manifest() {
    let s = Scratch::shipped();
    // An existing module with a dangling reference: `validate` fails, but not because of the new one.
    s.write(
        "registry/legacy-fax/module.yaml",
        manifest("legacy-fax", "relationships:\n  - { type: depends_on, target: gone }\n"),
    );
    assert_eq!(s.run(&["validate"]).code, 1);
    let r = run_stdin(s.path(), &["register", "-"], fleet("fleet-tracking").as_bytes());
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    // A problem the new module brings into another module's file is its own: a clash of routes.
    let clash = fleet("route-owner").replace("/api/route-owner/positions", "/api/crm/contacts");
    let refused = refusal(&run_stdin(s.path(), &["register", "-"], clash.as_bytes()));
    assert!(
        refused.diagnostics.iter().any(|d| d.code == "E060" && d.file == "<stdin>"),
        "{:?}",
        refused.diagnostics
    );
}

#[test]
fn warnings_do_not_refuse_but_are_reported() {
    let s = Scratch::shipped();
    // An active module depending on the deprecated legacy-fax: W040.
    let text = manifest("fax-bridge", "relationships:\n  - { type: depends_on, target: legacy-fax }\n");
    let r = run_stdin(s.path(), &["register", "-"], text.as_bytes());
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let done: Registered = r.json();
    assert_eq!(done.warnings.len(), 1, "{:?}", done.warnings);
    assert_eq!((done.warnings[0].code.as_str(), done.warnings[0].line), ("W040", 13));
}

#[test]
fn a_dry_run_checks_everything_and_writes_nothing() {
    let s = Scratch::shipped();
    let before = tree(&s.registry());
    let r = run_stdin(s.path(), &["register", "--dry-run", "-"], fleet("fleet-tracking").as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let done: Registered = r.json();
    assert_eq!(done.registered, None);
    assert_eq!(done.would_register.as_deref(), Some("fleet-tracking"));
    assert!(done.dry_run);
    assert!(r.stderr.contains("dry run"), "{}", r.stderr);
    assert_eq!(tree(&s.registry()), before);
    // A dry run refuses what a real run refuses.
    refusal(&run_stdin(s.path(), &["register", "--dry-run", "-"], manifest("crm", "").as_bytes()));
}

#[test]
fn docs_written_before_the_manifest_are_kept_and_checked() {
    let s = Scratch::shipped();
    s.write("registry/fleet-tracking/docs/usage.md", "# Usage\n");
    let text = fleet("fleet-tracking") + "docs:\n  usage: docs/usage.md\n";
    let r = run_stdin(s.path(), &["register", "-"], text.as_bytes());
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(s.read("registry/fleet-tracking/docs/usage.md"), "# Usage\n");
    // A docs path that is not there is a reference error, located in the input.
    let text = fleet("fleet-two") + "docs:\n  api: docs/api.md\n";
    let refused = refusal(&run_stdin(s.path(), &["register", "--allow-similar", "-"], text.as_bytes()));
    assert_eq!(refused.diagnostics[0].code, "E035");
    assert!(!s.registry().join("fleet-two").exists(), "a refusal leaves no directory behind");
}

#[test]
fn eight_concurrent_registrations_of_different_ids_all_land() {
    let s = Scratch::shipped();
    let ids: Vec<String> = (1..=8).map(|i| format!("fleet-{i}")).collect();
    let runs: Vec<Run> = std::thread::scope(|scope| {
        let handles: Vec<_> = ids
            .iter()
            .map(|id| {
                let text = fleet(id);
                let path = s.path().to_path_buf();
                scope.spawn(move || run_stdin(&path, &["register", "--allow-similar", "-"], text.as_bytes()))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    for (id, r) in ids.iter().zip(&runs) {
        assert_eq!(r.code, 0, "{id}: {}\n{}", r.stdout, r.stderr);
        assert!(s.read(&format!("registry/{id}/module.yaml")).contains(&format!("id: {id}\n")));
    }
    let v: ValidateReport = s.run(&["validate", "--format", "json"]).json();
    assert_eq!((v.modules, v.errors), (20, 0), "{:?}", v.diagnostics);
    let leftovers: Vec<_> =
        tree(&s.registry()).into_iter().filter(|(p, _)| p.to_string_lossy().contains(".modreg-")).collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn of_eight_concurrent_registrations_of_one_id_exactly_one_wins() {
    let s = Scratch::shipped();
    let runs: Vec<(usize, Run)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                // Each sends a different description, so the winner is known from the file.
                let text =
                    fleet("fleet-tracking").replace("driver shifts.", &format!("driver shifts, take {i}."));
                let path = s.path().to_path_buf();
                scope.spawn(move || (i, run_stdin(&path, &["register", "-"], text.as_bytes())))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    let winners: Vec<usize> = runs.iter().filter(|(_, r)| r.code == 0).map(|(i, _)| *i).collect();
    assert_eq!(winners.len(), 1, "{:?}", runs.iter().map(|(_, r)| &r.stderr).collect::<Vec<_>>());
    for (_, r) in runs.iter().filter(|(_, r)| r.code != 0) {
        let refused = refusal(r);
        assert_eq!(refused.diagnostics[0].code, "E080", "{:?}", refused.diagnostics);
    }
    let text = s.read("registry/fleet-tracking/module.yaml");
    assert!(text.contains(&format!("take {}.", winners[0])), "the file is the winner's: {text}");
}

#[test]
fn a_missing_input_file_is_an_io_error() {
    let s = Scratch::shipped();
    let r = s.run(&["register", "no-such.yaml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no-such.yaml"), "{}", r.stderr);
}

/// A fixture of `tests/fixtures/similar/` (each names the module it duplicates on line 1).
fn similar_fixture(kind: &str, id: &str) -> String {
    std::fs::read_to_string(crate::util::repo().join(format!("tests/fixtures/similar/{kind}/{id}.yaml")))
        .expect("fixture")
}

#[test]
fn a_near_duplicate_is_refused_unless_allowed() {
    let s = Scratch::shipped();
    let before = tree(&s.registry());
    let text = similar_fixture("duplicates", "customer-hub");
    let refused = refusal(&run_stdin(s.path(), &["register", "-"], text.as_bytes()));
    let d = &refused.diagnostics[0];
    assert_eq!(refused.diagnostics.len(), 1, "{:?}", refused.diagnostics);
    assert_eq!((d.code.as_str(), d.file.as_str(), d.line, d.column), ("E081", "<stdin>", 6, 9));
    assert!(d.message.contains("`customer-hub` looks like a duplicate of `crm`"), "{}", d.message);
    assert!(d.hint.as_deref().is_some_and(|h| h.contains("--allow-similar")));
    let top = &refused.similar[0];
    assert_eq!((top.id.as_str(), top.name.as_str()), ("crm", "Customer Relationship Management"));
    assert!(top.score >= 0.15 && top.score <= 1.0, "{}", top.score);
    assert!(top.matched.iter().any(|f| f == "name"), "{:?}", top.matched);
    assert_eq!(tree(&s.registry()), before);

    let r = run_stdin(s.path(), &["register", "--allow-similar", "-"], text.as_bytes());
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let done: Registered = r.json();
    assert_eq!(done.registered.as_deref(), Some("customer-hub"));
    assert_eq!(done.similar[0].id, "crm");
    assert!(r.stderr.contains("similar to `crm`"), "{}", r.stderr);
}

#[test]
fn the_duplicate_check_holds_in_another_domain_and_spares_new_modules() {
    let s = Scratch::empty();
    crate::util::copy_dir(&crate::util::repo().join("examples/clinic/registry"), &s.registry());
    let refused = refusal(&run_stdin(
        s.path(),
        &["register", "-"],
        similar_fixture("duplicates", "text-reminders").as_bytes(),
    ));
    assert_eq!(refused.diagnostics[0].code, "E081", "{:?}", refused.diagnostics);
    assert_eq!(refused.similar[0].id, "sms-reminders");
    for new in ["fleet-tracking", "feature-flags", "translation-service"] {
        let r = run_stdin(s.path(), &["register", "--dry-run", "-"], similar_fixture("new", new).as_bytes());
        assert_eq!(r.code, 0, "{new}: {}\n{}", r.stdout, r.stderr);
        let done: Registered = r.json();
        assert!(done.similar.is_empty(), "{new}: {:?}", done.similar);
    }
}

#[test]
fn the_threshold_comes_from_the_settings() {
    let s = Scratch::shipped();
    let settings = s.read("modreg.yaml") + "register:\n  similarity_threshold: 0.95\n";
    s.write("modreg.yaml", settings);
    let r = run_stdin(s.path(), &["register", "-"], similar_fixture("duplicates", "customer-hub").as_bytes());
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let done: Registered = r.json();
    assert!(done.similar.is_empty(), "{:?}", done.similar);
}

#[test]
fn a_retired_module_is_no_duplicate() {
    let s = Scratch::shipped();
    let crm = s.read("registry/crm/module.yaml").replace("status: active", "status: retired");
    let crm = crm.replacen("  owners:", "  deprecation: { since: 2026-01-01, reason: gone }\n  owners:", 1);
    s.write("registry/crm/module.yaml", crm);
    let r = run_stdin(
        s.path(),
        &["register", "--dry-run", "-"],
        similar_fixture("duplicates", "customer-hub").as_bytes(),
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let out: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert!(out["similar"].as_array().is_some_and(|a| a.iter().all(|s| s["id"] != "crm")), "{}", r.stdout);
}

#[cfg(unix)]
#[test]
fn the_manifest_and_its_directory_get_the_modes_a_plain_write_gives() {
    use std::os::unix::fs::PermissionsExt as _;
    let s = Scratch::shipped();
    let register = |umask: &str, id: &str| {
        s.write(&format!("{id}.yaml"), fleet(id));
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_modreg"))
            .args(["register", "--allow-similar", &format!("{id}.yaml")])
            .current_dir(s.path())
            .env_remove("MODREG_REGISTRY")
            .output()
            .expect("sh runs modreg");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    let mode =
        |rel: &str| std::fs::metadata(s.path().join(rel)).expect("written").permissions().mode() & 0o777;
    register("022", "fleet-a");
    assert_eq!(mode("registry/fleet-a"), 0o755);
    assert_eq!(mode("registry/fleet-a/module.yaml"), 0o644);
    register("027", "fleet-b");
    assert_eq!(mode("registry/fleet-b"), 0o750);
    assert_eq!(mode("registry/fleet-b/module.yaml"), 0o640);
}
