//! The source map (cargo-deny's `Files`, codespan's `Files<String>`): a file's name as
//! diagnostics show it → where its text comes from — the file system, memory (standard input, a
//! candidate manifest) or a git blob read on demand. Snippets and positions are drawn from here,
//! so nothing above re-reads files, and a diagnostic in a git blob or on stdin renders like one
//! on disk.
//!
//! Positions are resolved lazily: a diagnostic carries a JSON pointer, and only a file that has
//! findings is read and parsed again to turn pointers into `line:col`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};

use rayon::prelude::*;

use super::{Anchor, Diagnostic};
use crate::fsutil;
use crate::yaml::{self, Document, Located, Pos};

/// Where the text of a file comes from.
#[derive(Clone)]
pub enum Origin {
    /// The file system, at this path (relative to the current directory or absolute).
    Disk(PathBuf),
    /// Bytes held in memory: standard input, a candidate manifest.
    Bytes(Arc<[u8]>),
    /// Read on first use, e.g. a git blob fetched with `git cat-file`.
    Lazy(Arc<dyn Fn() -> Option<Vec<u8>> + Send + Sync>),
}

impl std::fmt::Debug for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Disk(p) => f.debug_tuple("Disk").field(p).finish(),
            Origin::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Origin::Lazy(_) => f.write_str("Lazy"),
        }
    }
}

struct Source {
    origin: Origin,
    /// The text, read once; `None` when unreadable or not UTF-8.
    text: OnceLock<Option<Arc<str>>>,
}

impl Source {
    fn text(&self) -> Option<Arc<str>> {
        self.text
            .get_or_init(|| {
                let bytes = match &self.origin {
                    // Only regular files, never through a link: a snippet must not block on a
                    // FIFO or show the contents of a file outside the registry.
                    Origin::Disk(path) => fsutil::read_regular(path, yaml::MAX_FILE_BYTES).ok().flatten()?,
                    Origin::Bytes(b) => b.to_vec(),
                    Origin::Lazy(read) => read()?,
                };
                String::from_utf8(bytes).ok().map(Arc::from)
            })
            .clone()
    }
}

/// Parsed documents kept for pointer lookups while checks run; past this many, documents are
/// parsed for each lookup and dropped, so memory stays bounded on a registry full of findings.
const KEPT_DOCUMENTS: usize = 64;

/// File name → source, with each text read at most once.
#[derive(Default)]
pub struct Files {
    sources: RwLock<HashMap<PathBuf, Arc<Source>>>,
    docs: Mutex<HashMap<PathBuf, Arc<Document>>>,
    /// Names never added are read from the file system under the same name (the working tree).
    disk_fallback: bool,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.sources.read().unwrap_or_else(PoisonError::into_inner).len();
        write!(f, "Files({n} sources, disk fallback {})", self.disk_fallback)
    }
}

impl Files {
    /// A source map for the working tree: any name not added is a path on disk.
    pub fn disk() -> Files {
        Files { disk_fallback: true, ..Files::default() }
    }

    /// A source map that knows only the files added to it (a git tree, an in-memory input).
    pub fn closed() -> Files {
        Files::default()
    }

    /// Register where `name`'s text comes from, replacing an earlier entry.
    pub fn add(&self, name: impl Into<PathBuf>, origin: Origin) {
        let source = Arc::new(Source { origin, text: OnceLock::new() });
        let name = name.into();
        self.docs.lock().unwrap_or_else(PoisonError::into_inner).remove(&name);
        self.sources.write().unwrap_or_else(PoisonError::into_inner).insert(name, source);
    }

    fn source(&self, name: &Path) -> Option<Arc<Source>> {
        if let Some(s) = self.sources.read().unwrap_or_else(PoisonError::into_inner).get(name) {
            return Some(Arc::clone(s));
        }
        if !self.disk_fallback {
            return None;
        }
        let mut map = self.sources.write().unwrap_or_else(PoisonError::into_inner);
        let s = map.entry(name.to_path_buf()).or_insert_with(|| {
            Arc::new(Source { origin: Origin::Disk(name.to_path_buf()), text: OnceLock::new() })
        });
        Some(Arc::clone(s))
    }

    /// The whole text of a file, when it can be read as UTF-8.
    pub fn text(&self, name: &Path) -> Option<Arc<str>> {
        self.source(name)?.text()
    }

    /// One line (1-based) of a file, without its line break.
    pub fn line(&self, name: &Path, line: u32) -> Option<String> {
        let text = self.text(name)?;
        text.lines().nth(usize::try_from(line).ok()?.checked_sub(1)?).map(str::to_owned)
    }

