//! The tools: each takes its arguments as a plain serde type (whose JSON Schema is the tool's
//! input schema) and answers with the library calls the matching command makes, so a tool's JSON
//! is the command's `--format json`. A failure is an [`Answer`] marked as an error carrying the
//! CLI's message and hint, never a dropped connection.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::state::State;
use crate::diag::{Diagnostic, Files};
use crate::graph::deps;
use crate::model::{ModuleType, RelationType, Status};
use crate::output::{self, diagnostics::ValidationReport};
use crate::registry::discover;
use crate::report::context::{self as bundle, DetailLevel, Query};
use crate::report::register::{self, Before, Outcome, Request};
use crate::report::{list, record, show};
use crate::search::{self, Filter};
use crate::{Error, diff};

/// A tool's answer: text for the model and the same data as JSON (`structuredContent`).
pub struct Answer {
    pub text: String,
    pub structured: Value,
    pub is_error: bool,
}

impl Answer {
    fn ok(structured: Value) -> Answer {
        Answer { text: output::json(&structured), structured, is_error: false }
    }

    fn refused(structured: Value) -> Answer {
        Answer { is_error: true, ..Answer::ok(structured) }
    }

    /// A modreg error as the CLI prints it (`error: …` and `hint: …`), with its exit code.
    pub fn error(err: &Error) -> Answer {
        match err {
            Error::Invalid(diags) => Answer {
                text: format!(
                    "error: the input is invalid\n{}",
                    output::diagnostics::human(diags, &Files::disk(), false)
                ),
                structured: json!({"error": "the input is invalid", "exit_code": 1, "diagnostics": diags}),
                is_error: true,
            },
            other => {
                let msg = other.to_string();
                let (message, hint) = match msg.split_once("\nhint: ") {
                    Some((m, h)) => (m.to_owned(), Some(h.to_owned())),
                    None => (msg.clone(), None),
                };
                Answer {
                    text: format!("error: {msg}"),
                    structured: json!({"error": message, "hint": hint, "exit_code": err.exit_status().code()}),
                    is_error: true,
                }
            }
        }
    }
}

/// One tool: its name, what a model reads to decide when to call it, its annotations
/// (read-only, destructive, idempotent), whether it writes, and its schemas.
pub struct Spec {
    pub name: &'static str,
    pub description: &'static str,
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub input: fn() -> schemars::Schema,
    pub output: fn() -> Value,
}

fn input<T: JsonSchema>() -> schemars::Schema {
    schemars::schema_for!(T)
}

fn object_with(required: &[&str]) -> Value {
    json!({"type": "object", "required": required})
}

