//! The rmcp edge: the server's capabilities, tool / resource / prompt listings, and dispatch into
//! [`tools`]. A handler never fails a request for what the registry says: tool errors are tool
//! results marked `isError`; only an unknown resource or prompt is a protocol error.

use std::sync::{Arc, Mutex, MutexGuard};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, GetPromptRequestParams,
    GetPromptResponse, GetPromptResult, Implementation, ListPromptsResult, ListResourceTemplatesResult,
    ListResourcesResult, ListToolsResult, PaginatedRequestParams, Prompt, PromptArgument, PromptMessage,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource, ResourceContents,
    ResourceTemplate, Role, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{Value, json};

use super::Settings;
use super::state::State;
use super::tools::{self, Answer, GetContext, TOOLS};
use crate::model::SchemaName;
use crate::registry::MANIFEST_FILE;
use crate::search::Filter;

const MODULE_PREFIX: &str = "modreg://modules/";
const SCHEMA_PREFIX: &str = "modreg://schemas/";
const CONTEXT_URI: &str = "modreg://context";
const SCHEMAS: [SchemaName; 4] =
    [SchemaName::Module, SchemaName::Health, SchemaName::Context, SchemaName::Settings];

pub struct Server {
    state: Arc<Mutex<State>>,
    allow_writes: bool,
}

