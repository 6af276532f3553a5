//! Reads a git repository through local plumbing (`rev-parse`, `ls-tree`, `cat-file`, `log`, and
//! one `diff` for the files that changed since a revision): the registry as it was at a
//! revision, and the history of a path. The only module that runs
//! `git`; it never writes to a repository, takes no optional locks and never touches a remote.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Variables that point git at a repository other than the one `-C` discovers. Git exports
/// some of them to hooks (a pre-commit hook running `modreg` would otherwise read the hook's
/// repository whatever path it asks about), so every command runs without them.
const REPOSITORY_ENV: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
];

/// A failed git command or output this module could not make sense of.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct GitError {
    /// What went wrong, with git's own (trimmed) stderr where it says more.
    pub message: String,
}

impl GitError {
    fn new(message: impl Into<String>) -> Self {
        GitError { message: message.into() }
    }

    fn unexpected(command: &str, what: impl std::fmt::Display) -> Self {
        GitError::new(format!("unexpected output from `git {command}`: {what}"))
    }
}

/// A git work tree, found by `git rev-parse --show-toplevel`.
#[derive(Debug, Clone)]
pub struct Repo {
    /// As git prints it; every command runs with `-C` this directory.
    toplevel: PathBuf,
    /// Canonical form of `toplevel`, for [`Repo::relative`].
    canonical: PathBuf,
}

/// One entry of `git ls-tree -r --long`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry {
    /// The octal mode as a number, e.g. `0o100644`.
    pub mode: u32,
    pub kind: EntryKind,
    pub oid: String,
    /// Blob size in bytes; `None` for trees and submodules (git prints `-`).
    pub size: Option<u64>,
    /// Relative to the toplevel.
    pub path: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file (mode 100644, or the historical 100664).
    Blob,
    /// Mode 120000: the blob holds the link target.
    Symlink,
    /// Mode 100755: a regular file with the executable bit.
    Executable,
    /// Mode 040000 (only listed by ls-tree without `-r`).
    Tree,
    /// Mode 160000: a gitlink, whose oid is a commit of another repository.
    Submodule,
}

impl EntryKind {
    /// A file whose blob is its contents (a regular or an executable file).
    pub fn is_file(self) -> bool {
        matches!(self, EntryKind::Blob | EntryKind::Executable)
    }
}

/// A blob read by [`Repo::read_blobs`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    /// The blob's real size.
    pub size: u64,
    /// Its contents, or their first `limit + 1` bytes when it is larger than `limit`.
    pub data: Vec<u8>,
}

impl Blob {
    /// `data` holds less than the whole blob.
    pub fn is_truncated(&self) -> bool {
        (self.data.len() as u64) < self.size
    }
}

