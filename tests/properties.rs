//! Property tests (proptest) against simple reference implementations on random small
//! inputs: the network's snapping and traces against union–find and fixpoint closures over
//! all pairs; the R-trees' queries against every point, segment and square; outfall matching, sewer coverage, corridor distance and outfall attribution
//! against brute force over every feature; the score's monotony in the problems counted;
//! GCJ-02/BD-09 round trips; value parsing of what bureaus write; MVT clipping against
//! sampling and polygon intersection. Failing cases proptest shrinks are kept in
//! tests/properties.proptest-regressions.

use std::collections::HashSet;
use std::path::Path;

use geo::{
    Area, BooleanOps, Contains, Coord, Distance, Euclidean, Geometry, LineString, MultiPolygon,
    Point, Polygon, coord,
};
use proptest::prelude::*;

use zdz::analysis;
use zdz::model::{
    Cluster, Enterprise, Layers, Manhole, Outfall, OutfallKind, Pipe, PipeKind, PipeLevels, River,
};
use zdz::network::{Network, flow};
use zdz::project::Project;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("ZDZ_PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(64),
        ..ProptestConfig::default()
    }
}

fn pipe(i: usize, kind: PipeKind, pts: &[(f64, f64)]) -> Pipe {
    Pipe {
        diameter_mm: Some(300.0),
        ..Pipe::new(format!("P{i}"), kind, LineString::from(pts.to_vec()))
    }
}

fn kind_of(k: u8) -> PipeKind {
    match k % 3 {
        0 => PipeKind::Sewage,
        1 => PipeKind::Storm,
        _ => PipeKind::Combined,
    }
}

/// Pipes of two or three vertices in a 200 m square, ends on a 10 m grid jittered by up
/// to 2 m so that snapping has work to do.
fn pipes() -> impl Strategy<Value = Vec<Pipe>> {
    let end = (0u8..20, 0u8..20, -2.0f64..2.0, -2.0f64..2.0)
        .prop_map(|(x, y, dx, dy)| (f64::from(x) * 10.0 + dx, f64::from(y) * 10.0 + dy));
    prop::collection::vec(
        (end.clone(), prop::option::of(end.clone()), end, 0u8..3),
        1..30,
    )
    .prop_map(|ps| {
        ps.into_iter()
            .enumerate()
            .map(|(i, (a, mid, b, k))| {
                let mut pts = vec![a];
                pts.extend(mid);
                pts.push(b);
                pipe(i, kind_of(k), &pts)
            })
            .filter(|p| p.geom.0.first() != p.geom.0.last())
            .collect()
    })
    .prop_filter("at least one pipe", |p: &Vec<Pipe>| !p.is_empty())
}

fn dist(a: Coord, b: Coord) -> f64 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

