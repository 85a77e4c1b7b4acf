//! `zdz init` on folders as bureaus hand them over (GBK Shapefiles named in Chinese,
//! pinyin-initial fields, Chinese values, GCJ-02 outfalls) and on the real data in
//! tests/data (Vermont's networks, Chongqing's GBK district file): the zdz.toml it
//! writes gives the same analysis as the hand-written one, says why beside each line, and
//! leaves a TODO naming the candidates where it cannot decide (exit 1 when that is
//! required).

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;

fn init(folder: &Path, extra: &[&str]) -> Output {
    Command::new(zdz_bin())
        .arg("init")
        .arg(folder)
        .args(extra)
        .output()
        .unwrap()
}

/// Problems as (code, feature) and clusters as (id, deadline, in corridor), sorted.
/// Problems as (code, feature) and clusters as (id, deadline, in corridor).
type Answers = (Vec<(String, String)>, Vec<(String, String, bool)>);

fn answers(workspace: &Path, out: &Path) -> Answers {
    zdz_ok(&[
        "analyze",
        workspace.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-maps",
        "--force",
    ]);
    let problems = read_json(&out.join("problems.geojson"));
    let mut p: Vec<(String, String)> = problems["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let q = &f["properties"];
            (
                q["code"].as_str().unwrap().into(),
                q["feature_id"].as_str().unwrap().into(),
            )
        })
        .collect();
    p.sort();
    let clusters = read_json(&out.join("clusters.geojson"));
    let mut c: Vec<(String, String, bool)> = clusters["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let q = &f["properties"];
            (
                q["cluster_id"].as_str().unwrap().into(),
                q["deadline"].as_str().unwrap().into(),
                q["in_corridor"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    c.sort();
    (p, c)
}

#[test]
fn a_bureau_folder_in_pinyin_initials_and_gcj02_maps_itself_and_analyses_as_the_hand_written_one() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("巴南区排查数据");
    std::fs::create_dir(&folder).unwrap();
    common::bureau_fixture::write(&folder, true);
    let o = init(&folder, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let toml = std::fs::read_to_string(folder.join("zdz.toml")).unwrap();
    for line in [
        "fields.pipe_id = \"GXBH\"",
        "fields.kind = \"GXLX\"",
        "fields.outfall_id = \"PKBH\"",
        "fields.kind = \"PKLX\"",
        "fields.connected = \"NGZT\"",
        "fields.enterprise_id = \"QYBH\"",
        "fields.cluster_id = \"ZTBH\"",
        "fields.park_id = \"YQBH\"",
        "fields.level = \"JB\"",
        "fields.plant_id = \"WSCBH\"",
        "fields.name = \"MC\"",
        "coords = \"gcj02\"",
    ] {
        assert!(toml.contains(line), "{line} missing from:\n{toml}");
    }
    assert!(
        toml.contains("GXBH = 管线编号 的拼音首字母"),
        "the evidence is written beside the line"
    );
    assert!(
        toml.contains("按 GCJ-02 纠偏后"),
        "both match rates are given"
    );
    assert!(
        !toml.contains("给水管线.shp\"\n"),
        "the water mains are not taken for pipes"
    );
    // The manholes are taken for manholes (管点), not for outfalls.
    let project = zdz::project::Project::parse(&toml, &folder).unwrap();
    let source = |k: zdz::contract::LayerKind| project.layers.get(&k).map(|c| c.source.clone());
    assert_ne!(
        source(zdz::contract::LayerKind::Outfalls).as_deref(),
        Some("检查井.shp"),
        "{toml}"
    );
    assert_eq!(
        source(zdz::contract::LayerKind::Manholes).as_deref(),
        Some("检查井.shp"),
        "{toml}"
    );
    assert!(toml.contains("layers not used"));
    // The cluster must be along the Yangtze: 长江 is found in MC, not in ZWM (长江干流).
    assert!(toml.contains("[layers.rivers]"));

    let hand = folder.join("hand.toml");
    std::fs::write(&hand, common::bureau_fixture::HAND_WRITTEN).unwrap();
    let generated = answers(&folder, &dir.path().join("gen"));
    let written = answers(&hand, &dir.path().join("hand"));
    assert_eq!(generated, written, "{toml}");
    assert!(
        generated
            .0
            .iter()
            .any(|(c, f)| c == "STORM_CROSS_CONNECTION" && f == "PK01"),
        "{generated:?}"
    );
    assert!(
        generated
            .0
            .iter()
            .any(|(c, f)| c == "ENTERPRISE_NOT_CONNECTED" && f == "QY02")
    );
    assert!(
        generated
            .0
            .iter()
            .any(|(c, f)| c == "PIPE_DEFECT" && f == "WS002")
    );
    assert_eq!(
        generated.1,
        vec![("ZT01".to_string(), "2025-12-31".to_string(), true)],
        "along the Yangtze"
    );
    assert!(err.contains("zdz check"), "the result is checked: {err}");
}

#[test]
fn outfalls_already_on_the_network_get_no_correction_and_the_figures_say_why() {
    let dir = tempfile::tempdir().unwrap();
    common::bureau_fixture::write(dir.path(), false);
    let o = init(dir.path(), &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let toml = std::fs::read_to_string(dir.path().join("zdz.toml")).unwrap();
    assert!(!toml.contains("coords = "), "{toml}");
    assert!(toml.contains("offset test, no correction needed"));
}

#[test]
fn vermonts_real_networks_map_to_what_the_hand_written_projects_say() {
    for (town, hand) in [
        ("Springfield", "springfield.toml"),
        ("StJohnsbury", "st_johnsbury.toml"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join(town);
        std::fs::create_dir(&folder).unwrap();
        for part in ["LinearFeatures", "PointFeatures", "WWTF"] {
            let file = format!("{town}{part}.geojson");
            std::fs::copy(
                public_data(&format!("sewer/vermont/{file}")),
                folder.join(&file),
            )
            .unwrap();
        }
        let o = init(&folder, &[]);
        assert!(
            o.status.success(),
            "{town}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let toml = std::fs::read_to_string(folder.join("zdz.toml")).unwrap();
        assert!(
            toml.contains("where = \"Type IN ('Combined sewer outfall')\""),
            "{toml}"
        );
        assert!(
            toml.contains("scale.capacity_tpd = 3785.41"),
            "MGD read from the field name"
        );
        let handwritten = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/vermont")
            .join(hand);
        let generated = answers(&folder, &dir.path().join("gen"));
        let written = answers(&handwritten, &dir.path().join("hand"));
        assert!(!generated.0.is_empty());
        assert_eq!(generated, written, "{town}");
    }
}

#[test]
fn chongqings_gbk_district_file_decodes_and_an_undecided_required_field_exits_1_with_a_todo() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path();
    for ext in ["shp", "shx", "dbf", "prj"] {
        std::fs::copy(
            public_data(&format!(
                "encodings/chongqing_districts_gbk/cq_districts_gbk.{ext}"
            )),
            folder.join(format!("园区范围.{ext}")),
        )
        .unwrap();
    }
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for f in ["pipes.geojson", "outfalls.geojson", "clusters.geojson"] {
        std::fs::copy(data.join(f), folder.join(f)).unwrap();
    }
    let o = init(folder, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("parks.level"), "{err}");
    let toml = std::fs::read_to_string(folder.join("zdz.toml")).unwrap();
    assert!(toml.contains("编码 encoding: GB18030"), "{toml}");
    assert!(
        toml.contains("fields.name = \"名称\""),
        "GBK field names decoded: {toml}"
    );
    assert!(toml.contains("fields.park_id = \"区划代码\""), "{toml}");
    assert!(toml.contains("# TODO fields.level"), "{toml}");
    // What it wrote reads back, and a person finishes it by one line.
    let done = toml.replace(
        "[layers.parks]\n",
        "[layers.parks]\nset.level = \"provincial\"\n",
    );
    std::fs::write(folder.join("zdz.toml"), done).unwrap();
    let check = zdz_ok(&["check", folder.to_str().unwrap()]);
    assert!(check.contains("园区范围.shp"), "{check}");
}

#[test]
fn two_fields_of_pipe_kinds_are_a_tie_named_in_a_todo() {
    let dir = tempfile::tempdir().unwrap();
    let mut pipes = Layer::new("gx", &["GXBH", "LX1", "LX2"]);
    pipes.add(&["A", "污水管", "雨水管"], line(&[(0., 0.), (100., 0.)]));
    pipes.add(&["B", "雨水管", "污水管"], line(&[(100., 0.), (200., 0.)]));
    write_gbk_shapefile(dir.path(), "管线.shp", 4545, &pipes);
    let mut outfalls = Layer::new("pk", &["PKBH", "PKLX"]);
    outfalls.add(&["P1", "雨水排口"], pt(200., 0.));
    write_gbk_shapefile(dir.path(), "排口.shp", 4545, &outfalls);
    let o = init(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let toml = std::fs::read_to_string(dir.path().join("zdz.toml")).unwrap();
    let todo = toml
        .lines()
        .find(|l| l.starts_with("# TODO fields.kind"))
        .unwrap_or_else(|| panic!("{toml}"));
    assert!(todo.contains("LX1") && todo.contains("LX2"), "{todo}");
}

#[test]
fn an_existing_zdz_toml_is_kept_unless_force_and_then_backed_up() {
    let dir = tempfile::tempdir().unwrap();
    common::bureau_fixture::write(dir.path(), true);
    std::fs::write(dir.path().join("zdz.toml"), "# mine\n").unwrap();
    let o = init(dir.path(), &[]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("zdz.toml")).unwrap(),
        "# mine\n"
    );
    let o = init(dir.path(), &["--force"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("zdz.toml.bak")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn init_on_gbk_shapefiles_with_features_without_geometry_prints_no_bare_gdal_error() {
    // A bureau's 排口 file where three rows lost their points (a null shape each).
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("交付");
    std::fs::create_dir_all(&folder).unwrap();
    let mut features: Vec<String> = (0..3)
        .map(|i| format!(r#"{{"type":"Feature","geometry":null,"properties":{{"排口编号":"YS{i}","类型":"雨水"}}}}"#))
        .collect();
    features.push(r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[106.55,29.56]},"properties":{"排口编号":"YS9","类型":"雨水"}}"#.into());
    let src = dir.path().join("src.geojson");
    std::fs::write(
        &src,
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        ),
    )
    .unwrap();
    let shp = folder.join("排口.shp");
    let ogr = Command::new("ogr2ogr")
        .args([
            "-f",
            "ESRI Shapefile",
            "-lco",
            "ENCODING=CP936",
            "-nlt",
            "POINT",
        ])
        .arg(&shp)
        .arg(&src)
        .output()
        .unwrap();
    assert!(
        ogr.status.success(),
        "{}",
        String::from_utf8_lossy(&ogr.stderr)
    );
    let _ = std::fs::remove_file(shp.with_extension("cpg"));
    // With pipes (the demo's, one of which has no geometry either), init compares the
    // outfalls with the network to find their coordinate system.
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for layer in ["pipes", "clusters"] {
        let file = format!("{layer}.geojson");
        std::fs::copy(demo.join(&file), folder.join(&file)).unwrap();
    }
    let out = init(&folder, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("排口.shp"), "{stderr}");
    assert!(
        !stderr.contains("hGeom") && !stderr.contains("ERROR 10"),
        "{stderr}"
    );
}
