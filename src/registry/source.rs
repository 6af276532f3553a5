//! Where a registry is read from (jj's one-loader-many-ways-in): the working tree, a git tree
//! at a revision, or the working tree with one candidate manifest laid over it (what
//! `register` checks before it writes). Each source lists every entry under the registry once,
//! with the sizes and modification times the parse cache keys on, and hands out file contents;
//! nothing above this file cares which source it is.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::Error;
use crate::diag::{Files, Origin};
use crate::fsutil::{self, ReadError};
use crate::git::Repo;
use crate::yaml::MAX_FILE_BYTES;

/// What an entry of the registry tree is. Links are never followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    File,
    Dir,
    Symlink,
    /// A FIFO, socket, device or git submodule.
    Other,
}

/// One entry under the registry root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Relative to the registry root.
    pub path: PathBuf,
    pub kind: Kind,
    pub size: u64,
    /// Modification time in nanoseconds since the epoch; 0 when the source has none (git).
    pub mtime_ns: i64,
    /// The git blob id, for a git tree.
    pub oid: Option<String>,
}

/// Every entry under the registry root (hidden names left out), sorted by path, so a
/// directory's entries follow it.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub entries: Vec<Entry>,
}

/// Path order with the separator below every other byte: the order of `Path::cmp` (component
/// by component) for the plain relative paths of a listing, at the price of a byte comparison.
pub(crate) fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (a.as_os_str().as_encoded_bytes(), b.as_os_str().as_encoded_bytes());
    let key = |c: u8| if c == b'/' { 0 } else { c };
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(i) => key(a[i]).cmp(&key(b[i])),
        None => a.len().cmp(&b.len()),
    }
}

/// `path` lies below `dir`.
fn below(path: &Path, dir: &Path) -> bool {
    let (p, d) = (path.as_os_str().as_encoded_bytes(), dir.as_os_str().as_encoded_bytes());
    p.len() > d.len() && p.starts_with(d) && p[d.len()] == b'/'
}

impl Listing {
    fn sorted(mut entries: Vec<Entry>) -> Listing {
        entries.sort_unstable_by(|a, b| path_order(&a.path, &b.path));
        Listing { entries }
    }

    pub fn get(&self, rel: &Path) -> Option<&Entry> {
        self.entries.binary_search_by(|e| path_order(&e.path, rel)).ok().map(|i| &self.entries[i])
    }

    /// The entries below `dir` (not `dir` itself), in path order.
    pub fn under<'a>(&'a self, dir: &'a Path) -> impl Iterator<Item = &'a Entry> + 'a {
        let start = self.entries.partition_point(|e| path_order(&e.path, dir).is_le());
        self.entries[start..].iter().take_while(move |e| below(&e.path, dir))
    }

    /// Each entry directly under the root, with everything below it: one pass over the listing.
    pub fn groups(&self) -> impl Iterator<Item = (&Entry, &[Entry])> {
        let mut rest = self.entries.as_slice();
        std::iter::from_fn(move || {
            let (top, after) = rest.split_first()?;
            let n = after.iter().take_while(|e| below(&e.path, &top.path)).count();
            let (inside, next) = after.split_at(n);
            rest = next;
            Some((top, inside))
        })
    }
}

/// A candidate manifest laid over the working tree at `<root>/<id>/module.yaml`.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: String,
    /// How diagnostics name it: `<stdin>` or the path it was read from.
    pub name: PathBuf,
    pub bytes: Arc<[u8]>,
}

/// Where the registry's files come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// The files on disk (the default; the only source the parse cache serves).
    WorkTree,
    /// The registry as committed at a revision.
    Git(GitTree),
    /// The working tree plus one candidate manifest.
    Overlay(Candidate),
}

/// A git revision of the registry directory.
#[derive(Debug, Clone)]
pub struct GitTree {
    pub repo: Arc<Repo>,
    /// The revision as the user wrote it (`HEAD`, `origin/main`).
    pub rev: String,
    /// The commit it resolved to.
    pub commit: String,
    /// The registry directory, relative to the repository's top level.
    pub prefix: PathBuf,
}

