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

/// Run `f` with the transformation `key` names, made by `make` the first time this thread
/// asks for it and kept for the thread's life. Making one parses both coordinate systems and
/// asks PROJ's database for the operations between them (about 8 ms): a layer converted
/// in GDAL's 65,536-row batches on every core made one per batch (national scale, 45 of
/// them: 0.35 s of CPU). GDAL's transformations are not to be shared between threads,
/// hence one per thread.
pub fn with_transform<R>(
    key: &str,
    make: impl FnOnce() -> Result<CoordTransform>,
    f: impl FnOnce(&CoordTransform) -> R,
) -> Result<R> {
    thread_local! {
        static MADE: std::cell::RefCell<Vec<(String, CoordTransform)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    MADE.with(|made| {
        // Asked again from inside `f` (a rayon task run while this one waits): a fresh one.
        let Ok(mut made) = made.try_borrow_mut() else {
            return Ok(f(&make()?));
        };
        let at = match made.iter().position(|(k, _)| k == key) {
            Some(at) => at,
            None => {
                made.push((key.to_string(), make()?));
                made.len() - 1
            }
        };
        Ok(f(&made[at].1))
    })
}

/// Transform every coordinate of `geom` in one PROJ call.
pub fn reproject(geom: &mut Geometry, ct: &CoordTransform) -> Result<()> {
    reproject_all(std::slice::from_mut(geom), ct)
}

/// Transform every coordinate of every geometry of `geoms`, a few PROJ calls for all of
/// them (a call per geometry costs more than the transformation at two million features).
pub fn reproject_all(geoms: &mut [Geometry], ct: &CoordTransform) -> Result<()> {
    /// Coordinates handed to PROJ at once.
    const BATCH: usize = 1 << 16;
    let mut start = 0;
    while start < geoms.len() {
        let mut end = start;
        let mut n = 0;
        while end < geoms.len() && (n == 0 || n + geoms[end].coords_count() <= BATCH) {
            n += geoms[end].coords_count();
            end += 1;
        }
        let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = geoms[start..end]
            .iter()
            .flat_map(|g| g.coords_iter())
            .map(|c| (c.x, c.y))
            .unzip();
        if !xs.is_empty() {
            ct.transform_coords(&mut xs, &mut ys, &mut [])
                .context("coordinates outside the domain of the transformation")?;
            if xs.iter().chain(&ys).any(|v| !v.is_finite()) {
                return Err(anyhow!(
                    "coordinates outside the domain of the transformation"
                ));
            }
        }
        let next = std::cell::Cell::new(0);
        let (xs, ys) = (&xs, &ys);
        for g in &mut geoms[start..end] {
            g.map_coords_in_place(|_| {
                let i = next.get();
                next.set(i + 1);
                geo::coord! { x: xs[i], y: ys[i] }
            });
        }
        start = end;
    }
    Ok(())
}

/// Undo a Chinese web map's offset: GCJ-02 or BD-09 lon/lat to WGS84 lon/lat.
pub fn to_wgs84_from_tag(geom: &mut Geometry, tag: CoordTag) {
    match tag {
        CoordTag::Wgs84 => {}
        CoordTag::Gcj02 => each_lon_lat(geom, coordtransform::gcj02_to_wgs84),
        CoordTag::Bd09 => each_lon_lat(geom, coordtransform::bd09_to_wgs84),
    }
}

/// Offset WGS84 lon/lat the way a Chinese web map does: to GCJ-02 or BD-09.
pub fn from_wgs84_to_tag(geom: &mut Geometry, tag: CoordTag) {
    match tag {
        CoordTag::Wgs84 => {}
        CoordTag::Gcj02 => each_lon_lat(geom, coordtransform::wgs84_to_gcj02),
        CoordTag::Bd09 => each_lon_lat(geom, coordtransform::wgs84_to_bd09),
    }
}

fn each_lon_lat(geom: &mut Geometry, convert: fn(f64, f64) -> (f64, f64)) {
    geom.map_coords_in_place(|c| {
        let (x, y) = convert(c.x, c.y);
        geo::coord! { x: x, y: y }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Point;

    fn convert(lon: f64, lat: f64, f: impl Fn(&mut Geometry)) -> (f64, f64) {
        let mut g = Geometry::Point(Point::new(lon, lat));
        f(&mut g);
        let Geometry::Point(p) = g else {
            unreachable!()
        };
        (p.x(), p.y())
    }

    /// Metres between two lon/lat points near each other.
    fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
        let k = std::f64::consts::PI / 180.0 * 6_371_000.0;
        ((a.0 - b.0) * k * (a.1 * std::f64::consts::PI / 180.0).cos()).hypot((a.1 - b.1) * k)
    }

    #[test]
    fn gcj02_matches_the_published_eviltransform_vectors() {
        // (wgs lat, lon) → (gcj lat, lon), from googollee/eviltransform's tests.
        let vectors = [
            (
                (31.1774276, 121.5272106),
                (31.17530398364597, 121.531541859215),
            ),
            (
                (22.543847, 113.912316),
                (22.540796131694766, 113.9171764808363),
            ),
            (
                (39.911954, 116.377817),
                (39.91334545536069, 116.38404722455657),
            ),
        ];
        for ((wlat, wlon), (glat, glon)) in vectors {
            let g = convert(wlon, wlat, |g| from_wgs84_to_tag(g, CoordTag::Gcj02));
            assert!(metres(g, (glon, glat)) < 0.01, "{g:?}");
            let w = convert(glon, glat, |g| to_wgs84_from_tag(g, CoordTag::Gcj02));
            assert!(metres(w, (wlon, wlat)) < 0.5, "{w:?}");
        }
    }

    #[test]
    fn bd09_matches_the_published_vectors_of_the_public_formula() {
        // wandergis/coordTransform's published examples at (116.404, 39.915):
        // gcj02_to_wgs84 → (116.39775550083061, 39.91359571849836) (a one-step inverse,
        // good to about a metre) and gcj02_to_bd09 → (116.41036949371029, 39.92133699351021).
        // So that WGS84 point is that BD-09 point, give or take the one-step error.
        // (eviltransform's BD-09 vectors lie 10–40 m from this formula and are not used.)
        let wgs = (116.39775550083061, 39.91359571849836);
        let bd = (116.41036949371029, 39.92133699351021);
        let forward = convert(wgs.0, wgs.1, |g| from_wgs84_to_tag(g, CoordTag::Bd09));
        assert!(metres(forward, bd) < 2.0, "{forward:?}");
        let back = convert(bd.0, bd.1, |g| to_wgs84_from_tag(g, CoordTag::Bd09));
        assert!(metres(back, wgs) < 2.0, "{back:?}");
    }

    #[test]
    fn round_trips_through_gcj02_and_bd09_stay_under_1_m_across_chongqing() {
        let mut worst: f64 = 0.0;
        for i in 0..=20 {
            for j in 0..=20 {
                let p = (105.3 + 5.0 * i as f64 / 20.0, 28.2 + 4.0 * j as f64 / 20.0);
                for tag in [CoordTag::Gcj02, CoordTag::Bd09] {
                    let back = convert(p.0, p.1, |g| {
                        from_wgs84_to_tag(g, tag);
                        to_wgs84_from_tag(g, tag);
                    });
                    worst = worst.max(metres(back, p));
                }
            }
        }
        assert!(worst < 1.0, "worst round trip {worst} m");
    }

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
    fn a_transformation_is_made_once_per_thread_and_key_and_gives_what_a_fresh_one_gives() {
        let made = std::cell::Cell::new(0);
        let make = |to: u32| {
            made.set(made.get() + 1);
            transform(&wgs84(), &epsg(to))
        };
        let project = |ct: &CoordTransform| {
            let (mut x, mut y) = (vec![106.5], vec![29.5]);
            ct.transform_coords(&mut x, &mut y, &mut []).unwrap();
            (x[0], y[0])
        };
        let first = with_transform("test:4544", || make(4544), project).unwrap();
        let again = with_transform("test:4544", || make(4544), project).unwrap();
        assert_eq!((first, made.get()), (again, 1), "made once, same answer");
        let fresh = project(&transform(&wgs84(), &epsg(4544)).unwrap());
        assert_eq!(first, fresh);
        let other = with_transform("test:4545", || make(4545), project).unwrap();
        assert_eq!(made.get(), 2, "another key, another transformation");
        assert_ne!(other, first);
        // Asked for again while in use on this thread: made afresh, not a panic.
        let nested = with_transform(
            "test:4544",
            || make(4544),
            |_| with_transform("test:4544", || make(4544), project).unwrap(),
        )
        .unwrap();
        assert_eq!((nested, made.get()), (first, 3));
        // Another thread makes its own.
        std::thread::scope(|s| {
            s.spawn(|| {
                let there =
                    with_transform("test:4544", || transform(&wgs84(), &epsg(4544)), project);
                assert_eq!(there.unwrap(), first);
            });
        });
        assert_eq!(made.get(), 3);
    }

    #[test]
    fn a_geographic_project_crs_is_refused() {
        assert!(working_crs(Some("EPSG:4490"), None).is_err());
        assert!(working_crs(Some("EPSG:4545"), None).is_ok());
    }
}
