//! modreg: a command-line tool over a git-tracked registry of software modules.
//!
//! Data flows one way, each layer depending only on those below it:
//! - [`yaml`] turns bytes into JSON values with a span for every node, or into a typed value
//!   straight from YAML events (the only module that knows the YAML crate);
//! - [`diag`] holds diagnostics (stable codes, severities) and the source map that locates
//!   them and draws their snippets, wherever the file came from;
//! - [`model`] holds the file formats as serde + schemars types (the schemas in `schemas/` are
//!   generated from them); [`schema`] checks files against them, and embedded schemas;
//! - [`registry`] finds the registry, reads it from a source (the working tree, a git revision,
//!   a candidate overlay), runs the per-file phase in parallel behind the parse cache, and
//!   builds the indexes; [`git`] is the only module that runs `git`;
//! - [`validate`] and [`graph`] work on the loaded registry, [`diff`] on two of them;
//!   [`report`] builds what `list` and `show` present from it (with [`health`]); [`search`]
//!   ranks its modules against a text;
//! - [`output`] renders typed reports in the chosen `--format`; [`site`] renders the whole
//!   registry as a static website (`modreg site`);
//! - [`commands`] (one file per subcommand) turn clap arguments into plain queries for the
//!   layers below and pick a renderer; [`cli`] is the clap edge. Nothing else knows clap
//!   (`tests/cli/layering.rs` holds to that).
//!
//! Only `main.rs` writes to the terminal; [`run`] returns what to write.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod cli;
pub mod commands;
pub mod context;
pub mod diag;
pub mod diff;
pub mod error;
pub mod fsutil;
pub mod git;
pub mod graph;
pub mod health;
#[cfg(feature = "mcp")]
pub mod mcp;
pub mod model;
pub mod output;
pub mod registry;
pub mod report;
pub mod schema;
pub mod search;
pub mod site;
pub mod suggest;
pub mod validate;
pub mod yaml;

pub use error::{Error, ExitStatus};

use context::Context;
use output::Output;

/// Run one parsed command line. Errors become an `Output` with a message and status 1 or 2.
pub fn run(cli: cli::Cli, ctx: &Context) -> Output {
    match commands::dispatch(cli.command, ctx) {
        Ok(out) => out,
        Err(err) => error_output(&err, ctx),
    }
}

fn error_output(err: &Error, ctx: &Context) -> Output {
    let out = Output::default().with_status(err.exit_status());
    match err {
        Error::Invalid(diags) => {
            let mut o = out;
            o.stderr = output::diagnostics::human(diags, &diag::Files::disk(), ctx.color_stderr);
            o
        }
        other => out.error(ctx.color_stderr, &other.to_string()),
    }
}
