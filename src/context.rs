//! What every command gets: the working directory, the registry flag, colour choices and the
//! clock. Commands take it instead of reading the environment themselves, which keeps them
//! testable.

use std::path::PathBuf;

use crate::Error;
use crate::registry::{self, Registry};

pub struct Context {
    pub cwd: PathBuf,
    pub registry_flag: Option<PathBuf>,
    /// Colour on stdout / stderr, already resolved from --color, NO_COLOR and the terminal.
    pub color_stdout: bool,
    pub color_stderr: bool,
    pub quiet: bool,
    /// `--no-cache` / `MODREG_NO_CACHE`: neither read nor write `.modreg-cache/`.
    pub no_cache: bool,
    /// "Now", for health staleness. `MODREG_NOW` (RFC 3339) pins it in tests.
    pub now: jiff::Timestamp,
}

impl Context {
    pub fn locate(&self) -> Result<registry::Location, Error> {
        registry::discover(self.registry_flag.as_deref(), &self.cwd)
    }

    pub fn load(&self) -> Result<Registry, Error> {
        Registry::load(self.locate()?)
    }
}
