//! The OpenAPI 3.0 document (`service-desc`) and a readable page (`service-doc`). The
//! document says exactly what the server accepts and answers: each collection's CRS list,
//! the problem codes, the deadlines of the schedule, the ledger statuses as enums; every
//! status an operation can answer with, each 4xx and 5xx as the one JSON error shape; the
//! ledger's operations behind a bearer token. schemathesis checks it against the running
//! server (tests/openapi.rs). QGIS takes its page size from
//! `components.parameters.limit.schema` and its simple queryables from the form parameters
//! declared on each `/collections/{id}/items` path, so every collection gets its own items
//! path listing its queryables.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::crs::advertised;
use super::http::{GEOJSON, MVT, OPENAPI, base_url};
use super::ogc::{DEFAULT_LIMIT, MAX_LIMIT};
use super::snapshot::Snapshot;
use super::state::AppState;
use crate::contract::{CampaignStatus, ProblemCode, ReadinessGroup};
use crate::ledger::status::Status;
use crate::tiles::grid::MAX_ZOOM;
use parts::{error, param_ref, path, query};

/// The pages and their forms.
mod pages;
/// The pieces every operation is built of.
mod parts;

/// Four or six comma-separated decimal numbers, as `bbox` takes them (`parse_bbox`).
pub const BBOX_PATTERN: &str = r"^(-?[0-9]{1,15}(\.[0-9]{1,15})?([eE][-+]?[0-9]{1,2})?,){3}-?[0-9]{1,15}(\.[0-9]{1,15})?([eE][-+]?[0-9]{1,2})?(,-?[0-9]{1,15}(\.[0-9]{1,15})?([eE][-+]?[0-9]{1,2})?,-?[0-9]{1,15}(\.[0-9]{1,15})?([eE][-+]?[0-9]{1,2})?)?$";

/// Success `media` types, then the error statuses the operation can answer with.
fn responses(ok: (&str, &[&str]), errors: &[(&str, &str)]) -> Value {
    let mut r = Map::new();
    let mut content = Map::new();
    for m in ok.1 {
        content.insert((*m).into(), json!({}));
    }
    r.insert(
        ok.0.into(),
        if content.is_empty() {
            json!({ "description": "OK" })
        } else {
            json!({ "description": "OK", "content": content })
        },
    );
    for (code, why) in errors {
        r.insert((*code).into(), error(why));
    }
    r.insert("503".into(), error("the request took longer than the service's timeout, or the ledger's database does not answer"));
    Value::Object(r)
}

const BAD: (&str, &str) = ("400", "a parameter is wrong; the body says which");
const MISSING: (&str, &str) = (
    "404",
    "no such collection, feature, cluster, outfall or file",
);

fn get(summary: &str, parameters: Vec<Value>, media: &[&str], errors: &[(&str, &str)]) -> Value {
    json!({ "get": { "summary": summary, "parameters": parameters, "responses": responses(("200", media), errors) } })
}

/// A ledger operation (or a path item of one GET): a bearer token, and the answers of
/// the token and the roles.
fn secured(mut item: Value) -> Value {
    let op = if item.get("get").is_some() {
        &mut item["get"]
    } else {
        &mut item
    };
    op["security"] = json!([{ "bearer": [] }]);
    let r = &mut op["responses"];
    r["401"] = error("no token, or a token the ledger does not know");
    r["403"] = error("the user's role may not do this, or not in this district");
    r["404"] = error("no such problem or evidence, or the service runs without a ledger");
    item
}

fn codes() -> Vec<&'static str> {
    ProblemCode::ALL.iter().map(|c| c.as_str()).collect()
}

fn statuses() -> Vec<&'static str> {
    Status::ALL
        .iter()
        .flat_map(|s| [s.as_str(), s.zh()])
        .collect()
}

