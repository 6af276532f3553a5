//! `modreg validate [PATH...]`: every check of SPEC §5 over the whole registry, reported for the
//! files in scope, in the format a person or a CI system reads.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::cli::{ValidateArgs, ValidateFormat};
use crate::context::Context;
use crate::diag::{Covered, Diagnostic, Files, Severity};
use crate::output::diagnostics::{self, ValidationReport};
use crate::output::{self, Output, github, junit, sarif};
use crate::registry::discover;
use crate::{Error, ExitStatus};

/// The job summary file GitHub Actions gives every step; `--format github` appends to it.
pub const GITHUB_STEP_SUMMARY: &str = "GITHUB_STEP_SUMMARY";

pub fn run(ctx: &Context, args: &ValidateArgs) -> Result<Output, Error> {
    let (report, files) = match ctx.validation() {
        Ok(found) => found,
        // A broken modreg.yaml stops the load, but it is a finding like any other: every format
        // carries it, so CI sees it where it looks (a SARIF upload, an annotation), not only on
        // stderr. Nothing was loaded, so no PATH narrows it.
        Err(Error::Invalid(diags)) => return render(ctx, args, Vec::new(), diags, &Files::disk()),
        Err(e) => return Err(e),
    };
    let mut diags = report.diagnostics;
    let mut manifests = report.manifests;
    if !args.paths.is_empty() {
        let root = absolute(&ctx.cwd, &ctx.locate()?.root);
        let wanted = args
            .paths
            .iter()
            .map(|p| in_scope(ctx, &root, p, &diags))
            .collect::<Result<Vec<PathBuf>, Error>>()?;
        let keep = |file: &Path| {
            let f = absolute(&ctx.cwd, file);
            wanted.iter().any(|w| f.starts_with(w))
        };
        diags.retain(|d| keep(&d.file));
        manifests.retain(|m| keep(&m.file));
    }
    render(ctx, args, manifests, diags, &files)
}

fn render(
    ctx: &Context,
    args: &ValidateArgs,
    manifests: Vec<Covered>,
    mut diags: Vec<Diagnostic>,
    files: &Files,
) -> Result<Output, Error> {
    if args.strict {
        for d in &mut diags {
            d.severity = Severity::Error;
        }
    }
    let report = ValidationReport::new(manifests.len(), &diags);
    let stdout = match args.format {
        ValidateFormat::Human => diagnostics::human(&shortest(&ctx.cwd, &diags), files, ctx.color_stdout),
        ValidateFormat::Json => {
            output::json(&ValidationReport::new(report.modules, &shortest(&ctx.cwd, &diags)))
        }
        ValidateFormat::Github => {
            let ci = repo_relative(&ctx.cwd, &diags);
            if let Some(path) = std::env::var_os(GITHUB_STEP_SUMMARY).filter(|p| !p.is_empty()) {
                let ci_report = ValidationReport::new(report.modules, &ci);
                append(Path::new(&path), &github::step_summary(&ci_report))?;
            }
            github::render(&ci)
        }
        ValidateFormat::Sarif => sarif::render(&repo_relative(&ctx.cwd, &diags)),
        ValidateFormat::Junit => {
            let manifests: Vec<Covered> = manifests
                .into_iter()
                .map(|m| Covered { file: discover::shortest(&m.file, &ctx.cwd), ..m })
                .collect();
            junit::render(&manifests, &shortest(&ctx.cwd, &diags))
        }
    };
    let mut out = Output::data(stdout);
    if !ctx.quiet {
        out = out.note(report.summary());
    }
    Ok(out.with_status(if report.errors > 0 { ExitStatus::Invalid } else { ExitStatus::Success }))
}

/// PATH made absolute in the registry's own spelling, so the filter compares like with like; a
/// usage error when PATH is not something validate reports on: the registry itself, a module
/// directory or a file inside one, or a file a diagnostic names (a stray file at the top).
fn in_scope(ctx: &Context, root: &Path, path: &Path, diags: &[Diagnostic]) -> Result<PathBuf, Error> {
    let wanted = absolute(&ctx.cwd, path);
    if std::fs::symlink_metadata(&wanted).is_err() {
        return Err(Error::Usage(format!("`{}`: no such file or directory", path.display())));
    }
    let shown_root = discover::shortest(root, &ctx.cwd);
    let inside = if wanted.starts_with(root) {
        Some(wanted)
    } else {
        // Another spelling of a path inside (through a link): compare where both really are.
        match (std::fs::canonicalize(&wanted), std::fs::canonicalize(root)) {
            (Ok(w), Ok(r)) => w.strip_prefix(&r).ok().map(|rest| root.join(rest)),
            _ => None,
        }
    };
    let Some(wanted) = inside else {
        return Err(Error::Usage(format!(
            "`{}` is not in the registry `{}`\nhint: name the registry, a module directory such as `{}` or a \
             file inside one; to validate another registry, pass --registry DIR",
            path.display(),
            shown_root.display(),
            shown_root.join("ID").display(),
        )));
    };
    let top = wanted.strip_prefix(root).ok().and_then(|rest| rest.components().next());
    let in_module = top.is_some_and(|c| std::fs::symlink_metadata(root.join(c)).is_ok_and(|m| m.is_dir()));
    let reported = diags.iter().any(|d| absolute(&ctx.cwd, &d.file).starts_with(&wanted));
    if top.is_none() || in_module || reported {
        return Ok(wanted);
    }
    Err(Error::Usage(format!(
        "`{}` is neither a module directory nor a file of a module\nhint: name the registry `{}`, a module \
         directory such as `{}` or a file inside one",
        path.display(),
        shown_root.display(),
        shown_root.join("ID").display(),
    )))
}

/// The diagnostics with files in their shortest form relative to the current directory (SPEC
/// §8), for the formats a person reads. The working tree's source map reads any name from disk,
/// so snippets follow the new names.
fn shortest(cwd: &Path, diags: &[Diagnostic]) -> Vec<Diagnostic> {
    diags.iter().map(|d| Diagnostic { file: discover::shortest(&d.file, cwd), ..d.clone() }).collect()
}

pub(crate) fn append(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| Error::io(path, e))
}

/// The diagnostics with files relative to the repository root, which is what GitHub resolves
/// annotation and SARIF paths against (the cwd may be a subdirectory). Without a repository,
/// paths stay relative to the cwd; files outside the repository stay absolute.
fn repo_relative(cwd: &Path, diags: &[Diagnostic]) -> Vec<Diagnostic> {
    let Some(root) = repo_root(cwd) else {
        return diags.to_vec();
    };
    diags
        .iter()
        .map(|d| {
            let abs = absolute(cwd, &d.file);
            let file = abs.strip_prefix(&root).map_or(abs.clone(), Path::to_path_buf);
            Diagnostic { file, ..d.clone() }
        })
        .collect()
}

/// The nearest directory at or above `cwd` holding `.git` (a directory, or a file in a
/// worktree or submodule).
pub(crate) fn repo_root(cwd: &Path) -> Option<PathBuf> {
    cwd.ancestors().find(|dir| dir.join(".git").exists()).map(Path::to_path_buf)
}

/// `path` made absolute against `cwd`, with `.` and `..` folded lexically (no symlink lookups).
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() { path.to_path_buf() } else { cwd.join(path) };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
