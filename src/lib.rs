//! modreg: a command-line tool over a git-tracked registry of software modules.
//!
//! Data flows one way:
//! - [`yaml`] turns bytes into JSON values with a span for every node (the only module that
//!   knows the YAML crate);
//! - [`model`] holds the file formats as serde + schemars types (the schemas in `schemas/` are
//!   generated from them);
//! - [`registry`] finds the registry, loads every manifest in parallel and builds the indexes;
//! - [`validate`] runs the checks and produces located [`validate::Diagnostic`]s;
//! - [`commands`] (one file per subcommand) build typed reports;
//! - [`output`] renders them in the chosen `--format`.
//!
//! Only `main.rs` writes to the terminal; [`run`] returns what to write.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod cli;
pub mod commands;
pub mod context;
pub mod error;
pub mod fsutil;
pub mod graph;
pub mod health;
pub mod model;
pub mod output;
pub mod registry;
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
            o.stderr = output::diagnostics::human(diags, ctx.color_stderr);
            o
        }
        other => {
            let prefix = output::style::paint(ctx.color_stderr, output::style::ERROR, "error");
            out.note(format!("{prefix}: {other}"))
        }
    }
}
