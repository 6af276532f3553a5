//! `modreg show ID`: `report::show` builds the page, `output` renders it.

use crate::Error;
use crate::cli::{ShowArgs, ShowFormat};
use crate::context::Context;
use crate::output::{self, Output};
use crate::report::show;

pub fn run(ctx: &Context, args: &ShowArgs) -> Result<Output, Error> {
    let reg = ctx.registry()?;
    let report = show::build(reg, &args.id, ctx.now)?;
    let stdout = match args.format {
        ShowFormat::Json => output::json(&report),
        ShowFormat::Yaml => output::yaml::render(&report),
        ShowFormat::Text => output::show::render_text(&report, ctx.color_stdout),
    };
    Ok(Output::data(stdout))
}
