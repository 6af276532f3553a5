//! JSON Schemas embedded in a manifest (SPEC §5 check 6): `config.schema` and every
//! `capabilities.data_models[].schema` must be valid draft 2020-12 schemas, `config.defaults`
//! must validate against `config.schema`, and no `$ref` may leave the schema (nothing is ever
//! fetched: jsonschema is built without resolvers, so such a schema is reported, not compiled).
//!
//! Errors inside an embedded schema are located by joining the schema's pointer in the manifest
//! with the error's path inside the schema. The check needs nothing but the manifest, so it runs
//! in the loader's per-file phase and its verdict is cached with the file.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::build_validator;
use crate::diag::{Anchor, Code, Diagnostic};
use crate::model::Manifest;
use crate::yaml::escape_pointer_token as escape;

/// A located diagnostic at the value a pointer of the manifest names.
fn at(file: &Path, code: Code, pointer: &str, message: String) -> Diagnostic {
    Diagnostic::at_pointer(code, file, pointer, Anchor::Value, message)
}

/// A located diagnostic at the key a pointer ends in.
fn at_key(file: &Path, code: Code, pointer: &str, message: String) -> Diagnostic {
    Diagnostic::at_pointer(code, file, pointer, Anchor::Key, message)
}

/// Schemas that compiled in this run, by their JSON text, so identical schemas (boilerplate
/// config, an entity copied between modules) are not compiled again and again. An entry says
/// "it compiles"; it holds the validator only for a repeated config schema (`config.defaults`
/// needs one), so memory does not grow with the number of distinct schemas.
///
/// One `Compiled` serves a whole load, shared by the threads that check files.
#[derive(Default)]
pub struct Compiled {
    by_text: Mutex<HashMap<Box<str>, Option<Arc<Validator>>>>,
}

impl Compiled {
    /// `Some` when the schema is known to compile: with its validator when one was kept.
    fn get(&self, text: &str) -> Option<Option<Arc<Validator>>> {
        self.by_text.lock().unwrap_or_else(PoisonError::into_inner).get(text).cloned()
    }

    fn put(&self, text: &str, validator: Option<Arc<Validator>>) {
        let mut map = self.by_text.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = map.entry(text.into()).or_insert(None);
        if validator.is_some() {
            *slot = validator;
        }
    }
}

/// Check the schemas embedded in one manifest (`file` names it in the diagnostics, whose
/// positions are still to be resolved from their pointers).
pub fn check(compiled: &Compiled, file: &Path, manifest: &Manifest) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let config = manifest.config.as_ref();
    if let Some(schema) = config.and_then(|c| c.schema.as_ref())
        && let Some(validator) =
            compile(compiled, file, "config.schema", "/config/schema", schema.as_str(), true, &mut out)
        && let Some(defaults) = config.and_then(|c| c.defaults.as_ref())
    {
        let defaults = Value::Object(defaults.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
        for err in validator.iter_errors(&defaults) {
            let pointer = format!("/config/defaults{}", err.instance_path().as_str());
            let rule = format!("/config/schema{}", err.schema_path().as_str());
            if let ValidationErrorKind::AdditionalProperties { unexpected } = err.kind() {
                for key in unexpected {
                    let child = format!("{pointer}/{}", escape(key));
                    let shown = &child[1..].replace('/', ".");
                    out.push(
                        at_key(
                            file,
                            Code::ConfigDefaults,
                            &child,
                            format!("{shown} is not a key config.schema allows"),
                        )
                        .hint(format!(
                            "remove it, or declare `{key}` under `properties` of the schema at {}",
                            rule.strip_suffix("/additionalProperties").unwrap_or(&rule)
                        )),
                    );
                }
                continue;
            }
            let shown = &pointer[1..].replace('/', ".");
            out.push(
                at(
                    file,
                    Code::ConfigDefaults,
                    &pointer,
                    format!("{shown} does not match config.schema: {}", brief(&err.to_string())),
                )
                .hint(format!("change the default, or the rule at {rule}")),
            );
        }
    }
    for (k, model) in manifest.capabilities.data_models.iter().enumerate() {
        if let Some(schema) = &model.schema {
            let what = format!("schema of data model `{}`", model.name);
            let base = format!("/capabilities/data_models/{k}/schema");
            compile(compiled, file, &what, &base, schema.as_str(), false, &mut out);
        }
    }
    out
}

