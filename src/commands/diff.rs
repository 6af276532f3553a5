//! `modreg diff [--against REF|DIR]`: loads the base (a git revision straight from the object
//! store, or another registry directory) beside the working tree, asks `diff` for the report,
//! and renders it. `--fail-on` turns the worst level found into the exit status.

use std::path::{Path, PathBuf};

use crate::cli::{DiffArgs, DiffFormat, FailOn};
use crate::context::Context;
use crate::diff::{self, Base, DiffReport, Level};
use crate::git::Repo;
use crate::output::{self, Output};
use crate::registry::{GitTree, Loader, Source, discover};
use crate::{Error, ExitStatus};

use super::validate::{GITHUB_STEP_SUMMARY, absolute, append, repo_root};

pub fn run(ctx: &Context, args: &DiffArgs) -> Result<Output, Error> {
    let location = ctx.locate()?;
    // An existing directory is a registry to compare with; anything else is a revision.
    let dir = ctx.cwd.join(&args.against);
    let (base_loader, base) = if dir.is_dir() {
        // A project directory (with modreg.yaml, or a registry/ inside) or the registry itself.
        let base_location = if dir.join(discover::SETTINGS_FILE).is_file() {
            let found = discover::discover(None, &dir)?;
            discover::Location { root: dir.join(&found.root), ..found }
        } else if dir.join("registry").is_dir() {
            discover::discover(Some(&dir.join("registry")), &ctx.cwd)?
        } else {
            discover::discover(Some(&dir), &ctx.cwd)?
        };
        (Loader::new(base_location, Source::WorkTree, None)?, Base::Dir(PathBuf::from(&args.against)))
    } else {
        let tree = git_tree(&location.root, &args.against)?;
        let base = Base::Git { rev: args.against.clone(), commit: tree.commit.clone() };
        (Loader::new(location, Source::Git(tree), None)?, base)
    };
    let mut work_loader = ctx.loader()?;
    let mut base_loader = base_loader;
    // Both sides at once: `git cat-file` streams blobs while the working tree is parsed.
    let (before, after) = rayon::join(|| base_loader.load(), || work_loader.load());
    work_loader.finish();
    let (before, after) = (before?, after?);
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
