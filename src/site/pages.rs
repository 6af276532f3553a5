//! The pages of the site: the index, a page per module, the graph and the statistics. Each is
//! a function from the shared indexes to HTML text; every string from the registry goes through
//! [`esc`], and every link is relative to the page ([`Depth`]).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::path::{Component, Path};

use rustc_hash::FxHashMap as HashMap;

use crate::fsutil;
use crate::graph::Direction;
use crate::graph::reach::reach;
use crate::model::{RelationType, Status};
use crate::report::history::{HistoryReport, Trend};
use crate::report::show::{self, Detail, ShowReport};
use crate::report::stats;
use crate::site::html::{Depth, Frame, badge, count, esc, external_link, markdown};
use crate::site::svg;
use crate::site::{GRAPH_LIMIT, Shared};

/// A neighbourhood graph two steps deep is drawn when it has at most this many modules; else
/// one step, cut to this many.
const NEIGHBOURHOOD_LIMIT: usize = 40;
/// Rows of the impact list shown on a module page (the count says how many in all).
const IMPACT_ROWS: usize = 50;
/// Health versions listed on a module page, newest first.
const HISTORY_ROWS: usize = 20;
/// The largest documentation file rendered (larger ones are linked by name only).
const DOC_LIMIT: usize = 1 << 20;

fn frame<'a>(shared: &'a Shared<'_>, title: &'a str, depth: Depth, current: &'a str) -> Frame<'a> {
    Frame { site_title: shared.inputs.title, title, depth, current, script: current == "index" }
}

/// The link to module `i` when it has a page, else its id as text.
fn module_link(shared: &Shared<'_>, depth: Depth, id: &str) -> String {
    match shared.inputs.reg.index_of(id) {
        Some(i) if shared.shown[i] => format!("<a href=\"{}\">{}</a>", depth.module(id), esc(id)),
        _ => format!("<span class=\"unknown\" title=\"not in the registry\">{}</span>", esc(id)),
    }
}

fn date_of(last_changed: Option<&str>) -> &str {
    last_changed.map_or("", |d| d.get(..10).unwrap_or(d))
}

// ------------------------------------------------------------------------------------------
// Index
// ------------------------------------------------------------------------------------------

/// Every module in one table, with the counts and the filter box (which `site.js` drives; the
/// table is complete without it).
pub fn index(shared: &Shared<'_>) -> String {
    let reg = shared.inputs.reg;
    let rows = &shared.rows;
    let mut s = String::with_capacity(rows.len() * 900 + 4096);
    let _ = writeln!(s, "<h1>{}</h1>", esc(shared.inputs.title));
    let _ = writeln!(
        s,
        "<p class=\"lead\">{} modules. Each name leads to everything the registry knows about the module; \
         <a href=\"graph.html\">the graph</a> shows how they relate, <a href=\"stats.html\">the statistics</a> \
         sum them up.</p>",
        count(rows.len())
    );
    let mut by_status: BTreeMap<Status, usize> = BTreeMap::new();
    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    let mut tags: BTreeSet<&str> = BTreeSet::new();
    for r in rows {
        if let Some(i) = reg.index_of(&r.id) {
            *by_status.entry(reg.modules[i].m().metadata.status).or_default() += 1;
        }
        *by_type.entry(r.module_type.as_str()).or_default() += 1;
        tags.extend(r.tags.iter().map(String::as_str));
    }
    s.push_str(
        "<section class=\"counts\" aria-label=\"Counts\">\n<div><h2>By status</h2><ul class=\"chips\">",
    );
    for (st, n) in &by_status {
        let _ = write!(
            s,
            "<li><a href=\"index.html?status={0}\">{1} <b>{2}</b></a></li>",
            st.as_str(),
            badge("st", st.as_str()),
            count(*n)
        );
    }
    s.push_str("</ul></div>\n<div><h2>By type</h2><ul class=\"chips\">");
    for (ty, n) in &by_type {
        let _ = write!(
            s,
            "<li><a href=\"index.html?type={0}\">{1} <b>{2}</b></a></li>",
            esc(ty),
            badge("ty", ty),
            count(*n)
        );
    }
    s.push_str("</ul></div>\n</section>\n");

    // The filter form: a plain GET form, so the state is the URL; site.js applies it.
    s.push_str(
        "<form class=\"filters\" role=\"search\" action=\"index.html\" method=\"get\" id=\"filters\">\n",
    );
    s.push_str(
        "<label>Search <input type=\"search\" name=\"q\" id=\"q\" placeholder=\"id, name, tag, owner, operation, data model, event\" autocomplete=\"off\"></label>\n",
    );
    let select = |s: &mut String, name: &str, label: &str, values: &mut dyn Iterator<Item = String>| {
        let _ = write!(
            s,
            "<label>{label} <select name=\"{name}\" id=\"f-{name}\"><option value=\"\">any</option>"
        );
        for v in values {
            let _ = write!(s, "<option>{}</option>", esc(&v));
        }
        s.push_str("</select></label>\n");
    };
    select(&mut s, "status", "Status", &mut Status::ALL.iter().map(|st| st.as_str().to_owned()));
    select(&mut s, "type", "Type", &mut crate::model::ModuleType::ALL.iter().map(|t| t.as_str().to_owned()));
    select(&mut s, "tag", "Tag", &mut tags.iter().map(|t| (*t).to_owned()));
    s.push_str(
        "<button type=\"submit\">Filter</button> <a class=\"reset\" href=\"index.html\">Reset</a>\n</form>\n",
    );
    let _ =
        writeln!(s, "<p id=\"shown\" class=\"shown\" aria-live=\"polite\">{} modules</p>", count(rows.len()));

    s.push_str(
        "<div class=\"scroll\"><table class=\"modules\" id=\"modules\">\n<thead><tr><th>Module</th><th>Type</th>\
         <th>Status</th><th>Health</th><th>Version</th><th>Owners</th><th title=\"relationships declared / received\">Rel. out/in</th>\
         <th>Last change</th></tr></thead>\n<tbody>\n",
    );
    for r in rows {
        let Some(i) = reg.index_of(&r.id) else { continue };
        let m = reg.modules[i].m();
        // What the text filter matches: the module's names and what it provides, not its prose.
        let mut words: Vec<&str> = vec![&r.id, &r.name];
        words.extend(r.owners.iter().map(String::as_str));
        words.extend(r.tags.iter().map(String::as_str));
        let caps = &m.capabilities;
        words.extend(caps.operations.iter().map(|o| o.name.as_str()));
        words.extend(caps.data_models.iter().map(|d| d.name.as_str()));
        words.extend(caps.events.emits.iter().map(String::as_str));
        let q = words.join(" ").to_lowercase();
        let changed = r.git.as_ref().and_then(|g| g.last_changed.as_deref());
        let _ = writeln!(
            s,
            "<tr data-q=\"{q}\" data-status=\"{st}\" data-type=\"{ty}\" data-tags=\"{tags}\">\
             <td><a href=\"{href}\">{name}</a><br><code>{id}</code></td><td>{tyb}</td><td>{stb}</td><td>{hb}</td>\
             <td>{version}</td><td>{owners}</td><td class=\"num\">{out}/{inc}</td><td>{changed}</td></tr>",
            q = esc(&q),
            st = esc(&r.status),
            ty = esc(&r.module_type),
            tags = esc(&r.tags.join("\n")),
            href = Depth::Root.module(&r.id),
            name = esc(&r.name),
            id = esc(&r.id),
            tyb = badge("ty", &r.module_type),
            stb = badge("st", &r.status),
            hb = health_badge(r.health.as_str(), r.unhealthy),
            version = esc(&r.version),
            owners = esc(&r.owners.join(", ")),
            out = r.relationships.outgoing,
            inc = r.relationships.incoming,
            changed = esc(date_of(changed)),
        );
    }
    s.push_str("</tbody>\n</table></div>\n");
    s.push_str("<p class=\"more\" id=\"more\" hidden><button type=\"button\" id=\"show-more\">Show more</button></p>\n");
    s.push_str("<noscript><p class=\"note\">The filter box needs JavaScript; the table above lists every module.</p></noscript>\n");
    frame(shared, shared.inputs.title, Depth::Root, "index").render(&s)
}

