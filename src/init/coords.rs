//! Coordinates a bureau's folder gets wrong: a Shapefile without `.prj` (its CRS guessed
//! from the numbers where they can only be one thing), and points collected with a phone
//! map app in GCJ-02 or BD-09, 300–700 m off the WGS84 pipe network. The offset test
//! corrects a point layer each way and counts how many points then lie on the network:
//! outfalls within `outfall_match_m` of a pipe's downstream end, other points within
//! `coverage_m` of a pipe vertex.

use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::load::inventory::{self, LayerInfo};
use crate::project::CoordTag;

/// Pipes and points read for the test.
const MAX_PIPES: usize = 200_000;
const MAX_POINTS: usize = 20_000;

/// What the test found for one point layer.
#[derive(Debug, Clone)]
pub struct OffsetTest {
    /// Share of points on the network as they are, from GCJ-02, from BD-09.
    pub as_is: f64,
    pub gcj02: f64,
    pub bd09: f64,
    /// Median distance to the network as they are, metres.
    pub median_m: f64,
    pub points: usize,
    pub within_m: f64,
}

impl OffsetTest {
    /// The correction to propose: one that raises the share sharply (by at least 30
    /// points and to at least twice as much) from points systematically 200–1,000 m off.
    pub fn proposal(&self) -> Option<CoordTag> {
        let sharp = |r: f64| r >= self.as_is + 0.3 && r >= 2.0 * self.as_is;
        let off = (200.0..1000.0).contains(&self.median_m);
        if !off {
            return None;
        }
        if sharp(self.gcj02) && self.gcj02 >= self.bd09 {
            Some(CoordTag::Gcj02)
        } else if sharp(self.bd09) {
            Some(CoordTag::Bd09)
        } else {
            None
        }
    }
}

/// Metres per degree near `lat`, for distances of a few hundred metres.
fn metres(lat0: f64) -> (f64, f64) {
    (111_320.0 * lat0.to_radians().cos(), 110_540.0)
}

type Tree = RTree<GeomWithData<[f64; 2], ()>>;

fn tree(points: &[(f64, f64)], k: (f64, f64)) -> Tree {
    RTree::bulk_load(
        points
            .iter()
            .map(|(x, y)| GeomWithData::new([x * k.0, y * k.1], ()))
            .collect(),
    )
}

fn nearest(t: &Tree, p: (f64, f64), k: (f64, f64)) -> f64 {
    t.nearest_neighbor(&[p.0 * k.0, p.1 * k.1])
        .map(|n| {
            let q = n.geom();
            ((q[0] - p.0 * k.0).powi(2) + (q[1] - p.1 * k.1).powi(2)).sqrt()
        })
        .unwrap_or(f64::INFINITY)
}

/// Test point layer `points` against `pipes`: `downstream_ends` for outfalls (match to the
/// last vertex of each pipe), else any vertex. `None` when either cannot be placed in
/// lon/lat, or when there is too little to judge.
pub fn offset_test(
    pipes: &LayerInfo,
    points: &LayerInfo,
    downstream_ends: bool,
    within_m: f64,
) -> anyhow::Result<Option<OffsetTest>> {
    let Some(lines) = inventory::lonlat_vertices(pipes, MAX_PIPES)? else {
        return Ok(None);
    };
    let Some(pts) = inventory::lonlat_vertices(points, MAX_POINTS)? else {
        return Ok(None);
    };
    let pts: Vec<(f64, f64)> = pts.iter().filter_map(|g| g.first().copied()).collect();
    let targets: Vec<(f64, f64)> = if downstream_ends {
        lines.iter().filter_map(|l| l.last().copied()).collect()
    } else {
        lines.iter().flatten().copied().collect()
    };
    if pts.len() < 3 || targets.is_empty() {
        return Ok(None);
    }
    let lat0 = pts.iter().map(|p| p.1).sum::<f64>() / pts.len() as f64;
    let k = metres(lat0);
    let t = tree(&targets, k);
    let rate = |f: &dyn Fn(f64, f64) -> (f64, f64)| {
        let hit = pts
            .iter()
            .filter(|p| nearest(&t, f(p.0, p.1), k) <= within_m)
            .count();
        hit as f64 / pts.len() as f64
    };
    let mut d: Vec<f64> = pts.iter().map(|p| nearest(&t, *p, k)).collect();
    d.sort_by(f64::total_cmp);
    Ok(Some(OffsetTest {
        as_is: rate(&|x, y| (x, y)),
        gcj02: rate(&coordtransform::gcj02_to_wgs84),
        bd09: rate(&coordtransform::bd09_to_wgs84),
        median_m: d[d.len() / 2],
        points: pts.len(),
        within_m,
    }))
}