fn items_path(c: &super::collection::Collection, crs: &[String]) -> Value {
    let mut params = vec![param_ref("limit"), param_ref("offset"), param_ref("bbox")];
    params.push(query(
        "bbox-crs",
        "the CRS of bbox (CRS84 by default)",
        json!({"type": "string", "enum": crs}),
    ));
    params.push(query(
        "crs",
        "the CRS of the geometry answered (CRS84 by default)",
        json!({"type": "string", "enum": crs}),
    ));
    params.push(param_ref("f"));
    for (name, kind) in c.queryables() {
        params.push(query(
            name,
            &format!("features whose `{name}` equals this"),
            json!({ "type": kind }),
        ));
    }
    let mut op = get(
        &format!("{}: features", c.title),
        params,
        &[GEOJSON],
        &[BAD],
    );
    op["get"]["responses"]["200"]["headers"] = json!({ "Content-Crs": { "schema": { "type": "string" }, "description": "the CRS of the geometry, as <URI>" } });
    op
}

/// The document of the service as started: the ledger's operations and their security only
/// when it runs with a ledger (without one they answer 404, which they would not promise).
pub fn document(s: &Snapshot, base: &str, with_ledger: bool) -> Value {
    let mut paths = Map::new();
    ogc_paths(&mut paths, s);
    api_paths(&mut paths, s);
    service_paths(&mut paths);
    tile_paths(&mut paths, s);
    pages::paths(&mut paths);
    if with_ledger {
        ledger_paths(&mut paths);
    }

    let mut doc = json!({
        "openapi": "3.0.3",
        "info": { "title": "zdz", "version": env!("CARGO_PKG_VERSION"), "description": "工业园区污水零直排区: clusters, deadlines, problems and the sewer network, as OGC API – Features and plain JSON; vector tiles; the problem ledger." },
        "servers": [{ "url": base }],
        "paths": paths,
        "components": {
            "parameters": {
                // No `maximum`: a larger limit is answered with MAX_LIMIT features, as OGC API –
                // Features asks (/req/core/fc-limit-response-1).
                "limit": query("limit", &format!("features per page (at most {MAX_LIMIT} are answered)"), json!({"type": "integer", "minimum": 1, "default": DEFAULT_LIMIT})),
                "offset": query("offset", "features to skip", json!({"type": "integer", "minimum": 0, "default": 0})),
                "bbox": query("bbox", "minx,miny,maxx,maxy, or minx,miny,minz,maxx,maxy,maxz, in bbox-crs (CRS84 by default)", json!({"type": "string", "pattern": BBOX_PATTERN})),
                "f": query("f", "the format: GeoJSON", json!({"type": "string", "enum": ["json", "geojson"]})),
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["code", "description"],
                    "properties": {
                        "code": { "type": "string", "description": "OGC-style: InvalidParameterValue, NotFound, Unauthorized, Forbidden, Conflict, Unavailable, MethodNotAllowed, PayloadTooLarge …" },
                        "description": { "type": "string", "description": "what was wrong, naming the parameter or the entry" },
                        "current": { "type": "object", "description": "with a 409 of the ledger: the entry as it now is" },
                    },
                },
                "Acceptance": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["date", "score", "by"],
                    "properties": {
                        "date": { "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "the date of the acceptance" },
                        "score": { "type": "number", "minimum": 0, "maximum": 100, "description": "the official score" },
                        "by": { "type": "string", "description": "who scored" },
                        "items": { "type": "object", "additionalProperties": { "type": "number", "minimum": 0, "maximum": 100 }, "description": "official points per rubric item" },
                        "note": { "type": "string" },
                        "override_reason": { "type": "string", "description": "record it although a veto problem is detected (city role)" },
                    },
                },
                "Change": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["version"],
                    "properties": {
                        "version": { "type": "integer", "minimum": 1, "maximum": 9_007_199_254_740_991u64, "description": "the entry's version the client saw (optimistic concurrency: another version is a 409)" },
                        "status": { "type": "string", "enum": statuses() },
                        "note": { "type": "string" },
                        "unit": { "type": "string", "description": "the unit responsible (责任单位); empty clears it" },
                        "measure": { "type": "string", "description": "the measure (整改措施); empty clears it" },
                        "due": { "type": "string", "format": "date", "pattern": "^(19[0-9]{2}|2[01][0-9]{2}|2200)-[0-9]{2}-[0-9]{2}$", "nullable": true, "description": "the due date, of the years 1900–2200; null clears it" },
                        "force_reason": { "type": "string", "description": "close although the latest run still detected it (city role)" },
                    },
                },
            },
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "a token from `zdz ledger user add`" } },
        },
    });
    if !with_ledger {
        let components = &mut doc["components"];
        if let Some(schemas) = components["schemas"].as_object_mut() {
            schemas.remove("Change");
            schemas.remove("Acceptance");
        }
        if let Some(c) = components.as_object_mut() {
            c.remove("securitySchemes");
        }
        doc["info"]["description"] = json!(
            "工业园区污水零直排区: clusters, deadlines, problems and the sewer network, as OGC API – Features and plain JSON; vector tiles."
        );
    }
    doc
}

