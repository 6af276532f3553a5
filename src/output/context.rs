//! `context`'s two renderings of the bundle: compact JSON with one module per line (the schema's
//! shape, as serde writes it; compact because whitespace costs an LLM tokens) and Markdown for
//! prompts (headed sections and tables, the same content). Both end the same
//! way: the document's token estimate ([`tokens::estimate`]) is computed with the number itself
//! counted, and spliced in.
//!
//! For `--max-tokens`, [`price`] gives the estimate of one module's part of the document, as it
//! appears there, and [`fixed`] that of everything else: `report::context::plan` sums them
//! instead of rendering the whole document once per step.
//!
//! Markdown cells quote manifest text, which may hold anything: line breaks become spaces, `|`
//! is escaped, and control characters are shown visibly ([`escape::visible`]).

use std::borrow::Cow;
use std::fmt::Write as _;

use rayon::prelude::*;

use super::escape;
use super::tokens;
use crate::report::context::{
    self, ContextBundle, DetailLevel, Field, Finding, IndexScope, ModuleContext, Modules, Shortfall,
};

/// The formats of the bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Markdown,
}

/// Modules rendered per task: enough to keep both cores busy, few enough that their contexts
/// are dropped soon after they are built.
const CHUNK: usize = 64;

/// The document, with each module at (at most) its level in `levels`, and `estimated_tokens`
/// set to the estimate of the text returned. Modules are built, rendered and estimated in
/// parallel, a chunk at a time, each as it appears in the document; the parts meet where a
/// pre-token ends (after a line break), so their estimates add up to the document's, and the
/// estimate, which counts its own digits, is spliced in last.
pub fn render(
    bundle: &mut ContextBundle,
    modules: &Modules<'_>,
    levels: &[DetailLevel],
    format: Format,
) -> Vec<String> {
    let n = modules.len();
    let starts: Vec<usize> = (0..n).step_by(CHUNK).collect();
    let chunks: Vec<(String, usize)> = starts
        .par_iter()
        .map(|&start| {
            let mut s = String::with_capacity(CHUNK * 4096);
            let end = (start + CHUNK).min(n);
            for (k, &level) in levels.iter().enumerate().take(end).skip(start) {
                let m = modules.at(k, level);
                piece(&mut s, &m, format, k + 1 < n);
            }
            let tokens = tokens::estimate(&s);
            (s, tokens)
        })
        .collect();
    assemble(bundle, chunks, format)
}

/// How many times a plan is tightened when the rendered document overshoots what its parts
/// priced (the parts meet where the estimate is not exactly additive, so it is rare and small).
const REPLANS: usize = 4;

/// The document with every module at most at `detail` and, with `max_tokens`, detail cut level
/// by level (`report::context::plan`) until the estimate fits; `Err` says what the document
/// costs at its smallest when it cannot. What `modreg context` and `modreg mcp` print.
pub fn fit(
    bundle: &mut ContextBundle,
    modules: &Modules<'_>,
    detail: DetailLevel,
    max_tokens: Option<usize>,
    format: Format,
) -> Result<Vec<String>, Shortfall> {
    let mut levels = vec![detail; modules.len()];
    let Some(max) = max_tokens else {
        bundle.detail_level = lowest(&levels);
        return Ok(render(bundle, modules, &levels, format));
    };
    bundle.max_tokens = Some(max);
    let prices = prices(modules, &levels, format);
    let relevance = modules.relevance();
    let mut fixed = fixed(bundle, format);
    let mut budget = max;
    let mut tries = 0;
    while tries < REPLANS {
        let planned = match context::plan(&relevance, fixed, &prices, budget) {
            Ok(planned) => planned,
            // With a focus, the last resort: the indexes keep only the entries that name a
            // module of the neighbourhood (with every module sharing them).
            Err(_) if bundle.focus.is_some() && bundle.indexes.scope == IndexScope::Registry => {
                bundle.indexes.narrow(&modules.ids());
                fixed = self::fixed(bundle, format);
                budget = max;
                continue;
            }
            Err(short) => return Err(short),
        };
        tries += 1;
        levels = planned.into_iter().map(|l| l.min(detail)).collect();
        bundle.detail_level = lowest(&levels);
        let text = render(bundle, modules, &levels, format);
        if bundle.estimated_tokens <= max {
            return Ok(text);
        }
        budget = budget.saturating_sub(bundle.estimated_tokens - max);
    }
    Err(Shortfall { minimum: bundle.estimated_tokens })
}

