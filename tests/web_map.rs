//! The web map in a real browser: Debian's Chromium, headless, WebGL through SwiftShader,
//! driven by playwright-core against `zdz serve` on a copy of the demo whose cluster
//! CQJK-C is named `<img src=x onerror=alert(1)>`. Rendered features match the
//! collections in view, the deadline filter changes them, clicking a cross-connected
//! storm outfall highlights exactly its trace, no request leaves the server, and the
//! hostile name stays text. The screenshot goes into the README.

mod common;

use std::path::Path;
use std::process::Command;

use common::browser::{browser_tools, demo_copy_naming};
use common::server::Server;
use serde_json::Value;

const XSS: &str = "<img src=x onerror=alert(1)>";

#[test]
fn the_demo_map_renders_filters_traces_and_escapes_in_a_real_browser() {
    let tools = browser_tools();
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy_naming(dir.path(), "CQJK-C", XSS);

    let server = Server::start(&ws, &[]);
    let shot = dir.path().join("map.png");
    let out = Command::new("node")
        .arg(tools.join("map_check.mjs"))
        .args([&server.url, shot.to_str().unwrap(), "CQJK-A-YS2", "CQJK-C"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "map_check: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();

    assert!(r["error"].is_null(), "{}", r["error"]);
    assert_eq!(r["webgl"], true);
    assert_eq!(r["cjk_font"], true, "fonts-noto-cjk renders the Chinese UI");
    assert_eq!(
        r["outside"],
        Value::Array(vec![]),
        "requests left the server: {}",
        r["outside"]
    );
    assert_eq!(
        r["dialogs"],
        Value::Array(vec![]),
        "a dialog opened: the name ran as code"
    );

    for k in ["clusters", "outfalls"] {
        assert_eq!(r["rendered"][k], r["expected"][k], "{k} in view: {r}");
    }
    // At zoom 10 two problems on one pixel are drawn once; from zoom 12 every one is.
    let problems = |view: &str| r[view]["problems"].as_u64().unwrap();
    assert!(problems("rendered") <= problems("expected"), "{r}");
    assert!(problems("rendered") + 2 >= problems("expected"), "{r}");
    assert_eq!(
        r["rendered_z12"]["problems"], r["expected_z12"]["problems"],
        "{r}"
    );
    assert!(problems("rendered_z12") >= 2, "{r}");
    assert!(r["rendered"]["clusters"].as_u64().unwrap() >= 2, "{r}");
    assert_eq!(r["filtered"]["clusters"], r["filtered_expected"]);
    assert!(
        r["filtered_total"].as_u64() < r["total"].as_u64(),
        "the deadline filter changed nothing: {r}"
    );
    assert_eq!(
        r["filtered"]["clusters"], r["filtered_total"],
        "the filter zooms to every cluster it leaves: {r}"
    );
    assert!(
        r["hash_after_filter"]
            .as_str()
            .unwrap()
            .contains("deadline=2027-12-31")
    );

    assert_eq!(r["xss_cell"], XSS, "the hostile name is shown as text");
    assert_eq!(r["injected_img"], 0);

    let mut api: Vec<String> = r["trace_api"]["pipes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    api.sort();
    assert!(!api.is_empty());
    let clicked: Vec<String> = {
        let mut v: Vec<String> = r["trace_clicked"]["pipes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(clicked, api, "the listed trace is the API's");
    // Every rendered pipe highlighted is in the trace, and every traced pipe in view is lit.
    let lit: Vec<String> = r["trace_state"]["highlighted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert!(!lit.is_empty());
    assert!(lit.iter().all(|p| api.contains(p)), "{lit:?} ⊄ {api:?}");
    assert!(r["detail_text"].as_str().unwrap().contains("CQJK-A-WS-X1"));
    assert!(
        r["hash_after_click"]
            .as_str()
            .unwrap()
            .contains("sel=outfalls%3ACQJK-A-YS2")
    );

    assert!(
        r["colours"].as_u64().unwrap() > 20,
        "the map looks blank: {}",
        r["colours"]
    );
    assert!(std::fs::metadata(&shot).unwrap().len() > 50_000);
    if std::env::var("ZDZ_UPDATE_DOCS").is_ok() {
        std::fs::copy(
            &shot,
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/web-map.png"),
        )
        .unwrap();
    }
    drop(server);
}

/// What the 整改状态 filter does on the demo served with `args`.
fn status_filter(args: &[&str]) -> Value {
    let tools = browser_tools();
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy_naming(dir.path(), "CQJK-C", "组团");
    let ledger = dir.path().join("ledger.db");
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("LEDGER", ledger.to_str().unwrap()))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = Server::start(&ws, &args);
    let out = Command::new("node")
        .arg(tools.join("filter_check.mjs"))
        .arg(&server.url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "filter_check: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(r["error"].is_null(), "{}", r["error"]);
    assert!(r["problems_before"].as_u64().unwrap() > 0, "{r}");
    drop(server);
    r
}

#[test]
fn the_status_filter_is_offered_only_where_the_problems_carry_a_status() {
    // Without a ledger, and with one the service does not publish: no filter to choose.
    for args in [&["--as-of", "2026-12-06"][..], &["--ledger", "LEDGER"][..]] {
        let r = status_filter(args);
        assert_eq!(r["visible"], false, "{args:?}: {r}");
        assert_eq!(r["options"], Value::Array(vec![]), "{args:?}: {r}");
    }
    // Published: the statuses the problems carry, and choosing one keeps its problems.
    let r = status_filter(&["--ledger", "LEDGER", "--public-ledger"]);
    assert_eq!(r["visible"], true, "{r}");
    assert_eq!(
        r["options"],
        serde_json::json!(["open"]),
        "a new ledger: {r}"
    );
    assert_eq!(r["problems_after"], r["problems_before"], "{r}");
}

#[test]
fn the_map_leads_with_the_campaign_status_by_deadline_and_names_the_overdue_clusters() {
    let r = status_filter(&["--as-of", "2026-12-06"]);
    assert!(r["as_of"].as_str().unwrap().contains("2026-12-06"), "{r}");
    // Rows: deadline, accepted, recheck, overdue, due.
    let rows = r["campaign"].as_array().unwrap();
    let row = |d: &str| {
        rows.iter()
            .find(|row| row[0].as_str().unwrap().contains(d))
            .unwrap_or_else(|| panic!("no row for {d}: {r}"))
            .clone()
    };
    assert_eq!(row("2025-12-31")[3], "12", "{r}");
    assert_eq!(row("2024-12-31")[3], "2", "{r}");
    assert_eq!(row("2027-12-31")[4], "6", "{r}");
    assert!(r["overdue"].as_str().unwrap().contains("（14）"), "{r}");
    // The demo's two 示范 clusters, overdue.
    let demo = r["demo_list"].as_str().unwrap();
    assert!(
        demo.contains("CQJK-A（逾期）") && demo.contains("CSJK-A（逾期）"),
        "{r}"
    );
}

/// A box as `[x0, y0, x1, y1]`.
fn boxes(v: &Value) -> Vec<[f64; 4]> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let b = l["box"].as_array().unwrap();
            [0, 1, 2, 3].map(|i| b[i].as_f64().unwrap())
        })
        .collect()
}

fn assert_placed(view: &Value) {
    let (w, h) = (view["w"].as_f64().unwrap(), view["h"].as_f64().unwrap());
    let placed = boxes(&view["labels"]);
    for (i, a) in placed.iter().enumerate() {
        assert!(
            a[0] >= 0.0 && a[1] >= 0.0 && a[2] <= w && a[3] <= h,
            "off the map: {a:?}"
        );
        for b in &placed[i + 1..] {
            let overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
            assert!(!overlap, "labels overlap: {a:?} {b:?}");
        }
    }
}

#[test]
fn the_city_map_names_clusters_at_every_zoom_fits_its_table_and_a_filter_zooms_to_what_it_leaves() {
    let tools = browser_tools();
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy_naming(dir.path(), "CQJK-C", "组团");
    let server = Server::start(&ws, &["--as-of", "2026-12-06"]);
    let out = Command::new("node")
        .arg(tools.join("layout_check.mjs"))
        .args([&server.url, "南岸区"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "layout_check: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(r["error"].is_null(), "{}", r["error"]);

    // The whole of Chongqing opens below zoom 9, and its clusters are named there.
    assert!(r["start"]["zoom"].as_f64().unwrap() < 9.0, "{r}");
    assert!(r["start"]["labels"].as_array().unwrap().len() >= 5, "{r}");
    assert_placed(&r["start"]);
    // The table's columns fit the panel at 1,400 px.
    assert!(
        r["table"]["scroll"].as_f64() <= r["table"]["client"].as_f64(),
        "{r}"
    );
    assert!(
        r["table"]["right"].as_f64().unwrap() <= r["table"]["panel"].as_f64().unwrap() + 0.5,
        "{r}"
    );

    // The district filter zooms to its three clusters, every one named.
    assert!(
        r["filtered"]["zoom"].as_f64() > r["start"]["zoom"].as_f64(),
        "{r}"
    );
    let shown: Vec<&str> = r["filtered"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut named: Vec<&str> = r["filtered"]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    named.sort();
    let mut expected = shown.clone();
    expected.sort();
    assert_eq!(named, expected, "{r}");
    assert_placed(&r["filtered"]);
    // The plants shown are those its clusters' sewage reaches.
    let reached: std::collections::BTreeSet<String> = shown
        .iter()
        .flat_map(|id| {
            server.json(&format!("/collections/clusters/items/{id}"))["properties"]["receiving_plant_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let plants: std::collections::BTreeSet<String> = r["plants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    assert!(
        !plants.is_empty() && plants.is_subset(&reached),
        "{plants:?} ⊄ {reached:?}"
    );
}
