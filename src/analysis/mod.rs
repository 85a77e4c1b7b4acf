//! The analyses of docs/rules.md, each a pure function from the loaded, indexed layers to
//! results: no I/O happens here.

/// Decide which cluster each outfall harms.
pub mod attribution;
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
/// Follow each cluster's sewage downstream to the plants that receive it.
pub mod downstream;
/// Find enterprises declared unconnected, and enterprises in a park but in no cluster.
pub mod enterprises;
/// Report features whose geometry was repaired or skipped.
pub mod geometry;
/// Read each storm outfall's latest inspections: dry-weather flow and polluted samples.
pub mod inspections;
/// What a surveyor checks at each node: cross-connections, invert steps, narrowing pipes.
pub mod junctions;
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
/// What changes results without failing the run: said highlighted where users look.
pub mod warnings;

use std::collections::BTreeMap;

use rayon::prelude::*;

use geo::{Geometry, InteriorPoint};

use crate::contract::{LayerKind, ProblemCode};
use crate::model::{Layers, ParkLevel};
use crate::project::Project;
use context::Context;
use corridor::Corridor;
use downstream::ClusterDownstream;
use outfalls::OutfallResult;
use problem::Problem;

/// One cluster's place, corridor, deadline and problem counts.
#[derive(Debug, Clone)]
pub struct ClusterResult {
    pub park: Option<usize>,
    /// Its park's district, else the district (区县) holding it.
    pub district: Option<String>,
    pub park_level: Option<ParkLevel>,
    pub corridor: Corridor,
    pub enterprise_count: usize,
    pub deadline: String,
    pub deadline_reason: String,
    pub problem_counts: BTreeMap<ProblemCode, usize>,
    /// Where its sewage goes: the pipes downstream and the plants that receive it.
    pub downstream: ClusterDownstream,
}

impl ClusterResult {
    /// Whether the cluster is in the campaign at all (it has a dated deadline).
    pub fn in_scope(&self) -> bool {
        self.deadline != "out_of_scope" && self.deadline != "none"
    }
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
    /// The clusters each plant receives sewage from, sorted by cluster id.
    pub plant_clusters: Vec<Vec<usize>>,
    /// Sorted by code, then layer, then feature id.
    pub problems: Vec<Problem>,
    /// Whether each rule could run: its layers and fields were in the workspace. A rule
    /// that did not run found nothing, and that says nothing.
    pub rules_ran: BTreeMap<ProblemCode, bool>,
    pub node_count: usize,
}

/// Whether each rule's layers and fields are in the workspace (`ProblemCode::needs`).
pub fn rules_ran(layers: &Layers) -> BTreeMap<ProblemCode, bool> {
    ProblemCode::ALL
        .into_iter()
        .map(|code| {
            let ran = code
                .needs()
                .iter()
                .all(|(layer, fields)| layers.has(*layer, fields));
            (code, ran)
        })
        .collect()
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
                district: park_ref
                    .and_then(|p| p.district.clone())
                    .or_else(|| ctx.district_at(c.rep).map(String::from)),
                park_level: facts.park_level,
                corridor,
                enterprise_count: facts.enterprise_count,
                deadline,
                deadline_reason,
                problem_counts: BTreeMap::new(),
                downstream: ClusterDownstream::default(),
            }
        })
        .collect();

    let drains = phase("analysis: drain pipes", || coverage::drain_pipes(&ctx));
    // Pipes and enterprises belong to the cluster holding a point on them; outfalls and
    // plants to the clusters they harm (`attribution`, `downstream`).
    let pipe_clusters: Vec<Option<usize>> = phase("analysis: pipes to clusters", || {
        layers
            .pipes
            .par_iter()
            .map(|p| p.geom.interior_point().and_then(|at| ctx.cluster_at(at.0)))
            .collect()
    });
    let (outfalls, mut problems) = phase("analysis: outfalls and traces", || {
        outfalls::analyze_outfalls(&ctx, &drains, &pipe_clusters)
    });
    let downstream = phase("analysis: downstream to plants", || {
        downstream::downstream(&ctx, &pipe_clusters)
    });
    let plant_clusters = downstream::plant_clusters(&ctx, &downstream);
    for (c, d) in clusters.iter_mut().zip(downstream) {
        c.downstream = d;
    }
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
    problems.extend(phase("analysis: junctions", || junctions::junctions(&ctx)));
    problems.extend(geometry::invalid(layers));

    phase("analysis: problems to clusters", || {
        attribute(
            &ctx,
            &mut problems,
            &mut clusters,
            &outfalls,
            &plant_clusters,
        )
    });
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
    Analysis {
        clusters,
        enterprises,
        pipe_clusters,
        outfalls,
        plant_clusters,
        problems,
        rules_ran: rules_ran(layers),
        node_count: ctx.network.node_count(),
    }
}

/// Whether a code is one of the outfall rules, whose problems belong to the outfall's cluster.
fn is_outfall_rule(code: ProblemCode) -> bool {
    matches!(
        code,
        ProblemCode::OutfallUnmatched
            | ProblemCode::OutfallSewageDirect
            | ProblemCode::StormCrossConnection
            | ProblemCode::DryWeatherFlow
            | ProblemCode::StormOutfallPolluted
    )
}

/// Give every problem the clusters it harms, with the first one's deadline, and count it
/// in each: an outfall's problems go to the outfall's cluster, a plant's to every cluster
/// it receives from, the rest to the cluster holding a point on the feature.
fn attribute(
    ctx: &Context,
    problems: &mut [Problem],
    clusters: &mut [ClusterResult],
    outfalls: &[OutfallResult],
    plant_clusters: &[Vec<usize>],
) {
    let layers = ctx.layers;
    let outfall_index = context::by_id(layers.outfalls.iter().map(|o| o.id.as_str()));
    let plant_index = context::by_id(layers.plants.iter().map(|p| p.id.as_str()));
    let found: Vec<Vec<usize>> = problems
        .par_iter()
        .map(|p| {
            let id = p.feature_id.as_str();
            match (p.layer, p.code) {
                (LayerKind::Outfalls, code) if is_outfall_rule(code) => outfall_index
                    .get(id)
                    .and_then(|o| outfalls[*o].cluster)
                    .into_iter()
                    .collect(),
                (LayerKind::Plants, ProblemCode::PlantOverloaded) => plant_index
                    .get(id)
                    .map(|i| plant_clusters[*i].clone())
                    .unwrap_or_default(),
                _ => p
                    .geom
                    .as_ref()
                    .and_then(Geometry::interior_point)
                    .and_then(|at| ctx.cluster_at(at.0))
                    .into_iter()
                    .collect(),
            }
        })
        .collect();
    for (p, cs) in problems.iter_mut().zip(found) {
        if let Some(first) = cs.first() {
            p.cluster_id = Some(layers.clusters[*first].id.clone());
            p.deadline = Some(clusters[*first].deadline.clone());
        }
        for c in &cs {
            p.cluster_ids.push(layers.clusters[*c].id.clone());
            *clusters[*c].problem_counts.entry(p.code).or_insert(0) += 1;
        }
    }
}
