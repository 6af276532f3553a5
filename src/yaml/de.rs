//! The fast path: a typed model deserialised straight from `saphyr-parser` events, with no
//! `serde_json::Value` and no [`SpanTree`](super::SpanTree) in between.
//!
//! Building the value and span tree costs about twice the raw event parse, and a registry load
//! does it for every file. This path only has to be right on the happy path. Whenever it meets
//! anything unusual (an anchor, an alias, a tag, a null, a non-string key, a duplicate key, a
//! limit, a syntax error, any serde error) it gives up with [`Bail`], and the caller re-runs the
//! slow path ([`parse`](super::parse) + schema + typed), which produces every diagnostic.
//!
//! The contract: when `from_str::<T>(text)` returns `Ok(t)`, then
//! `T::deserialize(&parse(text.as_bytes())?.value)` succeeds too and yields a value equal to
//! `t`. It holds because, on everything this path accepts, it calls the same `visit_*` methods
//! that `serde_json`'s `impl Deserializer for &Value` would call on the slow path's value, with
//! two deliberate differences that no target type can observe:
//!
//! * integers always go to `visit_i64`, where `&Value` calls `visit_u64` for non-negative
//!   numbers. serde's visitors for `u64`, `i64`, `f64` and `serde_json::Value` give equal results
//!   (or both fail) either way; `String` and `bool` reject both.
//! * `deserialize_ignored_any` walks the node (so its keys, tags and limits are checked) where
//!   `&Value` simply drops it.
//!
//! The caller still owes the schema check: the typed model does not carry every constraint of
//! the schema (patterns, formats, lengths, ranges).
//!
//! Nothing here recurses on the input beyond serde's derived visitors, and those are bounded by
//! [`MAX_DEPTH`].

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use saphyr::Scalar;
use saphyr_parser::{Event, Parser, ScalarStyle, StrInput};
use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};

use super::{MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES};

/// Why the fast path gave up; the caller takes the slow path. Carries a short reason for
/// debugging only.
#[derive(Debug)]
pub struct Bail(pub String);

impl fmt::Display for Bail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fast path gave up: {}", self.0)
    }
}

impl std::error::Error for Bail {}

impl de::Error for Bail {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Bail(msg.to_string())
    }
}

fn bail<T>(why: &str) -> Result<T, Bail> {
    Err(Bail(why.to_owned()))
}

/// Deserialize `T` directly from the events of one YAML document in `text` (already decoded by
/// [`decode`](super::decode); text `decode` would refuse bails).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, Bail> {
    // What `decode` refuses by size. (It also refuses NUL bytes, which the slow path's
    // `parse_str` accepts where this path does, so the contract holds without looking.)
    if text.len() > MAX_FILE_BYTES {
        return bail("not decoded text");
    }
    let mut reader =
        Reader { parser: Parser::new_from_str(text), peeked: None, depth: 0, nodes: 0, keys: Vec::new() };
    if !matches!(reader.next()?, Event::StreamStart) {
        return bail("no stream start");
    }
    if !matches!(reader.next()?, Event::DocumentStart(_)) {
        return bail("no document");
    }
    let value = T::deserialize(&mut reader)?;
    // Every node was consumed (each `deserialize_*` reads a whole node or gives up); what is left
    // must be the end of this document and of the stream: a second document, trailing content
    // and late syntax errors all bail.
    loop {
        match reader.next()? {
            Event::DocumentEnd => {}
            Event::StreamEnd => return Ok(value),
            _ => return bail("more after the root node"),
        }
    }
}

/// Mappings with more keys than this check duplicates with a hash set instead of a scan.
const SCAN_KEYS: usize = 16;

