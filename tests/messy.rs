//! Data the way Chinese bureaus hand it over (issue 3): GBK Shapefiles without .cpg,
//! lying .cpg and .prj files, Gauss–Krüger zones, GCJ-02 outfalls, broken geometries,
//! numbers as text, CAD (DXF) and SWMM networks. Each test names what zdz must do.

mod common;

use std::path::Path;
use std::process::Command;

use common::fixture::fixture_layers;
use common::*;
use serde_json::Value;
use zdz::analysis::{Analysis, analyze};
use zdz::load::{Loaded, load};
use zdz::model::FindingKind;

fn ogr2ogr(args: &[&str]) {
    let out = Command::new("ogr2ogr")
        .args(args)
        .output()
        .expect("ogr2ogr (Debian gdal-bin; ./dev test installs it)");
    assert!(
        out.status.success(),
        "ogr2ogr {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn run(workspace: &Path) -> (Loaded, Analysis) {
    let loaded = zdz::run::load(workspace.to_str().unwrap(), None)
        .unwrap()
        .loaded;
    let analysis = analyze(&loaded.layers, &loaded.project);
    (loaded, analysis)
}

fn load_err(workspace: &Path) -> String {
    format!("{:#}", load(workspace.to_str().unwrap()).unwrap_err())
}

fn problem_set(a: &Analysis) -> Vec<(String, String)> {
    let mut v: Vec<_> = a
        .problems
        .iter()
        .map(|p| (p.problem_id.clone(), p.code.as_str().to_string()))
        .collect();
    v.sort();
    v
}

fn demo() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Every demo layer but the outfalls, which tests replace with offset copies.
const ALL_BUT_OUTFALLS: &[&str] = &[
    "parks",
    "clusters",
    "enterprises",
    "pipes",
    "plants",
    "rivers",
];

/// Every demo layer file.
const EVERY_LAYER: &[&str] = &[
    "parks",
    "clusters",
    "enterprises",
    "pipes",
    "plants",
    "rivers",
    "outfalls",
];

/// Copy demo layers (`<name>.geojson`) into `dir`.
/// Copy demo layers by name, and always the demo's inspections (a plain table).
fn copy_demo(dir: &Path, layers: &[&str]) {
    for f in layers {
        let file = format!("{f}.geojson");
        std::fs::copy(demo().join(&file), dir.join(&file)).unwrap();
    }
    std::fs::copy(demo().join("inspections.csv"), dir.join("inspections.csv")).unwrap();
}

/// The demo's outfalls moved into GCJ-02, as a phone map app would record them.
fn write_gcj02_outfalls(to: &Path) {
    write_offset_outfalls(to, zdz::project::CoordTag::Gcj02);
}

fn write_offset_outfalls(to: &Path, tag: zdz::project::CoordTag) {
    let text = std::fs::read_to_string(demo().join("outfalls.geojson")).unwrap();
    let mut fc: geojson::FeatureCollection = text.parse().unwrap();
    for f in &mut fc.features {
        let mut g: geo::Geometry = f.geometry.clone().unwrap().try_into().unwrap();
        zdz::crs::from_wgs84_to_tag(&mut g, tag);
        f.geometry = Some(geojson::Geometry::new(geojson::GeometryValue::from(&g)));
    }
    std::fs::write(to, fc.to_string()).unwrap();
}

#[test]
fn messy_folder_gives_the_same_problems_as_the_clean_demo() {
    // GBK Shapefiles with Chinese field names and no .cpg: clusters in EPSG:4545, pipes in
    // EPSG:4490; outfalls in GCJ-02 tagged in zdz.toml; the demo's bow-tie site stays.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = demo();
    let gbk = |out: &str, srs: &str, src: &str, sql: Option<&str>| {
        let out_path = d.join(out);
        let mut args = vec![
            "-f",
            "ESRI Shapefile",
            "-lco",
            "ENCODING=CP936",
            "-t_srs",
            srs,
        ];
        if let Some(sql) = sql {
            args.extend(["-sql", sql]);
        }
        let src = data.join(src);
        args.extend([out_path.to_str().unwrap(), src.to_str().unwrap()]);
        ogr2ogr(&args);
        std::fs::remove_file(out_path.with_extension("cpg")).unwrap();
    };
    gbk("组团.shp", "EPSG:4545", "clusters.geojson", None);
    gbk(
        "管网.shp",
        "EPSG:4490",
        "pipes.geojson",
        Some(
            r#"SELECT pipe_id AS "管段编号", kind AS "类型", diameter_mm AS "管径", defect_grade AS "缺陷等级", from_invert_m AS "起点高程", to_invert_m AS "终点高程" FROM pipes"#,
        ),
    );
    copy_demo(d, &["parks", "enterprises", "plants", "rivers"]);
    write_gcj02_outfalls(&d.join("外业排口.geojson"));
    std::fs::write(
        d.join("zdz.toml"),
        "[layers.outfalls]\nsource = \"外业排口.geojson\"\ncoords = \"gcj02\"\n",
    )
    .unwrap();

    let (messy_loaded, messy) = run(d);
    let (_, clean) = run(&data);
    assert_eq!(problem_set(&messy), problem_set(&clean));
    let deadlines = |a: &Analysis| {
        a.clusters
            .iter()
            .map(|c| c.deadline.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(deadlines(&messy), deadlines(&clean));

    let report = |layer: &str| {
        messy_loaded
            .reports
            .iter()
            .find(|r| r.layer.name() == layer)
            .unwrap()
    };
    assert_eq!(report("pipes").encoding.as_deref(), Some("GB18030"));
    assert_eq!(report("pipes").crs, "EPSG:4490");
    assert_eq!(report("clusters").crs, "EPSG:4545");
    assert_eq!(report("pipes").fields["pipe_id"], "管段编号");
}

#[test]
fn bd09_outfalls_tagged_bd09_give_the_same_problems_as_the_wgs84_original() {
    let dir = tempfile::tempdir().unwrap();
    copy_demo(dir.path(), ALL_BUT_OUTFALLS);
    write_offset_outfalls(
        &dir.path().join("百度排口.geojson"),
        zdz::project::CoordTag::Bd09,
    );
    std::fs::write(
        dir.path().join("zdz.toml"),
        "[layers.outfalls]\nsource = \"百度排口.geojson\"\ncoords = \"bd09\"\n",
    )
    .unwrap();
    let (_, bd09) = run(dir.path());
    let (_, clean) = run(&demo());
    assert_eq!(problem_set(&bd09), problem_set(&clean));
    let worst = bd09
        .outfalls
        .iter()
        .zip(&clean.outfalls)
        .filter_map(|(a, b)| Some((a.matched?.1 - b.matched?.1).abs()))
        .fold(0.0, f64::max);
    assert!(worst < 1.0, "match distances moved by {worst} m");
}

#[test]
fn gcj02_outfalls_without_their_tag_are_300_to_600_m_off_and_lose_their_matches() {
    let dir = tempfile::tempdir().unwrap();
    copy_demo(dir.path(), ALL_BUT_OUTFALLS);
    write_gcj02_outfalls(&dir.path().join("outfalls.geojson"));
    let (_, untagged) = run(dir.path());
    let matched = untagged
        .outfalls
        .iter()
        .filter(|o| o.matched.is_some())
        .count();
    assert_eq!(matched, 0, "GCJ-02 read as WGS84 misses every 20 m match");
}

#[test]
fn gbk_field_values_without_cpg_decode_as_gb18030() {
    let dir = tempfile::tempdir().unwrap();
    let poly = public_data("encodings/geotools_chinese_poly/chinese_poly.shp");
    let mut pipes = Layer::new("pipes", &["pipe_id", "kind"]);
    pipes.add(&["P1", "storm"], line(&[(0., 0.), (10., 0.)]));
    let mut outfalls = Layer::new("outfalls", &["outfall_id", "kind"]);
    outfalls.add(&["O1", "storm"], pt(10., 5.));
    write_gpkg(dir.path(), "net.gpkg", 4490, &[pipes, outfalls]);
    std::fs::write(
        dir.path().join("zdz.toml"),
        format!(
            "[layers.parks]\nsource = \"{}\"\nfields = {{ park_id = \"NAME\" }}\nset = {{ level = \"省级\" }}\n",
            poly.display()
        ),
    )
    .unwrap();
    let loaded = load(dir.path().to_str().unwrap()).unwrap();
    assert_eq!(loaded.layers.parks[0].id, "黑龙江省");
}

/// A Shapefile of two pipes whose `kind` values are Chinese, written as GBK.
fn gbk_pipes(dir: &Path) -> std::path::PathBuf {
    let mut pipes = Layer::new("管网", &["管段编号", "类型"]);
    pipes.add(&["P1", "雨水"], line(&[(0., 0.), (10., 0.)]));
    pipes.add(&["P2", "污水"], line(&[(10., 0.), (20., 0.)]));
    write_gbk_shapefile(dir, "管网.shp", 4545, &pipes)
}

fn outfall_beside(dir: &Path) {
    let mut outfalls = Layer::new("outfalls", &["outfall_id", "kind"]);
    outfalls.add(&["O1", "storm"], pt(20., 5.));
    write_gpkg(dir, "outfalls.gpkg", 4545, &[outfalls]);
}

#[test]
fn a_cpg_is_honoured_and_a_lying_cpg_is_overridden_by_zdz_toml_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let shp = gbk_pipes(dir.path());
    outfall_beside(dir.path());
    // An honest .cpg: 936 is GBK.
    std::fs::write(shp.with_extension("cpg"), "936").unwrap();
    let (loaded, a) = run(dir.path());
    assert_eq!(loaded.layers.pipes.len(), 2);
    assert_eq!(
        a.problems
            .iter()
            .filter(|p| p.code.as_str() == "STORM_CROSS_CONNECTION")
            .count(),
        1
    );

    // A .cpg that claims UTF-8 for GBK bytes: the Chinese field names are unreadable…
    std::fs::write(shp.with_extension("cpg"), "UTF-8").unwrap();
    let err = load_err(dir.path());
    assert!(err.contains("needs field `pipe_id`"), "{err}");
    // …until zdz.toml says what the encoding really is.
    std::fs::write(
        dir.path().join("zdz.toml"),
        "[layers.pipes]\nsource = \"管网.shp\"\nencoding = \"GB18030\"\n",
    )
    .unwrap();
    let (loaded, _) = run(dir.path());
    assert_eq!(loaded.layers.pipes[1].id, "P2");
}

#[test]
fn utf8_shapefile_whose_chinese_field_names_were_cut_to_10_bytes_still_loads() {
    let dir = tempfile::tempdir().unwrap();
    let mut pipes = Layer::new("管网", &["管段编号", "类型", "缺陷等级"]);
    pipes.add(&["P1", "雨水", "4"], line(&[(0., 0.), (10., 0.)]));
    let shp = write_utf8_shapefile(dir.path(), "管网.shp", 4545, &pipes);
    assert!(shp.with_extension("cpg").exists());
    outfall_beside(dir.path());
    let (loaded, a) = run(dir.path());
    let report = loaded
        .reports
        .iter()
        .find(|r| r.layer.name() == "pipes")
        .unwrap();
    assert_eq!(report.fields["pipe_id"], "管段编\u{FFFD}");
    assert_eq!(loaded.layers.pipes[0].id, "P1");
    assert_eq!(loaded.layers.pipes[0].defect_grade, Some(4));
    assert!(a.problems.iter().any(|p| p.code.as_str() == "PIPE_DEFECT"));
}

#[test]
fn a_shapefile_without_prj_is_an_error_until_zdz_toml_gives_its_crs() {
    let dir = tempfile::tempdir().unwrap();
    let shp = gbk_pipes(dir.path());
    outfall_beside(dir.path());
    std::fs::remove_file(shp.with_extension("prj")).unwrap();
    let err = load_err(dir.path());
    assert!(
        err.contains("管网.shp")
            && err.contains("no coordinate system")
            && err.contains("[layers.pipes]"),
        "{err}"
    );
    std::fs::write(
        dir.path().join("zdz.toml"),
        "[layers.pipes]\nsource = \"管网.shp\"\ncrs = \"EPSG:4545\"\n",
    )
    .unwrap();
    let (loaded, _) = run(dir.path());
    assert_eq!(loaded.layers.pipes.len(), 2);
}

#[test]
fn metres_declared_as_degrees_are_an_error_showing_the_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let shp = gbk_pipes(dir.path());
    outfall_beside(dir.path());
    std::fs::write(
        dir.path().join("zdz.toml"),
        "[layers.pipes]\nsource = \"管网.shp\"\ncrs = \"EPSG:4490\"\n",
    )
    .unwrap();
    let err = load_err(dir.path());
    assert!(
        err.contains(shp.file_name().unwrap().to_str().unwrap()),
        "{err}"
    );
    assert!(
        err.contains("cannot be degrees") && err.contains("520000.0"),
        "{err}"
    );
}

#[test]
fn a_layer_outside_china_in_a_chinese_workspace_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    gbk_pipes(dir.path());
    outfall_beside(dir.path());
    // The pipes are in CM 108°E metres; declared as CM 75°E they land in Central Asia.
    std::fs::write(
        dir.path().join("zdz.toml"),
        "[layers.pipes]\nsource = \"管网.shp\"\ncrs = \"EPSG:32618\"\n",
    )
    .unwrap();
    let err = load_err(dir.path());
    assert!(
        err.contains("outside China") && err.contains("管网.shp"),
        "{err}"
    );
}

