//! Geometry hygiene: bring each feature's geometry to the shape its layer needs (polygons,
//! lines, points), repair what can be repaired and say what was wrong.
//!
//! Invalid polygons are repaired with GDAL's make-valid (GEOS); multi-part lines and points
//! are split into parts. A geometry that cannot be used is an error with the reason.

use gdal::cpl::CslStringList;
use gdal::vector::ToGdal;
use geo::{
    Coord, CoordsIter, Geometry, InteriorPoint, LineString, MultiPolygon, Point, Polygon,
    Validation,
};

use crate::contract::geometry_faults::{GeometryFault as Fault, Invalidity, Shape};

/// A usable geometry, and what was repaired to get it (nothing: it was used as it was).
pub struct Cleaned<T> {
    pub value: T,
    pub repaired: Vec<Fault>,
}

fn polygons_of(geom: Geometry, out: &mut Vec<Polygon>) -> Result<(), Fault> {
    match geom {
        Geometry::Polygon(p) => out.push(p),
        Geometry::MultiPolygon(mp) => out.extend(mp.0),
        Geometry::Rect(r) => out.push(r.to_polygon()),
        Geometry::Triangle(t) => out.push(t.to_polygon()),
        Geometry::GeometryCollection(gc) => {
            for g in gc.0 {
                // make-valid may return lines or points beside the polygons: drop those.
                if matches!(
                    g,
                    Geometry::Polygon(_)
                        | Geometry::MultiPolygon(_)
                        | Geometry::GeometryCollection(_)
                ) {
                    polygons_of(g, out)?;
                }
            }
        }
        other => {
            return Err(Fault::WrongType {
                found: type_name(&other),
                expected: Shape::Polygon,
            });
        }
    }
    Ok(())
}

pub fn type_name(g: &Geometry) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) => "Line",
        Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Rect(_) => "Rect",
        Geometry::Triangle(_) => "Triangle",
    }
}

/// Run `f` with GDAL's messages silenced: GEOS warns on stderr about the invalid
/// geometries zdz is checking, and zdz reports them itself, with the feature id.
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    // SAFETY: pushes and pops GDAL's thread-local error-handler stack around `f`.
    unsafe { gdal_sys::CPLPushErrorHandler(Some(gdal_sys::CPLQuietErrorHandler)) };
    let out = f();
    unsafe { gdal_sys::CPLPopErrorHandler() };
    out
}

fn make_valid(mp: &MultiPolygon) -> Result<MultiPolygon, Fault> {
    let failed = |e: gdal::errors::GdalError| Fault::MakeValidFailed(e.to_string());
    let gdal_geom = mp.to_gdal().map_err(failed)?;
    let fixed = quietly(|| gdal_geom.make_valid(&CslStringList::new())).map_err(failed)?;
    let mut out = Vec::new();
    polygons_of(fixed.to_geo().map_err(failed)?, &mut out)?;
    Ok(MultiPolygon(out))
}

/// Vertex count above which validity is decided by GEOS rather than geo.
const LARGE_RING: usize = 200;

/// A polygon layer's geometry as one valid MultiPolygon.
pub fn polygonal(geom: Geometry) -> Result<Cleaned<MultiPolygon>, Fault> {
    let mut parts = Vec::new();
    polygons_of(geom, &mut parts)?;
    let mp = MultiPolygon(parts);
    if mp.0.is_empty() {
        return Err(Fault::Empty);
    }
    // geo's check says why a polygon is invalid but compares segment pairs; GEOS decides in
    // n log n. Small rings (sites, clusters) go to geo directly, large ones (district
    // boundaries of thousands of vertices) to GEOS first, and to geo only when invalid.
    let valid = if mp.coords_count() <= LARGE_RING {
        mp.is_valid()
    } else {
        let gdal_geom = mp
            .to_gdal()
            .map_err(|e| Fault::MakeValidFailed(e.to_string()))?;
        quietly(|| gdal_geom.is_valid())
    };
    if valid {
        return Ok(Cleaned {
            value: mp,
            repaired: Vec::new(),
        });
    }
    let why = match mp.check_validation() {
        Err(e) => Invalidity::of(&e),
        Ok(()) => Invalidity::Other,
    };
    let fixed = make_valid(&mp)?;
    if fixed.0.is_empty() || !fixed.is_valid() {
        return Err(Fault::Unrepairable(why));
    }
    Ok(Cleaned {
        value: fixed,
        repaired: vec![Fault::Repaired(why)],
    })
}

fn without_repeats(ls: LineString) -> LineString {
    let mut coords: Vec<Coord> = Vec::with_capacity(ls.0.len());
    for c in ls.0 {
        if coords.last() != Some(&c) {
            coords.push(c);
        }
    }
    LineString(coords)
}

/// Whether `lines` takes `geom` as it is, reporting nothing (a line of two distinct points
/// or more): then nobody needs a copy of the original for a finding.
pub fn lines_as_they_are(geom: &Geometry) -> bool {
    match geom {
        Geometry::LineString(ls) => ls.0.windows(2).any(|w| w[0] != w[1]),
        Geometry::Line(l) => l.start != l.end,
        _ => false,
    }
}

