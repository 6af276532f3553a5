//! `health record`: a snapshot in (JSON or YAML, from a file or standard input), checked as
//! `validate` checks the snapshot in a module's directory, then written atomically as canonical
//! YAML (SPEC §3, §7). Nothing is written unless every check passes; a refused snapshot comes
//! back with its diagnostics located in the text that was sent, and the registry is left
//! byte-for-byte as it was.
//!
//! It sits with the reports because it needs what they need (the loaded registry, the health
//! verdict) and the checks of `validate`, which the registry layer may not call.

use std::path::Path;

use serde::Serialize;
use serde_json::{Number, Value};

use crate::Error;
use crate::diag::{Anchor, Code, Diagnostic, Files, Origin, normalize};
use crate::fsutil::{Existing, write_atomic};
use crate::health::{self, HealthSummary};
use crate::model::Health;
use crate::registry::{HEALTH_FILE, Loaded, Registry, load};
use crate::report::input;
pub use crate::report::input::Input;
use crate::yaml::{self, Document, Pos, SpanTree, YamlError};

/// The first line of every snapshot `health record` writes: editors find the schema from it.
pub const MODELINE: &str = "# yaml-language-server: $schema=../../schemas/health.schema.json";

/// How far ahead of the recording clock `observed_at` may be: clocks of monitoring hosts drift.
pub const FUTURE_SLACK_SECS: i64 = 60;

/// One snapshot to record.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The module id from the command line.
    pub id: &'a str,
    /// The input's name in diagnostics (see [`Input::name`]).
    pub name: &'a Path,
    pub bytes: &'a [u8],
    /// The recording clock: `observed_at` may not be more than a minute ahead of it.
    pub now: jiff::Timestamp,
}

/// What `health record --format json` prints on success (SPEC §8).
#[derive(Debug, Serialize)]
pub struct Recorded {
    pub recorded: String,
    /// The snapshot file written, as the registry names it.
    pub path: String,
    /// The verdict on the new snapshot, with the registry's thresholds.
    pub health: HealthSummary,
}

/// A refused snapshot: `{"recorded": null, "diagnostics": [...]}`, and the source map the
/// diagnostics' snippets are drawn from (the input as it was sent).
#[derive(Debug, Serialize)]
pub struct Refused {
    /// Always `null`: nothing was recorded.
    pub recorded: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
    #[serde(skip)]
    pub files: Files,
}

#[derive(Debug)]
pub enum Outcome {
    Recorded(Recorded),
    Refused(Refused),
}

/// Check the snapshot and, when it passes, write `registry/ID/health.yaml` atomically. Errors
/// are I/O (the write) and internal ones; a snapshot that fails a check is [`Outcome::Refused`].
pub fn record(reg: &Registry, req: &Request<'_>) -> Result<Outcome, Error> {
    let health = match check(reg, req) {
        Ok(h) => h,
        Err(refused) => return Ok(Outcome::Refused(*refused)),
    };
    let i = reg.require(req.id)?;
    let path = reg.modules[i].dir.join(HEALTH_FILE);
    let text = canonical(&health);
    // What is written must load as the same snapshot; if not, that is a bug here, not the input.
    let back = load::health(&path, text.as_bytes());
    if !back.diagnostics.is_empty() || back.value.as_ref() != Some(&health) {
        return Err(Error::Other(format!(
            "internal error: the canonical snapshot does not read back as sent: {:?}",
            back.diagnostics.first().map(|d| &d.message)
        )));
    }
    write_atomic(&path, text.as_bytes(), Existing::Replace).map_err(|e| Error::io(&path, e))?;
    Ok(Outcome::Recorded(Recorded {
        recorded: req.id.to_owned(),
        path: path.display().to_string(),
        health: health::summarize_snapshot(&health, &reg.location.settings.health, req.now),
    }))
}

