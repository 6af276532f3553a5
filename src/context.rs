//! What every command gets: the working directory, the registry flag, colour choices, the
//! clock, and the registry itself, loaded at most once per run through one [`Loader`].
//! Commands take it instead of reading the environment themselves, which keeps them testable.

use std::cell::OnceCell;
use std::path::PathBuf;

use crate::Error;
use crate::diag::{Files, Report};
use crate::registry::{self, Loader, Registry, Source, cache};

pub struct Context {
    pub cwd: PathBuf,
    pub registry_flag: Option<PathBuf>,
    /// Colour on stdout / stderr, already resolved from --color, NO_COLOR and the terminal.
    pub color_stdout: bool,
    pub color_stderr: bool,
    pub quiet: bool,
    /// `--no-cache` / `MODREG_NO_CACHE`: neither read nor write `.modreg-cache/`.
    pub no_cache: bool,
    /// `MODREG_CACHE_DIR`, when set.
    pub cache_dir: Option<PathBuf>,
    /// "Now", for health staleness. `MODREG_NOW` (RFC 3339) pins it in tests.
    pub now: jiff::Timestamp,
    registry: OnceCell<Registry>,
}

impl Context {
    /// A context for `cwd` with plain output, the cache on, and no registry loaded yet.
    pub fn new(cwd: PathBuf, now: jiff::Timestamp) -> Context {
        Context {
            cwd,
            registry_flag: None,
            color_stdout: false,
            color_stderr: false,
            quiet: false,
            no_cache: false,
            cache_dir: None,
            now,
            registry: OnceCell::new(),
        }
    }

    /// Where the registry is. A path that exists but is not a directory (`--registry README.md`)
    /// is a usage error here, before anything reads or writes under it.
    pub fn locate(&self) -> Result<registry::Location, Error> {
        let location = registry::discover(self.registry_flag.as_deref(), &self.cwd)?;
        let root = &location.root;
        if self.cwd.join(root).metadata().is_ok_and(|m| !m.is_dir()) {
            return Err(Error::Usage(format!(
                "registry `{}` is not a directory\nhint: the registry is the directory that holds one directory per \
                 module; pass it with --registry DIR (or MODREG_REGISTRY, or `registry:` in modreg.yaml)",
                root.display()
            )));
        }
        Ok(location)
    }

    /// Where a command that writes into the registry (`new`) writes. Reading commands fall back
    /// to `./registry` (SPEC §1); a writing command never invents a registry there: without
    /// `--registry`, `MODREG_REGISTRY` or a `modreg.yaml`, the registry must already exist, and
    /// a named one too. Only a registry that `modreg.yaml` names is created when missing (git
    /// keeps no empty directory, so a fresh clone may lack it).
    pub fn locate_for_writing(&self) -> Result<registry::Location, Error> {
        let location = self.locate()?;
        let root = &location.root;
        if root.is_dir() {
            return Ok(location);
        }
        if self.registry_flag.is_some() {
            return Err(Error::Usage(format!(
                "registry directory `{}` does not exist\nhint: check --registry (or MODREG_REGISTRY); \
                 to start a registry, run `modreg init` in the project directory",
                root.display()
            )));
        }
        match &location.settings_file {
            Some(_) => {
                std::fs::create_dir_all(root).map_err(|e| Error::io(root, e))?;
                Ok(location)
            }
            None => Err(Error::Usage(format!(
                "no registry here: no {} in {} or any directory above it, and no `registry/` directory in it\n\
                 hint: run `modreg init` to create {0} and registry/ here, or pass --registry DIR (or set \
                 MODREG_REGISTRY) to use an existing registry",
                registry::discover::SETTINGS_FILE,
                self.cwd.display()
            ))),
        }
    }

    /// A loader for the working tree, with the parse cache unless it is turned off.
    pub fn loader(&self) -> Result<Loader, Error> {
        let location = self.locate()?;
        let cache_dir = self.cache_dir_for(&location);
        Loader::new(location, Source::WorkTree, cache_dir)
    }

    /// The cache directory of the registry at `location`; `None` when caching is turned off.
    pub fn cache_dir_for(&self, location: &registry::Location) -> Option<PathBuf> {
        (!self.no_cache).then(|| {
            cache::dir_for(
                self.cache_dir.clone(),
                location.settings_file.as_deref(),
                location.settings.cache_dir.as_deref(),
                &location.root,
            )
        })
    }

    /// The registry of the working tree, loaded on first use.
    pub fn registry(&self) -> Result<&Registry, Error> {
        if let Some(reg) = self.registry.get() {
            return Ok(reg);
        }
        let mut loader = self.loader()?;
        let reg = loader.load()?;
        loader.finish();
        Ok(self.registry.get_or_init(|| reg))
    }

    /// The registry of the working tree and its validation report, from one load: the report
    /// is the cached one when no input changed, else computed here (and cached).
    pub fn registry_with_validation(&self) -> Result<(&Registry, Report), Error> {
        let mut loader = self.loader()?;
        let (report, reg) = loader.validated(crate::validate::run, true)?;
        loader.finish();
        let reg = reg.expect("validated loads when asked to");
        Ok((self.registry.get_or_init(|| reg), report))
    }

    /// The validation report of the working tree: the cached one when no input changed.
    pub fn validation(&self) -> Result<(Report, Files), Error> {
        self.loader()?.report_with(crate::validate::run)
    }
}
