//! The parse cache (SPEC §9, after ruff's `.ruff_cache` and uv's `CachedByTimestamp`): the
//! result of the per-file phase — the typed manifest or snapshot, and that file's diagnostics —
//! for every file of a registry, in one file under `.modreg-cache/`; and beside it the last
//! full validation report with a fingerprint of everything it was computed from.
//!
//! Why an entry is fresh: the file's relative path, size and modification time (ns) equal what
//! was recorded, and the file was not modified in or after the second the recording run began
//! (a "racily clean" file may have changed again within the file system's timestamp
//! resolution, so it is read again, as git does). A cache written by another modreg version,
//! cache format or schema set, or for another registry path, is ignored, as is one that cannot
//! be read or decoded: a cache is never an error. Paths inside the cache are relative to the
//! registry, so running modreg from another directory (which names the files differently)
//! still finds it.
//!
//! Entries are sorted by path and framed one by one, in chunks that decode in parallel. The
//! entries file is rewritten only when more than a few files changed: a run that re-parsed one
//! edited file keeps the cache as it is and re-parses that file again next time (microseconds)
//! rather than rewriting tens of megabytes. A run whose report is still good reads only the
//! report file. MessagePack (rmp-serde) with field names, so optional fields round-trip; the
//! writer is not human-readable, so embedded schemas are stored as their text.

use std::io::{Read as _, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::source::{Entry, Kind, path_order};
use crate::diag::{Diagnostic, Report};
use crate::fsutil::{self, Existing};
use crate::model::{Health, Manifest};

const ENTRIES_MAGIC: &[u8; 8] = b"MODREGE\x01";
const REPORT_MAGIC: &[u8; 8] = b"MODREGR\x01";
/// Bumped whenever the encoding of an entry changes without the schemas changing.
const FORMAT: u32 = 5;
/// Entries are written in this many chunks, decoded in parallel.
const CHUNKS: usize = 64;
/// The largest cache file read back (a registry of 100,000 modules is ~400 MB of YAML).
const MAX_CACHE_BYTES: usize = 2 << 30;

/// A hash of the committed schemas, which the drift test keeps equal to the generated ones: a
/// schema change invalidates every cached verdict.
const SCHEMAS: u64 = fnv(&[
    include_str!("../../schemas/module.schema.json").as_bytes(),
    include_str!("../../schemas/health.schema.json").as_bytes(),
    include_str!("../../schemas/settings.schema.json").as_bytes(),
]);

/// FNV-1a, 64 bit: stable across platforms and Rust releases, as an on-disk key must be.
pub const fn fnv(parts: &[&[u8]]) -> u64 {
    let mut hash = Fnv::new();
    let mut p = 0;
    while p < parts.len() {
        hash = hash.bytes(parts[p]).bytes(&[0xff]);
        p += 1;
    }
    hash.0
}

/// A running FNV-1a hash.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    const fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    const fn bytes(mut self, bytes: &[u8]) -> Fnv {
        let mut i = 0;
        while i < bytes.len() {
            self.0 ^= bytes[i] as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
            i += 1;
        }
        self
    }
}

/// The outcome of the per-file phase for one file: its typed value when it loaded, and its
/// own diagnostics (YAML, schema, embedded schemas), already located.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome<T> {
    pub value: Option<T>,
    pub diagnostics: Vec<Diagnostic>,
    /// Pointers of the nodes of `value` that are placeholders for what did not conform.
    pub unsound: Vec<String>,
}

// Most files are manifests: boxing them would only add an allocation each.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum FileOutcome {
    Manifest(Outcome<Manifest>),
    Health(Outcome<Health>),
}

