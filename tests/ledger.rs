//! The problem ledger end to end, every test on both engines: a SQLite file and a real
//! PostgreSQL server (the one `./dev test` starts; `ZDZ_TEST_PG`). Runs of the binary on a
//! copy of the demo whose data changes between runs, the commands exactly as bureaus type
//! them, and the answers stated in the test names.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

/// A ledger URL per engine: a SQLite file in `dir`, and a fresh PostgreSQL database when a
/// server is at hand.
fn backends(dir: &Path) -> Vec<String> {
    let mut out = vec![dir.join("ledger.db").to_string_lossy().into_owned()];
    if let Some(url) = pg_database() {
        out.push(url);
    }
    out
}

/// A new, empty database on the test server, as a postgres:// URL.
fn pg_database() -> Option<String> {
    let Ok(conn) = std::env::var("ZDZ_TEST_PG") else {
        assert!(
            std::env::var("ZDZ_REQUIRE_PG").is_err(),
            "ZDZ_REQUIRE_PG is set but ZDZ_TEST_PG is not"
        );
        return None;
    };
    let field = |k: &str| {
        conn.split_whitespace()
            .find_map(|p| p.strip_prefix(&format!("{k}=")))
            .map(str::to_string)
    };
    let (host, port, user) = (
        field("host").unwrap_or("127.0.0.1".into()),
        field("port").unwrap_or("5432".into()),
        field("user").unwrap_or("postgres".into()),
    );
    let name = format!("zdz_ledger_{}", fastrand::u64(..));
    let mut admin = postgres::Client::connect(
        &format!("postgres://{user}@{host}:{port}/postgres"),
        postgres::NoTls,
    )
    .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    Some(format!("postgres://{user}@{host}:{port}/{name}"))
}

/// The demo copied into `dir/ws`, so its data can change between runs.
fn demo_copy(dir: &Path) -> PathBuf {
    let ws = dir.join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for e in std::fs::read_dir(&data).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, ws.join(p.file_name().unwrap())).unwrap();
    }
    ws
}

fn run_zdz(args: &[&str]) -> std::process::Output {
    Command::new(zdz_bin())
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn analyze(ws: &Path, out: &Path, ledger: &str) {
    analyze_with(ws, out, ledger, &[]);
}

/// `zdz analyze` of `ws` into `out`, recorded in `ledger`, with `extra` arguments.
fn analyze_with(ws: &Path, out: &Path, ledger: &str, extra: &[&str]) {
    let mut args = vec![
        "analyze",
        ws.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--force",
        "--no-maps",
        "--ledger",
        ledger,
    ];
    args.extend_from_slice(extra);
    zdz_ok(&args);
}

fn list(ledger: &str) -> Vec<Value> {
    let text = zdz_ok(&["ledger", "list", "--ledger", ledger, "--json"]);
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn entry(ledger: &str, code: &str, feature: &str) -> Value {
    let id = zdz::analysis::problem::stable_id(
        zdz::contract::ProblemCode::from_name(code).unwrap(),
        match code {
            c if c.starts_with("OUTFALL") || c.starts_with("STORM") || c == "DRY_WEATHER_FLOW" => {
                zdz::contract::LayerKind::Outfalls
            }
            c if c.starts_with("ENTERPRISE") => zdz::contract::LayerKind::Enterprises,
            "PLANT_OVERLOADED" => zdz::contract::LayerKind::Plants,
            _ => zdz::contract::LayerKind::Pipes,
        },
        feature,
    );
    list(ledger)
        .into_iter()
        .find(|e| e["problem_id"] == id.as_str())
        .unwrap_or_else(|| panic!("no {code} on {feature} in {ledger}"))
}

fn set(ledger: &str, id: &str, args: &[&str]) -> std::process::Output {
    let mut a = vec!["ledger", "set", "--ledger", ledger, id];
    a.extend_from_slice(args);
    run_zdz(&a)
}

/// Remove the demo's cross-connection in 茶园 (CQJK-A): the sewage pipe joined to the storm
/// trunk, as a bureau would after fixing it.
fn fix_cross_connection(ws: &Path) {
    let path = ws.join("pipes.geojson");
    let mut fc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    fc["features"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["properties"]["pipe_id"] != "CQJK-A-WS-X1");
    std::fs::write(&path, fc.to_string()).unwrap();
}

fn put_back_cross_connection(ws: &Path) {
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/pipes.geojson"),
        ws.join("pipes.geojson"),
    )
    .unwrap();
}

#[test]
fn the_loop_open_fix_not_detected_close_break_again_recurrence_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    for ledger in backends(dir.path()) {
        let ws = demo_copy(&dir.path().join(fastrand::u32(..).to_string()));
        let out = ws.parent().unwrap().join("out");
        analyze(&ws, &out, &ledger);

        // Every problem is an open entry, due at its cluster's deadline.
        let all = list(&ledger);
        let problems = read_json(&out.join("problems.geojson"));
        assert_eq!(all.len(), problems["features"].as_array().unwrap().len());
        assert!(
            all.iter()
                .all(|e| e["status"] == "open" && e["detected"] == true)
        );
        let scc = entry(&ledger, "STORM_CROSS_CONNECTION", "CQJK-A-YS2");
        assert_eq!(scc["due"], "2024-12-31");
        assert_eq!(scc["district"], "南岸区");
        assert_eq!(scc["history_count"], 1);
        let id = scc["problem_id"].as_str().unwrap().to_string();

        // Closing while still detected is refused, exit 1, with the finding.
        let refused = set(&ledger, &id, &["--status", "closed", "--by", "张工"]);
        assert_eq!(refused.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&refused.stderr).contains("still detected"));

        let ok = set(
            &ledger,
            &id,
            &[
                "--status",
                "整改中",
                "--by",
                "张工",
                "--unit",
                "南岸区园区管委会",
                "--measure",
                "封堵混接点",
                "--due",
                "2025/10/31",
            ],
        );
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
        let e = entry(&ledger, "STORM_CROSS_CONNECTION", "CQJK-A-YS2");
        assert_eq!(e["status"], "in_progress");
        assert_eq!(e["due"], "2025-10-31");
        assert_eq!(e["unit"], "南岸区园区管委会");
        assert_eq!(e["version"], 2);

        // The data changes: fixed. The entry is not detected, and stays in progress.
        fix_cross_connection(&ws);
        analyze(&ws, &out, &ledger);
        let e = entry(&ledger, "STORM_CROSS_CONNECTION", "CQJK-A-YS2");
        assert_eq!(e["detected"], false);
        assert_eq!(e["status"], "in_progress");
        let summary = read_json(&out.join("summary.json"));
        // The outfall's STORM_CROSS_CONNECTION and the node's CROSS_CONNECTION_POINT.
        assert_eq!(summary["ledger"]["not_detected"], 2);

        // Now it may be closed.
        let closed = set(&ledger, &id, &["--status", "closed", "--by", "李处"]);
        assert!(
            closed.status.success(),
            "{}",
            String::from_utf8_lossy(&closed.stderr)
        );

        // Broken again: reopened, one recurrence, 反复 in the outputs.
        put_back_cross_connection(&ws);
        analyze(&ws, &out, &ledger);
        let e = entry(&ledger, "STORM_CROSS_CONNECTION", "CQJK-A-YS2");
        assert_eq!(e["status"], "open");
        assert_eq!(e["recurrences"], 1);
        assert_eq!(e["recurrent"], true);
        let problems = read_json(&out.join("problems.geojson"));
        let p = problems["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["problem_id"] == id.as_str())
            .unwrap();
        assert_eq!(p["properties"]["recurrences"], 1);
        assert_eq!(p["properties"]["change"], "recurred");
        assert_eq!(
            read_json(&out.join("summary.json"))["ledger"]["recurred"],
            1
        );
        // The history holds every change, the last by zdz.
        assert!(e["history_count"].as_i64().unwrap() >= 5, "{e}");
    }
}

