//! The one place that knows the YAML crate. It turns bytes into a `serde_json::Value` and a
//! parallel [`SpanTree`], so that every later check can speak JSON (schemas, pointers) and still
//! point at `line:column` in the file. Swapping the YAML crate means rewriting this file only
//! (and [`emit`], which writes YAML back out). [`json`] builds the same document from JSON text,
//! for input that arrives as JSON (`health record`).
//!
//! Hostile input is refused here, before anything else sees it: a size cap, a depth cap, an
//! expansion budget for aliases, non-UTF-8 and NUL bytes, duplicate keys, custom tags and
//! multi-document streams. The builder is driven by `saphyr-parser` events with an explicit
//! stack, so no input can overflow the call stack.

pub mod de;
pub mod emit;
pub mod json;

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr::Scalar;
use saphyr_parser::{Event, Parser, Span};
use serde_json::{Map, Number, Value};

/// Largest manifest or snapshot accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;
/// Deepest nesting of mappings and sequences accepted.
pub const MAX_DEPTH: usize = 64;
/// Most nodes a document may expand to, aliases included (defeats "billion laughs").
pub const MAX_NODES: usize = 250_000;

/// A position in a file: 1-based line, 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    fn from_span(span: &Span) -> Pos {
        Pos {
            line: u32::try_from(span.start.line()).unwrap_or(u32::MAX),
            col: u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX),
        }
    }
}

/// Where each node of a parsed document sits, mirroring the shape of its `Value`.
///
/// Mapping children are stored in the same order as the keys of the `Value`'s map (serde_json's
/// `preserve_order`), so no key is stored twice.
#[derive(Debug, Clone)]
pub enum SpanTree {
    Scalar(Pos),
    Seq(Pos, Vec<SpanTree>),
    /// The mapping's own position, then for each entry the key's position and the value's tree.
    Map(Pos, Vec<(Pos, SpanTree)>),
}

impl SpanTree {
    pub fn pos(&self) -> Pos {
        match self {
            SpanTree::Scalar(p) | SpanTree::Seq(p, _) | SpanTree::Map(p, _) => *p,
        }
    }
}

/// A parsed YAML document: its JSON value and where each node came from.
#[derive(Debug, Clone)]
pub struct Document {
    pub value: Value,
    pub spans: SpanTree,
}

/// Where a JSON pointer lands in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    /// The value's position.
    pub value: Pos,
    /// The key's position, when the pointer ends in a mapping key.
    pub key: Option<Pos>,
    /// True when the pointer could be followed to its end; false when it stopped at an ancestor.
    pub exact: bool,
}

impl Document {
    /// Follow an RFC 6901 JSON pointer (`/capabilities/endpoints/2/method`) to its position.
    /// Stops at the deepest existing ancestor when the pointer leads nowhere.
    pub fn locate(&self, pointer: &str) -> Located {
        let mut value = &self.value;
        let mut span = &self.spans;
        let mut key_pos = None;
        if pointer.is_empty() {
            return Located { value: span.pos(), key: None, exact: true };
        }
        for raw in pointer.strip_prefix('/').unwrap_or(pointer).split('/') {
            let token = unescape_pointer_token(raw);
            let next = match (value, span) {
                (Value::Object(map), SpanTree::Map(_, children)) => map
                    .keys()
                    .position(|k| *k == token)
                    .and_then(|i| Some((map.get(token.as_ref())?, children.get(i)?)))
                    .map(|(v, (kp, s))| (v, s, Some(*kp))),
                (Value::Array(items), SpanTree::Seq(_, children)) => token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| Some((items.get(i)?, children.get(i)?)))
                    .map(|(v, s)| (v, s, None)),
                _ => None,
            };
            match next {
                Some((v, s, k)) => {
                    value = v;
                    span = s;
                    key_pos = k;
                }
                None => {
                    return Located { value: span.pos(), key: key_pos, exact: false };
                }
            }
        }
        Located { value: span.pos(), key: key_pos, exact: true }
    }
}

/// The JSON pointer of the place serde failed at, as `serde_path_to_error` tracked it.
pub fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => out.push_str(&format!("/{}", escape_pointer_token(key))),
            Segment::Enum { variant } => out.push_str(&format!("/{variant}")),
            Segment::Unknown => {}
        }
    }
    out
}

/// One RFC 6901 reference token for `key` (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn unescape_pointer_token(raw: &str) -> Cow<'_, str> {
    if raw.contains('~') { Cow::Owned(raw.replace("~1", "/").replace("~0", "~")) } else { Cow::Borrowed(raw) }
}