impl FileOutcome {
    pub(crate) fn diagnostics_mut(&mut self) -> &mut Vec<Diagnostic> {
        match self {
            FileOutcome::Manifest(o) => &mut o.diagnostics,
            FileOutcome::Health(o) => &mut o.diagnostics,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    path: PathBuf,
    size: u64,
    mtime_ns: i64,
    outcome: FileOutcome,
}

/// A validation report as `validate` computed it, before `PATH...`, `--strict` and formats.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredReport {
    /// What the report was computed from ([`Cache::fingerprint`]).
    pub fingerprint: u64,
    pub report: Report,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Header {
    version: String,
    format: u32,
    schemas: u64,
    /// The executable that wrote it ([`build_id`]).
    build: u64,
    /// When the run that wrote the file started, before it looked at any file.
    started_ns: i64,
}

/// One entry of the previous run, decoded, with where it lies in the old file.
struct Old {
    path: PathBuf,
    size: u64,
    mtime_ns: i64,
    /// Taken by this run (then `None`), or not yet.
    outcome: Option<FileOutcome>,
    /// Its chunk, and its place in the chunk.
    at: (usize, usize),
    /// Reused by this run: its bytes go into a rewritten file as they are.
    kept: bool,
}

/// The cache of one registry, opened for a run.
pub struct Cache {
    dir: PathBuf,
    entries_file: PathBuf,
    report_file: PathBuf,
    /// The registry as diagnostics name it in this run; the cache stores paths below it.
    root: PathBuf,
    /// When this run started; recorded as the new files' time.
    now_ns: i64,
    /// The entries file, positioned after its header, until the entries are decoded.
    rest: Option<std::fs::File>,
    old_started_ns: i64,
    /// The old entries, sorted by path.
    old: Vec<Old>,
    /// Entries this run computed, encoded: (path, bytes).
    fresh: Vec<(PathBuf, Vec<u8>)>,
    report: Option<StoredReport>,
    report_dirty: bool,
}

impl Cache {
    /// Open the cache for the registry displayed as `root` (found at `abs_root`) under `dir`.
    /// Never fails: an unreadable, foreign or damaged cache is an empty one.
    pub fn open(dir: &Path, abs_root: &Path, root: &Path) -> Cache {
        let key = format!("{:016x}", fnv(&[abs_root.as_os_str().as_encoded_bytes()]));
        let mut cache = Cache {
            dir: dir.to_path_buf(),
            entries_file: dir.join(format!("registry-{key}.bin")),
            report_file: dir.join(format!("report-{key}.bin")),
            root: root.to_path_buf(),
            now_ns: now_ns(),
            rest: None,
            old_started_ns: 0,
            old: Vec::new(),
            fresh: Vec::new(),
            report: None,
            report_dirty: false,
        };
        if let Some((file, header)) = cache.open_file(&cache.entries_file, ENTRIES_MAGIC) {
            cache.old_started_ns = header.started_ns;
            cache.rest = Some(file);
        }
        if let Some((mut file, _)) = cache.open_file(&cache.report_file, REPORT_MAGIC) {
            cache.report = read_frame(&mut file).and_then(|b| rmp_serde::from_slice(&b).ok());
        }
        cache
    }

    /// A cache file of ours, positioned after its header.
    fn open_file(&self, path: &Path, magic: &[u8; 8]) -> Option<(std::fs::File, Header)> {
        let mut file = open_regular(path).ok()??;
        let mut found = [0u8; 8];
        file.read_exact(&mut found).ok()?;
        if &found != magic {
            return None;
        }
        let header: Header = rmp_serde::from_slice(&read_frame(&mut file)?).ok()?;
        let ours = header.version == env!("CARGO_PKG_VERSION")
            && header.format == FORMAT
            && header.schemas == SCHEMAS
            && header.build == build_id();
        ours.then_some((file, header))
    }

    /// Decode every entry of the old cache, chunks in parallel (once; the first `take` does
    /// it). Each chunk is read, decoded and dropped in turn, so the file is never held whole.
    /// A damaged file leaves no entries.
    fn decode_entries(&mut self) {
        let Some(file) = self.rest.take() else {
            return;
        };
        let Some(chunks) = Chunks::read(file) else {
            return;
        };
        let decoded: Option<Vec<Vec<Old>>> = (0..chunks.lengths.len())
            .into_par_iter()
            .map(|c| {
                let raw = chunks.get(c)?;
                frames(&raw, 0..raw.len())?
                    .into_iter()
                    .enumerate()
                    .map(|(n, r)| {
                        let e: Stored = rmp_serde::from_slice(&raw[r]).ok()?;
                        Some(Old {
                            path: e.path,
                            size: e.size,
                            mtime_ns: e.mtime_ns,
                            outcome: Some(e.outcome),
                            at: (c, n),
                            kept: false,
                        })
                    })
                    .collect()
            })
            .collect();
        let Some(old) = decoded.map(|d| d.into_iter().flatten().collect::<Vec<Old>>()) else {
            return;
        };
        if old.windows(2).any(|w| path_order(&w[0].path, &w[1].path).is_ge()) {
            return;
        }
        self.old = old;
    }

    /// Modified in or after the second the previous run started: it may have changed again
    /// without its size or time changing.
    fn racy(&self, mtime_ns: i64) -> bool {
        mtime_ns.div_euclid(1_000_000_000) >= self.old_started_ns.div_euclid(1_000_000_000)
    }

    /// The cached outcome of a file, when it is fresh (same size and time, not racy).
    pub fn take(&mut self, entry: &Entry) -> Option<FileOutcome> {
        self.decode_entries();
        let i = self.old.binary_search_by(|o| path_order(&o.path, &entry.path)).ok()?;
        let racy = self.racy(entry.mtime_ns);
        let old = &mut self.old[i];
        if old.size != entry.size || old.mtime_ns != entry.mtime_ns || racy {
            return None;
        }
        old.kept = true;
        let mut outcome = old.outcome.take()?;
        rebase(outcome.diagnostics_mut(), Path::new(""), &self.root);
        Some(outcome)
    }

    /// A newly computed outcome, encoded for [`Cache::put`] (callable from any thread). `root`
    /// is the registry as the outcome's diagnostics name it.
    pub fn encode(entry: &Entry, outcome: &FileOutcome, root: &Path) -> Option<Vec<u8>> {
        #[derive(Serialize)]
        struct StoredRef<'a> {
            path: &'a Path,
            size: u64,
            mtime_ns: i64,
            outcome: &'a FileOutcome,
        }
        let has_findings = match outcome {
            FileOutcome::Manifest(o) => !o.diagnostics.is_empty(),
            FileOutcome::Health(o) => !o.diagnostics.is_empty(),
        };
        // Most files have no findings: only the others pay for a copy with relative paths.
        let relative;
        let outcome = if has_findings {
            let mut copy = outcome.clone();
            rebase(copy.diagnostics_mut(), root, Path::new(""));
            relative = copy;
            &relative
        } else {
            outcome
        };
        rmp_serde::to_vec_named(&StoredRef {
            path: &entry.path,
            size: entry.size,
            mtime_ns: entry.mtime_ns,
            outcome,
        })
        .ok()
    }

    /// Record a file's newly computed outcome, as [`Cache::encode`] made it.
    pub fn put(&mut self, entry: &Entry, encoded: Vec<u8>) {
        self.fresh.push((entry.path.clone(), encoded));
    }

    /// A fingerprint of every input of a validation: the modreg build, the registry's entries
    /// (paths, kinds, sizes, times) and the settings. `None` when some entry is racy or is a
    /// link (whose target may change without the link changing): no report is trusted then.
    pub fn fingerprint(&self, entries: &[Entry], settings: &[u8]) -> Option<u64> {
        let mut h = Fnv::new()
            .bytes(env!("CARGO_PKG_VERSION").as_bytes())
            .bytes(&SCHEMAS.to_le_bytes())
            .bytes(&build_id().to_le_bytes())
            .bytes(settings);
        for e in entries {
            if e.kind == Kind::Symlink || self.racy_now(e.mtime_ns) {
                return None;
            }
            h = h
                .bytes(&[0])
                .bytes(e.path.as_os_str().as_encoded_bytes())
                .bytes(&[0, e.kind as u8])
                .bytes(&e.size.to_le_bytes())
                .bytes(&e.mtime_ns.to_le_bytes());
        }
        Some(h.0)
    }

    /// Racy relative to this run: modified in the second this run started or later.
    fn racy_now(&self, mtime_ns: i64) -> bool {
        mtime_ns.div_euclid(1_000_000_000) >= self.now_ns.div_euclid(1_000_000_000)
    }

    /// The previous run's report, when it was computed from exactly these inputs.
    pub fn report(&self, fingerprint: Option<u64>) -> Option<Report> {
        let fp = fingerprint?;
        let mut report = self.report.as_ref().filter(|r| r.fingerprint == fp)?.report.clone();
        rebase(&mut report.diagnostics, Path::new(""), &self.root);
        for m in &mut report.manifests {
            m.file = self.root.join(&m.file);
        }
        Some(report)
    }

    pub fn put_report(&mut self, fingerprint: Option<u64>, report: &Report) {
        if let Some(fingerprint) = fingerprint {
            let mut report = report.clone();
            rebase(&mut report.diagnostics, &self.root, Path::new(""));
            for m in &mut report.manifests {
                if let Ok(rest) = m.file.strip_prefix(&self.root) {
                    m.file = rest.to_path_buf();
                }
            }
            self.report = Some(StoredReport { fingerprint, report });
            self.report_dirty = true;
        }
    }

    /// Write what this run changed, after a load (which takes or puts every file): the report
    /// when there is a new one; the entries when more than a few files were parsed again or
    /// are gone. Atomically, with the cache directory's `.gitignore` and `CACHEDIR.TAG`. Any
    /// failure (a read-only checkout) is ignored.
    pub fn save(self) {
        let gone = self.old.iter().filter(|o| !o.kept).count();
        let changed = self.fresh.len() + gone;
        let kept = self.old.len() - gone;
        // A few changed files cost microseconds each to parse again next time; rewriting the
        // cache costs a pass over all of it.
        let rewrite = changed > (kept / 100).max(32) || (kept == 0 && changed > 0);
        if !rewrite && !self.report_dirty {
            return;
        }
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        mark_cache_dir(&self.dir);
        if rewrite {
            let _ = self.write_entries();
        }
        if self.report_dirty {
            let _ = self.write_report();
        }
    }

    fn header(&self) -> Option<Vec<u8>> {
        rmp_serde::to_vec_named(&Header {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            format: FORMAT,
            schemas: SCHEMAS,
            build: build_id(),
            started_ns: self.now_ns,
        })
        .ok()
    }

    /// Every kept old entry (its bytes as they were, read again from the old file) and every
    /// fresh one, sorted by path, in chunks of about equal count.
    fn write_entries(&self) -> Option<()> {
        let mut kept_raw: Vec<Vec<u8>> = Vec::new();
        if self.old.iter().any(|o| o.kept) {
            // The file decoded earlier in this run; if another run replaced it meanwhile, its
            // entries are not the ones this run kept, and this run writes nothing.
            let (file, header) = self.open_file(&self.entries_file, ENTRIES_MAGIC)?;
            if header.started_ns != self.old_started_ns {
                return None;
            }
            let chunks = Chunks::read(file)?;
            kept_raw = (0..chunks.lengths.len()).map(|c| chunks.get(c)).collect::<Option<_>>()?;
        }
        let mut kept_frames: Vec<Vec<Range<usize>>> = Vec::with_capacity(kept_raw.len());
        for raw in &kept_raw {
            kept_frames.push(frames(raw, 0..raw.len())?);
        }
        let mut all: Vec<(&Path, &[u8])> = Vec::with_capacity(self.old.len() + self.fresh.len());
        for o in self.old.iter().filter(|o| o.kept) {
            let (c, n) = o.at;
            let range = kept_frames.get(c)?.get(n)?.clone();
            all.push((o.path.as_path(), &kept_raw[c][range]));
        }
        all.extend(self.fresh.iter().map(|(p, b)| (p.as_path(), b.as_slice())));
        all.sort_by(|a, b| path_order(a.0, b.0));
        let per = all.len().div_ceil(CHUNKS).max(1);
        let groups: Vec<&[(&Path, &[u8])]> = all.chunks(per).collect();
        let mut out = Vec::with_capacity(all.iter().map(|e| e.1.len() + 4).sum::<usize>() + CHUNKS * 4 + 256);
        out.extend_from_slice(ENTRIES_MAGIC);
        frame(&mut out, &self.header()?)?;
        // The chunk table: how many, then each one's length; the chunks follow.
        out.extend_from_slice(&u32::try_from(groups.len()).ok()?.to_le_bytes());
        for g in &groups {
            let len: usize = g.iter().map(|e| e.1.len() + 4).sum();
            out.extend_from_slice(&u32::try_from(len).ok()?.to_le_bytes());
        }
        for g in &groups {
            for (_, bytes) in *g {
                frame(&mut out, bytes)?;
            }
        }
        // No fsync: a cache lost in a crash is rebuilt, and a torn one fails to decode.
        write_atomic_nosync(&self.entries_file, &out).ok()
    }

    fn write_report(&self) -> Option<()> {
        let mut out = Vec::new();
        out.extend_from_slice(REPORT_MAGIC);
        frame(&mut out, &self.header()?)?;
        frame(&mut out, &rmp_serde::to_vec_named(self.report.as_ref()?).ok()?)?;
        write_atomic_nosync(&self.report_file, &out).ok()
    }
}

/// Move diagnostics' files from below `from` to below `to` (the cache stores them relative to
/// the registry, which `Path::new("")` stands for). Files elsewhere keep their path.
pub(crate) fn rebase(diags: &mut [Diagnostic], from: &Path, to: &Path) {
    for d in diags {
        if let Ok(rest) = d.file.strip_prefix(from) {
            d.file = to.join(rest);
        }
    }
}

/// The chunks of an entries file, read one at a time (by whichever thread decodes it).
struct Chunks {
    file: std::sync::Mutex<std::fs::File>,
    /// Where the first chunk starts.
    start: u64,
    lengths: Vec<u32>,
}

impl Chunks {
    /// Read the chunk table of a file positioned after its header.
    fn read(mut file: std::fs::File) -> Option<Chunks> {
        use std::io::Seek as _;
        let mut n = [0u8; 4];
        file.read_exact(&mut n).ok()?;
        let n = u32::from_le_bytes(n) as usize;
        if n > 4096 {
            return None;
        }
        let mut table = vec![0u8; n * 4];
        file.read_exact(&mut table).ok()?;
        let lengths: Vec<u32> =
            table.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        let start = file.stream_position().ok()?;
        let end = file.metadata().ok()?.len();
        let total: u64 = lengths.iter().map(|&l| u64::from(l)).sum();
        (start.checked_add(total) == Some(end)).then(|| Chunks {
            file: std::sync::Mutex::new(file),
            start,
            lengths,
        })
    }

