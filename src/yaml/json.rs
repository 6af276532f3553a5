//! JSON text as a [`Document`]: the value and a span for every node, so that a schema error in a
//! JSON snapshot points at its line and column the way one in YAML does.
//!
//! serde_json decides what is JSON, and its error names the line and column of the first fault.
//! This file then walks the text serde_json accepted, only to note where each node starts. The
//! YAML front end reads most JSON too, but not all of it: it refuses the surrogate pairs
//! (`"\ud83d\ude00"`) that Python's `json.dumps` writes for every character beyond the BMP, and
//! its errors speak of YAML.

use serde_json::Value;

use super::{Document, MAX_DEPTH, Pos, SpanTree, YamlError, YamlErrorKind};

/// Parse JSON text (already decoded: no NUL, valid UTF-8, no byte-order mark). Refused like YAML
/// is: a duplicate key, nesting deeper than [`MAX_DEPTH`].
pub fn parse(text: &str) -> Result<Document, YamlError> {
    let value: Value = serde_json::from_str(text).map_err(|e| syntax_error(text, &e))?;
    let mut walker = Walker { text, at: 0, pos: Pos { line: 1, col: 1 } };
    let spans = walker.node(0)?;
    Ok(Document { value, spans })
}

/// serde_json's message without its " at line L column C" (the position is the diagnostic's),
/// at that position with the column counted in characters, as everywhere else.
fn syntax_error(text: &str, e: &serde_json::Error) -> YamlError {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    let line = e.line().max(1);
    let col = text.lines().nth(line - 1).map_or(e.column(), |l| {
        // serde_json counts bytes; a column past the end (end of input) stays as it is.
        let byte = e.column().saturating_sub(1);
        match l.get(..byte) {
            Some(before) => before.chars().count() + 1,
            None => l.chars().count() + (byte - l.len()) + 1,
        }
    });
    let pos =
        Pos { line: u32::try_from(line).unwrap_or(u32::MAX), col: u32::try_from(col).unwrap_or(u32::MAX) };
    let hint = if message.starts_with("expected `,`") {
        "entries are separated by `,`: one is missing before this point (often at the end of the line above)"
    } else if message.starts_with("trailing comma") {
        "JSON allows no comma after the last entry: remove it"
    } else if message.starts_with("key must be a string") {
        "JSON keys are double-quoted strings, e.g. \"status\": \"healthy\""
    } else if message.starts_with("EOF while parsing") {
        "the input ends early: a `}`, `]` or `\"` is missing (was the output cut off?)"
    } else if message.starts_with("trailing characters") {
        "send one JSON object; nothing may follow its closing `}`"
    } else {
        "check the JSON at this position; `jq . FILE` shows the same fault"
    };
    YamlError::new(YamlErrorKind::Json, pos, format!("JSON syntax error: {message}")).hint(hint)
}

/// Walks JSON text that serde_json accepted, noting where each node starts.
struct Walker<'t> {
    text: &'t str,
    at: usize,
    pos: Pos,
}