    /// The file parsed as a YAML document, for pointer lookups.
    fn document(&self, name: &Path) -> Option<Arc<Document>> {
        if let Some(doc) = self.docs.lock().unwrap_or_else(PoisonError::into_inner).get(name) {
            return Some(Arc::clone(doc));
        }
        let text = self.text(name)?;
        let doc = Arc::new(yaml::parse(text.as_bytes()).ok()?);
        let mut docs = self.docs.lock().unwrap_or_else(PoisonError::into_inner);
        if docs.len() < KEPT_DOCUMENTS {
            docs.insert(name.to_path_buf(), Arc::clone(&doc));
        }
        Some(doc)
    }

    /// Where a JSON pointer lands in a file; `None` when the file cannot be read or parsed.
    pub fn locate(&self, name: &Path, pointer: &str) -> Option<Located> {
        self.document(name).map(|doc| doc.locate(pointer))
    }

    /// The line a pointer is on, for messages such as "first declared at line N" (1 when the
    /// file cannot be parsed).
    pub fn line_of(&self, name: &Path, pointer: &str) -> u32 {
        self.locate(name, pointer).map_or(1, |l| l.value.line.max(1))
    }

    /// Give every pending diagnostic its `line:col`, parsing each file with findings once (in
    /// parallel across files). A file that no longer parses puts its findings at 1:1.
    pub fn resolve(&self, diags: &mut [Diagnostic]) {
        let mut pending: Vec<usize> = (0..diags.len()).filter(|&i| diags[i].pending.is_some()).collect();
        if pending.is_empty() {
            return;
        }
        pending.sort_by(|&a, &b| diags[a].file.cmp(&diags[b].file));
        let groups: Vec<&[usize]> = pending.chunk_by(|&a, &b| diags[a].file == diags[b].file).collect();
        let view: &[Diagnostic] = diags;
        let found: Vec<(usize, Pos)> = groups
            .par_iter()
            .flat_map_iter(|group| {
                let file = &view[group[0]].file;
                let doc = self.text(file).and_then(|t| yaml::parse(t.as_bytes()).ok());
                group.iter().map(move |&i| {
                    let d = &view[i];
                    let pos = match (&doc, d.instance_path.as_deref()) {
                        (Some(doc), Some(pointer)) => {
                            let loc = doc.locate(pointer);
                            match d.pending {
                                Some(Anchor::Key) => loc.key.unwrap_or(loc.value),
                                _ => loc.value,
                            }
                        }
                        _ => Pos { line: 1, col: 1 },
                    };
                    (i, pos)
                })
            })
            .collect();
        for (i, pos) in found {
            let d = &mut diags[i];
            d.line = pos.line.max(1);
            d.column = pos.col.max(1);
            d.pending = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    #[test]
    fn resolves_pointers_from_memory_and_renders_lines() {
        let files = Files::closed();
        let text = "metadata:\n  id: x\n  nmae: y\n";
        files.add("<stdin>", Origin::Bytes(Arc::from(text.as_bytes())));
        let mut diags = vec![
            Diagnostic::at_pointer(Code::UnknownKey, "<stdin>", "/metadata/nmae", Anchor::Key, "m"),
            Diagnostic::at_pointer(Code::InvalidValue, "<stdin>", "/metadata/nmae", Anchor::Value, "m"),
            Diagnostic::at_pointer(Code::InvalidValue, "<unknown>", "/x", Anchor::Value, "m"),
        ];
        files.resolve(&mut diags);
        assert_eq!((diags[0].line, diags[0].column), (3, 3));
        assert_eq!((diags[1].line, diags[1].column), (3, 9));
        assert_eq!((diags[2].line, diags[2].column), (1, 1));
        assert!(diags.iter().all(|d| d.pending.is_none()));
        assert_eq!(files.line(Path::new("<stdin>"), 3).as_deref(), Some("  nmae: y"));
        assert_eq!(files.line(Path::new("<stdin>"), 4), None);
        assert_eq!(files.line_of(Path::new("<stdin>"), "/metadata/id"), 2);
    }

    #[test]
    fn lazy_sources_are_read_once() {
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = Arc::clone(&calls);
        let files = Files::closed();
        files.add(
            "HEAD:registry/a/module.yaml",
            Origin::Lazy(Arc::new(move || {
                seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Some(b"a: 1\nb: 2\n".to_vec())
            })),
        );
        let name = Path::new("HEAD:registry/a/module.yaml");
        assert_eq!(files.line(name, 2).as_deref(), Some("b: 2"));
        assert_eq!(files.line(name, 1).as_deref(), Some("a: 1"));
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(files.line(Path::new("elsewhere.yaml"), 1), None, "a closed map reads no disk");
    }
}
