//! `modreg health history ID`: a module's health over time. Monitoring jobs commit their
//! snapshots, so git holds the time series: every committed version of `registry/ID/health.yaml`
//! comes from one `git log` pass ([`Repo::file_versions`]) and one `git cat-file --batch`
//! ([`Repo::read_blobs`]), and each goes through the loader's own per-file phase
//! ([`load::health`]), so a version that does not parse is shown with its problem, never dropped.
//!
//! Decisions the command's help and the README repeat:
//! - Versions are in commit order, oldest first (`git log --date-order`, reversed), not sorted by
//!   `observed_at`: the history is what the repository said when.
//! - `--since` keeps a version whose `observed_at` is on or after the date; a version without a
//!   usable `observed_at` (a deletion, a snapshot that does not parse) is placed by its commit
//!   date instead, so it is neither lost nor always shown.
//! - A version equal to the one before it (the same blob, or a snapshot that parses to the same
//!   values: a comment or formatting change) is collapsed into the earlier one, which is when that
//!   observation entered git: a repeated observation is no new data point, and a run of them would
//!   draw a flat trend that was never measured. `collapsed` counts them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::Error;
use crate::git::{EntryKind, FileVersion, Repo};
use crate::model::{Health, HealthStatus};
use crate::registry::load::{self, HEALTH_FILE, Loaded};
use crate::yaml::MAX_FILE_BYTES;

/// What to show: the module and the `--since` bound.
#[derive(Debug, Clone)]
pub struct Query {
    pub id: String,
    pub since: Option<jiff::Timestamp>,
}

/// The history (the JSON of `health history --format json`).
#[derive(Debug, Clone, Serialize)]
pub struct HistoryReport {
    pub module: String,
    /// The snapshot's path in the repository, as git names it.
    pub path: String,
    /// The `--since` bound, in RFC 3339 (UTC), when one was given.
    pub since: Option<String>,
    /// Versions left out because they repeat the version before them.
    pub collapsed: usize,
    /// Versions left out by `--since`.
    pub excluded_by_since: usize,
    /// Oldest first.
    pub versions: Vec<Version>,
    pub trends: Trends,
}

impl HistoryReport {
    /// How many versions git holds, whether shown or not.
    pub fn committed(&self) -> usize {
        self.versions.len() + self.collapsed + self.excluded_by_since
    }
}

/// One committed version of the snapshot. A field is `null` when this version does not say it:
/// the file was deleted, it does not parse, or that part of it does not conform.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    /// The full commit id.
    pub commit: String,
    /// The commit's committer date, as git prints it (RFC 3339 with the committer's offset).
    pub date: String,
    pub observed_at: Option<String>,
    pub status: Option<HealthStatus>,
    /// Record count per data model.
    pub records: Option<BTreeMap<String, u64>>,
    pub error_rate: Option<f64>,
    pub latency_p95_ms: Option<f64>,
    /// How many issues were open.
    pub issues: Option<u64>,
    /// The commit deleted the snapshot.
    pub deleted: bool,
    /// Why this version is not a valid snapshot (the first diagnostic, and how many followed).
    pub problem: Option<String>,
    /// Where `--since` places it: `observed_at`, else the commit date.
    #[serde(skip)]
    pub at: Option<jiff::Timestamp>,
}

impl Version {
    /// Total records over the data models, when the version lists them.
    pub fn records_total(&self) -> Option<u64> {
        self.records.as_ref().map(|r| r.values().fold(0u64, |a, &b| a.saturating_add(b)))
    }
}

/// One numeric column over the versions shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend<T> {
    /// Versions that have a value.
    pub points: usize,
    /// The oldest and newest values.
    pub first: Option<T>,
    pub last: Option<T>,
    pub min: Option<T>,
    pub max: Option<T>,
    /// One character per version, oldest first: `▁` (the minimum) to `█` (the maximum), a
    /// space for a version without a value.
    pub sparkline: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Trends {
    /// Per data model, for every model any shown version counts.
    pub records: BTreeMap<String, Trend<u64>>,
    pub records_total: Trend<u64>,
    pub error_rate: Trend<f64>,
    pub latency_p95_ms: Trend<f64>,
    pub issues: Trend<u64>,
}