/// The bundle's `detail_level`: the lowest any module has.
fn lowest(levels: &[DetailLevel]) -> DetailLevel {
    levels.iter().copied().min().unwrap_or(DetailLevel::Full)
}

/// Every module's price at each level (none above its cap in `levels`), in parallel; each
/// module is built once and dropped when priced.
fn prices(modules: &Modules<'_>, levels: &[DetailLevel], format: Format) -> Vec<[usize; 3]> {
    (0..modules.len())
        .into_par_iter()
        .map(|k| {
            let mut m = modules.get(k);
            m.cut(levels[k]);
            let full = price(&m, format);
            m.cut(DetailLevel::Summary);
            let summary = price(&m, format);
            m.cut(DetailLevel::Ids);
            [price(&m, format), summary, full]
        })
        .collect()
}

/// The estimate of the document without its modules (with a little room for where the modules
/// join it).
pub fn fixed(bundle: &mut ContextBundle, format: Format) -> usize {
    assemble(bundle, Vec::new(), format).iter().map(|p| tokens::estimate(p)).sum::<usize>() + 4
}

/// The estimate of one module's part of the document, as it appears there.
pub fn price(m: &ModuleContext, format: Format) -> usize {
    let mut s = String::with_capacity(4096);
    piece(&mut s, m, format, true);
    tokens::estimate(&s)
}

/// One module as it appears in the document; `more` when others follow it. In JSON, one
/// compact line per module.
fn piece(s: &mut String, m: &ModuleContext, format: Format, more: bool) {
    match format {
        Format::Json => {
            s.push_str(&serde_json::to_string(m).expect("a module serialises"));
            s.push_str(if more { ",\n" } else { "\n" });
        }
        Format::Markdown => markdown_module(s, m),
    }
}

/// The document around the rendered modules (`chunks`, with their estimates), the estimate
/// spliced in.
fn assemble(bundle: &mut ContextBundle, chunks: Vec<(String, usize)>, format: Format) -> Vec<String> {
    let (head, middle, tail) = match format {
        Format::Json => {
            // Compact JSON with the modules one per line: the frame is serde's text of the
            // bundle without modules, `estimated_tokens` (the last key) at 0.
            bundle.estimated_tokens = 0;
            let text = serde_json::to_string(&*bundle).expect("the bundle serialises");
            // A quote inside a string value is escaped, so this is the top-level key.
            const MODULES: &str = "\"modules\":[]";
            const END: &str = "0}";
            let at = text.find(MODULES).expect("the modules key") + MODULES.len() - 1;
            let (head, middle) = (&text[..at], &text[at..text.len() - END.len()]);
            if chunks.is_empty() {
                // `[]` stays one pre-token.
                (format!("{head}{middle}"), String::new(), "}\n".to_owned())
            } else {
                (format!("{head}\n"), middle.to_owned(), "}\n".to_owned())
            }
        }
        Format::Markdown => (markdown_head(bundle), String::new(), String::new()),
    };
    // Markdown: the estimate comes before the modules; JSON: after them.
    let (before, after) = match format {
        Format::Json => (None, (middle, tail)),
        Format::Markdown => {
            let mut body = String::with_capacity(1024);
            markdown_body_head(&mut body, bundle);
            let mut rest = String::with_capacity(64 * 1024);
            indexes(&mut rest, bundle);
            (Some(body), (rest, String::new()))
        }
    };
    let base = tokens::estimate(&head)
        + before.as_deref().map_or(0, tokens::estimate)
        + chunks.iter().map(|c| c.1).sum::<usize>()
        + tokens::estimate(&after.0)
        + tokens::estimate(&after.1);
    let n = count_itself(base);
    bundle.estimated_tokens = n;
    // Written as they are: the chunks are most of the document, and copying them into one
    // string would only double its memory.
    let mut parts = Vec::with_capacity(chunks.len() + 4);
    match before {
        // Markdown: head, estimate, problems, modules, indexes.
        Some(body) => {
            parts.push(format!("{head}{n}{body}"));
            parts.extend(chunks.into_iter().map(|c| c.0));
            parts.push(after.0);
        }
        // JSON: head, modules, the rest, estimate, the end.
        None => {
            parts.push(head);
            parts.extend(chunks.into_iter().map(|c| c.0));
            parts.push(format!("{}{n}{}", after.0, after.1));
        }
    }
    parts
}

