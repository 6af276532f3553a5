//! Text from manifests that would drive a terminal or break a table (issue 8, items 3 and 14):
//! every human-facing printer shows control characters visibly (`␛`, `\u{9b}`), a cell stays on
//! one line, a list stays splittable into its items, and columns line up by display width. JSON
//! keeps the exact data.

use serde::Deserialize;

use crate::util::{Scratch, manifest};

/// ESC + CSI (recolour), an OSC (set the window title) ended by BEL, a C1 CSI and a
/// right-to-left override, as YAML escapes in a double-quoted scalar.
const HOSTILE: &str = r#""\e[31mRED\e]0;pwned\a \x9b2J \u202Eevil""#;
/// How the printers show it.
const SHOWN: &str = r"␛[31mRED␛]0;pwned␇ \u{9b}2J \u{202e}evil";

/// What nothing written for a person may contain.
fn assert_inert(what: &str, text: &str) {
    for c in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\r'] {
        assert!(!text.contains(c), "{what} holds U+{:04X}: {text:?}", u32::from(c));
    }
}

/// A manifest for `id` with `name` (YAML, as written) and extra lines under `metadata`/after.
fn module(id: &str, name: &str, extra: &str) -> String {
    manifest(id, extra).replace(&format!("  name: Module {id}\n"), &format!("  name: {name}\n"))
}

fn hostile_registry() -> Scratch {
    let s = Scratch::empty();
    s.write(
        "registry/evil/module.yaml",
        module(
            "evil",
            HOSTILE,
            &format!(
                "  description: {HOSTILE}\n  owners: [\"\\e]8;;http://x\\a\"]\n  tags: [\"\\x9b\"]\n\
                 capabilities:\n  operations:\n    - {{ name: op, kind: action, description: \"two\\nlines\\e[2J\" }}\n"
            ),
        ),
    );
    s.write(
        "registry/plain/module.yaml",
        manifest(
            "plain",
            "relationships:\n  - { type: depends_on, target: evil, description: \"\\e[5mblink\" }\n",
        ),
    );
    s
}

