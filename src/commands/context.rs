//! `modreg context`: the AI context bundle (SPEC §6). The registry and its validation come from
//! one load (the validation report from the cache when nothing changed), the git state is read
//! beside it; `report::context` builds the bundle and plans a token budget, `output::context`
//! renders and prices it.

use crate::cli::{ContextArgs, ContextFormat};
use crate::context::Context;
use crate::output::context::{self as render, Format};
use crate::output::{self, Output};
use crate::report::context::{self, DetailLevel, IndexScope, Query};
use crate::{Error, ExitStatus};

/// How many times a plan is tightened when the rendered document overshoots what its parts
/// priced (the parts meet where the estimate is not exactly additive, so it is rare and small).
const REPLANS: usize = 4;

pub fn run(ctx: &Context, args: &ContextArgs) -> Result<Output, Error> {
    let format = match (args.json, args.format) {
        (true, Some(ContextFormat::Markdown)) => {
            return Err(Error::Usage(
                "--json is --format json; it cannot go with --format markdown\nhint: drop one of them"
                    .to_owned(),
            ));
        }
        (true, _) | (false, Some(ContextFormat::Json)) => Format::Json,
        (false, _) => Format::Markdown,
    };
    let location = ctx.locate()?;
    let (cwd, root) = (&ctx.cwd, &location.root);
    let (loaded, git) = std::thread::scope(|scope| {
        let git = scope.spawn(move || context::git_state(cwd, root));
        let loaded = ctx.registry_with_validation();
        (loaded, git.join())
    });
    let (reg, report) = loaded?;
    let mut notes = Vec::new();
    let git = match git {
        Ok(Ok(state)) => state,
        Ok(Err(e)) => {
            notes.push(format!("warning: git state left out: {e}"));
            None
        }
        Err(_) => None,
    };
    let query = Query { focus: args.module.clone().map(|id| (id, args.depth)) };
    let (mut bundle, modules) = context::build(reg, &report, git.as_ref(), &query, ctx.now)?;
    let mut levels = vec![args.detail; modules.len()];

    if let Some(max) = args.max_tokens {
        bundle.max_tokens = Some(max);
        let prices = prices(&modules, &levels, format);
        let relevance = modules.relevance();
        let mut fixed = render::fixed(&mut bundle, format);
        let mut budget = max;
        let mut tries = 0;
        while tries < REPLANS {
            let planned = match context::plan(&relevance, fixed, &prices, budget) {
                Ok(planned) => planned,
                // With a focus, the last resort: the indexes keep only the entries that name a
                // module of the neighbourhood (with every module sharing them).
                Err(_) if query.focus.is_some() && bundle.indexes.scope == IndexScope::Registry => {
                    bundle.indexes.narrow(&modules.ids());
                    fixed = render::fixed(&mut bundle, format);
                    budget = max;
                    continue;
                }
                Err(short) => return Ok(too_small(ctx, max, short.minimum)),
            };
            tries += 1;
            levels = planned.into_iter().map(|l| l.min(args.detail)).collect();
            bundle.detail_level = lowest(&levels);
            let text = render::render(&mut bundle, &modules, &levels, format);
            if bundle.estimated_tokens <= max {
                return Ok(done(ctx, text, &reg.broken, notes));
            }
            budget = budget.saturating_sub(bundle.estimated_tokens - max);
        }
        return Ok(too_small(ctx, max, bundle.estimated_tokens));
    }
    bundle.detail_level = lowest(&levels);
    let text = render::render(&mut bundle, &modules, &levels, format);
    Ok(done(ctx, text, &reg.broken, notes))
}

/// The bundle's `detail_level`: the lowest any module has.
fn lowest(levels: &[DetailLevel]) -> DetailLevel {
    levels.iter().copied().min().unwrap_or(DetailLevel::Full)
}

/// Every module's price at each level (none above its cap in `levels`), in parallel; each
/// module is built once and dropped when priced.
fn prices(modules: &context::Modules<'_>, levels: &[DetailLevel], format: Format) -> Vec<[usize; 3]> {
    use rayon::prelude::*;
    (0..modules.len())
        .into_par_iter()
        .map(|k| {
            let mut m = modules.get(k);
            m.cut(levels[k]);
            let full = render::price(&m, format);
            m.cut(DetailLevel::Summary);
            let summary = render::price(&m, format);
            m.cut(DetailLevel::Ids);
            [render::price(&m, format), summary, full]
        })
        .collect()
}

fn done(ctx: &Context, parts: Vec<String>, broken: &[String], mut notes: Vec<String>) -> Output {
    notes.extend(output::broken_note(broken));
    Output::data_parts(parts).notes(notes, ctx.quiet)
}

fn too_small(ctx: &Context, max: usize, minimum: usize) -> Output {
    Output::default().with_status(ExitStatus::Invalid).error(
        ctx.color_stderr,
        &format!(
            "the context does not fit in {max} tokens: with every module at `ids` it is still about {minimum}\n\
             hint: raise --max-tokens to at least {minimum}, or narrow it with --module ID --depth N (with \
             --module, the indexes are cut to the neighbourhood's entries before this is reported)"
        ),
    )
}
