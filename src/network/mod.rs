//! The directed sewer and storm network (docs/rules.md): each pipe is an edge from its first
//! vertex to its last (the digitised direction is the flow direction) unless it names its
//! `from_node` and `to_node`; pipe ends closer than `snap_m` are one node. Tracing upstream
//! follows edges backwards.
//!
//! Snapping uses a grid of `snap_m` cells over pipe ends and a union-find, never all
//! pairs: ends chained by gaps under `snap_m` become one node, as joints digitised a
//! little apart should.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use geo::Coord;
use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::unionfind::UnionFind;
use petgraph::visit::EdgeRef;

use rayon::prelude::*;

use crate::model::Pipe;

/// The network: a node per junction, an edge per pipe (weight = pipe index).
pub struct Network {
    graph: DiGraph<Coord, usize>,
    /// (upstream node, downstream node) of each pipe.
    pipe_nodes: Vec<(NodeIndex, NodeIndex)>,
}

/// Bits of a cell's column and of its row in a sort key; the end's index takes the low 32.
const CELL_BITS: u32 = 40;

/// Every pair of distinct ends closer than `snap_m` (or coincident) of which at least one
/// end is `free`. Ends are sorted into square cells of side `snap_m`, so a close pair lies
/// in one cell or in two neighbouring ones. Each cell is compared with itself, the cell
/// above it and the three beside it in the next column; columns are swept in step (a
/// merge, not a search) and in parallel.
///
/// An end is sorted by one 128-bit key, its cell's column, row and its own index, not by a
/// tuple of them and its position: a key is a third of the tuple's size and compares in
/// one step (the province's network built in 15.8–16.1 ms against 16.9–18.7, bench/
/// RESULTS.md). Cells are counted from the lowest end's, and made larger than `snap_m`
/// where a layer spans more than 2^40 of them (any cell at least `snap_m` wide still finds
/// every close pair).
fn close_pairs(
    ends: &[Coord],
    snap_m: f64,
    free: impl Fn(usize) -> bool + Sync,
) -> Vec<(usize, usize)> {
    assert!(
        u32::try_from(ends.len()).is_ok(),
        "fewer than 2^32 pipe ends"
    );
    let least = |f: fn(&Coord) -> f64| ends.iter().map(f).fold(f64::INFINITY, f64::min);
    let most_of = |f: fn(&Coord) -> f64| ends.iter().map(f).fold(f64::NEG_INFINITY, f64::max);
    let lo = Coord {
        x: least(|c| c.x),
        y: least(|c| c.y),
    };
    let span = (most_of(|c| c.x) - lo.x).max(most_of(|c| c.y) - lo.y);
    let most = ((1u64 << CELL_BITS) - 1) as f64;
    // A zero tolerance still joins coincident ends: any cell size finds them.
    let cell = (if snap_m > 0.0 { snap_m } else { 1.0 }).max(span / most);
    let at = |v: f64, from: f64| ((v - from) / cell).floor().clamp(0.0, most) as u128;
    let mut sorted: Vec<u128> = ends
        .par_iter()
        .enumerate()
        .map(|(e, c)| at(c.x, lo.x) << (CELL_BITS + 32) | at(c.y, lo.y) << 32 | e as u128)
        .collect();
    sorted.par_sort_unstable();
    let end_of = |k: u128| (k as u32) as usize;
    let cell_of = |k: u128| {
        let row = (k >> 32) as u64 & ((1u64 << CELL_BITS) - 1);
        ((k >> (CELL_BITS + 32)) as i64, row as i64)
    };
    // Runs of one cell, then runs of cells of one column.
    let mut cells: Vec<((i64, i64), Range<usize>)> = Vec::new();
    for (i, k) in sorted.iter().enumerate() {
        let key = cell_of(*k);
        match cells.last_mut() {
            Some((last, run)) if *last == key => run.end = i + 1,
            _ => cells.push((key, i..i + 1)),
        }
    }
    let mut columns: Vec<Range<usize>> = Vec::new();
    for (i, ((x, _), _)) in cells.iter().enumerate() {
        match columns.last_mut() {
            Some(run) if cells[run.start].0.0 == *x => run.end = i + 1,
            _ => columns.push(i..i + 1),
        }
    }
    let (sorted, cells) = (&sorted, &cells);
    let close = |a: usize, b: usize| {
        let (ea, eb) = (end_of(sorted[a]), end_of(sorted[b]));
        let (ca, cb) = (ends[ea], ends[eb]);
        let d = (ca.x - cb.x).hypot(ca.y - cb.y);
        ((free(ea) || free(eb)) && (d < snap_m || d == 0.0)).then_some((ea, eb))
    };
    let between = |a: &Range<usize>, b: &Range<usize>, out: &mut Vec<(usize, usize)>| {
        for i in a.clone() {
            out.extend(b.clone().filter_map(|j| close(i, j)));
        }
    };
    columns
        .par_iter()
        .enumerate()
        .flat_map_iter(|(k, column)| {
            let x = cells[column.start].0.0;
            let next = columns
                .get(k + 1)
                .filter(|n| cells[n.start].0.0 == x + 1)
                .cloned();
            let mut beside = next.as_ref().map_or(0, |n| n.start);
            let mut out = Vec::new();
            for c in column.clone() {
                let ((_, y), run) = &cells[c];
                for i in run.clone() {
                    out.extend((i + 1..run.end).filter_map(|j| close(i, j)));
                }
                if let Some((key, above)) = cells.get(c + 1)
                    && *key == (x, y + 1)
                {
                    between(run, above, &mut out);
                }
                if let Some(next) = &next {
                    while beside < next.end && cells[beside].0.1 < y - 1 {
                        beside += 1;
                    }
                    let mut n = beside;
                    while n < next.end && cells[n].0.1 <= y + 1 {
                        between(run, &cells[n].1, &mut out);
                        n += 1;
                    }
                }
            }
            out
        })
        .collect()
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
        for (e, other) in close_pairs(&ends, snap_m, |e| named(e).is_none()) {
            sets.union(e, other);
        }

        let mut graph = DiGraph::with_capacity(ends.len() / 2, pipes.len());
        let mut node_of_root: Vec<Option<NodeIndex>> = vec![None; ends.len()];
        let mut node = |e: usize, graph: &mut DiGraph<Coord, usize>| {
            *node_of_root[sets.find(e)].get_or_insert_with(|| graph.add_node(ends[e]))
        };
        let mut pipe_nodes = Vec::with_capacity(pipes.len());
        for p in 0..pipes.len() {
            let (a, b) = (node(2 * p, &mut graph), node(2 * p + 1, &mut graph));
            graph.add_edge(a, b, p);
            pipe_nodes.push((a, b));
        }
        Network { graph, pipe_nodes }
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

    /// Every close pair by brute force, each pair once with the smaller end first.
    fn brute_force(
        ends: &[Coord],
        snap_m: f64,
        free: &dyn Fn(usize) -> bool,
    ) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for a in 0..ends.len() {
            for b in a + 1..ends.len() {
                let d = (ends[a].x - ends[b].x).hypot(ends[a].y - ends[b].y);
                if (free(a) || free(b)) && (d < snap_m || d == 0.0) {
                    out.push((a, b));
                }
            }
        }
        out
    }

    fn sorted_pairs(pairs: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
        let mut pairs: Vec<_> = pairs
            .into_iter()
            .map(|(a, b)| (a.min(b), a.max(b)))
            .collect();
        pairs.sort_unstable();
        pairs
    }

    #[test]
    fn grid_snapping_finds_exactly_the_brute_force_pairs_across_cell_edges_and_signs() {
        // 2,000 ends on a 30 m square around the origin, many within 1 m of each other,
        // across cell edges (negative coordinates included), plus exact duplicates.
        let mut rng = fastrand::Rng::with_seed(7);
        let mut ends: Vec<Coord> = (0..2000)
            .map(|_| Coord {
                x: rng.f64() * 30.0 - 15.0,
                y: rng.f64() * 30.0 - 15.0,
            })
            .collect();
        ends.extend(ends[..50].to_vec());
        ends.push(Coord { x: 2.0, y: 0.0 });
        ends.push(Coord { x: 3.0, y: 0.0 }); // exactly snap_m apart: not joined
        let free = |e: usize| !e.is_multiple_of(3);
        for snap in [1.0, 0.35, 0.0] {
            assert_eq!(
                sorted_pairs(close_pairs(&ends, snap, free)),
                brute_force(&ends, snap, &free),
                "snap {snap}"
            );
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
    fn downstream_trace_follows_flow_to_every_end_and_ignores_pipes_upstream() {
        // a → b → c, with d branching off b's end; e flows into a's start.
        let pipes = [
            pipe("a", &[(0., 0.), (10., 0.)]),
            pipe("b", &[(10., 0.), (20., 0.)]),
            pipe("c", &[(20., 0.), (30., 0.)]),
            pipe("d", &[(20., 0.), (20., 10.)]),
            pipe("e", &[(-10., 0.), (0., 0.)]),
        ];
        let net = Network::build(&pipes, 1.0);
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
        let net = Network::build(&[a, b], 1.0);
        // b ends at J2, where a starts, though their geometries are 40 m apart.
        assert_eq!(net.trace_upstream(net.downstream_node(0)), vec![0, 1]);
    }
}