/// The demo without its project file (so the ledger knows it by its path), copied to
/// `dir/name`.
fn unnamed_delivery(from: &Path, dir: &Path, name: &str) -> PathBuf {
    let ws = dir.join(name);
    std::fs::create_dir_all(&ws).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() != "zdz.toml" {
            std::fs::copy(&p, ws.join(p.file_name().unwrap())).unwrap();
        }
    }
    ws
}

#[test]
fn the_same_data_delivered_again_under_another_name_matches_every_entry_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    for ledger in backends(dir.path()) {
        let base = dir.path().join(fastrand::u32(..).to_string());
        let demo = demo_copy(&base);
        let a = unnamed_delivery(&demo, &base, "a");
        let b = unnamed_delivery(&demo, &base, "b");
        let out = base.join("out");
        analyze(&a, &out, &ledger);
        let first = list(&ledger);
        let clusterless = first
            .iter()
            .filter(|e| e["cluster_ids"].as_array().is_none_or(|c| c.is_empty()))
            .count();
        assert!(clusterless > 0, "the demo has problems of no cluster");

        // Delivered again as another file: every entry matched, none inserted twice.
        analyze(&b, &out, &ledger);
        assert_eq!(list(&ledger).len(), first.len());
        let ledger_summary = &read_json(&out.join("summary.json"))["ledger"];
        assert_eq!(ledger_summary["new"], 0, "{ledger_summary}");
        assert_eq!(ledger_summary["not_detected"], 0, "{ledger_summary}");

        // Delivered a third time, changed: the fixed problem is no longer detected, and
        // nothing else moves.
        let c = unnamed_delivery(&b, &base, "c");
        fix_cross_connection(&c);
        analyze(&c, &out, &ledger);
        assert_eq!(list(&ledger).len(), first.len());
        let e = entry(&ledger, "STORM_CROSS_CONNECTION", "CQJK-A-YS2");
        assert_eq!(e["detected"], false);
        let ledger_summary = &read_json(&out.join("summary.json"))["ledger"];
        assert_eq!(ledger_summary["new"], 0, "{ledger_summary}");
        // The outfall's STORM_CROSS_CONNECTION and the node's CROSS_CONNECTION_POINT.
        assert_eq!(ledger_summary["not_detected"], 2, "{ledger_summary}");
    }
}

