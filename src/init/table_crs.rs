//! A CRS for a survey's table of points that declares none (no `.prj` beside it): its
//! numbers in degrees are CGCS2000 lon/lat; in metres, the CGCS2000 3° Gauss–Krüger zone
//! whose area holds the other layers, when the table's points fall inside that zone in one
//! order of its columns or the other (a surveyor's X is the northing). The evidence goes
//! into zdz.toml beside the line.

use anyhow::Result;

use super::LayerPlan;
use crate::crs;
use crate::load::inventory::Shape;
use crate::load::read::Opening;
use crate::load::table_coords;

/// The centre, in lon/lat, of the layers whose CRS is known (declared or guessed).
fn centre_of_placed(plans: &[LayerPlan]) -> Option<(f64, f64)> {
    let mut bounds: Option<[f64; 4]> = None;
    for p in plans {
        let crs = match (&p.info.crs, &p.crs) {
            (Some(c), _) => c.clone(),
            (None, Some(Ok((c, _)))) => c.clone(),
            _ => continue,
        };
        let (Some(extent), Ok(srs)) = (p.info.extent, crs::spatial_ref(&crs)) else {
            continue;
        };
        let Ok(b) =
            crs::transform(&srs, &crs::wgs84()).and_then(|t| Ok(t.transform_bounds(&extent, 21)?))
        else {
            continue;
        };
        bounds = Some(match bounds {
            None => b,
            Some(a) => [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ],
        });
    }
    bounds.map(|b| ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0))
}

/// Propose a CRS for every table of points without one.
pub fn propose(plans: &mut [LayerPlan]) -> Result<()> {
    let centre = centre_of_placed(plans);
    for p in plans.iter_mut() {
        if !p.kind.points_from_tables() || p.info.shape != Shape::None || p.info.crs.is_some() {
            continue;
        }
        let names: Vec<String> = p.info.fields.iter().map(|f| f.name.clone()).collect();
        let Some(columns) = table_coords::columns(&names, None, &p.info.place())? else {
            continue;
        };
        let opening = Opening::of(std::path::Path::new(&p.info.dataset), None)?;
        let dataset = opening.open()?;
        let pairs = table_coords::pairs(&dataset, &p.info.layer, &columns, None)?;
        if pairs.is_empty() {
            continue;
        }
        if pairs
            .iter()
            .all(|(a, b)| a.abs() <= 180.0 && b.abs() <= 180.0)
        {
            p.crs = Some(Ok((
                "EPSG:4490".into(),
                format!(
                    "{} 与 {} 的值是经纬度 (the values are degrees): CGCS2000 assumed",
                    columns.first.1, columns.second.1
                ),
            )));
            continue;
        }
        let Some((lon, lat)) = centre else {
            p.crs = Some(Err(
                "米制坐标，且无其他已定位图层可推定分带 (metres, and no other placed layer to tell the zone by)".into(),
            ));
            continue;
        };
        let code = crs::zone_for(lon, lat);
        let order = table_coords::order_in(&columns, &pairs, &crs::epsg(code))?;
        p.crs = Some(match order {
            Some(o) => Ok((
                format!("EPSG:{code}"),
                format!(
                    "其他图层中心 {lon:.3}°E {lat:.3}°N 属该 CGCS2000 3° 带；以 {north} 为北坐标、{east} 为东坐标时 {inside}/{n} 个点落在带内，反之 {other} 个 (the other layers lie in this zone; with {north} as the northing {inside} of {n} points fall inside it, {other} the other way)",
                    north = o.north,
                    east = o.east,
                    inside = o.inside,
                    n = o.points,
                    other = o.inside_other_way
                ),
            )),
            None => Err(format!(
                "其他图层所在的 EPSG:{code} 带内没有本表的点 (no point of the table falls in EPSG:{code}, the other layers' zone, either way round)"
            )),
        });
    }
    Ok(())
}
