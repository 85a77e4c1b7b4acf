//! Find enterprises no sewer reaches (ENTERPRISE_UNCOVERED): inside a cluster, with no
//! sewage or combined pipe within `coverage_m` of the enterprise (point or site polygon).
//! The nearest sewer within reach is also the pipe an enterprise drains into, which the
//! outfall trace uses.

use geo::Geometry;
use rayon::prelude::*;

use super::context::Context;
use super::problem::Problem;
use crate::contract::{LayerKind, ProblemCode};

/// The sewer each enterprise drains into (nearest within `coverage_m`), with its distance.
pub fn drain_pipes(ctx: &Context) -> Vec<Option<(usize, f64)>> {
    let d = ctx.project.params.coverage_m;
    ctx.layers
        .enterprises
        .par_iter()
        .map(|e| ctx.sewers.within(&e.geom, d).into_iter().next())
        .collect()
}

pub fn uncovered(
    ctx: &Context,
    drains: &[Option<(usize, f64)>],
    enterprise_cluster: &[Option<usize>],
) -> Vec<Problem> {
    let d = ctx.project.params.coverage_m;
    let mut out = Vec::new();
    for (i, e) in ctx.layers.enterprises.iter().enumerate() {
        if enterprise_cluster[i].is_none() || drains[i].is_some() {
            continue;
        }
        let nearest = ctx.sewers.nearest(&e.geom).map(|(_, d)| d);
        let detail = crate::contract::Detail::Uncovered {
            nearest_m: nearest,
            within_m: d,
        };
        out.push(
            Problem::new(
                ProblemCode::EnterpriseUncovered,
                LayerKind::Enterprises,
                &e.id,
                detail,
            )
            .at(Geometry::Point(e.rep.into()))
            .distance(nearest),
        );
    }
    out
}