fn health_badge(state: &str, unhealthy: bool) -> String {
    let mut b = badge("h", state);
    if unhealthy {
        b.push_str(" <span class=\"badge warn\" title=\"unhealthy\">!</span>");
    }
    b
}

// ------------------------------------------------------------------------------------------
// Module page
// ------------------------------------------------------------------------------------------

/// The page of module `i`: its neighbourhood graph, then everything `modreg show` shows, its
/// health over time, and the modules a change to it affects.
pub fn module(shared: &Shared<'_>, i: usize) -> String {
    let inputs = shared.inputs;
    let reg = inputs.reg;
    let m = &reg.modules[i];
    let Ok(mut report) = show::build(reg, m.id(), inputs.now) else {
        return String::new();
    };
    report.git = inputs.changes.map(|c| c.of(m));
    let d = Depth::Module;
    let md = report.metadata;
    let mut s = String::with_capacity(16 * 1024);
    let _ = writeln!(
        s,
        "<p class=\"crumbs\"><a href=\"../index.html\">Modules</a> / <code>{}</code></p>",
        esc(report.id)
    );
    let h = shared.rows.get(shared.row_of[i]);
    let _ = writeln!(
        s,
        "<h1>{} {} {} {}</h1>",
        esc(&md.name),
        badge("st", md.status.as_str()),
        badge("ty", md.module_type.as_str()),
        h.map(|r| health_badge(r.health.as_str(), r.unhealthy)).unwrap_or_default()
    );
    if !md.description.is_empty() {
        let _ = writeln!(s, "<p class=\"lead\">{}</p>", esc(&md.description));
    }
    s.push_str(&neighbourhood(shared, i));
    s.push_str("<nav class=\"toc\" aria-label=\"Sections\"><a href=\"#metadata\">Metadata</a> <a href=\"#capabilities\">Capabilities</a> <a href=\"#config\">Config</a> <a href=\"#relationships\">Relationships</a> <a href=\"#impact\">Impact</a> <a href=\"#health\">Health</a> <a href=\"#docs\">Docs</a></nav>\n");
    metadata(&mut s, &report);
    capabilities(&mut s, &report);
    config(&mut s, &report);
    relationships(&mut s, shared, &report);
    impact(&mut s, shared, i);
    health(&mut s, &report, inputs.histories.get(report.id));
    docs(&mut s, shared, i, &report);
    frame(shared, &md.name, d, "").render(&s)
}

