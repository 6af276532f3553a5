//! The command line's shape is part of the interface: clap's own consistency check, and a
//! snapshot of every `--help` so a changed flag shows up in review.

use clap::CommandFactory;
use modreg::cli::Cli;

use crate::util::run;

#[test]
fn clap_definition_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn help_of_every_subcommand_is_pinned() {
    let mut all = String::new();
    let top = run(&["--help"]);
    assert_eq!(top.code, 0);
    all.push_str("$ modreg --help\n");
    all.push_str(&top.stdout);
    let mut names: Vec<String> =
        Cli::command().get_subcommands().map(|c| c.get_name().to_owned()).filter(|n| n != "help").collect();
    names.sort();
    for name in names {
        let r = run(&[&name, "--help"]);
        assert_eq!(r.code, 0, "{name} --help failed: {}", r.stderr);
        all.push_str(&format!("\n$ modreg {name} --help\n"));
        all.push_str(&r.stdout);
    }
    snapbox::assert_data_eq!(all, snapbox::file!["snapshots/help.txt"]);
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let r = run(&["list", "--no-such-flag"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--no-such-flag"), "{}", r.stderr);
}

#[test]
fn closed_pipe_is_not_a_panic() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = crate::util::command(&crate::util::repo())
        .args(["list", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Read one byte, then hang up, as `modreg list | head -c1` would.
    let mut out = child.stdout.take().expect("stdout");
    let mut one = [0u8; 1];
    out.read_exact(&mut one).expect("first byte");
    drop(out);
    let mut err = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut err).expect("stderr");
    let status = child.wait().expect("wait");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(status.code(), Some(0), "{err}");
}
