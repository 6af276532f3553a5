//! JSON values out as YAML text, through saphyr's emitter: `--format yaml` of every report, and
//! the canonical `health.yaml` that `health record` writes. Block style throughout; saphyr quotes
//! a string that would read back as another type and escapes C0 controls and DEL.

use std::borrow::Cow;
use std::fmt::Write as _;

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
    if !s.chars().any(unsafe_raw) {
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

#[cfg(test)]
mod tests {
    use super::document;

    #[test]
    fn forbidden_characters_are_escaped_whatever_the_caller_picks() {
        let value = serde_json::json!({ "k": "c1 \u{9b} nel \u{85} \u{fffe} bidi \u{202e}" });
        let out = document(&value, |_| false);
        assert_eq!(out, "k: \"c1 \\u009b nel \\u0085 \\ufffe bidi \u{202e}\"\n");
        assert_eq!(crate::yaml::parse(out.as_bytes()).expect("YAML").value, value);
    }
}
