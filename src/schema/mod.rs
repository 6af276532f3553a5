//! JSON Schema in modreg: conformance of manifests, health snapshots and settings to modreg's
//! own schemas, with each error mapped back from its instance path to the node in the file
//! (this file); the per-field rules a typed fast path checks instead ([`constraints`]); and the
//! schemas embedded in manifests ([`embedded`]). Validators are compiled once per process and
//! shared by every file and thread. No schema is ever fetched: jsonschema is built without its
//! resolver features.

pub mod constraints;
pub mod embedded;
pub mod salvage;

use std::path::Path;
use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, ValidationError, Validator};
use serde_json::Value;

use crate::diag::{Code, Diagnostic};
use crate::model::SchemaName;
use crate::suggest::closest;
use crate::yaml::Document;

/// One of modreg's own schemas as a JSON value, generated once per process.
pub(crate) fn schema_value(name: SchemaName) -> &'static Value {
    static CELLS: [OnceLock<Value>; 4] = [const { OnceLock::new() }; 4];
    CELLS[name as usize].get_or_init(|| name.schema().to_value())
}

/// The validator of one of modreg's schemas, compiled once per process, on first use: a run
/// whose files all take the typed fast path never compiles it.
pub(crate) fn validator(name: SchemaName) -> &'static Validator {
    static CELLS: [OnceLock<Validator>; 4] = [const { OnceLock::new() }; 4];
    CELLS[name as usize]
        .get_or_init(|| build_validator(schema_value(name)).expect("modreg's own schemas compile"))
}

/// A validator for draft 2020-12 with format checks on and no way to reach the network or the
/// file system (jsonschema is built without its resolver features).
pub fn build_validator(schema: &Value) -> Result<Validator, ValidationError<'static>> {
    jsonschema::options().with_draft(Draft::Draft202012).should_validate_formats(true).build(schema)
}

/// Validate a parsed document against one of modreg's schemas; every error becomes a located
/// diagnostic.
pub fn check(name: SchemaName, doc: &Document, file: &Path) -> Vec<Diagnostic> {
    let validator = validator(name);
    // Most files are valid: the boolean check short-circuits and allocates no error.
    if validator.is_valid(&doc.value) {
        return Vec::new();
    }
    let schema = schema_value(name);
    validator.iter_errors(&doc.value).flat_map(|e| to_diagnostics(&e, schema, doc, file)).collect()
}

