//! R-trees over the loaded layers, bulk-loaded once, for every spatial question the
//! analyses ask: what lies within a distance of a feature, what is nearest, which polygon
//! holds a point. Each tree holds envelopes or segments with the index of their feature;
//! candidates are then measured exactly with `geo`, so answers are exact, in metres.
//!
//! No query here loops over all features: cost grows as n log n.

use geo::{
    BoundingRect, Contains, Coord, Distance, Euclidean, Geometry, Line, MultiPolygon, Point,
};
use rstar::primitives::{GeomWithData, Line as RLine, Rectangle};
use rstar::{AABB, Envelope as _, RTree, RTreeObject};

type Segment = GeomWithData<RLine<[f64; 2]>, usize>;
type Envelope = GeomWithData<Rectangle<[f64; 2]>, usize>;
type Spot = GeomWithData<[f64; 2], usize>;

fn bbox(g: &Geometry) -> Option<AABB<[f64; 2]>> {
    g.bounding_rect()
        .map(|r| AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]))
}

fn grow(b: &AABB<[f64; 2]>, d: f64) -> AABB<[f64; 2]> {
    let (lo, hi) = (b.lower(), b.upper());
    AABB::from_corners([lo[0] - d, lo[1] - d], [hi[0] + d, hi[1] + d])
}

/// Keep the smallest distance per feature, nearest first (ties by item, so answers are
/// stable). Queries return a handful of hits: sorting beats hashing.
fn nearest_per_item(hits: impl Iterator<Item = (usize, f64)>, max: f64) -> Vec<(usize, f64)> {
    let mut out: Vec<(usize, f64)> = hits.filter(|(_, d)| *d <= max).collect();
    out.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    out.dedup_by_key(|h| h.0);
    out.sort_unstable_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    out
}

/// Lines (pipes, river centrelines) as segments, for distances to them.
pub struct LineIndex {
    tree: RTree<Segment>,
}

