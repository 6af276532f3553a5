//! `--format yaml`: any serialisable report as a YAML document, through saphyr's emitter.
//! Exact data, like JSON, and just as inert in a terminal: saphyr escapes C0 controls and DEL,
//! and [`scalar`] escapes what it passes through (C1 controls, which YAML does not allow
//! unescaped, and bidirectional overrides).

use std::borrow::Cow;
use std::fmt::Write as _;

use saphyr::{Scalar, Yaml, YamlEmitter};
use saphyr_parser::ScalarStyle;
use serde::Serialize;
use serde_json::Value;

use super::escape::needs_escape;

pub fn render<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_value(value).expect("reports serialise to JSON");
    let yaml = to_yaml(&json);
    let mut out = String::new();
    YamlEmitter::new(&mut out).dump(&yaml).expect("writing to a String cannot fail");
    let mut out = out.strip_prefix("---\n").map(str::to_owned).unwrap_or(out);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn to_yaml(v: &Value) -> Yaml<'static> {
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
        Value::String(s) => scalar(s),
        Value::Array(items) => Yaml::Sequence(items.iter().map(to_yaml).collect()),
        Value::Object(map) => Yaml::Mapping(map.iter().map(|(k, v)| (scalar(k), to_yaml(v))).collect()),
    }
}

/// A string scalar. One holding a character saphyr would write raw but a terminal acts on (or
/// YAML forbids unescaped) is written double-quoted with `\uXXXX` escapes instead.
fn scalar(s: &str) -> Yaml<'static> {
    let saphyr_escapes = |c: char| c < ' ' || c == '\u{7f}';
    let unsafe_raw =
        |c: char| (needs_escape(c) && !saphyr_escapes(c)) || matches!(c, '\u{fffe}' | '\u{ffff}');
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
    use super::render;

    #[test]
    fn strings_are_exact_and_inert() {
        let value =
            serde_json::json!({ "a\u{9b}": ["plain", "esc \u{1b}[1m", "c1 \u{9b}2J \"q\" \\ \n \u{202e}"] });
        let out = render(&value);
        assert_eq!(
            out,
            "\"a\\u009b\":\n  - plain\n  - \"esc \\u001b[1m\"\n  - \"c1 \\u009b2J \\\"q\\\" \\\\ \\n \\u202e\"\n"
        );
        let back = crate::yaml::parse(out.as_bytes()).expect("YAML");
        assert_eq!(back.value, value);
    }
}
