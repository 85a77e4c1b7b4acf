//! One tile's layer as MVT 2.1: each feature's geometry as the spec's command stream (§4.3)
//! and its tags from the collection's prepared `Tags`, gathered in fast_mvt's protobuf
//! types (`fast_mvt::proto`) and encoded by buffa, the protobuf crate fast_mvt is built on.
//!
//! The layer's key and value tables hold only what its features use, numbered in the order
//! first used, found by index through the collection's tables rather than by hashing
//! strings per tile.

use buffa::Message;
use fast_mvt::proto::{self, GeomType};

use super::grid::EXTENT;
use super::tags::Tags;

/// What a tile holds of a feature, in integer grid units.
pub enum Shape {
    /// One point (no list to allocate for the commonest feature of all).
    Point((i32, i32)),
    Points(Vec<(i32, i32)>),
    /// One line (a pipe inside the tile: no list of lines to allocate).
    Line(Vec<(i32, i32)>),
    Lines(Vec<Vec<(i32, i32)>>),
    /// Each polygon: its exterior ring, then its holes.
    Polygons(Vec<Vec<Vec<(i32, i32)>>>),
}

const MOVE_TO: u32 = 1;
const LINE_TO: u32 = 2;
const CLOSE_PATH: u32 = 7;

fn command(id: u32, count: usize) -> u32 {
    id | ((count as u32) << 3)
}

fn zigzag(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

/// A feature's command stream: parameters are deltas from the previous point, across parts.
#[derive(Default)]
struct Commands {
    data: Vec<u32>,
    cursor: (i32, i32),
}

impl Commands {
    fn to(&mut self, p: (i32, i32)) {
        self.data.push(zigzag(p.0.wrapping_sub(self.cursor.0)));
        self.data.push(zigzag(p.1.wrapping_sub(self.cursor.1)));
        self.cursor = p;
    }

    fn points(&mut self, ps: &[(i32, i32)]) {
        self.data.push(command(MOVE_TO, ps.len()));
        ps.iter().for_each(|p| self.to(*p));
    }

    fn line(&mut self, ps: &[(i32, i32)]) {
        let Some((first, rest)) = ps.split_first() else {
            return;
        };
        self.data.push(command(MOVE_TO, 1));
        self.to(*first);
        if !rest.is_empty() {
            self.data.push(command(LINE_TO, rest.len()));
            rest.iter().for_each(|p| self.to(*p));
        }
    }

    /// A ring, open or closed, turned the way its role needs: exteriors have a positive
    /// area in the grid's y-down coordinates (clockwise on screen), holes a negative one.
    fn ring(&mut self, ring: &[(i32, i32)], exterior: bool) {
        let ring = match ring {
            [first, .., last] if first == last => &ring[..ring.len() - 1],
            _ => ring,
        };
        if ring.is_empty() {
            return;
        }
        let area = signed_area(ring);
        let reverse = area != 0 && (area > 0) != exterior;
        let at = |k: usize| ring[if reverse { ring.len() - 1 - k } else { k }];
        self.data.push(command(MOVE_TO, 1));
        self.to(at(0));
        if ring.len() > 1 {
            self.data.push(command(LINE_TO, ring.len() - 1));
            (1..ring.len()).for_each(|k| self.to(at(k)));
        }
        self.data.push(command(CLOSE_PATH, 1));
    }
}

/// Twice the ring's signed area (shoelace), in grid units.
fn signed_area(ring: &[(i32, i32)]) -> i64 {
    let cross = |a: (i32, i32), b: (i32, i32)| a.0 as i64 * b.1 as i64 - a.1 as i64 * b.0 as i64;
    ring.iter()
        .zip(ring.iter().cycle().skip(1))
        .map(|(a, b)| cross(*a, *b))
        .sum()
}

fn geometry(shape: &Shape) -> (GeomType, Vec<u32>) {
    let mut c = Commands::default();
    let kind = match shape {
        Shape::Point(p) => {
            c.points(std::slice::from_ref(p));
            GeomType::POINT
        }
        Shape::Points(ps) => {
            c.points(ps);
            GeomType::POINT
        }
        Shape::Line(l) => {
            c.line(l);
            GeomType::LINESTRING
        }
        Shape::Lines(ls) => {
            ls.iter().for_each(|l| c.line(l));
            GeomType::LINESTRING
        }
        Shape::Polygons(polys) => {
            for rings in polys {
                for (k, r) in rings.iter().enumerate() {
                    c.ring(r, k == 0);
                }
            }
            GeomType::POLYGON
        }
    };
    (kind, c.data)
}

/// The buffers a tile's layer is built in, kept between tiles: a large tile's are half a
/// megabyte or more, and fresh memory for every tile was a fifth of a national z10 tile's
/// time in page faults. The value slots cover the largest collection's values (4 bytes
/// each: 8 MB for two million pipes).
#[derive(Default)]
struct Scratch {
    layer: proto::Layer,
    keys: LocalIndex,
    values: LocalIndex,
}

/// Which of a collection's keys or values a layer has used, and where each is in the
/// layer's own table: one slot per collection index (no hashing), reset through the list
/// of slots touched.
#[derive(Default)]
struct LocalIndex {
    slots: Vec<u32>,
    touched: Vec<u32>,
}

impl LocalIndex {
    /// Ready for a collection of `n` indexes.
    fn cover(&mut self, n: usize) {
        if self.slots.len() < n {
            self.slots.resize(n, u32::MAX);
        }
    }

    /// The layer's index of collection index `i`, given it by `insert` when first used.
    fn get_or_insert(&mut self, i: u32, insert: impl FnOnce() -> u32) -> u32 {
        let slot = &mut self.slots[i as usize];
        if *slot == u32::MAX {
            *slot = insert();
            self.touched.push(i);
        }
        *slot
    }

    fn clear(&mut self) {
        for i in self.touched.drain(..) {
            self.slots[i as usize] = u32::MAX;
        }
    }
}

/// Buffers kept: about as many as tiles cut at once.
const MAX_SCRATCH: usize = 8;

static SCRATCH: std::sync::Mutex<Vec<Scratch>> = std::sync::Mutex::new(Vec::new());

/// A tile's layer being written.
pub struct LayerWriter<'a> {
    tags: &'a Tags,
    /// The layer's index of each collection key and value used so far.
    keys: LocalIndex,
    values: LocalIndex,
    layer: proto::Layer,
    /// The encoded size of the features, keys and values so far (what the layer's own
    /// fields add is a few bytes more).
    size: usize,
}