/// The estimate of a document whose other parts cost `base`, its own digits (in threes)
/// included.
fn count_itself(base: usize) -> usize {
    let mut n = base;
    loop {
        let next = base + n.to_string().len().div_ceil(3);
        if next == n {
            return n;
        }
        n = next;
    }
}

/// The Markdown document up to the estimate.
fn markdown_head(b: &ContextBundle) -> String {
    let mut s = String::with_capacity(1024);
    s.push_str("# Module registry context\n\n");
    let _ = writeln!(s, "- schema: {}", b.schema_version);
    let _ = write!(s, "- detail level: {}", b.detail_level.as_str());
    if let Some(max) = b.max_tokens {
        let _ = write!(s, " (to fit --max-tokens {max})");
    }
    s.push('\n');
    let r = &b.registry;
    let statuses: Vec<String> =
        r.by_status.iter().filter(|(_, n)| **n > 0).map(|(st, n)| format!("{st} {n}")).collect();
    let _ = writeln!(s, "- modules: {} ({})", r.modules, statuses.join(", "));
    let _ = writeln!(s, "- validation: {} errors, {} warnings", r.errors, r.warnings);
    match (&r.git_commit, r.dirty) {
        (Some(c), Some(dirty)) => {
            let state = if dirty { "uncommitted changes in the registry" } else { "clean" };
            let _ = writeln!(s, "- git commit: {c} ({state})");
        }
        (None, Some(_)) => s.push_str("- git commit: none yet\n"),
        _ => s.push_str("- git: not a git repository\n"),
    }
    if let Some(f) = &b.focus {
        let _ = writeln!(s, "- focus: `{}`, depth {}", f.module, f.depth);
    }
    s.push_str("- estimated tokens: ");
    s
}

/// The Markdown document after the estimate, up to the modules.
fn markdown_body_head(s: &mut String, b: &ContextBundle) {
    s.push('\n');
    if !b.broken.is_empty() || !b.diagnostics.is_empty() {
        s.push_str("\n## Problems\n\n");
        if !b.broken.is_empty() {
            let _ = writeln!(s, "Manifests that do not load (left out): {}\n", b.broken.join(", "));
        }
        if !b.diagnostics.is_empty() {
            findings_table(s, &b.diagnostics);
        }
    }
    s.push_str("\n## Modules\n\n");
}