/// Every check `validate` runs on a snapshot in the module's directory, plus what only recording
/// can know: the module exists and its manifest loads, `module` names it (or is filled in from
/// it when absent), and `observed_at` is not ahead of the clock. Every problem is reported, not
/// just the first.
pub fn check(reg: &Registry, req: &Request<'_>) -> Result<Health, Box<Refused>> {
    let files = Files::closed();
    files.add(req.name, Origin::Bytes(req.bytes.into()));
    let mut diags = Vec::new();
    let module = reg.require(req.id).ok();
    let unknown = |at: Pos| {
        let (message, hint) = reg.unknown_module_text(req.id);
        Diagnostic::new(
            Code::HealthUnknownModule,
            req.name,
            at,
            format!("cannot record a snapshot for `{}`: {message}", req.id),
        )
        .hint(hint)
    };
    let doc = match parse(req.bytes) {
        Ok(doc) => doc,
        Err(e) => {
            diags.push(load::yaml_diagnostic(req.name, e));
            if module.is_none() {
                diags.push(unknown(Pos { line: 1, col: 1 }));
            }
            return Err(refuse(diags, files));
        }
    };
    let (doc, filled) = fill_in_module(doc, req.id);
    if module.is_none() {
        let d = unknown(doc.locate("/module").value);
        // Point at `module` when the snapshot names one; else at the top of the input.
        diags.push(if filled { d } else { d.at_path("/module") });
    }
    let outcome = load::health_document(req.name, &doc);
    diags.extend(outcome.diagnostics);
    let Some(value) = outcome.value else {
        return Err(refuse(diags, files));
    };
    let loaded = Loaded { path: req.name.to_path_buf(), value, unsound: outcome.unsound };
    if let Some(i) = module {
        if !filled && loaded.sound("/module") && loaded.value.module != req.id {
            diags.push(module_mismatch(&doc, req, &loaded.value.module));
        }
        let mut found = crate::validate::checks::snapshot(reg, i, &loaded);
        resolve(&doc, &mut found);
        diags.extend(found);
    }
    if loaded.sound("/observed_at")
        && let Some(d) = future(&doc, req, &loaded.value.observed_at)
    {
        diags.push(d);
    }
    if diags.is_empty() { Ok(loaded.value) } else { Err(refuse(diags, files)) }
}

fn refuse(mut diagnostics: Vec<Diagnostic>, files: Files) -> Box<Refused> {
    normalize(&mut diagnostics);
    Box::new(Refused { recorded: None, diagnostics, files })
}

/// The snapshot as a document: JSON or YAML (see [`input::parse`]).
fn parse(bytes: &[u8]) -> Result<Document, YamlError> {
    input::parse(
        bytes,
        &input::Expected {
            noun: "snapshot",
            too_large: "a snapshot holds counts, metrics and open issues: send those, not the data",
            empty: "send a snapshot, JSON or YAML, with `apiVersion: modreg/v1` and `kind: Health`",
        },
    )
}

/// The document with `module: ID` added when the snapshot has no `module` (the schema requires
/// it). The key goes last, located at the top of the document, so every node the user sent keeps
/// its position. Returns whether it was added.
fn fill_in_module(mut doc: Document, id: &str) -> (Document, bool) {
    let (Value::Object(map), SpanTree::Map(pos, spans)) = (&mut doc.value, &mut doc.spans) else {
        return (doc, false);
    };
    if map.contains_key("module") {
        return (doc, false);
    }
    map.insert("module".to_owned(), Value::String(id.to_owned()));
    spans.push((*pos, SpanTree::Scalar(*pos)));
    (doc, true)
}

/// E070 as `health record` words it: the snapshot names another module than the command line.
fn module_mismatch(doc: &Document, req: &Request<'_>, named: &str) -> Diagnostic {
    Diagnostic::new(
        Code::HealthModule,
        req.name,
        doc.locate("/module").value,
        format!("the snapshot is for module `{named}`, but it is being recorded for `{}`", req.id),
    )
    .at_path("/module")
    .hint(format!(
        "set `module: {}` (or leave `module` out), or record it for `{named}`: `modreg health record {named} …`",
        req.id
    ))
}

/// E072: `observed_at` more than [`FUTURE_SLACK_SECS`] ahead of the recording clock. A snapshot
/// from the future would never turn stale.
fn future(doc: &Document, req: &Request<'_>, observed_at: &str) -> Option<Diagnostic> {
    let observed: jiff::Timestamp = observed_at.parse().ok()?;
    let ahead = observed.as_second().saturating_sub(req.now.as_second());
    (ahead > FUTURE_SLACK_SECS).then(|| {
        Diagnostic::new(
            Code::HealthFuture,
            req.name,
            doc.locate("/observed_at").value,
            format!(
                "observed_at {observed_at} is {} ahead of the clock ({}): a snapshot cannot come from the future",
                ahead_text(ahead),
                req.now.strftime("%Y-%m-%dT%H:%M:%SZ")
            ),
        )
        .at_path("/observed_at")
        .hint(
            "check the monitoring host's clock, and that a local time carries its offset (`+02:00`) rather than `Z`",
        )
    })
}

