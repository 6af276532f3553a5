//! Graphviz DOT for `modreg graph`: one edge style per relationship type, node style per status,
//! `part_of` as nested clusters, `depends_on` cycles in red, and a legend. Every id and label is
//! a quoted DOT string, so free-text names cannot break out of it.

use std::fmt::Write as _;

use crate::graph::view::{ForestStep, GraphView, ViewNode};
use crate::model::{RelationType, Status};
use crate::output::{RankDir, pad};

pub fn render(view: &GraphView<'_>, rankdir: RankDir) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "digraph modreg {{");
    let _ = writeln!(
        s,
        "  graph [rankdir={}, fontname=\"Helvetica\", fontsize=11, nodesep=0.3, ranksep=0.6];",
        rankdir.as_str()
    );
    let _ = writeln!(s, "  node [shape=box, fontname=\"Helvetica\", fontsize=11];");
    let _ = writeln!(s, "  edge [fontname=\"Helvetica\", fontsize=9, arrowsize=0.7];");

    // Nodes, with modules that have parts drawn as clusters around them.
    for step in view.forest() {
        match step {
            ForestStep::Leaf { node, level } => node_line(&mut s, &pad(level), &view.nodes[node]),
            ForestStep::Open { node, level } => {
                let (pad, node) = (pad(level), &view.nodes[node]);
                let _ = writeln!(s, "{pad}subgraph {} {{", quote(&format!("cluster_{}", node.id)));
                let _ = writeln!(
                    s,
                    "{pad}  label={}; style=\"rounded\"; color=\"#a0aec0\"; fontcolor=\"#4a5568\";",
                    quote(node.name)
                );
                node_line(&mut s, &format!("{pad}  "), node);
            }
            ForestStep::Close { level } => {
                let _ = writeln!(s, "{}}}", pad(level));
            }
        }
    }

    for e in view.edges.iter().filter(|e| e.kind != RelationType::PartOf) {
        let _ = write!(s, "  {} -> {} [{}", quote(e.source), quote(e.target), edge_style(e.kind, e.on_cycle));
        if let Some(data) = e.data.as_ref().filter(|d| !d.is_empty()) {
            let _ = write!(s, ", label={}", quote(&data.join(", ")));
        }
        s.push_str("];\n");
    }

    legend(&mut s, view);
    s.push_str("}\n");
    s
}

fn node_line(s: &mut String, pad: &str, node: &ViewNode<'_>) {
    let _ = write!(
        s,
        "{pad}{} [label={}, {}",
        quote(node.id),
        quote(&format!("{}\n{}", node.name, node.id)),
        status_style(node.status)
    );
    if !node.description.is_empty() {
        let _ = write!(s, ", tooltip={}", quote(node.description));
    }
    s.push_str("];\n");
}

fn status_style(status: Status) -> &'static str {
    match status {
        Status::Active => r##"style="rounded,filled", fillcolor="#e8f1fb", color="#2b6cb0""##,
        Status::Experimental => r##"style="rounded,filled,dashed", fillcolor="#fffbea", color="#b7791f""##,
        Status::Inactive => {
            r##"style="rounded,filled", fillcolor="#f7fafc", color="#a0aec0", fontcolor="#718096""##
        }
        Status::Deprecated => {
            r##"style="rounded,filled", fillcolor="#e2e8f0", color="#a0aec0", fontcolor="#718096""##
        }
        Status::Retired => {
            r##"style="rounded,filled,dotted", fillcolor="#cbd5e0", color="#a0aec0", fontcolor="#718096""##
        }
        Status::Error => {
            r##"style="rounded,filled,bold", fillcolor="#fed7d7", color="#c53030", fontcolor="#9b2c2c""##
        }
    }
}

fn edge_style(kind: RelationType, on_cycle: bool) -> &'static str {
    match (kind, on_cycle) {
        (RelationType::DependsOn, true) => "style=solid, color=red, penwidth=2",
        (RelationType::DependsOn, false) => r##"style=solid, color="#2d3748""##,
        (RelationType::IntegratesWith, _) => r##"style=dashed, dir=none, color="#718096""##,
        (RelationType::ProvidesDataTo, _) => r##"style=dotted, color="#2b6cb0", fontcolor="#2b6cb0""##,
        (RelationType::PartOf, _) => "style=invis",
    }
}

/// A small cluster explaining the edge styles (for the types present in the selection) and the
/// node styles (for the statuses drawn). Its node ids contain `_`, which no module id may.
fn legend(s: &mut String, view: &GraphView<'_>) {
    // A module may be called `legend`; its cluster then owns the plain name.
    let taken = view.nodes.iter().enumerate().any(|(i, n)| n.id == "legend" && !view.children[i].is_empty());
    let name = if taken { "cluster_legend_" } else { "cluster_legend" };
    let _ = writeln!(s, "  subgraph {name} {{");
    s.push_str("    label=\"Legend\"; style=\"rounded,dashed\"; color=\"#a0aec0\"; fontcolor=\"#4a5568\"; fontsize=10;\n");
    s.push_str("    node [shape=point, width=0.05, label=\"\", style=filled, color=\"#4a5568\"];\n");
    let mut kinds: Vec<RelationType> = view.edges.iter().map(|e| e.kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut row = 0;
    let mut entry = |s: &mut String, style: &str, label: &str| {
        row += 1;
        let _ = writeln!(s, "    \"legend_{row}a\" -> \"legend_{row}b\" [{style}, label={}];", quote(label));
    };
    for kind in &kinds {
        match kind {
            RelationType::DependsOn => entry(s, edge_style(*kind, false), "depends_on"),
            RelationType::IntegratesWith => entry(s, edge_style(*kind, false), "integrates_with"),
            RelationType::ProvidesDataTo => {
                entry(s, edge_style(*kind, false), "provides_data_to (data models)")
            }
            RelationType::PartOf => {}
        }
    }
    if view.edges.iter().any(|e| e.on_cycle) {
        entry(s, edge_style(RelationType::DependsOn, true), "depends_on cycle");
    }
    if view.has_parts() {
        s.push_str(
            "    \"legend_part_of\" [shape=box, style=\"rounded,dashed\", width=0, height=0, color=\"#a0aec0\", \
             fontsize=9, label=\"part_of: a box around the parts\"];\n",
        );
    }
    let mut statuses: Vec<Status> = view.nodes.iter().map(|n| n.status).collect();
    statuses.sort_unstable();
    statuses.dedup();
    for st in statuses {
        let _ = writeln!(
            s,
            "    \"legend_{st}\" [shape=box, width=0, height=0, fontsize=9, label={}, {}];",
            quote(st.as_str()),
            status_style(st)
        );
    }
    s.push_str("  }\n");
}

/// A DOT quoted string: `"` and `\` escaped, line breaks as `\n`, other control characters as
/// spaces. Nothing inside can end the string or form a Graphviz escape such as `\N`.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quote_escapes_what_ends_a_string() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("x\ny\r\t"), r#""x\ny ""#);
        assert_eq!(quote(r"\N"), r#""\\N""#);
    }
}
