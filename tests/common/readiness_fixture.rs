//! The readiness fixture: blocks 10 km apart, authored in metres (EPSG:4545), each built
//! to one answer that `tests/readiness.rs` states. Clusters carry their manual answers in
//! Chinese field names, enterprises in English ones; inspections are a plain CSV table.

use std::path::{Path, PathBuf};

use super::*;

/// Middle vertex decides which cluster holds a pipe (a point on it): authored so that it
/// lies where the test says.
fn pipe3(a: (f64, f64), m: (f64, f64), b: (f64, f64)) -> Geometry {
    line(&[a, m, b])
}

pub fn layers() -> Vec<Layer> {
    let mut parks = Layer::new("parks", &["park_id", "level", "district"]);
    let mut clusters = Layer::new(
        "组团",
        &[
            "组团编号",
            "园区编号",
            "在线监控",
            "责任主体",
            "建设方案",
            "一企一档",
            "运维合同",
            "巡查制度",
            "巴渝治水",
        ],
    );
    let mut enterprises = Layer::new(
        "enterprises",
        &[
            "enterprise_id",
            "connected",
            "permit_no",
            "separated",
            "first_flush",
        ],
    );
    let mut pipes = Layer::new("pipes", &["pipe_id", "kind", "diameter_mm", "defect_grade"]);
    let mut outfalls = Layer::new("outfalls", &["outfall_id", "kind"]);
    let mut plants = Layer::new("plants", &["plant_id", "capacity_tpd", "inflow_tpd"]);
    let all_yes = ["是", "园区管委会", "是", "1", "Y", "true", "yes"];
    let cluster = |c: &mut Layer, id: &str, park: &str, answers: &[&str], g: Geometry| {
        let mut v = vec![id, park];
        v.extend_from_slice(answers);
        c.add(&v, g);
    };

    // R: one cluster scored item by item (see `r1_scores_77_5_item_by_item`).
    parks.add(
        &["PR", "国家级", "南岸区"],
        rect(-500., -1000., 2600., 1500.),
    );
    cluster(
        &mut clusters,
        "R1",
        "PR",
        &all_yes,
        rect(0., 0., 2000., 1000.),
    );
    // Sewers: the trunk (grade 3 defect) and its last pipe (no diameter) to plant PR1.
    pipes.add(
        &["RS1", "sewage", "300", "3"],
        pipe3((100., 500.), (1000., 500.), (1900., 500.)),
    );
    pipes.add(
        &["RS2", "sewage", "", ""],
        pipe3((1900., 500.), (1950., 500.), (2050., 500.)),
    );
    plants.add(&["PR1", "1000", "500"], pt(2080., 500.));
    // Storm line to OR1, with sewage pipe RX joining it: one cross-connection.
    pipes.add(
        &["RT1", "storm", "600", ""],
        pipe3((1500., 900.), (1500., 800.), (1500., 700.)),
    );
    pipes.add(
        &["RT2", "storm", "600", ""],
        pipe3((1500., 700.), (1500., 400.), (1500., 10.)),
    );
    pipes.add(
        &["RX", "sewage", "200", ""],
        pipe3((1300., 700.), (1400., 700.), (1500., 700.)),
    );
    outfalls.add(&["OR1", "storm"], pt(1500., -5.));
    // OR2: on no pipe, 300 m from R1: unmatched, and R1's by distance.
    outfalls.add(&["OR2", "storm"], pt(500., -300.));
    // E1 covered; E2 not connected and uncovered (two S1 problems); E3 without permit;
    // E4 without a first-flush answer.
    enterprises.add(&["E1", "是", "P-1", "是", "是"], pt(500., 550.));
    enterprises.add(&["E2", "否", "P-2", "yes", "yes"], pt(1000., 900.));
    enterprises.add(&["E3", "是", "", "1", "1"], pt(1000., 450.));
    enterprises.add(&["E4", "是", "P-4", "true", ""], pt(1700., 550.));

    // N: two cross-connections and three defects (NT1, NX1, NX2).
    parks.add(
        &["PN", "省级", "江北区"],
        rect(9500., -1000., 12500., 1500.),
    );
    cluster(
        &mut clusters,
        "N2",
        "PN",
        &all_yes,
        rect(10000., 0., 12000., 1000.),
    );
    for (k, x) in [(1, 10500.), (2, 11500.)] {
        pipes.add(
            &[
                &format!("NT{k}"),
                "storm",
                "600",
                if k == 1 { "3" } else { "" },
            ],
            pipe3((x, 900.), (x, 500.), (x, 10.)),
        );
        pipes.add(
            &[
                &format!("NX{k}"),
                "sewage",
                "300",
                if k == 1 { "4" } else { "3" },
            ],
            pipe3((x - 200., 900.), (x - 100., 900.), (x, 900.)),
        );
        outfalls.add(&[&format!("ON{k}"), "storm"], pt(x, -5.));
    }
    enterprises.add(&["EN1", "是", "P", "是", "是"], pt(10300., 920.));

    // T: an outfall whose trace is half in T-A and half in T-B (ties: T-A), and a plant
    // both send their sewage to (overloaded: counted in both).
    parks.add(
        &["PT", "国家级", "渝北区"],
        rect(19500., -1000., 22700., 2000.),
    );
    cluster(
        &mut clusters,
        "T-B",
        "PT",
        &all_yes,
        rect(21200., 0., 22200., 1000.),
    );
    cluster(
        &mut clusters,
        "T-A",
        "PT",
        &all_yes,
        rect(20000., 0., 21000., 1000.),
    );
    pipes.add(
        &["TSA", "storm", "600", ""],
        pipe3((20800., 500.), (20900., 300.), (21100., -100.)),
    );
    pipes.add(
        &["TSB", "storm", "600", ""],
        pipe3((21400., 500.), (21300., 300.), (21100., -100.)),
    );
    outfalls.add(&["OT", "storm"], pt(21100., -110.));
    pipes.add(
        &["TWA", "sewage", "300", ""],
        pipe3((20200., 900.), (20500., 900.), (21100., 1100.)),
    );
    pipes.add(
        &["TWB", "sewage", "300", ""],
        pipe3((22000., 900.), (21700., 900.), (21100., 1100.)),
    );
    plants.add(&["PT1", "100", "150"], pt(21100., 1120.));
    enterprises.add(&["ETA", "是", "P", "是", "是"], pt(20300., 850.));
    enterprises.add(&["ETB", "是", "P", "是", "是"], pt(21800., 850.));

    // M: an outfall on no pipe 400 m from M1 (M1's), another 1,166 m away (nobody's).
    parks.add(
        &["PM", "省级", "巴南区"],
        rect(29500., -1000., 33500., 1500.),
    );
    cluster(
        &mut clusters,
        "M1",
        "PM",
        &all_yes,
        rect(30000., 0., 31000., 1000.),
    );
    outfalls.add(&["OM400", "storm"], pt(30500., -400.));
    outfalls.add(&["OM1166", "storm"], pt(32000., -600.));
    enterprises.add(&["EM1", "是", "P", "是", "是"], pt(30500., 500.));

    // I: storm outfalls inside I1, judged by their inspections (inspections.csv).
    parks.add(
        &["PI", "省级", "长寿区"],
        rect(39500., -1000., 42500., 1500.),
    );
    cluster(
        &mut clusters,
        "I1",
        "PI",
        &all_yes,
        rect(40000., 0., 42000., 1000.),
    );
    for k in 1..=6 {
        outfalls.add(
            &[&format!("OI{k}"), "storm"],
            pt(40000. + 300. * k as f64, 500.),
        );
    }
    enterprises.add(&["EI1", "是", "P", "是", "是"], pt(40100., 900.));

    // O: a cluster without enterprises is out of scope.
    parks.add(
        &["PO", "省级", "江津区"],
        rect(49500., -1000., 51500., 1500.),
    );
    cluster(
        &mut clusters,
        "O1",
        "PO",
        &all_yes,
        rect(50000., 0., 51000., 1000.),
    );

    vec![parks, clusters, enterprises, pipes, outfalls, plants]
}