    /// The bytes of chunk `c`.
    fn get(&self, c: usize) -> Option<Vec<u8>> {
        use std::io::{Seek as _, SeekFrom};
        let offset = self.start + self.lengths[..c].iter().map(|&l| u64::from(l)).sum::<u64>();
        let mut buf = vec![0u8; *self.lengths.get(c)? as usize];
        let mut file = self.file.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        file.seek(SeekFrom::Start(offset)).ok()?;
        file.read_exact(&mut buf).ok()?;
        Some(buf)
    }
}

fn frame(out: &mut Vec<u8>, bytes: &[u8]) -> Option<()> {
    out.extend_from_slice(&u32::try_from(bytes.len()).ok()?.to_le_bytes());
    out.extend_from_slice(bytes);
    Some(())
}

/// The frames (a `u32` length, then that many bytes) that exactly fill `within` of `raw`, as
/// the ranges of their contents; `None` when they do not.
fn frames(raw: &[u8], within: Range<usize>) -> Option<Vec<Range<usize>>> {
    let mut out = Vec::new();
    let mut at = within.start;
    while at < within.end {
        let len = u32::from_le_bytes(raw.get(at..at + 4)?.try_into().ok()?) as usize;
        let start = at + 4;
        let end = start.checked_add(len).filter(|&e| e <= within.end)?;
        out.push(start..end);
        at = end;
    }
    Some(out)
}

/// Open a regular file (no links, nothing that could block); `Ok(None)` when it is not there.
fn open_regular(path: &Path) -> std::io::Result<Option<std::fs::File>> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => std::fs::File::open(path).map(Some),
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// A `u32` length, then that many bytes.
fn read_frame(file: &mut std::fs::File) -> Option<Vec<u8>> {
    let mut len = [0u8; 4];
    file.read_exact(&mut len).ok()?;
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_CACHE_BYTES {
        return None;
    }
    let mut buf = Vec::new();
    file.take(len as u64).read_to_end(&mut buf).ok()?;
    (buf.len() == len).then_some(buf)
}

/// The running executable, by path, size and modification time: a rebuilt modreg (a
/// development build between releases, whose checks may differ) does not trust what another
/// build cached. 0 when the executable cannot be found.
fn build_id() -> u64 {
    static ID: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *ID.get_or_init(|| {
        let Ok(exe) = std::env::current_exe() else {
            return 0;
        };
        let Ok(meta) = std::fs::metadata(&exe) else {
            return 0;
        };
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        Fnv::new()
            .bytes(exe.as_os_str().as_encoded_bytes())
            .bytes(&meta.len().to_le_bytes())
            .bytes(&mtime.to_le_bytes())
            .0
    })
}

fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// `.gitignore` (`*`) and `CACHEDIR.TAG` (https://bford.info/cachedir/), so the cache is never
/// committed or backed up. Written once; failures are ignored with the rest of the cache.
pub(crate) fn mark_cache_dir(dir: &Path) {
    let gitignore = dir.join(".gitignore");
    if !gitignore.exists() {
        let _ =
            fsutil::write_atomic(&gitignore, b"# Automatically created by modreg.\n*\n", Existing::Replace);
    }
    let tag = dir.join("CACHEDIR.TAG");
    if !tag.exists() {
        let _ = fsutil::write_atomic(
            &tag,
            b"Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by modreg.\n# For information about cache directory tags see https://bford.info/cachedir/\n",
            Existing::Replace,
        );
    }
}

/// A temporary file in the cache directory renamed over the cache: readers see the old cache or
/// the new one. Unlike manifests, the cache is not synced to disk first.
fn write_atomic_nosync(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".cache-").suffix(".tmp").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map(drop).map_err(|e| e.error)
}

