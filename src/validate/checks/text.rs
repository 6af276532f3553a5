//! Control characters in text (E015). Every string of a manifest and of a health snapshot —
//! values and mapping keys, embedded schemas and config defaults included — is walked through
//! serde, so a field added to the model later is covered without a change here. A control
//! character (Unicode category Cc: U+0000–U+001F, U+007F–U+009F) is refused, because names and
//! descriptions end up on terminals (`list`, `show`, `validate`), where ESC, OSC or BEL sequences
//! recolour, retitle or hide text. YAML escapes (`"\e"`, `"\0"`, `"\x9b"`) are the usual way in.
//!
//! Line feed and tab are text in the multi-line fields, and only there: every `description`,
//! `metadata.deprecation.reason`, `docs.summary`, `docs.relationships`, a health issue's
//! `summary`, and the string values inside embedded schemas and `config.defaults` (data whose
//! own format allows them). Everything else is one line. Mapping keys never hold one.

use std::fmt::{self, Write as _};

use serde::ser::{self, Serialize, SerializeMap, SerializeSeq, SerializeStruct, Serializer};

use super::Ctx;
use crate::diag::{Anchor, Code, Diagnostic};
use crate::model::Health;
use crate::registry::Loaded;
use crate::yaml::escape_pointer_token;

pub(super) fn check(ctx: &Ctx<'_>, i: usize, out: &mut Vec<Diagnostic>) {
    let m = &ctx.reg.modules[i];
    for found in walk(m.m(), Document::Manifest) {
        out.push(found.diagnostic(&m.manifest.path));
    }
    if let Some(h) = &m.health {
        health(h, out);
    }
}

/// E015 in a health snapshot, in its directory or on its way in (`health record`).
pub(super) fn health(h: &Loaded<Health>, out: &mut Vec<Diagnostic>) {
    for found in walk(&h.value, Document::Health) {
        out.push(found.diagnostic(&h.path));
    }
}

/// Which format a value is, for the fields that may hold several lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Document {
    Manifest,
    Health,
}

/// A string with a control character it may not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// The node: a value, or (for a key) the entry whose key it is.
    pub pointer: String,
    pub in_key: bool,
    /// The first control character it may not hold, and how many it holds.
    pub first: char,
    pub count: usize,
    /// The text, escaped and shortened for a message.
    pub shown: String,
}

impl Found {
    fn diagnostic(&self, file: &std::path::Path) -> Diagnostic {
        let kind = match self.first {
            '\n' => "line break",
            '\t' => "tab",
            '\0' => "NUL character",
            '\r' => "carriage return",
            _ => "control character",
        };
        let place = match self.first {
            _ if self.in_key => "in the key",
            '\n' | '\t' => "in a one-line field:",
            _ => "in",
        };
        let more = match self.count {
            1 => String::new(),
            n => format!(" ({n} control characters in all)"),
        };
        let hint = match self.first {
            _ if self.in_key => "keys are plain names: remove it".to_owned(),
            '\n' | '\t' => "join the lines with spaces: multi-line text belongs in a description, \
                             docs.summary, docs.relationships or deprecation.reason"
                .to_owned(),
            '\0' => "remove it (a `\\0` escape in a double-quoted string makes one)".to_owned(),
            '\r' => "remove it: a carriage return sends a terminal's cursor back over the line, and YAML \
                     ends lines with a line feed alone"
                .to_owned(),
            c => format!(
                "remove it: control characters reach the terminal of whoever reads this (ESC starts \
                 colour and title sequences, BEL rings); in a double-quoted string, drop the escape that \
                 makes {}",
                name(c)
            ),
        };
        let anchor = if self.in_key { Anchor::Key } else { Anchor::Value };
        // The pointer names a key that holds the character: shown escaped, kept as it is for
        // locating the node.
        let shown_pointer: String = self
            .pointer
            .chars()
            .map(|c| if c.is_control() { c.escape_debug().to_string() } else { c.to_string() })
            .collect();
        Diagnostic::at_pointer(
            Code::ControlCharacter,
            file,
            self.pointer.clone(),
            anchor,
            format!("{shown_pointer}: {kind} {} {place} \"{}\"{more}", name(self.first), self.shown),
        )
        .hint(hint)
    }
}

