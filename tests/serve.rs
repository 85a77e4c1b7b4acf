//! `zdz serve` end to end: the binary on an ephemeral loopback port, read by a plain HTTP
//! client and by GDAL's OAPIF driver, and compared with what `zdz analyze` writes.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::server::Server;
use common::*;
use serde_json::Value;

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn analyzed_demo(dir: &Path) -> PathBuf {
    let out = dir.join("out");
    zdz_ok(&["analyze", "--out", out.to_str().unwrap()]);
    out
}

fn ids(fc: &Value) -> Vec<String> {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn landing_page_conformance_and_openapi_give_what_qgis_needs() {
    let server = Server::start(&demo(), &[]);
    let landing = server.json("/");
    let rels: Vec<&str> = landing["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    for rel in ["self", "service-desc", "service-doc", "conformance", "data"] {
        assert!(rels.contains(&rel), "landing lacks {rel}");
    }
    let conf = server.json("/conformance");
    assert!(conf["conformsTo"].as_array().unwrap().iter().any(|c| {
        c.as_str()
            .unwrap()
            .ends_with("ogcapi-features-2/1.0/conf/crs")
    }));
    let r = server.get("/openapi");
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.oai.openapi+json;version=3.0"
    );
    let doc: Value = r.json().unwrap();
    // The page size QGIS starts from; a larger limit is answered with 10,000 features
    // (OGC API – Features, /req/core/fc-limit-response-1), so the schema sets no maximum.
    let limit = &doc["components"]["parameters"]["limit"]["schema"];
    assert_eq!(
        (limit["default"].as_u64(), limit["minimum"].as_u64()),
        (Some(100), Some(1))
    );
    assert!(limit["maximum"].is_null());
    let page: Value = server.json("/collections/pipes/items?limit=50000");
    assert_eq!(
        page["numberReturned"], 1459,
        "a limit past 10,000 is answered, not refused"
    );
    let params = doc["paths"]["/collections/clusters/items"]["get"]["parameters"]
        .as_array()
        .unwrap();
    assert!(
        params
            .iter()
            .any(|p| p["name"] == "deadline" && p["style"] == "form" && p["explode"] == false)
    );
    let collections = server.json("/collections");
    for c in collections["collections"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        assert!(
            id.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-'),
            "{id}"
        );
        assert!(
            c["crs"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x.as_str().unwrap().ends_with("/4545"))
        );
    }
}

#[test]
fn paging_walks_every_pipe_once_with_no_gap_or_duplicate() {
    let server = Server::start(&demo(), &[]);
    let mut seen = Vec::new();
    let mut next = Some(format!("{}/collections/pipes/items?limit=97", server.url));
    let mut pages = 0;
    while let Some(url) = next {
        let page: Value = reqwest::blocking::get(&url).unwrap().json().unwrap();
        assert_eq!(page["numberMatched"], 1459);
        assert_eq!(
            page["numberReturned"].as_u64().unwrap() as usize,
            page["features"].as_array().unwrap().len()
        );
        seen.extend(ids(&page));
        next = page["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next")
            .map(|l| {
                assert_eq!(l["type"], "application/geo+json");
                l["href"].as_str().unwrap().to_string()
            });
        pages += 1;
    }
    assert_eq!(pages, 16);
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (1459, 1459));
}

#[test]
fn bbox_and_crs_give_the_features_a_computation_in_the_test_gives() {
    let dir = tempfile::tempdir().unwrap();
    let out = analyzed_demo(dir.path());
    let server = Server::start(&demo(), &[]);
    // Outfalls in a box around the 重庆经开区 clusters, computed from outfalls.geojson.
    let (w, s, e, n) = (106.65, 29.50, 106.80, 29.62);
    let file = read_json(&out.join("outfalls.geojson"));
    let mut expected: Vec<String> = file["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let c = &f["geometry"]["coordinates"];
            let (x, y) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            (w..=e).contains(&x) && (s..=n).contains(&y)
        })
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    expected.sort();
    assert!(expected.len() >= 5, "{expected:?}");
    let got = |q: &str| {
        let mut v = ids(&server.json(&format!("/collections/outfalls/items?limit=1000&{q}")));
        v.sort();
        v
    };
    assert_eq!(got(&format!("bbox={w},{s},{e},{n}")), expected);
    // The same box as lat/lon in EPSG:4326.
    assert_eq!(
        got(&format!(
            "bbox={s},{w},{n},{e}&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326"
        )),
        expected
    );

    // crs: lat/lon for EPSG:4326, metres for the working zone; Content-Crs says which.
    let one = "/collections/outfalls/items/CQJK-A-YS2";
    let lonlat = server.json(one)["geometry"]["coordinates"].clone();
    let r = server.get(&format!(
        "{one}?crs=http://www.opengis.net/def/crs/EPSG/0/4326"
    ));
    assert_eq!(
        r.headers()["content-crs"],
        "<http://www.opengis.net/def/crs/EPSG/0/4326>"
    );
    let latlon: Value = r.json().unwrap();
    assert_eq!(latlon["geometry"]["coordinates"][0], lonlat[1]);
    let metric = server.json(&format!(
        "{one}?crs=http://www.opengis.net/def/crs/EPSG/0/4545"
    ));
    let x = metric["geometry"]["coordinates"][0].as_f64().unwrap();
    assert!((200_000.0..800_000.0).contains(&x), "easting {x}");
}

