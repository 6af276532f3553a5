//! `modreg validate [PATH...]`: every check of SPEC §5 over the whole registry, reported for the
//! files in scope, in the format a person or a CI system reads.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::cli::{ValidateArgs, ValidateFormat};
use crate::context::Context;
use crate::diag::{Diagnostic, Severity};
use crate::output::diagnostics::{self, ValidationReport};
use crate::output::{self, Output, github, junit, sarif};
use crate::{Error, ExitStatus};

/// The job summary file GitHub Actions gives every step; `--format github` appends to it.
pub const GITHUB_STEP_SUMMARY: &str = "GITHUB_STEP_SUMMARY";

pub fn run(ctx: &Context, args: &ValidateArgs) -> Result<Output, Error> {
    let (report, files) = ctx.validation()?;
    let mut diags = report.diagnostics;
    let mut manifests = report.manifests;
    if !args.paths.is_empty() {
        let wanted: Vec<PathBuf> = args.paths.iter().map(|p| absolute(&ctx.cwd, p)).collect();
        for w in &wanted {
            if !w.exists() {
                return Err(Error::Usage(format!("{}: no such file or directory", w.display())));
            }
        }
        let keep = |file: &Path| {
            let f = absolute(&ctx.cwd, file);
            wanted.iter().any(|w| f.starts_with(w))
        };
        diags.retain(|d| keep(&d.file));
        manifests.retain(|m| keep(&m.file));
    }
    if args.strict {
        for d in &mut diags {
            d.severity = Severity::Error;
        }
    }
    let report = ValidationReport::new(manifests.len(), &diags);
    let stdout = match args.format {
        ValidateFormat::Human => diagnostics::human(&diags, &files, ctx.color_stdout),
        ValidateFormat::Json => output::json(&report),
        ValidateFormat::Github => {
            let ci = repo_relative(&ctx.cwd, &diags);
            if let Some(path) = std::env::var_os(GITHUB_STEP_SUMMARY).filter(|p| !p.is_empty()) {
                let ci_report = ValidationReport::new(report.modules, &ci);
                append(Path::new(&path), &github::step_summary(&ci_report))?;
            }
            github::render(&ci)
        }
        ValidateFormat::Sarif => sarif::render(&repo_relative(&ctx.cwd, &diags)),
        ValidateFormat::Junit => junit::render(&manifests, &diags),
    };
    let mut out = Output::data(stdout);
    if !ctx.quiet {
        out = out.note(report.summary());
    }
    Ok(out.with_status(if report.errors > 0 { ExitStatus::Invalid } else { ExitStatus::Success }))
}

fn append(path: &Path, text: &str) -> Result<(), Error> {
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
fn repo_root(cwd: &Path) -> Option<PathBuf> {
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
