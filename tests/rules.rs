//! One hand-built fixture per docs/rules.md rule, each test named by its answer. The same
//! fixture is written in EPSG:4326, EPSG:4490 and EPSG:4545 and every test checks that all
//! three give the same answer.

mod common;

use std::sync::OnceLock;

use common::fixture::fixture_layers;
use common::*;
use zdz::analysis::{Analysis, analyze};
use zdz::load::{Loaded, load};

fn run(epsg: u32) -> (Loaded, Analysis) {
    let dir = tempfile::tempdir().unwrap();
    let path = write_gpkg(
        dir.path(),
        &format!("fixture_{epsg}.gpkg"),
        epsg,
        &fixture_layers(),
    );
    let loaded = load(path.to_str().unwrap()).unwrap();
    let analysis = analyze(&loaded.layers, &loaded.project);
    (loaded, analysis)
}

/// The fixture analysed in each CRS, once per test binary.
fn results() -> &'static [(u32, Loaded, Analysis)] {
    static RESULTS: OnceLock<Vec<(u32, Loaded, Analysis)>> = OnceLock::new();
    RESULTS.get_or_init(|| {
        [4326, 4490, 4545]
            .into_iter()
            .map(|epsg| {
                let (l, a) = run(epsg);
                (epsg, l, a)
            })
            .collect()
    })
}

fn outfall<'a>(
    l: &Loaded,
    a: &'a Analysis,
    id: &str,
) -> &'a zdz::analysis::outfalls::OutfallResult {
    let i = l.layers.outfalls.iter().position(|o| o.id == id).unwrap();
    &a.outfalls[i]
}

fn cluster<'a>(l: &Loaded, a: &'a Analysis, id: &str) -> &'a zdz::analysis::ClusterResult {
    let i = l.layers.clusters.iter().position(|c| c.id == id).unwrap();
    &a.clusters[i]
}

#[test]
fn every_crs_works_in_the_same_gauss_kruger_zone() {
    for (epsg, l, _) in results() {
        assert_eq!(l.working_crs, "EPSG:4545", "fixture in EPSG:{epsg}");
    }
}

#[test]
fn outfall_19_m_from_a_pipe_end_is_matched_and_21_m_is_unmatched() {
    for (epsg, l, a) in results() {
        let m = outfall(l, a, "OA19").matched.expect("OA19 matched");
        assert!((m.1 - 19.0).abs() < 0.01, "EPSG:{epsg}: {}", m.1);
        assert!(codes(a, "outfalls", "OA19").is_empty(), "EPSG:{epsg}");
        assert!(outfall(l, a, "OA21").matched.is_none(), "EPSG:{epsg}");
        assert_eq!(
            codes(a, "outfalls", "OA21"),
            ["OUTFALL_UNMATCHED"],
            "EPSG:{epsg}"
        );
    }
}

#[test]
fn storm_outfall_with_a_sewage_pipe_three_pipes_upstream_is_a_cross_connection() {
    for (epsg, l, a) in results() {
        assert_eq!(
            codes(a, "outfalls", "OB"),
            ["STORM_CROSS_CONNECTION"],
            "EPSG:{epsg}"
        );
        let o = outfall(l, a, "OB");
        assert_eq!(o.upstream_pipes.len(), 4, "EPSG:{epsg}");
        let p = a.problems.iter().find(|p| p.feature_id == "OB").unwrap();
        assert!(
            p.trace
                .as_ref()
                .unwrap()
                .pipe_ids
                .contains(&"BS".to_string())
        );
        // A storm line with only storm pipes upstream is clean.
        assert!(codes(a, "outfalls", "OB2").is_empty(), "EPSG:{epsg}");
    }
}