impl Repo {
    /// The repository containing `start`; `Ok(None)` when `start` is not inside a git work tree
    /// (including inside a `.git` directory or a bare repository) or git is not installed.
    /// Other failures (a missing directory, a repository git refuses as unsafe) are errors.
    pub fn discover(start: &Path) -> Result<Option<Repo>, GitError> {
        let dir = if start.is_file() { start.parent().unwrap_or(Path::new(".")) } else { start };
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        let mut cmd = git(dir);
        cmd.args(["rev-parse", "--show-toplevel"]);
        let output = match cmd.output() {
            Ok(output) => output,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(spawn_error("rev-parse", &e)),
        };
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            if stderr.contains("not a git repository") || stderr.contains("must be run in a work tree") {
                return Ok(None);
            }
            return Err(failure("rev-parse", &output));
        }
        let line = output.stdout.strip_suffix(b"\n").unwrap_or(&output.stdout);
        if line.is_empty() {
            return Err(GitError::unexpected("rev-parse --show-toplevel", "an empty toplevel"));
        }
        let toplevel = path_from_bytes(line)?;
        let canonical = toplevel.canonicalize().map_err(|e| {
            GitError::new(format!("cannot resolve the git toplevel {}: {e}", toplevel.display()))
        })?;
        Ok(Some(Repo { toplevel, canonical }))
    }

    pub fn toplevel(&self) -> &Path {
        &self.toplevel
    }

    /// `path` (absolute or relative to the process's current directory) relative to the
    /// toplevel, e.g. `registry`, or an empty path for the toplevel itself. `None` when it does
    /// not exist or is outside the work tree. Both sides are canonicalized, so symlinks agree.
    pub fn relative(&self, path: &Path) -> Option<PathBuf> {
        let path = path.canonicalize().ok()?;
        path.strip_prefix(&self.canonical).ok().map(Path::to_path_buf)
    }

    /// The full commit id of `rev` (a tag is peeled to its commit). An unknown revision, or one
    /// that names no commit, is an error saying `unknown git revision `REV``.
    pub fn resolve(&self, rev: &str) -> Result<String, GitError> {
        if rev.is_empty() {
            return Err(GitError::new("unknown git revision `` (the revision is empty)"));
        }
        let mut cmd = git(&self.toplevel);
        cmd.args(["rev-parse", "--verify", "--quiet", "--end-of-options"]).arg(format!("{rev}^{{commit}}"));
        let output = cmd.output().map_err(|e| spawn_error("rev-parse", &e))?;
        // `--verify --quiet` exits 1 for anything that does not resolve to a commit; it says
        // why only when the object exists but is not a commit.
        if output.status.code() == Some(1) {
            let why = String::from_utf8_lossy(&output.stderr);
            let why = why.trim();
            let why = why.strip_prefix("error: ").unwrap_or(why);
            return Err(GitError::new(if why.is_empty() {
                format!("unknown git revision `{rev}`")
            } else {
                format!("unknown git revision `{rev}`: {why}")
            }));
        }
        if !output.status.success() {
            return Err(failure("rev-parse", &output));
        }
        let id = std::str::from_utf8(output.stdout.trim_ascii())
            .map_err(|_| GitError::unexpected("rev-parse", "a commit id that is not UTF-8"))?;
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(GitError::unexpected("rev-parse", format!("`{id}` is not a commit id")));
        }
        Ok(id.to_owned())
    }

    /// Whether the repository is a shallow clone (`git clone --depth N`, a CI checkout's default),
    /// whose older commits and other branches may simply not be there.
    pub fn is_shallow(&self) -> Result<bool, GitError> {
        let mut cmd = git(&self.toplevel);
        cmd.args(["rev-parse", "--is-shallow-repository"]);
        let stdout = run(cmd, "rev-parse")?;
        match stdout.trim_ascii() {
            b"true" => Ok(true),
            b"false" => Ok(false),
            other => Err(GitError::unexpected("rev-parse --is-shallow-repository", other.escape_ascii())),
        }
    }

    /// Every entry under `path` (relative to the toplevel; empty for the whole tree) at `rev`,
    /// recursively, in git's order. Paths in the result are relative to the toplevel. An empty
    /// result when `path` does not exist at `rev`; an unknown `rev` is an error.
    pub fn ls_tree(&self, rev: &str, path: &Path) -> Result<Vec<TreeEntry>, GitError> {
        let mut cmd = git(&self.toplevel);
        // No `--`: after `--end-of-options` ls-tree would take it for a path.
        cmd.args(["ls-tree", "-r", "-z", "--long", "--full-tree", "--end-of-options", rev]);
        if !path.as_os_str().is_empty() {
            cmd.arg(path);
        }
        let stdout = run(cmd, "ls-tree")?;
        stdout.split(|&b| b == 0).filter(|record| !record.is_empty()).map(parse_tree_entry).collect()
    }

    /// The paths under `path` (relative to the toplevel; empty for the whole tree) whose
    /// working-tree contents differ from `commit`'s tree, relative to the toplevel: modified,
    /// deleted or changed in kind, whether staged or not. Untracked files are not listed (a
    /// caller that wants "same bytes as the commit" asks only about paths the commit has).
    ///
    /// This is `git diff <commit>` rather than the plumbing `diff-index`: both answer from the
    /// index's stat data without reading unchanged files, but for a file whose stat data is
    /// stale (touched, copied, restored from a CI cache) `diff-index` reports a change while
    /// `git diff` compares the contents and drops it. `GIT_OPTIONAL_LOCKS=0` keeps it from
    /// writing the refreshed index; the options keep user configuration out of its answer.
    pub fn changed_paths(&self, commit: &str, path: &Path) -> Result<Vec<PathBuf>, GitError> {
        let mut cmd = git(&self.toplevel);
        cmd.args([
            "diff",
            "--no-ext-diff",
            "--no-textconv",
            "--no-renames",
            "--ignore-submodules=all",
            "--name-only",
            "-z",
            "--end-of-options",
            commit,
            "--",
        ]);
        if !path.as_os_str().is_empty() {
            cmd.arg(path);
        }
        let stdout = run(cmd, "diff")?;
        stdout.split(|&b| b == 0).filter(|p| !p.is_empty()).map(path_from_bytes).collect()
    }

    /// The contents of `oids` (blob ids), in order, from ONE `git cat-file --batch` process.
    /// Each blob keeps at most `limit + 1` bytes in memory (the rest is read and discarded), so
    /// a caller can tell "too large" from "exactly `limit`"; [`Blob::size`] is the real size.
    /// An oid git reports missing (or ambiguous), or one that is not a blob, is an error naming
    /// it.
    pub fn read_blobs(&self, oids: &[&str], limit: usize) -> Result<Vec<Blob>, GitError> {
        if oids.is_empty() {
            return Ok(Vec::new());
        }
        // Anything but hex would be read as a revision expression, and a line break would put
        // the two sides of the protocol out of step.
        if let Some(bad) = oids.iter().find(|o| o.is_empty() || !o.bytes().all(|b| b.is_ascii_hexdigit())) {
            return Err(GitError::new(format!("`{bad}` is not a git object id")));
        }
        let mut cmd = git(&self.toplevel);
        cmd.args(["cat-file", "--batch", "--buffer"]).stdin(Stdio::piped());
        let mut child = cmd.spawn().map_err(|e| spawn_error("cat-file", &e))?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(GitError::new("`git cat-file` started without its pipes"));
        };
        let keep = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);

        let (read, written, stderr) = std::thread::scope(|scope| {
            // Requests go out on one thread and git's complaints are drained on another while
            // this one reads the answers: no pipe can fill up with nobody reading it.
            let writer = scope.spawn(move || -> io::Result<()> {
                let mut stdin = io::BufWriter::new(stdin);
                for oid in oids {
                    stdin.write_all(oid.as_bytes())?;
                    stdin.write_all(b"\n")?;
                }
                stdin.flush()
                // Dropping stdin closes the pipe: git flushes and exits.
            });
            let errors = scope.spawn(move || {
                let mut buf = Vec::new();
                let _ = BufReader::new(stderr).read_to_end(&mut buf);
                buf
            });
            let mut reader = BufReader::with_capacity(64 * 1024, stdout);
            let read = read_batch(&mut reader, oids, keep);
            if read.is_err() {
                // Stop git so the writer and the stderr reader finish too.
                let _ = child.kill();
            }
            drop(reader);
            let written = writer.join().unwrap_or_else(|_| Err(io::Error::other("the writer panicked")));
            let stderr = errors.join().unwrap_or_default();
            (read, written, stderr)
        });
        let status =
            child.wait().map_err(|e| GitError::new(format!("cannot wait for `git cat-file`: {e}")))?;
        let blobs = read.map_err(|e| match String::from_utf8_lossy(&stderr).trim() {
            "" => e,
            said => GitError::new(format!("{}: {said}", e.message)),
        })?;
        if !status.success() {
            return Err(failure_parts("cat-file", status, &stderr));
        }
        written.map_err(|e| GitError::new(format!("cannot write to `git cat-file`: {e}")))?;
        Ok(blobs)
    }

    /// The commits that touched `path` (relative to the toplevel; empty for any change), newest
    /// first, from HEAD: (full commit id, committer date in RFC 3339). Empty in a repository
    /// without commits.
    pub fn log_path(&self, path: &Path) -> Result<Vec<(String, String)>, GitError> {
        let mut cmd = git(&self.toplevel);
        // `log.follow` and `log.showSignature` in the user's configuration would change what is
        // listed and printed.
        cmd.args(["log", "--no-follow", "--no-show-signature", "--format=%H%x00%cI", "-z", "--"]);
        if !path.as_os_str().is_empty() {
            cmd.arg(path);
        }
        let stdout = match run(cmd, "log") {
            Ok(stdout) => stdout,
            // An unborn HEAD has no history rather than a broken one.
            Err(e) => return if self.resolve("HEAD").is_err() { Ok(Vec::new()) } else { Err(e) },
        };
        let mut fields = stdout.split(|&b| b == 0).map(<[u8]>::trim_ascii);
        let mut commits = Vec::new();
        while let Some(id) = fields.next() {
            if id.is_empty() {
                continue;
            }
            let date = fields.next().unwrap_or_default();
            let (Ok(id), Ok(date)) = (std::str::from_utf8(id), std::str::from_utf8(date)) else {
                return Err(GitError::unexpected("log", "a commit id or date that is not UTF-8"));
            };
            if !id.bytes().all(|b| b.is_ascii_hexdigit()) || date.is_empty() {
                return Err(GitError::unexpected(
                    "log",
                    format!("`{id}` `{date}` is not a commit and a date"),
                ));
            }
            commits.push((id.to_owned(), date.to_owned()));
        }
        Ok(commits)
    }

    /// Every committed version of the file at `path` (relative to the toplevel), newest first
    /// (`git log --date-order` from HEAD: a commit before its parents), from ONE `git log --raw`
    /// process. A version is a commit that changed what is at `path` compared with its first
    /// parent: an addition, a modification (or mode change), or a deletion
    /// ([`FileVersion::content`] `None`). Every branch merged into HEAD is walked
    /// (`--full-history`), so a snapshot committed on a side branch is a version too; a merge
    /// is one only when it changed the file on its first-parent line. No rename is followed:
    /// the versions are those of this path. Empty when nothing was ever committed there, or in
    /// a repository without commits.
    pub fn file_versions(&self, path: &Path) -> Result<Vec<FileVersion>, GitError> {
        if path.as_os_str().is_empty() {
            return Err(GitError::new("the history of a file needs the file's path"));
        }
        Ok(self.files_versions(&[path.to_path_buf()])?.remove(path).unwrap_or_default())
    }

    /// [`Repo::file_versions`] of many files at once, from ONE `git log --raw` over all of them
    /// (a site shows the health history of every module, and a process per module would cost
    /// seconds on a large registry). Keyed by the paths asked about; a path with no version is
    /// left out. Each list is newest first, as `file_versions` gives it.
    pub fn files_versions(&self, paths: &[PathBuf]) -> Result<HashMap<PathBuf, Vec<FileVersion>>, GitError> {
        if paths.is_empty() {
            return Ok(HashMap::new());
        }
        if paths.iter().any(|p| p.as_os_str().is_empty()) {
            return Err(GitError::new("the history of a file needs the file's path"));
        }
        let mut cmd = git(&self.toplevel);
        // `--root`, `--no-renames`, `--diff-merges` and `--no-color` override what a user's
        // `log.showRoot`, `diff.renames`, `log.diffMerges` and `color.ui` would change.
        cmd.args([
            "log",
            "--no-follow",
            "--no-show-signature",
            "--no-color",
            "--full-history",
            "--date-order",
            "--root",
            "--no-renames",
            "--diff-merges=first-parent",
            "--raw",
            "--no-abbrev",
            "-z",
            "--format=%H %cI",
            "--",
        ])
        .args(paths);
        let stdout = match run(cmd, "log") {
            Ok(stdout) => stdout,
            Err(e) => return if self.resolve("HEAD").is_err() { Ok(HashMap::new()) } else { Err(e) },
        };
        let wanted: HashMap<&[u8], &PathBuf> =
            paths.iter().map(|p| (p.as_os_str().as_encoded_bytes(), p)).collect();
        let found = parse_versions(&stdout, |path| wanted.contains_key(path))?;
        Ok(found
            .into_iter()
            .filter_map(|(k, v)| wanted.get(k.as_slice()).map(|p| ((*p).clone(), v)))
            .collect())
    }
    /// For every directory directly under `parent` (relative to the toplevel; empty for the
    /// toplevel itself), the commits that touched a file anywhere inside it: how many, and the
    /// newest. Keys are the directory names. ONE `git log --name-only`, streamed and folded,
    /// however many directories and commits there are.
    ///
    /// The commits are those reachable from `range.head` (HEAD when `None`), except those
    /// reachable from `range.since`: every one, without history simplification, so that the
    /// changes since an ancestor add up with the changes up to it. `only` (names of directories
    /// under `parent`) limits the walk to those directories; empty for all of them. A commit
    /// counts once per directory; merge commits are not counted (their changes are, at the
    /// commits that made them); a rename counts for both directories; the newest is the one
    /// with the latest committer date. Files directly in `parent` belong to no directory. Empty
    /// in a repository without commits.
    pub fn changes_by_dir(
        &self,
        parent: &Path,
        only: &[&Path],
        range: Range<'_>,
    ) -> Result<BTreeMap<PathBuf, DirChanges>, GitError> {
        for id in [range.head, range.since].into_iter().flatten() {
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(GitError::new(format!("`{id}` is not a commit id")));
            }
        }
        let mut cmd = git(&self.toplevel);
        // The configuration must not change what is listed (`log.follow`, `diff.renames`) or
        // printed (`log.showSignature`, colour); `-z` keeps paths verbatim. Each commit starts
        // with SOH: `\x01<id>\0<unix time>\0<date>\0`, then a line break and its files, each
        // ending in NUL.
        cmd.args([
            "log",
            "--full-history",
            "--no-follow",
            "--no-merges",
            "--no-renames",
            "--no-show-signature",
            "--no-color",
            "--name-only",
            "-z",
            "--format=%x01%H%x00%ct%x00%cI",
            "--end-of-options",
        ]);
        cmd.arg(range.head.unwrap_or("HEAD"));
        if let Some(since) = range.since {
            cmd.arg(format!("^{since}"));
        }
        cmd.arg("--");
        if only.is_empty() {
            if !parent.as_os_str().is_empty() {
                cmd.arg(parent);
            }
        } else {
            cmd.args(only.iter().map(|dir| parent.join(dir)));
        }
        let prefix: Vec<u8> = if parent.as_os_str().is_empty() {
            Vec::new()
        } else {
            let mut p = path_bytes(parent);
            while p.last() == Some(&b'/') {
                p.pop();
            }
            p.push(b'/');
            p
        };
        let mut child = cmd.spawn().map_err(|e| spawn_error("log", &e))?;
        let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(GitError::new("`git log` started without its pipes"));
        };
        let (folded, stderr) = std::thread::scope(|scope| {
            // git's complaints are drained on their own thread: neither pipe can fill up.
            let errors = scope.spawn(move || {
                let mut buf = Vec::new();
                let _ = BufReader::new(stderr).read_to_end(&mut buf);
                buf
            });
            let mut reader = BufReader::with_capacity(64 * 1024, stdout);
            let folded = fold_changes(&mut reader, &prefix);
            if folded.is_err() {
                let _ = child.kill();
            }
            drop(reader);
            (folded, errors.join().unwrap_or_default())
        });
        let status = child.wait().map_err(|e| GitError::new(format!("cannot wait for `git log`: {e}")))?;
        if !status.success() {
            // An unborn HEAD has no history rather than a broken one.
            if self.resolve("HEAD").is_err() {
                return Ok(BTreeMap::new());
            }
            return Err(failure_parts("log", status, &stderr));
        }
        let mut out = BTreeMap::new();
        for (dir, changes) in folded? {
            // A directory name git cannot hand over as a path here (not UTF-8 off Unix) is no
            // module's.
            if let Ok(dir) = path_from_bytes(&dir) {
                out.insert(dir, changes);
            }
        }
        Ok(out)
    }

    /// Whether anything under `path` (relative to the toplevel; empty for the whole tree)
    /// differs from HEAD: a staged or unstaged change, or an untracked file that is not
    /// ignored (`git status --porcelain`). In a repository without commits, any file there.
    pub fn is_dirty(&self, path: &Path) -> Result<bool, GitError> {
        let mut cmd = git(&self.toplevel);
        // Renames need not be found to know that something changed.
        cmd.args(["status", "--porcelain", "-z", "--no-renames", "--untracked-files=normal", "--"]);
        if !path.as_os_str().is_empty() {
            cmd.arg(path);
        }
        let stdout = run(cmd, "status")?;
        Ok(!stdout.is_empty())
    }

    /// Whether commit `ancestor` is `descendant` or one of its ancestors (both commit ids).
    /// An id git does not know is an error.
    pub fn is_ancestor(&self, ancestor: &str, descendant: &str) -> Result<bool, GitError> {
        for id in [ancestor, descendant] {
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(GitError::new(format!("`{id}` is not a commit id")));
            }
        }
        let mut cmd = git(&self.toplevel);
        cmd.args(["merge-base", "--is-ancestor", "--end-of-options", ancestor, descendant]);
        let output = cmd.output().map_err(|e| spawn_error("merge-base", &e))?;
        match output.status.code() {
            Some(0) => Ok(true),
            Some(1) => Ok(false),
            _ => Err(failure("merge-base", &output)),
        }
    }
}

