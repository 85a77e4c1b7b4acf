//! Find sewers that end nowhere known (SEWER_NOT_TO_PLANT): a sewage or combined pipe whose
//! downstream node no pipe leaves, and whose end lies farther than `plant_match_m` from
//! every plant and `outfall_match_m` from every outfall.

use geo::Geometry;

use super::context::Context;
use super::problem::Problem;
use crate::contract::{LayerKind, ProblemCode};

pub fn not_to_plant(ctx: &Context) -> Vec<Problem> {
    let params = &ctx.project.params;
    let mut out = Vec::new();
    for (i, pipe) in ctx.layers.pipes.iter().enumerate() {
        if !pipe.kind.carries_sewage() || !ctx.network.is_terminal(ctx.network.downstream_node(i)) {
            continue;
        }
        let end = pipe.ends().1;
        if !ctx.plants_within(end, params.plant_match_m).is_empty()
            || ctx
                .outfalls
                .nearest_within(end, params.outfall_match_m)
                .is_some()
        {
            continue;
        }
        out.push(
            Problem::new(
                ProblemCode::SewerNotToPlant,
                LayerKind::Pipes,
                &pipe.id,
                crate::contract::Detail::SewerEndsNowhere {
                    kind: pipe.kind,
                    plant_m: params.plant_match_m,
                    outfall_m: params.outfall_match_m,
                },
            )
            .at(Geometry::LineString(pipe.geom.clone())),
        );
    }
    out
}
