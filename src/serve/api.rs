//! The questions users ask most, as plain JSON endpoints under `/api/`: which clusters fall
//! under a deadline, the problem outfalls, where an outfall's water comes from, the summary,
//! and a reload.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::collection::{Collection, as_text};
use super::crs::{CRS84, OutCrs};
use super::error::{ApiError, ApiResult};
use super::ogc::geojson_response;
use super::state::AppState;
use crate::contract::ProblemCode;

fn reject_unknown(params: &HashMap<String, String>, known: &[&str]) -> ApiResult<()> {
    match params.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(ApiError::bad_parameter(format!(
            "unknown parameter `{k}`; this endpoint takes {}",
            known.join(", ")
        ))),
        None => Ok(()),
    }
}

fn feature_collection(c: &Collection, hits: &[usize]) -> Response {
    let members = format!(r#""numberMatched":{0},"numberReturned":{0}"#, hits.len());
    geojson_response(c.feature_collection(hits, OutCrs::Crs84, &members), CRS84)
}

fn text(c: &Collection, i: usize, key: &str) -> Option<String> {
    c.item(i).properties.get(key).and_then(as_text)
}

/// `/api/clusters?deadline=2025&in_corridor=true&park_id=…&park_level=national`
pub async fn clusters(
    State(state): State<Arc<AppState>>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    reject_unknown(
        &params,
        &["deadline", "in_corridor", "park_id", "park_level"],
    )?;
    if let Some(v) = params.get("in_corridor")
        && !matches!(v.as_str(), "true" | "false")
    {
        return Err(ApiError::bad_parameter(format!(
            "in_corridor = `{v}` must be true or false"
        )));
    }
    if let Some(v) = params.get("park_level")
        && !matches!(v.as_str(), "national" | "provincial")
    {
        return Err(ApiError::bad_parameter(format!(
            "park_level = `{v}` must be national or provincial"
        )));
    }
    let s = state.current();
    let c = s
        .collection("clusters")
        .expect("every snapshot has clusters");
    let hits: Vec<usize> = (0..c.len())
        .filter(|i| {
            let matches = |key: &str, want: &str| text(c, *i, key).as_deref() == Some(want);
            params.get("deadline").is_none_or(|d| {
                // A year matches every date in it; a date or a status matches exactly.
                let deadline = text(c, *i, "deadline").unwrap_or_default();
                deadline == *d || (d.len() == 4 && deadline.starts_with(&format!("{d}-")))
            }) && params
                .get("in_corridor")
                .is_none_or(|v| matches("in_corridor", v))
                && params.get("park_id").is_none_or(|v| matches("park_id", v))
                && params
                    .get("park_level")
                    .is_none_or(|v| matches("park_level", v))
        })
        .collect();
    Ok(feature_collection(c, &hits))
}

/// `/api/outfalls?code=STORM_CROSS_CONNECTION&cluster_id=…`: the outfalls with a problem.
pub async fn problem_outfalls(
    State(state): State<Arc<AppState>>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    reject_unknown(&params, &["code", "cluster_id"])?;
    if let Some(code) = params.get("code")
        && !ProblemCode::ALL.iter().any(|c| c.as_str() == code)
    {
        return Err(ApiError::bad_parameter(format!(
            "code = `{code}` is not a problem code; the codes are {}",
            ProblemCode::ALL.map(|c| c.as_str()).join(", ")
        )));
    }
    let s = state.current();
    let c = s
        .collection("outfalls")
        .expect("every snapshot has outfalls");
    let hits: Vec<usize> = (0..c.len())
        .filter(|i| {
            let codes = c
                .item(*i)
                .properties
                .get("problem_codes")
                .and_then(Value::as_array);
            let has = |code: &str| codes.is_some_and(|cs| cs.iter().any(|x| x == code));
            codes.is_some_and(|cs| !cs.is_empty())
                && params.get("code").is_none_or(|code| has(code))
                && params
                    .get("cluster_id")
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
    let mut features = Vec::new();
    let mut add = |collection: &str, ids: &[String], role: &str| {
        let c = s
            .collection(collection)
            .expect("every snapshot has this collection");
        for fid in ids {
            if let Some(i) = c.index_of(fid) {
                let mut f: Value = serde_json::from_str(&c.feature(i, OutCrs::Crs84))
                    .expect("features are valid JSON");
                f["properties"]["role"] = json!(role);
                features.push(f);
            }
        }
    };
    add("outfalls", std::slice::from_ref(&id), "outfall");
    add("pipes", &trace.pipes, "pipe");
    add("enterprises", &trace.enterprises, "enterprise");
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
        (StatusCode::ACCEPTED, Json(state.status())).into_response()
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
    let body = crate::publish::qgis::live_layers(&served, &super::ogc::base_url(&headers), &wkt);
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

pub async fn healthz(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(state.status())
}
