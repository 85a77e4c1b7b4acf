//! All-or-nothing output folders. A run writes into a temporary folder beside `--out`
//! (`.zdz-tmp.<name>.<pid>`) and, only when every file is complete, swaps it in with one
//! atomic exchange of the two folders (Linux `renameat2(RENAME_EXCHANGE)`; a plain rename
//! when `--out` did not exist). A reader, or a run killed at any moment, finds either the
//! previous complete output or the new one, never a mix. Files in `--out` that zdz did not
//! write (its manifest says which it did) are carried over into the new folder, so nothing
//! of the user's is lost. Temporary folders a killed run left behind are removed by the
//! next run, never taken for output.

use rust_i18n::t;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The file naming what zdz wrote into an output folder.
pub const MANIFEST: &str = ".zdz-manifest.json";

/// Names zdz wrote into output folders before it kept a manifest.
const KNOWN: &[&str] = &[
    "clusters.geojson",
    "problems.geojson",
    "outfalls.geojson",
    "clusters.qml",
    "problems.qml",
    "outfalls.qml",
    "clusters.sld",
    "problems.sld",
    "outfalls.sld",
    "results.gpkg",
    "zdz.qgs",
    "live.qlr",
    "survey.xlsx",
    "summary.json",
    "readiness.json",
    "overview",
];

/// An output folder being written.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    committed: bool,
}

fn prefix(out: &Path) -> String {
    format!(
        ".zdz-tmp.{}.",
        out.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    )
}

/// Whether process `pid` is alive (a temporary folder of a live run is not touched).
fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Remove temporary folders of `out` left by runs that are no longer alive.
fn clean_leftovers(out: &Path) {
    let Some(parent) = out.parent() else { return };
    let prefix = prefix(out);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        let pid = rest.split('.').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_none_or(|p| p != std::process::id() && !alive(p)) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Swap two paths atomically.
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: two valid NUL-terminated paths; renameat2 touches nothing else.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// The entries zdz wrote into `dir`, from its manifest (or the names it always writes).
fn own_entries(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join(MANIFEST))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| {
            v["files"].as_array().map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
        })
        .unwrap_or_else(|| KNOWN.iter().map(|s| s.to_string()).collect())
}

/// Hard-link (or copy) `from` into `to`, recursively.
fn carry(from: &Path, to: &Path) -> Result<()> {
    if from.is_dir() {
        std::fs::create_dir_all(to)?;
        for e in std::fs::read_dir(from)? {
            let e = e?;
            carry(&e.path(), &to.join(e.file_name()))?;
        }
        Ok(())
    } else if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to)
            .map(|_| ())
            .with_context(|| format!("{}: cannot keep it in the new output", from.display()))
    } else {
        Ok(())
    }
}

impl Staging {
    /// The error `begin` would give for `out`, if any. Commands check it before loading, so
    /// a folder zdz will not write into is refused at once, not after minutes of analysis.
    pub fn refuse(out: &Path, force: bool) -> Result<()> {
        if out.exists() && !out.is_dir() {
            bail!("{}", t!("err.out_is_file", out = out.display()));
        }
        let non_empty = out.is_dir()
            && std::fs::read_dir(out)
                .with_context(|| format!("{}: cannot read", out.display()))?
                .next()
                .is_some();
        if non_empty && !force {
            bail!("{}", t!("err.out_not_empty", out = out.display()));
        }
        Ok(())
    }

    /// Start writing an output for `out`: the folder may not be a file, and may hold
    /// something only when `force` (then zdz's own files are replaced and the rest kept).
    pub fn begin(out: &Path, force: bool) -> Result<Staging> {
        Staging::refuse(out, force)?;
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)
            .with_context(|| format!("{}: cannot create", parent.display()))?;
        let parent = parent.canonicalize()?;
        let out = parent.join(out.file_name().context("--out needs a folder name")?);
        clean_leftovers(&out);
        let dir = parent.join(format!("{}{}", prefix(&out), std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).with_context(|| format!("{}: cannot create", dir.display()))?;
        Ok(Staging {
            out,
            dir,
            committed: false,
        })
    }

    /// Where to write the files.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The output folder as it will be once committed.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Swap the complete new output in.
    pub fn commit(mut self) -> Result<PathBuf> {
        let mut files: Vec<String> = std::fs::read_dir(&self.dir)?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != MANIFEST)
            .collect();
        files.sort();
        let manifest = serde_json::json!({
            "written_by": format!("zdz {}", env!("CARGO_PKG_VERSION")),
            "files": files,
        });
        std::fs::write(
            self.dir.join(MANIFEST),
            serde_json::to_string_pretty(&manifest)?,
        )
        .with_context(|| format!("{}: cannot write", self.dir.display()))?;
        if self.out.is_dir() {
            let own = own_entries(&self.out);
            for e in std::fs::read_dir(&self.out)?.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name == MANIFEST || own.contains(&name) || files.contains(&name) {
                    continue;
                }
                carry(&e.path(), &self.dir.join(&name))?;
            }
            // Every file is complete and flushed before the swap.
            sync_tree(&self.dir);
            exchange(&self.dir, &self.out).with_context(|| {
                format!(
                    "{}: cannot swap the new output in (it stays complete in {})",
                    self.out.display(),
                    self.dir.display()
                )
            })?;
            // `dir` now holds the previous output.
            let _ = std::fs::remove_dir_all(&self.dir);
        } else {
            sync_tree(&self.dir);
            std::fs::rename(&self.dir, &self.out)
                .with_context(|| format!("{}: cannot create", self.out.display()))?;
        }
        self.committed = true;
        Ok(self.out.clone())
    }
}

/// fsync every file of a folder and the folder itself, so a crash after the swap cannot
/// leave the new output half on disk.
fn sync_tree(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                sync_tree(&p);
            } else if let Ok(f) = std::fs::File::open(&p) {
                let _ = f.sync_all();
            }
        }
    }
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_committed_output_replaces_zdz_files_keeps_the_users_and_leaves_no_temporary_folder() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("summary.json"), "old").unwrap();
        std::fs::write(out.join("clusters.geojson"), "old").unwrap();
        std::fs::write(out.join("my notes.txt"), "mine").unwrap();
        assert!(
            Staging::begin(&out, false).is_err(),
            "non-empty without --force"
        );
        let s = Staging::begin(&out, true).unwrap();
        std::fs::write(s.path().join("summary.json"), "new").unwrap();
        // Until the commit, the old output is whole.
        assert_eq!(
            std::fs::read_to_string(out.join("summary.json")).unwrap(),
            "old"
        );
        s.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("summary.json")).unwrap(),
            "new"
        );
        assert!(
            !out.join("clusters.geojson").exists(),
            "zdz's stale file went"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("my notes.txt")).unwrap(),
            "mine"
        );
        let left: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("out")]);
    }

    #[test]
    fn an_abandoned_run_leaves_the_previous_output_whole_and_its_folder_is_cleaned_next_time() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("summary.json"), "old").unwrap();
        // A run killed before its commit: its folder stays, named for a dead process.
        let dead = root.path().join(format!("{}999999999", prefix(&out)));
        std::fs::create_dir(&dead).unwrap();
        std::fs::write(dead.join("summary.json"), "half").unwrap();
        let s = Staging::begin(&out, true).unwrap();
        assert!(!dead.exists(), "the dead run's folder is removed");
        drop(s);
        assert_eq!(
            std::fs::read_to_string(out.join("summary.json")).unwrap(),
            "old"
        );
    }
}
