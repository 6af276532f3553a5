//! `modreg health record ID FILE|-`: validate a snapshot and write it atomically (SPEC §3, §7).
//! The work is `report::record`'s; this turns the arguments into its request and renders the
//! outcome: on success the JSON report (`--format json`) or nothing on stdout, and one line on
//! stderr; on refusal the located diagnostics, exit status 1.

use crate::cli::{HealthRecordArgs, RecordFormat};
use crate::context::Context;
use crate::output::{self, Output, diagnostics};
use crate::report::record::{self, Input, Outcome, Request};
use crate::{Error, ExitStatus};

pub fn run(ctx: &Context, args: &HealthRecordArgs) -> Result<Output, Error> {
    // A writing command never invents a registry (and says so before reading any input).
    ctx.locate_for_writing()?;
    let input = Input::from_arg(&args.file);
    let name = input.name();
    let bytes = input.read()?;
    let reg = ctx.registry()?;
    let request = Request { id: &args.id, name: &name, bytes: &bytes, now: ctx.now };
    match record::record(reg, &request)? {
        Outcome::Recorded(done) => {
            let mut out = match args.format {
                RecordFormat::Json => Output::data(output::json(&done)),
                RecordFormat::Text => Output::default(),
            };
            if !ctx.quiet {
                let h = &done.health;
                let why =
                    if h.reasons.is_empty() { String::new() } else { format!(" ({})", h.reasons.join("; ")) };
                out = out.note(format!("recorded {}: {}{why}", done.path, h.state.as_str()));
            }
            Ok(out)
        }
        Outcome::Refused(refused) => {
            let n = refused.diagnostics.len();
            let mut out = match args.format {
                RecordFormat::Json => Output::data(output::json(&refused)),
                RecordFormat::Text => Output {
                    stderr: diagnostics::human(&refused.diagnostics, &refused.files, ctx.color_stderr),
                    ..Output::default()
                },
            };
            out = out.error(
                ctx.color_stderr,
                &format!(
                    "refused the snapshot for `{}`: {n} error{}; nothing was written",
                    args.id,
                    diagnostics::plural(n)
                ),
            );
            Ok(out.with_status(ExitStatus::Invalid))
        }
    }
}
