//! `modreg site`: the site of the shipped registry parsed as HTML with every internal link
//! resolving, the same bytes on every run, the refusal to replace a directory modreg did not
//! write, hostile names and docs shown as text, and a real browser (headless Chromium) running
//! the filter, drawing a module page and taking a screenshot.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{Html, Selector};

use crate::util::{Run, Scratch, git_at, manifest, repo, run_in, tree};

fn ok(r: Run) -> Run {
    assert_eq!(r.code, 0, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    r
}

/// The site of the shipped registry, written into a fresh temporary directory.
fn shipped_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    let r = ok(run_in(&repo(), &["site", "-o", out.to_str().expect("UTF-8 path")]));
    assert_eq!(r.stdout, "", "the site goes to files, not stdout");
    assert!(r.stderr.contains("wrote 15 pages (12 modules"), "{}", r.stderr);
    (tmp, out)
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    tree(dir)
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "html"))
        .map(|(p, _)| p)
        .collect()
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).expect("selector")
}

#[test]
fn every_page_parses_and_every_internal_link_resolves() {
    let (_tmp, site) = shipped_site();
    let pages = html_files(&site);
    assert_eq!(pages.len(), 15, "{pages:?}");
    for name in ["index.html", "graph.html", "stats.html", "modules/billing.html", "modules/crm.html"] {
        assert!(pages.contains(&PathBuf::from(name)), "{name} missing");
    }
    assert!(site.join(".modreg-site").is_file());
    assert!(site.join("assets/site.css").is_file() && site.join("assets/site.js").is_file());
    let mut checked = 0;
    for rel in &pages {
        let text = std::fs::read_to_string(site.join(rel)).expect("read page");
        let doc = Html::parse_document(&text);
        assert!(doc.errors.is_empty(), "{}: parse errors {:?}", rel.display(), doc.errors);
        assert_eq!(doc.select(&sel("html > head > title")).count(), 1, "{}", rel.display());
        let ids: BTreeSet<&str> = doc.select(&sel("[id]")).filter_map(|e| e.value().attr("id")).collect();
        for el in doc.select(&sel("[href], [src]")) {
            let link = el.value().attr("href").or_else(|| el.value().attr("src")).expect("attr");
            // Self-contained: nothing loads from the network.
            if matches!(el.value().name(), "link" | "script" | "img") {
                assert!(!link.contains("://"), "{}: {link} loads from the network", rel.display());
            }
            if link.starts_with("https://") || link.starts_with("http://") || link.starts_with("mailto:") {
                continue;
            }
            assert!(!link.starts_with('/'), "{}: absolute link {link}", rel.display());
            assert!(!link.contains(':'), "{}: link with a scheme {link}", rel.display());
            let (path, fragment) = match link.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (link, None),
            };
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                if let Some(f) = fragment {
                    assert!(ids.contains(f), "{}: #{f} has no target", rel.display());
                }
                continue;
            }
            let target = site.join(rel.parent().unwrap_or(Path::new(""))).join(path);
            let target = target
                .canonicalize()
                .unwrap_or_else(|_| panic!("{}: {link} does not resolve", rel.display()));
            assert!(
                target.starts_with(site.canonicalize().expect("site")),
                "{}: {link} leaves the site",
                rel.display()
            );
            assert!(target.is_file(), "{}: {link} is not a file", rel.display());
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} internal links checked");

    let index = Html::parse_document(&std::fs::read_to_string(site.join("index.html")).expect("index"));
    let rows: Vec<String> = index
        .select(&sel("table#modules tbody tr td:first-child code"))
        .map(|c| c.text().collect())
        .collect();
    let mut ids: Vec<String> = std::fs::read_dir(repo().join("registry"))
        .expect("registry")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    assert_eq!(rows, ids, "the index lists every module, in id order");

    let billing =
        Html::parse_document(&std::fs::read_to_string(site.join("modules/billing.html")).expect("page"));
    let text: String = billing.root_element().text().collect();
    for expected in [
        "/api/billing/invoices/{invoice_id}/issue",
        "claude-sonnet-4",
        "GEN-1206",
        "payment_terms_days",
        "invoice_numbering",
        "invoice.paid",
        "integrated_by",
        "Impact",
    ] {
        assert!(text.contains(expected), "billing page lacks {expected}");
    }
    // Data model fields as a table, relationships both ways, the neighbourhood graph.
    assert!(
        billing.select(&sel("table.fields td code")).any(|c| c.text().collect::<String>() == "company_id")
    );
    assert_eq!(billing.select(&sel("figure.neighbourhood svg.graph")).count(), 1);
    assert!(billing.select(&sel("svg.graph a[href='crm.html']")).count() == 1);
    assert!(billing.select(&sel("table.rels a[href='auth.html']")).count() >= 1);

    // The crm docs are Markdown rendered to HTML.
    let crm = std::fs::read_to_string(site.join("modules/crm.html")).expect("crm");
    assert!(crm.contains("<div class=\"markdown\">"), "crm docs rendered");

    // auth is depended on, transitively: its impact lists modules two steps away.
    let auth = Html::parse_document(&std::fs::read_to_string(site.join("modules/auth.html")).expect("auth"));
    let impact: String = auth.select(&sel("#impact")).flat_map(|e| e.text()).collect();
    assert!(impact.contains("billing") && impact.contains("crm"), "{impact}");

    let graph = std::fs::read_to_string(site.join("graph.html")).expect("graph");
    assert!(graph.contains("class=\"cluster\""), "part_of drawn as a cluster");
    assert!(graph.contains("href=\"modules/billing.html\""));
    assert!(graph.contains("All 12 modules"));
    let stats = std::fs::read_to_string(site.join("stats.html")).expect("stats");
    assert!(stats.contains("Most depended on") && stats.contains("href=\"modules/auth.html\""));
}

