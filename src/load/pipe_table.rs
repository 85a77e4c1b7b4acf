//! A pipeline survey's 管线 table as lines (docs/workspace.md, "Pipe tables"): each row
//! names the points it joins (起点点号, 终点点号) and is drawn as a straight line between
//! those manholes of the `manholes` layer. A row naming a point the survey does not have
//! is reported with its names and skipped.

use std::collections::HashMap;

use geo::LineString;

use crate::contract::{LayerKind, LoadFault};
use crate::model::{FindingKind, Layers, LoadFinding};

/// Draw every pipe read without geometry between the manholes its nodes name; drop (and
/// report) those that cannot be drawn.
pub fn draw(layers: &mut Layers) {
    if !layers.pipes.iter().any(|p| p.geom.0.is_empty()) {
        return;
    }
    let at: HashMap<&str, geo::Coord> = layers
        .manholes
        .iter()
        .map(|m| (m.id.as_str(), m.geom.0))
        .collect();
    let mut findings = Vec::new();
    let no_manholes = layers.manholes.is_empty();
    layers.pipes.retain_mut(|p| {
        if !p.geom.0.is_empty() {
            return true;
        }
        let ends = [&p.from_node, &p.to_node].map(|n| n.as_deref().unwrap_or(""));
        let found = ends.map(|n| at.get(n).copied());
        if let [Some(a), Some(b)] = found {
            if a == b {
                findings.push(finding(
                    &p.id,
                    LoadFault::PipeEndsTogether {
                        from: ends[0].into(),
                        to: ends[1].into(),
                    },
                ));
                return false;
            }
            p.geom = LineString::new(vec![a, b]);
            return true;
        }
        let missing: Vec<(String, String)> = ends
            .iter()
            .zip(&found)
            .zip(["from_node", "to_node"])
            .filter(|((_, f), _)| f.is_none())
            .map(|((n, _), field)| (field.to_string(), n.to_string()))
            .collect();
        let why = if no_manholes {
            LoadFault::NoManholes
        } else {
            LoadFault::PipeEndsUnknown { missing }
        };
        findings.push(finding(&p.id, why));
        false
    });
    layers.findings.extend(findings);
}

fn finding(id: &str, fault: LoadFault) -> LoadFinding {
    LoadFinding::new(LayerKind::Pipes, id, FindingKind::Value, fault, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Manhole, Pipe, PipeKind};
    use geo::Point;

    fn manhole(id: &str, x: f64, y: f64) -> Manhole {
        Manhole::new(id, Point::new(x, y))
    }

    fn row(id: &str, from: &str, to: &str) -> Pipe {
        Pipe {
            from_node: Some(from.into()),
            to_node: Some(to.into()),
            ..Pipe::new(id, PipeKind::Sewage, LineString::new(Vec::new()))
        }
    }

    #[test]
    fn a_row_is_drawn_between_its_manholes_and_a_row_naming_a_missing_one_is_reported() {
        let mut layers = Layers {
            manholes: vec![manhole("W1", 0.0, 0.0), manhole("W2", 30.0, 40.0)],
            pipes: vec![row("G1", "W1", "W2"), row("G2", "W2", "W9")],
            ..Default::default()
        };
        draw(&mut layers);
        assert_eq!(layers.pipes.len(), 1);
        assert_eq!(
            layers.pipes[0].geom,
            LineString::from(vec![(0.0, 0.0), (30.0, 40.0)])
        );
        assert_eq!(layers.findings.len(), 1);
        assert_eq!(layers.findings[0].feature_id, "G2");
        assert!(
            layers.findings[0].message().contains("`to_node` W9"),
            "{}",
            layers.findings[0].message()
        );
    }
}
