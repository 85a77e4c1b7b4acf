//! The direction each pipe carries water (docs/rules.md, "Flow"). A pipeline survey
//! records a line from where the surveyor started, not from where the water comes from:
//! a pipe whose two end inverts are known and differ by more than `flat_m` flows from the
//! higher to the lower; any other flows as recorded (`from_node` → `to_node`, which is its
//! first vertex to its last). A pipe end's invert is the pipe's own (管底高程), else its
//! end manhole's ground level less the pipe's depth there (埋深 is measured to the inner
//! bottom of a drainage pipe).
//!
//! `orient` turns every pipe that flows against its record round (geometry, nodes and
//! levels), so every rule after it, and every output, holds pipes in the direction of flow.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::index::PointIndex;
use crate::model::{FlowBasis, FlowCounts, Layers, Manhole, Pipe};

/// A pipe's inverts at its first and last vertex, where known: its own, else the end
/// manhole's ground level less its depth there.
pub fn end_inverts(pipe: &Pipe, manholes: &[Manhole], at: [Option<usize>; 2]) -> [Option<f64>; 2] {
    let l = pipe.levels();
    let ground = |end: usize| at[end].and_then(|m| manholes[m].ground_m);
    [
        l.from_invert_m
            .or_else(|| Some(ground(0)? - l.from_depth_m?)),
        l.to_invert_m.or_else(|| Some(ground(1)? - l.to_depth_m?)),
    ]
}

/// Whether levels decide the pipe's flow, and if so whether it runs against its record.
fn decide([from, to]: [Option<f64>; 2], flat_m: f64) -> Option<bool> {
    let (from, to) = (from?, to?);
    ((from - to).abs() > flat_m).then_some(to > from)
}

/// The manhole at each end of a pipe where the pipe needs its ground level (a depth given
/// without an invert): the one the end names, else for an end naming none the nearest
/// within `snap_m` (`nodes::join` makes the same ends the same nodes).
struct EndManholes<'a> {
    by_id: HashMap<&'a str, usize>,
    at: PointIndex,
    snap_m: f64,
}

impl<'a> EndManholes<'a> {
    fn new(manholes: &'a [Manhole], snap_m: f64) -> Self {
        let mut by_id = HashMap::new();
        for (i, m) in manholes.iter().enumerate() {
            by_id.entry(m.id.as_str()).or_insert(i);
        }
        EndManholes {
            by_id,
            at: PointIndex::new(manholes.iter().enumerate().map(|(i, m)| (i, m.geom.0))),
            snap_m,
        }
    }

    fn of(&self, pipe: &Pipe) -> [Option<usize>; 2] {
        let needs = needs_ground(pipe);
        let (a, b) = pipe.ends();
        let ends = [(&pipe.from_node, a), (&pipe.to_node, b)];
        let mut out = [None, None];
        for (k, (name, at)) in ends.into_iter().enumerate() {
            if !needs[k] {
                continue;
            }
            out[k] = match name {
                Some(n) => self.by_id.get(n.as_str()).copied(),
                None => self.at.nearest_within(at, self.snap_m).map(|(m, _)| m),
            };
        }
        out
    }
}

/// Which ends of a pipe give a depth without an invert, and so need their manhole's ground.
fn needs_ground(pipe: &Pipe) -> [bool; 2] {
    let l = pipe.levels();
    [
        l.from_invert_m.is_none() && l.from_depth_m.is_some(),
        l.to_invert_m.is_none() && l.to_depth_m.is_some(),
    ]
}

