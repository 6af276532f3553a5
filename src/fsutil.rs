//! File-system primitives every layer shares: bounded reads that never follow links, and
//! atomic writes (SPEC §7): a temporary file in the target's directory, flushed, then renamed
//! into place. A reader sees the old file or the new one, never half of either; a refused or
//! failed write leaves the directory as it was.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;

/// What to do when the target already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Replace it (health snapshots, `-o FILE`).
    Replace,
    /// Refuse with `AlreadyExists` (new manifests): decided atomically by the rename itself.
    Refuse,
}

/// Write `contents` to `path` atomically. The file gets the mode a plain write would give it: a
/// new file 0666 less the umask, a replaced one keeps its mode. (tempfile creates its files
/// 0600, and the rename would carry that mode into place.)
pub fn write_atomic(path: &Path, contents: &[u8], existing: Existing) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".modreg-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // Created with this mode less the umask, as open(2) does for a plain write.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    if existing == Existing::Replace
        && let Ok(meta) = fs::metadata(path)
        && meta.is_file()
    {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    match existing {
        Existing::Replace => tmp.persist(path).map(drop).map_err(|e| e.error),
        Existing::Refuse => tmp.persist_noclobber(path).map(drop).map_err(|e| e.error),
    }
}

/// Why [`read_regular`] read nothing.
#[derive(Debug)]
pub enum ReadError {
    /// The path is a symbolic link; links in the registry are never followed.
    Symlink,
    /// A directory, FIFO, socket or device.
    NotAFile,
    Io(std::io::Error),
}

/// Read a regular file, refusing links and anything that is not a plain file before opening
/// it (a FIFO would block), and keeping at most `limit` + 1 bytes, so the caller can tell the
/// limit was exceeded without reading a huge file whole. `Ok(None)` when nothing is there.
pub fn read_regular(path: &Path, limit: usize) -> Result<Option<Vec<u8>>, ReadError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ReadError::Io(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(ReadError::Symlink);
    }
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    read_bounded(path, limit).map(Some).map_err(ReadError::Io)
}

/// Read at most `limit` + 1 bytes of a file known to be regular.
pub fn read_bounded(path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
    let file = fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}
