//! The workspace forms other than a GeoPackage give the same answers: a folder holding a
//! Shapefile with Chinese field names (EPSG:4545) and a CSV of outfalls with 经度/纬度
//! columns (WGS84), and the same layers in PostGIS.

mod common;

use common::*;
use zdz::analysis::analyze;
use zdz::load::load;

fn layers() -> (Layer, Layer) {
    let mut pipes = Layer::new("管段", &["管段编号", "类型", "缺陷等级"]);
    pipes.add(&["A1", "雨水", ""], line(&[(0., 0.), (100., 0.)]));
    pipes.add(&["A2", "雨水", ""], line(&[(1000., 0.), (1100., 0.)]));
    pipes.add(&["BS", "污水", "4"], line(&[(5000., 100.), (5000., 0.)]));
    pipes.add(&["B1", "雨水", ""], line(&[(5000., 0.), (5100., 0.)]));
    pipes.add(&["B2", "雨水", ""], line(&[(5100., 0.), (5200., 0.)]));
    pipes.add(&["B3", "雨水", ""], line(&[(5200., 0.), (5300., 0.)]));
    let mut outfalls = Layer::new("排口", &["排口编号", "类型"]);
    outfalls.add(&["OA19", "雨水"], pt(100., 19.));
    outfalls.add(&["OA21", "雨水"], pt(1100., 21.));
    outfalls.add(&["OB", "雨水"], pt(5300., 5.));
    (pipes, outfalls)
}

fn problems(workspace: &str) -> Vec<(String, String)> {
    let loaded = load(workspace).unwrap();
    let analysis = analyze(&loaded.layers, &loaded.project);
    let mut v: Vec<_> = analysis
        .problems
        .iter()
        .map(|p| (p.feature_id.clone(), p.code.as_str().to_string()))
        .collect();
    v.sort();
    v
}

fn expected() -> Vec<(String, String)> {
    [
        // B1 is the storm pipe the sewer BS drains into.
        ("B1", "CROSS_CONNECTION_POINT"),
        ("BS", "PIPE_DEFECT"),
        ("OA21", "OUTFALL_UNMATCHED"),
        ("OB", "STORM_CROSS_CONNECTION"),
    ]
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .to_vec()
}

#[test]
fn folder_of_gbk_shapefile_without_cpg_and_lon_lat_csv_finds_the_cross_connection_and_the_21_m_outfall()
 {
    let dir = tempfile::tempdir().unwrap();
    let (pipes, outfalls) = layers();
    let shp = write_gbk_shapefile(dir.path(), "管段.shp", 4545, &pipes);
    assert!(!shp.with_extension("cpg").exists());
    write_csv(dir.path(), "排口.csv", &outfalls, "经度", "纬度");
    assert_eq!(problems(dir.path().to_str().unwrap()), expected());
}

/// Needs a PostGIS server: `./dev test` starts one and sets ZDZ_TEST_PG.
#[test]
fn postgis_tables_give_the_same_problems_as_files() {
    let Ok(conn) = std::env::var("ZDZ_TEST_PG") else {
        assert!(
            std::env::var("ZDZ_REQUIRE_PG").is_err(),
            "ZDZ_REQUIRE_PG is set but ZDZ_TEST_PG is not"
        );
        eprintln!("skipped: ZDZ_TEST_PG is not set (./dev test sets it)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (pipes, outfalls) = layers();
    let gpkg = write_gpkg(dir.path(), "ws.gpkg", 4490, &[pipes, outfalls]);
    let status = std::process::Command::new("ogr2ogr")
        .args([
            "-f",
            "PostgreSQL",
            &conn,
            gpkg.to_str().unwrap(),
            "-overwrite",
            "-lco",
            "SCHEMA=public",
        ])
        .status()
        .expect("ogr2ogr (gdal-bin) is installed");
    assert!(status.success());
    assert_eq!(problems(&conn), expected());
}