impl GitTree {
    /// The registry directory `root` (as found on disk) at revision `rev` of its repository.
    pub fn at(root: &Path, rev: &str) -> Result<GitTree, Error> {
        let repo = Repo::discover(root)
            .map_err(|e| Error::Other(e.to_string()))?
            .ok_or_else(|| Error::Usage(format!("{} is not inside a git repository", root.display())))?;
        let prefix = repo.relative(root).ok_or_else(|| {
            Error::Usage(format!(
                "{} is not inside the repository at {}",
                root.display(),
                repo.toplevel().display()
            ))
        })?;
        let commit = repo.resolve(rev).map_err(|e| Error::Usage(e.to_string()))?;
        Ok(GitTree { repo: Arc::new(repo), rev: rev.to_owned(), commit, prefix })
    }

    /// The files of the registry (relative to its root) whose contents in the working tree may
    /// differ from this revision's: every other file the revision has is in the working tree
    /// with the same bytes, or with bytes git's filters (end-of-line conversion) turn into the
    /// same blob, which is why a reader still compares sizes. Files the revision lacks are not
    /// listed.
    pub fn changed_in_work_tree(&self) -> Result<Vec<PathBuf>, Error> {
        let changed =
            self.repo.changed_paths(&self.commit, &self.prefix).map_err(|e| Error::Other(e.to_string()))?;
        Ok(changed
            .into_iter()
            .filter_map(|p| p.strip_prefix(&self.prefix).ok().map(Path::to_path_buf))
            .collect())
    }
}

impl Source {
    /// How files of this source are named in diagnostics: below `root` on disk, `REV:path` in git.
    pub fn display_root(&self, root: &Path) -> PathBuf {
        match self {
            Source::Git(g) => PathBuf::from(format!("{}:{}", g.rev, g.prefix.display())),
            _ => root.to_path_buf(),
        }
    }

    /// The source map for diagnostics in this source.
    pub fn files(&self) -> Files {
        match self {
            Source::WorkTree => Files::disk(),
            Source::Git(_) => Files::closed(),
            Source::Overlay(c) => {
                let files = Files::disk();
                files.add(c.name.clone(), Origin::Bytes(Arc::clone(&c.bytes)));
                files
            }
        }
    }

    /// Every entry under the registry. `root` is the registry directory on disk.
    pub fn list(&self, root: &Path) -> Result<Listing, Error> {
        match self {
            Source::WorkTree => list_dir(root),
            Source::Overlay(c) => {
                let mut listing = list_dir(root)?;
                let dir = PathBuf::from(&c.id);
                let manifest = dir.join(super::MANIFEST_FILE);
                listing.entries.retain(|e| e.path != manifest && e.path != dir);
                listing.entries.push(Entry { path: dir, kind: Kind::Dir, size: 0, mtime_ns: 0, oid: None });
                listing.entries.push(Entry {
                    path: manifest,
                    kind: Kind::File,
                    size: c.bytes.len() as u64,
                    mtime_ns: 0,
                    oid: None,
                });
                Ok(Listing::sorted(listing.entries))
            }
            Source::Git(g) => list_git(g),
        }
    }
}

/// The working tree: every entry under `root`, hidden names left out, links not followed.
/// Top-level entries are described and walked in parallel; each directory's children are
/// sorted as they are read, so the listing comes out in path order with no global sort. An
/// unreadable subdirectory hides nothing a manifest needs and is skipped.
fn list_dir(root: &Path) -> Result<Listing, Error> {
    let mut top: Vec<(PathBuf, fs::DirEntry)> = Vec::new();
    for entry in fs::read_dir(root).map_err(|e| Error::io(root, e))? {
        let entry = entry.map_err(|e| Error::io(root, e))?;
        let name = PathBuf::from(entry.file_name());
        if !hidden(&name) {
            top.push((name, entry));
        }
    }
    top.sort_unstable_by(|a, b| path_order(&a.0, &b.0));
    let parts: Vec<Result<Vec<Entry>, Error>> = top
        .into_par_iter()
        .map(|(name, entry)| {
            let e = describe(&entry, name).map_err(|e| Error::io(&entry.path(), e))?;
            let dir = (e.kind == Kind::Dir).then(|| e.path.clone());
            let mut out = vec![e];
            if let Some(dir) = dir {
                walk(root, &dir, &mut out);
            }
            Ok(out)
        })
        .collect();
    let mut entries = Vec::new();
    for part in parts {
        entries.extend(part?);
    }
    debug_assert!(entries.windows(2).all(|w| path_order(&w[0].path, &w[1].path).is_lt()));
    Ok(Listing { entries })
}