#[test]
fn gauss_kruger_6_degree_and_zone_prefixed_3_degree_fixtures_give_the_same_problems() {
    let reference = {
        let dir = tempfile::tempdir().unwrap();
        run(&write_gpkg(dir.path(), "a.gpkg", 4545, &fixture_layers())).1
    };
    for epsg in [4497, 4508, 4524] {
        let dir = tempfile::tempdir().unwrap();
        let (_, a) = run(&write_gpkg(dir.path(), "a.gpkg", epsg, &fixture_layers()));
        assert_eq!(problem_set(&a), problem_set(&reference), "EPSG:{epsg}");
    }
}

#[test]
fn empty_unclosed_too_short_and_wrong_type_geometries_are_reported_never_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pipes.geojson"),
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"pipe_id":"OK","kind":"storm"},"geometry":{"type":"LineString","coordinates":[[108.2,29.8],[108.201,29.8]]}},
        {"type":"Feature","properties":{"pipe_id":"EMPTY","kind":"storm"},"geometry":{"type":"LineString","coordinates":[]}},
        {"type":"Feature","properties":{"pipe_id":"ONE","kind":"storm"},"geometry":{"type":"LineString","coordinates":[[108.2,29.8]]}},
        {"type":"Feature","properties":{"pipe_id":"PT","kind":"storm"},"geometry":{"type":"Point","coordinates":[108.2,29.8]}},
        {"type":"Feature","properties":{"pipe_id":"NULL","kind":"storm"},"geometry":null},
        {"type":"Feature","properties":{"pipe_id":"OK","kind":"storm"},"geometry":{"type":"LineString","coordinates":[[108.3,29.8],[108.301,29.8]]}}
        ]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("clusters.geojson"),
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"cluster_id":"UNCLOSED"},"geometry":{"type":"Polygon","coordinates":[[[108.2,29.8],[108.21,29.8],[108.21,29.81],[108.2,29.81]]]}},
        {"type":"Feature","properties":{"cluster_id":"BOWTIE"},"geometry":{"type":"Polygon","coordinates":[[[108.3,29.8],[108.31,29.81],[108.3,29.81],[108.31,29.8],[108.3,29.8]]]}}
        ]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("outfalls.geojson"),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"outfall_id":"O1","kind":"storm"},"geometry":{"type":"Point","coordinates":[108.201,29.8]}}]}"#,
    )
    .unwrap();
    let (loaded, a) = run(dir.path());
    let invalid: Vec<&str> = a
        .problems
        .iter()
        .filter(|p| p.code.as_str() == "INVALID_GEOMETRY")
        .map(|p| p.feature_id.as_str())
        .collect();
    for id in ["EMPTY", "ONE", "PT", "NULL", "BOWTIE"] {
        assert!(invalid.contains(&id), "{id} not reported: {invalid:?}");
    }
    // GDAL closes an unclosed ring on reading: the cluster is usable, and GDAL's warning
    // is reported as a finding on the layer.
    assert!(loaded.layers.clusters.iter().any(|c| c.id == "UNCLOSED"));
    assert!(
        loaded
            .layers
            .findings
            .iter()
            .any(|f| f.kind == FindingKind::Gdal
                && f.layer.name() == "clusters"
                && f.message().contains("Non closed ring"))
    );
    assert!(
        loaded.layers.clusters.iter().any(|c| c.id == "BOWTIE"),
        "repaired and kept"
    );
    let dup = loaded
        .layers
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::DuplicateId)
        .unwrap();
    assert_eq!(dup.feature_id, "OK");
    assert_eq!(loaded.layers.pipes.len(), 2);
}

