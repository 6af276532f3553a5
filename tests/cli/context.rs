//! `modreg context`: the AI context bundle. The JSON is decoded into the types below (SPEC §8's
//! keys and those this command adds); the estimate is checked against a real tokenizer.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::util::{Scratch, manifest, run};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Bundle {
    schema_version: String,
    detail_level: String,
    max_tokens: Option<usize>,
    registry: RegistrySummary,
    focus: Option<Focus>,
    broken: Vec<String>,
    diagnostics: Vec<Finding>,
    modules: Vec<Module>,
    indexes: Indexes,
    estimated_tokens: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistrySummary {
    modules: usize,
    by_status: BTreeMap<String, usize>,
    errors: usize,
    warnings: usize,
    git_commit: Option<String>,
    dirty: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Focus {
    module: String,
    depth: usize,
}

#[derive(Debug, Deserialize)]
struct Module {
    id: String,
    name: Option<String>,
    status: String,
    version: String,
    #[serde(rename = "type")]
    module_type: String,
    detail: String,
    distance: Option<usize>,
    summary: Option<String>,
    capabilities: Option<serde_json::Value>,
    config: Option<Vec<ConfigKey>>,
    relationships: Option<Relationships>,
    health: Option<serde_json::Value>,
    warnings: Option<Vec<Finding>>,
}

#[derive(Debug, Deserialize)]
struct ConfigKey {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    required: bool,
    default: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct Relationships {
    outgoing: Vec<Outgoing>,
    incoming: Vec<Incoming>,
}

#[derive(Debug, Deserialize)]
struct Outgoing {
    #[serde(rename = "type")]
    kind: String,
    target: String,
    version: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Incoming {
    #[serde(rename = "type")]
    kind: String,
    inverse: String,
    source: String,
}

#[derive(Debug, Deserialize)]
struct Finding {
    code: String,
    severity: String,
    message: String,
    file: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Indexes {
    scope: String,
    endpoints: BTreeMap<String, String>,
    endpoint_collisions: BTreeMap<String, Vec<String>>,
    data_models: BTreeMap<String, Vec<String>>,
    events: BTreeMap<String, Event>,
    tags: BTreeMap<String, Vec<String>>,
    dependency_order: Vec<String>,
    unordered: Vec<String>,
    dependency_cycles: Vec<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Event {
    emitters: Vec<String>,
    consumers: Vec<String>,
}

fn bundle(s: &Scratch, args: &[&str]) -> Bundle {
    let mut all = vec!["context", "--json"];
    all.extend_from_slice(args);
    let r = s.run(&all);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

/// The estimator against OpenAI's cl100k_base and o200k_base on the shipped registry, in both
/// formats and at every detail level: within ±15% (the numbers are printed for the README).
#[test]
fn the_estimate_agrees_with_real_tokenizers() {
    let cl100k = tiktoken_rs::cl100k_base().expect("cl100k_base");
    let o200k = tiktoken_rs::o200k_base().expect("o200k_base");
    let s = Scratch::shipped();
    let mut report = Vec::new();
    for format in ["json", "markdown"] {
        for detail in ["full", "summary", "ids"] {
            let r = s.run(&["context", "--format", format, "--detail", detail]);
            assert_eq!(r.code, 0, "{}", r.stderr);
            let estimate = modreg::output::tokens::estimate(&r.stdout);
            for (name, bpe) in [("cl100k_base", &cl100k), ("o200k_base", &o200k)] {
                let real = bpe.encode_ordinary(&r.stdout).len();
                let ratio = estimate as f64 / real as f64;
                report.push(format!(
                    "{format:8} {detail:7} {name}: estimate {estimate}, real {real}, {ratio:.3}"
                ));
                assert!((0.85..=1.15).contains(&ratio), "{}", report.join("\n"));
            }
        }
    }
    // `cargo test the_estimate -- --nocapture` shows the figures the README quotes.
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{}", report.join("\n"));
    }
}

#[test]
fn same_registry_same_bytes() {
    let s = Scratch::shipped();
    for args in
        [&["context", "--json"][..], &["context"][..], &["context", "--json", "--max-tokens", "9000"][..]]
    {
        let (a, b) = (s.run(args), s.run(args));
        assert_eq!(a.code, 0, "{}", a.stderr);
        assert!(a.stdout == b.stdout, "{args:?} differs between two runs");
    }
    // Compact JSON, one module per line, rendered piece by piece in parallel: without the line
    // breaks (JSON strings hold none) it is serde_json's own text.
    let text = s.run(&["context", "--json"]).stdout;
    let value: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(text.replace('\n', ""), serde_json::to_string(&value).unwrap());
    assert_eq!(text.lines().filter(|l| l.starts_with("{\"id\":")).count(), 12, "{text}");
    // With and without the parse cache.
    let cold = s.run(&["--no-cache", "context", "--json"]);
    assert_eq!(cold.stdout, s.run(&["context", "--json"]).stdout);
}

#[test]
fn every_module_with_the_keys_spec_names() {
    let s = Scratch::shipped();
    let b = bundle(&s, &[]);
    assert_eq!(b.schema_version, "modreg/context/v1");
    assert_eq!(b.detail_level, "full");
    assert_eq!((b.max_tokens, b.focus.is_none()), (None, true));
    assert_eq!(b.registry.modules, 12);
    assert_eq!(b.registry.by_status.values().sum::<usize>(), 12);
    assert_eq!((b.registry.errors, b.registry.warnings), (0, 0));
    // The copy is not a git repository.
    assert_eq!((b.registry.git_commit, b.registry.dirty), (None, None));
    assert!(b.broken.is_empty() && b.diagnostics.is_empty());
    let ids: Vec<&str> = b.modules.iter().map(|m| m.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    assert_eq!(ids.len(), 12);

    let crm = b.modules.iter().find(|m| m.id == "crm").expect("crm");
    assert_eq!(crm.name.as_deref(), Some("Customer Relationship Management"));
    assert_eq!(
        (crm.status.as_str(), crm.version.as_str(), crm.module_type.as_str()),
        ("active", "1.4.0", "crud")
    );
    assert_eq!((crm.detail.as_str(), crm.distance), ("full", None));
    let summary = crm.summary.as_deref().expect("summary");
    assert!(
        summary.starts_with("Contacts, companies, deals") && summary.contains("system of record"),
        "{summary}"
    );
    let caps = crm.capabilities.as_ref().expect("capabilities");
    let contact = &caps["data_models"][0];
    assert_eq!(contact["name"], "Contact");
    let email =
        contact["fields"].as_array().expect("fields").iter().find(|f| f["name"] == "email").expect("email");
    assert_eq!(
        (email["type"].as_str(), email["required"].as_bool(), email["format"].as_str()),
        (Some("string"), Some(true), Some("email"))
    );
    let consent =
        contact["fields"].as_array().unwrap().iter().find(|f| f["name"] == "consent").expect("consent");
    assert_eq!(consent["fields"][0]["name"], "email_marketing", "nested objects one level down");
    assert_eq!(caps["endpoints"][0]["method"], "POST");
    assert_eq!(caps["emits"][0], "contact.created");
    // Required config first, with types and defaults.
    let config = crm.config.as_ref().expect("config");
    assert!(config.iter().take(4).all(|k| k.required));
    let threshold = config.iter().find(|k| k.name == "lead_score_threshold").expect("key");
    assert_eq!((threshold.ty.as_str(), threshold.default.clone()), ("integer", Some(serde_json::json!(60))));
    // Relationships both ways, with the inverse name.
    let rels = crm.relationships.as_ref().expect("relationships");
    let auth = rels.outgoing.iter().find(|o| o.target == "auth").expect("depends on auth");
    assert_eq!((auth.kind.as_str(), auth.version.as_deref()), ("depends_on", Some(">=2.0.0, <3.0.0")));
    let billing = rels.incoming.iter().find(|i| i.source == "billing").expect("billing uses crm");
    assert_eq!((billing.kind.as_str(), billing.inverse.as_str()), ("depends_on", "required_by"));
    let health = crm.health.as_ref().expect("health");
    assert_eq!(
        (health["state"].as_str(), health["records"].as_u64()),
        (Some("healthy"), Some(12450 + 3182 + 2214))
    );
    assert_eq!(crm.warnings.as_ref().map(Vec::len), Some(0));
}

#[test]
fn indexes_answer_collision_questions() {
    let b = bundle(&Scratch::shipped(), &[]);
    let ix = &b.indexes;
    assert_eq!(ix.endpoints.get("POST /api/crm/contacts").map(String::as_str), Some("crm"));
    assert!(ix.endpoint_collisions.is_empty());
    assert_eq!(ix.data_models["Contact"], ["crm"]);
    let won = &ix.events["deal.won"];
    assert_eq!(won.emitters, ["crm"]);
    assert_eq!(won.consumers, ["analytics", "billing", "notifications"]);
    assert!(ix.tags["sales"].contains(&"crm".to_owned()));
    let pos = |id: &str| ix.dependency_order.iter().position(|x| x == id).unwrap_or_else(|| panic!("{id}"));
    assert_eq!(ix.dependency_order.len(), 12);
    assert!(pos("auth") < pos("crm") && pos("crm") < pos("billing"), "{:?}", ix.dependency_order);
    assert!(ix.unordered.is_empty() && ix.dependency_cycles.is_empty());
}

#[test]
fn a_module_and_its_neighbours_with_the_whole_registry_indexed() {
    let s = Scratch::shipped();
    let all = bundle(&s, &[]);
    let b = bundle(&s, &["--module", "crm"]);
    let f = b.focus.as_ref().expect("focus");
    assert_eq!((f.module.as_str(), f.depth), ("crm", 1));
    let crm = all.modules.iter().find(|m| m.id == "crm").unwrap();
    let rels = crm.relationships.as_ref().unwrap();
    let mut expected: Vec<&str> = rels.outgoing.iter().map(|o| o.target.as_str()).collect();
    expected.extend(rels.incoming.iter().map(|i| i.source.as_str()));
    expected.push("crm");
    expected.sort();
    expected.dedup();
    let got: Vec<&str> = b.modules.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(got, expected);
    for m in &b.modules {
        assert_eq!(m.distance, Some(usize::from(m.id != "crm")), "{}", m.id);
    }
    assert_eq!(b.indexes.endpoints, all.indexes.endpoints);
    assert_eq!(b.indexes.dependency_order, all.indexes.dependency_order);
    assert_eq!(b.registry.modules, 12);

    let deeper = bundle(&s, &["--module", "legacy-fax", "--depth", "3"]);
    assert_eq!(deeper.modules.len(), 1, "legacy-fax relates to nothing");
    assert!(bundle(&s, &["--module", "crm", "--depth", "2"]).modules.len() > b.modules.len());
}

#[test]
fn an_unknown_module_is_a_usage_error_with_a_suggestion() {
    let r = run(&["context", "--module", "crmm"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no module `crmm`") && r.stderr.contains("did you mean `crm`?"),
        "{}",
        r.stderr
    );
    let r = run(&["context", "--depth", "2"]);
    assert_eq!(r.code, 2, "--depth needs --module");
    let r = run(&["context", "--json", "--format", "markdown"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(run(&["context", "--json", "--format", "json"]).code, 0);
}

#[test]
fn a_budget_cuts_the_least_relevant_first_and_says_so() {
    let s = Scratch::shipped();
    let full = bundle(&s, &[]);
    // Just under what the whole registry costs: the retired module goes first.
    let budget = full.estimated_tokens - 1;
    let b = bundle(&s, &["--max-tokens", &budget.to_string()]);
    assert_eq!(b.max_tokens, Some(budget));
    assert!(b.estimated_tokens <= budget, "{} > {budget}", b.estimated_tokens);
    assert_eq!(b.detail_level, "summary");
    let detail = |b: &Bundle, id: &str| b.modules.iter().find(|m| m.id == id).unwrap().detail.clone();
    assert_eq!(detail(&b, "legacy-fax"), "summary");
    assert_eq!(detail(&b, "crm"), "full");
    assert_eq!(b.modules.iter().filter(|m| m.detail != "full").count(), 1);

    // Tighter: deprecated next, active modules last; with a focus, the farthest first.
    let focused = bundle(&s, &["--module", "crm", "--depth", "2"]);
    let b = bundle(
        &s,
        &["--module", "crm", "--depth", "2", "--max-tokens", &(focused.estimated_tokens / 2).to_string()],
    );
    assert!(b.estimated_tokens <= focused.estimated_tokens / 2);
    assert_eq!(detail(&b, "crm"), "full", "the focus is cut last");
    assert_ne!(detail(&b, "quotes"), "full", "deprecated");
    for m in b.modules.iter().filter(|m| m.distance == Some(2)) {
        assert_ne!(m.detail, "full", "{} is two steps away", m.id);
    }

    // Ids only: the smallest document that still lists every module.
    let ids = bundle(&s, &["--detail", "ids"]);
    let b = bundle(&s, &["--max-tokens", &(ids.estimated_tokens + 20).to_string()]);
    assert_eq!(b.detail_level, "ids");
    assert!(b.modules.iter().all(|m| m.name.is_none() && m.capabilities.is_none()));
    assert_eq!(b.modules.len(), 12);

    let r = s.run(&["context", "--max-tokens", "100"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("does not fit in 100 tokens") && r.stderr.contains("hint: raise --max-tokens"),
        "{}",
        r.stderr
    );
}

/// With a focus, when even `ids` for every module does not fit beside the whole indexes, the
/// indexes keep the entries that name a module in view, each with every module sharing it.
#[test]
fn a_focused_budget_narrows_the_indexes_as_a_last_resort() {
    let s = Scratch::shipped();
    // A neighbour of currency shares a data model name with a module far away.
    s.write(
        "registry/far-away/module.yaml",
        manifest(
            "far-away",
            "capabilities:\n  data_models:\n    - name: Invoice\n  endpoints:\n    - { method: GET, path: /far }\n",
        ),
    );
    let whole = bundle(&s, &["--module", "currency", "--detail", "ids"]);
    assert_eq!(whole.indexes.scope, "registry");
    assert!(whole.indexes.endpoints.contains_key("GET /far"));
    let budget = whole.estimated_tokens - 1;
    let b = bundle(&s, &["--module", "currency", "--max-tokens", &budget.to_string()]);
    assert!(b.estimated_tokens <= budget, "{} > {budget}", b.estimated_tokens);
    assert_eq!(b.indexes.scope, "neighbourhood");
    let ids: Vec<&str> = b.modules.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["billing", "cpq", "currency"]);
    assert!(!b.indexes.endpoints.contains_key("GET /far"), "no module in view claims it");
    assert!(b.indexes.endpoints.values().all(|id| ids.contains(&id.as_str())));
    // Billing's Invoice is listed with the module far away that also defines one.
    assert_eq!(b.indexes.data_models["Invoice"], ["billing", "far-away"]);
    assert!(b.indexes.dependency_order.iter().all(|id| ids.contains(&id.as_str())));
    // Without a focus there is no neighbourhood to narrow to.
    let r = s.run(&["context", "--max-tokens", &budget.to_string(), "--detail", "ids"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
}

#[test]
fn the_estimate_is_of_the_document_as_printed() {
    let s = Scratch::shipped();
    for format in ["json", "markdown"] {
        for extra in [&[][..], &["--max-tokens", "5000"][..], &["--module", "crm"][..]] {
            let mut args = vec!["context", "--format", format];
            args.extend_from_slice(extra);
            let r = s.run(&args);
            assert_eq!(r.code, 0, "{}", r.stderr);
            let estimate = modreg::output::tokens::estimate(&r.stdout);
            let reported = if format == "json" {
                r.json::<Bundle>().estimated_tokens
            } else {
                let line =
                    r.stdout.lines().find(|l| l.starts_with("- estimated tokens: ")).expect("the line");
                line["- estimated tokens: ".len()..].parse().expect("a number")
            };
            assert_eq!(reported, estimate, "{args:?}");
        }
    }
}

#[test]
fn markdown_has_sections_and_tables() {
    let s = Scratch::shipped();
    let r = s.run(&["context"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for needle in [
        "# Module registry context\n",
        "\n## Modules\n",
        "\n### `crm` — Customer Relationship Management\n",
        "| operation | kind | entity | description |\n|---|---|---|---|\n",
        "| POST | /api/crm/contacts | create_contact |\n",
        "| depends_on → | `auth` | >=2.0.0, <3.0.0 |",
        "| required_by ← | `billing` |",
        "\n## Indexes\n",
        "| POST /api/crm/contacts | `crm` |\n",
        "| deal.won | crm | analytics, billing, notifications |\n",
    ] {
        assert!(r.stdout.contains(needle), "no {needle:?} in\n{}", r.stdout);
    }
    let r = s.run(&["context", "--module", "crm", "--detail", "summary"]);
    snapbox::assert_data_eq!(r.stdout, snapbox::file!["snapshots/context_crm_summary.md"]);
}

#[test]
fn markdown_cells_hold_any_manifest_text() {
    let s = Scratch::empty();
    s.write(
        "registry/odd/module.yaml",
        manifest(
            "odd",
            "capabilities:\n  operations:\n    - { name: op, kind: action, description: \"a | b\\nc\" }\n",
        ),
    );
    let r = s.run(&["context"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("| op | action |  | a \\| b c |\n"), "{}", r.stdout);
}

#[test]
fn a_broken_manifest_is_listed_and_the_rest_still_there() {
    let s = Scratch::shipped();
    s.write(
        "registry/legacy-fax/module.yaml",
        "apiVersion: modreg/v1\nkind: Module\nmetadata: [not, a, mapping\n",
    );
    let r = s.run(&["context", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("legacy-fax"), "the broken note: {}", r.stderr);
    let b: Bundle = r.json();
    assert_eq!(b.broken, ["legacy-fax"]);
    assert!(b.registry.errors > 0);
    assert!(!b.diagnostics.is_empty());
    assert!(
        b.diagnostics.iter().all(|d| d.file.as_deref().is_some_and(|f| f.starts_with("legacy-fax/"))),
        "{:?}",
        b.diagnostics
    );
    assert!(
        b.diagnostics.iter().any(|d| d.severity == "error" && !d.code.is_empty() && !d.message.is_empty())
    );
    assert_eq!(b.modules.len(), 11);
    assert!(b.modules.iter().all(|m| m.id != "legacy-fax"));
    assert!(!b.indexes.dependency_order.contains(&"legacy-fax".to_owned()));
    let md = s.run(&["context"]);
    assert_eq!(md.code, 0);
    assert!(
        md.stdout.contains("\n## Problems\n") && md.stdout.contains("legacy-fax/module.yaml"),
        "{}",
        md.stdout
    );
}

#[test]
fn a_dependency_cycle_is_flagged_and_ordered_last() {
    let s = Scratch::empty();
    let dep = |t: &str| format!("relationships:\n  - {{ type: depends_on, target: {t} }}\n");
    s.write("registry/aa/module.yaml", manifest("aa", &dep("bb")));
    s.write("registry/bb/module.yaml", manifest("bb", &dep("aa")));
    s.write("registry/cc/module.yaml", manifest("cc", &dep("aa")));
    s.write("registry/dd/module.yaml", manifest("dd", ""));
    s.write("registry/ee/module.yaml", manifest("ee", &dep("dd")));
    let r = s.run(&["context", "--json"]);
    assert_eq!(r.code, 0, "a registry with errors still has a context: {}", r.stderr);
    let b: Bundle = r.json();
    assert_eq!(b.indexes.dependency_order, ["dd", "ee", "aa", "bb", "cc"]);
    assert_eq!(b.indexes.unordered, ["aa", "bb", "cc"]);
    assert_eq!(b.indexes.dependency_cycles, [["aa", "bb"]]);
    // The cycle is an error about the modules on it, listed with them.
    let aa = b.modules.iter().find(|m| m.id == "aa").unwrap();
    let warnings = aa.warnings.as_ref().expect("warnings");
    assert!(warnings.iter().any(|w| w.severity == "error" && w.message.contains("cycle")), "{warnings:?}");
    assert!(warnings.iter().all(|w| w.file.as_deref() == Some("aa/module.yaml")));
    let md = s.run(&["context"]).stdout;
    assert!(md.contains("- aa → bb → aa\n"), "{md}");
}

#[test]
fn git_commit_and_dirty_inside_a_repository() {
    let s = Scratch::shipped();
    crate::util::git(s.path(), &["init", "-q", "-b", "main"]);
    crate::util::git(s.path(), &["add", "-A"]);
    crate::util::git(s.path(), &["commit", "-q", "-m", "registry"]);
    let head = crate::util::git(s.path(), &["rev-parse", "HEAD"]);
    let b = bundle(&s, &[]);
    assert_eq!((b.registry.git_commit.as_deref(), b.registry.dirty), (Some(head.as_str()), Some(false)));
    s.write("registry/crm/docs/new.md", "draft\n");
    let b = bundle(&s, &[]);
    assert_eq!(b.registry.dirty, Some(true));
    let md = s.run(&["context"]).stdout;
    assert!(md.contains(&format!("- git commit: {head} (uncommitted changes in the registry)\n")), "{md}");
}

#[test]
fn the_output_conforms_to_its_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&run(&["schema", "context"]).stdout).expect("schema");
    let validator = modreg::schema::build_validator(&schema).expect("the schema compiles");
    let s = Scratch::shipped();
    for args in [&[][..], &["--detail", "summary"][..], &["--detail", "ids", "--module", "crm"][..]] {
        let mut all = vec!["context", "--json"];
        all.extend_from_slice(args);
        let out: serde_json::Value = serde_json::from_str(&s.run(&all).stdout).expect("json");
        let errors: Vec<String> =
            validator.iter_errors(&out).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{args:?}: {errors:?}");
    }
}