#[test]
fn the_same_registry_gives_the_same_bytes() {
    let s = Scratch::shipped();
    ok(s.run(&["site", "-o", "a", "--title", "Ours"]));
    ok(s.run(&["site", "-o", "b", "--title", "Ours"]));
    let (a, b) = (tree(&s.path().join("a")), tree(&s.path().join("b")));
    assert!(!a.is_empty());
    assert!(a == b, "two builds differ");
    let index = s.read("a/index.html");
    assert!(index.contains("<title>Ours</title>") && index.contains("<h1>Ours</h1>"));
    assert!(!index.contains("2026-11-25T00:00"), "no build time in the page");
}

#[test]
fn only_a_previous_site_is_replaced() {
    let s = Scratch::shipped();
    // A user's directory is never wiped.
    s.write("mine/notes.txt", "keep me");
    let r = s.run(&["site", "-o", "mine"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("refusing to write the site into `") && r.stderr.contains("hint:"),
        "{}",
        r.stderr
    );
    assert_eq!(s.read("mine/notes.txt"), "keep me");
    assert_eq!(std::fs::read_dir(s.path().join("mine")).expect("dir").count(), 1);
    s.write("file", "x");
    assert_eq!(s.run(&["site", "-o", "file"]).code, 2);
    // An empty directory is fine, and so is the default `site/`.
    std::fs::create_dir(s.path().join("empty")).expect("mkdir");
    ok(s.run(&["site", "-o", "empty"]));
    assert!(s.path().join("empty/index.html").is_file());
    let r = ok(s.run(&["--quiet", "site"]));
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("", ""));
    assert!(s.path().join("site/index.html").is_file());
    // A previous site is replaced whole: a stray file in it and a removed module's page go.
    s.write("site/stray.html", "old");
    std::fs::remove_dir_all(s.registry().join("legacy-fax")).expect("rm");
    ok(s.run(&["site"]));
    assert!(!s.path().join("site/stray.html").exists());
    assert!(!s.path().join("site/modules/legacy-fax.html").exists());
    assert!(s.path().join("site/modules/billing.html").is_file());
    // Nothing is left beside it.
    let beside: Vec<String> = std::fs::read_dir(s.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(beside.iter().all(|n| !n.contains("site")), "{beside:?}");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(s.path().join("site"), s.path().join("link")).expect("symlink");
        let r = s.run(&["site", "-o", "link"]);
        assert_eq!(r.code, 2);
        assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    }
}