fn markdown_module(s: &mut String, m: &ModuleContext) {
    let mut line = format!("`{}` · {} · {} · {}", m.id, m.status, m.module_type, m.version);
    if let Some(d) = m.distance {
        let _ = write!(line, " · distance {d}");
    }
    if m.detail == DetailLevel::Ids {
        let _ = writeln!(s, "{line} · ids only\n");
        return;
    }
    let name = m.name.as_deref().map(inline).unwrap_or_default();
    let _ = writeln!(s, "### `{}` — {name}\n", m.id);
    let _ = writeln!(s, "{line} · detail {}\n", m.detail.as_str());
    if let Some(summary) = &m.summary {
        for para in summary.split("\n\n") {
            let _ = writeln!(s, "> {}\n", inline(para));
        }
    }
    if !m.owners.is_empty() || !m.tags.is_empty() {
        let _ = writeln!(s, "Owners: {} · Tags: {}\n", list(&m.owners), list(&m.tags));
    }
    if let Some(d) = &m.deprecation {
        let _ = write!(
            s,
            "**{}** since {}",
            if m.status.as_str() == "retired" { "Retired" } else { "Deprecated" },
            inline(&d.since)
        );
        if let Some(by) = &d.replaced_by {
            let _ = write!(s, "; replaced by `{by}`");
        }
        if let Some(why) = &d.reason {
            let _ = write!(s, ": {}", inline(why));
        }
        s.push_str("\n\n");
    }
    let full = m.detail == DetailLevel::Full;
    if let Some(c) = &m.capabilities {
        if !c.operations.is_empty() {
            s.push_str("**Operations**");
            if full {
                s.push_str("\n\n| operation | kind | entity | description |\n|---|---|---|---|\n");
                for o in &c.operations {
                    let _ = writeln!(
                        s,
                        "| {} | {} | {} | {} |",
                        cell(&o.name),
                        o.kind,
                        cell(o.entity.as_deref().unwrap_or("")),
                        cell(o.description.as_deref().unwrap_or(""))
                    );
                }
            } else {
                let ops: Vec<String> = c
                    .operations
                    .iter()
                    .map(|o| match &o.entity {
                        Some(e) => format!("{} ({} {})", inline(&o.name), o.kind, inline(e)),
                        None => format!("{} ({})", inline(&o.name), o.kind),
                    })
                    .collect();
                let _ = writeln!(s, ": {}", ops.join(", "));
            }
            s.push('\n');
        }
        if !c.endpoints.is_empty() {
            s.push_str("**Endpoints**");
            if full {
                s.push_str("\n\n| method | path | operation |\n|---|---|---|\n");
                for e in &c.endpoints {
                    let _ = writeln!(
                        s,
                        "| {} | {} | {} |",
                        e.method,
                        cell(&e.path),
                        cell(e.operation.as_deref().unwrap_or(""))
                    );
                }
            } else {
                let eps: Vec<String> =
                    c.endpoints.iter().map(|e| format!("{} {}", e.method, inline(&e.path))).collect();
                let _ = writeln!(s, ": {}", eps.join(", "));
            }
            s.push('\n');
        }
        if !c.data_models.is_empty() {
            if full {
                for d in &c.data_models {
                    let _ = write!(s, "**Data model {}**", inline(&d.name));
                    if let Some(desc) = &d.description {
                        let _ = write!(s, ": {}", inline(desc));
                    }
                    s.push_str("\n\n");
                    if !d.fields.is_empty() {
                        s.push_str("| field | type | required | notes |\n|---|---|---|---|\n");
                        field_rows(s, "", &d.fields);
                        s.push('\n');
                    }
                }
            } else {
                let names: Vec<&str> = c.data_models.iter().map(|d| d.name.as_str()).collect();
                let _ = writeln!(s, "**Data models**: {}\n", list(&names));
            }
        }
        if !c.business_logic.is_empty() {
            s.push_str("**Business logic**\n\n");
            for l in &c.business_logic {
                match &l.description {
                    Some(d) => {
                        let _ = writeln!(s, "- {}: {}", inline(&l.name), inline(d));
                    }
                    None => {
                        let _ = writeln!(s, "- {}", inline(&l.name));
                    }
                }
            }
            s.push('\n');
        }
        if !c.emits.is_empty() || !c.consumes.is_empty() {
            let _ = writeln!(s, "**Events**: emits {}; consumes {}\n", list(&c.emits), list(&c.consumes));
        }
    }
    if let Some(keys) = m.config.as_ref().filter(|k| !k.is_empty()) {
        if full {
            s.push_str(
                "**Config**\n\n| key | type | required | default | description |\n|---|---|---|---|---|\n",
            );
            for k in keys {
                let default = k.default.as_ref().map(|v| v.to_string()).unwrap_or_default();
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} |",
                    cell(&k.name),
                    cell(&k.ty),
                    yes(k.required),
                    cell(&default),
                    cell(k.description.as_deref().unwrap_or(""))
                );
            }
        } else {
            let req: Vec<String> =
                keys.iter().map(|k| format!("{} ({})", inline(&k.name), inline(&k.ty))).collect();
            let _ = writeln!(s, "**Required config**: {}", req.join(", "));
        }
        s.push('\n');
    }
    if let Some(r) =
        m.relationships.as_ref().filter(|r| !full && (!r.outgoing.is_empty() || !r.incoming.is_empty()))
    {
        let mut all: Vec<String> = Vec::new();
        for o in &r.outgoing {
            let mut e = format!("{} → `{}`", o.kind.as_str(), o.target);
            if let Some(v) = &o.version {
                let _ = write!(e, " {}", inline(v));
            }
            if !o.data.is_empty() {
                let _ = write!(e, " ({})", list(&o.data));
            }
            all.push(e);
        }
        for i in &r.incoming {
            let mut e = format!("{} ← `{}`", i.inverse, i.source);
            if !i.data.is_empty() {
                let _ = write!(e, " ({})", list(&i.data));
            }
            all.push(e);
        }
        let _ = writeln!(s, "**Relationships**: {}\n", all.join("; "));
    }
    if let Some(r) =
        m.relationships.as_ref().filter(|r| full && (!r.outgoing.is_empty() || !r.incoming.is_empty()))
    {
        s.push_str("**Relationships**\n\n| relationship | module | version | data | description |\n|---|---|---|---|---|\n");
        for o in &r.outgoing {
            let unresolved = if o.unresolved { " (not in the registry)" } else { "" };
            let _ = writeln!(
                s,
                "| {} → | `{}`{unresolved} | {} | {} | {} |",
                o.kind.as_str(),
                cell(&o.target),
                cell(o.version.as_deref().unwrap_or("")),
                cell(&o.data.join(", ")),
                cell(o.description.as_deref().unwrap_or(""))
            );
        }
        for i in &r.incoming {
            let _ = writeln!(
                s,
                "| {} ← | `{}` | {} | {} | {} |",
                i.inverse,
                cell(&i.source),
                cell(i.version.as_deref().unwrap_or("")),
                cell(&i.data.join(", ")),
                cell(i.description.as_deref().unwrap_or(""))
            );
        }
        s.push('\n');
    }
    if let Some(h) = &m.health {
        let _ = write!(s, "**Health**: {}", h.state.as_str());
        if let Some(at) = &h.observed_at {
            let _ = write!(s, " as of {}", inline(at));
        }
        if let Some(n) = h.records {
            let _ = write!(s, "; {n} records");
            if !h.records_by_model.is_empty() {
                let per: Vec<String> =
                    h.records_by_model.iter().map(|(k, n)| format!("{} {n}", inline(k))).collect();
                let _ = write!(s, " ({})", per.join(", "));
            }
        }
        if h.unhealthy {
            let _ = write!(s, "; unhealthy: {}", list(&h.reasons));
        }
        s.push('\n');
        for i in &h.issues {
            let _ = writeln!(s, "- issue {} ({}): {}", inline(&i.id), i.severity, inline(&i.summary));
        }
        s.push('\n');
    }
    if let Some(w) = m.warnings.as_ref().filter(|w| !w.is_empty()) {
        s.push_str("**Findings**\n\n");
        findings_table(s, w);
    }
}

