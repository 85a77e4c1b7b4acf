//! Follow each cluster's sewage downstream to the plants that receive it (docs/rules.md,
//! attribution): from every sewage or combined pipe of the cluster, edges are followed
//! downstream to the nodes no pipe leaves; a plant within `plant_match_m` of such an end
//! receives the cluster's sewage. A plant's problems then belong to every cluster it
//! receives from.

use rayon::prelude::*;

use super::context::Context;

/// Where one cluster's sewage goes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterDownstream {
    /// Every pipe from the cluster's sewers to the ends, the sewers included, in index order.
    pub pipes: Vec<usize>,
    /// The plants that receive it, in index order.
    pub plants: Vec<usize>,
}

/// The downstream trace of every cluster; `pipe_clusters` is the cluster holding each pipe.
pub fn downstream(ctx: &Context, pipe_clusters: &[Option<usize>]) -> Vec<ClusterDownstream> {
    let layers = ctx.layers;
    let mut sewers: Vec<Vec<usize>> = vec![Vec::new(); layers.clusters.len()];
    for (p, c) in pipe_clusters.iter().enumerate() {
        if let Some(c) = c
            && layers.pipes[p].kind.carries_sewage()
        {
            sewers[*c].push(p);
        }
    }
    let d = ctx.project.params.plant_match_m;
    sewers
        .par_iter()
        .map(|own| {
            if own.is_empty() {
                return ClusterDownstream::default();
            }
            let trace = ctx
                .network
                .trace_downstream(own.iter().map(|p| ctx.network.downstream_node(*p)));
            let mut plants: Vec<usize> = trace
                .ends
                .iter()
                .flat_map(|end| ctx.network.pipes_into(*end))
                .flat_map(|p| ctx.plants_within(layers.pipes[p].ends().1, d))
                .map(|(plant, _)| plant)
                .collect();
            plants.sort_unstable();
            plants.dedup();
            let mut pipes = trace.pipes;
            pipes.extend(own);
            pipes.sort_unstable();
            pipes.dedup();
            ClusterDownstream { pipes, plants }
        })
        .collect()
}

/// For each plant, the clusters whose sewage it receives, sorted by cluster id.
pub fn plant_clusters(ctx: &Context, downstream: &[ClusterDownstream]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); ctx.layers.plants.len()];
    for (c, d) in downstream.iter().enumerate() {
        for p in &d.plants {
            out[*p].push(c);
        }
    }
    let clusters = &ctx.layers.clusters;
    for list in &mut out {
        list.sort_by(|a, b| clusters[*a].id.cmp(&clusters[*b].id));
        list.dedup();
    }
    out
}
