use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::manifest::enum_names;

/// A health snapshot (`registry/<id>/health.yaml`), written by monitoring jobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "modreg health snapshot")]
pub struct Health {
    /// Format version; always `modreg/v1`.
    #[serde(rename = "apiVersion")]
    pub api_version: super::ApiVersion,
    /// Always `Health`.
    pub kind: HealthKind,
    /// Id of the module observed; equals the directory name.
    #[schemars(pattern(crate::model::ID_PATTERN))]
    pub module: String,
    /// When the snapshot was taken (RFC 3339).
    #[schemars(extend("format" = "date-time"))]
    pub observed_at: String,
    pub status: HealthStatus,
    /// Data statistics per data model of the module.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub records: BTreeMap<String, RecordStats>,
    #[serde(default)]
    pub metrics: Metrics,
    /// Open issues at the time of the snapshot.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<HealthIssue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum HealthKind {
    Health,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Healthy,
    Degraded,
    Down,
    Unknown,
}

enum_names!(HealthStatus {
    Healthy => "healthy",
    Degraded => "degraded",
    Down => "down",
    Unknown => "unknown",
});

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordStats {
    /// Number of records.
    pub count: u64,
    /// When a record last changed (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date-time"))]
    pub last_updated: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metrics {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0))]
    pub requests_per_minute: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0))]
    pub latency_p95_ms: Option<f64>,
    /// Fraction of failed requests, 0..1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub error_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthIssue {
    #[schemars(length(min = 1))]
    pub id: String,
    pub severity: IssueSeverity,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date-time"))]
    pub opened_at: Option<String>,
}

/// How bad an open issue is: the vocabulary of PagerDuty's events API, which monitoring jobs
/// already emit (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IssueSeverity {
    Info,
    Warning,
    Error,
    Critical,
}

enum_names!(IssueSeverity {
    Info => "info",
    Warning => "warning",
    Error => "error",
    Critical => "critical",
});