/// Check an embedded schema and compile it. Returns its validator when the schema is usable
/// and `keep` asks for one.
///
/// Compiling validates against the meta-schema first, so a valid schema costs one pass; only an
/// invalid one is walked again to report every error rather than the first.
fn compile(
    compiled: &Compiled,
    file: &Path,
    what: &str,
    base: &str,
    text: &str,
    keep: bool,
    out: &mut Vec<Diagnostic>,
) -> Option<Arc<Validator>> {
    // Most data model schemas use a handful of plain keywords; those are known to be valid
    // without compiling them, or even building a tree (and are not worth remembering).
    if !keep && plain::is_plain_text(text) {
        debug_assert!(build_validator(&serde_json::from_str(text).unwrap_or_default()).is_ok(), "{text}");
        return None;
    }
    let known = compiled.get(text);
    match &known {
        Some(Some(validator)) => return Some(Arc::clone(validator)),
        Some(None) if !keep => return None,
        _ => {}
    }
    let schema: Value = serde_json::from_str(text).unwrap_or(Value::Bool(false));
    let built = check_and_build(file, what, base, &schema, out)?;
    let validator = keep.then(|| Arc::new(built));
    // A validator is kept once its schema shows up a second time: repeated boilerplate compiles
    // twice at most, and a registry of distinct schemas holds no validators.
    compiled.put(text, validator.clone().filter(|_| known.is_some()));
    validator
}

/// The located diagnostics of a schema not known to compile, and its validator when it does.
fn check_and_build(
    file: &Path,
    what: &str,
    base: &str,
    schema: &Value,
    out: &mut Vec<Diagnostic>,
) -> Option<Validator> {
    if has_external_ref(schema) {
        for (path, target) in refs(schema, is_external) {
            out.push(
                at(
                    file,
                    Code::RemoteRef,
                    &format!("{base}{path}"),
                    format!("{what}: `{target}` is not a reference inside the schema; modreg never fetches schemas"),
                )
                .hint("copy the definition under `$defs` and reference it as `#/$defs/Name`"),
            );
        }
        meta_errors(file, what, base, schema, out);
        return None;
    }
    // jsonschema resolves a reference only when it compiles the subschema holding it, and stops
    // at the first that fails: a `$ref` under an unused `$defs` entry or an `if` without
    // `then` would pass, and a second dangling one would go unreported.
    let dangling = dangling_refs(schema);
    if !dangling.is_empty() {
        for (path, target) in dangling {
            let hint = match target.strip_prefix("#/$defs/").or_else(|| target.strip_prefix("#/definitions/")) {
                Some(name) if !name.contains('/') => {
                    format!("define `{name}` under `$defs` of this schema, or fix the reference")
                }
                _ if target.starts_with("#/") => {
                    "a `#/…` reference is a JSON pointer from the root of this schema: fix it, or define what \
                     it names"
                        .to_owned()
                }
                _ => format!("declare `$anchor: {}` on the schema it should name, or fix the reference", &target[1..]),
            };
            out.push(
                at(
                    file,
                    Code::EmbeddedSchema,
                    &format!("{base}{path}"),
                    format!("{what}: `{target}` names nothing in the schema"),
                )
                .hint(hint),
            );
        }
        meta_errors(file, what, base, schema, out);
        return None;
    }
    let err = match build_validator(schema) {
        Ok(v) => return Some(v),
        Err(err) => err,
    };
    if meta_errors(file, what, base, schema, out) == 0 {
        // Valid against the meta-schema but not compilable: a bad regex, a `#/...` that leads
        // nowhere, an unknown `$schema`. jsonschema reports reference errors at the root.
        let mut path = err.instance_path().as_str().to_owned();
        if path.is_empty()
            && matches!(err.kind(), ValidationErrorKind::Referencing(_))
            && let Some(found) = reference_culprit(schema, &err.to_string())
        {
            path = found;
        }
        let path = path.as_str();
        out.push(
            at(
                file,
                Code::EmbeddedSchema,
                &format!("{base}{path}"),
                format!("{what} does not compile: {}", brief(&err.to_string())),
            )
            .hint(meta_hint(schema, path)),
        );
    }
    None
}

