//! Making the most of a file that does not conform to its schema (SPEC §5: all diagnostics in
//! one run). The nodes a schema error makes unreliable are recorded as "unsound" JSON pointers
//! and cut out; keys the schema does not know are dropped; every required field that is then
//! missing gets a placeholder of its type. What remains deserialises into the typed model, so
//! the module still exists for the cross-module checks and every check that does not read an
//! unsound node still runs on it. Placeholders are never reported or shown: a check asks
//! whether a node is sound before it reads it, and commands leave partial modules out.

use jsonschema::error::ValidationErrorKind;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{schema_value, validator};
use crate::model::{SEMVER_PATTERN, SchemaName};
use crate::yaml::escape_pointer_token as escape;

/// Attempts at typing a repaired document before giving up (each may cut one more node).
const ATTEMPTS: usize = 8;

/// A typed value from a document that does not conform, and the pointers of the nodes in it
/// that are placeholders or were cut out (sorted, without duplicates). `None` when even that
/// fails.
pub fn salvage<T: for<'de> Deserialize<'de>>(name: SchemaName, mut value: Value) -> Option<(T, Vec<String>)> {
    let mut unsound = Vec::new();
    let mut unknown = Vec::new();
    for err in validator(name).iter_errors(&value) {
        let path = err.instance_path().as_str().to_owned();
        match err.kind() {
            // A key the schema does not define: drop it; nothing else depends on it.
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                unknown.extend(unexpected.iter().map(|k| format!("{path}/{}", escape(k))));
            }
            // A missing key: the key is unsound, not the mapping that lacks it.
            ValidationErrorKind::Required { property } => {
                unsound.push(format!("{path}/{}", escape(property.as_str().unwrap_or_default())));
            }
            _ => unsound.push(path),
        }
    }
    for pointer in unknown.iter().chain(&unsound) {
        cut(&mut value, pointer);
    }
    let schema = schema_value(name);
    for _ in 0..ATTEMPTS {
        fill(&mut value, schema, schema);
        match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(typed) => {
                unsound.sort();
                unsound.dedup();
                return Some((typed, unsound));
            }
            // A value the schema admits but the type refines (a version requirement).
            Err(e) => {
                let pointer = crate::yaml::pointer_of(e.path());
                if unsound.contains(&pointer) {
                    return None;
                }
                cut(&mut value, &pointer);
                unsound.push(pointer);
            }
        }
    }
    None
}

/// A typed stand-in for a file that is not even YAML: placeholders everywhere but for the
/// given fields (`/metadata/id`, the directory's name), and all of it unsound.
pub fn placeholder<T: for<'de> Deserialize<'de>>(name: SchemaName, known: Value) -> Option<T> {
    let mut value = known;
    let schema = schema_value(name);
    fill(&mut value, schema, schema);
    T::deserialize(&value).ok()
}

/// Remove the node at `pointer`: a key from its mapping; an element of a sequence becomes
/// null (so the indexes of its siblings, which diagnostics name, stay the same) and `fill`
/// turns it into a placeholder; the root becomes an empty mapping.
fn cut(value: &mut Value, pointer: &str) {
    if pointer.is_empty() {
        *value = Value::Object(Map::new());
        return;
    }
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&last);
        }
        Some(Value::Array(items)) => {
            if let Some(item) = last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                *item = Value::Null;
            }
        }
        _ => {}
    }
}

/// Follow `$ref`s (`#/$defs/Name`) to the schema they name.
fn resolve<'s>(root: &'s Value, mut schema: &'s Value) -> &'s Value {
    for _ in 0..16 {
        match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
            Some(pointer) => match root.pointer(pointer) {
                Some(target) => schema = target,
                None => break,
            },
            None => break,
        }
    }
    schema
}

fn type_of(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => Some(t),
        Some(Value::Array(ts)) => ts.first().and_then(Value::as_str),
        _ => None,
    }
}

/// Give every required field that is missing (and every null element where the schema wants
/// something else) a placeholder, all the way down.
fn fill(value: &mut Value, root: &Value, schema: &Value) {
    let schema = resolve(root, schema);
    let ty = type_of(schema);
    if value.is_null() && ty.is_some_and(|t| t != "null") {
        *value = placeholder_value(root, schema, 0);
    }
    match value {
        Value::Object(map) if ty == Some("object") => {
            let props = schema.get("properties").and_then(Value::as_object);
            for req in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                let Some(key) = req.as_str() else { continue };
                if !map.contains_key(key) {
                    let sub = props.and_then(|p| p.get(key)).unwrap_or(&Value::Null);
                    map.insert(key.to_owned(), placeholder_value(root, sub, 0));
                }
            }
            let extra = schema.get("additionalProperties").filter(|a| a.is_object());
            for (k, v) in map.iter_mut() {
                if let Some(sub) = props.and_then(|p| p.get(k)).or(extra) {
                    fill(v, root, sub);
                }
            }
        }
        Value::Array(items) if ty == Some("array") => {
            if let Some(sub) = schema.get("items") {
                for item in items {
                    fill(item, root, sub);
                }
            }
        }
        _ => {}
    }
}

