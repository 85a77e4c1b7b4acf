//! Everything the analyses share, built once from the loaded layers: the network graph and
//! the R-trees. Building is the only work here; the rules live in their own modules.

use std::collections::HashMap;

use geo::{Coord, Geometry, MultiPolygon};

use crate::index::{AreaIndex, LineIndex, PointIndex};
use crate::model::Layers;
use crate::network::Network;
use crate::project::Project;

pub struct Context<'a> {
    pub layers: &'a Layers,
    pub project: &'a Project,
    pub network: Network,
    /// Sewage and combined pipes (item = pipe index).
    pub sewers: LineIndex,
    /// Each pipe's downstream end, its last vertex (item = pipe index).
    pub pipe_ends: PointIndex,
    pub outfalls: PointIndex,
    pub plants: AreaIndex,
    pub clusters: AreaIndex,
    pub parks: AreaIndex,
    /// The districts (区县), when the workspace has them.
    pub districts: AreaIndex,
    /// The Yangtze main stem (item = river index).
    pub main_stem: LineIndex,
    /// Clusters as `Geometry`, for distance queries.
    pub cluster_geoms: Vec<Geometry>,
    park_by_id: HashMap<&'a str, usize>,
    plant_by_id: HashMap<&'a str, usize>,
}

/// Of the areas holding `at`, the one with the smallest id: overlaps resolve the same way
/// whatever the order of the features.
fn smallest_id_holding<'a>(
    index: &AreaIndex,
    at: Coord,
    area: impl Fn(usize) -> (&'a MultiPolygon, &'a String),
) -> Option<usize> {
    index
        .containing(at, |i| area(i).0)
        .into_iter()
        .min_by_key(|i| area(*i).1)
}

/// Polygons as `Geometry`, which the area indexes and distance queries take.
fn geometries<'a>(polygons: impl Iterator<Item = &'a MultiPolygon>) -> Vec<Geometry> {
    polygons
        .map(|p| Geometry::MultiPolygon(p.clone()))
        .collect()
}

/// Index of each id; with repeated ids (reported at load) the first feature wins.
pub fn by_id<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        map.entry(id).or_insert(i);
    }
    map
}

impl<'a> Context<'a> {
    pub fn build(layers: &'a Layers, project: &'a Project) -> Self {
        let sewer_segments = layers
            .pipes
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind.carries_sewage())
            .flat_map(|(i, p)| p.geom.lines().map(move |l| (i, l)));
        // The network (snapping every pipe end) is the largest piece: the indexes are
        // built beside it.
        let mut network = None;
        let mut sewers = None;
        let mut pipe_ends = None;
        let mut rest = None;
        rayon::scope(|s| {
            s.spawn(|_| {
                network = Some(crate::timing::phase("analysis: network", || {
                    Network::build(&layers.pipes, &layers.manholes, project.params.snap_m)
                }))
            });
            s.spawn(|_| {
                sewers = Some(crate::timing::phase("analysis: sewer index", || {
                    LineIndex::from_segments(sewer_segments)
                }))
            });
            s.spawn(|_| {
                pipe_ends = Some(PointIndex::new(
                    layers
                        .pipes
                        .iter()
                        .enumerate()
                        .map(|(i, p)| (i, p.ends().1)),
                ))
            });
            s.spawn(|_| {
                let cluster_geoms = geometries(layers.clusters.iter().map(|c| &c.geom));
                let park_geoms = geometries(layers.parks.iter().map(|p| &p.geom));
                let outfalls = PointIndex::new(
                    layers
                        .outfalls
                        .iter()
                        .enumerate()
                        .map(|(i, o)| (i, o.geom.0)),
                );
                let plants =
                    AreaIndex::new(layers.plants.iter().enumerate().map(|(i, p)| (i, &p.geom)));
                let clusters = AreaIndex::new(cluster_geoms.iter().enumerate());
                let parks = AreaIndex::new(park_geoms.iter().enumerate());
                let district_geoms = geometries(layers.districts.iter().map(|d| &d.geom));
                let districts = AreaIndex::new(district_geoms.iter().enumerate());
                let main_stem = LineIndex::new(
                    layers
                        .rivers
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.main_stem)
                        .map(|(i, r)| (i, &r.geom)),
                );
                rest = Some((
                    outfalls,
                    plants,
                    clusters,
                    parks,
                    districts,
                    main_stem,
                    cluster_geoms,
                ));
            });
        });
        let built = "every index is built in the scope above";
        let (outfalls, plants, clusters, parks, districts, main_stem, cluster_geoms) =
            rest.expect(built);
        Context {
            network: network.expect(built),
            sewers: sewers.expect(built),
            pipe_ends: pipe_ends.expect(built),
            outfalls,
            plants,
            clusters,
            parks,
            districts,
            main_stem,
            cluster_geoms,
            park_by_id: by_id(layers.parks.iter().map(|p| p.id.as_str())),
            plant_by_id: by_id(layers.plants.iter().map(|p| p.id.as_str())),
            layers,
            project,
        }
    }

    pub fn park_by_id(&self, id: &str) -> Option<usize> {
        self.park_by_id.get(id).copied()
    }

    pub fn plant_by_id(&self, id: &str) -> Option<usize> {
        self.plant_by_id.get(id).copied()
    }

    /// The cluster whose polygon holds `at`; with overlapping clusters, the smallest id.
    pub fn cluster_at(&self, at: Coord) -> Option<usize> {
        let clusters = &self.layers.clusters;
        smallest_id_holding(&self.clusters, at, |i| (&clusters[i].geom, &clusters[i].id))
    }

    /// The district whose polygon holds `at`; where boundaries overlap, the first name.
    pub fn district_at(&self, at: Coord) -> Option<&'a str> {
        let districts = &self.layers.districts;
        smallest_id_holding(&self.districts, at, |i| {
            (&districts[i].geom, &districts[i].name)
        })
        .map(|i| districts[i].name.as_str())
    }

    /// The park whose polygon holds `at`; with overlapping parks, the smallest id.
    pub fn park_at(&self, at: Coord) -> Option<usize> {
        let parks = &self.layers.parks;
        smallest_id_holding(&self.parks, at, |i| (&parks[i].geom, &parks[i].id))
    }

    /// Plants within `d` of a point, nearest first.
    pub fn plants_within(&self, at: Coord, d: f64) -> Vec<(usize, f64)> {
        let plants = &self.layers.plants;
        self.plants
            .within(&Geometry::Point(at.into()), d, |i| &plants[i].geom)
    }
}
