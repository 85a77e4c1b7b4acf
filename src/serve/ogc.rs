//! OGC API – Features Part 1 (core, GeoJSON, OpenAPI 3.0) and Part 2 (CRS) handlers.
//! Thin: parse the request, ask the snapshot's collection, write the response. What QGIS
//! and GDAL need is in `docs/reference/ogcapi-clients.md`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::collection::{Collection, Selection};
use super::crs::{self, OutCrs};
use super::error::{ApiError, ApiResult};
use super::http::{GEOJSON, OPENAPI, base_url, geojson_response, link};
use super::snapshot::Snapshot;
use super::state::AppState;

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 10_000;

pub const CONFORMANCE: [&str; 4] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
];

pub async fn landing(headers: HeaderMap) -> Json<Value> {
    let base = base_url(&headers);
    Json(json!({
        "title": "zdz — 工业园区污水零直排区 analysis",
        "description": "Clusters, deadlines, problems and the sewer network of the workspace, live.",
        "links": [
            link(format!("{base}/"), "self", "application/json", "this document"),
            link(format!("{base}/openapi"), "service-desc", OPENAPI, "the API definition"),
            link(format!("{base}/docs"), "service-doc", "text/html", "the API documentation"),
            link(format!("{base}/conformance"), "conformance", "application/json", "conformance classes"),
            link(format!("{base}/collections"), "data", "application/json", "the collections"),
        ],
    }))
}

pub async fn conformance() -> Json<Value> {
    Json(json!({ "conformsTo": CONFORMANCE }))
}

fn working_epsg(s: &Snapshot) -> u32 {
    crs::epsg_code(&s.working_crs)
}

fn collection_json(c: &Collection, s: &Snapshot, base: &str) -> Value {
    let url = format!("{base}/collections/{}", c.id);
    json!({
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "itemType": "feature",
        "extent": {
            "spatial": { "bbox": [c.extent.unwrap_or([-180.0, -90.0, 180.0, 90.0])], "crs": crs::CRS84 },
        },
        "crs": crs::advertised(working_epsg(s)),
        "storageCrs": crs::CRS84,
        "links": [
            link(url.clone(), "self", "application/json", &c.title),
            link(format!("{url}/items"), "items", GEOJSON, "the features"),
            link(format!("{url}/queryables"), "http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json", "queryables"),
            link(format!("{url}/schema"), "describedby", "application/schema+json", "schema of the features"),
        ],
    })
}

pub async fn collections(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Json<Value> {
    let s = state.current();
    let base = base_url(&headers);
    let list: Vec<Value> = s
        .collections
        .iter()
        .map(|c| collection_json(c, &s, &base))
        .collect();
    Json(json!({
        "links": [link(format!("{base}/collections"), "self", "application/json", "the collections")],
        "collections": list,
    }))
}

fn find<'a>(s: &'a Snapshot, id: &str) -> ApiResult<&'a Collection> {
    s.collection(id).ok_or_else(|| {
        ApiError::not_found(format!(
            "no collection `{id}`; the collections are {}",
            s.collections
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

pub async fn collection(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let s = state.current();
    Ok(Json(collection_json(
        find(&s, &id)?,
        &s,
        &base_url(&headers),
    )))
}

fn schema_json(c: &Collection, base: &str, which: &str, queryable_only: bool) -> Value {
    let props: serde_json::Map<String, Value> = c
        .schema
        .iter()
        .filter(|(_, t)| !queryable_only || !matches!(**t, "array" | "object"))
        .map(|(k, t)| (k.clone(), json!({ "title": k, "type": t })))
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": format!("{base}/collections/{}/{which}", c.id),
        "type": "object",
        "title": c.title,
        "properties": props,
    })
}

fn schema_response(v: Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/schema+json")],
        v.to_string(),
    )
        .into_response()
}

/// `/queryables` (the properties a client may filter on) or `/schema` (all of them).
fn schema_of(state: &AppState, id: &str, headers: &HeaderMap, which: &str) -> ApiResult<Response> {
    let s = state.current();
    let c = find(&s, id)?;
    let v = schema_json(c, &base_url(headers), which, which == "queryables");
    Ok(schema_response(v))
}

pub async fn queryables(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    schema_of(&state, &id, &headers, "queryables")
}

pub async fn schema(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    schema_of(&state, &id, &headers, "schema")
}

/// `?bbox=w,s,e,n` (4 numbers; 6 with heights, which are ignored).
/// A decimal number as the document's `bbox` pattern spells it: `-?D{1,15}(.D{1,15})?`
/// with an optional exponent of one or two digits.
fn decimal(s: &str) -> bool {
    let digits = |t: &str, max: usize| {
        !t.is_empty() && t.len() <= max && t.bytes().all(|b| b.is_ascii_digit())
    };
    let s = s.strip_prefix('-').unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    digits(int, 15)
        && frac.is_none_or(|f| digits(f, 15))
        && exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 2))
}

