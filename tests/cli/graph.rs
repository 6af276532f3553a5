//! `modreg graph`: DOT and Mermaid snapshots of the shipped registry, every DOT rendered by
//! Graphviz, the JSON decoded into our own types, filters, hostile labels and cycles.

use std::io::Write as _;
use std::process::{Command, Stdio};

use serde::Deserialize;

use crate::util::{Run, Scratch, command, manifest, run};

#[derive(Debug, Deserialize)]
struct Graph {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    cycles: Vec<Vec<String>>,
}

#[derive(Debug, Deserialize)]
struct Node {
    id: String,
    name: String,
    status: String,
    #[serde(rename = "type")]
    module_type: String,
}

#[derive(Debug, Deserialize)]
struct Edge {
    source: String,
    target: String,
    #[serde(rename = "type")]
    kind: String,
    data: Option<Vec<String>>,
}

impl Graph {
    fn ids(&self) -> Vec<&str> {
        self.nodes.iter().map(|n| n.id.as_str()).collect()
    }
    fn edge_triples(&self) -> Vec<(&str, &str, &str)> {
        self.edges.iter().map(|e| (e.source.as_str(), e.target.as_str(), e.kind.as_str())).collect()
    }
}

/// Whether Graphviz can be used. CI (`CI` set, as `.ci/run` runs) installs it and insists on
/// it; on a developer machine without it the rendering checks are skipped with a note, so a
/// plain `cargo test` works on a fresh machine.
fn graphviz() -> bool {
    let found = Command::new("dot").arg("-V").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "Graphviz `dot` must be installed in CI (apt-get install graphviz)"
        );
        #[allow(clippy::print_stderr)]
        {
            eprintln!(
                "note: Graphviz `dot` not found; skipping the rendering check (apt-get install graphviz)"
            );
        }
    }
    found
}

/// Pipe DOT into Graphviz and insist it renders.
fn assert_renders(dot: &str) {
    if !graphviz() {
        return;
    }
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("Graphviz `dot` must be installed for these tests (apt-get install graphviz): {e}")
        });
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = dot.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("dot runs");
    writer.join().expect("writer thread").expect("dot reads its input");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "dot rejected the graph: {stderr}\n{dot}");
    assert!(!stderr.contains("syntax error"), "{stderr}");
    let svg = String::from_utf8_lossy(&out.stdout);
    assert!(svg.contains("<svg"), "{svg}");
}

/// A scratch registry of minimal modules: (id, extra YAML appended to the manifest).
fn registry(modules: &[(&str, &str)]) -> Scratch {
    let s = Scratch::empty();
    for (id, extra) in modules {
        s.write(&format!("registry/{id}/module.yaml"), manifest(id, extra));
    }
    s
}

fn rels(lines: &[&str]) -> String {
    let mut s = String::from("relationships:\n");
    for l in lines {
        s.push_str(&format!("  - {l}\n"));
    }
    s
}

fn ok(r: Run) -> Run {
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    r
}

#[test]
fn dot_of_the_shipped_registry() {
    let r = ok(run(&["graph"]));
    assert_eq!(r.stderr, "");
    assert_renders(&r.stdout);
    snapbox::assert_data_eq!(r.stdout.clone(), snapbox::file!["snapshots/graph_shipped.dot"]);
    // part_of is drawn as a cluster around the parts, never as an edge.
    assert!(r.stdout.contains("subgraph \"cluster_sales-suite\" {"));
    assert!(!r.stdout.contains("\"crm\" -> \"sales-suite\""));
    assert!(r.stdout.contains("subgraph cluster_legend {"));
    assert!(r.stdout.contains("rankdir=LR"));
    let line = |from: &str, to: &str| {
        r.stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("\"{from}\" -> \"{to}\"")))
            .unwrap_or_else(|| panic!("no edge {from} -> {to}"))
            .to_owned()
    };
    assert!(line("crm", "auth").contains("style=solid"));
    let integrates = line("crm", "email");
    assert!(integrates.contains("style=dashed") && integrates.contains("dir=none"), "{integrates}");
    let data = line("crm", "analytics");
    assert!(data.contains("style=dotted") && data.contains("label=\"Contact, Deal\""), "{data}");
    assert!(!r.stdout.contains("color=red"), "the shipped registry has no cycle");
}

