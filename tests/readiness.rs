//! Acceptance readiness on the hand-built fixture (`common/readiness_fixture.rs`): which
//! cluster each problem harms, what inspections say, every rubric item's points, the veto,
//! and the fewest actions to ready. Each test is named by its answer.

mod common;

use std::sync::OnceLock;

use common::*;
use zdz::analysis::{Analysis, analyze};
use zdz::load::{Loaded, load};
use zdz::readiness::{Readiness, assess};

struct Run {
    loaded: Loaded,
    analysis: Analysis,
    readiness: Readiness,
    _dir: tempfile::TempDir,
}

fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let ws = readiness_fixture::write(dir.path());
        let loaded = load(ws.to_str().unwrap()).unwrap();
        let analysis = analyze(&loaded.layers, &loaded.project);
        let readiness = assess(
            &loaded.layers,
            &analysis,
            &loaded.project.rubric,
            &Default::default(),
        );
        Run {
            loaded,
            analysis,
            readiness,
            _dir: dir,
        }
    })
}

fn cluster_index(id: &str) -> usize {
    run()
        .loaded
        .layers
        .clusters
        .iter()
        .position(|c| c.id == id)
        .unwrap()
}

fn scored(id: &str) -> &'static zdz::readiness::ClusterReadiness {
    run().readiness.clusters[cluster_index(id)]
        .as_ref()
        .unwrap_or_else(|| panic!("{id} is out of scope"))
}

fn points(cluster: &str, item: &str) -> f64 {
    scored(cluster).item(item).unwrap().points
}

fn assert_points(cluster: &str, item: &str, want: f64) {
    let got = points(cluster, item);
    assert!(
        (got - want).abs() < 1e-9,
        "{cluster} {item}: {got}, expected {want}"
    );
}

/// The clusters a problem of `code` on `feature` belongs to.
fn problem_clusters(code: &str, feature: &str) -> (Option<String>, Vec<String>) {
    let p = run()
        .analysis
        .problems
        .iter()
        .find(|p| p.code.as_str() == code && p.feature_id == feature)
        .unwrap_or_else(|| panic!("no {code} on {feature}"));
    (p.cluster_id.clone(), p.cluster_ids.clone())
}

#[test]
fn outfall_on_the_bank_with_its_whole_trace_in_r1_belongs_to_r1() {
    assert_eq!(
        problem_clusters("STORM_CROSS_CONNECTION", "OR1")
            .0
            .as_deref(),
        Some("R1")
    );
}

#[test]
fn outfall_whose_trace_is_split_evenly_goes_to_the_smallest_cluster_id() {
    assert_eq!(
        problem_clusters("DRY_WEATHER_FLOW", "OT").0.as_deref(),
        Some("T-A")
    );
}

#[test]
fn outfall_on_no_pipe_400_m_from_a_cluster_belongs_to_it_and_1166_m_away_to_none() {
    assert_eq!(
        problem_clusters("OUTFALL_UNMATCHED", "OM400").0.as_deref(),
        Some("M1")
    );
    assert_eq!(problem_clusters("OUTFALL_UNMATCHED", "OM1166").0, None);
    assert_eq!(
        problem_clusters("OUTFALL_UNMATCHED", "OR2").0.as_deref(),
        Some("R1")
    );
}

#[test]
fn overloaded_plant_receiving_two_clusters_carries_both_ids_and_counts_in_each() {
    let (first, all) = problem_clusters("PLANT_OVERLOADED", "PT1");
    assert_eq!(first.as_deref(), Some("T-A"));
    assert_eq!(all, ["T-A", "T-B"]);
    for c in ["T-A", "T-B"] {
        let counts = &run().readiness.problem_counts[cluster_index(c)];
        assert_eq!(
            counts.get(&zdz::contract::ProblemCode::PlantOverloaded),
            Some(&1),
            "{c}"
        );
        assert_points(c, "P1", 0.0);
    }
}

