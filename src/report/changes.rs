//! Per module, the newest commit that touched its directory and how many did, for `stats`,
//! `show` and `list --format json`: one `git log` pass over the registry directory
//! ([`Repo::changes_by_dir`]), run beside the registry load so the two overlap, and kept in the
//! parse cache's directory for the commit it was computed at, so that the next run at the same
//! HEAD walks nothing and one after new commits walks only those. Outside a git work tree there
//! are no figures at all (`None`), rather than zeros that would read as "never changed".

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::fsutil::{self, Existing};
use crate::git::{DirChanges, GitError, Range, Repo};
use crate::registry::Module;
use crate::registry::cache::{fnv, mark_cache_dir};

/// What git says about one module directory. A module that no commit touched yet (new, not
/// committed) has `commits: 0` and no date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GitFigures {
    /// The committer date of the newest commit that touched the module's directory, in RFC 3339
    /// as git prints it (with the committer's offset); `null` when none did.
    pub last_changed: Option<String>,
    /// How many commits (merges aside) touched the module's directory, from HEAD.
    pub commits: usize,
    /// `last_changed` in seconds since the epoch, to order dates with different offsets.
    #[serde(skip)]
    pub last_changed_unix: Option<i64>,
}

/// The history of the module directories of one registry.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    by_dir: BTreeMap<PathBuf, DirChanges>,
}

impl Changes {
    /// The figures of `module`, by its directory (zero when no commit touched it).
    pub fn of(&self, module: &Module) -> GitFigures {
        self.of_dir(&module.dir_name)
    }

    fn of_dir(&self, dir: &str) -> GitFigures {
        match self.by_dir.get(Path::new(dir)) {
            Some(c) => GitFigures {
                last_changed: Some(c.last_changed.clone()),
                commits: c.commits,
                last_changed_unix: Some(c.last_changed_unix),
            },
            None => GitFigures { last_changed: None, commits: 0, last_changed_unix: None },
        }
    }

    /// Whether the walk covered directory `dir` (a walk limited to some directories knows
    /// nothing of the others).
    fn covers(&self, dir: &str, only: &[&str]) -> bool {
        only.is_empty() || only.contains(&dir)
    }
}

/// The changes of the module directories under the registry directory `root` (as the user named
/// it: relative to `cwd`, or absolute), for all of them or only those named in `only`.
/// `Ok(None)` when the registry is not inside a git work tree (or git is not installed).
///
/// With a `cache` directory (the parse cache's), the figures of the whole registry are kept
/// there for the commit they were computed at: at the same HEAD they are reused, and after new
/// commits on top of it only those are walked and added. A walk limited by `only` (`show`) reads
/// the cache but never writes it. A missing, damaged or foreign cache is ignored and rewritten.
pub fn read(
    cwd: &Path,
    root: &Path,
    only: &[&str],
    cache: Option<&Path>,
) -> Result<Option<Changes>, GitError> {
    let abs = if root.is_absolute() { root.to_path_buf() } else { cwd.join(root) };
    let Some(repo) = Repo::discover(&abs)? else {
        return Ok(None);
    };
    // Inside the work tree but not under the toplevel (a symlink out of it): no history here.
    let Some(prefix) = repo.relative(&abs) else {
        return Ok(None);
    };
    let only_paths: Vec<&Path> = only.iter().map(Path::new).collect();
    let walk = |range: Range<'_>| repo.changes_by_dir(&prefix, &only_paths, range);
    let (Some(dir), Ok(head)) = (cache, repo.resolve("HEAD")) else {
        // No cache, or no commit yet (the walk then finds nothing).
        return Ok(Some(Changes { by_dir: walk(Range::default())? }));
    };
    let file = dir.join(format!(
        "git-{:016x}.bin",
        fnv(&[repo.toplevel().as_os_str().as_encoded_bytes(), prefix.as_os_str().as_encoded_bytes()])
    ));
    let stored = Stored::load(&file).filter(|s| s.toplevel == repo.toplevel() && s.prefix == prefix);
    let head_range = Range { head: Some(&head), since: None };
    let mut by_dir = match stored {
        Some(s) if s.head == head => s.by_dir,
        // A limited walk is cheap enough on its own, and nothing to store.
        _ if !only.is_empty() => walk(head_range)?,
        Some(s) if repo.is_ancestor(&s.head, &head).unwrap_or(false) => {
            let mut by_dir = s.by_dir;
            for (d, new) in walk(Range { head: Some(&head), since: Some(&s.head) })? {
                match by_dir.get_mut(&d) {
                    Some(old) => {
                        old.commits += new.commits;
                        if new.last_changed_unix >= old.last_changed_unix {
                            old.last_changed = new.last_changed;
                            old.last_changed_unix = new.last_changed_unix;
                        }
                    }
                    None => {
                        by_dir.insert(d, new);
                    }
                }
            }
            Stored::save(&file, repo.toplevel(), &prefix, &head, &by_dir);
            by_dir
        }
        _ => {
            let by_dir = walk(head_range)?;
            Stored::save(&file, repo.toplevel(), &prefix, &head, &by_dir);
            by_dir
        }
    };
    if !only.is_empty() {
        by_dir.retain(|d, _| only_paths.contains(&d.as_path()));
    }
    Ok(Some(Changes { by_dir }))
}

