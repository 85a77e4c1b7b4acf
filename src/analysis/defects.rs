//! Find pipes with structural or functional defects of grade 3–4 (PIPE_DEFECT, CJJ 181).

use geo::Geometry;

use super::context::Context;
use super::problem::Problem;
use crate::contract::{LayerKind, ProblemCode};

pub fn defects(ctx: &Context) -> Vec<Problem> {
    ctx.layers
        .pipes
        .iter()
        .filter(|p| p.defect_grade.is_some_and(|g| g >= 3))
        .map(|p| {
            Problem::new(
                ProblemCode::PipeDefect,
                LayerKind::Pipes,
                &p.id,
                crate::contract::Detail::Defect {
                    grade: p.defect_grade.unwrap_or_default(),
                },
            )
            .at(Geometry::LineString(p.geom.clone()))
        })
        .collect()
}
