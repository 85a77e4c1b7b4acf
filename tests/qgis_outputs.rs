//! What `zdz analyze` writes for QGIS, opened by QGIS itself (Debian's qgis and
//! python3-qgis, offscreen): the project, the GeoPackage's default styles, a rendering.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

fn qgis_report(out: &Path, png: &Path, filter: Option<&str>) -> Value {
    let mut args = vec![out.as_os_str(), png.as_os_str()];
    args.extend(filter.map(std::ffi::OsStr::new));
    pyqgis("project_check.py", &args, out)
}

#[test]
fn qgis_opens_the_project_styled_grouped_in_the_working_crs_and_renders_the_legend_colours() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    zdz_ok(&["analyze", "--out", out.to_str().unwrap()]);
    let png = dir.path().join("detail.png");
    let r = qgis_report(&out, &png, Some("\"park_id\" = 'CQJK'"));

    assert_eq!(r["project_read"], true);
    assert_eq!(r["crs"], "EPSG:4545");
    let expect = [
        (
            "问题 Problems",
            "问题 Problems",
            "categorizedSymbol",
            zdz::contract::ProblemCode::ALL.len(),
        ),
        ("排口 Outfalls", "口 Outfalls", "categorizedSymbol", 7),
        ("企业 Enterprises", "源 Sources", "categorizedSymbol", 4),
        (
            "污水厂 Treatment plants",
            "厂 Plants",
            "categorizedSymbol",
            4,
        ),
        ("管网 Pipes", "网 Network", "categorizedSymbol", 3),
        // Three dated deadlines × five readiness groups, and out of scope.
        ("组团 Clusters", "组团 Clusters", "categorizedSymbol", 16),
        ("园区 Parks", "组团 Clusters", "categorizedSymbol", 2),
        ("水系 Rivers", "组团 Clusters", "categorizedSymbol", 2),
        (
            "长江沿线带 Yangtze corridor band",
            "组团 Clusters",
            "singleSymbol",
            0,
        ),
    ];
    for (layer, group, renderer, categories) in expect {
        let l = &r["project"][layer];
        assert_eq!(l["valid"], true, "{layer}: {l}");
        assert_eq!(l["group"], group, "{layer}");
        assert_eq!(l["renderer"], renderer, "{layer}");
        assert_eq!(
            l["categories"].as_array().unwrap().len(),
            categories,
            "{layer}"
        );
        assert!(
            l["source"]
                .as_str()
                .unwrap()
                .contains("results.gpkg|layername="),
            "{layer}"
        );
    }
    assert_eq!(r["project"]["问题 Problems"]["features"], 69);
    assert_eq!(r["project"]["管网 Pipes"]["features"], 1459);
    let codes: Vec<&str> = r["project"]["问题 Problems"]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for code in zdz::contract::ProblemCode::ALL {
        assert!(codes.contains(&code.as_str()), "{}", code.as_str());
    }

    // Opened straight from the GeoPackage, each layer gets its default style.
    for (layer, v) in r["gpkg"].as_object().unwrap() {
        assert_eq!(v["valid"], true, "{layer}");
        assert_eq!(
            v["renderer"], "categorizedSymbol",
            "{layer}: default style not applied"
        );
    }

    // The rendering is not blank and shows the legend's colours.
    assert!(png.exists());
    let render = &r["render"];
    assert!(
        render["non_white_share"].as_f64().unwrap() > 0.05,
        "{render}"
    );
    let px = |k: &str| render["colour_pixels"][k].as_u64().unwrap();
    // Clusters are filled by deadline, whatever their readiness outline.
    let fill = |deadline: &str| -> u64 {
        let prefix = format!("组团 Clusters:{deadline}|");
        render["colour_pixels"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .map(|(_, v)| v.as_u64().unwrap())
            .sum()
    };
    assert!(fill("2024-12-31") > 50, "{render}");
    assert!(fill("2025-12-31") > 50, "{render}");
    assert!(px("管网 Pipes:sewage") > 200, "{render}");
    assert!(px("管网 Pipes:storm") > 100, "{render}");
    assert!(px("问题 Problems:STORM_CROSS_CONNECTION") > 5, "{render}");
}

#[test]
fn a_qml_and_an_sld_lie_beside_each_geojson_and_the_styles_folder_matches_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    zdz_ok(&["analyze", "--out", out.to_str().unwrap()]);
    for layer in ["clusters", "problems", "outfalls"] {
        let qml = std::fs::read_to_string(out.join(format!("{layer}.qml"))).unwrap();
        assert!(qml.contains("renderer-v2"), "{layer}");
        assert!(
            std::fs::read_to_string(out.join(format!("{layer}.sld")))
                .unwrap()
                .contains("StyledLayerDescriptor")
        );
    }
    // styles/ holds the generated styles as source files: regenerate and compare.
    let fresh = dir.path().join("styles");
    zdz_ok(&["styles", "--out", fresh.to_str().unwrap()]);
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("styles");
    for f in std::fs::read_dir(&fresh).unwrap() {
        let f = f.unwrap().path();
        let name = f.file_name().unwrap();
        assert_eq!(
            std::fs::read_to_string(committed.join(name)).unwrap_or_default(),
            std::fs::read_to_string(&f).unwrap(),
            "styles/{} differs from the model: run `cargo run -- styles`",
            name.to_string_lossy()
        );
    }
}
