use std::path::{Path, PathBuf};

use crate::cli::{ValidateArgs, ValidateFormat};
use crate::context::Context;
use crate::output::diagnostics::{self, ValidationReport};
use crate::output::{self, Output};
use crate::validate::{Severity, checks, normalize};
use crate::{Error, ExitStatus};

pub fn run(ctx: &Context, args: &ValidateArgs) -> Result<Output, Error> {
    let reg = ctx.load()?;
    let mut diags = reg.diagnostics.clone();
    diags.extend(checks::run(&reg));
    normalize(&mut diags);
    let mut modules = reg.modules.len() + reg.broken.len();
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
        modules = reg.modules.iter().filter(|m| keep(&m.manifest.path)).count()
            + reg.broken.iter().filter(|b| keep(&reg.root().join(b).join("module.yaml"))).count();
    }
    if args.strict {
        for d in &mut diags {
            d.severity = Severity::Error;
        }
    }
    let report = ValidationReport::new(modules, &diags);
    let stdout = match args.format {
        ValidateFormat::Human => diagnostics::human(&diags, ctx.color_stdout),
        ValidateFormat::Json => output::json(&report),
    };
    let mut out = Output::data(stdout);
    if !ctx.quiet {
        out = out.note(report.summary());
    }
    Ok(out.with_status(if report.errors > 0 { ExitStatus::Invalid } else { ExitStatus::Success }))
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