/// The children of `dir` (relative to `root`), sorted; none when it cannot be read.
fn children(root: &Path, dir: &Path) -> Vec<Entry> {
    let Ok(read) = fs::read_dir(root.join(dir)) else {
        return Vec::new();
    };
    let mut out: Vec<Entry> = read
        .flatten()
        .filter(|entry| !hidden(Path::new(&entry.file_name())))
        .filter_map(|entry| describe(&entry, dir.join(entry.file_name())).ok())
        .collect();
    out.sort_unstable_by(|a, b| path_order(&a.path, &b.path));
    out
}

/// Everything below `dir`, depth first with sorted children (which is path order), with an
/// explicit stack.
fn walk(root: &Path, dir: &Path, out: &mut Vec<Entry>) {
    let mut stack = vec![children(root, dir).into_iter()];
    while let Some(level) = stack.last_mut() {
        let Some(e) = level.next() else {
            stack.pop();
            continue;
        };
        let sub = (e.kind == Kind::Dir).then(|| e.path.clone());
        out.push(e);
        if let Some(sub) = sub {
            stack.push(children(root, &sub).into_iter());
        }
    }
}

fn hidden(name: &Path) -> bool {
    name.as_os_str().as_encoded_bytes().first() == Some(&b'.')
}

fn describe(entry: &fs::DirEntry, path: PathBuf) -> std::io::Result<Entry> {
    let meta = entry.metadata()?;
    Ok(Entry { path, kind: Kind::of(&meta), size: meta.len(), mtime_ns: mtime_ns(&meta), oid: None })
}

impl Kind {
    /// The kind of what `meta` (from `symlink_metadata`: links not followed) describes.
    pub fn of(meta: &fs::Metadata) -> Kind {
        let ft = meta.file_type();
        if ft.is_symlink() {
            Kind::Symlink
        } else if ft.is_dir() {
            Kind::Dir
        } else if ft.is_file() {
            Kind::File
        } else {
            Kind::Other
        }
    }
}

/// The modification time a listing records: ns since the epoch, 0 when unknown.
pub fn mtime_ns(meta: &fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// A git tree: `git ls-tree` of the registry directory, with the directories git does not list
/// put back in.
fn list_git(g: &GitTree) -> Result<Listing, Error> {
    use crate::git::EntryKind;
    let tree = g.repo.ls_tree(&g.commit, &g.prefix).map_err(|e| Error::Other(e.to_string()))?;
    let mut entries = Vec::with_capacity(tree.len());
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for t in tree {
        let Ok(rel) = t.path.strip_prefix(&g.prefix) else {
            continue;
        };
        if rel.as_os_str().is_empty() || rel.components().any(|c| hidden(Path::new(c.as_os_str()))) {
            continue;
        }
        let mut parent = rel.parent();
        while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty()) {
            if !dirs.insert(p.to_path_buf()) {
                break;
            }
            parent = p.parent();
        }
        let kind = match t.kind {
            EntryKind::Blob | EntryKind::Executable => Kind::File,
            EntryKind::Symlink => Kind::Symlink,
            EntryKind::Tree => Kind::Dir,
            EntryKind::Submodule => Kind::Other,
        };
        entries.push(Entry {
            path: rel.to_path_buf(),
            kind,
            size: t.size.unwrap_or(0),
            mtime_ns: 0,
            oid: Some(t.oid),
        });
    }
    entries.extend(dirs.into_iter().map(|path| Entry {
        path,
        kind: Kind::Dir,
        size: 0,
        mtime_ns: 0,
        oid: None,
    }));
    Ok(Listing::sorted(entries))
}

/// Why a file's bytes could not be had.
#[derive(Debug)]
pub enum Unreadable {
    Symlink,
    NotAFile,
    Io(String),
}

impl Source {
    /// The contents of regular files of the listing (at most the size limit + 1 byte each), in
    /// the order asked. A git tree reads them all through one `git cat-file --batch`.
    pub fn read_many(&self, root: &Path, entries: &[&Entry]) -> Vec<Result<Vec<u8>, Unreadable>> {
        match self {
            Source::Git(g) => {
                let oids: Vec<&str> = entries.iter().map(|e| e.oid.as_deref().unwrap_or("")).collect();
                match g.repo.read_blobs(&oids, MAX_FILE_BYTES) {
                    Ok(blobs) => blobs.into_iter().map(|b| Ok(b.data)).collect(),
                    Err(e) => entries.iter().map(|_| Err(Unreadable::Io(e.to_string()))).collect(),
                }
            }
            _ => entries.par_iter().map(|e| self.read(root, e)).collect(),
        }
    }

