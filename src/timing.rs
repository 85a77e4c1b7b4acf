//! How long each named step of a run took: recorded as the steps run, written to
//! `summary.json` (`phases_ms`) so a slow run says where its time went.
//!
//! The record is taken (emptied) by whoever reports it, once per run: `zdz serve` builds a
//! summary on every reload, and must neither grow the record forever nor report the
//! steps of earlier loads as its own.
//!
//! With `ZDZ_TIMELINE` set, each step is also printed as it ends, with its start and end
//! in milliseconds since the first step began and the process's resident memory then
//! (`TL start end duration MiB name`): steps on different threads then line up, which
//! shows the longest path through a run and where its memory went.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

static PHASES: Mutex<Vec<(String, u128)>> = Mutex::new(Vec::new());

/// When the first step began.
static FIRST: OnceLock<Instant> = OnceLock::new();

/// Whether `ZDZ_TIMELINE` is set, read once.
static TIMELINE: OnceLock<bool> = OnceLock::new();

/// Run `f` as the step `name`, recording its wall time.
pub fn phase<T>(name: impl Into<String>, f: impl FnOnce() -> T) -> T {
    let first = *FIRST.get_or_init(Instant::now);
    let started = Instant::now();
    let out = f();
    let ms = started.elapsed().as_millis();
    let name = name.into();
    if *TIMELINE.get_or_init(|| std::env::var_os("ZDZ_TIMELINE").is_some()) {
        let start = started.saturating_duration_since(first).as_millis();
        let mib = resident_mib().unwrap_or(0);
        eprintln!("TL {start:>6} {:>6} {ms:>6} {mib:>5} {name}", start + ms);
    }
    PHASES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((name, ms));
    out
}

/// The process's resident memory in MiB (Linux: `/proc/self/statm`).
fn resident_mib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf with a valid name only reads a system constant.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    Some(pages * page.max(0) as u64 / (1024 * 1024))
}

/// Every step recorded since the last call, in the order they finished; the record is
/// left empty.
pub fn take() -> Vec<(String, u128)> {
    std::mem::take(&mut *PHASES.lock().unwrap_or_else(|e| e.into_inner()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_is_reported_once_and_the_record_is_then_empty() {
        phase("timing test step", || ());
        let first = take();
        assert!(first.iter().any(|(name, _)| name == "timing test step"));
        assert!(!take().iter().any(|(name, _)| name == "timing test step"));
    }
}