#[test]
fn a_rule_that_could_not_run_leaves_its_problems_detected() {
    let dir = tempfile::tempdir().unwrap();
    for ledger in backends(dir.path()) {
        let ws = demo_copy(&dir.path().join(fastrand::u32(..).to_string()));
        let out = ws.parent().unwrap().join("out");
        analyze(&ws, &out, &ledger);
        let before = entry(&ledger, "DRY_WEATHER_FLOW", "FLZB-A-YS1");
        assert_eq!(before["detected"], true);
        // Without the inspections the rule cannot run: its silence says nothing.
        std::fs::remove_file(ws.join("inspections.csv")).unwrap();
        analyze(&ws, &out, &ledger);
        let after = entry(&ledger, "DRY_WEATHER_FLOW", "FLZB-A-YS1");
        assert_eq!(after["detected"], true);
        assert_eq!(after["version"], before["version"]);
        let summary = read_json(&out.join("summary.json"));
        assert_eq!(summary["rules_ran"]["DRY_WEATHER_FLOW"], false);
    }
}

#[test]
fn dismissing_needs_a_reason_and_a_dismissed_veto_no_longer_vetoes() {
    let dir = tempfile::tempdir().unwrap();
    for ledger in backends(dir.path()) {
        let ws = demo_copy(&dir.path().join(fastrand::u32(..).to_string()));
        let out = ws.parent().unwrap().join("out");
        analyze(&ws, &out, &ledger);
        let polluted = entry(&ledger, "STORM_OUTFALL_POLLUTED", "BSGX-A-YS2");
        let id = polluted["problem_id"].as_str().unwrap();
        let no_reason = set(&ledger, id, &["--status", "dismissed", "--by", "王工"]);
        assert_eq!(no_reason.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&no_reason.stderr).contains("reason"));
        let ok = set(
            &ledger,
            id,
            &[
                "--status",
                "不予认定",
                "--by",
                "王工",
                "--note",
                "采样点受上游施工影响，复测达标",
            ],
        );
        assert!(ok.status.success());
        analyze(&ws, &out, &ledger);
        let clusters = read_json(&out.join("clusters.geojson"));
        let bsgx = clusters["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["cluster_id"] == "BSGX-A")
            .unwrap();
        assert_eq!(bsgx["properties"]["veto"], false);
        assert_eq!(bsgx["properties"]["STORM_OUTFALL_POLLUTED"], 0);
        assert_eq!(bsgx["properties"]["ready"], true);
        assert_eq!(
            entry(&ledger, "STORM_OUTFALL_POLLUTED", "BSGX-A-YS2")["status"],
            "dismissed"
        );
    }
}

#[test]
fn workbook_import_applies_rows_and_skips_unknown_stale_and_unreadable_ones() {
    use calamine::{Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    for ledger in backends(dir.path()) {
        let ws = demo_copy(&dir.path().join(fastrand::u32(..).to_string()));
        let out = ws.parent().unwrap().join("out");
        analyze(&ws, &out, &ledger);
        // The bureau fills in four rows; meanwhile one of them changes in the ledger.
        let mut book: Xlsx<_> = open_workbook(out.join("survey.xlsx")).unwrap();
        let sheet = book.worksheet_range("问题清单").unwrap();
        let header: Vec<String> = sheet
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let col = |h: &str| header.iter().position(|x| x == h).unwrap();
        let rows: Vec<Vec<String>> = sheet
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        let mut w = rust_xlsxwriter::Workbook::new();
        let s = w.add_worksheet();
        s.set_name("问题清单").unwrap();
        for (c, h) in header.iter().enumerate() {
            s.write_string(0, c as u16, h).unwrap();
        }
        let stale = rows[2][col("问题编号")].clone();
        let edits: [(usize, &str, &str); 4] = [
            (1, "整改中", "2025-11-30"),
            (2, "整改中", "2025-11-30"),
            (3, "完成了", "2025-11-30"),
            (4, "整改中", "明年"),
        ];
        for (r, (src, status, due)) in edits.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, v) in rows[*src].iter().enumerate() {
                s.write_string(r, c as u16, v).unwrap();
            }
            s.write_string(r, col("整改状态") as u16, *status).unwrap();
            s.write_string(r, col("完成时限") as u16, *due).unwrap();
            s.write_string(r, col("责任单位") as u16, "园区管委会")
                .unwrap();
        }
        s.write_string(5, col("问题编号") as u16, "Pffffffffffff")
            .unwrap();
        s.write_string(5, col("台账版本") as u16, "1").unwrap();
        let filled = ws.parent().unwrap().join("filled.xlsx");
        w.save(&filled).unwrap();
        assert!(
            set(&ledger, &stale, &["--by", "李处", "--note", "现场核查中"])
                .status
                .success()
        );

        let imported = run_zdz(&[
            "ledger",
            "import",
            "--ledger",
            &ledger,
            filled.to_str().unwrap(),
            "--by",
            "张工",
        ]);
        let stdout = String::from_utf8_lossy(&imported.stdout);
        let stderr = String::from_utf8_lossy(&imported.stderr);
        assert_eq!(imported.status.code(), Some(1), "{stdout}{stderr}");
        assert!(stdout.contains("1 applied, 4 skipped"), "{stdout}");
        assert!(
            stderr.contains("changed in the ledger after the workbook was written"),
            "{stderr}"
        );
        assert!(stderr.contains("完成了"), "{stderr}");
        assert!(stderr.contains("明年"), "{stderr}");
        assert!(stderr.contains("Pffffffffffff"), "{stderr}");
        let applied = list(&ledger)
            .into_iter()
            .find(|e| e["problem_id"] == rows[1][col("问题编号")].as_str())
            .unwrap();
        assert_eq!(applied["status"], "in_progress");
        assert_eq!(applied["due"], "2025-11-30");
        assert_eq!(applied["unit"], "园区管委会");
    }
}

