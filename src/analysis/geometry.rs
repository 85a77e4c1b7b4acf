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
                match &f.fault {
                    crate::contract::LoadFault::Geometry { faults, skipped } => {
                        crate::contract::Detail::Geometry {
                            faults: faults.clone(),
                            skipped: *skipped,
                        }
                    }
                    _ => crate::contract::Detail::Text(f.message()),
                },
            );
            p.geom = f.geom.clone();
            p
        })
        .collect()
}
