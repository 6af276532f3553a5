//! Structural comparison of two versions of one manifest. Lists are matched by identity, never by
//! position (operations, data models, business logic and events by name, endpoints by `METHOD
//! path`, relationships by type and target, schema properties and config keys by name, through
//! nested objects and arrays), so a reordered list is no change. Every difference found is
//! classed by one rule of [`super::rules`].
//!
//! Embedded schemas are compared as text first and parsed to JSON values only when the texts
//! differ.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::Hash;

use serde::Serialize;
use serde_json::Value;

use super::rules::Rule;
use crate::model::{Manifest, SchemaJson};
use crate::yaml::escape_pointer_token;

/// Whether a change adds, removes or modifies what its path points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Modified,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Modified => "modified",
        }
    }
}

/// One difference between the two versions of a manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub rule: Rule,
    pub change: ChangeKind,
    /// JSON pointer of what changed: in the base for a removal, in the working tree otherwise.
    pub path: String,
    /// JSON pointer in the working tree's manifest to annotate: the node itself, or for a
    /// removal its parent.
    pub at: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub reason: String,
}

/// Every difference between `before` and `after`, in manifest order.
pub fn manifests(before: &Manifest, after: &Manifest) -> Vec<Found> {
    let mut c = Collector::default();
    c.metadata(before, after);
    c.capabilities(before, after);
    c.config(before, after);
    c.docs(before, after);
    c.relationships(before, after);
    c.out
}

fn json<T: Serialize + ?Sized>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Empty strings and lists stand for an absent key (the manifest types skip them when written).
fn present(v: Value) -> Option<Value> {
    match &v {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::Array(a) if a.is_empty() => None,
        _ => Some(v),
    }
}

fn join(base: &str, token: &str) -> String {
    format!("{base}/{}", escape_pointer_token(token))
}