pub const TOOLS: &[Spec] = &[
    Spec {
        name: "list_modules",
        description: "List the registered modules (id, name, type, status, version, owners, tags, health), \
                      optionally filtered by status, type, tag or owner. Use it for an overview; to find \
                      modules by what they do, use search_modules.",
        read_only: true,
        destructive: false,
        idempotent: true,
        input: input::<ListModules>,
        output: || json!({"type": "object", "required": ["modules"], "properties": {"modules": {"type": "array", "items": {"type": "object", "required": ["id", "name", "type", "status", "version"]}}}}),
    },
    Spec {
        name: "show_module",
        description: "Everything about one module by id: metadata, capabilities (operations, endpoints, data \
                      models, events), config, docs, relationships both ways, and health. Use it before \
                      changing or depending on a module.",
        read_only: true,
        destructive: false,
        idempotent: true,
        input: input::<ShowModule>,
        output: || object_with(&["id", "metadata", "relationships"]),
    },
    Spec {
        name: "search_modules",
        description: "Rank modules by similarity to a description of what a module does (names, descriptions, \
                      tags, operations, data models, endpoints, events, docs; with stemming and synonyms; \
                      scores 0..1). Call this before creating a module: a high score means one probably \
                      exists already and should be reused or extended.",
        read_only: true,
        destructive: false,
        idempotent: true,
        input: input::<SearchModules>,
        output: || json!({"type": "object", "required": ["hits"], "properties": {"hits": {"type": "array", "items": {"type": "object", "required": ["id", "name", "score", "matched"]}}}}),
    },
    Spec {
        name: "get_context",
        description: "The AI context bundle as JSON: modules with capabilities, config requirements, \
                      relationships both ways, health and warnings, plus indexes of endpoints, data models, \
                      events and a dependency order to avoid collisions. Narrow it with `module` and `depth`; \
                      `max_tokens` cuts detail (full, summary, ids) until it fits. Read it before generating \
                      or changing modules.",
        read_only: true,
        destructive: false,
        idempotent: true,
        input: input::<GetContext>,
        output: || serde_json::to_value(bundle::schema()).expect("a schema serialises"),
    },
    Spec {
        name: "dependencies",
        description: "What a module depends on, or with `reverse` what is affected if it changes (its \
                      dependents); `transitive` (or `depth`) walks past direct neighbours. Follows depends_on \
                      unless `relations` names other relationship types. Use it to judge the impact of a change.",
        read_only: true,
        destructive: false,
        idempotent: true,
        input: input::<Dependencies>,
        output: || object_with(&["module", "reverse", "transitive", "modules"]),
    },
    Spec {
        name: "validate",
        description: "Without `manifest`: check the whole registry (schemas, references, cycles, uniqueness, \
                      health) and list every diagnostic. With `manifest` (a module.yaml as YAML or JSON text): \
                      check it against the whole registry without writing anything, the dry run of \
                      register_module; a refusal lists the diagnostics and similar modules. Use it on a \
                      manifest before registering it.",
        read_only: true,
        destructive: false,
        idempotent: true,
        input: input::<Validate>,
        output: || json!({"type": "object"}),
    },
    Spec {
        name: "diff",
        description: "Semantic diff of the registry between a git revision (default HEAD) or another registry \
                      directory and the working tree: modules added, removed or changed, each change classed \
                      breaking / warning / info, with the dependents a breaking change affects. Use it to \
                      review your own edits before committing.",
        read_only: true,
        destructive: false,
        idempotent: true,
        input: input::<Diff>,
        output: || object_with(&["base", "changes", "breaking"]),
    },
    Spec {
        name: "register_module",
        description: "Register a new module: `manifest` is its module.yaml (YAML or JSON text). It is checked \
                      against the whole registry and written atomically to registry/ID/module.yaml; an \
                      existing id, any error, or (without `allow_similar`) a near-duplicate refuses it and \
                      nothing is written. Call search_modules and validate first.",
        read_only: false,
        destructive: false,
        idempotent: false,
        input: input::<RegisterModule>,
        output: || object_with(&["registered"]),
    },
    Spec {
        name: "record_health",
        description: "Record a module's health snapshot (`snapshot`: health.yaml as YAML or JSON text): \
                      validated, then written atomically to registry/ID/health.yaml, replacing the previous \
                      snapshot.",
        read_only: false,
        destructive: true,
        idempotent: true,
        input: input::<RecordHealth>,
        output: || object_with(&["recorded"]),
    },
];

pub fn writes(name: &str) -> bool {
    TOOLS.iter().any(|t| t.name == name && !t.read_only)
}

