//! Fuzzed parsers, on stable Rust (no nightly here, so no cargo-fuzz): proptest feeds each
//! parser arbitrary inputs and inputs mutated from real ones (bytes flipped, ranges cut,
//! lines repeated, junk inserted, files truncated), a bounded number of cases each. Never a
//! panic; a bad input is an error that names it (the file, or the parameter). Crashes found
//! are kept as the regression tests at the end of this file.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use proptest::prelude::*;

use common::server::Server;
use common::*;

fn cases() -> u32 {
    std::env::var("ZDZ_FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(48)
}

/// One edit of a byte string.
#[derive(Debug, Clone)]
enum Edit {
    Flip(prop::sample::Index, u8),
    Cut(prop::sample::Index, usize),
    Insert(prop::sample::Index, Vec<u8>),
    Repeat(prop::sample::Index, usize),
    Truncate(prop::sample::Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
        (any::<prop::sample::Index>(), 1usize..64).prop_map(|(i, n)| Edit::Cut(i, n)),
        (
            any::<prop::sample::Index>(),
            prop::collection::vec(
                prop_oneof![
                    any::<u8>(),
                    Just(b'"'),
                    Just(b'['),
                    Just(b']'),
                    Just(b'{'),
                    Just(b'}'),
                    Just(b','),
                    Just(b'\n'),
                    Just(b'='),
                    Just(b';'),
                ],
                1..16
            )
        )
            .prop_map(|(i, b)| Edit::Insert(i, b)),
        (any::<prop::sample::Index>(), 1usize..200).prop_map(|(i, n)| Edit::Repeat(i, n)),
        any::<prop::sample::Index>().prop_map(Edit::Truncate),
    ]
}

fn mutate(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for e in edits {
        if b.is_empty() {
            b.push(b'x');
        }
        match e {
            Edit::Flip(i, v) => {
                let at = i.index(b.len());
                b[at] = *v;
            }
            Edit::Cut(i, n) => {
                let at = i.index(b.len());
                let end = (at + n).min(b.len());
                b.drain(at..end);
            }
            Edit::Insert(i, bytes) => {
                let at = i.index(b.len() + 1);
                b.splice(at..at, bytes.iter().copied());
            }
            Edit::Repeat(i, n) => {
                let at = i.index(b.len());
                let end = (at + n).min(b.len());
                let piece = b[at..end].to_vec();
                b.splice(end..end, piece);
            }
            Edit::Truncate(i) => {
                let at = i.index(b.len());
                b.truncate(at);
            }
        }
    }
    b
}

/// An input: a real one mutated, or arbitrary bytes.
fn input(seed: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => prop::collection::vec(edit(), 1..6).prop_map(move |e| mutate(&seed, &e)),
        1 => prop::collection::vec(any::<u8>(), 0..512),
    ]
}

fn repo(p: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// Run `f`; a panic fails the test with the input that caused it.
fn no_panic<T>(what: &str, input: &[u8], f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(_) => panic!(
            "{what} panicked on input ({} bytes): {:?}",
            input.len(),
            String::from_utf8_lossy(&input[..input.len().min(400)])
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn zdz_toml_never_panics_and_errors_name_the_file(bytes in input(std::fs::read(repo("data/zdz.toml")).unwrap())) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zdz.toml");
        std::fs::write(&path, &bytes).unwrap();
        let r = no_panic("zdz.toml", &bytes, || zdz::project::Project::from_file(&path));
        if let Err(e) = r {
            prop_assert!(format!("{e:#}").contains("zdz.toml"), "{e:#}");
        }
    }

    #[test]
    fn swmm_models_never_panic_and_errors_name_the_file(bytes in input(std::fs::read(common::public_data("swmm/Example1.inp")).unwrap()), layer in 0usize..3) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let name = ["conduits", "outfalls", "junctions"][layer];
        let r = no_panic("SWMM", &bytes, || zdz::load::swmm::layer_geojson(&text, "model.inp", name));
        match r {
            Ok(geojson) => prop_assert!(serde_json::from_str::<serde_json::Value>(&geojson).is_ok(), "not GeoJSON: {geojson}"),
            Err(e) => prop_assert!(format!("{e:#}").contains("model.inp"), "{e:#}"),
        }
    }

    #[test]
    fn geojson_and_csv_layers_never_panic_the_loader_and_errors_name_the_file(
        outfalls in input(small_outfalls()),
        inspections in input(std::fs::read(repo("data/inspections.csv")).unwrap()),
        which in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        for f in ["pipes.geojson", "clusters.geojson", "outfalls.geojson", "inspections.csv"] {
            std::fs::copy(repo("data").join(f), dir.path().join(f)).unwrap();
        }
        let (file, bytes) = if which { ("outfalls.geojson", &outfalls) } else { ("inspections.csv", &inspections) };
        std::fs::write(dir.path().join(file), bytes).unwrap();
        let r = no_panic(file, bytes, || zdz::load::load(dir.path().to_str().unwrap()));
        if let Err(e) = r {
            prop_assert!(format!("{e:#}").contains(file), "{file}: {e:#}");
        }
    }

    #[test]
    fn survey_workbooks_never_panic_and_errors_name_the_file(bytes in input(survey_workbook())) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("填报.xlsx");
        std::fs::write(&path, &bytes).unwrap();
        let mut layers = demo_layers().clone();
        let r = no_panic("survey.xlsx", &bytes, || zdz::load::survey::apply(&mut layers, &path));
        if let Err(e) = r {
            prop_assert!(format!("{e:#}").contains("填报.xlsx"), "{e:#}");
        }
        let ledger = dir.path().join("ledger.db");
        let store = zdz::ledger::Ledger::open(ledger.to_str().unwrap()).unwrap();
        let actor = zdz::ledger::users::Actor { name: "测试".into(), role: zdz::ledger::users::Role::City, district: None };
        let r = no_panic("ledger import", &bytes, || zdz::ledger::import::import(store.store(), &path, &actor, "2026-01-01T00:00:00Z"));
        if let Err(e) = r {
            prop_assert!(format!("{e:#}").contains("填报.xlsx"), "{e:#}");
        }
    }
}

