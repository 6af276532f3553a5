//! The file formats as Rust types: the module manifest, the health snapshot and the settings
//! file. serde reads and writes them; schemars turns them into the committed JSON Schemas, so the
//! types are the single source of truth. No I/O here, and no command line: `cli.rs` offers the
//! enums' names to clap.

mod health;
mod json;
mod manifest;
mod outline;
mod settings;

pub use health::*;
pub use json::{SchemaJson, VersionRequirement};
pub use manifest::*;
pub use outline::ConfigKey;
pub use settings::*;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};

/// The `apiVersion` every file of this format version carries.
pub const API_VERSION: &str = "modreg/v1";

/// Pattern of a module id: lowercase words joined by single hyphens.
pub const ID_PATTERN: &str = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$";

/// Whether `id` is a module id: it matches [`ID_PATTERN`] and has 2 to 63 characters. Ids become
/// directory names, so writing commands check this before touching the disk.
pub fn is_module_id(id: &str) -> bool {
    (2..=63).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .split('-')
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
}

/// Pattern of a semantic version (semver.org 2.0.0).
pub const SEMVER_PATTERN: &str = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$";

/// The schemas modreg publishes, by the name `modreg schema NAME` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaName {
    Module,
    Health,
    Context,
    Settings,
}

manifest::enum_names!(SchemaName {
    Module => "module",
    Health => "health",
    Context => "context",
    Settings => "settings",
});

impl SchemaName {
    pub fn file_name(self) -> &'static str {
        match self {
            SchemaName::Module => "module.schema.json",
            SchemaName::Health => "health.schema.json",
            SchemaName::Context => "context.schema.json",
            SchemaName::Settings => "settings.schema.json",
        }
    }

    /// The JSON Schema (draft 2020-12) generated from the Rust type.
    pub fn schema(self) -> Schema {
        match self {
            SchemaName::Module => generate::<Manifest>(),
            SchemaName::Health => generate::<Health>(),
            // The one schema of modreg's output rather than of a file it reads: the type lives
            // with the report that builds it.
            SchemaName::Context => crate::report::context::schema(),
            SchemaName::Settings => generate::<Settings>(),
        }
    }

    /// The schema as committed in `schemas/`: pretty JSON with a trailing newline.
    pub fn render(self) -> String {
        let mut text = serde_json::to_string_pretty(&self.schema()).expect("a schema serialises");
        text.push('\n');
        text
    }
}

fn generate<T: JsonSchema>() -> Schema {
    let schema =
        SchemaSettings::draft2020_12().for_deserialize().into_generator().into_root_schema_for::<T>();
    let mut value = schema.to_value();
    strip_null(&mut value);
    Schema::try_from(value).expect("a generated schema stays a schema")
}

/// `Option<T>` fields are optional keys, not nullable values: a manifest says nothing rather
/// than `null`. Dropping the `null` alternatives also keeps `anyOf` out of the schema, whose
/// errors ("not valid under any of the schemas") would hide the real mistake.
fn strip_null(value: &mut serde_json::Value) {
    use serde_json::Value;
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            items.iter_mut().for_each(strip_null);
        }
        return;
    };
    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            map.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(alts)) = map.get("anyOf") {
        let rest: Vec<Value> =
            alts.iter().filter(|a| a.get("type").is_none_or(|t| t != "null")).cloned().collect();
        if rest.len() == 1 && alts.len() == 2 {
            map.remove("anyOf");
            if let Value::Object(inner) = &rest[0] {
                for (k, v) in inner {
                    map.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
    }
    map.values_mut().for_each(strip_null);
}