/// Rows for the fields of a data model; nested ones as `parent.child`.
fn field_rows(s: &mut String, prefix: &str, fields: &[Field]) {
    for f in fields {
        let name = format!("{prefix}{}", f.name);
        let mut notes = Vec::new();
        if let Some(fmt) = &f.format {
            notes.push(format!("format {fmt}"));
        }
        if !f.values.is_empty() {
            let vals: Vec<String> = f.values.iter().map(|v| v.to_string()).collect();
            notes.push(format!("one of {}", vals.join(", ")));
        }
        if let Some(d) = &f.description {
            notes.push(d.clone());
        }
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            cell(&name),
            cell(&f.ty),
            yes(f.required),
            cell(&notes.join("; "))
        );
        if !f.fields.is_empty() {
            field_rows(s, &format!("{name}."), &f.fields);
        }
    }
}

fn findings_table(s: &mut String, findings: &[Finding]) {
    s.push_str("| code | severity | where | message |\n|---|---|---|---|\n");
    for f in findings {
        let at = match (&f.file, f.line) {
            (Some(file), Some(line)) => format!("{file}:{line}"),
            (Some(file), None) => file.clone(),
            _ => String::new(),
        };
        let message = match &f.hint {
            Some(h) => format!("{} (hint: {h})", f.message),
            None => f.message.clone(),
        };
        let _ = writeln!(s, "| {} | {} | {} | {} |", f.code, f.severity, cell(&at), cell(&message));
    }
    s.push('\n');
}

