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

/// Every command lists the flags that apply everywhere under one heading, apart from its own, and
/// every argument says what it is for.
#[test]
fn global_flags_have_their_own_heading_and_every_argument_a_description() {
    let global = ["registry", "color", "quiet", "no_cache"];
    let mut cmd = Cli::command();
    cmd.build();
    let mut commands = vec![&cmd];
    commands.extend(cmd.get_subcommands().filter(|c| c.get_name() != "help"));
    for c in commands {
        let name = c.get_name();
        for arg in c.get_arguments().filter(|a| !a.is_hide_set()) {
            let id = arg.get_id().as_str();
            if matches!(id, "help" | "version") {
                continue;
            }
            assert!(arg.get_help().is_some(), "`{name}`: argument `{id}` has no description");
            let heading = arg.get_help_heading();
            if global.contains(&id) {
                assert_eq!(heading, Some("Global options"), "`{name}`: `{id}`");
            } else {
                assert_eq!(heading, None, "`{name}`: `{id}` is the command's own");
            }
        }
        let help = run(&if name == "modreg" { vec!["--help"] } else { vec![name, "--help"] });
        let (own, globals) = help
            .stdout
            .split_once("\nGlobal options:\n")
            .unwrap_or_else(|| panic!("`{name} --help` has no Global options heading:\n{}", help.stdout));
        for flag in ["--registry", "--color", "--quiet", "--no-cache"] {
            assert!(
                globals.contains(flag) && !own.contains(flag),
                "`{name} --help`: {flag}\n{}",
                help.stdout
            );
        }
    }
}

/// `-V` belongs to modreg, not to each command.
#[test]
fn version_only_at_the_top() {
    let top = run(&["-V"]);
    assert_eq!((top.code, top.stdout.as_str()), (0, concat!("modreg ", env!("CARGO_PKG_VERSION"), "\n")));
    let sub = run(&["list", "-V"]);
    assert_eq!(sub.code, 2, "{}", sub.stdout);
    assert!(sub.stderr.contains("unexpected argument '-V'"), "{}", sub.stderr);
    assert!(!run(&["list", "--help"]).stdout.contains("--version"));
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
