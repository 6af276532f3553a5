//! The parse cache (SPEC §9): what it reuses, what it re-reads, and that it never changes
//! output or fails a run. A cache hit is made visible by changing a file behind the cache's
//! back (same size, same modification time): only a cached result can still show the old
//! content.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::util::{Run, Scratch, ValidateReport, manifest};

/// A scratch project with one valid module, written an hour ago (so nothing is racy).
fn project() -> Scratch {
    let s = Scratch::empty();
    s.write("registry/alpha/module.yaml", manifest("alpha", "  description: first version.\n"));
    age(&s.registry().join("alpha/module.yaml"), Duration::from_secs(3600));
    s
}

fn set_mtime(path: &Path, t: SystemTime) {
    fs::File::open(path).expect("open").set_modified(t).expect("set mtime");
}

fn age(path: &Path, by: Duration) {
    set_mtime(path, SystemTime::now() - by);
}

/// Rewrite a file with same-size content and give it back its modification time.
fn swap_behind_the_cache(path: &Path, from: &str, to: &str) {
    assert_eq!(from.len(), to.len(), "a same-size edit");
    let mtime = fs::metadata(path).expect("meta").modified().expect("mtime");
    let text = fs::read_to_string(path).expect("read").replace(from, to);
    fs::write(path, text).expect("write");
    set_mtime(path, mtime);
}

fn cache_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        fs::read_dir(dir).map(|r| r.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    v.sort();
    v
}

fn errors(run: &Run) -> usize {
    run.json::<ValidateReport>().errors
}

/// A status typo of the same length as `active`.
const BROKEN: (&str, &str) = ("status: active", "status: actv_e");

