//! One collection as a tile source: its features' tags and importance, built once per
//! snapshot; a tile is a buffered search (in the collection's own lon/lat R-tree, the tile's
//! box taken back to lon/lat, then the exact Web Mercator test), a move into the tile's grid, a
//! simplification, a clip, a snap to integers and an encode. Features keep their place in
//! the collection (the tile's feature id is that place + 1) and their properties stay in
//! the collection, read when a tile is cut.
//!
//! A tile is capped at `MAX_TILE_BYTES`: past that, the least important features are left
//! out at low zoom; problems and outfalls are never left out from zoom 12 on.

use std::collections::{BTreeMap, HashSet};

use geo::{BoundingRect, Geometry, LineString, Simplify};
use serde_json::{Value, json};

use super::clip::{self, Box2};
use super::encode::{LayerWriter, Shape};
use super::grid::{BUFFER, EXTENT, HALF, MAX_ZOOM, TileId, lonlat, mercator};
use super::tags::{Prop, Tags};

/// The largest tile served (≈ 500 KB).
pub const MAX_TILE_BYTES: usize = 500 * 1024;

/// Room left for what the layer adds around its features (header, name, extent) and for
/// one more feature, when features are left out to keep a tile under `MAX_TILE_BYTES`.
const LAYER_MARGIN: usize = 16 * 1024;

/// A layer's features as a tile source reads them (the service's collections).
pub trait Features: Sync {
    fn count(&self) -> usize;
    /// The feature's geometry in WGS84 lon/lat.
    fn lonlat(&self, i: usize) -> Option<&Geometry>;
    /// The feature's properties, borrowed, in key order, into `out` (emptied first).
    fn properties_into<'a>(&'a self, i: usize, out: &mut Vec<(&'a str, Prop<'a>)>);
    /// The table `Prop::Shared` texts index, when the properties have one.
    fn shared_texts(&self) -> Option<super::tags::SharedTexts> {
        None
    }
    /// The features whose lon/lat envelope meets `[west, south, east, north]`, in any order
    /// (a collection answers from its R-tree).
    fn meeting(&self, bbox: [f64; 4]) -> Vec<usize>;
}

/// A property among a feature's borrowed properties.
pub fn get<'a>(props: &[(&str, Prop<'a>)], key: &str) -> Option<Prop<'a>> {
    props.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// How a collection is tiled: how important each feature is, and from which zoom none
/// may be left out.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub keep_from: Option<u8>,
    pub importance: fn(&[(&str, Prop)]) -> f32,
}

pub struct TileIndex {
    layer: String,
    importance: Vec<f32>,
    /// Every feature's properties as tags, ready to encode.
    tags: Tags,
    rule: Rule,
    /// Property name → JSON type, for TileJSON's `vector_layers`.
    fields: BTreeMap<String, &'static str>,
    /// lon/lat: west, south, east, north.
    pub bounds: Option<[f64; 4]>,
}

fn project(g: &Geometry) -> Geometry {
    use geo::MapCoords;
    g.map_coords(|c| {
        let (x, y) = mercator(c.x, c.y);
        geo::coord! { x: x, y: y }
    })
}

fn json_type(v: Prop) -> Option<&'static str> {
    match v {
        Prop::Text(_) | Prop::Shared(..) | Prop::Json(Value::Array(_)) => Some("String"),
        Prop::Bool(_) => Some("Boolean"),
        Prop::I64(_) | Prop::U64(_) | Prop::F64(_) => Some("Number"),
        _ => None,
    }
}

impl TileIndex {
    pub fn build(layer: &str, f: &dyn Features, rule: Rule) -> TileIndex {
        let n = f.count();
        let mut importance = Vec::with_capacity(n);
        let mut fields = BTreeMap::new();
        let mut bounds: Option<[f64; 4]> = None;
        let mut tags = Tags::with_capacity(n, f.shared_texts());
        let mut props = Vec::new();
        for i in 0..n {
            f.properties_into(i, &mut props);
            for (k, v) in &props {
                if let Some(t) = json_type(*v)
                    && !fields.contains_key(*k)
                {
                    fields.insert(k.to_string(), t);
                }
            }
            importance.push((rule.importance)(&props));
            tags.push_props(&props);
            if let Some(r) = f.lonlat(i).and_then(|g| g.bounding_rect()) {
                let b = bounds.get_or_insert([r.min().x, r.min().y, r.max().x, r.max().y]);
                b[0] = b[0].min(r.min().x);
                b[1] = b[1].min(r.min().y);
                b[2] = b[2].max(r.max().x);
                b[3] = b[3].max(r.max().y);
            }
        }
        TileIndex {
            tags: tags.finish(),
            layer: layer.to_string(),
            importance,
            rule,
            fields,
            bounds,
        }
    }