#[test]
fn progress_workbook_counts_per_district_and_cluster_with_overdue_and_recurrence_sheets() {
    use calamine::{Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    for ledger in backends(dir.path()) {
        let ws = demo_copy(&dir.path().join(fastrand::u32(..).to_string()));
        let out = ws.parent().unwrap().join("out");
        analyze(&ws, &out, &ledger);
        let report = ws.parent().unwrap().join("progress.xlsx");
        zdz_ok(&[
            "ledger",
            "report",
            "--ledger",
            &ledger,
            "--out",
            report.to_str().unwrap(),
        ]);
        let mut book: Xlsx<_> = open_workbook(&report).unwrap();
        assert_eq!(
            book.sheet_names(),
            ["按区县", "按组团", "逾期问题", "反复问题"]
        );
        let districts = book.worksheet_range("按区县").unwrap();
        let header: Vec<String> = districts
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let found = header.iter().position(|h| h == "问题数").unwrap();
        let total_row = districts.rows().next_back().unwrap();
        assert_eq!(total_row[0].to_string(), "合计");
        assert_eq!(
            total_row[found].to_string(),
            list(&ledger).len().to_string()
        );
        // The demo's 2024 and 2025 deadlines have passed (today is after them): overdue.
        assert!(book.worksheet_range("逾期问题").unwrap().height() > 1);
    }
}

#[test]
fn a_user_token_is_printed_once_alone_on_the_last_line() {
    let dir = tempfile::tempdir().unwrap();
    for ledger in backends(dir.path()) {
        let out = zdz_ok(&[
            "ledger",
            "user",
            "add",
            "--ledger",
            &ledger,
            "南岸区环境局",
            "--role",
            "district",
            "--district",
            "南岸区",
        ]);
        let last = out.lines().last().unwrap();
        assert!(last.starts_with("zdz_") && last.len() > 40, "{out}");
        let again = run_zdz(&[
            "ledger",
            "user",
            "add",
            "--ledger",
            &ledger,
            "南岸区环境局",
            "--role",
            "viewer",
        ]);
        assert_eq!(again.status.code(), Some(1));
        let no_district = run_zdz(&[
            "ledger", "user", "add", "--ledger", &ledger, "某区", "--role", "district",
        ]);
        assert_eq!(no_district.status.code(), Some(1));
    }
}

fn token(ledger: &str, name: &str, role: &str, district: Option<&str>) -> String {
    let mut args = vec![
        "ledger", "user", "add", "--ledger", ledger, name, "--role", role,
    ];
    if let Some(d) = district {
        args.extend(["--district", d]);
    }
    zdz_ok(&args).lines().last().unwrap().to_string()
}

#[test]
fn over_http_tokens_roles_versions_and_evidence_behave_on_both_engines() {
    use reqwest::blocking::{Client, multipart};
    let dir = tempfile::tempdir().unwrap();
    for ledger in backends(dir.path()) {
        let ws = demo_copy(&dir.path().join(fastrand::u32(..).to_string()));
        let city = token(&ledger, "市局", "city", None);
        let nanan = token(&ledger, "南岸区", "district", Some("南岸区"));
        let viewer = token(&ledger, "查看", "viewer", None);
        let server = common::server::Server::start(&ws, &["--ledger", &ledger]);
        let c = Client::new();
        let url = |p: &str| format!("{}{p}", server.url);
        let get = |p: &str, t: Option<&str>| {
            let mut r = c.get(url(p));
            if let Some(t) = t {
                r = r.bearer_auth(t);
            }
            r.send().unwrap()
        };

        // No token, or an unknown one: 401 with the JSON error shape.
        let r = get("/api/ledger/problems", None);
        assert_eq!(r.status().as_u16(), 401);
        let body: Value = r.json().unwrap();
        assert_eq!(body["code"], "Unauthorized");
        assert_eq!(
            get("/api/ledger/problems", Some("zdz_0000000000000000_x"))
                .status()
                .as_u16(),
            401
        );

        // A district sees its own district only.
        let all: Vec<Value> = get("/api/ledger/problems", Some(&city)).json().unwrap();
        let mine: Vec<Value> = get("/api/ledger/problems", Some(&nanan)).json().unwrap();
        assert!(!mine.is_empty() && mine.len() < all.len());
        assert!(mine.iter().all(|e| e["district"] == "南岸区"));
        let other = all.iter().find(|e| e["district"] == "长寿区").unwrap();
        let other_id = other["problem_id"].as_str().unwrap();
        let path = format!("/api/ledger/problems/{other_id}");
        assert_eq!(get(&path, Some(&nanan)).status().as_u16(), 403);
        let post = |id: &str, t: &str, body: Value| {
            c.post(url(&format!("/api/ledger/problems/{id}")))
                .bearer_auth(t)
                .json(&body)
                .send()
                .unwrap()
        };
        let v = other["version"].as_i64().unwrap();
        assert_eq!(
            post(
                other_id,
                &nanan,
                serde_json::json!({"version": v, "status": "in_progress"})
            )
            .status()
            .as_u16(),
            403
        );
        assert_eq!(
            post(
                other_id,
                &viewer,
                serde_json::json!({"version": v, "status": "in_progress"})
            )
            .status()
            .as_u16(),
            403
        );

        // Two clients change one entry from the same version: one wins, the other 409s
        // and is told the current entry.
        let id = mine[0]["problem_id"].as_str().unwrap().to_string();
        let v = mine[0]["version"].as_i64().unwrap();
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| {
                post(
                    &id,
                    &nanan,
                    serde_json::json!({"version": v, "status": "整改中", "unit": "甲"}),
                )
            });
            let b = s.spawn(|| {
                post(
                    &id,
                    &city,
                    serde_json::json!({"version": v, "status": "in_progress", "unit": "乙"}),
                )
            });
            (a.join().unwrap(), b.join().unwrap())
        });
        let mut codes = [a.status().as_u16(), b.status().as_u16()];
        codes.sort();
        assert_eq!(codes, [200, 409]);
        let loser: Value = if a.status().as_u16() == 409 {
            a.json().unwrap()
        } else {
            b.json().unwrap()
        };
        assert_eq!(loser["code"], "Conflict");
        assert_eq!(loser["current"]["version"], v + 1);

        // Closing a detected problem over HTTP: 409 with the finding.
        let r = post(
            &id,
            &nanan,
            serde_json::json!({"version": v + 1, "status": "closed"}),
        );
        assert_eq!(r.status().as_u16(), 409);
        let body: Value = r.json().unwrap();
        assert!(
            body["description"]
                .as_str()
                .unwrap()
                .contains("still detected")
        );

        // Evidence: uploaded by multipart, listed with the entry, downloaded by hash only.
        let photo = b"\xff\xd8\xff\xe0 a photo of the fixed connection".to_vec();
        let form = multipart::Form::new().part(
            "file",
            multipart::Part::bytes(photo.clone())
                .file_name("现场照片.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
        let r = c
            .post(url(&format!("/api/ledger/problems/{id}/evidence")))
            .bearer_auth(&nanan)
            .multipart(form)
            .send()
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{}", r.text().unwrap());
        let e: Value = get(&format!("/api/ledger/problems/{id}"), Some(&nanan))
            .json()
            .unwrap();
        let sha = e["evidence"][0]["sha256"].as_str().unwrap().to_string();
        assert_eq!(e["evidence"][0]["file_name"], "现场照片.jpg");
        let got = get(&format!("/api/ledger/evidence/{sha}"), Some(&viewer));
        assert_eq!(got.status().as_u16(), 200);
        assert_eq!(got.headers()["content-type"], "image/jpeg");
        assert_eq!(got.bytes().unwrap().to_vec(), photo);
        assert_eq!(
            get("/api/ledger/evidence/..%2F..%2Fetc%2Fpasswd", Some(&city))
                .status()
                .as_u16(),
            400
        );

        // Progress, and the public collections carry no ledger fields by default.
        let p: Value = get("/api/ledger/progress", Some(&nanan)).json().unwrap();
        assert!(
            p["districts"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["district"] == "南岸区")
        );
        let items: Value = get("/collections/problems/items?limit=1", None)
            .json()
            .unwrap();
        assert!(items["features"][0]["properties"].get("status").is_none());
        drop(server);
    }
}