/// A line layer's geometry as single lines, multi-part lines split into their parts.
pub fn lines(geom: Geometry) -> Result<Cleaned<Vec<LineString>>, Fault> {
    let (parts, multi) = match geom {
        Geometry::LineString(ls) => (vec![ls], false),
        Geometry::Line(l) => (vec![LineString::from(vec![l.start, l.end])], false),
        Geometry::MultiLineString(mls) => {
            let n = mls.0.len();
            (mls.0, n > 1)
        }
        other => {
            return Err(Fault::WrongType {
                found: type_name(&other),
                expected: Shape::Line,
            });
        }
    };
    let total = parts.len();
    let parts: Vec<LineString> = parts
        .into_iter()
        .map(without_repeats)
        .filter(|ls| ls.0.len() >= 2)
        .collect();
    if parts.is_empty() {
        return Err(Fault::TooFewPoints);
    }
    let mut notes = Vec::new();
    if multi {
        notes.push(Fault::LineSplit { parts: total });
    }
    if parts.len() < total {
        notes.push(Fault::ShortPartsDropped {
            parts: total - parts.len(),
        });
    }
    Ok(Cleaned {
        value: parts,
        repaired: notes,
    })
}

/// Whether `points` and `point_or_polygon` take `geom` as it is, reporting nothing (one
/// point).
pub fn one_point(geom: &Geometry) -> bool {
    match geom {
        Geometry::Point(_) => true,
        Geometry::MultiPoint(mp) => mp.0.len() == 1,
        _ => false,
    }
}

/// A point layer's geometry as points, multi-points split.
pub fn points(geom: Geometry) -> Result<Cleaned<Vec<Point>>, Fault> {
    match geom {
        Geometry::Point(p) => Ok(Cleaned {
            value: vec![p],
            repaired: Vec::new(),
        }),
        Geometry::MultiPoint(mp) if mp.0.len() == 1 => Ok(Cleaned {
            value: mp.0,
            repaired: Vec::new(),
        }),
        Geometry::MultiPoint(mp) if !mp.0.is_empty() => Ok(Cleaned {
            repaired: vec![Fault::PointsSplit { points: mp.0.len() }],
            value: mp.0,
        }),
        other => Err(Fault::WrongType {
            found: type_name(&other),
            expected: Shape::Point,
        }),
    }
}

/// A point, or polygons (an enterprise site, a plant's footprint), with its representative point.
pub fn point_or_polygon(geom: Geometry) -> Result<Cleaned<(Geometry, Coord)>, Fault> {
    match geom {
        Geometry::Point(p) => Ok(Cleaned {
            value: (Geometry::Point(p), p.0),
            repaired: Vec::new(),
        }),
        Geometry::MultiPoint(mp) if mp.0.len() == 1 => Ok(Cleaned {
            value: (Geometry::Point(mp.0[0]), mp.0[0].0),
            repaired: Vec::new(),
        }),
        other => {
            let cleaned = polygonal(other)?;
            let rep = representative(&cleaned.value).ok_or(Fault::NoInteriorPoint)?;
            Ok(Cleaned {
                value: (Geometry::MultiPolygon(cleaned.value), rep),
                repaired: cleaned.repaired,
            })
        }
    }
}

/// The point on a polygon's surface used to decide which cluster or park holds it.
pub fn representative(mp: &MultiPolygon) -> Option<Coord> {
    mp.interior_point().map(|p| p.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, polygon};

    #[test]
    fn bow_tie_polygon_is_repaired_into_two_triangles() {
        let bow_tie = polygon![(x: 0., y: 0.), (x: 10., y: 10.), (x: 0., y: 10.), (x: 10., y: 0.), (x: 0., y: 0.)];
        let cleaned = polygonal(Geometry::Polygon(bow_tie)).unwrap();
        assert_eq!(cleaned.value.0.len(), 2);
        assert_eq!(
            cleaned.repaired,
            vec![Fault::Repaired(Invalidity::SelfIntersection)]
        );
        assert!(cleaned.repaired[0].zh().contains("自相交"));
    }

    #[test]
    fn a_point_in_a_polygon_layer_is_an_error_naming_the_type() {
        let err = polygonal(Geometry::Point(Point::new(1., 2.)))
            .err()
            .unwrap();
        assert!(err.en().contains("Point"), "{err}");
    }

    #[test]
    fn a_line_with_one_distinct_point_is_an_error() {
        let ls = line_string![(x: 1., y: 1.), (x: 1., y: 1.)];
        assert!(lines(Geometry::LineString(ls)).is_err());
    }

    #[test]
    fn multi_part_line_is_split_and_reported() {
        let mls = geo::MultiLineString(vec![
            line_string![(x: 0., y: 0.), (x: 1., y: 0.)],
            line_string![(x: 5., y: 0.), (x: 6., y: 0.)],
        ]);
        let cleaned = lines(Geometry::MultiLineString(mls)).unwrap();
        assert_eq!(cleaned.value.len(), 2);
        assert_eq!(cleaned.repaired, vec![Fault::LineSplit { parts: 2 }]);
    }
}