#[test]
fn numbers_as_text_are_parsed_or_reported_with_the_feature_never_zero() {
    let dir = tempfile::tempdir().unwrap();
    let mut pipes = Layer::new("pipes", &["pipe_id", "kind"]);
    pipes.add(&["P1", "storm"], line(&[(0., 0.), (10., 0.)]));
    let mut outfalls = Layer::new("outfalls", &["outfall_id", "kind"]);
    outfalls.add(&["O1", "storm"], pt(10., 5.));
    let mut plants = Layer::new("plants", &["plant_id", "capacity_tpd", "inflow_tpd"]);
    plants.add(&["W1", "1,200", "1300吨/日"], pt(500., 0.));
    plants.add(&["W2", "about 800", "900"], pt(900., 0.));
    write_gpkg(dir.path(), "ws.gpkg", 4545, &[pipes, outfalls, plants]);
    let (loaded, a) = run(&dir.path().join("ws.gpkg"));
    let w1 = &loaded.layers.plants[0];
    assert_eq!(
        (w1.capacity_tpd, w1.inflow_tpd),
        (Some(1200.0), Some(1300.0))
    );
    assert!(
        a.problems
            .iter()
            .any(|p| p.feature_id == "W1" && p.code.as_str() == "PLANT_OVERLOADED")
    );
    // W2's capacity is unreadable: reported, treated as unknown, so not "overloaded".
    assert_eq!(loaded.layers.plants[1].capacity_tpd, None);
    let f = loaded
        .layers
        .findings
        .iter()
        .find(|f| f.feature_id == "W2")
        .unwrap();
    assert!(
        f.message().contains("capacity_tpd") && f.message().contains("about 800"),
        "{}",
        f.message()
    );
    assert!(!a.problems.iter().any(|p| p.feature_id == "W2"));
}