#[test]
fn an_unchanged_file_is_served_from_the_cache_and_no_cache_reads_it_again() {
    let s = project();
    let file = s.registry().join("alpha/module.yaml");
    assert_eq!(errors(&s.run(&["validate", "--format", "json"])), 0);
    let cache = s.path().join(".modreg-cache");
    assert!(cache.join("CACHEDIR.TAG").is_file(), "{:?}", cache_files(&cache));
    assert_eq!(
        fs::read_to_string(cache.join(".gitignore")).unwrap(),
        "# Automatically created by modreg.\n*\n"
    );
    assert!(
        fs::read_to_string(cache.join("CACHEDIR.TAG"))
            .unwrap()
            .starts_with("Signature: 8a477f597d28d172789f06886806bc55")
    );

    swap_behind_the_cache(&file, BROKEN.0, BROKEN.1);
    // Same path, size and time, and not racy: the cached verdict (and report) stands...
    assert_eq!(errors(&s.run(&["validate", "--format", "json"])), 0);
    assert_eq!(s.run(&["list", "--format", "json"]).json::<Vec<serde_json::Value>>()[0]["status"], "active");
    // ...and --no-cache / MODREG_NO_CACHE read the file.
    assert_eq!(errors(&s.run(&["--no-cache", "validate", "--format", "json"])), 1);
    let out =
        crate::util::command(s.path()).env("MODREG_NO_CACHE", "1").args(["validate", "-q"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_changed_time_or_size_is_a_miss() {
    let s = project();
    let file = s.registry().join("alpha/module.yaml");
    assert_eq!(errors(&s.run(&["validate", "--format", "json"])), 0);
    // A same-size edit with a new time.
    swap_behind_the_cache(&file, BROKEN.0, BROKEN.1);
    age(&file, Duration::from_secs(1800));
    let run = s.run(&["validate", "--format", "json"]);
    assert_eq!(errors(&run), 1, "{}", run.stdout);
    // A different size with the old time.
    let mtime = fs::metadata(&file).unwrap().modified().unwrap();
    fs::write(&file, manifest("alpha", "  description: second version, longer.\n")).unwrap();
    set_mtime(&file, mtime);
    assert_eq!(errors(&s.run(&["validate", "--format", "json"])), 0);
    let shown = s.run(&["show", "alpha", "--format", "json"]);
    assert_eq!(shown.json::<serde_json::Value>()["metadata"]["description"], "second version, longer.");
}

#[test]
fn a_file_modified_in_the_second_of_a_run_is_read_again() {
    let s = project();
    let file = s.registry().join("alpha/module.yaml");
    // Written "now" (as an editor saving right before a run would): racily clean.
    set_mtime(&file, SystemTime::now() + Duration::from_secs(5));
    assert_eq!(errors(&s.run(&["validate", "--format", "json"])), 0);
    // A same-size edit within the file system's timestamp resolution keeps size and time.
    swap_behind_the_cache(&file, BROKEN.0, BROKEN.1);
    let run = s.run(&["validate", "--format", "json"]);
    assert_eq!(errors(&run), 1, "the racy entry must be re-read: {}", run.stdout);
    assert_eq!(s.run(&["list", "--format", "csv"]).stdout.lines().count(), 1, "alpha no longer loads");
}

#[test]
fn a_damaged_or_foreign_cache_is_ignored_and_rebuilt() {
    let s = project();
    // Old enough that the report is kept too.
    age(&s.registry().join("alpha"), Duration::from_secs(3600));
    age(&s.registry(), Duration::from_secs(3600));
    let expected = s.run(&["validate", "--format", "json"]).stdout;
    let cache = s.path().join(".modreg-cache");
    let bins: Vec<PathBuf> =
        cache_files(&cache).into_iter().filter(|p| p.extension().is_some_and(|e| e == "bin")).collect();
    assert_eq!(bins.len(), 2, "entries and report: {bins:?}");
    for bin in &bins {
        let good = fs::read(bin).unwrap();
        for damaged in [
            b"not a cache at all".to_vec(),
            Vec::new(),
            good[..good.len() / 2].to_vec(),
            [&good[..], b"trailing"].concat(),
            good.iter().map(|b| b ^ 0x5a).collect(),
            {
                let mut v = good.clone();
                let mid = v.len() * 3 / 4;
                v[mid] ^= 0xff;
                v
            },
        ] {
            fs::write(bin, &damaged).unwrap();
            let run = s.run(&["validate", "--format", "json"]);
            assert_eq!(run.code, 0, "{}", run.stderr);
            assert_eq!(run.stdout, expected, "{}", bin.display());
            assert_eq!(s.run(&["list", "--format", "json"]).code, 0);
        }
    }
}

#[test]
fn an_unwritable_cache_directory_is_skipped_silently() {
    let s = project();
    // A regular file where the cache directory should be: nothing can be created under it,
    // even by root (CI runs as root, for which permission bits are no obstacle).
    fs::write(s.path().join("blocker"), "").unwrap();
    let blocked = s.path().join("blocker/cache");
    for args in [&["validate"][..], &["list"], &["show", "alpha"], &["graph"], &["deps", "alpha"]] {
        let out =
            crate::util::command(s.path()).env("MODREG_CACHE_DIR", &blocked).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(!String::from_utf8_lossy(&out.stderr).contains("cache"), "{args:?}");
    }
    assert!(!s.path().join(".modreg-cache").exists());
}

#[test]
fn the_cache_goes_where_settings_and_the_environment_say() {
    let s = project();
    s.write("modreg.yaml", "registry: registry\ncache_dir: build/cache\n");
    assert_eq!(s.run(&["validate"]).code, 0);
    assert!(s.path().join("build/cache/CACHEDIR.TAG").is_file());
    assert!(!s.path().join(".modreg-cache").exists());
    let env_dir = s.path().join("elsewhere");
    let out = crate::util::command(s.path()).env("MODREG_CACHE_DIR", &env_dir).arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(env_dir.join("CACHEDIR.TAG").is_file());
    // --no-cache writes nothing anywhere.
    let t = project();
    assert_eq!(t.run(&["--no-cache", "validate"]).code, 0);
    assert!(!t.path().join(".modreg-cache").exists());
}

#[test]
fn a_warm_report_follows_changes_to_every_input() {
    let s = project();
    s.write("registry/alpha/docs/usage.md", "# Usage\n");
    let alpha = s.registry().join("alpha/module.yaml");
    let text = fs::read_to_string(&alpha).unwrap() + "docs:\n  usage: docs/usage.md\n";
    fs::write(&alpha, text).unwrap();
    age(&alpha, Duration::from_secs(3600));
    age(&s.registry().join("alpha/docs/usage.md"), Duration::from_secs(3600));
    let codes = |s: &Scratch| -> Vec<String> {
        s.run(&["validate", "--format", "json"])
            .json::<ValidateReport>()
            .diagnostics
            .into_iter()
            .map(|d| d.code)
            .collect()
    };
    assert!(codes(&s).is_empty());
    assert!(codes(&s).is_empty(), "warm");
    // A docs file removed: no manifest changed, but the report must.
    fs::remove_file(s.registry().join("alpha/docs/usage.md")).unwrap();
    assert_eq!(codes(&s), ["E035"]);
    // A stray file added.
    s.write("registry/alpha/docs/usage.md", "# Usage\n");
    s.write("registry/alpha/notes.txt", "x");
    assert_eq!(codes(&s), ["W001"]);
    // A new module that depends on a missing one.
    fs::remove_file(s.registry().join("alpha/notes.txt")).unwrap();
    s.write(
        "registry/beta/module.yaml",
        manifest("beta", "relationships:\n  - { type: depends_on, target: gamma }\n"),
    );
    assert_eq!(codes(&s), ["E030"]);
}

#[test]
fn output_is_byte_identical_with_and_without_the_cache() {
    let s = Scratch::shipped();
    // Findings of every kind, so cached diagnostics are exercised too.
    s.write("registry/crm/notes.txt", "stray");
    let billing = s.registry().join("billing/module.yaml");
    let text = fs::read_to_string(&billing).unwrap().replacen("status: active", "status: actve", 1);
    fs::write(&billing, text).unwrap();
    let commands: &[&[&str]] = &[
        &["validate"],
        &["validate", "--format", "json"],
        &["validate", "--format", "sarif"],
        &["validate", "--format", "junit"],
        &["validate", "--format", "github"],
        &["list"],
        &["list", "--format", "json"],
        &["show", "crm"],
        &["show", "crm", "--format", "json"],
        &["graph"],
        &["graph", "--format", "json"],
        &["deps", "auth", "--reverse", "--transitive"],
    ];
    let cold: Vec<Run> = commands.iter().map(|args| s.run(&[&["--no-cache"], *args].concat())).collect();
    assert!(!s.path().join(".modreg-cache").exists());
    for pass in ["first (writes the cache)", "second (reads it)", "third (reads it)"] {
        for (args, cold) in commands.iter().zip(&cold) {
            let warm = s.run(args);
            assert_eq!(
                (warm.code, &warm.stdout, &warm.stderr),
                (cold.code, &cold.stdout, &cold.stderr),
                "{pass}: {args:?}"
            );
        }
    }
    assert!(s.path().join(".modreg-cache/CACHEDIR.TAG").is_file());
}

/// Through the library: what a warm load takes from the cache, and when the entries file is
/// rewritten (not for a handful of edited files, which are cheaper to parse again).
#[test]
fn a_warm_load_parses_only_what_changed() {
    use modreg::registry::{Loader, Source, discover};
    let s = Scratch::empty();
    for i in 0..100 {
        s.write(&format!("registry/m{i:02}/module.yaml"), manifest(&format!("m{i:02}"), ""));
    }
    let old = SystemTime::now() - Duration::from_secs(3600);
    for i in 0..100 {
        set_mtime(&s.registry().join(format!("m{i:02}/module.yaml")), old);
    }
    let cache_dir = s.path().join("c");
    let load = || {
        let cwd = std::env::current_dir().unwrap();
        let location = discover(Some(&s.registry()), &cwd).unwrap();
        let mut loader = Loader::new(location, Source::WorkTree, Some(cache_dir.clone())).unwrap();
        let reg = loader.load().unwrap();
        loader.finish();
        reg.stats
    };
    let entries_file = || {
        cache_files(&cache_dir)
            .into_iter()
            .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("registry-"))
    };
    assert_eq!((load().files, load().from_cache), (100, 100), "cold, then warm");
    let written = fs::metadata(entries_file().unwrap()).unwrap().modified().unwrap();
    // One edit: parsed again, and again next time; the cache is not rewritten for it.
    let m00 = s.registry().join("m00/module.yaml");
    fs::write(&m00, manifest("m00", "  description: edited.\n")).unwrap();
    set_mtime(&m00, old + Duration::from_secs(60));
    assert_eq!(load().from_cache, 99);
    assert_eq!(load().from_cache, 99);
    assert_eq!(fs::metadata(entries_file().unwrap()).unwrap().modified().unwrap(), written);
    // Many edits: the cache is rewritten (keeping the entries of the others), and the next
    // load is all warm.
    for i in 0..40 {
        let p = s.registry().join(format!("m{i:02}/module.yaml"));
        fs::write(&p, manifest(&format!("m{i:02}"), "  description: all edited.\n")).unwrap();
        set_mtime(&p, old + Duration::from_secs(120));
    }
    assert_eq!(load().from_cache, 60);
    assert_eq!(load().from_cache, 100);
    assert!(fs::metadata(entries_file().unwrap()).unwrap().modified().unwrap() > written);
}

#[test]
fn the_cache_serves_runs_from_any_directory_with_their_own_paths() {
    let s = project();
    s.write("modreg.yaml", "registry: registry\n");
    let file = s.registry().join("alpha/module.yaml");
    // A finding, so a cached diagnostic has a path to follow.
    let text =
        fs::read_to_string(&file).unwrap() + "relationships:\n  - { type: depends_on, target: nowhere }\n";
    fs::write(&file, text).unwrap();
    age(&file, Duration::from_secs(3600));
    let at_root = s.run(&["validate", "--format", "json"]).json::<ValidateReport>();
    assert_eq!(at_root.diagnostics[0].file, "registry/alpha/module.yaml");
    // Same size and time, different content: only the cache still knows the old one.
    swap_behind_the_cache(&file, "target: nowhere", "target: nowhera");
    let inside = crate::util::run_in(&s.registry().join("alpha"), &["validate", "--format", "json"]);
    let report = inside.json::<ValidateReport>();
    assert_eq!(report.diagnostics.len(), 1, "{}", inside.stdout);
    // Relative to that directory (SPEC §8), not to where the cache was written.
    assert_eq!(report.diagnostics[0].file, "module.yaml");
    assert!(report.diagnostics[0].message.contains("`nowhere`"), "served from the cache: {}", inside.stdout);
}