fn runs(ledger: &str) -> i64 {
    let l = zdz::ledger::Ledger::open(ledger).unwrap();
    l.store().check().unwrap();
    zdz::ledger::store::with(l.store(), |tx| {
        Ok(
            zdz::ledger::store::scalar(tx, "SELECT COUNT(*) FROM runs", &[])?
                .and_then(|v| v.int())
                .unwrap(),
        )
    })
    .unwrap()
}

#[test]
fn kill_9_in_the_middle_of_reconciling_leaves_the_ledger_whole_without_that_run() {
    let dir = tempfile::tempdir().unwrap();
    for ledger in backends(dir.path()) {
        let ws = demo_copy(&dir.path().join(fastrand::u32(..).to_string()));
        let out = ws.parent().unwrap().join("out");
        analyze(&ws, &out, &ledger);
        let before = list(&ledger);
        fix_cross_connection(&ws);
        let mut child = paused_at(
            "reconcile",
            60_000,
            &[
                "analyze",
                ws.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--force",
                "--no-maps",
                "--ledger",
                &ledger,
            ],
        );
        // Half the run's problems are written in its transaction: kill it there.
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(runs(&ledger), 1, "the killed run is not recorded");
        assert_eq!(list(&ledger), before, "no entry changed");
        // The next run is recorded whole.
        analyze(&ws, &out, &ledger);
        assert_eq!(runs(&ledger), 2);
        assert_eq!(
            entry(&ledger, "STORM_CROSS_CONNECTION", "CQJK-A-YS2")["detected"],
            false
        );
    }
}

