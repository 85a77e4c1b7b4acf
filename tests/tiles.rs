//! Vector tiles decoded: every problem in the z14 tile that holds it, with its id and code;
//! geometry clipped to the tile and its buffer, a line crossing a tile edge in both tiles;
//! the poles and the antimeridian do not crash; a tile with nothing in it is empty; and
//! over HTTP the ETag follows the snapshot.

mod common;

use std::sync::OnceLock;

use fast_mvt::{MvtGeometry, MvtReaderRef, MvtValueRef};
use geo::CoordsIter;
use zdz::serve::snapshot::Snapshot;
use zdz::tiles::grid::{TileId, tile_of};

fn demo() -> &'static Snapshot {
    static S: OnceLock<Snapshot> = OnceLock::new();
    S.get_or_init(|| {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        Snapshot::build(data.to_str().unwrap(), 1, None, false, None).unwrap()
    })
}

/// Each feature of a tile: its id, its properties as text, its geometry.
/// A decoded feature: id, tags, geometry.
type Decoded = (Option<u64>, Vec<(String, String)>, MvtGeometry);

fn decode(bytes: &[u8]) -> Vec<Decoded> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let reader = MvtReaderRef::new(bytes).unwrap();
    let mut out = Vec::new();
    for layer in reader.layers() {
        assert_eq!(layer.extent(), 4096);
        for f in layer.features() {
            let props = f
                .properties_vec()
                .unwrap()
                .into_iter()
                .map(|(k, v)| {
                    let v = match v {
                        MvtValueRef::String(s) => s.to_string(),
                        MvtValueRef::SInt(i) | MvtValueRef::Int(i) => i.to_string(),
                        MvtValueRef::UInt(i) => i.to_string(),
                        MvtValueRef::Double(d) => d.to_string(),
                        MvtValueRef::Float(d) => d.to_string(),
                        MvtValueRef::Bool(b) => b.to_string(),
                        MvtValueRef::Null => String::new(),
                    };
                    (k.to_string(), v)
                })
                .collect();
            out.push((f.id(), props, f.geometry().unwrap()));
        }
    }
    out
}

fn tile(collection: &str, t: TileId) -> Vec<u8> {
    let (c, index) = demo().tile_source(collection).unwrap();
    index.tile(c, t)
}

#[test]
fn every_problem_appears_in_the_z14_tile_that_holds_it_with_its_id_and_code() {
    let (problems, _) = demo().tile_source("problems").unwrap();
    let mut checked = 0;
    for i in 0..problems.len() {
        let item = problems.item(i);
        let Some(geo::Geometry::Point(p)) = &item.lonlat else {
            continue;
        };
        let t = tile_of(p.x(), p.y(), 14);
        let features = decode(&tile("problems", t));
        let found = features.iter().find(|(_, props, _)| {
            props
                .iter()
                .any(|(k, v)| k == "problem_id" && **v == *item.id)
        });
        let (id, props, geom) = found.unwrap_or_else(|| panic!("{} not in tile {t:?}", item.id));
        assert_eq!(*id, Some(i as u64 + 1), "integer ids for highlighting");
        let code = problems.text(i, "code").unwrap();
        assert!(props.iter().any(|(k, v)| k == "code" && v == code));
        let MvtGeometry::Point(pt) = geom else {
            panic!("{geom:?}")
        };
        assert!(
            (0..4096).contains(&pt.x()) && (0..4096).contains(&pt.y()),
            "{pt:?}"
        );
        checked += 1;
    }
    assert!(checked >= 60, "only {checked} problems checked");
}