/// Every error of the schema against the draft 2020-12 meta-schema; returns how many.
fn meta_errors(file: &Path, what: &str, base: &str, schema: &Value, out: &mut Vec<Diagnostic>) -> usize {
    let meta = jsonschema::draft202012::meta::validator();
    let before = out.len();
    for err in meta.iter_errors(schema) {
        let path = err.instance_path().as_str();
        out.push(
            at(
                file,
                Code::EmbeddedSchema,
                &format!("{base}{path}"),
                format!("{what} is not a valid JSON Schema: {}", brief(&err.to_string())),
            )
            .hint(meta_hint(schema, path)),
        );
    }
    out.len() - before
}

fn meta_hint(schema: &Value, path: &str) -> String {
    let declared = schema.get("$schema").and_then(Value::as_str).filter(|d| !d.contains("2020-12"));
    if let Some(draft) = declared {
        format!(
            "the schema declares `$schema: {draft}`, but embedded schemas are read as draft 2020-12; port it"
        )
    } else if path.ends_with("/type") || path.contains("/type/") {
        "JSON Schema types are array, boolean, integer, null, number, object and string".to_owned()
    } else if path.ends_with("/$ref") || path.ends_with("/$dynamicRef") {
        "define the target under `$defs`, or fix the reference".to_owned()
    } else if path.ends_with("/pattern") || path.contains("/patternProperties") {
        "patterns are ECMA-262 regular expressions; quote them in single quotes in YAML".to_owned()
    } else {
        "embedded schemas follow JSON Schema draft 2020-12 (https://json-schema.org/draft/2020-12)".to_owned()
    }
}

