//! `modreg stats`: registry-wide statistics (SPEC §4, §8).

use crate::Error;
use crate::cli::StatsArgs;
use crate::context::Context;
use crate::output::Output;

pub fn run(_ctx: &Context, _args: &StatsArgs) -> Result<Output, Error> {
    Err(Error::Other("not built yet".to_owned()))
}