#[test]
fn every_bad_request_is_a_4xx_with_a_json_message() {
    let server = Server::start(&demo(), &[]);
    for (path, status, words) in [
        ("/collections/nope/items", 404, "no collection `nope`"),
        ("/collections/pipes/items?limit=0", 400, "limit"),
        ("/collections/pipes/items?limit=abc", 400, "limit"),
        ("/collections/pipes/items?bbox=1,2,3", 400, "4 numbers"),
        (
            "/collections/pipes/items?bbox=1,5,3,north",
            400,
            "decimal numbers",
        ),
        (
            "/api/clusters?deadline=2031",
            400,
            "not a deadline of the schedule",
        ),
        (
            "/collections/pipes/items?diameter_mm=wide",
            400,
            "not a number",
        ),
        (
            "/collections/pipes/items?crs=EPSG:3857",
            400,
            "unsupported crs",
        ),
        (
            "/collections/pipes/items?colour=red",
            400,
            "unknown parameter `colour`",
        ),
        ("/collections/pipes/items/NOPE", 404, "no feature"),
        (
            "/api/clusters?deadline=2025&in_corridor=maybe",
            400,
            "in_corridor",
        ),
        (
            "/api/outfalls?code=LEAK",
            400,
            "code: unknown variant `LEAK`",
        ),
        ("/api/outfalls/NOPE/trace", 404, "no outfall"),
        ("/nowhere", 404, "no such endpoint"),
    ] {
        let r = server.get(path);
        assert_eq!(r.status().as_u16(), status, "{path}");
        let body: Value = r.json().unwrap();
        assert!(
            body["description"].as_str().unwrap().contains(words),
            "{path}: {body}"
        );
    }
    // What axum itself refuses is the same JSON error: a method a path does not take.
    let r = reqwest::blocking::Client::new()
        .delete(format!("{}/collections", server.url))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert!(r.headers().contains_key("allow"));
    let body: Value = r.json().unwrap();
    assert_eq!(body["code"], "MethodNotAllowed");
    // Corners given the other way round are the same box.
    let a = server.json("/collections/pipes/items?bbox=106.4,29.4,106.8,29.8&limit=1");
    let b = server.json("/collections/pipes/items?bbox=106.8,29.8,106.4,29.4&limit=1");
    assert_eq!(a["numberMatched"], b["numberMatched"]);
}

