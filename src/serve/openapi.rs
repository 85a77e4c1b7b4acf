//! The OpenAPI 3.0 document (`service-desc`) and a readable page (`service-doc`). QGIS
//! takes its page size from `components.parameters.limit.schema` and its simple queryables
//! from the form parameters declared on each `/collections/{id}/items` path, so every
//! collection gets its own items path listing its queryables.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::ogc::{DEFAULT_LIMIT, GEOJSON, MAX_LIMIT, base_url};
use super::snapshot::Snapshot;
use super::state::AppState;

pub const MEDIA_TYPE: &str = "application/vnd.oai.openapi+json;version=3.0";

fn param_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/parameters/{name}") })
}

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "style": "form", "explode": false, "description": description, "schema": schema })
}

fn get(summary: &str, parameters: Vec<Value>, media: &str) -> Value {
    json!({ "get": {
        "summary": summary,
        "parameters": parameters,
        "responses": {
            "200": { "description": "OK", "content": { media: {} } },
            "400": { "description": "a parameter is wrong; the body says which", "content": { "application/json": {} } },
            "404": { "description": "no such collection or feature", "content": { "application/json": {} } },
        },
    }})
}

pub fn document(s: &Snapshot, base: &str) -> Value {
    let mut paths = Map::new();
    paths.insert("/".into(), get("Landing page", vec![], "application/json"));
    paths.insert(
        "/conformance".into(),
        get("Conformance classes", vec![], "application/json"),
    );
    paths.insert(
        "/collections".into(),
        get("The collections", vec![], "application/json"),
    );
    paths.insert(
        "/collections/{collectionId}".into(),
        get(
            "One collection",
            vec![param_ref("collectionId")],
            "application/json",
        ),
    );
    let common = || {
        ["limit", "offset", "bbox", "bbox-crs", "crs"]
            .map(param_ref)
            .to_vec()
    };
    for c in &s.collections {
        let mut params = common();
        for (name, kind) in c.queryables() {
            params.push(query(
                name,
                &format!("features whose `{name}` equals this"),
                json!({ "type": kind }),
            ));
        }
        paths.insert(
            format!("/collections/{}/items", c.id),
            get(&format!("{}: features", c.title), params, GEOJSON),
        );
    }
    paths.insert(
        "/collections/{collectionId}/items/{featureId}".into(),
        get(
            "One feature",
            vec![
                param_ref("collectionId"),
                param_ref("featureId"),
                param_ref("crs"),
            ],
            GEOJSON,
        ),
    );
    paths.insert(
        "/collections/{collectionId}/queryables".into(),
        get(
            "Queryable properties",
            vec![param_ref("collectionId")],
            "application/schema+json",
        ),
    );
    paths.insert(
        "/collections/{collectionId}/schema".into(),
        get(
            "Schema of the features",
            vec![param_ref("collectionId")],
            "application/schema+json",
        ),
    );
    paths.insert(
        "/api/clusters".into(),
        get(
            "Clusters by deadline (a year such as 2025, a date, or out_of_scope), corridor, park and park level, with problem counts",
            vec![
                query("deadline", "2025, 2025-12-31 or out_of_scope", json!({"type": "string"})),
                query("in_corridor", "along the Yangtze", json!({"type": "boolean"})),
                query("park_id", "the park", json!({"type": "string"})),
                query("park_level", "national or provincial", json!({"type": "string", "enum": ["national", "provincial"]})),
                query("ready", "score at or above the pass line and no veto", json!({"type": "boolean"})),
                query("veto", "a veto problem holds", json!({"type": "boolean"})),
                query("readiness", "ready, not_ready, veto or out_of_scope", json!({"type": "string", "enum": super::api::READINESS})),
            ],
            GEOJSON,
        ),
    );
    let cluster_id = || json!({"name": "clusterId", "in": "path", "required": true, "schema": {"type": "string"}});
    paths.insert(
        "/api/clusters/{clusterId}/readiness".into(),
        get(
            "The cluster's score item by item, its veto, unanswered manual items and the fewest actions to ready",
            vec![cluster_id()],
            "application/json",
        ),
    );
    paths.insert(
        "/api/clusters/{clusterId}/downstream".into(),
        get(
            "The pipes downstream of the cluster's sewers and the plants that receive its sewage",
            vec![cluster_id()],
            GEOJSON,
        ),
    );
    paths.insert(
        "/api/outfalls".into(),
        get(
            "Problem outfalls (at least one problem code)",
            vec![
                query("code", "a problem code", json!({"type": "string"})),
                query("cluster_id", "the cluster", json!({"type": "string"})),
            ],
            GEOJSON,
        ),
    );
    paths.insert(
        "/api/outfalls/{outfallId}/trace".into(),
        get(
            "The outfall, its upstream pipes and the enterprises draining into them",
            vec![json!({"name": "outfallId", "in": "path", "required": true, "schema": {"type": "string"}})],
            GEOJSON,
        ),
    );
    paths.insert(
        "/api/summary".into(),
        get(
            "Counts per code, deadline and cluster; the run's parameters",
            vec![],
            "application/json",
        ),
    );
    paths.insert(
        "/api/reload".into(),
        json!({ "post": { "summary": "Re-read and re-analyse the workspace in the background; the old result is served until the new one is ready", "responses": { "202": { "description": "reload started" }, "409": { "description": "a reload is already running" } } } }),
    );
    paths.insert(
        "/healthz".into(),
        get(
            "Liveness, snapshot version and the last reload error",
            vec![],
            "application/json",
        ),
    );

    json!({
        "openapi": "3.0.3",
        "info": { "title": "zdz", "version": env!("CARGO_PKG_VERSION"), "description": "工业园区污水零直排区: clusters, deadlines, problems and the sewer network, as OGC API – Features and plain JSON." },
        "servers": [{ "url": base }],
        "paths": paths,
        "components": { "parameters": {
            "limit": query("limit", "features per page", json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT})),
            "offset": query("offset", "features to skip", json!({"type": "integer", "minimum": 0, "default": 0})),
            "bbox": query("bbox", "minx,miny,maxx,maxy in bbox-crs (CRS84 by default)", json!({"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 6})),
            "bbox-crs": query("bbox-crs", "CRS of bbox", json!({"type": "string", "format": "uri"})),
            "crs": query("crs", "CRS of the response geometry", json!({"type": "string", "format": "uri"})),
            "collectionId": { "name": "collectionId", "in": "path", "required": true, "schema": { "type": "string" } },
            "featureId": { "name": "featureId", "in": "path", "required": true, "schema": { "type": "string" } },
        }},
    })
}

pub async fn openapi(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let doc = document(&state.current(), &base_url(&headers));
    ([(header::CONTENT_TYPE, MEDIA_TYPE)], doc.to_string()).into_response()
}

/// A plain page listing every endpoint and collection.
pub async fn docs(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Html<String> {
    let s = state.current();
    let base = base_url(&headers);
    let doc = document(&s, &base);
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
