//! `modreg health history ID`: the committed snapshots of a module over time, from git.
//! `report::history` reads and parses them; `output::history` draws the table.

use crate::Error;
use crate::cli::{HealthHistoryArgs, HistoryFormat};
use crate::context::Context;
use crate::output::{self, Output};
use crate::registry::MANIFEST_FILE;
use crate::report::history::{self, Query};

pub fn run(ctx: &Context, args: &HealthHistoryArgs) -> Result<Output, Error> {
    let since = args.since.as_deref().map(history::parse_since).transpose()?;
    let location = ctx.locate()?;
    let root = ctx.cwd.join(&location.root);
    if !root.is_dir() {
        // The registry's own "no registry here" error, with its hint.
        ctx.registry()?;
    }
    let id = &args.id;
    if !history::is_module_name(id) {
        return Err(ctx.registry()?.unknown_module(id));
    }
    let (repo, prefix) = history::repository(&location.root, &ctx.cwd)?;
    let report = history::build(&repo, &prefix, &Query { id: id.clone(), since })?;
    // A module is one in the working tree, or one whose snapshot git remembers (it may have
    // been removed since): anything else is a typo, and the registry knows the nearest id.
    if report.committed() == 0 && !root.join(id).join(MANIFEST_FILE).is_file() {
        return Err(ctx.registry()?.unknown_module(id));
    }
    let stdout = match args.format {
        HistoryFormat::Json => output::json(&report),
        HistoryFormat::Table => output::history::render_table(&report),
    };
    let mut out = Output::data(stdout);
    if !ctx.quiet {
        for note in output::history::notes(&report) {
            out = out.note(note);
        }
    }
    Ok(out)
}