#[test]
fn domain_endpoints_answer_the_questions_users_ask() {
    let dir = tempfile::tempdir().unwrap();
    let out = analyzed_demo(dir.path());
    let server = Server::start(&demo(), &[]);
    let clusters = read_json(&out.join("clusters.geojson"));
    let due_2025 = clusters["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["deadline"] == "2025-12-31")
        .count();
    let api = server.json("/api/clusters?deadline=2025");
    assert_eq!(api["numberMatched"].as_u64().unwrap() as usize, due_2025);
    assert_eq!(
        server.json("/api/clusters?deadline=out_of_scope")["numberMatched"],
        2
    );
    // Paged as OGC items are: the next link gives the rest, with the same filter.
    let first = server.json("/api/clusters?deadline=2025&limit=3");
    assert_eq!(first["numberReturned"], 3);
    assert_eq!(first["numberMatched"].as_u64().unwrap() as usize, due_2025);
    let mut paged = ids(&first);
    let mut page = first;
    while let Some(next) = page["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "next")
    {
        let href = next["href"].as_str().unwrap();
        assert!(
            href.contains("deadline=2025") && href.contains("limit=3"),
            "{href}"
        );
        let path = &href[href.find("/api/").unwrap()..];
        let next_page = server.json(path);
        paged.extend(ids(&next_page));
        page = next_page;
    }
    let mut all = ids(&api);
    all.sort();
    paged.sort();
    assert_eq!(paged, all);
    assert_eq!(all.len(), due_2025);
    let national_corridor = server.json("/api/clusters?in_corridor=true&park_level=national");
    assert!(
        national_corridor["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["deadline"] != "2027-12-31")
    );

    let cross = server.json("/api/outfalls?code=STORM_CROSS_CONNECTION");
    let mut cross_ids = ids(&cross);
    cross_ids.sort();
    assert_eq!(cross_ids, ["CQJK-A-YS2", "HCGY-A-YS2"]);
    let problem_outfalls = server.json("/api/outfalls");
    let in_file = read_json(&out.join("outfalls.geojson"))["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            !f["properties"]["problem_codes"]
                .as_array()
                .unwrap()
                .is_empty()
        })
        .count();
    assert_eq!(
        problem_outfalls["numberMatched"].as_u64().unwrap() as usize,
        in_file
    );

    let trace = server.json("/api/outfalls/CQJK-A-YS2/trace");
    let roles: Vec<(&str, &str)> = trace["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["properties"]["role"].as_str().unwrap(),
                f["id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(roles[0], ("outfall", "CQJK-A-YS2"));
    assert!(roles.contains(&("pipe", "CQJK-A-WS-X1")));
    assert!(roles.contains(&("enterprise", "CQJK-A-E16")));
    assert_eq!(
        trace["upstream_pipe_count"].as_u64().unwrap() as usize,
        roles.iter().filter(|r| r.0 == "pipe").count()
    );

    let summary = server.json("/api/summary");
    assert_eq!(
        summary["counts"]["by_code"],
        read_json(&out.join("summary.json"))["counts"]["by_code"]
    );
}

fn ogr2ogr_collection(url: &str, collection: &str, to: &Path) -> Value {
    let out = Command::new("ogr2ogr")
        .args([
            "-f",
            "GeoJSON",
            to.to_str().unwrap(),
            &format!("OAPIF:{url}"),
            collection,
            "-oo",
            "PAGE_SIZE=1000",
        ])
        .output()
        .expect("ogr2ogr (gdal-bin)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    read_json(to)
}

#[test]
fn gdal_oapif_lists_every_collection_and_copies_the_same_features_zdz_analyze_writes() {
    let dir = tempfile::tempdir().unwrap();
    let out = analyzed_demo(dir.path());
    let server = Server::start(&demo(), &[]);
    let info = Command::new("ogrinfo")
        .args(["-ro", "-q", &format!("OAPIF:{}", server.url)])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&info.stdout);
    for c in [
        "clusters",
        "problems",
        "outfalls",
        "enterprises",
        "pipes",
        "plants",
        "parks",
        "rivers",
    ] {
        assert!(
            listing.contains(&format!(": {c} ")),
            "{c} missing from:\n{listing}"
        );
    }
    for (collection, key, props) in [
        (
            "problems",
            "problem_id",
            vec!["code", "feature_id", "cluster_id", "deadline", "severity"],
        ),
        (
            "clusters",
            "cluster_id",
            vec![
                "deadline",
                "deadline_reason",
                "in_corridor",
                "problem_count",
            ],
        ),
        (
            "outfalls",
            "outfall_id",
            vec!["matched", "status", "upstream_pipe_count"],
        ),
    ] {
        let copied = ogr2ogr_collection(
            &server.url,
            collection,
            &dir.path().join(format!("{collection}.geojson")),
        );
        let file = read_json(&out.join(format!("{collection}.geojson")));
        let index = |fc: &Value| -> std::collections::BTreeMap<String, Vec<String>> {
            fc["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    let p = &f["properties"];
                    (
                        p[key].as_str().unwrap().to_string(),
                        props.iter().map(|k| p[*k].to_string()).collect(),
                    )
                })
                .collect()
        };
        assert_eq!(index(&copied), index(&file), "{collection}");
    }
}

#[test]
fn sigterm_stops_the_service_cleanly() {
    let server = Server::start(&demo(), &[]);
    assert_eq!(server.json("/healthz")["status"], "ok");
    assert!(server.stop().success());
}

/// Copy the demo so a test may change it.
fn demo_copy(dir: &Path) -> PathBuf {
    let ws = dir.join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    for f in std::fs::read_dir(demo()).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, ws.join(f.file_name().unwrap())).unwrap();
    }
    ws
}

/// Poll /healthz until no reload runs and `done` holds.
fn wait_for(server: &Server, done: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let h = server.json("/healthz");
        if h["reloading"] == false && done(&h) {
            return h;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "no reload: {h}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn wait_for_version(server: &Server, version: u64) -> Value {
    wait_for(server, |h| h["version"].as_u64().unwrap() >= version)
}

#[test]
fn requests_during_a_reload_all_succeed_and_see_the_old_or_the_new_result() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy(dir.path());
    let server = Server::start(&ws, &[]);
    let before = server.json("/collections/problems/items?code=PLANT_OVERLOADED")["numberMatched"]
        .as_u64()
        .unwrap();
    assert_eq!(before, 2);

    // Overload every plant: the new result has 11 PLANT_OVERLOADED.
    let plants = std::fs::read_to_string(ws.join("plants.geojson")).unwrap();
    let overloaded = plants.replace("\"实际处理量\":", "\"实际处理量\":9999999,\"was\":");
    std::fs::write(ws.join("plants.geojson"), overloaded).unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let url = server.url.clone();
    let load: Vec<_> = (0..4)
        .map(|_| {
            let (stop, url) = (Arc::clone(&stop), url.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                let mut seen = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let r = client
                        .get(format!(
                            "{url}/collections/problems/items?code=PLANT_OVERLOADED"
                        ))
                        .send()
                        .unwrap();
                    assert!(r.status().is_success());
                    let v: Value = r.json().unwrap();
                    seen.push(v["numberMatched"].as_u64().unwrap());
                }
                seen
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let r = reqwest::blocking::Client::new()
        .post(format!("{}/api/reload", server.url))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    wait_for_version(&server, 2);
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    let seen: Vec<u64> = load.into_iter().flat_map(|t| t.join().unwrap()).collect();
    assert!(seen.len() > 20, "only {} requests", seen.len());
    assert!(seen.iter().all(|n| *n == 2 || *n == 11), "{seen:?}");
    assert_eq!(*seen.last().unwrap(), 11);
    assert_eq!(server.json("/healthz")["last_reload_error"], Value::Null);
}

#[test]
fn a_failed_reload_keeps_serving_the_last_good_result_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy(dir.path());
    let server = Server::start(&ws, &[]);
    std::fs::write(ws.join("pipes.geojson"), "{ not json").unwrap();
    let r = reqwest::blocking::Client::new()
        .post(format!("{}/api/reload", server.url))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let h = wait_for(&server, |h| !h["last_reload_error"].is_null());
    assert!(
        h["last_reload_error"]
            .as_str()
            .unwrap()
            .contains("pipes.geojson"),
        "{h}"
    );
    assert_eq!(h["version"], 1, "the failed snapshot is not served");
    assert_eq!(
        server.json("/collections/pipes/items?limit=1")["numberMatched"],
        1459
    );
}

#[test]
fn with_watch_a_changed_file_is_reanalysed_without_asking() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy(dir.path());
    let server = Server::start(&ws, &["--watch"]);
    let plants = std::fs::read_to_string(ws.join("plants.geojson")).unwrap();
    std::fs::write(
        ws.join("plants.geojson"),
        plants.replace("\"实际处理量\":", "\"实际处理量\":9999999,\"was\":"),
    )
    .unwrap();
    wait_for_version(&server, 2);
    assert_eq!(
        server.json("/collections/problems/items?code=PLANT_OVERLOADED")["numberMatched"],
        11
    );
}

#[test]
fn qgis_adds_the_clusters_and_problems_collections_as_valid_layers_with_every_feature() {
    let dir = tempfile::tempdir().unwrap();
    let out = analyzed_demo(dir.path());
    let server = Server::start(&demo(), &[]);
    let args = [server.url.as_str(), "clusters", "problems"].map(std::ffi::OsStr::new);
    let report = pyqgis("oapif_layers.py", &args, dir.path());
    for (collection, file) in [
        ("clusters", "clusters.geojson"),
        ("problems", "problems.geojson"),
    ] {
        let expected = read_json(&out.join(file))["features"]
            .as_array()
            .unwrap()
            .len();
        let layer = &report[collection];
        assert_eq!(layer["valid"], true, "{collection}: {layer}");
        assert_eq!(
            layer["count"].as_u64().unwrap() as usize,
            expected,
            "{collection}"
        );
        assert_eq!(
            layer["iterated"].as_u64().unwrap() as usize,
            expected,
            "{collection}"
        );
        assert!(
            layer["fields"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f == "deadline")
        );
    }
}

#[test]
fn cors_is_off_by_default_and_on_for_the_origins_given() {
    let origin = "http://qgis.example";
    let ask = |server: &Server| {
        reqwest::blocking::Client::new()
            .get(format!("{}/collections", server.url))
            .header("Origin", origin)
            .send()
            .unwrap()
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap().to_string())
    };
    assert_eq!(ask(&Server::start(&demo(), &[])), None);
    assert_eq!(
        ask(&Server::start(&demo(), &["--cors", origin])).as_deref(),
        Some(origin)
    );
    assert_eq!(
        ask(&Server::start(&demo(), &["--cors", "*"])).as_deref(),
        Some("*")
    );
}