#[test]
fn a_pipe_crossing_a_tile_edge_is_in_both_tiles_clipped_to_the_buffer() {
    let (pipes, _) = demo().tile_source("pipes").unwrap();
    // The first pipe whose ends fall in two z16 tiles side by side.
    let (i, a, b) = (0..pipes.len())
        .find_map(|i| {
            let geo::Geometry::LineString(l) = pipes.item(i).lonlat.as_ref()? else {
                return None;
            };
            let (s, e) = (l.0[0], l.0[l.0.len() - 1]);
            let (ta, tb) = (tile_of(s.x, s.y, 16), tile_of(e.x, e.y, 16));
            (ta != tb && ta.y == tb.y && ta.x.abs_diff(tb.x) == 1).then_some((i, ta, tb))
        })
        .expect("some pipe crosses a z16 tile edge");
    let id = Some(i as u64 + 1);
    for t in [a, b] {
        let features = decode(&tile("pipes", t));
        let (_, _, geom) = features
            .iter()
            .find(|(fid, _, _)| *fid == id)
            .unwrap_or_else(|| panic!("pipe {i} missing from {t:?}"));
        for c in geom.coords_iter() {
            assert!(
                (-64..=4160).contains(&c.x) && (-64..=4160).contains(&c.y),
                "{c:?} outside the buffered tile"
            );
        }
    }
}

#[test]
fn the_poles_the_antimeridian_and_the_deepest_zoom_give_tiles_without_crashing() {
    let max = (1u32 << 18) - 1;
    for (z, x, y) in [
        (0, 0, 0),
        (1, 1, 1),
        (18, 0, 0),
        (18, max, max),
        (18, max, 0),
        (5, 31, 0),
    ] {
        let t = TileId::new(z, x, y).unwrap();
        for c in ["clusters", "pipes", "problems", "rivers", "outfalls"] {
            decode(&tile(c, t));
        }
    }
    assert!(TileId::new(19, 0, 0).is_err());
    assert!(TileId::new(2, 4, 0).is_err());
}

#[test]
fn a_tile_with_nothing_in_it_is_empty() {
    // Off the coast of Africa.
    let t = tile_of(0.0, 0.0, 10);
    assert!(tile("problems", t).is_empty());
}

#[test]
fn small_clusters_stay_visible_at_national_zoom() {
    let (clusters, _) = demo().tile_source("clusters").unwrap();
    let item = clusters.item(0);
    let geo::Geometry::MultiPolygon(m) = item.lonlat.as_ref().unwrap() else {
        panic!()
    };
    let c = m.0[0].exterior().0[0];
    let features = decode(&tile("clusters", tile_of(c.x, c.y, 5)));
    assert!(
        features.iter().any(|(id, _, _)| *id == Some(1)),
        "the first cluster vanished at z5"
    );
}

#[test]
fn tiles_over_http_carry_the_snapshot_version_as_etag_and_answer_304_when_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let server = common::server::Server::start(&data, &[]);
    let t = tile_of(106.71, 29.55, 12);
    let url = format!("{}/tiles/pipes/{}/{}/{}.mvt", server.url, t.z, t.x, t.y);
    let c = reqwest::blocking::Client::new();
    let r = c.get(&url).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.mapbox-vector-tile"
    );
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let tag = r.headers()["etag"].to_str().unwrap().to_string();
    assert!(!decode(&r.bytes().unwrap()).is_empty());
    let again = c.get(&url).header("If-None-Match", &tag).send().unwrap();
    assert_eq!(again.status().as_u16(), 304);
    let tj: serde_json::Value = c
        .get(format!("{}/tiles/problems.json", server.url))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(tj["tilejson"], "3.0.0");
    assert_eq!(tj["vector_layers"][0]["id"], "problems");
    assert!(tj["vector_layers"][0]["fields"]["problem_id"].is_string());
    for bad in ["19/0/0.mvt", "3/9/0.mvt", "3/0/x.mvt", "3/0/0.png"] {
        let r = c
            .get(format!("{}/tiles/pipes/{bad}", server.url))
            .send()
            .unwrap();
        assert!(r.status().is_client_error(), "{bad}: {}", r.status());
    }
    drop(dir);
}