/// OGC API – Features: the landing page, conformance, collections, items and features.
fn ogc_paths(paths: &mut Map<String, Value>, s: &Snapshot) {
    let crs = advertised(super::crs::epsg_code(&s.working_crs));
    let ids: Vec<&str> = s.collections.iter().map(|c| c.id.as_str()).collect();
    let collection_id = || path("collectionId", json!({ "type": "string", "enum": ids }));
    let json = &["application/json"];
    paths.insert(
        "/".into(),
        get(
            "Landing page (JSON), or the web map for a browser asking for text/html",
            vec![],
            &["application/json", "text/html"],
            &[],
        ),
    );
    paths.insert(
        "/conformance".into(),
        get("Conformance classes", vec![], json, &[]),
    );
    paths.insert(
        "/collections".into(),
        get("The collections", vec![], json, &[]),
    );
    paths.insert(
        "/collections/{collectionId}".into(),
        get("One collection", vec![collection_id()], json, &[MISSING]),
    );
    for c in &s.collections {
        paths.insert(format!("/collections/{}/items", c.id), items_path(c, &crs));
    }
    paths.insert(
        "/collections/{collectionId}/items/{featureId}".into(),
        get(
            "One feature",
            vec![
                collection_id(),
                path("featureId", json!({ "type": "string" })),
                query(
                    "crs",
                    "the CRS of the geometry answered (CRS84 by default)",
                    json!({"type": "string", "enum": crs}),
                ),
                param_ref("f"),
            ],
            &[GEOJSON],
            &[BAD, MISSING],
        ),
    );
    for (p, what) in [
        ("queryables", "Queryable properties"),
        ("schema", "Schema of the features"),
    ] {
        paths.insert(
            format!("/collections/{{collectionId}}/{p}"),
            get(
                what,
                vec![collection_id()],
                &["application/schema+json"],
                &[MISSING],
            ),
        );
    }
}

