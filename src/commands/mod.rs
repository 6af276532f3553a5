//! One file per subcommand. Each takes its clap `Args` and the [`Context`], builds a typed
//! report from the registry, and hands it to a renderer in `output`. None of them prints.

pub mod completions;
pub mod deps;
pub mod explain;
pub mod graph;
pub mod list;
pub mod new;
pub mod schema;
pub mod show;
pub mod validate;

use crate::Error;
use crate::cli::Command;
use crate::context::Context;
use crate::output::Output;

pub fn dispatch(command: Command, ctx: &Context) -> Result<Output, Error> {
    match command {
        Command::List(args) => list::run(ctx, &args),
        Command::Show(args) => show::run(ctx, &args),
        Command::Validate(args) => validate::run(ctx, &args),
        Command::New(args) => new::run(ctx, &args),
        Command::Graph(args) => graph::run(ctx, &args),
        Command::Deps(args) => deps::run(ctx, &args),
        Command::Schema(args) => Ok(schema::run(&args)),
        Command::Completions(args) => Ok(completions::run(&args)),
        Command::Explain(args) => explain::run(ctx, &args),
    }
}

/// The stderr line a data command adds when some manifests could not be loaded.
pub(crate) fn broken_note(reg: &crate::registry::Registry) -> Option<String> {
    (!reg.broken.is_empty()).then(|| {
        format!(
            "warning: {} manifest{} could not be loaded and {} left out: {}\nhint: run `modreg validate` for details",
            reg.broken.len(),
            crate::output::diagnostics::plural(reg.broken.len()),
            if reg.broken.len() == 1 { "is" } else { "are" },
            reg.broken.join(", ")
        )
    })
}
