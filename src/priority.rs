//! Work that should take idle cores, not share busy ones: the GeoPackage's workspace layers
//! are written while the analysis runs, and the analysis, which everything after it waits
//! for, should not give up a core to them. At national scale it ran 4.3–4.5 s beside the
//! writer at the same priority and 3.0 s with the writer lowered, and the run ended no
//! later (bench/RESULTS.md): the writer still takes every moment the analysis leaves.
//!
//! Linux nice values, which are per thread. Raising a thread's nice needs no privilege;
//! lowering it back does (root, `CAP_SYS_NICE`, or an `RLIMIT_NICE` that allows it). Where
//! that is refused, the process's other threads are raised to match instead, so after
//! [`Yielding::end`] every thread of the process is equal again either way.

use std::sync::Mutex;

/// The nice value of a thread that yields: the lowest priority.
const YIELDING_NICE: i32 = 19;

/// A thread that runs at the lowest priority until [`Yielding::end`].
#[derive(Default)]
pub struct Yielding {
    /// The yielding thread and its nice value before, while it runs; `ended` once ended.
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    thread: Option<(libc::pid_t, i32)>,
    ended: bool,
}

impl Yielding {
    /// Run `f` on the calling thread at the lowest priority, up to [`Yielding::end`] (or
    /// to `f`'s end, if that comes first). A thread whose priority cannot be restored
    /// stays low: call this on a thread that ends with `f`.
    pub fn run<T>(&self, f: impl FnOnce() -> T) -> T {
        {
            let mut state = self.lock();
            if !state.ended {
                let tid = current_thread();
                if let Some(was) = nice_of(tid)
                    && set_nice(tid, YIELDING_NICE.max(was))
                {
                    state.thread = Some((tid, was));
                }
            }
        }
        let out = f();
        if let Some((tid, was)) = self.lock().thread.take() {
            set_nice(tid, was);
        }
        out
    }

    /// From now on the yielding thread takes its share like any other: its priority is
    /// restored or, where that is refused, every other thread's is lowered to match.
    pub fn end(&self) {
        // Held throughout: the thread cannot finish `run` (and its id be reused) meanwhile.
        let mut state = self.lock();
        state.ended = true;
        let Some((tid, was)) = state.thread.take() else {
            return;
        };
        if set_nice(tid, was) {
            return;
        }
        let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
            return;
        };
        let low = nice_of(tid).unwrap_or(YIELDING_NICE);
        for other in tasks.flatten() {
            if let Some(t) = other.file_name().to_str().and_then(|s| s.parse().ok())
                && t != tid
                && nice_of(t).is_some_and(|n| n < low)
            {
                set_nice(t, low);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn current_thread() -> libc::pid_t {
    // SAFETY: gettid has no preconditions and cannot fail.
    unsafe { libc::gettid() }
}

/// A thread's nice value, if it can be read.
fn nice_of(tid: libc::pid_t) -> Option<i32> {
    // getpriority returns -1 both for nice -1 and for an error: errno tells them apart.
    // SAFETY: errno is this thread's; getpriority only reads the thread's priority.
    unsafe {
        *libc::__errno_location() = 0;
        let n = libc::getpriority(libc::PRIO_PROCESS, tid as libc::id_t);
        (n != -1 || *libc::__errno_location() == 0).then_some(n)
    }
}

/// Set a thread's nice value; whether it was allowed.
fn set_nice(tid: libc::pid_t, nice: i32) -> bool {
    // SAFETY: setpriority only changes the priority of the given thread of this process.
    unsafe { libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, nice) == 0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn a_yielding_thread_is_lowest_until_ended_then_equal_to_the_others() {
        let yielding = Yielding::default();
        let main = current_thread();
        let before = nice_of(main).expect("a thread's own nice is readable");
        let (inside, seen) = mpsc::channel();
        let (release, wait) = mpsc::channel::<()>();
        let y = &yielding;
        std::thread::scope(|s| {
            s.spawn(move || {
                y.run(|| {
                    inside.send(current_thread()).expect("main listens");
                    wait.recv().expect("main releases");
                })
            });
            let worker = seen.recv().expect("the worker starts");
            assert_eq!(nice_of(worker), Some(YIELDING_NICE.max(before)));
            assert_eq!(nice_of(main), Some(before), "only the worker yields");
            yielding.end();
            // Restored (with privilege) or the rest raised to match (without): equal.
            assert_eq!(nice_of(worker), nice_of(main));
            release.send(()).expect("the worker waits");
        });
    }

    #[test]
    fn a_thread_that_runs_after_the_end_does_not_yield() {
        let yielding = Yielding::default();
        yielding.end();
        let before = nice_of(current_thread());
        let during = yielding.run(|| nice_of(current_thread()));
        assert_eq!(during, before);
    }
}