/// The questions users ask most, under `/api/`: their parameters read from the handlers'
/// types (`params.rs`).
fn api_paths(paths: &mut Map<String, Value>, s: &Snapshot) {
    let json = &["application/json"];
    let boolean = |name: &str, what: &str| query(name, what, json!({"type": "boolean"}));
    paths.insert(
        "/api/clusters".into(),
        get(
            "Clusters by deadline (a deadline of the schedule, its year, or out_of_scope), corridor, park and park level, readiness, with problem counts",
            vec![
                query("deadline", "a deadline of the schedule, its year, or out_of_scope", json!({"type": "string", "enum": s.deadline_values()})),
                boolean("in_corridor", "along the Yangtze"),
                query("park_id", "the park", json!({"type": "string"})),
                query("park_level", "national or provincial", json!({"type": "string", "enum": ["national", "provincial"]})),
                boolean("ready", "score at or above the pass line and no veto"),
                boolean("veto", "a veto problem holds"),
                query("readiness", "the readiness group: ready, veto, one_or_two, three_or_more, unreachable or out_of_scope", json!({"type": "string", "enum": ReadinessGroup::ALL.map(|g| g.as_str())})),
                query("campaign_status", "where the cluster stands as of the service's date: accepted, recheck, overdue, due or out_of_scope", json!({"type": "string", "enum": CampaignStatus::ALL.map(|c| c.as_str())})),
                query("limit", &format!("clusters per page (default {}; at most {} are answered); the `next` link gives the following page", super::api::CLUSTERS_PER_PAGE, super::ogc::MAX_LIMIT), json!({"type": "integer", "minimum": 1, "default": super::api::CLUSTERS_PER_PAGE})),
                query("offset", "clusters to skip", json!({"type": "integer", "minimum": 0, "default": 0})),
            ],
            &[GEOJSON],
            &[BAD],
        ),
    );
    let cluster_id = || path("clusterId", json!({"type": "string"}));
    paths.insert(
        "/api/clusters/{clusterId}/readiness".into(),
        get(
            "The cluster's score item by item, its veto, unanswered manual items and the fewest actions to ready",
            vec![cluster_id()],
            json,
            &[MISSING],
        ),
    );
    paths.insert(
        "/api/clusters/{clusterId}/downstream".into(),
        get(
            "The pipes downstream of the cluster's sewers and the plants that receive its sewage",
            vec![cluster_id()],
            &[GEOJSON],
            &[MISSING],
        ),
    );
    paths.insert(
        "/api/outfalls".into(),
        get(
            "Problem outfalls (at least one problem code)",
            vec![
                query(
                    "code",
                    "a problem code",
                    json!({"type": "string", "enum": codes()}),
                ),
                query("cluster_id", "the cluster", json!({"type": "string"})),
            ],
            &[GEOJSON],
            &[BAD],
        ),
    );
    paths.insert(
        "/api/outfalls/{outfallId}/trace".into(),
        get(
            "The outfall, its upstream pipes and the enterprises draining into them",
            vec![path("outfallId", json!({"type": "string"}))],
            &[GEOJSON],
            &[MISSING],
        ),
    );
}

/// The service itself: summary, reload, health, the QGIS layer definition, this document,
/// the web map and its assets.
fn service_paths(paths: &mut Map<String, Value>) {
    let json = &["application/json"];
    paths.insert(
        "/api/summary".into(),
        get(
            "Counts per code, deadline and cluster; the run's parameters",
            vec![],
            json,
            &[],
        ),
    );
    paths.insert(
        "/api/reload".into(),
        json!({ "post": { "summary": "Re-read and re-analyse the workspace in the background; the old result is served until the new one is ready", "responses": {
            "202": { "description": "reload started", "content": { "application/json": {} } },
            "409": error("a reload is already running"),
            "503": error("the request took longer than the service's timeout"),
        } } }),
    );
    paths.insert(
        "/healthz".into(),
        get(
            "Liveness, snapshot version, the last reload error and the warnings of the run",
            vec![],
            json,
            &[],
        ),
    );
    paths.insert(
        "/zdz.qlr".into(),
        get(
            "A QGIS layer definition of every collection, styled",
            vec![],
            &["application/xml"],
            &[],
        ),
    );
    paths.insert(
        "/openapi".into(),
        get("This document", vec![], &[OPENAPI], &[]),
    );
    paths.insert(
        "/docs".into(),
        get("This document as a page", vec![], &["text/html"], &[]),
    );
    paths.insert(
        "/map".into(),
        get("The web map", vec![], &["text/html"], &[]),
    );
    paths.insert(
        "/map/{file}".into(),
        get(
            "The web map's script, stylesheet, labels and the vendored MapLibre GL JS",
            vec![path(
                "file",
                json!({"type": "string", "enum": super::web::ASSETS}),
            )],
            &[
                "text/javascript",
                "text/css",
                "text/plain",
                "application/json",
            ],
            &[MISSING],
        ),
    );
    paths.insert(
        "/favicon.ico".into(),
        json!({ "get": { "summary": "No icon", "responses": { "204": { "description": "no content" }, "503": error("timeout") } } }),
    );
}

