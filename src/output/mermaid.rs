//! Mermaid `flowchart` for `modreg graph --format mermaid` (renders in GitHub Markdown). Node ids
//! are derived from module ids (`m_` + id with `-` → `_`, one-to-one because module ids hold no
//! `_`); every label is a quoted string whose special characters are Mermaid entity codes, so a
//! name cannot close the string, start a comment, or declare nodes and edges of its own.

use std::fmt::Write as _;

use crate::graph::view::{ForestStep, GraphView, ViewNode};
use crate::model::{RelationType, Status};
use crate::output::{RankDir, pad};

pub fn render(view: &GraphView<'_>, rankdir: RankDir) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "flowchart {}", rankdir.as_str());
    for st in Status::ALL {
        let _ = writeln!(s, "  classDef {} {}", class(*st), status_style(*st));
    }

    for step in view.forest() {
        match step {
            ForestStep::Leaf { node, level } => node_line(&mut s, &pad(level), &view.nodes[node]),
            ForestStep::Open { node, level } => {
                let (pad, node) = (pad(level), &view.nodes[node]);
                let _ = writeln!(s, "{pad}subgraph c_{}[\"{}\"]", ident(node.id), text(node.name));
                node_line(&mut s, &format!("{pad}  "), node);
            }
            ForestStep::Close { level } => {
                let _ = writeln!(s, "{}end", pad(level));
            }
        }
    }

    // linkStyle counts links in the order they are declared.
    let mut red = Vec::new();
    for (n, e) in view.edges.iter().filter(|e| e.kind != RelationType::PartOf).enumerate() {
        let (from, to) = (ident(e.source), ident(e.target));
        let _ = match e.kind {
            RelationType::DependsOn => writeln!(s, "  m_{from} --> m_{to}"),
            RelationType::IntegratesWith => writeln!(s, "  m_{from} -.- m_{to}"),
            RelationType::ProvidesDataTo => match e.data.as_ref().filter(|d| !d.is_empty()) {
                Some(data) => {
                    writeln!(s, "  m_{from} -. \"{}\" .-> m_{to}", text(&data.join(", ")))
                }
                None => writeln!(s, "  m_{from} -.-> m_{to}"),
            },
            RelationType::PartOf => Ok(()),
        };
        if e.on_cycle {
            red.push(n.to_string());
        }
    }
    if !red.is_empty() {
        let _ = writeln!(s, "  linkStyle {} stroke:red,stroke-width:2px", red.join(","));
    }
    s
}

fn node_line(s: &mut String, pad: &str, node: &ViewNode<'_>) {
    let _ = writeln!(
        s,
        "{pad}m_{}[\"{}<br/>{}\"]:::{}",
        ident(node.id),
        text(node.name),
        node.id,
        class(node.status)
    );
}

fn class(status: Status) -> String {
    format!("status_{status}")
}

fn status_style(status: Status) -> &'static str {
    match status {
        Status::Active => "fill:#e8f1fb,stroke:#2b6cb0,color:#1a202c",
        Status::Experimental => "fill:#fffbea,stroke:#b7791f,color:#1a202c,stroke-dasharray:5 5",
        Status::Inactive => "fill:#f7fafc,stroke:#a0aec0,color:#718096",
        Status::Deprecated => "fill:#e2e8f0,stroke:#a0aec0,color:#718096",
        Status::Retired => "fill:#cbd5e0,stroke:#a0aec0,color:#718096,stroke-dasharray:2 2",
        Status::Error => "fill:#fed7d7,stroke:#c53030,color:#9b2c2c,stroke-width:2px",
    }
}

/// A module id as a Mermaid identifier: `-` becomes `_` (module ids are `[a-z0-9-]`; anything
/// else, which a valid registry never holds, is dropped to a `_` too).
pub fn ident(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// Text for inside a Mermaid `"..."`: letters, digits, spaces and harmless punctuation stay;
/// `"` becomes `#quot;`, other ASCII punctuation its decimal entity (`#35;` for `#`), line
/// breaks and other control characters a space.
pub fn text(raw: &str) -> String {
    const PLAIN: &str = " .,-_:/()+'!?@=*~$";
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            c if c.is_alphanumeric() || PLAIN.contains(c) => out.push(c),
            c if c.is_whitespace() || c.is_control() => out.push(' '),
            c if c.is_ascii() => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{ident, text};

    #[test]
    fn text_leaves_no_syntax() {
        assert_eq!(text(r#"A-->B "x" end; #1 <b>"#), "A--#62;B #quot;x#quot; end#59; #35;1 #60;b#62;");
        assert_eq!(text("a\nb`c|d[e]{f}"), "a b#96;c#124;d#91;e#93;#123;f#125;");
        assert_eq!(text("Café — ü"), "Café — ü");
        assert_eq!(ident("sales-suite"), "sales_suite");
    }
}
