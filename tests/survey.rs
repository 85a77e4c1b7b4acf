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
            "3–4级缺陷管段数",
            "按管底高程定向管段数",
            "与提交方向相反管段数",
            "混接点",
            "管底倒挂",
            "大管接小管"
        ]
    );
    let column = |c: usize| -> u64 {
        net.rows()
            .skip(1)
            .map(|r| r[c].get_float().unwrap())
            .sum::<f64>() as u64
    };
    assert_eq!(column(2), 1459);
    let count = |code: &str| summary["counts"]["by_code"][code].as_u64().unwrap_or(0);
    assert_eq!(column(4), count("PIPE_DEFECT"));
    assert_eq!(column(5), summary["flow"]["levels"].as_u64().unwrap());
    assert_eq!(column(6), summary["flow"]["reversed"].as_u64().unwrap());
    assert_eq!(
        column(6),
        4,
        "the branch of CQJK-B surveyed from its lower end"
    );
    assert_eq!(column(7), count("CROSS_CONNECTION_POINT"));
    assert_eq!(column(8), count("PIPE_INVERT_STEP_UP"));
    assert_eq!(column(9), count("PIPE_DIAMETER_DECREASE"));

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
    assert_eq!(text(&cross[13]), "待整改");

    // 组团: the 990 m cluster is along the Yangtze and due in 2025.
    let clusters = sheet(&mut book, "组团园区");
    let jjgy_a = clusters.rows().find(|r| text(&r[0]) == "JJGY-A").unwrap();
    assert_eq!(
        (text(&jjgy_a[8]), text(&jjgy_a[11])),
        ("是".to_string(), "2025-12-31".to_string())
    );
}

