//! `validate --format junit`: JUnit XML for CI systems that chart test results (GitLab, Jenkins,
//! Azure Pipelines). One test case per manifest in scope, so a clean module shows as a passing
//! test; a failing case has exactly one `<failure>` (many consumers read only the first) whose
//! text lists every error, and each warning is a line of the case's `<system-out>`.
//!
//! Every `time` is `0`: modreg validates the registry as a whole (references and the graph
//! span modules), so per-file times would be made up, and real ones would make the output
//! differ from run to run.

use std::fmt::Write as _;
use std::path::Path;

use super::diagnostics::slash_path;
use crate::diag::{Covered, Diagnostic, Severity};

struct Case<'a> {
    name: String,
    file: &'a Path,
    /// Files under this directory belong to the case (health.yaml, docs, strays).
    dir: Option<&'a Path>,
    diags: Vec<&'a Diagnostic>,
}

/// The JUnit XML document. A diagnostic in a module directory joins that module's case; one
/// anywhere else (a stray file at the registry root, a directory without a manifest) gets a case
/// named after its path.
/// Every manifest in scope becomes a test case, even when nothing is wrong with it.
pub fn render(manifests: &[Covered], diags: &[Diagnostic]) -> String {
    let mut cases: Vec<Case<'_>> = manifests
        .iter()
        .map(|m| Case {
            name: m.name.clone(),
            file: &m.file,
            dir: m.file.parent().filter(|p| !p.as_os_str().is_empty()),
            diags: Vec::new(),
        })
        .collect();
    for d in diags {
        let owner = cases
            .iter()
            .position(|c| c.file == d.file)
            .or_else(|| cases.iter().position(|c| c.dir.is_some_and(|dir| d.file.starts_with(dir))));
        match owner {
            Some(i) => cases[i].diags.push(d),
            None => cases.push(Case { name: slash_path(&d.file), file: &d.file, dir: None, diags: vec![d] }),
        }
    }
    cases.sort_by(|a, b| a.file.cmp(b.file).then_with(|| a.name.cmp(&b.name)));
    let failing = |c: &Case<'_>| c.diags.iter().any(|d| d.severity == Severity::Error);
    let tests = cases.len();
    let failures = cases.iter().filter(|c| failing(c)).count();

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!("tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"0\"");
    let _ = writeln!(out, "<testsuites name=\"modreg\" {counts}>");
    let _ = writeln!(out, "  <testsuite name=\"modreg validate\" {counts}>");
    for case in &cases {
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"modreg.validate\" file=\"{}\" time=\"0\"",
            attr(&case.name),
            attr(&slash_path(case.file))
        );
        if case.diags.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        let (errors, warnings): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
            case.diags.iter().partition(|d| d.severity == Severity::Error);
        if !errors.is_empty() {
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                attr(&failure_type(&errors)),
                attr(&failure_message(&errors)),
                text(&errors.iter().map(|d| detail(d)).collect::<Vec<_>>().join("\n"))
            );
        }
        let system_out: String = warnings.iter().map(|d| detail(d) + "\n").collect();
        if !system_out.is_empty() {
            let _ = writeln!(out, "      <system-out>{}</system-out>", text(&system_out));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// The failure's type: the error codes, each once, in order (`E030` or `E010, E030`).
fn failure_type(errors: &[&Diagnostic]) -> String {
    let mut codes: Vec<&str> = Vec::new();
    for d in errors {
        if !codes.contains(&d.code.as_str()) {
            codes.push(d.code.as_str());
        }
    }
    codes.join(", ")
}

/// The failure's one-line message: the error's own, or for several `N errors: CODE message; …`.
fn failure_message(errors: &[&Diagnostic]) -> String {
    match errors {
        [only] => only.message.clone(),
        _ => {
            let each: Vec<String> = errors.iter().map(|d| format!("{} {}", d.code, d.message)).collect();
            format!("{} errors: {}", errors.len(), each.join("; "))
        }
    }
}

/// `file:line:col CODE message`, then `hint: …` on its own line.
fn detail(d: &Diagnostic) -> String {
    let mut s = format!("{}:{}:{} {} {}", slash_path(&d.file), d.line, d.column, d.code, d.message);
    if let Some(hint) = &d.hint {
        s.push_str("\nhint: ");
        s.push_str(hint);
    }
    s
}

/// Characters XML 1.0 allows at all (§2.2); the rest are dropped.
fn legal(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Element content.
fn text(s: &str) -> String {
    escape(s, false)
}

/// An attribute value in double quotes; line breaks and tabs as character references, which
/// attribute-value normalisation would otherwise turn into spaces.
fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| legal(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' if attribute => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            // A bare CR in content would be read back as LF.
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::yaml::Pos;
    use std::path::PathBuf;

    #[test]
    fn escapes_and_strips() {
        assert_eq!(text("a<b>&\"c'\u{1}\u{1b}d\u{FFFE}\n"), "a&lt;b&gt;&amp;&quot;c&apos;d\n");
        assert_eq!(attr("x\ny\tz\r"), "x&#10;y&#9;z&#13;");
    }

    #[test]
    fn cases_for_manifests_module_files_and_strays() {
        let m = |name: &str| Covered {
            name: name.into(),
            file: PathBuf::from(format!("registry/{name}/module.yaml")),
        };
        let d = |file: &str, code: Code| Diagnostic::new(code, file, Pos { line: 2, col: 3 }, "msg <x>");
        let out = render(
            &[m("b"), m("a")],
            &[
                d("registry/a/health.yaml", Code::HealthModule),
                d("registry/a/module.yaml", Code::UnknownKey).hint("fix & go"),
                d("registry/a/notes.txt", Code::StrayFile),
                d("registry/stray.txt", Code::StrayFile),
            ],
        );
        assert_eq!(
            out,
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="modreg" tests="3" failures="1" errors="0" skipped="0" time="0">
  <testsuite name="modreg validate" tests="3" failures="1" errors="0" skipped="0" time="0">
    <testcase name="a" classname="modreg.validate" file="registry/a/module.yaml" time="0">
      <failure type="E070, E010" message="2 errors: E070 msg &lt;x&gt;; E010 msg &lt;x&gt;">registry/a/health.yaml:2:3 E070 msg &lt;x&gt;
registry/a/module.yaml:2:3 E010 msg &lt;x&gt;
hint: fix &amp; go</failure>
      <system-out>registry/a/notes.txt:2:3 W001 msg &lt;x&gt;
</system-out>
    </testcase>
    <testcase name="b" classname="modreg.validate" file="registry/b/module.yaml" time="0"/>
    <testcase name="registry/stray.txt" classname="modreg.validate" file="registry/stray.txt" time="0">
      <system-out>registry/stray.txt:2:3 W001 msg &lt;x&gt;
</system-out>
    </testcase>
  </testsuite>
</testsuites>
"#
        );
    }
}
