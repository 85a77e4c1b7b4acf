//! The web map's MapLibre style, from the same rule model as the QGIS and SLD styles: one
//! vector source per collection (zdz's own tiles), layers coloured by the model's
//! categories with `match` expressions, and the legend in `metadata` so the page draws it
//! from the same classes. No glyphs, no sprites, no remote source: it works offline. An
//! optional raster basemap goes underneath.

use serde_json::{Value, json};

use super::model::{LayerStyle, Renderer, Rgba};

fn css(c: Rgba) -> String {
    format!("rgba({},{},{},{})", c[0], c[1], c[2], c[3] as f64 / 255.0)
}

/// `["match", ["get", field], v1, c1, …, fallback]` for a categorised layer.
fn color_match(field: &str, categories: &[super::model::Category], fallback: &str) -> Value {
    let mut m = vec![json!("match"), json!(["to-string", ["get", field]])];
    for c in categories {
        m.push(json!(c.value));
        m.push(json!(css(c.color)));
    }
    m.push(json!(fallback));
    Value::Array(m)
}

fn paint_color(style: &LayerStyle) -> Value {
    match &style.renderer {
        Renderer::Single { color } => json!(css(*color)),
        Renderer::Categorized { field, categories } => color_match(field, categories, "#888888"),
    }
}

/// The legend of one layer: its title and classes (label, colour, outline).
fn legend(style: &LayerStyle) -> Value {
    let classes: Vec<Value> = match &style.renderer {
        Renderer::Single { color } => vec![json!({ "label": style.title, "color": css(*color) })],
        Renderer::Categorized { categories, .. } => categories
            .iter()
            .map(|c| json!({ "value": c.value, "label": c.label, "color": css(c.color) }))
            .collect(),
    };
    let outline: Vec<Value> = style
        .outline
        .iter()
        .flat_map(|o| {
            o.categories
                .iter()
                .map(|c| json!({ "value": c.value, "label": c.label, "color": css(c.color) }))
        })
        .collect();
    json!({ "layer": style.layer, "title": style.title, "classes": classes, "outline": outline })
}

/// The map layers of one styled collection.
fn layers(style: &LayerStyle) -> Vec<Value> {
    let id = style.layer;
    let src = json!({ "source": id, "source-layer": id });
    let with = |mut v: Value| {
        v["source"] = src["source"].clone();
        v["source-layer"] = src["source-layer"].clone();
        v
    };
    match id {
        "clusters" => {
            let mut out = vec![with(json!({
                "id": "clusters-fill",
                "type": "fill",
                "paint": { "fill-color": paint_color(style), "fill-opacity": 0.45 },
            }))];
            if let Some(o) = &style.outline {
                out.push(with(json!({
                    "id": "clusters-outline",
                    "type": "line",
                    "paint": {
                        "line-color": color_match(o.field, &o.categories, "#555555"),
                        "line-width": ["case", ["boolean", ["feature-state", "selected"], false], 5, 2.2],
                    },
                })));
            }
            out
        }
        "districts" => vec![with(json!({
            "id": "districts-outline",
            "type": "line",
            "paint": { "line-color": paint_color(style), "line-width": 1.0, "line-opacity": 0.7 },
        }))],
        "parks" => vec![with(json!({
            "id": "parks-outline",
            "type": "line",
            "paint": { "line-color": paint_color(style), "line-width": 1.2, "line-dasharray": [3, 2] },
        }))],
        "rivers" => vec![with(json!({
            "id": "rivers-line",
            "type": "line",
            "paint": {
                "line-color": paint_color(style),
                "line-width": ["case", ["==", ["get", "main_stem"], true], 3.5, 1.8],
            },
        }))],
        "pipes" => vec![
            with(json!({
                "id": "pipes-line",
                "type": "line",
                "minzoom": 10,
                "paint": {
                    "line-color": paint_color(style),
                    "line-width": ["interpolate", ["linear"], ["zoom"], 10, 0.6, 16, 2.5],
                },
            })),
            with(json!({
                "id": "pipes-trace",
                "type": "line",
                "minzoom": 8,
                "paint": {
                    "line-color": "#e6007e",
                    "line-width": ["interpolate", ["linear"], ["zoom"], 8, 2.5, 16, 6],
                    "line-opacity": ["case", ["boolean", ["feature-state", "trace"], false], 0.9, 0],
                },
            })),
            with(json!({
                "id": "pipes-arrows",
                "type": "symbol",
                "minzoom": 15,
                "layout": {
                    "symbol-placement": "line",
                    "symbol-spacing": 60,
                    "icon-image": "zdz-arrow",
                    "icon-size": 0.6,
                    "icon-allow-overlap": true,
                },
                "paint": { "icon-color": paint_color(style) },
            })),
        ],
        "manholes" => vec![with(json!({
            "id": "manholes-circle",
            "type": "circle",
            "minzoom": 14,
            "paint": {
                "circle-color": paint_color(style),
                "circle-radius": 2.5,
                "circle-stroke-color": "#ffffff",
                "circle-stroke-width": 0.6,
            },
        }))],
        "enterprises" => vec![with(json!({
            "id": "enterprises-circle",
            "type": "circle",
            "minzoom": 11,
            "paint": {
                "circle-color": paint_color(style),
                "circle-radius": ["case", ["boolean", ["feature-state", "trace"], false], 7, 3.5],
                "circle-stroke-color": ["case", ["boolean", ["feature-state", "trace"], false], "#e6007e", "#ffffff"],
                "circle-stroke-width": ["case", ["boolean", ["feature-state", "trace"], false], 3, 0.8],
            },
        }))],
        "plants" => vec![with(json!({
            "id": "plants-circle",
            "type": "circle",
            "paint": {
                "circle-color": paint_color(style),
                "circle-radius": 7,
                "circle-stroke-color": "#222222",
                "circle-stroke-width": 1.5,
            },
        }))],
        "outfalls" => vec![with(json!({
            "id": "outfalls-circle",
            "type": "circle",
            "paint": {
                "circle-color": paint_color(style),
                "circle-radius": ["interpolate", ["linear"], ["zoom"], 6, 3, 14, 7],
                "circle-stroke-color": ["case", ["boolean", ["feature-state", "selected"], false], "#e6007e", "#222222"],
                "circle-stroke-width": ["case", ["boolean", ["feature-state", "selected"], false], 3, 1],
            },
        }))],
        "problems" => vec![with(json!({
            "id": "problems-circle",
            "type": "circle",
            "paint": {
                "circle-color": paint_color(style),
                "circle-radius": ["interpolate", ["linear"], ["zoom"], 6, 2.5, 14, 6],
                "circle-stroke-color": "#ffffff",
                "circle-stroke-width": 1.2,
            },
        }))],
        _ => Vec::new(),
    }
}