/// `U+001B (ESC)`.
fn name(c: char) -> String {
    const C0: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF", "CR", "SO",
        "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS",
        "RS", "US",
    ];
    let short = match u32::from(c) {
        n @ 0..=0x1f => C0[n as usize],
        0x7f => "DEL",
        0x9b => "CSI",
        0x9d => "OSC",
        _ => "C1 control",
    };
    format!("U+{:04X} ({short})", u32::from(c))
}

/// Every string of `value` with a control character it may not hold.
pub(crate) fn walk<T: Serialize>(value: &T, doc: Document) -> Vec<Found> {
    let mut w = Walker { doc, pointer: String::new(), indices: Vec::new(), key: None, found: Vec::new() };
    // Serialising a model value through the walker cannot fail: it only reads.
    let _ = value.serialize(&mut w);
    w.found
}

/// Whether a string holds a control character (Cc) at all: a byte scan, as nearly every string
/// holds none.
fn has_control(s: &str) -> bool {
    let b = s.as_bytes();
    // C1 controls are U+0080–U+009F, encoded C2 80 … C2 9F.
    b.iter().any(|&c| c < 0x20 || c == 0x7f)
        || b.windows(2).any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]))
}

/// The pointers of the fields that may hold several lines. `*` stands for an array index.
const MULTILINE_MANIFEST: &[&[&str]] = &[
    &["metadata", "description"],
    &["metadata", "deprecation", "reason"],
    &["capabilities", "operations", "*", "description"],
    &["capabilities", "endpoints", "*", "description"],
    &["capabilities", "data_models", "*", "description"],
    &["capabilities", "business_logic", "*", "description"],
    &["relationships", "*", "description"],
    &["docs", "summary"],
    &["docs", "relationships"],
];
/// Subtrees that are data (embedded schemas, config defaults): their string values may.
const DATA_MANIFEST: &[&[&str]] =
    &[&["config", "schema"], &["config", "defaults"], &["capabilities", "data_models", "*", "schema"]];
const MULTILINE_HEALTH: &[&[&str]] = &[&["issues", "*", "summary"]];

fn matches(pattern: &[&str], tokens: &[&str]) -> bool {
    pattern.len() == tokens.len()
        && pattern.iter().zip(tokens).all(|(p, t)| *p == *t || (*p == "*" && t.parse::<usize>().is_ok()))
}

/// The embedded schemas, held as JSON text in the model: the walker reads them as JSON.
fn is_schema(tokens: &[&str]) -> bool {
    matches(&["config", "schema"], tokens) || matches(&["capabilities", "data_models", "*", "schema"], tokens)
}

struct Walker {
    doc: Document,
    /// JSON pointer of the node being serialised.
    pointer: String,
    /// The next index of each sequence being serialised.
    indices: Vec<usize>,
    /// The key of the map entry whose value comes next.
    key: Option<String>,
    found: Vec<Found>,
}

impl Walker {
    fn tokens(&self) -> Vec<&str> {
        self.pointer.split('/').skip(1).collect()
    }

    fn multiline(&self) -> bool {
        let tokens = self.tokens();
        match self.doc {
            Document::Manifest => {
                MULTILINE_MANIFEST.iter().any(|p| matches(p, &tokens))
                    || DATA_MANIFEST.iter().any(|p| tokens.len() > p.len() && matches(p, &tokens[..p.len()]))
            }
            Document::Health => MULTILINE_HEALTH.iter().any(|p| matches(p, &tokens)),
        }
    }

    fn text(&mut self, s: &str, in_key: bool) {
        if !has_control(s) {
            return;
        }
        let multiline = !in_key && self.multiline();
        let allowed = |c: char| multiline && (c == '\n' || c == '\t');
        let mut bad = s.chars().filter(|&c| c.is_control() && !allowed(c));
        let Some(first) = bad.next() else {
            return;
        };
        let count = 1 + bad.count();
        let escaped: String = s.escape_debug().collect();
        let shown = match escaped.char_indices().nth(60) {
            Some((at, _)) => format!("{}…", &escaped[..at]),
            None => escaped,
        };
        self.found.push(Found { pointer: self.pointer.clone(), in_key, first, count, shown });
    }

