use std::fmt::Write as _;

use serde::Serialize;

use crate::cli::NewArgs;
use crate::context::Context;
use crate::fsutil::{Existing, write_atomic};
use crate::model::{ID_PATTERN, SchemaName};
use crate::output::{self, Output};
use crate::registry::MANIFEST_FILE;
use crate::schema;
use crate::{Error, ExitStatus, yaml};

#[derive(Debug, Serialize)]
pub struct Created {
    pub created: String,
    pub path: String,
}

pub fn run(ctx: &Context, args: &NewArgs) -> Result<Output, Error> {
    check_args(args)?;
    let location = ctx.locate_for_writing()?;
    let root = &location.root;
    let dir = root.join(&args.id);
    let path = dir.join(MANIFEST_FILE);
    if path.exists() {
        return Ok(Output::default()
            .note(format!(
                "error: module `{}` already exists at {}\nhint: pick another id, or edit the existing manifest",
                args.id,
                path.display()
            ))
            .with_status(ExitStatus::Invalid));
    }
    let by = args
        .by
        .clone()
        .or_else(|| {
            std::env::var("USER").ok().filter(|s| !s.trim().is_empty() && !s.contains(char::is_control))
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let text = scaffold(args, &by, ctx.now);
    // The scaffold must validate; if it does not, that is a bug here, not the user's input.
    let doc = yaml::parse(text.as_bytes())
        .map_err(|e| Error::Other(format!("internal error: scaffold is not YAML: {}", e.message)))?;
    let problems = schema::check(SchemaName::Module, &doc, &path);
    if let Some(p) = problems.first() {
        return Err(Error::Other(format!("internal error: scaffold does not validate: {}", p.message)));
    }
    let created_dir = !dir.exists();
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    if let Err(e) = write_atomic(&path, text.as_bytes(), Existing::Refuse) {
        if created_dir {
            let _ = std::fs::remove_dir(&dir);
        }
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            return Ok(Output::default()
                .note(format!(
                    "error: module `{}` was created by someone else meanwhile at {}",
                    args.id,
                    path.display()
                ))
                .with_status(ExitStatus::Invalid));
        }
        return Err(Error::io(&path, e));
    }
    let mut out =
        Output::data(output::json(&Created { created: args.id.clone(), path: path.display().to_string() }));
    if !ctx.quiet {
        out = out.note(format!(
            "created {}\nnext: describe its capabilities and relationships, then run `modreg validate`",
            path.display()
        ));
    }
    Ok(out)
}

/// Every argument is checked before anything touches the disk, so that what the user got wrong
/// is a usage error naming the flag, never a scaffold that fails its own validation.
fn check_args(args: &NewArgs) -> Result<(), Error> {
    check_id(&args.id)?;
    check_text(
        "--name",
        &args.name,
        false,
        "give the module a human-readable name, e.g. --name \"Order History\"",
    )?;
    if let Some(d) = &args.description {
        check_text(
            "--description",
            d,
            true,
            "say in a sentence what the module is for, or leave --description out",
        )?;
    }
    if let Some(by) = &args.by {
        check_text(
            "--by",
            by,
            false,
            "name the person, team or pipeline creating it, or leave --by out for $USER",
        )?;
    }
    if let Some(model) = &args.ai_model {
        check_text(
            "--ai-model",
            model,
            false,
            "name the model, e.g. --ai-model claude-sonnet-4, or leave it out",
        )?;
    }
    Ok(())
}

/// A free-text argument: not blank, and printable text (`multiline` allows new lines and tabs).
fn check_text(flag: &str, value: &str, multiline: bool, hint: &str) -> Result<(), Error> {
    let allowed = |c: char| multiline && matches!(c, '\n' | '\t');
    let problem = if value.trim().is_empty() {
        format!("{flag} must not be empty or blank")
    } else if value.chars().any(|c| c.is_control() && !allowed(c)) {
        let what = if multiline { "text" } else { "one line of text" };
        format!("{flag} `{}` contains a control character; it must be {what}", value.escape_debug())
    } else {
        return Ok(());
    };
    Err(Error::Usage(format!("{problem}\nhint: {hint}")))
}

/// Ids are checked before anything touches the disk: they become directory names.
pub fn check_id(id: &str) -> Result<(), Error> {
    if crate::model::is_module_id(id) {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "invalid module id `{id}`: it must match {ID_PATTERN} and be 2 to 63 characters\nhint: use lowercase words joined by single hyphens, e.g. `order-history`"
        )))
    }
}

/// A YAML literal for any string: JSON string syntax is valid double-quoted YAML.
fn q(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

fn scaffold(args: &NewArgs, by: &str, now: jiff::Timestamp) -> String {
    let description = args.description.clone().unwrap_or_else(|| format!("TODO: what {} is for.", args.name));
    let mut s = String::new();
    let _ = writeln!(s, "# yaml-language-server: $schema=../../schemas/module.schema.json");
    let _ = writeln!(s, "apiVersion: modreg/v1");
    let _ = writeln!(s, "kind: Module");
    let _ = writeln!(s, "metadata:");
    let _ = writeln!(s, "  id: {}", args.id);
    let _ = writeln!(s, "  name: {}", q(&args.name));
    let _ = writeln!(s, "  description: {}", q(&description));
    let _ = writeln!(s, "  version: 0.1.0");
    let _ = writeln!(s, "  status: experimental");
    let _ = writeln!(s, "  type: {}", args.module_type);
    let _ = writeln!(s, "  created:");
    let _ = writeln!(s, "    at: {}", now.strftime("%Y-%m-%dT%H:%M:%SZ"));
    let _ = writeln!(s, "    by: {}", q(by));
    if let Some(model) = &args.ai_model {
        let _ = writeln!(s, "    ai_model: {}", q(model));
    }
    let _ = writeln!(s, "  owners: [{}]", q(by));
    let _ = writeln!(s, "  tags: []");
    let _ = writeln!(s, "capabilities:");
    let _ = writeln!(
        s,
        "  # operations: [{{ name: create_thing, kind: create, entity: Thing, description: ... }}]"
    );
    let _ = writeln!(s, "  operations: []");
    let _ = writeln!(
        s,
        "  # endpoints: [{{ method: POST, path: /api/{}/things, operation: create_thing }}]",
        args.id
    );
    let _ = writeln!(s, "  endpoints: []");
    let _ = writeln!(s, "  data_models: []");
    let _ = writeln!(s, "docs:");
    let _ = writeln!(s, "  summary: {}", q(&description));
    let _ = writeln!(s, "# relationships: [{{ type: depends_on, target: auth, version: \">=2.0.0\" }}]");
    let _ = writeln!(s, "relationships: []");
    s
}
