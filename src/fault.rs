//! Fault points for the tests that kill zdz or take its database away mid-operation: with
//! `ZDZ_FAULT_PAUSE=<point>` set, zdz stops at that point for `ZDZ_FAULT_PAUSE_MS`
//! milliseconds (default 5,000), after saying so on stderr, so a test can act at a known
//! moment instead of guessing one. Without the variable a point costs one environment
//! lookup. The points: `reconcile` (half-way through a ledger run, in its transaction),
//! `write` (every output written into the temporary folder, before the swap), `rename`
//! (a single file written beside its target, before it replaces it).

use std::time::Duration;

/// Pause here if the environment names this point.
pub fn point(name: &str) {
    if std::env::var("ZDZ_FAULT_PAUSE").is_ok_and(|p| p == name) {
        let ms = std::env::var("ZDZ_FAULT_PAUSE_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(5_000);
        eprintln!("zdz: fault point {name}: pausing {ms} ms");
        std::thread::sleep(Duration::from_millis(ms));
    }
}