impl Server {
    pub fn new(settings: Settings) -> Server {
        let allow_writes = settings.allow_writes;
        Server { state: Arc::new(Mutex::new(State::new(settings))), allow_writes }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held left no half-written state worth refusing over.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn tools(&self) -> Vec<Tool> {
        TOOLS
            .iter()
            .filter(|t| self.allow_writes || t.read_only)
            .map(|t| {
                let schema = |v: Value| Arc::new(v.as_object().cloned().unwrap_or_default());
                Tool::new(
                    t.name,
                    t.description,
                    schema(serde_json::to_value((t.input)()).unwrap_or_default()),
                )
                .with_raw_output_schema(schema((t.output)()))
                .with_annotations(
                    ToolAnnotations::new()
                        .read_only(t.read_only)
                        .destructive(t.destructive)
                        .idempotent(t.idempotent)
                        .open_world(false),
                )
            })
            .collect()
    }
}

fn result(answer: Answer) -> CallToolResult {
    let mut r = if answer.is_error {
        CallToolResult::error(vec![ContentBlock::text(answer.text)])
    } else {
        CallToolResult::success(vec![ContentBlock::text(answer.text)])
    };
    r.structured_content = Some(answer.structured);
    r
}

fn not_found(what: &str) -> McpError {
    McpError::resource_not_found(what.to_owned(), None)
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().enable_resources().enable_prompts().build())
            .with_server_info(Implementation::new("modreg", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "modreg: the registry of this project's software modules. Before creating a module, call \
                 search_modules (or the before_creating_a_module prompt) to find one to reuse, and get_context \
                 for the endpoints, data models and events already taken. Check a new manifest with validate \
                 before registering it.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(self.tools()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools().into_iter().find(|t| t.name == name)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let args = request.arguments.map(Value::Object).unwrap_or(Value::Null);
        let answer = tools::call(&mut self.state(), &request.name, args);
        Ok(result(answer).into())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let mut state = self.state();
        let mut out = vec![
            Resource::new(CONTEXT_URI, "context")
                .with_description("The AI context bundle (as `modreg context --json`)")
                .with_mime_type("application/json"),
        ];
        for name in SCHEMAS {
            out.push(
                Resource::new(
                    format!("{SCHEMA_PREFIX}{}", name.as_str()),
                    format!("{} schema", name.as_str()),
                )
                .with_description(format!("The JSON Schema of {}", name.file_name()))
                .with_mime_type("application/schema+json"),
            );
        }
        // A registry that does not load still serves the context and schemas resources.
        if let Ok(loaded) = state.fresh() {
            for m in loaded.reg.modules.iter().filter(|m| !m.is_broken()) {
                out.push(
                    Resource::new(format!("{MODULE_PREFIX}{}", m.id()), m.id())
                        .with_title(m.m().metadata.name.clone())
                        .with_description(m.m().metadata.description.clone())
                        .with_mime_type("application/yaml"),
                );
            }
        }
        Ok(ListResourcesResult::with_all_items(out))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        Ok(ListResourceTemplatesResult::with_all_items(vec![
            ResourceTemplate::new(format!("{MODULE_PREFIX}{{id}}"), "module")
                .with_description("A module's manifest (module.yaml) by id")
                .with_mime_type("application/yaml"),
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let uri = request.uri;
        let mut state = self.state();
        let (text, mime) = if uri == CONTEXT_URI {
            let args = GetContext { module: None, depth: 1, max_tokens: None };
            let text = tools::context_json(&mut state, &args)
                .map_err(|e| McpError::internal_error(e.to_string(), None))?;
            (text, "application/json")
        } else if let Some(name) = uri.strip_prefix(SCHEMA_PREFIX) {
            let name = SCHEMAS.into_iter().find(|s| s.as_str() == name).ok_or_else(|| not_found(&uri))?;
            (name.render(), "application/schema+json")
        } else if let Some(id) = uri.strip_prefix(MODULE_PREFIX) {
            let cwd = state.settings.cwd.clone();
            let loaded = state.fresh().map_err(|e| McpError::internal_error(e.to_string(), None))?;
            let reg = &loaded.reg;
            let m = reg.get(id).ok_or_else(|| not_found(&uri))?;
            let path = cwd.join(&reg.location.root).join(&m.dir_name).join(MANIFEST_FILE);
            let text =
                std::fs::read_to_string(&path).map_err(|e| McpError::internal_error(e.to_string(), None))?;
            (text, "application/yaml")
        } else {
            return Err(not_found(&uri));
        };
        Ok(ReadResourceResult::new(vec![ResourceContents::text(text, uri).with_mime_type(mime)]).into())
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        Ok(ListPromptsResult::with_all_items(vec![Prompt::new(
            "before_creating_a_module",
            Some(
                "What to read before creating a module: the registered modules most like the description, and \
                 the context bundle around the closest one",
            ),
            Some(vec![
                PromptArgument::new("description")
                    .with_description("What the new module should do")
                    .with_required(true),
            ]),
        )]))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        if request.name != "before_creating_a_module" {
            return Err(McpError::invalid_params(format!("no prompt `{}`", request.name), None));
        }
        let description = request
            .arguments
            .as_ref()
            .and_then(|a| a.get("description"))
            .and_then(Value::as_str)
            .ok_or_else(|| McpError::invalid_params("the prompt takes a `description`", None))?
            .to_owned();
        let mut state = self.state();
        let invalid = |e: crate::Error| McpError::invalid_params(e.to_string(), None);
        let hits = tools::hits(&mut state, &description, &Filter::default(), 5).map_err(invalid)?;
        // The neighbourhood of the closest module, or (no match) the whole registry at ids, in a
        // budget a prompt can afford.
        let args =
            GetContext { module: hits.first().map(|h| h.id.clone()), depth: 1, max_tokens: Some(6000) };
        let context = tools::context_json(&mut state, &args).unwrap_or_else(|e| format!("(no context: {e})"));
        let text = format!(
            "You are about to create a module that should: {description}\n\n\
             1. These registered modules are the most similar (search score 0..1, best first). If one scores high, \
             reuse or extend it instead of creating a duplicate:\n{}\n\n\
             2. The registry around the closest one (the context bundle, JSON). Do not reuse an endpoint, data model \
             name or event another module owns; depend on modules rather than copying them:\n{context}\n\n\
             3. Write the manifest, check it with the `validate` tool (manifest text), then register it.",
            serde_json::to_string_pretty(&json!(hits)).unwrap_or_default()
        );
        Ok(GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
            .with_description(format!("Before creating a module that should: {description}"))
            .into())
    }
}