#[test]
fn hostile_names_and_docs_stay_text() {
    let s = Scratch::empty();
    let evil_name = "<script>alert(1)</script>";
    s.write(
        "registry/evil/module.yaml",
        manifest("evil", "relationships:\n  - { type: depends_on, target: ok, description: \"<img src=x onerror=alert(2)>\" }\ndocs:\n  usage: docs/usage.md\n  summary: \"<b onmouseover=alert(3)>hi</b>\"\n")
            .replace("name: Module evil", &format!("name: \"{evil_name}\"")),
    );
    s.write(
        "registry/evil/docs/usage.md",
        "# Usage\n\n<script>alert(4)</script>\n\n[x](javascript:alert(5)) <a href=\"#\" onclick=\"alert(6)\">y</a>\n\n<img src=\"https://tracker.example/p.png\">\n",
    );
    // `ok` with a javascript: link in metadata.links.
    s.write(
        "registry/ok/module.yaml",
        manifest("ok", "").replace(
            "  created:\n",
            "  links:\n    - { title: bad, url: \"javascript:alert(7)\" }\n  created:\n",
        ),
    );
    ok(s.run(&["site", "-o", "out"]));
    for (rel, bytes) in tree(&s.path().join("out")) {
        if rel.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let text = String::from_utf8(bytes).expect("UTF-8");
        for n in 1..=7 {
            assert!(
                !text.contains(&format!("alert({n})")) || !executable(&text, n),
                "{}: alert({n}) could run",
                rel.display()
            );
        }
        let doc = Html::parse_document(&text);
        for script in doc.select(&sel("script")) {
            let src = script.value().attr("src").unwrap_or_default();
            assert!(src.ends_with("assets/site.js"), "{}: a script that is not ours: {src}", rel.display());
        }
        for el in doc.select(&sel("*")) {
            for (name, value) in el.value().attrs() {
                assert!(!name.starts_with("on"), "{}: event handler {name}", rel.display());
                assert!(!value.to_ascii_lowercase().starts_with("javascript:"), "{}: {value}", rel.display());
            }
            assert_ne!(el.value().name(), "img", "{}: an image", rel.display());
        }
    }
    let evil = Html::parse_document(&s.read("out/modules/evil.html"));
    let h1: String = evil.select(&sel("h1")).flat_map(|e| e.text()).collect();
    assert!(h1.contains(evil_name), "the name shows as text: {h1}");
    let index = Html::parse_document(&s.read("out/index.html"));
    let names: Vec<String> =
        index.select(&sel("table#modules tbody tr td:first-child a")).map(|a| a.text().collect()).collect();
    assert!(names.contains(&evil_name.to_owned()), "{names:?}");
}

/// Whether `alert(n)` in `html` sits where a browser would run it: inside a script element, an
/// event handler attribute or a `javascript:` URL (rather than in text).
fn executable(html: &str, n: usize) -> bool {
    let doc = Html::parse_document(html);
    let needle = format!("alert({n})");
    doc.select(&sel("script")).any(|s| s.text().any(|t| t.contains(&needle)))
        || doc.select(&sel("*")).any(|el| {
            el.value().attrs().any(|(name, value)| {
                value.contains(&needle)
                    && (name.starts_with("on") || value.trim_start().starts_with("javascript:"))
            })
        })
}

// ------------------------------------------------------------------------------------------
// A real browser
// ------------------------------------------------------------------------------------------

/// Headless Chromium, when installed. CI (`CI` set, as `.ci/run` runs) installs it and insists
/// on it; elsewhere the browser checks are skipped with a note.
fn chromium() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return Some(PathBuf::from(name));
        }
    }
    assert!(std::env::var_os("CI").is_none(), "Chromium must be installed in CI (apt-get install chromium)");
    #[allow(clippy::print_stderr)]
    {
        eprintln!("note: Chromium not found; skipping the browser checks (apt-get install chromium)");
    }
    None
}

/// Run headless Chromium on `url` with `extra` arguments; its stdout.
fn browse(chromium: &Path, url: &str, extra: &[&str]) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().expect("path").display())
}

/// The ids of the module rows the browser shows after the script ran.
fn listed(dom: &str) -> Vec<String> {
    let doc = Html::parse_document(dom);
    doc.select(&sel("table#modules tbody tr td:first-child code")).map(|c| c.text().collect()).collect()
}

