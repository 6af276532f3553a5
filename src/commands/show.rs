use std::fmt::Write as _;

use serde::Serialize;

use crate::Error;
use crate::cli::{ShowArgs, ShowFormat};
use crate::context::Context;
use crate::health::{self, HealthSummary};
use crate::model::{Capabilities, Config, Health, Metadata, Relationship};
use crate::output::{self, Output, table};
use crate::registry::Registry;

/// Everything about one module (SPEC §8 `show ID --format json`).
#[derive(Debug, Serialize)]
pub struct ShowReport<'a> {
    pub id: &'a str,
    pub path: String,
    pub metadata: &'a Metadata,
    pub capabilities: &'a Capabilities,
    pub config: Option<&'a Config>,
    pub docs: DocsReport,
    pub relationships: Relationships<'a>,
    pub health: Option<HealthReport<'a>>,
}

#[derive(Debug, Serialize)]
pub struct DocsReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationships: Option<String>,
    /// Referenced documentation files, with the path as seen from the current directory.
    pub files: Vec<DocFile>,
}

#[derive(Debug, Serialize)]
pub struct DocFile {
    pub kind: &'static str,
    pub path: String,
    pub exists: bool,
}

#[derive(Debug, Serialize)]
pub struct Relationships<'a> {
    pub outgoing: Vec<Outgoing<'a>>,
    pub incoming: Vec<Incoming<'a>>,
}

#[derive(Debug, Serialize)]
pub struct Outgoing<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub target: &'a str,
    /// False when the target is not in the registry (`validate` reports it).
    pub resolved: bool,
    #[serde(flatten)]
    pub detail: Detail<'a>,
}

#[derive(Debug, Serialize)]
pub struct Incoming<'a> {
    /// The type the source declared.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The computed inverse name (`required_by`, `integrated_by`, …).
    pub inverse: &'static str,
    pub source: &'a str,
    #[serde(flatten)]
    pub detail: Detail<'a>,
}

#[derive(Debug, Serialize)]
pub struct Detail<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub data: &'a [String],
}

