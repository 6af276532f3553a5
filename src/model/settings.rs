use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Registry settings (`modreg.yaml`), found by walking up from the current directory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "modreg settings")]
pub struct Settings {
    /// Path of the registry directory, relative to this file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// When a module counts as unhealthy.
    #[serde(default)]
    pub health: HealthSettings,
    /// Where the parse cache lives, relative to this file [default: .modreg-cache]. The
    /// environment variable MODREG_CACHE_DIR overrides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_dir: Option<String>,
    /// How `modreg register` treats new manifests.
    #[serde(default)]
    pub register: RegisterSettings,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterSettings {
    /// The search score (0 to 1) from which a new manifest counts as a near-duplicate of a
    /// registered module and is refused unless `--allow-similar` is given [default: 0.15].
    #[serde(default = "default_similarity_threshold")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub similarity_threshold: f64,
}

impl Default for RegisterSettings {
    fn default() -> Self {
        RegisterSettings { similarity_threshold: default_similarity_threshold() }
    }
}

fn default_similarity_threshold() -> f64 {
    DEFAULT_SIMILARITY_THRESHOLD
}

/// The default of `register.similarity_threshold`. `search::DEFAULT_SIMILARITY_THRESHOLD` is
/// this value and documents how it was chosen; it lives here so the model depends on nothing
/// above it.
pub const DEFAULT_SIMILARITY_THRESHOLD: f64 = 0.15;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthSettings {
    /// A snapshot older than this is stale: a number and a unit, `s`, `m`, `h`, `d` or `w`.
    #[serde(default = "default_stale_after")]
    #[schemars(pattern(r"^[0-9]+[smhdw]$"))]
    pub stale_after: String,
    /// Error rate (fraction) above which a module is unhealthy.
    #[serde(default = "default_max_error_rate")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub max_error_rate: f64,
    /// p95 latency above which a module is unhealthy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0))]
    pub max_latency_p95_ms: Option<f64>,
}

impl Default for HealthSettings {
    fn default() -> Self {
        HealthSettings {
            stale_after: default_stale_after(),
            max_error_rate: default_max_error_rate(),
            max_latency_p95_ms: None,
        }
    }
}

fn default_stale_after() -> String {
    "7d".to_owned()
}

fn default_max_error_rate() -> f64 {
    0.05
}

impl HealthSettings {
    /// `stale_after` in seconds (the schema guarantees its form).
    pub fn stale_after_secs(&self) -> Option<i64> {
        let s = self.stale_after.as_str();
        let (num, unit) = s.split_at(s.len().checked_sub(1)?);
        let n: i64 = num.parse().ok()?;
        let mult = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            "w" => 604_800,
            _ => return None,
        };
        n.checked_mul(mult)
    }
}
