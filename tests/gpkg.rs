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

/// GDAL's own GeoPackage validator (Debian's python3-gdal) on `gpkg`: its whole output,
/// and whether it exited 0.
fn gdal_validator(gpkg: &std::path::Path) -> (bool, String) {
    let script = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py";
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(gpkg)
        .output()
        .expect("python3 with Debian's python3-gdal (./dev test installs it)");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn results_gpkg_of_the_demo_and_a_scaled_demo_pass_gdals_validator_with_no_error_or_warning() {
    let dir = tempfile::tempdir().unwrap();
    let demo_out = dir.path().join("demo");
    zdz_ok(&[
        "analyze",
        "data",
        "--out",
        demo_out.to_str().unwrap(),
        "--no-maps",
    ]);
    let (scaled_out, _) = analyze_scaled_demo(&dir.path().join("scaled"), 2);
    for gpkg in [
        demo_out.join("results.gpkg"),
        scaled_out.join("results.gpkg"),
    ] {
        let (ok, text) = gdal_validator(&gpkg);
        assert!(ok && text.trim().is_empty(), "{}: {text}", gpkg.display());
        // Declared 1.3, and the index follows an edit through the 1.3 triggers.
        let ds = Dataset::open(&gpkg).unwrap();
        assert_eq!(one_value(&ds, "PRAGMA user_version"), "10300");
        drop(ds);
        let ds = Dataset::open_ex(
            &gpkg,
            gdal::DatasetOptions {
                open_flags: gdal::GdalOpenFlags::GDAL_OF_VECTOR
                    | gdal::GdalOpenFlags::GDAL_OF_UPDATE,
                ..Default::default()
            },
        )
        .unwrap();
        let mut layer = ds.layer_by_name("outfalls").unwrap();
        let fid = layer.features().next().unwrap().fid().unwrap();
        let mut f = layer.feature(fid).unwrap();
        f.set_geometry(gdal::vector::Geometry::from_wkt("POINT (1 2)").unwrap())
            .unwrap();
        layer.set_feature(f).unwrap();
        assert_eq!(
            one_value(
                &ds,
                &format!("SELECT minx || ' ' || miny FROM rtree_outfalls_geom WHERE id = {fid}")
            ),
            "1.0 2.0"
        );
        assert_eq!(
            one_value(&ds, "SELECT rtreecheck('rtree_outfalls_geom')"),
            "ok"
        );
    }
}
