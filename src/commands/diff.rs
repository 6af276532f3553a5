//! `modreg diff [--against REF|DIR]`: loads the base (a git revision straight from the object
//! store, parsing only the files that differ from the working tree; or another registry
//! directory) beside the working tree, asks `diff` for the report, and renders it. `--fail-on`
//! turns the worst level found into the exit status.

use std::path::{Path, PathBuf};

use crate::cli::{DiffArgs, DiffFormat, FailOn};
use crate::context::Context;
use crate::diff::{self, Base, DiffReport, Level};
use crate::git::Repo;
use crate::output::{self, Output};
use crate::registry::{GitTree, Loader, Registry, Source, discover};
use crate::{Error, ExitStatus};

use super::validate::{GITHUB_STEP_SUMMARY, absolute, append, repo_root};

pub fn run(ctx: &Context, args: &DiffArgs) -> Result<Output, Error> {
    let (before, after, base) = sides(ctx, &args.against, true)?;
    let mut report = diff::diff(&before, &after, base);
    relocate(ctx, &mut report, args.format);

    let stdout = match args.format {
        DiffFormat::Text => output::diff::text(&report, ctx.color_stdout),
        DiffFormat::Markdown => output::diff::markdown(&report),
        DiffFormat::Json => output::json(&report),
        DiffFormat::Github => {
            if let Some(path) = std::env::var_os(GITHUB_STEP_SUMMARY).filter(|p| !p.is_empty()) {
                append(Path::new(&path), &output::diff::markdown(&report))?;
            }
            output::diff::github(&report)
        }
    };
    let mut out = Output::data(stdout);
    if !ctx.quiet && !report.changes.is_empty() {
        out = out.note(output::diff::summary(&report));
    }
    let threshold = match args.fail_on {
        FailOn::Breaking => Some(Level::Breaking),
        FailOn::Warning => Some(Level::Warning),
        FailOn::Any => Some(Level::Info),
        FailOn::None => None,
    };
    let failed = threshold.zip(report.worst()).is_some_and(|(t, worst)| worst >= t);
    Ok(out.with_status(if failed { ExitStatus::Invalid } else { ExitStatus::Success }))
}

/// The base (`against`: a directory, else a git revision) and the working tree, loaded.
///
/// Against a revision, with `reuse`, no file is parsed twice: while the working tree loads
/// (keeping each file's outcome), git lists the base and says which files differ from it in the
/// working tree (from the index's stat cache, without reading unchanged files); the base then
/// takes the working tree's outcome of every other file and reads and parses only the blobs
/// that differ (and the files the working tree lacks). A file's outcome depends only on its
/// bytes, so the report is the same either way; `reuse` is off only in tests that check that.
/// Should git not say, every blob is parsed.
pub fn sides(ctx: &Context, against: &str, reuse: bool) -> Result<(Registry, Registry, Base), Error> {
    let location = ctx.locate()?;
    // An existing directory is a registry to compare with; anything else is a revision.
    let dir = ctx.cwd.join(against);
    if dir.is_dir() {
        // A project directory (with modreg.yaml, or a registry/ inside) or the registry itself.
        let base_location = if dir.join(discover::SETTINGS_FILE).is_file() {
            let found = discover::discover(None, &dir)?;
            discover::Location { root: dir.join(&found.root), ..found }
        } else if dir.join("registry").is_dir() {
            discover::discover(Some(&dir.join("registry")), &ctx.cwd)?
        } else {
            discover::discover(Some(&dir), &ctx.cwd)?
        };
        let mut base_loader = Loader::new(base_location, Source::WorkTree, None)?;
        let mut work_loader = ctx.loader()?;
        let (before, after) = rayon::join(|| base_loader.load(), || work_loader.load());
        work_loader.finish();
        return Ok((before?, after?, Base::Dir(PathBuf::from(against))));
    }
    let tree = git_tree(&location.root, against)?;
    let base = Base::Git { rev: against.to_owned(), commit: tree.commit.clone() };
    if !reuse {
        let mut base_loader = Loader::new(location, Source::Git(tree), None)?;
        let mut work_loader = ctx.loader()?;
        // Both sides at once: `git cat-file` streams blobs while the working tree is parsed.
        let (before, after) = rayon::join(|| base_loader.load(), || work_loader.load());
        work_loader.finish();
        return Ok((before?, after?, base));
    }
    let mut work_loader = ctx.loader()?;
    work_loader.keep_outcomes();
    let ((base_loader, changed), after) = rayon::join(
        || {
            let changed = tree.changed_in_work_tree();
            (Loader::new(location, Source::Git(tree), None), changed)
        },
        || work_loader.load(),
    );
    let mut base_loader = base_loader?;
    let after = after?;
    if let (Some(mut outcomes), Ok(changed)) = (work_loader.take_outcomes(), changed) {
        outcomes.forget(changed.iter().map(PathBuf::as_path));
        base_loader.reuse(outcomes);
    }
    work_loader.finish();
    Ok((base_loader.load()?, after, base))
}

/// The registry at `rev`, with hints for the ways a revision goes missing: a shallow clone (a
/// CI checkout's default) lacks older commits and other branches.
fn git_tree(root: &Path, rev: &str) -> Result<GitTree, Error> {
    GitTree::at(root, rev).map_err(|e| match e {
        Error::Usage(msg) if msg.starts_with("unknown git revision") => {
            let shallow = Repo::discover(root).ok().flatten().is_some_and(|r| r.is_shallow().unwrap_or(false));
            let hint = if shallow {
                "this is a shallow clone, which lacks older commits and other branches: fetch the history with \
                 `git fetch --unshallow` (in GitHub Actions, check out with `fetch-depth: 0`)"
            } else {
                "name a branch, tag or commit that exists here (a remote branch must be fetched first, e.g. \
                 `git fetch origin main`), or pass --against DIR to compare with another registry directory"
            };
            Error::Usage(format!("{msg}\nhint: {hint}"))
        }
        Error::Usage(msg) if msg.contains("not inside a git repository") => Error::Usage(format!(
            "{msg}, so there is no revision `{rev}` to compare with\nhint: pass --against DIR to compare with \
             another registry directory"
        )),
        other => other,
    })
}

/// Files as each format names them: relative to the repository root for GitHub annotations,
/// else in their shortest form relative to the current directory.
fn relocate(ctx: &Context, report: &mut DiffReport, format: DiffFormat) {
    let root = (format == DiffFormat::Github).then(|| repo_root(&ctx.cwd)).flatten();
    for c in &mut report.changes {
        c.file = match &root {
            Some(root) => {
                let abs = absolute(&ctx.cwd, &c.file);
                abs.strip_prefix(root).map_or(abs.clone(), Path::to_path_buf)
            }
            None => discover::shortest(&c.file, &ctx.cwd),
        };
    }
}
