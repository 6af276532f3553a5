//! The rule table of `modreg diff`: every change it reports is classed by exactly one rule, with
//! a stable id (buf-style `SCREAMING_SNAKE` names, so a PR comment reads without a lookup and no
//! id can be mistaken for a diagnostic code of `validate`), a level and a one-line rationale.
//! `modreg explain RULE`, `docs/diff-rules.md` and the renderers all read this table.

use std::fmt::Write as _;

use serde::{Serialize, Serializer};

/// How much a change matters to the modules that use the changed one. Ordered: `Info` <
/// `Warning` < `Breaking`, which is what `--fail-on` compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
    Breaking,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Breaking => "breaking",
        }
    }
}

/// One row of the table.
#[derive(Debug)]
pub struct RuleInfo {
    pub rule: Rule,
    /// The stable id (`ENDPOINT_REMOVED`).
    pub id: &'static str,
    pub level: Level,
    /// One line on why the change is classed so.
    pub rationale: &'static str,
    /// A change the rule catches, as a fenced `diff` of a manifest (Markdown).
    pub example: &'static str,
}

macro_rules! rules {
    ($($variant:ident = $id:literal, $level:ident, $why:literal, $example:literal;)*) => {
        /// Every rule of `modreg diff`. Ids are stable: an id is never reused for another meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $($variant),* }

        /// The table, in the order `explain --list` and the docs show it: breaking, warning, info.
        pub static TABLE: &[RuleInfo] = &[
            $(RuleInfo { rule: Rule::$variant, id: $id, level: Level::$level, rationale: $why, example: $example }),*
        ];
    };
}

