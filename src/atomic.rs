//! Files written whole or not at all: into a temporary file beside the target, renamed
//! over it when complete, so a reader (or a killed run) never leaves half a file.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Write `bytes` to `path` through a temporary file beside it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically_with(path, |w| Ok(w.write_all(bytes)?))
}

/// Write to a temporary file beside `path` through `write` (buffered), then rename: a
/// large file is streamed rather than built in memory first.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let tmp = path.with_extension("zdz-tmp");
    let written = (|| -> Result<()> {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        write(&mut w)?;
        w.flush()?;
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.context(format!("{}: cannot write", tmp.display())));
    }
    crate::fault::point("rename");
    std::fs::rename(&tmp, path).with_context(|| format!("{}: cannot write", path.display()))
}
