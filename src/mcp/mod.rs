//! `modreg mcp`: the registry as a Model Context Protocol server over stdio, for coding agents.
//! [`state`] keeps the registry loaded between calls and reloads it only when its files change;
//! [`tools`] answers each tool with the same library calls (and the same JSON) as the matching
//! command; [`server`] is the rmcp edge: tool, resource and prompt listings and dispatch.
//!
//! The only async code in modreg: a current-thread tokio runtime lives for the life of the
//! command; registry work runs synchronously, one request at a time. Nothing here prints: stdout
//! is the protocol's.

mod server;
pub mod state;
mod tools;

use std::path::PathBuf;

use crate::Error;

/// What the server needs of the run, as plain values (the `Context` of a command is per run; a
/// server lives across many).
#[derive(Debug, Clone)]
pub struct Settings {
    pub cwd: PathBuf,
    pub registry_flag: Option<PathBuf>,
    pub no_cache: bool,
    pub cache_dir: Option<PathBuf>,
    /// The clock, when pinned (`MODREG_NOW`); else each call reads it.
    pub pinned_now: Option<jiff::Timestamp>,
    /// Offer the writing tools (`register_module`, `record_health`).
    pub allow_writes: bool,
}

/// Serve until the client closes stdin.
pub fn serve(settings: Settings) -> Result<(), Error> {
    use rmcp::ServiceExt as _;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Other(format!("cannot start the MCP server: {e}")))?;
    runtime.block_on(async move {
        let service = server::Server::new(settings)
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| Error::Other(format!("MCP handshake failed: {e}")))?;
        service.waiting().await.map_err(|e| Error::Other(format!("MCP server stopped: {e}")))?;
        Ok(())
    })
}