/// The stable id property of a collection's features.
fn id_property(layer: &str) -> Option<&'static str> {
    Some(match layer {
        "clusters" => "cluster_id",
        "problems" => "problem_id",
        "outfalls" => "outfall_id",
        "pipes" => "pipe_id",
        "manholes" => "node_id",
        "enterprises" => "enterprise_id",
        "plants" => "plant_id",
        "parks" => "park_id",
        "districts" => "name",
        _ => return None,
    })
}

/// The style for the collections in `present` (those with features), served at `base`;
/// `basemap` an XYZ raster URL template to draw underneath, if any.
pub fn style(styles: &[LayerStyle], present: &[&str], base: &str, basemap: Option<&str>) -> Value {
    // Drawn bottom to top.
    const ORDER: [&str; 10] = [
        "districts",
        "parks",
        "clusters",
        "rivers",
        "pipes",
        "manholes",
        "enterprises",
        "plants",
        "outfalls",
        "problems",
    ];
    let mut sources = serde_json::Map::new();
    let mut map_layers = vec![json!({
        "id": "background",
        "type": "background",
        "paint": { "background-color": "#f4f3ee" },
    })];
    if let Some(url) = basemap {
        sources.insert(
            "basemap".into(),
            json!({ "type": "raster", "tiles": [url], "tileSize": 256 }),
        );
        map_layers.push(json!({ "id": "basemap", "type": "raster", "source": "basemap" }));
    }
    let mut legends = Vec::new();
    for layer in ORDER {
        if !present.contains(&layer) {
            continue;
        }
        let Some(s) = styles.iter().find(|s| s.layer == layer) else {
            continue;
        };
        let mut source = json!({
            "type": "vector",
            "tiles": [format!("{base}/tiles/{layer}/{{z}}/{{x}}/{{y}}.mvt")],
            "minzoom": 0,
            "maxzoom": crate::tiles::grid::MAX_ZOOM,
            "attribution": "zdz",
        });
        // Feature state (selection, trace) keyed by the collection's stable id.
        if let Some(id) = id_property(layer) {
            source["promoteId"] = json!({ layer: id });
        }
        sources.insert(layer.into(), source);
        map_layers.extend(layers(s));
        legends.push(legend(s));
    }
    json!({
        "version": 8,
        "name": "zdz 一张图",
        "sources": sources,
        "layers": map_layers,
        "metadata": { "zdz:legend": legends },
    })
}