/// Decide every pipe's direction of flow and turn the pipes that flow against their
/// record; count pipes by basis.
pub fn orient(layers: &mut Layers, snap_m: f64, flat_m: f64) -> FlowCounts {
    let pipes = &mut layers.pipes;
    let mut counts = FlowCounts {
        recorded: pipes.len(),
        unlevelled: pipes.len(),
        ..FlowCounts::default()
    };
    // Without a level anywhere, every pipe flows as recorded.
    if pipes.iter().all(|p| p.levels.is_none()) {
        return counts;
    }
    let manholes = &layers.manholes;
    // The manholes are indexed only when some pipe gives a depth without an invert.
    let ends = pipes
        .iter()
        .any(|p| needs_ground(p).contains(&true))
        .then(|| EndManholes::new(manholes, snap_m));
    let decided: Vec<(Option<bool>, bool)> = pipes
        .par_iter()
        .map(|pipe| {
            let at = ends.as_ref().map_or([None, None], |e| e.of(pipe));
            let inverts = end_inverts(pipe, manholes, at);
            (decide(inverts, flat_m), inverts.iter().all(Option::is_some))
        })
        .collect();
    counts = FlowCounts::default();
    for (pipe, (decision, levelled)) in pipes.iter_mut().zip(decided) {
        if !levelled {
            counts.unlevelled += 1;
        }
        match decision {
            Some(against) => {
                pipe.flow_basis = FlowBasis::Levels;
                counts.levels += 1;
                if against {
                    pipe.turn();
                }
            }
            None => {
                pipe.flow_basis = FlowBasis::Recorded;
                counts.recorded += 1;
            }
        }
        if pipe.reversed {
            counts.reversed += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PipeKind, PipeLevels};
    use geo::{LineString, Point};

    fn pipe(levels: PipeLevels, from: Option<&str>, to: Option<&str>) -> Pipe {
        Pipe {
            from_node: from.map(String::from),
            to_node: to.map(String::from),
            levels: Some(Box::new(levels)),
            ..Pipe::new(
                "G1",
                PipeKind::Sewage,
                LineString::from(vec![(0.0, 0.0), (50.0, 0.0)]),
            )
        }
    }

    fn manhole(id: &str, x: f64, ground_m: f64) -> Manhole {
        Manhole {
            ground_m: Some(ground_m),
            ..Manhole::new(id, Point::new(x, 0.0))
        }
    }

    fn oriented(pipe: Pipe, manholes: Vec<Manhole>) -> (Pipe, FlowCounts) {
        let mut layers = Layers {
            pipes: vec![pipe],
            manholes,
            ..Default::default()
        };
        let counts = orient(&mut layers, 1.0, 0.01);
        (layers.pipes.remove(0), counts)
    }

    #[test]
    fn a_pipe_digitised_against_a_falling_invert_is_reversed() {
        let levels = PipeLevels {
            from_invert_m: Some(240.10),
            to_invert_m: Some(240.60),
            ..Default::default()
        };
        let (p, counts) = oriented(pipe(levels, Some("W1"), Some("W2")), Vec::new());
        assert!(p.reversed);
        assert_eq!(p.flow_basis, FlowBasis::Levels);
        assert_eq!(p.ends().0, geo::coord! { x: 50.0, y: 0.0 });
        assert_eq!(p.from_node.as_deref(), Some("W2"));
        assert_eq!(p.levels().from_invert_m, Some(240.60));
        assert_eq!(
            (counts.levels, counts.reversed, counts.unlevelled),
            (1, 1, 0)
        );
    }

    #[test]
    fn a_pipe_with_depths_only_is_oriented_from_ground_less_depth() {
        // W1 at x = 0 (ground 250.0, depth 3.0: invert 247.0); W2 at x = 50 (ground
        // 251.0, depth 2.0: invert 249.0). The water runs from W2 to W1.
        let levels = PipeLevels {
            from_depth_m: Some(3.0),
            to_depth_m: Some(2.0),
            ..Default::default()
        };
        let manholes = vec![manhole("W1", 0.0, 250.0), manhole("W2", 50.0, 251.0)];
        let (p, _) = oriented(pipe(levels, Some("W1"), Some("W2")), manholes.clone());
        assert!(p.reversed);
        assert_eq!(p.flow_basis, FlowBasis::Levels);
        // Unnamed ends find the manholes within snap_m.
        let (p, _) = oriented(pipe(levels, None, None), manholes);
        assert!(p.reversed);
    }

    #[test]
    fn a_flat_pipe_keeps_its_recorded_direction() {
        let levels = PipeLevels {
            from_invert_m: Some(240.005),
            to_invert_m: Some(240.0),
            ..Default::default()
        };
        let (p, counts) = oriented(pipe(levels, Some("W1"), Some("W2")), Vec::new());
        assert!(!p.reversed);
        assert_eq!(p.flow_basis, FlowBasis::Recorded);
        assert_eq!((counts.recorded, counts.unlevelled), (1, 0));
        // Only one end's level known: as recorded, and counted as without levels.
        let half = PipeLevels {
            from_invert_m: Some(1.0),
            ..Default::default()
        };
        let (p, counts) = oriented(pipe(half, None, None), Vec::new());
        assert_eq!((p.reversed, counts.unlevelled), (false, 1));
    }
}
