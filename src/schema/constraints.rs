//! The rules of modreg's schemas that the Rust types do not enforce by themselves: patterns,
//! lengths, ranges and formats of single fields. Structure, required keys, unknown keys, enum
//! values and JSON types are enforced by serde while the typed model is built, so a file that
//! deserialises AND passes these rules conforms to its schema — which lets the loader's fast
//! path skip building a JSON tree for the whole document.
//!
//! Each rule is the field's own subschema, cut out of the generated schema and compiled once,
//! so a rule here can never drift from the schema; a test fails when the schema gains a
//! constrained field that is not listed here.

use std::cell::RefCell;
use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value;

use super::{build_validator, schema_value};
use crate::model::{Health, Manifest, SchemaName};

/// Subschemas of `module.schema.json` with a rule beyond their type.
const MODULE_RULES: [&str; 14] = [
    "/$defs/Metadata/properties/id",
    "/$defs/Metadata/properties/name",
    "/$defs/Metadata/properties/version",
    "/$defs/Created/properties/at",
    "/$defs/Created/properties/by",
    "/$defs/Link/properties/title",
    "/$defs/Link/properties/url",
    "/$defs/Deprecation/properties/since",
    "/$defs/Deprecation/properties/replaced_by",
    "/$defs/Operation/properties/name",
    "/$defs/Endpoint/properties/path",
    "/$defs/DataModel/properties/name",
    "/$defs/BusinessLogic/properties/name",
    "/$defs/Relationship/properties/target",
];

/// Subschemas of `health.schema.json` with a rule beyond their type.
const HEALTH_RULES: [&str; 9] = [
    "/properties/module",
    "/properties/observed_at",
    "/$defs/RecordStats/properties/count",
    "/$defs/RecordStats/properties/last_updated",
    "/$defs/Metrics/properties/requests_per_minute",
    "/$defs/Metrics/properties/latency_p95_ms",
    "/$defs/Metrics/properties/error_rate",
    "/$defs/HealthIssue/properties/id",
    "/$defs/HealthIssue/properties/opened_at",
];

fn compile(name: SchemaName, pointers: &[&str]) -> Vec<Validator> {
    let schema = schema_value(name);
    pointers
        .iter()
        .map(|p| {
            let sub = schema.pointer(p).unwrap_or_else(|| panic!("{p} is in the generated schema"));
            build_validator(sub).unwrap_or_else(|e| panic!("the subschema at {p} compiles: {e}"))
        })
        .collect()
}

fn module_rules() -> &'static [Validator] {
    static RULES: OnceLock<Vec<Validator>> = OnceLock::new();
    RULES.get_or_init(|| compile(SchemaName::Module, &MODULE_RULES))
}

fn health_rules() -> &'static [Validator] {
    static RULES: OnceLock<Vec<Validator>> = OnceLock::new();
    RULES.get_or_init(|| compile(SchemaName::Health, &HEALTH_RULES))
}

thread_local! {
    /// A string value reused for every check on this thread, so checking allocates nothing.
    static SCRATCH: RefCell<Value> = const { RefCell::new(Value::Null) };
}

fn str_ok(rule: &Validator, s: &str) -> bool {
    SCRATCH.with_borrow_mut(|slot| {
        match &mut *slot {
            Value::String(buf) => {
                buf.clear();
                buf.push_str(s);
            }
            other => *other = Value::String(s.to_owned()),
        }
        rule.is_valid(slot)
    })
}

fn num_ok(rule: &Validator, n: Option<f64>) -> bool {
    n.is_none_or(|n| serde_json::Number::from_f64(n).is_some_and(|n| rule.is_valid(&Value::Number(n))))
}

/// Whether every constrained field of a typed manifest satisfies its subschema.
pub fn manifest_ok(m: &Manifest) -> bool {
    let [id, name, version, at, by, title, url, since, replaced_by, op, path, model, logic, target] =
        module_rules()
    else {
        unreachable!("one validator per rule")
    };
    let md = &m.metadata;
    let caps = &m.capabilities;
    str_ok(id, &md.id)
        && str_ok(name, &md.name)
        && str_ok(version, &md.version.to_string())
        && str_ok(at, &md.created.at)
        && str_ok(by, &md.created.by)
        && md.links.iter().all(|l| str_ok(title, &l.title) && str_ok(url, &l.url))
        && md.deprecation.as_ref().is_none_or(|d| {
            str_ok(since, &d.since) && d.replaced_by.as_deref().is_none_or(|r| str_ok(replaced_by, r))
        })
        && caps.operations.iter().all(|o| str_ok(op, &o.name))
        && caps.endpoints.iter().all(|e| str_ok(path, &e.path))
        && caps.data_models.iter().all(|d| str_ok(model, &d.name))
        && caps.business_logic.iter().all(|b| str_ok(logic, &b.name))
        && m.relationships.iter().all(|r| str_ok(target, &r.target))
}

/// Whether every constrained field of a typed health snapshot satisfies its subschema.
pub fn health_ok(h: &Health) -> bool {
    let [module, observed_at, count, last_updated, rpm, p95, error_rate, issue_id, opened_at] =
        health_rules()
    else {
        unreachable!("one validator per rule")
    };
    str_ok(module, &h.module)
        && str_ok(observed_at, &h.observed_at)
        && h.records.values().all(|r| {
            count.is_valid(&Value::from(r.count))
                && r.last_updated.as_deref().is_none_or(|t| str_ok(last_updated, t))
        })
        && num_ok(rpm, h.metrics.requests_per_minute)
        && num_ok(p95, h.metrics.latency_p95_ms)
        && num_ok(error_rate, h.metrics.error_rate)
        && h.issues
            .iter()
            .all(|i| str_ok(issue_id, &i.id) && i.opened_at.as_deref().is_none_or(|t| str_ok(opened_at, t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Formats jsonschema does not check (schemars' annotations of Rust number types); the
    /// types already enforce them.
    const TYPE_FORMATS: &[&str] = &["uint64", "int64", "uint32", "int32", "double", "float", "uint", "int"];

    /// Every subschema that constrains a value beyond its JSON type.
    fn constrained(value: &Value, pointer: &str, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                let rule = map.keys().any(|k| {
                    matches!(
                        k.as_str(),
                        "pattern"
                            | "minLength"
                            | "maxLength"
                            | "minimum"
                            | "maximum"
                            | "exclusiveMinimum"
                            | "exclusiveMaximum"
                            | "multipleOf"
                            | "minItems"
                            | "maxItems"
                            | "uniqueItems"
                            | "minProperties"
                            | "maxProperties"
                    )
                }) || map
                    .get("format")
                    .and_then(Value::as_str)
                    .is_some_and(|f| !TYPE_FORMATS.contains(&f));
                if rule {
                    out.push(pointer.to_owned());
                }
                for (k, v) in map {
                    constrained(v, &format!("{pointer}/{}", crate::yaml::escape_pointer_token(k)), out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    constrained(v, &format!("{pointer}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_constrained_field_has_a_rule() {
        for (name, listed) in
            [(SchemaName::Module, &MODULE_RULES[..]), (SchemaName::Health, &HEALTH_RULES[..])]
        {
            let mut found = Vec::new();
            constrained(schema_value(name), "", &mut found);
            let mut listed: Vec<String> = listed.iter().map(|s| (*s).to_owned()).collect();
            found.sort();
            listed.sort();
            assert_eq!(found, listed, "{name:?}: the fast path must check exactly the constrained fields");
        }
        // Compiles every rule.
        assert_eq!(module_rules().len(), MODULE_RULES.len());
        assert_eq!(health_rules().len(), HEALTH_RULES.len());
    }
}
