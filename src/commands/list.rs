//! `modreg list`: the flags become a [`ListFilter`]; `report::list` builds the rows and `output`
//! renders them.

use crate::Error;
use crate::cli::{ListArgs, ListFormat};
use crate::context::Context;
use crate::output::{self, Output};

use crate::report::list::{self, ListFilter};

pub fn run(ctx: &Context, args: &ListArgs) -> Result<Output, Error> {
    // The data formats carry each module's last change from git; the table and CSV stay as
    // they were, and run no git at all.
    let mut notes = Vec::new();
    let (reg, changes) = if matches!(args.format, ListFormat::Json | ListFormat::Yaml) {
        super::registry_with_changes(ctx, &mut notes)?
    } else {
        (ctx.registry()?, None)
    };
    let rows = list::rows(reg, &filter(args), ctx.now, changes.as_ref());
    let stdout = match args.format {
        ListFormat::Table => output::list::render_table(&rows),
        ListFormat::Json => output::json(&rows),
        ListFormat::Yaml => output::yaml::render(&rows),
        ListFormat::Csv => output::list::render_csv(&rows)?,
    };
    notes.extend(output::broken_note(&reg.broken));
    Ok(Output::data(stdout).notes(notes, ctx.quiet))
}

fn filter(args: &ListArgs) -> ListFilter {
    ListFilter {
        statuses: args.status.clone(),
        types: args.module_type.clone(),
        tags: args.tag.clone(),
        owners: args.owner.clone(),
    }
}