fn metadata(s: &mut String, r: &ShowReport<'_>) {
    let md = r.metadata;
    s.push_str("<section id=\"metadata\"><h2>Metadata</h2>\n<dl class=\"kv\">\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(s, "<dt>{k}</dt><dd>{v}</dd>");
    };
    row("id", format!("<code>{}</code>", esc(r.id)));
    row("version", esc(&md.version.to_string()).into_owned());
    row("status", badge("st", md.status.as_str()));
    row("type", badge("ty", md.module_type.as_str()));
    row("created", format!("{} by {}", esc(&md.created.at), esc(&md.created.by)));
    let ai = match (&md.created.ai_model, &md.created.request) {
        (Some(model), Some(req)) => {
            format!("generated by <b>{}</b> for request <code>{}</code>", esc(model), esc(req))
        }
        (Some(model), None) => format!("generated by <b>{}</b>", esc(model)),
        (None, Some(req)) => format!("request <code>{}</code>, no AI model recorded", esc(req)),
        (None, None) => "not AI-generated (no model recorded)".to_owned(),
    };
    row("provenance", ai);
    if !md.owners.is_empty() {
        row("owners", esc(&md.owners.join(", ")).into_owned());
    }
    if !md.tags.is_empty() {
        let tags: Vec<String> = md
            .tags
            .iter()
            .map(|t| {
                format!("<a class=\"tag\" href=\"../index.html?tag={}\">{}</a>", esc(&query_value(t)), esc(t))
            })
            .collect();
        row("tags", tags.join(" "));
    }
    if let Some(dep) = &md.deprecation {
        let mut v = format!("since {}", esc(&dep.since));
        if let Some(by) = &dep.replaced_by {
            let _ = write!(v, ", replaced by <a href=\"{}\">{}</a>", Depth::Module.module(by), esc(by));
        }
        if let Some(reason) = &dep.reason {
            let _ = write!(v, ": {}", esc(reason));
        }
        row("deprecated", v);
    }
    for l in &md.links {
        row("link", external_link(&l.title, &l.url));
    }
    row("manifest", format!("<code>{}/module.yaml</code>", esc(&dir_name(r))));
    if let Some(git) = &r.git {
        let v = match &git.last_changed {
            Some(date) => {
                format!("{} ({} commit{})", esc(date), git.commits, if git.commits == 1 { "" } else { "s" })
            }
            None => "not committed yet".to_owned(),
        };
        row("last change", v);
    }
    s.push_str("</dl></section>\n");
}

/// The module directory's name, from the manifest path (`…/ID/module.yaml`).
fn dir_name(r: &ShowReport<'_>) -> String {
    Path::new(&r.path)
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| r.id.to_owned())
}

/// A value for a URL query: percent-encoded except for unreserved characters.
fn query_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn capabilities(s: &mut String, r: &ShowReport<'_>) {
    let caps = r.capabilities;
    s.push_str("<section id=\"capabilities\"><h2>Capabilities</h2>\n");
    if caps.operations.is_empty()
        && caps.endpoints.is_empty()
        && caps.data_models.is_empty()
        && caps.business_logic.is_empty()
        && caps.events.is_empty()
    {
        s.push_str("<p class=\"none\">None declared.</p>\n");
    }
    if !caps.operations.is_empty() {
        let _ = writeln!(s, "<h3>Operations ({})</h3>", caps.operations.len());
        s.push_str("<div class=\"scroll\"><table><thead><tr><th>Name</th><th>Kind</th><th>Entity</th><th>Description</th></tr></thead><tbody>\n");
        for op in &caps.operations {
            let _ = writeln!(
                s,
                "<tr id=\"op-{0}\"><td><code>{0}</code></td><td>{1}</td><td>{2}</td><td>{3}</td></tr>",
                esc(&op.name),
                esc(op.kind.as_str()),
                esc(op.entity.as_deref().unwrap_or("")),
                esc(op.description.as_deref().unwrap_or(""))
            );
        }
        s.push_str("</tbody></table></div>\n");
    }
    if !caps.endpoints.is_empty() {
        let _ = writeln!(s, "<h3>Endpoints ({})</h3>", caps.endpoints.len());
        s.push_str("<div class=\"scroll\"><table class=\"endpoints\"><thead><tr><th>Method</th><th>Path</th><th>Operation</th><th>Description</th></tr></thead><tbody>\n");
        for ep in &caps.endpoints {
            let op =
                ep.operation.as_deref().map(|o| format!("<a href=\"#op-{0}\"><code>{0}</code></a>", esc(o)));
            let _ = writeln!(
                s,
                "<tr><td><span class=\"method m-{0}\">{0}</span></td><td><code>{1}</code></td><td>{2}</td><td>{3}</td></tr>",
                esc(&ep.method.to_string()),
                esc(&ep.path),
                op.unwrap_or_default(),
                esc(ep.description.as_deref().unwrap_or(""))
            );
        }
        s.push_str("</tbody></table></div>\n");
    }
    if !caps.data_models.is_empty() {
        let _ = writeln!(s, "<h3>Data models ({})</h3>", caps.data_models.len());
        for dm in &caps.data_models {
            let _ = writeln!(s, "<h4 id=\"dm-{0}\">{0}</h4>", esc(&dm.name));
            if let Some(desc) = &dm.description {
                let _ = writeln!(s, "<p>{}</p>", esc(desc));
            }
            let schema = dm.schema.as_ref().map(crate::model::SchemaJson::to_value);
            fields_table(s, schema.as_ref());
        }
    }
    if !caps.business_logic.is_empty() {
        s.push_str("<h3>Business logic</h3>\n<dl class=\"kv\">\n");
        for b in &caps.business_logic {
            let _ = writeln!(
                s,
                "<dt><code>{}</code></dt><dd>{}</dd>",
                esc(&b.name),
                esc(b.description.as_deref().unwrap_or(""))
            );
        }
        s.push_str("</dl>\n");
    }
    if !caps.events.is_empty() {
        s.push_str("<h3>Events</h3>\n<dl class=\"kv\">\n");
        for (what, list) in [("emits", &caps.events.emits), ("consumes", &caps.events.consumes)] {
            if !list.is_empty() {
                let items: Vec<String> = list.iter().map(|e| format!("<code>{}</code>", esc(e))).collect();
                let _ = writeln!(s, "<dt>{what}</dt><dd>{}</dd>", items.join(" "));
            }
        }
        s.push_str("</dl>\n");
    }
    s.push_str("</section>\n");
}

