//! Enterprises declared not connected to the sewer (ENTERPRISE_NOT_CONNECTED) and
//! enterprises inside a park but in no cluster of that park (ENTERPRISE_OUTSIDE_CLUSTER).

use geo::Geometry;

use super::context::Context;
use super::membership::Membership;
use super::problem::Problem;
use crate::contract::{LayerKind, ProblemCode};

pub fn not_connected(ctx: &Context) -> Vec<Problem> {
    ctx.layers
        .enterprises
        .iter()
        .filter(|e| e.connected == Some(false))
        .map(|e| {
            Problem::new(
                ProblemCode::EnterpriseNotConnected,
                LayerKind::Enterprises,
                &e.id,
                crate::contract::Detail::NotConnected,
            )
            .at(Geometry::Point(e.rep.into()))
        })
        .collect()
}

pub fn outside_cluster(ctx: &Context, m: &Membership) -> Vec<Problem> {
    let layers = ctx.layers;
    let mut out = Vec::new();
    for (i, e) in layers.enterprises.iter().enumerate() {
        let Some(park) = m.enterprise_park[i] else {
            continue;
        };
        let in_own_cluster = m.enterprise_cluster[i]
            .is_some_and(|c| m.cluster_park[c] == Some(park))
            || ctx
                .clusters
                .containing(e.rep, |c| &layers.clusters[c].geom)
                .into_iter()
                .any(|c| m.cluster_park[c] == Some(park));
        if !in_own_cluster {
            out.push(
                Problem::new(
                    ProblemCode::EnterpriseOutsideCluster,
                    LayerKind::Enterprises,
                    &e.id,
                    crate::contract::Detail::OutsideCluster {
                        park: layers.parks[park].id.clone(),
                    },
                )
                .at(Geometry::Point(e.rep.into())),
            );
        }
    }
    out
}