/// The demo's outfalls cut to three features: a valid GeoJSON small enough to mutate.
fn small_outfalls() -> Vec<u8> {
    let mut fc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo("data/outfalls.geojson")).unwrap()).unwrap();
    fc["features"].as_array_mut().unwrap().truncate(3);
    serde_json::to_vec_pretty(&fc).unwrap()
}

/// The demo's survey workbook, written once.
fn survey_workbook() -> Vec<u8> {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("out");
            zdz_ok(&["analyze", "--out", out.to_str().unwrap(), "--no-maps"]);
            std::fs::read(out.join("survey.xlsx")).unwrap()
        })
        .clone()
}

fn demo_layers() -> &'static zdz::model::Layers {
    static L: std::sync::OnceLock<zdz::model::Layers> = std::sync::OnceLock::new();
    L.get_or_init(|| {
        zdz::load::load(repo("data").to_str().unwrap())
            .unwrap()
            .layers
    })
}

/// Query strings: arbitrary and mutated ones against a running server. No 5xx; every
/// 4xx the JSON error, naming what was wrong.
#[test]
fn query_strings_never_give_a_server_error_and_every_refusal_is_the_json_error() {
    let server = Server::start(&repo("data"), &[]);
    let seeds = [
        "limit=10&offset=5&bbox=106.4,29.4,106.7,29.7&crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4326&kind=storm",
        "bbox-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4545&bbox=520000,3300000,530000,3310000&diameter_mm=300",
        "deadline=2025&in_corridor=true&readiness=ready",
        "code=OUTFALL_UNMATCHED&cluster_id=CQJK-A",
    ];
    let paths = [
        "/collections/pipes/items",
        "/collections/pipes/items",
        "/api/clusters",
        "/api/outfalls",
    ];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: cases() * 4,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let client = reqwest::blocking::Client::new();
    let strategy =
        (0usize..4).prop_flat_map(move |i| (Just(i), input(seeds[i].as_bytes().to_vec())));
    runner
        .run(&strategy, |(i, bytes)| {
            // Bytes that are not allowed in a URL are sent percent-encoded.
            let q: String = bytes
                .iter()
                .map(|b| match b {
                    b'!'..=b'~' if *b != b'#' => (*b as char).to_string(),
                    _ => format!("%{b:02X}"),
                })
                .collect();
            let url = format!("{}{}?{q}", server.url, paths[i]);
            let r = client.get(&url).send().unwrap();
            let status = r.status().as_u16();
            let ctype = r
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap_or("").to_string())
                .unwrap_or_default();
            let body = r.text().unwrap_or_default();
            prop_assert!(status < 500, "{url}: {status} {body}");
            if status >= 400 {
                prop_assert!(ctype.starts_with("application/json"), "{url}: {ctype}");
                let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                prop_assert!(
                    v["code"].is_string() && v["description"].is_string(),
                    "{body}"
                );
            }
            Ok(())
        })
        .unwrap();
}

// Regression tests for what the fuzzing found.

#[test]
fn an_empty_zdz_toml_is_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zdz.toml");
    std::fs::write(&path, "").unwrap();
    assert!(zdz::project::Project::from_file(&path).is_ok());
}
