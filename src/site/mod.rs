//! `modreg site`: the registry as a static, offline website (an index with filters, a page per
//! module, the relationship graph, the statistics), built from the loaded registry like every
//! other report. This module holds the plan (which pages, from which shared indexes) and the
//! writer (pages rendered and written in parallel into a temporary directory beside the target,
//! which then replaces a previous site); [`pages`] renders each page, [`svg`] lays out graphs and
//! [`html`] escapes and links.
//!
//! The output is deterministic: the same registry (and health judged at the same time) gives
//! the same bytes, with no build timestamp anywhere.

pub mod html;
pub mod pages;
pub mod svg;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use crate::Error;
use crate::graph::RelGraph;
use crate::model::RelationType;
use crate::registry::Registry;
use crate::report::changes::Changes;
use crate::report::history::HistoryReport;
use crate::report::list::{self, ListFilter, Row};

/// The file that marks a directory as a site modreg wrote, and so one it may replace.
pub const MARKER: &str = ".modreg-site";
const MARKER_TEXT: &str =
    "This directory is a site written by `modreg site`; the next run replaces it whole.\n";

/// The stylesheet and the script, written as `assets/site.css` and `assets/site.js`.
pub const CSS: &str = include_str!("assets/site.css");
pub const JS: &str = include_str!("assets/site.js");

/// At most this many modules are drawn on the graph page (the most connected ones); every
/// module page still draws its own neighbourhood. A layered layout of more is slow to compute
/// and, more to the point, unreadable.
pub const GRAPH_LIMIT: usize = 300;

/// What the site is built from.
pub struct Inputs<'a> {
    pub reg: &'a Registry,
    /// Health is judged as of this time (`MODREG_NOW` pins it).
    pub now: jiff::Timestamp,
    /// Last change per module, when the registry is in a git work tree.
    pub changes: Option<&'a Changes>,
    /// Committed health snapshots over time, per module id, when git has them.
    pub histories: &'a BTreeMap<String, HistoryReport>,
    /// The site's title.
    pub title: &'a str,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub pages: usize,
    pub modules: usize,
    pub bytes: u64,
    /// Modules drawn on the graph page, and how many the registry has.
    pub graph_nodes: usize,
}

/// The indexes every page draws on, built once.
pub struct Shared<'a> {
    pub inputs: &'a Inputs<'a>,
    /// Index rows of the modules shown (manifest loads whole), in id order.
    pub rows: Vec<Row>,
    /// `shown[i]`: module `i` of the registry has a page.
    pub shown: Vec<bool>,
    /// Position in `rows` of each module (`usize::MAX` for none).
    pub row_of: Vec<usize>,
    /// `depends_on` edges (source, target module indexes) on a listed cycle.
    pub cycle_edges: HashSet<(usize, usize)>,
}

impl<'a> Shared<'a> {
    pub fn new(inputs: &'a Inputs<'a>) -> Self {
        let reg = inputs.reg;
        let rows = list::rows(reg, &ListFilter::default(), inputs.now, inputs.changes);
        let shown: Vec<bool> = reg.modules.iter().map(|m| !m.is_broken()).collect();
        let mut row_of = vec![usize::MAX; reg.modules.len()];
        let mut next = 0;
        for (i, s) in shown.iter().enumerate() {
            if *s {
                row_of[i] = next;
                next += 1;
            }
        }
        let found = RelGraph::build_within(reg, &[RelationType::DependsOn], Some(&shown)).cycles();
        let cycle_edges = found.edges().collect();
        Shared { inputs, rows, shown, row_of, cycle_edges }
    }
}

/// One file of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    Index,
    Graph,
    Stats,
    Css,
    Js,
    Module(usize),
}