    /// The contents of one file of the listing.
    pub fn read(&self, root: &Path, entry: &Entry) -> Result<Vec<u8>, Unreadable> {
        match self {
            Source::Overlay(c) if entry.path == Path::new(&c.id).join(super::MANIFEST_FILE) => {
                Ok(c.bytes.to_vec())
            }
            Source::Git(_) => self.read_many(root, &[entry]).pop().unwrap_or(Err(Unreadable::NotAFile)),
            _ => match fsutil::read_regular(&root.join(&entry.path), MAX_FILE_BYTES) {
                Ok(Some(bytes)) => Ok(bytes),
                Ok(None) => {
                    Err(Unreadable::Io("the file disappeared while modreg read the registry".to_owned()))
                }
                Err(ReadError::Symlink) => Err(Unreadable::Symlink),
                Err(ReadError::NotAFile) => Err(Unreadable::NotAFile),
                Err(ReadError::Io(e)) => Err(Unreadable::Io(e.to_string())),
            },
        }
    }

    /// Register in `files` where the text of a loaded file comes from, when the source is not
    /// the disk under the same name.
    pub fn register(&self, files: &Files, name: &Path, entry: &Entry) {
        if let (Source::Git(g), Some(oid)) = (self, &entry.oid) {
            let repo = Arc::clone(&g.repo);
            let oid = oid.clone();
            files.add(
                name,
                Origin::Lazy(Arc::new(move || {
                    repo.read_blobs(&[oid.as_str()], MAX_FILE_BYTES).ok()?.pop().map(|b| b.data)
                })),
            );
        }
    }

    /// Where a path of the listing that is or goes through a symbolic link leads. On disk, links
    /// are resolved (never read through); in a git tree, a link's target is resolved lexically.
    pub fn link_target(&self, root: &Path, listing: &Listing, rel: &Path) -> LinkTarget {
        match self {
            Source::Git(g) => {
                // Only the last component can be a link git knows the target of.
                let Some(oid) = listing.get(rel).and_then(|e| e.oid.as_deref()) else {
                    return LinkTarget::Dangling;
                };
                let Some(target) = g.repo.read_blobs(&[oid], 4096).ok().and_then(|mut b| b.pop()) else {
                    return LinkTarget::Dangling;
                };
                let Ok(target) = String::from_utf8(target.data) else {
                    return LinkTarget::Dangling;
                };
                let parent = rel.parent().unwrap_or(Path::new(""));
                lexical(&parent.join(target)).map_or(LinkTarget::Outside, LinkTarget::Inside)
            }
            _ => {
                let (Ok(real), Ok(real_root)) = (fs::canonicalize(root.join(rel)), fs::canonicalize(root))
                else {
                    return LinkTarget::Dangling;
                };
                real.strip_prefix(&real_root)
                    .map_or(LinkTarget::Outside, |p| LinkTarget::Inside(p.to_path_buf()))
            }
        }
    }
}

/// Where a symbolic link leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// To this path, relative to the registry root.
    Inside(PathBuf),
    /// Out of the registry.
    Outside,
    /// Nowhere.
    Dangling,
}

/// `a/b/../c` → `a/c`; `None` when it climbs above its start or is absolute.
fn lexical(path: &Path) -> Option<PathBuf> {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_order_is_path_order() {
        let paths = ["a", "a/b", "a/b/c", "a-b", "a-b/x", "a.b", "ab", "a/b-c", "a/b/d", "b", "a0", "a/"];
        let mut by_path: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
        let mut by_bytes = by_path.clone();
        by_path.sort();
        by_bytes.sort_by(|a, b| path_order(a, b));
        assert_eq!(by_path, by_bytes);
        let listing = Listing::sorted(
            ["a", "a/b", "a/b/c", "a-b", "a-b/x", "b"]
                .iter()
                .map(|p| Entry { path: p.into(), kind: Kind::File, size: 0, mtime_ns: 0, oid: None })
                .collect(),
        );
        let under: Vec<&Path> = listing.under(Path::new("a")).map(|e| e.path.as_path()).collect();
        assert_eq!(under, [Path::new("a/b"), Path::new("a/b/c")]);
        assert!(listing.get(Path::new("a-b/x")).is_some() && listing.get(Path::new("a/x")).is_none());
    }
}
