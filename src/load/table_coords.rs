//! Points from a table's coordinate columns (docs/workspace.md, "Tables with coordinates").
//!
//! The columns are found by name (`x`/`y`, `X坐标`/`Y坐标`, `东坐标`/`北坐标`, `lon`/`lat`,
//! `经度`/`纬度`) or named in zdz.toml (`coords_fields`). Chinese surveying names the
//! northing X and the easting Y, a GIS the other way round: of the two orders, zdz takes
//! the one under which more points fall inside the CRS's area of use (a layer may spill
//! over its zone's edge; swapped, a northing of millions of metres lands nowhere near it).

use anyhow::{Result, bail};
use gdal::Dataset;
use gdal::spatial_ref::SpatialRef;
use gdal::vector::LayerAccess;
use serde::Serialize;

use super::fields::field_text;
use super::values::parse_number;
use crate::crs;
use crate::project::CoordsFields;

/// Column names of the first (GIS x) and second (GIS y) coordinate, lower case, in the
/// order zdz tries them; `true` where the names say longitude and latitude.
const PAIRS: &[(&[&str], &[&str], bool)] = &[
    (
        &["x", "x坐标", "坐标x", "xzb"],
        &["y", "y坐标", "坐标y", "yzb"],
        false,
    ),
    (
        &["东坐标", "东坐标x", "e", "east", "easting"],
        &["北坐标", "n", "north", "northing"],
        false,
    ),
    (
        &["lon", "lng", "long", "longitude", "经度"],
        &["lat", "latitude", "纬度"],
        true,
    ),
];

/// A column name as compared: lower case, without spaces or a unit in brackets (`X坐标(m)`).
fn plain(name: &str) -> String {
    let name = name.trim().to_lowercase();
    let cut = name.find(['(', '（']).unwrap_or(name.len());
    name[..cut].chars().filter(|c| !c.is_whitespace()).collect()
}

/// The two coordinate columns of a table, as the names order them (the first is a GIS x).
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    pub first: (usize, String),
    pub second: (usize, String),
    /// The names say longitude and latitude.
    pub lonlat: bool,
}

/// The coordinate columns among `fields`: the configured ones, else the first pair found
/// by name. A configured column missing is an error naming the fields there are.
pub fn columns(
    fields: &[String],
    configured: Option<&CoordsFields>,
    place: &str,
) -> Result<Option<Columns>> {
    let find = |wanted: &str| fields.iter().position(|f| f.eq_ignore_ascii_case(wanted));
    if let Some(c) = configured {
        let (Some(x), Some(y)) = (find(&c.x), find(&c.y)) else {
            bail!(
                "{place}: `coords_fields` names `{}` and `{}`, but the table's columns are {}",
                c.x,
                c.y,
                fields.join(", ")
            );
        };
        return Ok(Some(Columns {
            first: (x, fields[x].clone()),
            second: (y, fields[y].clone()),
            lonlat: false,
        }));
    }
    let plain: Vec<String> = fields.iter().map(|f| plain(f)).collect();
    for (xs, ys, lonlat) in PAIRS {
        let x = plain.iter().position(|f| xs.contains(&f.as_str()));
        let y = plain.iter().position(|f| ys.contains(&f.as_str()));
        if let (Some(x), Some(y)) = (x, y) {
            return Ok(Some(Columns {
                first: (x, fields[x].clone()),
                second: (y, fields[y].clone()),
                lonlat: *lonlat,
            }));
        }
    }
    Ok(None)
}

/// A row's coordinates as the table gives them (first, second), when both are numbers.
pub fn pair(first: Option<&str>, second: Option<&str>) -> Option<(f64, f64)> {
    let (a, b) = (parse_number(first?).ok()?, parse_number(second?).ok()?);
    (a.is_finite() && b.is_finite()).then_some((a, b))
}

/// How a table's coordinates were read, for `zdz check` and summary.json.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoordOrder {
    /// The column read as the easting (or longitude).
    pub east: String,
    /// The column read as the northing (or latitude).
    pub north: String,
    /// The first-named column (`X坐标`, `x`) is the northing: the surveying order.
    pub swapped: bool,
    /// Rows with both coordinates.
    pub points: usize,
    /// Of those, inside the area of use in the order taken, and in the other order.
    pub inside: usize,
    pub inside_other_way: usize,
    /// The area the points were tested against.
    pub area: String,
}

/// Take the order under which more `points` fall `inside` the area (a test of an easting
/// and a northing in the table's CRS); on a tie, the order the names give. `None` when no
/// point falls inside either way.
pub fn choose(
    columns: &Columns,
    points: &[(f64, f64)],
    inside: impl Fn(f64, f64) -> bool,
    area_name: &str,
) -> Option<CoordOrder> {
    let named = points.iter().filter(|(a, b)| inside(*a, *b)).count();
    let swapped = points.iter().filter(|(a, b)| inside(*b, *a)).count();
    if named == 0 && swapped == 0 {
        return None;
    }
    let swap = swapped > named;
    let (east, north) = if swap {
        (&columns.second.1, &columns.first.1)
    } else {
        (&columns.first.1, &columns.second.1)
    };
    Some(CoordOrder {
        east: east.clone(),
        north: north.clone(),
        swapped: swap,
        points: points.len(),
        inside: named.max(swapped),
        inside_other_way: named.min(swapped),
        area: area_name.to_string(),
    })
}

