//! `health history`'s table: one row per version, oldest first, then a trend line per numeric
//! column and the problems of versions that are not valid snapshots. JSON serialises the same
//! [`HistoryReport`]. Sparklines are plain characters, so they stay with `NO_COLOR` and in pipes.

use crate::model::HealthStatus;
use crate::output::table::Table;
use crate::report::history::{HistoryReport, Trend, Version, sparkline};

/// Up to this many data models get a column each; more are summed into one `RECORDS` column.
pub const MAX_RECORD_COLUMNS: usize = 4;

/// A trend line is at most this wide; a longer history is drawn in runs (see [`sparkline`]).
pub const TREND_WIDTH: usize = 60;

/// How long the commit ids in the table are.
const SHORT_ID: usize = 10;

/// The table, the trends under it, and the problems; empty when no version is shown (the note
/// says why).
pub fn render_table(r: &HistoryReport) -> String {
    if r.versions.is_empty() {
        return String::new();
    }
    let models: Vec<&String> = r.trends.records.keys().collect();
    let per_model = models.len() <= MAX_RECORD_COLUMNS;
    let record_heads: Vec<String> =
        if per_model { models.iter().map(|m| m.to_string()).collect() } else { vec!["records".to_owned()] };

    let mut head: Vec<&str> = vec!["commit", "date", "observed_at", "status"];
    head.extend(record_heads.iter().map(String::as_str));
    head.extend(["error_rate", "p95_ms", "issues"]);
    let numeric: Vec<usize> = (4..head.len()).collect();
    let mut t = Table::new(&head).align_right(&numeric);
    for v in &r.versions {
        let mut row =
            vec![short(&v.commit).to_owned(), v.date.clone(), or_dash(v.observed_at.clone()), status(v)];
        if per_model {
            row.extend(models.iter().map(|m| or_dash(v.records.as_ref().and_then(|rec| rec.get(*m)))));
        } else {
            row.push(or_dash(v.records_total()));
        }
        row.extend([or_dash(v.error_rate), or_dash(v.latency_p95_ms), or_dash(v.issues)]);
        t.row(row);
    }
    let mut out = t.finish();

    let mut trends =
        Table::new(&["trend", "oldest → newest", "first", "last", "min", "max"]).align_right(&[2, 3, 4, 5]);
    let u64s = |v: &[Version], f: &dyn Fn(&Version) -> Option<u64>| {
        v.iter().map(|x| f(x).map(lossy)).collect::<Vec<_>>()
    };
    if per_model {
        for m in &models {
            let series = u64s(&r.versions, &|v| v.records.as_ref().and_then(|rec| rec.get(*m).copied()));
            trends.row(trend_row(m, &series, &r.trends.records[*m]));
        }
    }
    if !per_model || models.len() > 1 {
        trends.row(trend_row(
            "records",
            &u64s(&r.versions, &Version::records_total),
            &r.trends.records_total,
        ));
    }
    let floats = |f: fn(&Version) -> Option<f64>| r.versions.iter().map(f).collect::<Vec<_>>();
    trends.row(trend_row("error_rate", &floats(|v| v.error_rate), &r.trends.error_rate));
    trends.row(trend_row("p95_ms", &floats(|v| v.latency_p95_ms), &r.trends.latency_p95_ms));
    trends.row(trend_row("issues", &u64s(&r.versions, &|v| v.issues), &r.trends.issues));
    out.push('\n');
    out.push_str(&trends.finish());

    let problems: Vec<&Version> = r.versions.iter().filter(|v| v.problem.is_some()).collect();
    if !problems.is_empty() {
        out.push_str("\nnot a valid snapshot:\n");
        let mut t = Table::new(&[]);
        for v in problems {
            t.row([format!("  {}", short(&v.commit)), v.problem.clone().unwrap_or_default()]);
        }
        out.push_str(&t.finish());
    }
    out
}

/// The stderr lines that go with the table (or stand in for it): what was left out and why.
pub fn notes(r: &HistoryReport) -> Vec<String> {
    let mut notes = Vec::new();
    if r.committed() == 0 {
        notes.push(format!(
            "no snapshot of `{}` was ever committed ({} has no history)\nhint: monitoring jobs write it with \
             `modreg health record {} FILE` and commit it",
            r.module, r.path, r.module
        ));
        return notes;
    }
    if r.collapsed > 0 {
        notes.push(format!(
            "{} commit{} repeated the snapshot before {} and {} shown once",
            r.collapsed,
            plural(r.collapsed),
            if r.collapsed == 1 { "it" } else { "them" },
            if r.collapsed == 1 { "is" } else { "are" },
        ));
    }
    if r.excluded_by_since > 0 {
        let since = r.since.as_deref().unwrap_or("the date");
        if r.versions.is_empty() {
            notes.push(format!(
                "no snapshot of `{}` observed since {since}; {} older version{} left out",
                r.module,
                r.excluded_by_since,
                plural(r.excluded_by_since)
            ));
        } else {
            notes.push(format!(
                "{} version{} observed before {since} left out",
                r.excluded_by_since,
                plural(r.excluded_by_since)
            ));
        }
    }
    notes
}

fn trend_row<T: std::fmt::Display + Copy>(name: &str, series: &[Option<f64>], t: &Trend<T>) -> [String; 6] {
    [
        name.to_owned(),
        sparkline(series, Some(TREND_WIDTH)),
        or_dash(t.first),
        or_dash(t.last),
        or_dash(t.min),
        or_dash(t.max),
    ]
}

fn status(v: &Version) -> String {
    match v.status {
        Some(s) => HealthStatus::as_str(s).to_owned(),
        None if v.deleted => "(deleted)".to_owned(),
        None => "(invalid)".to_owned(),
    }
}

fn short(commit: &str) -> &str {
    commit.get(..SHORT_ID).unwrap_or(commit)
}

fn or_dash<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

#[allow(clippy::cast_precision_loss)]
fn lossy(n: u64) -> f64 {
    n as f64
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