/// Which commits [`Repo::changes_by_dir`] walks: those reachable from `head` (HEAD when
/// `None`) and not from `since`. Both are full commit ids.
#[derive(Debug, Clone, Copy, Default)]
pub struct Range<'a> {
    pub head: Option<&'a str>,
    pub since: Option<&'a str>,
}

/// What [`Repo::changes_by_dir`] knows of one directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirChanges {
    /// Commits that touched a file in it.
    pub commits: usize,
    /// The committer date of the newest of them, in RFC 3339 with the committer's offset, as
    /// git prints it (`%cI`).
    pub last_changed: String,
    /// The same instant in seconds since the epoch, for ordering across offsets.
    pub last_changed_unix: i64,
}

/// Fold `git log --name-only -z` output (the format [`Repo::changes_by_dir`] asks for) into
/// per-directory counts, one record at a time: memory holds the directories, not the history.
fn fold_changes(reader: &mut impl BufRead, prefix: &[u8]) -> Result<HashMap<Vec<u8>, DirChanges>, GitError> {
    let bad = |what: String| GitError::unexpected("log", what);
    let mut dirs: HashMap<Vec<u8>, DirChanges> = HashMap::new();
    // The commit whose files are being read (unix time, date), and the directories seen in it.
    let mut current: Option<(i64, String)> = None;
    let mut touched: Vec<Vec<u8>> = Vec::new();
    let mut token = Vec::new();
    while next_field(reader, &mut token)? {
        if let Some(id) = token.strip_prefix(b"\x01") {
            if id.is_empty() || !id.iter().all(u8::is_ascii_hexdigit) {
                return Err(bad(format!("`{}` is not a commit id", id.escape_ascii())));
            }
            count_commit(&mut dirs, current.as_ref(), &mut touched);
            if !next_field(reader, &mut token)? {
                return Err(bad("a commit without its time".to_owned()));
            }
            let unix = std::str::from_utf8(&token).ok().and_then(|t| t.parse::<i64>().ok());
            let Some(unix) = unix else {
                return Err(bad(format!("`{}` is not a time", token.escape_ascii())));
            };
            if !next_field(reader, &mut token)? || token.is_empty() {
                return Err(bad("a commit without its date".to_owned()));
            }
            let date =
                String::from_utf8(token.clone()).map_err(|_| bad("a date that is not UTF-8".to_owned()))?;
            current = Some((unix, date));
            continue;
        }
        if current.is_none() {
            return Err(bad(format!("a file `{}` before any commit", token.escape_ascii())));
        }
        // The first file of a commit follows the line break that ends its header.
        let file = token.strip_prefix(b"\n").unwrap_or(&token);
        let Some(rest) = file.strip_prefix(prefix) else {
            continue;
        };
        // Only files inside a directory (`dir/...`) count.
        if let Some(slash) = rest.iter().position(|&b| b == b'/')
            && slash > 0
            && touched.last().is_none_or(|last| last[..] != rest[..slash])
        {
            touched.push(rest[..slash].to_vec());
        }
    }
    count_commit(&mut dirs, current.as_ref(), &mut touched);
    Ok(dirs)
}

/// The next NUL-terminated field of `git log -z` output into `token`; false at the end.
fn next_field(reader: &mut impl BufRead, token: &mut Vec<u8>) -> Result<bool, GitError> {
    token.clear();
    let n =
        reader.read_until(0, token).map_err(|e| GitError::new(format!("cannot read from `git log`: {e}")))?;
    if token.last() == Some(&0) {
        token.pop();
    }
    Ok(n > 0)
}

/// Count one commit (`commit`: its unix time and date) for each directory it touched, keeping
/// the latest date (on a tie, the first seen: log order is newest first).
fn count_commit(
    dirs: &mut HashMap<Vec<u8>, DirChanges>,
    commit: Option<&(i64, String)>,
    touched: &mut Vec<Vec<u8>>,
) {
    touched.sort_unstable();
    touched.dedup();
    if let Some((unix, date)) = commit {
        for dir in touched.drain(..) {
            let entry = dirs.entry(dir).or_insert_with(|| DirChanges {
                commits: 0,
                last_changed: date.clone(),
                last_changed_unix: *unix,
            });
            if *unix > entry.last_changed_unix {
                entry.last_changed.clone_from(date);
                entry.last_changed_unix = *unix;
            }
            entry.commits += 1;
        }
    }
    touched.clear();
}

/// The one place a git command is built: in `dir`, never prompting, taking no optional locks,
/// never fetching an object a partial clone lacks from its remote, in the C locale (stable
/// messages), with literal pathspecs, no stdin and both outputs captured. Callers add
/// arguments and may replace stdin.
fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_LITERAL_PATHSPECS", "1")
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in REPOSITORY_ENV {
        cmd.env_remove(var);
    }
    cmd
}

/// Run `cmd` to completion; its stdout, or an error with its stderr.
fn run(mut cmd: Command, name: &str) -> Result<Vec<u8>, GitError> {
    let output = cmd.output().map_err(|e| spawn_error(name, &e))?;
    if output.status.success() { Ok(output.stdout) } else { Err(failure(name, &output)) }
}

fn spawn_error(name: &str, e: &io::Error) -> GitError {
    if e.kind() == io::ErrorKind::NotFound {
        GitError::new(format!("cannot run `git {name}`: git is not installed or not on PATH"))
    } else {
        GitError::new(format!("cannot run `git {name}`: {e}"))
    }
}

fn failure(name: &str, output: &std::process::Output) -> GitError {
    failure_parts(name, output.status, &output.stderr)
}

fn failure_parts(name: &str, status: std::process::ExitStatus, stderr: &[u8]) -> GitError {
    let stderr = String::from_utf8_lossy(stderr);
    let stderr = stderr.trim();
    if stderr.is_empty() {
        GitError::new(format!("`git {name}` failed ({status})"))
    } else {
        GitError::new(format!("`git {name}` failed: {stderr}"))
    }
}