#[test]
fn a_request_body_over_64_kib_is_refused() {
    let server = Server::start(&demo(), &[]);
    let r = reqwest::blocking::Client::new()
        .post(format!("{}/api/reload", server.url))
        .body(vec![b'x'; 100 * 1024])
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 413);
    assert_eq!(server.json("/healthz")["version"], 1, "no reload started");
}

#[test]
fn the_services_qlr_gives_qgis_every_collection_live_and_styled() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&demo(), &[]);
    let qlr = dir.path().join("zdz.qlr");
    let r = server.get("/zdz.qlr");
    assert!(r.status().is_success());
    std::fs::write(&qlr, r.text().unwrap()).unwrap();
    let report = pyqgis("qlr_check.py", &[qlr.as_os_str()], dir.path());
    assert_eq!(report["loaded"], true, "{report}");
    let layers = report["layers"].as_object().unwrap();
    let (tiles, features): (Vec<_>, Vec<_>) = layers
        .iter()
        .partition(|(name, _)| name.ends_with("(tiles)"));
    assert_eq!(features.len(), 9, "{report}");
    for (name, l) in features {
        assert_eq!(l["valid"], true, "{name}: {l}");
        assert_eq!(l["provider"], "OAPIF", "{name}");
        // The district boundaries are one grey line; every other layer is by class.
        let renderer = if name.contains("Districts") {
            "singleSymbol"
        } else {
            "categorizedSymbol"
        };
        assert_eq!(l["renderer"], renderer, "{name}");
    }
    // The same collections as vector tiles, with QGIS's own tile renderer.
    assert_eq!(tiles.len(), 9, "{report}");
    for (name, l) in tiles {
        assert_eq!(l["valid"], true, "{name}: {l}");
        assert_eq!(l["renderer"], "basic", "{name}");
        assert_eq!(l["group"], "矢量瓦片 Vector tiles", "{name}");
    }
    assert_eq!(layers["问题 Problems"]["features"], 69);
    assert_eq!(layers["问题 Problems"]["group"], "问题 Problems");
}