/// The event stream, one event of look-ahead, and what the limits count.
struct Reader<'a> {
    parser: Parser<'a, StrInput<'a>>,
    peeked: Option<Event<'a>>,
    /// Collections open now (the slow path's stack height).
    depth: usize,
    /// Scalars (keys included) and collections seen so far, as the slow path counts them.
    nodes: usize,
    /// Keys of every mapping open now, innermost last; each mapping owns `keys[base..]`.
    keys: Vec<Cow<'a, str>>,
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Result<Event<'a>, Bail> {
        if let Some(event) = self.peeked.take() {
            return Ok(event);
        }
        match self.parser.next_event() {
            Some(Ok((event, _))) => Ok(event),
            Some(Err(e)) => Err(Bail(format!("syntax: {}", e.info()))),
            None => bail("end of stream"),
        }
    }

    fn peek(&mut self) -> Result<&Event<'a>, Bail> {
        if self.peeked.is_none() {
            self.peeked = Some(self.next()?);
        }
        match &self.peeked {
            Some(event) => Ok(event),
            None => bail("nothing to peek"),
        }
    }

    fn count(&mut self) -> Result<(), Bail> {
        self.nodes += 1;
        if self.nodes > MAX_NODES { bail("node limit") } else { Ok(()) }
    }

    /// Resolve a scalar exactly as the slow path does; refuse anchors and tags.
    fn scalar(
        &mut self,
        value: Cow<'a, str>,
        style: ScalarStyle,
        anchor: usize,
        tagged: bool,
    ) -> Result<Scalar<'a>, Bail> {
        if anchor != 0 {
            return bail("anchor");
        }
        if tagged {
            return bail("tag");
        }
        self.count()?;
        match super::resolve(value, style, None) {
            Some(scalar) => Ok(scalar),
            None => bail("unresolved scalar"),
        }
    }

    /// Enter a sequence or mapping.
    fn open(&mut self, anchor: usize, tagged: bool) -> Result<(), Bail> {
        if anchor != 0 {
            return bail("anchor");
        }
        if tagged {
            return bail("tag");
        }
        if self.depth >= MAX_DEPTH {
            return bail("depth limit");
        }
        self.count()?;
        self.depth += 1;
        Ok(())
    }

    /// Leave a collection: the visitor must have consumed all of it.
    fn close(&mut self, end: fn(&Event<'a>) -> bool) -> Result<(), Bail> {
        if !end(&self.next()?) {
            return bail("collection not consumed by the visitor");
        }
        self.depth -= 1;
        Ok(())
    }
}

