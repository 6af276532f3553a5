//! One integration-test binary for the whole CLI: a module per command, sharing `util`.

mod cache;
mod cli_shape;
mod cycles;
mod deps;
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
mod modes;
mod new;
mod partial;
mod paths;
mod record;
mod schema;
mod show;
mod sources;
mod stats;
mod util;
mod validate;
mod yaml_front;
