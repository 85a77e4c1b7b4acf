//! End-to-end runs of the `zdz` binary: the demo workspace against the output contract of
//! docs/outputs.md, refusals that protect the user's files, clear errors, and real networks.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;
use serde_json::Value;

fn zdz(args: &[&str]) -> Output {
    Command::new(zdz_bin())
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn props(fc: &Value) -> Vec<&serde_json::Map<String, Value>> {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"].as_object().unwrap())
        .collect()
}

fn analyze_demo(out: &Path) -> Output {
    let out = zdz(&["analyze", "--out", out.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn demo_analysis_writes_every_contract_file_with_the_contract_properties() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyze_demo(&out);

    let clusters = read_json(&out.join("clusters.geojson"));
    let problems = read_json(&out.join("problems.geojson"));
    let outfalls = read_json(&out.join("outfalls.geojson"));
    let summary = read_json(&out.join("summary.json"));

    for fc in [&clusters, &problems, &outfalls] {
        assert_eq!(fc["type"], "FeatureCollection");
        assert!(fc.get("crs").is_none(), "RFC 7946 has no crs member");
    }
    let has_keys = |fc: &Value, file: &str, keys: &[&str]| {
        for p in props(fc) {
            for key in keys {
                assert!(p.contains_key(*key), "{file} lacks {key}");
            }
        }
    };
    has_keys(
        &clusters,
        "clusters.geojson",
        &[
            "cluster_id",
            "park_id",
            "park_level",
            "in_corridor",
            "corridor_distance_m",
            "deadline",
            "deadline_reason",
            "problem_count",
        ],
    );
    has_keys(
        &problems,
        "problems.geojson",
        &[
            "problem_id",
            "code",
            "layer",
            "feature_id",
            "cluster_id",
            "deadline",
            "severity",
            "label_zh",
            "label_en",
        ],
    );
    has_keys(
        &outfalls,
        "outfalls.geojson",
        &[
            "outfall_id",
            "matched",
            "upstream_pipe_count",
            "upstream_enterprise_count",
            "problem_codes",
        ],
    );
    // Lon/lat in Chongqing, not metres.
    let first = &clusters["features"][0]["geometry"]["coordinates"][0][0][0];
    let (lon, lat) = (first[0].as_f64().unwrap(), first[1].as_f64().unwrap());
    assert!(
        (105.0..111.0).contains(&lon) && (28.0..33.0).contains(&lat),
        "{lon},{lat}"
    );

    // Every problem code occurs in the demo, and summary counts agree with the file.
    let by_code = summary["counts"]["by_code"].as_object().unwrap();
    for code in zdz::contract::ProblemCode::ALL {
        let n = by_code[code.as_str()].as_u64().unwrap();
        assert!(n >= 1, "demo lacks {}", code.as_str());
        let in_file = props(&problems)
            .iter()
            .filter(|p| p["code"] == code.as_str())
            .count();
        assert_eq!(n as usize, in_file, "{}", code.as_str());
    }
    assert_eq!(summary["params"]["outfall_match_m"], 20.0);

    // The demo's schedule: 2 demonstration clusters, 2 out of scope, 990 m in, 1010 m out.
    let deadline_of = |id: &str| {
        props(&clusters)
            .into_iter()
            .find(|p| p["cluster_id"] == id)
            .map(|p| p["deadline"].as_str().unwrap().to_string())
            .unwrap()
    };
    let count = |d: &str| {
        props(&clusters)
            .iter()
            .filter(|p| p["deadline"] == d)
            .count()
    };
    assert_eq!(count("2024-12-31"), 2);
    assert_eq!(count("out_of_scope"), 2);
    assert_eq!(deadline_of("JJGY-A"), "2025-12-31");
    assert_eq!(deadline_of("JJGY-B"), "2027-12-31");
    assert_eq!(
        deadline_of("HCGY-A"),
        "2027-12-31",
        "along the Jialing only"
    );

    // Each problem the demo plan builds in (src/demo/plan.rs) is found on its feature.
    let designed = [
        ("ENTERPRISE_NOT_CONNECTED", vec!["WZJK-A-E01"]),
        (
            "ENTERPRISE_OUTSIDE_CLUSTER",
            vec!["BBGY-A-E10", "CQJK-A-E14"],
        ),
        ("ENTERPRISE_UNCOVERED", vec!["BSGX-B-E08", "CSJK-B-E10"]),
        ("INVALID_GEOMETRY", vec!["FDGY-A-WS99", "FLZB-A-E09"]),
        (
            "OUTFALL_SEWAGE_DIRECT",
            vec!["CSJK-A-PW1", "WZJK-B-HL1", "YCGX-A-PW1"],
        ),
        ("OUTFALL_UNMATCHED", vec!["CQJK-B-YS9", "QJGY-A-YS9"]),
        ("PLANT_OVERLOADED", vec!["CQJK-WWTP", "FDGY-WWTP"]),
        ("SEWER_NOT_TO_PLANT", vec!["JJGY-B-WS09"]),
        ("STORM_CROSS_CONNECTION", vec!["CQJK-A-YS2", "HCGY-A-YS2"]),
    ];
    for (code, ids) in designed {
        let mut found: Vec<&str> = props(&problems)
            .into_iter()
            .filter(|p| p["code"] == code)
            .map(|p| p["feature_id"].as_str().unwrap())
            .collect();
        found.sort();
        assert_eq!(found, ids, "{code}");
    }

    // A problem outfall carries its trace.
    let cross = props(&outfalls)
        .into_iter()
        .find(|p| p["outfall_id"] == "CQJK-A-YS2")
        .unwrap();
    assert_eq!(cross["problem_codes"][0], "STORM_CROSS_CONNECTION");
    assert!(
        cross["upstream_pipe_ids"]
            .as_array()
            .unwrap()
            .iter()
            .any(|id| id == "CQJK-A-WS-X1")
    );
    assert!(cross["upstream_enterprise_count"].as_u64().unwrap() >= 1);
}

#[test]
fn two_runs_give_byte_identical_problem_files() {
    let dir = tempfile::tempdir().unwrap();
    analyze_demo(&dir.path().join("a"));
    analyze_demo(&dir.path().join("b"));
    for file in ["problems.geojson", "clusters.geojson", "outfalls.geojson"] {
        assert_eq!(
            std::fs::read(dir.path().join("a").join(file)).unwrap(),
            std::fs::read(dir.path().join("b").join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn a_non_empty_out_folder_is_refused_without_force_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let keep = dir.path().join("notes.txt");
    std::fs::write(&keep, "mine").unwrap();
    let out = zdz(&["analyze", "--out", dir.path().to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    assert_eq!(std::fs::read_to_string(&keep).unwrap(), "mine");
    assert!(!dir.path().join("problems.geojson").exists());

    let out = zdz(&["analyze", "--out", dir.path().to_str().unwrap(), "--force"]);
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(&keep).unwrap(),
        "mine",
        "--force keeps other files"
    );
}

#[test]
fn a_non_empty_out_folder_is_refused_before_the_workspace_is_read() {
    // The workspace does not exist: the refusal names the folder, not the workspace, so
    // it came first (a national workspace takes seconds to load).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let missing = dir.path().join("no-such-workspace");
    for command in ["analyze", "report"] {
        let out = zdz(&[
            command,
            missing.to_str().unwrap(),
            "--out",
            dir.path().to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{command}");
        assert!(stderr.contains("not empty"), "{command}: {stderr}");
        assert!(!stderr.contains("no-such-workspace"), "{command}: {stderr}");
    }
}

#[test]
fn zdz_never_writes_into_the_workspace_even_with_force() {
    let dir = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("data")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.path().join(f.file_name().unwrap())).unwrap();
    }
    let before = std::fs::read(dir.path().join("clusters.geojson")).unwrap();
    let ws = dir.path().to_str().unwrap();
    let out = zdz(&["analyze", ws, "--out", ws, "--force"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("never writes into the workspace"));
    assert_eq!(
        std::fs::read(dir.path().join("clusters.geojson")).unwrap(),
        before
    );
}

/// Run `zdz analyze` on a workspace that must be refused; its error message.
fn analyze_fails(workspace: &Path) -> String {
    let out_dir = workspace.with_extension("out");
    let out = zdz(&[
        "analyze",
        workspace.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_missing_required_field_names_the_file_layer_field_and_the_fields_there() {
    let dir = tempfile::tempdir().unwrap();
    let mut pipes = Layer::new("pipes", &["pipe_id", "material"]);
    pipes.add(&["P1", "PVC"], line(&[(0., 0.), (10., 0.)]));
    let mut outfalls = Layer::new("outfalls", &["outfall_id", "kind"]);
    outfalls.add(&["O1", "storm"], pt(10., 5.));
    let gpkg = write_gpkg(dir.path(), "ws.gpkg", 4545, &[pipes, outfalls]);
    let err = analyze_fails(&gpkg);
    for part in [
        "ws.gpkg",
        "layer pipes",
        "`kind`",
        "类型",
        "pipe_id, material",
    ] {
        assert!(err.contains(part), "missing {part:?} in: {err}");
    }
}

#[test]
fn a_workspace_without_pipes_is_an_error_listing_what_was_found() {
    let dir = tempfile::tempdir().unwrap();
    let mut outfalls = Layer::new("排口", &["排口编号", "类型"]);
    outfalls.add(&["O1", "雨水"], pt(10., 5.));
    let gpkg = write_gpkg(dir.path(), "ws.gpkg", 4490, &[outfalls]);
    let err = analyze_fails(&gpkg);
    assert!(
        err.contains("no pipes layer") && err.contains("layers found: outfalls"),
        "{err}"
    );
}

#[test]
fn a_missing_workspace_is_a_clear_error() {
    let out = zdz(&["analyze", "/nonexistent/ws.gpkg", "--out", "/tmp/zdz-never"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file or folder"));
}

#[test]
fn check_lists_every_demo_layer_with_its_crs_and_matched_aliases() {
    let text = zdz_ok(&["check"]);
    for part in [
        "parks",
        "clusters",
        "enterprises",
        "pipes",
        "outfalls",
        "plants",
        "rivers",
        "EPSG:4326",
        "enterprise_id    ← 企业编号",
    ] {
        assert!(text.contains(part), "missing {part:?} in:\n{text}");
    }
}

/// The real Vermont networks: every combined-sewer outfall gets a status, and those off
/// the network or fed by sewers are reported.
fn vermont(toml: &str, outfalls: usize) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let toml = format!("tests/fixtures/vermont/{toml}");
    let run = zdz(&["analyze", &toml, "--out", out.to_str().unwrap()]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let fc = read_json(&out.join("outfalls.geojson"));
    let all = props(&fc);
    assert_eq!(all.len(), outfalls);
    for p in &all {
        // A combined-sewer outfall that is not a plant's effluent is untreated sewage.
        let codes = p["problem_codes"].as_array().unwrap();
        assert!(codes.iter().any(|c| c == "OUTFALL_SEWAGE_DIRECT"), "{p:?}");
        assert_eq!(
            p["matched"].as_bool().unwrap(),
            !codes.iter().any(|c| c == "OUTFALL_UNMATCHED")
        );
    }
    read_json(&out.join("summary.json"))
}

#[test]
fn st_johnsbury_classifies_all_24_combined_sewer_outfalls() {
    let summary = vermont("st_johnsbury.toml", 24);
    assert_eq!(summary["working_crs"], "EPSG:32618");
    let pipes = summary["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["layer"] == "pipes")
        .unwrap();
    assert_eq!(pipes["feature_count"], 1354);
    assert_eq!(
        pipes["features_used"], 1376,
        "multi-part pipes split into their parts"
    );
}

#[test]
fn springfield_classifies_all_13_combined_sewer_outfalls() {
    vermont("springfield.toml", 13);
}

#[test]
fn a_scaled_demo_adds_copies_of_one_cluster_per_park_with_more_outfalls_and_enterprises() {
    // The demo: 22 clusters, 60 outfalls, 178 enterprises, 1,459 pipes. Each copy: its 11
    // parks as one cluster each, 170 outfalls, 427 enterprises and 1,679 pipes.
    let dir = tempfile::tempdir().unwrap();
    let (_, summary) = analyze_scaled_demo(dir.path(), 3);
    let used = |layer: &str| features_used(&summary, layer);
    assert_eq!(used("parks"), 33);
    assert_eq!(used("clusters"), 22 + 2 * 11);
    assert_eq!(used("outfalls"), 60 + 2 * 170);
    assert_eq!(used("enterprises"), 178 + 2 * 427);
    assert_eq!(used("pipes"), 1_459 + 2 * 1_679);
    for code in zdz::contract::ProblemCode::ALL {
        assert!(
            summary["counts"]["by_code"][code.as_str()]
                .as_u64()
                .unwrap_or(0)
                >= 1,
            "no {}",
            code.as_str()
        );
    }
    let duplicated: Vec<&serde_json::Value> = summary["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .contains("more than one feature")
        })
        .collect();
    assert!(duplicated.is_empty(), "{duplicated:?}");
}

#[test]
fn a_demo_candidate_keeps_its_2027_deadline_with_the_2024_12_01_milestone_and_a_sixth_demo_cluster_warns()
 {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for e in std::fs::read_dir(&data).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, ws.join(p.file_name().unwrap())).unwrap();
    }
    // HCGY-A (due 2027) applies for the list (示范备选); four more clusters are marked 示范
    // beside the demo's two: six on a list of five.
    let path = ws.join("clusters.geojson");
    let mut fc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for f in fc["features"].as_array_mut().unwrap() {
        let p = &mut f["properties"];
        let id = p["组团编号"].as_str().unwrap().to_string();
        p["示范备选"] = Value::from(if id == "HCGY-A" { "是" } else { "否" });
        if ["WZJK-A", "FLZB-A", "JJGY-A", "BSGX-B"].contains(&id.as_str()) {
            p["示范"] = Value::from("是");
        }
    }
    std::fs::write(&path, fc.to_string()).unwrap();
    let out = dir.path().join("out");
    let run = zdz(&[
        "analyze",
        ws.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-maps",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("6 clusters are marked demo"), "{stderr}");
    let clusters = read_json(&out.join("clusters.geojson"));
    let by_id = |id: &str| {
        props(&clusters)
            .into_iter()
            .find(|p| p["cluster_id"] == id)
            .unwrap()
            .clone()
    };
    let candidate = by_id("HCGY-A");
    assert_eq!(candidate["deadline"], "2027-12-31");
    assert_eq!(candidate["demo_candidate"], true);
    assert_eq!(candidate["demo_target_date"], "2024-12-01");
    let other = by_id("HCGY-B");
    assert_eq!(other["demo_candidate"], false);
    assert!(other["demo_target_date"].is_null());
    assert_eq!(by_id("WZJK-A")["deadline"], "2024-12-31");
    let summary = read_json(&out.join("summary.json"));
    assert!(
        summary["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "demo_count"),
        "{}",
        summary["warnings"]
    );
}
