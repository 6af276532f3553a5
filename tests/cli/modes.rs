//! Files modreg writes get the mode a plain write would give them (0666 less the umask), and a
//! file it replaces keeps its mode; the temporary file behind an atomic write must not leak its
//! 0600 into place.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::Command;

use crate::util::{NOW, Scratch};

/// Run modreg in `cwd` under `umask`, through `sh` (modreg itself never calls umask).
fn run_with_umask(cwd: &Path, umask: &str, args: &[&str]) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_modreg"))
        .args(args)
        .current_dir(cwd)
        .env_remove("MODREG_REGISTRY")
        .env("NO_COLOR", "1")
        .env("MODREG_NOW", NOW)
        .output()
        .expect("sh runs modreg");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("written").permissions().mode() & 0o777
}

#[test]
fn new_writes_manifests_with_the_umask_mode() {
    let s = Scratch::empty();
    run_with_umask(s.path(), "022", &["new", "open-one", "--type", "ui", "--name", "Open"]);
    assert_eq!(mode(&s.registry().join("open-one/module.yaml")), 0o644);
    run_with_umask(s.path(), "077", &["new", "closed-one", "--type", "ui", "--name", "Closed"]);
    assert_eq!(mode(&s.registry().join("closed-one/module.yaml")), 0o600);
}

#[test]
fn graph_output_gets_the_umask_mode_and_a_replaced_file_keeps_its_mode() {
    let s = Scratch::shipped();
    let out = s.path().join("graph.dot");
    run_with_umask(s.path(), "022", &["graph", "-o", "graph.dot"]);
    assert_eq!(mode(&out), 0o644);
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    run_with_umask(s.path(), "077", &["graph", "--format", "mermaid", "-o", "graph.dot"]);
    assert_eq!(mode(&out), 0o640, "a replaced file keeps its mode, whatever the umask");
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("flowchart"), "and was replaced");
    run_with_umask(s.path(), "002", &["graph", "-o", "fresh.dot"]);
    assert_eq!(mode(&s.path().join("fresh.dot")), 0o664);
}

#[test]
fn init_writes_settings_with_the_umask_mode() {
    let s = Scratch::empty();
    std::fs::remove_dir(s.registry()).unwrap();
    run_with_umask(s.path(), "022", &["init"]);
    assert_eq!(mode(&s.path().join("modreg.yaml")), 0o644);
}