pub fn parse_bbox(v: &str) -> ApiResult<[f64; 4]> {
    let parts: Vec<&str> = v.split(',').collect();
    if !parts.iter().all(|p| decimal(p)) {
        return Err(ApiError::bad_parameter(format!(
            "bbox `{v}` is not a list of decimal numbers"
        )));
    }
    let nums: Vec<f64> = parts
        .iter()
        .map(|p| p.parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| ApiError::bad_parameter(format!("bbox `{v}` is not a list of numbers")))?;
    let b = match nums.as_slice() {
        [w, s, e, n] => [*w, *s, *e, *n],
        [w, s, _, e, n, _] => [*w, *s, *e, *n],
        _ => {
            return Err(ApiError::bad_parameter(format!(
                "bbox `{v}` needs 4 numbers: minx,miny,maxx,maxy"
            )));
        }
    };
    if b.iter().any(|x| !x.is_finite()) {
        return Err(ApiError::bad_parameter(format!(
            "bbox `{v}`: a value is not finite"
        )));
    }
    // Corners given the other way round are the same box.
    Ok([
        b[0].min(b[2]),
        b[1].min(b[3]),
        b[0].max(b[2]),
        b[1].max(b[3]),
    ])
}

/// A queryable's value must be of the type the schema gives it.
fn check_type(name: &str, v: &str, kind: &str) -> ApiResult<()> {
    let ok = match kind {
        "number" => v.trim().parse::<f64>().is_ok_and(f64::is_finite),
        "integer" => {
            let digits = v.strip_prefix('-').unwrap_or(v);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        }
        "boolean" => matches!(v, "true" | "false"),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_parameter(format!(
            "{name} = `{v}` is not a {kind}"
        )))
    }
}

pub fn parse_count(name: &str, v: &str, min: usize, max: usize) -> ApiResult<usize> {
    // A count past what a usize holds is as many as there can be (an offset past the end).
    let parsed = match v.parse::<usize>() {
        Err(_) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => Ok(usize::MAX),
        other => other,
    };
    match parsed {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ApiError::bad_parameter(format!(
            "{name} = `{v}` must be an integer from {min} to {max}"
        ))),
    }
}

/// The parsed query of an items request.
struct ItemsQuery {
    limit: usize,
    offset: usize,
    crs: OutCrs,
    selection: Selection,
    /// The parameters to repeat in paging links (all but offset).
    keep: Vec<(String, String)>,
}

