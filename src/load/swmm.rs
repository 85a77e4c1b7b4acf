//! EPA SWMM models (`.inp`) as network sources: the links of [CONDUITS], [PUMPS],
//! [ORIFICES], [WEIRS] and [OUTLETS] become pipes with `from_node`/`to_node` and a line
//! through [COORDINATES] and [VERTICES]; the nodes of [OUTFALLS] become outfalls. SWMM
//! says nothing of a CRS or of sewage versus storm: `zdz.toml` gives both.
//!
//! The model is turned into GeoJSON with the contract's field names and read through
//! GDAL like any other layer, so field maps, filters and checks apply unchanged.

use std::collections::HashMap;

use anyhow::{Result, bail};
use serde_json::{Value, json};

/// Sections whose rows are links: name, from node, to node, then type-specific columns.
const LINK_SECTIONS: &[&str] = &["CONDUITS", "PUMPS", "ORIFICES", "WEIRS", "OUTLETS"];

/// The layers a SWMM model offers.
pub const LAYERS: &[&str] = &["conduits", "outfalls", "junctions"];

#[derive(Debug, Default)]
struct Model {
    /// (section, columns) in file order.
    rows: Vec<(String, Vec<String>, usize)>,
    coords: HashMap<String, (f64, f64)>,
    vertices: HashMap<String, Vec<(f64, f64)>>,
}

fn parse(text: &str, path: &str) -> Result<Model> {
    let mut model = Model::default();
    let mut section = String::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split(';').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            section = line[1..line.len() - 1].trim().to_ascii_uppercase();
            continue;
        }
        let cols: Vec<String> = line.split_whitespace().map(String::from).collect();
        let xy = |cols: &[String]| -> Result<(f64, f64)> {
            match (
                cols.get(1).map(|c| c.parse()),
                cols.get(2).map(|c| c.parse()),
            ) {
                (Some(Ok(x)), Some(Ok(y))) => Ok((x, y)),
                _ => bail!(
                    "{path}, line {}: [{section}] needs a name, X and Y: `{line}`",
                    n + 1
                ),
            }
        };
        match section.as_str() {
            "COORDINATES" => {
                model.coords.insert(cols[0].clone(), xy(&cols)?);
            }
            "VERTICES" => model
                .vertices
                .entry(cols[0].clone())
                .or_default()
                .push(xy(&cols)?),
            s if LINK_SECTIONS.contains(&s) || s == "OUTFALLS" || s == "JUNCTIONS" => {
                if LINK_SECTIONS.contains(&s) && cols.len() < 3 {
                    bail!(
                        "{path}, line {}: [{s}] needs a name, a from node and a to node: `{line}`",
                        n + 1
                    );
                }
                model.rows.push((section.clone(), cols, n + 1));
            }
            _ => {}
        }
    }
    Ok(model)
}

/// One layer of a SWMM model as GeoJSON text (coordinates as in the model).
pub fn layer_geojson(text: &str, path: &str, layer: &str) -> Result<String> {
    let model = parse(text, path)?;
    let point = |name: &str| model.coords.get(name).map(|(x, y)| json!([x, y]));
    let features: Vec<Value> = match layer {
        "conduits" => model
            .rows
            .iter()
            .filter(|(s, _, _)| LINK_SECTIONS.contains(&s.as_str()))
            .map(|(section, c, _)| {
                let ends = (model.coords.get(&c[1]), model.coords.get(&c[2]));
                let geometry = match ends {
                    (Some(a), Some(b)) => {
                        let mut line = vec![json!([a.0, a.1])];
                        for (x, y) in model.vertices.get(&c[0]).into_iter().flatten() {
                            line.push(json!([x, y]));
                        }
                        line.push(json!([b.0, b.1]));
                        json!({"type": "LineString", "coordinates": line})
                    }
                    _ => Value::Null,
                };
                json!({
                    "type": "Feature",
                    "geometry": geometry,
                    "properties": {
                        "pipe_id": c[0],
                        "from_node": c[1],
                        "to_node": c[2],
                        "swmm_section": section,
                        "length": if section == "CONDUITS" { c.get(3).cloned() } else { None },
                    },
                })
            })
            .collect(),
        "outfalls" | "junctions" => {
            let wanted = layer.to_ascii_uppercase();
            model
                .rows
                .iter()
                .filter(|(s, _, _)| *s == wanted)
                .map(|(_, c, _)| {
                    let geometry = point(&c[0])
                        .map(|xy| json!({"type": "Point", "coordinates": xy}))
                        .unwrap_or(Value::Null);
                    json!({
                        "type": "Feature",
                        "geometry": geometry,
                        "properties": {
                            "outfall_id": c[0],
                            "swmm_type": if layer == "outfalls" { c.get(2).cloned() } else { None },
                        },
                    })
                })
                .collect()
        }
        other => bail!(
            "{path}: a SWMM model has no layer `{other}`; its layers are {}",
            LAYERS.join(", ")
        ),
    };
    Ok(json!({"type": "FeatureCollection", "features": features}).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: &str = "\
[TITLE]
tiny
[OUTFALLS]
;;Name Elev Type
OUT1   10   FREE
[CONDUITS]
C1  J1  J2  100  0.013
C2  J2  OUT1 50  0.013 ; trailing comment
[COORDINATES]
J1   0 0
J2   100 0
OUT1 150 0
[VERTICES]
C2 120 10
";

    #[test]
    fn conduits_run_from_node_to_node_through_their_vertices() {
        let fc: Value =
            serde_json::from_str(&layer_geojson(MODEL, "m.inp", "conduits").unwrap()).unwrap();
        let c2 = &fc["features"][1];
        assert_eq!(c2["properties"]["from_node"], "J2");
        assert_eq!(c2["properties"]["to_node"], "OUT1");
        assert_eq!(
            c2["geometry"]["coordinates"],
            json!([[100.0, 0.0], [120.0, 10.0], [150.0, 0.0]])
        );
    }

    #[test]
    fn outfalls_are_points_at_their_node() {
        let fc: Value =
            serde_json::from_str(&layer_geojson(MODEL, "m.inp", "outfalls").unwrap()).unwrap();
        assert_eq!(fc["features"].as_array().unwrap().len(), 1);
        assert_eq!(
            fc["features"][0]["geometry"]["coordinates"],
            json!([150.0, 0.0])
        );
        assert_eq!(fc["features"][0]["properties"]["swmm_type"], "FREE");
    }

    #[test]
    fn a_bad_coordinate_line_names_the_file_and_line() {
        let err = layer_geojson("[COORDINATES]\nJ1 abc 3\n", "m.inp", "conduits").unwrap_err();
        assert!(err.to_string().contains("m.inp, line 2"), "{err}");
    }
}
