//! `modreg site`: the registry as a static website. The git passes (last change per module,
//! health snapshots over time) run here beside the load; `site` plans, renders and writes the
//! pages; `output::progress` draws the bar.

use std::collections::BTreeMap;

use crate::Error;
use crate::cli::SiteArgs;
use crate::context::Context;
use crate::output::{self, Output};
use crate::report::history;
use crate::site::{self, Inputs};

pub fn run(ctx: &Context, args: &SiteArgs) -> Result<Output, Error> {
    let mut notes = Vec::new();
    let (reg, changes) = super::registry_with_changes(ctx, &mut notes)?;
    let location = ctx.locate()?;
    // Health over time, for the modules with a snapshot, when the registry is in git.
    let mut histories = BTreeMap::new();
    if changes.is_some() {
        let ids: Vec<&str> =
            reg.modules.iter().filter(|m| m.health.is_some() && !m.is_broken()).map(|m| m.id()).collect();
        if !ids.is_empty()
            && let Ok((repo, prefix)) = history::repository(&location.root, &ctx.cwd)
        {
            match history::build_many(&repo, &prefix, &ids) {
                Ok(found) => histories = found,
                Err(e) => notes.push(format!("warning: health history left out: {e}")),
            }
        }
    }
    let inputs =
        Inputs { reg, now: ctx.now, changes: changes.as_ref(), histories: &histories, title: &args.title };
    let out = ctx.cwd.join(&args.output);
    let total = reg.modules.iter().filter(|m| !m.is_broken()).count() as u64 + 5;
    let bar = output::progress::bar(total, "writing site", ctx.quiet);
    let summary = site::write(&inputs, &out, &|n| bar.set_position(n));
    bar.finish_and_clear();
    let summary = summary?;
    let mut line = format!(
        "wrote {} pages ({} modules, {:.1} MB) to {}",
        summary.pages,
        summary.modules,
        summary.bytes as f64 / 1_000_000.0,
        args.output.display()
    );
    if summary.graph_nodes < summary.modules {
        line.push_str(&format!("; the graph page draws the {} most connected modules", summary.graph_nodes));
    }
    notes.push(line);
    notes.extend(output::broken_note(&reg.broken));
    Ok(Output::default().notes(notes, ctx.quiet))
}
