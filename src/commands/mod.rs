//! One file per subcommand, the edge where clap ends: each turns its `Args` into the plain query
//! a library module takes (`ListFilter`, `graph::deps::Query`, `Selection`), asks it for a typed
//! report, and picks the renderer in `output` by `--format`. None of them prints, and nothing
//! below them sees a clap type.

pub mod completions;
pub mod context;
pub mod deps;
pub mod diff;
pub mod explain;
pub mod generate;
pub mod graph;
pub mod health;
pub mod history;
pub mod init;
pub mod list;
pub mod mcp;
pub mod new;
pub mod register;
pub mod schema;
pub mod search;
pub mod show;
pub mod site;
pub mod stats;
pub mod validate;

use crate::Error;
use crate::cli::Command;
use crate::context::Context;
use crate::output::Output;
use crate::registry::Registry;
use crate::report::changes::{self, Changes};

pub fn dispatch(command: Command, ctx: &Context) -> Result<Output, Error> {
    match command {
        Command::List(args) => list::run(ctx, &args),
        Command::Show(args) => show::run(ctx, &args),
        Command::Validate(args) => validate::run(ctx, &args),
        Command::New(args) => new::run(ctx, &args),
        Command::Register(args) => register::run(ctx, &args),
        Command::Init(args) => init::run(ctx, &args),
        Command::Graph(args) => graph::run(ctx, &args),
        Command::Deps(args) => deps::run(ctx, &args),
        Command::Stats(args) => stats::run(ctx, &args),
        Command::Context(args) => context::run(ctx, &args),
        Command::Search(args) => search::run(ctx, &args),
        Command::Diff(args) => diff::run(ctx, &args),
        Command::Site(args) => site::run(ctx, &args),
        Command::Mcp(args) => mcp::run(ctx, &args),
        Command::Health(crate::cli::HealthCommand::Record(args)) => health::run(ctx, &args),
        Command::Health(crate::cli::HealthCommand::History(args)) => history::run(ctx, &args),
        Command::Schema(args) => Ok(schema::run(&args)),
        Command::Completions(args) => Ok(completions::run(&args)),
        Command::Generate(what) => generate::run(&what),
        Command::Explain(args) => explain::run(ctx, &args),
    }
}

/// The registry, with every module's git figures read beside its load (`list`, `stats`,
/// `site`). When git cannot give them, the figures are left out and `notes` says why.
fn registry_with_changes<'c>(
    ctx: &'c Context,
    notes: &mut Vec<String>,
) -> Result<(&'c Registry, Option<Changes>), Error> {
    let location = ctx.locate()?;
    let cache = ctx.cache_dir_for(&location);
    let (reg, git) = changes::alongside(&ctx.cwd, &location.root, &[], cache.as_deref(), || ctx.registry());
    let changes = git.unwrap_or_else(|e| {
        notes.push(changes::left_out_note(&e));
        None
    });
    Ok((reg?, changes))
}
