//! Place clusters in parks and enterprises in clusters and parks. A feature is inside a
//! polygon when its representative point (a point on its surface) is (docs/rules.md).

use super::context::Context;

pub struct Membership {
    /// Park of each cluster: its `park_id` when that names a park, else the park holding it.
    pub cluster_park: Vec<Option<usize>>,
    pub enterprise_cluster: Vec<Option<usize>>,
    pub enterprise_park: Vec<Option<usize>>,
    /// Enterprises inside each cluster.
    pub cluster_enterprises: Vec<Vec<usize>>,
}

pub fn membership(ctx: &Context) -> Membership {
    let layers = ctx.layers;
    let cluster_park = layers
        .clusters
        .iter()
        .map(|c| match &c.park_id {
            Some(pid) => ctx.park_by_id(pid),
            None => ctx.park_at(c.rep),
        })
        .collect();
    let enterprise_cluster: Vec<Option<usize>> = layers
        .enterprises
        .iter()
        .map(|e| ctx.cluster_at(e.rep))
        .collect();
    let enterprise_park = layers
        .enterprises
        .iter()
        .map(|e| ctx.park_at(e.rep))
        .collect();
    let mut cluster_enterprises = vec![Vec::new(); layers.clusters.len()];
    for (e, c) in enterprise_cluster.iter().enumerate() {
        if let Some(c) = c {
            cluster_enterprises[*c].push(e);
        }
    }
    Membership {
        cluster_park,
        enterprise_cluster,
        enterprise_park,
        cluster_enterprises,
    }
}
