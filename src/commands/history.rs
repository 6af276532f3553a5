//! `modreg health history ID`: the committed snapshots of a module over time, from git.

use crate::Error;
use crate::cli::HealthHistoryArgs;
use crate::context::Context;
use crate::output::Output;

pub fn run(_ctx: &Context, _args: &HealthHistoryArgs) -> Result<Output, Error> {
    Err(Error::Other("not built yet".to_owned()))
}
