//! `modreg show ID`: everything about one module on one page, with what the registry computes
//! around it (inverse relationships, whether its docs exist, its health summary).

use serde::Serialize;

use crate::Error;
use crate::health::{self, HealthSummary};
use crate::model::{Capabilities, Config, Health, Metadata, Relationship};
use crate::registry::Registry;
use crate::report::changes::GitFigures;

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
    /// The last change of the module's directory and how many commits touched it; absent
    /// outside a git work tree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git: Option<GitFigures>,
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

/// The page of module `id`, health judged as of `now`; an unknown id is a usage error with a
/// suggestion.
pub fn build<'a>(reg: &'a Registry, id: &str, now: jiff::Timestamp) -> Result<ShowReport<'a>, Error> {
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
        .filter(|e| !reg.modules[e.source].is_broken())
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
        summary: health::summarize(m, &reg.location.settings.health, now),
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
        git: None,
    })
}