#[test]
fn list_table_shows_control_characters_visibly() {
    let s = hostile_registry();
    let r = s.run(&["list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_inert("list", &r.stdout);
    assert!(r.stdout.contains(SHOWN), "{}", r.stdout);
    assert!(r.stdout.contains("␛]8;;http://x␇"), "{}", r.stdout);
    assert_eq!(r.stdout.lines().count(), 3, "a header and one line per module: {}", r.stdout);
}

#[test]
fn show_text_shows_control_characters_visibly() {
    let s = hostile_registry();
    for id in ["evil", "plain"] {
        let r = s.run(&["show", id]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_inert("show", &r.stdout);
    }
    let page = s.run(&["show", "evil"]).stdout;
    assert!(page.starts_with(&format!("evil — {SHOWN}\n{SHOWN}\n")), "{page}");
    assert!(page.contains("\n  op  action     two␊lines␛[2J\n"), "an operation stays on one line: {page}");
    assert!(page.contains(r"tags      \u{9b}"), "{page}");
    assert!(s.run(&["show", "plain"]).stdout.contains("depends_on  evil  ␛[5mblink"));
}

#[test]
fn deps_table_shows_control_characters_visibly() {
    let s = hostile_registry();
    let r = s.run(&["deps", "plain"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_inert("deps", &r.stdout);
    assert!(r.stdout.contains(SHOWN), "{}", r.stdout);
}

#[test]
fn json_and_yaml_keep_the_exact_text() {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        name: String,
    }
    let s = hostile_registry();
    let rows: Vec<Row> = s.run(&["list", "--format", "json"]).json();
    let evil = rows.iter().find(|r| r.id == "evil").expect("evil is listed");
    assert_eq!(evil.name, "\u{1b}[31mRED\u{1b}]0;pwned\u{7} \u{9b}2J \u{202e}evil");
    // YAML escapes what it must, so it is inert too, and parses back to the same data.
    let y = s.run(&["list", "--format", "yaml"]).stdout;
    assert_inert("list --format yaml", &y);
    let doc = modreg::yaml::parse(y.as_bytes()).expect("YAML");
    assert_eq!(doc.value[0]["name"], evil.name.as_str());
}

#[test]
fn stderr_notes_and_errors_show_control_characters_visibly() {
    let s = hostile_registry();
    // A directory whose name is hostile: it cannot load, and the note names it.
    s.write("registry/x\u{1b}]0;t\u{7}/module.yaml", "kind: [\n");
    let r = s.run(&["list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_inert("the broken-manifest note", &r.stderr);
    assert!(r.stderr.contains("x␛]0;t␇"), "{}", r.stderr);
    // An id typed on the command line comes back in the error.
    let r = s.run(&["show", "\u{1b}[31mno\u{9b}"]);
    assert_eq!(r.code, 2);
    assert_inert("the unknown-module error", &r.stderr);
    assert!(r.stderr.contains(r"␛[31mno\u{9b}"), "{}", r.stderr);
    // graph's note names the file it wrote.
    let r = s.run(&["graph", "-o", "g\u{1b}[8m.dot"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_inert("graph's note", &r.stderr);
    assert!(r.stderr.contains("g␛[8m.dot"), "{}", r.stderr);
}

#[test]
fn validate_shows_c1_controls_visibly_too() {
    let s = Scratch::empty();
    // An unknown key with a C1 CSI and an ESC in it: E010 quotes the key in the message, and the
    // snippet shows the line.
    s.write("registry/alpha/module.yaml", manifest("alpha", "  \"k\\x9b\\e[2J\": 1\n"));
    let r = s.run(&["validate"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_inert("validate", &r.stdout);
    assert!(r.stdout.contains(r"unknown key `k\u{9b}␛[2J`"), "{}", r.stdout);
    assert!(r.stdout.contains("--> registry/alpha/module.yaml:12:3"), "{}", r.stdout);
}

// ---- item 14: lists, line breaks and wide characters in the table and CSV ----------------

fn listed() -> Scratch {
    let s = Scratch::empty();
    s.write(
        "registry/aa/module.yaml",
        module(
            "aa",
            "\"顧客管理システム\"",
            "  owners: [\"x,y\", z]\n  tags: [\"a;b\", \"c,d\", \"say \\\"hi\\\"\"]\n",
        ),
    );
    s.write(
        "registry/bb/module.yaml",
        module("bb", "\"two\\nlines\"", "  owners: [x, y, z]\n  tags: [a, b]\n"),
    );
    s.write("registry/cc/module.yaml", module("cc", "Plain", ""));
    s
}

#[test]
fn csv_lists_split_back_into_their_items() {
    let r = listed().run(&["list", "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    // `x,y` holds no `;`, so only the CSV field is quoted (for its comma); `a;b` and `say "hi"`
    // are quoted as list items, and CSV then doubles those quotes.
    assert_eq!(
        lines[1],
        r#"aa,顧客管理システム,service,active,1.0.0,"x,y;z","""a;b"";c,d;""say """"hi""""""",0,0,missing,false"#
    );
    assert!(r.stdout.contains("bb,\"two\nlines\",service,active,1.0.0,x;y;z,a;b,"), "{}", r.stdout);
    // What a CSV reader gets back, split by the documented rule, is the original lists.
    let mut reader = csv::Reader::from_reader(r.stdout.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("CSV")).collect();
    assert_eq!(split_list(&records[0][5], ';'), ["x,y", "z"]);
    assert_eq!(split_list(&records[0][6], ';'), ["a;b", "c,d", "say \"hi\""]);
    assert_eq!(split_list(&records[1][5], ';'), ["x", "y", "z"]);
    assert_eq!(&records[1][1], "two\nlines", "CSV keeps the exact name");
}

#[test]
fn table_keeps_rows_whole_lists_apart_and_columns_aligned() {
    let r = listed().run(&["list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "\
ID  NAME              TYPE     STATUS  VERSION  OWNERS   OUT  IN  HEALTH
aa  顧客管理システム  service  active  1.0.0    \"x,y\",z    0   0  missing
bb  two␊lines         service  active  1.0.0    x,y,z      0   0  missing
cc  Plain             service  active  1.0.0               0   0  missing
"
    );
    // By display width (two columns per CJK character), every TYPE starts in the same column.
    let starts: Vec<usize> = r
        .stdout
        .lines()
        .map(|l| {
            let at = l.find("service").or_else(|| l.find("TYPE")).expect("a type column");
            width(&l[..at])
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "{starts:?}\n{}", r.stdout);
}

/// Display width as a terminal counts it, for the characters these tests use.
fn width(s: &str) -> usize {
    s.chars().map(|c| if ('\u{3000}'..='\u{9fff}').contains(&c) { 2 } else { 1 }).sum()
}

/// Split a list cell by the rule `list --format csv` documents: items joined by `sep`, an item in
/// double quotes (with `""` for a quote) when it holds `sep`, a quote or whitespace.
fn split_list(cell: &str, sep: char) -> Vec<String> {
    let mut items = Vec::new();
    let mut chars = cell.chars().peekable();
    while chars.peek().is_some() {
        let mut item = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        item.push('"');
                    } else {
                        break;
                    }
                } else {
                    item.push(c);
                }
            }
            // The separator after the closing quote, if any.
            let _ = chars.next();
        } else {
            for c in chars.by_ref() {
                if c == sep {
                    break;
                }
                item.push(c);
            }
        }
        items.push(item);
    }
    items
}
