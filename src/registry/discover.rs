//! Where the registry is (SPEC §1): `--registry` (or `MODREG_REGISTRY`, which clap folds into
//! the same flag), else the `registry:` key of the nearest `modreg.yaml` walking up from the
//! current directory, else `./registry`.

use std::path::{Component, Path, PathBuf};

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
    match nearest_settings(start) {
        Some(file) => load_settings(&relative_to(&file, cwd)).map(|s| Some((file, s))),
        None => Ok(None),
    }
}

/// The nearest `modreg.yaml` in `start` or a directory above it, not read yet.
pub fn nearest_settings(start: &Path) -> Option<PathBuf> {
    start.ancestors().map(|dir| dir.join(SETTINGS_FILE)).find(|candidate| candidate.is_file())
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

/// `path` as the user should see it from `cwd` (SPEC §8: paths relative to the current
/// directory). A relative path stays as given. An absolute one becomes relative to `cwd`,
/// climbing with `..` when it lies above or beside it (`../../registry/crm`), as long as the two
/// share more than the filesystem root; otherwise it stays absolute, as `/elsewhere/registry` is
/// clearer than a climb to `/` and back.
///
/// Lexical, like `pathdiff`: `cwd` comes from the OS (`getcwd`), which resolves symbolic links and
/// `..`, so climbing out of it with `..` reaches exactly its ancestors; the rest of `path` is kept
/// as written, so a `..` after a symbolic link in it still means what it meant.
pub fn relative_to(path: &Path, cwd: &Path) -> PathBuf {
    if !path.is_absolute() || !cwd.is_absolute() {
        return path.to_path_buf();
    }
    let mut rest = path.components().peekable();
    let mut up = cwd.components().peekable();
    let mut shared = 0;
    while let (Some(a), Some(b)) = (rest.peek(), up.peek()) {
        if a != b || matches!(a, Component::ParentDir | Component::CurDir) {
            break;
        }
        if matches!(a, Component::Normal(_)) {
            shared += 1;
        }
        rest.next();
        up.next();
    }
    let up: Vec<Component<'_>> = up.collect();
    if shared == 0 || !up.iter().all(|c| matches!(c, Component::Normal(_))) {
        return path.to_path_buf();
    }
    let mut out: PathBuf = up.iter().map(|_| Component::ParentDir).collect();
    out.extend(rest);
    if out.as_os_str().is_empty() { PathBuf::from(".") } else { out }
}

/// A path as diagnostics and pages name it (relative to `cwd`, or absolute) in the shortest form
/// relative to `cwd`: leading `..` are folded into `cwd` first, so `../crm/module.yaml` seen from
/// `registry/crm` is `module.yaml` (and `./crm` is `crm`). Only leading `..` are folded: they
/// climb `cwd`, which has no links in it; a `..` further in may follow a link and is kept.
pub fn shortest(path: &Path, cwd: &Path) -> PathBuf {
    if path.is_absolute() {
        return relative_to(path, cwd);
    }
    let mut base = cwd.to_path_buf();
    let mut rest = path.components();
    let mut climbed = false;
    loop {
        let mut ahead = rest.clone();
        match ahead.next() {
            Some(Component::ParentDir) => {
                if !base.pop() {
                    return path.to_path_buf();
                }
                climbed = true;
            }
            Some(Component::CurDir) => {}
            _ => break,
        }
        rest = ahead;
    }
    if !climbed {
        // `./crm/module.yaml` (the registry is the cwd) is `crm/module.yaml`.
        let rest = rest.as_path();
        return if rest.as_os_str().is_empty() { PathBuf::from(".") } else { rest.to_path_buf() };
    }
    relative_to(&base.join(rest.as_path()), cwd)
}

#[cfg(test)]
mod tests {
    use super::{relative_to, shortest};
    use std::path::Path;

    #[test]
    fn relative_to_climbs_and_descends() {
        let rel = |p: &str, cwd: &str| relative_to(Path::new(p), Path::new(cwd)).display().to_string();
        assert_eq!(rel("/p/registry/crm/module.yaml", "/p"), "registry/crm/module.yaml");
        assert_eq!(rel("/p", "/p"), ".");
        assert_eq!(rel("/p/registry/crm/module.yaml", "/p/registry/crm"), "module.yaml");
        assert_eq!(rel("/p/modreg.yaml", "/p/registry/crm"), "../../modreg.yaml");
        assert_eq!(rel("/p/registry/crm/module.yaml", "/p/docs/guide"), "../../registry/crm/module.yaml");
        assert_eq!(rel("/p/registry", "/p/registry/crm/docs"), "../..");
        assert_eq!(rel("/p/../q/registry", "/p/sub"), "../../q/registry");
        // Nothing shared but the root: absolute is clearer.
        assert_eq!(rel("/elsewhere/registry", "/p"), "/elsewhere/registry");
        // A relative path is the user's own spelling.
        assert_eq!(rel("../registry", "/p/sub"), "../registry");
    }

    #[test]
    fn shortest_folds_the_climb_into_the_cwd() {
        let short = |p: &str, cwd: &str| shortest(Path::new(p), Path::new(cwd)).display().to_string();
        assert_eq!(short("../crm/module.yaml", "/p/registry/crm"), "module.yaml");
        assert_eq!(short("../../crm/module.yaml", "/p/registry/crm/docs"), "../module.yaml");
        assert_eq!(short("../../crm", "/p/registry/crm/docs"), "..");
        assert_eq!(short("../billing/module.yaml", "/p/registry/crm"), "../billing/module.yaml");
        assert_eq!(short("registry/crm/module.yaml", "/p"), "registry/crm/module.yaml");
        assert_eq!(short("./crm/module.yaml", "/p/registry"), "crm/module.yaml");
        assert_eq!(short(".", "/p/registry"), ".");
        assert_eq!(short("/p/registry/crm/module.yaml", "/p/registry"), "crm/module.yaml");
        // A `..` after the first named component may follow a link: kept as written.
        assert_eq!(short("../link/../crm", "/p/registry"), "../link/../crm");
        assert_eq!(short("../../../../x", "/p/q"), "../../../../x");
    }
}