/// A value the schema's type admits and the typed model reads: the first enum value or the
/// constant; an empty string (`0.0.0` where a semantic version is wanted); zero; false; an
/// empty sequence; a mapping with placeholders for its required fields.
fn placeholder_value(root: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(root, schema);
    if let Some(c) = schema.get("const") {
        return c.clone();
    }
    if let Some(first) = schema.get("enum").and_then(Value::as_array).and_then(|e| e.first()) {
        return first.clone();
    }
    match type_of(schema) {
        Some("string") if schema.get("pattern").and_then(Value::as_str) == Some(SEMVER_PATTERN) => {
            Value::String("0.0.0".to_owned())
        }
        Some("string") => Value::String(String::new()),
        Some("integer" | "number") => Value::from(0),
        Some("boolean") => Value::Bool(false),
        Some("array") => Value::Array(Vec::new()),
        Some("object") if depth < 16 => {
            let mut map = Map::new();
            let props = schema.get("properties").and_then(Value::as_object);
            for req in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                if let Some(key) = req.as_str() {
                    let sub = props.and_then(|p| p.get(key)).unwrap_or(&Value::Null);
                    map.insert(key.to_owned(), placeholder_value(root, sub, depth + 1));
                }
            }
            Value::Object(map)
        }
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Health, Manifest, RelationType, Status};

    fn yaml(text: &str) -> Value {
        crate::yaml::parse(text.as_bytes()).expect("yaml").value
    }

    #[test]
    fn a_bad_status_and_an_unknown_key_leave_the_rest_of_the_manifest() {
        let value = yaml(
            "apiVersion: modreg/v1\nkind: Module\nmetadata:\n  id: email\n  name: Email\n  version: 1.0.0\n  status: actve\n  type: service\n  nmae: x\n  created: { at: '2025-01-01T00:00:00Z', by: t }\nrelationships:\n  - { type: depends_on, target: auht }\n  - { type: depends_onn, target: crm }\n",
        );
        let (m, unsound): (Manifest, _) = salvage(SchemaName::Module, value).expect("salvaged");
        assert_eq!(unsound, ["/metadata/status", "/relationships/1/type"]);
        assert_eq!(m.metadata.id, "email");
        assert_eq!(m.metadata.status, Status::Experimental, "a placeholder, never read");
        assert_eq!(m.relationships.len(), 2, "indexes stay as written");
        assert_eq!(
            (m.relationships[0].kind, m.relationships[0].target.as_str()),
            (RelationType::DependsOn, "auht")
        );
    }

    #[test]
    fn missing_and_mistyped_fields_get_placeholders_of_their_type() {
        let value = yaml(
            "apiVersion: modreg/v1\nkind: Module\nmetadata:\n  id: x1\n  version: [1]\n  status: active\n  type: ui\ncapabilities:\n  operations: [3, { name: ok, kind: read }]\nrelationships:\n  - { type: depends_on, target: a, version: 'not a req' }\n",
        );
        let (m, unsound): (Manifest, _) = salvage(SchemaName::Module, value).expect("salvaged");
        assert!(unsound.contains(&"/metadata/name".to_owned()), "{unsound:?}");
        assert!(unsound.contains(&"/metadata/version".to_owned()), "{unsound:?}");
        assert!(unsound.contains(&"/metadata/created".to_owned()), "{unsound:?}");
        assert!(unsound.contains(&"/capabilities/operations/0".to_owned()), "{unsound:?}");
        assert!(unsound.contains(&"/relationships/0/version".to_owned()), "{unsound:?}");
        assert_eq!(m.metadata.version.to_string(), "0.0.0");
        assert_eq!(m.capabilities.operations[1].name, "ok");
        assert!(m.relationships[0].version.is_none());
    }

    #[test]
    fn a_whole_document_of_the_wrong_shape_and_a_placeholder() {
        let (m, unsound): (Manifest, _) = salvage(SchemaName::Module, yaml("[1, 2]\n")).expect("salvaged");
        assert_eq!(unsound, [""]);
        assert_eq!(m.metadata.id, "");
        let m: Manifest =
            placeholder(SchemaName::Module, serde_json::json!({"metadata": {"id": "crm"}})).unwrap();
        assert_eq!(m.metadata.id, "crm");
        let h: Health =
            salvage(SchemaName::Health, yaml("apiVersion: modreg/v1\nkind: Health\nmodule: crm\nobserved_at: now\nstatus: fine\nrecords: { A: { count: -1 } }\n"))
                .expect("salvaged")
                .0;
        assert_eq!(h.module, "crm");
        assert_eq!(h.records["A"].count, 0);
    }
}
