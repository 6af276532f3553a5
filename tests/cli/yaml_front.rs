//! The YAML front end on hostile and odd input: every case is an error with a position, fast,
//! never a panic, never a hang.

use std::time::Instant;

use modreg::yaml::{self, YamlErrorKind};

fn err(input: &[u8]) -> yaml::YamlError {
    let started = Instant::now();
    let e = yaml::parse(input).expect_err("input must be refused");
    // Not a timing assertion on the product's speed: a guard against hangs (limits are O(n)).
    assert!(started.elapsed().as_secs() < 10, "refusing took {:?}", started.elapsed());
    e
}

#[test]
fn spans_are_one_based_lines_and_character_columns() {
    let doc = yaml::parse("a:\n  b: [x, \"é\", z]\n  c: {d: 1}\n".as_bytes()).expect("yaml");
    let at = doc.locate("/a/b/2");
    assert_eq!((at.value.line, at.value.col), (2, 15));
    let at = doc.locate("/a/c/d");
    assert_eq!((at.value.line, at.value.col), (3, 10));
    assert_eq!(at.key.map(|k| (k.line, k.col)), Some((3, 7)));
    assert!(at.exact);
    // A pointer that leads nowhere stops at the deepest ancestor.
    let at = doc.locate("/a/c/missing");
    assert!(!at.exact);
    assert_eq!((at.value.line, at.value.col), (3, 6));
}

#[test]
fn pointer_escapes_are_followed() {
    let doc = yaml::parse(b"\"a/b\":\n  \"c~d\": 1\n").expect("yaml");
    let at = doc.locate("/a~1b/c~0d");
    assert!(at.exact);
    assert_eq!(at.value.line, 2);
}

#[test]
fn yaml_1_2_core_scalars() {
    let doc = yaml::parse(b"a: yes\nb: on\nc: 1.0\nd: ~\ne: 0x10\nf: '1'\ng: 2025-03-14\n").expect("yaml");
    let v = &doc.value;
    assert_eq!(v["a"], "yes", "YAML 1.2: yes is a string");
    assert_eq!(v["b"], "on");
    assert_eq!(v["c"], 1.0);
    assert!(v["d"].is_null());
    assert_eq!(v["e"], 16);
    assert_eq!(v["f"], "1");
    assert_eq!(v["g"], "2025-03-14", "no timestamp type: dates stay strings");
}

#[test]
fn duplicate_keys_are_refused_at_the_second() {
    let e = err(b"a: 1\nb: 2\na: 3\n");
    assert_eq!(e.kind, YamlErrorKind::DuplicateKey);
    assert_eq!((e.pos.line, e.pos.col), (3, 1));
    assert!(e.message.contains("line 1"), "{}", e.message);
}

