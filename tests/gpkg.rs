//! `results.gpkg` as GDAL reads it: every layer, its features, and a spatial index that
//! SQLite's own checker accepts and that answers bounding-box queries exactly as a scan
//! of the geometries does. Written big enough (the demo and 7 copies, 13,212 pipes) for the
//! packed RTree build, which only large layers take.

mod common;

use common::*;
use gdal::Dataset;
use gdal::vector::LayerAccess;

fn one_value(ds: &Dataset, sql: &str) -> String {
    let mut rows = ds
        .execute_sql(sql, None, gdal::vector::sql::Dialect::SQLITE)
        .unwrap()
        .unwrap();
    let feature = rows.features().next().unwrap();
    feature.field_as_string(0).unwrap().unwrap_or_default()
}

#[test]
fn every_layer_of_a_large_results_gpkg_has_a_sound_spatial_index_that_agrees_with_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    let (out, summary) = analyze_scaled_demo(dir.path(), 8);
    let pipes_used = features_used(&summary, "pipes");
    assert!(
        pipes_used > 10_000,
        "{pipes_used} pipes: too few for the packed build"
    );

    let ds = Dataset::open(out.join("results.gpkg")).unwrap();
    assert_eq!(one_value(&ds, "PRAGMA integrity_check"), "ok");
    let mut names = Vec::new();
    for mut layer in ds.layers() {
        let name = layer.name();
        if name == "layer_styles" {
            continue;
        }
        let rtree = format!("rtree_{name}_geom");
        assert_eq!(
            one_value(&ds, &format!("SELECT rtreecheck('{rtree}')")),
            "ok",
            "{name}"
        );
        assert_eq!(
            one_value(&ds, &format!("SELECT count(*) FROM \"{rtree}\"")),
            one_value(
                &ds,
                &format!("SELECT count(*) FROM \"{name}\" WHERE geom IS NOT NULL")
            ),
            "{name}: one index entry per feature with a geometry"
        );
        // A window around the middle of the layer: the index's answer equals a scan.
        let e = layer.get_extent().unwrap();
        let (cx, cy) = ((e.MinX + e.MaxX) / 2.0, (e.MinY + e.MaxY) / 2.0);
        let (w, h) = ((e.MaxX - e.MinX) / 5.0, (e.MaxY - e.MinY) / 5.0);
        let window = (cx - w, cy - h, cx + w, cy + h);
        let scanned = layer
            .features()
            .filter_map(|f| f.geometry().map(|g| g.envelope()))
            .filter(|g| {
                g.MaxX >= window.0 && g.MinX <= window.2 && g.MaxY >= window.1 && g.MinY <= window.3
            })
            .count() as u64;
        layer.set_spatial_filter_rect(window.0, window.1, window.2, window.3);
        assert_eq!(layer.feature_count(), scanned, "{name}: window {window:?}");
        names.push(name);
    }
    for expected in [
        "clusters",
        "problems",
        "outfalls",
        "pipes",
        "enterprises",
        "plants",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
}
