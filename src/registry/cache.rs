//! The parse cache (SPEC §9, after ruff's `.ruff_cache` and uv's `CachedByTimestamp`): the
//! result of the per-file phase — the typed manifest or snapshot, and that file's diagnostics —
//! for every file of a registry, in one file under `.modreg-cache/`, plus the last full
//! validation report with a fingerprint of everything it was computed from.
//!
//! Why an entry is fresh: the file's relative path, size and modification time (ns) equal what
//! was recorded, and the file was not modified in or after the second the recording run began
//! (a "racily clean" file may have changed again within the file system's timestamp
//! resolution, so it is read again, as git does). The whole cache is ignored when it was
//! written by another modreg version, cache format or schema set, or for another registry
//! path, and when it cannot be read or decoded: a cache is never an error.
//!
//! Layout: a magic number, a header, the report, then the entries in [`CHUNKS`] chunks (by a
//! hash of the path). A run whose report is still good reads no further than the report; a
//! run that loads decodes the chunks in parallel, and one that re-parsed a few files
//! re-encodes only their chunks and copies the others' bytes. MessagePack (rmp-serde) with field names, so optional fields
//! round-trip; the writer is not human-readable, so embedded schemas are stored as their text.

use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::source::Entry;
use crate::diag::{Diagnostic, Report};
use crate::fsutil::{self, Existing};
use crate::model::{Health, Manifest};

const MAGIC: &[u8; 8] = b"MODREGC\x01";
/// Bumped whenever the encoding of an entry changes without the schemas changing.
const FORMAT: u32 = 1;
/// Entries are spread over this many independently encoded chunks.
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
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut p = 0;
    while p < parts.len() {
        let bytes = parts[p];
        let mut i = 0;
        while i < bytes.len() {
            hash ^= bytes[i] as u64;
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            i += 1;
        }
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        p += 1;
    }
    hash
}

/// The outcome of the per-file phase for one file: its typed value when it loaded, and its
/// own diagnostics (YAML, schema, embedded schemas), already located.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome<T> {
    pub value: Option<T>,
    pub diagnostics: Vec<Diagnostic>,
}

// Most files are manifests: boxing them would only add an allocation each.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum FileOutcome {
    Manifest(Outcome<Manifest>),
    Health(Outcome<Health>),
}

#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    path: PathBuf,
    size: u64,
    mtime_ns: i64,
    outcome: FileOutcome,
}

/// One old entry, decoded.
struct Old {
    chunk: usize,
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

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    version: String,
    format: u32,
    schemas: u64,
    /// The registry as diagnostics name it: cached diagnostics carry paths below it.
    root: PathBuf,
    /// When the run that wrote the cache started, before it looked at any file.
    started_ns: i64,
}

/// The cache of one registry, opened for a run.
pub struct Cache {
    file: PathBuf,
    dir: PathBuf,
    root: PathBuf,
    /// When this run started; recorded as the new cache's time.
    now_ns: i64,
    /// Entries of the previous run not yet taken, by path.
    old: HashMap<PathBuf, Old>,
    /// The open cache file, positioned after the report, until the entries are decoded.
    rest: Option<std::fs::File>,
    /// The old chunks' bytes, and where each chunk lies in them: copied when none of its
    /// entries changed, decoded again to rebuild it when some did.
    raw: Vec<u8>,
    chunks: Vec<Option<std::ops::Range<usize>>>,
    /// How many entries each old chunk had.
    counts: Vec<usize>,
    old_started_ns: i64,
    report: Option<StoredReport>,
    /// Old entries this run reused, by chunk.
    kept: Vec<Vec<PathBuf>>,
    /// Entries this run computed, already encoded, by chunk.
    fresh: Vec<Vec<Vec<u8>>>,
    report_dirty: bool,
}

impl Cache {
    /// Open the cache for the registry displayed as `root` (found at `abs_root`) under `dir`.
    /// Never fails: an unreadable, foreign or damaged cache is an empty one.
    pub fn open(dir: &Path, abs_root: &Path, root: &Path) -> Cache {
        let name = format!("registry-{:016x}.bin", fnv(&[abs_root.as_os_str().as_encoded_bytes()]));
        let mut cache = Cache {
            file: dir.join(name),
            dir: dir.to_path_buf(),
            root: root.to_path_buf(),
            now_ns: now_ns(),
            old: HashMap::new(),
            rest: None,
            raw: Vec::new(),
            chunks: vec![None; CHUNKS],
            counts: vec![0; CHUNKS],
            old_started_ns: 0,
            report: None,
            kept: vec![Vec::new(); CHUNKS],
            fresh: vec![Vec::new(); CHUNKS],
            report_dirty: false,
        };
        cache.read_head();
        cache
    }

