//! `modreg health record ID FILE|-`: validate a snapshot and write it atomically (SPEC §3, §7).

use crate::Error;
use crate::cli::HealthRecordArgs;
use crate::context::Context;
use crate::output::Output;

pub fn run(_ctx: &Context, _args: &HealthRecordArgs) -> Result<Output, Error> {
    Err(Error::Other("not built yet".to_owned()))
}
