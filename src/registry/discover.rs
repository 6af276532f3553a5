//! Where the registry is (SPEC §1): `--registry` (or `MODREG_REGISTRY`, which clap folds into
//! the same flag), else the `registry:` key of the nearest `modreg.yaml` walking up from the
//! current directory, else `./registry`.

use std::path::{Path, PathBuf};

use crate::Error;
use crate::diag::Diagnostic;
use crate::model::{SchemaName, Settings};
use crate::schema;
use crate::yaml;

pub const SETTINGS_FILE: &str = "modreg.yaml";

/// The registry directory and the settings that govern it.
#[derive(Debug, Clone)]
pub struct Location {
    /// The registry directory as the user should see it (relative to the cwd when possible).
    pub root: PathBuf,
    pub settings: Settings,
    /// The `modreg.yaml` the settings came from, if any.
    pub settings_file: Option<PathBuf>,
}

pub fn discover(flag: Option<&Path>, cwd: &Path) -> Result<Location, Error> {
    if let Some(dir) = flag {
        // Settings of an explicitly named registry live beside or above it, not above the cwd.
        let abs = if dir.is_absolute() { dir.to_path_buf() } else { cwd.join(dir) };
        let found = find_settings(&abs, cwd)?;
        return Ok(Location {
            root: relative_to(dir, cwd),
            settings: found.as_ref().map(|(_, s)| s.clone()).unwrap_or_default(),
            settings_file: found.map(|(p, _)| p),
        });
    }
    match find_settings(cwd, cwd)? {
        Some((file, settings)) => {
            let base = file.parent().unwrap_or(cwd);
            let root = base.join(settings.registry.as_deref().unwrap_or("registry"));
            Ok(Location { root: relative_to(&root, cwd), settings, settings_file: Some(file) })
        }
        None => Ok(Location {
            root: PathBuf::from("registry"),
            settings: Settings::default(),
            settings_file: None,
        }),
    }
}

fn find_settings(start: &Path, cwd: &Path) -> Result<Option<(PathBuf, Settings)>, Error> {
    for dir in start.ancestors() {
        let candidate = dir.join(SETTINGS_FILE);
        if candidate.is_file() {
            let shown = relative_to(&candidate, cwd);
            return load_settings(&shown).map(|s| Some((candidate, s)));
        }
    }
    Ok(None)
}

/// Read and check `modreg.yaml`; a broken settings file stops every command.
pub fn load_settings(path: &Path) -> Result<Settings, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let doc = yaml::parse(&bytes)
        .map_err(|e| Error::Invalid(vec![crate::registry::load::yaml_diagnostic(path, e)]))?;
    let diags: Vec<Diagnostic> = schema::check(SchemaName::Settings, &doc, path);
    if !diags.is_empty() {
        return Err(Error::Invalid(diags));
    }
    serde_json::from_value(doc.value).map_err(|e| Error::Other(format!("{}: {e}", path.display())))
}

/// Show `path` relative to `cwd` when it lies below it; otherwise as given.
pub fn relative_to(path: &Path, cwd: &Path) -> PathBuf {
    if path.is_absolute()
        && let Ok(rest) = path.strip_prefix(cwd)
    {
        return if rest.as_os_str().is_empty() { PathBuf::from(".") } else { rest.to_path_buf() };
    }
    path.to_path_buf()
}
