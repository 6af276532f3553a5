//! `modreg generate`: the man page renders (through groff, as `man` would; required under CI)
//! and documents every command, and completions are the same as `modreg completions`.

use std::io::Write as _;
use std::process::{Command, Stdio};

use clap::CommandFactory;
use modreg::cli::Cli;

use crate::util::run;

fn groff() -> bool {
    let found = Command::new("groff").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("CI").is_some() {
        panic!("groff is required under CI (.ci/run installs groff-base)");
    }
    found
}

/// `groff -man -Tutf8 -ww` (every warning on): the rendered text, and what groff complained about.
fn render(roff: &str) -> (String, String) {
    let mut child = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-P-cbou"])
        .env("LC_ALL", "C.UTF-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("groff runs");
    child.stdin.take().expect("stdin").write_all(roff.as_bytes()).expect("feed groff");
    let out = child.wait_with_output().expect("groff finishes");
    assert!(out.status.success(), "groff failed: {}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn man_page_is_roff_that_documents_every_command() {
    let r = run(&["generate", "man"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    let page = &r.stdout;
    assert!(page.contains(&format!(".TH MODREG 1  \"modreg {}\"", env!("CARGO_PKG_VERSION"))), "{page}");
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH \"GLOBAL OPTIONS\"",
        ".SH COMMANDS",
        ".SH \"EXIT STATUS\"",
    ] {
        assert_eq!(page.matches(&format!("{section}\n")).count(), 1, "{section} once:\n{page}");
    }
    // The commands' own sections are demoted under COMMANDS, not repeated as page sections.
    assert_eq!(page.matches(".SH OPTIONS\n").count(), 1, "{page}");
    let cmd = Cli::command();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        assert!(
            page.contains(&format!(".SS \"modreg {}\"\n", sub.get_name())),
            "{} is missing",
            sub.get_name()
        );
    }
    assert_eq!(page, &run(&["generate", "man"]).stdout, "deterministic (no date)");

    if !groff() {
        return;
    }
    let (text, warnings) = render(page);
    assert_eq!(warnings, "", "groff warns about the page");
    for want in
        ["MODREG(1)", "GLOBAL OPTIONS", "--registry <DIR>", "modreg list", "--format <FORMAT>", "EXIT STATUS"]
    {
        assert!(text.contains(want), "{want} is not in the rendered page:\n{text}");
    }
}

#[test]
fn completions_are_generated_both_ways() {
    for shell in ["bash", "zsh", "fish"] {
        let a = run(&["generate", "completions", shell]);
        assert_eq!(a.code, 0, "{}", a.stderr);
        assert!(a.stdout.contains("modreg"), "{shell}");
        assert_eq!(a.stdout, run(&["completions", shell]).stdout, "{shell}");
    }
}