/// Keywords whose values are data, not schemas: a `$ref` inside them is just a string.
const DATA_KEYWORDS: &[&str] = &["const", "enum", "default", "examples"];
/// Keywords whose values map names to schemas: a property may be called `enum` or `$ref`.
const NAMED_SCHEMAS: &[&str] =
    &["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];

/// What a child of a schema node is.
enum Child<'v> {
    /// The target of a `$ref` / `$dynamicRef`.
    Ref(&'v str),
    /// A node to walk; `true` when its keys are names rather than keywords.
    Walk(bool),
    Skip,
}

/// Classify every child of `node` (`names`: its keys are names, not keywords).
fn children<'v>(node: &'v Value, names: bool, mut f: impl FnMut(Token<'v>, &'v Value, Child<'v>)) {
    match node {
        Value::Object(map) => {
            for (k, child) in map {
                let kind = match child {
                    _ if names => Child::Walk(false),
                    Value::String(s) if k == "$ref" || k == "$dynamicRef" => Child::Ref(s),
                    Value::Object(_) | Value::Array(_) if DATA_KEYWORDS.contains(&k.as_str()) => Child::Skip,
                    Value::Object(_) | Value::Array(_) => Child::Walk(NAMED_SCHEMAS.contains(&k.as_str())),
                    _ => Child::Skip,
                };
                f(Token::Key(k), child, kind);
            }
        }
        Value::Array(items) => {
            for (n, child) in items.iter().enumerate() {
                f(Token::Index(n), child, Child::Walk(false));
            }
        }
        _ => {}
    }
}

enum Token<'v> {
    Key(&'v str),
    Index(usize),
}

/// Whether any `$ref` / `$dynamicRef` leaves the schema (anything but a fragment such as
/// `#/$defs/Money`). Allocation-light: almost every schema answers no.
fn has_external_ref(schema: &Value) -> bool {
    let mut todo: Vec<(&Value, bool)> = vec![(schema, false)];
    let mut found = false;
    while let Some((node, names)) = todo.pop() {
        children(node, names, |_, child, kind| match kind {
            Child::Ref(target) => found |= is_external(target),
            Child::Walk(n) => todo.push((child, n)),
            Child::Skip => {}
        });
        if found {
            return true;
        }
    }
    false
}

/// The local references (`#/…` pointers, `#anchor`s) that name nothing in the schema, with the
/// pointer of each inside the schema. A schema with a nested `$id` is left to jsonschema: below
/// it, fragments resolve against another base.
fn dangling_refs(schema: &Value) -> Vec<(String, String)> {
    let mut anchors: Vec<&str> = Vec::new();
    let mut nested_id = false;
    let mut todo: Vec<(&Value, bool, bool)> = vec![(schema, false, true)];
    while let Some((node, names, root)) = todo.pop() {
        children(node, names, |token, child, kind| match (token, child, kind) {
            (Token::Key("$anchor" | "$dynamicAnchor"), Value::String(a), Child::Skip) => anchors.push(a),
            (Token::Key("$id"), Value::String(_), Child::Skip) => nested_id |= !root,
            (_, _, Child::Walk(n)) => todo.push((child, n, false)),
            _ => {}
        });
    }
    if nested_id {
        return Vec::new();
    }
    refs(schema, |target| {
        let Some(fragment) = target.strip_prefix('#') else {
            return false;
        };
        match fragment {
            "" => false,
            p if p.starts_with('/') => percent_decode(p).is_none_or(|p| schema.pointer(&p).is_none()),
            anchor => !anchors.contains(&anchor),
        }
    })
}

/// A URI fragment with its `%XX` escapes decoded; `None` when they do not make UTF-8.
fn percent_decode(fragment: &str) -> Option<String> {
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push(u8::try_from(h * 16 + l).ok()?);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Anything but a fragment (`#/$defs/Money`, `#anchor`) leaves the schema.
fn is_external(target: &str) -> bool {
    !(target.is_empty() || target.starts_with('#'))
}

/// Keywords that hold a URI or an anchor name.
const REFERENCE_KEYWORDS: &[&str] = &["$ref", "$dynamicRef", "$id", "$schema", "$anchor", "$dynamicAnchor"];

/// Where in the schema a reference error jsonschema reported at the root comes from: the
/// keyword whose value the message quotes, else the first `$ref` that names nothing (a missing
/// `#/...` target or an unknown `#anchor`). Only locates; never decides whether there is an error.
fn reference_culprit(schema: &Value, message: &str) -> Option<String> {
    let mut uses: Vec<(String, &str, &str)> = Vec::new();
    let mut todo: Vec<(String, &Value)> = vec![(String::new(), schema)];
    while let Some((path, v)) = todo.pop() {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    let child_path = format!("{path}/{}", escape(k));
                    match child {
                        Value::String(s) if REFERENCE_KEYWORDS.contains(&k.as_str()) => {
                            uses.push((child_path, k, s));
                        }
                        _ => todo.push((child_path, child)),
                    }
                }
            }
            Value::Array(items) => {
                todo.extend(items.iter().enumerate().map(|(n, c)| (format!("{path}/{n}"), c)));
            }
            _ => {}
        }
    }
    uses.sort();
    if let Some((p, _, _)) = uses.iter().find(|(_, _, s)| message.contains(&format!("'{s}'"))) {
        return Some(p.clone());
    }
    let anchors: Vec<&str> = uses
        .iter()
        .filter(|(_, k, _)| *k == "$anchor" || *k == "$dynamicAnchor")
        .map(|(_, _, s)| *s)
        .collect();
    uses.iter()
        .filter(|(_, k, _)| *k == "$ref" || *k == "$dynamicRef")
        .find(|(_, _, target)| match target.strip_prefix('#') {
            Some(p) if p.starts_with('/') => schema.pointer(&p.replace("%25", "%")).is_none(),
            Some(anchor) if !anchor.is_empty() => !anchors.contains(&anchor),
            _ => false,
        })
        .map(|(p, _, _)| p.clone())
}

/// The references of a schema that `wanted` selects, with the pointer of each value inside the
/// schema.
fn refs(schema: &Value, wanted: impl Fn(&str) -> bool) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut todo: Vec<(String, &Value, bool)> = vec![(String::new(), schema, false)];
    while let Some((path, node, names)) = todo.pop() {
        children(node, names, |token, child, kind| {
            let child_path = match token {
                Token::Key(k) => format!("{path}/{}", escape(k)),
                Token::Index(n) => format!("{path}/{n}"),
            };
            match kind {
                Child::Ref(target) if wanted(target) => found.push((child_path, target.to_owned())),
                Child::Ref(_) => {}
                Child::Walk(n) => todo.push((child_path, child, n)),
                Child::Skip => {}
            }
        });
    }
    found.sort();
    found
}

