//! The districts layer (区县): Chongqing's real boundaries in the demo, written and served
//! under everything, and the district of a cluster whose park names none.

mod common;

use std::path::Path;

use common::server::Server;
use common::*;
use gdal::vector::LayerAccess;

fn demo() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

#[test]
fn a_cluster_whose_park_names_no_district_takes_the_district_that_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let ws = copy_demo(&dir.path().join("ws"));
    // The parks say nothing of their districts.
    let parks = ws.join("parks.geojson");
    let mut fc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&parks).unwrap()).unwrap();
    for f in fc["features"].as_array_mut().unwrap() {
        f["properties"].as_object_mut().unwrap().remove("district");
    }
    std::fs::write(&parks, fc.to_string()).unwrap();
    let out = dir.path().join("out");
    zdz_ok(&[
        "analyze",
        ws.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-maps",
    ]);
    let clusters = read_json(&out.join("clusters.geojson"));
    let district = |id: &str| {
        clusters["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["cluster_id"] == id)
            .unwrap()["properties"]["district"]
            .clone()
    };
    // 茶园 lies in 南岸区, 晏家 in 长寿区, the Wanzhou clusters in 万州区.
    assert_eq!(district("CQJK-A"), "南岸区");
    assert_eq!(district("CSJK-A"), "长寿区");
    assert_eq!(district("WZJK-A"), "万州区");
    // The boundaries are in results.gpkg, corrected from GCJ-02: all 38.
    let gpkg = gdal::Dataset::open(out.join("results.gpkg")).unwrap();
    assert_eq!(gpkg.layer_by_name("districts").unwrap().feature_count(), 38);
}

#[test]
fn the_service_serves_the_districts_and_draws_them_under_everything() {
    let server = Server::start(&demo(), &[]);
    let items = server.json("/collections/districts/items?limit=100");
    assert_eq!(items["numberMatched"], 38);
    let names: Vec<&str> = items["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"渝中区") && names.contains(&"城口县"),
        "{names:?}"
    );
    let style = server.json("/tiles/style.json");
    let layers: Vec<&str> = style["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    let at = |id: &str| {
        layers
            .iter()
            .position(|l| *l == id)
            .unwrap_or_else(|| panic!("{id}: {layers:?}"))
    };
    assert!(at("districts-outline") < at("parks-outline"), "{layers:?}");
    assert!(at("districts-outline") < at("clusters-fill"), "{layers:?}");
}
