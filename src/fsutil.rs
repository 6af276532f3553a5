//! Atomic writes (SPEC §7): a temporary file in the target's directory, flushed, then renamed
//! into place. A reader sees the old file or the new one, never half of either; a refused or
//! failed write leaves the directory as it was.

use std::io::Write;
use std::path::Path;

/// What to do when the target already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Replace it (health snapshots, `-o FILE`).
    Replace,
    /// Refuse with `AlreadyExists` (new manifests): decided atomically by the rename itself.
    Refuse,
}

pub fn write_atomic(path: &Path, contents: &[u8], existing: Existing) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".modreg-").suffix(".tmp").tempfile_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    match existing {
        Existing::Replace => tmp.persist(path).map(drop).map_err(|e| e.error),
        Existing::Refuse => tmp.persist_noclobber(path).map(drop).map_err(|e| e.error),
    }
}
