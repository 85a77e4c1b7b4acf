//! Find overloaded treatment plants (PLANT_OVERLOADED): actual inflow above design capacity.

use geo::Geometry;

use super::context::Context;
use super::problem::Problem;
use crate::contract::{LayerKind, ProblemCode};

pub fn overloaded(ctx: &Context) -> Vec<Problem> {
    ctx.layers
        .plants
        .iter()
        .filter_map(|p| match (p.inflow_tpd, p.capacity_tpd) {
            (Some(inflow), Some(capacity)) if inflow > capacity => Some(
                Problem::new(
                    ProblemCode::PlantOverloaded,
                    LayerKind::Plants,
                    &p.id,
                    crate::contract::Detail::Overloaded { inflow, capacity },
                )
                .at(Geometry::Point(p.rep.into())),
            ),
            _ => None,
        })
        .collect()
}