fn indexes(s: &mut String, b: &ContextBundle) {
    let ix = &b.indexes;
    s.push_str(match ix.scope {
        IndexScope::Registry => "## Indexes\n\nOver the whole registry.\n\n",
        IndexScope::Neighbourhood => {
            "## Indexes\n\nThe entries naming a module listed above, each with every module of the registry \
             that shares it (the whole indexes do not fit the token budget).\n\n"
        }
    });
    s.push_str("### Endpoints\n\n");
    if ix.endpoints.is_empty() {
        s.push_str("None.\n\n");
    } else {
        s.push_str("| endpoint | module |\n|---|---|\n");
        for (e, id) in &ix.endpoints {
            let _ = writeln!(s, "| {} | `{id}` |", cell(e));
        }
        s.push('\n');
    }
    if !ix.endpoint_collisions.is_empty() {
        s.push_str("### Endpoint collisions\n\n| endpoint | modules |\n|---|---|\n");
        for (e, ids) in &ix.endpoint_collisions {
            let _ = writeln!(s, "| {} | {} |", cell(e), ids.join(", "));
        }
        s.push('\n');
    }
    s.push_str("### Data models\n\n");
    if ix.data_models.is_empty() {
        s.push_str("None.\n\n");
    } else {
        s.push_str("| data model | modules |\n|---|---|\n");
        for (d, ids) in &ix.data_models {
            let _ = writeln!(s, "| {} | {} |", cell(d), ids.join(", "));
        }
        s.push('\n');
    }
    s.push_str("### Events\n\n");
    if ix.events.is_empty() {
        s.push_str("None.\n\n");
    } else {
        s.push_str("| event | emitters | consumers |\n|---|---|---|\n");
        for (e, who) in &ix.events {
            let _ =
                writeln!(s, "| {} | {} | {} |", cell(e), who.emitters.join(", "), who.consumers.join(", "));
        }
        s.push('\n');
    }
    s.push_str("### Tags\n\n");
    if ix.tags.is_empty() {
        s.push_str("None.\n\n");
    } else {
        s.push_str("| tag | modules |\n|---|---|\n");
        for (t, ids) in &ix.tags {
            let _ = writeln!(s, "| {} | {} |", cell(t), ids.join(", "));
        }
        s.push('\n');
    }
    s.push_str("### Dependency order\n\nEvery module after the modules it depends on:\n\n");
    let _ = writeln!(
        s,
        "{}\n",
        if ix.dependency_order.is_empty() { "None.".to_owned() } else { ix.dependency_order.join(", ") }
    );
    if !ix.dependency_cycles.is_empty() || !ix.unordered.is_empty() {
        let _ = writeln!(s, "Not orderable (on or behind a depends_on cycle): {}\n", ix.unordered.join(", "));
        s.push_str("Cycles:\n\n");
        for c in &ix.dependency_cycles {
            let mut path = c.clone();
            path.extend(c.first().cloned());
            let _ = writeln!(s, "- {}", path.join(" → "));
        }
        s.push('\n');
    }
}

/// Manifest text on one line: line breaks and tabs as spaces, control characters visible.
fn inline(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\r', '\t']) {
        return escape::visible(text);
    }
    let flat: String = text.chars().map(|c| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c }).collect();
    Cow::Owned(escape::visible(&flat).into_owned())
}

/// Manifest text in a table cell: [`inline`], with `|` escaped.
fn cell(text: &str) -> Cow<'_, str> {
    let line = inline(text);
    if line.contains('|') { Cow::Owned(line.replace('|', "\\|")) } else { line }
}

fn list<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return "none".to_owned();
    }
    items.iter().map(|i| inline(i.as_ref()).into_owned()).collect::<Vec<_>>().join(", ")
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_stay_one_cell() {
        assert_eq!(cell("a|b\nc\u{1b}"), "a\\|b c\u{241b}");
        assert_eq!(inline("plain"), "plain");
    }
}
