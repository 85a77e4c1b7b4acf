//! How long each named step of a run took: recorded as the steps run, written to
//! `summary.json` (`timings_ms.phases`) so a slow run says where its time went.

use std::sync::Mutex;
use std::time::Instant;

static PHASES: Mutex<Vec<(String, u128)>> = Mutex::new(Vec::new());

/// Run `f` as the step `name`, recording its wall time.
pub fn phase<T>(name: impl Into<String>, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    let ms = started.elapsed().as_millis();
    PHASES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((name.into(), ms));
    out
}

/// Every step recorded so far, in the order they finished.
pub fn phases() -> Vec<(String, u128)> {
    PHASES.lock().unwrap_or_else(|e| e.into_inner()).clone()
}