    /// Run `f` with `token` appended to the pointer.
    fn under(&mut self, token: &str, f: impl FnOnce(&mut Self) -> Result<(), Error>) -> Result<(), Error> {
        let len = self.pointer.len();
        self.pointer.push('/');
        if token.contains(['~', '/']) {
            self.pointer.push_str(&escape_pointer_token(token));
        } else {
            self.pointer.push_str(token);
        }
        let r = f(self);
        self.pointer.truncate(len);
        r
    }

    /// Run `f` with the next index of the innermost sequence appended to the pointer.
    fn under_next_index(&mut self, f: impl FnOnce(&mut Self) -> Result<(), Error>) -> Result<(), Error> {
        let index = match self.indices.last_mut() {
            Some(i) => {
                *i += 1;
                *i - 1
            }
            None => 0,
        };
        let len = self.pointer.len();
        let _ = write!(self.pointer, "/{index}");
        let r = f(self);
        self.pointer.truncate(len);
        r
    }
}

/// Never produced: the walker accepts every value.
#[derive(Debug)]
pub(crate) struct Error;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("text walk")
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Error
    }
}

impl Serializer for &mut Walker {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    /// Embedded schemas serialise as their JSON text, not as a tree built only to be walked.
    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        if self.pointer.ends_with("/schema") && is_schema(&self.tokens()) {
            // JSON text escapes C0 controls with a backslash; DEL and C1 stay raw. Without
            // either, no string inside holds a control character.
            if !v.contains('\\') && !has_control(v) {
                return Ok(());
            }
            return match serde_json::from_str::<serde_json::Value>(v) {
                Ok(tree) => tree.serialize(self),
                Err(_) => Ok(()),
            };
        }
        self.text(v, false);
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.text(v.encode_utf8(&mut [0; 4]), false);
        Ok(())
    }

    fn serialize_bool(self, _: bool) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_i64(self, _: i64) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_u8(self, _: u8) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_u16(self, _: u16) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_u32(self, _: u32) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_u64(self, _: u64) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.under(variant, |w| v.serialize(w))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Error> {
        self.indices.push(0);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        len: usize,
    ) -> Result<Self, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Error> {
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Error> {
        Ok(self)
    }
}

impl SerializeSeq for &mut Walker {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.under_next_index(|w| v.serialize(w))
    }
    fn end(self) -> Result<(), Error> {
        self.indices.pop();
        Ok(())
    }
}