#[test]
fn a_clusters_sewage_reaches_the_plant_at_the_end_of_its_downstream_trace() {
    let a = &run().analysis;
    let l = &run().loaded.layers;
    let plants = |c: &str| -> Vec<&str> {
        a.clusters[cluster_index(c)]
            .downstream
            .plants
            .iter()
            .map(|p| l.plants[*p].id.as_str())
            .collect()
    };
    assert_eq!(plants("R1"), ["PR1"]);
    assert_eq!(plants("T-A"), ["PT1"]);
    assert_eq!(plants("T-B"), ["PT1"]);
    assert!(plants("N2").is_empty());
    assert_points("R1", "P1", 10.0);
    assert_points("N2", "P1", 0.0);
}

/// The codes the outfall has, sorted.
fn outfall_codes(id: &str) -> Vec<&'static str> {
    codes(&run().analysis, "outfalls", id)
}

#[test]
fn storm_outfall_flowing_at_its_latest_dry_inspection_is_dry_weather_flow() {
    // OI2's latest dry inspection is an Excel date (45748 = 2025-04-01); OI6 was overcast.
    assert!(outfall_codes("OI2").contains(&"DRY_WEATHER_FLOW"));
    assert!(outfall_codes("OI6").contains(&"DRY_WEATHER_FLOW"));
}

#[test]
fn a_later_clean_inspection_clears_dry_weather_flow_and_pollution() {
    assert!(!outfall_codes("OI1").contains(&"DRY_WEATHER_FLOW"));
    assert!(!outfall_codes("OI4").contains(&"STORM_OUTFALL_POLLUTED"));
}

#[test]
fn latest_sample_with_cod_41_is_polluted_and_vetoes_its_cluster() {
    // The 10 mg/L row comes later in the file but is dated earlier.
    assert!(outfall_codes("OI3").contains(&"STORM_OUTFALL_POLLUTED"));
    let i1 = scored("I1");
    assert!(!i1.ready);
    assert!(
        i1.veto
            .iter()
            .any(|p| p.code.as_str() == "STORM_OUTFALL_POLLUTED" && p.feature_id == "OI3")
    );
}

#[test]
fn an_inspection_in_the_rain_is_no_dry_weather_inspection() {
    let l = &run().loaded.layers;
    let i = l.outfalls.iter().position(|o| o.id == "OI5").unwrap();
    assert!(run().analysis.outfalls[i].latest.dry.is_none());
    assert!(!outfall_codes("OI5").contains(&"DRY_WEATHER_FLOW"));
}

#[test]
fn inspections_of_an_unknown_outfall_or_with_an_unreadable_date_are_findings_naming_their_row() {
    let findings = &run().loaded.layers.findings;
    let about = |row: &str| {
        findings
            .iter()
            .find(|f| f.layer.name() == "inspections" && f.feature_id == row)
            .map(|f| f.message())
    };
    // The header is row 1: NOPE is on row 14, the 13th month on row 15.
    assert!(about("row 14").unwrap().contains("NOPE"));
    assert!(about("row 15").unwrap().contains("2025-13-45"));
    assert_eq!(run().loaded.layers.inspections.len(), 12);
}

#[test]
fn r1_scores_78_4_item_by_item() {
    for (item, want) in [
        ("S1", 11.25), // E2 not connected and uncovered: 3 of 4
        ("S2", 3.75),  // E3 without a permit
        ("S3", 7.5),   // E4 without a first-flush answer
        ("N1", 5.0),   // one cross-connection
        ("N2", 5.0),
        ("N3", 4.0), // one grade 3 defect
        ("N4", 5.0),
        ("P1", 10.0),
        ("P2", 5.0),
        ("O1", 5.0), // OR2 unmatched: 1 of 2
        ("O2", 2.5), // OR2 never inspected dry
        ("M1", 2.0),
        ("M5", 2.0),
        ("D1", 2.4), // 4 of 5 pipes with a diameter
        ("D2", 2.0),
    ] {
        assert_points("R1", item, want);
    }
    let r1 = scored("R1");
    assert!((r1.score - 78.4).abs() < 1e-9, "{}", r1.score);
    assert!(!r1.ready && r1.veto.is_empty());
}