/// A jsonschema message, kept to one readable line (it quotes whole values otherwise).
fn brief(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default();
    if line.chars().count() > 200 {
        format!("{}…", line.chars().take(200).collect::<String>())
    } else {
        line.to_owned()
    }
}

/// Schemas written with a few plain keywords whose values meet the draft 2020-12 meta-schema
/// AND cannot fail to compile (no regular expressions, no references, integers where jsonschema
/// wants integers): such a schema is valid without compiling it. Anything else — another
/// keyword, an odd value — is left to the full check, so this only ever answers "surely valid".
mod plain {
    use std::fmt;

    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

    const TYPES: &[&str] = &["array", "boolean", "integer", "null", "number", "object", "string"];

    /// Whether a schema (as JSON text) is plain, read straight from the text, building nothing.
    /// Anything unexpected (an error included) answers "not plain".
    pub(super) fn is_plain_text(text: &str) -> bool {
        let mut de = serde_json::Deserializer::from_str(text);
        matches!(Check::Schema.deserialize(&mut de), Ok(true)) && de.end().is_ok()
    }

    /// What the value under a keyword must be, as a seed that answers whether it is.
    #[derive(Clone, Copy)]
    enum Check {
        Schema,
        Properties,
        Type,
        Required,
        Array,
        String,
        Anything,
        Number,
        Positive,
        Count,
        Bool,
    }

    impl Check {
        fn of(keyword: &str) -> Option<Check> {
            Some(match keyword {
                "type" => Check::Type,
                "properties" => Check::Properties,
                "items" | "additionalProperties" => Check::Schema,
                "required" => Check::Required,
                "enum" | "examples" => Check::Array,
                "title" | "description" | "$comment" | "format" => Check::String,
                "default" | "const" => Check::Anything,
                "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => Check::Number,
                "multipleOf" => Check::Positive,
                "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" => {
                    Check::Count
                }
                "uniqueItems" | "deprecated" | "readOnly" | "writeOnly" => Check::Bool,
                _ => return None,
            })
        }
    }