fn parse_items_query(
    params: &[(String, String)],
    c: &Collection,
    s: &Snapshot,
) -> ApiResult<ItemsQuery> {
    let epsg = working_epsg(s);
    let (mut limit, mut offset, mut out_crs, mut bbox, mut bbox_crs) =
        (DEFAULT_LIMIT, 0, OutCrs::Crs84, None, OutCrs::Crs84);
    let mut equals = Vec::new();
    let mut keep = Vec::new();
    for (k, v) in params {
        match k.as_str() {
            // A larger limit is answered with MAX_LIMIT features (OGC API – Features,
            // /req/core/fc-limit-response-1), not refused.
            "limit" => limit = parse_count("limit", v, 1, usize::MAX)?.min(MAX_LIMIT),
            "offset" => {
                offset = parse_count("offset", v, 0, usize::MAX)?;
                continue;
            }
            "crs" => out_crs = crs::parse(v, epsg)?,
            "bbox" => bbox = Some(parse_bbox(v)?),
            "bbox-crs" => bbox_crs = crs::parse(v, epsg)?,
            "f" if v == "json" || v == "geojson" => {}
            name if c.queryables().any(|(q, _)| q == name) => {
                let kind: Option<&str> = c.queryables().find(|(q, _)| *q == name).map(|(_, t)| *t);
                check_type(name, v, kind.unwrap_or("string"))?;
                equals.push((k.clone(), v.clone()))
            }
            other => {
                return Err(ApiError::bad_parameter(format!(
                    "unknown parameter `{other}`; items take limit, offset, bbox, bbox-crs, crs and the queryables of `{}`: {}",
                    c.id,
                    c.queryables()
                        .map(|(q, _)| q.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        keep.push((k.clone(), v.clone()));
    }
    // A box in the working zone that cannot be placed on the earth holds no feature.
    let (bbox, nothing) = match bbox.map(|b| crs::bbox_to_lonlat(b, bbox_crs, &s.working_crs)) {
        None => (None, false),
        Some(Ok(b)) => (Some(b), false),
        Some(Err(_)) => (None, true),
    };
    Ok(ItemsQuery {
        limit,
        offset,
        crs: out_crs,
        selection: Selection {
            bbox,
            equals,
            nothing,
        },
        keep,
    })
}

/// The links of one page of `matched` features at `base`: itself, the next page when
/// there is more, the previous one when this is not the first. `keep` holds the query's
/// other parameters, repeated in each link.
pub fn page_links(
    base: &str,
    keep: &[(String, String)],
    (offset, limit): (usize, usize),
    returned: usize,
    matched: usize,
) -> Vec<Value> {
    let mut links = vec![link(
        format!("{base}?{}", query_string(keep, offset)),
        "self",
        GEOJSON,
        "this page",
    )];
    if offset.saturating_add(returned) < matched {
        links.push(link(
            format!("{base}?{}", query_string(keep, offset + returned)),
            "next",
            GEOJSON,
            "next page",
        ));
    }
    if offset > 0 {
        links.push(link(
            format!(
                "{base}?{}",
                query_string(keep, offset.saturating_sub(limit))
            ),
            "prev",
            GEOJSON,
            "previous page",
        ));
    }
    links
}

fn query_string(params: &[(String, String)], offset: usize) -> String {
    let mut parts: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    parts.push(format!("offset={offset}"));
    parts.join("&")
}

/// Percent-encode a query component.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' | b':' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub async fn items(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let s = state.current();
    let c = find(&s, &id)?;
    let q = parse_items_query(&params, c, &s)?;
    let hits = c.select(&q.selection);
    let page: Vec<usize> = hits.iter().skip(q.offset).take(q.limit).copied().collect();
    let base = format!("{}/collections/{}/items", base_url(&headers), c.id);
    let links = page_links(&base, &q.keep, (q.offset, q.limit), page.len(), hits.len());
    let members = format!(
        r#""numberMatched":{},"numberReturned":{},"links":{}"#,
        hits.len(),
        page.len(),
        Value::Array(links)
    );
    let uri = q.crs.uri(working_epsg(&s));
    // Pages are written a few at a time, off the reactor: however many clients ask for
    // 10,000 features at once, at most `BUILDERS` pages are being built.
    let _permit = builders().acquire().await.map_err(ApiError::internal)?;
    let crs = q.crs;
    let body = tokio::task::spawn_blocking(move || {
        let c = s.collection(&id).expect("found above");
        c.feature_collection(&page, crs, &members)
    })
    .await
    .map_err(ApiError::internal)?;
    Ok(geojson_response(body, &uri))
}

/// Pages being built at once: twice the cores.
fn builders() -> &'static tokio::sync::Semaphore {
    static BUILDERS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    BUILDERS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(2 * cores)
    })
}

pub async fn item(
    State(state): State<Arc<AppState>>,
    Path((id, fid)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let s = state.current();
    let c = find(&s, &id)?;
    let epsg = working_epsg(&s);
    if let Some(other) = params.keys().find(|k| !matches!(k.as_str(), "crs" | "f")) {
        return Err(ApiError::bad_parameter(format!(
            "unknown parameter `{other}`; a feature takes crs"
        )));
    }
    let out_crs = params
        .get("crs")
        .map(|v| crs::parse(v, epsg))
        .transpose()?
        .unwrap_or(OutCrs::Crs84);
    let index = c
        .index_of(&fid)
        .ok_or_else(|| ApiError::not_found(format!("no feature `{fid}` in `{id}`")))?;
    Ok(geojson_response(
        c.feature(index, out_crs),
        &out_crs.uri(epsg),
    ))
}