#[test]
fn a_dxf_network_mapped_by_cad_layer_finds_the_cross_connection() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("cad.geojson");
    std::fs::write(
        &src,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"Layer":"WS"},"geometry":{"type":"LineString","coordinates":[[520000,3300100],[520000,3300000]]}},
        {"type":"Feature","properties":{"Layer":"YS"},"geometry":{"type":"LineString","coordinates":[[520000,3300000],[520100,3300000]]}},
        {"type":"Feature","properties":{"Layer":"YS"},"geometry":{"type":"LineString","coordinates":[[520100,3300000],[520200,3300000]]}},
        {"type":"Feature","properties":{"Layer":"TEXT"},"geometry":{"type":"LineString","coordinates":[[520000,3300500],[520100,3300500]]}},
        {"type":"Feature","properties":{"Layer":"PK_YS"},"geometry":{"type":"Point","coordinates":[520200,3300005]}}
        ]}"#,
    )
    .unwrap();
    let dxf = dir.path().join("管网.dxf");
    ogr2ogr(&["-f", "DXF", dxf.to_str().unwrap(), src.to_str().unwrap()]);
    std::fs::write(
        dir.path().join("zdz.toml"),
        r#"
[layers.pipes]
source = "管网.dxf"
crs = "EPSG:4545"
where = "Layer IN ('WS', 'YS', 'HL')"
fields = { pipe_id = "EntityHandle", kind = "Layer" }
values.kind = { WS = "sewage", YS = "storm", HL = "combined" }

[layers.outfalls]
source = "管网.dxf"
crs = "EPSG:4545"
where = "Layer LIKE 'PK%'"
fields = { outfall_id = "EntityHandle", kind = "Layer" }
values.kind = { PK_YS = "storm", PK_WS = "sewage" }
"#,
    )
    .unwrap();
    let (loaded, a) = run(dir.path());
    assert_eq!(
        loaded.layers.pipes.len(),
        3,
        "the TEXT layer is filtered out"
    );
    let codes: Vec<&str> = a.problems.iter().map(|p| p.code.as_str()).collect();
    // The storm outfall, and the node where the sewer drains into the storm pipe.
    assert_eq!(codes, ["STORM_CROSS_CONNECTION", "CROSS_CONNECTION_POINT"]);
    assert_eq!(a.outfalls[0].upstream_pipes.len(), 3);
}

