//! Report features whose geometry was empty, invalid, of the wrong type or unreadable
//! (INVALID_GEOMETRY), repaired or skipped while loading.

use super::problem::Problem;
use crate::contract::ProblemCode;
use crate::model::{FindingKind, Layers};

pub fn invalid(layers: &Layers) -> Vec<Problem> {
    layers
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::Geometry)
        .map(|f| {
            let mut p = Problem::new(
                ProblemCode::InvalidGeometry,
                f.layer,
                &f.feature_id,
                if f.faults.is_empty() {
                    crate::contract::Detail::Text(f.message.clone())
                } else {
                    crate::contract::Detail::Geometry {
                        faults: f.faults.clone(),
                        skipped: !f.repaired,
                    }
                },
            );
            p.geom = f.geom.clone();
            p
        })
        .collect()
}
