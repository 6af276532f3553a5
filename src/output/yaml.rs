//! `--format yaml`: any serialisable report as a YAML document, through saphyr's emitter
//! ([`yaml::emit`]). Exact data, like JSON, and just as inert in a terminal: saphyr escapes C0
//! controls and DEL, the emitter C1 controls (which YAML does not allow unescaped), and this
//! renderer asks it to escape the bidirectional overrides too.

use serde::Serialize;

use super::escape::needs_escape;
use crate::yaml;

pub fn render<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_value(value).expect("reports serialise to JSON");
    yaml::emit::document(&json, needs_escape)
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