#[test]
fn default_format_is_dot_and_output_is_deterministic() {
    let a = ok(run(&["graph"]));
    let b = ok(run(&["graph", "--format", "dot"]));
    assert_eq!(a.stdout, b.stdout);
    for format in ["mermaid", "json"] {
        assert_eq!(
            ok(run(&["graph", "--format", format])).stdout,
            ok(run(&["graph", "--format", format])).stdout
        );
    }
}

#[test]
fn mermaid_of_the_shipped_registry() {
    let r = ok(run(&["graph", "--format", "mermaid"]));
    snapbox::assert_data_eq!(r.stdout.clone(), snapbox::file!["snapshots/graph_shipped.mmd"]);
    assert!(r.stdout.starts_with("flowchart LR\n"));
    assert!(r.stdout.contains("  m_crm --> m_auth\n"));
    assert!(r.stdout.contains("  m_crm -.- m_email\n"));
    assert!(r.stdout.contains("  m_crm -. \"Contact, Deal\" .-> m_analytics\n"));
    assert!(r.stdout.contains("subgraph c_sales_suite[\"Sales Suite\"]"));
    assert!(!r.stdout.contains("linkStyle"), "no cycle, nothing red");
}

#[test]
fn json_of_the_shipped_registry() {
    let r = ok(run(&["graph", "--format", "json"]));
    snapbox::assert_data_eq!(r.stdout.clone(), snapbox::file!["snapshots/graph_shipped.json"]);
    let g: Graph = r.json();
    let ids = g.ids();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "nodes are sorted by id");
    let triples = g.edge_triples();
    let mut sorted = triples.clone();
    sorted.sort();
    assert_eq!(triples, sorted, "edges are sorted by (source, target, type)");
    assert!(triples.contains(&("crm", "sales-suite", "part_of")), "part_of edges are in the JSON");
    let crm = g.nodes.iter().find(|n| n.id == "crm").expect("crm");
    assert_eq!(
        (crm.name.as_str(), crm.status.as_str(), crm.module_type.as_str()),
        ("Customer Relationship Management", "active", "crud")
    );
    let flow = g
        .edges
        .iter()
        .find(|e| e.source == "crm" && e.kind == "provides_data_to")
        .expect("crm feeds analytics");
    assert_eq!(flow.data.as_deref(), Some(&["Contact".to_owned(), "Deal".to_owned()][..]));
    assert!(g.edges.iter().filter(|e| e.kind != "provides_data_to").all(|e| e.data.is_none()));
    assert!(g.cycles.is_empty());
}

#[test]
fn rankdir_tb() {
    let dot = ok(run(&["graph", "--rankdir", "TB"])).stdout;
    assert!(dot.contains("rankdir=TB"));
    assert_renders(&dot);
    assert!(
        ok(run(&["graph", "--format", "mermaid", "--rankdir", "TB"])).stdout.starts_with("flowchart TB\n")
    );
}

/// aa → bb → cc → dd (depends_on), ee → aa, and xx integrates with bb.
fn chain() -> Scratch {
    registry(&[
        ("aa", &rels(&["{ type: depends_on, target: bb }"])),
        ("bb", &rels(&["{ type: depends_on, target: cc }"])),
        ("cc", &rels(&["{ type: depends_on, target: dd }"])),
        ("dd", ""),
        ("ee", &rels(&["{ type: depends_on, target: aa }"])),
        ("xx", &rels(&["{ type: integrates_with, target: bb }"])),
    ])
}

fn graph_json(s: &Scratch, args: &[&str]) -> Graph {
    let mut all = vec!["graph", "--format", "json"];
    all.extend_from_slice(args);
    let r = ok(s.run(&all));
    let mut dot_args = vec!["graph"];
    dot_args.extend_from_slice(args);
    assert_renders(&ok(s.run(&dot_args)).stdout);
    r.json()
}