/// A client that goes away in the middle of a large answer (a browser closed, a phone out
/// of signal) must not take the service with it: the write fails with EPIPE, and SIGPIPE,
/// which the command line lets end `zdz … | head`, is ignored while serving.
#[test]
fn clients_that_hang_up_mid_answer_leave_the_service_running() {
    use std::io::{Read, Write};
    let server = Server::start(&demo(), &[]);
    let addr = server.url.trim_start_matches("http://").to_string();
    let addr: std::net::SocketAddrV4 = addr.parse().unwrap();
    for _ in 0..30 {
        let mut s = small_window_connection(addr);
        s.write_all(b"GET /collections/pipes/items?limit=10000 HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut first = [0u8; 64];
        let _ = s.read(&mut first);
        // Unread data on close sends a reset: the server's next write fails.
        drop(s);
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    // A service that ended refuses the connection here.
    assert_eq!(server.json("/healthz")["version"], 1);
    // Whether a write lands after the reset depends on the socket buffers (at national
    // scale an answer of 1.4 MB did, and the service ended): the service must ignore
    // SIGPIPE (signal 13, bit 12 of SigIgn).
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    let ignored = status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .map(|m| u64::from_str_radix(m.trim(), 16).unwrap())
        .unwrap();
    assert_ne!(ignored & (1 << 12), 0, "SIGPIPE not ignored: {ignored:x}");
}

/// A connection whose receive buffer is a few KiB, so a large answer is still being written
/// when the client goes.
fn small_window_connection(addr: std::net::SocketAddrV4) -> std::net::TcpStream {
    use std::os::fd::FromRawFd;
    // SAFETY: a socket made, sized and connected with libc, then owned by the TcpStream.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
        assert!(fd >= 0);
        let size: libc::c_int = 4096;
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            &size as *const _ as *const libc::c_void,
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
        let sa = libc::sockaddr_in {
            sin_family: libc::AF_INET as libc::sa_family_t,
            sin_port: addr.port().to_be(),
            sin_addr: libc::in_addr {
                s_addr: u32::from(*addr.ip()).to_be(),
            },
            sin_zero: [0; 8],
        };
        let r = libc::connect(
            fd,
            &sa as *const _ as *const libc::sockaddr,
            std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        );
        assert_eq!(r, 0, "connect");
        std::net::TcpStream::from_raw_fd(fd)
    }
}