/// Every row's coordinate pair as the table gives it (rows without one left out).
pub fn pairs(
    dataset: &Dataset,
    layer_name: &str,
    columns: &Columns,
    filter: Option<&str>,
) -> Result<Vec<(f64, f64)>> {
    let mut layer = dataset.layer_by_name(layer_name)?;
    if let Some(filter) = filter {
        layer.set_attribute_filter(filter)?;
    }
    let pairs = layer
        .features()
        .filter_map(|f| {
            pair(
                field_text(&f, columns.first.0).as_deref(),
                field_text(&f, columns.second.0).as_deref(),
            )
        })
        .collect();
    Ok(pairs)
}

/// The area a CRS is meant for, in lon/lat (west, south, east, north), and its name: its
/// area of use, else its EPSG code's (a WKT from a .prj carries none), else a few degrees
/// either side of a transverse Mercator zone's central meridian (an Esri .prj of a
/// Gauss–Krüger zone), else China.
fn area_of(srs: &SpatialRef) -> ([f64; 4], String) {
    let identified = || {
        let mut copy = srs.clone();
        if copy.auth_name().as_deref() != Some("EPSG") {
            copy.auto_identify_epsg().ok()?;
        }
        let code = copy.auth_code().ok()?;
        SpatialRef::from_epsg(u32::try_from(code).ok()?)
            .ok()?
            .area_of_use()
    };
    match srs.area_of_use().or_else(identified) {
        Some(a) => (
            [
                a.west_lon_degree,
                a.south_lat_degree,
                a.east_lon_degree,
                a.north_lat_degree,
            ],
            a.name,
        ),
        // A zone's formulas take a swapped pair far from its meridian, yet still somewhere.
        None => match srs.get_proj_param("central_meridian").ok().flatten() {
            Some(cm) if srs.is_projected() => (
                [cm - 3.0, 3.0, cm + 3.0, 54.0],
                format!("3° either side of {cm}°E in China"),
            ),
            _ => ([73.0, 3.0, 136.0, 54.0], "China".to_string()),
        },
    }
}

/// The order of `columns` under which more of `pairs` (up to 2,000 of them, spread over
/// the table) fall within the area `srs` is meant for; `None` when none does either way.
pub fn order_in(
    columns: &Columns,
    pairs: &[(f64, f64)],
    srs: &SpatialRef,
) -> Result<Option<CoordOrder>> {
    let (area, name) = area_of(srs);
    // Each point taken to lon/lat alone: a swapped pair may lie outside the projection's
    // domain, and must not fail the others.
    let to_lonlat = crs::transform(srs, &crs::wgs84())?;
    let inside = |x: f64, y: f64| {
        let (mut xs, mut ys) = ([x], [y]);
        to_lonlat
            .transform_coords(&mut xs, &mut ys, &mut [])
            .is_ok()
            && (area[0]..=area[2]).contains(&xs[0])
            && (area[1]..=area[3]).contains(&ys[0])
    };
    let step = pairs.len().div_ceil(2_000).max(1);
    let sample: Vec<(f64, f64)> = pairs.iter().step_by(step).copied().collect();
    let described = format!("{name} ({})", crs::describe(srs));
    Ok(choose(columns, &sample, inside, &described))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn columns_are_found_by_their_survey_names_with_units_and_any_case() {
        let c = columns(
            &names(&["物探点号", "X坐标(m)", "Y坐标(m)", "地面高程"]),
            None,
            "t",
        )
        .unwrap()
        .unwrap();
        assert_eq!((c.first.0, c.second.0, c.lonlat), (1, 2, false));
        let c = columns(&names(&["id", "经度", "纬度"]), None, "t")
            .unwrap()
            .unwrap();
        assert!(c.lonlat);
        assert!(
            columns(&names(&["id", "name"]), None, "t")
                .unwrap()
                .is_none()
        );
        let configured = CoordsFields {
            x: "E".into(),
            y: "N".into(),
        };
        let err = columns(&names(&["id", "E"]), Some(&configured), "t").unwrap_err();
        assert!(err.to_string().contains("`N`"), "{err}");
    }

    #[test]
    fn a_surveyors_northing_in_x_is_read_as_the_northing_because_only_then_do_points_land_in_the_zone()
     {
        // CGCS2000 / 3° GK CM 108°E (EPSG:4545): eastings near 500 km, northings 3,300 km.
        let area = |e: f64, n: f64| {
            (300_000.0..700_000.0).contains(&e) && (2_300_000.0..4_700_000.0).contains(&n)
        };
        let c = Columns {
            first: (1, "X坐标".into()),
            second: (2, "Y坐标".into()),
            lonlat: false,
        };
        // X = northing, Y = easting, one point spilling over the zone's edge.
        let rows = [
            (3_300_100.0, 512_000.0),
            (3_300_200.0, 512_100.0),
            (3_300_300.0, 710_000.0),
        ];
        let o = choose(&c, &rows, area, "zone").unwrap();
        assert!(o.swapped);
        assert_eq!((o.east.as_str(), o.north.as_str()), ("Y坐标", "X坐标"));
        assert_eq!((o.inside, o.inside_other_way, o.points), (2, 0, 3));
        // The GIS order keeps the names' order.
        let gis: Vec<(f64, f64)> = rows.iter().map(|(a, b)| (*b, *a)).collect();
        assert!(!choose(&c, &gis, area, "zone").unwrap().swapped);
        // Nowhere either way.
        assert!(choose(&c, &[(1.0, 2.0)], area, "zone").is_none());
    }
}