/// A CRS for a layer that declares none, when its numbers can only be one thing: degrees
/// (CGCS2000 lon/lat, EPSG:4490), or 3° Gauss–Krüger eastings with the zone number in
/// front (EPSG:4513–4533 for zones 25–45). `Err` with the reason otherwise.
pub fn guess_crs(extent: Option<[f64; 4]>) -> Result<(String, String), String> {
    let Some([x0, y0, x1, y1]) = extent else {
        return Err("无范围 (no extent)".into());
    };
    if (73.0..=136.0).contains(&x0) && x1 <= 136.0 && (3.0..=54.0).contains(&y0) && y1 <= 54.0 {
        return Ok((
            "EPSG:4490".into(),
            format!(
                "坐标 {x0:.3}–{x1:.3}, {y0:.3}–{y1:.3} 是中国范围内的经纬度 (degrees within China): CGCS2000 assumed"
            ),
        ));
    }
    let zone = (x0 / 1e6).floor();
    if (25.0..=45.0).contains(&zone) && (x1 / 1e6).floor() == zone && (2e6..6e6).contains(&y0) {
        let epsg = 4513 + (zone as u32 - 25);
        return Ok((
            format!("EPSG:{epsg}"),
            format!(
                "东坐标 {x0:.0} 以带号 {zone} 开头 (eastings carry zone {zone}): CGCS2000 3° GK zone {zone}, CM {}°E",
                zone as u32 * 3
            ),
        ));
    }
    if (2e5..8e5).contains(&x0) && (2e5..8e5).contains(&x1) && (2e6..6e6).contains(&y0) {
        return Err(format!(
            "坐标 {x0:.0}, {y0:.0} 是不带带号的高斯投影米制坐标，无法判定中央经线 (Gauss–Krüger metres without the zone number: the central meridian cannot be told); candidates EPSG:4534–4554"
        ));
    }
    Err(format!(
        "坐标 {x0:.1}, {y0:.1} 无法判定 (coordinates of no recognisable CRS)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrees_and_zoned_gauss_kruger_are_recognised_and_unzoned_metres_are_not() {
        assert_eq!(
            guess_crs(Some([106.4, 29.4, 106.7, 29.7])).unwrap().0,
            "EPSG:4490"
        );
        assert_eq!(
            guess_crs(Some([36_520_000.0, 3_300_000.0, 36_530_000.0, 3_310_000.0]))
                .unwrap()
                .0,
            "EPSG:4524"
        );
        assert!(guess_crs(Some([520_000.0, 3_300_000.0, 530_000.0, 3_310_000.0])).is_err());
    }

    #[test]
    fn a_sharp_rise_from_a_systematic_offset_proposes_gcj02() {
        let t = OffsetTest {
            as_is: 0.05,
            gcj02: 0.9,
            bd09: 0.1,
            median_m: 480.0,
            points: 40,
            within_m: 20.0,
        };
        assert_eq!(t.proposal(), Some(CoordTag::Gcj02));
        let near = OffsetTest {
            median_m: 12.0,
            ..t.clone()
        };
        assert_eq!(
            near.proposal(),
            None,
            "points on the network need no correction"
        );
        let weak = OffsetTest { gcj02: 0.2, ..t };
        assert_eq!(weak.proposal(), None);
    }
}
