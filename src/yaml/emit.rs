//! JSON values out as YAML text, through saphyr's emitter: `--format yaml` of every report, the
//! canonical `health.yaml` that `health record` writes and the canonical `module.yaml` that
//! `register` writes. Block style throughout; saphyr quotes a string that a YAML 1.2 reader would
//! take for another type and escapes C0 controls and DEL, and [`yaml11_ambiguous`] adds the
//! strings a YAML 1.1 reader (PyYAML, js-yaml 3, Ruby's Psych) would take for something else,
//! so that every reader gets the same values.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::LazyLock;

use regex::Regex;

use saphyr::{Scalar, Yaml, YamlEmitter};
use saphyr_parser::ScalarStyle;
use serde_json::Value;

/// `value` as one YAML document without the `---` marker, ending in a line break. A string
/// holding a character YAML does not allow unescaped (C1 controls, U+FFFE, U+FFFF) or one
/// `escape` picks is written double-quoted with `\uXXXX` escapes, so the text reads back as
/// exactly `value`.
pub fn document(value: &Value, escape: fn(char) -> bool) -> String {
    let yaml = to_yaml(value, escape);
    let mut out = String::new();
    YamlEmitter::new(&mut out).dump(&yaml).expect("writing to a String cannot fail");
    let mut out = out.strip_prefix("---\n").map(str::to_owned).unwrap_or(out);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn to_yaml(v: &Value, escape: fn(char) -> bool) -> Yaml<'static> {
    match v {
        Value::Null => Yaml::Value(Scalar::Null),
        Value::Bool(b) => Yaml::Value(Scalar::Boolean(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Value(Scalar::Integer(i)),
            // Integers beyond i64 and all floats: keep the exact JSON spelling.
            None => n.as_f64().filter(|_| !n.is_u64()).map_or_else(
                || Yaml::Value(Scalar::String(Cow::Owned(n.to_string()))),
                |f| Yaml::Value(Scalar::FloatingPoint(f.into())),
            ),
        },
        Value::String(s) => scalar(s, escape),
        Value::Array(items) => Yaml::Sequence(items.iter().map(|i| to_yaml(i, escape)).collect()),
        Value::Object(map) => {
            Yaml::Mapping(map.iter().map(|(k, v)| (scalar(k, escape), to_yaml(v, escape))).collect())
        }
    }
}

/// A string scalar; double-quoted with escapes when it holds a character saphyr would write raw
/// but YAML forbids unescaped, or one `escape` picks.
fn scalar(s: &str, escape: fn(char) -> bool) -> Yaml<'static> {
    let saphyr_escapes = |c: char| c < ' ' || c == '\u{7f}';
    let forbidden = |c: char| matches!(c, '\u{80}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}');
    let unsafe_raw = |c: char| !saphyr_escapes(c) && (forbidden(c) || escape(c));
    if !s.chars().any(unsafe_raw) && !yaml11_ambiguous(s) {
        return Yaml::Value(Scalar::String(Cow::Owned(s.to_owned())));
    }
    let mut body = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '"' => body.push_str("\\\""),
            '\\' => body.push_str("\\\\"),
            '\n' => body.push_str("\\n"),
            '\t' => body.push_str("\\t"),
            c if saphyr_escapes(c) || unsafe_raw(c) => {
                let _ = write!(body, "\\u{:04x}", u32::from(c));
            }
            c => body.push(c),
        }
    }
    Yaml::Representation(Cow::Owned(body), ScalarStyle::DoubleQuoted, None)
}

/// Whether a plain scalar `s` would be read by a YAML 1.1 reader as something other than a
/// string: a boolean (`yes`, `No`, `on`, `OFF`, `y`), a null (`~`, `Null`, the empty string), an
/// integer in any 1.1 spelling (`0x1F`, `0b101`, `017`, `1_000`, sexagesimal `1:30`), a float
/// (`1.10`, `.5`, `1e3`, `.inf`), a timestamp (`2026-11-27`, `2026-11-27 10:00:00`), the merge
/// key `<<` or the value key `=`. These are PyYAML's implicit resolvers (resolver.py), plus the
/// single-letter booleans of the 1.1 type repository.
pub fn yaml11_ambiguous(s: &str) -> bool {
    static PATTERNS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"^(?:",
            // bool
            r"y|Y|n|N|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
            // null
            r"|~|null|Null|NULL|",
            // int
            r"|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+",
            r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+",
            // float (1.1 wants a dot, 1.2 does not: `1e3` is quoted for both)
            r"|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?",
            r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+",
            r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
            // timestamp
            r"|[0-9]{4}-[0-9]{2}-[0-9]{2}",
            r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?",
            r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?",
            // merge and value keys
            r"|<<|=",
            r")$"
        ))
        .expect("the YAML 1.1 patterns compile")
    });
    PATTERNS.is_match(s)
}

#[cfg(test)]
mod tests {
    use super::{document, yaml11_ambiguous};

    #[test]
    fn strings_a_yaml_1_1_reader_would_retype_are_quoted() {
        for s in [
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "N",
            "~",
            "null",
            "",
            "1.10",
            "0x1F",
            "017",
            "0b101",
            "1_000",
            "1:30",
            "-.5",
            "1e3",
            ".inf",
            ".NaN",
            "2026-11-27",
            "2026-11-27T10:00:00Z",
            "2026-11-27 10:00:00 +01:00",
            "<<",
            "=",
            "42",
        ] {
            assert!(yaml11_ambiguous(s), "{s:?} should count as ambiguous");
            let value = serde_json::json!({ s: s });
            let out = document(&value, |_| false);
            let quoted = serde_json::to_string(s).expect("json");
            assert_eq!(out, format!("{quoted}: {quoted}\n"), "{s:?}");
            assert_eq!(crate::yaml::parse(out.as_bytes()).expect("YAML").value, value);
        }
        for s in
            ["crm", "1.2.0", "yesterday", "GET /v1/contacts", "version 2", "0.1.0-beta", "x=y", "on-call"]
        {
            assert!(!yaml11_ambiguous(s), "{s:?} is plainly a string");
        }
    }

    #[test]
    fn forbidden_characters_are_escaped_whatever_the_caller_picks() {
        let value = serde_json::json!({ "k": "c1 \u{9b} nel \u{85} \u{fffe} bidi \u{202e}" });
        let out = document(&value, |_| false);
        assert_eq!(out, "k: \"c1 \\u009b nel \\u0085 \\ufffe bidi \u{202e}\"\n");
        assert_eq!(crate::yaml::parse(out.as_bytes()).expect("YAML").value, value);
    }
}
