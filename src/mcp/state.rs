//! The registry a server keeps between calls, and when to reload it.
//!
//! Before every call the server checks that the registry is still what it loaded, cheaply: it
//! stats every path of the listing it loaded from, and the registry directory itself, in
//! parallel, without reading any directory ([`unchanged`]). A file edited in place has a new
//! size or modification time; a file or directory added, removed or renamed changes the
//! modification time of the directory holding it. Only when something differs is the directory
//! listed again and compared entry by entry, and only when that listing differs is the registry
//! loaded again, through the same `Loader` (and parse cache) as every command. So a manifest
//! edited between two calls is seen by the second, and an unchanged registry costs one `stat`
//! per listed path. The search index and the validation report are derived from the loaded
//! registry and dropped with it.

use std::path::Path;

use crate::Error;
use crate::context::Context;
use crate::diag::Report;
use crate::registry::source::mtime_ns;
use crate::registry::{Kind, Listing, Registry, Source};
use crate::search::Index;

use super::Settings;

/// A loaded registry with what is derived from it, built on first use.
pub struct Loaded {
    pub reg: Registry,
    /// What [`unchanged`] compares with: the registry directory's modification time and a
    /// listing (the load's, or a later identical one with newer directory times).
    root_mtime: Option<i64>,
    reference: Listing,
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
        let root = &location.root;
        let unchanged = match &mut self.loaded {
            Some(l)
                if l.reg.location.root == location.root
                    && l.reg.location.settings_file == location.settings_file =>
            {
                unchanged(root, l.root_mtime, &l.reference) || {
                    // Something was touched: list again, and keep the new listing as the
                    // reference when it names the same files (a hidden file was added, say).
                    let root_mtime = mtime(root);
                    let now = Source::WorkTree.list(root)?;
                    let same = same(&now, &l.reg.listing);
                    if same {
                        (l.root_mtime, l.reference) = (root_mtime, now);
                    }
                    same
                }
            }
            _ => false,
        };
        if !unchanged {
            // Drop the old one first: at 10,000 modules two registries are a lot of memory.
            self.loaded = None;
            let root_mtime = mtime(root);
            let mut loader = ctx.loader()?;
            let reg = loader.load()?;
            loader.finish();
            self.loads += 1;
            let reference = reg.listing.clone();
            self.loaded = Some(Loaded { reg, root_mtime, reference, index: None, validation: None });
        }
        Ok(self.loaded.as_mut().expect("loaded above"))
    }
}

/// Whether every path of `listing` (relative to `root`) still has the kind, size and
/// modification time it had, and `root` its modification time: one `stat` per path, in
/// parallel, no directory read. `false` says only that something may have changed.
fn unchanged(root: &Path, root_mtime: Option<i64>, listing: &Listing) -> bool {
    use rayon::prelude::*;
    root_mtime.is_some()
        && mtime(root) == root_mtime
        && listing.entries.par_iter().all(|e| {
            std::fs::symlink_metadata(root.join(&e.path))
                .is_ok_and(|m| Kind::of(&m) == e.kind && m.len() == e.size && mtime_ns(&m) == e.mtime_ns)
        })
}

/// A path's modification time as listings record it; `None` when it cannot be read.
fn mtime(path: &Path) -> Option<i64> {
    std::fs::metadata(path).ok().map(|m| mtime_ns(&m))
}

/// Two listings of the same tree name the same entries, the files with the same size and mtime.
/// (A directory's own times change when anything in it does, a hidden file included; what
/// changed in it shows in its entries.)
fn same(a: &Listing, b: &Listing) -> bool {
    a.entries.len() == b.entries.len()
        && a.entries.iter().zip(&b.entries).all(|(x, y)| {
            x.path == y.path
                && x.kind == y.kind
                && (x.kind == Kind::Dir || (x.size == y.size && x.mtime_ns == y.mtime_ns))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(root: &Path) -> (Option<i64>, Listing) {
        (mtime(root), Source::WorkTree.list(root).expect("list"))
    }

    /// Sleep past the file system's time granularity, so a change gets a new mtime.
    fn tick() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }

    #[test]
    fn a_stat_of_every_listed_path_sees_edits_additions_and_removals() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("crm/docs")).expect("mkdir");
        std::fs::write(root.join("crm/module.yaml"), "a: 1\n").expect("write");
        std::fs::write(root.join("crm/docs/usage.md"), "# Usage\n").expect("write");
        let (t, l) = listing(root);
        assert!(unchanged(root, t, &l), "nothing changed");

        tick();
        std::fs::write(root.join("crm/module.yaml"), "a: 2\n").expect("edit in place, same size");
        assert!(!unchanged(root, t, &l), "an edit in place");
        let (t, l) = listing(root);

        tick();
        std::fs::write(root.join("crm/health.yaml"), "x\n").expect("add");
        assert!(!unchanged(root, t, &l), "a file added to a module");
        let (t, l) = listing(root);

        tick();
        std::fs::remove_file(root.join("crm/docs/usage.md")).expect("remove");
        assert!(!unchanged(root, t, &l), "a file removed from a nested directory");
        let (t, l) = listing(root);

        tick();
        std::fs::create_dir(root.join("billing")).expect("a module directory added");
        assert!(!unchanged(root, t, &l), "a directory added to the registry");
        assert!(!unchanged(root, None, &l), "no reference time: never assumed unchanged");
    }

    #[test]
    fn a_hidden_file_makes_the_quick_check_fail_but_not_the_listing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir(root.join("crm")).expect("mkdir");
        std::fs::write(root.join("crm/module.yaml"), "a: 1\n").expect("write");
        let (t, l) = listing(root);
        tick();
        std::fs::write(root.join("crm/.module.yaml.swp"), "x").expect("an editor's file");
        assert!(!unchanged(root, t, &l));
        assert!(same(&Source::WorkTree.list(root).expect("list"), &l), "the listing hides it");
    }
}
