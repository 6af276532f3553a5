//! `modreg explain` and the committed `docs/diagnostics.md`, which is generated from the same
//! texts and must never drift from them.

use crate::util::{repo, run};

#[test]
fn committed_diagnostics_doc_matches_the_explanations() {
    let r = run(&["explain", "--markdown"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = repo().join("docs/diagnostics.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != r.stdout {
        if std::env::var_os("MODREG_BLESS").is_some() {
            std::fs::create_dir_all(path.parent().expect("docs dir")).expect("mkdir docs");
            std::fs::write(&path, &r.stdout).expect("write docs/diagnostics.md");
        } else {
            panic!(
                "docs/diagnostics.md differs from `modreg explain --markdown`\n\
                 run `MODREG_BLESS=1 cargo test --test cli explain` and commit the result"
            );
        }
    }
}

/// The codes `explain --list` prints, in order (the diff rules follow after a blank line).
fn listed_codes() -> Vec<String> {
    let r = run(&["explain", "--list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
        .lines()
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().next().expect("a code").to_owned())
        .collect()
}

/// The diff rules `explain --list` prints after the codes.
fn listed_rules() -> Vec<String> {
    let r = run(&["explain", "--list"]);
    let (_, rules) = r.stdout.split_once("\nRules of `modreg diff`:\n").expect("a heading for the rules");
    rules.lines().map(|l| l.split_whitespace().next().expect("a rule").to_owned()).collect()
}

#[test]
fn list_shows_every_code_with_its_description() {
    let r = run(&["explain", "--list"]);
    snapbox::assert_data_eq!(r.stdout.as_str(), snapbox::file!["snapshots/explain_list.txt"]);
    assert_eq!(r.stderr, "hint: `modreg explain CODE` explains one code or diff rule, with an example\n");
    let bare = run(&["explain"]);
    assert_eq!((bare.code, bare.stdout.as_str()), (0, r.stdout.as_str()), "no CODE lists them too");
    assert_eq!(run(&["-q", "explain"]).stderr, "");
    let codes = listed_codes();
    assert!(codes.len() >= 30);
    assert!(codes.iter().all(|c| c.len() == 4 && (c.starts_with('E') || c.starts_with('W'))), "{codes:?}");
    let rules = listed_rules();
    assert!(rules.contains(&"ENDPOINT_REMOVED".to_owned()) && rules.len() >= 20, "{rules:?}");
    assert!(rules.iter().all(|r| r.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')), "{rules:?}");
}

#[test]
fn explain_one_code() {
    let r = run(&["explain", "E010"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    snapbox::assert_data_eq!(r.stdout.as_str(), snapbox::file!["snapshots/explain_E010.txt"]);
    for spelling in ["e010", "e10", "E10"] {
        assert_eq!(run(&["explain", spelling]).stdout, r.stdout, "{spelling}");
    }
}

#[test]
fn every_code_has_an_explanation_with_an_example_and_its_fix() {
    let docs = run(&["explain", "--markdown"]).stdout;
    for code in listed_codes() {
        let r = run(&["explain", &code]);
        assert_eq!(r.code, 0, "{code}: {}", r.stderr);
        let first = r.stdout.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!("{code} (error): "))
                || first.starts_with(&format!("{code} (warning): ")),
            "{first}"
        );
        assert!(r.stdout.contains("\nWrong") && r.stdout.contains("\nFix"), "{code}:\n{}", r.stdout);
        assert!(!r.stdout.contains("```"), "{code}: fences are for Markdown only");
        let section = run(&["explain", &code, "--markdown"]).stdout;
        assert!(section.starts_with(&format!("## {code}\n")), "{section}");
        assert!(docs.contains(&section), "{code}: its section is in the full document");
        assert!(
            docs.contains(&format!("| [{code}](#{}) |", code.to_ascii_lowercase())),
            "{code}: in the table"
        );
    }
}

#[test]
fn unknown_code_is_a_usage_error_with_a_hint() {
    let r = run(&["explain", "E0100"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.starts_with("error: unknown diagnostic code `E0100`\nhint: "), "{}", r.stderr);
    assert!(r.stderr.contains("modreg explain --list"), "{}", r.stderr);

    let near = run(&["explain", "E01O"]);
    assert_eq!(near.code, 2);
    assert!(near.stderr.contains("did you mean `E010`?"), "{}", near.stderr);

    // 001 is both E001 and W001.
    assert_eq!(run(&["explain", "1"]).code, 2);
    assert_eq!(run(&["explain", "--list", "E010"]).code, 2, "--list takes no CODE");
}