/// The top-level properties of a JSON Schema as a table: name, type, required, constraints.
fn fields_table(s: &mut String, schema: Option<&serde_json::Value>) {
    let props = schema.and_then(|v| v.get("properties")).and_then(|p| p.as_object());
    let Some(props) = props.filter(|p| !p.is_empty()) else {
        s.push_str("<p class=\"none\">No fields declared.</p>\n");
        return;
    };
    let required: Vec<&str> = schema
        .and_then(|v| v.get("required"))
        .and_then(|r| r.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    s.push_str("<div class=\"scroll\"><table class=\"fields\"><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Details</th></tr></thead><tbody>\n");
    for (name, prop) in props {
        let ty = type_of(prop);
        let mut details = Vec::new();
        for key in
            ["format", "pattern", "enum", "minimum", "maximum", "exclusiveMinimum", "default", "description"]
        {
            if let Some(v) = prop.get(key) {
                let text = match v {
                    serde_json::Value::String(t) => t.clone(),
                    other => other.to_string(),
                };
                details.push(format!("{key}: {text}"));
            }
        }
        let _ = writeln!(
            s,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            esc(&ty),
            if required.contains(&name.as_str()) { "yes" } else { "" },
            esc(&details.join("; "))
        );
    }
    s.push_str("</tbody></table></div>\n");
}

/// A property's type as a reader says it: `string`, `array of integer`, `object`, or the
/// `$ref` it points at.
fn type_of(prop: &serde_json::Value) -> String {
    match prop.get("type") {
        Some(serde_json::Value::String(t)) if t == "array" => match prop.get("items") {
            Some(items) => format!("array of {}", type_of(items)),
            None => "array".to_owned(),
        },
        Some(serde_json::Value::String(t)) => t.clone(),
        Some(other) => other.to_string(),
        None => match prop.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => r.to_owned(),
            None => "any".to_owned(),
        },
    }
}

fn config(s: &mut String, r: &ShowReport<'_>) {
    s.push_str("<section id=\"config\"><h2>Config</h2>\n");
    let keys = r.config.map(crate::model::Config::keys).unwrap_or_default();
    if keys.is_empty() {
        s.push_str("<p class=\"none\">No config keys.</p>\n");
    } else {
        s.push_str("<div class=\"scroll\"><table><thead><tr><th>Key</th><th>Type</th><th>Required</th><th>Default</th></tr></thead><tbody>\n");
        for k in keys {
            let _ = writeln!(
                s,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                esc(&k.name),
                esc(&k.ty),
                if k.required { "yes" } else { "" },
                esc(k.default.as_deref().unwrap_or(""))
            );
        }
        s.push_str("</tbody></table></div>\n");
    }
    s.push_str("</section>\n");
}

fn rel_note(d: &Detail<'_>) -> String {
    let mut parts = Vec::new();
    if let Some(v) = &d.version {
        parts.push(format!("<code>{}</code>", esc(v)));
    }
    if !d.data.is_empty() {
        let data: Vec<String> = d.data.iter().map(|x| format!("<code>{}</code>", esc(x))).collect();
        parts.push(format!("data: {}", data.join(", ")));
    }
    if let Some(desc) = d.description {
        parts.push(esc(desc).into_owned());
    }
    parts.join(" · ")
}

fn relationships(s: &mut String, shared: &Shared<'_>, r: &ShowReport<'_>) {
    let d = Depth::Module;
    s.push_str("<section id=\"relationships\"><h2>Relationships</h2>\n");
    if r.relationships.outgoing.is_empty() && r.relationships.incoming.is_empty() {
        s.push_str("<p class=\"none\">None, either way.</p>\n</section>\n");
        return;
    }
    s.push_str("<div class=\"scroll\"><table class=\"rels\"><thead><tr><th>Relationship</th><th>Module</th><th>Details</th></tr></thead><tbody>\n");
    for o in &r.relationships.outgoing {
        let _ = writeln!(
            s,
            "<tr><td><span class=\"rel rel-{0}\">{0}</span></td><td>{1}</td><td>{2}</td></tr>",
            o.kind,
            module_link(shared, d, o.target),
            rel_note(&o.detail)
        );
    }
    for i in &r.relationships.incoming {
        let _ = writeln!(
            s,
            "<tr><td><span class=\"rel rel-{0}\">{1}</span></td><td>{2}</td><td>{3}</td></tr>",
            i.kind,
            i.inverse,
            module_link(shared, d, i.source),
            rel_note(&i.detail)
        );
    }
    s.push_str("</tbody></table></div>\n</section>\n");
}

/// The modules affected if this one changes: everything that depends on it, directly or
/// through others (`depends_on` against the declaration, as `deps --reverse --transitive`).
fn impact(s: &mut String, shared: &Shared<'_>, i: usize) {
    let reg = shared.inputs.reg;
    let reached = reach(reg, i, &[RelationType::DependsOn], Direction::In, None);
    s.push_str("<section id=\"impact\"><h2>Impact</h2>\n");
    if reached.is_empty() {
        s.push_str("<p class=\"none\">Nothing depends on this module: changing it affects no other module.</p>\n</section>\n");
        return;
    }
    let direct = reached.iter().filter(|r| r.depth == 1).count();
    let _ = writeln!(
        s,
        "<p>Changing this module may affect <b>{}</b> module{} ({} directly), through <code>depends_on</code>.</p>",
        count(reached.len()),
        if reached.len() == 1 { "" } else { "s" },
        count(direct)
    );
    s.push_str("<div class=\"scroll\"><table><thead><tr><th>Module</th><th>Depth</th><th>Through</th></tr></thead><tbody>\n");
    for r in reached.iter().take(IMPACT_ROWS) {
        let id = reg.modules[r.index].id();
        let through: Vec<String> = r.via[..r.via.len().saturating_sub(1)]
            .iter()
            .rev()
            .map(|&v| module_link(shared, Depth::Module, reg.modules[v].id()))
            .collect();
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            module_link(shared, Depth::Module, id),
            r.depth,
            through.join(" → ")
        );
    }
    s.push_str("</tbody></table></div>\n");
    if reached.len() > IMPACT_ROWS {
        let _ = writeln!(
            s,
            "<p class=\"note\">The first {IMPACT_ROWS} of {} are listed; <code>modreg deps {} --reverse --transitive</code> lists them all.</p>",
            count(reached.len()),
            esc(reg.modules[i].id())
        );
    }
    s.push_str("</section>\n");
}

