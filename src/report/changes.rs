//! Per module, the newest commit that touched its directory and how many did, for `stats`,
//! `show` and `list --format json`: one `git log` pass over the registry directory
//! ([`Repo::changes_by_dir`]), run beside the registry load so the two overlap. Outside a git
//! work tree there are no figures at all (`None`), rather than zeros that would read as
//! "never changed".

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::git::{DirChanges, GitError, Repo};
use crate::registry::Module;

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
pub fn read(cwd: &Path, root: &Path, only: &[&str]) -> Result<Option<Changes>, GitError> {
    let abs = if root.is_absolute() { root.to_path_buf() } else { cwd.join(root) };
    let Some(repo) = Repo::discover(&abs)? else {
        return Ok(None);
    };
    // Inside the work tree but not under the toplevel (a symlink out of it): no history here.
    let Some(prefix) = repo.relative(&abs) else {
        return Ok(None);
    };
    let only: Vec<&Path> = only.iter().map(Path::new).collect();
    Ok(Some(Changes { by_dir: repo.changes_by_dir(&prefix, &only)? }))
}

/// Run `load` while the git pass of [`read`] runs on another thread: the load is mostly parsing
/// and the git pass mostly git, so the two overlap instead of adding up.
pub fn alongside<T>(
    cwd: &Path,
    root: &Path,
    only: &[&str],
    load: impl FnOnce() -> T,
) -> (T, Result<Option<Changes>, GitError>) {
    std::thread::scope(|scope| {
        let git = scope.spawn(|| read(cwd, root, only));
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
