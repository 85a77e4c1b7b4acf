//! The analyses of SPEC §4, each a pure function from the loaded, indexed layers to
//! results: no I/O happens here.

/// The network and R-trees every analysis shares, built once.
pub mod context;
/// Decide which clusters lie along the Yangtze, with the distance and the reason.
pub mod corridor;
/// Find enterprises no sewer reaches, and the sewer each one drains into.
pub mod coverage;
/// Give each cluster its deadline from the schedule in the project file.
pub mod deadlines;
/// Find pipes with grade 3–4 defects.
pub mod defects;
/// Find enterprises declared unconnected, and enterprises in a park but in no cluster.
pub mod enterprises;
/// Report features whose geometry was repaired or skipped.
pub mod geometry;
/// Place clusters in parks and enterprises in clusters.
pub mod membership;
/// Match each outfall to the network and trace it upstream.
pub mod outfalls;
/// Find overloaded treatment plants.
pub mod plants;
/// The problem record and its stable id.
pub mod problem;
/// Find sewers that end nowhere known.
pub mod sewers;

use std::collections::BTreeMap;

use rayon::prelude::*;

use geo::{Geometry, InteriorPoint};

use crate::contract::ProblemCode;
use crate::model::{Layers, ParkLevel};
use crate::project::Project;
use context::Context;
use corridor::Corridor;
use outfalls::OutfallResult;
use problem::Problem;

/// One cluster's place, corridor, deadline and problem counts.
#[derive(Debug, Clone)]
pub struct ClusterResult {
    pub park: Option<usize>,
    pub park_level: Option<ParkLevel>,
    pub corridor: Corridor,
    pub enterprise_count: usize,
    pub deadline: String,
    pub deadline_reason: String,
    pub problem_counts: BTreeMap<ProblemCode, usize>,
}

/// Where an enterprise lies and which sewer it drains into.
#[derive(Debug, Clone, Copy)]
pub struct EnterpriseResult {
    pub cluster: Option<usize>,
    /// The nearest sewage or combined pipe within `coverage_m`, and its distance.
    pub drain: Option<(usize, f64)>,
}

/// Everything the analyses found, indexed like the layers they are about.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub clusters: Vec<ClusterResult>,
    pub enterprises: Vec<EnterpriseResult>,
    /// The cluster holding a point on each pipe.
    pub pipe_clusters: Vec<Option<usize>>,
    pub outfalls: Vec<OutfallResult>,
    /// Sorted by code, then layer, then feature id.
    pub problems: Vec<Problem>,
    pub node_count: usize,
}

/// Run every analysis on a loaded workspace.
pub fn analyze(layers: &Layers, project: &Project) -> Analysis {
    use crate::timing::phase;
    let ctx = phase("analysis: indexes and network", || {
        Context::build(layers, project)
    });
    let m = phase("analysis: membership", || membership::membership(&ctx));

    // Each cluster's corridor needs its distance to the main stem (`LineIndex::nearest`):
    // clusters are independent, so they are measured on every core.
    let mut clusters: Vec<ClusterResult> = layers
        .clusters
        .par_iter()
        .enumerate()
        .map(|(i, c)| {
            let park = m.cluster_park[i];
            let park_ref = park.map(|p| &layers.parks[p]);
            let corridor = corridor::corridor(
                c,
                &ctx.cluster_geoms[i],
                park_ref,
                &ctx.main_stem,
                project.params.corridor_m,
                &project.corridor,
            );
            let facts = deadlines::Facts {
                enterprise_count: m.cluster_enterprises[i].len(),
                demo: c.demo,
                in_corridor: corridor.in_corridor,
                park_level: park_ref.and_then(|p| p.level),
            };
            let (deadline, deadline_reason) = deadlines::deadline(&project.deadlines, &facts);
            ClusterResult {
                park,
                park_level: facts.park_level,
                corridor,
                enterprise_count: facts.enterprise_count,
                deadline,
                deadline_reason,
                problem_counts: BTreeMap::new(),
            }
        })
        .collect();

    let drains = phase("analysis: drain pipes", || coverage::drain_pipes(&ctx));
    let (outfalls, mut problems) = phase("analysis: outfalls and traces", || {
        outfalls::analyze_outfalls(&ctx, &drains)
    });
    problems.extend(phase("analysis: enterprise coverage", || {
        coverage::uncovered(&ctx, &drains, &m.enterprise_cluster)
    }));
    problems.extend(enterprises::not_connected(&ctx));
    problems.extend(enterprises::outside_cluster(&ctx, &m));
    problems.extend(phase("analysis: sewers not to a plant", || {
        sewers::not_to_plant(&ctx)
    }));
    problems.extend(plants::overloaded(&ctx));
    problems.extend(defects::defects(&ctx));
    problems.extend(geometry::invalid(layers));

    let problem_clusters: Vec<Option<usize>> = phase("analysis: problems to clusters", || {
        problems
            .par_iter()
            .map(|p| {
                p.geom
                    .as_ref()
                    .and_then(Geometry::interior_point)
                    .and_then(|at| ctx.cluster_at(at.0))
            })
            .collect()
    });
    for (p, cluster) in problems.iter_mut().zip(problem_clusters) {
        if let Some(c) = cluster {
            p.cluster_id = Some(layers.clusters[c].id.clone());
            p.deadline = Some(clusters[c].deadline.clone());
            *clusters[c].problem_counts.entry(p.code).or_insert(0) += 1;
        }
    }
    problems
        .sort_by(|a, b| (a.code, a.layer, &a.feature_id).cmp(&(b.code, b.layer, &b.feature_id)));
    problem::dedupe_ids(&mut problems);

    let enterprises = m
        .enterprise_cluster
        .iter()
        .zip(&drains)
        .map(|(cluster, drain)| EnterpriseResult {
            cluster: *cluster,
            drain: *drain,
        })
        .collect();
    let pipe_clusters = phase("analysis: pipes to clusters", || {
        layers
            .pipes
            .par_iter()
            .map(|p| p.geom.interior_point().and_then(|at| ctx.cluster_at(at.0)))
            .collect()
    });
    Analysis {
        clusters,
        enterprises,
        pipe_clusters,
        outfalls,
        problems,
        node_count: ctx.network.node_count(),
    }
}