fn health(s: &mut String, r: &ShowReport<'_>, history: Option<&HistoryReport>) {
    s.push_str("<section id=\"health\"><h2>Health</h2>\n");
    match &r.health {
        None => s.push_str("<p class=\"none\">No health snapshot.</p>\n"),
        Some(h) => {
            s.push_str("<dl class=\"kv\">\n");
            let mut state = health_badge(h.summary.state.as_str(), h.summary.unhealthy);
            if h.summary.unhealthy {
                let _ = write!(state, " {}", esc(&h.summary.reasons.join("; ")));
            }
            let _ = writeln!(s, "<dt>state</dt><dd>{state}</dd>");
            let _ = writeln!(s, "<dt>observed</dt><dd>{}</dd>", esc(&h.snapshot.observed_at));
            for (name, rec) in &h.snapshot.records {
                let _ = writeln!(s, "<dt>records {}</dt><dd>{}</dd>", esc(name), rec.count);
            }
            let m = &h.snapshot.metrics;
            for (k, v) in [
                ("requests/min", m.requests_per_minute),
                ("p95 latency (ms)", m.latency_p95_ms),
                ("error rate", m.error_rate),
            ] {
                if let Some(v) = v {
                    let _ = writeln!(s, "<dt>{k}</dt><dd>{v}</dd>");
                }
            }
            for issue in &h.snapshot.issues {
                let _ = writeln!(
                    s,
                    "<dt>issue {}</dt><dd>{}: {}</dd>",
                    esc(&issue.id),
                    esc(&issue.severity.to_string()),
                    esc(&issue.summary)
                );
            }
            s.push_str("</dl>\n");
        }
    }
    if let Some(hist) = history.filter(|h| !h.versions.is_empty()) {
        let _ = writeln!(
            s,
            "<h3>Over time</h3>\n<p>{} committed snapshot{} of <code>{}</code>, oldest to newest.</p>",
            hist.versions.len(),
            if hist.versions.len() == 1 { "" } else { "s" },
            esc(&hist.path)
        );
        s.push_str("<div class=\"scroll\"><table class=\"trends\"><thead><tr><th>Measure</th><th>Trend</th><th>First</th><th>Last</th><th>Min</th><th>Max</th></tr></thead><tbody>\n");
        let t = &hist.trends;
        trend_row(s, "records (total)", &t.records_total);
        for (model, tr) in &t.records {
            trend_row(s, &format!("records {model}"), tr);
        }
        trend_row(s, "error rate", &t.error_rate);
        trend_row(s, "p95 latency (ms)", &t.latency_p95_ms);
        trend_row(s, "open issues", &t.issues);
        s.push_str("</tbody></table></div>\n");
        s.push_str("<div class=\"scroll\"><table><thead><tr><th>Committed</th><th>Status</th><th>Records</th><th>Error rate</th><th>p95 (ms)</th><th>Issues</th></tr></thead><tbody>\n");
        for v in hist.versions.iter().rev().take(HISTORY_ROWS) {
            let opt = |x: Option<String>| x.map(|t| esc(&t).into_owned()).unwrap_or_default();
            let status = if v.deleted {
                "deleted".to_owned()
            } else if let Some(p) = &v.problem {
                format!("<span class=\"unknown\">{}</span>", esc(p))
            } else {
                v.status.map(|st| badge("h", &st.to_string())).unwrap_or_default()
            };
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(date_of(Some(&v.date))),
                status,
                opt(v.records_total().map(|n| n.to_string())),
                opt(v.error_rate.map(|n| n.to_string())),
                opt(v.latency_p95_ms.map(|n| n.to_string())),
                opt(v.issues.map(|n| n.to_string())),
            );
        }
        s.push_str("</tbody></table></div>\n");
    }
    s.push_str("</section>\n");
}

fn trend_row<T: std::fmt::Display + Copy>(s: &mut String, label: &str, t: &Trend<T>) {
    if t.points == 0 {
        return;
    }
    let show = |v: Option<T>| v.map(|x| x.to_string()).unwrap_or_default();
    let _ = writeln!(
        s,
        "<tr><td>{}</td><td class=\"spark\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        esc(label),
        esc(&t.sparkline),
        show(t.first),
        show(t.last),
        show(t.min),
        show(t.max)
    );
}

