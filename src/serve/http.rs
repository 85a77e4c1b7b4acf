//! HTTP plumbing every handler shares and none of them owns: media types, the base URL the
//! client reached, links, GeoJSON responses with their CRS header, and ETags. A leaf: it
//! knows nothing of snapshots, collections or the domain.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// GeoJSON (RFC 7946).
pub const GEOJSON: &str = "application/geo+json";
/// Mapbox vector tiles.
pub const MVT: &str = "application/vnd.mapbox-vector-tile";
/// The OpenAPI document.
pub const OPENAPI: &str = "application/vnd.oai.openapi+json;version=3.0";

/// The service's base URL as the client reached it.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// An OGC link object.
pub fn link(href: String, rel: &str, kind: &str, title: &str) -> Value {
    json!({ "href": href, "rel": rel, "type": kind, "title": title })
}

/// A GeoJSON response with the CRS header OGC API – Features Part 2 asks for.
pub fn geojson_response(body: String, crs_uri: &str) -> Response {
    let mut r = ([(header::CONTENT_TYPE, GEOJSON)], body).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("<{crs_uri}>")) {
        r.headers_mut().insert("Content-Crs", v);
    }
    r
}

/// The ETag of everything a snapshot of version `version` serves.
pub fn etag(version: u64) -> String {
    format!("\"zdz-{version}\"")
}

/// Whether the client already holds the version tagged `tag`.
pub fn fresh(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"))
}

/// `r` tagged `tag`, to be revalidated on every use (a 304 is cheap): a reload must never
/// leave a client with stale answers.
pub fn cached(mut r: Response, tag: &str) -> Response {
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(tag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}
