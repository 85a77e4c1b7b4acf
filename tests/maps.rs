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

/// A `<text>` of an SVG map: where it is written and what it says.
struct Text {
    x: f64,
    y: f64,
    size: f64,
    anchor: String,
    text: String,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(tag[at..at + tag[at..].find('"')?].to_string())
}

/// The SVG maps of an HTML report: (width, height, texts).
fn maps_of(html: &str) -> Vec<(f64, f64, Vec<Text>)> {
    let mut maps = Vec::new();
    for svg in html.split("<svg ").skip(1) {
        let svg = &svg[..svg.find("</svg>").unwrap()];
        let head = &svg[..svg.find('>').unwrap()];
        let (Some(w), Some(h)) = (attr(head, "width"), attr(head, "height")) else {
            continue;
        };
        let mut texts = Vec::new();
        for t in svg.split("<text").skip(1) {
            let tag = &t[..t.find('>').unwrap()];
            let body = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
            texts.push(Text {
                x: attr(tag, "x").unwrap().parse().unwrap(),
                y: attr(tag, "y").unwrap().parse().unwrap(),
                size: attr(tag, "font-size").unwrap().parse().unwrap(),
                anchor: attr(tag, "text-anchor").unwrap_or_else(|| "start".into()),
                text: body.replace("&amp;", "&").replace("&lt;", "<"),
            });
        }
        maps.push((w.parse().unwrap(), h.parse().unwrap(), texts));
    }
    maps
}

/// A text's box: a Chinese character one em wide, anything else 0.55 em.
fn bounds(t: &Text) -> (f64, f64, f64, f64) {
    let w: f64 = t
        .text
        .chars()
        .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
        .sum::<f64>()
        * t.size;
    let x0 = match t.anchor.as_str() {
        "middle" => t.x - w / 2.0,
        "end" => t.x - w,
        _ => t.x,
    };
    (x0, t.y - 0.85 * t.size, x0 + w, t.y + 0.2 * t.size)
}

fn overlaps(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

#[test]
fn no_map_label_overlaps_another_or_crosses_the_frame_and_dropped_names_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    zdz_ok(&[
        "report",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "html",
        "--cluster",
        "CQJK-A",
        "--cluster",
        "CQJK-B",
        "--cluster",
        "WZJK-A",
    ]);
    let mut checked = 0;
    for file in ["overview.html", "CQJK-A.html", "CQJK-B.html", "WZJK-A.html"] {
        let html = std::fs::read_to_string(out.join(file)).unwrap();
        let maps = maps_of(&html);
        assert!(!maps.is_empty(), "{file} has no map");
        for (w, h, texts) in maps {
            // Charts (plotters) place their own axis text; maps carry a legend or a CRS.
            if !texts.iter().any(|t| t.text.starts_with("坐标系")) {
                continue;
            }
            checked += 1;
            for (i, a) in texts.iter().enumerate() {
                let ba = bounds(a);
                assert!(
                    ba.0 >= 0.0 && ba.1 >= 0.0 && ba.2 <= w && ba.3 <= h,
                    "{file}: {:?} crosses the {w}×{h} frame at {ba:?}",
                    a.text
                );
                for b in &texts[i + 1..] {
                    assert!(
                        !overlaps(ba, bounds(b)),
                        "{file}: {:?} at ({}, {}) overlaps {:?} at ({}, {})",
                        a.text,
                        a.x,
                        a.y,
                        b.text,
                        b.x,
                        b.y
                    );
                }
                let same = texts.iter().filter(|b| b.text == a.text).count();
                assert!(
                    same == 1 || a.text.chars().all(|c| c.is_ascii_digit()),
                    "{file}: {:?} drawn {same} times",
                    a.text
                );
            }
        }
    }
    // The overview, three cluster maps and CQJK-A's trace maps.
    assert!(checked >= 4, "{checked} maps checked");
    // The overview names every cluster on the map, or lists under it those it could not.
    let html = std::fs::read_to_string(out.join("overview.html")).unwrap();
    let (_, _, texts) = maps_of(&html)
        .into_iter()
        .find(|(_, _, t)| t.iter().any(|t| t.text.starts_with("坐标系")))
        .unwrap();
    let clusters: Value = read_json(&common::copy_demo(dir.path()).join("clusters.geojson"));
    for c in clusters["features"].as_array().unwrap() {
        let name = c["properties"]["组团名称"].as_str().unwrap();
        let on_map = texts.iter().any(|t| t.text == name);
        let listed = html.contains("图中未标注") && html.contains(name);
        assert!(
            on_map || listed,
            "{name} neither on the overview nor listed under it"
        );
    }
}
