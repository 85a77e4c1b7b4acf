//! The questions users ask most, as plain JSON endpoints under `/api/`: which clusters fall
//! under a deadline, the problem outfalls, where an outfall's water comes from, the summary,
//! and a reload.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::collection::{Collection, as_text};
use super::crs::{CRS84, OutCrs};
use super::error::{ApiError, ApiResult};
use super::http::{base_url, geojson_response};
use super::params::{ClustersQuery, OutfallsQuery, Params};
use super::state::AppState;

/// Clusters a page of `/api/clusters` holds unless `limit` says otherwise: the country's
/// 13,112 answered at once were 6.6 MB.
pub const CLUSTERS_PER_PAGE: usize = 1_000;

fn feature_collection(c: &Collection, hits: &[usize]) -> Response {
    let members = format!(r#""numberMatched":{0},"numberReturned":{0}"#, hits.len());
    geojson_response(c.feature_collection(hits, OutCrs::Crs84, &members), CRS84)
}

fn text(c: &Collection, i: usize, key: &str) -> Option<String> {
    c.property(i, key).and_then(|v| as_text(&v))
}

/// `/api/clusters?deadline=2025&in_corridor=true&park_id=…&park_level=national`
pub async fn clusters(
    State(state): State<Arc<AppState>>,
    Params(q): Params<ClustersQuery>,
    axum::extract::Query(raw): axum::extract::Query<Vec<(String, String)>>,
    headers: axum::http::HeaderMap,
) -> ApiResult<Response> {
    let s = state.current();
    let limit = match &q.limit {
        Some(v) => super::ogc::parse_count("limit", v, 1, usize::MAX)?.min(super::ogc::MAX_LIMIT),
        None => CLUSTERS_PER_PAGE,
    };
    let offset = match &q.offset {
        Some(v) => super::ogc::parse_count("offset", v, 0, usize::MAX)?,
        None => 0,
    };
    if let Some(d) = &q.deadline {
        let known = s.deadline_values();
        if !known.contains(d) {
            return Err(ApiError::bad_parameter(format!(
                "deadline = `{d}` is not a deadline of the schedule; give one of {}",
                known.join(", ")
            )));
        }
    }
    let c = s
        .collection("clusters")
        .expect("every snapshot has clusters");
    let flag = |b: Option<bool>| b.map(|b| b.to_string());
    let wanted: [(&str, Option<String>); 7] = [
        ("in_corridor", flag(q.in_corridor)),
        ("park_id", q.park_id.clone()),
        ("park_level", q.park_level.map(|l| l.as_str().to_string())),
        ("ready", flag(q.ready)),
        ("veto", flag(q.veto)),
        ("readiness", q.readiness.map(|g| g.as_str().to_string())),
        (
            "campaign_status",
            q.campaign_status.map(|c| c.as_str().to_string()),
        ),
    ];
    let hits: Vec<usize> = (0..c.len())
        .filter(|i| {
            q.deadline.as_ref().is_none_or(|d| {
                // A year matches every date in it; a date or a status matches exactly.
                let deadline = text(c, *i, "deadline").unwrap_or_default();
                deadline == *d || (d.len() == 4 && deadline.starts_with(&format!("{d}-")))
            }) && wanted.iter().all(|(key, want)| {
                want.as_ref()
                    .is_none_or(|w| text(c, *i, key).as_deref() == Some(w.as_str()))
            })
        })
        .collect();
    let page: Vec<usize> = hits.iter().skip(offset).take(limit).copied().collect();
    let keep: Vec<(String, String)> = raw.into_iter().filter(|(k, _)| k != "offset").collect();
    let base = format!("{}/api/clusters", super::http::base_url(&headers));
    let links = super::ogc::page_links(&base, &keep, (offset, limit), page.len(), hits.len());
    let members = format!(
        r#""numberMatched":{},"numberReturned":{},"links":{}"#,
        hits.len(),
        page.len(),
        Value::Array(links)
    );
    Ok(geojson_response(
        c.feature_collection(&page, OutCrs::Crs84, &members),
        CRS84,
    ))
}

/// `/api/clusters/{id}/readiness`: each rubric item with its points and what counted, the
/// veto, what is unanswered, and the fewest actions to ready.
pub async fn readiness(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let s = state.current();
    s.readiness
        .answer(&id)
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no cluster `{id}`")))
}

/// `/api/clusters/{id}/downstream`: the pipes from the cluster's sewers to where the water
/// ends, and the plants that receive it.
pub async fn downstream(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let s = state.current();
    let d = s
        .downstream
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("no cluster `{id}`")))?;
    let features = role_features(
        &s,
        &[
            ("pipes", Members::Places(&d.pipes), "pipe"),
            ("plants", Members::Ids(&d.plants), "plant"),
        ],
    );
    let body = json!({
        "type": "FeatureCollection",
        "cluster_id": id,
        "receiving_plant_ids": d.plants,
        "downstream_pipe_count": d.pipes.len(),
        "features": features,
    });
    Ok(geojson_response(body.to_string(), CRS84))
}