#[test]
fn a_browser_filters_the_index_and_draws_a_module() {
    let Some(chromium) = chromium() else { return };
    let (_tmp, site) = shipped_site();
    let index = file_url(&site.join("index.html"));

    let dom = browse(&chromium, &index, &["--dump-dom"]);
    assert!(dom.contains("data-ready-ms="), "the script ran: {dom}");
    assert_eq!(listed(&dom).len(), 12, "every module listed");

    let dom = browse(&chromium, &format!("{index}?q=invoice"), &["--dump-dom"]);
    assert_eq!(listed(&dom), ["billing"], "?q=invoice filters to billing");
    assert!(dom.contains("1 of 12 modules"), "{dom}");
    let dom = browse(&chromium, &format!("{index}?status=retired"), &["--dump-dom"]);
    assert_eq!(listed(&dom), ["legacy-fax"]);
    let dom = browse(&chromium, &format!("{index}?tag=finance&type=crud"), &["--dump-dom"]);
    assert_eq!(listed(&dom), ["billing"]);

    let dom = browse(&chromium, &file_url(&site.join("modules/billing.html")), &["--dump-dom"]);
    let doc = Html::parse_document(&dom);
    let endpoints: String = doc.select(&sel("table.endpoints")).flat_map(|t| t.text()).collect();
    assert!(endpoints.contains("/api/billing/payments"), "{endpoints}");
    assert_eq!(doc.select(&sel("figure.neighbourhood svg.graph")).count(), 1);
    assert!(doc.select(&sel("svg .node")).count() > 3);

    let shots = tempfile::tempdir().expect("tempdir");
    for (page, name) in
        [(index.clone(), "index.png"), (file_url(&site.join("modules/billing.html")), "billing.png")]
    {
        let png = shots.path().join(name);
        browse(
            &chromium,
            &page,
            &["--window-size=1280,900", "--hide-scrollbars", &format!("--screenshot={}", png.display())],
        );
        assert_not_blank(&png);
    }
}

/// Decode the PNG and insist on a picture: many distinct colours, and no single colour covering
/// nearly all of it.
fn assert_not_blank(path: &Path) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let (w, h) = (info.width as usize, info.height as usize);
    assert!(w >= 800 && h >= 600, "{w}x{h}");
    let channels = info.color_type.samples();
    let mut counts: std::collections::HashMap<&[u8], usize> = std::collections::HashMap::new();
    for px in buf[..info.buffer_size()].chunks(channels) {
        *counts.entry(px).or_default() += 1;
    }
    let most = counts.values().max().copied().unwrap_or(0);
    assert!(counts.len() > 50, "{}: only {} colours", path.display(), counts.len());
    assert!(most * 100 < w * h * 97, "{}: one colour covers {most} of {} pixels", path.display(), w * h);
}

#[test]
fn module_pages_show_health_over_time_and_the_last_change_from_git() {
    let s = Scratch::shipped();
    let dir = s.path();
    git_at(dir, "2026-10-01T00:00:00Z", &["init", "-q", "-b", "main"]);
    git_at(dir, "2026-10-01T00:00:00Z", &["add", "."]);
    git_at(dir, "2026-10-01T00:00:00Z", &["commit", "-q", "-m", "registry"]);
    let health = s.read("registry/billing/health.yaml");
    let changed = health
        .replacen("observed_at:", "# a second observation\nobserved_at:", 1)
        .replace("status: degraded", "status: healthy");
    assert_ne!(health, changed);
    s.write("registry/billing/health.yaml", changed);
    git_at(dir, "2026-11-01T00:00:00Z", &["commit", "-q", "-a", "-m", "billing recovers"]);
    ok(s.run(&["site"]));
    let page = s.read("site/modules/billing.html");
    assert!(page.contains("<h3>Over time</h3>"), "{page}");
    assert!(page.contains("2 committed snapshots of <code>registry/billing/health.yaml</code>"), "{page}");
    assert!(page.contains("2026-11-01T00:00:00Z (2 commits)"), "last change from git");
    let index = s.read("site/index.html");
    assert!(index.contains("<td>2026-11-01</td>"), "last change in the index");
}
