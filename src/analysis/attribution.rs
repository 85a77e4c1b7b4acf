//! Which cluster an outfall harms (docs/rules.md, attribution): the cluster holding it; else
//! the cluster holding the most pipes of its upstream trace (ties: the smallest
//! `cluster_id`); else the nearest cluster within `outfall_cluster_m`; else none. Outfalls
//! usually stand on the river bank, outside every cluster polygon, so the trace decides
//! most of them.

use geo::{Coord, Geometry};
use serde::Serialize;

use super::context::Context;

/// How an outfall's cluster was decided.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutfallAttribution {
    /// The cluster's polygon holds the outfall.
    Inside,
    /// The cluster holds the most pipes of the outfall's upstream trace (this many).
    Trace(usize),
    /// The nearest cluster, this many metres away.
    Nearest(f64),
}

impl OutfallAttribution {
    pub fn as_str(self) -> &'static str {
        match self {
            OutfallAttribution::Inside => "inside",
            OutfallAttribution::Trace(_) => "trace",
            OutfallAttribution::Nearest(_) => "nearest",
        }
    }
}

/// The cluster of an outfall at `at` whose upstream trace is `upstream` (pipe indexes);
/// `pipe_clusters` is the cluster holding each pipe.
pub fn outfall_cluster(
    ctx: &Context,
    at: Coord,
    upstream: &[usize],
    pipe_clusters: &[Option<usize>],
) -> Option<(usize, OutfallAttribution)> {
    if let Some(c) = ctx.cluster_at(at) {
        return Some((c, OutfallAttribution::Inside));
    }
    let clusters = &ctx.layers.clusters;
    let mut held: Vec<usize> = upstream.iter().filter_map(|p| pipe_clusters[*p]).collect();
    if !held.is_empty() {
        held.sort_unstable();
        let mut best: Option<(usize, usize)> = None;
        for run in held.chunk_by(|a, b| a == b) {
            let (c, n) = (run[0], run.len());
            let better = match best {
                None => true,
                Some((b, m)) => n > m || (n == m && clusters[c].id < clusters[b].id),
            };
            if better {
                best = Some((c, n));
            }
        }
        let (c, n) = best.expect("at least one pipe is held");
        return Some((c, OutfallAttribution::Trace(n)));
    }
    let d = ctx.project.params.outfall_cluster_m;
    ctx.clusters
        .within(&Geometry::Point(at.into()), d, |i| &ctx.cluster_geoms[i])
        .into_iter()
        .min_by(|(a, da), (b, db)| {
            da.total_cmp(db)
                .then_with(|| clusters[*a].id.cmp(&clusters[*b].id))
        })
        .map(|(c, dist)| (c, OutfallAttribution::Nearest(dist)))
}
