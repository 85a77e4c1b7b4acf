//! Match each outfall to the network and trace it upstream (docs/rules.md): an outfall is on the
//! network when a pipe's downstream end lies within `outfall_match_m`; its trace is every
//! pipe upstream of that node and the enterprises draining into those pipes. Then the
//! outfall rules: OUTFALL_UNMATCHED, OUTFALL_SEWAGE_DIRECT, STORM_CROSS_CONNECTION, and
//! for storm outfalls what the latest inspections saw (DRY_WEATHER_FLOW,
//! STORM_OUTFALL_POLLUTED); and the cluster each outfall harms.

use geo::Geometry;
use rayon::prelude::*;
use serde::Serialize;

use super::attribution::{OutfallAttribution, outfall_cluster};
use super::context::Context;
use super::inspections::{self, Latest};
use super::problem::{Problem, Trace};
use crate::contract::{Detail, LayerKind, ProblemCode};
use crate::model::{Outfall, OutfallKind};

/// What an outfall is, for styling and filtering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum OutfallStatus {
    Matched,
    Unmatched,
    SewageDirect,
    CrossConnection,
    PlantEffluent,
    /// A storm outfall that flowed in dry weather.
    DryWeatherFlow,
    /// A storm outfall whose latest sample exceeded the limits.
    Polluted,
}

impl OutfallStatus {
    pub const ALL: [OutfallStatus; 7] = [
        OutfallStatus::Matched,
        OutfallStatus::Unmatched,
        OutfallStatus::SewageDirect,
        OutfallStatus::CrossConnection,
        OutfallStatus::PlantEffluent,
        OutfallStatus::DryWeatherFlow,
        OutfallStatus::Polluted,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone)]
pub struct OutfallResult {
    /// The cluster the outfall harms, and how that was decided.
    pub cluster: Option<usize>,
    pub attribution: Option<OutfallAttribution>,
    /// Its latest dry-weather and sampled inspections.
    pub latest: Latest,
    /// The pipe whose downstream end it matched, and how far it is.
    pub matched: Option<(usize, f64)>,
    pub upstream_pipes: Vec<usize>,
    pub upstream_enterprises: Vec<usize>,
    /// The plant whose effluent it carries, when that can be tied.
    pub plant: Option<usize>,
    pub plant_effluent: bool,
    pub codes: Vec<ProblemCode>,
    pub status: OutfallStatus,
}

/// Whether the outfall declares itself a plant's effluent outfall (kind plant or a plant_id).
fn declares_plant(o: &Outfall) -> bool {
    o.kind == Some(OutfallKind::Plant) || o.plant_id.is_some()
}

/// The plant an effluent outfall is tied to: the plant its `plant_id` names, or for kind
/// plant, a plant within `plant_match_m`.
fn tied_plant(ctx: &Context, o: &Outfall) -> Option<usize> {
    if let Some(pid) = &o.plant_id
        && let Some(i) = ctx.plant_by_id(pid)
    {
        return Some(i);
    }
    if o.kind == Some(OutfallKind::Plant) {
        return ctx
            .plants_within(o.geom.0, ctx.project.params.plant_match_m)
            .first()
            .map(|(i, _)| *i);
    }
    None
}

/// Every outfall matched, traced, judged and attributed; `drains` is the sewer each
/// enterprise drains into, `pipe_clusters` the cluster holding each pipe.
pub fn analyze_outfalls(
    ctx: &Context,
    drains: &[Option<(usize, f64)>],
    pipe_clusters: &[Option<usize>],
) -> (Vec<OutfallResult>, Vec<Problem>) {
    let layers = ctx.layers;
    // Enterprises by the pipe they drain into.
    let mut drained_by: Vec<Vec<usize>> = vec![Vec::new(); layers.pipes.len()];
    for (e, d) in drains.iter().enumerate() {
        if let Some((pipe, _)) = d {
            drained_by[*pipe].push(e);
        }
    }

    let latest = inspections::latest(layers);
    // Each outfall is matched and traced on its own: in parallel, results kept in order.
    let per_outfall: Vec<(OutfallResult, Vec<Problem>)> = layers
        .outfalls
        .par_iter()
        .zip(&latest)
        .map(|(o, latest)| one_outfall(ctx, o, &drained_by, pipe_clusters, *latest))
        .collect();
    let (results, problems): (Vec<OutfallResult>, Vec<Vec<Problem>>) =
        per_outfall.into_iter().unzip();
    (results, problems.into_iter().flatten().collect())
}

