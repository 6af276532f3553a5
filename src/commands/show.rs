//! `modreg show ID`: `report::show` builds the page, `output` renders it.

use std::path::Path;

use crate::Error;
use crate::cli::{ShowArgs, ShowFormat};
use crate::context::Context;
use crate::output::{self, Output};
use crate::registry::discover;
use crate::report::show;

pub fn run(ctx: &Context, args: &ShowArgs) -> Result<Output, Error> {
    let reg = ctx.registry()?;
    let mut report = show::build(reg, &args.id, ctx.now)?;
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
    Ok(Output::data(stdout))
}