/// Filters as `modreg list`; each empty one keeps every module.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListModules {
    /// Any of these statuses
    #[serde(default)]
    pub status: Vec<Status>,
    /// Any of these module types
    #[serde(default, rename = "type")]
    pub module_type: Vec<ModuleType>,
    /// All of these tags
    #[serde(default)]
    pub tag: Vec<String>,
    /// Any of these owners
    #[serde(default)]
    pub owner: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShowModule {
    /// The module id, e.g. `crm`
    pub id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchModules {
    /// What the module should do, in any words
    pub query: String,
    /// At most this many modules (default 10)
    #[serde(default = "ten")]
    #[schemars(range(min = 1))]
    pub limit: usize,
    /// Only modules with these statuses
    #[serde(default)]
    pub status: Vec<Status>,
    /// Only modules of these types
    #[serde(default, rename = "type")]
    pub module_type: Vec<ModuleType>,
}

fn ten() -> usize {
    10
}

fn one() -> usize {
    1
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetContext {
    /// Only this module and its neighbourhood (relationships of every type, either way)
    #[serde(default)]
    pub module: Option<String>,
    /// With `module`: how many relationship steps away (default 1)
    #[serde(default = "one")]
    pub depth: usize,
    /// Cut detail until the estimated token count is at most this
    #[serde(default)]
    pub max_tokens: Option<usize>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dependencies {
    /// The module asked about
    pub id: String,
    /// What depends on `id` (what a change to it affects), instead of what it depends on
    #[serde(default)]
    pub reverse: bool,
    /// Walk past direct neighbours
    #[serde(default)]
    pub transitive: bool,
    /// At most this many levels deep (implies transitive)
    #[serde(default)]
    pub depth: Option<usize>,
    /// Relationship types to follow (default: depends_on)
    #[serde(default)]
    pub relations: Vec<RelationType>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Validate {
    /// A module manifest (YAML or JSON text) to check against the registry without writing it;
    /// leave it out to validate the whole registry
    #[serde(default)]
    pub manifest: Option<String>,
    /// With `manifest`: do not refuse it for resembling a registered module
    #[serde(default)]
    pub allow_similar: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Diff {
    /// A git revision (default HEAD) or another registry directory to compare the working tree with
    #[serde(default = "head")]
    pub against: String,
}

fn head() -> String {
    "HEAD".to_owned()
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterModule {
    /// The module.yaml to register (YAML or JSON text)
    pub manifest: String,
    /// Register even when a registered module is similar
    #[serde(default)]
    pub allow_similar: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordHealth {
    /// The module id
    pub id: String,
    /// The health snapshot (health.yaml as YAML or JSON text)
    pub snapshot: String,
}

/// Answer one call. Unknown tools and malformed arguments are answers too (errors).
pub fn call(state: &mut State, name: &str, args: Value) -> Answer {
    if writes(name) && !state.settings.allow_writes {
        return Answer::error(&Error::Usage(format!(
            "`{name}` writes into the registry, and this server is read-only\nhint: start the server with \
             `modreg mcp --allow-writes` to offer the writing tools"
        )));
    }
    let result = match name {
        "list_modules" => parse(name, args).and_then(|a| list_modules(state, &a)),
        "show_module" => parse(name, args).and_then(|a| show_module(state, &a)),
        "search_modules" => parse(name, args).and_then(|a| search_modules(state, &a)),
        "get_context" => parse(name, args).and_then(|a| get_context(state, &a)),
        "dependencies" => parse(name, args).and_then(|a| dependencies(state, &a)),
        "validate" => parse(name, args).and_then(|a| validate(state, &a)),
        "diff" => parse(name, args).and_then(|a| diff(state, &a)),
        "register_module" => parse(name, args).and_then(|a| register_module(state, &a)),
        "record_health" => parse(name, args).and_then(|a| record_health(state, &a)),
        _ => Err(Error::Usage(format!(
            "no tool `{name}`\nhint: the tools are {}",
            TOOLS.iter().map(|t| t.name).collect::<Vec<_>>().join(", ")
        ))),
    };
    result.unwrap_or_else(|e| Answer::error(&e))
}

fn parse<T: serde::de::DeserializeOwned>(name: &str, args: Value) -> Result<T, Error> {
    let args = if args.is_null() { json!({}) } else { args };
    serde_json::from_value(args).map_err(|e| {
        Error::Usage(format!("invalid arguments for `{name}`: {e}\nhint: see the tool's input schema"))
    })
}

fn list_modules(state: &mut State, a: &ListModules) -> Result<Answer, Error> {
    let now = state.context().now;
    let reg = &state.fresh()?.reg;
    let filter = list::ListFilter {
        statuses: a.status.clone(),
        types: a.module_type.clone(),
        tags: a.tag.clone(),
        owners: a.owner.clone(),
    };
    Ok(Answer::ok(json!({"modules": list::rows(reg, &filter, now, None)})))
}

fn show_module(state: &mut State, a: &ShowModule) -> Result<Answer, Error> {
    let ctx = state.context();
    let reg = &state.fresh()?.reg;
    let mut report = show::build(reg, &a.id, ctx.now)?;
    // As `show` names paths: in their shortest form from the current directory.
    let shortest = |p: &str| discover::shortest(Path::new(p), &ctx.cwd).display().to_string();
    report.path = shortest(&report.path);
    for f in &mut report.docs.files {
        f.path = shortest(&f.path);
    }
    Ok(Answer::ok(to_value(&report)))
}

/// The hits `search` prints for a query, or its usage error.
pub fn hits(
    state: &mut State,
    query: &str,
    filter: &Filter,
    limit: usize,
) -> Result<Vec<search::Hit>, Error> {
    if !search::has_terms(query) {
        return Err(Error::Usage(format!(
            "the query `{}` has no word to search for\nhint: describe what the module does, e.g. \
             \"send invoices to customers\"",
            query.trim()
        )));
    }
    Ok(state.fresh()?.index().search(query, filter, limit.max(1)))
}

fn search_modules(state: &mut State, a: &SearchModules) -> Result<Answer, Error> {
    let filter = Filter { status: a.status.clone(), module_type: a.module_type.clone() };
    let hits = hits(state, &a.query, &filter, a.limit)?;
    Ok(Answer::ok(json!({"hits": hits})))
}

/// The context bundle as `modreg context --json` prints it; `Err(minimum)` inside when it
/// cannot fit `max_tokens`.
pub fn context_json(state: &mut State, a: &GetContext) -> Result<String, Error> {
    let ctx = state.context();
    let location = ctx.locate()?;
    let git = bundle::git_state(&ctx.cwd, &location.root).ok().flatten();
    let loaded = state.fresh()?;
    let report = loaded.validation().clone();
    let reg = &loaded.reg;
    let query = Query { focus: a.module.clone().map(|id| (id, a.depth)) };
    let (mut b, modules) = bundle::build(reg, &report, git.as_ref(), &query, ctx.now)?;
    let format = output::context::Format::Json;
    match output::context::fit(&mut b, &modules, DetailLevel::Full, a.max_tokens, format) {
        Ok(parts) => Ok(parts.concat()),
        Err(short) => Err(Error::Usage(format!(
            "the context does not fit in {} tokens: with every module at `ids` it is still about {}\nhint: raise \
             max_tokens to at least {1}, or narrow it with module and depth",
            a.max_tokens.unwrap_or_default(),
            short.minimum
        ))),
    }
}

fn get_context(state: &mut State, a: &GetContext) -> Result<Answer, Error> {
    let text = context_json(state, a)?;
    let structured = serde_json::from_str(&text).map_err(|e| Error::Other(format!("context bundle: {e}")))?;
    Ok(Answer { text, structured, is_error: false })
}

fn dependencies(state: &mut State, a: &Dependencies) -> Result<Answer, Error> {
    let reg = &state.fresh()?.reg;
    let query = deps::Query {
        id: a.id.clone(),
        reverse: a.reverse,
        transitive: a.transitive,
        depth: a.depth,
        relations: a.relations.clone(),
    };
    Ok(Answer::ok(to_value(&deps::build(reg, &query)?)))
}

fn validate(state: &mut State, a: &Validate) -> Result<Answer, Error> {
    if let Some(manifest) = &a.manifest {
        return register_text(state, manifest, a.allow_similar, true);
    }
    let cwd = state.settings.cwd.clone();
    let loaded = state.fresh()?;
    let report = loaded.validation();
    let diags: Vec<Diagnostic> = report
        .diagnostics
        .iter()
        .map(|d| Diagnostic { file: discover::shortest(&d.file, &cwd), ..d.clone() })
        .collect();
    Ok(Answer::ok(to_value(&ValidationReport::new(report.manifests.len(), &diags))))
}

fn diff(state: &mut State, a: &Diff) -> Result<Answer, Error> {
    let ctx = state.context();
    let (before, after, base) = crate::commands::diff::sides(&ctx, &a.against, true)?;
    let mut report = diff::diff(&before, &after, base);
    for c in &mut report.changes {
        c.file = discover::shortest(&c.file, &ctx.cwd);
    }
    Ok(Answer::ok(to_value(&report)))
}

fn register_module(state: &mut State, a: &RegisterModule) -> Result<Answer, Error> {
    register_text(state, &a.manifest, a.allow_similar, false)
}

/// `modreg register -` (or `--dry-run`) on `text`.
fn register_text(state: &mut State, text: &str, allow_similar: bool, dry_run: bool) -> Result<Answer, Error> {
    let ctx = state.context();
    let location = if dry_run { ctx.locate()? } else { ctx.locate_for_writing()? };
    let before = Before { report: state.fresh()?.validation().clone(), outcomes: None };
    let request = Request {
        name: &PathBuf::from("<mcp>"),
        bytes: text.as_bytes(),
        allow_similar,
        dry_run,
        threshold: location.settings.register.similarity_threshold,
    };
    let cache_dir = ctx.cache_dir_for(&location);
    Ok(match register::register(&location, cache_dir, before, &request)? {
        Outcome::Registered(done) => Answer::ok(to_value(&done)),
        Outcome::Refused(refused) => Answer::refused(to_value(&refused)),
    })
}

fn record_health(state: &mut State, a: &RecordHealth) -> Result<Answer, Error> {
    let ctx = state.context();
    ctx.locate_for_writing()?;
    let reg = &state.fresh()?.reg;
    let request =
        record::Request { id: &a.id, name: Path::new("<mcp>"), bytes: a.snapshot.as_bytes(), now: ctx.now };
    Ok(match record::record(reg, &request)? {
        record::Outcome::Recorded(done) => Answer::ok(to_value(&done)),
        record::Outcome::Refused(refused) => Answer::refused(to_value(&refused)),
    })
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("a report serialises")
}