/// Inspections as a bureau's spreadsheet export: Chinese headers, mixed date forms, one
/// row naming no outfall and one with a date that is not one.
pub const INSPECTIONS: &str = "\
排口编号,检查日期,天气,是否有水,COD,氨氮,检查人,备注
OR1,2025-03-01,晴,否,,,张工,
OI1,2025-03-01,晴,是,,,张工,晴天有水
OI1,2025/4/1,多云,否,,,张工,复查无水
OI2,2025-03-01,晴,否,,,李工,
OI2,45748,晴,是,,,李工,Excel 日期
OI3,2025-05-01,中雨,是,41,1.0,王工,
OI3,2025-04-01,小雨,是,10,0.5,王工,较早的样
OI4,2025-05-01,雨,是,60,3.0,王工,
OI4,2025-06-01,小雨,是,20,1.0,王工,复测达标
OI5,2025-05-01,大雨,是,,,王工,雨天有水
OI6,2025-05-02,阴,是,,,王工,
OT,2025-03-02,晴,是,,,张工,
NOPE,2025-03-01,晴,否,,,张工,不存在的排口
OI5,2025-13-45,晴,否,,,张工,日期有误
";

/// The fixture as a folder workspace: a GeoPackage and `inspections.csv`.
pub fn write(dir: &Path) -> PathBuf {
    write_gpkg(dir, "fixture.gpkg", 4545, &layers());
    std::fs::write(dir.join("inspections.csv"), INSPECTIONS).unwrap();
    dir.to_path_buf()
}