fn summary_of(toml: &str) -> (Value, Value) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = Command::new(zdz_bin())
        .args(["analyze", toml, "--out", out.to_str().unwrap()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    (
        read_json(&out.join("summary.json")),
        read_json(&out.join("outfalls.geojson")),
    )
}

#[test]
fn swmm_model_in_state_plane_feet_traces_all_44_conduits_to_its_outfall() {
    let (summary, outfalls) = summary_of("tests/fixtures/swmm/model_state_plane.toml");
    assert_eq!(summary["working_crs"], "EPSG:32619");
    let o = &outfalls["features"][0]["properties"];
    assert_eq!(o["outfall_id"], "J3-485");
    assert_eq!(o["match_distance_m"], 0.0);
    assert_eq!(o["upstream_pipe_count"], 44);
}

#[test]
fn swmm_user4_traces_all_209_conduits_through_named_nodes() {
    let (_, outfalls) = summary_of("tests/fixtures/swmm/user4.toml");
    assert_eq!(
        outfalls["features"][0]["properties"]["upstream_pipe_count"],
        209
    );
}

#[test]
fn a_swmm_model_without_a_crs_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let inp = public_data("swmm/user4.inp");
    std::fs::write(
        dir.path().join("zdz.toml"),
        format!("[layers.pipes]\nsource = \"{0}\"\n[layers.outfalls]\nsource = \"{0}\"\ncrs = \"EPSG:32618\"\n", inp.display()),
    )
    .unwrap();
    let err = load_err(dir.path());
    assert!(
        err.contains("user4.inp")
            && err.contains("coordinate system")
            && err.contains("[layers.pipes]"),
        "{err}"
    );
}

