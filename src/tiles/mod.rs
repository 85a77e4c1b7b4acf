//! Mapbox Vector Tiles (2.1, Web Mercator, zoom 0–18) cut per request from the
//! service's in-memory collections: no database, no pre-rendered pyramid. One source per
//! collection behind one interface (`source::TileIndex` over `source::Features`), the tile
//! math in `grid`, clipping in `clip`; nothing about HTTP here.

/// Clip and snap geometry to a tile's grid.
pub mod clip;
/// One tile's layer as MVT: geometry commands and tags, encoded.
pub mod encode;
/// Tile addresses, Web Mercator and the tile grid.
pub mod grid;
/// A collection as a tile source.
pub mod source;
/// A collection's properties as MVT tags, prepared once per snapshot.
pub mod tags;

use serde_json::{Value, json};

use source::{Rule, get};
use tags::Prop;

/// A feature's borrowed properties.
type Props<'a, 'b> = &'b [(&'a str, Prop<'a>)];

fn text<'a>(p: Props<'a, '_>, k: &str) -> &'a str {
    get(p, k).and_then(Prop::as_str).unwrap_or("")
}

fn problem_importance(p: Props) -> f32 {
    match text(p, "severity") {
        "high" => 3.0,
        "medium" => 2.0,
        _ => 1.0,
    }
}

fn outfall_importance(p: Props) -> f32 {
    let codes = match get(p, "problem_codes") {
        Some(Prop::Json(Value::Array(a))) => a.len(),
        _ => 0,
    };
    1.0 + codes as f32
}

fn pipe_importance(p: Props) -> f32 {
    let kind = match text(p, "kind") {
        "sewage" | "combined" => 2.0,
        _ => 1.0,
    };
    let defect = get(p, "defect_grade")
        .and_then(Prop::as_i64)
        .is_some_and(|g| g >= 3) as u8 as f32;
    kind + defect + get(p, "diameter_mm").and_then(Prop::as_f64).unwrap_or(0.0) as f32 / 10_000.0
}

fn enterprise_importance(p: Props) -> f32 {
    if text(p, "status") == "covered" {
        1.0
    } else {
        2.0
    }
}

fn river_importance(p: Props) -> f32 {
    if matches!(get(p, "main_stem"), Some(Prop::Bool(true))) {
        2.0
    } else {
        1.0
    }
}

fn flat(_: Props) -> f32 {
    1.0
}

/// How much a feature matters when a tile must leave some out (higher: kept longer).
type Importance = fn(Props) -> f32;

/// How each collection is tiled: problems and outfalls are never left out from zoom 12.
pub fn rule(collection: &str) -> Rule {
    let (keep_from, importance): (Option<u8>, Importance) = match collection {
        "problems" => (Some(12), problem_importance),
        "outfalls" => (Some(12), outfall_importance),
        "pipes" => (None, pipe_importance),
        "enterprises" => (None, enterprise_importance),
        "rivers" => (None, river_importance),
        _ => (None, flat),
    };
    Rule {
        keep_from,
        importance,
    }
}

/// TileJSON 3.0 for one collection's tiles at `base`.
pub fn tilejson(
    base: &str,
    collection: &str,
    title: &str,
    index: &source::TileIndex,
    version: u64,
) -> Value {
    let bounds = index.bounds.unwrap_or([-180.0, -85.0, 180.0, 85.0]);
    json!({
        "tilejson": "3.0.0",
        "name": title,
        "version": format!("1.0.{version}"),
        "scheme": "xyz",
        "tiles": [format!("{base}/tiles/{collection}/{{z}}/{{x}}/{{y}}.mvt")],
        "minzoom": 0,
        "maxzoom": grid::MAX_ZOOM,
        "bounds": bounds,
        "center": [(bounds[0] + bounds[2]) / 2.0, (bounds[1] + bounds[3]) / 2.0, 8],
        "vector_layers": [index.vector_layer(title)],
    })
}
