//! `modreg list`: the flags become a [`ListFilter`]; `report::list` builds the rows and `output`
//! renders them.

use crate::Error;
use crate::cli::{ListArgs, ListFormat};
use crate::context::Context;
use crate::output::{self, Output};
use crate::report::list::{self, ListFilter};

pub fn run(ctx: &Context, args: &ListArgs) -> Result<Output, Error> {
    let reg = ctx.registry()?;
    let rows = list::rows(reg, &filter(args), ctx.now);
    let stdout = match args.format {
        ListFormat::Table => output::list::render_table(&rows),
        ListFormat::Json => output::json(&rows),
        ListFormat::Yaml => output::yaml::render(&rows),
        ListFormat::Csv => output::list::render_csv(&rows)?,
    };
    let mut out = Output::data(stdout);
    if let Some(note) = output::broken_note(&reg.broken)
        && !ctx.quiet
    {
        out = out.note(note);
    }
    Ok(out)
}

fn filter(args: &ListArgs) -> ListFilter {
    ListFilter {
        statuses: args.status.clone(),
        types: args.module_type.clone(),
        tags: args.tag.clone(),
        owners: args.owner.clone(),
    }
}