/// `zdz analyze` of `ws` into `out` with `ledger`, as of `as_of`; the clusters' campaign
/// statuses by id.
fn campaign(
    ws: &Path,
    out: &Path,
    ledger: &str,
    as_of: &str,
) -> std::collections::BTreeMap<String, String> {
    analyze_with(ws, out, ledger, &["--as-of", as_of]);
    read_json(&out.join("clusters.geojson"))["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["cluster_id"].as_str().unwrap().to_string(),
                p["campaign_status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn accept(ledger: &str, cluster: &str, score: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "ledger",
        "accept",
        cluster,
        "--ledger",
        ledger,
        "--date",
        "2025-11-20",
        "--score",
        score,
        "--by",
        "验收组",
    ];
    args.extend_from_slice(extra);
    run_zdz(&args)
}

#[test]
fn acceptance_is_refused_while_a_veto_is_detected_accepted_once_fixed_and_a_new_problem_makes_recheck_on_both_engines()
 {
    let dir = tempfile::tempdir().unwrap();
    for ledger in backends(dir.path()) {
        let ws = demo_copy(&dir.path().join(fastrand::u32(..).to_string()));
        let out = ws.parent().unwrap().join("out");
        let before = campaign(&ws, &out, &ledger, "2026-12-06");
        // Both due before 2026-12-06 and not accepted: overdue.
        assert_eq!(before["CSJK-A"], "overdue");
        assert_eq!(before["CQJK-A"], "overdue");
        assert_eq!(before["CSJK-C"], "out_of_scope");

        // CSJK-A's sewage outfall vetoes it: refused, exit 1, naming the veto.
        let refused = accept(&ledger, "CSJK-A", "95", &[]);
        assert_eq!(refused.status.code(), Some(1));
        let why = String::from_utf8_lossy(&refused.stderr);
        assert!(why.contains("veto"), "{why}");

        // The outfall removed, as the bureau closes it: accepted.
        let problems = read_json(&out.join("problems.geojson"));
        let vetoing: Vec<String> = problems["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                f["properties"]["code"] == "OUTFALL_SEWAGE_DIRECT"
                    && f["properties"]["cluster_id"] == "CSJK-A"
            })
            .map(|f| f["properties"]["feature_id"].as_str().unwrap().to_string())
            .collect();
        assert!(!vetoing.is_empty());
        let path = ws.join("outfalls.geojson");
        let mut fc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        fc["features"].as_array_mut().unwrap().retain(|f| {
            !vetoing.contains(
                &f["properties"]["outfall_id"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        });
        std::fs::write(&path, fc.to_string()).unwrap();
        campaign(&ws, &out, &ledger, "2026-12-06");
        let ok = accept(&ledger, "CSJK-A", "95", &["--item", "S1=1"]);
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
        let recorded: Value = serde_json::from_slice(&ok.stdout).unwrap();
        assert_eq!(recorded["score"], 95.0);
        assert!(recorded["zdz_score"].is_number(), "{recorded}");
        // Below the pass line is recorded, and accepts nothing.
        assert!(accept(&ledger, "CQJK-A", "85", &[]).status.success());

        let after = campaign(&ws, &out, &ledger, "2026-12-06");
        assert_eq!(after["CSJK-A"], "accepted");
        assert_eq!(after["CQJK-A"], "overdue");
        // The day before the acceptance it was not accepted, and past its 2024 deadline.
        assert_eq!(
            campaign(&ws, &out, &ledger, "2025-11-19")["CSJK-A"],
            "overdue"
        );

        // A grade-4 defect appears in CSJK-A's network: a problem not detected when it was
        // accepted puts it under 回头看.
        let path = ws.join("pipes.geojson");
        let mut fc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let pipe = fc["features"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|f| {
                f["properties"]["pipe_id"]
                    .as_str()
                    .is_some_and(|id| id.starts_with("CSJK-A"))
                    && f["properties"]["defect_grade"].as_i64().unwrap_or(0) < 3
            })
            .unwrap();
        pipe["properties"]["defect_grade"] = serde_json::json!(4);
        std::fs::write(&path, fc.to_string()).unwrap();
        assert_eq!(
            campaign(&ws, &out, &ledger, "2026-12-06")["CSJK-A"],
            "recheck"
        );
        let summary = read_json(&out.join("summary.json"));
        assert_eq!(
            summary["campaign"]["counts"]["recheck"], 1,
            "{}",
            summary["campaign"]
        );

        // The history keeps every acceptance.
        let history: Value = serde_json::from_str(&zdz_ok(&[
            "ledger",
            "acceptances",
            "CSJK-A",
            "--ledger",
            &ledger,
        ]))
        .unwrap();
        assert_eq!(history.as_array().unwrap().len(), 1);
        assert_eq!(history[0]["differing_items"][0]["item"], "S1");
    }
}

#[test]
fn a_cluster_due_2025_12_31_is_overdue_as_of_2026_01_01_and_due_as_of_2025_12_30() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy(dir.path());
    let ledger = dir.path().join("ledger.db").to_string_lossy().into_owned();
    let out = dir.path().join("out");
    assert_eq!(
        campaign(&ws, &out, &ledger, "2026-01-01")["CQJK-B"],
        "overdue"
    );
    assert_eq!(campaign(&ws, &out, &ledger, "2025-12-30")["CQJK-B"], "due");
    assert_eq!(campaign(&ws, &out, &ledger, "2025-12-30")["JJGY-B"], "due");
}

#[test]
fn over_http_a_district_records_acceptances_of_its_own_clusters_only_and_the_city_of_any_on_both_engines()
 {
    let dir = tempfile::tempdir().unwrap();
    for ledger in backends(dir.path()) {
        let ws = demo_copy(&dir.path().join(fastrand::u32(..).to_string()));
        let city = token(&ledger, "市局", "city", None);
        let nanan = token(&ledger, "南岸区环境局", "district", Some("南岸区"));
        let server =
            common::server::Server::start(&ws, &["--ledger", &ledger, "--as-of", "2026-12-06"]);
        let client = reqwest::blocking::Client::new();
        let post = |cluster: &str, token: &str, body: Value| {
            client
                .post(format!(
                    "{}/api/ledger/clusters/{cluster}/acceptance",
                    server.url
                ))
                .bearer_auth(token)
                .json(&body)
                .send()
                .unwrap()
        };
        let body = serde_json::json!({"date": "2025-11-20", "score": 93, "by": "验收组", "items": {"S1": 1}});
        // 南岸区 may not record 万州's cluster; it may record its own CQJK-B.
        assert_eq!(post("WZJK-A", &nanan, body.clone()).status(), 403);
        let own = post("CQJK-B", &nanan, body.clone());
        assert_eq!(own.status(), 200);
        let recorded: Value = own.json().unwrap();
        assert_eq!(recorded["recorded_by"], "南岸区环境局");
        assert_eq!(recorded["differing_items"][0]["item"], "S1");
        // The city may record any cluster; an unknown one is 404, a bad date 400.
        assert_eq!(post("WZJK-A", &city, body.clone()).status(), 200);
        assert_eq!(post("NOPE", &city, body.clone()).status(), 404);
        let mut bad = body.clone();
        bad["date"] = Value::from("2025-13-40");
        assert_eq!(post("WZJK-A", &city, bad).status(), 400);
        // The acceptance opinion, as a file: kept with the latest acceptance.
        let upload = |cluster: &str| {
            let form = reqwest::blocking::multipart::Form::new().part(
                "file",
                reqwest::blocking::multipart::Part::bytes(b"%PDF-1.4 opinion".to_vec())
                    .file_name("opinion.pdf")
                    .mime_str("application/pdf")
                    .unwrap(),
            );
            client
                .post(format!(
                    "{}/api/ledger/clusters/{cluster}/acceptance/evidence",
                    server.url
                ))
                .bearer_auth(&nanan)
                .multipart(form)
                .send()
                .unwrap()
        };
        let with_opinion = upload("CQJK-B");
        assert_eq!(with_opinion.status(), 200);
        let with_opinion: Value = with_opinion.json().unwrap();
        assert_eq!(with_opinion["evidence"].as_str().unwrap().len(), 64);
        // No acceptance of CQJK-C yet: nothing to attach it to.
        assert_eq!(upload("CQJK-C").status(), 404);
        let history: Value = client
            .get(format!(
                "{}/api/ledger/clusters/CQJK-B/acceptances",
                server.url
            ))
            .bearer_auth(&city)
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert_eq!(history.as_array().unwrap().len(), 1);
        // Without a token, nothing.
        assert_eq!(
            client
                .post(format!(
                    "{}/api/ledger/clusters/CQJK-B/acceptance",
                    server.url
                ))
                .json(&body)
                .send()
                .unwrap()
                .status(),
            401
        );
        drop(server);
        // The next run counts it: CQJK-B accepted, by the API's filter too.
        let out = ws.parent().unwrap().join("out");
        assert_eq!(
            campaign(&ws, &out, &ledger, "2026-12-06")["CQJK-B"],
            "accepted"
        );
        let server =
            common::server::Server::start(&ws, &["--ledger", &ledger, "--as-of", "2026-12-06"]);
        let accepted = server.json("/api/clusters?campaign_status=accepted");
        let ids: Vec<&str> = accepted["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["cluster_id"].as_str().unwrap())
            .collect();
        assert!(
            ids.contains(&"CQJK-B") && ids.contains(&"WZJK-A"),
            "{ids:?}"
        );
    }
}

/// A copy of the spot check's sheet at `from` with every row's 核查结果 filled by `result`.
fn fill_spotcheck(from: &Path, to: &Path, result: impl Fn(&[String]) -> &'static str) {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(from).unwrap();
    let range = book.worksheet_range("抽查").unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    let ws = out.add_worksheet();
    ws.set_name("抽查").unwrap();
    for (r, row) in range.rows().enumerate() {
        let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(r as u32, c as u16, v).unwrap();
        }
        if r > 0 {
            ws.write_string(r as u32, 7, result(&cells)).unwrap();
            ws.write_string(r as u32, 8, "市局核查组").unwrap();
        }
    }
    out.save(to).unwrap();
}

#[test]
fn the_same_seed_draws_the_same_spot_check_sample_and_a_failed_item_reopens_its_problem() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy(dir.path());
    let ledger = dir.path().join("ledger.db").to_string_lossy().into_owned();
    let out = dir.path().join("out");
    analyze(&ws, &out, &ledger);
    // The cross-connection in CQJK-A fixed and closed: a closed problem to check.
    fix_cross_connection(&ws);
    analyze(&ws, &out, &ledger);
    let id = entry(&ledger, "STORM_CROSS_CONNECTION", "CQJK-A-YS2")["problem_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        set(&ledger, &id, &["--status", "closed", "--by", "李处"])
            .status
            .success()
    );

    let draw = |to: &str, seed: &str| -> Value {
        let text = zdz_ok(&[
            "ledger",
            "spotcheck",
            // No workspace given: the one of the cluster's latest recorded run.
            "--ledger",
            &ledger,
            "--cluster",
            "CQJK-A",
            "--outfalls",
            "2",
            "--enterprises",
            "2",
            "--closed",
            "1",
            "--seed",
            seed,
            "--out",
            dir.path().join(to).to_str().unwrap(),
        ]);
        serde_json::from_str(&text).unwrap()
    };
    let a = draw("a", "7");
    let b = draw("b", "7");
    assert_eq!(a["items"], b["items"], "the same seed, the same sample");
    let items = a["items"].as_array().unwrap();
    let kinds = |k: &str| items.iter().filter(|i| i["kind"] == k).count();
    assert_eq!(
        (
            kinds("outfall"),
            kinds("enterprise"),
            kinds("closed_problem")
        ),
        (2, 2, 1)
    );
    assert!(items.iter().any(|i| i["problem_id"] == id.as_str()));
    let check = a["check_id"].as_str().unwrap();
    let sheet = dir.path().join(format!("a/抽查-{check}.xlsx"));
    assert!(dir.path().join(format!("a/抽查-{check}.pdf")).exists());

    // The team finds the closed problem back on site: 不合格, and it is reopened.
    let filled = dir.path().join("filled.xlsx");
    fill_spotcheck(&sheet, &filled, |cells| {
        if cells[3] == "已销号问题" {
            "不合格"
        } else {
            "合格"
        }
    });
    let imported = zdz_ok(&[
        "ledger",
        "import",
        "--ledger",
        &ledger,
        filled.to_str().unwrap(),
        "--by",
        "市局",
    ]);
    assert!(imported.starts_with("5 applied"), "{imported}");
    let e = entry(&ledger, "STORM_CROSS_CONNECTION", "CQJK-A-YS2");
    assert_eq!(e["status"], "open", "{e}");
}