fn docs(s: &mut String, shared: &Shared<'_>, i: usize, r: &ShowReport<'_>) {
    s.push_str("<section id=\"docs\"><h2>Docs</h2>\n");
    let mut any = false;
    if let Some(summary) = &r.docs.summary {
        let _ = writeln!(s, "<p>{}</p>", esc(summary.trim()));
        any = true;
    }
    if let Some(rel) = &r.docs.relationships {
        let _ = writeln!(s, "<h3>About its relationships</h3>\n<p>{}</p>", esc(rel.trim()));
        any = true;
    }
    let m = &shared.inputs.reg.modules[i];
    if let Some(d) = &m.m().docs {
        for (kind, path) in [("Usage", &d.usage), ("API", &d.api)] {
            let Some(path) = path else { continue };
            any = true;
            let _ = writeln!(s, "<h3>{kind} <small><code>{}</code></small></h3>", esc(path));
            match read_doc(&m.dir, path) {
                Ok(text) => {
                    s.push_str("<div class=\"markdown\">\n");
                    s.push_str(&markdown(&text));
                    s.push_str("</div>\n");
                }
                Err(why) => {
                    let _ = writeln!(s, "<p class=\"none\">{}</p>", esc(why));
                }
            }
        }
    }
    if !any {
        s.push_str("<p class=\"none\">No docs.</p>\n");
    }
    s.push_str("</section>\n");
}

/// A documentation file of the module in `dir`: only a plain relative path inside the module
/// directory (no `..`, no absolute path, no symbolic link anywhere on the way), at most
/// [`DOC_LIMIT`] bytes of UTF-8.
fn read_doc(dir: &Path, rel: &str) -> Result<String, &'static str> {
    let rel_path = Path::new(rel);
    if rel.is_empty() || !rel_path.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err("Not shown: the path leaves the module directory.");
    }
    let mut cur = dir.to_path_buf();
    for c in rel_path.components() {
        cur.push(c);
        if std::fs::symlink_metadata(&cur).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err("Not shown: the path goes through a symbolic link.");
        }
    }
    match fsutil::read_regular(&cur, DOC_LIMIT) {
        Ok(Some(bytes)) if bytes.len() > DOC_LIMIT => Err("Not shown: the file is over 1 MiB."),
        Ok(Some(bytes)) => String::from_utf8(bytes).map_err(|_| "Not shown: the file is not UTF-8."),
        Ok(None) => Err("Missing: the file does not exist."),
        Err(_) => Err("Not shown: not a readable regular file."),
    }
}

/// The module's neighbourhood as an SVG: two steps either way over every relationship type
/// when that stays small, else one step (cut to [`NEIGHBOURHOOD_LIMIT`] modules).
fn neighbourhood(shared: &Shared<'_>, i: usize) -> String {
    let reg = shared.inputs.reg;
    let walk = |max_depth: usize| -> Vec<usize> {
        let mut seen: HashMap<usize, usize> = HashMap::default();
        seen.insert(i, 0);
        let mut order = vec![i];
        let mut queue = VecDeque::from([i]);
        while let Some(u) = queue.pop_front() {
            let d = seen[&u];
            if d >= max_depth {
                continue;
            }
            let mut next: Vec<usize> = reg.outgoing[u]
                .iter()
                .map(|e| e.target)
                .chain(reg.incoming[u].iter().map(|e| e.source))
                .filter(|&v| shared.shown[v])
                .collect();
            next.sort_unstable();
            next.dedup();
            for v in next {
                if let std::collections::hash_map::Entry::Vacant(slot) = seen.entry(v) {
                    slot.insert(d + 1);
                    order.push(v);
                    queue.push_back(v);
                }
            }
        }
        order
    };
    let mut depth = 2;
    let mut members = walk(2);
    let mut cut = 0;
    if members.len() > NEIGHBOURHOOD_LIMIT {
        depth = 1;
        members = walk(1);
        if members.len() > NEIGHBOURHOOD_LIMIT {
            cut = members.len() - NEIGHBOURHOOD_LIMIT;
            members.truncate(NEIGHBOURHOOD_LIMIT);
        }
    }
    members.sort_unstable();
    let g = subgraph(shared, &members, Some(i), Depth::Module);
    let mut s = String::from("<figure class=\"neighbourhood\">\n<div class=\"scroll\">");
    s.push_str(&svg::render(
        &g,
        &format!("Relationships of {} up to {depth} steps away", reg.modules[i].id()),
    ));
    s.push_str("</div>\n<figcaption>");
    let _ = write!(
        s,
        "Its neighbourhood, {} step{} either way ({} module{}). ",
        depth,
        if depth == 1 { "" } else { "s" },
        members.len(),
        if members.len() == 1 { "" } else { "s" }
    );
    if cut > 0 {
        let _ = write!(s, "{cut} more direct neighbours are not drawn; the relationships table lists them. ");
    }
    s.push_str(LEGEND);
    s.push_str("</figcaption>\n</figure>\n");
    s
}

/// The legend of edge and node styles, shared by every graph.
const LEGEND: &str = "<span class=\"legend\"><span class=\"key\"><svg width=\"34\" height=\"10\" aria-hidden=\"true\"><path class=\"edge depends_on\" d=\"M1,5 H33\"/></svg>depends_on</span> \
<span class=\"key\"><svg width=\"34\" height=\"10\" aria-hidden=\"true\"><path class=\"edge integrates_with\" d=\"M1,5 H33\"/></svg>integrates_with</span> \
<span class=\"key\"><svg width=\"34\" height=\"10\" aria-hidden=\"true\"><path class=\"edge provides_data_to\" d=\"M1,5 H33\"/></svg>provides_data_to</span> \
<span class=\"key\"><svg width=\"34\" height=\"10\" aria-hidden=\"true\"><path class=\"edge depends_on cycle\" d=\"M1,5 H33\"/></svg>depends_on cycle</span> \
<span class=\"key\"><svg width=\"34\" height=\"14\" aria-hidden=\"true\"><rect class=\"cluster-key\" x=\"1\" y=\"1\" width=\"32\" height=\"12\" rx=\"3\"/></svg>part_of (box around the parts)</span></span>";

