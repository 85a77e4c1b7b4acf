//! `/tiles/{collection}/{z}/{x}/{y}.mvt`, `/tiles/{collection}.json` (TileJSON 3.0) and
//! `/tiles/style.json` (the map's MapLibre style): thin handlers over `crate::tiles`. The
//! ETag is the snapshot's version, so a reload changes it and no client keeps stale tiles.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::error::{ApiError, ApiResult};
use super::http::{MVT, base_url, cached, etag, fresh};
use super::state::AppState;
use crate::tiles::grid::TileId;

/// Tiles with at most this many candidate features are cut on the request's own thread:
/// about a millisecond of work at most (0.3–0.5 µs a feature), which costs less than the
/// hand-off to the blocking pool and back (cutting every tile inline served 19–37 % more
/// tiles a second than handing over those of more than 64 features, province workspace).
const INLINE_FEATURES: usize = 4096;

/// `GET /tiles/{collection}/{z}/{x}/{y}.mvt`
pub async fn tile(
    State(state): State<Arc<AppState>>,
    Path((collection, z, x, y)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    // What is not a tile number names no tile.
    let num = |s: &str, what: &str| {
        s.parse::<u32>()
            .map_err(|_| ApiError::not_found(format!("{what} `{s}` is not a tile number")))
    };
    let Some(y) = y.strip_suffix(".mvt") else {
        return Err(ApiError::not_found(
            "tiles end in .mvt: /tiles/{collection}/{z}/{x}/{y}.mvt",
        ));
    };
    let (z, x, y) = (num(&z, "z")?, num(&x, "x")?, num(y, "y")?);
    if z > crate::tiles::grid::MAX_ZOOM as u32 {
        return Err(ApiError::bad_parameter(format!(
            "zoom {z} is beyond the deepest zoom served ({})",
            crate::tiles::grid::MAX_ZOOM
        )));
    }
    // A tile number beyond the grid at its zoom names no tile.
    let t = TileId::new(z, x, y).map_err(ApiError::not_found)?;
    let s = state.current();
    let Some((c, index)) = s.tile_source(&collection) else {
        return Err(ApiError::not_found(format!(
            "no collection `{collection}` to tile"
        )));
    };
    let tag = etag(s.version);
    if fresh(&headers, &tag) {
        return Ok(cached(StatusCode::NOT_MODIFIED.into_response(), &tag));
    }
    let hits = index.candidates(c, t);
    // Larger tiles go to the blocking pool, so one cannot stall the requests behind it, one
    // per core at a time (`AppState::tile_cutters`).
    let bytes = if hits.len() <= INLINE_FEATURES {
        index.cut(c, t, hits)
    } else {
        let _turn = state
            .tile_cutters
            .acquire()
            .await
            .map_err(ApiError::internal)?;
        let s = s.clone();
        tokio::task::spawn_blocking(move || {
            let (c, index) = s.tile_source(&collection).expect("checked above");
            index.cut(c, t, hits)
        })
        .await
        .map_err(ApiError::internal)?
    };
    Ok(cached(
        ([(header::CONTENT_TYPE, MVT)], bytes).into_response(),
        &tag,
    ))
}

/// `GET /tiles/{collection}.json` (TileJSON) and `GET /tiles/style.json`.
pub async fn document(
    State(state): State<Arc<AppState>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let s = state.current();
    let base = base_url(&headers);
    let tag = etag(s.version);
    if fresh(&headers, &tag) {
        return Ok(cached(StatusCode::NOT_MODIFIED.into_response(), &tag));
    }
    let body = if file == "style.json" {
        let styles = crate::styles::model::styles(&s.schedule);
        let present: Vec<&str> = s
            .collections
            .iter()
            .filter(|c| !c.is_empty())
            .map(|c| c.id.as_str())
            .collect();
        let mut style =
            crate::styles::maplibre::style(&styles, &present, &base, state.basemap.as_deref());
        // The web map offers the 整改状态 filter only for the statuses the problems carry
        // (none without a ledger, or with one the service does not publish).
        let statuses = s
            .collection("problems")
            .map(|c| c.value_counts("status"))
            .unwrap_or_default();
        style["metadata"]["zdz:problem_statuses"] = serde_json::json!(statuses);
        // The date the clusters' campaign statuses are as of, for the map's heading.
        style["metadata"]["zdz:as_of"] = s.summary["campaign"]["as_of"].clone();
        style
    } else {
        let Some(name) = file.strip_suffix(".json") else {
            return Err(ApiError::not_found(
                "TileJSON is at /tiles/{collection}.json",
            ));
        };
        let Some((c, index)) = s.tile_source(name) else {
            return Err(ApiError::not_found(format!(
                "no collection `{name}` to tile"
            )));
        };
        crate::tiles::tilejson(&base, name, &c.title, index, s.version)
    };
    Ok(cached(Json(body).into_response(), &tag))
}
