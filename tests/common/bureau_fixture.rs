//! A district bureau's folder as it arrives: GBK Shapefiles named in Chinese, fields in
//! pinyin initials (GXBH, GXLX, PKBH, PKLX, NGZT …) with Chinese values (污水管 / 雨水管,
//! 雨水排口 / 污水厂排口, 已纳管 / 未纳管), the outfalls collected with a phone map app in
//! GCJ-02 (about 500 m off the network here), and a rivers layer naming its rivers in `MC`.
//! Authored in metres (EPSG:4545); `HAND_WRITTEN` is the zdz.toml a person would write.
//!
//! What it holds: one park and one cluster; a sewer chain to a plant; a storm line to a
//! storm outfall with a sewage pipe joining it (a cross-connection); a grade-4 defect; one
//! enterprise not connected; the Yangtze 600 m from the cluster (so the cluster is along
//! the Yangtze); and a manhole layer and a water-main layer that are none of the contract's.

use std::path::Path;

use geo::Geometry;

use super::*;

/// A point authored in metres, moved as a GCJ-02 phone app would record it.
fn gcj(x: f64, y: f64) -> Geometry {
    let to = zdz::crs::transform(&zdz::crs::epsg(4545), &zdz::crs::wgs84()).unwrap();
    let back = zdz::crs::transform(&zdz::crs::wgs84(), &zdz::crs::epsg(4545)).unwrap();
    let mut g = pt(x, y);
    zdz::crs::reproject(&mut g, &to).unwrap();
    zdz::crs::from_wgs84_to_tag(&mut g, zdz::project::CoordTag::Gcj02);
    zdz::crs::reproject(&mut g, &back).unwrap();
    g
}