/// The graph of the modules `members` (registry indexes, sorted) and every relationship among
/// them, with links relative to `depth`.
fn subgraph(shared: &Shared<'_>, members: &[usize], focus: Option<usize>, depth: Depth) -> svg::Graph {
    let reg = shared.inputs.reg;
    let mut position: HashMap<usize, usize> = HashMap::default();
    let mut nodes = Vec::with_capacity(members.len());
    for (p, &v) in members.iter().enumerate() {
        position.insert(v, p);
        let md = &reg.modules[v].m().metadata;
        nodes.push(svg::Node {
            id: md.id.clone(),
            name: md.name.clone(),
            status: md.status,
            href: depth.module(&md.id),
            focus: focus == Some(v),
        });
    }
    let mut edges: Vec<svg::Edge> = Vec::new();
    let mut seen: BTreeMap<(usize, usize, RelationType), usize> = BTreeMap::new();
    for &u in members {
        for e in &reg.outgoing[u] {
            let Some(&to) = position.get(&e.target) else { continue };
            let from = position[&u];
            let data = reg.relationship(e).data();
            if let Some(&k) = seen.get(&(from, to, e.kind)) {
                for d in data {
                    if !edges[k].data.contains(d) {
                        edges[k].data.push(d.clone());
                    }
                }
                continue;
            }
            seen.insert((from, to, e.kind), edges.len());
            edges.push(svg::Edge {
                from,
                to,
                kind: e.kind,
                on_cycle: e.kind == RelationType::DependsOn && shared.cycle_edges.contains(&(u, e.target)),
                data: data.to_vec(),
            });
        }
    }
    svg::Graph { nodes, edges }
}

// ------------------------------------------------------------------------------------------
// Graph page
// ------------------------------------------------------------------------------------------

/// The whole registry as one SVG, or its [`GRAPH_LIMIT`] most connected modules; returns the
/// page and how many modules it draws.
pub fn graph(shared: &Shared<'_>) -> (String, usize) {
    let reg = shared.inputs.reg;
    let shown: Vec<usize> = (0..reg.modules.len()).filter(|&i| shared.shown[i]).collect();
    let degree = |i: usize| {
        reg.outgoing[i].iter().filter(|e| shared.shown[e.target]).count()
            + reg.incoming[i].iter().filter(|e| shared.shown[e.source]).count()
    };
    let mut members = shown.clone();
    if members.len() > GRAPH_LIMIT {
        members.sort_by_key(|&i| (std::cmp::Reverse(degree(i)), i));
        members.truncate(GRAPH_LIMIT);
        members.sort_unstable();
    }
    let g = subgraph(shared, &members, None, Depth::Root);
    let mut s = String::from("<h1>Relationships</h1>\n");
    if members.len() < shown.len() {
        let _ = writeln!(
            s,
            "<p class=\"note\">The registry has {} modules; this page draws the {} most connected of them \
             (a layout of every module would be unreadable). Every module's page draws its own neighbourhood, \
             and <code>modreg graph</code> writes the whole graph for Graphviz.</p>",
            count(shown.len()),
            count(members.len())
        );
    } else {
        let _ = writeln!(
            s,
            "<p class=\"lead\">All {} modules and their relationships. Select a module to open its page.</p>",
            count(members.len())
        );
    }
    let cycles = g.edges.iter().filter(|e| e.on_cycle).count();
    if cycles > 0 {
        let _ = writeln!(
            s,
            "<p class=\"warn-text\">{cycles} <code>depends_on</code> edge{} lie on a dependency cycle (drawn in red); \
             <code>modreg validate</code> reports them as E040.</p>",
            if cycles == 1 { "" } else { "s" }
        );
    }
    let _ = writeln!(s, "<p class=\"legend-line\">{LEGEND}</p>");
    s.push_str("<figure class=\"whole\"><div class=\"scroll\">");
    s.push_str(&svg::render(&g, "The relationships between modules"));
    s.push_str("</div></figure>\n");
    (frame(shared, "Graph", Depth::Root, "graph").render(&s), members.len())
}

// ------------------------------------------------------------------------------------------
// Stats page
// ------------------------------------------------------------------------------------------

