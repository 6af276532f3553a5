use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::json::{SchemaJson, VersionRequirement};

/// A module manifest (`registry/<id>/module.yaml`): what a module is, what it can do, how it is
/// configured and documented, and how it relates to other modules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "modreg module manifest")]
pub struct Manifest {
    /// Format version; always `modreg/v1`.
    #[serde(rename = "apiVersion")]
    pub api_version: ApiVersion,
    /// Always `Module`.
    pub kind: ModuleKind,
    /// Identity, ownership and lifecycle.
    pub metadata: Metadata,
    /// What the module offers: operations, endpoints, data models, logic and events.
    #[serde(default)]
    pub capabilities: Capabilities,
    /// Configuration schema and defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Config>,
    /// Documentation, inline or as paths relative to the module directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<Docs>,
    /// Relationships this module declares to others (the inverse edges are computed).
    #[serde(default)]
    pub relationships: Vec<Relationship>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ApiVersion {
    #[serde(rename = "modreg/v1")]
    V1,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ModuleKind {
    Module,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// Unique id; equals the module's directory name.
    #[schemars(pattern(crate::model::ID_PATTERN), length(min = 2, max = 63))]
    pub id: String,
    /// Human-readable name.
    #[schemars(length(min = 1))]
    pub name: String,
    /// One or two sentences on what the module is for.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Semantic version of the module.
    #[schemars(with = "String", pattern(crate::model::SEMVER_PATTERN))]
    pub version: semver::Version,
    /// Lifecycle status.
    pub status: Status,
    /// What kind of module it is.
    #[serde(rename = "type")]
    pub module_type: ModuleType,
    /// Who or what created the module, and when.
    pub created: Created,
    /// People, teams or pipelines responsible for the module.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<String>,
    /// Free-form labels used for filtering and search.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Links to runbooks, dashboards, repositories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Required when status is `deprecated` or `retired`, forbidden otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecation: Option<Deprecation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Experimental,
    Active,
    Inactive,
    Deprecated,
    Error,
    Retired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModuleType {
    Crud,
    Workflow,
    Integration,
    Analytics,
    Ui,
    Service,
    Library,
}

/// The names of an enum as files spell them, in declaration order, so messages, renderers and
/// the command line (`cli.rs` offers `ALL` as clap's possible values) all agree. The model itself
/// knows nothing of clap.
macro_rules! enum_names {
    ($ty:ty { $($variant:ident => $name:literal),* $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$(<$ty>::$variant),*];
            /// The name used in files and on the command line.
            pub fn as_str(self) -> &'static str {
                match self { $(<$ty>::$variant => $name),* }
            }
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use enum_names;

enum_names!(Status {
    Experimental => "experimental",
    Active => "active",
    Inactive => "inactive",
    Deprecated => "deprecated",
    Error => "error",
    Retired => "retired",
});

enum_names!(ModuleType {
    Crud => "crud",
    Workflow => "workflow",
    Integration => "integration",
    Analytics => "analytics",
    Ui => "ui",
    Service => "service",
    Library => "library",
});

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Created {
    /// When the module was created (RFC 3339).
    #[schemars(extend("format" = "date-time"))]
    pub at: String,
    /// The creator: a person, team or pipeline.
    #[schemars(length(min = 1))]
    pub by: String,
    /// The AI model that generated the module; omitted for hand-written modules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai_model: Option<String>,
    /// Id or URL of the generation request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    #[schemars(length(min = 1))]
    pub title: String,
    #[schemars(extend("format" = "uri"))]
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deprecation {
    /// Date the module was deprecated (YYYY-MM-DD).
    #[schemars(extend("format" = "date"))]
    pub since: String,
    /// The module that replaces this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(crate::model::ID_PATTERN))]
    pub replaced_by: Option<String>,
    /// Why the module was deprecated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Capabilities {
    /// Operations the module performs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<Operation>,
    /// HTTP endpoints the module exposes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<Endpoint>,
    /// Entities the module owns, each with a JSON Schema.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_models: Vec<DataModel>,
    /// Named pieces of business logic.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub business_logic: Vec<BusinessLogic>,
    /// Events emitted and consumed.
    #[serde(default, skip_serializing_if = "Events::is_empty")]
    pub events: Events,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    #[schemars(pattern(r"^[a-z][a-z0-9_]*$"))]
    pub name: String,
    pub kind: OperationKind,
    /// The data model the operation acts on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
    Create,
    Read,
    Update,
    Delete,
    List,
    Query,
    Action,
}

enum_names!(OperationKind {
    Create => "create",
    Read => "read",
    Update => "update",
    Delete => "delete",
    List => "list",
    Query => "query",
    Action => "action",
});

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub method: HttpMethod,
    /// Path starting with `/`; `{name}` marks a parameter.
    #[schemars(pattern(r"^/[^\s]*$"))]
    pub path: String,
    /// The operation this endpoint invokes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

enum_names!(HttpMethod {
    Get => "GET",
    Post => "POST",
    Put => "PUT",
    Patch => "PATCH",
    Delete => "DELETE",
    Head => "HEAD",
    Options => "OPTIONS",
});

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataModel {
    #[schemars(pattern(r"^[A-Za-z][A-Za-z0-9_]*$"))]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON Schema (draft 2020-12) of the entity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "EmbeddedSchema")]
    pub schema: Option<SchemaJson>,
}

/// A JSON Schema embedded in a manifest: an object or a boolean.
#[derive(JsonSchema)]
#[schemars(extend("type" = ["object", "boolean"]))]
#[allow(dead_code)]
struct EmbeddedSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessLogic {
    #[schemars(length(min = 1))]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Events {
    /// Event names the module publishes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emits: Vec<String>,
    /// Event names the module subscribes to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consumes: Vec<String>,
}

impl Events {
    pub fn is_empty(&self) -> bool {
        self.emits.is_empty() && self.consumes.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// JSON Schema of the module's configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "EmbeddedSchema")]
    pub schema: Option<SchemaJson>,
    /// Default configuration; must validate against `schema`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defaults: Option<BTreeMap<String, Value>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    /// One paragraph an AI or a newcomer reads first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Path (relative to the module directory) of the usage guide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<String>,
    /// Path (relative to the module directory) of the API documentation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    /// Why the module relates to others as it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationships: Option<String>,
}

/// A relationship declared by this module (the source) to another (the target).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Relationship {
    #[serde(rename = "type")]
    pub kind: RelationType,
    /// Id of the target module.
    #[schemars(pattern(crate::model::ID_PATTERN))]
    pub target: String,
    /// For `depends_on`: semver requirement the target's version must satisfy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub version: Option<VersionRequirement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// For `provides_data_to`: data models of the source that flow to the target.
    // `None` when the key is absent: `validate` tells `data: []` on another type from no key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Vec<String>>,
}

impl Relationship {
    /// The data models of a `provides_data_to` relationship (empty for the other types).
    pub fn data(&self) -> &[String] {
        self.data.as_deref().unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationType {
    DependsOn,
    IntegratesWith,
    ProvidesDataTo,
    PartOf,
}

enum_names!(RelationType {
    DependsOn => "depends_on",
    IntegratesWith => "integrates_with",
    ProvidesDataTo => "provides_data_to",
    PartOf => "part_of",
});

impl RelationType {
    /// The name of the computed inverse edge, as `show` prints it.
    pub fn inverse(self) -> &'static str {
        match self {
            RelationType::DependsOn => "required_by",
            RelationType::IntegratesWith => "integrated_by",
            RelationType::ProvidesDataTo => "receives_data_from",
            RelationType::PartOf => "has_part",
        }
    }
}
