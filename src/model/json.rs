//! Values of a manifest that are kept in a compact form: embedded JSON Schemas as JSON text
//! (a tree of `serde_json::Value` maps costs ~15 KB a module; the text a few hundred bytes and
//! is parsed again only where a command reads it), and version requirements with the text the
//! author wrote (messages quote it as written).
//!
//! Both serialise for people (JSON, YAML output) as what they stand for, and for the parse cache
//! (a format that is not human-readable) as their text.

use std::fmt;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A JSON Schema embedded in a manifest (`config.schema`, `data_models[].schema`): an object or
/// a boolean, held as compact JSON text with its keys in the order written.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SchemaJson(Box<str>);

impl SchemaJson {
    /// The schema of a value; `None` unless it is an object or a boolean.
    pub fn from_value(value: &Value) -> Option<SchemaJson> {
        (value.is_object() || value.is_boolean())
            .then(|| SchemaJson(serde_json::to_string(value).unwrap_or_default().into_boxed_str()))
    }

    /// The compact JSON text; equal schemas have equal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The schema as a JSON value (parsed again on each call).
    pub fn to_value(&self) -> Value {
        // The text was written by `from_value` (or read back from modreg's own cache), so it is
        // JSON; a damaged cache entry reads as `false` rather than a panic.
        serde_json::from_str(&self.0).unwrap_or(Value::Bool(false))
    }
}

impl fmt::Debug for SchemaJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SchemaJson({})", self.0)
    }
}

impl Serialize for SchemaJson {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() { self.to_value().serialize(s) } else { s.serialize_str(&self.0) }
    }
}

impl<'de> Deserialize<'de> for SchemaJson {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let value = Value::deserialize(d)?;
            SchemaJson::from_value(&value)
                .ok_or_else(|| D::Error::custom("an embedded schema is an object or a boolean"))
        } else {
            String::deserialize(d).map(|s| SchemaJson(s.into_boxed_str()))
        }
    }
}

/// A `depends_on` version requirement (`">=2.0.0, <3.0.0"`, `"^1.4"`), parsed, with its text.
#[derive(Clone, PartialEq, Eq)]
pub struct VersionRequirement {
    text: String,
    req: semver::VersionReq,
}

impl VersionRequirement {
    pub fn parse(text: &str) -> Result<VersionRequirement, semver::Error> {
        Ok(VersionRequirement { req: text.parse()?, text: text.to_owned() })
    }

    /// As the manifest spells it.
    pub fn as_written(&self) -> &str {
        &self.text
    }

    pub fn matches(&self, version: &semver::Version) -> bool {
        self.req.matches(version)
    }
}

impl fmt::Debug for VersionRequirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VersionRequirement({:?})", self.text)
    }
}

/// The normalised requirement (`>=2.0.0, <3.0.0`), as `show` prints it.
impl fmt::Display for VersionRequirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.req.fmt(f)
    }
}

impl Serialize for VersionRequirement {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for VersionRequirement {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        VersionRequirement::parse(&text).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_text_keeps_key_order_and_round_trips() {
        let v: Value =
            serde_json::from_str(r#"{"type":"object","required":["b","a"],"properties":{"b":{},"a":{}}}"#)
                .unwrap();
        let s = SchemaJson::from_value(&v).unwrap();
        assert_eq!(s.as_str(), r#"{"type":"object","required":["b","a"],"properties":{"b":{},"a":{}}}"#);
        assert_eq!(serde_json::to_value(&s).unwrap(), v);
        assert_eq!(serde_json::to_string(&s).unwrap(), s.as_str());
        assert!(SchemaJson::from_value(&Value::Bool(true)).is_some());
        assert!(SchemaJson::from_value(&Value::from(3)).is_none());
        assert!(serde_json::from_str::<SchemaJson>("[1]").is_err());
    }

    #[test]
    fn version_requirements_keep_their_text() {
        let r: VersionRequirement = serde_json::from_str(r#"">=2.0.0,<3""#).unwrap();
        assert_eq!(r.as_written(), ">=2.0.0,<3");
        assert_eq!(r.to_string(), ">=2.0.0, <3");
        assert!(r.matches(&semver::Version::new(2, 5, 0)));
        assert_eq!(serde_json::to_string(&r).unwrap(), r#"">=2.0.0,<3""#);
        assert!(serde_json::from_str::<VersionRequirement>(r#""not a req""#).is_err());
    }
}
