//! `modreg stats`: registry-wide statistics (SPEC §4, §8). The git pass runs beside the registry
//! load; `report::stats` builds the figures and `output::stats` lays out the table.

use crate::Error;
use crate::cli::{StatsArgs, StatsFormat};
use crate::context::Context;
use crate::output::{self, Output};
use crate::report::stats;

pub fn run(ctx: &Context, args: &StatsArgs) -> Result<Output, Error> {
    let mut notes = Vec::new();
    let (reg, changes) = super::registry_with_changes(ctx, &mut notes)?;
    let report = stats::build(reg, ctx.now, changes.as_ref());
    let stdout = match args.format {
        StatsFormat::Table => output::stats::render_table(&report, ctx.color_stdout),
        StatsFormat::Json => output::json(&report),
    };
    notes.extend(output::broken_note(&reg.broken));
    Ok(Output::data(stdout).notes(notes, ctx.quiet))
}