#[test]
fn joints_0_4_m_apart_connect_and_1_2_m_apart_do_not() {
    for (epsg, l, a) in results() {
        assert_eq!(
            codes(a, "outfalls", "OC"),
            ["STORM_CROSS_CONNECTION"],
            "EPSG:{epsg}"
        );
        assert_eq!(outfall(l, a, "OC").upstream_pipes.len(), 2, "EPSG:{epsg}");
        assert!(codes(a, "outfalls", "OC2").is_empty(), "EPSG:{epsg}");
        assert_eq!(outfall(l, a, "OC2").upstream_pipes.len(), 1, "EPSG:{epsg}");
        // The sewer that stops 1.2 m short of the storm line goes nowhere known.
        assert_eq!(
            codes(a, "pipes", "C3"),
            ["SEWER_NOT_TO_PLANT"],
            "EPSG:{epsg}"
        );
        assert!(codes(a, "pipes", "C1").is_empty(), "EPSG:{epsg}");
    }
}

#[test]
fn enterprise_95_m_from_a_sewer_is_covered_and_105_m_is_not() {
    for (epsg, _, a) in results() {
        assert!(codes(a, "enterprises", "E95").is_empty(), "EPSG:{epsg}");
        assert_eq!(
            codes(a, "enterprises", "E105"),
            ["ENTERPRISE_UNCOVERED"],
            "EPSG:{epsg}"
        );
        let p = a.problems.iter().find(|p| p.feature_id == "E105").unwrap();
        assert!((p.distance_m.unwrap() - 105.0).abs() < 0.01, "EPSG:{epsg}");
        assert_eq!(p.cluster_id.as_deref(), Some("CD"));
        // Outside every cluster, 105 m from a sewer is not a coverage problem.
        assert!(
            codes(a, "enterprises", "E105FREE").is_empty(),
            "EPSG:{epsg}"
        );
    }
}

#[test]
fn enterprise_declared_not_connected_is_reported() {
    for (epsg, _, a) in results() {
        assert_eq!(
            codes(a, "enterprises", "ENC"),
            ["ENTERPRISE_NOT_CONNECTED"],
            "EPSG:{epsg}"
        );
    }
}

#[test]
fn enterprise_in_a_park_but_in_none_of_its_clusters_is_outside_cluster() {
    for (epsg, _, a) in results() {
        assert_eq!(
            codes(a, "enterprises", "EOUT"),
            ["ENTERPRISE_OUTSIDE_CLUSTER"],
            "EPSG:{epsg}"
        );
    }
}

#[test]
fn cluster_990_m_from_the_yangtze_is_in_the_corridor_1010_m_is_not_and_300_m_from_the_jialing_alone_is_not()
 {
    for (epsg, l, a) in results() {
        let c990 = cluster(l, a, "C990");
        assert!(c990.corridor.in_corridor, "EPSG:{epsg}");
        assert!((c990.corridor.distance_m.unwrap() - 990.0).abs() < 0.01);
        assert_eq!(c990.deadline, "2025-12-31");
        assert_eq!(c990.deadline_reason, "in_corridor");
        let c1010 = cluster(l, a, "C1010");
        assert!(!c1010.corridor.in_corridor, "EPSG:{epsg}");
        assert_eq!(c1010.deadline, "2027-12-31");
        let j = cluster(l, a, "CJ300");
        assert!(!j.corridor.in_corridor, "EPSG:{epsg}");
        assert!(j.corridor.distance_m.unwrap() > 8000.0);
        assert_eq!(j.deadline, "2027-12-31");
    }
}

#[test]
fn cluster_of_a_national_park_is_due_2025_and_one_without_enterprises_is_out_of_scope() {
    for (epsg, l, a) in results() {
        let cd = cluster(l, a, "CD");
        assert_eq!(
            (cd.deadline.as_str(), cd.deadline_reason.as_str()),
            ("2025-12-31", "national"),
            "EPSG:{epsg}"
        );
        // Demo, near the Yangtze, but no enterprise: out of scope first.
        let empty = cluster(l, a, "CEMPTY");
        assert_eq!(empty.deadline, "out_of_scope", "EPSG:{epsg}");
    }
}

