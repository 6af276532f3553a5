//! Short outlines of the JSON Schemas a manifest embeds: the keys of a module's configuration and
//! the fields of a data model. They read the schema the way a person skims it (top-level
//! properties, what is required), which is what `show` and an AI context list; checking values
//! against a schema is `schema`'s job.

use serde::Serialize;
use serde_json::Value;

use super::{Config, DataModel};

/// One top-level key of a module's configuration.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigKey {
    pub name: String,
    pub required: bool,
    /// The schema's `type` (its JSON text when it is a list), `any` when it has none.
    #[serde(rename = "type")]
    pub ty: String,
    /// From `config.defaults`, else the schema's `default`, as JSON text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

impl Config {
    /// The top-level keys of the config schema: required first, then optional, each in schema
    /// order (what a reader needs to set comes before what they may leave alone).
    pub fn keys(&self) -> Vec<ConfigKey> {
        let Some(schema) = self.schema.as_ref().map(super::SchemaJson::to_value) else {
            return Vec::new();
        };
        let required = required_names(&schema);
        let mut keys: Vec<ConfigKey> = schema
            .get("properties")
            .and_then(|p| p.as_object())
            .map(|props| {
                props
                    .iter()
                    .map(|(name, prop)| {
                        let default = self
                            .defaults
                            .as_ref()
                            .and_then(|d| d.get(name))
                            .or_else(|| prop.get("default"))
                            .map(|v| v.to_string());
                        let ty = match prop.get("type") {
                            Some(Value::String(t)) => t.clone(),
                            Some(other) => other.to_string(),
                            None => "any".to_owned(),
                        };
                        ConfigKey {
                            name: name.clone(),
                            required: required.contains(&name.as_str()),
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
}

impl DataModel {
    /// `id*, email*, name`: the properties of the model's schema in schema order, required ones
    /// starred; empty without a schema.
    pub fn fields(&self) -> String {
        let Some(schema) = self.schema.as_ref().map(super::SchemaJson::to_value) else {
            return String::new();
        };
        let required = required_names(&schema);
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
}

/// The names listed under a schema's `required`.
fn required_names(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(|r| r.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default()
}