/// Where the cache of a registry lives: `MODREG_CACHE_DIR`, else `cache_dir` of the settings
/// (relative to `modreg.yaml`), else `.modreg-cache` beside `modreg.yaml`, else beside the
/// registry directory.
pub fn dir_for(
    env: Option<PathBuf>,
    settings_file: Option<&Path>,
    cache_dir: Option<&str>,
    root: &Path,
) -> PathBuf {
    if let Some(dir) = env.filter(|d| !d.as_os_str().is_empty()) {
        return dir;
    }
    let base = match settings_file {
        Some(file) => file.parent().map(Path::to_path_buf).unwrap_or_default(),
        None => root.parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    base.join(cache_dir.unwrap_or(".modreg-cache"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Covered;

    #[test]
    fn a_report_survives_a_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let report = Report {
            manifests: vec![Covered { name: "a".into(), file: "registry/a/module.yaml".into() }],
            diagnostics: Vec::new(),
        };
        let mut c = Cache::open(dir.path(), Path::new("/abs/registry"), Path::new("registry"));
        c.put_report(Some(42), &report);
        c.save();
        assert!(dir.path().join("CACHEDIR.TAG").is_file());
        let c = Cache::open(dir.path(), Path::new("/abs/registry"), Path::new("registry"));
        assert_eq!(c.report(Some(42)), Some(report.clone()));
        // Run from elsewhere, the same registry is named differently: paths follow.
        let c = Cache::open(dir.path(), Path::new("/abs/registry"), Path::new("../registry"));
        assert_eq!(c.report(Some(42)).unwrap().manifests[0].file, Path::new("../registry/a/module.yaml"));
        let c = Cache::open(dir.path(), Path::new("/abs/registry"), Path::new("registry"));
        assert_eq!(c.report(Some(41)), None);
    }
}

#[cfg(test)]
mod foreign {
    use super::*;
    use crate::diag::Covered;

    /// A cache written by another modreg version, format or schema set is ignored whole.
    #[test]
    fn another_version_format_or_schema_set_is_ignored() {
        let report = Report {
            manifests: vec![Covered { name: "a".into(), file: "a/module.yaml".into() }],
            diagnostics: vec![],
        };
        for (version, format, schemas) in [
            ("0.0.0-other", FORMAT, SCHEMAS),
            (env!("CARGO_PKG_VERSION"), FORMAT + 1, SCHEMAS),
            (env!("CARGO_PKG_VERSION"), FORMAT, SCHEMAS ^ 1),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let mut c = Cache::open(dir.path(), Path::new("/r"), Path::new("registry"));
            c.put_report(Some(7), &report);
            c.save();
            let c = Cache::open(dir.path(), Path::new("/r"), Path::new("registry"));
            assert!(c.report(Some(7)).is_some(), "our own cache is read");
            // Rewrite the header as another build would have written it.
            let file = c.report_file.clone();
            let bytes = std::fs::read(&file).unwrap();
            let mut rest = &bytes[8..];
            let header_len = u32::from_le_bytes(rest[..4].try_into().unwrap()) as usize;
            rest = &rest[4 + header_len..];
            let header = rmp_serde::to_vec_named(&Header {
                version: version.to_owned(),
                format,
                schemas,
                build: build_id(),
                started_ns: 0,
            })
            .unwrap();
            let mut out = REPORT_MAGIC.to_vec();
            frame(&mut out, &header).unwrap();
            out.extend_from_slice(rest);
            std::fs::write(&file, out).unwrap();
            let c = Cache::open(dir.path(), Path::new("/r"), Path::new("registry"));
            assert!(c.report(Some(7)).is_none(), "{version} {format} {schemas}");
        }
    }
}