/// Turn one schema error into diagnostics (an `additionalProperties` error names several keys).
pub fn to_diagnostics(
    err: &ValidationError<'_>,
    schema: &Value,
    doc: &Document,
    file: &Path,
) -> Vec<Diagnostic> {
    let path = err.instance_path().as_str();
    let at = doc.locate(path);
    let shown = if path.is_empty() { "the document root" } else { path };
    match err.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let allowed = allowed_keys(schema, err.schema_path().as_str());
            unexpected
                .iter()
                .map(|key| {
                    let child = format!("{path}/{}", crate::yaml::escape_pointer_token(key));
                    let pos = doc.locate(&child).key.unwrap_or(at.value);
                    let hint = closest(key, &allowed).map(|c| format!("did you mean `{c}`?")).or_else(|| {
                        (!allowed.is_empty()).then(|| format!("allowed keys here: {}", allowed.join(", ")))
                    });
                    Diagnostic::new(Code::UnknownKey, file, pos, format!("unknown key `{key}` in {shown}"))
                        .at_path(child)
                        .maybe_hint(hint)
                })
                .collect()
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            vec![
                Diagnostic::new(
                    Code::MissingKey,
                    file,
                    at.value,
                    format!("missing required key `{name}` in {shown}"),
                )
                .at_path(path)
                .hint(format!("add `{name}:` to this mapping")),
            ]
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" or "),
            };
            let found = type_name(err.instance());
            let hint = (expected == "string" && found != "null")
                .then(|| "quote the value to make it a string".to_owned());
            vec![
                Diagnostic::new(
                    Code::WrongType,
                    file,
                    at.value,
                    match err.instance().as_ref() {
                        serde_json::Value::Array(_)
                        | serde_json::Value::Object(_)
                        | serde_json::Value::Null => {
                            format!("{shown}: expected {expected}, found {found}")
                        }
                        v => format!("{shown}: expected {expected}, found {found} {}", short(v)),
                    },
                )
                .at_path(path)
                .maybe_hint(hint),
            ]
        }
        ValidationErrorKind::Enum { options } => {
            let choices: Vec<String> = options
                .as_array()
                .map(|a| a.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect())
                .unwrap_or_default();
            let got = err.instance().as_str().map_or_else(|| err.instance().to_string(), str::to_owned);
            let hint = closest(&got, &choices)
                .map(|c| format!("did you mean `{c}`?"))
                .unwrap_or_else(|| format!("use one of: {}", choices.join(", ")));
            vec![
                Diagnostic::new(
                    Code::InvalidValue,
                    file,
                    at.value,
                    format!("{shown}: `{got}` is not one of {}", choices.join(", ")),
                )
                .at_path(path)
                .hint(hint),
            ]
        }
        ValidationErrorKind::Constant { expected_value } => {
            let want = expected_value.as_str().map_or_else(|| expected_value.to_string(), str::to_owned);
            vec![
                Diagnostic::new(
                    Code::InvalidValue,
                    file,
                    at.value,
                    format!("{shown}: expected `{want}`, found {}", short(err.instance())),
                )
                .at_path(path)
                .hint(format!("write `{want}`")),
            ]
        }
        ValidationErrorKind::Pattern { pattern } => {
            // Name the rule a value breaks; the regular expression itself helps nobody.
            let (message, hint) = match pattern_rule(pattern) {
                Some(rule) => (
                    format!("{shown}: {} is not {}", short(err.instance()), rule.what),
                    Some(rule.hint(err.instance().as_str().unwrap_or_default())),
                ),
                None => (format!("{shown}: {} does not match `{pattern}`", short(err.instance())), None),
            };
            vec![Diagnostic::new(Code::InvalidValue, file, at.value, message).at_path(path).maybe_hint(hint)]
        }
        ValidationErrorKind::Format { format } => {
            let hint = match format.as_str() {
                "date-time" => Some("use RFC 3339, e.g. 2025-03-14T09:30:00Z".to_owned()),
                "date" => Some("use YYYY-MM-DD, e.g. 2026-01-10".to_owned()),
                "uri" => Some("use an absolute URL, e.g. https://wiki.example.com/page".to_owned()),
                _ => None,
            };
            vec![
                Diagnostic::new(
                    Code::InvalidValue,
                    file,
                    at.value,
                    format!("{shown}: {} is not a valid {format}", short(err.instance())),
                )
                .at_path(path)
                .maybe_hint(hint),
            ]
        }
        ValidationErrorKind::Minimum { .. }
        | ValidationErrorKind::Maximum { .. }
        | ValidationErrorKind::ExclusiveMinimum { .. }
        | ValidationErrorKind::ExclusiveMaximum { .. }
        | ValidationErrorKind::MinLength { .. }
        | ValidationErrorKind::MaxLength { .. }
        | ValidationErrorKind::MinItems { .. }
        | ValidationErrorKind::MaxItems { .. }
        | ValidationErrorKind::MultipleOf { .. } => {
            vec![Diagnostic::new(Code::InvalidValue, file, at.value, format!("{shown}: {err}")).at_path(path)]
        }
        _ => vec![
            Diagnostic::new(Code::SchemaViolation, file, at.value, format!("{shown}: {err}")).at_path(path),
        ],
    }
}