    /// Read the header and the report; keep the file open for the entries. On any problem,
    /// leave the cache empty.
    fn read_head(&mut self) {
        let Ok(Some(mut file)) = open_regular(&self.file) else {
            return;
        };
        let mut magic = [0u8; 8];
        if file.read_exact(&mut magic).is_err() || &magic != MAGIC {
            return;
        }
        let Some(header) = read_frame(&mut file) else {
            return;
        };
        let Ok(header) = rmp_serde::from_slice::<Header>(&header) else {
            return;
        };
        if header.version != env!("CARGO_PKG_VERSION")
            || header.format != FORMAT
            || header.schemas != SCHEMAS
            || header.root != self.root
        {
            return;
        }
        let Some(report) = read_frame(&mut file) else {
            return;
        };
        self.old_started_ns = header.started_ns;
        self.report = rmp_serde::from_slice::<Option<StoredReport>>(&report).ok().flatten();
        self.rest = Some(file);
    }

    /// Decode every entry of the old cache, in parallel by chunk (once; a load calls it). A
    /// damaged file leaves no entries.
    pub fn decode_entries(&mut self) {
        let Some(mut file) = self.rest.take() else {
            return;
        };
        let mut raw = Vec::new();
        if (&mut file).take(MAX_CACHE_BYTES as u64).read_to_end(&mut raw).is_err() {
            return;
        }
        let Some(ranges) = chunk_ranges(&raw) else {
            return;
        };
        let decoded: Option<Vec<Vec<Stored>>> =
            ranges.par_iter().map(|r| rmp_serde::from_slice(&raw[r.clone()]).ok()).collect();
        let Some(decoded) = decoded else {
            return;
        };
        self.old.reserve(decoded.iter().map(Vec::len).sum());
        for (chunk, (entries, range)) in decoded.into_iter().zip(ranges).enumerate() {
            self.counts[chunk] = entries.len();
            self.chunks[chunk] = Some(range);
            for e in entries {
                self.old
                    .insert(e.path, Old { chunk, size: e.size, mtime_ns: e.mtime_ns, outcome: e.outcome });
            }
        }
        self.raw = raw;
    }

    /// Modified in or after the second the previous run started: it may have changed again
    /// without its size or time changing.
    fn racy(&self, mtime_ns: i64) -> bool {
        mtime_ns.div_euclid(1_000_000_000) >= self.old_started_ns.div_euclid(1_000_000_000)
    }

    /// The cached outcome of a file, when it is fresh (same size and time, not racy).
    pub fn take(&mut self, entry: &Entry) -> Option<FileOutcome> {
        self.decode_entries();
        let old = self.old.remove(&entry.path)?;
        if old.size != entry.size || old.mtime_ns != entry.mtime_ns || self.racy(entry.mtime_ns) {
            return None;
        }
        self.kept[old.chunk].push(entry.path.clone());
        Some(old.outcome)
    }

