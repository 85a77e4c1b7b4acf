//! The service's shared state: the current snapshot behind an atomic pointer, and the
//! reload that replaces it. A request takes the snapshot once and uses it to the end, so
//! it never sees half a reload; a reload that fails keeps the last good snapshot and
//! records why.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use std::collections::HashMap;

use arc_swap::ArcSwap;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::builder::Builder;
use super::snapshot::Snapshot;
use crate::ledger::Ledger;
use crate::ledger::users::Actor;

pub struct AppState {
    snapshot: ArcSwap<Snapshot>,
    workspace: String,
    reloading: AtomicBool,
    versions: AtomicU64,
    last_error: Mutex<Option<String>>,
    pub cors: bool,
    /// The ledger every load is recorded in, and whose endpoints the service answers.
    pub ledger: Option<Arc<Ledger>>,
    /// Whether the public problems collection shows ledger fields.
    pub public_ledger: bool,
    /// Tokens already checked (by their SHA-256), so argon2 runs once per token.
    tokens: Mutex<HashMap<String, Actor>>,
    /// An XYZ raster basemap under the web map (`--basemap`); none by default.
    pub basemap: Option<String>,
    /// The date campaign statuses are given as of; none: the day of each load.
    pub as_of: Option<chrono::NaiveDate>,
    /// One permit per core for cutting large tiles: the rest wait their turn, first come
    /// first served, rather than all share the cores and all take several times longer.
    pub tile_cutters: tokio::sync::Semaphore,
    /// Where reloads are built and replaced snapshots freed.
    builder: Builder,
    /// Failed sign-ins, per name and address.
    pub throttle: super::throttle::Throttle,
}

fn token_key(token: &str) -> String {
    crate::ledger::hex(&Sha256::digest(token.as_bytes()))
}

/// How the service was started, beyond its workspace.
#[derive(Default)]
pub struct Settings {
    pub cors: bool,
    pub ledger: Option<Arc<Ledger>>,
    pub public_ledger: bool,
    pub basemap: Option<String>,
    /// The date campaign statuses are given as of; none: the day of each load.
    pub as_of: Option<chrono::NaiveDate>,
    /// The thread the first snapshot was built on (a new one when none is given).
    pub builder: Option<Builder>,
}

impl AppState {
    pub fn new(workspace: String, first: Snapshot, settings: Settings) -> Arc<AppState> {
        let Settings {
            cors,
            ledger,
            public_ledger,
            basemap,
            as_of,
            builder,
        } = settings;
        Arc::new(AppState {
            versions: AtomicU64::new(first.version),
            snapshot: ArcSwap::from_pointee(first),
            workspace,
            reloading: AtomicBool::new(false),
            last_error: Mutex::new(None),
            cors,
            ledger,
            public_ledger,
            tokens: Mutex::new(HashMap::new()),
            throttle: Default::default(),
            basemap,
            as_of,
            tile_cutters: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
            builder: builder.unwrap_or_else(Builder::start),
        })
    }

    pub fn cached_actor(&self, token: &str) -> Option<Actor> {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&token_key(token))
            .cloned()
    }

    pub fn cache_actor(&self, token: &str, actor: &Actor) {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(token_key(token), actor.clone());
    }

    /// Forget every checked token, so that a user's change (disabled, a new district)
    /// applies at its next request.
    pub fn forget_actors(&self) {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// The snapshot to answer one request with.
    pub fn current(&self) -> Arc<Snapshot> {
        self.snapshot.load_full()
    }

    /// Start a reload in the background; false when one is already running.
    pub fn start_reload(self: &Arc<Self>) -> bool {
        if self.reloading.swap(true, Ordering::SeqCst) {
            return false;
        }
        let state = Arc::clone(self);
        tokio::spawn(async move {
            let version = state.versions.fetch_add(1, Ordering::SeqCst) + 1;
            let workspace = state.workspace.clone();
            let (ledger, public, as_of) = (state.ledger.clone(), state.public_ledger, state.as_of);
            let built = state
                .builder
                .run(move || Snapshot::build(&workspace, version, ledger.as_deref(), public, as_of))
                .await;
            match built {
                Some(Ok(snapshot)) => {
                    tracing::info!(version, "reloaded {}", state.workspace);
                    let old = state.snapshot.swap(Arc::new(snapshot));
                    state.builder.retire(old);
                    *state.last_error.lock().unwrap_or_else(|e| e.into_inner()) = None;
                }
                Some(Err(e)) => state.failed(format!("{e:#}")),
                None => state.failed("the snapshot thread ended".into()),
            }
            state.reloading.store(false, Ordering::SeqCst);
        });
        true
    }

    fn failed(&self, message: String) {
        tracing::error!("reload failed, still serving the last good result: {message}");
        *self.last_error.lock().unwrap_or_else(|e| e.into_inner()) = Some(message);
    }

    /// What `/healthz` and `/api/reload` report.
    pub fn status(&self) -> Value {
        let s = self.current();
        json!({
            "status": "ok",
            "workspace": s.origin,
            "version": s.version,
            "built_at": s.built_at,
            "reloading": self.reloading.load(Ordering::SeqCst),
            "last_reload_error": *self.last_error.lock().unwrap_or_else(|e| e.into_inner()),
            "warnings": s.summary.get("warnings").cloned().unwrap_or_else(|| json!([])),
            "ledger": self.ledger.as_ref().map(|l| json!({
                "engine": l.store().engine(),
                "location": l.store().location(),
                "reachable": l.store().check().is_ok(),
            })),
        })
    }

    /// Reload whenever a file under `paths` changes (debounced by `quiet`).
    pub fn watch(self: &Arc<Self>, paths: Vec<PathBuf>, quiet: Duration) -> notify::Result<()> {
        use notify::Watcher;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                if event
                    .is_ok_and(|e| e.kind.is_modify() || e.kind.is_create() || e.kind.is_remove())
                {
                    let _ = tx.send(());
                }
            })?;
        for p in &paths {
            watcher.watch(p, notify::RecursiveMode::NonRecursive)?;
        }
        let state = Arc::clone(self);
        tokio::spawn(async move {
            let _watcher = watcher;
            while rx.recv().await.is_some() {
                // Let a burst of writes finish before reading.
                tokio::time::sleep(quiet).await;
                while rx.try_recv().is_ok() {}
                state.start_reload();
            }
        });
        Ok(())
    }
}