/// Why a file could not be turned into a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub kind: YamlErrorKind,
    pub message: String,
    pub pos: Pos,
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// Not text: NUL bytes or invalid UTF-8.
    Encoding,
    /// The YAML grammar rejected it.
    Syntax,
    /// A key appears twice in one mapping.
    DuplicateKey,
    /// Size, depth or alias-expansion limits.
    Limit,
    /// Empty file or more than one document.
    Documents,
    /// A tag or key form the manifest formats do not use.
    Unsupported,
    /// Input read as JSON ([`json::parse`]) is not JSON.
    Json,
}

impl YamlError {
    fn new(kind: YamlErrorKind, pos: Pos, message: impl Into<String>) -> Self {
        YamlError { kind, message: message.into(), pos, hint: None }
    }
    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Check the raw bytes and decode them as UTF-8 text.
pub fn decode(bytes: &[u8]) -> Result<&str, YamlError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(YamlError::new(
            YamlErrorKind::Limit,
            Pos { line: 1, col: 1 },
            format!("file is {} bytes, over the limit of {} bytes", bytes.len(), MAX_FILE_BYTES),
        )
        .hint("a manifest describes a module; move large content into docs files"));
    }
    // `contains` on bytes is a vectorised search; the position is wanted only when found.
    if bytes.contains(&0)
        && let Some(at) = bytes.iter().position(|&b| b == 0)
    {
        return Err(YamlError::new(
            YamlErrorKind::Encoding,
            pos_of_byte(bytes, at),
            "file contains a NUL byte: it is binary, not YAML",
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        YamlError::new(
            YamlErrorKind::Encoding,
            pos_of_byte(bytes, e.valid_up_to()),
            "file is not valid UTF-8",
        )
        .hint("save the file as UTF-8")
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

fn pos_of_byte(bytes: &[u8], at: usize) -> Pos {
    let before = &bytes[..at];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    Pos { line: u32::try_from(line).unwrap_or(u32::MAX), col: u32::try_from(col).unwrap_or(u32::MAX) }
}

/// Parse one YAML document from bytes.
pub fn parse(bytes: &[u8]) -> Result<Document, YamlError> {
    parse_str(decode(bytes)?)
}

/// A node under construction on the builder's stack.
enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Value>,
        spans: Vec<SpanTree>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        map: Map<String, Value>,
        spans: Vec<(Pos, SpanTree)>,
        /// The key waiting for its value.
        key: Option<(String, Pos)>,
    },
}

/// Parse one YAML document from text.
pub fn parse_str(text: &str) -> Result<Document, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Value, SpanTree, usize)> = HashMap::new();
    let mut root: Option<(Value, SpanTree)> = None;
    let mut nodes: usize = 0;
    let mut documents = 0usize;
    // Whether an alias has been expanded (the node limit is then most likely an alias bomb).
    let mut aliased = false;

    // Where the last event ended: a scanner error may lie past events not yet delivered.
    let mut last_end = saphyr_parser::Marker::new(0, 1, 0);
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            let m = e.marker();
            let pos = Pos {
                line: u32::try_from(m.line()).unwrap_or(u32::MAX),
                col: u32::try_from(m.col() + 1).unwrap_or(u32::MAX),
            };
            if e.info().contains("recursion limit") {
                // The scanner's own guard against deep flow nesting trips far past modreg's
                // limit, wherever its look-ahead stood; report the node the builder would have
                // refused, so every depth over the limit is reported at the same place.
                let at = first_too_deep(text, last_end, stack.len()).unwrap_or(pos);
                return too_deep(at);
            }
            syntax_error(text, pos, e.info())
        })?;
        last_end = span.end;
        let pos = Pos::from_span(&span);
        // One completed node to attach to its parent: value, spans, anchor id, node count.
        let done: Option<(Value, SpanTree, usize, usize)> = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => None,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(YamlError::new(
                        YamlErrorKind::Documents,
                        pos,
                        "file holds more than one YAML document",
                    )
                    .hint("keep one manifest per file; remove the `---` separator"));
                }
                None
            }
            Event::Alias(id) => {
                let (value, spans, count) = anchors.get(&id).cloned().ok_or_else(|| {
                    YamlError::new(YamlErrorKind::Syntax, pos, "alias refers to an unknown anchor")
                })?;
                nodes = nodes.saturating_add(count);
                aliased = true;
                if nodes > MAX_NODES {
                    return Err(node_limit(pos, aliased));
                }
                // An alias is reported where it is used, not where its anchor is.
                Some((value, relocate(spans, pos), 0, count))
            }
            Event::Scalar(v, style, anchor, tag) => {
                nodes += 1;
                if let Some(t) = &tag
                    && !t.is_yaml_core_schema()
                {
                    return Err(unsupported_tag(pos, &t.handle, &t.suffix));
                }
                let tagged = tag.as_ref().map(|t| (t.handle.clone(), t.suffix.clone()));
                let scalar = resolve(v, style, tag.as_ref()).ok_or_else(|| {
                    let (h, s) = tagged.unwrap_or_default();
                    unsupported_tag(pos, &h, &s)
                })?;
                Some((scalar_to_json(scalar), SpanTree::Scalar(pos), anchor, 1))
            }
            Event::SequenceStart(anchor, tag) => {
                open_collection(&mut stack, &mut nodes, pos, tag.as_deref(), "seq")?;
                stack.push(Frame::Seq { pos, anchor, items: Vec::new(), spans: Vec::new() });
                None
            }
            Event::MappingStart(anchor, tag) => {
                open_collection(&mut stack, &mut nodes, pos, tag.as_deref(), "map")?;
                stack.push(Frame::Map { pos, anchor, map: Map::new(), spans: Vec::new(), key: None });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq { pos, anchor, items, spans }) => {
                    Some((Value::Array(items), SpanTree::Seq(pos, spans), anchor, 0))
                }
                Some(Frame::Map { pos, anchor, map, spans, .. }) => {
                    Some((Value::Object(map), SpanTree::Map(pos, spans), anchor, 0))
                }
                None => None,
            },
        };
        if nodes > MAX_NODES {
            return Err(node_limit(pos, aliased));
        }
        let Some((value, spans, anchor, _)) = done else {
            continue;
        };
        if anchor != 0 {
            let count = count_nodes(&value);
            anchors.insert(anchor, (value.clone(), spans.clone(), count));
        }
        attach(&mut stack, &mut root, value, spans)?;
    }
    match root {
        Some((value, spans)) => Ok(Document { value, spans }),
        None => Err(YamlError::new(YamlErrorKind::Documents, Pos { line: 1, col: 1 }, "file is empty")
            .hint("a manifest starts with `apiVersion: modreg/v1`")),
    }
}