/// The property names the schema allows at the object whose `additionalProperties` failed.
fn allowed_keys(schema: &Value, schema_path: &str) -> Vec<String> {
    let parent = schema_path.rsplit_once('/').map_or("", |(p, _)| p);
    let mut keys: Vec<String> = schema
        .pointer(&format!("{parent}/properties"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A value for a message: scalars in full (truncated), collections by kind.
pub(crate) fn short(v: &Value) -> String {
    match v {
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
        Value::Null => "null".to_owned(),
        other => {
            let s = other.to_string();
            if s.chars().count() > 60 { format!("{}…", s.chars().take(60).collect::<String>()) } else { s }
        }
    }
}

/// What a pattern of modreg's schemas stands for, in words.
struct PatternRule {
    /// Completes "`value` is not …".
    what: &'static str,
    /// How to write a good value.
    how: &'static str,
    /// A value in the right form built from the wrong one, when there is an obvious one.
    fix: Option<fn(&str) -> Option<String>>,
}

impl PatternRule {
    fn hint(&self, got: &str) -> String {
        match self.fix.and_then(|fix| fix(got)).filter(|f| f != got) {
            Some(fixed) => format!("{}; did you mean `{fixed}`?", self.how),
            None => self.how.to_owned(),
        }
    }
}

/// The rule behind each pattern modreg's schemas use; `None` for a pattern it does not know.
fn pattern_rule(pattern: &str) -> Option<PatternRule> {
    use crate::model::{ID_PATTERN, SEMVER_PATTERN};
    Some(match pattern {
        ID_PATTERN => PatternRule {
            what: "a module id (lowercase letters and digits, words joined by single hyphens)",
            how: "write ids like `crm` or `sales-suite`: a lowercase letter first, no `_`, no doubled or \
                  trailing hyphen",
            fix: Some(|got| words(got, '-').filter(|w| w.starts_with(|c: char| c.is_ascii_lowercase()))),
        },
        SEMVER_PATTERN => PatternRule {
            what: "a semantic version (MAJOR.MINOR.PATCH)",
            how: "write three numbers without leading zeros, e.g. 1.4.0, optionally with a pre-release \
                  (1.4.0-rc.1) or build suffix (1.4.0+build.5); quote it if YAML reads it as a number",
            fix: None,
        },
        r"^[a-z][a-z0-9_]*$" => PatternRule {
            what: "an operation name (snake_case: lowercase letters, digits and underscores)",
            how: "write operation names like `create_contact`, starting with a lowercase letter",
            fix: Some(|got| words(got, '_').filter(|w| w.starts_with(|c: char| c.is_ascii_lowercase()))),
        },
        r"^[A-Za-z][A-Za-z0-9_]*$" => PatternRule {
            what: "a data model name (a letter, then letters, digits or underscores)",
            how: "write data model names like `Contact` or `SalesOrder`",
            fix: None,
        },
        r"^/[^\s]*$" => PatternRule {
            what: "an endpoint path (`/` first, no spaces)",
            how: "paths start with `/` and hold no whitespace, e.g. /api/crm/contacts/{contact_id}",
            fix: Some(|got| {
                let trimmed = got.trim();
                let fixed = if trimmed.starts_with('/') { trimmed.to_owned() } else { format!("/{trimmed}") };
                (!fixed.contains(char::is_whitespace)).then_some(fixed)
            }),
        },
        "^[0-9]+[smhdw]$" => PatternRule {
            what: "a duration (a whole number and a unit)",
            how: "write a number and a unit (s, m, h, d, w) with nothing between, e.g. 7d",
            fix: Some(|got| {
                let compact: String = got.chars().filter(|c| !c.is_whitespace()).collect();
                let (digits, unit) = compact.split_at(compact.find(|c: char| !c.is_ascii_digit())?);
                let unit = match unit.to_ascii_lowercase().as_str() {
                    "s" | "sec" | "secs" | "second" | "seconds" => 's',
                    "m" | "min" | "mins" | "minute" | "minutes" => 'm',
                    "h" | "hr" | "hrs" | "hour" | "hours" => 'h',
                    "d" | "day" | "days" => 'd',
                    "w" | "wk" | "wks" | "week" | "weeks" => 'w',
                    _ => return None,
                };
                (!digits.is_empty()).then(|| format!("{digits}{unit}"))
            }),
        },
        _ => return None,
    })
}

/// `got` as lowercase ASCII words joined by `sep` (`Auth_X` → `auth-x`), if anything is left.
fn words(got: &str, sep: char) -> Option<String> {
    let mut out = String::new();
    for word in got.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(sep);
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pattern modreg's own schemas use has a rule in words, so no message shows a regex.
    #[test]
    fn every_pattern_of_the_schemas_is_named() {
        fn patterns<'v>(v: &'v Value, out: &mut Vec<&'v str>) {
            match v {
                Value::Object(map) => {
                    for (k, child) in map {
                        match child {
                            Value::String(p) if k == "pattern" => out.push(p),
                            _ => patterns(child, out),
                        }
                    }
                }
                Value::Array(items) => items.iter().for_each(|i| patterns(i, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        for name in [SchemaName::Module, SchemaName::Health, SchemaName::Settings] {
            patterns(schema_value(name), &mut found);
        }
        assert!(found.len() >= 5, "{found:?}");
        for p in found {
            assert!(pattern_rule(p).is_some(), "no words for the pattern `{p}`");
        }
    }

    #[test]
    fn hints_offer_the_value_in_the_right_form() {
        let hint = |pattern: &str, got: &str| pattern_rule(pattern).expect("a rule").hint(got);
        assert!(hint(crate::model::ID_PATTERN, "Sales_Suite").ends_with("did you mean `sales-suite`?"));
        assert!(!hint(crate::model::ID_PATTERN, "9lives").contains("did you mean"));
        assert!(hint("^[0-9]+[smhdw]$", "7 days").ends_with("did you mean `7d`?"));
        assert!(hint("^[0-9]+[smhdw]$", "12 Hours").ends_with("did you mean `12h`?"));
        assert!(!hint("^[0-9]+[smhdw]$", "soon").contains("did you mean"));
        assert!(hint(r"^/[^\s]*$", "api/x").ends_with("did you mean `/api/x`?"));
        assert!(!hint(r"^/[^\s]*$", "/a b").contains("did you mean"));
    }
}
