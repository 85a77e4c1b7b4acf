//! Hand-built fixture workspaces: features authored in metres (EPSG:4545, near 108.2°E
//! 29.8°N) and written through GDAL to a GeoPackage in any CRS.

#![allow(dead_code)]

pub mod browser;
pub mod bureau_fixture;
pub mod fixture;
pub mod pages;
pub mod pg;
pub mod readiness_fixture;
pub mod server;

use std::path::{Path, PathBuf};

use gdal::DriverManager;
use gdal::vector::{
    Feature, FieldValue, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType, ToGdal,
};
use geo::{Geometry, LineString, Point, Polygon};

/// Origin of the fixtures in EPSG:4545 (CGCS2000 / 3° GK CM 108°E).
pub const X0: f64 = 520_000.0;
pub const Y0: f64 = 3_300_000.0;

pub fn pt(x: f64, y: f64) -> Geometry {
    Geometry::Point(Point::new(X0 + x, Y0 + y))
}

pub fn line(coords: &[(f64, f64)]) -> Geometry {
    Geometry::LineString(LineString::from(
        coords
            .iter()
            .map(|(x, y)| (X0 + x, Y0 + y))
            .collect::<Vec<_>>(),
    ))
}

pub fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Geometry {
    poly(&[(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
}

pub fn poly(coords: &[(f64, f64)]) -> Geometry {
    let Geometry::LineString(ring) = line(coords) else {
        unreachable!()
    };
    Geometry::Polygon(Polygon::new(ring, vec![]))
}

/// One layer: name, field names, and features as (values, geometry).
pub struct Layer {
    pub name: String,
    pub fields: Vec<String>,
    pub features: Vec<(Vec<String>, Option<Geometry>)>,
}

impl Layer {
    pub fn new(name: &str, fields: &[&str]) -> Self {
        Layer {
            name: name.into(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
            features: Vec::new(),
        }
    }

    pub fn add(&mut self, values: &[&str], geom: Geometry) -> &mut Self {
        self.features
            .push((values.iter().map(|v| v.to_string()).collect(), Some(geom)));
        self
    }
}

/// Write layers to `<dir>/<file>` (GeoPackage) with geometries transformed to `epsg`.
pub fn write_gpkg(dir: &Path, file: &str, epsg: u32, layers: &[Layer]) -> PathBuf {
    write_with(dir, file, "GPKG", epsg, layers, None)
}

/// Write one layer as a Shapefile `<dir>/<file>` the way Chinese data usually arrives: a
/// GBK .dbf (Chinese field names fit 10 bytes only in GBK) and no .cpg.
pub fn write_gbk_shapefile(dir: &Path, file: &str, epsg: u32, layer: &Layer) -> PathBuf {
    let path = write_with(
        dir,
        file,
        "ESRI Shapefile",
        epsg,
        std::slice::from_ref(layer),
        Some("CP936"),
    );
    std::fs::remove_file(path.with_extension("cpg")).unwrap();
    path
}

/// Write one layer as a UTF-8 Shapefile with its .cpg: Chinese field names of four
/// characters (12 bytes) are cut to dBASE's 10 bytes.
pub fn write_utf8_shapefile(dir: &Path, file: &str, epsg: u32, layer: &Layer) -> PathBuf {
    write_with(
        dir,
        file,
        "ESRI Shapefile",
        epsg,
        std::slice::from_ref(layer),
        Some("UTF-8"),
    )
}

/// Points as CSV with lon/lat columns named `lon_col`/`lat_col` (WGS84).
pub fn write_csv(dir: &Path, file: &str, layer: &Layer, lon_col: &str, lat_col: &str) -> PathBuf {
    let ct = zdz::crs::transform(&zdz::crs::epsg(4545), &zdz::crs::wgs84()).unwrap();
    let mut text = format!("{},{lon_col},{lat_col}\n", layer.fields.join(","));
    for (values, geom) in &layer.features {
        let mut g = geom.clone().unwrap();
        zdz::crs::reproject(&mut g, &ct).unwrap();
        let Geometry::Point(p) = g else {
            panic!("CSV holds points")
        };
        text += &format!("{},{:.9},{:.9}\n", values.join(","), p.x(), p.y());
    }
    let path = dir.join(file);
    std::fs::write(&path, text).unwrap();
    path
}

fn write_with(
    dir: &Path,
    file: &str,
    driver: &str,
    epsg: u32,
    layers: &[Layer],
    encoding: Option<&str>,
) -> PathBuf {
    let path = dir.join(file);
    let driver = DriverManager::get_driver_by_name(driver).unwrap();
    let mut ds = driver.create_vector_only(&path).unwrap();
    let from = zdz::crs::epsg(4545);
    let to = zdz::crs::epsg(epsg);
    let ct = zdz::crs::transform(&from, &to).unwrap();
    let encoding = encoding.map(|e| format!("ENCODING={e}"));
    let options: Vec<&str> = encoding.iter().map(String::as_str).collect();
    for l in layers {
        let layer = ds
            .create_layer(LayerOptions {
                name: &l.name,
                srs: Some(&to),
                ty: OGRwkbGeometryType::wkbUnknown,
                options: Some(&options),
            })
            .unwrap();
        let defs: Vec<(&str, u32)> = l
            .fields
            .iter()
            .map(|f| (f.as_str(), OGRFieldType::OFTString))
            .collect();
        layer.create_defn_fields(&defs).unwrap();
        for (values, geom) in &l.features {
            let mut f = Feature::new(layer.defn()).unwrap();
            if let Some(g) = geom {
                let mut g = g.clone();
                zdz::crs::reproject(&mut g, &ct).unwrap();
                f.set_geometry(g.to_gdal().unwrap()).unwrap();
            }
            for (i, v) in values.iter().enumerate() {
                if !v.is_empty() {
                    f.set_field(i, &FieldValue::StringValue(v.clone())).unwrap();
                }
            }
            f.create(&layer).unwrap();
        }
    }
    ds.flush_cache().unwrap();
    path
}

/// The codes found on one feature, sorted.
pub fn codes(analysis: &zdz::analysis::Analysis, layer: &str, id: &str) -> Vec<&'static str> {
    let mut c: Vec<_> = analysis
        .problems
        .iter()
        .filter(|p| p.layer.name() == layer && p.feature_id == id)
        .map(|p| p.code.as_str())
        .collect();
    c.sort();
    c
}

/// A JSON file zdz wrote (summary.json, a GeoJSON layer), parsed.
pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A copy of the demo workspace in `data/` as `ws`, to change before a run.
pub fn copy_demo(ws: &Path) -> PathBuf {
    std::fs::create_dir_all(ws).unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for e in std::fs::read_dir(&data).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, ws.join(p.file_name().unwrap())).unwrap();
    }
    ws.to_path_buf()
}

/// `zdz demo --scale copies` into `dir/ws`, analysed into `dir/out` without maps: the
/// output folder and its summary.json.
pub fn analyze_scaled_demo(dir: &Path, copies: usize) -> (PathBuf, serde_json::Value) {
    let ws = dir.join("ws");
    let out = dir.join("out");
    let copies = copies.to_string();
    zdz_ok(&["demo", "--out", ws.to_str().unwrap(), "--scale", &copies]);
    zdz_ok(&[
        "analyze",
        ws.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-maps",
    ]);
    let summary = read_json(&out.join("summary.json"));
    (out, summary)
}

/// How many features of `layer` a run used, from its summary.json.
pub fn features_used(summary: &serde_json::Value, layer: &str) -> u64 {
    summary["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["layer"] == layer)
        .unwrap()["features_used"]
        .as_u64()
        .unwrap()
}

pub fn zdz_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_zdz"))
}

/// Run the binary from the project folder, assert it succeeds, and return its stdout.
pub fn zdz_ok(args: &[&str]) -> String {
    let out = std::process::Command::new(zdz_bin())
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "zdz {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Run one of `tests/qgis/*.py` under Debian's PyQGIS (offscreen) and parse the JSON it
/// prints. PyQGIS can crash at exit, so the exit code is checked, not only the output.
pub fn pyqgis(script: &str, args: &[&std::ffi::OsStr], runtime_dir: &Path) -> serde_json::Value {
    let run = std::process::Command::new("/usr/bin/python3")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/qgis")
                .join(script),
        )
        .args(args)
        .env("QT_QPA_PLATFORM", "offscreen")
        .env("XDG_RUNTIME_DIR", runtime_dir)
        .output()
        .expect("Debian's python3-qgis (./dev test installs it)");
    assert!(
        run.status.success(),
        "{script}: {:?}: {}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice(&run.stdout).unwrap()
}

/// A file of the real public data copied into the repository (`tests/data/README.md` says
/// what each is and where it comes from).
pub fn public_data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
}

/// Start `zdz args…` paused at fault point `point` for `ms` milliseconds, and return it
/// once it says so (its stderr drained from then on).
pub fn paused_at(point: &str, ms: u64, args: &[&str]) -> std::process::Child {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(zdz_bin())
        .args(args)
        .env("ZDZ_FAULT_PAUSE", point)
        .env("ZDZ_FAULT_PAUSE_MS", ms.to_string())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    loop {
        let line = lines
            .next()
            .expect("zdz exited before the fault point")
            .unwrap();
        if line.contains(&format!("fault point {point}")) {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    child
}