    impl<'de> DeserializeSeed<'de> for Check {
        type Value = bool;

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            match self {
                Check::Anything => <IgnoredAny as serde::Deserialize>::deserialize(d).map(|_| true),
                _ => d.deserialize_any(self),
            }
        }
    }

    impl<'de> Visitor<'de> for Check {
        type Value = bool;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a plain schema")
        }

        fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
            Ok(matches!(self, Check::Schema | Check::Bool))
        }

        fn visit_u64<E>(self, n: u64) -> Result<bool, E> {
            Ok(matches!(self, Check::Number | Check::Count) || matches!(self, Check::Positive if n > 0))
        }

        fn visit_i64<E>(self, n: i64) -> Result<bool, E> {
            // serde_json visits non-negative integers as u64: this one is negative.
            Ok(matches!(self, Check::Number) || matches!(self, Check::Positive if n > 0))
        }

        fn visit_f64<E>(self, f: f64) -> Result<bool, E> {
            Ok(matches!(self, Check::Number) || matches!(self, Check::Positive if f > 0.0))
        }

        fn visit_str<E>(self, s: &str) -> Result<bool, E> {
            Ok(match self {
                Check::String => true,
                Check::Type => TYPES.contains(&s),
                _ => false,
            })
        }

        fn visit_unit<E>(self) -> Result<bool, E> {
            Ok(false)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
            match self {
                Check::Array => {
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    Ok(true)
                }
                Check::Type | Check::Required => {
                    let mut seen: Vec<String> = Vec::new();
                    while let Some(s) = seq.next_element::<String>()? {
                        if seen.contains(&s) || (matches!(self, Check::Type) && !TYPES.contains(&s.as_str()))
                        {
                            return Ok(false);
                        }
                        seen.push(s);
                    }
                    Ok(matches!(self, Check::Required) || !seen.is_empty())
                }
                _ => Ok(false),
            }
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            match self {
                Check::Schema => {
                    while let Some(keyword) = map.next_key::<std::borrow::Cow<'_, str>>()? {
                        let Some(check) = Check::of(&keyword) else {
                            return Ok(false);
                        };
                        if !map.next_value_seed(check)? {
                            return Ok(false);
                        }
                    }
                    Ok(true)
                }
                Check::Properties => {
                    while map.next_key::<IgnoredAny>()?.is_some() {
                        if !map.next_value_seed(Check::Schema)? {
                            return Ok(false);
                        }
                    }
                    Ok(true)
                }
                _ => Ok(false),
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::is_plain_text;
        use crate::schema::build_validator;
        use serde_json::json;

        #[test]
        fn plain_schemas_compile_and_others_are_left_to_jsonschema() {
            for plain in [
                json!(true),
                json!({}),
                json!({"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "format": "uuid"}}}),
                json!({"type": ["string", "null"], "minLength": 1, "maxLength": 9, "enum": ["a", null]}),
                json!({"type": "array", "items": {"type": "number", "minimum": 0, "multipleOf": 0.5}, "uniqueItems": true}),
                json!({"additionalProperties": false, "properties": {"type": {"const": 1}, "$ref": true}}),
            ] {
                assert!(is_plain_text(&plain.to_string()), "{plain}");
                assert!(build_validator(&plain).is_ok(), "{plain}");
            }
            for other in [
                json!(3),
                json!({"type": "strin"}),
                json!({"type": []}),
                json!({"type": ["string", "string"]}),
                json!({"required": ["a", "a"]}),
                json!({"minLength": 1.0}),
                json!({"minLength": -1}),
                json!({"multipleOf": 0}),
                json!({"pattern": "^a"}),
                json!({"$ref": "#/$defs/x"}),
                json!({"$defs": {"x": {"$ref": "#/nope"}}}),
                json!({"properties": {"a": {"$ref": "#/nope"}}}),
                json!({"if": {"$ref": "#/nope"}}),
                json!({"properties": {"a": {"$ref": "https://example.com/s.json"}}}),
                json!({"allOf": [{}]}),
                json!({"items": 3}),
            ] {
                assert!(!is_plain_text(&other.to_string()), "{other}");
            }
        }

        proptest::proptest! {
            /// Whatever the recogniser calls plain, jsonschema compiles.
            #[test]
            fn plain_implies_it_compiles(schema in arb_schema()) {
                if is_plain_text(&schema.to_string()) {
                    proptest::prop_assert!(build_validator(&schema).is_ok(), "{}", schema);
                }
            }
        }

        fn arb_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
            use proptest::prelude::*;
            prop_oneof![
                Just(json!(null)),
                any::<bool>().prop_map(|b| json!(b)),
                (-3i64..5).prop_map(|n| json!(n)),
                (-2.0f64..3.0).prop_map(|f| json!(f)),
                Just(json!(1.0)),
                "[a-z]{0,3}".prop_map(|s| json!(s)),
                Just(json!("string")),
                Just(json!(["a", "a"])),
                Just(json!(["a", "b"])),
                Just(json!(["string", "integer"])),
                Just(json!([])),
            ]
        }

        fn arb_schema() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
            use proptest::prelude::*;
            let key = proptest::sample::select(vec![
                "type",
                "properties",
                "items",
                "additionalProperties",
                "required",
                "enum",
                "title",
                "format",
                "default",
                "minimum",
                "multipleOf",
                "minLength",
                "maxItems",
                "uniqueItems",
                "pattern",
                "$ref",
            ]);
            let leaf = proptest::collection::btree_map(key.clone(), arb_value(), 0..4).prop_map(|m| {
                serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            });
            leaf.prop_recursive(3, 24, 4, move |inner| {
                proptest::collection::btree_map(
                    key.clone(),
                    prop_oneof![
                        arb_value(),
                        inner.clone(),
                        proptest::collection::btree_map("[a-z]{1,3}", inner, 0..3)
                            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect()))
                    ],
                    0..4,
                )
                .prop_map(|m| {
                    serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                })
            })
        }
    }
}
