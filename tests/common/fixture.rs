//! The rule fixture: one block per docs/rules.md rule, far enough apart not to interact,
//! authored in metres (EPSG:4545). `tests/rules.rs` states the answer for each block.

use super::*;

/// Every layer of the fixture; ids name what each feature is for.
pub fn fixture_layers() -> Vec<Layer> {
    let mut pipes = Layer::new("pipes", &["pipe_id", "kind", "defect_grade"]);
    let mut outfalls = Layer::new("outfalls", &["outfall_id", "kind", "plant_id"]);
    let mut enterprises = Layer::new("企业", &["企业编号", "纳管"]);
    let mut clusters = Layer::new("clusters", &["cluster_id", "demo"]);
    let mut parks = Layer::new("parks", &["park_id", "level"]);
    let mut plants = Layer::new("plants", &["plant_id", "capacity_tpd", "inflow_tpd"]);
    let mut rivers = Layer::new("rivers", &["name"]);

    // A: outfall matching at 19 m and 21 m.
    pipes.add(&["A1", "storm", ""], line(&[(0., 0.), (100., 0.)]));
    outfalls.add(&["OA19", "storm", ""], pt(100., 19.));
    pipes.add(&["A2", "storm", ""], line(&[(1000., 0.), (1100., 0.)]));
    outfalls.add(&["OA21", "storm", ""], pt(1100., 21.));

    // B: a sewage pipe three storm pipes above a storm outfall; a clean storm line beside.
    pipes.add(&["BS", "污水", ""], line(&[(5000., 100.), (5000., 0.)]));
    pipes.add(&["B1", "雨水", ""], line(&[(5000., 0.), (5100., 0.)]));
    pipes.add(&["B2", "雨水", ""], line(&[(5100., 0.), (5200., 0.)]));
    pipes.add(&["B3", "雨水", ""], line(&[(5200., 0.), (5300., 0.)]));
    outfalls.add(&["OB", "雨水", ""], pt(5300., 5.));
    pipes.add(&["B4", "storm", ""], line(&[(6000., 0.), (6100., 0.)]));
    outfalls.add(&["OB2", "storm", ""], pt(6100., 5.));

    // C: joints 0.4 m apart connect, 1.2 m apart do not.
    pipes.add(&["C1", "sewage", ""], line(&[(10000., 100.), (10000., 0.)]));
    pipes.add(&["C2", "storm", ""], line(&[(10000.4, 0.), (10100., 0.)]));
    outfalls.add(&["OC", "storm", ""], pt(10100., 5.));
    pipes.add(&["C3", "sewage", ""], line(&[(11000., 100.), (11000., 0.)]));
    pipes.add(&["C4", "storm", ""], line(&[(11001.2, 0.), (11100., 0.)]));
    outfalls.add(&["OC2", "storm", ""], pt(11100., 5.));

    // D: coverage inside a cluster of a national park; a plant at the sewer's end.
    parks.add(&["PD", "国家级"], rect(14000., -1000., 17500., 2000.));
    clusters.add(&["CD", "否"], rect(14500., -500., 16500., 1500.));
    pipes.add(&["D1", "sewage", ""], line(&[(15000., 0.), (16000., 0.)]));
    plants.add(&["PD1", "5000", "100"], pt(16010., 0.));
    enterprises.add(&["E95", "是"], pt(15500., 95.));
    enterprises.add(&["E105", "是"], pt(15500., -105.));
    enterprises.add(&["ENC", "否"], pt(15200., 50.));
    enterprises.add(&["EOUT", "是"], pt(17200., 0.));
    pipes.add(&["D2", "sewage", ""], line(&[(18000., 0.), (19000., 0.)]));
    plants.add(&["PD2", "5000", "100"], pt(19010., 0.));
    enterprises.add(&["E105FREE", "是"], pt(18500., 105.));

    // E: the corridor. The Yangtze runs at y = 50 km, the Jialing at y = 40 km.
    rivers.add(&["长江"], line(&[(0., 50000.), (60000., 50000.)]));
    rivers.add(&["嘉陵江"], line(&[(0., 40000.), (60000., 40000.)]));
    clusters.add(&["C990", "否"], rect(20000., 48010., 21000., 49010.));
    clusters.add(&["C1010", "否"], rect(22000., 47990., 23000., 48990.));
    clusters.add(&["CJ300", "否"], rect(24000., 40300., 25000., 41300.));
    clusters.add(&["CEMPTY", "是"], rect(26000., 48500., 27000., 49500.));
    enterprises.add(&["E990", "是"], pt(20500., 48500.));
    enterprises.add(&["E1010", "是"], pt(22500., 48500.));
    enterprises.add(&["EJ300", "是"], pt(24500., 40800.));

    // F: outfall kinds and plants.
    pipes.add(&["F1", "sewage", ""], line(&[(30000., 100.), (30000., 0.)]));
    outfalls.add(&["OFS", "sewage", ""], pt(30000., -5.));
    plants.add(&["PF", "1000", "1001"], pt(31000., 0.));
    plants.add(&["PF2", "1,000", "1000吨/日"], pt(32000., 0.));
    outfalls.add(&["OFP", "plant", "PF"], pt(31000., -300.));
    outfalls.add(&["OFP2", "污水厂", ""], pt(32000., -40.));
    outfalls.add(&["OFP3", "plant", ""], pt(32000., -60.));
    outfalls.add(&["OFC", "combined", ""], pt(33000., 0.));

    // G: sewer ends 49 m and 51 m from a plant; defect grades 3 and 2.
    pipes.add(&["G1", "sewage", "3"], line(&[(35000., 0.), (35100., 0.)]));
    plants.add(&["PG", "100", "50"], pt(35149., 0.));
    pipes.add(&["G2", "sewage", "2"], line(&[(36000., 0.), (36100., 0.)]));
    plants.add(&["PG2", "100", "50"], pt(36151., 0.));

    // H: a bow-tie cluster and a pipe that is a point.
    clusters.add(
        &["CH", "否"],
        poly(&[
            (40000., 0.),
            (41000., 1000.),
            (40000., 1000.),
            (41000., 0.),
            (40000., 0.),
        ]),
    );
    pipes.add(&["HP", "sewage", ""], pt(40500., 200.));

    vec![
        pipes,
        outfalls,
        enterprises,
        clusters,
        parks,
        plants,
        rivers,
    ]
}