impl<'de> de::Deserializer<'de> for &mut Reader<'_> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.next()? {
            Event::Scalar(value, style, anchor, tag) => {
                match self.scalar(value, style, anchor, tag.is_some())? {
                    Scalar::Null => visitor.visit_unit(),
                    Scalar::Boolean(b) => visitor.visit_bool(b),
                    Scalar::Integer(i) => visitor.visit_i64(i),
                    Scalar::FloatingPoint(f) => {
                        let f = f.into_inner();
                        // The slow path keeps NaN and infinities as strings.
                        if f.is_finite() { visitor.visit_f64(f) } else { bail("non-finite float") }
                    }
                    // Not `visit_string` for an owned one: saphyr's scalar buffers carry spare
                    // capacity, which the model would keep for the life of the registry.
                    Scalar::String(s) => visitor.visit_str(&s),
                }
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(anchor, tag.is_some())?;
                let value = visitor.visit_seq(SeqReader { de: &mut *self })?;
                self.close(|e| matches!(e, Event::SequenceEnd))?;
                Ok(value)
            }
            Event::MappingStart(anchor, tag) => {
                self.open(anchor, tag.is_some())?;
                let base = self.keys.len();
                let value = visitor.visit_map(MapReader { de: &mut *self, base, set: None })?;
                self.close(|e| matches!(e, Event::MappingEnd))?;
                self.keys.truncate(base);
                Ok(value)
            }
            Event::Alias(_) => bail("alias"),
            _ => bail("unexpected event"),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        // No modreg schema accepts an explicit null; the slow path reports it.
        let null = match self.peek()? {
            Event::Scalar(value, style, _, None) => {
                matches!(super::resolve(Cow::Borrowed(value.as_ref()), *style, None), Some(Scalar::Null))
            }
            _ => false,
        };
        if null { bail("explicit null") } else { visitor.visit_some(self) }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Bail> {
        // The model has unit variants only, written as plain strings.
        match self.next()? {
            Event::Scalar(value, style, anchor, tag) => {
                match self.scalar(value, style, anchor, tag.is_some())? {
                    Scalar::String(s) => visitor.visit_enum(StrDeserializer::<Bail>::new(&s)),
                    _ => bail("enum from a non-string"),
                }
            }
            _ => bail("enum from a collection"),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Bail> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Bail> {
        self.deserialize_map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        // serde's derived visitors also take a struct from a sequence (fields by position); the
        // schema says object, so only a mapping is a struct here.
        if !matches!(self.peek()?, Event::MappingStart(..)) {
            return bail("a struct or map from something other than a mapping");
        }
        self.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct identifier ignored_any
    }
}

struct SeqReader<'r, 'a> {
    de: &'r mut Reader<'a>,
}

impl<'de> de::SeqAccess<'de> for SeqReader<'_, '_> {
    type Error = Bail;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Bail> {
        if matches!(self.de.peek()?, Event::SequenceEnd) {
            return Ok(None);
        }
        seed.deserialize(&mut *self.de).map(Some)
    }
}

struct MapReader<'r, 'a> {
    de: &'r mut Reader<'a>,
    /// Where this mapping's keys start in `de.keys`.
    base: usize,
    /// This mapping's keys once there are too many to scan.
    set: Option<HashSet<Cow<'a, str>>>,
}

impl<'de> de::MapAccess<'de> for MapReader<'_, '_> {
    type Error = Bail;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Bail> {
        if matches!(self.de.peek()?, Event::MappingEnd) {
            return Ok(None);
        }
        let key = match self.de.next()? {
            Event::Scalar(value, style, anchor, tag) => {
                match self.de.scalar(value, style, anchor, tag.is_some())? {
                    Scalar::String(s) => s,
                    // The slow path turns numbers and booleans into strings; not worth mirroring.
                    _ => return bail("non-string key"),
                }
            }
            _ => return bail("collection or alias as a key"),
        };
        if let Some(set) = &mut self.set {
            if set.contains(&key) {
                return bail("duplicate key");
            }
            let out = seed.deserialize(StrDeserializer::<Bail>::new(&key))?;
            set.insert(key);
            return Ok(Some(out));
        }
        let seen = &self.de.keys[self.base..];
        if seen.contains(&key) {
            return bail("duplicate key");
        }
        let out = seed.deserialize(StrDeserializer::<Bail>::new(&key))?;
        if seen.len() < SCAN_KEYS {
            self.de.keys.push(key);
        } else {
            let mut set: HashSet<Cow<'_, str>> = self.de.keys.drain(self.base..).collect();
            set.insert(key);
            self.set = Some(set);
        }
        Ok(Some(out))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Bail> {
        seed.deserialize(&mut *self.de)
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;
    use std::path::{Path, PathBuf};

    use serde::Serialize;
    use serde_json::Value;

    use super::*;
    use crate::model::{Health, Manifest, Settings};

    /// The slow path: the value and span tree, then the typed model from the value.
    fn slow<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        let doc = super::super::parse(text.as_bytes()).map_err(|e| e.message)?;
        T::deserialize(&doc.value).map_err(|e| e.to_string())
    }

    /// The contract: fast `Ok` implies slow `Ok` with an equal value, key order included.
    /// Returns whether the fast path accepted the text.
    fn contract<T: DeserializeOwned + Serialize + PartialEq + Debug>(text: &str) -> bool {
        let Ok(fast) = from_str::<T>(text) else {
            return false;
        };
        let slow = slow::<T>(text).unwrap_or_else(|e| {
            panic!("fast path accepted what the slow path refuses ({e}):\n{text}\n---\n{fast:?}")
        });
        assert_eq!(fast, slow, "fast and slow paths disagree on:\n{text}");
        // `Value` maps compare without regard to order (see `value_equality_ignores_key_order`).
        let (f, s) = (serde_json::to_string(&fast).unwrap(), serde_json::to_string(&slow).unwrap());
        assert_eq!(f, s, "fast and slow paths order keys differently on:\n{text}");
        true
    }

    /// The contract for every target this crate reads, plus a plain `Value`.
    fn contract_all(text: &str) {
        contract::<Manifest>(text);
        contract::<Health>(text);
        contract::<Settings>(text);
        contract::<Value>(text);
    }

    #[track_caller]
    fn accepts<T: DeserializeOwned + Serialize + PartialEq + Debug>(text: &str) -> T {
        if let Err(e) = from_str::<T>(text) {
            panic!("fast path bailed ({e}) on:\n{text}");
        }
        assert!(contract::<T>(text));
        from_str::<T>(text).unwrap()
    }

    /// The fast path gives up; says whether the slow path accepts the text.
    #[track_caller]
    fn bails<T: DeserializeOwned + Serialize + PartialEq + Debug>(text: &str) -> bool {
        if let Ok(v) = from_str::<T>(text) {
            panic!("fast path accepted:\n{text}\n---\n{v:?}");
        }
        slow::<T>(text).is_ok()
    }

    /// True when any node carries an anchor or any alias appears.
    fn uses_anchors(text: &str) -> bool {
        Parser::new_from_str(text).filter_map(Result::ok).any(|(e, _)| {
            matches!(
                e,
                Event::Alias(_)
                    | Event::Scalar(_, _, 1.., _)
                    | Event::SequenceStart(1.., _)
                    | Event::MappingStart(1.., _)
            )
        })
    }

    /// Nodes as the slow path counts them (no aliases).
    fn count_nodes(text: &str) -> usize {
        Parser::new_from_str(text)
            .filter_map(Result::ok)
            .filter(|(e, _)| {
                matches!(e, Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..))
            })
            .count()
    }

    fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files_under(&path, out);
            } else if path.is_file() {
                out.push(path);
            }
        }
    }

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    /// Fast and slow agree on a registry file; only files with anchors may bail.
    fn equivalent(path: &Path) {
        let bytes = std::fs::read(path).unwrap();
        let text = super::super::decode(&bytes).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let accepted = match name {
            "module.yaml" => contract::<Manifest>(text),
            "health.yaml" => contract::<Health>(text),
            _ => unreachable!(),
        };
        if !accepted {
            assert!(
                uses_anchors(text),
                "fast path bailed on {}: {:?}",
                path.display(),
                match name {
                    "module.yaml" => from_str::<Manifest>(text).err(),
                    _ => from_str::<Health>(text).err(),
                }
            );
            let ok = match name {
                "module.yaml" => slow::<Manifest>(text).is_ok(),
                _ => slow::<Health>(text).is_ok(),
            };
            assert!(ok, "slow path refuses {}", path.display());
        }
    }

    fn registry_docs(files: &[PathBuf]) -> Vec<&PathBuf> {
        files
            .iter()
            .filter(|p| p.file_name().is_some_and(|n| n == "module.yaml" || n == "health.yaml"))
            .collect()
    }

    #[test]
    fn real_registry_and_valid_fixtures_agree() {
        let mut files = Vec::new();
        files_under(&root().join("registry"), &mut files);
        files_under(&root().join("tests/fixtures/valid"), &mut files);
        let docs = registry_docs(&files);
        assert!(docs.len() > 30, "found only {} files", docs.len());
        let mut bailed = 0;
        for path in &docs {
            equivalent(path);
            let text = std::fs::read_to_string(path).unwrap();
            bailed += usize::from(uses_anchors(&text));
        }
        assert!(bailed < docs.len() / 4, "{bailed} of {} files use anchors", docs.len());
    }

    #[test]
    #[allow(clippy::print_stderr)] // the note on a skipped check
    fn generated_registry_agrees() {
        let script = root().join("../shared/bench/gen_registry.py");
        let out = tempfile::tempdir().unwrap();
        let ran = script.is_file()
            && std::process::Command::new("python3")
                .arg(&script)
                .args(["--modules", "300", "--out"])
                .arg(out.path())
                .output()
                .is_ok_and(|o| o.status.success());
        if !ran {
            eprintln!("note: python3 or {} unavailable; generated registry not checked", script.display());
            return;
        }
        let mut files = Vec::new();
        files_under(out.path(), &mut files);
        let docs = registry_docs(&files);
        assert!(docs.len() >= 300, "generator wrote {} files", docs.len());
        for path in docs {
            equivalent(path);
        }
    }

    #[test]
    fn invalid_fixtures_keep_the_contract() {
        let mut files = Vec::new();
        files_under(&root().join("tests/fixtures/invalid"), &mut files);
        let mut checked = 0;
        for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
            let bytes = std::fs::read(path).unwrap();
            // The fast path is only ever given text that `decode` accepted.
            let Ok(text) = super::super::decode(&bytes) else { continue };
            contract_all(text);
            checked += 1;
        }
        assert!(checked > 50, "checked only {checked} files");
    }

    const MANIFEST: &str = r#"apiVersion: modreg/v1
