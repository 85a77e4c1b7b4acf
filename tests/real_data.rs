//! Real public data from tests/data: Chongqing's district boundaries as bureaus hand
//! them over (GBK .dbf without .cpg, Chinese field names, a .prj that claims WGS84 for
//! GCJ-02 coordinates), used to check that the synthetic demo clusters sit in the real
//! districts their parks are named for.

mod common;

use std::path::Path;

use common::public_data;
use zdz::analysis::context::Context;
use zdz::demo::plan;
use zdz::load::load;

#[test]
fn every_demo_cluster_lies_in_its_parks_real_district_read_from_gbk_gcj02_shapefile() {
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for layer in ["clusters", "pipes", "outfalls"] {
        let file = format!("{layer}.geojson");
        std::fs::copy(data.join(&file), dir.path().join(&file)).unwrap();
    }
    let districts = public_data("encodings/chongqing_districts_gbk/cq_districts_gbk.shp");
    std::fs::write(
        dir.path().join("zdz.toml"),
        format!(
            r#"
# Districts stand in for parks: the test asks which district holds each cluster.
[layers.parks]
source = "{}"
fields = {{ park_id = "区划代码" }}
set = {{ level = "provincial" }}
coords = "gcj02"   # the .prj says WGS84; the coordinates are Amap's GCJ-02
"#,
            districts.display()
        ),
    )
    .unwrap();

    let loaded = load(dir.path().to_str().unwrap()).unwrap();
    let parks = &loaded.layers.parks;
    assert_eq!(parks.len(), 38, "38 districts and counties");
    let report = loaded
        .reports
        .iter()
        .find(|r| r.layer.name() == "parks")
        .unwrap();
    assert_eq!(report.encoding.as_deref(), Some("GB18030"));
    assert!(
        parks.iter().any(|p| p.name.as_deref() == Some("渝中区")),
        "GBK names decoded"
    );

    let ctx = Context::build(&loaded.layers, &loaded.project);
    let mut wrong = Vec::new();
    for park in plan::chongqing() {
        for c in &park.clusters {
            let id = format!("{}-{}", park.id, c.suffix);
            let cluster = loaded.layers.clusters.iter().find(|k| k.id == id).unwrap();
            let district = ctx.park_at(cluster.rep).and_then(|i| parks[i].name.clone());
            if district.as_deref() != Some(park.district) {
                wrong.push(format!(
                    "{id}: in {district:?}, planned in {}",
                    park.district
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn no_two_demo_clusters_overlap() {
    use geo::Intersects;
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let loaded = load(data.to_str().unwrap()).unwrap();
    let clusters = &loaded.layers.clusters;
    for (i, a) in clusters.iter().enumerate() {
        for b in &clusters[i + 1..] {
            assert!(!a.geom.intersects(&b.geom), "{} overlaps {}", a.id, b.id);
        }
    }
}
