//! One integration-test binary for the whole CLI: a module per command, sharing `util`.

mod cache;
mod cli_shape;
mod context;
mod cycles;
mod deps;
mod diff;
mod explain;
mod fixtures;
mod formats;
mod generate;
mod graph;
mod history;
mod hostile_text;
mod init;
mod layering;
mod list;
#[cfg(feature = "mcp")]
mod mcp;
mod modes;
mod new;
mod partial;
mod paths;
mod record;
mod register;
mod schema;
mod search;
mod show;
mod site;
mod sources;
mod stats;
mod util;
mod validate;
mod yaml_front;