#[test]
fn focus_follows_direction_and_depth() {
    let s = chain();
    let ids = |args: &[&str]| graph_json(&s, args).ids().iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(ids(&["--focus", "bb", "--direction", "out"]), ["bb", "cc", "dd"]);
    assert_eq!(ids(&["--focus", "bb", "--direction", "out", "--depth", "1"]), ["bb", "cc"]);
    assert_eq!(ids(&["--focus", "bb", "--direction", "in"]), ["aa", "bb", "ee", "xx"]);
    assert_eq!(ids(&["--focus", "bb", "--direction", "in", "--relation", "depends_on"]), ["aa", "bb", "ee"]);
    assert_eq!(ids(&["--focus", "bb", "--depth", "1"]), ["aa", "bb", "cc", "xx"]);
    assert_eq!(ids(&["--focus", "bb"]), ["aa", "bb", "cc", "dd", "ee", "xx"]);
    assert_eq!(ids(&["--focus", "bb", "--depth", "0"]), ["bb"]);
    // The edges are those the walk follows among the modules drawn.
    let g = graph_json(&s, &["--focus", "bb", "--direction", "out", "--depth", "1"]);
    assert_eq!(g.edge_triples(), [("bb", "cc", "depends_on")]);
}

#[test]
fn focus_direction_draws_only_the_edges_it_follows() {
    // The shipped crm: it is part_of sales-suite, which integrates_with crm back.
    let focus = |direction: &str| -> Graph {
        let args = ["graph", "--format", "json", "--focus", "crm", "--depth", "1", "--direction", direction];
        ok(run(&args)).json()
    };
    let out = focus("out");
    assert_eq!(out.ids(), ["analytics", "auth", "crm", "email", "sales-suite"]);
    assert_eq!(
        out.edge_triples(),
        [
            ("crm", "analytics", "provides_data_to"),
            ("crm", "auth", "depends_on"),
            ("crm", "email", "integrates_with"),
            ("crm", "sales-suite", "part_of"),
        ],
        "no sales-suite → crm, no edges among the neighbours"
    );
    let into = focus("in");
    assert!(into.edges.iter().all(|e| e.target == "crm"), "{:?}", into.edge_triples());
    assert!(into.edge_triples().contains(&("sales-suite", "crm", "integrates_with")));
    let both = focus("both");
    assert!(both.edges.iter().all(|e| e.source == "crm" || e.target == "crm"), "{:?}", both.edge_triples());
    assert_eq!(both.edges.len(), out.edges.len() + into.edges.len());

    // The clusters follow the part_of edges drawn: crm sits in sales-suite's box going out, and
    // nothing is boxed coming in (crm → sales-suite is not followed then).
    let dot = ok(run(&["graph", "--focus", "crm", "--depth", "1", "--direction", "out"])).stdout;
    assert!(dot.contains("subgraph \"cluster_sales-suite\""), "{dot}");
    assert!(!dot.contains("\"sales-suite\" -> \"crm\""), "{dot}");
    assert_renders(&dot);
    let dot = ok(run(&["graph", "--focus", "crm", "--depth", "1", "--direction", "in"])).stdout;
    assert!(!dot.contains("subgraph \"cluster_sales-suite\""), "{dot}");
    assert_renders(&dot);
    let mermaid =
        ok(run(&["graph", "--format", "mermaid", "--focus", "crm", "--depth", "1", "--direction", "out"]))
            .stdout;
    assert!(mermaid.contains("subgraph c_sales_suite"), "{mermaid}");
    assert!(!mermaid.lines().any(|l| l.trim_start().starts_with("m_sales_suite ")), "{mermaid}");

    // An edge back to the focus is drawn once the walk goes on from its source: cc → bb at
    // depth 2, not at depth 1.
    let s = chain();
    s.write(
        "registry/cc/module.yaml",
        manifest("cc", &rels(&["{ type: depends_on, target: dd }", "{ type: integrates_with, target: bb }"])),
    );
    let g = graph_json(&s, &["--focus", "bb", "--direction", "out", "--depth", "1"]);
    assert_eq!(g.edge_triples(), [("bb", "cc", "depends_on")]);
    let g = graph_json(&s, &["--focus", "bb", "--direction", "out", "--depth", "2"]);
    assert_eq!(
        g.edge_triples(),
        [("bb", "cc", "depends_on"), ("cc", "bb", "integrates_with"), ("cc", "dd", "depends_on")]
    );
}