/// Reference union–find over all pairs.
fn sets(ends: &[Coord], snap: f64) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..ends.len()).collect();
    fn find(p: &mut Vec<usize>, i: usize) -> usize {
        if p[i] != i {
            let r = find(p, p[i]);
            p[i] = r;
        }
        p[i]
    }
    for i in 0..ends.len() {
        for j in 0..i {
            if dist(ends[i], ends[j]) <= snap {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    (0..ends.len()).map(|i| find(&mut parent, i)).collect()
}

fn ends(ps: &[Pipe]) -> Vec<Coord> {
    ps.iter()
        .flat_map(|p| {
            let (a, b) = p.ends();
            [a, b]
        })
        .collect()
}

fn project() -> Project {
    Project::defaults(Path::new("."))
}

fn layers(pipes: Vec<Pipe>) -> Layers {
    let mut l = Layers {
        pipes,
        ..Layers::default()
    };
    for (kind, fields) in [
        (zdz::contract::LayerKind::Pipes, &["pipe_id", "kind"][..]),
        (
            zdz::contract::LayerKind::Outfalls,
            &["outfall_id", "kind"][..],
        ),
        (
            zdz::contract::LayerKind::Enterprises,
            &["enterprise_id"][..],
        ),
        (zdz::contract::LayerKind::Clusters, &["cluster_id"][..]),
        (zdz::contract::LayerKind::Rivers, &["name"][..]),
    ] {
        l.fields.insert(kind, fields.iter().copied().collect());
    }
    l
}

fn square(x: f64, y: f64, w: f64) -> MultiPolygon {
    MultiPolygon(vec![Polygon::new(
        LineString::from(vec![(x, y), (x + w, y), (x + w, y + w), (x, y + w), (x, y)]),
        vec![],
    )])
}

fn cluster(i: usize, geom: MultiPolygon) -> Cluster {
    let rep = geom.0[0].exterior().0[0];
    Cluster {
        id: format!("C{i}"),
        park_id: None,
        name: None,
        demo: false,
        demo_candidate: false,
        yangtze_side: None,
        answers: Default::default(),
        geom,
        rep,
    }
}

/// A random tree draining to node 0: each node's parent, whether each pipe is digitised
/// against the flow, each node's rise above its parent (m), and whether each pipe gives its
/// levels as inverts or as depths below its manholes' ground.
fn trees() -> impl Strategy<Value = (Vec<usize>, Vec<bool>, Vec<f64>, Vec<bool>)> {
    (2usize..40).prop_flat_map(|n| {
        (
            (1..n).map(|k| 0..k).collect::<Vec<_>>(),
            proptest::collection::vec(any::<bool>(), n - 1),
            proptest::collection::vec(0.02f64..3.0, n - 1),
            proptest::collection::vec(any::<bool>(), n - 1),
        )
    })
}

/// The pipes and manholes of such a tree as a survey would deliver them: pipe k - 1 joins
/// node k and its parent, drawn either way, with levels consistent with the flow.
fn surveyed(
    parent: &[usize],
    against: &[bool],
    rise: &[f64],
    as_depths: &[bool],
) -> (Vec<Pipe>, Vec<Manhole>) {
    let n = parent.len() + 1;
    let mut invert = vec![200.0; n];
    for k in 1..n {
        invert[k] = invert[parent[k - 1]] + rise[k - 1];
    }
    // Nodes on a spiral, far apart: no two closer than snap_m.
    let at = |k: usize| {
        let a = k as f64 * 2.399;
        (k as f64 * 15.0 * a.cos(), k as f64 * 15.0 * a.sin() + 7.0)
    };
    let ground = |k: usize| invert[k] + 2.0 + (k % 3) as f64;
    let manholes = (0..n)
        .map(|k| Manhole {
            ground_m: Some(ground(k)),
            ..Manhole::new(format!("N{k}"), Point::from(at(k)))
        })
        .collect();
    let pipes = (1..n)
        .map(|k| {
            let (a, b) = if against[k - 1] {
                (parent[k - 1], k)
            } else {
                (k, parent[k - 1])
            };
            let mut p = pipe(k - 1, PipeKind::Sewage, &[at(a), at(b)]);
            p.from_node = Some(format!("N{a}"));
            p.to_node = Some(format!("N{b}"));
            p.levels = Some(Box::new(if as_depths[k - 1] {
                PipeLevels {
                    from_depth_m: Some(ground(a) - invert[a]),
                    to_depth_m: Some(ground(b) - invert[b]),
                    ..PipeLevels::default()
                }
            } else {
                PipeLevels {
                    from_invert_m: Some(invert[a]),
                    to_invert_m: Some(invert[b]),
                    ..PipeLevels::default()
                }
            }));
            p
        })
        .collect();
    (pipes, manholes)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn on_a_tree_surveyed_in_any_direction_every_upstream_trace_is_the_trace_over_the_true_flow(
        (parent, against, rise, as_depths) in trees()
    ) {
        let (pipes, manholes) = surveyed(&parent, &against, &rise, &as_depths);
        let mut layers = Layers { pipes, manholes, ..Layers::default() };
        let counts = flow::orient(&mut layers, 1.0, 0.01);
        prop_assert_eq!(counts.levels, parent.len());
        prop_assert_eq!(counts.reversed, against.iter().filter(|a| **a).count());
        let net = Network::build(&layers.pipes, &layers.manholes, 1.0);
        let n = parent.len() + 1;
        // The true upstream of node k: the pipes of its descendants.
        let descends = |mut j: usize, k: usize| loop {
            if j == k { return true; }
            if j == 0 { return false; }
            j = parent[j - 1];
        };
        for k in 0..n {
            // Node k: where pipe k - 1 starts (it flows from k), or where pipe 0's
            // water ends for the root.
            let node = if k == 0 {
                let first = parent.iter().position(|p| *p == 0).unwrap();
                net.downstream_node(first)
            } else {
                net.upstream_node(k - 1)
            };
            let truth: Vec<usize> = (1..n)
                .filter(|j| *j != k && descends(*j, k))
                .map(|j| j - 1)
                .collect();
            prop_assert_eq!(net.trace_upstream(node), truth, "node {}", k);
        }
    }

    #[test]
    fn pipe_ends_are_one_node_exactly_when_a_chain_within_snap_m_joins_them(
        ps in pipes(), snap in 0.5f64..4.0
    ) {
        let net = Network::build(&ps, &[], snap);
        let e = ends(&ps);
        let reference = sets(&e, snap);
        let node = |i: usize| if i.is_multiple_of(2) { net.upstream_node(i / 2) } else { net.downstream_node(i / 2) };
        for i in 0..e.len() {
            for j in 0..i {
                prop_assert_eq!(node(i) == node(j), reference[i] == reference[j], "ends {} and {}", i, j);
            }
        }
    }

    #[test]
    fn upstream_and_downstream_traces_are_the_fixpoint_closures(ps in pipes(), start in 0usize..30) {
        let net = Network::build(&ps, &[], 1.0);
        let p0 = start % ps.len();
        // Upstream of p0's downstream node: every pipe whose water reaches it.
        let target = net.downstream_node(p0);
        let mut nodes = HashSet::from([target]);
        let mut up = HashSet::new();
        loop {
            let before = (nodes.len(), up.len());
            for p in 0..ps.len() {
                if nodes.contains(&net.downstream_node(p)) {
                    up.insert(p);
                    nodes.insert(net.upstream_node(p));
                }
            }
            if (nodes.len(), up.len()) == before { break; }
        }
        let mut up: Vec<usize> = up.into_iter().collect();
        up.sort_unstable();
        prop_assert_eq!(net.trace_upstream(target), up);
        // Downstream of p0's upstream node.
        let source = net.upstream_node(p0);
        let mut nodes = HashSet::from([source]);
        let mut down = HashSet::new();
        loop {
            let before = (nodes.len(), down.len());
            for p in 0..ps.len() {
                if nodes.contains(&net.upstream_node(p)) {
                    down.insert(p);
                    nodes.insert(net.downstream_node(p));
                }
            }
            if (nodes.len(), down.len()) == before { break; }
        }
        let mut down: Vec<usize> = down.into_iter().collect();
        down.sort_unstable();
        prop_assert_eq!(net.trace_downstream([source]).pipes, down);
    }

    #[test]
    fn outfalls_match_the_nearest_downstream_end_within_outfall_match_m_and_enterprises_the_nearest_sewer(
        ps in pipes(),
        outfalls in prop::collection::vec((0.0f64..200.0, 0.0f64..200.0), 1..8),
        sites in prop::collection::vec((0.0f64..200.0, 0.0f64..200.0), 1..8),
        match_m in 1.0f64..40.0,
        coverage_m in 1.0f64..60.0,
    ) {
        let mut project = project();
        project.params.outfall_match_m = match_m;
        project.params.coverage_m = coverage_m;
        let mut l = layers(ps);
        l.outfalls = outfalls.iter().enumerate().map(|(i, (x, y))| Outfall {
            id: format!("O{i}"), name: None, kind: Some(OutfallKind::Storm), receiving_water: None,
            plant_id: None, geom: Point::new(*x, *y),
        }).collect();
        l.enterprises = sites.iter().enumerate().map(|(i, (x, y))| Enterprise {
            id: format!("E{i}"), name: None, credit_code: None, industry: None, wastewater_tpd: None,
            connected: None, permit_no: None, answers: Default::default(),
            geom: Geometry::Point(Point::new(*x, *y)), rep: coord! { x: *x, y: *y },
        }).collect();
        let a = analysis::analyze(&l, &project);
        for (o, r) in l.outfalls.iter().zip(&a.outfalls) {
            let best = l.pipes.iter().map(|p| dist(o.geom.0, p.ends().1)).fold(f64::INFINITY, f64::min);
            match r.matched {
                Some((_, d)) => prop_assert!((d - best).abs() < 1e-6 && d <= match_m, "{} matched at {} m, nearest end {} m", o.id, d, best),
                None => prop_assert!(best > match_m, "{} unmatched, an end {} m away", o.id, best),
            }
        }
        for (e, r) in l.enterprises.iter().zip(&a.enterprises) {
            let Geometry::Point(at) = e.geom else { unreachable!() };
            let best = l.pipes.iter().filter(|p| p.kind != PipeKind::Storm)
                .map(|p| Euclidean.distance(&at, &p.geom)).fold(f64::INFINITY, f64::min);
            match r.drain {
                Some((_, d)) => prop_assert!((d - best).abs() < 1e-6 && d <= coverage_m, "{}: {} vs {}", e.id, d, best),
                None => prop_assert!(best > coverage_m, "{} uncovered, a sewer {} m away", e.id, best),
            }
        }
    }

    #[test]
    fn index_queries_equal_brute_force_over_every_point_segment_and_square(
        // Coordinates on a coarse grid, so ties and coincident points are common.
        pts in prop::collection::vec((0i32..40, 0i32..40), 0..60),
        segs in prop::collection::vec(((0i32..40, 0i32..40), (0i32..40, 0i32..40)), 0..40),
        squares in prop::collection::vec((0i32..40, 0i32..40, 1i32..12), 0..12),
        (qx, qy, d) in (-5i32..45, -5i32..45, 0i32..15),
    ) {
        use zdz::index::{AreaIndex, LineIndex, PointIndex};
        let c = |(x, y): (i32, i32)| coord! { x: f64::from(x) * 10.0, y: f64::from(y) * 10.0 };
        let (q, d) = (c((qx, qy)), f64::from(d) * 10.0);
        let qg = Geometry::Point(Point(q));
        // The reference: every distance, smallest per item, nearest first, ties by item.
        let reference = |hits: Vec<(usize, f64)>, max: f64| {
            let mut best: Vec<(usize, f64)> = Vec::new();
            for (i, h) in hits {
                match best.iter_mut().find(|b| b.0 == i) {
                    Some(b) => b.1 = b.1.min(h),
                    None => best.push((i, h)),
                }
            }
            best.retain(|b| b.1 <= max);
            best.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            best
        };

        // Points, each item holding two of them (items repeat, as a pipe's ends do).
        let points: Vec<(usize, Coord)> = pts.iter().enumerate().map(|(k, p)| (k / 2, c(*p))).collect();
        let index = PointIndex::new(points.clone());
        // √(dx² + dy²), as the index measures (hypot can differ in the last bit).
        let all: Vec<(usize, f64)> = points.iter().map(|(i, p)| (*i, ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt())).collect();
        prop_assert_eq!(index.within(q, d), reference(all.clone(), d));
        prop_assert_eq!(index.nearest(q), reference(all, f64::INFINITY).first().copied());

        let lines: Vec<(usize, geo::Line)> = segs.iter().enumerate()
            .map(|(k, (a, b))| (k / 3, geo::Line::new(c(*a), c(*b)))).collect();
        let index = LineIndex::from_segments(lines.clone());
        let all: Vec<(usize, f64)> = lines.iter().map(|(i, l)| (*i, Euclidean.distance(l, &qg))).collect();
        prop_assert_eq!(index.within(&qg, d), reference(all.clone(), d));
        prop_assert_eq!(index.nearest(&qg), reference(all, f64::INFINITY).first().copied());

        let areas: Vec<Geometry> = squares.iter()
            .map(|(x, y, w)| Geometry::MultiPolygon(square(f64::from(*x) * 10.0, f64::from(*y) * 10.0, f64::from(*w) * 10.0)))
            .collect();
        let index = AreaIndex::new(areas.iter().enumerate());
        let holding: Vec<usize> = (0..areas.len()).filter(|i| areas[*i].contains(&Point(q))).collect();
        let polygon = |i: usize| match &areas[i] { Geometry::MultiPolygon(m) => m, _ => unreachable!() };
        prop_assert_eq!(index.containing(q, polygon), holding);
        let all: Vec<(usize, f64)> = areas.iter().enumerate().map(|(i, a)| (i, Euclidean.distance(a, &qg))).collect();
        prop_assert_eq!(index.within(&qg, d, |i| &areas[i]), reference(all, d));
    }

    #[test]
    fn corridor_distance_is_the_least_distance_from_cluster_to_main_stem_and_attribution_follows_its_rule(
        ps in pipes(),
        squares in prop::collection::vec((0.0f64..180.0, 0.0f64..180.0, 5.0f64..40.0), 1..5),
        outfalls in prop::collection::vec((-300.0f64..500.0, -300.0f64..500.0), 1..8),
        river in prop::collection::vec((-300.0f64..500.0, -300.0f64..500.0), 2..5),
    ) {
        let project = project();
        let mut l = layers(ps);
        l.clusters = squares.iter().enumerate().map(|(i, (x, y, w))| cluster(i, square(*x, *y, *w))).collect();
        l.rivers = vec![River { name: Some("长江".into()), main_stem: true, geom: Geometry::LineString(LineString::from(river.clone())) }];
        l.outfalls = outfalls.iter().enumerate().map(|(i, (x, y))| Outfall {
            id: format!("O{i}"), name: None, kind: Some(OutfallKind::Storm), receiving_water: None,
            plant_id: None, geom: Point::new(*x, *y),
        }).collect();
        let a = analysis::analyze(&l, &project);
        let stem = LineString::from(river);
        for (c, r) in l.clusters.iter().zip(&a.clusters) {
            let best = Euclidean.distance(&Geometry::MultiPolygon(c.geom.clone()), &Geometry::LineString(stem.clone()));
            let d = r.corridor.distance_m.expect("a main stem is loaded");
            prop_assert!((d - best).abs() < 1e-6, "{}: {} vs {}", c.id, d, best);
            prop_assert_eq!(r.corridor.in_corridor, best <= project.params.corridor_m);
        }
        for (o, r) in l.outfalls.iter().zip(&a.outfalls) {
            let inside = l.clusters.iter().position(|c| c.geom.contains(&o.geom));
            let expected = if let Some(c) = inside {
                Some(c)
            } else {
                let mut counts = std::collections::BTreeMap::new();
                for p in &r.upstream_pipes {
                    if let Some(c) = a.pipe_clusters[*p] { *counts.entry(c).or_insert(0usize) += 1; }
                }
                if let Some(max) = counts.values().max().copied() {
                    counts.iter().filter(|(_, n)| **n == max).map(|(c, _)| *c).min_by_key(|c| l.clusters[*c].id.clone())
                } else {
                    l.clusters.iter().enumerate()
                        .map(|(i, c)| (i, Euclidean.distance(&Geometry::Point(o.geom), &Geometry::MultiPolygon(c.geom.clone()))))
                        .filter(|(_, d)| *d <= project.params.outfall_cluster_m)
                        .min_by(|a, b| a.1.total_cmp(&b.1).then_with(|| l.clusters[a.0].id.cmp(&l.clusters[b.0].id)))
                        .map(|(i, _)| i)
                }
            };
            prop_assert_eq!(r.cluster, expected, "{}", o.id);
        }
    }

    #[test]
    fn gcj02_and_bd09_round_trip_within_a_metre_inside_china(lon in 104.0f64..118.0, lat in 24.0f64..38.0) {
        use zdz::project::CoordTag;
        for tag in [CoordTag::Gcj02, CoordTag::Bd09] {
            let mut g = Geometry::Point(Point::new(lon, lat));
            zdz::crs::from_wgs84_to_tag(&mut g, tag);
            let Geometry::Point(moved) = g.clone() else { unreachable!() };
            zdz::crs::to_wgs84_from_tag(&mut g, tag);
            let Geometry::Point(back) = g else { unreachable!() };
            let m = geo::Haversine.distance(Point::new(lon, lat), back);
            let off = geo::Haversine.distance(Point::new(lon, lat), moved);
            prop_assert!(m < 1.0, "{:?} round trip off by {} m", tag, m);
            prop_assert!(off > 50.0, "{:?} moved only {} m", tag, off);
        }
    }

    #[test]
    fn numbers_with_separators_and_units_read_back_as_written(n in 0u32..100_000_000, frac in 0u32..100, unit in 0usize..7, sep in any::<bool>()) {
        let value = f64::from(n) + f64::from(frac) / 100.0;
        let int = n.to_string();
        let grouped = if sep {
            let b = int.as_bytes();
            let mut s = String::new();
            for (i, c) in b.iter().enumerate() {
                if i > 0 && (b.len() - i) % 3 == 0 { s.push(','); }
                s.push(*c as char);
            }
            s
        } else { int };
        let units = ["", "t/d", "吨/日", "m³/d", "mm", "米", "mg/L"];
        let text = format!("{grouped}.{frac:02}{}", units[unit]);
        let parsed = zdz::load::values::parse_number(&text);
        prop_assert_eq!(parsed, Ok(value), "{}", text);
    }

    #[test]
    fn dates_read_the_same_in_every_way_bureaus_write_them(y in 1990i32..2100, m in 1u32..13, d in 1u32..29) {
        let date = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let serial = (date - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days();
        for text in [
            format!("{y}-{m:02}-{d:02}"), format!("{y}/{m}/{d}"), format!("{y}年{m}月{d}日"),
            format!("{y}{m:02}{d:02}"), format!("{y}-{m:02}-{d:02} 10:30"), format!("{serial}"),
        ] {
            let parsed = zdz::load::values::parse_date(&text).map(|t| t.date());
            prop_assert_eq!(parsed, Ok(date), "{}", text);
        }
    }

    #[test]
    fn booleans_read_whatever_the_case_and_spaces(pick in 0usize..12, upper in any::<bool>(), pad in 0usize..3) {
        let (text, want) = [("true", true), ("1", true), ("是", true), ("y", true), ("yes", true), ("已纳管", true),
            ("false", false), ("0", false), ("否", false), ("n", false), ("no", false), ("未纳管", false)][pick];
        let text = if upper { text.to_uppercase() } else { text.to_string() };
        let padded = format!("{}{text}{}", " ".repeat(pad), " ".repeat(pad));
        prop_assert_eq!(zdz::load::values::parse_bool(&padded), Ok(want));
    }

    #[test]
    fn a_line_clipped_to_a_tile_keeps_exactly_its_length_inside(
        pts in prop::collection::vec((-2000.0f64..6000.0, -2000.0f64..6000.0), 2..6)
    ) {
        let b = [-64.0, -64.0, 4160.0, 4160.0];
        let pieces = zdz::tiles::clip::line(&pts, &b);
        let mut length = 0.0;
        for piece in &pieces {
            for p in piece {
                prop_assert!(p.0 >= b[0] - 1e-6 && p.0 <= b[2] + 1e-6 && p.1 >= b[1] - 1e-6 && p.1 <= b[3] + 1e-6, "{:?} outside", p);
            }
            for w in piece.windows(2) { length += ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt(); }
        }
        // Reference: each segment in 4,000 steps, counting those whose middle is inside.
        let mut reference = 0.0;
        for w in pts.windows(2) {
            let steps = 4000;
            let seg = ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt() / f64::from(steps);
            for k in 0..steps {
                let t = (f64::from(k) + 0.5) / f64::from(steps);
                let (x, y) = (w[0].0 + t * (w[1].0 - w[0].0), w[0].1 + t * (w[1].1 - w[0].1));
                if x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3] { reference += seg; }
            }
        }
        let total: f64 = pts.windows(2).map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt()).sum();
        prop_assert!((length - reference).abs() <= total / 1000.0 + 1e-6, "{} inside, reference {}", length, reference);
    }

    #[test]
    fn a_polygon_clipped_to_a_tile_keeps_exactly_its_area_inside(
        cx in -1000.0f64..5000.0, cy in -1000.0f64..5000.0,
        radii in prop::collection::vec(100.0f64..3000.0, 3..12)
    ) {
        // A star-shaped ring around (cx, cy): simple whatever the radii.
        let n = radii.len();
        let ring: Vec<(f64, f64)> = radii.iter().enumerate().map(|(i, r)| {
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            (cx + r * a.cos(), cy + r * a.sin())
        }).collect();
        let b = [-64.0, -64.0, 4160.0, 4160.0];
        let clipped = zdz::tiles::clip::ring(&ring, &b);
        let area = |r: &[(f64, f64)]| -> f64 {
            if r.len() < 3 { return 0.0; }
            (0..r.len()).map(|i| { let (a, c) = (r[i], r[(i + 1) % r.len()]); a.0 * c.1 - c.0 * a.1 }).sum::<f64>().abs() / 2.0
        };
        let mut closed = ring.clone();
        closed.push(ring[0]);
        let subject = Polygon::new(LineString::from(closed), vec![]);
        let tile = Polygon::new(LineString::from(vec![(b[0], b[1]), (b[2], b[1]), (b[2], b[3]), (b[0], b[3]), (b[0], b[1])]), vec![]);
        let reference = subject.intersection(&tile).unsigned_area();
        prop_assert!((area(&clipped) - reference).abs() <= 1e-6 * reference.max(1.0) + 1e-3, "{} vs {}", area(&clipped), reference);
    }
}

/// The demo's readiness, computed once for the score property.
fn demo() -> &'static (zdz::load::Loaded, analysis::Analysis) {
    static DEMO: std::sync::OnceLock<(zdz::load::Loaded, analysis::Analysis)> =
        std::sync::OnceLock::new();
    DEMO.get_or_init(|| {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let loaded = zdz::load::load(data.to_str().unwrap()).unwrap();
        let a = analysis::analyze(&loaded.layers, &loaded.project);
        (loaded, a)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..config() })]

    #[test]
    fn leaving_a_problem_out_never_lowers_a_score_and_scores_stay_within_0_and_100(picks in prop::collection::vec(any::<prop::sample::Index>(), 0..12)) {
        let (loaded, a) = demo();
        let ids: Vec<String> = a.problems.iter().map(|p| p.problem_id.clone()).collect();
        let chosen: HashSet<String> = picks.iter().map(|i| ids[i.index(ids.len())].clone()).collect();
        let fewer: HashSet<String> = chosen.iter().skip(1).cloned().collect();
        let score = |excluded: &HashSet<String>| {
            zdz::readiness::assess(&loaded.layers, a, &loaded.project.rubric, excluded)
                .clusters.iter().map(|c| c.as_ref().map(|r| r.score)).collect::<Vec<_>>()
        };
        let (more_out, less_out) = (score(&chosen), score(&fewer));
        for (m, l) in more_out.iter().zip(&less_out) {
            if let (Some(m), Some(l)) = (m, l) {
                prop_assert!(*m >= *l - 1e-9, "leaving more problems out lowered a score: {} < {}", m, l);
                prop_assert!((0.0..=100.0).contains(m));
            }
        }
    }
}

#[test]
fn the_reference_union_find_joins_chains() {
    let e = [
        coord! {x: 0.0, y: 0.0},
        coord! {x: 0.9, y: 0.0},
        coord! {x: 1.8, y: 0.0},
        coord! {x: 5.0, y: 0.0},
    ];
    let s = sets(&e, 1.0);
    assert!(s[0] == s[2] && s[0] != s[3]);
}