    /// The layer's entry in TileJSON's `vector_layers`.
    pub fn vector_layer(&self, description: &str) -> Value {
        json!({
            "id": self.layer,
            "description": description,
            "minzoom": 0,
            "maxzoom": MAX_ZOOM,
            "fields": self.fields,
        })
    }

    /// The features of `f` whose envelope, in Web Mercator, meets the tile's buffered box,
    /// in collection order: what `cut` works through, and so a measure of what the tile
    /// will cost.
    ///
    /// Web Mercator keeps the order of longitudes and of latitudes, so the box of a
    /// projected geometry is its projected lon/lat box: the search asks `f` for the
    /// envelopes meeting the tile's box taken back to lon/lat (widened by a hair against
    /// rounding), then keeps those whose projected box meets the tile's.
    pub fn candidates(&self, f: &dyn Features, t: TileId) -> Vec<usize> {
        let [w, s, e, n] = t.buffered();
        let (west, south) = lonlat(w, s);
        let (east, north) = lonlat(e, n);
        // Latitudes past Web Mercator's limit project onto it.
        let south = if s <= -HALF { -90.0 } else { south };
        let north = if n >= HALF { 90.0 } else { north };
        const HAIR: f64 = 1e-7;
        let mut hits: Vec<usize> = f
            .meeting([west - HAIR, south - HAIR, east + HAIR, north + HAIR])
            .into_iter()
            .filter(|i| {
                let Some(r) = f.lonlat(*i).and_then(|g| g.bounding_rect()) else {
                    return false;
                };
                let (x0, y0) = mercator(r.min().x, r.min().y);
                let (x1, y1) = mercator(r.max().x, r.max().y);
                x0 <= e && x1 >= w && y0 <= n && y1 >= s
            })
            .collect();
        hits.sort_unstable();
        hits
    }

    /// Cut tile `t`: an MVT with one layer named after the collection (empty bytes when no
    /// feature falls in it).
    pub fn tile(&self, f: &dyn Features, t: TileId) -> Vec<u8> {
        self.cut(f, t, self.candidates(f, t))
    }

    /// Cut tile `t` of `f`'s features from its `candidates`. Geometries are projected to
    /// Web Mercator as the tile is cut, not kept projected.
    pub fn cut(&self, f: &dyn Features, t: TileId, mut hits: Vec<usize>) -> Vec<u8> {
        if hits.is_empty() {
            return Vec::new();
        }
        let droppable = self.rule.keep_from.is_none_or(|z| t.z < z);
        // At low zoom many points fall on one grid cell, and a tile may hold more than
        // `MAX_TILE_BYTES`: the most important features go first.
        if droppable {
            hits.sort_by(|a, b| {
                self.importance[*b]
                    .total_cmp(&self.importance[*a])
                    .then(a.cmp(b))
            });
        }
        let mut bytes = self.encode(f, t, &hits, droppable);
        // `encode` stops adding features near the cap; only a last feature larger than
        // `LAYER_MARGIN` can carry a tile past it, and then fewer are encoded again.
        let mut keep = hits.len();
        while droppable && bytes.len() > MAX_TILE_BYTES && keep > 1 {
            keep = ((keep as f64) * MAX_TILE_BYTES as f64 / bytes.len() as f64 * 0.9) as usize;
            keep = keep.max(1);
            bytes = self.encode(f, t, &hits[..keep], droppable);
        }
        bytes
    }