#[test]
fn relation_filter_keeps_only_those_edges() {
    let g: Graph = ok(run(&["graph", "--format", "json", "--relation", "depends_on"])).json();
    assert!(!g.edges.is_empty());
    assert!(g.edges.iter().all(|e| e.kind == "depends_on"));
    assert_eq!(
        g.nodes.len(),
        ok(run(&["graph", "--format", "json"])).json::<Graph>().nodes.len(),
        "all modules stay"
    );
    let dot = ok(run(&["graph", "--relation", "depends_on"])).stdout;
    assert!(!dot.contains("cluster_sales-suite"), "no part_of, no clusters");
    assert!(!dot.contains("style=dashed, dir=none") && !dot.contains("style=dotted"));
    assert_renders(&dot);

    let g: Graph = ok(run(&[
        "graph",
        "--format",
        "json",
        "--relation",
        "integrates_with",
        "--relation",
        "provides_data_to",
    ]))
    .json();
    assert!(g.edges.iter().all(|e| e.kind == "integrates_with" || e.kind == "provides_data_to"));
    assert!(
        g.edges.iter().any(|e| e.kind == "integrates_with")
            && g.edges.iter().any(|e| e.kind == "provides_data_to")
    );
}

#[test]
fn status_filter_keeps_only_those_modules() {
    let g: Graph =
        ok(run(&["graph", "--format", "json", "--status", "active", "--status", "experimental"])).json();
    assert!(!g.nodes.is_empty());
    assert!(g.nodes.iter().all(|n| n.status == "active" || n.status == "experimental"), "{:?}", g.nodes);
    assert!(g.nodes.iter().any(|n| n.status == "experimental"));
    let ids = g.ids();
    assert!(g.edges.iter().all(|e| ids.contains(&e.source.as_str()) && ids.contains(&e.target.as_str())));
    assert!(!ids.contains(&"quotes"), "quotes is deprecated");
    assert_renders(&ok(run(&["graph", "--status", "active", "--status", "experimental"])).stdout);
}

#[test]
fn status_filter_with_focus_walks_only_kept_modules() {
    // quotes (deprecated) depends on crm; with --status active the walk from crm does not reach it.
    let g: Graph =
        ok(run(&["graph", "--format", "json", "--focus", "crm", "--direction", "in", "--status", "active"]))
            .json();
    assert_eq!(g.ids(), ["billing", "crm", "sales-suite"]);
    // The focus module is shown even when its status is filtered out.
    let g: Graph = ok(run(&["graph", "--format", "json", "--focus", "quotes", "--status", "retired"])).json();
    assert_eq!(g.ids(), ["quotes"]);
}

#[test]
fn nested_part_of_becomes_nested_clusters() {
    let s = registry(&[
        ("suite", ""),
        ("sub", &rels(&["{ type: part_of, target: suite }"])),
        ("leaf", &rels(&["{ type: part_of, target: sub }", "{ type: depends_on, target: other }"])),
        ("other", &rels(&["{ type: part_of, target: suite }"])),
    ]);
    let dot = ok(s.run(&["graph"])).stdout;
    assert_renders(&dot);
    let at = |needle: &str| dot.find(needle).unwrap_or_else(|| panic!("no {needle} in\n{dot}"));
    assert!(at("subgraph \"cluster_suite\"") < at("subgraph \"cluster_sub\""));
    assert!(at("subgraph \"cluster_sub\"") < at("  \"leaf\" ["));
    assert!(
        !dot.contains("cluster_leaf") && !dot.contains("cluster_other"),
        "only modules with parts are clusters"
    );
    assert!(dot.contains("\"leaf\" -> \"other\""));
    assert!(!dot.contains("\"sub\" -> \"suite\""));
    let mmd = ok(s.run(&["graph", "--format", "mermaid"])).stdout;
    assert_eq!(mmd.matches("subgraph ").count(), 2, "{mmd}");
    assert_eq!(mmd.lines().filter(|l| l.trim() == "end").count(), 2, "{mmd}");
    let g: Graph = ok(s.run(&["graph", "--format", "json"])).json();
    assert!(g.edge_triples().contains(&("sub", "suite", "part_of")));
}

#[test]
fn a_part_of_loop_still_draws() {
    // `validate` rejects it; `graph` must still terminate and render.
    let s = registry(&[
        ("aa", &rels(&["{ type: part_of, target: bb }"])),
        ("bb", &rels(&["{ type: part_of, target: aa }"])),
        ("cc", &rels(&["{ type: part_of, target: cc }"])),
    ]);
    let dot = ok(s.run(&["graph"])).stdout;
    assert_renders(&dot);
    for id in ["aa", "bb", "cc"] {
        assert_eq!(dot.matches(&format!("  \"{id}\" [label=")).count(), 1, "{id} drawn once:\n{dot}");
    }
    ok(s.run(&["graph", "--format", "mermaid"]));
}

