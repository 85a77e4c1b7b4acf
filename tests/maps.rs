//! The PNG overview map of each cluster: drawn, referenced from summary.json, not blank,
//! and in the colours of the QGIS styles.

mod common;

use common::*;
use serde_json::Value;

#[test]
fn every_cluster_gets_an_overview_map_in_its_deadline_colour() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    zdz_ok(&["analyze", "--out", out.to_str().unwrap()]);
    let summary: Value = read_json(&out.join("summary.json"));
    let maps = summary["overviews"].as_object().unwrap();
    assert_eq!(maps.len(), 22);
    // CQJK-A is a demonstration cluster: due 2024, filled in the 2024 red (215, 48, 39) at
    // opacity 0.45 over white, (237, 162, 158), and outlined by readiness.
    let map = &maps["CQJK-A"];
    assert!(map["scale_bar_m"].as_f64().unwrap() > 0.0);
    let png = resvg::tiny_skia::Pixmap::load_png(out.join(map["png"].as_str().unwrap())).unwrap();
    let pixels = png.pixels();
    let non_white = pixels
        .iter()
        .filter(|p| (p.red(), p.green(), p.blue()) != (255, 255, 255))
        .count();
    assert!(
        non_white * 10 > pixels.len(),
        "mostly blank: {non_white} of {}",
        pixels.len()
    );
    let outline = pixels
        .iter()
        .filter(|p| {
            p.red().abs_diff(237) < 8 && p.green().abs_diff(162) < 8 && p.blue().abs_diff(158) < 8
        })
        .count();
    assert!(outline > 500, "{outline} pixels of the 2024 fill");
}

#[test]
fn no_maps_draws_none_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    zdz_ok(&["analyze", "--out", out.to_str().unwrap(), "--no-maps"]);
    assert!(!out.join("overview").exists());
    let summary: Value = read_json(&out.join("summary.json"));
    assert!(
        summary["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("overview maps not drawn"))
    );
}