    fn encode(&self, f: &dyn Features, t: TileId, hits: &[usize], droppable: bool) -> Vec<u8> {
        let edge = BUFFER;
        let clip_box: Box2 = [-edge, -edge, EXTENT as f64 + edge, EXTENT as f64 + edge];
        let mut layer = LayerWriter::new(&self.layer, &self.tags, hits.len());
        let mut seen_points: HashSet<(i32, i32), foldhash::fast::FixedState> = HashSet::default();
        for &i in hits {
            let Some(g) = f.lonlat(i).map(project) else {
                continue;
            };
            let Some(shape) = cut(&g, t, &clip_box) else {
                continue;
            };
            let single = match &shape {
                Shape::Point(p) => Some(*p),
                Shape::Points(ps) if ps.len() == 1 => Some(ps[0]),
                _ => None,
            };
            if let Some(p) = single
                && droppable
                && !seen_points.insert(p)
            {
                continue;
            }
            layer.add(i, i as u64 + 1, &shape);
            // Features come most important first: the rest are left out.
            if droppable && layer.size() > MAX_TILE_BYTES - LAYER_MARGIN {
                break;
            }
        }
        layer.encode()
    }
}

/// Grid units a simplification may move a vertex by: less than a pixel at 256 px a tile.
const SIMPLIFY: f64 = 4.0;

fn to_grid(ls: &LineString, t: TileId) -> Vec<(f64, f64)> {
    let tolerance = SIMPLIFY / EXTENT as f64 * t.size();
    // A ring or line not much larger than the tolerance would collapse: kept as it is.
    let small = ls
        .bounding_rect()
        .is_none_or(|r| r.width().max(r.height()) < 8.0 * tolerance);
    let simplified;
    let coords = if small {
        &ls.0
    } else {
        simplified = ls.simplify(tolerance);
        &simplified.0
    };
    coords.iter().map(|c| t.to_grid(c.x, c.y)).collect()
}

/// Side, in grid units, of the square a polygon too small to see is drawn as (about a
/// pixel at 256 px a tile), so small clusters stay on the map at national zooms.
const TINY: i32 = 16;

/// A polygon smaller than `TINY` in both directions, as a `TINY` square at its centre.
fn tiny_square(ring: &[(f64, f64)]) -> Option<Vec<(i32, i32)>> {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in ring {
        x0 = x0.min(p.0);
        y0 = y0.min(p.1);
        x1 = x1.max(p.0);
        y1 = y1.max(p.1);
    }
    if !(x1 - x0 < TINY as f64 && y1 - y0 < TINY as f64) {
        return None;
    }
    let (cx, cy) = (
        ((x0 + x1) / 2.0).round() as i32,
        ((y0 + y1) / 2.0).round() as i32,
    );
    let h = TINY / 2;
    Some(vec![
        (cx - h, cy - h),
        (cx + h, cy - h),
        (cx + h, cy + h),
        (cx - h, cy + h),
        (cx - h, cy - h),
    ])
}

