//! The pages in Debian's Chromium (headless, through playwright-core) at a desktop's and a
//! phone's size: sign-in, a problem moved to 整改中 with a photo, a stale edit, another
//! district's problem by URL, a post without its CSRF token, the dashboard against the
//! API, an inspection entered offline on the phone and sent when the connection returns
//! (and then raising DRY_WEATHER_FLOW), and sign-in refused after repeated failures. The
//! screenshots go into docs/ (ZDZ_UPDATE_DOCS=1) for the README.

mod common;

use std::path::Path;
use std::process::Command;

use common::browser::browser_tools;
use common::pages::{CITY, NANAN, Workplace};
use serde_json::Value;

#[test]
fn a_district_works_its_problems_and_an_inspector_records_offline_in_a_real_browser() {
    let tools = browser_tools();
    let dir = tempfile::tempdir().unwrap();
    let w = Workplace::start(dir.path(), &[]);
    let problem = w.problem_of("南岸区");
    let other = w.problem_of("万州区");
    let outfall = w.quiet_storm_outfall();
    let shots = dir.path().join("shots");
    std::fs::create_dir_all(&shots).unwrap();
    let out = Command::new("node")
        .arg(tools.join("pages_check.mjs"))
        .args([
            &w.server.url,
            shots.to_str().unwrap(),
            &problem,
            &other,
            &outfall,
            NANAN.0,
            NANAN.1,
            CITY.0,
            CITY.1,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pages_check: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        r["error"].is_null(),
        "{}",
        r["error"].as_str().unwrap_or_default()
    );
    assert_eq!(
        r["outside"],
        Value::Array(vec![]),
        "requests left the server: {r}"
    );
    assert_eq!(r["dialogs"], Value::Array(vec![]));
    assert_eq!(r["console_errors"], Value::Array(vec![]), "{r}");

    // Signed in, with a cookie script cannot read and other sites do not send.
    assert_eq!(r["sent_to_signin"], "/signin");
    assert_eq!(r["after_signin"], "/problems");
    assert_eq!(r["cookie"]["httpOnly"], true);
    assert_eq!(r["cookie"]["sameSite"], "Strict");
    assert_eq!(r["list_has_problem"], 1);
    // Moved to 整改中 with a photo: both in the history, the photo shown.
    let history = r["history"].as_str().unwrap();
    assert!(
        history.contains("待整改 → 整改中") && history.contains("已进场施工"),
        "{history}"
    );
    assert!(
        history.contains("上传佐证") && history.contains("现场照片.png"),
        "{history}"
    );
    assert_eq!(r["photo_loaded"], serde_json::json!([1]));
    assert_eq!(r["status_shown"], "整改中");
    // …and on the map, as the ledger has it now (the tiles keep the last load's).
    assert_eq!(r["map_status"], "整改中", "{r}");
    assert_eq!(r["map_link"], format!("/problems/{problem}"));
    // The stale edit: not saved, who changed it, the current version shown.
    assert_eq!(r["stale_status"], 409);
    assert!(r["stale_text"].as_str().unwrap().contains(CITY.0), "{r}");
    assert_eq!(r["stale_version_shown"], "3");
    let e = w.api(&format!("/api/ledger/problems/{problem}"));
    assert_eq!(e["status"], "awaiting_review", "the city's change stands");
    // Another district's problem: the 403 page.
    assert_eq!(r["other_status"], 403);
    assert!(r["other_text"].as_str().unwrap().contains("无权"));
    assert_eq!(
        r["csrfless_status"], 422,
        "a form without its CSRF field is not the form"
    );

    // The dashboard's cells are the API's numbers.
    let districts = r["progress"]["districts"].as_array().unwrap();
    assert!(districts.len() >= 10);
    for d in districts {
        let row = &r["dashboard"][d["district"].as_str().unwrap()];
        for k in [
            "found",
            "open",
            "in_progress",
            "awaiting_review",
            "closed",
            "dismissed",
            "overdue",
            "recurrences",
        ] {
            assert_eq!(
                row[k].as_str().unwrap(),
                d[k].to_string(),
                "{} {k}",
                d["district"]
            );
        }
    }
    assert_eq!(
        r["dashboard_fits"], true,
        "the dashboard scrolls rows, not the page, at 1,400 px"
    );

    // The phone: the form fits, the offline inspection waited and was sent.
    assert_eq!(r["phone_url"], format!("/outfalls/{outfall}"));
    assert_eq!(
        r["phone_fits"], true,
        "the outfall page scrolls sideways on a phone"
    );
    assert!(r["phone_form_width"].as_f64().unwrap() <= 390.0);
    assert!(
        r["outbox_visible"] == true && r["outbox_text"].as_str().unwrap().ends_with('1'),
        "{r}"
    );
    assert!(
        r["after_online"].as_str().unwrap().contains("已发送"),
        "{r}"
    );
    // Sign-in refused after five failures, the right password included.
    assert!(
        r["throttled_text"]
            .as_str()
            .unwrap()
            .contains("登录失败次数过多"),
        "{r}"
    );
    assert_eq!(r["throttled_url"], "/signin");

    // The inspection is in the ledger, and the next analysis raises DRY_WEATHER_FLOW.
    let out = dir.path().join("out");
    common::zdz_ok(&[
        "analyze",
        w.ws.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--ledger",
        w.ledger.to_str().unwrap(),
        "--no-maps",
    ]);
    let fc = common::read_json(&out.join("outfalls.geojson"));
    let f = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["outfall_id"] == outfall.as_str())
        .unwrap();
    assert!(
        f["properties"]["problem_codes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "DRY_WEATHER_FLOW"),
        "{}",
        f["properties"]
    );
    assert!(f["properties"]["last_dry_flowing"] == true);

    for shot in ["problem.png", "dashboard.png", "phone-inspection.png"] {
        let p = shots.join(shot);
        assert!(
            std::fs::metadata(&p).unwrap().len() > 20_000,
            "{shot} looks blank"
        );
        if std::env::var("ZDZ_UPDATE_DOCS").is_ok() {
            std::fs::copy(
                &p,
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("docs")
                    .join(shot),
            )
            .unwrap();
        }
    }
}
