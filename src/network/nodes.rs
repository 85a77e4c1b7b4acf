//! Pipe ends and manholes joined into the network's nodes (docs/rules.md, "Flow"): an end
//! naming its node (`from_node`, `to_node`) is that node, and the manhole of that name;
//! an end naming none is joined to the manholes and the other unnamed ends within
//! `snap_m`.
//!
//! Snapping uses a grid of `snap_m` cells over the ends and a union-find, never all pairs:
//! ends chained by gaps under `snap_m` become one node, as joints digitised a little apart
//! should.

use std::collections::HashMap;
use std::ops::Range;

use geo::Coord;
use petgraph::graph::NodeIndex;
use petgraph::unionfind::UnionFind;
use rayon::prelude::*;

use crate::model::{Manhole, Pipe};

/// The nodes of a set of pipes: end `2p` is pipe p's first vertex, `2p + 1` its last.
pub struct Nodes {
    /// The node of each pipe end.
    of_end: Vec<u32>,
    pub count: usize,
    /// Where each node lies: the first pipe end that made it.
    pub position: Vec<Coord>,
    /// The manhole each node is, if any.
    pub manhole: Vec<Option<usize>>,
}

impl Nodes {
    pub fn of_end(&self, end: usize) -> NodeIndex {
        NodeIndex::new(self.of_end[end] as usize)
    }
}

/// Join the ends of `pipes` and the `manholes` into nodes.
pub fn join(pipes: &[Pipe], manholes: &[Manhole], snap_m: f64) -> Nodes {
    let pipe_ends = 2 * pipes.len();
    // Pipe ends first, then the manholes.
    let mut points: Vec<Coord> = pipes
        .iter()
        .flat_map(|p| {
            let (a, b) = p.ends();
            [a, b]
        })
        .collect();
    points.extend(manholes.iter().map(|m| m.geom.0));
    let named = |e: usize| {
        let p = pipes.get(e / 2)?;
        if e.is_multiple_of(2) {
            p.from_node.as_ref()
        } else {
            p.to_node.as_ref()
        }
    };

    let mut sets = UnionFind::<usize>::new(points.len());
    // Manholes are known by their ids (the first of a repeated id), ends by the names
    // they give.
    let mut by_name: HashMap<&String, usize> = HashMap::new();
    for (m, manhole) in manholes.iter().enumerate() {
        by_name.entry(&manhole.id).or_insert(pipe_ends + m);
    }
    for e in 0..pipe_ends {
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
    // Unnamed ends are joined to every end and manhole within snap_m.
    let free = |e: usize| e < pipe_ends && named(e).is_none();
    for (e, other) in close_pairs(&points, snap_m, free) {
        sets.union(e, other);
    }

    let mut of_root: Vec<u32> = vec![u32::MAX; points.len()];
    let mut position = Vec::with_capacity(pipes.len());
    let mut of_end = Vec::with_capacity(pipe_ends);
    for (e, at) in points[..pipe_ends].iter().enumerate() {
        let root = sets.find(e);
        if of_root[root] == u32::MAX {
            of_root[root] = position.len() as u32;
            position.push(*at);
        }
        of_end.push(of_root[root]);
    }
    let mut manhole = vec![None; position.len()];
    for m in 0..manholes.len() {
        let node = of_root[sets.find(pipe_ends + m)];
        if node != u32::MAX && manhole[node as usize].is_none() {
            manhole[node as usize] = Some(m);
        }
    }
    Nodes {
        of_end,
        count: position.len(),
        position,
        manhole,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn an_unnamed_end_within_snap_m_of_a_manhole_is_that_manhole_and_a_named_end_is_its_name() {
        use crate::model::PipeKind;
        let manhole = |id: &str, x: f64| Manhole::new(id, geo::Point::new(x, 0.0));
        let pipe = |from: Option<&str>, x0: f64, x1: f64| Pipe {
            from_node: from.map(String::from),
            ..Pipe::new(
                format!("{x0}"),
                PipeKind::Sewage,
                geo::LineString::from(vec![(x0, 0.0), (x1, 0.0)]),
            )
        };
        // Pipe 0 ends 0.5 m from M1; pipe 1 names M1 though drawn 40 m away; the
        // manholes M1 and M2 lie 0.5 m apart and stay two.
        let pipes = [pipe(None, 0.0, 99.5), pipe(Some("M1"), 140.0, 200.0)];
        let nodes = join(&pipes, &[manhole("M1", 100.0), manhole("M2", 100.5)], 1.0);
        assert_eq!(nodes.of_end(1), nodes.of_end(2));
        assert_eq!(nodes.manhole[nodes.of_end(1).index()], Some(0));
        assert_eq!(nodes.manhole[nodes.of_end(0).index()], None);
        assert_eq!(nodes.count, 3);
    }
}