rules! {
    ModuleRemoved = "MODULE_REMOVED", Breaking,
        "modules that depend on it, or call it, lose it",
        "```diff\n- registry/fax/module.yaml   (the whole module deleted)\n```\n";
    OperationRemoved = "OPERATION_REMOVED", Breaking,
        "callers of the operation have nothing left to call",
        "```diff\n capabilities:\n   operations:\n-    - { name: score_lead, kind: action }\n```\n";
    EndpointRemoved = "ENDPOINT_REMOVED", Breaking,
        "HTTP clients of METHOD path get 404 from now on",
        "```diff\n capabilities:\n   endpoints:\n-    - { method: DELETE, path: /api/crm/contacts/{id} }\n```\n";
    DataModelRemoved = "DATA_MODEL_REMOVED", Breaking,
        "readers of the entity, and provides_data_to consumers, lose its data",
        "```diff\n capabilities:\n   data_models:\n-    - { name: Deal, schema: { type: object } }\n```\n";
    EventRemoved = "EVENT_REMOVED", Breaking,
        "consumers of an event the module no longer emits wait for it forever",
        "```diff\n capabilities:\n   events:\n-    emits: [contact.created, deal.won]\n+    emits: [contact.created]\n```\n";
    PropertyRemoved = "PROPERTY_REMOVED", Breaking,
        "readers of a data model that use the property no longer find it",
        "```diff\n       properties:\n         id: { type: string }\n-        email: { type: string }\n```\n";
    PropertyTypeNarrowed = "PROPERTY_TYPE_NARROWED", Breaking,
        "values the old type allowed (data or configuration already written) no longer validate",
        "```diff\n       properties:\n-        score: { type: number }\n+        score: { type: integer }\n```\n";
    PropertyMadeRequired = "PROPERTY_MADE_REQUIRED", Breaking,
        "writers of the data model that leave the property out are now refused (a default would fill it)",
        "```diff\n       type: object\n-      required: [id]\n+      required: [id, email]\n```\n";
    ConfigKeyMadeRequired = "CONFIG_KEY_MADE_REQUIRED", Breaking,
        "every deployment without the key stops validating (neither the schema nor config.defaults gives it a default)",
        "```diff\n config:\n   schema:\n-    required: []\n+    required: [api_token]\n```\n";
    EnumValueRemoved = "ENUM_VALUE_REMOVED", Breaking,
        "data or configuration holding the removed value no longer validates",
        "```diff\n         stage:\n-          enum: [lead, qualified, won, lost]\n+          enum: [lead, won, lost]\n```\n";
    VersionRequirementUnmet = "VERSION_REQUIREMENT_UNMET", Breaking,
        "a depends_on version requirement the target used to satisfy no longer matches its version",
        "```diff\n # registry/auth/module.yaml, while crm declares depends_on auth \">=2.0.0, <3.0.0\"\n metadata:\n-  version: 2.4.0\n+  version: 3.0.0\n```\n";
    StatusRetired = "STATUS_RETIRED", Breaking,
        "a retired module is gone for its users, whatever its files still say",
        "```diff\n metadata:\n-  status: deprecated\n+  status: retired\n```\n";
    ManifestUnreadable = "MANIFEST_UNREADABLE", Breaking,
        "the working tree's manifest does not load, so nothing can rely on it (`modreg validate` says why)",
        "```diff\n metadata:\n-  status: active\n+  status: activ\n```\n";
    StatusDeprecated = "STATUS_DEPRECATED", Warning,
        "users should plan to move off the module before it is retired",
        "```diff\n metadata:\n-  status: active\n+  status: deprecated\n+  deprecation: { since: 2026-01-10, replaced_by: crm-v2 }\n```\n";
    MissingMajorBump = "MISSING_MAJOR_BUMP", Warning,
        "a breaking change ships under a version that semver says is compatible (for 0.y.z, y counts as major)",
        "```diff\n metadata:\n-  version: 1.4.0\n+  version: 1.5.0\n capabilities:\n   endpoints:\n-    - { method: GET, path: /api/crm/deals }\n```\n";
    VersionDecreased = "VERSION_DECREASED", Warning,
        "versions only go up: a lower one confuses every version requirement and changelog",
        "```diff\n metadata:\n-  version: 1.4.0\n+  version: 1.3.9\n```\n";
    BaseManifestUnreadable = "BASE_MANIFEST_UNREADABLE", Warning,
        "the base's manifest did not load, so what changed cannot be told: review the whole module",
        "```diff\n metadata:\n-  versoin: 1.0.0\n+  version: 1.0.0\n```\n";
    ConfigKeyRemoved = "CONFIG_KEY_REMOVED", Warning,
        "deployments that set the key lose its effect without a word (or fail, under additionalProperties: false)",
        "```diff\n config:\n   schema:\n     properties:\n-      lead_score_threshold: { type: integer }\n```\n";
    ConfigDefaultChanged = "CONFIG_DEFAULT_CHANGED", Warning,
        "deployments that rely on the default change behaviour without changing their configuration",
        "```diff\n config:\n   defaults:\n-    lead_score_threshold: 60\n+    lead_score_threshold: 80\n```\n";
    CapabilityChanged = "CAPABILITY_CHANGED", Warning,
        "an operation's kind or entity, or an endpoint's operation, changed: callers may see other behaviour",
        "```diff\n capabilities:\n   operations:\n-    - { name: score_lead, kind: action }\n+    - { name: score_lead, kind: update, entity: Lead }\n```\n";
    SchemaChanged = "SCHEMA_CHANGED", Warning,
        "a constraint of an embedded schema changed (format, pattern, bounds, additionalProperties…): review it by hand",
        "```diff\n       properties:\n-        name: { type: string, maxLength: 200 }\n+        name: { type: string, maxLength: 80 }\n```\n";
    ModuleAdded = "MODULE_ADDED", Info,
        "a new module breaks nobody",
        "```diff\n+ registry/quotes/module.yaml   (a new module)\n```\n";
    CapabilityAdded = "CAPABILITY_ADDED", Info,
        "a new operation, endpoint, data model, emitted event, optional property or config key breaks nobody",
        "```diff\n capabilities:\n   endpoints:\n     - { method: POST, path: /api/crm/contacts }\n+    - { method: GET, path: /api/crm/contacts }\n```\n";
    SchemaRelaxed = "SCHEMA_RELAXED", Info,
        "a type widened, an enum value added or a property no longer required: what was valid stays valid",
        "```diff\n       properties:\n-        score: { type: integer }\n+        score: { type: number }\n```\n";
    RelationshipChanged = "RELATIONSHIP_CHANGED", Info,
        "a relationship added, removed or edited changes what this module uses, not what it offers",
        "```diff\n relationships:\n   - { type: depends_on, target: auth, version: \">=2.0.0\" }\n+  - { type: integrates_with, target: email }\n```\n";
    InternalChanged = "INTERNAL_CHANGED", Info,
        "business logic and consumed events are the module's own affair: no other module calls them",
        "```diff\n capabilities:\n   events:\n-    consumes: [invoice.paid]\n```\n";
    VersionBumped = "VERSION_BUMPED", Info,
        "a higher version is what a change should come with",
        "```diff\n metadata:\n-  version: 1.4.0\n+  version: 2.0.0\n```\n";
    DescriptionChanged = "DESCRIPTION_CHANGED", Info,
        "names, descriptions and titles are read by people and AI, not by programs",
        "```diff\n metadata:\n-  description: Contacts and deals.\n+  description: Contacts, companies and deals.\n```\n";
    DocsChanged = "DOCS_CHANGED", Info,
        "documentation changes nothing a program relies on",
        "```diff\n docs:\n-  usage: docs/usage.md\n+  usage: docs/guide.md\n```\n";
    TagsChanged = "TAGS_CHANGED", Info,
        "tags only change how the module is found",
        "```diff\n metadata:\n-  tags: [sales]\n+  tags: [sales, customers]\n```\n";
    MetadataChanged = "METADATA_CHANGED", Info,
        "owners, links, type, creation record or another status change: bookkeeping, not interface",
        "```diff\n metadata:\n-  owners: [sales-team]\n+  owners: [sales-platform-team]\n```\n";
}

