//! Registry sources and the source map, through the library: a registry read from a git
//! revision, and one with a candidate manifest (as `register -` gets it on stdin) laid over
//! the working tree. Diagnostics in either render with snippets of the right text — the blob,
//! the bytes in memory — not whatever is on disk under a similar name.

use std::path::Path;
use std::sync::Arc;

use modreg::diag::Diagnostic;
use modreg::output::diagnostics::human;
use modreg::registry::{Candidate, GitTree, Loader, Source, discover};

use crate::util::{Scratch, git, manifest};

fn load(root: &Path, source: Source) -> modreg::registry::Registry {
    let cwd = std::env::current_dir().expect("cwd");
    let location = discover(Some(root), &cwd).expect("location");
    Loader::new(location, source, None).expect("loader").load().expect("load")
}

fn by_code<'a>(diags: &'a [Diagnostic], code: &str) -> Vec<&'a Diagnostic> {
    diags.iter().filter(|d| d.code.as_str() == code).collect()
}

#[test]
fn a_candidate_on_stdin_is_checked_against_the_registry_and_shown_from_memory() {
    let s = Scratch::shipped();
    let text = manifest(
        "orders",
        "capabilities:\n  operations:\n    - { name: create_order, kind: create, entity: Ordr }\n  data_models:\n    - { name: Order }\nrelationships:\n  - { type: depends_on, target: auht }\n",
    );
    let candidate =
        Candidate { id: "orders".into(), name: "<stdin>".into(), bytes: Arc::from(text.as_bytes()) };
    let reg = load(&s.registry(), Source::Overlay(candidate));
    assert!(reg.get("orders").is_some() && reg.get("crm").is_some());
    assert_eq!(reg.get("orders").unwrap().manifest.path, Path::new("<stdin>"));
    let report = modreg::validate::run(&reg);
    let mine: Vec<Diagnostic> =
        report.diagnostics.iter().filter(|d| d.file == Path::new("<stdin>")).cloned().collect();
    let e030 = by_code(&mine, "E030");
    assert_eq!((e030.len(), e030[0].line, e030[0].column), (1, 18, 33), "{mine:#?}");
    assert_eq!(e030[0].hint.as_deref(), Some("did you mean `auth`?"));
    assert_eq!(by_code(&mine, "E032").len(), 1, "{mine:#?}");
    let shown = human(&mine, &reg.files, false);
    assert!(shown.contains("--> <stdin>:18:33\n"), "{shown}");
    assert!(shown.contains("18 |   - { type: depends_on, target: auht }\n"), "{shown}");
    assert!(shown.contains("--> <stdin>:14:51\n"), "{shown}");
    // The working tree itself is untouched and still valid.
    assert!(!s.registry().join("orders").exists());
    assert!(modreg::validate::run(&load(&s.registry(), Source::WorkTree)).diagnostics.is_empty());
}

#[test]
fn a_registry_at_a_git_revision_is_read_from_blobs() {
    let s = Scratch::shipped();
    let crm = s.registry().join("crm/module.yaml");
    let good = std::fs::read_to_string(&crm).expect("read");
    let line = good.lines().position(|l| l.contains("target: auth")).expect("crm depends on auth") + 1;
    git(s.path(), &["init", "-q"]);
    std::fs::write(&crm, good.replacen("target: auth", "target: auht", 1)).expect("write");
    s.write("registry/crm/notes.txt", "committed stray\n");
    git(s.path(), &["add", "-A"]);
    git(s.path(), &["commit", "-q", "-m", "broken"]);
    // The working tree is fixed afterwards: only the blob has the typo.
    std::fs::write(&crm, &good).expect("write");
    std::fs::remove_file(s.registry().join("crm/notes.txt")).expect("rm");

    let at_head =
        load(&s.registry(), Source::Git(GitTree::at(&s.registry(), "HEAD").expect("HEAD resolves")));
    assert_eq!(at_head.modules.len(), 12);
    let report = modreg::validate::run(&at_head);
    let codes: Vec<(&str, String, u32)> =
        report.diagnostics.iter().map(|d| (d.code.as_str(), d.file.display().to_string(), d.line)).collect();
    assert_eq!(
        codes,
        [
            ("E030", "HEAD:registry/crm/module.yaml".to_owned(), u32::try_from(line).unwrap()),
            ("W001", "HEAD:registry/crm/notes.txt".to_owned(), 1),
        ],
    );
    let shown = human(&report.diagnostics[..1], &at_head.files, false);
    assert!(shown.contains(&format!("--> HEAD:registry/crm/module.yaml:{line}:")), "{shown}");
    assert!(shown.contains("target: auht"), "the snippet comes from the blob, not the fixed file: {shown}");
    assert!(shown.contains("did you mean `auth`?"), "{shown}");

    // The working tree: clean.
    assert!(modreg::validate::run(&load(&s.registry(), Source::WorkTree)).diagnostics.is_empty());
    // An unknown revision is a usage error naming it.
    let err = GitTree::at(&s.registry(), "no-such-rev").expect_err("an error").to_string();
    assert!(err.contains("no-such-rev"), "{err}");
}