/// Build the site for `inputs` into a fresh directory beside `out`, then put it in `out`'s place.
/// `out` must not exist, be an empty directory, or hold a previous site ([`MARKER`]); anything
/// else is refused before a file is written. `progress` is called with the number of files
/// written so far, from any thread.
pub fn write(inputs: &Inputs<'_>, out: &Path, progress: &(dyn Fn(u64) + Sync)) -> Result<Summary, Error> {
    let previous = check_target(out)?;
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".modreg-site-")
        .tempdir_in(parent)
        .map_err(|e| Error::io(parent, e))?;
    let root = tmp.path();
    for dir in ["assets", "modules"] {
        std::fs::create_dir(root.join(dir)).map_err(|e| Error::io(&root.join(dir), e))?;
    }

    let shared = Shared::new(inputs);
    let mut plan = vec![Page::Index, Page::Graph, Page::Stats, Page::Css, Page::Js];
    plan.extend((0..inputs.reg.modules.len()).filter(|&i| shared.shown[i]).map(Page::Module));
    let done = std::sync::atomic::AtomicU64::new(0);
    let graph_nodes = std::sync::atomic::AtomicUsize::new(0);
    let bytes: Result<Vec<u64>, Error> = plan
        .par_iter()
        .map(|&page| {
            let (path, text) = match page {
                Page::Index => ("index.html".to_owned(), pages::index(&shared)),
                Page::Graph => {
                    let (text, drawn) = pages::graph(&shared);
                    graph_nodes.store(drawn, std::sync::atomic::Ordering::Relaxed);
                    ("graph.html".to_owned(), text)
                }
                Page::Stats => ("stats.html".to_owned(), pages::stats(&shared)),
                Page::Css => ("assets/site.css".to_owned(), CSS.to_owned()),
                Page::Js => ("assets/site.js".to_owned(), JS.to_owned()),
                Page::Module(i) => (
                    format!("modules/{}", html::page_name(inputs.reg.modules[i].id())),
                    pages::module(&shared, i),
                ),
            };
            let file = root.join(&path);
            std::fs::write(&file, text.as_bytes()).map_err(|e| Error::io(&out.join(&path), e))?;
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n);
            Ok(text.len() as u64)
        })
        .collect();
    let bytes: u64 = bytes?.iter().sum();
    std::fs::write(root.join(MARKER), MARKER_TEXT).map_err(|e| Error::io(&out.join(MARKER), e))?;
    set_dir_mode(root);

    // Into place: a previous site moves aside first, then the new one takes its name, then the
    // old one goes. A reader sees the old site or the new one, except for the moment between
    // the two renames.
    let tmp_path = tmp.keep();
    let aside = previous.then(|| {
        let mut name = out.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(".old");
        parent.join(format!(".{}-{}", name.to_string_lossy(), std::process::id()))
    });
    // (An empty directory at `out` needs no moving: rename(2) replaces it.)
    if let Some(aside) = &aside {
        std::fs::rename(out, aside).map_err(|e| {
            let _ = std::fs::remove_dir_all(&tmp_path);
            Error::io(out, e)
        })?;
    }
    if let Err(e) = std::fs::rename(&tmp_path, out) {
        if let Some(aside) = &aside {
            let _ = std::fs::rename(aside, out);
        }
        let _ = std::fs::remove_dir_all(&tmp_path);
        return Err(Error::io(out, e));
    }
    if let Some(aside) = aside {
        let _ = std::fs::remove_dir_all(aside);
    }
    Ok(Summary {
        pages: plan.len() - 2,
        modules: shared.rows.len(),
        bytes,
        graph_nodes: graph_nodes.load(std::sync::atomic::Ordering::Relaxed),
    })
}

/// Whether `out` may be written: `Ok(true)` when it holds a previous site (to replace),
/// `Ok(false)` when it is missing or an empty directory; a usage error for anything else.
fn check_target(out: &Path) -> Result<bool, Error> {
    let refuse = |why: &str| {
        Error::Usage(format!(
            "refusing to write the site into `{}`: {why}\nhint: modreg only replaces a directory it wrote \
             itself (it holds {MARKER}); pass another -o DIR, or remove this one",
            out.display()
        ))
    };
    let meta = match std::fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Error::io(out, e)),
    };
    if meta.file_type().is_symlink() {
        return Err(refuse("it is a symbolic link"));
    }
    if !meta.is_dir() {
        return Err(refuse("it is not a directory"));
    }
    if std::fs::symlink_metadata(out.join(MARKER)).is_ok_and(|m| m.is_file()) {
        return Ok(true);
    }
    let mut entries = std::fs::read_dir(out).map_err(|e| Error::io(out, e))?;
    if entries.next().is_none() {
        return Ok(false);
    }
    Err(refuse("it exists and is not a site modreg wrote"))
}

/// The site's directory gets the mode a plain `mkdir` would give it (tempfile creates 0700).
fn set_dir_mode(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let umask_free = std::fs::Permissions::from_mode(0o755);
        let _ = std::fs::set_permissions(dir, umask_free);
    }
    #[cfg(not(unix))]
    let _ = dir;
}