impl Walker<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// Step over one byte; a line feed starts a line, and a column counts characters (UTF-8
    /// continuation bytes add nothing).
    fn bump(&mut self) {
        let Some(b) = self.peek() else { return };
        self.at += 1;
        if b == b'\n' {
            self.pos.line = self.pos.line.saturating_add(1);
            self.pos.col = 1;
        } else if b & 0xc0 != 0x80 {
            self.pos.col = self.pos.col.saturating_add(1);
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    /// Step over `byte` after whitespace; anything else means the text is not what serde_json
    /// accepted, which is a bug here, reported rather than panicking.
    fn expect(&mut self, byte: u8) -> Result<(), YamlError> {
        self.skip_ws();
        if self.peek() == Some(byte) {
            self.bump();
            Ok(())
        } else {
            Err(YamlError::new(
                YamlErrorKind::Json,
                self.pos,
                format!("internal error: expected `{}` while locating JSON nodes", char::from(byte)),
            ))
        }
    }

    fn node(&mut self, depth: usize) -> Result<SpanTree, YamlError> {
        self.skip_ws();
        let pos = self.pos;
        match self.peek() {
            Some(open @ (b'{' | b'[')) => {
                if depth >= MAX_DEPTH {
                    return Err(YamlError::new(
                        YamlErrorKind::Limit,
                        pos,
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                    )
                    .hint("flatten the structure"));
                }
                self.bump();
                if open == b'{' { self.object(pos, depth) } else { self.array(pos, depth) }
            }
            Some(b'"') => {
                self.string()?;
                Ok(SpanTree::Scalar(pos))
            }
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r'))
                {
                    self.bump();
                }
                Ok(SpanTree::Scalar(pos))
            }
        }
    }

    fn object(&mut self, pos: Pos, depth: usize) -> Result<SpanTree, YamlError> {
        let mut children: Vec<(Pos, SpanTree)> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.bump();
            return Ok(SpanTree::Map(pos, children));
        }
        loop {
            self.skip_ws();
            let key_pos = self.pos;
            let key = self.string()?;
            // serde_json keeps the last of two equal keys; YAML input is refused for it, and so
            // is JSON, so that no value is silently dropped.
            if let Some(first) = keys.iter().position(|k| *k == key) {
                return Err(YamlError::new(
                    YamlErrorKind::DuplicateKey,
                    key_pos,
                    format!("duplicate key `{key}` (first defined at line {})", children[first].0.line),
                )
                .hint("remove one of the two entries or merge them"));
            }
            self.expect(b':')?;
            let child = self.node(depth + 1)?;
            keys.push(key);
            children.push((key_pos, child));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.bump(),
                _ => {
                    self.expect(b'}')?;
                    return Ok(SpanTree::Map(pos, children));
                }
            }
        }
    }

    fn array(&mut self, pos: Pos, depth: usize) -> Result<SpanTree, YamlError> {
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.bump();
            return Ok(SpanTree::Seq(pos, items));
        }
        loop {
            items.push(self.node(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.bump(),
                _ => {
                    self.expect(b']')?;
                    return Ok(SpanTree::Seq(pos, items));
                }
            }
        }
    }

    /// Step over a string literal and return its value (decoded by serde_json, escapes and all).
    fn string(&mut self) -> Result<String, YamlError> {
        let start = self.at;
        let pos = self.pos;
        self.expect(b'"')?;
        loop {
            match self.peek() {
                Some(b'\\') => {
                    self.bump();
                    self.bump();
                }
                Some(b'"') => {
                    self.bump();
                    break;
                }
                Some(_) => self.bump(),
                None => break,
            }
        }
        serde_json::from_str(&self.text[start..self.at]).map_err(|e| {
            YamlError::new(
                YamlErrorKind::Json,
                pos,
                format!("internal error: a JSON string did not decode: {e}"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(doc: &Document, pointer: &str) -> (u32, u32) {
        let l = doc.locate(pointer);
        assert!(l.exact, "{pointer} not found");
        (l.value.line, l.value.col)
    }

    #[test]
    fn every_node_is_located() {
        let text = "{\n  \"a\": 1,\n  \"b\": [true, {\"c\": \"x\\\"y\"}],\n\t\"é\": \"ü\", \"d\": null\n}\n";
        let doc = parse(text).expect("JSON");
        assert_eq!(doc.value["b"][1]["c"], "x\"y");
        assert_eq!(at(&doc, ""), (1, 1));
        assert_eq!(at(&doc, "/a"), (2, 8));
        assert_eq!(at(&doc, "/b"), (3, 8));
        assert_eq!(at(&doc, "/b/0"), (3, 9));
        assert_eq!(at(&doc, "/b/1/c"), (3, 21));
        assert_eq!(doc.locate("/é").key, Some(Pos { line: 4, col: 2 }));
        // Columns count characters, not bytes.
        assert_eq!(at(&doc, "/d"), (4, 17));
    }

    #[test]
    fn what_yaml_refuses_json_reads() {
        let doc = parse(r#"{"s": "\ud83d\ude00 \/"}"#).expect("JSON");
        assert_eq!(doc.value["s"], "\u{1f600} /");
    }

    #[test]
    fn syntax_errors_name_serde_jsons_line_and_column() {
        let e = parse("{\n  \"a\": 1\n  \"b\": 2\n}").unwrap_err();
        assert_eq!(e.kind, YamlErrorKind::Json);
        assert_eq!((e.pos.line, e.pos.col), (3, 3));
        assert_eq!(e.message, "JSON syntax error: expected `,` or `}`");
        let e = parse("{\"ä\": 1,}").unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (1, 9), "at the closing brace, in characters: {e:?}");
        assert!(e.message.contains("trailing comma"), "{e:?}");
        let e = parse("{\"a\": ").unwrap_err();
        assert!(e.message.contains("EOF"), "{e:?}");
    }

    #[test]
    fn duplicate_keys_and_depth_are_refused() {
        let e = parse("{\"a\": 1,\n \"a\": 2}").unwrap_err();
        assert_eq!(e.kind, YamlErrorKind::DuplicateKey);
        assert_eq!((e.pos.line, e.pos.col), (2, 2));
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(parse(&deep).unwrap_err().kind, YamlErrorKind::Limit);
        assert!(parse(&"[".repeat(MAX_DEPTH).to_string()).is_err());
    }
}
