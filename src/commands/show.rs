//! `modreg show ID`: `report::show` builds the page, `output` renders it.

use std::path::Path;

use crate::Error;
use crate::cli::{ShowArgs, ShowFormat};
use crate::context::Context;
use crate::output::{self, Output};
use crate::registry::discover;
use crate::report::{changes, show};

pub fn run(ctx: &Context, args: &ShowArgs) -> Result<Output, Error> {
    // The git pass walks only the directory named like the module (where it lives unless
    // `validate` says otherwise), beside the load.
    let location = ctx.locate()?;
    let (root, cache) = (&location.root, ctx.cache_dir_for(&location));
    let (reg, git) =
        changes::alongside(&ctx.cwd, root, &[args.id.as_str()], cache.as_deref(), || ctx.registry());
    let reg = reg?;
    let mut report = show::build(reg, &args.id, ctx.now)?;
    let mut notes = Vec::new();
    report.git = match git {
        Ok(None) => None,
        Ok(Some(found)) => {
            let module = &reg.modules[reg.require(&args.id)?];
            match changes::figures_of(&found, module, &[args.id.as_str()]) {
                Some(figures) => Some(figures),
                // Its directory is named otherwise: walk that one.
                None => match changes::read(&ctx.cwd, root, &[module.dir_name.as_str()], cache.as_deref()) {
                    Ok(again) => again.map(|c| c.of(module)),
                    Err(e) => {
                        notes.push(changes::left_out_note(&e));
                        None
                    }
                },
            }
        }
        Err(e) => {
            notes.push(changes::left_out_note(&e));
            None
        }
    };
    // Paths in their shortest form from the current directory (SPEC §8): `docs/usage.md` from
    // inside the module, not `../crm/docs/usage.md`.
    let shortest = |p: &str| discover::shortest(Path::new(p), &ctx.cwd).display().to_string();
    report.path = shortest(&report.path);
    for f in &mut report.docs.files {
        f.path = shortest(&f.path);
    }
    let stdout = match args.format {
        ShowFormat::Json => output::json(&report),
        ShowFormat::Yaml => output::yaml::render(&report),
        ShowFormat::Text => output::show::render_text(&report, ctx.color_stdout),
    };
    Ok(Output::data(stdout).notes(notes, ctx.quiet))
}