#[test]
fn in_a_chinese_locale_the_ledger_commands_answer_in_whole_chinese_sentences() {
    // zdz in a Chinese locale.
    let in_chinese = |args: &[&str]| {
        Command::new(zdz_bin())
            .args(args)
            .env("LC_ALL", "zh_CN.UTF-8")
            .output()
            .unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy(dir.path());
    let ledger = dir.path().join("ledger.db").to_string_lossy().into_owned();
    analyze(&ws, &dir.path().join("out"), &ledger);
    let id = entry(&ledger, "STORM_CROSS_CONNECTION", "CQJK-A-YS2")["problem_id"]
        .as_str()
        .unwrap()
        .to_string();
    let out = in_chinese(&[
        "ledger",
        "set",
        "--ledger",
        &ledger,
        &id,
        "--status",
        "in_progress",
        "--by",
        "张工",
    ]);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("现为整改中"), "{said}");
    assert!(
        !said.contains(" is ") && !said.contains("version"),
        "{said}"
    );
    // A rule that refuses a change is a Chinese sentence too.
    let out = in_chinese(&[
        "ledger", "set", "--ledger", &ledger, &id, "--status", "closed", "--by", "张工",
    ]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!("{id} 不能销号：最近一次分析仍检出该问题")),
        "{said}"
    );
    assert!(!said.contains("cannot be closed"), "{said}");

    // And `zdz check` says a geometry's faults in Chinese, on the layer's Chinese name.
    let out = in_chinese(&["check", ws.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("已用 make-valid 修复") && said.contains("无几何；该要素未载入"),
        "{said}"
    );
    assert!(
        !said.contains("invalid polygon") && !said.contains("no geometry"),
        "{said}"
    );

    // A value the ledger does not take is a Chinese sentence, on the command line …
    let out = in_chinese(&[
        "ledger", "set", "--ledger", &ledger, &id, "--due", "明天", "--by", "张工",
    ]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("完成时限“明天”不是日期"), "{said}");
    assert!(!said.contains("is not a date"), "{said}");

    // … and so is a value the load cannot read, in zdz check and zdz analyze.
    let plants = ws.join("plants.geojson");
    let text = std::fs::read_to_string(&plants).unwrap();
    let at = text.find("\"设计规模\":").unwrap() + "\"设计规模\":".len();
    let end = at + text[at..].find([',', '}']).unwrap();
    std::fs::write(&plants, format!("{}\"约800\"{}", &text[..at], &text[end..])).unwrap();
    let out = in_chinese(&["check", ws.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("字段 capacity_tpd：“约800”不是数字"),
        "{said}"
    );
    assert!(!said.contains("is not a number"), "{said}");
}