fn open_collection(
    stack: &mut [Frame],
    nodes: &mut usize,
    pos: Pos,
    tag: Option<&saphyr_parser::Tag>,
    core: &str,
) -> Result<(), YamlError> {
    if let Some(t) = tag
        && !(t.is_yaml_core_schema() && t.suffix == core)
    {
        return Err(unsupported_tag(pos, &t.handle, &t.suffix));
    }
    if stack.len() >= MAX_DEPTH {
        return Err(too_deep(pos));
    }
    *nodes += 1;
    Ok(())
}

/// Hang a finished node on its parent, or make it the document root.
fn attach(
    stack: &mut [Frame],
    root: &mut Option<(Value, SpanTree)>,
    value: Value,
    spans: SpanTree,
) -> Result<(), YamlError> {
    match stack.last_mut() {
        None => *root = Some((value, spans)),
        Some(Frame::Seq { items, spans: s, .. }) => {
            items.push(value);
            s.push(spans);
        }
        Some(Frame::Map { map, spans: s, key, .. }) => match key.take() {
            None => {
                let pos = spans.pos();
                let k = match value {
                    Value::String(k) => k,
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    Value::Null => {
                        return Err(YamlError::new(
                            YamlErrorKind::Unsupported,
                            pos,
                            "mapping key is empty or null",
                        )
                        .hint("give the key a name"));
                    }
                    Value::Array(_) | Value::Object(_) => {
                        return Err(YamlError::new(
                            YamlErrorKind::Unsupported,
                            pos,
                            "mapping key is a collection; keys must be plain names",
                        ));
                    }
                };
                if let Some(first) = map.keys().position(|existing| *existing == k) {
                    let first_pos = s[first].0;
                    return Err(YamlError::new(
                        YamlErrorKind::DuplicateKey,
                        pos,
                        format!("duplicate key `{k}` (first defined at line {})", first_pos.line),
                    )
                    .hint("remove one of the two entries or merge them"));
                }
                *key = Some((k, pos));
            }
            Some((k, kpos)) => {
                map.insert(k, value);
                s.push((kpos, spans));
            }
        },
    }
    Ok(())
}

