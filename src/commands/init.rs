//! `modreg init [DIR]`: start a registry — a `modreg.yaml` naming `registry/`, and that directory —
//! so that the commands that write into a registry, which never invent one, have one to write to.

use std::path::Path;

use crate::cli::InitArgs;
use crate::context::Context;
use crate::fsutil::{Existing, write_atomic};
use crate::output::Output;
use crate::registry::discover::{self, SETTINGS_FILE};
use crate::{Error, ExitStatus};

/// The registry directory `init` creates, as `modreg.yaml` names it.
pub const REGISTRY_DIR: &str = "registry";

/// What `init` writes: the one setting it needs, and the others commented out with their defaults.
pub const SETTINGS: &str = "\
# modreg settings (`modreg schema settings` prints their JSON Schema).
# The registry: one directory per module, each with a module.yaml;
# `modreg new ID --type TYPE --name NAME` scaffolds one.
registry: registry
# When a module's health snapshot makes it unhealthy (the defaults):
# health:
#   stale_after: 7d
#   max_error_rate: 0.05
";

/// Git keeps no empty directory; this file keeps `registry/` in the first commit. The loader
/// skips it.
const KEEP_FILE: &str = ".gitkeep";

pub fn run(ctx: &Context, args: &InitArgs) -> Result<Output, Error> {
    let dir = super::validate::absolute(&ctx.cwd, args.dir.as_deref().unwrap_or(Path::new(".")));
    let settings = dir.join(SETTINGS_FILE);
    let registry = dir.join(REGISTRY_DIR);
    let shown = |p: &Path| discover::relative_to(p, &ctx.cwd).display().to_string();
    let refuse = || {
        Output::default()
            .note(format!(
                "error: {} already exists\nhint: modreg is set up there already; add a module with \
                 `modreg new ID --type TYPE --name NAME`, or edit the settings file",
                shown(&settings)
            ))
            .with_status(ExitStatus::Invalid)
    };
    if std::fs::symlink_metadata(&settings).is_ok() {
        return Ok(refuse());
    }
    if std::fs::symlink_metadata(&registry).is_ok_and(|m| !m.is_dir()) {
        return Err(Error::Usage(format!(
            "{} exists and is not a directory\nhint: move it out of the way, or write {SETTINGS_FILE} by hand \
             with a `registry:` key naming another directory",
            shown(&registry)
        )));
    }
    let shadowed = dir.parent().and_then(discover::nearest_settings);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let new_registry = !registry.is_dir();
    if new_registry {
        std::fs::create_dir(&registry).map_err(|e| Error::io(&registry, e))?;
        let keep = registry.join(KEEP_FILE);
        write_atomic(&keep, b"", Existing::Refuse).map_err(|e| Error::io(&keep, e))?;
    }
    if let Err(e) = write_atomic(&settings, SETTINGS.as_bytes(), Existing::Refuse) {
        if new_registry {
            let _ = std::fs::remove_file(registry.join(KEEP_FILE));
            let _ = std::fs::remove_dir(&registry);
        }
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            return Ok(refuse());
        }
        return Err(Error::io(&settings, e));
    }
    let mut out = Output::default();
    if !ctx.quiet {
        let mut note = format!("created {}\n", shown(&settings));
        if new_registry {
            note.push_str(&format!("created {}/\n", shown(&registry)));
        } else {
            note.push_str(&format!("kept the existing {}/\n", shown(&registry)));
        }
        if let Some(outer) = shadowed {
            note.push_str(&format!(
                "warning: {} is inside the project of {}; below it, modreg now uses the new settings\n",
                shown(&dir),
                shown(&outer)
            ));
        }
        note.push_str("next: add a module with `modreg new ID --type TYPE --name NAME`");
        out = out.note(note);
    }
    Ok(out)
}