#[test]
fn sewage_outfall_is_direct_discharge_and_plant_effluent_outfalls_are_not() {
    for (epsg, _, a) in results() {
        assert_eq!(
            codes(a, "outfalls", "OFS"),
            ["OUTFALL_SEWAGE_DIRECT"],
            "EPSG:{epsg}"
        );
        // Tied by plant_id, 300 m from any pipe: no problem.
        assert!(codes(a, "outfalls", "OFP").is_empty(), "EPSG:{epsg}");
        // Kind plant, plant 40 m away: tied.
        assert!(codes(a, "outfalls", "OFP2").is_empty(), "EPSG:{epsg}");
        // Kind plant, plant 60 m away and no pipe: source unknown.
        assert_eq!(
            codes(a, "outfalls", "OFP3"),
            ["OUTFALL_UNMATCHED"],
            "EPSG:{epsg}"
        );
        // A combined outfall off the network: unknown source and untreated sewage.
        assert_eq!(
            codes(a, "outfalls", "OFC"),
            ["OUTFALL_SEWAGE_DIRECT", "OUTFALL_UNMATCHED"],
            "EPSG:{epsg}"
        );
    }
}

#[test]
fn sewer_ending_49_m_from_a_plant_reaches_it_and_51_m_goes_nowhere() {
    for (epsg, _, a) in results() {
        assert_eq!(codes(a, "pipes", "G1"), ["PIPE_DEFECT"], "EPSG:{epsg}");
        assert_eq!(
            codes(a, "pipes", "G2"),
            ["SEWER_NOT_TO_PLANT"],
            "EPSG:{epsg}"
        );
        assert!(codes(a, "pipes", "D1").is_empty(), "EPSG:{epsg}");
    }
}

#[test]
fn plant_inflow_1001_over_capacity_1000_is_overloaded_and_equal_is_not() {
    for (epsg, _, a) in results() {
        assert_eq!(
            codes(a, "plants", "PF"),
            ["PLANT_OVERLOADED"],
            "EPSG:{epsg}"
        );
        // "1,000" and "1000吨/日" parse as 1000: equal is not overloaded.
        assert!(codes(a, "plants", "PF2").is_empty(), "EPSG:{epsg}");
    }
}

#[test]
fn pipe_defect_grade_3_is_reported_and_grade_2_is_not() {
    for (epsg, _, a) in results() {
        assert!(
            codes(a, "pipes", "G1").contains(&"PIPE_DEFECT"),
            "EPSG:{epsg}"
        );
        assert!(
            !codes(a, "pipes", "G2").contains(&"PIPE_DEFECT"),
            "EPSG:{epsg}"
        );
    }
}

#[test]
fn bow_tie_cluster_is_repaired_and_a_point_in_the_pipes_layer_is_skipped_both_reported() {
    for (epsg, l, a) in results() {
        assert_eq!(
            codes(a, "clusters", "CH"),
            ["INVALID_GEOMETRY"],
            "EPSG:{epsg}"
        );
        assert!(
            l.layers.clusters.iter().any(|c| c.id == "CH"),
            "repaired and kept"
        );
        assert_eq!(codes(a, "pipes", "HP"), ["INVALID_GEOMETRY"], "EPSG:{epsg}");
        assert!(!l.layers.pipes.iter().any(|p| p.id == "HP"), "skipped");
        let p = a.problems.iter().find(|p| p.feature_id == "HP").unwrap();
        assert!(p.detail.contains("Point"), "{}", p.detail);
    }
}

#[test]
fn all_three_crs_give_identical_problem_sets() {
    let sets: Vec<Vec<(String, String)>> = results()
        .iter()
        .map(|(_, _, a)| {
            a.problems
                .iter()
                .map(|p| (p.problem_id.clone(), p.code.as_str().to_string()))
                .collect()
        })
        .collect();
    assert_eq!(sets[0], sets[1]);
    assert_eq!(sets[0], sets[2]);
    assert!(sets[0].len() >= 15);
}

#[test]
fn problem_ids_stay_the_same_when_features_are_reordered() {
    let dir = tempfile::tempdir().unwrap();
    let mut layers = fixture_layers();
    for l in &mut layers {
        l.features.reverse();
    }
    let path = write_gpkg(dir.path(), "reversed.gpkg", 4545, &layers);
    let loaded = load(path.to_str().unwrap()).unwrap();
    let reversed = analyze(&loaded.layers, &loaded.project);
    let ids = |a: &Analysis| {
        let mut v: Vec<String> = a.problems.iter().map(|p| p.problem_id.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(ids(&reversed), ids(&results()[2].2));
}