/// Resolve a scalar by the YAML 1.2 core schema, as saphyr does, with a shortcut for the
/// common case: a plain scalar that starts with a letter (other than those of `null`, `true`
/// and `false`) or with any character no number starts with can only be a string, and saphyr
/// would try to read it as an integer and a float first. Both front ends resolve through here.
pub(crate) fn resolve<'a>(
    v: Cow<'a, str>,
    style: saphyr_parser::ScalarStyle,
    tag: Option<&Cow<'a, saphyr_parser::Tag>>,
) -> Option<Scalar<'a>> {
    if tag.is_none() && style == saphyr_parser::ScalarStyle::Plain {
        match v.as_bytes().first() {
            Some(b'n' | b'N' | b't' | b'T' | b'f' | b'F') => {
                return Some(match v.as_ref() {
                    "null" | "Null" | "NULL" => Scalar::Null,
                    "true" | "True" | "TRUE" => Scalar::Boolean(true),
                    "false" | "False" | "FALSE" => Scalar::Boolean(false),
                    _ => Scalar::String(v),
                });
            }
            Some(b'-' | b'+' | b'.' | b'0'..=b'9' | b'~') | None => {}
            Some(_) => return Some(Scalar::String(v)),
        }
    }
    Scalar::parse_from_cow_and_metadata(v, style, tag)
}

fn scalar_to_json(scalar: Scalar<'_>) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(b),
        Scalar::Integer(i) => Value::Number(i.into()),
        // JSON has no NaN or infinity; keep the YAML spelling as a string so a schema rejects it.
        Scalar::FloatingPoint(f) => Number::from_f64(f.into_inner())
            .map_or_else(|| Value::String(f.into_inner().to_string()), Value::Number),
        Scalar::String(s) => Value::String(s.into_owned()),
    }
}

fn count_nodes(value: &Value) -> usize {
    let mut count = 0;
    let mut todo = vec![value];
    while let Some(v) = todo.pop() {
        count += 1;
        match v {
            Value::Array(items) => todo.extend(items),
            Value::Object(map) => todo.extend(map.values()),
            _ => {}
        }
    }
    count
}

/// Every node of an aliased subtree is reported at the alias itself.
fn relocate(tree: SpanTree, pos: Pos) -> SpanTree {
    match tree {
        SpanTree::Scalar(_) => SpanTree::Scalar(pos),
        SpanTree::Seq(_, c) => SpanTree::Seq(pos, c.into_iter().map(|t| relocate(t, pos)).collect()),
        SpanTree::Map(_, c) => {
            SpanTree::Map(pos, c.into_iter().map(|(_, t)| (pos, relocate(t, pos))).collect())
        }
    }
}

/// The node at `pos` is nested one level deeper than [`MAX_DEPTH`].
fn too_deep(pos: Pos) -> YamlError {
    YamlError::new(YamlErrorKind::Limit, pos, format!("nesting deeper than {MAX_DEPTH} levels"))
        .hint("manifests are shallow; flatten the structure")
}

/// The first flow collection (`[` or `{`) after `from` that would open level `MAX_DEPTH + 1`,
/// counting from `depth` open collections; quoted scalars and comments are skipped.
fn first_too_deep(text: &str, from: saphyr_parser::Marker, mut depth: usize) -> Option<Pos> {
    let (mut line, mut col) = (from.line(), from.col() + 1);
    let mut chars = text.chars().skip(from.index()).peekable();
    // The quote that closes the scalar being skipped, if any.
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    while let Some(c) = chars.next() {
        let here = Pos { line: u32::try_from(line).ok()?, col: u32::try_from(col).ok()? };
        let mut width = 1;
        match (quote, c) {
            (_, '\n') => {
                line += 1;
                col = 0;
            }
            (Some('"'), '\\') if chars.next_if(|&n| n != '\n').is_some() => width = 2,
            (Some('\''), '\'') if chars.next_if_eq(&'\'').is_some() => width = 2,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') if previous.is_whitespace() => {
                // A comment runs to the end of the line.
                while chars.next_if(|&n| n != '\n').is_some() {}
            }
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(here);
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        col += width;
        previous = c;
    }
    None
}