/// One `<mode> SP <type> SP <oid> SP+ <size> TAB <path>` record (the size is right-aligned,
/// so there may be several spaces before it; the path is verbatim under `-z`).
fn parse_tree_entry(record: &[u8]) -> Result<TreeEntry, GitError> {
    let bad = |what: &str| GitError::unexpected("ls-tree", format!("{what} in `{}`", record.escape_ascii()));
    let tab = record.iter().position(|&b| b == b'\t').ok_or_else(|| bad("no tab"))?;
    let (meta, path) = (&record[..tab], &record[tab + 1..]);
    let meta = std::str::from_utf8(meta).map_err(|_| bad("a header that is not UTF-8"))?;
    let mut fields = meta.split(' ').filter(|f| !f.is_empty());
    let (Some(mode), Some(kind), Some(oid), Some(size), None) =
        (fields.next(), fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(bad("not four fields"));
    };
    let mode = u32::from_str_radix(mode, 8).map_err(|_| bad("a mode that is not octal"))?;
    let kind = match (kind, mode) {
        ("blob", 0o120_000) => EntryKind::Symlink,
        ("blob", 0o100_755) => EntryKind::Executable,
        ("blob", _) => EntryKind::Blob,
        ("tree", _) => EntryKind::Tree,
        ("commit", _) => EntryKind::Submodule,
        _ => return Err(bad("an unknown object type")),
    };
    if oid.is_empty() || !oid.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("an object id that is not hex"));
    }
    let size = match size {
        "-" => None,
        s => Some(s.parse::<u64>().map_err(|_| bad("a size that is not a number"))?),
    };
    if path.is_empty() {
        return Err(bad("an empty path"));
    }
    Ok(TreeEntry { mode, kind, oid: oid.to_owned(), size, path: path_from_bytes(path)? })
}

/// Read one `cat-file --batch` answer per requested oid.
fn read_batch(reader: &mut impl BufRead, oids: &[&str], keep: u64) -> Result<Vec<Blob>, GitError> {
    let early_end = || GitError::new("`git cat-file` stopped before answering every object");
    let mut blobs = Vec::with_capacity(oids.len());
    let mut header = Vec::new();
    for oid in oids {
        header.clear();
        reader.read_until(b'\n', &mut header).map_err(|e| read_error(&e))?;
        if header.pop() != Some(b'\n') {
            return Err(early_end());
        }
        let header = std::str::from_utf8(&header)
            .map_err(|_| GitError::unexpected("cat-file", format!("`{}`", header.escape_ascii())))?;
        let fields: Vec<&str> = header.split(' ').collect();
        let size = match fields[..] {
            [_, kind, size] => {
                let size: u64 = size
                    .parse()
                    .map_err(|_| GitError::unexpected("cat-file", format!("the header `{header}`")))?;
                if kind != "blob" {
                    return Err(GitError::new(format!("git object {oid} is a {kind}, not a blob")));
                }
                size
            }
            [_, "missing"] => return Err(GitError::new(format!("git object {oid} is missing"))),
            [_, "ambiguous"] => return Err(GitError::new(format!("git object id {oid} is ambiguous"))),
            _ => return Err(GitError::unexpected("cat-file", format!("the header `{header}`"))),
        };
        let kept = size.min(keep);
        // Capped: the vector grows as the bytes actually arrive.
        let mut data = Vec::with_capacity(usize::try_from(kept.min(1 << 20)).unwrap_or(0));
        let got = reader.by_ref().take(kept).read_to_end(&mut data).map_err(|e| read_error(&e))?;
        let skipped =
            io::copy(&mut reader.by_ref().take(size - kept), &mut io::sink()).map_err(|e| read_error(&e))?;
        if got as u64 + skipped != size {
            return Err(early_end());
        }
        let mut newline = [0u8];
        reader.read_exact(&mut newline).map_err(|_| early_end())?;
        if newline != *b"\n" {
            return Err(GitError::unexpected("cat-file", format!("no line break after object {oid}")));
        }
        blobs.push(Blob { size, data });
    }
    Ok(blobs)
}

