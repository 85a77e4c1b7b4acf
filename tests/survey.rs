//! The "源、网、厂" survey workbook read back (calamine): every sheet, header and row count
//! matches the analysis.

mod common;

use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use common::*;
use serde_json::Value;

#[test]
fn survey_workbook_has_a_sheet_per_object_with_one_row_per_feature() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    zdz_ok(&["analyze", "--out", out.to_str().unwrap()]);
    let summary: Value = read_json(&out.join("summary.json"));
    let mut book: Xlsx<_> = open_workbook(out.join("survey.xlsx")).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "组团园区",
            "源 企业",
            "网 管网",
            "厂 污水厂",
            "口 排口",
            "问题清单"
        ]
    );

    let sheet = |book: &mut Xlsx<_>, name: &str| book.worksheet_range(name).unwrap();
    let text = |d: &Data| d.to_string();

    for (name, first_header, rows) in [
        ("组团园区", "组团编号", 22),
        ("源 企业", "企业编号", 178),
        ("厂 污水厂", "污水厂编号", 11),
        ("口 排口", "排口编号", 60),
        (
            "问题清单",
            "问题编号",
            summary["counts"]["problems"].as_u64().unwrap() as usize,
        ),
    ] {
        let range = sheet(&mut book, name);
        assert_eq!(text(&range[(0, 0)]), first_header, "{name}");
        assert_eq!(range.height() - 1, rows, "{name}: one row per feature");
    }

    // 网: the per-cluster, per-kind counts add up to every pipe.
    let net = sheet(&mut book, "网 管网");
    let headers: Vec<String> = net.rows().next().unwrap().iter().map(text).collect();
    assert_eq!(
        headers,
        [
            "组团编号",
            "管网类型",
            "管段数",
            "总长度(m)",
            "3–4级缺陷管段数"
        ]
    );
    let pipes: f64 = net.rows().skip(1).map(|r| r[2].get_float().unwrap()).sum();
    assert_eq!(pipes, 1459.0);
    let defects: f64 = net.rows().skip(1).map(|r| r[4].get_float().unwrap()).sum();
    assert_eq!(
        defects as u64,
        summary["counts"]["by_code"]["PIPE_DEFECT"]
            .as_u64()
            .unwrap()
    );

    // 问题清单: Chinese labels, and the columns the bureau fills in.
    let problems = sheet(&mut book, "问题清单");
    let headers: Vec<String> = problems.rows().next().unwrap().iter().map(text).collect();
    for h in ["问题类型", "整改措施", "责任单位", "完成时限", "整改状态"] {
        assert!(headers.contains(&h.to_string()), "{h}");
    }
    let cross = problems
        .rows()
        .find(|r| text(&r[1]) == "STORM_CROSS_CONNECTION")
        .unwrap();
    assert_eq!(text(&cross[2]), "雨污混接");
    assert_eq!(text(&cross[14]), "待整改");

    // 组团: the 990 m cluster is along the Yangtze and due in 2025.
    let clusters = sheet(&mut book, "组团园区");
    let jjgy_a = clusters.rows().find(|r| text(&r[0]) == "JJGY-A").unwrap();
    assert_eq!(
        (text(&jjgy_a[8]), text(&jjgy_a[11])),
        ("是".to_string(), "2025-12-31".to_string())
    );
}
