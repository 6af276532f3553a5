//! Running the real binary against real registries, with a pinned clock and no colour.

#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository root (where the shipped `registry/` lives).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The clock every test runs at, so health staleness is stable.
pub const NOW: &str = "2026-11-25T00:00:00Z";

/// `validate --format json` (SPEC §8), decoded into the test suite's own types.
#[derive(Debug, serde::Deserialize)]
pub struct ValidateReport {
    pub modules: usize,
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics: Vec<ValidateDiag>,
}

#[derive(Debug, serde::Deserialize)]
pub struct ValidateDiag {
    pub code: String,
    pub severity: String,
    pub message: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub instance_path: Option<String>,
    pub hint: Option<String>,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Decode stdout as JSON into a type the test defines.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not the expected JSON: {e}\n{}", self.stdout))
    }
}

pub fn command(cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_modreg"));
    cmd.current_dir(cwd)
        .env_remove("MODREG_REGISTRY")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1")
        .env("MODREG_NOW", NOW);
    cmd
}

/// Run modreg in `cwd` with `args`.
pub fn run_in(cwd: &Path, args: &[&str]) -> Run {
    let out = command(cwd).args(args).output().expect("modreg runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Run modreg at the repository root (the shipped registry).
pub fn run(args: &[&str]) -> Run {
    run_in(&repo(), args)
}

/// A scratch project: `modreg.yaml` absent, `registry/` inside a temporary directory.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn empty() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("registry")).expect("mkdir");
        Scratch { dir }
    }

    /// A copy of the shipped registry (and its modreg.yaml).
    pub fn shipped() -> Self {
        let s = Scratch::empty();
        copy_dir(&repo().join("registry"), &s.dir.path().join("registry"));
        std::fs::copy(repo().join("modreg.yaml"), s.dir.path().join("modreg.yaml")).expect("copy settings");
        s
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn registry(&self) -> PathBuf {
        self.dir.path().join("registry")
    }

    /// Write a file relative to the project root, creating directories.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, contents).expect("write");
        p
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(rel)).expect("read")
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A minimal valid manifest for `id`, with extra YAML appended verbatim.
pub fn manifest(id: &str, extra: &str) -> String {
    format!(
        "apiVersion: modreg/v1\nkind: Module\nmetadata:\n  id: {id}\n  name: Module {id}\n  version: 1.0.0\n  status: active\n  type: service\n  created:\n    at: 2025-01-01T00:00:00Z\n    by: tests\n{extra}"
    )
}

/// Every snapshot of a directory's files, sorted: (relative path, bytes).
pub fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let e = e.expect("entry");
            if e.file_type().expect("type").is_dir() {
                todo.push(e.path());
            } else {
                out.push((
                    e.path().strip_prefix(dir).expect("prefix").to_path_buf(),
                    std::fs::read(e.path()).expect("read"),
                ));
            }
        }
    }
    out.sort();
    out
}

/// Run git in `dir` with no user or system configuration, committing as `t` at `date`; its
/// standard output, trimmed. Panics (failing the test) when git fails.
pub fn git_at(dir: &Path, date: &str, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8").trim().to_owned()
}

/// [`git_at`] at a fixed date.
pub fn git(dir: &Path, args: &[&str]) -> String {
    git_at(dir, "2026-01-01T00:00:00Z", args)
}

/// Run modreg in `cwd` with `input` on standard input.
pub fn run_stdin(cwd: &Path, args: &[&str], input: &[u8]) -> Run {
    let mut child = command(cwd)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("modreg runs");
    let mut stdin = child.stdin.take().expect("stdin");
    // A refusal may come before all input is read; a closed pipe is not the test's failure.
    let _ = stdin.write_all(input);
    drop(stdin);
    let out = child.wait_with_output().expect("modreg ends");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}
