//! No silent degradation: a rivers layer whose names sit in fields zdz does not know (`MC`,
//! `ZWM`) gives no Yangtze main stem, so every cluster would quietly get the inland
//! deadline. `zdz analyze`, `zdz check` and `zdz serve` (and `/healthz`) say so,
//! highlighted, naming the layer's text fields and their values; a rule that cannot run and
//! a CRS taken by default are said the same way.

mod common;

use std::process::Command;

use common::server::Server;
use common::*;

/// The bureau folder with a zdz.toml that maps everything but the rivers' name field, and
/// gives the outfalls as a CSV without a CRS.
/// zdz speaking English whatever the machine's locale.
fn english() -> Command {
    let mut c = Command::new(zdz_bin());
    c.env("LC_ALL", "C.UTF-8");
    c
}

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::bureau_fixture::write(dir.path(), true);
    let toml = common::bureau_fixture::HAND_WRITTEN.replace(
        "[layers.rivers]\nsource = \"河流.shp\"\nfields = { name = \"MC\" }",
        "[layers.rivers]\nsource = \"河流.shp\"",
    );
    // No inspections: the two inspection rules cannot run.
    std::fs::write(dir.path().join("zdz.toml"), toml).unwrap();
    dir
}

fn no_main_stem_said(text: &str) {
    let line = text
        .lines()
        .find(|l| l.contains("zdz: warning:") && l.contains("Yangtze"))
        .unwrap_or_else(|| panic!("no main-stem warning in:\n{text}"));
    for needle in ["MC (", "长江", "ZWM (", "长江干流", "[layers.rivers]"] {
        assert!(line.contains(needle), "{needle} missing: {line}");
    }
}

#[test]
fn analyze_and_check_say_highlighted_that_no_main_stem_was_found_and_which_rules_did_not_run() {
    let dir = folder();
    let out = dir.path().join("out");
    let o = english()
        .args([
            "analyze",
            dir.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--no-maps",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    no_main_stem_said(&err);
    assert!(err.contains("zdz: warning: DRY_WEATHER_FLOW"), "{err}");
    let summary = read_json(&out.join("summary.json"));
    let codes: Vec<&str> = summary["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"no_main_stem") && codes.contains(&"rule_not_run"),
        "{codes:?}"
    );
    // The result it warns of: the cluster 600 m from the Yangtze is not along it.
    let clusters = read_json(&out.join("clusters.geojson"));
    assert_eq!(
        clusters["features"][0]["properties"]["deadline"],
        "2027-12-31"
    );

    let o = english()
        .args(["check", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success());
    no_main_stem_said(&String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_csv_without_crs_is_said_to_be_read_as_wgs84() {
    let dir = tempfile::tempdir().unwrap();
    let mut pipes = Layer::new("pipes", &["pipe_id", "kind"]);
    pipes.add(&["A", "sewage"], line(&[(0., 0.), (100., 0.)]));
    write_gpkg(dir.path(), "pipes.gpkg", 4545, &[pipes]);
    let mut outfalls = Layer::new("outfalls", &["outfall_id", "kind"]);
    outfalls.add(&["O1", "storm"], pt(100., 0.));
    write_csv(dir.path(), "outfalls.csv", &outfalls, "lon", "lat");
    let o = english()
        .args(["check", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("outfalls.csv (outfalls): no CRS declared; read as WGS84"),
        "{err}"
    );
}

#[test]
fn serve_healthz_carries_the_warning() {
    let dir = folder();
    let server = Server::start(dir.path(), &[]);
    let health = server.json("/healthz");
    let warnings = health["warnings"].as_array().unwrap();
    let main = warnings
        .iter()
        .find(|w| w["code"] == "no_main_stem")
        .unwrap();
    assert!(
        main["message"].as_str().unwrap().contains("ZWM ("),
        "{main}"
    );
}

#[test]
fn a_chinese_locale_gets_the_summary_warnings_and_errors_in_chinese() {
    let dir = folder();
    let out = dir.path().join("out");
    let o = Command::new(zdz_bin())
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "zh_CN.UTF-8")
        .args([
            "analyze",
            dir.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--no-maps",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    for needle in [
        "读入园区 1 个",
        "发现问题",
        "验收评分",
        "zdz：警告：",
        "水系图层",
        "无法运行",
    ] {
        assert!(err.contains(needle), "{needle} missing:\n{err}");
    }
    // File, layer and field names stay as they are.
    assert!(err.contains("MC (") && err.contains("河流.shp"), "{err}");

    let o = Command::new(zdz_bin())
        .env("LC_ALL", "zh_CN.UTF-8")
        .args(["check", "/no/such/place"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim(), "zdz：错误： /no/such/place：文件或文件夹不存在");

    let o = Command::new(zdz_bin())
        .env("LC_ALL", "zh_CN.UTF-8")
        .args(["check", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("工作空间") && text.contains("评分细则") && text.contains("达标线 90 分"),
        "{text}"
    );
}
