//! `validate --format sarif`: SARIF 2.1.0, the format GitHub code scanning (and most other
//! code-quality dashboards) import. One run; every diagnostic code is a rule, so a dashboard can
//! show the explanation of a finding (`modreg explain`) next to it.
//!
//! Paths are URIs relative to the repository root (`%SRCROOT%`): the command rewrites the
//! diagnostics' files before rendering. A file outside the repository gets an absolute
//! `file://` URI. Output is deterministic: no timestamps, no absolute paths of the checkout.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use super::diagnostics::{message_with_hint, slash_path};
use crate::diag::{Code, Diagnostic, Severity};
use crate::validate::explain;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const VERSION: &str = "2.1.0";
/// The base every relative artifact URI is resolved against: the repository checkout.
pub const SRCROOT: &str = "%SRCROOT%";

#[derive(Debug, Serialize)]
pub struct Log<'a> {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run<'a> {
    pub tool: Tool,
    /// Columns count Unicode characters, as modreg's columns do.
    pub column_kind: &'static str,
    pub results: Vec<SarifResult<'a>>,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub driver: Driver,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    pub name: &'static str,
    pub version: &'static str,
    pub semantic_version: &'static str,
    /// Where to learn about modreg: the `repository` of Cargo.toml (SARIF2005 warns without it).
    pub information_uri: &'static str,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub id: &'static str,
    /// The code's variant name, e.g. `UnknownKey`.
    pub name: String,
    pub short_description: Text,
    pub help: Help,
    pub default_configuration: Configuration,
}

#[derive(Debug, Serialize)]
pub struct Text {
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct Help {
    pub text: String,
    pub markdown: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Configuration {
    pub level: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult<'a> {
    pub rule_id: &'static str,
    pub rule_index: usize,
    pub level: &'static str,
    pub message: Text,
    pub locations: Vec<Location>,
    pub partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<Properties<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub physical_location: PhysicalLocation,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    pub region: Region,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactLocation {
    pub uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri_base_id: Option<&'static str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: u32,
    pub start_column: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fingerprints {
    /// Hash of code, file and instance path (not the line, so a finding keeps its identity when
    /// lines above it change), then `:n` for the n-th finding with the same hash.
    pub primary_location_line_hash: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Properties<'a> {
    /// JSON pointer of the offending node.
    pub instance_path: &'a str,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The SARIF log of `diags`, whose files are relative to the repository root (or absolute).
pub fn build(diags: &[Diagnostic]) -> Log<'_> {
    let rules = Code::ALL
        .iter()
        .map(|&code| Rule {
            id: code.as_str(),
            name: format!("{code:?}"),
            short_description: Text { text: code.description().to_owned() },
            help: Help { text: explain::plain_text(code), markdown: explain::long_text(code) },
            default_configuration: Configuration { level: level(code.severity()) },
        })
        .collect();
    let index: HashMap<Code, usize> = Code::ALL.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let results = diags
        .iter()
        .map(|d| {
            let (uri, uri_base_id) = artifact_uri(&d.file);
            let hash = fnv1a(&[d.code.as_str(), &uri, d.instance_path.as_deref().unwrap_or("")]);
            let n = seen.entry(hash).or_default();
            *n += 1;
            SarifResult {
                rule_id: d.code.as_str(),
                rule_index: index.get(&d.code).copied().unwrap_or_default(),
                level: level(d.severity),
                message: Text { text: message_with_hint(d) },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation { uri, uri_base_id },
                        region: Region { start_line: d.line.max(1), start_column: d.column.max(1) },
                    },
                }],
                partial_fingerprints: Fingerprints { primary_location_line_hash: format!("{hash:016x}:{n}") },
                properties: d.instance_path.as_deref().map(|p| Properties { instance_path: p }),
            }
        })
        .collect();
    Log {
        schema: SCHEMA,
        version: VERSION,
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "modreg",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    }
}

pub fn render(diags: &[Diagnostic]) -> String {
    super::json(&build(diags))
}

/// A relative path becomes a relative URI against `%SRCROOT%`; an absolute one a `file://` URI.
fn artifact_uri(file: &Path) -> (String, Option<&'static str>) {
    let path = slash_path(file);
    if file.has_root() {
        let path = if path.starts_with('/') { path } else { format!("/{path}") };
        (format!("file://{}", percent_encode(&path)), None)
    } else {
        (percent_encode(path.strip_prefix("./").unwrap_or(&path)), Some(SRCROOT))
    }
}

/// Percent-encode everything but RFC 3986 unreserved characters and the path separators.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// FNV-1a, 64 bit, over the parts with a separator between them: stable across platforms and
/// Rust releases (unlike `DefaultHasher`), which a fingerprint must be.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        let sep: &[u8] = if i == 0 { b"" } else { b"\0" };
        for &b in sep.iter().chain(part.as_bytes()) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Pos;

    #[test]
    fn uris() {
        assert_eq!(
            artifact_uri(Path::new("registry/crm/module.yaml")),
            ("registry/crm/module.yaml".into(), Some(SRCROOT))
        );
        assert_eq!(
            artifact_uri(Path::new("./reg istry/ü.yaml")),
            ("reg%20istry/%C3%BC.yaml".into(), Some(SRCROOT))
        );
        assert_eq!(artifact_uri(Path::new("/tmp/x#y.yaml")), ("file:///tmp/x%23y.yaml".into(), None));
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(&[""]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(&["a"]), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(&["foobar"]), 0x8594_4171_f739_67e8);
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
    }

    #[test]
    fn fingerprints_ignore_the_line_and_count_repeats() {
        let at = |line| Diagnostic::new(Code::StrayFile, "registry/x.txt", Pos { line, col: 1 }, "m");
        let (a, b) = ([at(1)], [at(7), at(9)]);
        let one = build(&a);
        let moved = build(&b);
        let fp = |log: &Log<'_>, i: usize| {
            log.runs[0].results[i].partial_fingerprints.primary_location_line_hash.clone()
        };
        let first = fp(&one, 0);
        assert_eq!(fp(&moved, 0), first);
        assert_eq!(fp(&moved, 1), first.replace(":1", ":2"));
    }

    #[test]
    fn every_code_is_a_rule_at_its_index() {
        let log = build(&[]);
        let rules = &log.runs[0].tool.driver.rules;
        assert_eq!(rules.len(), Code::ALL.len());
        for (i, code) in Code::ALL.iter().enumerate() {
            assert_eq!(rules[i].id, code.as_str());
        }
    }
}