fn read_error(e: &io::Error) -> GitError {
    GitError::new(format!("cannot read from `git cat-file`: {e}"))
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> Result<PathBuf, GitError> {
    use std::os::unix::ffi::OsStrExt;
    Ok(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    // git prints paths with `/` on every platform.
    path.to_string_lossy().replace('\\', "/").into_bytes()
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> Result<PathBuf, GitError> {
    std::str::from_utf8(bytes)
        .map(PathBuf::from)
        .map_err(|_| GitError::new(format!("the git path `{}` is not UTF-8", bytes.escape_ascii())))
}

/// One version of a file, from [`Repo::file_versions`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileVersion {
    /// The full id of the commit that made this version.
    pub commit: String,
    /// Its committer date, RFC 3339 with the committer's offset (git's `%cI`).
    pub date: String,
    /// What the commit left at the path; `None` when it deleted the file.
    pub content: Option<VersionContent>,
}

/// The object a commit left at a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionContent {
    /// A regular, executable or symbolic-link blob, or a submodule's commit.
    pub kind: EntryKind,
    /// The blob id (for a submodule, the commit id): what [`Repo::read_blobs`] takes.
    pub oid: String,
}

/// One path's versions in `git log --raw` output (see [`parse_versions`]).
#[cfg(test)]
fn parse_file_versions(stdout: &[u8], path: &Path) -> Result<Vec<FileVersion>, GitError> {
    let want = path.as_os_str().as_encoded_bytes();
    let mut found = parse_versions(stdout, |p| p == want)?;
    Ok(found.remove(want).unwrap_or_default())
}

/// The versions of every path `wanted` accepts in `git log --raw` output.
///
/// `git log -z --raw --format='%H %cI'` output, as NUL-separated fields: a `<commit> <date>`
/// header, then for each changed path a `:<old mode> <new mode> <old oid> <new oid> <status>`
/// field (after a line break) and the path. A commit with no raw field (a merge that left the
/// path as its first parent had it) is not a version. Raw fields for other paths (a directory
/// once at a path asked about has entries below it) are ignored.
fn parse_versions(
    stdout: &[u8],
    wanted: impl Fn(&[u8]) -> bool,
) -> Result<HashMap<Vec<u8>, Vec<FileVersion>>, GitError> {
    let bad = |what: String| GitError::unexpected("log --raw", what);
    let mut by_path: HashMap<Vec<u8>, Vec<FileVersion>> = HashMap::new();
    // The header of the commit being read.
    let mut current: Option<(String, String)> = None;
    let mut fields = stdout.split(|&b| b == 0);
    while let Some(field) = fields.next() {
        let field = field.trim_ascii_start();
        if field.is_empty() {
            continue;
        }
        if let Some(raw) = field.strip_prefix(b":") {
            let Some((commit, date)) = &current else {
                return Err(bad(format!("a change before any commit: `{}`", field.escape_ascii())));
            };
            let changed = fields
                .next()
                .filter(|p| !p.is_empty())
                .ok_or_else(|| bad("a change without its path".to_owned()))?;
            if !wanted(changed) {
                continue;
            }
            let raw = std::str::from_utf8(raw).map_err(|_| bad("a change that is not UTF-8".to_owned()))?;
            let mut f = raw.split(' ');
            let (Some(_), Some(mode), Some(_), Some(oid), Some(_), None) =
                (f.next(), f.next(), f.next(), f.next(), f.next(), f.next())
            else {
                return Err(bad(format!("the change `:{raw}`")));
            };
            let mode = u32::from_str_radix(mode, 8).map_err(|_| bad(format!("the mode in `:{raw}`")))?;
            if oid.is_empty() || !oid.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad(format!("the object id in `:{raw}`")));
            }
            let content = match mode {
                0 => None,
                0o120_000 => Some(EntryKind::Symlink),
                0o160_000 => Some(EntryKind::Submodule),
                0o100_755 => Some(EntryKind::Executable),
                0o040_000 => Some(EntryKind::Tree),
                _ => Some(EntryKind::Blob),
            }
            .map(|kind| VersionContent { kind, oid: oid.to_owned() });
            let version = FileVersion { commit: commit.clone(), date: date.clone(), content };
            // One version per commit: should git list the path twice, the last word counts.
            let versions = by_path.entry(changed.to_vec()).or_default();
            match versions.last_mut() {
                Some(last) if last.commit == version.commit => *last = version,
                _ => versions.push(version),
            }
        } else {
            let header =
                std::str::from_utf8(field).map_err(|_| bad("a header that is not UTF-8".to_owned()))?;
            let (commit, date) = header
                .split_once(' ')
                .filter(|(c, d)| !c.is_empty() && c.bytes().all(|b| b.is_ascii_hexdigit()) && !d.is_empty())
                .ok_or_else(|| bad(format!("`{header}` is not a commit and a date")))?;
            current = Some((commit.to_owned(), date.to_owned()));
        }
    }
    Ok(by_path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// A throwaway repository whose git runs ignore the machine's configuration.
    struct Fixture {
        _dir: tempfile::TempDir,
        root: PathBuf,
    }

    impl Fixture {
        fn new() -> Fixture {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().join("repo");
            fs::create_dir(&root).unwrap();
            let f = Fixture { _dir: dir, root };
            f.git(&["init", "-q", "-b", "main"]);
            f
        }

        fn git_at(&self, args: &[&str], date: &str) -> String {
            self.git_with_input(args, date, b"")
        }

        fn git_with_input(&self, args: &[&str], date: &str, input: &[u8]) -> String {
            let mut cmd = Command::new("git");
            cmd.arg("-C")
                .arg(&self.root)
                .args(args)
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_AUTHOR_NAME", "Test")
                .env("GIT_AUTHOR_EMAIL", "test@example.com")
                .env("GIT_COMMITTER_NAME", "Test")
                .env("GIT_COMMITTER_EMAIL", "test@example.com")
                .env("GIT_AUTHOR_DATE", date)
                .env("GIT_COMMITTER_DATE", date)
                .env("LC_ALL", "C");
            for var in REPOSITORY_ENV {
                cmd.env_remove(var);
            }
            let mut child =
                cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
            // Inputs are small and the commands used with them say little: no deadlock.
            child.stdin.take().unwrap().write_all(input).unwrap();
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8(out.stdout).unwrap().trim().to_owned()
        }

        fn git(&self, args: &[&str]) -> String {
            self.git_at(args, "2024-01-02T03:04:05+02:00")
        }

        fn write(&self, path: impl AsRef<Path>, contents: impl AsRef<[u8]>) {
            let path = self.root.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, contents).unwrap();
        }

        /// Stage everything and commit at `date`; the new commit's id.
        fn commit_at(&self, message: &str, date: &str) -> String {
            self.git(&["add", "-A"]);
            self.git_at(&["commit", "-q", "--allow-empty", "-m", message], date);
            self.git(&["rev-parse", "HEAD"])
        }

        fn commit(&self, message: &str) -> String {
            self.commit_at(message, "2024-01-02T03:04:05+02:00")
        }

        fn repo(&self) -> Repo {
            Repo::discover(&self.root).unwrap().expect("the fixture is a repository")
        }
    }

    fn by_path(entries: &[TreeEntry], path: impl AsRef<Path>) -> &TreeEntry {
        let path = path.as_ref();
        entries.iter().find(|e| e.path == path).unwrap_or_else(|| panic!("no {}", path.display()))
    }

    #[test]
    fn discover_finds_the_toplevel_from_inside() {
        let f = Fixture::new();
        f.write("registry/a/m.yaml", "name: a\n");
        f.commit("first");
        let canonical = f.root.canonicalize().unwrap();
        for start in [f.root.clone(), f.root.join("registry/a"), f.root.join("registry/a/m.yaml")] {
            let repo = Repo::discover(&start).unwrap().expect("inside the work tree");
            assert_eq!(repo.toplevel().canonicalize().unwrap(), canonical, "from {}", start.display());
        }
        let repo = f.repo();
        assert_eq!(repo.relative(&f.root.join("registry")), Some(PathBuf::from("registry")));
        assert_eq!(repo.relative(&f.root.join("registry/a/../a")), Some(PathBuf::from("registry/a")));
        assert_eq!(repo.relative(&f.root), Some(PathBuf::new()));
        assert_eq!(repo.relative(&f.root.join("no/such/dir")), None);
        assert_eq!(repo.relative(f.root.parent().unwrap()), None);
        // Inside `.git` is not inside the work tree.
        assert!(Repo::discover(&f.root.join(".git")).unwrap().is_none());
        // A directory that does not exist is an error, not "no repository".
        assert!(Repo::discover(&f.root.join("missing")).is_err());
    }

    #[test]
    fn discover_outside_a_repository_is_none() {
        let dir = tempfile::tempdir().unwrap();
        // Only meaningful when no repository encloses the temporary directory (true of /tmp
        // on the machines this runs on); otherwise discovery rightly finds that one.
        let enclosed = git(dir.path()).args(["rev-parse", "--git-dir"]).output().unwrap().status.success();
        if !enclosed {
            assert!(Repo::discover(dir.path()).unwrap().is_none());
        }
    }

    #[test]
    fn dirty_means_a_change_under_the_path_only() {
        let f = Fixture::new();
        f.write("registry/a/module.yaml", "a\n");
        f.write("other.txt", "x\n");
        let repo = f.repo();
        assert!(repo.is_dirty(Path::new("registry")).unwrap(), "untracked, no commit yet");
        f.commit("one");
        assert!(!repo.is_dirty(Path::new("registry")).unwrap());
        assert!(!repo.is_dirty(Path::new("")).unwrap());
        f.write("other.txt", "y\n");
        assert!(!repo.is_dirty(Path::new("registry")).unwrap(), "a change elsewhere");
        assert!(repo.is_dirty(Path::new("")).unwrap());
        f.write("registry/a/module.yaml", "b\n");
        assert!(repo.is_dirty(Path::new("registry")).unwrap(), "modified");
        f.commit("two");
        f.write("registry/b/module.yaml", "new\n");
        assert!(repo.is_dirty(Path::new("registry")).unwrap(), "untracked");
        f.write(".gitignore", "registry/b/\n");
        assert!(!repo.is_dirty(Path::new("registry")).unwrap(), "ignored");
    }

    #[test]
    fn resolve_heads_tags_and_unknown_revisions() {
        let f = Fixture::new();
        f.write("a.yaml", "a\n");
        let first = f.commit("first");
        f.git(&["tag", "-a", "-m", "release", "v1"]);
        f.git(&["tag", "light"]);
        f.write("a.yaml", "b\n");
        let second = f.commit("second");
        let repo = f.repo();

        assert_eq!(repo.resolve("HEAD").unwrap(), second);
        assert_eq!(repo.resolve("main").unwrap(), second);
        assert_eq!(repo.resolve("HEAD~1").unwrap(), first);
        assert_eq!(repo.resolve("v1").unwrap(), first, "an annotated tag peels to its commit");
        assert_eq!(repo.resolve("light").unwrap(), first);
        assert_eq!(repo.resolve(&second[..10]).unwrap(), second);

        let err = repo.resolve("nope").unwrap_err();
        assert_eq!(err.message, "unknown git revision `nope`");
        let err = repo.resolve("HEAD^{tree}").unwrap_err();
        assert!(err.message.starts_with("unknown git revision `HEAD^{tree}`: "), "{err}");
        assert!(err.message.contains("tree"), "{err}");
        assert!(repo.resolve("").is_err());
        // Revisions that look like options stay revisions.
        for rev in ["--output=x", "-h", "--all"] {
            let err = repo.resolve(rev).unwrap_err();
            assert_eq!(err.message, format!("unknown git revision `{rev}`"));
        }
        assert!(!f.root.join("x").exists());
    }

    #[cfg(unix)]
    #[test]
    fn ls_tree_lists_every_kind_of_entry_recursively() {
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::fs::PermissionsExt;

        let f = Fixture::new();
        f.write("other/outside.yaml", "x\n");
        f.write("--", "a file named like the end of options\n");
        let before = f.commit("before the registry");
        f.write("registry/a/b/deep.yaml", "deep\n");
        f.write("registry/a/top.yaml", "top\n");
        f.write("registry/with space é.yaml", "unicode\n");
        f.write("registry/run.sh", "#!/bin/sh\n");
        fs::set_permissions(f.root.join("registry/run.sh"), fs::Permissions::from_mode(0o755)).unwrap();
        std::os::unix::fs::symlink("a/top.yaml", f.root.join("registry/link")).unwrap();
        let odd = PathBuf::from(std::ffi::OsStr::from_bytes(b"registry/odd\xff.yaml"));
        f.write(&odd, "not utf-8\n");
        f.git(&["add", "-A"]);
        f.git(&["update-index", "--add", "--cacheinfo", &format!("160000,{before},registry/sub")]);
        // Not `commit`: `add -A` would drop the gitlink, which has no directory.
        f.git(&["commit", "-q", "-m", "the registry"]);
        let repo = f.repo();

        let entries = repo.ls_tree("HEAD", Path::new("registry")).unwrap();
        assert_eq!(entries.len(), 7, "{entries:#?}");
        let deep = by_path(&entries, "registry/a/b/deep.yaml");
        assert_eq!((deep.mode, deep.kind, deep.size), (0o100_644, EntryKind::Blob, Some(5)));
        assert_eq!(deep.oid, f.git(&["rev-parse", "HEAD:registry/a/b/deep.yaml"]));
        let spaced = by_path(&entries, "registry/with space é.yaml");
        assert_eq!((spaced.kind, spaced.size), (EntryKind::Blob, Some(8)));
        let exe = by_path(&entries, "registry/run.sh");
        assert_eq!((exe.mode, exe.kind), (0o100_755, EntryKind::Executable));
        assert!(exe.kind.is_file());
        let link = by_path(&entries, "registry/link");
        assert_eq!((link.mode, link.kind, link.size), (0o120_000, EntryKind::Symlink, Some(10)));
        assert!(!link.kind.is_file());
        let sub = by_path(&entries, "registry/sub");
        assert_eq!((sub.mode, sub.kind, sub.size), (0o160_000, EntryKind::Submodule, None));
        assert_eq!(sub.oid, before);
        assert_eq!(by_path(&entries, &odd).kind, EntryKind::Blob);
        assert!(!entries.iter().any(|e| e.path.starts_with("other")));

        let nested = repo.ls_tree("HEAD", Path::new("registry/a")).unwrap();
        let paths: Vec<_> = nested.iter().map(|e| e.path.clone()).collect();
        assert_eq!(paths, [PathBuf::from("registry/a/b/deep.yaml"), PathBuf::from("registry/a/top.yaml")]);

        let whole = repo.ls_tree("HEAD", Path::new("")).unwrap();
        assert_eq!(whole.len(), 9);
        assert_eq!(by_path(&whole, "--").size, Some(37));
        // Not there at that revision, or not there at all: nothing, not an error.
        assert!(repo.ls_tree(&before, Path::new("registry")).unwrap().is_empty());
        assert!(repo.ls_tree("HEAD", Path::new("no/such/dir")).unwrap().is_empty());
        // Paths are literal, not patterns.
        assert!(repo.ls_tree("HEAD", Path::new("registry/*.yaml")).unwrap().is_empty());

        let err = repo.ls_tree("nope", Path::new("registry")).unwrap_err();
        assert!(err.message.contains("git ls-tree") && err.message.contains("nope"), "{err}");
        assert!(repo.ls_tree("--output=x", Path::new("registry")).is_err());
        assert!(!f.root.join("x").exists());
    }

    #[test]
    fn changed_paths_compares_a_commit_with_the_working_tree_by_content() {
        let f = Fixture::new();
        for p in ["registry/a/module.yaml", "registry/b/module.yaml", "registry/c/module.yaml"] {
            f.write(p, format!("{p}\n"));
        }
        f.write("registry/d/module.yaml", "d\n");
        f.write("registry/*/module.yaml", "a name like a pattern\n");
        f.write("other/module.yaml", "outside\n");
        let base = f.commit("base");
        let repo = f.repo();
        let changed = |path: &str| repo.changed_paths(&base, Path::new(path)).unwrap();
        assert!(changed("registry").is_empty());
        // Modified in the working tree; staged only; deleted; touched with the same contents;
        // staged and changed back; untracked; outside the path.
        f.write("registry/a/module.yaml", "a, edited\n");
        f.write("registry/b/module.yaml", "b, staged\n");
        f.git(&["add", "registry/b/module.yaml"]);
        fs::remove_file(f.root.join("registry/c/module.yaml")).unwrap();
        let d = f.root.join("registry/d/module.yaml");
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        fs::File::options().write(true).open(&d).unwrap().set_modified(later).unwrap();
        f.write("registry/*/module.yaml", "staged, then back\n");
        f.git(&["add", ":(literal)registry/*/module.yaml"]);
        f.write("registry/*/module.yaml", "a name like a pattern\n");
        f.write("registry/e/module.yaml", "untracked\n");
        f.write("other/module.yaml", "outside, edited\n");
        let paths = |v: &[&str]| v.iter().map(PathBuf::from).collect::<Vec<_>>();
        assert_eq!(
            changed("registry"),
            paths(&["registry/a/module.yaml", "registry/b/module.yaml", "registry/c/module.yaml"])
        );
        // Paths are literal, not patterns.
        assert_eq!(changed("registry/*"), paths(&[]));
        assert_eq!(changed("registry/a"), paths(&["registry/a/module.yaml"]));
        assert_eq!(
            changed(""),
            paths(&[
                "other/module.yaml",
                "registry/a/module.yaml",
                "registry/b/module.yaml",
                "registry/c/module.yaml"
            ])
        );
        assert!(repo.changed_paths("nope", Path::new("registry")).is_err());
    }

    #[test]
    fn ls_tree_records_are_parsed_exactly_or_refused() {
        let oid = "45b983be36b73c0788dc9cbcb76cbb80fc7bb057";
        let entry = parse_tree_entry(format!("100644 blob {oid}       3\ta b\tc").as_bytes()).unwrap();
        assert_eq!(entry.path, PathBuf::from("a b\tc"), "only the first tab ends the header");
        assert_eq!((entry.mode, entry.size, entry.oid.as_str()), (0o100_644, Some(3), oid));
        let tree = parse_tree_entry(format!("040000 tree {oid}       -\tdir").as_bytes()).unwrap();
        assert_eq!((tree.kind, tree.size), (EntryKind::Tree, None));
        for bad in [
            "".to_owned(),
            "100644 blob".to_owned(),
            format!("100644 blob {oid} 3 path"),
            format!("100644 blob {oid}\tpath"),
            format!("100644 blob {oid} 3 4\tpath"),
            format!("10064x blob {oid} 3\tpath"),
            format!("100644 blub {oid} 3\tpath"),
            "100644 blob xyz 3\tpath".to_owned(),
            format!("100644 blob {oid} -3\tpath"),
            format!("100644 blob {oid} 3\t"),
            format!("7777777777777 blob {oid} 3\tpath"),
        ] {
            assert!(parse_tree_entry(bad.as_bytes()).is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn read_blobs_reads_thousands_in_one_process() {
        let f = Fixture::new();
        // One fast-import instead of 2,000 files through the index keeps the test fast.
        let contents: Vec<String> = (0..2000).map(|i| format!("name: m{i}\n").repeat(i % 7 + 1)).collect();
        let mut stream = Vec::new();
        for (i, c) in contents.iter().enumerate() {
            write!(stream, "blob\nmark :{}\ndata {}\n{c}\n", i + 1, c.len()).unwrap();
        }
        stream.extend_from_slice(
            b"commit refs/heads/main\ncommitter Test <test@example.com> 1704157445 +0200\n",
        );
        stream.extend_from_slice(b"data 4\nmany\n");
        for i in 0..contents.len() {
            writeln!(stream, "M 100644 :{} many/{i:04}.yaml", i + 1).unwrap();
        }
        f.git_with_input(&["fast-import", "--quiet"], "2024-01-02T03:04:05+02:00", &stream);
        let repo = f.repo();
        let entries = repo.ls_tree("main", Path::new("many")).unwrap();
        assert_eq!(entries.len(), 2000);
        let oids: Vec<&str> = entries.iter().map(|e| e.oid.as_str()).collect();
        let blobs = repo.read_blobs(&oids, 1 << 20).unwrap();
        assert_eq!(blobs.len(), 2000);
        for (i, (entry, blob)) in entries.iter().zip(&blobs).enumerate() {
            assert_eq!(entry.path, Path::new("many").join(format!("{i:04}.yaml")));
            assert_eq!(blob.data, contents[i].as_bytes());
            assert_eq!(Some(blob.size), entry.size);
            assert!(!blob.is_truncated());
        }
        assert!(repo.read_blobs(&[], 10).unwrap().is_empty());
    }

    #[test]
    fn read_blobs_keeps_at_most_limit_plus_one_bytes() {
        let f = Fixture::new();
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        f.write("big.bin", &big);
        f.write("small.txt", "small\n");
        f.commit("sizes");
        let repo = f.repo();
        let big_oid = f.git(&["rev-parse", "HEAD:big.bin"]);
        let small_oid = f.git(&["rev-parse", "HEAD:small.txt"]);
        let oids = [small_oid.as_str(), big_oid.as_str(), small_oid.as_str(), big_oid.as_str()];

        let blobs = repo.read_blobs(&oids, 10).unwrap();
        assert_eq!(blobs.len(), 4);
        for small in [&blobs[0], &blobs[2]] {
            assert_eq!((small.size, small.data.as_slice()), (6, b"small\n".as_slice()));
        }
        for big_blob in [&blobs[1], &blobs[3]] {
            assert_eq!(big_blob.size, 300_000);
            assert_eq!(big_blob.data, big[..11]);
            assert!(big_blob.is_truncated());
        }
        // Exactly at the limit, and at limit + 1: the caller can tell the two apart by size.
        let exact = repo.read_blobs(&[&small_oid], 6).unwrap();
        assert_eq!((exact[0].data.len(), exact[0].size), (6, 6));
        let over = repo.read_blobs(&[&small_oid], 5).unwrap();
        assert_eq!((over[0].data.len(), over[0].size), (6, 6));
        let nothing = repo.read_blobs(&[&big_oid], 0).unwrap();
        assert_eq!(nothing[0].data, [0u8]);
        let all = repo.read_blobs(&[&big_oid], usize::MAX).unwrap();
        assert_eq!(all[0].data, big);
    }

    #[test]
    fn read_blobs_refuses_missing_and_malformed_oids() {
        let f = Fixture::new();
        f.write("dir/a.txt", "a\n");
        f.commit("one");
        let repo = f.repo();
        let good = f.git(&["rev-parse", "HEAD:dir/a.txt"]);
        let missing = "0123456789abcdef0123456789abcdef01234567";

        let err = repo.read_blobs(&[&good, missing, &good], 100).unwrap_err();
        assert!(err.message.contains(missing) && err.message.contains("missing"), "{err}");
        // An early error stops git while requests are still queued: no hang.
        let mut queued = vec![missing];
        queued.extend(std::iter::repeat_n(good.as_str(), 50_000));
        assert!(repo.read_blobs(&queued, 100).unwrap_err().message.contains(missing));
        let tree = f.git(&["rev-parse", "HEAD:dir"]);
        let err = repo.read_blobs(&[&tree], 100).unwrap_err();
        assert!(err.message.contains("is a tree, not a blob"), "{err}");
        for bad in ["HEAD", "", "abc\ndef", "HEAD:dir/a.txt"] {
            let err = repo.read_blobs(&[&good, bad], 100).unwrap_err();
            assert!(err.message.contains("is not a git object id"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn log_path_lists_commits_newest_first_with_dates() {
        let f = Fixture::new();
        let repo = f.repo();
        assert!(repo.log_path(Path::new("registry")).unwrap().is_empty(), "no commits yet");

        f.write("registry/a.yaml", "a\n");
        let c1 = f.commit_at("a", "2024-01-01T00:00:00+02:00");
        f.write("other/x.yaml", "x\n");
        let c2 = f.commit_at("x", "2024-02-01T08:30:00-05:00");
        f.write("registry/sub/b.yaml", "b\n");
        let c3 = f.commit_at("b", "2024-03-01T12:00:00Z");

        assert_eq!(
            repo.log_path(Path::new("registry")).unwrap(),
            [
                (c3.clone(), "2024-03-01T12:00:00Z".to_owned()),
                (c1.clone(), "2024-01-01T00:00:00+02:00".to_owned())
            ]
        );
        assert_eq!(repo.log_path(Path::new("registry/sub")).unwrap().len(), 1);
        let all: Vec<String> = repo.log_path(Path::new("")).unwrap().into_iter().map(|(id, _)| id).collect();
        assert_eq!(all, [c3, c2, c1]);
        assert!(repo.log_path(Path::new("nowhere")).unwrap().is_empty());
        assert!(repo.log_path(Path::new("regis*")).unwrap().is_empty(), "paths are literal");
    }

    /// (commit, what the commit left at the path) of each version, newest first.
    fn versions(repo: &Repo, path: &str) -> Vec<(String, Option<(EntryKind, String)>)> {
        repo.file_versions(Path::new(path))
            .unwrap()
            .into_iter()
            .map(|v| (v.commit, v.content.map(|c| (c.kind, c.oid))))
            .collect()
    }

    #[cfg(unix)]
    #[test]
    fn file_versions_lists_additions_changes_and_deletions_of_one_path() {
        use std::os::unix::fs::PermissionsExt;

        let f = Fixture::new();
        let repo = f.repo();
        let path = "registry/with space/health.yaml";
        assert!(repo.file_versions(Path::new(path)).unwrap().is_empty(), "no commits yet");

        f.write(path, "v: 1\n");
        f.write("registry/other/health.yaml", "other\n");
        let c1 = f.commit_at("add", "2024-01-01T00:00:00+02:00");
        let b1 = f.git(&["rev-parse", &format!("HEAD:{path}")]);
        f.write(path, "v: 2\n");
        let c2 = f.commit_at("change", "2024-01-02T00:00:00Z");
        let b2 = f.git(&["rev-parse", &format!("HEAD:{path}")]);
        f.write("registry/other/health.yaml", "other 2\n");
        f.commit_at("unrelated", "2024-01-03T00:00:00Z");
        fs::remove_file(f.root.join(path)).unwrap();
        let c4 = f.commit_at("delete", "2024-01-04T00:00:00Z");
        f.write(path, "v: 1\n");
        let c5 = f.commit_at("re-add the first content", "2024-01-05T00:00:00Z");
        fs::set_permissions(f.root.join(path), fs::Permissions::from_mode(0o755)).unwrap();
        let c6 = f.commit_at("mode only", "2024-01-06T00:00:00-05:00");

        let found = repo.file_versions(Path::new(path)).unwrap();
        let touching = f.git(&["rev-list", "--count", "HEAD", "--", path]);
        assert_eq!(found.len().to_string(), touching, "one version per commit that touched the path");
        assert_eq!(
            versions(&repo, path),
            [
                (c6.clone(), Some((EntryKind::Executable, b1.clone()))),
                (c5, Some((EntryKind::Blob, b1.clone()))),
                (c4, None),
                (c2, Some((EntryKind::Blob, b2.clone()))),
                (c1, Some((EntryKind::Blob, b1.clone()))),
            ]
        );
        assert_eq!(found[0].date, "2024-01-06T00:00:00-05:00");
        assert_eq!(found[4].date, "2024-01-01T00:00:00+02:00");
        // The blobs it names are what `read_blobs` reads.
        let oids: Vec<&str> =
            found.iter().filter_map(|v| v.content.as_ref().map(|c| c.oid.as_str())).collect();
        let data: Vec<Vec<u8>> = repo.read_blobs(&oids, 100).unwrap().into_iter().map(|b| b.data).collect();
        assert_eq!(data, [b"v: 1\n".to_vec(), b"v: 1\n".to_vec(), b"v: 2\n".to_vec(), b"v: 1\n".to_vec()]);

        assert!(repo.file_versions(Path::new("registry/never.yaml")).unwrap().is_empty());
        assert!(repo.file_versions(Path::new("registry/with space/*.yaml")).unwrap().is_empty(), "literal");
        assert!(repo.file_versions(Path::new("")).is_err(), "a file's history needs its path");
        // A directory's path lists no version: only the file itself has versions.
        assert!(repo.file_versions(Path::new("registry/with space")).unwrap().is_empty());

        // Many paths at once give what each path gives alone.
        let other = "registry/other/health.yaml";
        let paths = [PathBuf::from(path), PathBuf::from(other), PathBuf::from("registry/never.yaml")];
        let many = repo.files_versions(&paths).unwrap();
        assert_eq!(many.len(), 2, "a path with no version is left out");
        assert_eq!(many[&paths[0]], found);
        assert_eq!(many[&paths[1]], repo.file_versions(Path::new(other)).unwrap());
        assert!(repo.files_versions(&[]).unwrap().is_empty());
    }

    #[test]
    fn file_versions_reads_hundreds_of_commits_in_one_pass() {
        let f = Fixture::new();
        // 500 commits, each changing the snapshot, with an unrelated commit every tenth.
        let mut stream = Vec::new();
        let mut touching = 0;
        for i in 0..550u32 {
            write!(
                stream,
                "commit refs/heads/main\nmark :{}\ncommitter Test <test@example.com> {} +0000\ndata 2\nc\n",
                i + 1,
                1_700_000_000 + i * 60
            )
            .unwrap();
            if i > 0 {
                writeln!(stream, "from :{i}").unwrap();
            }
            let (path, body) = if i % 11 == 10 {
                ("elsewhere.txt", format!("{i}\n"))
            } else {
                touching += 1;
                ("registry/billing/health.yaml", format!("count: {i}\n"))
            };
            write!(stream, "M 100644 inline {path}\ndata {}\n{body}\n", body.len()).unwrap();
        }
        f.git_with_input(&["fast-import", "--quiet"], "2024-01-02T03:04:05+02:00", &stream);
        f.git(&["reset", "-q", "--hard", "main"]);
        let repo = f.repo();

        let found = repo.file_versions(Path::new("registry/billing/health.yaml")).unwrap();
        assert_eq!(touching, 500);
        assert_eq!(found.len(), touching, "every commit that changed the file, no other");
        let expected: Vec<String> = f
            .git(&["rev-list", "HEAD", "--", "registry/billing/health.yaml"])
            .lines()
            .map(str::to_owned)
            .collect();
        let commits: Vec<String> = found.iter().map(|v| v.commit.clone()).collect();
        assert_eq!(commits, expected, "newest first");
        let oids: Vec<&str> = found.iter().map(|v| v.content.as_ref().unwrap().oid.as_str()).collect();
        let blobs = repo.read_blobs(&oids, 100).unwrap();
        let newest = String::from_utf8(blobs[0].data.clone()).unwrap();
        let oldest = String::from_utf8(blobs[499].data.clone()).unwrap();
        assert_eq!((newest.as_str(), oldest.as_str()), ("count: 548\n", "count: 0\n"));
        assert_eq!(found[499].date, "2023-11-14T22:13:20Z");
    }

    #[test]
    fn file_versions_follows_merged_branches_and_skips_merges_that_change_nothing() {
        let f = Fixture::new();
        let path = "h.yaml";
        f.write(path, "1\n");
        let c1 = f.commit_at("1", "2024-01-01T00:00:00Z");
        f.git(&["checkout", "-q", "-b", "side"]);
        f.write(path, "side\n");
        let side = f.commit_at("side", "2024-01-02T00:00:00Z");
        f.git(&["checkout", "-q", "main"]);
        f.write(path, "2\n");
        let c2 = f.commit_at("2", "2024-01-03T00:00:00Z");
        // The merge takes the side branch's snapshot: a new version on main's line.
        f.git_at(&["merge", "-q", "-X", "theirs", "-m", "merge side", "side"], "2024-01-04T00:00:00Z");
        let merge = f.git(&["rev-parse", "HEAD"]);
        // A merge that leaves the file as main had it is no version.
        f.git(&["checkout", "-q", "-b", "other", &c2]);
        f.write("x.txt", "x\n");
        f.commit_at("x", "2024-01-05T00:00:00Z");
        f.git(&["checkout", "-q", "main"]);
        f.git_at(&["merge", "-q", "-m", "merge other", "other"], "2024-01-06T00:00:00Z");
        let repo = f.repo();
        let blob = |rev: &str| f.git(&["rev-parse", &format!("{rev}:{path}")]);

        assert_eq!(
            versions(&repo, path),
            [
                (merge.clone(), Some((EntryKind::Blob, blob(&side)))),
                (c2.clone(), Some((EntryKind::Blob, blob(&c2)))),
                (side.clone(), Some((EntryKind::Blob, blob(&side)))),
                (c1.clone(), Some((EntryKind::Blob, blob(&c1)))),
            ]
        );
    }

    #[test]
    fn file_versions_output_is_parsed_exactly_or_refused() {
        let oid = "45b983be36b73c0788dc9cbcb76cbb80fc7bb057";
        let zero = "0000000000000000000000000000000000000000";
        let c = "1111111111111111111111111111111111111111";
        let out = format!(
            "{c} 2024-01-01T00:00:00Z\0\n:000000 100644 {zero} {oid} A\0a b/h.yaml\0\0\
             {c}2 2024-01-02T00:00:00Z\0\0{c}3 2024-01-03T00:00:00Z\0\n:100644 000000 {oid} {zero} D\0a b/h.yaml\0\
             \n:000000 100644 {zero} {oid} A\0a b/h.yaml/inner\0"
        );
        let found = parse_file_versions(out.as_bytes(), Path::new("a b/h.yaml")).unwrap();
        assert_eq!(found.len(), 2, "the merge with no change is no version: {found:#?}");
        assert_eq!(found[0].content, Some(VersionContent { kind: EntryKind::Blob, oid: oid.to_owned() }));
        assert_eq!((found[1].commit.as_str(), found[1].content.as_ref()), (format!("{c}3").as_str(), None));
        for bad in [
            format!("\n:000000 100644 {zero} {oid} A\0h\0"),
            format!("{c}\0"),
            "xyz 2024\0".to_owned(),
            format!("{c} 2024\0\n:000000 100644 {zero} {oid} A\0"),
            format!("{c} 2024\0\n:000000 100644 {zero} A\0h\0"),
            format!("{c} 2024\0\n:000000 10064x {zero} {oid} A\0h\0"),
            format!("{c} 2024\0\n:000000 100644 {zero} x{oid}z A\0h\0"),
        ] {
            assert!(parse_file_versions(bad.as_bytes(), Path::new("h")).is_err(), "accepted {bad:?}");
        }
    }

    fn changes(commits: usize, last_changed: &str, unix: i64) -> DirChanges {
        DirChanges { commits, last_changed: last_changed.to_owned(), last_changed_unix: unix }
    }

    #[test]
    fn changes_by_dir_counts_commits_per_directory_in_one_pass() {
        let f = Fixture::new();
        let repo = f.repo();
        assert!(
            repo.changes_by_dir(Path::new("registry"), &[], Range::default()).unwrap().is_empty(),
            "no commits yet"
        );

        f.write("registry/a/module.yaml", "a\n");
        f.write("registry/b/module.yaml", "b\n");
        f.write("registry/README.md", "a file directly in the registry\n");
        f.commit_at("a and b", "2024-01-01T00:00:00+02:00");
        // Two files of one directory in one commit count once.
        f.write("registry/a/module.yaml", "a2\n");
        f.write("registry/a/docs/usage.md", "usage\n");
        f.commit_at("a again", "2024-02-01T08:30:00-05:00");
        f.write("outside/x.yaml", "x\n");
        f.write("registry-not/c/module.yaml", "a sibling whose name starts like the registry\n");
        f.commit_at("elsewhere", "2024-03-01T00:00:00Z");
        f.git_at(&["commit", "-q", "--allow-empty", "-m", "empty"], "2024-03-02T00:00:00Z");
        // A rename moves a file out of b into c: both directories changed.
        fs::create_dir(f.root.join("registry/c")).unwrap();
        f.git(&["mv", "registry/b/module.yaml", "registry/c/module.yaml"]);
        f.commit_at("b becomes c", "2024-04-01T12:00:00Z");
        f.write("registry/with space é/module.yaml", "odd\n");
        f.commit_at("odd name", "2024-05-01T00:00:00Z");

        let all = repo.changes_by_dir(Path::new("registry"), &[], Range::default()).unwrap();
        let expected: BTreeMap<PathBuf, DirChanges> = [
            ("a", changes(2, "2024-02-01T08:30:00-05:00", 1_706_794_200)),
            ("b", changes(2, "2024-04-01T12:00:00Z", 1_711_972_800)),
            ("c", changes(1, "2024-04-01T12:00:00Z", 1_711_972_800)),
            ("with space é", changes(1, "2024-05-01T00:00:00Z", 1_714_521_600)),
        ]
        .into_iter()
        .map(|(d, c)| (PathBuf::from(d), c))
        .collect();
        assert_eq!(all, expected);
        // A trailing slash names the same directory.
        assert_eq!(repo.changes_by_dir(Path::new("registry/"), &[], Range::default()).unwrap(), expected);

        // Limited to some directories: only those.
        let only = repo
            .changes_by_dir(Path::new("registry"), &[Path::new("a"), Path::new("nope")], Range::default())
            .unwrap();
        assert_eq!(only.keys().collect::<Vec<_>>(), [Path::new("a")]);
        assert_eq!(only[Path::new("a")], expected[Path::new("a")]);

        // The toplevel as the parent: its directories, files at the top belong to none.
        let top = repo.changes_by_dir(Path::new(""), &[], Range::default()).unwrap();
        let dirs: Vec<&Path> = top.keys().map(PathBuf::as_path).collect();
        assert_eq!(dirs, [Path::new("outside"), Path::new("registry"), Path::new("registry-not")]);
        assert_eq!(top[Path::new("registry")].commits, 4);

        assert!(repo.changes_by_dir(Path::new("nowhere"), &[], Range::default()).unwrap().is_empty());
        assert!(
            repo.changes_by_dir(Path::new("regis*"), &[], Range::default()).unwrap().is_empty(),
            "paths are literal"
        );
    }

    #[test]
    fn changes_by_dir_leaves_merges_to_the_commits_they_merge() {
        let f = Fixture::new();
        f.write("registry/a/module.yaml", "a\n");
        f.commit_at("a", "2024-01-01T00:00:00Z");
        f.git(&["checkout", "-q", "-b", "side"]);
        f.write("registry/b/module.yaml", "b\n");
        f.commit_at("b on a branch", "2024-01-02T00:00:00Z");
        f.git(&["checkout", "-q", "main"]);
        f.write("registry/a/module.yaml", "a2\n");
        f.commit_at("a on main", "2024-01-03T00:00:00Z");
        f.git_at(&["merge", "-q", "--no-edit", "side"], "2024-01-04T00:00:00Z");
        let repo = f.repo();
        let all = repo.changes_by_dir(Path::new("registry"), &[], Range::default()).unwrap();
        assert_eq!(all[Path::new("a")], changes(2, "2024-01-03T00:00:00Z", 1_704_240_000));
        assert_eq!(all[Path::new("b")], changes(1, "2024-01-02T00:00:00Z", 1_704_153_600));
    }

    #[test]
    fn changes_since_an_ancestor_add_up_to_the_whole_history() {
        let f = Fixture::new();
        f.write("registry/a/module.yaml", "a\n");
        let first = f.commit_at("a", "2024-01-01T00:00:00Z");
        f.write("registry/b/module.yaml", "b\n");
        let second = f.commit_at("b", "2024-01-02T00:00:00Z");
        // Committed later, but dated earlier (a rebased commit keeps such dates): the newest
        // change of a is still January 3rd.
        f.write("registry/a/module.yaml", "a2\n");
        f.commit_at("a again", "2024-01-03T00:00:00Z");
        f.write("registry/a/module.yaml", "a3\n");
        let head = f.commit_at("a, dated in the past", "2023-06-01T00:00:00Z");
        let repo = f.repo();
        let registry = Path::new("registry");

        let all = repo.changes_by_dir(registry, &[], Range::default()).unwrap();
        assert_eq!(all[Path::new("a")], changes(3, "2024-01-03T00:00:00Z", 1_704_240_000));
        let pinned = repo.changes_by_dir(registry, &[], Range { head: Some(&head), since: None }).unwrap();
        assert_eq!(pinned, all);
        let upto = repo.changes_by_dir(registry, &[], Range { head: Some(&second), since: None }).unwrap();
        assert_eq!(upto[Path::new("a")], changes(1, "2024-01-01T00:00:00Z", 1_704_067_200));
        assert_eq!(upto[Path::new("b")].commits, 1);
        let since =
            repo.changes_by_dir(registry, &[], Range { head: Some(&head), since: Some(&second) }).unwrap();
        assert_eq!(since.keys().collect::<Vec<_>>(), [Path::new("a")]);
        assert_eq!(since[Path::new("a")].commits, 2);
        assert!(
            repo.changes_by_dir(registry, &[], Range { head: Some(&head), since: Some(&head) })
                .unwrap()
                .is_empty()
        );

        assert!(repo.is_ancestor(&first, &head).unwrap());
        assert!(repo.is_ancestor(&head, &head).unwrap());
        assert!(!repo.is_ancestor(&head, &first).unwrap());
        let unknown = "0123456789abcdef0123456789abcdef01234567";
        assert!(repo.is_ancestor(unknown, &head).is_err());
        assert!(repo.is_ancestor("HEAD", &head).is_err(), "ids only");
        let bad = Range { head: Some("--output=x"), since: None };
        assert!(repo.changes_by_dir(registry, &[], bad).is_err());
        assert!(!f.root.join("x").exists());
    }

    #[test]
    fn changes_are_folded_from_the_log_format_or_refused() {
        let fold = |bytes: &[u8]| fold_changes(&mut &bytes[..], b"registry/");
        let id = "0123456789abcdef0123456789abcdef01234567";
        let two = format!(
            "\x01{id}\x00200\x002024-01-01T00:00:00Z\x00\nregistry/a/x\x00registry/a/y\x00registry/top\x00other/z\x00\
             \x01{id}\x00100\x001970-01-01T00:01:40Z\x00\nregistry/a/x\x00registry/b/x\x00"
        );
        let dirs = fold(two.as_bytes()).unwrap();
        assert_eq!(dirs.len(), 2);
        assert_eq!(dirs[&b"a".to_vec()], changes(2, "2024-01-01T00:00:00Z", 200));
        assert_eq!(dirs[&b"b".to_vec()], changes(1, "1970-01-01T00:01:40Z", 100));
        assert!(fold(b"").unwrap().is_empty());
        for bad in [
            "registry/a/x\x00".to_owned(),
            format!("\x01{id}\x00"),
            format!("\x01{id}\x00soon\x00date\x00"),
            format!("\x01{id}\x00100\x00\x00"),
            "\x01xyz\x00100\x00date\x00".to_owned(),
        ] {
            assert!(fold(bad.as_bytes()).is_err(), "accepted {bad:?}");
        }
    }
}