impl<'a> Detail<'a> {
    fn of(rel: &'a Relationship) -> Self {
        Detail {
            version: rel.version.as_ref().map(ToString::to_string),
            description: rel.description.as_deref(),
            data: rel.data(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct HealthReport<'a> {
    pub summary: HealthSummary,
    pub snapshot: &'a Health,
}

pub fn run(ctx: &Context, args: &ShowArgs) -> Result<Output, Error> {
    let reg = ctx.registry()?;
    let report = build(ctx, reg, &args.id)?;
    let stdout = match args.format {
        ShowFormat::Json => output::json(&report),
        ShowFormat::Yaml => output::yaml::render(&report),
        ShowFormat::Text => render_text(&report, ctx.color_stdout),
    };
    Ok(Output::data(stdout))
}

pub fn build<'a>(ctx: &Context, reg: &'a Registry, id: &str) -> Result<ShowReport<'a>, Error> {
    let i = reg.require(id)?;
    let m = &reg.modules[i];
    let man = m.m();
    let mut files = Vec::new();
    if let Some(docs) = &man.docs {
        for (kind, path) in [("usage", &docs.usage), ("api", &docs.api)] {
            if let Some(p) = path {
                let full = m.dir.join(p);
                files.push(DocFile { kind, exists: full.is_file(), path: full.display().to_string() });
            }
        }
    }
    let outgoing = man
        .relationships
        .iter()
        .map(|rel| Outgoing {
            kind: rel.kind.as_str(),
            target: &rel.target,
            resolved: reg.index_of(&rel.target).is_some(),
            detail: Detail::of(rel),
        })
        .collect();
    let incoming = reg.incoming[i]
        .iter()
        .map(|e| {
            let rel = reg.relationship(e);
            Incoming {
                kind: rel.kind.as_str(),
                inverse: rel.kind.inverse(),
                source: reg.modules[e.source].id(),
                detail: Detail::of(rel),
            }
        })
        .collect();
    let health = m.health.as_ref().map(|h| HealthReport {
        summary: health::summarize(m, &reg.location.settings.health, ctx.now),
        snapshot: &h.value,
    });
    Ok(ShowReport {
        id: m.id(),
        path: m.manifest.path.display().to_string(),
        metadata: &man.metadata,
        capabilities: &man.capabilities,
        config: man.config.as_ref(),
        docs: DocsReport {
            summary: man.docs.as_ref().and_then(|d| d.summary.clone()),
            relationships: man.docs.as_ref().and_then(|d| d.relationships.clone()),
            files,
        },
        relationships: Relationships { outgoing, incoming },
        health,
    })
}

fn render_text(r: &ShowReport<'_>, color: bool) -> String {
    use crate::output::style::{BOLD, DIM, paint};
    let md = r.metadata;
    let mut s = String::new();
    let heading = |s: &mut String, t: &str| {
        let _ = writeln!(s, "\n{}", paint(color, BOLD, t));
    };
    let _ = writeln!(s, "{} — {}", paint(color, BOLD, r.id), md.name);
    if !md.description.is_empty() {
        let _ = writeln!(s, "{}", md.description);
    }
    s.push('\n');
    let mut kv = table::new(&[]);
    let mut created = format!("{} by {}", md.created.at, md.created.by);
    if let Some(model) = &md.created.ai_model {
        let _ = write!(created, ", generated by {model}");
    }
    if let Some(req) = &md.created.request {
        let _ = write!(created, " ({req})");
    }
    let mut pairs: Vec<(&str, String)> = vec![
        ("version", md.version.to_string()),
        ("status", md.status.to_string()),
        ("type", md.module_type.to_string()),
        ("created", created),
    ];
    if !md.owners.is_empty() {
        pairs.push(("owners", md.owners.join(", ")));
    }
    if !md.tags.is_empty() {
        pairs.push(("tags", md.tags.join(", ")));
    }
    if let Some(dep) = &md.deprecation {
        let mut d = format!("since {}", dep.since);
        if let Some(by) = &dep.replaced_by {
            let _ = write!(d, ", replaced by {by}");
        }
        if let Some(reason) = &dep.reason {
            let _ = write!(d, ": {reason}");
        }
        pairs.push(("deprecated", d));
    }
    for l in &md.links {
        pairs.push(("link", format!("{} <{}>", l.title, l.url)));
    }
    pairs.push(("manifest", r.path.clone()));
    for (k, v) in pairs {
        kv.add_row(vec![k.to_owned(), v]);
    }
    s.push_str(&indent(&table::finish(&kv)));

    let caps = r.capabilities;
    if !caps.operations.is_empty() {
        heading(&mut s, &format!("Operations ({})", caps.operations.len()));
        let mut t = table::new(&[]);
        for op in &caps.operations {
            t.add_row(vec![
                op.name.clone(),
                op.kind.to_string(),
                op.entity.clone().unwrap_or_default(),
                op.description.clone().unwrap_or_default(),
            ]);
        }
        s.push_str(&indent(&table::finish(&t)));
    }
    if !caps.endpoints.is_empty() {
        heading(&mut s, &format!("Endpoints ({})", caps.endpoints.len()));
        let mut t = table::new(&[]);
        for ep in &caps.endpoints {
            t.add_row(vec![
                ep.method.to_string(),
                ep.path.clone(),
                ep.operation.as_ref().map(|o| format!("→ {o}")).unwrap_or_default(),
            ]);
        }
        s.push_str(&indent(&table::finish(&t)));
    }
    if !caps.data_models.is_empty() {
        heading(&mut s, &format!("Data models ({})", caps.data_models.len()));
        let mut t = table::new(&[]);
        for dm in &caps.data_models {
            t.add_row(vec![
                dm.name.clone(),
                fields(dm.schema.as_ref().map(crate::model::SchemaJson::to_value).as_ref()),
                dm.description.clone().unwrap_or_default(),
            ]);
        }
        s.push_str(&indent(&table::finish(&t)));
    }
    if !caps.business_logic.is_empty() {
        heading(&mut s, "Business logic");
        let mut t = table::new(&[]);
        for b in &caps.business_logic {
            t.add_row(vec![b.name.clone(), b.description.clone().unwrap_or_default()]);
        }
        s.push_str(&indent(&table::finish(&t)));
    }
    if !caps.events.is_empty() {
        heading(&mut s, "Events");
        let mut t = table::new(&[]);
        if !caps.events.emits.is_empty() {
            t.add_row(vec!["emits".to_owned(), caps.events.emits.join(", ")]);
        }
        if !caps.events.consumes.is_empty() {
            t.add_row(vec!["consumes".to_owned(), caps.events.consumes.join(", ")]);
        }
        s.push_str(&indent(&table::finish(&t)));
    }
    if let Some(cfg) = r.config {
        heading(&mut s, "Config");
        let mut t = table::new(&[]);
        for key in config_keys(cfg) {
            t.add_row(vec![key.name, key.required_label.to_owned(), key.ty, key.default.unwrap_or_default()]);
        }
        s.push_str(&indent(&table::finish(&t)));
    }
    heading(&mut s, "Relationships");
    if r.relationships.outgoing.is_empty() && r.relationships.incoming.is_empty() {
        s.push_str(&indent(&paint(color, DIM, "none\n")));
    } else {
        let mut t = table::new(&[]);
        for o in &r.relationships.outgoing {
            let mut note = rel_note(&o.detail);
            if !o.resolved {
                note = format!("(unknown module) {note}");
            }
            t.add_row(vec![o.kind.to_owned(), o.target.to_owned(), note]);
        }
        for i in &r.relationships.incoming {
            t.add_row(vec![i.inverse.to_owned(), i.source.to_owned(), rel_note(&i.detail)]);
        }
        s.push_str(&indent(&table::finish(&t)));
    }
    heading(&mut s, "Health");
    match &r.health {
        None => s.push_str(&indent(&paint(color, DIM, "no snapshot\n"))),
        Some(h) => {
            let mut t = table::new(&[]);
            let mut state = h.summary.state.as_str().to_owned();
            if h.summary.unhealthy {
                let _ = write!(state, " — unhealthy: {}", h.summary.reasons.join("; "));
            }
            t.add_row(vec!["status".to_owned(), state]);
            t.add_row(vec!["observed".to_owned(), h.snapshot.observed_at.clone()]);
            for (name, rec) in &h.snapshot.records {
                t.add_row(vec![format!("records {name}"), rec.count.to_string()]);
            }
            let m = &h.snapshot.metrics;
            for (k, v) in [
                ("requests/min", m.requests_per_minute),
                ("p95 latency ms", m.latency_p95_ms),
                ("error rate", m.error_rate),
            ] {
                if let Some(v) = v {
                    t.add_row(vec![k.to_owned(), v.to_string()]);
                }
            }
            for issue in &h.snapshot.issues {
                t.add_row(vec![
                    format!("issue {}", issue.id),
                    format!("{:?}: {}", issue.severity, issue.summary).to_lowercase(),
                ]);
            }
            s.push_str(&indent(&table::finish(&t)));
        }
    }
    if r.docs.summary.is_some() || !r.docs.files.is_empty() || r.docs.relationships.is_some() {
        heading(&mut s, "Docs");
        if let Some(summary) = &r.docs.summary {
            let _ = writeln!(s, "  {}", summary.trim());
        }
        if let Some(rel) = &r.docs.relationships {
            let _ = writeln!(s, "  {}", rel.trim());
        }
        for f in &r.docs.files {
            let missing = if f.exists { "" } else { " (missing)" };
            let _ = writeln!(s, "  {}: {}{missing}", f.kind, f.path);
        }
    }
    s
}

fn rel_note(d: &Detail<'_>) -> String {
    let mut parts = Vec::new();
    if let Some(v) = &d.version {
        parts.push(format!("({v})"));
    }
    if !d.data.is_empty() {
        parts.push(format!("[{}]", d.data.join(", ")));
    }
    if let Some(desc) = d.description {
        parts.push(desc.to_owned());
    }
    parts.join(" ")
}

fn indent(text: &str) -> String {
    text.lines().map(|l| if l.is_empty() { "\n".to_owned() } else { format!("  {l}\n") }).collect()
}

/// The names listed under a schema's `required`.
fn required_names(schema: &serde_json::Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(|r| r.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default()
}

/// `id*, email*, name` — the properties of a data model's schema, required ones starred.
fn fields(schema: Option<&serde_json::Value>) -> String {
    let Some(schema) = schema else {
        return String::new();
    };
    let required = required_names(schema);
    schema
        .get("properties")
        .and_then(|p| p.as_object())
        .map(|props| {
            props
                .keys()
                .map(|k| if required.contains(&k.as_str()) { format!("{k}*") } else { k.clone() })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// A configuration key as the AI context and `show` present it.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigKey {
    pub name: String,
    pub required: bool,
    #[serde(skip)]
    pub required_label: &'static str,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

/// The top-level keys of a config schema: required first, then optional, each in schema order.
pub fn config_keys(cfg: &Config) -> Vec<ConfigKey> {
    let Some(schema) = cfg.schema.as_ref().map(crate::model::SchemaJson::to_value) else {
        return Vec::new();
    };
    let schema = &schema;
    let required = required_names(schema);
    let mut keys: Vec<ConfigKey> = schema
        .get("properties")
        .and_then(|p| p.as_object())
        .map(|props| {
            props
                .iter()
                .map(|(name, prop)| {
                    let req = required.contains(&name.as_str());
                    let default = cfg
                        .defaults
                        .as_ref()
                        .and_then(|d| d.get(name))
                        .or_else(|| prop.get("default"))
                        .map(|v| v.to_string());
                    let ty = match prop.get("type") {
                        Some(serde_json::Value::String(t)) => t.clone(),
                        Some(other) => other.to_string(),
                        None => "any".to_owned(),
                    };
                    ConfigKey {
                        name: name.clone(),
                        required: req,
                        required_label: if req { "required" } else { "optional" },
                        ty,
                        default,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    keys.sort_by_key(|k| !k.required);
    keys
}
