//! `modreg mcp`: the registry as a Model Context Protocol server over stdio (`mcp`). This hands
//! the server the run's settings as plain values and blocks until the client hangs up. Built
//! without the `mcp` feature, it says so.

use crate::Error;
use crate::cli::McpArgs;
use crate::context::Context;
use crate::output::Output;

#[cfg(feature = "mcp")]
pub fn run(ctx: &Context, args: &McpArgs) -> Result<Output, Error> {
    let settings = crate::mcp::Settings {
        cwd: ctx.cwd.clone(),
        registry_flag: ctx.registry_flag.clone(),
        no_cache: ctx.no_cache,
        cache_dir: ctx.cache_dir.clone(),
        // A pinned clock (MODREG_NOW) stays pinned; otherwise every call reads the time.
        pinned_now: std::env::var_os("MODREG_NOW").is_some().then_some(ctx.now),
        allow_writes: args.allow_writes,
    };
    // Say where the registry is (or why it is not) before any client waits on it.
    ctx.locate()?;
    crate::mcp::serve(settings)?;
    Ok(Output::default())
}

#[cfg(not(feature = "mcp"))]
pub fn run(_ctx: &Context, _args: &McpArgs) -> Result<Output, Error> {
    Err(Error::Usage(
        "this modreg was built without the MCP server\nhint: build it with the default features \
         (`cargo install modreg`), or with `--features mcp`"
            .to_owned(),
    ))
}