/// A short form of a JSON value for reasons: strings bare, the rest as compact JSON.
pub fn short(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The pairs of two lists matched by `key`: (removed from `before`, added in `after`, matched
/// as (before index, after index)). A key that occurs twice (a validation error) is matched
/// occurrence by occurrence.
#[allow(clippy::type_complexity)]
pub fn match_by<T, K: Eq + Hash>(
    before: &[T],
    after: &[T],
    key: impl Fn(&T) -> K,
) -> (Vec<usize>, Vec<usize>, Vec<(usize, usize)>) {
    let mut slots: HashMap<K, Vec<usize>> = HashMap::new();
    for (i, b) in before.iter().enumerate().rev() {
        slots.entry(key(b)).or_default().push(i);
    }
    let mut added = Vec::new();
    let mut pairs = Vec::new();
    let mut matched = vec![false; before.len()];
    for (j, a) in after.iter().enumerate() {
        match slots.get_mut(&key(a)).and_then(Vec::pop) {
            Some(i) => {
                matched[i] = true;
                pairs.push((i, j));
            }
            None => added.push(j),
        }
    }
    let removed = (0..before.len()).filter(|&i| !matched[i]).collect();
    (removed, added, pairs)
}

/// Which embedded schema a walk is in: the rules for a removed or newly required property
/// differ between data models and configuration.
#[derive(Clone, Copy)]
enum SchemaKind<'a> {
    DataModel,
    /// With the top-level keys `config.defaults` gives a value.
    Config(Option<&'a BTreeMap<String, Value>>),
}

#[derive(Default)]
struct Collector {
    out: Vec<Found>,
}

impl Collector {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        rule: Rule,
        path: String,
        at: String,
        before: Option<Value>,
        after: Option<Value>,
        reason: String,
    ) {
        let change = match (&before, &after) {
            (None, Some(_)) => ChangeKind::Added,
            (Some(_), None) => ChangeKind::Removed,
            _ => ChangeKind::Modified,
        };
        self.out.push(Found { rule, change, path, at, before, after, reason });
    }

    /// A scalar-ish field at the same pointer on both sides.
    fn field(&mut self, rule: Rule, path: &str, before: Value, after: Value, what: &str) {
        let (b, a) = (present(before), present(after));
        if b == a {
            return;
        }
        let reason = match (&b, &a) {
            (None, Some(a)) => format!("{what} set to {}", short(a)),
            (Some(_), None) => format!("{what} removed"),
            (Some(b), Some(a)) => format!("{what}: {} → {}", short(b), short(a)),
            (None, None) => return,
        };
        self.push(rule, path.to_owned(), path.to_owned(), b, a, reason);
    }

    /// A list compared as a set of strings (tags, owners): order and repeats do not matter.
    fn set_field(&mut self, rule: Rule, path: &str, before: &[String], after: &[String], what: &str) {
        let (b, a): (BTreeSet<&String>, BTreeSet<&String>) =
            (before.iter().collect(), after.iter().collect());
        if b == a {
            return;
        }
        let gone: Vec<&str> = b.difference(&a).map(|s| s.as_str()).collect();
        let new: Vec<&str> = a.difference(&b).map(|s| s.as_str()).collect();
        let mut parts = Vec::new();
        if !new.is_empty() {
            parts.push(format!("added {}", new.join(", ")));
        }
        if !gone.is_empty() {
            parts.push(format!("removed {}", gone.join(", ")));
        }
        self.push(
            rule,
            path.to_owned(),
            path.to_owned(),
            present(json(before)),
            present(json(after)),
            format!("{what}: {}", parts.join("; ")),
        );
    }

    fn metadata(&mut self, before: &Manifest, after: &Manifest) {
        let (b, a) = (&before.metadata, &after.metadata);
        self.field(Rule::DescriptionChanged, "/metadata/name", json(&b.name), json(&a.name), "name");
        self.field(
            Rule::DescriptionChanged,
            "/metadata/description",
            json(&b.description),
            json(&a.description),
            "description",
        );
        if b.version != a.version {
            let rule = if a.version > b.version { Rule::VersionBumped } else { Rule::VersionDecreased };
            self.field(rule, "/metadata/version", json(&b.version), json(&a.version), "version");
        }
        if b.status != a.status {
            use crate::model::Status;
            let rule = match a.status {
                Status::Retired => Rule::StatusRetired,
                Status::Deprecated => Rule::StatusDeprecated,
                _ => Rule::MetadataChanged,
            };
            self.field(rule, "/metadata/status", json(&b.status), json(&a.status), "status");
        }
        self.field(
            Rule::MetadataChanged,
            "/metadata/type",
            json(&b.module_type),
            json(&a.module_type),
            "type",
        );
        self.field(Rule::MetadataChanged, "/metadata/created", json(&b.created), json(&a.created), "created");
        self.set_field(Rule::MetadataChanged, "/metadata/owners", &b.owners, &a.owners, "owners");
        self.set_field(Rule::TagsChanged, "/metadata/tags", &b.tags, &a.tags, "tags");
        self.field(Rule::MetadataChanged, "/metadata/links", json(&b.links), json(&a.links), "links");
        self.field(
            Rule::MetadataChanged,
            "/metadata/deprecation",
            json(&b.deprecation),
            json(&a.deprecation),
            "deprecation",
        );
    }

    /// Items of a list matched by identity: `removed` and `added` rules for whole items, and
    /// `fields` for the items on both sides (called with both items and their pointers).
    #[allow(clippy::too_many_arguments)]
    fn list<T: Serialize, K: Eq + Hash>(
        &mut self,
        list: &str,
        before: &[T],
        after: &[T],
        key: impl Fn(&T) -> K,
        name: impl Fn(&T) -> String,
        (removed_rule, added_rule): (Rule, Rule),
        mut fields: impl FnMut(&mut Self, &T, &T, &str, &str),
    ) {
        let (removed, added, pairs) = match_by(before, after, &key);
        for i in removed {
            let item = &before[i];
            self.push(
                removed_rule,
                format!("{list}/{i}"),
                list.to_owned(),
                Some(json(item)),
                None,
                format!("{} removed", name(item)),
            );
        }
        for j in added {
            let item = &after[j];
            let at = format!("{list}/{j}");
            self.push(added_rule, at.clone(), at, None, Some(json(item)), format!("{} added", name(item)));
        }
        for (i, j) in pairs {
            fields(self, &before[i], &after[j], &format!("{list}/{i}"), &format!("{list}/{j}"));
        }
    }

    fn capabilities(&mut self, before: &Manifest, after: &Manifest) {
        let (b, a) = (&before.capabilities, &after.capabilities);
        self.list(
            "/capabilities/operations",
            &b.operations,
            &a.operations,
            |o| o.name.clone(),
            |o| format!("operation `{}`", o.name),
            (Rule::OperationRemoved, Rule::CapabilityAdded),
            |c, x, y, _, p| {
                let what = format!("operation `{}`", y.name);
                c.field(
                    Rule::CapabilityChanged,
                    &join(p, "kind"),
                    json(&x.kind),
                    json(&y.kind),
                    &format!("{what} kind"),
                );
                c.field(
                    Rule::CapabilityChanged,
                    &join(p, "entity"),
                    json(&x.entity),
                    json(&y.entity),
                    &format!("{what} entity"),
                );
                c.field(
                    Rule::DescriptionChanged,
                    &join(p, "description"),
                    json(&x.description),
                    json(&y.description),
                    &format!("{what} description"),
                );
            },
        );
        self.list(
            "/capabilities/endpoints",
            &b.endpoints,
            &a.endpoints,
            |e| (e.method, e.path.clone()),
            |e| format!("endpoint `{} {}`", e.method, e.path),
            (Rule::EndpointRemoved, Rule::CapabilityAdded),
            |c, x, y, _, p| {
                let what = format!("endpoint `{} {}`", y.method, y.path);
                c.field(
                    Rule::CapabilityChanged,
                    &join(p, "operation"),
                    json(&x.operation),
                    json(&y.operation),
                    &format!("{what} operation"),
                );
                c.field(
                    Rule::DescriptionChanged,
                    &join(p, "description"),
                    json(&x.description),
                    json(&y.description),
                    &format!("{what} description"),
                );
            },
        );
        self.list(
            "/capabilities/data_models",
            &b.data_models,
            &a.data_models,
            |d| d.name.clone(),
            |d| format!("data model `{}`", d.name),
            (Rule::DataModelRemoved, Rule::CapabilityAdded),
            |c, x, y, pb, pa| {
                c.field(
                    Rule::DescriptionChanged,
                    &join(pa, "description"),
                    json(&x.description),
                    json(&y.description),
                    &format!("data model `{}` description", y.name),
                );
                c.embedded(
                    x.schema.as_ref(),
                    y.schema.as_ref(),
                    &join(pb, "schema"),
                    &join(pa, "schema"),
                    &y.name,
                    SchemaKind::DataModel,
                );
            },
        );
        self.list(
            "/capabilities/business_logic",
            &b.business_logic,
            &a.business_logic,
            |l| l.name.clone(),
            |l| format!("business logic `{}`", l.name),
            (Rule::InternalChanged, Rule::InternalChanged),
            |c, x, y, _, p| {
                c.field(
                    Rule::DescriptionChanged,
                    &join(p, "description"),
                    json(&x.description),
                    json(&y.description),
                    &format!("business logic `{}` description", y.name),
                );
            },
        );
        self.list(
            "/capabilities/events/emits",
            &b.events.emits,
            &a.events.emits,
            Clone::clone,
            |e| format!("emitted event `{e}`"),
            (Rule::EventRemoved, Rule::CapabilityAdded),
            |_, _, _, _, _| {},
        );
        self.list(
            "/capabilities/events/consumes",
            &b.events.consumes,
            &a.events.consumes,
            Clone::clone,
            |e| format!("consumed event `{e}`"),
            (Rule::InternalChanged, Rule::InternalChanged),
            |_, _, _, _, _| {},
        );
    }

    fn config(&mut self, before: &Manifest, after: &Manifest) {
        let (b, a) = (before.config.as_ref(), after.config.as_ref());
        let defaults_b = b.and_then(|c| c.defaults.as_ref());
        let defaults_a = a.and_then(|c| c.defaults.as_ref());
        self.embedded(
            b.and_then(|c| c.schema.as_ref()),
            a.and_then(|c| c.schema.as_ref()),
            "/config/schema",
            "/config/schema",
            "",
            SchemaKind::Config(defaults_a),
        );
        if defaults_b != defaults_a {
            let empty = BTreeMap::new();
            let (db, da) = (defaults_b.unwrap_or(&empty), defaults_a.unwrap_or(&empty));
            let keys: BTreeSet<&String> = db.keys().chain(da.keys()).collect();
            for k in keys {
                let path = join("/config/defaults", k);
                match (db.get(k), da.get(k)) {
                    (x, y) if x == y => {}
                    (None, Some(y)) => self.push(
                        Rule::SchemaRelaxed,
                        path.clone(),
                        path,
                        None,
                        Some(y.clone()),
                        format!("config key `{k}` gets a default: {}", short(y)),
                    ),
                    (x, y) => {
                        let at = if y.is_some() { path.clone() } else { "/config/defaults".to_owned() };
                        let reason = match y {
                            Some(y) => format!(
                                "default of config key `{k}`: {} → {}",
                                x.map(short).unwrap_or_default(),
                                short(y)
                            ),
                            None => format!("default of config key `{k}` removed"),
                        };
                        self.push(Rule::ConfigDefaultChanged, path, at, x.cloned(), y.cloned(), reason);
                    }
                }
            }
        }
    }

    fn docs(&mut self, before: &Manifest, after: &Manifest) {
        let empty = crate::model::Docs::default();
        let (b, a) = (before.docs.as_ref().unwrap_or(&empty), after.docs.as_ref().unwrap_or(&empty));
        for (key, x, y) in [
            ("summary", &b.summary, &a.summary),
            ("usage", &b.usage, &a.usage),
            ("api", &b.api, &a.api),
            ("relationships", &b.relationships, &a.relationships),
        ] {
            self.field(Rule::DocsChanged, &join("/docs", key), json(x), json(y), &format!("docs.{key}"));
        }
    }

    fn relationships(&mut self, before: &Manifest, after: &Manifest) {
        let (removed, added, pairs) =
            match_by(&before.relationships, &after.relationships, |r| (r.kind, r.target.clone()));
        let name = |r: &crate::model::Relationship| format!("relationship {} `{}`", r.kind, r.target);
        for i in removed {
            let r = &before.relationships[i];
            self.push(
                Rule::RelationshipChanged,
                format!("/relationships/{i}"),
                "/relationships".to_owned(),
                Some(json(r)),
                None,
                format!("{} removed", name(r)),
            );
        }
        for j in added {
            let r = &after.relationships[j];
            let at = format!("/relationships/{j}");
            self.push(
                Rule::RelationshipChanged,
                at.clone(),
                at,
                None,
                Some(json(r)),
                format!("{} added", name(r)),
            );
        }
        for (i, j) in pairs {
            let (x, y) = (&before.relationships[i], &after.relationships[j]);
            if x != y {
                let at = format!("/relationships/{j}");
                let mut what = Vec::new();
                if x.version != y.version {
                    what.push(format!(
                        "version {} → {}",
                        x.version.as_ref().map_or("(none)", |v| v.as_written()),
                        y.version.as_ref().map_or("(none)", |v| v.as_written())
                    ));
                }
                if x.data != y.data {
                    what.push("data".to_owned());
                }
                if x.description != y.description {
                    what.push("description".to_owned());
                }
                self.push(
                    Rule::RelationshipChanged,
                    at.clone(),
                    at,
                    Some(json(x)),
                    Some(json(y)),
                    format!("{} changed: {}", name(y), what.join(", ")),
                );
            }
        }
    }

    /// An embedded schema on both sides (an absent one allows anything, like `{}`): compared as
    /// text, walked as JSON only when the texts differ.
    fn embedded(
        &mut self,
        before: Option<&SchemaJson>,
        after: Option<&SchemaJson>,
        pb: &str,
        pa: &str,
        name: &str,
        kind: SchemaKind<'_>,
    ) {
        if before.map(SchemaJson::as_str) == after.map(SchemaJson::as_str) {
            return;
        }
        let any = || Value::Object(serde_json::Map::new());
        let b = before.map_or_else(any, SchemaJson::to_value);
        let a = after.map_or_else(any, SchemaJson::to_value);
        self.schema(&b, &a, pb, pa, name, kind, 0);
    }

    /// Two schema nodes. `name` is the dotted name of the node (`Contact.address`, or for
    /// configuration the key path, empty at its top).
    #[allow(clippy::too_many_arguments)]
    fn schema(
        &mut self,
        b: &Value,
        a: &Value,
        pb: &str,
        pa: &str,
        name: &str,
        kind: SchemaKind<'_>,
        depth: usize,
    ) {
        if b == a {
            return;
        }
        let what = match (kind, name.is_empty()) {
            (SchemaKind::Config(_), true) => "the configuration".to_owned(),
            (SchemaKind::Config(_), false) => format!("config key `{name}`"),
            (SchemaKind::DataModel, _) if depth == 0 => format!("data model `{name}`"),
            (SchemaKind::DataModel, _) => format!("property `{name}`"),
        };
        let (Value::Object(bo), Value::Object(ao)) = (b, a) else {
            self.push(
                Rule::SchemaChanged,
                pa.to_owned(),
                pa.to_owned(),
                Some(b.clone()),
                Some(a.clone()),
                format!("schema of {what} changed"),
            );
            return;
        };
        let keys: Vec<&String> = {
            let mut seen: BTreeSet<&String> = BTreeSet::new();
            bo.keys().chain(ao.keys()).filter(|k| seen.insert(k)).collect()
        };
        for key in keys {
            let (x, y) = (bo.get(key), ao.get(key));
            if x == y {
                continue;
            }
            let (kb, ka) = (join(pb, key), join(pa, key));
            match key.as_str() {
                "type" => self.types(x, y, &ka, &what),
                "enum" => self.enums(x, y, &ka, pa, &what),
                "properties" => self.properties(bo, ao, &kb, &ka, name, kind, depth),
                "required" => self.required(bo, ao, &ka, name, kind, depth),
                "items" => match (x, y) {
                    (Some(x), Some(y)) => {
                        let item = if name.is_empty() { "[]".to_owned() } else { format!("{name}[]") };
                        self.schema(x, y, &kb, &ka, &item, kind, depth + 1);
                    }
                    _ => self.keyword(Rule::SchemaChanged, x, y, &kb, &ka, pa, &format!("{what} items")),
                },
                "description" | "title" | "examples" | "$comment" => {
                    self.keyword(Rule::DescriptionChanged, x, y, &kb, &ka, pa, &format!("{what} {key}"));
                }
                "default" if matches!(kind, SchemaKind::Config(_)) => {
                    self.keyword(Rule::ConfigDefaultChanged, x, y, &kb, &ka, pa, &format!("{what} default"));
                }
                _ => self.keyword(Rule::SchemaChanged, x, y, &kb, &ka, pa, &format!("{what} `{key}`")),
            }
        }
    }

    /// One schema keyword added, removed or changed, classed by `rule`.
    #[allow(clippy::too_many_arguments)]
    fn keyword(
        &mut self,
        rule: Rule,
        x: Option<&Value>,
        y: Option<&Value>,
        kb: &str,
        ka: &str,
        parent: &str,
        what: &str,
    ) {
        let (path, at) = if y.is_some() { (ka, ka) } else { (kb, parent) };
        let reason = match (x, y) {
            (None, Some(y)) => format!("{what} set to {}", short(y)),
            (Some(_), None) => format!("{what} removed"),
            (Some(x), Some(y)) => format!("{what}: {} → {}", short(x), short(y)),
            (None, None) => return,
        };
        self.push(rule, path.to_owned(), at.to_owned(), x.cloned(), y.cloned(), reason);
    }

    fn types(&mut self, x: Option<&Value>, y: Option<&Value>, path: &str, what: &str) {
        let set = |v: Option<&Value>| -> Option<BTreeSet<String>> {
            match v? {
                Value::String(s) => Some(BTreeSet::from([s.clone()])),
                Value::Array(a) => Some(a.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect()),
                _ => None,
            }
        };
        let (old, new) = (set(x), set(y));
        if old == new {
            return;
        }
        let narrowed = match (&old, &new) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(old), Some(new)) => {
                !old.iter().all(|t| new.contains(t) || (t == "integer" && new.contains("number")))
            }
        };
        let shown = |v: Option<&Value>| v.map_or("any".to_owned(), short);
        let (rule, verb) = if narrowed {
            (Rule::PropertyTypeNarrowed, "narrowed")
        } else {
            (Rule::SchemaRelaxed, "widened")
        };
        self.push(
            rule,
            path.to_owned(),
            path.to_owned(),
            x.cloned(),
            y.cloned(),
            format!("type of {what} {verb}: {} → {}", shown(x), shown(y)),
        );
    }

    fn enums(&mut self, x: Option<&Value>, y: Option<&Value>, path: &str, parent: &str, what: &str) {
        let values = |v: Option<&Value>| v.and_then(Value::as_array).cloned();
        match (values(x), values(y)) {
            (Some(old), Some(new)) => {
                let gone: Vec<String> = old.iter().filter(|v| !new.contains(v)).map(short).collect();
                let added: Vec<String> = new.iter().filter(|v| !old.contains(v)).map(short).collect();
                if !gone.is_empty() {
                    self.push(
                        Rule::EnumValueRemoved,
                        path.to_owned(),
                        path.to_owned(),
                        x.cloned(),
                        y.cloned(),
                        format!(
                            "{what}: enum value{} {} removed",
                            if gone.len() == 1 { "" } else { "s" },
                            gone.join(", ")
                        ),
                    );
                } else if !added.is_empty() {
                    self.push(
                        Rule::SchemaRelaxed,
                        path.to_owned(),
                        path.to_owned(),
                        x.cloned(),
                        y.cloned(),
                        format!(
                            "{what}: enum value{} {} added",
                            if added.len() == 1 { "" } else { "s" },
                            added.join(", ")
                        ),
                    );
                }
                // Otherwise only the order changed.
            }
            (Some(_), None) => {
                self.keyword(Rule::SchemaRelaxed, x, y, path, path, parent, &format!("{what} enum"))
            }
            _ => self.keyword(Rule::SchemaChanged, x, y, path, path, parent, &format!("{what} enum")),
        }
    }

    /// The names in a schema's `required`.
    fn required_of(o: &serde_json::Map<String, Value>) -> BTreeSet<&str> {
        o.get("required")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    fn props_of(o: &serde_json::Map<String, Value>) -> Option<&serde_json::Map<String, Value>> {
        o.get("properties").and_then(Value::as_object)
    }

    /// Whether property `key` of the schema `o` has a default: its own `default`, or for a
    /// top-level config key, a value in `config.defaults`.
    fn has_default(
        o: &serde_json::Map<String, Value>,
        key: &str,
        kind: SchemaKind<'_>,
        depth: usize,
    ) -> bool {
        let own = Self::props_of(o)
            .and_then(|p| p.get(key))
            .and_then(Value::as_object)
            .is_some_and(|p| p.contains_key("default"));
        let configured = match kind {
            SchemaKind::Config(Some(defaults)) if depth == 0 => defaults.contains_key(key),
            _ => false,
        };
        own || configured
    }

    fn child(name: &str, key: &str) -> String {
        if name.is_empty() { key.to_owned() } else { format!("{name}.{key}") }
    }

    #[allow(clippy::too_many_arguments)]
    fn properties(
        &mut self,
        bo: &serde_json::Map<String, Value>,
        ao: &serde_json::Map<String, Value>,
        pb: &str,
        pa: &str,
        name: &str,
        kind: SchemaKind<'_>,
        depth: usize,
    ) {
        let empty = serde_json::Map::new();
        let (bp, ap) = (Self::props_of(bo).unwrap_or(&empty), Self::props_of(ao).unwrap_or(&empty));
        let required = Self::required_of(ao);
        for (key, x) in bp {
            let child = Self::child(name, key);
            match ap.get(key) {
                None => {
                    let (rule, what) = match kind {
                        SchemaKind::DataModel => (Rule::PropertyRemoved, format!("property `{child}`")),
                        SchemaKind::Config(_) => (Rule::ConfigKeyRemoved, format!("config key `{child}`")),
                    };
                    self.push(
                        rule,
                        join(pb, key),
                        pa.to_owned(),
                        Some(x.clone()),
                        None,
                        format!("{what} removed"),
                    );
                }
                Some(y) => self.schema(x, y, &join(pb, key), &join(pa, key), &child, kind, depth + 1),
            }
        }
        for (key, y) in ap.iter().filter(|(k, _)| !bp.contains_key(*k)) {
            let child = Self::child(name, key);
            let path = join(pa, key);
            let demanded = required.contains(key.as_str()) && !Self::has_default(ao, key, kind, depth);
            let (rule, what) = match (kind, demanded) {
                (SchemaKind::DataModel, true) => (
                    Rule::PropertyMadeRequired,
                    format!("required property `{child}` added without a default"),
                ),
                (SchemaKind::Config(_), true) => (
                    Rule::ConfigKeyMadeRequired,
                    format!("required config key `{child}` added without a default"),
                ),
                (SchemaKind::DataModel, false) => {
                    (Rule::CapabilityAdded, format!("property `{child}` added"))
                }
                (SchemaKind::Config(_), false) => {
                    (Rule::CapabilityAdded, format!("config key `{child}` added"))
                }
            };
            self.push(rule, path.clone(), path, None, Some(y.clone()), what);
        }
    }

    fn required(
        &mut self,
        bo: &serde_json::Map<String, Value>,
        ao: &serde_json::Map<String, Value>,
        path: &str,
        name: &str,
        kind: SchemaKind<'_>,
        depth: usize,
    ) {
        let (old, new) = (Self::required_of(bo), Self::required_of(ao));
        let (before, after) = (bo.get("required").cloned(), ao.get("required").cloned());
        let existed = |key: &str| {
            Self::props_of(bo).is_some_and(|p| p.contains_key(key))
                || Self::props_of(ao).is_none_or(|p| !p.contains_key(key))
        };
        for key in new.difference(&old) {
            // A property added as required is reported with the property.
            if !existed(key) {
                continue;
            }
            let child = Self::child(name, key);
            let (rule, reason) = match (kind, Self::has_default(ao, key, kind, depth)) {
                (_, true) => (Rule::SchemaChanged, format!("`{child}` made required (it has a default)")),
                (SchemaKind::DataModel, false) => (
                    Rule::PropertyMadeRequired,
                    format!("property `{child}` made required without a default"),
                ),
                (SchemaKind::Config(_), false) => (
                    Rule::ConfigKeyMadeRequired,
                    format!("config key `{child}` made required without a default"),
                ),
            };
            self.push(rule, path.to_owned(), path.to_owned(), before.clone(), after.clone(), reason);
        }
        let relaxed: Vec<&str> = old
            .difference(&new)
            .copied()
            .filter(|k| Self::props_of(ao).is_some_and(|p| p.contains_key(*k)))
            .collect();
        if !relaxed.is_empty() {
            let names: Vec<String> = relaxed.iter().map(|k| format!("`{}`", Self::child(name, k))).collect();
            let at = if after.is_some() {
                path.to_owned()
            } else {
                path.rsplit_once('/').map_or(String::new(), |(p, _)| p.to_owned())
            };
            self.push(
                Rule::SchemaRelaxed,
                path.to_owned(),
                at,
                before,
                after,
                format!("{} no longer required", names.join(", ")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(extra: &str) -> Manifest {
        let text = format!(
            "apiVersion: modreg/v1\nkind: Module\nmetadata:\n  id: m\n  name: M\n  version: 1.0.0\n  status: active\n  \
             type: service\n  created: {{ at: 2025-01-01T00:00:00Z, by: t }}\n{extra}"
        );
        let doc = crate::yaml::parse(text.as_bytes()).expect("yaml");
        serde_json::from_value(doc.value).expect("a manifest")
    }

    fn rules(before: &str, after: &str) -> Vec<(Rule, String)> {
        manifests(&manifest(before), &manifest(after)).into_iter().map(|f| (f.rule, f.path)).collect()
    }

    #[test]
    fn lists_match_by_identity_not_position() {
        let (removed, added, pairs) = match_by(&["a", "b", "c", "b"], &["c", "b", "d", "a"], |s| *s);
        assert_eq!(removed, [3], "the second `b` has no partner");
        assert_eq!(added, [2]);
        assert_eq!(pairs, [(2, 0), (1, 1), (0, 3)]);

        let ops = "capabilities:\n  operations:\n    - { name: a, kind: read }\n    - { name: b, kind: list }\n  \
                   endpoints:\n    - { method: GET, path: /a }\n    - { method: POST, path: /a }\n";
        let reordered = "capabilities:\n  operations:\n    - { name: b, kind: list }\n    - { name: a, kind: read }\n  \
                         endpoints:\n    - { method: POST, path: /a }\n    - { method: GET, path: /a }\n";
        assert_eq!(rules(ops, reordered), []);
        let changed = "capabilities:\n  operations:\n    - { name: b, kind: list }\n  \
                       endpoints:\n    - { method: POST, path: /a }\n    - { method: GET, path: /b }\n";
        assert_eq!(
            rules(ops, changed),
            [
                (Rule::OperationRemoved, "/capabilities/operations/0".to_owned()),
                (Rule::EndpointRemoved, "/capabilities/endpoints/0".to_owned()),
                (Rule::CapabilityAdded, "/capabilities/endpoints/1".to_owned()),
            ]
        );
    }

    #[test]
    fn schema_properties_are_walked_by_name_through_objects_and_arrays() {
        let before = "capabilities:\n  data_models:\n    - name: C\n      schema:\n        type: object\n        \
                      properties:\n          a: { type: object, properties: { x: { type: string }, y: { type: [string, \"null\"] } } }\n          \
                      l: { type: array, items: { type: object, properties: { v: { enum: [1, 2] } } } }\n";
        let after = "capabilities:\n  data_models:\n    - name: C\n      schema:\n        type: object\n        \
                     properties:\n          l: { type: array, items: { type: object, properties: { v: { enum: [2] } } } }\n          \
                     a: { type: object, properties: { y: { type: string } } }\n";
        let found = manifests(&manifest(before), &manifest(after));
        let got: Vec<(Rule, &str, &str)> =
            found.iter().map(|f| (f.rule, f.path.as_str(), f.at.as_str())).collect();
        let base = "/capabilities/data_models/0/schema/properties";
        assert_eq!(
            got,
            [
                (Rule::PropertyRemoved, &*format!("{base}/a/properties/x"), &*format!("{base}/a/properties")),
                (
                    Rule::PropertyTypeNarrowed,
                    &*format!("{base}/a/properties/y/type"),
                    &*format!("{base}/a/properties/y/type")
                ),
                (
                    Rule::EnumValueRemoved,
                    &*format!("{base}/l/items/properties/v/enum"),
                    &*format!("{base}/l/items/properties/v/enum")
                ),
            ]
        );
        assert_eq!(found[0].reason, "property `C.a.x` removed");
        assert_eq!(found[2].reason, "property `C.l[].v`: enum value 1 removed");
    }

    #[test]
    fn types_narrow_and_widen() {
        let t = |b: &str, a: &str| {
            let m = |t: &str| format!("config:\n  schema:\n    properties:\n      k: {{ type: {t} }}\n");
            rules(&m(b), &m(a)).first().map(|r| r.0)
        };
        assert_eq!(t("number", "integer"), Some(Rule::PropertyTypeNarrowed));
        assert_eq!(t("integer", "number"), Some(Rule::SchemaRelaxed));
        assert_eq!(t("[string, \"null\"]", "string"), Some(Rule::PropertyTypeNarrowed));
        assert_eq!(t("string", "[\"null\", string]"), Some(Rule::SchemaRelaxed));
        assert_eq!(t("string", "integer"), Some(Rule::PropertyTypeNarrowed));
        assert_eq!(t("[a, b]", "[b, a]"), None);
    }

    #[test]
    fn required_without_a_default_breaks_and_with_one_does_not() {
        let cfg = |req: &str, defaults: &str| {
            format!(
                "config:\n  schema:\n    type: object\n    required: [{req}]\n    properties:\n      a: {{ type: string }}\n      \
                 b: {{ type: string, default: x }}\n      c: {{ type: string }}\n{defaults}"
            )
        };
        assert_eq!(
            rules(&cfg("a", ""), &cfg("a, c", "")),
            [(Rule::ConfigKeyMadeRequired, "/config/schema/required".to_owned())]
        );
        assert_eq!(
            rules(&cfg("a", ""), &cfg("a, b", "")),
            [(Rule::SchemaChanged, "/config/schema/required".to_owned())]
        );
        let with_default = "  defaults: { c: y }\n";
        let found = rules(&cfg("a", with_default), &cfg("a, c", with_default));
        assert_eq!(found, [(Rule::SchemaChanged, "/config/schema/required".to_owned())]);
        assert_eq!(rules(&cfg("a, c", ""), &cfg("c, a", "")), [], "required is a set");
        assert_eq!(
            rules(&cfg("a, c", ""), &cfg("a", "")),
            [(Rule::SchemaRelaxed, "/config/schema/required".to_owned())]
        );
    }

    #[test]
    fn status_and_version_rules() {
        let m = |status: &str, version: &str| {
            manifest("").tap(|m| {
                m.metadata.status = serde_json::from_value(Value::from(status)).unwrap();
                m.metadata.version = version.parse().unwrap();
            })
        };
        let r = |b: &Manifest, a: &Manifest| manifests(b, a).into_iter().map(|f| f.rule).collect::<Vec<_>>();
        assert_eq!(r(&m("active", "1.0.0"), &m("retired", "1.0.0")), [Rule::StatusRetired]);
        assert_eq!(r(&m("active", "1.0.0"), &m("deprecated", "1.0.0")), [Rule::StatusDeprecated]);
        assert_eq!(r(&m("active", "1.0.0"), &m("inactive", "1.0.0")), [Rule::MetadataChanged]);
        assert_eq!(r(&m("active", "1.0.0"), &m("active", "0.9.0")), [Rule::VersionDecreased]);
        assert_eq!(r(&m("active", "1.0.0"), &m("active", "1.0.1")), [Rule::VersionBumped]);
    }

    trait Tap: Sized {
        fn tap(mut self, f: impl FnOnce(&mut Self)) -> Self {
            f(&mut self);
            self
        }
    }
    impl Tap for Manifest {}
}