#[test]
fn the_survey_workbook_guides_whoever_fills_it_with_drop_downs_notes_and_locked_computed_columns() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let ledger = dir.path().join("ledger.db");
    zdz_ok(&[
        "analyze",
        "data",
        "--out",
        out.to_str().unwrap(),
        "--no-maps",
        "--ledger",
        ledger.to_str().unwrap(),
    ]);
    let unzip = |part: &str| -> String {
        let out = std::process::Command::new("unzip")
            .args(["-p", out.join("survey.xlsx").to_str().unwrap(), part])
            .output()
            .expect("unzip");
        String::from_utf8(out.stdout).unwrap()
    };
    let workbook = unzip("xl/workbook.xml");
    let sheets: Vec<&str> = workbook
        .match_indices("<sheet name=\"")
        .map(|(i, _)| {
            let rest = &workbook[i + 13..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    let sheet_xml = |name: &str| {
        let n = sheets
            .iter()
            .position(|s| *s == name)
            .unwrap_or_else(|| panic!("{sheets:?}"))
            + 1;
        unzip(&format!("xl/worksheets/sheet{n}.xml"))
    };
    // The clusters' answers: a 是/否 drop-down per yes/no answer column, the sheet protected
    // without a password but filterable and sortable.
    let clusters = sheet_xml(zdz::contract::ANSWER_SHEETS[0].1);
    assert!(
        clusters.contains("<dataValidation type=\"list\""),
        "no drop-down"
    );
    assert!(
        clusters.contains("<formula1>\"是,否\"</formula1>"),
        "no 是/否 list"
    );
    assert!(clusters.contains("<sheetProtection") && !clusters.contains("password"));
    assert!(clusters.contains("autoFilter=\"0\"") && clusters.contains("sort=\"0\""));
    // The problem list: 整改状态 offers the statuses.
    let problems = sheet_xml(zdz::ledger::import::SHEET);
    assert!(
        problems.contains("待整改,整改中,待验收,已销号,不予认定"),
        "no status list"
    );
    // Notes on the answer headers say what to write.
    let notes: String = (1..=6)
        .map(|n| unzip(&format!("xl/comments{n}.xml")))
        .collect();
    assert!(
        notes.contains("填写“是”或“否”") && notes.contains("选择整改状态"),
        "{notes}"
    );
}

#[test]
fn each_in_scope_cluster_gets_a_workbook_of_its_own_rows_and_pipes_that_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    zdz_ok(&[
        "analyze",
        "--out",
        out.to_str().unwrap(),
        "--no-maps",
        "--survey-per-cluster",
    ]);
    let summary: Value = read_json(&out.join("summary.json"));
    let clusters = read_json(&out.join("clusters.geojson"));
    let features = clusters["features"].as_array().unwrap();
    let in_scope: Vec<&str> = features
        .iter()
        .filter(|f| f["properties"]["score"].is_number())
        .map(|f| f["properties"]["cluster_id"].as_str().unwrap())
        .collect();
    let mut files: Vec<String> = std::fs::read_dir(out.join("survey"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = in_scope.iter().map(|c| format!("{c}.xlsx")).collect();
    expected.sort();
    assert_eq!(files, expected);
    assert_eq!(
        files.len() as u64,
        summary["counts"]["readiness"]["in_scope"].as_u64().unwrap()
    );

    // CQJK-A's workbook: its row, its enterprises, its pipes with their problems, and
    // only its problems.
    let mut book: Xlsx<_> = open_workbook(out.join("survey/CQJK-A.xlsx")).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "组团园区",
            "源 企业",
            "网 管网",
            "管网 管段",
            "厂 污水厂",
            "口 排口",
            "问题清单"
        ]
    );
    let column = |book: &mut Xlsx<_>, sheet: &str, header: &str| -> Vec<String> {
        let range = book.worksheet_range(sheet).unwrap();
        let mut rows = range.rows();
        let c = rows
            .next()
            .unwrap()
            .iter()
            .position(|h| *h == header)
            .unwrap_or_else(|| panic!("{sheet}: no {header}"));
        rows.map(|r| r[c].to_string()).collect()
    };
    assert_eq!(column(&mut book, "组团园区", "组团编号"), ["CQJK-A"]);
    let enterprises = column(&mut book, "源 企业", "所在组团");
    assert!(!enterprises.is_empty() && enterprises.iter().all(|c| c == "CQJK-A"));
    let whole: Xlsx<_> = open_workbook(out.join("survey.xlsx")).unwrap();
    let mut whole = whole;
    let all = column(&mut whole, "源 企业", "所在组团");
    assert_eq!(
        enterprises.len(),
        all.iter().filter(|c| *c == "CQJK-A").count()
    );
    let pipes = column(&mut book, "管网 管段", "管段编号");
    assert!(pipes.iter().all(|p| p.starts_with("CQJK-A-")), "{pipes:?}");
    let codes = column(&mut book, "管网 管段", "问题代码");
    let at = pipes.iter().position(|p| p == "CQJK-A-YSE07").unwrap();
    assert!(
        codes[at].contains("CROSS_CONNECTION_POINT"),
        "{}",
        codes[at]
    );
    let problem_clusters = column(&mut book, "问题清单", "所在组团");
    assert!(!problem_clusters.is_empty());
    assert!(
        problem_clusters.iter().all(|c| c == "CQJK-A"),
        "{problem_clusters:?}"
    );

    // CQJK-B's 在线监控 is unanswered: answered 是 in its own workbook, it is read back.
    let filled = dir.path().join("CQJK-B-filled.xlsx");
    fill_answer(&out.join("survey/CQJK-B.xlsx"), &filled, "在线监控", "是");
    assert_one_answer_fewer(dir.path(), &out, &filled, "CQJK-B");
}

/// `zdz analyze --survey filled` counts one unanswered item fewer for `cluster` than the
/// run in `out` did.
fn assert_one_answer_fewer(
    dir: &std::path::Path,
    out: &std::path::Path,
    filled: &std::path::Path,
    cluster: &str,
) {
    let out2 = dir.join("out2");
    zdz_ok(&[
        "analyze",
        "--out",
        out2.to_str().unwrap(),
        "--no-maps",
        "--survey",
        filled.to_str().unwrap(),
    ]);
    let unanswered = |path: &std::path::Path| {
        read_json(&path.join("clusters.geojson"))["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["cluster_id"] == cluster)
            .unwrap()["properties"]["unanswered_count"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(unanswered(out) - 1, unanswered(&out2));
}

/// Copy a workbook's 组团园区 sheet with `header` set to `value` on every row, the way a
/// district types it in.
fn fill_answer(from: &std::path::Path, to: &std::path::Path, header: &str, value: &str) {
    let mut book: Xlsx<_> = open_workbook(from).unwrap();
    let range = book.worksheet_range("组团园区").unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    let ws = out.add_worksheet();
    ws.set_name("组团园区").unwrap();
    let names: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = names.iter().position(|h| h == header).unwrap();
    for (r, row) in range.rows().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let text = if r > 0 && c == col {
                value.to_string()
            } else {
                cell.to_string()
            };
            ws.write_string(r as u32, c as u16, &text).unwrap();
        }
    }
    out.save(to).unwrap();
}

/// A workbook edited with openpyxl and saved again by LibreOffice (headless `soffice
/// --convert-to xlsx`), as a district may: its answer and its problem's status both read
/// back, by `zdz analyze --survey` and by `zdz ledger import`.
#[test]
fn a_workbook_filled_in_and_saved_by_libreoffice_reads_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let ledger = dir.path().join("ledger.db");
    let ledger = ledger.to_str().unwrap();
    zdz_ok(&[
        "analyze",
        "--out",
        out.to_str().unwrap(),
        "--no-maps",
        "--ledger",
        ledger,
    ]);
    let problems = read_json(&out.join("problems.geojson"));
    let cross = problems["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["code"] == "STORM_CROSS_CONNECTION")
        .unwrap()["properties"]["problem_id"]
        .as_str()
        .unwrap()
        .to_string();

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let edited = dir.path().join("edited.xlsx");
    let python = root.join("target/schemathesis-venv/bin/python");
    let run = std::process::Command::new(&python)
        .arg(root.join("tests/python/fill_survey.py"))
        .args([out.join("survey.xlsx").as_os_str(), edited.as_os_str()])
        .args(["组团园区", "组团编号", "CQJK-B", "在线监控", "是"])
        .args(["问题清单", "问题编号", &cross, "整改状态", "整改中"])
        .args([
            "问题清单",
            "问题编号",
            &cross,
            "责任单位",
            "南岸区生态环境局",
        ])
        .output()
        .expect("openpyxl in target/schemathesis-venv (./dev test installs it)");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let saved = dir.path().join("libreoffice");
    let profile = format!("file://{}", dir.path().join("lo-profile").display());
    let run = std::process::Command::new("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to", "xlsx", "--outdir"])
        .args([saved.as_os_str(), edited.as_os_str()])
        .output()
        .expect("soffice (libreoffice-calc-nogui; ./dev test installs it)");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let saved = saved.join("edited.xlsx");
    assert!(saved.exists(), "{}", String::from_utf8_lossy(&run.stdout));
    assert_ne!(
        std::fs::read(&saved).unwrap(),
        std::fs::read(&edited).unwrap()
    );

    // The answer: CQJK-B has one unanswered item fewer.
    assert_one_answer_fewer(dir.path(), &out, &saved, "CQJK-B");

    // The problem: in progress, with its unit, and nothing else changed.
    let imported = zdz_ok(&[
        "ledger",
        "import",
        "--ledger",
        ledger,
        saved.to_str().unwrap(),
        "--by",
        "南岸区",
    ]);
    assert!(imported.starts_with("1 applied"), "{imported}");
    let listed: Value =
        serde_json::from_str(&zdz_ok(&["ledger", "list", "--ledger", ledger, "--json"])).unwrap();
    let e = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["problem_id"] == cross.as_str())
        .unwrap();
    assert_eq!(e["status"], "in_progress", "{e}");
    assert_eq!(e["unit"], "南岸区生态环境局", "{e}");
}