/// Write the folder; `offset` false writes the outfalls where they are (no GCJ-02).
pub fn write(dir: &Path, offset: bool) {
    let mut parks = Layer::new("yq", &["YQBH", "YQMC", "JB", "SSQX"]);
    parks.add(
        &["YQ01", "界石工业园区", "省级", "巴南区"],
        rect(-1000., -1000., 5000., 3000.),
    );
    write_gbk_shapefile(dir, "工业园区.shp", 4545, &parks);

    let mut clusters = Layer::new("zt", &["ZTBH", "ZTMC", "SSYQ"]);
    clusters.add(&["ZT01", "界石组团", "YQ01"], rect(0., 0., 4000., 2000.));
    write_gbk_shapefile(dir, "组团范围.shp", 4545, &clusters);

    let mut pipes = Layer::new("gx", &["GXBH", "GXLX", "GJ", "QXDJ", "QDJH", "ZDJH"]);
    // Sewer chain west → east to the plant at (4200, 1000).
    pipes.add(
        &["WS001", "污水管", "400", "", "J1", "J2"],
        line(&[(100., 1000.), (1000., 1000.)]),
    );
    pipes.add(
        &["WS002", "污水管", "400", "4", "J2", "J3"],
        line(&[(1000., 1000.), (2500., 1000.)]),
    );
    pipes.add(
        &["WS003", "污水管", "500", "", "J3", "J4"],
        line(&[(2500., 1000.), (4150., 1000.)]),
    );
    // Storm line north → south to outfall PK01 at (2000, 100).
    pipes.add(
        &["YS001", "雨水管", "600", "", "Y1", "Y2"],
        line(&[(2000., 1900.), (2000., 1200.)]),
    );
    pipes.add(
        &["YS002", "雨水管", "800", "", "Y2", "Y3"],
        line(&[(2000., 1200.), (2000., 100.)]),
    );
    // A sewage lateral joining the storm line: a cross-connection.
    pipes.add(
        &["WS009", "污水管", "200", "", "X1", "Y2"],
        line(&[(1500., 1200.), (2000., 1200.)]),
    );
    // Combined sewer to outfall PK02 at (3500, 100).
    pipes.add(
        &["HL001", "合流管", "600", "", "H1", "H2"],
        line(&[(3500., 1800.), (3500., 100.)]),
    );
    write_gbk_shapefile(dir, "雨污水管线.shp", 4545, &pipes);

    // Water mains: lines, but none of the contract's.
    let mut water = Layer::new("gs", &["BH", "CZ"]);
    water.add(&["GS1", "球墨铸铁"], line(&[(0., 500.), (4000., 500.)]));
    write_gbk_shapefile(dir, "给水管线.shp", 4545, &water);

    let mut outfalls = Layer::new("pk", &["PKBH", "PKMC", "PKLX", "SNST"]);
    let at = |x, y| if offset { gcj(x, y) } else { pt(x, y) };
    outfalls.add(
        &["PK01", "界石1号雨水排口", "雨水排口", "长江"],
        at(2000., 100.),
    );
    outfalls.add(
        &["PK02", "界石合流排口", "合流排口", "长江"],
        at(3500., 100.),
    );
    outfalls.add(
        &["PK03", "界石污水厂排口", "污水厂排口", "长江"],
        at(4300., 1000.),
    );
    outfalls.add(
        &["PK04", "界石4号雨水排口", "雨水排口", "长江"],
        at(600., 1900.),
    );
    write_gbk_shapefile(dir, "排水口.shp", 4490, &outfalls);

    let mut enterprises = Layer::new("qy", &["QYBH", "QYMC", "NGZT", "PWXKZH"]);
    enterprises.add(
        &[
            "QY01",
            "重庆示例化工有限公司",
            "已纳管",
            "91500113MA5U0001X",
        ],
        pt(900., 1050.),
    );
    enterprises.add(
        &[
            "QY02",
            "重庆示例电镀有限公司",
            "未纳管",
            "91500113MA5U0002X",
        ],
        pt(2400., 1060.),
    );
    enterprises.add(
        &["QY03", "重庆示例食品有限公司", "已纳管", ""],
        pt(3000., 950.),
    );
    write_gbk_shapefile(dir, "企业.shp", 4545, &enterprises);

    let mut plants = Layer::new("wsc", &["WSCBH", "MC", "SJGM", "SJCLL"]);
    plants.add(
        &["WSC01", "界石污水处理厂", "20000", "15000"],
        pt(4200., 1000.),
    );
    write_gbk_shapefile(dir, "污水处理厂.shp", 4545, &plants);

    let mut rivers = Layer::new("hl", &["MC", "ZWM", "DJ"]);
    rivers.add(
        &["长江", "长江干流", "1"],
        line(&[(-2000., -600.), (6000., -600.)]),
    );
    rivers.add(
        &["花溪河", "花溪河", "3"],
        line(&[(4500., -600.), (4500., 3000.)]),
    );
    write_gbk_shapefile(dir, "河流.shp", 4545, &rivers);

    let mut manholes = Layer::new("js", &["JBH", "JLX"]);
    manholes.add(&["J1", "污水检查井"], pt(100., 1000.));
    manholes.add(&["J2", "污水检查井"], pt(1000., 1000.));
    manholes.add(&["Y2", "雨水检查井"], pt(2000., 1200.));
    write_gbk_shapefile(dir, "检查井.shp", 4545, &manholes);
}

/// The zdz.toml a person would write for the folder (with the outfalls in GCJ-02).
pub const HAND_WRITTEN: &str = r#"
[project]
name = "hand"

[layers.parks]
source = "工业园区.shp"
fields = { park_id = "YQBH", name = "YQMC", level = "JB", district = "SSQX" }

[layers.clusters]
source = "组团范围.shp"
fields = { cluster_id = "ZTBH", name = "ZTMC", park_id = "SSYQ" }

[layers.pipes]
source = "雨污水管线.shp"
fields = { pipe_id = "GXBH", kind = "GXLX", diameter_mm = "GJ", defect_grade = "QXDJ", from_node = "QDJH", to_node = "ZDJH" }

[layers.outfalls]
source = "排水口.shp"
coords = "gcj02"
fields = { outfall_id = "PKBH", name = "PKMC", kind = "PKLX", receiving_water = "SNST" }

[layers.enterprises]
source = "企业.shp"
fields = { enterprise_id = "QYBH", name = "QYMC", connected = "NGZT", permit_no = "PWXKZH" }

[layers.plants]
source = "污水处理厂.shp"
fields = { plant_id = "WSCBH", name = "MC", capacity_tpd = "SJGM", inflow_tpd = "SJCLL" }

[layers.rivers]
source = "河流.shp"
fields = { name = "MC" }

[layers.manholes]
source = "检查井.shp"
fields = { node_id = "JBH", kind = "JLX" }
"#;