fn cut(g: &Geometry, t: TileId, clip_box: &Box2) -> Option<Shape> {
    let inside = |p: &(f64, f64)| {
        p.0 >= clip_box[0] && p.0 <= clip_box[2] && p.1 >= clip_box[1] && p.1 <= clip_box[3]
    };
    let lines = |ls: &[&LineString]| -> Option<Shape> {
        // One line wholly inside the box (most pipes): snapped as it is.
        if let [l] = ls {
            let grid = to_grid(l, t);
            if grid.iter().all(inside) {
                let snapped = clip::snap(&grid);
                return (snapped.len() >= 2).then_some(Shape::Line(snapped));
            }
        }
        let out: Vec<Vec<(i32, i32)>> = ls
            .iter()
            .flat_map(|l| clip::line(&to_grid(l, t), clip_box))
            .map(|piece| clip::snap(&piece))
            .filter(|p| p.len() >= 2)
            .collect();
        (!out.is_empty()).then_some(Shape::Lines(out))
    };
    let polygons = |ps: &[&geo::Polygon]| -> Option<Shape> {
        let mut out = Vec::new();
        for p in ps {
            let grid = to_grid(p.exterior(), t);
            if let Some(square) = tiny_square(&grid) {
                let c = (square[0].0 + TINY / 2, square[0].1 + TINY / 2);
                if inside(&(c.0 as f64, c.1 as f64)) {
                    out.push(vec![square]);
                }
                continue;
            }
            let exterior = clip::snap(&clip::ring(&grid, clip_box));
            if exterior.len() < 4 || clip::area2(&exterior) == 0 {
                continue;
            }
            let mut rings = vec![exterior];
            for hole in p.interiors() {
                let h = clip::snap(&clip::ring(&to_grid(hole, t), clip_box));
                if h.len() >= 4 && clip::area2(&h) != 0 {
                    rings.push(h);
                }
            }
            out.push(rings);
        }
        (!out.is_empty()).then_some(Shape::Polygons(out))
    };
    match g {
        Geometry::Point(p) => {
            let q = t.to_grid(p.x(), p.y());
            inside(&q).then(|| Shape::Point((q.0.round() as i32, q.1.round() as i32)))
        }
        Geometry::MultiPoint(mp) => {
            let ps: Vec<(i32, i32)> = mp
                .iter()
                .map(|p| t.to_grid(p.x(), p.y()))
                .filter(inside)
                .map(|q| (q.0.round() as i32, q.1.round() as i32))
                .collect();
            (!ps.is_empty()).then_some(Shape::Points(ps))
        }
        Geometry::LineString(l) => lines(&[l]),
        Geometry::MultiLineString(m) => lines(&m.0.iter().collect::<Vec<_>>()),
        Geometry::Polygon(p) => polygons(&[p]),
        Geometry::MultiPolygon(m) => polygons(&m.0.iter().collect::<Vec<_>>()),
        Geometry::Line(l) => lines(&[&LineString::from(vec![l.start, l.end])]),
        Geometry::Rect(r) => polygons(&[&r.to_polygon()]),
        Geometry::Triangle(tr) => polygons(&[&tr.to_polygon()]),
        Geometry::GeometryCollection(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Point;
    use serde_json::{Map, json};

    /// Points with properties, as the service's collections give them.
    struct Things(Vec<(Geometry, Map<String, Value>)>);

    impl Features for Things {
        fn count(&self) -> usize {
            self.0.len()
        }
        fn lonlat(&self, i: usize) -> Option<&Geometry> {
            Some(&self.0[i].0)
        }
        fn properties_into<'a>(&'a self, i: usize, out: &mut Vec<(&'a str, Prop<'a>)>) {
            out.clear();
            out.extend(self.0[i].1.iter().map(|(k, v)| (k.as_str(), Prop::of(v))));
        }
        /// Every feature walked.
        fn meeting(&self, [w, s, e, n]: [f64; 4]) -> Vec<usize> {
            (0..self.count())
                .filter(|i| {
                    let r = self.0[*i].0.bounding_rect().unwrap();
                    r.min().x <= e && r.max().x >= w && r.min().y <= n && r.max().y >= s
                })
                .collect()
        }
    }

    fn importance(p: &[(&str, Prop)]) -> f32 {
        get(p, "rank").and_then(Prop::as_f64).unwrap_or_default() as f32
    }

    /// 20,000 points 0.0012° apart (3.5 grid units at zoom 8, so none share a cell) with a
    /// long text each: some 2 MB in one zoom 8 tile.
    fn things() -> Things {
        Things(
            (0..20_000)
                .map(|i| {
                    let p = Point::new(
                        106.5 + (i % 150) as f64 * 0.0012,
                        29.5 + (i / 150) as f64 * 0.0012,
                    );
                    let props =
                        json!({"id": format!("T{i}"), "rank": i % 7, "note": "x".repeat(80)});
                    (Geometry::Point(p), props.as_object().unwrap().clone())
                })
                .collect(),
        )
    }

    /// Candidates asked in lon/lat are exactly the features whose Web Mercator envelope
    /// meets the tile's buffered box: points and short lines on, just inside and just
    /// outside each edge of the box, at zooms 0 to 18, against the test on every feature.
    #[test]
    fn candidates_are_the_features_whose_mercator_box_meets_the_buffered_tile() {
        use crate::tiles::grid::{lonlat, tile_of};
        let mut rng = fastrand::Rng::with_seed(7);
        for z in [0u8, 3, 8, 12, 14, 16, 18] {
            let t = tile_of(106.55, 29.56, z);
            let [w, s, e, n] = t.buffered();
            let mut features = Vec::new();
            for _ in 0..400 {
                // A coordinate on an edge, a hair (a few metres down to rounding) off it.
                let off = |edge: f64, rng: &mut fastrand::Rng| {
                    let hair = [0.0, 1e-9, 1e-6, 1e-3, 1.0][rng.usize(..5)];
                    edge + if rng.bool() { hair } else { -hair }
                };
                let (x, y) = match rng.usize(..4) {
                    0 => (off(w, &mut rng), s + rng.f64() * (n - s)),
                    1 => (off(e, &mut rng), s + rng.f64() * (n - s)),
                    2 => (w + rng.f64() * (e - w), off(s, &mut rng)),
                    _ => (w + rng.f64() * (e - w), off(n, &mut rng)),
                };
                let (lon, lat) = lonlat(x, y);
                let g = if rng.bool() {
                    Geometry::Point(Point::new(lon, lat))
                } else {
                    let (lon2, lat2) = lonlat(x + rng.f64() - 0.5, y + rng.f64() - 0.5);
                    Geometry::LineString(LineString::from(vec![(lon, lat), (lon2, lat2)]))
                };
                features.push((g, Map::new()));
            }
            let f = Things(features);
            let index = TileIndex::build(
                "things",
                &f,
                Rule {
                    keep_from: None,
                    importance,
                },
            );
            let brute: Vec<usize> = (0..f.count())
                .filter(|i| {
                    let r = f.lonlat(*i).unwrap().bounding_rect().unwrap();
                    let (x0, y0) = mercator(r.min().x, r.min().y);
                    let (x1, y1) = mercator(r.max().x, r.max().y);
                    x0 <= e && x1 >= w && y0 <= n && y1 >= s
                })
                .collect();
            assert!(!brute.is_empty() && brute.len() < f.count(), "zoom {z}");
            assert_eq!(index.candidates(&f, t), brute, "zoom {z}");
        }
    }

    /// The things' index, none left out from `keep_from`, and the zoom 8 tile holding them.
    fn indexed(keep_from: u8) -> (Things, TileIndex, TileId) {
        let f = things();
        let rule = Rule {
            keep_from: Some(keep_from),
            importance,
        };
        let index = TileIndex::build("things", &f, rule);
        (f, index, crate::tiles::grid::tile_of(106.6, 29.6, 8))
    }

    #[test]
    fn a_tile_over_the_cap_keeps_the_most_important_features_and_stays_under_it() {
        let (f, index, t) = indexed(12);
        let bytes = index.tile(&f, t);
        assert!(bytes.len() <= MAX_TILE_BYTES, "{}", bytes.len());
        assert!(bytes.len() > MAX_TILE_BYTES / 2, "{}", bytes.len());
        let reader = fast_mvt::MvtReaderRef::new(&bytes).unwrap();
        let ranks: Vec<usize> = reader
            .layers()
            .flat_map(|l| {
                l.features()
                    .map(|f| (f.id().unwrap() - 1) as usize % 7)
                    .collect::<Vec<_>>()
            })
            .collect();
        assert!(ranks.len() < f.0.len());
        // Every feature of a rank is kept before any of a lower rank.
        let lowest = *ranks.iter().min().unwrap();
        let kept_of = |r: usize| ranks.iter().filter(|k| **k == r).count();
        let all_of = |r: usize| {
            index
                .candidates(&f, t)
                .iter()
                .filter(|i| **i % 7 == r)
                .count()
        };
        for r in lowest + 1..7 {
            assert_eq!(kept_of(r), all_of(r), "rank {r}");
        }
        assert!(kept_of(lowest) < all_of(lowest));
    }

    #[test]
    fn from_the_keep_zoom_nothing_is_left_out() {
        let (f, index, t) = indexed(8);
        let reader_count = |bytes: &[u8]| {
            fast_mvt::MvtReaderRef::new(bytes)
                .unwrap()
                .layers()
                .map(|l| l.features().count())
                .sum::<usize>()
        };
        assert_eq!(
            reader_count(&index.tile(&f, t)),
            index.candidates(&f, t).len()
        );
    }
}