#[test]
fn check_reports_encoding_crs_coords_tag_fields_and_findings() {
    let dir = tempfile::tempdir().unwrap();
    gbk_pipes(dir.path());
    write_gcj02_outfalls(&dir.path().join("outfalls.geojson"));
    std::fs::write(
        dir.path().join("zdz.toml"),
        "[layers.outfalls]\nsource = \"outfalls.geojson\"\ncoords = \"gcj02\"\n",
    )
    .unwrap();
    let text = zdz_ok(&["check", dir.path().to_str().unwrap()]);
    for part in [
        "encoding GB18030",
        "CRS EPSG:4545",
        "coords Gcj02",
        "pipe_id          ← 管段编号",
        "kind             ← 类型",
        "bounds lon",
    ] {
        assert!(text.contains(part), "missing {part:?} in:\n{text}");
    }
}

#[test]
fn real_gcj02_districts_without_prj_need_a_crs_and_set_overrides_their_own_level_column() {
    let dir = tempfile::tempdir().unwrap();
    copy_demo(dir.path(), &["pipes", "outfalls"]);
    let districts = public_data("districts/chongqing_districts_gcj02.shp");
    let toml = format!(
        "[layers.parks]\nsource = \"{}\"\nfields = {{ park_id = \"adcode\" }}\nset = {{ level = \"国家级\" }}\n",
        districts.display()
    );
    std::fs::write(dir.path().join("zdz.toml"), &toml).unwrap();
    let err = load_err(dir.path());
    assert!(
        err.contains("chongqing_districts_gcj02.shp") && err.contains("no coordinate system"),
        "{err}"
    );

    std::fs::write(
        dir.path().join("zdz.toml"),
        toml + "crs = \"EPSG:4326\"\ncoords = \"gcj02\"\n",
    )
    .unwrap();
    let loaded = load(dir.path().to_str().unwrap()).unwrap();
    let parks = &loaded.layers.parks;
    assert_eq!(parks.len(), 38);
    // The file's own `level` column (district/county) is not read: `set` wins.
    assert!(
        parks
            .iter()
            .all(|p| p.level == Some(zdz::model::ParkLevel::National))
    );
    assert!(
        !loaded
            .layers
            .findings
            .iter()
            .any(|f| f.message().contains("level"))
    );
    let report = loaded
        .reports
        .iter()
        .find(|r| r.layer.name() == "parks")
        .unwrap();
    assert_eq!(report.encoding.as_deref(), Some("UTF-8"));
    assert!(parks.iter().any(|p| p.name.as_deref() == Some("渝中区")));
}

