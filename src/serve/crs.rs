//! The coordinate systems the service offers (OGC API – Features Part 2): CRS84 (lon/lat,
//! the default), EPSG:4326 and EPSG:4490 (lat/lon by authority, so axes are swapped), and
//! the workspace's metric working zone (the analysis geometry itself).

use gdal::spatial_ref::CoordTransform;
use geo::{Geometry, MapCoordsInPlace};

use super::error::ApiError;
use crate::crs as zcrs;

pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

fn epsg_uri(code: u32) -> String {
    format!("http://www.opengis.net/def/crs/EPSG/0/{code}")
}

/// An output or bbox CRS the service understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutCrs {
    Crs84,
    /// EPSG:4326 or EPSG:4490: lat/lon axis order.
    LatLon(u32),
    /// The working zone: x = easting, y = northing, metres.
    Working,
}

/// The CRS list a collection advertises.
pub fn advertised(working_epsg: u32) -> Vec<String> {
    vec![
        CRS84.to_string(),
        epsg_uri(4326),
        epsg_uri(4490),
        epsg_uri(working_epsg),
    ]
}

/// Parse a `crs` or `bbox-crs` parameter: a URI, a CURIE `[EPSG:4326]`, or `EPSG:4326`.
pub fn parse(value: &str, working_epsg: u32) -> Result<OutCrs, ApiError> {
    let v = value.trim().trim_start_matches('[').trim_end_matches(']');
    let code =
        if v == CRS84 || v.eq_ignore_ascii_case("OGC:CRS84") || v.eq_ignore_ascii_case("CRS84") {
            return Ok(OutCrs::Crs84);
        } else if let Some(c) = v.strip_prefix("http://www.opengis.net/def/crs/EPSG/0/") {
            c
        } else if let Some(c) = v.strip_prefix("EPSG:").or_else(|| v.strip_prefix("epsg:")) {
            c
        } else {
            v
        };
    match code.parse::<u32>() {
        Ok(c @ (4326 | 4490)) => Ok(OutCrs::LatLon(c)),
        Ok(c) if c == working_epsg => Ok(OutCrs::Working),
        _ => Err(ApiError::bad_parameter(format!(
            "unsupported crs `{value}`; this collection offers {}",
            advertised(working_epsg).join(", ")
        ))),
    }
}

impl OutCrs {
    pub fn uri(self, working_epsg: u32) -> String {
        match self {
            OutCrs::Crs84 => CRS84.to_string(),
            OutCrs::LatLon(c) => epsg_uri(c),
            OutCrs::Working => epsg_uri(working_epsg),
        }
    }
}

/// Swap x and y: lon/lat ↔ lat/lon.
pub fn swap_axes(geom: &mut Geometry) {
    geom.map_coords_in_place(|c| geo::coord! { x: c.y, y: c.x });
}

/// A bbox given in `crs` as lon/lat (west, south, east, north).
pub fn bbox_to_lonlat(b: [f64; 4], crs: OutCrs, working: &str) -> Result<[f64; 4], ApiError> {
    match crs {
        OutCrs::Crs84 => Ok(b),
        OutCrs::LatLon(_) => Ok([b[1], b[0], b[3], b[2]]),
        OutCrs::Working => {
            let to_lonlat = working_to_wgs84(working)?;
            to_lonlat
                .transform_bounds(&b, 21)
                .map_err(|e| ApiError::bad_parameter(format!("bbox cannot be transformed: {e}")))
        }
    }
}

fn working_to_wgs84(working: &str) -> Result<CoordTransform, ApiError> {
    let from = zcrs::spatial_ref(working).map_err(ApiError::internal)?;
    zcrs::transform(&from, &zcrs::wgs84()).map_err(ApiError::internal)
}

/// The EPSG code of a working-CRS definition such as `EPSG:4545` (0 when it has none).
pub fn epsg_code(working: &str) -> u32 {
    working
        .strip_prefix("EPSG:")
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crs_parameters_parse_as_uri_curie_or_code() {
        assert_eq!(parse(CRS84, 4545).unwrap(), OutCrs::Crs84);
        assert_eq!(
            parse("http://www.opengis.net/def/crs/EPSG/0/4326", 4545).unwrap(),
            OutCrs::LatLon(4326)
        );
        assert_eq!(parse("[EPSG:4490]", 4545).unwrap(), OutCrs::LatLon(4490));
        assert_eq!(parse("EPSG:4545", 4545).unwrap(), OutCrs::Working);
        assert!(parse("EPSG:3857", 4545).is_err());
    }

    #[test]
    fn a_lat_lon_bbox_becomes_lon_lat() {
        let b = bbox_to_lonlat(
            [29.0, 106.0, 30.0, 107.0],
            OutCrs::LatLon(4326),
            "EPSG:4545",
        )
        .unwrap();
        assert_eq!(b, [106.0, 29.0, 107.0, 30.0]);
    }
}