/// The figures of `modreg stats`, as tables.
pub fn stats(shared: &Shared<'_>) -> String {
    let r = stats::build(shared.inputs.reg, shared.inputs.now, shared.inputs.changes);
    let d = Depth::Root;
    let link = |id: &str| module_link(shared, d, id);
    let mut s = String::from("<h1>Statistics</h1>\n<div class=\"grid\">\n");
    let counts = |s: &mut String, title: &str, kind: &str, pairs: &[(&'static str, usize)]| {
        let _ = write!(s, "<section><h2>{title}</h2><table class=\"compact\"><tbody>");
        for (k, n) in pairs {
            let label = if kind.is_empty() { esc(k).into_owned() } else { badge(kind, k) };
            let _ = write!(s, "<tr><td>{label}</td><td class=\"num\">{}</td></tr>", count(*n));
        }
        s.push_str("</tbody></table></section>\n");
    };
    counts(&mut s, &format!("Modules: {}", count(r.modules)), "st", &r.by_status.0);
    counts(&mut s, "By type", "ty", &r.by_type.0);
    let declared: usize = r.relationships.0.iter().map(|(_, n)| n).sum();
    let mut rels = r.relationships.0.clone();
    if r.unresolved_relationships > 0 {
        rels.push(("(unknown target)", r.unresolved_relationships));
    }
    counts(&mut s, &format!("Relationships: {}", count(declared)), "", &rels);
    counts(&mut s, "Health", "h", &r.health.0);
    s.push_str("</div>\n");

    s.push_str("<section><h2>Most depended on</h2>\n");
    if r.most_depended_on.is_empty() {
        s.push_str("<p class=\"none\">Nothing depends on anything.</p>\n");
    } else {
        s.push_str("<div class=\"scroll\"><table><thead><tr><th>Module</th><th>Direct</th><th>Transitive</th></tr></thead><tbody>\n");
        for dep in r.most_depended_on.iter().take(25) {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                link(&dep.id),
                dep.dependents,
                dep.transitive_dependents.map(|n| n.to_string()).unwrap_or_default()
            );
        }
        s.push_str("</tbody></table></div>\n");
        if r.most_depended_on.len() > 25 {
            let _ = writeln!(s, "<p class=\"note\">… and {} more.</p>", count(r.most_depended_on.len() - 25));
        }
    }
    s.push_str("</section>\n<section><h2>Unhealthy</h2>\n");
    if r.unhealthy.is_empty() {
        s.push_str("<p class=\"none\">No module is unhealthy.</p>\n");
    } else {
        s.push_str("<div class=\"scroll\"><table><thead><tr><th>Module</th><th>State</th><th>Why</th></tr></thead><tbody>\n");
        for u in r.unhealthy.iter().take(100) {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                link(&u.id),
                badge("h", u.state.as_str()),
                esc(&u.reasons.join("; "))
            );
        }
        s.push_str("</tbody></table></div>\n");
        if r.unhealthy.len() > 100 {
            let _ = writeln!(s, "<p class=\"note\">… and {} more.</p>", count(r.unhealthy.len() - 100));
        }
    }
    let _ = writeln!(
        s,
        "</section>\n<section><h2>Records</h2><p>{} records over every data model of every snapshot.</p></section>",
        r.records.total
    );
    s.push_str("<section><h2>Cycles</h2>\n");
    if r.cycles.is_empty() {
        s.push_str("<p class=\"none\">No <code>depends_on</code> cycle.</p>\n");
    } else {
        s.push_str("<ul>\n");
        for c in &r.cycles {
            let mut ids: Vec<String> = c.iter().map(|id| link(id)).collect();
            ids.push(link(&c[0]));
            let _ = writeln!(s, "<li>{}</li>", ids.join(" → "));
        }
        s.push_str("</ul>\n");
        if let Some(o) = r.cycles_omitted {
            let _ = writeln!(
                s,
                "<p class=\"note\">{}{} more not listed.</p>",
                if o.exact { "" } else { "at least " },
                o.count
            );
        }
    }
    s.push_str("</section>\n<section><h2>Orphans</h2>\n");
    if r.orphans.is_empty() {
        s.push_str("<p class=\"none\">Every module has a relationship.</p>\n");
    } else {
        let _ = writeln!(
            s,
            "<p>{} module{} with no relationship either way:</p>",
            count(r.orphans.len()),
            if r.orphans.len() == 1 { "" } else { "s" }
        );
        let shown: Vec<String> = r.orphans.iter().take(200).map(|id| link(id)).collect();
        let _ = writeln!(s, "<p class=\"ids\">{}</p>", shown.join(" "));
        if r.orphans.len() > 200 {
            let _ = writeln!(s, "<p class=\"note\">… and {} more.</p>", count(r.orphans.len() - 200));
        }
    }
    s.push_str("</section>\n");
    if let Some(git) = &r.git {
        let mut recent: Vec<(&String, &crate::report::changes::GitFigures)> =
            git.0.iter().filter(|(_, g)| g.last_changed_unix.is_some()).map(|(id, g)| (id, g)).collect();
        recent.sort_by_key(|(id, g)| (std::cmp::Reverse(g.last_changed_unix), (*id).clone()));
        s.push_str("<section><h2>Recently changed</h2>\n");
        if recent.is_empty() {
            s.push_str("<p class=\"none\">No module directory has a commit yet.</p>\n");
        } else {
            s.push_str("<div class=\"scroll\"><table><thead><tr><th>Module</th><th>Last change</th><th>Commits</th></tr></thead><tbody>\n");
            for (id, g) in recent.iter().take(25) {
                let _ = writeln!(
                    s,
                    "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                    link(id),
                    esc(g.last_changed.as_deref().unwrap_or("")),
                    g.commits
                );
            }
            s.push_str("</tbody></table></div>\n");
        }
        s.push_str("</section>\n");
    }
    if !r.broken.is_empty() {
        let _ = writeln!(
            s,
            "<section><h2>Left out</h2><p class=\"warn-text\">{} module director{} whose manifest does not load: {}. <code>modreg validate</code> says why.</p></section>",
            r.broken.len(),
            if r.broken.len() == 1 { "y" } else { "ies" },
            esc(&r.broken.join(", "))
        );
    }
    frame(shared, "Statistics", d, "stats").render(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(query_value("sales"), "sales");
        assert_eq!(query_value("a b&c=\"d\""), "a%20b%26c%3D%22d%22");
    }

    #[test]
    fn doc_paths_stay_inside_the_module() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("docs")).unwrap();
        std::fs::write(dir.path().join("docs/usage.md"), "# Hi").unwrap();
        std::fs::write(dir.path().join("secret"), "no").unwrap();
        let module = dir.path().join("docs");
        assert_eq!(read_doc(dir.path(), "docs/usage.md").as_deref(), Ok("# Hi"));
        assert!(read_doc(&module, "../secret").is_err());
        assert!(read_doc(&module, "/etc/passwd").is_err());
        assert!(read_doc(dir.path(), "docs/missing.md").unwrap_err().starts_with("Missing"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret"), dir.path().join("docs/link.md")).unwrap();
            assert!(read_doc(dir.path(), "docs/link.md").is_err());
        }
    }
}
