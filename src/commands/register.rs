//! `modreg register FILE|-`: check a manifest against the whole registry and write it atomically
//! (SPEC §4, §7, §8). The work is `report::register`'s; this reads the input, supplies the
//! baseline report and the similarity search, and renders the outcome: the JSON result on stdout
//! (or, with `--format human`, diagnostics and a line on stderr), exit status 1 on refusal.

use crate::cli::{RegisterArgs, RegisterFormat};
use crate::context::Context;
use crate::output::{self, Output, diagnostics};
use crate::report::input::Input;
use crate::report::register::{self, Before, Outcome, Request};
use crate::{Error, ExitStatus};

pub fn run(ctx: &Context, args: &RegisterArgs) -> Result<Output, Error> {
    // A writing command never invents a registry (and says so before reading any input).
    let location = ctx.locate_for_writing()?;
    let input = Input::from_arg(&args.file);
    let name = input.name();
    let bytes = input.read()?;
    let before = before(ctx)?;
    let request = Request {
        name: &name,
        bytes: &bytes,
        allow_similar: args.allow_similar,
        dry_run: args.dry_run,
        threshold: location.settings.register.similarity_threshold,
    };
    let cache_dir = ctx.cache_dir_for(&location);
    let outcome = register::register(&location, cache_dir, before, &request)?;
    Ok(render(ctx, args, outcome))
}

/// The registry as it is: the cached validation report when no file changed; else a load and a
/// validation, whose per-file outcomes the load with the manifest then reuses, so that without
/// a cache no file is parsed twice.
fn before(ctx: &Context) -> Result<Before, Error> {
    let mut loader = ctx.loader()?;
    loader.keep_outcomes();
    let (report, loaded) = loader.validated(crate::validate::run, false)?;
    if loaded.is_none() {
        return Ok(Before { report, outcomes: None });
    }
    let outcomes = loader.take_outcomes();
    loader.finish();
    Ok(Before { report, outcomes })
}

fn render(ctx: &Context, args: &RegisterArgs, outcome: Outcome) -> Output {
    match outcome {
        Outcome::Registered(done) => {
            let mut out = match args.format {
                RegisterFormat::Json => Output::data(output::json(&done)),
                RegisterFormat::Human => Output {
                    stderr: diagnostics::human(&done.warnings, &done.files, ctx.color_stderr),
                    ..Output::default()
                },
            };
            if !ctx.quiet {
                for s in &done.similar {
                    out = out.note(format!(
                        "note: similar to `{}` ({}, score {:.2}); registered anyway (--allow-similar)",
                        s.id, s.name, s.score
                    ));
                }
                out = out.note(match &done.registered {
                    Some(id) => format!("registered `{id}` at {}", done.path),
                    None => format!(
                        "dry run: `{}` would be registered at {}; nothing was written",
                        done.would_register.as_deref().unwrap_or_default(),
                        done.path
                    ),
                });
            }
            out
        }
        Outcome::Refused(refused) => {
            let n = refused.diagnostics.iter().filter(|d| d.severity == crate::diag::Severity::Error).count();
            let out = match args.format {
                RegisterFormat::Json => Output::data(output::json(&refused)),
                RegisterFormat::Human => Output {
                    stderr: diagnostics::human(&refused.diagnostics, &refused.files, ctx.color_stderr),
                    ..Output::default()
                },
            };
            out.error(
                ctx.color_stderr,
                &format!("refused the manifest: {n} error{}; nothing was written", diagnostics::plural(n)),
            )
            .with_status(ExitStatus::Invalid)
        }
    }
}