/// Vector tiles, their TileJSON and the web map's style.
fn tile_paths(paths: &mut Map<String, Value>, s: &Snapshot) {
    let tiled: Vec<&str> = s
        .collections
        .iter()
        .filter(|c| s.tile_source(&c.id).is_some())
        .map(|c| c.id.as_str())
        .collect();
    let json = &["application/json"];
    let tile_number = |name: &str, max: u64| {
        path(
            name,
            json!({"type": "integer", "minimum": 0, "maximum": max}),
        )
    };
    let mut tile = get(
        "A Mapbox Vector Tile (2.1) of a collection, Web Mercator; a tile beyond the grid at its zoom is 404",
        vec![
            path("collection", json!({"type": "string", "enum": tiled})),
            tile_number("z", MAX_ZOOM as u64),
            tile_number("x", (1u64 << MAX_ZOOM) - 1),
            tile_number("y", (1u64 << MAX_ZOOM) - 1),
        ],
        &[MVT],
        &[BAD, MISSING],
    );
    tile["get"]["responses"]["200"]["headers"] = json!({ "ETag": { "schema": { "type": "string" }, "description": "the snapshot's version" } });
    paths.insert("/tiles/{collection}/{z}/{x}/{y}.mvt".into(), tile);
    paths.insert(
        "/tiles/{collection}.json".into(),
        get(
            "TileJSON 3.0 of a collection's tiles",
            vec![path("collection", json!({"type": "string", "enum": tiled}))],
            json,
            &[MISSING],
        ),
    );
    paths.insert(
        "/tiles/style.json".into(),
        get("The web map's MapLibre style", vec![], json, &[]),
    );
}