    /// A newly computed outcome, encoded for [`Cache::put`] (callable from any thread).
    pub fn encode(entry: &Entry, outcome: &FileOutcome) -> Option<Vec<u8>> {
        #[derive(Serialize)]
        struct StoredRef<'a> {
            path: &'a Path,
            size: u64,
            mtime_ns: i64,
            outcome: &'a FileOutcome,
        }
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
        self.fresh[chunk_of(&entry.path)].push(encoded);
    }

    /// A fingerprint of every input of a validation: the modreg build, the registry's entries
    /// (paths, kinds, sizes, times) and the settings. `None` when some entry is racy or is a
    /// link (whose target may change without the link changing): no report is trusted then.
    pub fn fingerprint(&self, entries: &[Entry], settings: &[u8]) -> Option<u64> {
        let mut parts: Vec<Vec<u8>> = Vec::with_capacity(entries.len() + 4);
        parts.push(env!("CARGO_PKG_VERSION").as_bytes().to_vec());
        parts.push(SCHEMAS.to_le_bytes().to_vec());
        parts.push(self.root.as_os_str().as_encoded_bytes().to_vec());
        parts.push(settings.to_vec());
        for e in entries {
            if e.kind == super::source::Kind::Symlink || self.racy_now(e.mtime_ns) {
                return None;
            }
            let mut p = e.path.as_os_str().as_encoded_bytes().to_vec();
            p.extend_from_slice(&[e.kind as u8]);
            p.extend_from_slice(&e.size.to_le_bytes());
            p.extend_from_slice(&e.mtime_ns.to_le_bytes());
            parts.push(p);
        }
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        Some(fnv(&refs))
    }

    /// Racy relative to this run: modified in the second this run started or later.
    fn racy_now(&self, mtime_ns: i64) -> bool {
        mtime_ns.div_euclid(1_000_000_000) >= self.now_ns.div_euclid(1_000_000_000)
    }

    /// The previous run's report, when it was computed from exactly these inputs.
    pub fn report(&self, fingerprint: Option<u64>) -> Option<&Report> {
        let fp = fingerprint?;
        self.report.as_ref().filter(|r| r.fingerprint == fp).map(|r| &r.report)
    }

    pub fn put_report(&mut self, fingerprint: Option<u64>, report: &Report) {
        if let Some(fingerprint) = fingerprint {
            self.report = Some(StoredReport { fingerprint, report: report.clone() });
            self.report_dirty = true;
        }
    }

    /// Write the cache when this run changed it: atomically, with the cache directory's
    /// `.gitignore` and `CACHEDIR.TAG`. Any failure (a read-only checkout) is ignored. Call it
    /// after a load, which takes or puts every file: an entry not taken is dropped.
    pub fn save(self) {
        // A chunk is unchanged when every one of its old entries was reused and nothing new
        // joined it; old entries not taken belong to files that are gone or changed.
        let dirty: Vec<bool> =
            (0..CHUNKS).map(|c| !self.fresh[c].is_empty() || self.kept[c].len() != self.counts[c]).collect();
        if !dirty.iter().any(|&d| d) && !self.report_dirty {
            return;
        }
        let _ = self.write(&dirty);
    }

    fn write(&self, dirty: &[bool]) -> Option<()> {
        std::fs::create_dir_all(&self.dir).ok()?;
        mark_cache_dir(&self.dir);
        let header = rmp_serde::to_vec_named(&Header {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            format: FORMAT,
            schemas: SCHEMAS,
            root: self.root.clone(),
            started_ns: self.now_ns,
        })
        .ok()?;
        let chunks: Vec<Option<Vec<u8>>> =
            (0..CHUNKS).into_par_iter().map(|c| self.chunk_bytes(c, dirty[c])).collect();
        let report = rmp_serde::to_vec_named(&self.report).ok()?;
        let mut out = Vec::with_capacity(chunks.iter().flatten().map(Vec::len).sum::<usize>() + 1024);
        out.extend_from_slice(MAGIC);
        frame(&mut out, &header)?;
        frame(&mut out, &report)?;
        for c in &chunks {
            frame(&mut out, c.as_ref()?)?;
        }
        // No fsync: a cache lost in a crash is rebuilt, and a torn one fails to decode.
        write_atomic_nosync(&self.file, &out).ok()
    }

    /// The bytes of chunk `c` for the new cache: the old bytes when nothing in it changed, else
    /// a MessagePack array of the reused old entries (decoded again from the old bytes) and the
    /// new ones.
    fn chunk_bytes(&self, c: usize, dirty: bool) -> Option<Vec<u8>> {
        let raw = self.chunks[c].clone().map(|r| &self.raw[r]);
        if !dirty && let Some(raw) = raw {
            return Some(raw.to_vec());
        }
        let mut kept: Vec<Vec<u8>> = Vec::new();
        if !self.kept[c].is_empty() {
            let old: Vec<Stored> = rmp_serde::from_slice(raw?).ok()?;
            let wanted: std::collections::HashSet<&PathBuf> = self.kept[c].iter().collect();
            for e in old.iter().filter(|e| wanted.contains(&e.path)) {
                kept.push(rmp_serde::to_vec_named(e).ok()?);
            }
        }
        let n = kept.len() + self.fresh[c].len();
        let mut out = Vec::new();
        rmp::encode::write_array_len(&mut out, u32::try_from(n).ok()?).ok()?;
        for e in kept.iter().chain(&self.fresh[c]) {
            out.extend_from_slice(e);
        }
        Some(out)
    }
}

fn frame(out: &mut Vec<u8>, bytes: &[u8]) -> Option<()> {
    out.extend_from_slice(&u32::try_from(bytes.len()).ok()?.to_le_bytes());
    out.extend_from_slice(bytes);
    Some(())
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

/// Where each of the [`CHUNKS`] framed chunks lies in `raw` — or `None` when `raw` is not
/// exactly that many whole frames.
fn chunk_ranges(raw: &[u8]) -> Option<Vec<std::ops::Range<usize>>> {
    let mut ranges = Vec::with_capacity(CHUNKS);
    let mut at = 0usize;
    for _ in 0..CHUNKS {
        let len = u32::from_le_bytes(raw.get(at..at + 4)?.try_into().ok()?) as usize;
        let start = at + 4;
        let end = start.checked_add(len).filter(|&e| e <= raw.len())?;
        ranges.push(start..end);
        at = end;
    }
    (at == raw.len()).then_some(ranges)
}

fn chunk_of(path: &Path) -> usize {
    (fnv(&[path.as_os_str().as_encoded_bytes()]) % CHUNKS as u64) as usize
}

fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// `.gitignore` (`*`) and `CACHEDIR.TAG` (https://bford.info/cachedir/), so the cache is never
/// committed or backed up. Written once; failures are ignored with the rest of the cache.
fn mark_cache_dir(dir: &Path) {
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
        let c = Cache::open(dir.path(), Path::new("/abs/registry"), Path::new("registry"));
        assert_eq!(c.report(Some(42)), Some(&report));
        assert_eq!(c.report(Some(41)), None);
    }
}
