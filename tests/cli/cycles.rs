//! Cycles are reported the same way everywhere: every elementary cycle (up to a bound) as an E040
//! of `validate`, in `graph --format json`, and as the red edges of DOT and Mermaid.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::util::{Scratch, ValidateReport, manifest};

#[derive(Debug, Deserialize)]
struct Graph {
    cycles: Vec<Vec<String>>,
    cycles_omitted: Option<Omitted>,
}

#[derive(Debug, Deserialize)]
struct Omitted {
    count: usize,
    exact: bool,
}

type EdgeSet = BTreeSet<(String, String)>;

/// The edges of some cycles, each cycle closing back on its first module.
fn cycle_edges(cycles: &[Vec<String>]) -> EdgeSet {
    cycles
        .iter()
        .flat_map(|c| c.iter().zip(c.iter().cycle().skip(1)).map(|(a, b)| (a.clone(), b.clone())))
        .collect()
}

/// The cycles `validate` reports, parsed back from "depends_on cycle: a → b → a".
fn validate_cycles(report: &ValidateReport, code: &str, kind: &str) -> Vec<Vec<String>> {
    let prefix = format!("{kind} cycle: ");
    report
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .filter_map(|d| d.message.strip_prefix(&prefix))
        .map(|path| {
            let mut ids: Vec<String> = path.split(" → ").map(str::to_owned).collect();
            let last = ids.pop().expect("a cycle closes");
            assert_eq!(Some(&last), ids.first(), "{path}");
            ids
        })
        .collect()
}

/// The red edges of a DOT graph.
fn dot_red(dot: &str) -> EdgeSet {
    dot.lines()
        .filter(|l| l.starts_with("  \"") && l.contains(" -> ") && l.contains("color=red"))
        .map(|l| {
            let mut quoted = l.split('"');
            let from = quoted.nth(1).expect("source").to_owned();
            let to = quoted.nth(1).expect("target").to_owned();
            (from, to)
        })
        .collect()
}

/// The red links of a Mermaid graph: `linkStyle` numbers the links in the order declared.
fn mermaid_red(mmd: &str) -> EdgeSet {
    let links: Vec<(String, String)> = mmd
        .lines()
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let (first, last) = (words.first()?, words.last()?);
            let arrow = words.get(1)?;
            (first.starts_with("m_") && (arrow.starts_with('-') || arrow.starts_with('=')))
                .then(|| (first[2..].replace('_', "-"), last[2..].replace('_', "-")))
        })
        .collect();
    let Some(style) = mmd.lines().find_map(|l| l.trim().strip_prefix("linkStyle ")) else {
        return EdgeSet::new();
    };
    let numbers = style.split_whitespace().next().expect("link numbers");
    numbers.split(',').map(|n| links[n.parse::<usize>().expect("a link number")].clone()).collect()
}

fn append(s: &Scratch, id: &str, yaml: &str) {
    let rel = format!("registry/{id}/module.yaml");
    let mut text = s.read(&rel);
    text.push_str(yaml);
    s.write(&rel, text);
}

#[test]
fn every_cycle_in_one_run_and_the_same_everywhere() {
    // The example: two new depends_on edges close three cycles at once.
    let s = Scratch::shipped();
    append(&s, "currency", "relationships:\n  - { type: depends_on, target: billing }\n");
    append(&s, "auth", "relationships:\n  - { type: depends_on, target: billing }\n");

    let r = s.run(&["validate", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report: ValidateReport = r.json();
    let reported = validate_cycles(&report, "E040", "depends_on");
    let expected = [vec!["auth", "billing"], vec!["auth", "billing", "crm"], vec!["billing", "currency"]];
    assert_eq!(reported, expected, "{:#?}", report.diagnostics);
    let at: Vec<(&str, u32)> =
        report.diagnostics.iter().filter(|d| d.code == "E040").map(|d| (d.file.as_str(), d.line)).collect();
    assert_eq!(
        at,
        [
            ("registry/auth/module.yaml", 127),
            ("registry/auth/module.yaml", 127),
            ("registry/billing/module.yaml", 126)
        ]
    );

    let graph: Graph = s.run(&["graph", "--format", "json"]).json();
    assert_eq!(graph.cycles, reported);
    assert!(graph.cycles_omitted.is_none());
    let edges = cycle_edges(&graph.cycles);
    assert_eq!(edges.len(), 6, "{edges:?}");
    assert_eq!(dot_red(&s.run(&["graph"]).stdout), edges);
    assert_eq!(mermaid_red(&s.run(&["graph", "--format", "mermaid"]).stdout), edges);
}

#[test]
fn part_of_cycles_are_each_reported() {
    let s = Scratch::empty();
    s.write("registry/aa/module.yaml", manifest("aa", "relationships:\n  - { type: part_of, target: bb }\n"));
    s.write(
        "registry/bb/module.yaml",
        manifest(
            "bb",
            "relationships:\n  - { type: part_of, target: aa }\n  - { type: part_of, target: cc }\n",
        ),
    );
    s.write("registry/cc/module.yaml", manifest("cc", "relationships:\n  - { type: part_of, target: bb }\n"));
    let report: ValidateReport = s.run(&["validate", "--format", "json"]).json();
    assert_eq!(validate_cycles(&report, "E041", "part_of"), [["aa", "bb"], ["bb", "cc"]]);
}

/// Every module depends on every other: more cycles than anyone could read or count.
#[test]
fn exponentially_many_cycles_are_bounded_and_fast() {
    let s = Scratch::empty();
    let ids: Vec<String> = (0..16).map(|i| format!("m{i:02}")).collect();
    for id in &ids {
        let rels: String = ids
            .iter()
            .filter(|t| *t != id)
            .map(|t| format!("  - {{ type: depends_on, target: {t} }}\n"))
            .collect();
        s.write(&format!("registry/{id}/module.yaml"), manifest(id, &format!("relationships:\n{rels}")));
    }
    let started = Instant::now();
    let report: ValidateReport = s.run(&["--no-cache", "validate", "--format", "json"]).json();
    let graph: Graph = s.run(&["graph", "--format", "json"]).json();
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());

    let listed = validate_cycles(&report, "E040", "depends_on");
    assert_eq!(listed.len(), 100);
    assert_eq!(graph.cycles, listed);
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(sorted, listed, "cycles come sorted");
    assert!(listed.iter().all(|c| c.iter().all(|id| id >= &c[0])), "each starts at its smallest id");

    let omitted = graph.cycles_omitted.expect("the rest are counted");
    assert!(!omitted.exact && omitted.count > 1000, "{omitted:?}");
    let rest: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("depends_on cycles not listed"))
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(rest.len(), 1, "{rest:?}");
    assert!(
        rest[0].starts_with(&format!(
            "depends_on cycles not listed: at least {} more beyond the first 100",
            omitted.count
        )),
        "{}",
        rest[0]
    );
    assert_eq!(report.errors, 101);
}