/// The cache file: the figures of every directory of one registry at one commit.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    version: String,
    toplevel: PathBuf,
    prefix: PathBuf,
    head: String,
    /// (directory, commits, last changed, its unix time)
    dirs: Vec<(PathBuf, usize, String, i64)>,
}

/// What a cache file starts with, so that nothing else is taken for one.
const MAGIC: &[u8] = b"modreg-git-changes\n";

/// A view of [`Stored`] ready to use.
struct Loaded {
    toplevel: PathBuf,
    prefix: PathBuf,
    head: String,
    by_dir: BTreeMap<PathBuf, DirChanges>,
}

impl Stored {
    fn load(file: &Path) -> Option<Loaded> {
        let bytes = std::fs::read(file).ok()?;
        let s: Stored = rmp_serde::from_slice(bytes.strip_prefix(MAGIC)?).ok()?;
        if s.version != env!("CARGO_PKG_VERSION") {
            return None;
        }
        let by_dir = s
            .dirs
            .into_iter()
            .map(|(d, commits, last_changed, last_changed_unix)| {
                (d, DirChanges { commits, last_changed, last_changed_unix })
            })
            .collect();
        Some(Loaded { toplevel: s.toplevel, prefix: s.prefix, head: s.head, by_dir })
    }

    /// Write the cache atomically; any failure (a read-only checkout) leaves it as it was.
    fn save(file: &Path, toplevel: &Path, prefix: &Path, head: &str, by_dir: &BTreeMap<PathBuf, DirChanges>) {
        let stored = Stored {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            toplevel: toplevel.to_path_buf(),
            prefix: prefix.to_path_buf(),
            head: head.to_owned(),
            dirs: by_dir
                .iter()
                .map(|(d, c)| (d.clone(), c.commits, c.last_changed.clone(), c.last_changed_unix))
                .collect(),
        };
        let Ok(body) = rmp_serde::to_vec(&stored) else {
            return;
        };
        let Some(dir) = file.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        mark_cache_dir(dir);
        let _ = fsutil::write_atomic(file, &[MAGIC, &body].concat(), Existing::Replace);
    }
}

/// Run `load` while the git pass of [`read`] runs on another thread: the load is mostly parsing
/// and the git pass mostly git, so the two overlap instead of adding up.
pub fn alongside<T>(
    cwd: &Path,
    root: &Path,
    only: &[&str],
    cache: Option<&Path>,
    load: impl FnOnce() -> T,
) -> (T, Result<Option<Changes>, GitError>) {
    std::thread::scope(|scope| {
        let git = scope.spawn(|| read(cwd, root, only, cache));
        let loaded = load();
        let changes =
            git.join().unwrap_or_else(|_| Err(GitError { message: "the git pass panicked".to_owned() }));
        (loaded, changes)
    })
}

/// The figures of one module from a walk that may have been limited to other directories
/// (`show` walks the directory named like the module before it knows the module's real
/// directory): `None` when the walk did not cover it.
pub fn figures_of(changes: &Changes, module: &Module, only: &[&str]) -> Option<GitFigures> {
    changes.covers(&module.dir_name, only).then(|| changes.of(module))
}

/// The stderr line when git figures are left out because git failed.
pub fn left_out_note(err: &GitError) -> String {
    format!(
        "warning: git figures left out: {err}\nhint: run `git status` in the registry to see what git objects to"
    )
}