kind: Module
metadata:
  id: alpha
  name: Alpha
  description: The first module.
  version: 1.2.3
  status: active
  type: service
  created:
    at: '2025-01-01T00:00:00Z'
    by: tests
  owners: [team-a]
capabilities:
  operations:
    - name: create_contact
      kind: create
      entity: Contact
      description: Creates one.
  data_models:
    - name: Contact
      schema:
        type: object
        properties:
          id: {type: string}
          age: {type: integer, minimum: 0, maximum: 150.5}
config:
  schema:
    type: object
    properties:
      region: {type: string}
  defaults:
    region: eu
relationships:
  - type: depends_on
    target: beta
    version: ">=1.0.0, <2.0.0"
"#;

    const HEALTH: &str = r#"apiVersion: modreg/v1
kind: Health
module: alpha
observed_at: '2025-01-01T00:00:00Z'
status: healthy
records:
  Contact: {count: 12, last_updated: '2025-01-01T00:00:00Z'}
metrics:
  requests_per_minute: 120
  latency_p95_ms: 85.5
  error_rate: 0.01
"#;

    /// `MANIFEST` with its one line starting with `from` replaced by `to`.
    fn manifest_with(from: &str, to: &str) -> String {
        edit(MANIFEST, from, to)
    }

    fn health_with(from: &str, to: &str) -> String {
        edit(HEALTH, from, to)
    }

    #[track_caller]
    fn edit(base: &str, from: &str, to: &str) -> String {
        let hits = base.lines().filter(|l| l.starts_with(from)).count();
        assert_eq!(hits, 1, "`{from}` starts {hits} lines");
        base.lines().map(|l| if l.starts_with(from) { to } else { l }).collect::<Vec<_>>().join("\n") + "\n"
    }

    #[test]
    fn the_bases_are_accepted() {
        accepts::<Manifest>(MANIFEST);
        accepts::<Health>(HEALTH);
        accepts::<Value>(MANIFEST);
    }

    #[test]
    fn value_equality_ignores_key_order() {
        // Why `contract` also compares serialised text: with `preserve_order`, two objects with
        // the same entries in another order are still `==`.
        let a: Value = serde_json::from_str(r#"{"a": 1, "b": 2}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"b": 2, "a": 1}"#).unwrap();
        assert_eq!(a, b);
        assert_ne!(a.to_string(), b.to_string());
    }

    #[test]
    fn anchors_and_aliases_bail() {
        assert!(bails::<Manifest>(&manifest_with("  name: Alpha", "  name: &n Alpha")));
        let text =
            manifest_with("      region: {type: string}", "      region: &r {type: string}\n      other: *r");
        assert!(bails::<Manifest>(&text));
        assert!(bails::<Manifest>(&manifest_with("  owners: [team-a]", "  owners: &o [team-a]")));
        assert!(bails::<Value>("a: &x 1\nb: *x\n"));
    }

    #[test]
    fn tags_bail() {
        assert!(bails::<Manifest>(&manifest_with("  name: Alpha", "  name: !!str Alpha")));
        assert!(!bails::<Manifest>(&manifest_with("  name: Alpha", "  name: !custom Alpha")));
        assert!(bails::<Manifest>(&manifest_with("  owners: [team-a]", "  owners: !!seq [team-a]")));
        assert!(!bails::<Manifest>(&manifest_with("  owners: [team-a]", "  owners: !list [team-a]")));
        assert!(bails::<Manifest>(&manifest_with("    region: eu", "    region: !!str eu")));
        assert!(bails::<Manifest>(&format!("--- !!map\n{MANIFEST}")));
    }

    #[test]
    fn explicit_nulls_bail() {
        // Optional fields: the slow path reads null as absent; the fast path leaves it to it.
        assert!(bails::<Manifest>(&manifest_with("      description: Creates one.", "      description:")));
        assert!(bails::<Manifest>(&manifest_with("      description: Creates one.", "      description: ~")));
        assert!(bails::<Manifest>(&manifest_with("      entity: Contact", "      entity: null")));
        assert!(bails::<Health>(&health_with("  error_rate: 0.01", "  error_rate: ~")));
        // Required and defaulted fields: both refuse.
        assert!(!bails::<Manifest>(&manifest_with("  description: The", "  description: ~")));
        assert!(!bails::<Manifest>(&manifest_with("  name: Alpha", "  name:")));
        // `config: null` is an explicit null for an `Option<Config>`.
        let text = MANIFEST.split("config:").next().unwrap().to_owned() + "config: ~\n";
        assert!(bails::<Manifest>(&text));
    }

    #[test]
    fn nulls_inside_embedded_schemas_agree() {
        let m: Manifest =
            accepts(&manifest_with("      region: {type: string}", "      region: {default: ~}"));
        let schema = m.config.unwrap().schema.unwrap();
        assert_eq!(schema.to_value()["properties"]["region"]["default"], Value::Null);
        accepts::<Manifest>(&manifest_with("    region: eu", "    region: null"));
        accepts::<Manifest>(&manifest_with("    region: eu", "    region:"));
    }

    #[test]
    fn non_string_keys_bail() {
        let numeric = manifest_with("      region: {type: string}", "      200: {type: string}");
        assert!(bails::<Manifest>(&numeric), "the slow path makes the key \"200\"");
        assert!(bails::<Manifest>(&manifest_with("      region: {type: string}", "      true: {}")));
        assert!(!bails::<Manifest>(&manifest_with("      region: {type: string}", "      ~: {}")));
        assert!(!bails::<Manifest>(&format!("{MANIFEST}1: x\n")));
        assert!(!bails::<Manifest>(&format!("{MANIFEST}[a]: x\n")));
        assert!(!bails::<Manifest>(&format!("{MANIFEST}? {{a: 1}}\n: x\n")));
        // A quoted number is a string key.
        accepts::<Manifest>(&manifest_with("      region: {type: string}", "      \"200\": {type: string}"));
    }

    #[test]
    fn duplicate_keys_bail() {
        assert!(!bails::<Manifest>(&format!("{MANIFEST}kind: Module\n")));
        assert!(!bails::<Manifest>(&manifest_with(
            "      region: {type: string}",
            "      region: {}\n      region: {}"
        )));
        assert!(!bails::<Manifest>(&manifest_with(
            "      region: {type: string}",
            "      region: {a: 1, \"a\": 1}"
        )));
        assert!(!bails::<Health>(&health_with("  Contact:", "  Contact: {count: 1, count: 1}")));
        // Past the scan threshold, the hash set takes over.
        let many: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        accepts::<Value>(&many);
        assert!(!bails::<Value>(&format!("{many}k3: 0\n")));
        assert!(!bails::<Value>(&format!("{many}k39: 0\n")));
        assert!(!bails::<Value>(&format!("{many}k3: 0\nk40: 1\n")));
        // The same key in two sibling or nested mappings is fine.
        accepts::<Value>("a: {x: 1}\nb: {x: 2, y: {x: 3}}\nx: 4\n");
    }

    #[test]
    fn documents_bail() {
        assert!(!bails::<Manifest>(&format!("{MANIFEST}---\n{MANIFEST}")));
        assert!(!bails::<Manifest>(&format!("{MANIFEST}...\n---\nx: 1\n")));
        assert!(!bails::<Manifest>(&format!("{MANIFEST}---\n")));
        assert!(!bails::<Manifest>(""));
        assert!(!bails::<Manifest>("# only a comment\n\n# and another\n"));
        assert!(!bails::<Manifest>("---\n"));
        // An explicit start and end around one document are fine.
        accepts::<Manifest>(&format!("---\n{MANIFEST}...\n"));
        // Late syntax errors bail.
        assert!(!bails::<Manifest>(&format!("{MANIFEST}]\n")));
        assert!(!bails::<Manifest>(&format!("{MANIFEST}  - x\n")));
    }

    fn nested(levels: usize) -> String {
        // The root mapping and `config` hold `levels` mappings nested in `schema`.
        let mut text = MANIFEST.split("config:").next().unwrap().to_owned();
        text.push_str("config:\n  schema:");
        for i in 0..levels {
            text.push_str(&format!("\n{}a:", "  ".repeat(i + 2)));
        }
        text.push_str(" 1\n");
        text
    }

    #[test]
    fn depth_limit_matches_the_slow_path() {
        // Root, `config`, `schema` and 61 more: 64 open collections.
        let m: Manifest = accepts(&nested(62));
        assert!(m.config.unwrap().schema.is_some());
        assert!(!bails::<Manifest>(&nested(63)), "65 levels");
        assert!(!bails::<Value>(&format!("{}1{}", "[".repeat(65), "]".repeat(65))));
        accepts::<Value>(&format!("{}1{}", "[".repeat(64), "]".repeat(64)));
    }

    #[test]
    fn node_limit_matches_the_slow_path() {
        let with =
            |n: usize| manifest_with("    region: eu", &format!("    region: [{}]", vec!["1"; n].join(",")));
        let base = count_nodes(&with(1)) - 1;
        let at_limit = with(MAX_NODES - base);
        assert_eq!(count_nodes(&at_limit), MAX_NODES);
        accepts::<Manifest>(&at_limit);
        assert!(!bails::<Manifest>(&with(MAX_NODES - base + 1)));
    }

    #[test]
    fn key_order_is_kept() {
        let text =
            manifest_with("      region: {type: string}", "      z: {b: 1, a: 2}\n      a: {}\n      m: 3");
        let m: Manifest = accepts(&text);
        let props =
            serde_json::to_string(&m.config.unwrap().schema.unwrap().to_value()["properties"]).unwrap();
        assert_eq!(props, r#"{"z":{"b":1,"a":2},"a":{},"m":3}"#);
    }

    #[test]
    fn integers_and_floats() {
        assert!(!bails::<Health>(&health_with("  Contact:", "  Contact: {count: 1.0}")));
        assert!(!bails::<Health>(&health_with("  Contact:", "  Contact: {count: -1}")));
        assert!(!bails::<Health>(&health_with("  Contact:", "  Contact: {count: '1'}")));
        let h: Health = accepts(&health_with("  Contact:", "  Contact: {count: 0x10}"));
        assert_eq!(h.records["Contact"].count, 16);
        let h: Health = accepts(&health_with("  Contact:", "  Contact: {count: 9223372036854775807}"));
        assert_eq!(h.records["Contact"].count, i64::MAX as u64);
        let h: Health = accepts(&health_with("  error_rate:", "  error_rate: 1"));
        assert_eq!(h.metrics.error_rate, Some(1.0));
        let h: Health = accepts(&health_with("  error_rate:", "  error_rate: 0"));
        assert_eq!(h.metrics.error_rate, Some(0.0));
        accepts::<Health>(&health_with("  error_rate:", "  error_rate: -2"));
        accepts::<Health>(&health_with("  error_rate:", "  error_rate: -0.0"));
        accepts::<Health>(&health_with("  error_rate:", "  error_rate: 1e-3"));
        assert!(!bails::<Health>(&health_with("  error_rate:", "  error_rate: true")));
        assert!(!bails::<Health>(&health_with("  error_rate:", "  error_rate: '0.5'")));
        // Numbers inside embedded schemas keep their kind: 1 stays an integer, 1.0 a float.
        let m: Manifest = accepts(&manifest_with(
            "      region: {type: string}",
            "      n: {minimum: 1, maximum: 1.0, x: -7}",
        ));
        let schema = m.config.unwrap().schema.unwrap().to_value();
        let n = &schema["properties"]["n"];
        assert!(n["minimum"].is_u64() && n["maximum"].is_f64() && n["x"].is_i64());
        accepts::<Value>("a: 99999999999999999999\nb: -9223372036854775808\nc: 0o17\nd: -0.0\n");
    }

    #[test]
    fn non_finite_floats_bail() {
        assert!(!bails::<Health>(&health_with("  error_rate:", "  error_rate: .nan")));
        assert!(!bails::<Health>(&health_with("  latency_p95_ms:", "  latency_p95_ms: .inf")));
        // Inside an embedded schema the slow path keeps them as strings.
        assert!(bails::<Manifest>(&manifest_with(
            "      region: {type: string}",
            "      n: {maximum: .inf}"
        )));
        assert!(bails::<Manifest>(&manifest_with(
            "      region: {type: string}",
            "      n: {maximum: -.Inf}"
        )));
        assert!(bails::<Manifest>(&manifest_with(
            "      region: {type: string}",
            "      n: {maximum: 1e400}"
        )));
        assert!(bails::<Value>("x: .NaN\n"));
    }

    #[test]
    fn strings_and_numbers() {
        let m: Manifest = accepts(&manifest_with("  name: Alpha", "  name: \"123\""));
        assert_eq!(m.metadata.name, "123");
        accepts::<Manifest>(&manifest_with("  name: Alpha", "  name: '1.5'"));
        accepts::<Manifest>(&manifest_with("  name: Alpha", "  name: yes"));
        assert!(!bails::<Manifest>(&manifest_with("  name: Alpha", "  name: 123")));
        assert!(!bails::<Manifest>(&manifest_with("  name: Alpha", "  name: true")));
        assert!(!bails::<Manifest>(&manifest_with("  version: 1.2.3", "  version: 1.4")));
        assert!(!bails::<Manifest>(&manifest_with("  version: 1.2.3", "  version: 1")));
        assert!(!bails::<Manifest>(&manifest_with("  version: 1.2.3", "  version: 1.x")));
        accepts::<Manifest>(&manifest_with("  version: 1.2.3", "  version: '1.2.3-rc.1+b5'"));
        assert!(!bails::<Manifest>(&manifest_with("    version: \">=1", "    version: 2")));
        assert!(!bails::<Manifest>(&manifest_with("    version: \">=1", "    version: \"not a req\"")));
    }

    #[test]
    fn enums() {
        assert!(!bails::<Manifest>(&manifest_with("kind: Module", "kind: module")));
        assert!(!bails::<Manifest>(&manifest_with("  status: active", "  status: 1")));
        accepts::<Manifest>(&manifest_with("  status: active", "  status: 'deprecated'"));
        // serde_json reads a one-key map as a variant; the fast path leaves that to it.
        assert!(bails::<Manifest>(&manifest_with("kind: Module", "kind: {Module: ~}")));
        assert!(!bails::<Manifest>(&manifest_with("kind: Module", "kind: [Module]")));
    }

    #[test]
    fn serde_errors_bail() {
        assert!(!bails::<Manifest>(&format!("{MANIFEST}extra: 1\n")));
        assert!(!bails::<Manifest>(&manifest_with("  name: Alpha", "  nmae: Alpha")));
        assert!(!bails::<Manifest>(&manifest_with("kind: Module", "# no kind")));
        assert!(!bails::<Manifest>(&manifest_with("  owners: [team-a]", "  owners: team-a")));
        assert!(!bails::<Manifest>("just a string\n"));
        assert!(!bails::<Manifest>("[1, 2]\n"));
    }

    #[test]
    fn structs_come_from_mappings_only() {
        // serde_json reads a struct from an array, by position; the schema says object, so the
        // fast path gives up and the slow path reports it.
        let block = "  created:\n    at: '2025-01-01T00:00:00Z'\n    by: tests\n";
        assert!(MANIFEST.contains(block));
        for seq in ["  created: [a, b]\n", "  created: [a, b, c, d]\n", "  created: [a]\n"] {
            bails::<Manifest>(&MANIFEST.replace(block, seq));
        }
        bails::<Manifest>("[1, 2]\n");
        bails::<Health>("- a\n- b\n");
    }

    #[test]
    fn block_scalars_flow_style_and_unicode() {
        let m: Manifest = accepts(&manifest_with(
            "  description: The",
            "  description: |\n    Line one,\n    line two.\n\n    After a gap.",
        ));
        assert_eq!(m.metadata.description, "Line one,\nline two.\n\nAfter a gap.\n");
        let m: Manifest =
            accepts(&manifest_with("  description: The", "  description: >-\n    Folded\n    text."));
        assert_eq!(m.metadata.description, "Folded text.");
        accepts::<Manifest>(&manifest_with("  description: The", "  description: \"esc\\taped \\u00e9\""));
        accepts::<Manifest>(&manifest_with("  description: The", "  description: plain\n    continued"));
        let m: Manifest = accepts(&manifest_with("  name: Alpha", "  name: Ålpha 名前 🦀"));
        assert_eq!(m.metadata.name, "Ålpha 名前 🦀");
        accepts::<Manifest>(&manifest_with("      region: {type: string}", "      \"名前\": {title: ünï}"));
        let flow = r#"{apiVersion: modreg/v1, kind: Module, metadata: {id: alpha, name: "A", version: 0.1.0,
 status: experimental, type: library, created: {at: "2025-01-01T00:00:00Z", by: t}, tags: [x, y]},
 capabilities: {endpoints: [{method: GET, path: /a}], events: {emits: [a.b]}},
 config: {schema: {type: object, properties: {n: {type: integer}}}, defaults: {n: 1}},
 relationships: [{type: part_of, target: suite}]}"#;
        accepts::<Manifest>(flow);
        accepts::<Health>(
            "{apiVersion: modreg/v1, kind: Health, module: a, observed_at: x, status: down, records: {A: {count: 0}}}",
        );
    }

    #[test]
    fn crlf_and_bom() {
        let crlf = MANIFEST.replace('\n', "\r\n");
        accepts::<Manifest>(&crlf);
        let block =
            manifest_with("  description: The", "  description: |\n    a\n    b").replace('\n', "\r\n");
        let m: Manifest = accepts(&block);
        assert_eq!(m.metadata.description, "a\nb\n");
        // A byte-order mark is stripped by `decode` before the fast path sees the text.
        let bytes = format!("\u{feff}{MANIFEST}").into_bytes();
        let text = super::super::decode(&bytes).unwrap();
        let m: Manifest = accepts(text);
        assert_eq!(m, from_str::<Manifest>(MANIFEST).unwrap());
    }

    #[test]
    fn undecodable_text_bails() {
        assert!(!bails::<Value>("a: 1\0\n"));
        let big = format!("a: '{}'\n", "x".repeat(MAX_FILE_BYTES));
        assert!(!bails::<Value>(&big));
    }

    #[test]
    fn bail_is_a_serde_error() {
        let e = from_str::<Manifest>("a: &x 1\n").unwrap_err();
        assert!(e.to_string().starts_with("fast path gave up: "), "{e}");
        let e: Bail = de::Error::custom("x");
        assert_eq!(e.0, "x");
    }

    const TOKENS: &[&str] = &[
        "&a ", "*a", "!t ", "null", "- ", "~", ": ", "{", "[", "\"", "'", "#", "1.5", "-1", ".nan", "---\n",
        "? ", "|\n",
    ];

    const VALUES: &[&str] = &[
        "1",
        "-1",
        "1.0",
        "-0.0",
        "0x1F",
        "1e3",
        "'x'",
        "\"y\"",
        "true",
        "~",
        "",
        "[]",
        "{}",
        "[a, 1]",
        "{a: 1, b: [x]}",
        ".inf",
        "x y",
        "|\n    block",
        "&a 1",
        "*a",
        "!t x",
        "GET",
        "delete",
        "2.0.0",
    ];

    /// Apply one mutation to the lines of a document.
    fn mutate(lines: &mut Vec<String>, (kind, at, pos, token): (u8, usize, usize, usize)) {
        if lines.is_empty() {
            return;
        }
        let i = at % lines.len();
        let line = &mut lines[i];
        let p = pos % (line.len() + 1);
        let p = (0..=p).rev().find(|&p| line.is_char_boundary(p)).unwrap_or(0);
        match kind {
            0 => {
                lines.remove(i);
            }
            1 => {
                let copy = line.clone();
                lines.insert(i, copy);
            }
            2 => line.insert_str(0, if pos % 2 == 0 { " " } else { "  " }),
            3 => {
                let cut = line.len() - line.trim_start().len();
                line.drain(..cut.min(1 + pos % 2));
            }
            4 => {
                let chars: Vec<char> = line.chars().collect();
                if chars.len() >= 2 {
                    let j = pos % (chars.len() - 1);
                    let mut chars = chars;
                    chars.swap(j, j + 1);
                    *line = chars.into_iter().collect();
                }
            }
            5 | 6 => line.insert_str(p, TOKENS[token % TOKENS.len()]),
            _ => {
                // Replace the value after the first `: `, mostly keeping the document well-formed.
                if let Some(colon) = line.find(": ") {
                    line.truncate(colon + 2);
                    line.push_str(VALUES[token % VALUES.len()]);
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn mutated_documents_keep_the_contract(
            health in proptest::bool::ANY,
            edits in proptest::collection::vec(
                (0u8..9, proptest::num::usize::ANY, proptest::num::usize::ANY, proptest::num::usize::ANY),
                1..4,
            ),
        ) {
            let base = if health { HEALTH } else { MANIFEST };
            let mut lines: Vec<String> = base.lines().map(str::to_owned).collect();
            for e in edits {
                mutate(&mut lines, e);
            }
            let text = lines.join("\n") + "\n";
            contract_all(&text);
        }
    }
}
