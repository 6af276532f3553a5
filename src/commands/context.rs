//! `modreg context`: the AI context bundle (SPEC §6). The registry and its validation come from
//! one load (the validation report from the cache when nothing changed), the git state is read
//! beside it; `report::context` builds the bundle and plans a token budget, `output::context`
//! renders and prices it.

use crate::cli::{ContextArgs, ContextFormat};
use crate::context::Context;
use crate::output::context::{self as render, Format};
use crate::output::{self, Output};
use crate::report::context::{self, Query};
use crate::{Error, ExitStatus};

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
    match render::fit(&mut bundle, &modules, args.detail, args.max_tokens, format) {
        Ok(text) => Ok(done(ctx, text, &reg.broken, notes)),
        Err(short) => Ok(too_small(ctx, args.max_tokens.unwrap_or_default(), short.minimum)),
    }
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
