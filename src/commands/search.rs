//! `modreg search`: the flags become a [`Filter`]; `search::Index` ranks the registry and
//! `output::search` renders the hits.

use crate::Error;
use crate::cli::{SearchArgs, SearchFormat};
use crate::context::Context;
use crate::output::{self, Output};
use crate::search::{self, Filter, Index};

pub fn run(ctx: &Context, args: &SearchArgs) -> Result<Output, Error> {
    let query = args.query.join(" ");
    if !search::has_terms(&query) {
        return Err(Error::Usage(format!(
            "the query `{}` has no word to search for\nhint: describe what the module does, e.g. \
             `modreg search \"send invoices to customers\"`",
            query.trim()
        )));
    }
    let reg = ctx.registry()?;
    let filter = Filter { status: args.status.clone(), module_type: args.module_type.clone() };
    let hits = Index::build(reg).search(&query, &filter, args.limit);
    let mut notes = Vec::new();
    let stdout = match args.format {
        SearchFormat::Table => {
            if hits.is_empty() {
                notes.push(output::search::no_match_note(&query));
            }
            output::search::render_table(&hits)
        }
        SearchFormat::Json => output::json(&hits),
    };
    notes.extend(output::broken_note(&reg.broken));
    Ok(Output::data(stdout).notes(notes, ctx.quiet))
}