#[test]
fn r1_is_three_actions_from_ready() {
    // 11.6 points short: the cross-connection (5), OR2's source (5) and one 2.5.
    assert_eq!(scored("R1").actions_to_ready(), Some(3));
}

#[test]
fn two_cross_connections_leave_n1_at_zero_and_three_defects_n3_at_2() {
    assert_points("N2", "N1", 0.0);
    assert_points("N2", "N3", 2.0);
}

#[test]
fn m1_without_pipes_or_a_plant_cannot_reach_90() {
    let m1 = scored("M1");
    assert_points("M1", "N4", 0.0);
    assert_points("M1", "D1", 0.0);
    assert_eq!(m1.actions_to_ready(), None);
    match &m1.plan {
        zdz::readiness::plan::Plan::Unreachable { best_score, reason } => {
            assert!((best_score - 82.0).abs() < 1e-9, "{best_score}");
            let reason = reason.said(zdz::contract::Lang::En);
            assert!(reason.contains("N4") && reason.contains("P1"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn chinese_and_english_answer_fields_are_read_and_all_answered_clusters_have_none_unanswered() {
    assert_points("R1", "M3", 2.0); // 一企一档 = 1
    assert_points("R1", "M4", 2.0); // 运维合同 = Y
    assert_eq!(
        scored("R1").unanswered.len(),
        1,
        "{:?}",
        scored("R1").unanswered
    );
    assert_eq!(scored("R1").unanswered[0].feature_id, "E4");
}

#[test]
fn a_cluster_without_enterprises_is_out_of_scope_and_unscored() {
    assert!(run().readiness.clusters[cluster_index("O1")].is_none());
}

#[test]
fn a_filled_in_workbook_overrides_answers_and_reports_unknown_ids() {
    let dir = tempfile::tempdir().unwrap();
    let ws = readiness_fixture::write(&dir.path().join("ws").tap_mkdir());
    let out = dir.path().join("out");
    zdz_ok(&[
        "analyze",
        ws.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-maps",
    ]);
    // Fill in E4's first flush and name a cluster the workspace does not have.
    let book = out.join("survey.xlsx");
    let filled = dir.path().join("filled.xlsx");
    fill_in(&book, &filled);
    let out2 = dir.path().join("out2");
    zdz_ok(&[
        "analyze",
        ws.to_str().unwrap(),
        "--out",
        out2.to_str().unwrap(),
        "--no-maps",
        "--survey",
        filled.to_str().unwrap(),
    ]);
    let clusters = read_json(&out2.join("clusters.geojson"));
    let r1 = clusters["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["cluster_id"] == "R1")
        .unwrap();
    assert_eq!(r1["properties"]["S3"], 10.0);
    assert_eq!(r1["properties"]["score"], 80.9);
    let summary = read_json(&out2.join("summary.json"));
    let findings = summary["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["feature_id"] == "NOSUCH" && f["message"].as_str().unwrap().contains("row")),
        "{findings:?}"
    );
}

/// Copy the workbook zdz wrote with E4's 初期雨水 answered 是 and a row for a cluster
/// `NOSUCH`, the way a bureau would type them in.
fn fill_in(from: &std::path::Path, to: &std::path::Path) {
    use calamine::{Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(from).unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    for (name, patch) in [("组团园区", "NOSUCH"), ("源 企业", "E4")] {
        let range = book.worksheet_range(name).unwrap();
        let ws = out.add_worksheet();
        ws.set_name(name).unwrap();
        let header: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let mut last = 0;
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let mut text = cell.to_string();
                if name == "源 企业" && r > 0 && row[0] == patch && header[c] == "初期雨水" {
                    text = "是".into();
                }
                ws.write_string(r as u32, c as u16, &text).unwrap();
            }
            last = r;
        }
        if name == "组团园区" {
            ws.write_string(last as u32 + 1, 0, patch).unwrap();
            let col = header.iter().position(|h| h == "在线监控").unwrap();
            ws.write_string(last as u32 + 1, col as u16, "是").unwrap();
        }
    }
    out.save(to).unwrap();
}

trait MkDir {
    fn tap_mkdir(self) -> Self;
}

impl MkDir for std::path::PathBuf {
    fn tap_mkdir(self) -> Self {
        std::fs::create_dir_all(&self).unwrap();
        self
    }
}

#[test]
fn readiness_json_and_clusters_geojson_carry_the_score_the_items_and_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let ws = readiness_fixture::write(&dir.path().join("ws").tap_mkdir());
    let out = dir.path().join("out");
    zdz_ok(&[
        "analyze",
        ws.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-maps",
    ]);
    let clusters = read_json(&out.join("clusters.geojson"));
    let by_id = |id: &str| {
        clusters["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["cluster_id"] == id)
            .unwrap()["properties"]
            .clone()
    };
    let r1 = by_id("R1");
    assert_eq!(r1["score"], 78.4);
    assert_eq!(r1["ready"], false);
    assert_eq!(r1["veto"], false);
    assert_eq!(r1["actions_to_ready"], 3);
    assert_eq!(r1["D1"], 2.4);
    assert_eq!(r1["receiving_plant_ids"], serde_json::json!(["PR1"]));
    assert_eq!(r1["readiness"], "three_or_more");
    assert_eq!(by_id("I1")["veto"], true);
    assert_eq!(by_id("I1")["readiness"], "veto");
    assert!(by_id("O1")["score"].is_null());
    assert!(by_id("M1")["actions_to_ready"].is_null());

    let readiness = read_json(&out.join("readiness.json"));
    assert_eq!(readiness["rubric"]["provisional"], true);
    let entry = readiness["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cluster_id"] == "R1")
        .unwrap();
    assert_eq!(entry["plan"]["status"], "actions");
    let actions = entry["plan"]["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 3);
    let total: f64 = actions.iter().map(|a| a["points"].as_f64().unwrap()).sum();
    assert!(entry["score"].as_f64().unwrap() + total >= 90.0 - 1e-6);
    let s1 = &entry["items"][0];
    assert_eq!(s1["id"], "S1");
    assert_eq!(s1["counted"]["met"], 3);
    assert_eq!(s1["counted"]["of"], 4);
    let m1 = readiness["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cluster_id"] == "M1")
        .unwrap();
    assert_eq!(m1["plan"]["status"], "unreachable");

    let outfalls = read_json(&out.join("outfalls.geojson"));
    let oi2 = outfalls["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["outfall_id"] == "OI2")
        .unwrap();
    assert_eq!(oi2["properties"]["last_dry_inspection"], "2025-04-01");
    assert_eq!(oi2["properties"]["inspected_dry"], true);
    assert_eq!(oi2["properties"]["status"], "dry_weather_flow");
}

#[test]
fn readiness_json_written_as_it_goes_is_the_whole_document_pretty_printed_byte_for_byte() {
    let r = run();
    let ids: Vec<&str> = r
        .loaded
        .layers
        .clusters
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let deadlines: Vec<&str> = r
        .analysis
        .clusters
        .iter()
        .map(|c| c.deadline.as_str())
        .collect();
    let whole = |ids: &[&str], deadlines: &[&str], readiness: &Readiness| {
        serde_json::to_vec_pretty(&zdz::readiness::json::document(ids, deadlines, readiness))
            .unwrap()
    };
    let streamed = |ids: &[&str], deadlines: &[&str], readiness: &Readiness| {
        let mut out = Vec::new();
        zdz::readiness::json::write_document(&mut out, ids, deadlines, readiness).unwrap();
        out
    };
    // Out-of-scope clusters (no readiness) as well as scored ones.
    assert!(r.readiness.clusters.iter().any(Option::is_none));
    assert!(r.readiness.clusters.iter().any(Option::is_some));
    assert_eq!(
        String::from_utf8(streamed(&ids, &deadlines, &r.readiness)).unwrap(),
        String::from_utf8(whole(&ids, &deadlines, &r.readiness)).unwrap()
    );
    let none = Readiness {
        clusters: Vec::new(),
        ..r.readiness.clone()
    };
    assert_eq!(streamed(&[], &[], &none), whole(&[], &[], &none));
}
