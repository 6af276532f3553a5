//! The registry a server keeps between calls, and when to reload it.
//!
//! Before every call the registry directory is listed again (stat only, no file read) and the
//! listing compared with the one the registry was loaded from: path, kind, size and modification
//! time of every entry. Only when they differ is it loaded again, through the same `Loader` (and
//! parse cache) as every command, so a manifest edited between two calls is seen by the second,
//! and an unchanged registry costs one directory walk. The search index and the validation
//! report are derived from the loaded registry and dropped with it.

use crate::Error;
use crate::context::Context;
use crate::diag::Report;
use crate::registry::{Listing, Registry, Source};
use crate::search::Index;

use super::Settings;

/// A loaded registry with what is derived from it, built on first use.
pub struct Loaded {
    pub reg: Registry,
    index: Option<Index>,
    validation: Option<Report>,
}

impl Loaded {
    pub fn index(&mut self) -> &Index {
        self.index.get_or_insert_with(|| Index::build(&self.reg))
    }

    pub fn validation(&mut self) -> &Report {
        self.validation.get_or_insert_with(|| crate::validate::run(&self.reg))
    }
}

pub struct State {
    pub settings: Settings,
    loaded: Option<Loaded>,
    /// How many times the registry was loaded (for tests and benchmarks).
    pub loads: usize,
}

impl State {
    pub fn new(settings: Settings) -> State {
        State { settings, loaded: None, loads: 0 }
    }

    /// A command context for this call: the run's flags, the clock now.
    pub fn context(&self) -> Context {
        let s = &self.settings;
        let mut ctx = Context::new(s.cwd.clone(), s.pinned_now.unwrap_or_else(jiff::Timestamp::now));
        ctx.registry_flag = s.registry_flag.clone();
        ctx.no_cache = s.no_cache;
        ctx.cache_dir = s.cache_dir.clone();
        ctx
    }

    /// The registry as it is on disk now: the one kept, unless a file changed since it was read.
    pub fn fresh(&mut self) -> Result<&mut Loaded, Error> {
        let ctx = self.context();
        let location = ctx.locate()?;
        let unchanged = match &self.loaded {
            Some(l)
                if l.reg.location.root == location.root
                    && l.reg.location.settings_file == location.settings_file =>
            {
                same(&Source::WorkTree.list(&location.root)?, &l.reg.listing)
            }
            _ => false,
        };
        if !unchanged {
            // Drop the old one first: at 10,000 modules two registries are a lot of memory.
            self.loaded = None;
            let mut loader = ctx.loader()?;
            let reg = loader.load()?;
            loader.finish();
            self.loads += 1;
            self.loaded = Some(Loaded { reg, index: None, validation: None });
        }
        Ok(self.loaded.as_mut().expect("loaded above"))
    }
}

/// Two listings of the same tree name the same entries with the same size and mtime.
fn same(a: &Listing, b: &Listing) -> bool {
    a.entries.len() == b.entries.len()
        && a.entries.iter().zip(&b.entries).all(|(x, y)| {
            x.path == y.path && x.kind == y.kind && x.size == y.size && x.mtime_ns == y.mtime_ns
        })
}
