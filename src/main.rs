use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use modreg::cli::{Cli, ColorChoice};
use modreg::context::Context;

// Loading a registry allocates millions of small nodes on both cores; mimalloc cuts the
// allocator's share of a 10,000-module load (system time above all) several-fold.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = |tty: bool| match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && !no_color,
    };
    let now = match std::env::var("MODREG_NOW") {
        Ok(s) => match s.parse() {
            Ok(t) => t,
            Err(e) => {
                let _ =
                    writeln!(std::io::stderr(), "error: MODREG_NOW `{s}` is not an RFC 3339 timestamp: {e}");
                return ExitCode::from(2);
            }
        },
        Err(_) => jiff::Timestamp::now(),
    };
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: cannot read the current directory: {e}");
            return ExitCode::from(2);
        }
    };
    let mut ctx = Context::new(cwd, now);
    ctx.registry_flag = cli.registry.clone();
    ctx.color_stdout = color(std::io::stdout().is_terminal());
    ctx.color_stderr = color(std::io::stderr().is_terminal());
    ctx.quiet = cli.quiet;
    ctx.no_cache = cli.no_cache;
    ctx.cache_dir = std::env::var_os("MODREG_CACHE_DIR").map(std::path::PathBuf::from);
    let out = modreg::run(cli, &ctx);
    // A closed pipe (`modreg list | head -1`) is the reader's choice, not an error.
    let mut stdout = std::io::stdout().lock();
    let written = std::iter::once(&out.stdout)
        .chain(&out.stdout_parts)
        .try_for_each(|part| stdout.write_all(part.as_bytes()))
        .and_then(|()| stdout.flush());
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        let _ = writeln!(std::io::stderr(), "error: writing output: {e}");
        return ExitCode::from(2);
    }
    if !out.stderr.is_empty() {
        let _ = std::io::stderr().write_all(out.stderr.as_bytes());
    }
    // Exit without tearing down the loaded registry: freeing millions of small allocations
    // one by one costs a large registry a third of a second, and the OS reclaims it at once.
    std::process::exit(i32::from(out.status().code()))
}