/// The repository that holds the registry directory `root` (as the user should see it,
/// relative to `cwd`), and the registry's path inside it.
pub fn repository(root: &Path, cwd: &Path) -> Result<(Repo, PathBuf), Error> {
    let outside = || {
        Error::Usage(format!(
            "{} is not inside a git repository, and `health history` reads the snapshots committed \
             to git\nhint: run it in a clone of the repository that holds the registry (monitoring jobs \
             commit registry/ID/health.yaml after `modreg health record`)",
            root.display()
        ))
    };
    let abs = cwd.join(root);
    let repo = Repo::discover(&abs).map_err(|e| Error::Other(e.to_string()))?.ok_or_else(outside)?;
    let prefix = repo.relative(&abs).ok_or_else(outside)?;
    Ok((repo, prefix))
}

/// `--since DATE`: a day (`2026-11-01`, from its start in UTC) or an RFC 3339 time.
pub fn parse_since(text: &str) -> Result<jiff::Timestamp, Error> {
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    // A date alone: jiff would also take the date out of a date and time without an offset,
    // which names no instant.
    if text.len() == "2026-11-01".len()
        && let Ok(day) = text.parse::<jiff::civil::Date>()
        && let Ok(t) = day.to_zoned(jiff::tz::TimeZone::UTC)
    {
        return Ok(t.timestamp());
    }
    Err(Error::Usage(format!(
        "invalid --since `{}`: not a date or an RFC 3339 time\nhint: write a day as 2026-11-01 or a time \
         with its offset as 2026-11-01T12:00:00Z",
        text.escape_debug()
    )))
}

