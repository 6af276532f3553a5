//! Values of a manifest that are kept in a compact form: embedded JSON Schemas as JSON text
//! (a tree of `serde_json::Value` maps costs ~15 KB a module; the text a few hundred bytes and
//! is parsed again only where a command reads it), and version requirements with the text the
//! author wrote (messages quote it as written).
//!
//! Both serialise for people (JSON, YAML output) as what they stand for, and for the parse cache
//! (a format that is not human-readable) as their text.

use std::fmt;

use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
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
            // Written straight to JSON text as the document is read: no tree of maps is built
            // only to be printed. The text equals `serde_json::to_string` of the value.
            let mut out = Vec::with_capacity(256);
            Transcode { out: &mut out }.deserialize(d)?;
            let out = String::from_utf8(out).map_err(D::Error::custom)?;
            if out.starts_with('{') || out == "true" || out == "false" {
                Ok(SchemaJson(out.into_boxed_str()))
            } else {
                Err(D::Error::custom("an embedded schema is an object or a boolean"))
            }
        } else {
            String::deserialize(d).map(|s| SchemaJson(s.into_boxed_str()))
        }
    }
}

/// Writes whatever it deserialises as compact JSON, exactly as `serde_json` prints a
/// `serde_json::Value` read from the same input (keys in input order); a key repeated in one
/// object is an error, as the YAML front end makes it.
struct Transcode<'o> {
    out: &'o mut Vec<u8>,
}

impl Transcode<'_> {
    fn json<T: Serialize + ?Sized>(&mut self, v: &T) {
        // Writing to a Vec cannot fail, and every scalar serialises.
        let _ = serde_json::to_writer(&mut *self.out, v);
    }
}

impl<'de> DeserializeSeed<'de> for Transcode<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Transcode<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(mut self, v: bool) -> Result<(), E> {
        self.json(&v);
        Ok(())
    }

    fn visit_i64<E>(mut self, v: i64) -> Result<(), E> {
        self.json(&v);
        Ok(())
    }

    fn visit_u64<E>(mut self, v: u64) -> Result<(), E> {
        self.json(&v);
        Ok(())
    }

    fn visit_f64<E>(mut self, v: f64) -> Result<(), E> {
        // As `Value::from(f64)`: not finite is null.
        self.json(&serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number));
        Ok(())
    }

    fn visit_str<E>(mut self, v: &str) -> Result<(), E> {
        self.json(v);
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.out.push(b'[');
        let mut first = true;
        loop {
            let mark = self.out.len();
            if !first {
                self.out.push(b',');
            }
            if seq.next_element_seed(Transcode { out: &mut *self.out })?.is_none() {
                self.out.truncate(mark);
                break;
            }
            first = false;
        }
        self.out.push(b']');
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.out.push(b'{');
        // Where each key's text lies in `out`, to refuse a repeated key.
        let mut keys: Vec<std::ops::Range<usize>> = Vec::new();
        loop {
            let mark = self.out.len();
            if !keys.is_empty() {
                self.out.push(b',');
            }
            let start = self.out.len();
            if map.next_key_seed(Key { out: &mut *self.out })?.is_none() {
                self.out.truncate(mark);
                break;
            }
            let key = start..self.out.len();
            if keys.iter().any(|k| self.out[k.clone()] == self.out[key.clone()]) {
                return Err(A::Error::custom("a key appears twice in an embedded schema"));
            }
            keys.push(key);
            self.out.push(b':');
            map.next_value_seed(Transcode { out: &mut *self.out })?;
        }
        self.out.push(b'}');
        Ok(())
    }
}

/// An object key, written as a JSON string.
struct Key<'o> {
    out: &'o mut Vec<u8>,
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        let _ = serde_json::to_writer(&mut *self.out, v);
        Ok(())
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
    fn schema_text_is_what_serde_json_prints_of_the_value() {
        for text in [
            r#"{"a":{"b":[1,-2,3.5,1e300,true,null,"x\"y\u0001é"],"c":{}},"z":[],"0":0.1}"#,
            r#"{"type":["string","null"],"enum":[1.0,2,18446744073709551615,-9223372036854775808]}"#,
            "true",
            "false",
        ] {
            let value: Value = serde_json::from_str(text).unwrap();
            let via_value = serde_json::to_string(&value).unwrap();
            // From a Value (the slow path) and from text.
            let from_value = SchemaJson::deserialize(&value).unwrap();
            let from_text: SchemaJson = serde_json::from_str(text).unwrap();
            assert_eq!(from_value.as_str(), via_value);
            assert_eq!(from_text.as_str(), via_value);
        }
        assert!(serde_json::from_str::<SchemaJson>(r#"{"a":1,"a":2}"#).is_err(), "a repeated key");
        assert!(serde_json::from_str::<SchemaJson>(r#""text""#).is_err());
        assert!(serde_json::from_str::<SchemaJson>("null").is_err());
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