/// `3 h 5 min`, `2 d 4 h`: how far ahead, roughly.
fn ahead_text(secs: i64) -> String {
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    match (d, h, m) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

/// Give pointer-located diagnostics their position in the document that was sent. (The source
/// map would re-parse the text as YAML, which is not what JSON input was read as.)
fn resolve(doc: &Document, diags: &mut [Diagnostic]) {
    for d in diags.iter_mut().filter(|d| d.pending.is_some()) {
        let at = doc.locate(d.instance_path.as_deref().unwrap_or(""));
        let pos = match d.pending {
            Some(Anchor::Key) => at.key.unwrap_or(at.value),
            _ => at.value,
        };
        d.line = pos.line.max(1);
        d.column = pos.col.max(1);
        d.pending = None;
    }
}

/// The snapshot as `health record` writes it: the schema modeline, then the typed snapshot's
/// keys in the model's order (records sorted by data model), block style. Metrics that are whole
/// numbers are written as integers (`320`, not `320.0`), and an empty `metrics` is left out; both
/// read back as the same snapshot. The same snapshot always gives the same bytes.
pub fn canonical(h: &Health) -> String {
    let value = serde_json::to_value(h).expect("snapshots serialise to JSON");
    let value = match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, v)| !(k == "metrics" && v.as_object().is_some_and(serde_json::Map::is_empty)))
                .map(|(k, v)| (k, whole_numbers(v)))
                .collect(),
        ),
        other => other,
    };
    format!("{MODELINE}\n{}", yaml::emit::document(&value, |_| false))
}

/// Floats that are whole numbers (and exact as integers) become integers.
fn whole_numbers(v: Value) -> Value {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match v {
        Value::Number(n) if n.is_f64() => match n.as_f64() {
            // The range check makes the cast exact.
            Some(f) if f.fract() == 0.0 && f.abs() < EXACT => Value::Number(Number::from(f as i64)),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(whole_numbers).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, whole_numbers(v))).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(text: &str) -> Health {
        let out = load::health(Path::new("t.yaml"), text.as_bytes());
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        out.value.expect("loads")
    }

    #[test]
    fn canonical_text_reads_back_as_the_same_snapshot() {
        let h = snapshot(
            "{\"apiVersion\": \"modreg/v1\", \"kind\": \"Health\", \"module\": \"crm\", \"status\": \"degraded\", \
             \"observed_at\": \"2026-11-20T12:00:00Z\", \"metrics\": {\"error_rate\": 0.004, \"latency_p95_ms\": 180, \
             \"requests_per_minute\": 1e20}, \"records\": {\"Deal\": {\"count\": 2}, \"Contact\": {\"count\": 1, \
             \"last_updated\": \"2026-11-20T11:58:00Z\"}}, \"issues\": [{\"id\": \"CRM-1\", \"severity\": \"error\", \
             \"summary\": \"two\\nlines: and a # hash\"}]}",
        );
        let text = canonical(&h);
        assert_eq!(
            text,
            "# yaml-language-server: $schema=../../schemas/health.schema.json\n\
             apiVersion: modreg/v1\nkind: Health\nmodule: crm\nobserved_at: \"2026-11-20T12:00:00Z\"\n\
             status: degraded\nrecords:\n  Contact:\n    count: 1\n    last_updated: \"2026-11-20T11:58:00Z\"\n\
             \x20 Deal:\n    count: 2\nmetrics:\n  requests_per_minute: 100000000000000000000.0\n\
             \x20 latency_p95_ms: 180\n  error_rate: 0.004\nissues:\n  - id: CRM-1\n    severity: error\n\
             \x20   summary: \"two\\nlines: and a # hash\"\n"
        );
        assert_eq!(snapshot(&text), h);
    }

    #[test]
    fn an_empty_metrics_is_left_out() {
        let h = snapshot(
            "apiVersion: modreg/v1\nkind: Health\nmodule: crm\nobserved_at: 2026-11-20T12:00:00Z\nstatus: healthy\n",
        );
        assert!(!canonical(&h).contains("metrics"));
    }

    #[test]
    fn how_far_ahead_reads() {
        assert_eq!(ahead_text(61), "1 min");
        assert_eq!(ahead_text(7200), "2 h");
        assert_eq!(ahead_text(7260), "2 h 1 min");
        assert_eq!(ahead_text(86_400 * 3 + 3600), "3 d 1 h");
    }
}
