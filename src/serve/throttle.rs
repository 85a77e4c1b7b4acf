//! A bounded rate of failed sign-ins: per name and per address, at most so many failures
//! in a sliding window; past that, sign-in is refused until the oldest failure leaves the
//! window, whatever the password.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a failure counts.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures allowed per name within `WINDOW`.
pub const PER_NAME: usize = 5;
/// Failures allowed per address within `WINDOW` (a building behind one address may hold
/// several users).
pub const PER_ADDRESS: usize = 20;
/// Keys kept at most; the oldest are forgotten first past it.
const MAX_KEYS: usize = 100_000;

#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

fn keys(name: &str, address: &str) -> [(String, usize); 2] {
    [
        (format!("name\0{}", name.trim()), PER_NAME),
        (format!("address\0{address}"), PER_ADDRESS),
    ]
}

impl Throttle {
    /// How long until `name` from `address` may try again; none when it may now.
    pub fn wait(&self, name: &str, address: &str, now: Instant) -> Option<Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        keys(name, address)
            .into_iter()
            .filter_map(|(key, limit)| {
                let times = failures.get_mut(&key)?;
                while times
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= WINDOW)
                {
                    times.pop_front();
                }
                (times.len() >= limit).then(|| WINDOW - now.duration_since(times[0]))
            })
            .max()
    }

    /// Count a failed sign-in.
    pub fn failed(&self, name: &str, address: &str, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, t| t.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        for (key, limit) in keys(name, address) {
            let times = failures.entry(key).or_default();
            times.push_back(now);
            while times.len() > limit {
                times.pop_front();
            }
        }
    }

    /// A sign-in succeeded: the name's failures are forgotten (the address's are not).
    pub fn succeeded(&self, name: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(&keys(name, "")[0].0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_try_of_a_name_within_15_minutes_waits_and_the_window_frees_it() {
        let t = Throttle::default();
        let start = Instant::now();
        for i in 0..PER_NAME {
            assert_eq!(t.wait("区县", "10.0.0.1", start), None, "try {i}");
            t.failed("区县", "10.0.0.1", start + Duration::from_secs(i as u64));
        }
        let later = start + Duration::from_secs(60);
        let wait = t.wait("区县", "10.0.0.2", later).expect("the name is held");
        assert_eq!(wait, WINDOW - Duration::from_secs(60));
        // Another name from the same address may still try.
        assert_eq!(t.wait("市局", "10.0.0.1", later), None);
        assert_eq!(
            t.wait("区县", "10.0.0.1", start + WINDOW + Duration::from_secs(5)),
            None
        );
    }

    #[test]
    fn twenty_failures_from_one_address_hold_every_name_from_it() {
        let t = Throttle::default();
        let now = Instant::now();
        for i in 0..PER_ADDRESS {
            t.failed(&format!("u{i}"), "10.0.0.9", now);
        }
        assert!(t.wait("新用户", "10.0.0.9", now).is_some());
        assert!(t.wait("新用户", "10.0.0.8", now).is_none());
    }

    #[test]
    fn a_success_clears_the_names_failures() {
        let t = Throttle::default();
        let now = Instant::now();
        for _ in 0..PER_NAME {
            t.failed("区县", "10.0.0.1", now);
        }
        t.succeeded("区县");
        assert_eq!(t.wait("区县", "10.0.0.3", now), None);
    }
}