impl ser::SerializeTuple for &mut Walker {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<(), Error> {
        SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for &mut Walker {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<(), Error> {
        SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for &mut Walker {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<(), Error> {
        SerializeSeq::end(self)
    }
}

impl SerializeMap for &mut Walker {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let key = key.serialize(KeyText).unwrap_or_default();
        self.under(&key.clone(), |w| {
            w.text(&key, true);
            Ok(())
        })?;
        self.key = Some(key);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let key = self.key.take().unwrap_or_default();
        self.under(&key, |w| v.serialize(w))
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl SerializeStruct for &mut Walker {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, v: &T) -> Result<(), Error> {
        self.under(name, |w| v.serialize(w))
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl ser::SerializeStructVariant for &mut Walker {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, v: &T) -> Result<(), Error> {
        self.under(name, |w| v.serialize(w))
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

/// A map key as text (string keys; numbers and booleans as written).
struct KeyText;

impl Serializer for KeyText {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = ser::Impossible<String, Error>;
    type SerializeTuple = ser::Impossible<String, Error>;
    type SerializeTupleStruct = ser::Impossible<String, Error>;
    type SerializeTupleVariant = ser::Impossible<String, Error>;
    type SerializeMap = ser::Impossible<String, Error>;
    type SerializeStruct = ser::Impossible<String, Error>;
    type SerializeStructVariant = ser::Impossible<String, Error>;

    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(v.to_owned())
    }
    fn serialize_char(self, v: char) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_bool(self, v: bool) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, v: f32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_f64(self, v: f64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, Error> {
        Err(Error)
    }
    fn serialize_none(self) -> Result<String, Error> {
        Err(Error)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<String, Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, Error> {
        Err(Error)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, Error> {
        Err(Error)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<String, Error> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<String, Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Error> {
        Err(Error)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(Error)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(Error)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Error> {
        Err(Error)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Error)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(Error)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(Error)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Health, Manifest};

    fn manifest(extra: &str) -> Manifest {
        let text = format!(
            "apiVersion: modreg/v1\nkind: Module\nmetadata:\n  id: a1\n  name: \"A\\e[31mRED\\e]0;pwned\\a\"\n  \
             description: \"two\\nlines\\tand a tab\"\n  version: 1.0.0\n  status: active\n  type: service\n  \
             created: {{ at: 2025-01-01T00:00:00Z, by: \"x\\0y\" }}\n{extra}"
        );
        let doc = crate::yaml::parse_str(&text).expect("yaml");
        serde_json::from_value(doc.value).expect("a manifest")
    }

    #[test]
    fn every_string_is_walked_with_its_pointer() {
        let m = manifest(
            "capabilities:\n  data_models:\n    - name: A\n      description: \"ok\\nok\"\n      schema:\n        \
             type: object\n        description: \"x\\ny\"\n        properties:\n          \"k\\u0007\": { title: \"t\\u009b\" }\n\
             config:\n  defaults: { \"a\\rb\": \"c\\nd\", e: [\"f\\u007f\"] }\n\
             relationships:\n  - { type: depends_on, target: b1, description: \"fine\\n\" }\n  \
             - { type: provides_data_to, target: b1, data: [\"A\\n\"] }\n",
        );
        let found = walk(&m, Document::Manifest);
        let got: Vec<(&str, bool, char, usize)> =
            found.iter().map(|f| (f.pointer.as_str(), f.in_key, f.first, f.count)).collect();
        assert_eq!(
            got,
            [
                ("/metadata/name", false, '\u{1b}', 3),
                ("/metadata/created/by", false, '\0', 1),
                ("/capabilities/data_models/0/schema/properties/k\u{7}", true, '\u{7}', 1),
                ("/capabilities/data_models/0/schema/properties/k\u{7}/title", false, '\u{9b}', 1),
                ("/config/defaults/a\rb", true, '\r', 1),
                ("/config/defaults/e/0", false, '\u{7f}', 1),
                ("/relationships/1/data/0", false, '\n', 1),
            ]
        );
        assert_eq!(found[0].shown, "A\\u{1b}[31mRED\\u{1b}]0;pwned\\u{7}");
        let d = found[0].diagnostic(std::path::Path::new("m.yaml"));
        assert_eq!(
            d.message,
            "/metadata/name: control character U+001B (ESC) in \"A\\u{1b}[31mRED\\u{1b}]0;pwned\\u{7}\" (3 control characters in all)"
        );
        assert!(!d.message.contains('\u{1b}'));
        let d = found[2].diagnostic(std::path::Path::new("m.yaml"));
        assert_eq!(
            d.message,
            "/capabilities/data_models/0/schema/properties/k\\u{7}: control character U+0007 (BEL) in the key \"k\\u{7}\""
        );
        assert_eq!(d.instance_path.as_deref(), Some("/capabilities/data_models/0/schema/properties/k\u{7}"));
    }

    #[test]
    fn health_summaries_may_hold_lines_and_nothing_else_may() {
        let text = "apiVersion: modreg/v1\nkind: Health\nmodule: a1\nobserved_at: 2026-01-01T00:00:00Z\nstatus: healthy\n\
                    records: { \"A\\tB\": { count: 1 } }\n\
                    issues:\n  - { id: \"X-1\\n\", severity: info, summary: \"a\\nb\\tc\" }\n";
        let h: Health =
            serde_json::from_value(crate::yaml::parse_str(text).expect("yaml").value).expect("health");
        let found = walk(&h, Document::Health);
        let got: Vec<&str> = found.iter().map(|f| f.pointer.as_str()).collect();
        assert_eq!(got, ["/records/A\tB", "/issues/0/id"]);
    }

    #[test]
    fn clean_text_costs_a_byte_scan() {
        assert!(!has_control("Customer Relationship Management — CRM 名前 é"));
        assert!(has_control("a\u{85}b"));
        assert!(has_control("\u{9f}"));
        assert!(!has_control("\u{a0}\u{100}"));
        assert_eq!(name('\u{1b}'), "U+001B (ESC)");
        assert_eq!(name('\u{85}'), "U+0085 (C1 control)");
    }
}