/// A syntax error as saphyr reports it, except where a tab is to blame: saphyr points where
/// its scanner stood (the start of the scalar before, or just past the tab), so find the tab,
/// point at it and say what to do.
fn syntax_error(text: &str, pos: Pos, info: &str) -> YamlError {
    let generic = || YamlError::new(YamlErrorKind::Syntax, pos, format!("YAML syntax error: {info}"));
    if !(info.contains("tab") || info.contains("valid YAML whitespace")) {
        return generic();
    }
    let from = usize::try_from(pos.line.saturating_sub(1)).unwrap_or(usize::MAX);
    let at = |line: usize, col: usize| Pos {
        line: u32::try_from(line + 1).unwrap_or(u32::MAX),
        col: u32::try_from(col + 1).unwrap_or(u32::MAX),
    };
    // A tab in the indentation of the reported line or, for a scalar that ran on, of a later
    // line (lines of nothing but blanks are allowed to hold tabs).
    for (n, line) in text.lines().enumerate().skip(from) {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let blank = indent == line.trim_end_matches('\r').len();
        if let Some(tab) = line[..indent].find('\t').filter(|_| !blank) {
            return YamlError::new(
                YamlErrorKind::Syntax,
                at(n, tab),
                "YAML syntax error: a tab in the indentation; YAML indentation must use spaces",
            )
            .hint("replace the tab with spaces, as many as the lines around it are indented with");
        }
    }
    // Else a tab between a key or `-` and its value, on the reported line.
    let tab = text.lines().nth(from).and_then(|line| Some((line.find('\t')?, line)));
    match tab {
        Some((byte, line)) => YamlError::new(
            YamlErrorKind::Syntax,
            at(from, line[..byte].chars().count()),
            "YAML syntax error: a tab where YAML wants a space",
        )
        .hint("write a space after `:` or `-`, not a tab"),
        None => generic(),
    }
}

fn node_limit(pos: Pos, aliased: bool) -> YamlError {
    if aliased {
        YamlError::new(
            YamlErrorKind::Limit,
            pos,
            format!("document expands to more than {MAX_NODES} nodes (alias expansion bomb?)"),
        )
        .hint("write the values out instead of nesting aliases")
    } else {
        YamlError::new(YamlErrorKind::Limit, pos, format!("document has more than {MAX_NODES} nodes"))
            .hint("a manifest describes a module; move bulk data out of it")
    }
}

fn unsupported_tag(pos: Pos, handle: &str, suffix: &str) -> YamlError {
    YamlError::new(YamlErrorKind::Unsupported, pos, format!("unsupported YAML tag `{handle}{suffix}`"))
        .hint("manifests use plain YAML values; remove the tag")
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use saphyr::Scalar;
    use saphyr_parser::ScalarStyle;

    /// The shortcut resolves exactly as saphyr does.
    #[test]
    fn resolve_agrees_with_saphyr() {
        let words = [
            "",
            "~",
            "null",
            "Null",
            "NULL",
            "nul",
            "nulls",
            "true",
            "True",
            "TRUE",
            "tRUE",
            "false",
            "False",
            "FALSE",
            "f",
            "n",
            "t",
            "name",
            "type",
            "target",
            "Fals",
            "0",
            "-1",
            "+1",
            "0x1f",
            "0o17",
            "1.5",
            "-.5",
            ".5",
            "1e3",
            ".inf",
            "-.Inf",
            ".nan",
            "inf",
            "Infinity",
            "nan",
            "NaN",
            "e5",
            "E5",
            "_1",
            "/api/x/{id}",
            "a1",
            "ü",
            "名前",
            "1.4.0",
            "v1",
            "yes",
            "no",
            "on",
            "off",
            "2025-01-01T00:00:00Z",
            "12:30",
            "1_000",
            "0b1",
            "+",
            "-",
            ".",
            "..",
            "-a",
        ];
        for w in words {
            for style in [ScalarStyle::Plain, ScalarStyle::SingleQuoted, ScalarStyle::DoubleQuoted] {
                let ours = super::resolve(Cow::Borrowed(w), style, None);
                let theirs = Scalar::parse_from_cow_and_metadata(Cow::Borrowed(w), style, None);
                assert_eq!(format!("{ours:?}"), format!("{theirs:?}"), "{w:?} {style:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn resolve_agrees_with_saphyr_on_anything(w in "[-+.~0-9a-zA-Z_ /:]{0,8}") {
            let ours = super::resolve(Cow::Borrowed(&w), ScalarStyle::Plain, None);
            let theirs = Scalar::parse_from_cow_and_metadata(Cow::Borrowed(&w), ScalarStyle::Plain, None);
            proptest::prop_assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
        }
    }
}