#[test]
fn an_inspections_csv_saved_by_excel_in_gbk_gives_the_same_problems_as_utf8() {
    // Excel's "CSV (逗号分隔)" on a Chinese desktop: GBK, Chinese header, CRLF, no BOM.
    let dir = tempfile::tempdir().unwrap();
    let (utf8, gbk) = (dir.path().join("utf8"), dir.path().join("gbk"));
    for d in [&utf8, &gbk] {
        std::fs::create_dir_all(d).unwrap();
        copy_demo(d, EVERY_LAYER);
    }
    let text = std::fs::read_to_string(demo().join("inspections.csv")).unwrap();
    let crlf = text.replace('\n', "\r\n");
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&crlf);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the table is really GBK"
    );
    std::fs::write(gbk.join("排查记录.csv"), &bytes).unwrap();
    std::fs::remove_file(gbk.join("inspections.csv")).unwrap();

    let (_, expected) = run(&utf8);
    let (_, got) = run(&gbk);
    assert_eq!(problem_set(&got), problem_set(&expected));
    assert!(
        problem_set(&got)
            .iter()
            .any(|(_, c)| c == "DRY_WEATHER_FLOW"),
        "the inspections were read"
    );
    let check = zdz_ok(&["check", gbk.to_str().unwrap()]);
    let line = check
        .lines()
        .find(|l| l.contains("排查记录.csv"))
        .unwrap_or_else(|| panic!("{check}"));
    assert!(line.contains("GB18030"), "{line}");
}

#[test]
fn an_inspections_csv_in_utf8_with_excels_bom_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_demo(d, EVERY_LAYER);
    let text = std::fs::read_to_string(demo().join("inspections.csv")).unwrap();
    std::fs::write(d.join("inspections.csv"), format!("\u{feff}{text}")).unwrap();
    let (_, got) = run(d);
    let (_, expected) = run(&demo());
    let codes = |a: &Analysis| {
        let mut v: Vec<String> = problem_set(a)
            .into_iter()
            .filter(|(_, c)| c == "DRY_WEATHER_FLOW" || c == "STORM_OUTFALL_POLLUTED")
            .map(|(id, _)| id)
            .collect();
        v.sort();
        v
    };
    assert!(!codes(&got).is_empty());
    assert_eq!(codes(&got), codes(&expected));
}