/// Match one outfall, trace it and apply the outfall rules.
fn one_outfall(
    ctx: &Context,
    o: &Outfall,
    drained_by: &[Vec<usize>],
    pipe_clusters: &[Option<usize>],
    latest: Latest,
) -> (OutfallResult, Vec<Problem>) {
    let params = &ctx.project.params;
    let layers = ctx.layers;
    let mut problems = Vec::new();
    let matched = ctx
        .pipe_ends
        .nearest_within(o.geom.0, params.outfall_match_m);
    let upstream_pipes = matched
        .map(|(pipe, _)| {
            ctx.network
                .trace_upstream(ctx.network.downstream_node(pipe))
        })
        .unwrap_or_default();
    let mut upstream_enterprises: Vec<usize> = upstream_pipes
        .iter()
        .flat_map(|p| drained_by[*p].iter().copied())
        .collect();
    upstream_enterprises.sort_unstable();
    upstream_enterprises.dedup();

    let plant = tied_plant(ctx, o);
    let plant_effluent = declares_plant(o);
    let sewage_upstream = upstream_pipes
        .iter()
        .find(|p| layers.pipes[**p].kind.carries_sewage());
    let trace = Trace {
        pipe_ids: upstream_pipes
            .iter()
            .map(|p| layers.pipes[*p].id.clone())
            .collect(),
        enterprise_ids: upstream_enterprises
            .iter()
            .map(|e| layers.enterprises[*e].id.clone())
            .collect(),
    };
    let here = Geometry::Point(o.geom);
    let mut codes = Vec::new();
    let mut add = |code: ProblemCode, detail: Detail, distance: Option<f64>| {
        codes.push(code);
        let mut p = Problem::new(code, LayerKind::Outfalls, &o.id, detail)
            .at(here.clone())
            .distance(distance);
        p.trace = Some(trace.clone());
        problems.push(p);
    };

    if matched.is_none() && plant.is_none() {
        let nearest = ctx.pipe_ends.nearest(o.geom.0).map(|(_, d)| d);
        let detail = Detail::Unmatched {
            nearest_m: nearest,
            within_m: params.outfall_match_m,
        };
        add(ProblemCode::OutfallUnmatched, detail, nearest);
    }
    let is_storm = o.kind == Some(OutfallKind::Storm);
    if let (true, Some(p)) = (is_storm, sewage_upstream) {
        let pipe = &layers.pipes[*p];
        add(
            ProblemCode::StormCrossConnection,
            Detail::StormWithSewage {
                kind: pipe.kind,
                pipe: pipe.id.clone(),
                traced: upstream_pipes.len(),
            },
            matched.map(|(_, d)| d),
        );
    } else if !plant_effluent && !is_storm {
        let kind_sewage = matches!(o.kind, Some(OutfallKind::Sewage | OutfallKind::Combined));
        if kind_sewage || sewage_upstream.is_some() {
            let detail = match (kind_sewage, sewage_upstream) {
                (true, _) => Detail::SewageOutfall { kind: o.kind },
                (false, Some(p)) => Detail::SewageUpstream {
                    kind: layers.pipes[*p].kind,
                    pipe: layers.pipes[*p].id.clone(),
                },
                (false, None) => unreachable!("guarded above"),
            };
            add(
                ProblemCode::OutfallSewageDirect,
                detail,
                matched.map(|(_, d)| d),
            );
        }
    }

    if is_storm {
        for (code, detail) in inspections::findings(&latest, &layers.inspections, params) {
            add(code, detail, None);
        }
    }

    let status = if codes.contains(&ProblemCode::StormCrossConnection) {
        OutfallStatus::CrossConnection
    } else if codes.contains(&ProblemCode::OutfallSewageDirect) {
        OutfallStatus::SewageDirect
    } else if codes.contains(&ProblemCode::StormOutfallPolluted) {
        OutfallStatus::Polluted
    } else if codes.contains(&ProblemCode::DryWeatherFlow) {
        OutfallStatus::DryWeatherFlow
    } else if codes.contains(&ProblemCode::OutfallUnmatched) {
        OutfallStatus::Unmatched
    } else if plant_effluent {
        OutfallStatus::PlantEffluent
    } else {
        OutfallStatus::Matched
    };
    let attributed = outfall_cluster(ctx, o.geom.0, &upstream_pipes, pipe_clusters);
    let result = OutfallResult {
        cluster: attributed.map(|(c, _)| c),
        attribution: attributed.map(|(_, a)| a),
        latest,
        matched,
        upstream_pipes,
        upstream_enterprises,
        plant,
        plant_effluent,
        codes,
        status,
    };
    (result, problems)
}