/// Bytes of a varint.
fn varint_len(v: u64) -> usize {
    (64 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

/// Bytes of a length-delimited field of `len` bytes.
fn field_len(len: usize) -> usize {
    1 + varint_len(len as u64) + len
}

fn packed_len(values: &[u32]) -> usize {
    let len: usize = values.iter().map(|v| varint_len(*v as u64)).sum();
    if len == 0 { 0 } else { field_len(len) }
}

/// Bytes of a `Layer.values` entry.
fn value_len(v: &proto::Value) -> usize {
    let inner = match (&v.string_value, v.sint_value, v.double_value) {
        (Some(s), _, _) => field_len(s.len()),
        (_, Some(i), _) => 1 + varint_len(((i << 1) ^ (i >> 63)) as u64),
        (_, _, Some(_)) => 9,
        _ => 2,
    };
    field_len(inner)
}

impl<'a> LayerWriter<'a> {
    /// An empty layer `name`, for about `features` features tagged from `tags`.
    pub fn new(name: &str, tags: &'a Tags, features: usize) -> Self {
        let Scratch {
            mut layer,
            mut keys,
            mut values,
        } = SCRATCH
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_default();
        layer.version = 2;
        layer.extent = Some(EXTENT);
        layer.name.clear();
        layer.name.push_str(name);
        layer.features.reserve(features);
        keys.cover(tags.key_count());
        values.cover(tags.value_count());
        LayerWriter {
            tags,
            keys,
            values,
            layer,
            size: 0,
        }
    }

    /// About how many bytes the layer holds so far: `encode` gives a few more.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Add collection feature `feature` with MVT id `id` and what the tile holds of it.
    pub fn add(&mut self, feature: usize, id: u64, shape: &Shape) {
        let (kind, geometry) = geometry(shape);
        let pairs = self.tags.of(feature);
        let mut tags = Vec::with_capacity(2 * pairs.len());
        let (layer, size, all) = (&mut self.layer, &mut self.size, self.tags);
        for &(key, value) in pairs {
            tags.push(self.keys.get_or_insert(key, || {
                *size += field_len(all.key(key).len());
                layer.keys.push(all.key(key).to_string());
                (layer.keys.len() - 1) as u32
            }));
            tags.push(self.values.get_or_insert(value, || {
                let v = all.value(value);
                *size += value_len(&v);
                layer.values.push(v);
                (layer.values.len() - 1) as u32
            }));
        }
        let feature_len = 1 + varint_len(id) + packed_len(&tags) + 2 + packed_len(&geometry);
        self.size += field_len(feature_len);
        self.layer.features.push(proto::Feature {
            id: Some(id),
            tags,
            r#type: Some(kind),
            geometry,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.layer.features.is_empty()
    }

    /// The tile's bytes: one layer, or nothing when no feature was added.
    pub fn encode(self) -> Vec<u8> {
        let LayerWriter {
            layer,
            mut keys,
            mut values,
            ..
        } = self;
        let mut tile = proto::Tile {
            layers: vec![layer],
        };
        let bytes = if tile.layers[0].features.is_empty() {
            Vec::new()
        } else {
            tile.encode_to_vec()
        };
        let mut layer = tile.layers.pop().unwrap_or_default();
        layer.features.clear();
        layer.keys.clear();
        layer.values.clear();
        keys.clear();
        values.clear();
        let mut pool = SCRATCH.lock().unwrap_or_else(|e| e.into_inner());
        if pool.len() < MAX_SCRATCH {
            pool.push(Scratch {
                layer,
                keys,
                values,
            });
        }
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_follow_the_spec_examples() {
        // MVT 2.1 §4.3.5: a point, a line, a polygon (its exterior turned to positive area).
        assert_eq!(geometry(&Shape::Point((25, 17))).1, vec![9, 50, 34]);
        assert_eq!(
            geometry(&Shape::Points(vec![(5, 7), (3, 2)])).1,
            vec![17, 10, 14, 3, 9]
        );
        assert_eq!(
            geometry(&Shape::Lines(vec![vec![(2, 2), (2, 10), (10, 10)]])).1,
            vec![9, 4, 4, 18, 0, 16, 16, 0]
        );
        let square = vec![(3, 6), (8, 12), (20, 34), (3, 6)];
        assert_eq!(
            geometry(&Shape::Polygons(vec![vec![square]])).1,
            vec![9, 6, 12, 18, 10, 12, 24, 44, 15]
        );
    }

    /// A command stream back to its rings' absolute points (MoveTo and LineTo only).
    fn rings(data: &[u32]) -> Vec<Vec<(i32, i32)>> {
        let (mut out, mut at, mut i) = (Vec::<Vec<(i32, i32)>>::new(), (0, 0), 0);
        let unzig = |v: u32| ((v >> 1) as i32) ^ -((v & 1) as i32);
        while i < data.len() {
            let (id, count) = (data[i] & 7, (data[i] >> 3) as usize);
            i += 1;
            if id == MOVE_TO {
                out.push(Vec::new());
            }
            if id == CLOSE_PATH {
                continue;
            }
            for _ in 0..count {
                at = (at.0 + unzig(data[i]), at.1 + unzig(data[i + 1]));
                out.last_mut().unwrap().push(at);
                i += 2;
            }
        }
        out
    }

    #[test]
    fn holes_turn_the_other_way_from_their_exterior_whichever_way_they_came() {
        let exterior = vec![(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)];
        let hole = vec![(2, 2), (8, 2), (8, 8), (2, 8), (2, 2)];
        for (e, h) in [
            (exterior.clone(), hole.clone()),
            (
                exterior.iter().rev().copied().collect(),
                hole.iter().rev().copied().collect(),
            ),
        ] {
            let (kind, data) = geometry(&Shape::Polygons(vec![vec![e, h]]));
            assert_eq!(kind, GeomType::POLYGON);
            let rings = rings(&data);
            assert_eq!(rings.len(), 2);
            assert!(signed_area(&rings[0]) > 0, "{rings:?}");
            assert!(signed_area(&rings[1]) < 0, "{rings:?}");
            // Closed by ClosePath, not by repeating the first point.
            assert!(rings.iter().all(|r| r.len() == 4));
        }
    }

    #[test]
    fn the_size_kept_while_writing_is_the_encoded_size_less_the_layer_header() {
        let props: Vec<serde_json::Map<String, serde_json::Value>> = (0..300)
            .map(|i| {
                serde_json::json!({"id": format!("f{i}"), "n": i * 1000, "d": 0.5, "kind": "storm", "ok": i % 2 == 0})
                    .as_object()
                    .unwrap()
                    .clone()
            })
            .collect();
        let tags = Tags::build(props.len(), |i| &props[i]);
        let mut layer = LayerWriter::new("things", &tags, props.len());
        for i in 0..props.len() {
            let shape = if i % 2 == 0 {
                Shape::Point((i as i32, 4000 - i as i32))
            } else {
                Shape::Lines(vec![vec![(0, 0), (i as i32 * 10, 7), (-300, 5000)]])
            };
            layer.add(i, i as u64 + 1, &shape);
        }
        let size = layer.size();
        let bytes = layer.encode();
        // The layer's own fields: its header, name, extent and version.
        assert!(
            bytes.len() > size && bytes.len() <= size + 32,
            "{} vs {size}",
            bytes.len()
        );
    }

    #[test]
    fn a_layer_built_in_buffers_kept_from_an_earlier_tile_holds_only_its_own() {
        let props: Vec<serde_json::Map<String, serde_json::Value>> = (0..50)
            .map(|i| {
                serde_json::json!({"id": format!("f{i}")})
                    .as_object()
                    .unwrap()
                    .clone()
            })
            .collect();
        let tags = Tags::build(props.len(), |i| &props[i]);
        let layer_of = |name: &str, features: std::ops::Range<usize>| {
            let mut layer = LayerWriter::new(name, &tags, features.len());
            for i in features {
                layer.add(i, i as u64 + 1, &Shape::Point((i as i32, 7)));
            }
            layer.encode()
        };
        for _ in 0..3 {
            layer_of("first", 0..50);
        }
        let bytes = layer_of("second", 10..12);
        let reader = fast_mvt::MvtReaderRef::new(&bytes).unwrap();
        let layers: Vec<_> = reader.layers().collect();
        assert_eq!(layers.len(), 1);
        let layer = &layers[0];
        assert_eq!(
            (layer.name(), layer.version(), layer.extent()),
            ("second", 2, 4096)
        );
        let ids: Vec<Option<u64>> = layer.features().map(|f| f.id()).collect();
        assert_eq!(ids, vec![Some(11), Some(12)]);
        assert!(layer_of("empty", 0..0).is_empty());
    }
}
