//! Decide which clusters lie along the Yangtze (长江沿线): an explicit `yangtze_side` on
//! the cluster or its park wins; else, when the project lists Yangtze districts, the park's
//! district; else any part of the cluster within `corridor_m` of the main stem (the 1 km
//! shoreline band of the Yangtze Protection Law). The distance is reported in every case
//! where a main stem is loaded. Tributaries such as the Jialing do not count.

use serde::Serialize;

use crate::index::LineIndex;
use crate::model::{Cluster, Park};
use crate::project::CorridorConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CorridorReason {
    Distance,
    Override,
    District,
}

impl CorridorReason {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Corridor {
    pub in_corridor: bool,
    /// Metres from the cluster to the main stem; `None` when no main stem is loaded.
    pub distance_m: Option<f64>,
    pub reason: CorridorReason,
}

pub fn corridor(
    cluster: &Cluster,
    cluster_geom: &geo::Geometry,
    park: Option<&Park>,
    main_stem: &LineIndex,
    corridor_m: f64,
    config: &CorridorConfig,
) -> Corridor {
    let distance_m = main_stem.nearest(cluster_geom).map(|(_, d)| d);
    let overridden = cluster
        .yangtze_side
        .or_else(|| park.and_then(|p| p.yangtze_side));
    let (in_corridor, reason) = if let Some(side) = overridden {
        (side, CorridorReason::Override)
    } else if let Some(districts) = &config.districts {
        let district = park.and_then(|p| p.district.as_deref()).map(str::trim);
        let listed = district.is_some_and(|d| {
            districts.iter().any(|l| {
                l.trim() == d
                    || d.trim_end_matches(['区', '县']) == l.trim_end_matches(['区', '县'])
            })
        });
        (listed, CorridorReason::District)
    } else {
        (
            distance_m.is_some_and(|d| d <= corridor_m),
            CorridorReason::Distance,
        )
    };
    Corridor {
        in_corridor,
        distance_m,
        reason,
    }
}

/// The band within `d` metres of the main stem (a GEOS buffer of each main-stem feature,
/// unioned), for maps; `None` without a main stem.
pub fn band(rivers: &[crate::model::River], d: f64) -> anyhow::Result<Option<geo::Geometry>> {
    use gdal::vector::ToGdal;
    let mut band: Option<gdal::vector::Geometry> = None;
    for river in rivers.iter().filter(|r| r.main_stem) {
        let buffered = river.geom.to_gdal()?.buffer(d, 8)?;
        band = Some(match band {
            Some(b) => b.union(&buffered).unwrap_or(b),
            None => buffered,
        });
    }
    band.map(|b| b.to_geo()).transpose().map_err(Into::into)
}
