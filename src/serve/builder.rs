//! The thread that builds every snapshot and frees the one a reload replaces.
//!
//! mimalloc gives each thread its own pages: memory freed by another thread goes back to
//! the thread that allocated it, and only when that thread next allocates or collects.
//! A snapshot built on a pooled thread that then sits idle, and dropped by whichever
//! request thread held it last, would stay resident after every reload. So one thread
//! builds each snapshot (its rayon helpers beside it), and the same thread drops the one
//! replaced, once no request holds it any more, then has every thread that built it hand
//! its free pages back to the system.

use std::sync::Arc;
use std::sync::mpsc::{Sender, channel};
use std::time::Duration;

use super::snapshot::Snapshot;

type Job = Box<dyn FnOnce() + Send>;

/// A handle on the builder thread.
#[derive(Clone)]
pub struct Builder {
    jobs: Sender<Job>,
}

impl Builder {
    pub fn start() -> Builder {
        let (jobs, rx) = channel::<Job>();
        std::thread::Builder::new()
            .name("zdz-snapshots".into())
            .spawn(move || {
                for job in rx {
                    job();
                }
            })
            .expect("a thread for building snapshots");
        Builder { jobs }
    }

    /// Run `f` on the builder thread and wait for its answer without blocking the runtime.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let out = f();
                // What the build held only while building (the analysis, the features).
                give_back_freed_memory();
                let _ = tx.send(out);
            }))
            .ok()?;
        rx.await.ok()
    }

    /// Free `old` on the builder thread once no request holds it, and return the memory.
    pub fn retire(&self, old: Arc<Snapshot>) {
        let _ = self.jobs.send(Box::new(move || {
            // Requests hold a snapshot for as long as they take: seconds at most.
            while Arc::strong_count(&old) > 1 {
                std::thread::sleep(Duration::from_millis(50));
            }
            drop(old);
            give_back_freed_memory();
        }));
    }
}

/// Have this thread and every rayon thread return their free pages to the system.
fn give_back_freed_memory() {
    // SAFETY: mi_collect is safe to call from any thread at any time; with mimalloc not
    // the global allocator (the tests) it collects mimalloc's own unused heap.
    let collect = || unsafe { libmimalloc_sys::mi_collect(true) };
    collect();
    rayon::broadcast(|_| collect());
}
