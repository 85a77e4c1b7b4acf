//! The directed sewer and storm network (SPEC §4): each pipe is an edge from its first
//! vertex to its last (the digitised direction is the flow direction) unless it names its
//! `from_node` and `to_node`; pipe ends closer than `snap_m` are one node. Tracing upstream
//! follows edges backwards.
//!
//! Snapping uses an R-tree over pipe ends and a union-find, never all pairs: ends chained
//! by gaps under `snap_m` become one node, as joints digitised a little apart should.

use std::collections::{HashMap, HashSet};

use geo::Coord;
use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::unionfind::UnionFind;
use petgraph::visit::EdgeRef;

use crate::index::PointIndex;
use crate::model::Pipe;

/// The network: a node per junction, an edge per pipe (weight = pipe index).
pub struct Network {
    graph: DiGraph<Coord, usize>,
    /// (upstream node, downstream node) of each pipe.
    pipe_nodes: Vec<(NodeIndex, NodeIndex)>,
}

impl Network {
    pub fn build(pipes: &[Pipe], snap_m: f64) -> Network {
        // End 2p is pipe p's upstream end, 2p+1 its downstream end.
        let ends: Vec<Coord> = pipes
            .iter()
            .flat_map(|p| {
                let (a, b) = p.ends();
                [a, b]
            })
            .collect();
        let named = |e: usize| {
            let p = &pipes[e / 2];
            match (&p.from_node, &p.to_node) {
                (Some(f), Some(t)) => Some(if e.is_multiple_of(2) { f } else { t }),
                _ => None,
            }
        };

        let mut sets = UnionFind::<usize>::new(ends.len());
        // Named ends are joined by name.
        let mut by_name: HashMap<&String, usize> = HashMap::new();
        for e in 0..ends.len() {
            if let Some(name) = named(e) {
                match by_name.get(name) {
                    Some(first) => {
                        sets.union(*first, e);
                    }
                    None => {
                        by_name.insert(name, e);
                    }
                }
            }
        }
        // Unnamed ends are joined to every end within snap_m.
        let tree = PointIndex::new(ends.iter().copied().enumerate());
        for (e, at) in ends.iter().enumerate() {
            if named(e).is_some() {
                continue;
            }
            for (other, d) in tree.within(*at, snap_m) {
                if other != e && (d < snap_m || d == 0.0) {
                    sets.union(e, other);
                }
            }
        }

        let mut graph = DiGraph::with_capacity(ends.len() / 2, pipes.len());
        let mut node_of_root: HashMap<usize, NodeIndex> = HashMap::new();
        let mut node = |e: usize, graph: &mut DiGraph<Coord, usize>| {
            *node_of_root
                .entry(sets.find(e))
                .or_insert_with(|| graph.add_node(ends[e]))
        };
        let mut pipe_nodes = Vec::with_capacity(pipes.len());
        for p in 0..pipes.len() {
            let (a, b) = (node(2 * p, &mut graph), node(2 * p + 1, &mut graph));
            graph.add_edge(a, b, p);
            pipe_nodes.push((a, b));
        }
        Network { graph, pipe_nodes }
    }

    /// The downstream node of a pipe.
    pub fn downstream_node(&self, pipe: usize) -> NodeIndex {
        self.pipe_nodes[pipe].1
    }

    /// Where a node lies (the first pipe end that made it).
    pub fn position(&self, node: NodeIndex) -> Coord {
        self.graph[node]
    }

    /// Whether no pipe leaves the node.
    pub fn is_terminal(&self, node: NodeIndex) -> bool {
        self.graph
            .neighbors_directed(node, Direction::Outgoing)
            .next()
            .is_none()
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Every pipe upstream of `node`, in pipe-index order.
    pub fn trace_upstream(&self, node: NodeIndex) -> Vec<usize> {
        // A set, not a bitmap over all nodes: a trace costs what it visits, so tracing
        // every outfall costs what the traces hold, not outfalls × nodes.
        let mut seen = HashSet::from([node]);
        let mut pipes = Vec::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            for edge in self.graph.edges_directed(n, Direction::Incoming) {
                pipes.push(*edge.weight());
                if seen.insert(edge.source()) {
                    stack.push(edge.source());
                }
            }
        }
        pipes.sort_unstable();
        pipes.dedup();
        pipes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PipeKind;
    use geo::LineString;

    fn pipe(id: &str, coords: &[(f64, f64)]) -> Pipe {
        Pipe {
            id: id.into(),
            kind: PipeKind::Sewage,
            from_node: None,
            to_node: None,
            diameter_mm: None,
            defect_grade: None,
            geom: LineString::from(coords.to_vec()),
        }
    }

    #[test]
    fn joints_0_4_m_apart_still_connect_and_1_2_m_apart_do_not() {
        let pipes = [
            pipe("a", &[(0., 0.), (100., 0.)]),
            pipe("b", &[(100.4, 0.), (200., 0.)]),
            pipe("c", &[(201.2, 0.), (300., 0.)]),
        ];
        let net = Network::build(&pipes, 1.0);
        assert_eq!(net.trace_upstream(net.downstream_node(1)), vec![0, 1]);
        assert_eq!(net.trace_upstream(net.downstream_node(2)), vec![2]);
    }

    #[test]
    fn trace_follows_digitised_direction_only() {
        // a flows into b; c leaves b's end going on downstream; d flows the other way.
        let pipes = [
            pipe("a", &[(0., 0.), (10., 0.)]),
            pipe("b", &[(10., 0.), (20., 0.)]),
            pipe("c", &[(20., 0.), (30., 0.)]),
            pipe("d", &[(10., 0.), (10., 10.)]),
        ];
        let net = Network::build(&pipes, 1.0);
        assert_eq!(net.trace_upstream(net.downstream_node(2)), vec![0, 1, 2]);
        assert!(!net.is_terminal(net.downstream_node(1)));
        assert!(net.is_terminal(net.downstream_node(2)));
    }

    #[test]
    fn named_nodes_override_geometry_for_direction() {
        let mut a = pipe("a", &[(0., 0.), (10., 0.)]);
        // Digitised away from the outfall, but named towards it: J2 → J1.
        a.from_node = Some("J2".into());
        a.to_node = Some("J1".into());
        let mut b = pipe("b", &[(50., 0.), (60., 0.)]);
        b.from_node = Some("J3".into());
        b.to_node = Some("J2".into());
        let net = Network::build(&[a, b], 1.0);
        // b ends at J2, where a starts, though their geometries are 40 m apart.
        assert_eq!(net.trace_upstream(net.downstream_node(0)), vec![0, 1]);
    }
}
