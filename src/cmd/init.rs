//! `zdz init <folder>`: decide the mapping of a bureau's folder, write `<folder>/zdz.toml`
//! (refusing to replace one unless `--force`), say what stays undecided and exit 1 when a
//! required layer or field is; else run `zdz check` on the result.

use std::path::Path;

use anyhow::{Context, Result, bail};
use rust_i18n::t;

use zdz::init;

/// What `zdz init` ended with: whether everything required was decided.
pub enum Done {
    Complete,
    Undecided,
}

pub fn init(folder: &Path, force: bool) -> Result<Done> {
    if !folder.is_dir() {
        bail!("{}", t!("init.not_folder", folder = folder.display()));
    }
    let target = folder.join("zdz.toml");
    if target.exists() && !force {
        bail!("{}", t!("init.exists", file = target.display()));
    }
    let plan = init::plan(folder)?;
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let text = init::toml::render(&plan, &today);
    // The text must read back as a project before it replaces anything.
    let tmp = folder.join(format!(".zdz-init.{}.toml", std::process::id()));
    std::fs::write(&tmp, &text).with_context(|| format!("{}: cannot write", tmp.display()))?;
    if let Err(e) = zdz::project::Project::from_file(&tmp) {
        let _ = std::fs::remove_file(&tmp);
        return Err(
            e.context("zdz init wrote a zdz.toml it cannot read back (a bug: please report it)")
        );
    }
    if target.exists() {
        std::fs::copy(&target, folder.join("zdz.toml.bak"))
            .with_context(|| format!("{}: cannot keep a copy", target.display()))?;
    }
    std::fs::rename(&tmp, &target)
        .with_context(|| format!("{}: cannot write", target.display()))?;

    eprintln!("{}", t!("init.written", file = target.display()));
    for l in &plan.layers {
        eprintln!("  {:<24} ← {}", l.kind.label(), l.info.place());
    }
    for u in &plan.unused {
        eprintln!("{}", t!("init.not_used", what = u));
    }
    let undecided = plan.undecided_required();
    if !undecided.is_empty() {
        eprintln!(
            "{}",
            t!(
                "init.undecided",
                what = undecided.join("; "),
                file = target.display()
            )
        );
        return Ok(Done::Undecided);
    }
    for (kind, cs) in &plan.ties {
        eprintln!(
            "{}",
            t!(
                "init.tie",
                layer = kind.label(),
                candidates = cs
                    .iter()
                    .map(|c| c.0.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        );
    }
    eprintln!("{}", t!("init.checking", folder = folder.display()));
    super::check::check(&folder.to_string_lossy())?;
    Ok(Done::Complete)
}