#[test]
fn alias_bomb_is_refused() {
    let mut s =
        String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let mut prev = 'a';
    for c in 'b'..='j' {
        s.push_str(&format!(
            "{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = c;
    }
    let e = err(s.as_bytes());
    assert_eq!(e.kind, YamlErrorKind::Limit);
    assert!(e.message.contains("alias"), "{}", e.message);
}

#[test]
fn legitimate_aliases_expand() {
    let doc = yaml::parse(b"base: &b {x: 1}\ncopy: *b\n").expect("yaml");
    assert_eq!(doc.value["copy"]["x"], 1);
    assert_eq!(doc.locate("/copy/x").value.line, 2, "an alias is located where it is used");
}

#[test]
fn deep_nesting_is_refused_in_block_and_flow_style() {
    let flow = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    assert_eq!(err(flow.as_bytes()).kind, YamlErrorKind::Limit);
    let mut block = String::new();
    for i in 0..20_000 {
        block.push_str(&" ".repeat(i.min(200)));
        block.push_str("- ");
    }
    block.push_str("x\n");
    let e = yaml::parse(block.as_bytes());
    assert!(e.is_err());
    let flow_maps = "{a: ".repeat(20_000);
    assert!(yaml::parse(flow_maps.as_bytes()).is_err());
    let seq = "- ".repeat(100_000) + "x\n";
    let e = err(seq.as_bytes());
    assert_eq!(e.kind, YamlErrorKind::Limit);
}

#[test]
fn binary_and_non_utf8_are_refused_with_a_position() {
    let e = err(b"a: 1\nb: \x00\x01\x02");
    assert_eq!(e.kind, YamlErrorKind::Encoding);
    assert_eq!((e.pos.line, e.pos.col), (2, 4));
    let e = err(b"a: caf\xe9\n");
    assert_eq!(e.kind, YamlErrorKind::Encoding);
    assert_eq!((e.pos.line, e.pos.col), (1, 7));
}

#[test]
fn empty_and_multi_document_files_are_refused() {
    assert_eq!(err(b"").kind, YamlErrorKind::Documents);
    assert_eq!(err(b"# only a comment\n").kind, YamlErrorKind::Documents);
    let e = err(b"a: 1\n---\nb: 2\n");
    assert_eq!(e.kind, YamlErrorKind::Documents);
    assert_eq!(e.pos.line, 2);
}

#[test]
fn oversize_files_are_refused_before_parsing() {
    let big = vec![b'#'; yaml::MAX_FILE_BYTES + 1];
    assert_eq!(err(&big).kind, YamlErrorKind::Limit);
}

#[test]
fn tags_and_complex_keys_are_refused() {
    assert_eq!(err(b"a: !!binary aGVsbG8=\n").kind, YamlErrorKind::Unsupported);
    assert_eq!(err(b"a: !custom x\n").kind, YamlErrorKind::Unsupported);
    assert_eq!(err(b"? [a, b]\n: c\n").kind, YamlErrorKind::Unsupported);
    assert_eq!(err(b"~: c\n").kind, YamlErrorKind::Unsupported);
    // Core-schema tags are fine.
    let doc = yaml::parse(b"a: !!str 123\n").expect("yaml");
    assert_eq!(doc.value["a"], "123");
}

#[test]
fn syntax_errors_carry_the_parser_position() {
    let e = err(b"a: [1, 2\nb: 3\n");
    assert_eq!(e.kind, YamlErrorKind::Syntax);
    assert!(e.pos.line >= 1);
    let e = err(b"a:\n\tb: 1\n");
    assert_eq!(e.kind, YamlErrorKind::Syntax);
}

/// A tab in the indentation is reported at the tab, whichever line saphyr's scanner stood on,
/// with what to do about it.
#[test]
fn a_tab_in_the_indentation_is_pointed_at() {
    for (text, line, col) in [
        // After a plain scalar: saphyr blames the scalar on the line before.
        ("metadata:\n  id: a1\n  status: active\n\ttype: service\n", 4, 1),
        ("metadata:\n\tid: a1\n", 2, 1),
        ("metadata:\n  tags:\n  \t- x\n", 3, 3),
        ("metadata:\n  name: a b\n\n\t\n\tid: x\n", 5, 1),
        ("a:\n  - \"x\n\ty\"\n", 3, 1),
    ] {
        let e = err(text.as_bytes());
        assert_eq!((e.kind, e.pos.line, e.pos.col), (YamlErrorKind::Syntax, line, col), "{text:?}: {e:?}");
        assert!(e.message.contains("YAML indentation must use spaces"), "{}", e.message);
        assert!(e.hint.as_deref().is_some_and(|h| h.contains("spaces")), "{e:?}");
    }
    let e = err(b"a:\tb\n");
    assert_eq!((e.pos.line, e.pos.col), (1, 3), "{e:?}");
    assert!(e.hint.as_deref().is_some_and(|h| h.contains("not a tab")), "{e:?}");
}

/// However deep a document goes, the error is at the first node past the limit: the builder's
/// depth check and saphyr's own flow-level guard (which trips at 256, far ahead) agree.
#[test]
fn deep_nesting_is_located_at_the_first_node_past_the_limit() {
    let head = "config:\n  defaults:\n    deep: ";
    // Three mappings are open when `deep` starts: the first `[` past the limit is number 62.
    let col = (head.lines().last().expect("a line").len() + 62) as u32;
    for depth in [65, 100, 255, 256, 300, 20_000] {
        let text = format!("{head}{}{}\n", "[".repeat(depth), "]".repeat(depth));
        let e = err(text.as_bytes());
        assert_eq!((e.kind, e.pos.line, e.pos.col), (YamlErrorKind::Limit, 3, col), "{depth}: {e:?}");
    }
    // Brackets inside quoted scalars and comments do not count.
    let line = "      [\"[#\\\"{\", '[''{', # [[[\n";
    for depth in [70, 300] {
        let text = format!("{}\n{}      {}\n", head.trim_end(), line.repeat(depth), "]".repeat(depth));
        let e = err(text.as_bytes());
        assert_eq!((e.pos.line, e.pos.col), (3 + 62, 7), "{depth}: {e:?}");
    }
}

#[test]
fn many_nodes_without_aliases_is_not_called_an_alias_bomb() {
    let text = format!("a: [{}]\n", "1, ".repeat(yaml::MAX_NODES + 1));
    let e = err(text.as_bytes());
    assert_eq!(e.kind, YamlErrorKind::Limit);
    assert!(!e.message.contains("alias"), "{}", e.message);
}

mod property {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Any byte string gives a document or an error, never a panic.
        #[test]
        fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = modreg::yaml::parse(&bytes);
        }

        /// Any YAML-ish text (drawn from YAML's punctuation) never panics either.
        #[test]
        fn yamlish_text_never_panics(s in "[a-z:\\-\\[\\]{}&*!|>'\" \n,#?%@`~0-9.]{0,200}") {
            let _ = modreg::yaml::parse(s.as_bytes());
        }

        /// Every node of a parsed document maps back to a position inside the text.
        #[test]
        fn every_pointer_locates_inside_the_text(
            keys in proptest::collection::vec("[a-z]{1,6}", 1..6),
            values in proptest::collection::vec(0u32..1000, 1..6),
        ) {
            let mut text = String::new();
            for (i, k) in keys.iter().enumerate() {
                text.push_str(&format!("{k}{i}:\n  list: [{}]\n", values.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")));
            }
            let doc = modreg::yaml::parse(text.as_bytes()).expect("generated YAML parses");
            let lines: Vec<&str> = text.lines().collect();
            for (i, k) in keys.iter().enumerate() {
                for (j, v) in values.iter().enumerate() {
                    let at = doc.locate(&format!("/{k}{i}/list/{j}"));
                    prop_assert!(at.exact);
                    let line = lines[at.value.line as usize - 1];
                    let rest: String = line.chars().skip(at.value.col as usize - 1).collect();
                    prop_assert!(rest.starts_with(&v.to_string()), "{} at {:?} in {:?}", v, at.value, line);
                }
                let at = doc.locate(&format!("/{k}{i}"));
                prop_assert_eq!(at.key.map(|p| p.line as usize), Some(2 * i + 1));
            }
        }
    }
}

/// The loader's fast path (`yaml::de` plus the field rules of `schema::constraints`) against
/// the slow path (tree, full JSON Schema, typed) on every committed registry and fixture:
/// whatever the fast path accepts, the slow path accepts with an equal value; and every file the
/// slow path accepts without anchors, the fast path accepts too (so valid files do not pay for
/// the tree).
#[test]
fn fast_path_agrees_with_the_schema() {
    use modreg::model::{Health, Manifest, SchemaName};
    use modreg::schema::{self, constraints};
    use modreg::yaml::de;

    fn slow<T: serde::de::DeserializeOwned>(name: SchemaName, text: &str) -> Option<T> {
        let doc = yaml::parse(text.as_bytes()).ok()?;
        if !schema::check(name, &doc, std::path::Path::new("f")).is_empty() {
            return None;
        }
        T::deserialize(&doc.value).ok()
    }

    let mut files = Vec::new();
    let mut todo = vec![crate::util::repo().join("registry"), crate::util::repo().join("tests/fixtures")];
    while let Some(dir) = todo.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                files.push(p);
            }
        }
    }
    files.sort();
    let (mut fast_ok, mut checked) = (0, 0);
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else { continue };
        let Ok(text) = yaml::decode(&bytes) else { continue };
        checked += 1;
        let anchors = text.contains('&') || text.contains('*');
        let m = de::from_str::<Manifest>(text).ok().filter(constraints::manifest_ok);
        let slow_m = slow::<Manifest>(SchemaName::Module, text);
        if let Some(m) = &m {
            assert_eq!(Some(m), slow_m.as_ref(), "{}", path.display());
            fast_ok += 1;
        } else if slow_m.is_some() {
            assert!(anchors, "the fast path refused a valid manifest: {}", path.display());
        }
        let h = de::from_str::<Health>(text).ok().filter(constraints::health_ok);
        let slow_h = slow::<Health>(SchemaName::Health, text);
        if let Some(h) = &h {
            assert_eq!(Some(h), slow_h.as_ref(), "{}", path.display());
            fast_ok += 1;
        } else if slow_h.is_some() {
            assert!(anchors, "the fast path refused a valid snapshot: {}", path.display());
        }
    }
    assert!(checked > 100 && fast_ok > 40, "checked {checked}, fast {fast_ok}");
}