fn ledger_paths(paths: &mut Map<String, Value>) {
    let problem_id = || path("problemId", json!({"type": "string"}));
    let conflict = (
        "409",
        "the entry changed since the version given, or the change breaks a rule (closing a problem still detected, dismissing without a note); `current` is the entry as it is",
    );
    paths.insert(
        "/api/ledger/problems".into(),
        secured(get(
            "The ledger's entries (问题清单), narrowed by cluster, district, status, code; a district user sees its district only",
            vec![
                query("cluster", "the cluster", json!({"type": "string"})),
                query("district", "the district", json!({"type": "string"})),
                query("status", "the status", json!({"type": "string", "enum": statuses()})),
                query("code", "the problem code", json!({"type": "string", "enum": codes()})),
            ],
            &["application/json"],
            &[BAD],
        )),
    );
    let mut one = secured(get(
        "One entry with its history and evidence",
        vec![problem_id()],
        &["application/json"],
        &[],
    ));
    let post = secured(json!({
        "summary": "Change an entry at the version the client saw",
        "parameters": [problem_id()],
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Change" } } } },
        "responses": responses(("200", &["application/json"]), &[BAD, conflict, ("413", "the body is larger than 64 KiB")]),
    }));
    one["post"] = post;
    paths.insert("/api/ledger/problems/{problemId}".into(), one);
    paths.insert(
        "/api/ledger/problems/{problemId}/evidence".into(),
        json!({ "post": secured(json!({
            "summary": "Attach evidence (photos, PDFs; at most 20 MiB each), stored by content hash",
            "parameters": [problem_id()],
            "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": {
                "type": "object",
                "additionalProperties": false,
                "required": ["file"],
                "properties": { "file": { "type": "string", "format": "binary" } },
            } } } },
            "responses": responses(("200", &["application/json"]), &[BAD, ("413", "a file is larger than 20 MiB")]),
        })) }),
    );
    paths.insert(
        "/api/ledger/evidence/{sha256}".into(),
        secured(get(
            "A piece of evidence, by the SHA-256 of its content",
            vec![path(
                "sha256",
                json!({"type": "string", "pattern": "^[0-9a-f]{64}$"}),
            )],
            &["*/*"],
            &[BAD],
        )),
    );
    let cluster_id = || path("clusterId", json!({"type": "string"}));
    paths.insert(
        "/api/ledger/clusters/{clusterId}/acceptance".into(),
        json!({ "post": secured(json!({
            "summary": "Record a cluster's official acceptance (验收): refused while zdz's latest run detects a veto problem in it, unless a city user overrides with a reason; a district user for its own district's clusters",
            "parameters": [cluster_id()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Acceptance" } } } },
            "responses": responses(("200", &["application/json"]), &[("400", "not an acceptance, or a date or score that is not one"), ("409", "zdz's latest run detects a veto problem in the cluster (a city user may override with a reason)"), ("413", "the body is larger than 64 KiB")]),
        })) }),
    );
    paths.insert(
        "/api/ledger/clusters/{clusterId}/acceptance/evidence".into(),
        json!({ "post": secured(json!({
            "summary": "Attach the acceptance opinion (验收意见: a PDF or photo, at most 20 MiB) to the cluster's latest acceptance, stored by content hash",
            "parameters": [cluster_id()],
            "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": {
                "type": "object",
                "additionalProperties": false,
                "required": ["file"],
                "properties": { "file": { "type": "string", "format": "binary" } },
            } } } },
            "responses": responses(("200", &["application/json"]), &[BAD, ("413", "the file is larger than 20 MiB")]),
        })) }),
    );
    paths.insert(
        "/api/ledger/clusters/{clusterId}/acceptances".into(),
        secured(get(
            "A cluster's acceptances, oldest first, each with zdz's score beside the official one",
            vec![cluster_id()],
            &["application/json"],
            &[],
        )),
    );
    paths.insert(
        "/api/ledger/progress".into(),
        secured(get(
            "Progress per district and cluster (整改工作进展情况), overdue and recurrent problems",
            vec![],
            &["application/json"],
            &[],
        )),
    );
}

pub async fn openapi(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let doc = document(
        &state.current(),
        &base_url(&headers),
        state.ledger.is_some(),
    );
    ([(header::CONTENT_TYPE, OPENAPI)], doc.to_string()).into_response()
}

/// A plain page listing every endpoint and collection.
pub async fn docs(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Html<String> {
    let s = state.current();
    let base = base_url(&headers);
    let doc = document(&s, &base, state.ledger.is_some());
    let mut rows = String::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, ops) in paths {
            for (method, op) in ops.as_object().into_iter().flatten() {
                rows += &format!(
                    "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>\n",
                    method.to_uppercase(),
                    path,
                    op["summary"].as_str().unwrap_or("")
                );
            }
        }
    }
    let collections: String = s
        .collections
        .iter()
        .map(|c| {
            format!(
                "<li><a href=\"{base}/collections/{0}/items\">{0}</a> — {1} ({2} features)</li>\n",
                c.id,
                c.title,
                c.len()
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>zdz API</title></head><body>\
         <h1>zdz — 污水零直排区 API</h1><p>In QGIS: Layer ▸ Add Layer ▸ Add WFS / OGC API – Features layer, URL <code>{base}</code>. \
         In GDAL: <code>ogrinfo OAPIF:{base}</code>. The OpenAPI document is at <a href=\"{base}/openapi\">/openapi</a>.</p>\
         <h2>Collections</h2><ul>{collections}</ul><h2>Endpoints</h2><table>{rows}</table></body></html>"
    ))
}
