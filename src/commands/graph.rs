//! `modreg graph`: the relationships as a picture (DOT, Mermaid, SVG through Graphviz) or as
//! JSON. The flags become a [`Selection`]; what it keeps is `graph::view`'s to decide, the text
//! `output::{dot, mermaid}`'s. Only running Graphviz and writing `--output` happen here.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::Error;
use crate::cli::{GraphArgs, GraphFormat};
use crate::context::Context;
use crate::fsutil::{Existing, write_atomic};
use crate::graph::view::{self, Focus, GraphView, Selection};
use crate::model::RelationType;
use crate::output::{self, Output, dot, mermaid};
use crate::registry::Registry;

pub fn run(ctx: &Context, args: &GraphArgs) -> Result<Output, Error> {
    let reg = ctx.registry()?;
    let sel = selection(reg, args)?;
    let view = view::build(reg, &sel);
    let text = render(&view, args)?;
    let mut out = match &args.output {
        None => Output::data(text),
        Some(path) => {
            let full = ctx.cwd.join(path);
            write_atomic(&full, text.as_bytes(), Existing::Replace)
                .map_err(|e| output_error(path, &full, e))?;
            let out = Output::default();
            if ctx.quiet {
                out
            } else {
                out.note(format!(
                    "wrote {} ({} modules, {} edges) to {}",
                    format_name(args.format),
                    view.nodes.len(),
                    view.edges.len(),
                    path.display()
                ))
            }
        }
    };
    if let Some(note) = output::broken_note(&reg.broken)
        && !ctx.quiet
    {
        out = out.note(note);
    }
    Ok(out)
}

/// The command line as a [`Selection`]; an unknown `--focus` id is a usage error with a hint.
pub fn selection(reg: &Registry, args: &GraphArgs) -> Result<Selection, Error> {
    let focus = match &args.focus {
        None => None,
        Some(id) => {
            let index = reg.require(id)?;
            Some(Focus { index, direction: args.direction, max_depth: args.depth })
        }
    };
    let mut kinds = if args.relation.is_empty() { RelationType::ALL.to_vec() } else { args.relation.clone() };
    kinds.sort_unstable();
    kinds.dedup();
    Ok(Selection { kinds, statuses: args.status.clone(), focus })
}

fn render(view: &GraphView<'_>, args: &GraphArgs) -> Result<String, Error> {
    Ok(match args.format {
        GraphFormat::Dot => dot::render(view, args.rankdir),
        GraphFormat::Mermaid => mermaid::render(view, args.rankdir),
        GraphFormat::Json => output::json(view),
        GraphFormat::Svg => svg(&dot::render(view, args.rankdir))?,
    })
}

/// Why `-o FILE` could not be written, about FILE: a missing directory said plainly, and never
/// the temporary file the atomic write went through (tempfile names it in its errors).
fn output_error(shown: &Path, full: &Path, e: std::io::Error) -> Error {
    let dir = full.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let shown_dir = shown.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let problem = match dir.metadata() {
        Err(_) => Some("does not exist"),
        Ok(m) if !m.is_dir() => Some("is not a directory"),
        Ok(_) => None,
    };
    if let Some(problem) = problem {
        return Error::Usage(format!(
            "cannot write {}: directory `{}` {problem}\nhint: create the directory first, or pass another -o FILE",
            shown.display(),
            shown_dir.display()
        ));
    }
    // tempfile wraps the OS error as `<error> at path "<temporary file>"`: keep the error.
    let wrapped = e.get_ref().map(ToString::to_string);
    let source = match wrapped.as_deref().and_then(|m| m.split_once(" at path ")) {
        Some((message, _)) => std::io::Error::new(e.kind(), message.to_owned()),
        None => e,
    };
    Error::io(shown, source)
}

fn format_name(format: GraphFormat) -> &'static str {
    match format {
        GraphFormat::Dot => "DOT",
        GraphFormat::Mermaid => "Mermaid",
        GraphFormat::Json => "JSON",
        GraphFormat::Svg => "SVG",
    }
}

/// Render DOT to SVG with Graphviz `dot`, found on PATH.
fn svg(dot_text: &str) -> Result<String, Error> {
    let mut child = match Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Usage(
                "Graphviz `dot` is not on PATH\nhint: install Graphviz (apt-get install graphviz) or use --format dot \
                 and render elsewhere"
                    .to_owned(),
            ));
        }
        Err(e) => return Err(Error::Other(format!("cannot run Graphviz `dot`: {e}"))),
    };
    // Feed stdin from another thread: a large graph fills the pipes both ways.
    let input = dot_text.as_bytes().to_vec();
    let writer = child.stdin.take().map(|mut stdin| std::thread::spawn(move || stdin.write_all(&input)));
    let result =
        child.wait_with_output().map_err(|e| Error::Other(format!("cannot run Graphviz `dot`: {e}")))?;
    let written = writer.map(|w| w.join());
    if !result.status.success() {
        let stderr = String::from_utf8_lossy(&result.stderr);
        return Err(Error::Other(format!(
            "Graphviz `dot` failed ({}): {}",
            result.status,
            stderr.trim_end()
        )));
    }
    match written {
        Some(Ok(Err(e))) => return Err(Error::Other(format!("cannot feed Graphviz `dot`: {e}"))),
        Some(Err(_)) => {
            return Err(Error::Other("cannot feed Graphviz `dot`: the writer thread failed".to_owned()));
        }
        _ => {}
    }
    String::from_utf8(result.stdout)
        .map_err(|_| Error::Other("Graphviz `dot` wrote SVG that is not UTF-8".to_owned()))
}
