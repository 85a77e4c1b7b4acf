//! Coordinate systems: parse what a user or a file declares, and choose the metric working
//! CRS every distance is measured in (a CGCS2000 3° Gauss–Krüger zone from the data's
//! centre by default; a WGS84 UTM zone outside the zones' 75°E–135°E range).
//!
//! All transformations go through GDAL/PROJ. Axis order is always x = easting/longitude.

use anyhow::{Context, Result, anyhow};
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use geo::{CoordsIter, Geometry, MapCoordsInPlace};

use crate::project::CoordTag;

/// A spatial reference with the traditional GIS axis order (lon, lat).
pub fn spatial_ref(definition: &str) -> Result<SpatialRef> {
    let mut srs = SpatialRef::from_definition(definition)
        .with_context(|| format!("`{definition}` is not a coordinate system GDAL knows"))?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Ok(srs)
}

pub fn epsg(code: u32) -> SpatialRef {
    let mut srs = SpatialRef::from_epsg(code).expect("PROJ knows this EPSG code");
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    srs
}

pub fn wgs84() -> SpatialRef {
    epsg(4326)
}

/// A short name for a CRS: `EPSG:4545`, else its name.
pub fn describe(srs: &SpatialRef) -> String {
    match (srs.auth_name(), srs.auth_code()) {
        (Some(auth), Ok(code)) => format!("{auth}:{code}"),
        _ => srs.name().unwrap_or_else(|| "unnamed CRS".into()),
    }
}

/// The EPSG code of the metric zone for a point in lon/lat: CGCS2000 3° Gauss–Krüger
/// (EPSG:4534 = CM 75°E … EPSG:4554 = CM 135°E) inside China's range, else WGS84 UTM.
pub fn zone_for(lon: f64, lat: f64) -> u32 {
    let cm = (lon / 3.0).round() * 3.0;
    if (75.0..=135.0).contains(&cm) && (0.0..=56.0).contains(&lat) {
        4534 + ((cm - 75.0) / 3.0) as u32
    } else {
        let zone = (((lon + 180.0) / 6.0).floor() as i64).clamp(0, 59) as u32 + 1;
        if lat >= 0.0 {
            32600 + zone
        } else {
            32700 + zone
        }
    }
}

/// The working CRS: the project's, or the zone at the centre of `bounds` (lon/lat).
pub fn working_crs(project_crs: Option<&str>, bounds: Option<[f64; 4]>) -> Result<SpatialRef> {
    if let Some(def) = project_crs {
        let srs = spatial_ref(def)?;
        if !srs.is_projected() {
            return Err(anyhow!(
                "[project] crs = `{def}` is not a projected CRS: distances must be in metres"
            ));
        }
        return Ok(srs);
    }
    let [w, s, e, n] = bounds.ok_or_else(|| anyhow!("the workspace has no features to place"))?;
    Ok(epsg(zone_for((w + e) / 2.0, (s + n) / 2.0)))
}

pub fn transform(from: &SpatialRef, to: &SpatialRef) -> Result<CoordTransform> {
    CoordTransform::new(from, to).with_context(|| {
        format!(
            "no transformation from {} to {}",
            describe(from),
            describe(to)
        )
    })
}

/// Transform every coordinate of `geom` in one PROJ call.
pub fn reproject(geom: &mut Geometry, ct: &CoordTransform) -> Result<()> {
    let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = geom.coords_iter().map(|c| (c.x, c.y)).unzip();
    if xs.is_empty() {
        return Ok(());
    }
    ct.transform_coords(&mut xs, &mut ys, &mut [])
        .context("coordinates outside the domain of the transformation")?;
    if xs.iter().chain(&ys).any(|v| !v.is_finite()) {
        return Err(anyhow!(
            "coordinates outside the domain of the transformation"
        ));
    }
    // map_coords_in_place visits coordinates in coords_iter order and wants a Copy closure.
    let next = std::cell::Cell::new(0);
    let (xs, ys) = (&xs, &ys);
    geom.map_coords_in_place(|_| {
        let i = next.get();
        next.set(i + 1);
        geo::coord! { x: xs[i], y: ys[i] }
    });
    Ok(())
}

/// Undo a Chinese web map's offset: GCJ-02 or BD-09 lon/lat to WGS84 lon/lat.
pub fn to_wgs84_from_tag(geom: &mut Geometry, tag: CoordTag) {
    match tag {
        CoordTag::Wgs84 => {}
        CoordTag::Gcj02 => geom.map_coords_in_place(|c| {
            let (x, y) = coordtransform::gcj02_to_wgs84(c.x, c.y);
            geo::coord! { x: x, y: y }
        }),
        CoordTag::Bd09 => geom.map_coords_in_place(|c| {
            let (x, y) = coordtransform::bd09_to_wgs84(c.x, c.y);
            geo::coord! { x: x, y: y }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chongqing_longitudes_get_cgcs2000_zones_cm_105_and_108() {
        // Zones are 3° wide around their central meridian: 106.0°E is in CM 105°E.
        assert_eq!(zone_for(106.0, 29.5), 4544);
        assert_eq!(zone_for(107.6, 29.7), 4545);
        assert_eq!(zone_for(108.4, 30.8), 4545);
    }

    #[test]
    fn vermont_gets_a_utm_zone() {
        assert_eq!(zone_for(-72.02, 44.4), 32618);
    }

    #[test]
    fn a_geographic_project_crs_is_refused() {
        assert!(working_crs(Some("EPSG:4490"), None).is_err());
        assert!(working_crs(Some("EPSG:4545"), None).is_ok());
    }
}
