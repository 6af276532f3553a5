//! `--format yaml`: any serialisable report as a YAML document, through saphyr's emitter.

use std::borrow::Cow;

use saphyr::{Scalar, Yaml, YamlEmitter};
use serde::Serialize;
use serde_json::Value;

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
        Value::String(s) => Yaml::Value(Scalar::String(Cow::Owned(s.clone()))),
        Value::Array(items) => Yaml::Sequence(items.iter().map(to_yaml).collect()),
        Value::Object(map) => Yaml::Mapping(
            map.iter()
                .map(|(k, v)| (Yaml::Value(Scalar::String(Cow::Owned(k.clone()))), to_yaml(v)))
                .collect(),
        ),
    }
}