impl LineIndex {
    /// Index every segment of every geometry; `item` is the geometry's index in `geoms`.
    pub fn new<'a>(geoms: impl IntoIterator<Item = (usize, &'a Geometry)>) -> Self {
        let mut segments = Vec::new();
        for (item, g) in geoms {
            for_each_segment(g, &mut |l| segments.push((item, l)));
        }
        Self::from_segments(segments)
    }

    /// Index segments, each with its item.
    pub fn from_segments(segments: impl IntoIterator<Item = (usize, Line)>) -> Self {
        let segments: Vec<Segment> = segments
            .into_iter()
            .map(|(item, l)| {
                Segment::new(RLine::new([l.start.x, l.start.y], [l.end.x, l.end.y]), item)
            })
            .collect();
        LineIndex {
            tree: RTree::bulk_load(segments),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// Items within `d` of `geom`, with their exact distance, nearest first.
    pub fn within(&self, geom: &Geometry, d: f64) -> Vec<(usize, f64)> {
        let Some(b) = bbox(geom) else {
            return Vec::new();
        };
        let hits = self
            .tree
            .locate_in_envelope_intersecting(&grow(&b, d))
            .map(|s| {
                let [a, e] = [s.geom().from, s.geom().to];
                let seg = Line::new(Coord { x: a[0], y: a[1] }, Coord { x: e[0], y: e[1] });
                (s.data, Euclidean.distance(&seg, geom))
            });
        nearest_per_item(hits, d)
    }

    /// The nearest item to `geom` at any distance (ties to the lower item).
    ///
    /// Candidates are measured exactly in order of how far their segment's envelope is
    /// from `geom`'s, which no exact distance can be below, until that bound passes the
    /// best distance found: a cluster far from the river meets thousands of segments in
    /// the last search radius, and measures a handful of them.
    pub fn nearest(&self, geom: &Geometry) -> Option<(usize, f64)> {
        if self.is_empty() {
            return None;
        }
        let b = bbox(geom)?;
        let span = diagonal(&self.tree.root().envelope().merged(&b));
        let mut d = 100.0_f64;
        loop {
            let mut candidates: Vec<(f64, &Segment)> = self
                .tree
                .locate_in_envelope_intersecting(&grow(&b, d))
                .map(|s| (envelope_gap(&s.envelope(), &b), s))
                .collect();
            candidates.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
            let mut best: Option<(usize, f64)> = None;
            for (bound, s) in candidates {
                if best.is_some_and(|(_, at)| bound > at) {
                    break;
                }
                let [a, e] = [s.geom().from, s.geom().to];
                let seg = Line::new(Coord { x: a[0], y: a[1] }, Coord { x: e[0], y: e[1] });
                let at = Euclidean.distance(&seg, geom);
                if best.is_none_or(|(item, best)| (at, s.data) < (best, item)) {
                    best = Some((s.data, at));
                }
            }
            // Anything outside the searched box is farther than `d`.
            if best.is_some_and(|(_, at)| at <= d) || d > span {
                return best;
            }
            d *= 4.0;
        }
    }
}

/// The length of a box's diagonal.
fn diagonal(b: &AABB<[f64; 2]>) -> f64 {
    let (lo, hi) = (b.lower(), b.upper());
    ((hi[0] - lo[0]).powi(2) + (hi[1] - lo[1]).powi(2)).sqrt()
}

/// The distance between two boxes (0 when they touch or overlap).
fn envelope_gap(a: &AABB<[f64; 2]>, b: &AABB<[f64; 2]>) -> f64 {
    let gap = |i: usize| {
        (a.lower()[i] - b.upper()[i])
            .max(b.lower()[i] - a.upper()[i])
            .max(0.0)
    };
    gap(0).hypot(gap(1))
}

/// Every segment of a lineal or polygonal geometry (polygon rings included).
fn for_each_segment(g: &Geometry, f: &mut impl FnMut(Line)) {
    match g {
        Geometry::Line(l) => f(*l),
        Geometry::LineString(ls) => ls.lines().for_each(f),
        Geometry::MultiLineString(m) => m.0.iter().flat_map(|ls| ls.lines()).for_each(f),
        Geometry::Polygon(p) => rings(p).flat_map(|r| r.lines()).for_each(f),
        Geometry::MultiPolygon(m) => {
            m.0.iter()
                .flat_map(rings)
                .flat_map(|r| r.lines())
                .for_each(f)
        }
        Geometry::GeometryCollection(gc) => gc.0.iter().for_each(|g| for_each_segment(g, f)),
        Geometry::Rect(r) => r.to_polygon().exterior().lines().for_each(f),
        Geometry::Triangle(t) => t.to_polygon().exterior().lines().for_each(f),
        Geometry::Point(_) | Geometry::MultiPoint(_) => {}
    }
}

fn rings(p: &geo::Polygon) -> impl Iterator<Item = &geo::LineString> {
    std::iter::once(p.exterior()).chain(p.interiors())
}

/// Points (pipe ends, outfalls), for nearest-within-distance questions.
pub struct PointIndex {
    tree: RTree<Spot>,
}

impl PointIndex {
    pub fn new(points: impl IntoIterator<Item = (usize, Coord)>) -> Self {
        PointIndex {
            tree: RTree::bulk_load(
                points
                    .into_iter()
                    .map(|(i, c)| Spot::new([c.x, c.y], i))
                    .collect(),
            ),
        }
    }

    /// Items within `d` of `at`, nearest first (ties by item index, so answers are stable).
    pub fn within(&self, at: Coord, d: f64) -> Vec<(usize, f64)> {
        let hits = self
            .tree
            .locate_within_distance([at.x, at.y], d * d)
            .map(|s| {
                let p = s.geom();
                (
                    s.data,
                    ((p[0] - at.x).powi(2) + (p[1] - at.y).powi(2)).sqrt(),
                )
            });
        nearest_per_item(hits, d)
    }

    pub fn nearest_within(&self, at: Coord, d: f64) -> Option<(usize, f64)> {
        self.within(at, d).into_iter().next()
    }

    /// The nearest item at any distance.
    pub fn nearest(&self, at: Coord) -> Option<(usize, f64)> {
        self.tree.nearest_neighbor(&[at.x, at.y]).map(|s| {
            let p = s.geom();
            (
                s.data,
                ((p[0] - at.x).powi(2) + (p[1] - at.y).powi(2)).sqrt(),
            )
        })
    }
}

/// Areas and sites (clusters, parks, plants) by envelope, for containment and distance.
pub struct AreaIndex {
    tree: RTree<Envelope>,
}

impl AreaIndex {
    pub fn new<'a>(geoms: impl IntoIterator<Item = (usize, &'a Geometry)>) -> Self {
        let items = geoms
            .into_iter()
            .filter_map(|(i, g)| {
                bbox(g).map(|b| Envelope::new(Rectangle::from_corners(b.lower(), b.upper()), i))
            })
            .collect();
        AreaIndex {
            tree: RTree::bulk_load(items),
        }
    }

    /// Items whose polygon (looked up with `polygon_of`) contains `at`, in index order.
    pub fn containing<'a>(
        &self,
        at: Coord,
        polygon_of: impl Fn(usize) -> &'a MultiPolygon,
    ) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .tree
            .locate_all_at_point(&[at.x, at.y])
            .map(|e| e.data)
            .filter(|i| polygon_of(*i).contains(&Point(at)))
            .collect();
        out.sort_unstable();
        out
    }

    /// Items within `d` of `geom`, measured exactly against `geom_of(item)`, nearest first.
    pub fn within<'a>(
        &self,
        geom: &Geometry,
        d: f64,
        geom_of: impl Fn(usize) -> &'a Geometry,
    ) -> Vec<(usize, f64)> {
        let Some(b) = bbox(geom) else {
            return Vec::new();
        };
        let hits = self
            .tree
            .locate_in_envelope_intersecting(&grow(&b, d))
            .map(|e| (e.data, Euclidean.distance(geom_of(e.data), geom)));
        nearest_per_item(hits, d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::line_string;

    #[test]
    fn line_index_measures_exact_distance_to_the_nearest_segment() {
        let pipe = Geometry::LineString(line_string![(x: 0., y: 0.), (x: 100., y: 0.)]);
        let idx = LineIndex::new([(7, &pipe)]);
        let p = Geometry::Point(Point::new(50., 95.));
        assert_eq!(idx.within(&p, 100.0), vec![(7, 95.0)]);
        assert!(idx.within(&p, 94.9).is_empty());
        assert_eq!(
            idx.nearest(&Geometry::Point(Point::new(50., 5000.))),
            Some((7, 5000.0))
        );
    }

    #[test]
    fn nearest_segment_to_a_polygon_equals_brute_force_at_every_distance() {
        // A zigzag river of 400 segments and squares from touching it to 200 km away.
        let river: Vec<(f64, f64)> = (0..=400)
            .map(|i| (i as f64 * 250.0, if i % 2 == 0 { 0.0 } else { 180.0 }))
            .collect();
        let river = Geometry::LineString(river.into());
        let idx = LineIndex::new([(3, &river)]);
        for (x, y) in [
            (500.0, 50.0),
            (20_000.0, 900.0),
            (-3_000.0, -7_000.0),
            (60_000.0, 200_000.0),
        ] {
            let square =
                Geometry::Polygon(geo::Rect::new((x, y), (x + 300.0, y + 300.0)).to_polygon());
            let brute = Euclidean.distance(&river, &square);
            let (item, d) = idx.nearest(&square).expect("a river is indexed");
            assert_eq!(item, 3);
            assert!(
                (d - brute).abs() < 1e-9,
                "at ({x}, {y}): {d} against {brute}"
            );
        }
    }

    #[test]
    fn point_index_returns_nearest_first_within_distance() {
        let idx = PointIndex::new([(0, Coord { x: 0., y: 0. }), (1, Coord { x: 10., y: 0. })]);
        assert_eq!(
            idx.nearest_within(Coord { x: 8., y: 0. }, 20.0),
            Some((1, 2.0))
        );
        assert_eq!(idx.nearest_within(Coord { x: 50., y: 0. }, 20.0), None);
    }
}
