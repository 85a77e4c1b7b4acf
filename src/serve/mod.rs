//! `zdz serve`: the analysis kept live over HTTP. OGC API – Features collections for every
//! input and result layer (which QGIS and GDAL add as layers), plain JSON endpoints for the
//! questions users ask most, and a reload that swaps a new analysis in atomically.
//!
//! Loading and analysing run on blocking threads, never on the async reactor.

/// Domain endpoints under `/api/`.
pub mod api;
/// The thread that builds snapshots and frees the ones replaced.
pub mod builder;
/// One layer as an OGC API collection: select, get, write in a CRS.
pub mod collection;
/// A collection's properties in columns.
pub mod columns;
/// CRS84, EPSG:4326/4490 (lat/lon) and the working zone.
pub mod crs;
/// The JSON error type every handler returns.
pub mod error;
/// HTTP plumbing beneath the handlers: media types, base URL, links, ETags.
pub mod http;
/// The ledger's endpoints, with tokens and roles.
pub mod ledger_api;
/// OGC API – Features handlers.
pub mod ogc;
/// The OpenAPI 3.0 document and the documentation page.
pub mod openapi;
/// The pages people work in: sign-in, problems, dashboard, users.
pub mod pages;
/// Query parameters as typed structs, rejected in one place.
pub mod params;
/// Each cluster's readiness, written when asked.
pub mod readiness;
/// One analysed state of the workspace.
pub mod snapshot;
/// The current snapshot, reloads and the file watcher.
pub mod state;
/// Failed sign-ins per name and address.
pub mod throttle;
/// Vector tiles, TileJSON and the map's style.
pub mod tiles_api;
/// The web map page and its embedded assets.
pub mod web;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use axum::Router;
use axum::http::{HeaderValue, StatusCode};
use axum::routing::{get, post};
use tower_http::cors::{Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use snapshot::Snapshot;
use state::AppState;

/// How the service runs.
#[derive(Debug, Clone)]
pub struct Options {
    pub addr: SocketAddr,
    /// Origins allowed by CORS: `*` for any; none when empty.
    pub cors: Vec<String>,
    /// Reload when a workspace file changes.
    pub watch: bool,
    /// Longest time a request may take.
    pub timeout: Duration,
    /// The ledger every load and reload is recorded in, with its endpoints.
    pub ledger: Option<String>,
    /// Show ledger fields on the public problems collection.
    pub public_ledger: bool,
    /// An XYZ raster basemap for the web map (`{z}/{x}/{y}` template); none by default.
    pub basemap: Option<String>,
    /// The date campaign statuses are given as of; none: the day of each load.
    pub as_of: Option<chrono::NaiveDate>,
}

pub fn router(state: Arc<AppState>, options: &Options) -> Router {
    let router = Router::new()
        .route("/", get(web::landing))
        .route("/conformance", get(ogc::conformance))
        .route("/openapi", get(openapi::openapi))
        .route("/docs", get(openapi::docs))
        .route("/collections", get(ogc::collections))
        .route("/collections/{id}", get(ogc::collection))
        .route("/collections/{id}/items", get(ogc::items))
        .route("/collections/{id}/items/{fid}", get(ogc::item))
        .route("/collections/{id}/queryables", get(ogc::queryables))
        .route("/collections/{id}/schema", get(ogc::schema))
        .route("/api/clusters", get(api::clusters))
        .route("/api/clusters/{id}/readiness", get(api::readiness))
        .route("/api/clusters/{id}/downstream", get(api::downstream))
        .route("/api/outfalls", get(api::problem_outfalls))
        .route("/api/outfalls/{id}/trace", get(api::trace))
        .route("/api/summary", get(api::summary))
        .route("/api/reload", post(api::reload))
        .route("/healthz", get(api::healthz))
        .route("/zdz.qlr", get(api::layer_definition))
        .route("/api/ledger/problems", get(ledger_api::list))
        .route(
            "/api/ledger/problems/{id}",
            get(ledger_api::get).post(ledger_api::set),
        )
        .route("/api/ledger/evidence/{sha256}", get(ledger_api::download))
        .route("/api/ledger/progress", get(ledger_api::progress))
        .route(
            "/api/ledger/clusters/{id}/acceptance",
            post(ledger_api::accept),
        )
        .route(
            "/api/ledger/clusters/{id}/acceptances",
            get(ledger_api::acceptances),
        )
        .route("/tiles/{file}", get(tiles_api::document))
        .route("/tiles/{collection}/{z}/{x}/{y}", get(tiles_api::tile))
        .route("/map", get(web::page))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/map/{*file}", get(web::asset))
        .merge(pages::routes())
        .fallback(|| async { error::ApiError::not_found("no such endpoint; see /openapi") })
        .with_state(state.clone())
        .layer(RequestBodyLimitLayer::new(64 * 1024));
    // Evidence uploads alone may be larger: up to four files of 20 MiB.
    let upload_limit = crate::ledger::change::EVIDENCE_MAX_BYTES * 4 + 64 * 1024;
    let uploads = Router::new()
        .route(
            "/api/ledger/problems/{id}/evidence",
            post(ledger_api::upload),
        )
        .route(
            "/api/ledger/clusters/{id}/acceptance/evidence",
            post(ledger_api::acceptance_evidence),
        )
        .merge(pages::upload_routes())
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::max(upload_limit))
        .layer(RequestBodyLimitLayer::new(upload_limit));
    let router = uploads
        .merge(router)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            options.timeout,
        ))
        .layer(axum::middleware::map_response(error::json_errors))
        .layer(TraceLayer::new_for_http());
    match options.cors.as_slice() {
        [] => router,
        [any] if any == "*" => router.layer(CorsLayer::new().allow_origin(Any)),
        origins => router.layer(
            CorsLayer::new().allow_origin(
                origins
                    .iter()
                    .filter_map(|o| HeaderValue::from_str(o).ok())
                    .collect::<Vec<_>>(),
            ),
        ),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Load and analyse `workspace`, then serve it until SIGTERM or Ctrl-C.
pub async fn run(workspace: String, options: Options) -> Result<()> {
    let ws = workspace.clone();
    let (url, public, as_of) = (options.ledger.clone(), options.public_ledger, options.as_of);
    let builder = builder::Builder::start();
    let (first, ledger) = builder
        .run(move || -> Result<_> {
            let ledger = url
                .as_deref()
                .map(crate::ledger::Ledger::open)
                .transpose()?
                .map(std::sync::Arc::new);
            let first = Snapshot::build(&ws, 1, ledger.as_deref(), public, as_of)?;
            Ok((first, ledger))
        })
        .await
        .context("the snapshot thread ended")??;
    let watched: Vec<PathBuf> = first.watch_dirs();
    let collections = first.collections.len();
    let state = AppState::new(
        workspace,
        first,
        state::Settings {
            cors: !options.cors.is_empty(),
            ledger,
            public_ledger: options.public_ledger,
            basemap: options.basemap.clone(),
            as_of,
            builder: Some(builder),
        },
    );
    if options.watch {
        state
            .watch(watched.clone(), Duration::from_millis(500))
            .context("cannot watch the workspace files")?;
        tracing::info!(?watched, "watching for changes");
    }
    let listener = tokio::net::TcpListener::bind(options.addr)
        .await
        .with_context(|| format!("cannot listen on {}", options.addr))?;
    let url = format!("http://{}", listener.local_addr()?);
    eprintln!("zdz: serving {collections} collections at {url}");
    eprintln!("     map (一张图): {url}/map");
    eprintln!("     QGIS: Layer ▸ Add Layer ▸ Add WFS / OGC API – Features layer, URL {url}");
    eprintln!("     or drag {url}/zdz.qlr into QGIS for every layer, styled");
    eprintln!("     GDAL: ogrinfo OAPIF:{url}    API: {url}/openapi    docs: {url}/docs");
    serve_connections(listener, router(state, &options)).await;
    Ok(())
}

/// At most this many connections are served at once; more wait in the listen queue.
pub const MAX_CONNECTIONS: usize = 512;
/// A client gets this long to send its request's headers (a slow or stalled client does
/// not hold a connection past it).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Accept and serve connections until SIGTERM or Ctrl-C, then finish those in flight: at
/// most `MAX_CONNECTIONS` at a time (the next is accepted when one ends), each given
/// `HEADER_READ_TIMEOUT` to send its headers.
async fn serve_connections(listener: tokio::net::TcpListener, app: Router) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;

    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot.expect("the semaphore is never closed"),
            _ = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, go on.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        // Each request knows the address it came from (sign-in counts failures by it).
        let peer = stream.peer_addr().ok();
        let app = app.clone();
        let service = TowerToHyperService::new(tower::ServiceExt::map_request(
            app,
            move |mut r: hyper::Request<hyper::body::Incoming>| {
                if let Some(peer) = peer {
                    r.extensions_mut().insert(axum::extract::ConnectInfo(peer));
                }
                r
            },
        ));
        let conn = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(slot);
        });
    }
    graceful.shutdown().await;
}
