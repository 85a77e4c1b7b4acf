//! Write features as RFC 7946 GeoJSON: lon/lat WGS84, no `crs` member, exterior rings
//! counter-clockwise, coordinates rounded to 1e-7° (about 1 cm).

use std::path::Path;

use anyhow::Result;
use gdal::spatial_ref::CoordTransform;
use geo::orient::{Direction, Orient};
use geo::{Geometry, MapCoordsInPlace};
use geojson::{GeometryValue, JsonObject};
use serde::Serialize;

use super::write_atomically_with;
use crate::crs;

/// A feature to write: id, geometry in the working CRS, properties.
#[derive(Debug, Clone)]
pub struct OutFeature {
    pub id: String,
    pub geom: Option<Geometry>,
    pub properties: JsonObject,
}

fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

/// A working-CRS geometry as an RFC 7946 geometry.
pub fn to_rfc7946(geom: &Geometry, to_wgs84: &CoordTransform) -> Result<geojson::Geometry> {
    let mut g = geom.clone();
    crs::reproject(&mut g, to_wgs84)?;
    Ok(geojson::Geometry::new(GeometryValue::from(
        &rfc7946_lonlat(g),
    )))
}

/// Reprojected lon/lat as RFC 7946 wants it: 7 decimals, polygons' rings counterclockwise
/// outside and clockwise inside.
pub fn rfc7946_lonlat(mut g: Geometry) -> Geometry {
    g.map_coords_in_place(|c| geo::coord! { x: round7(c.x), y: round7(c.y) });
    match g {
        Geometry::Polygon(p) => Geometry::Polygon(p.orient(Direction::Default)),
        Geometry::MultiPolygon(p) => Geometry::MultiPolygon(p.orient(Direction::Default)),
        other => other,
    }
}

/// Working-CRS geometries as RFC 7946 lon/lat (as `to_rfc7946` gives them), all in a few
/// PROJ calls.
pub fn all_to_rfc7946(geoms: &[&Geometry], to_wgs84: &CoordTransform) -> Result<Vec<Geometry>> {
    let mut out: Vec<Geometry> = geoms.iter().map(|g| (*g).clone()).collect();
    crs::reproject_all(&mut out, to_wgs84)?;
    Ok(out.into_iter().map(rfc7946_lonlat).collect())
}

/// A feature as `geojson::Feature` writes it (the same members in the same order), with
/// its id and properties borrowed rather than copied for each feature.
#[derive(Serialize)]
struct Written<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    geometry: Option<geojson::Geometry>,
    id: &'a str,
    properties: &'a JsonObject,
}

/// Write `features` as one FeatureCollection, streamed: each feature is made and written
/// in turn, never the whole collection in memory.
pub fn write(path: &Path, features: &[OutFeature], to_wgs84: &CoordTransform) -> Result<()> {
    write_atomically_with(path, |w| {
        w.write_all(br#"{"type":"FeatureCollection","features":["#)?;
        for (i, f) in features.iter().enumerate() {
            if i > 0 {
                w.write_all(b",")?;
            }
            let feature = Written {
                kind: "Feature",
                geometry: f
                    .geom
                    .as_ref()
                    .map(|g| to_rfc7946(g, to_wgs84))
                    .transpose()?,
                id: &f.id,
                properties: &f.properties,
            };
            serde_json::to_writer(&mut *w, &feature)?;
        }
        w.write_all(b"]}")?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_feature_is_byte_for_byte_what_geojson_feature_writes() {
        let mut properties = JsonObject::new();
        properties.insert("name".into(), "排口 <1> \"a\"".into());
        properties.insert("count".into(), 3.into());
        properties.insert("gone".into(), serde_json::Value::Null);
        let point = geojson::Geometry::new(GeometryValue::new_point([106.5, 29.5]));
        for geometry in [Some(point), None] {
            let theirs = geojson::Feature {
                bbox: None,
                geometry: geometry.clone(),
                id: Some(geojson::feature::Id::String("YS-1".into())),
                properties: Some(properties.clone()),
                foreign_members: None,
            };
            let ours = Written {
                kind: "Feature",
                geometry,
                id: "YS-1",
                properties: &properties,
            };
            assert_eq!(
                serde_json::to_string(&ours).unwrap(),
                serde_json::to_string(&theirs).unwrap()
            );
        }
    }
}