/// Features of a collection: by id, or by their places in it.
enum Members<'a> {
    Ids(&'a [String]),
    Places(&'a [u32]),
}

/// The features of each (collection, members, role), in CRS84, each marked with its `role`.
fn role_features(s: &super::snapshot::Snapshot, parts: &[(&str, Members, &str)]) -> Vec<Value> {
    let mut features = Vec::new();
    for (collection, members, role) in parts {
        let c = s
            .collection(collection)
            .expect("every snapshot has this collection");
        let places: Vec<usize> = match members {
            Members::Ids(ids) => ids.iter().filter_map(|id| c.index_of(id)).collect(),
            Members::Places(at) => at
                .iter()
                .map(|i| *i as usize)
                .filter(|i| *i < c.len())
                .collect(),
        };
        for i in places {
            let mut f: Value = serde_json::from_str(&c.feature(i, OutCrs::Crs84))
                .expect("features are valid JSON");
            f["properties"]["role"] = json!(role);
            features.push(f);
        }
    }
    features
}

/// `/api/outfalls?code=STORM_CROSS_CONNECTION&cluster_id=…`: the outfalls with a problem.
pub async fn problem_outfalls(
    State(state): State<Arc<AppState>>,
    Params(q): Params<OutfallsQuery>,
) -> ApiResult<Response> {
    let s = state.current();
    let c = s
        .collection("outfalls")
        .expect("every snapshot has outfalls");
    let hits: Vec<usize> = (0..c.len())
        .filter(|i| {
            let codes = c.property(*i, "problem_codes");
            let codes = codes.as_ref().and_then(Value::as_array);
            let has = |code: &str| codes.is_some_and(|cs| cs.iter().any(|x| x == code));
            codes.is_some_and(|cs| !cs.is_empty())
                && q.code.is_none_or(|code| has(code.as_str()))
                && q.cluster_id
                    .as_ref()
                    .is_none_or(|id| text(c, *i, "cluster_id").as_deref() == Some(id))
        })
        .collect();
    Ok(feature_collection(c, &hits))
}

/// `/api/outfalls/{id}/trace`: the outfall, its upstream pipes and the enterprises
/// draining into them, each feature marked with its `role`.
pub async fn trace(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let s = state.current();
    let trace = s
        .traces
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("no outfall `{id}`")))?;
    let features = role_features(
        &s,
        &[
            (
                "outfalls",
                Members::Ids(std::slice::from_ref(&id)),
                "outfall",
            ),
            ("pipes", Members::Places(&trace.pipes), "pipe"),
            (
                "enterprises",
                Members::Places(&trace.enterprises),
                "enterprise",
            ),
        ],
    );
    let body = json!({
        "type": "FeatureCollection",
        "outfall_id": id,
        "upstream_pipe_count": trace.pipes.len(),
        "upstream_enterprise_count": trace.enterprises.len(),
        "features": features,
    });
    Ok(geojson_response(body.to_string(), CRS84))
}

pub async fn summary(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(state.current().summary.clone())
}

/// `POST /api/reload`: 202 when a reload starts, 409 when one is already running.
pub async fn reload(State(state): State<Arc<AppState>>) -> Response {
    if state.start_reload() {
        (StatusCode::ACCEPTED, Json(status_of(state).await)).into_response()
    } else {
        ApiError::conflict("a reload is already running").into_response()
    }
}

/// `/zdz.qlr`: a QGIS layer definition of every collection, styled, pointing back at this
/// service as the client reached it.
pub async fn layer_definition(
    State(state): State<Arc<AppState>>,
    headers: axum::http::HeaderMap,
) -> ApiResult<Response> {
    let s = state.current();
    let styles = crate::styles::model::styles(&s.schedule);
    let served: Vec<&crate::styles::model::LayerStyle> = styles
        .iter()
        .filter(|st| s.collection(st.layer).is_some_and(|c| !c.is_empty()))
        .collect();
    let wkt = crate::crs::wgs84().to_wkt().map_err(ApiError::internal)?;
    let body = crate::publish::qgis::live_layers(&served, &base_url(&headers), &wkt);
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/xml; charset=utf-8",
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"zdz.qlr\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// The service's status, asked off the async reactor: it pings the ledger's database, and
/// a blocking client (PostgreSQL's) may not run on the reactor's threads.
async fn status_of(state: Arc<AppState>) -> Value {
    let s = Arc::clone(&state);
    tokio::task::spawn_blocking(move || s.status())
        .await
        .unwrap_or_else(|e| json!({ "status": "error", "error": e.to_string() }))
}

pub async fn healthz(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(status_of(state).await)
}