impl Rule {
    pub fn info(self) -> &'static RuleInfo {
        &TABLE[self as usize]
    }

    pub fn id(self) -> &'static str {
        self.info().id
    }

    pub fn level(self) -> Level {
        self.info().level
    }

    /// A rule id as a user typed it: any case, `-` for `_`.
    pub fn parse(s: &str) -> Option<Rule> {
        let wanted = s.trim().to_ascii_uppercase().replace('-', "_");
        TABLE.iter().find(|r| r.id == wanted).map(|r| r.rule)
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// The example for a terminal: fences removed and lines indented.
pub fn plain_text(rule: Rule) -> String {
    let info = rule.info();
    let mut out = String::from("Example:\n\n");
    for line in info.example.lines().filter(|l| !l.starts_with("```")) {
        let _ = writeln!(out, "    {line}");
    }
    out
}

/// One rule's section of `docs/diff-rules.md`.
pub fn section(rule: Rule) -> String {
    let info = rule.info();
    format!(
        "## {}\n\n**{}**: {}.\n\nExample:\n\n{}",
        info.id,
        info.level.as_str(),
        info.rationale,
        info.example
    )
}

/// `docs/diff-rules.md`: the table, then a section per rule.
pub fn markdown() -> String {
    let mut out = String::from(
        "<!-- Generated from src/diff/rules.rs; do not edit.\n     \
         Regenerate with `MODREG_BLESS=1 cargo test --test cli diff_rules_doc`. -->\n\n\
         # Diff rules\n\n\
         `modreg diff` classes every change between the base (a git revision or another registry\n\
         directory) and the working tree by one of these rules. Lists are matched by identity, not\n\
         position: operations, data models, events, config keys and schema properties by name,\n\
         endpoints by `METHOD path`, relationships by type and target.\n\n\
         - **breaking**: a module that uses the changed one can stop working; `affected` lists the\n  \
         modules that depend on it (`depends_on`, transitively).\n\
         - **warning**: worth a reviewer's look.\n\
         - **info**: safe.\n\n\
         `--fail-on breaking|warning|any` exits 1 when a change at that level or above exists.\n\
         Ids are stable; `modreg explain RULE` prints a rule's rationale and example.\n\n\
         | Rule | Level | Rationale |\n|---|---|---|\n",
    );
    for r in TABLE {
        let _ = writeln!(
            out,
            "| [{}](#{}) | {} | {} |",
            r.id,
            r.id.to_ascii_lowercase(),
            r.level.as_str(),
            r.rationale
        );
    }
    for r in TABLE {
        out.push('\n');
        out.push_str(&section(r.rule));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_indexed_by_the_enum_and_ordered_by_level() {
        for (i, r) in TABLE.iter().enumerate() {
            assert_eq!(r.rule as usize, i, "{}", r.id);
            assert_eq!(Rule::parse(r.id), Some(r.rule));
            assert_eq!(Rule::parse(&r.id.to_ascii_lowercase().replace('_', "-")), Some(r.rule));
            assert!(r.example.starts_with("```diff\n") && r.example.ends_with("```\n"), "{}", r.id);
            assert!(!r.rationale.ends_with('.'), "{}", r.id);
        }
        assert!(TABLE.windows(2).all(|w| w[0].level >= w[1].level), "breaking, then warning, then info");
        assert_eq!(Rule::parse("E010"), None);
    }
}
