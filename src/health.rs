//! Whether a module is healthy, from its snapshot and the thresholds in `modreg.yaml` (SPEC §3).
//! `list`, `show`, `stats` and `context` all take their answer from here.

use serde::Serialize;

use crate::model::{Health, HealthSettings, HealthStatus};
use crate::registry::Module;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthState {
    Healthy,
    Degraded,
    Down,
    Unknown,
    /// The snapshot is older than `health.stale_after`.
    Stale,
    /// No (valid) snapshot.
    Missing,
}

impl HealthState {
    pub fn as_str(self) -> &'static str {
        match self {
            HealthState::Healthy => "healthy",
            HealthState::Degraded => "degraded",
            HealthState::Down => "down",
            HealthState::Unknown => "unknown",
            HealthState::Stale => "stale",
            HealthState::Missing => "missing",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthSummary {
    pub state: HealthState,
    /// Stale, degraded, down, or over a threshold.
    pub unhealthy: bool,
    /// Why it is unhealthy, one short phrase each.
    pub reasons: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<String>,
    /// Sum of record counts over the data models.
    pub records: u64,
}

pub fn summarize(module: &Module, settings: &HealthSettings, now: jiff::Timestamp) -> HealthSummary {
    match &module.health {
        None => HealthSummary {
            state: HealthState::Missing,
            unhealthy: false,
            reasons: Vec::new(),
            observed_at: None,
            records: 0,
        },
        Some(h) => summarize_snapshot(&h.value, settings, now),
    }
}

pub fn summarize_snapshot(h: &Health, settings: &HealthSettings, now: jiff::Timestamp) -> HealthSummary {
    let mut reasons = Vec::new();
    let mut state = match h.status {
        HealthStatus::Healthy => HealthState::Healthy,
        HealthStatus::Degraded => HealthState::Degraded,
        HealthStatus::Down => HealthState::Down,
        HealthStatus::Unknown => HealthState::Unknown,
    };
    if matches!(state, HealthState::Degraded | HealthState::Down) {
        reasons.push(format!("status {}", h.status));
    }
    if let (Ok(observed), Some(limit)) =
        (h.observed_at.parse::<jiff::Timestamp>(), settings.stale_after_secs())
    {
        let age = now.as_second() - observed.as_second();
        if age > limit {
            state = HealthState::Stale;
            reasons.push(format!("snapshot older than {}", settings.stale_after));
        }
    }
    if let Some(rate) = h.metrics.error_rate
        && rate > settings.max_error_rate
    {
        reasons.push(format!("error rate {rate} above {}", settings.max_error_rate));
    }
    if let (Some(p95), Some(max)) = (h.metrics.latency_p95_ms, settings.max_latency_p95_ms)
        && p95 > max
    {
        reasons.push(format!("p95 latency {p95} ms above {max} ms"));
    }
    HealthSummary {
        state,
        unhealthy: !reasons.is_empty(),
        reasons,
        observed_at: Some(h.observed_at.clone()),
        records: h.records.values().map(|r| r.count).fold(0u64, u64::saturating_add),
    }
}