#[test]
fn depends_on_cycle_is_reported_and_red() {
    let s = registry(&[
        ("aa", &rels(&["{ type: depends_on, target: bb }"])),
        ("bb", &rels(&["{ type: depends_on, target: cc }"])),
        ("cc", &rels(&["{ type: depends_on, target: aa }"])),
        ("dd", &rels(&["{ type: depends_on, target: aa }"])),
    ]);
    let g: Graph = ok(s.run(&["graph", "--format", "json"])).json();
    assert_eq!(g.cycles, [["aa", "bb", "cc"]]);
    let dot = ok(s.run(&["graph"])).stdout;
    assert_renders(&dot);
    let edge = |from: &str, to: &str| {
        dot.lines()
            .find(|l| l.starts_with(&format!("  \"{from}\" -> \"{to}\"")))
            .unwrap_or_else(|| panic!("{from}->{to}"))
    };
    for (from, to) in [("aa", "bb"), ("bb", "cc"), ("cc", "aa")] {
        assert!(edge(from, to).contains("color=red"), "{}", edge(from, to));
    }
    assert!(!edge("dd", "aa").contains("color=red"), "dd is not on the cycle");
    let mmd = ok(s.run(&["graph", "--format", "mermaid"])).stdout;
    // Links in declaration order: aa→bb, bb→cc, cc→aa, dd→aa.
    assert!(mmd.contains("  linkStyle 0,1,2 stroke:red,stroke-width:2px\n"), "{mmd}");
    // Without depends_on there is no cycle to report.
    let g: Graph = ok(s.run(&["graph", "--format", "json", "--relation", "integrates_with"])).json();
    assert!(g.cycles.is_empty());
}

#[test]
fn hostile_labels_cannot_break_out() {
    let evil = r#"Evil \"q\" \\ {x} <b>y</b> |z| ; ] [ A-->B end click m_ok call alert() %%{init}%% #35; `md` \n \\n A -.- B"#;
    let text = format!(
        "apiVersion: modreg/v1\nkind: Module\nmetadata:\n  id: evil\n  name: \"{evil}\"\n  description: \"x\\\"];\\nm_fake[\\\"y\"\n  \
         version: 1.0.0\n  status: active\n  type: service\n  created:\n    at: 2025-01-01T00:00:00Z\n    by: tests\n\
         relationships:\n  - {{ type: provides_data_to, target: ok, data: [\"A\\\"-->B\", \"end\"] }}\n"
    );
    let s = registry(&[("ok", "")]);
    s.write("registry/evil/module.yaml", text);

    let g: Graph = ok(s.run(&["graph", "--format", "json"])).json();
    assert_eq!(g.ids(), ["evil", "ok"], "the manifest loads");
    let name = &g.nodes[0].name;
    assert!(
        name.contains('"') && name.contains('\\') && name.contains('\n') && name.contains("A-->B"),
        "{name:?}"
    );

    let dot = ok(s.run(&["graph"])).stdout;
    assert_renders(&dot);
    // Exactly two module nodes and one module edge: nothing leaked out of a string.
    let module_nodes = dot.lines().filter(|l| l.starts_with("  \"") && l.contains(" [label=")).count();
    assert_eq!(module_nodes, 2, "{dot}");
    assert_eq!(dot.lines().filter(|l| l.starts_with("  \"") && l.contains(" -> ")).count(), 1, "{dot}");
    assert_eq!(
        dot.lines().filter(|l| l.trim() == "}").count(),
        2,
        "legend and graph close once each:\n{dot}"
    );

    let mmd = ok(s.run(&["graph", "--format", "mermaid"])).stdout;
    let decls: Vec<&str> =
        mmd.lines().filter(|l| l.trim_start().starts_with("m_") && l.contains("[\"")).collect();
    assert_eq!(decls.len(), 2, "{mmd}");
    // A link line is `m_a ARROW ...`; a label cannot add one without a line break or a quote.
    let links: Vec<&str> = mmd
        .lines()
        .filter(|l| l.split_whitespace().nth(1).is_some_and(|t| t.starts_with('-') || t.starts_with('=')))
        .collect();
    assert_eq!(links, ["  m_evil -. \"A#quot;--#62;B, end\" .-> m_ok"], "{mmd}");
    assert!(mmd.lines().all(|l| l.trim() != "end"), "no name closed a subgraph:\n{mmd}");
    assert!(!mmd.lines().any(|l| l.trim_start().starts_with("click")), "{mmd}");
    assert!(!mmd.contains("%%"), "{mmd}");
    let evil_line = decls.iter().find(|l| l.contains("m_evil[")).expect("evil is declared");
    // Inside the quoted label only entity codes remain: one opening and one closing quote.
    assert_eq!(evil_line.matches('"').count(), 2, "{evil_line}");
    let label =
        &evil_line[evil_line.find("[\"").expect("label") + 2..evil_line.rfind("\"]").expect("label end")];
    let label = label.replace("<br/>", "");
    let bare = strip_entities(&label);
    for raw in ['<', '>', '{', '}', '|', ';', '[', ']', '`', '\\', '\n', '"', '%'] {
        assert!(!bare.contains(raw), "raw {raw:?} in {label}");
    }
    assert!(bare.contains("A--B end click m_ok"), "{bare}");
}

