//! `modreg deps ID`: the flags become a [`Query`]; `graph::deps` answers it and `output::deps`
//! draws the table.

use crate::Error;
use crate::cli::{DepsArgs, DepsFormat};
use crate::context::Context;
use crate::graph::deps::{self, Query};
use crate::output::{self, Output};

pub fn run(ctx: &Context, args: &DepsArgs) -> Result<Output, Error> {
    let reg = ctx.registry()?;
    let report = deps::build(reg, &query(args))?;
    let stdout = match args.format {
        DepsFormat::Json => output::json(&report),
        DepsFormat::Table => output::deps::render_table(&report),
    };
    let mut out = Output::data(stdout);
    if !ctx.quiet {
        if report.modules.is_empty() && args.format == DepsFormat::Table {
            out = out.note(output::deps::empty_note(&report));
        }
        if let Some(note) = output::broken_note(&reg.broken) {
            out = out.note(note);
        }
    }
    Ok(out)
}

fn query(args: &DepsArgs) -> Query {
    Query {
        id: args.id.clone(),
        reverse: args.reverse,
        transitive: args.transitive,
        depth: args.depth,
        relations: args.relation.clone(),
    }
}
