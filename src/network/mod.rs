//! The directed sewer and storm network (docs/rules.md): each pipe is an edge from its first
//! vertex to its last, once `flow::orient` has turned it to run the way the water does
//! (from the higher invert to the lower, else as recorded). A pipe end is the node its
//! `from_node`/`to_node` names, else the manhole or the other pipe ends within `snap_m`
//! (`nodes`). Tracing upstream follows edges backwards.

use std::collections::HashSet;

use geo::Coord;
use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::model::{Manhole, Pipe};

/// The direction of flow: levels, else the record (docs/rules.md, "Flow").
pub mod flow;
/// Pipe ends and manholes joined into nodes.
pub mod nodes;

/// The network: a node per junction, an edge per pipe (weight = pipe index).
pub struct Network {
    graph: DiGraph<Coord, usize>,
    /// (upstream node, downstream node) of each pipe.
    pipe_nodes: Vec<(NodeIndex, NodeIndex)>,
    /// The manhole each node is, by node index.
    manhole: Vec<Option<usize>>,
}

impl Network {
    /// The network of `pipes` as they are held (each from its first vertex to its last:
    /// `flow::orient` has turned them to the direction of flow), their ends joined into
    /// nodes by `nodes::join` with the `manholes`.
    pub fn build(pipes: &[Pipe], manholes: &[Manhole], snap_m: f64) -> Network {
        let nodes = nodes::join(pipes, manholes, snap_m);
        let mut graph = DiGraph::with_capacity(nodes.count, pipes.len());
        for at in &nodes.position {
            graph.add_node(*at);
        }
        let mut pipe_nodes = Vec::with_capacity(pipes.len());
        for p in 0..pipes.len() {
            let (a, b) = (nodes.of_end(2 * p), nodes.of_end(2 * p + 1));
            graph.add_edge(a, b, p);
            pipe_nodes.push((a, b));
        }
        Network {
            graph,
            pipe_nodes,
            manhole: nodes.manhole,
        }
    }

    /// The manhole (index into the manholes layer) a node is, if it is one.
    pub fn manhole_at(&self, node: NodeIndex) -> Option<usize> {
        self.manhole.get(node.index()).copied().flatten()
    }

    /// The pipes that leave `node`.
    pub fn pipes_out_of(&self, node: NodeIndex) -> impl Iterator<Item = usize> + '_ {
        self.graph
            .edges_directed(node, Direction::Outgoing)
            .map(|e| *e.weight())
    }

    /// Every node, in index order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.graph.node_indices()
    }

    /// The node a pipe starts at.
    pub fn upstream_node(&self, pipe: usize) -> NodeIndex {
        self.pipe_nodes[pipe].0
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

/// What lies downstream of some starting nodes: every pipe reached, and the nodes no pipe
/// leaves where the water ends.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Downstream {
    /// In pipe-index order.
    pub pipes: Vec<usize>,
    /// Terminal nodes reached (a start that no pipe leaves included), in index order.
    pub ends: Vec<NodeIndex>,
}

impl Network {
    /// Everything downstream of `starts`, following edges forwards.
    pub fn trace_downstream(&self, starts: impl IntoIterator<Item = NodeIndex>) -> Downstream {
        let mut seen: HashSet<NodeIndex> = HashSet::new();
        let mut stack: Vec<NodeIndex> = starts.into_iter().filter(|n| seen.insert(*n)).collect();
        let mut out = Downstream::default();
        while let Some(n) = stack.pop() {
            let mut leaves = false;
            for edge in self.graph.edges_directed(n, Direction::Outgoing) {
                leaves = true;
                out.pipes.push(*edge.weight());
                if seen.insert(edge.target()) {
                    stack.push(edge.target());
                }
            }
            if !leaves {
                out.ends.push(n);
            }
        }
        out.pipes.sort_unstable();
        out.pipes.dedup();
        out.ends.sort_unstable();
        out
    }

    /// The pipes that end at `node`.
    pub fn pipes_into(&self, node: NodeIndex) -> impl Iterator<Item = usize> + '_ {
        self.graph
            .edges_directed(node, Direction::Incoming)
            .map(|e| *e.weight())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PipeKind;
    use geo::LineString;

    fn pipe(id: &str, coords: &[(f64, f64)]) -> Pipe {
        Pipe::new(id, PipeKind::Sewage, LineString::from(coords.to_vec()))
    }

    #[test]
    fn joints_0_4_m_apart_still_connect_and_1_2_m_apart_do_not() {
        let pipes = [
            pipe("a", &[(0., 0.), (100., 0.)]),
            pipe("b", &[(100.4, 0.), (200., 0.)]),
            pipe("c", &[(201.2, 0.), (300., 0.)]),
        ];
        let net = Network::build(&pipes, &[], 1.0);
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
        let net = Network::build(&pipes, &[], 1.0);
        assert_eq!(net.trace_upstream(net.downstream_node(2)), vec![0, 1, 2]);
        assert!(!net.is_terminal(net.downstream_node(1)));
        assert!(net.is_terminal(net.downstream_node(2)));
    }

    #[test]
    fn downstream_trace_follows_flow_to_every_end_and_ignores_pipes_upstream() {
        // a → b → c, with d branching off b's end; e flows into a's start.
        let pipes = [
            pipe("a", &[(0., 0.), (10., 0.)]),
            pipe("b", &[(10., 0.), (20., 0.)]),
            pipe("c", &[(20., 0.), (30., 0.)]),
            pipe("d", &[(20., 0.), (20., 10.)]),
            pipe("e", &[(-10., 0.), (0., 0.)]),
        ];
        let net = Network::build(&pipes, &[], 1.0);
        let down = net.trace_downstream([net.downstream_node(0)]);
        assert_eq!(down.pipes, vec![1, 2, 3]);
        let mut ends: Vec<usize> = down
            .ends
            .iter()
            .flat_map(|n| net.pipes_into(*n).collect::<Vec<_>>())
            .collect();
        ends.sort();
        assert_eq!(ends, vec![2, 3]);
        // A start no pipe leaves is itself the end.
        let last = net.trace_downstream([net.downstream_node(2)]);
        assert!(last.pipes.is_empty());
        assert_eq!(last.ends, vec![net.downstream_node(2)]);
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
        let net = Network::build(&[a, b], &[], 1.0);
        // b ends at J2, where a starts, though their geometries are 40 m apart.
        assert_eq!(net.trace_upstream(net.downstream_node(0)), vec![0, 1]);
    }
}