/// A Mermaid label without its entity codes (`#quot;`, `#35;`), insisting every `#` starts one.
fn strip_entities(label: &str) -> String {
    let mut parts = label.split('#');
    let mut out = parts.next().unwrap_or_default().to_owned();
    for chunk in parts {
        let (code, rest) =
            chunk.split_once(';').unwrap_or_else(|| panic!("a `#` that is no entity code in {label}"));
        assert!(
            code == "quot" || (!code.is_empty() && code.chars().all(|c| c.is_ascii_digit())),
            "#{code}; in {label}"
        );
        out.push_str(rest);
    }
    out
}

#[test]
fn unknown_focus_is_a_usage_error_with_a_hint() {
    let r = run(&["graph", "--focus", "crn"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("no module `crn`"), "{}", r.stderr);
    assert!(r.stderr.contains("hint: did you mean `crm`?"), "{}", r.stderr);
}

#[test]
fn output_file_is_written_and_stdout_stays_empty() {
    let s = Scratch::shipped();
    // A missing directory is an I/O error (exit 2), not created behind the user's back.
    let r = s.run(&["graph", "-o", "out/graph.dot"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("out/graph.dot"), "{}", r.stderr);
    std::fs::create_dir(s.path().join("out")).expect("mkdir out");
    let r = ok(s.run(&["graph", "-o", "out/graph.dot"]));
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("out/graph.dot"), "{}", r.stderr);
    let written = s.read("out/graph.dot");
    assert_eq!(written, ok(s.run(&["graph"])).stdout);
    assert_renders(&written);
    // Replaced, not appended; --quiet silences the note.
    let r = ok(s.run(&["--quiet", "graph", "--format", "json", "--output", "out/graph.dot"]));
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("", ""));
    let _: Graph = serde_json::from_str(&s.read("out/graph.dot")).expect("JSON replaced the DOT");
    let leftovers: Vec<_> = std::fs::read_dir(s.path().join("out")).expect("out").collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
}

#[test]
fn output_into_a_missing_directory_names_the_target() {
    let s = Scratch::shipped();
    let r = s.run(&["graph", "-o", "/no/such/dir/out.dot"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: cannot write /no/such/dir/out.dot: directory `/no/such/dir` does not exist\n\
         hint: create the directory first, or pass another -o FILE\n"
    );
    let r = s.run(&["graph", "-o", "modreg.yaml/out.dot"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("directory `modreg.yaml` is not a directory"), "{}", r.stderr);
    assert!(!r.stderr.contains(".tmp"), "{}", r.stderr);
}

#[test]
fn svg_is_rendered_by_graphviz() {
    if !graphviz() {
        return;
    }
    let r = ok(run(&["graph", "--format", "svg"]));
    assert!(r.stdout.contains("<svg") && r.stdout.contains("</svg>"));
    assert!(r.stdout.contains("Customer Relationship Management"));
}

#[test]
fn svg_without_graphviz_is_a_usage_error() {
    let empty = tempfile::tempdir().expect("tempdir");
    let out = command(&crate::util::repo())
        .env("PATH", empty.path())
        .args(["graph", "--format", "svg"])
        .output()
        .expect("modreg runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Graphviz `dot` is not on PATH"), "{stderr}");
    assert!(stderr.contains("hint: install Graphviz"), "{stderr}");
    assert!(out.stdout.is_empty());
}