/// Whether `id` can name a module directory: nothing that would leave it (`..`, `/`) or that
/// git would read as more than one path. Anything else names no module.
pub fn is_module_name(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Every committed version of the module's snapshot under the registry at `prefix` (relative to
/// the repository's top level), oldest first, with the trends of what `query` keeps.
pub fn build(repo: &Repo, prefix: &Path, query: &Query) -> Result<HistoryReport, Error> {
    let path = prefix.join(&query.id).join(HEALTH_FILE);
    let git_err = |e: crate::git::GitError| Error::Other(e.to_string());
    let mut found = repo.file_versions(&path).map_err(git_err)?;
    found.reverse();
    let blobs = repo.read_blobs(&blob_ids(&found), MAX_FILE_BYTES).map_err(git_err)?;
    Ok(assemble(query, &path, &found, blobs))
}

/// The histories of the modules `ids` (without `--since`), from one `git log` and one
/// `git cat-file` over all of them: what `modreg site` shows on every module page. Modules
/// whose snapshot git never saw are left out.
pub fn build_many(
    repo: &Repo,
    prefix: &Path,
    ids: &[&str],
) -> Result<BTreeMap<String, HistoryReport>, Error> {
    let git_err = |e: crate::git::GitError| Error::Other(e.to_string());
    let ids: Vec<&str> = ids.iter().copied().filter(|id| is_module_name(id)).collect();
    let paths: Vec<PathBuf> = ids.iter().map(|id| prefix.join(id).join(HEALTH_FILE)).collect();
    let mut found = repo.files_versions(&paths).map_err(git_err)?;
    let mut lists: Vec<(&str, PathBuf, Vec<FileVersion>)> = Vec::new();
    for (id, path) in ids.iter().zip(paths) {
        if let Some(mut versions) = found.remove(&path) {
            versions.reverse();
            lists.push((id, path, versions));
        }
    }
    let all: Vec<&str> = lists.iter().flat_map(|(_, _, v)| blob_ids(v)).collect();
    let mut blobs = repo.read_blobs(&all, MAX_FILE_BYTES).map_err(git_err)?.into_iter();
    let mut out = BTreeMap::new();
    for (id, path, versions) in &lists {
        let mine: Vec<crate::git::Blob> = blobs.by_ref().take(blob_ids(versions).len()).collect();
        let query = Query { id: (*id).to_owned(), since: None };
        out.insert((*id).to_owned(), assemble(&query, path, versions, mine));
    }
    Ok(out)
}

/// The blobs to read for `found`: one per version that left a file.
fn blob_ids(found: &[FileVersion]) -> Vec<&str> {
    found
        .iter()
        .filter_map(|v| v.content.as_ref().filter(|c| c.kind.is_file()).map(|c| c.oid.as_str()))
        .collect()
}

/// The report from the versions of the snapshot at `path`, oldest first, and their blobs (in
/// the order of [`blob_ids`]).
fn assemble(
    query: &Query,
    path: &Path,
    found: &[FileVersion],
    blobs: Vec<crate::git::Blob>,
) -> HistoryReport {
    let mut blobs = blobs.into_iter();
    let read: Vec<(&FileVersion, Option<crate::git::Blob>)> = found
        .iter()
        .map(|v| (v, v.content.as_ref().filter(|c| c.kind.is_file()).and_then(|_| blobs.next())))
        .collect();
    let parsed: Vec<(Version, Option<Health>)> =
        read.into_par_iter().map(|(v, blob)| version(v, blob, path)).collect();

    let mut versions: Vec<Version> = Vec::with_capacity(parsed.len());
    let mut collapsed = 0;
    let mut previous: Option<(&FileVersion, Option<Health>)> = None;
    for ((version, health), committed) in parsed.into_iter().zip(found) {
        if let Some((before, before_health)) = &previous
            && repeats(before, before_health.as_ref(), committed, health.as_ref())
        {
            collapsed += 1;
            continue;
        }
        previous = Some((committed, health));
        versions.push(version);
    }
    let before = versions.len();
    if let Some(since) = query.since {
        versions.retain(|v| v.at.is_none_or(|at| at >= since));
    }
    let excluded_by_since = before - versions.len();
    let trends = trends(&versions);
    HistoryReport {
        module: query.id.clone(),
        path: path_string(path),
        since: query.since.map(|t| t.to_string()),
        collapsed,
        excluded_by_since,
        versions,
        trends,
    }
}

/// `later` repeats `earlier`: the same blob, or two whole snapshots with the same values.
fn repeats(
    earlier: &FileVersion,
    earlier_health: Option<&Health>,
    later: &FileVersion,
    health: Option<&Health>,
) -> bool {
    match (&earlier.content, &later.content) {
        (Some(a), Some(b)) if a.oid == b.oid && a.kind.is_file() == b.kind.is_file() => true,
        _ => matches!((earlier_health, health), (Some(a), Some(b)) if a == b),
    }
}

/// One version as shown, and its snapshot when the whole of it is valid.
fn version(v: &FileVersion, blob: Option<crate::git::Blob>, path: &Path) -> (Version, Option<Health>) {
    let committed = v.date.parse::<jiff::Timestamp>().ok();
    let mut out = Version {
        commit: v.commit.clone(),
        date: v.date.clone(),
        observed_at: None,
        status: None,
        records: None,
        error_rate: None,
        latency_p95_ms: None,
        issues: None,
        deleted: v.content.is_none(),
        problem: None,
        at: committed,
    };
    let Some(content) = &v.content else {
        return (out, None);
    };
    let Some(blob) = blob else {
        out.problem = Some(match content.kind {
            EntryKind::Symlink => "a symbolic link, not a file".to_owned(),
            EntryKind::Submodule => "a git submodule, not a file".to_owned(),
            _ => "not a file".to_owned(),
        });
        return (out, None);
    };
    if blob.is_truncated() {
        out.problem =
            Some(format!("the file is {} bytes, over the limit of {MAX_FILE_BYTES} bytes", blob.size));
        return (out, None);
    }
    let outcome = load::health(path, &blob.data);
    if let Some(first) = outcome.diagnostics.first() {
        let mut problem = if first.line > 0 {
            format!("{} at {}:{}: {}", first.code, first.line, first.column, first.message)
        } else {
            format!("{}: {}", first.code, first.message)
        };
        let more = outcome.diagnostics.len() - 1;
        if more > 0 {
            problem.push_str(&format!(" (and {more} more)"));
        }
        out.problem = Some(problem);
    }
    let Some(value) = outcome.value else {
        return (out, None);
    };
    // A snapshot that does not conform still shows the parts that do.
    let loaded = Loaded { path: path.to_path_buf(), value, unsound: outcome.unsound };
    let h = &loaded.value;
    if loaded.sound("/observed_at") {
        out.observed_at = Some(h.observed_at.clone());
        if let Ok(t) = h.observed_at.parse::<jiff::Timestamp>() {
            out.at = Some(t);
        }
    }
    out.status = loaded.sound("/status").then_some(h.status);
    out.records =
        loaded.sound("/records").then(|| h.records.iter().map(|(k, r)| (k.clone(), r.count)).collect());
    out.error_rate = h.metrics.error_rate.filter(|_| loaded.sound("/metrics/error_rate"));
    out.latency_p95_ms = h.metrics.latency_p95_ms.filter(|_| loaded.sound("/metrics/latency_p95_ms"));
    out.issues = loaded.sound("/issues").then_some(h.issues.len() as u64);
    let whole = out.problem.is_none() && loaded.is_whole();
    (out, whole.then_some(loaded.value))
}

fn path_string(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn trends(versions: &[Version]) -> Trends {
    let models: BTreeSet<&String> =
        versions.iter().filter_map(|v| v.records.as_ref()).flat_map(|r| r.keys()).collect();
    let records = models
        .into_iter()
        .map(|m| {
            let series: Vec<Option<u64>> =
                versions.iter().map(|v| v.records.as_ref().and_then(|r| r.get(m).copied())).collect();
            (m.clone(), trend(&series))
        })
        .collect();
    let series = |f: fn(&Version) -> Option<f64>| versions.iter().map(f).collect::<Vec<_>>();
    Trends {
        records,
        records_total: trend(&versions.iter().map(Version::records_total).collect::<Vec<_>>()),
        error_rate: trend(&series(|v| v.error_rate)),
        latency_p95_ms: trend(&series(|v| v.latency_p95_ms)),
        issues: trend(&versions.iter().map(|v| v.issues).collect::<Vec<_>>()),
    }
}

/// A value a trend can be drawn of.
pub trait Point: Copy + PartialOrd {
    fn as_f64(self) -> f64;
}

impl Point for u64 {
    #[allow(clippy::cast_precision_loss)]
    fn as_f64(self) -> f64 {
        self as f64
    }
}

impl Point for f64 {
    fn as_f64(self) -> f64 {
        self
    }
}

fn trend<T: Point>(series: &[Option<T>]) -> Trend<T> {
    let values: Vec<T> = series.iter().flatten().copied().collect();
    let pick =
        |better: fn(&T, &T) -> bool| values.iter().copied().reduce(|a, b| if better(&b, &a) { b } else { a });
    Trend {
        points: values.len(),
        first: values.first().copied(),
        last: values.last().copied(),
        min: pick(|b, a| b < a),
        max: pick(|b, a| b > a),
        sparkline: sparkline(&series.iter().map(|v| v.map(Point::as_f64)).collect::<Vec<_>>(), None),
    }
}

/// The eight levels of a sparkline, lowest first.
pub const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// `values` as a sparkline, a space where a value is missing. With `width`, a longer series is
/// cut into at most `width` runs of consecutive values, each drawn at its mean (so a single spike
/// in a long run shows, smaller); without, one character per value. The lowest value drawn is
/// `▁` and the highest `█`; a series that never changes is drawn at `▄`.
pub fn sparkline(values: &[Option<f64>], width: Option<usize>) -> String {
    let n = values.len();
    let buckets = width.map_or(n, |w| w.clamp(1, n.max(1)));
    let points: Vec<Option<f64>> = if buckets == n {
        values.to_vec()
    } else {
        (0..buckets)
            .map(|i| {
                let run = &values[i * n / buckets..(i + 1) * n / buckets];
                let present: Vec<f64> = run.iter().flatten().copied().filter(|v| v.is_finite()).collect();
                #[allow(clippy::cast_precision_loss)]
                (!present.is_empty()).then(|| present.iter().sum::<f64>() / present.len() as f64)
            })
            .collect()
    };
    let finite = || points.iter().flatten().copied().filter(|v| v.is_finite());
    let (lo, hi) = (finite().fold(f64::INFINITY, f64::min), finite().fold(f64::NEG_INFINITY, f64::max));
    points
        .iter()
        .map(|p| match p {
            Some(v) if v.is_finite() => {
                if hi > lo {
                    let level = ((v - lo) / (hi - lo) * 7.0).round();
                    // In 0..=7 by construction; the clamp only guards the cast.
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    BARS[(level.clamp(0.0, 7.0)) as usize]
                } else {
                    BARS[3]
                }
            }
            _ => ' ',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_scale_from_lowest_to_highest_and_leave_gaps() {
        let s = |v: &[Option<f64>]| sparkline(v, None);
        assert_eq!(s(&[Some(0.0), Some(1.0), Some(7.0)]), "▁▂█");
        assert_eq!(s(&[Some(5.0), None, Some(5.0)]), "▄ ▄");
        assert_eq!(s(&[]), "");
        assert_eq!(s(&[None, None]), "  ");
        assert_eq!(s(&[Some(f64::NAN), Some(1.0), Some(2.0)]), " ▁█");
        let long: Vec<Option<f64>> = (0..100).map(|i| Some(f64::from(i))).collect();
        let drawn = sparkline(&long, Some(10));
        assert_eq!(drawn.chars().count(), 10);
        assert!(drawn.starts_with('▁') && drawn.ends_with('█'), "{drawn}");
        assert_eq!(sparkline(&long[..5], Some(10)).chars().count(), 5, "never wider than the series");
    }

    #[test]
    fn trends_know_first_last_min_and_max() {
        let t = trend(&[None, Some(3u64), Some(1), Some(2), None]);
        assert_eq!((t.points, t.first, t.last, t.min, t.max), (3, Some(3), Some(2), Some(1), Some(3)));
        assert_eq!(t.sparkline, " █▁▅ ");
        let empty = trend::<f64>(&[]);
        assert_eq!((empty.points, empty.first, empty.sparkline.as_str()), (0, None, ""));
    }

    #[test]
    fn since_takes_a_day_or_a_time() {
        assert_eq!(parse_since("2026-11-01").unwrap().to_string(), "2026-11-01T00:00:00Z");
        assert_eq!(parse_since("2026-11-01T12:00:00+02:00").unwrap().to_string(), "2026-11-01T10:00:00Z");
        for bad in ["yesterday", "2026-13-01", "2026-11-01T12:00:00", "2026-11-01 12:00", "2026-1-1", ""] {
            let err = parse_since(bad).unwrap_err().to_string();
            assert!(err.contains("invalid --since") && err.contains("hint: "), "{bad}: {err}");
        }
    }

    #[test]
    fn module_names_cannot_leave_the_registry() {
        assert!(is_module_name("billing") && is_module_name("legacy-fax"));
        for bad in ["", "..", "a/b", "Billing", "a b", "*", ":(glob)x"] {
            assert!(!is_module_name(bad), "{bad}");
        }
    }
}
