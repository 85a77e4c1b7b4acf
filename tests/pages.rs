//! The pages people work in, over HTTP as a browser without script sends them: sign-in and
//! its bound on failures, a district user's problem list and page, a change with a photo,
//! a stale edit, another district's problem by URL, forms without their CSRF token, the
//! dashboard against `/api/ledger/progress`, the city's user management, and a service
//! without a ledger. (`tests/pages_browser.rs` drives the same in Chromium.)

mod common;

use common::pages::{CITY, NANAN, VIEWER, Visitor, Workplace};
use common::zdz_ok;
use serde_json::Value;

/// A real 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0d, 0x49, 0x44, 0x41, 0x54,
    0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0, 5, 0, 1, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0, 0,
    0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn entry(w: &Workplace, id: &str) -> Value {
    w.api(&format!("/api/ledger/problems/{id}"))
}

#[test]
fn a_district_user_moves_a_problem_to_in_progress_with_a_photo_and_the_history_shows_both() {
    let dir = tempfile::tempdir().unwrap();
    let w = Workplace::start(dir.path(), &[]);
    let mut v = Visitor::new(&w.server.url);

    // Not signed in: the list sends the browser to sign in, and back after.
    let first = v.get("/problems?status=open");
    assert_eq!(first.status, 303);
    assert_eq!(
        first.location.as_deref(),
        Some("/signin?next=%2Fproblems%3Fstatus%3Dopen")
    );
    let signed = v.sign_in(NANAN);
    assert_eq!(
        (signed.status, signed.location.as_deref()),
        (303, Some("/problems")),
        "{}",
        signed.body
    );
    assert!(v.has_session());

    // The list: the district's three clusters and only its problems, overdue first.
    let list = v.get("/problems");
    assert_eq!(list.status, 200);
    for c in ["CQJK-A", "CQJK-B", "CQJK-C"] {
        assert!(list.body.contains(&format!("/problems?cluster={c}")), "{c}");
    }
    assert!(
        !list.body.contains("CSJK-A"),
        "another district's cluster is listed"
    );
    let id = w.problem_of("南岸区");
    assert!(list.body.contains(&format!("/problems/{id}")));
    let other = w.problem_of("万州区");
    assert!(!list.body.contains(&other));

    // The problem's page: its rule, a sketch of where it is, and the form at version 1.
    let page = v.get(&format!("/problems/{id}"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<svg class=\"sketch\""), "no sketch");
    assert!(page.body.contains("name=\"version\" value=\"1\""));
    let csrf = page.csrf();
    let saved = v.post(
        &format!("/problems/{id}"),
        &[
            ("csrf", &csrf),
            ("version", "1"),
            ("status", "in_progress"),
            ("unit", "茶园街道"),
            ("due", "2027-03-31"),
            ("measure", "雨污分流改造"),
            ("note", "已进场施工"),
        ],
    );
    assert_eq!(
        (saved.status, saved.location.as_deref()),
        (303, Some(format!("/problems/{id}?saved=1").as_str()))
    );
    let photo = v.upload(
        &format!("/problems/{id}/evidence"),
        &csrf,
        "现场.png",
        PNG.to_vec(),
        "image/png",
    );
    assert_eq!(photo.status, 303, "{}", photo.body);

    let e = entry(&w, &id);
    assert_eq!(e["status"], "in_progress");
    assert_eq!(e["unit"], "茶园街道");
    assert_eq!(e["due"], "2027-03-31");
    assert_eq!(
        e["version"], 2,
        "the photo adds evidence, not a second edit: {e}"
    );
    let evidence = e["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0]["media_type"], "image/png");
    let sha = evidence[0]["sha256"].as_str().unwrap();

    let after = v.get(&format!("/problems/{id}?saved=1"));
    assert!(after.body.contains("已保存"));
    assert!(
        after.body.contains("待整改 → 整改中"),
        "the history shows the move"
    );
    assert!(after.body.contains("已进场施工"));
    assert!(
        after
            .body
            .contains(&format!("<img src=\"/api/ledger/evidence/{sha}\"")),
        "the thumbnail"
    );
    // The thumbnail opens with the session's cookie (no token in the page).
    let img = v.get(&format!("/api/ledger/evidence/{sha}"));
    assert_eq!(img.status, 200);
}

#[test]
fn a_stale_edit_is_not_saved_and_the_page_names_who_changed_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let w = Workplace::start(dir.path(), &[]);
    let id = w.problem_of("南岸区");
    let (mut district, mut city) = (Visitor::new(&w.server.url), Visitor::new(&w.server.url));
    district.sign_in(NANAN);
    city.sign_in(CITY);
    let seen_by_district = district.get(&format!("/problems/{id}"));
    let seen_by_city = city.get(&format!("/problems/{id}"));
    let ok = city.post(
        &format!("/problems/{id}"),
        &[
            ("csrf", &seen_by_city.csrf()),
            ("version", "1"),
            ("status", "in_progress"),
            ("unit", "市局督办"),
        ],
    );
    assert_eq!(ok.status, 303);
    let stale = district.post(
        &format!("/problems/{id}"),
        &[
            ("csrf", &seen_by_district.csrf()),
            ("version", "1"),
            ("status", "awaiting_review"),
            ("unit", "区里"),
        ],
    );
    assert_eq!(stale.status, 409);
    assert!(
        stale.body.contains("已被他人修改") && stale.body.contains(CITY.0),
        "{}",
        stale.body
    );
    assert!(
        stale.body.contains("name=\"version\" value=\"2\""),
        "the current entry is shown"
    );
    let e = entry(&w, &id);
    assert_eq!(
        (e["status"].as_str(), e["unit"].as_str()),
        (Some("in_progress"), Some("市局督办"))
    );
}

#[test]
fn a_district_user_gets_a_403_page_for_another_districts_problem_and_cannot_change_it() {
    let dir = tempfile::tempdir().unwrap();
    let w = Workplace::start(dir.path(), &[]);
    let other = w.problem_of("万州区");
    let mut v = Visitor::new(&w.server.url);
    v.sign_in(NANAN);
    let page = v.get(&format!("/problems/{other}"));
    assert_eq!(page.status, 403);
    assert!(page.body.contains("无权"), "{}", page.body);
    assert!(!page.body.contains("name=\"version\""));
    let csrf = v.get("/problems").csrf();
    let post = v.post(
        &format!("/problems/{other}"),
        &[("csrf", &csrf), ("version", "1"), ("status", "closed")],
    );
    assert_eq!(post.status, 403);
    assert_eq!(entry(&w, &other)["version"], 1);
    // Nor the users page, which is the city's.
    assert_eq!(v.get("/users").status, 403);
    // The dashboard shows its own district only.
    let dash = v.get("/dashboard");
    assert!(
        dash.body.contains("data-key=\"南岸区\"") && !dash.body.contains("data-key=\"万州区\"")
    );
}

#[test]
fn forms_without_the_sessions_csrf_token_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let w = Workplace::start(dir.path(), &[]);
    let id = w.problem_of("南岸区");
    let mut v = Visitor::new(&w.server.url);
    v.sign_in(NANAN);
    // Without the field the form is not the form (422, the service's JSON error); with
    // another token it is refused (403, the page says why).
    let missing = v.post(
        &format!("/problems/{id}"),
        &[("version", "1"), ("status", "closed")],
    );
    assert_eq!(missing.status, 422, "{}", missing.body);
    assert!(missing.body.contains("csrf"), "{}", missing.body);
    let forged = v.post(
        &format!("/problems/{id}"),
        &[("csrf", "00"), ("version", "1"), ("status", "closed")],
    );
    assert_eq!(forged.status, 403);
    assert!(forged.body.contains("CSRF"));
    let photo = v.upload(
        &format!("/problems/{id}/evidence"),
        &"0f".repeat(32),
        "x.png",
        PNG.to_vec(),
        "image/png",
    );
    assert_eq!(photo.status, 403);
    assert_eq!(
        v.post("/signout", &[("csrf", "forged")]).status,
        403,
        "signing out needs the token too"
    );
    assert!(v.has_session());
    let e = entry(&w, &id);
    assert_eq!(
        (
            e["version"].as_i64(),
            e["evidence"].as_array().map(Vec::len)
        ),
        (Some(1), Some(0))
    );

    // The sign-in form's token is its cookie's: another's is refused.
    let mut stranger = Visitor::new(&w.server.url);
    stranger.get("/signin");
    let r = stranger.post(
        "/signin",
        &[("name", NANAN.0), ("password", NANAN.1), ("csrf", "forged")],
    );
    assert_eq!(r.status, 403);
    assert!(!stranger.has_session());
}

#[test]
fn the_sixth_failed_sign_in_of_a_name_is_refused_even_with_the_right_password() {
    let dir = tempfile::tempdir().unwrap();
    let w = Workplace::start(dir.path(), &[]);
    let mut v = Visitor::new(&w.server.url);
    for _ in 0..5 {
        let r = v.sign_in((NANAN.0, "wrong-password"));
        assert_eq!(r.status, 401);
        assert!(r.body.contains("用户名或密码不正确"));
    }
    let r = v.sign_in(NANAN);
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.body.contains("登录失败次数过多"));
    assert!(!v.has_session());
    // Another name is not held by it.
    let mut city = Visitor::new(&w.server.url);
    assert_eq!(city.sign_in(CITY).status, 303);
}

#[test]
fn the_dashboards_numbers_are_the_progress_apis_by_district() {
    let dir = tempfile::tempdir().unwrap();
    let w = Workplace::start(dir.path(), &[]);
    let mut v = Visitor::new(&w.server.url);
    v.sign_in(CITY);
    // Move one problem, so that not every count is of open problems.
    let id = w.problem_of("南岸区");
    let csrf = v.get(&format!("/problems/{id}")).csrf();
    v.post(
        &format!("/problems/{id}"),
        &[("csrf", &csrf), ("version", "1"), ("status", "in_progress")],
    );

    let page = v.get("/dashboard").body;
    let progress = w.api("/api/ledger/progress");
    let districts = progress["districts"].as_array().unwrap();
    assert!(districts.len() >= 10);
    let cell = |district: &str, k: &str| -> String {
        let row = &page[page
            .find(&format!("<tr data-key=\"{district}\">"))
            .unwrap_or_else(|| panic!("no row {district}"))..];
        let at = row.find(&format!("data-k=\"{k}\">")).unwrap() + k.len() + 9;
        let text = &row[at..row[at..].find("</td>").unwrap() + at];
        // The number, whether or not it is a link.
        let mut out = String::new();
        let mut in_tag = false;
        for ch in text.chars() {
            match ch {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out
    };
    for d in districts {
        let name = d["district"].as_str().unwrap();
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
            assert_eq!(cell(name, k), d[k].to_string(), "{name} {k}");
        }
    }
    assert_eq!(cell("南岸区", "in_progress"), "1");
    // The clusters by campaign status are the served clusters'.
    let overdue: usize = w
        .server
        .json("/api/clusters?campaign_status=overdue&limit=1000")["numberMatched"]
        .as_u64()
        .unwrap() as usize;
    let total_row = &page[page.find("<tr data-key=\"\">").unwrap()..];
    assert!(
        total_row.contains(&format!("data-k=\"clusters_overdue\">{overdue}<")),
        "overdue clusters {overdue}"
    );
}

#[test]
fn a_user_the_city_disables_can_no_longer_sign_in_nor_use_its_session_or_token() {
    let dir = tempfile::tempdir().unwrap();
    let w = Workplace::start(dir.path(), &[]);
    let mut district = Visitor::new(&w.server.url);
    district.sign_in(NANAN);
    assert_eq!(district.get("/problems").status, 200);

    let mut city = Visitor::new(&w.server.url);
    city.sign_in(CITY);
    let users = city.get("/users");
    assert_eq!(users.status, 200);
    assert!(users.body.contains(NANAN.0) && users.body.contains(VIEWER.0));
    let path = format!("/users/{}", form_urlencoded_path(NANAN.0));
    let r = city.post(&path, &[("csrf", &users.csrf()), ("action", "disable")]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("已停用"));

    assert_eq!(
        district.get("/problems").status,
        303,
        "the open session ended"
    );
    assert_eq!(district.sign_in(NANAN).status, 401);

    // Added in the browser: a new district user signs in with the password given.
    let csrf = city.get("/users").csrf();
    let added = city.post(
        "/users",
        &[
            ("csrf", &csrf),
            ("name", "江津区环境局"),
            ("role", "district"),
            ("district", "江津区"),
            ("password", "jiangjin-pass-1"),
        ],
    );
    assert_eq!(added.status, 200, "{}", added.body);
    assert!(
        added.body.contains("zdz_"),
        "its script token is shown once"
    );
    let mut jj = Visitor::new(&w.server.url);
    assert_eq!(jj.sign_in(("江津区环境局", "jiangjin-pass-1")).status, 303);
    let list = jj.get("/problems").body;
    assert!(list.contains(&w.problem_of("江津区")) && !list.contains(&w.problem_of("南岸区")));
    // A viewer reads but is given no form.
    let mut viewer = Visitor::new(&w.server.url);
    viewer.sign_in(VIEWER);
    let page = viewer.get(&format!("/problems/{}", w.problem_of("南岸区")));
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("name=\"version\""));
}

fn form_urlencoded_path(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[test]
fn without_a_ledger_the_pages_say_the_service_needs_one() {
    let dir = tempfile::tempdir().unwrap();
    let ws = common::copy_demo(&dir.path().join("ws"));
    let server = common::server::Server::start(&ws, &[]);
    let mut v = Visitor::new(&server.url);
    for path in ["/signin", "/problems", "/dashboard"] {
        let r = v.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(r.body.contains("zdz serve --ledger"), "{path}: {}", r.body);
    }
}

fn codes_of(fc: &Value, id: &str) -> Vec<String> {
    let f = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["outfall_id"] == id)
        .unwrap();
    f["properties"]["problem_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_inspection_entered_on_the_outfalls_page_raises_dry_weather_flow_at_the_next_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let w = Workplace::start(dir.path(), &[]);
    let id = w.quiet_storm_outfall();
    let mut v = Visitor::new(&w.server.url);

    // Not signed in, the page shows the outfall and where to sign in to record.
    let public = v.get(&format!("/outfalls/{id}"));
    assert_eq!(public.status, 200);
    assert!(public.body.contains("雨水排口") && public.body.contains("登录后可在此记录排查"));
    v.sign_in(NANAN);
    let page = v.get(&format!("/outfalls/{id}"));
    assert!(page.body.contains("记录排查") && page.body.contains("data-outbox=\"inspections\""));
    let csrf = page.csrf();
    let form = |inspection_id: &str| {
        reqwest::blocking::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("inspection_id", inspection_id.to_string())
            .text("date", "2026-12-05")
            .text("weather", "晴")
            .text("flowing", "yes")
            .text("cod", "")
            .text("note", "晴天排口有水流出，颜色浑浊")
            .part(
                "photo",
                reqwest::blocking::multipart::Part::bytes(PNG.to_vec())
                    .file_name("outfall.png")
                    .mime_str("image/png")
                    .unwrap(),
            )
    };
    // Sent twice (the first answer lost on the way): kept once.
    for _ in 0..2 {
        let r = v.post_multipart(
            &format!("/outfalls/{id}/inspections"),
            form("a1b2c3d4e5f60718"),
        );
        assert_eq!(
            (r.status, r.location.as_deref()),
            (303, Some(format!("/outfalls/{id}?recorded=1").as_str())),
            "{}",
            r.body
        );
    }
    let after = v.get(&format!("/outfalls/{id}?recorded=1"));
    assert!(after.body.contains("排查记录已保存"));
    assert_eq!(
        after.body.matches("晴天排口有水流出").count(),
        1,
        "kept once"
    );
    assert!(
        after.body.contains(NANAN.0),
        "the inspector is the session's user"
    );

    // Refused: a date still to come; another district's outfall.
    let bad = v.post_multipart(
        &format!("/outfalls/{id}/inspections"),
        form("ffffffff").text("date", "2999-01-01"),
    );
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("2999-01-01"));
    let elsewhere = w.server.json("/collections/outfalls/items?limit=1000")["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["properties"]["cluster_id"]
                .as_str()
                .is_some_and(|c| c.starts_with("WZ"))
        })
        .map(|f| f["properties"]["outfall_id"].as_str().unwrap().to_string())
        .expect("an outfall of 万州区");
    let theirs = v.post_multipart(
        &format!("/outfalls/{elsewhere}/inspections"),
        form("eeeeeeee"),
    );
    assert_eq!(theirs.status, 403);

    // The service's reload and the next `zdz analyze --ledger` read it with the workspace's.
    let reload = reqwest::blocking::Client::new()
        .post(format!("{}/api/reload", w.server.url))
        .send()
        .unwrap();
    assert!(reload.status().is_success());
    let mut served = Vec::new();
    for _ in 0..100 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        served = codes_of(
            &w.server
                .json("/collections/outfalls/items?kind=storm&limit=1000"),
            &id,
        );
        if served.iter().any(|c| c == "DRY_WEATHER_FLOW") {
            break;
        }
    }
    assert!(
        served.iter().any(|c| c == "DRY_WEATHER_FLOW"),
        "after the reload: {served:?}"
    );
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
    assert!(codes_of(&fc, &id).iter().any(|c| c == "DRY_WEATHER_FLOW"));
}

/// A small PDF, as a scanned 验收意见 would be (larger).
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

#[test]
fn the_city_records_an_acceptance_with_its_opinion_on_the_clusters_page() {
    let dir = tempfile::tempdir().unwrap();
    let w = Workplace::start(dir.path(), &[]);
    let mut city = Visitor::new(&w.server.url);
    city.sign_in(CITY);
    let page = city.get("/clusters/CQJK-A");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("尚无验收记录") && page.body.contains("记录验收"));
    let form = reqwest::blocking::multipart::Form::new()
        .text("csrf", page.csrf())
        .text("date", "2025-11-20")
        .text("score", "92")
        .text("by", "南岸区验收组")
        .text("items", "S1=15 S2=10")
        .text("note", "现场核查通过")
        .part(
            "opinion",
            reqwest::blocking::multipart::Part::bytes(PDF.to_vec())
                .file_name("验收意见.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let r = city.post_multipart("/clusters/CQJK-A/acceptance", form);
    assert_eq!(
        (r.status, r.location.as_deref()),
        (303, Some("/clusters/CQJK-A?saved=1")),
        "{}",
        r.body
    );
    let all = w.api("/api/ledger/clusters/CQJK-A/acceptances");
    let a = &all.as_array().unwrap()[0];
    assert_eq!(
        (a["score"].as_f64(), a["by"].as_str()),
        (Some(92.0), Some("南岸区验收组"))
    );
    assert_eq!(a["items"]["S1"], 15.0);
    assert_eq!(a["recorded_by"], CITY.0);
    assert!(
        a["evidence"].as_str().is_some_and(|e| e.len() == 64),
        "the opinion is kept: {a}"
    );
    let after = city.get("/clusters/CQJK-A?saved=1");
    assert!(after.body.contains("2025-11-20") && after.body.contains("现场核查通过"));

    // A score that is not one is refused on the page; a district cannot open another's.
    let csrf = after.csrf();
    let bad = reqwest::blocking::multipart::Form::new()
        .text("csrf", csrf)
        .text("date", "2025-11-21")
        .text("score", "120")
        .text("by", "验收组");
    let r = city.post_multipart("/clusters/CQJK-A/acceptance", bad);
    assert_eq!(r.status, 422, "{}", r.body);
    // Said in Chinese, as a whole sentence.
    assert!(r.body.contains("得分 120 不在 0 到 100 之间"), "{}", r.body);
    let mut district = Visitor::new(&w.server.url);
    district.sign_in(NANAN);
    assert_eq!(district.get("/clusters/CQJK-B").status, 200);
    assert_eq!(district.get("/clusters/WZJK-A").status, 403);
}

#[test]
fn a_districts_summary_text_written_on_the_clusters_page_goes_into_its_summary_report() {
    let dir = tempfile::tempdir().unwrap();
    let w = Workplace::start(dir.path(), &[]);
    let mut v = Visitor::new(&w.server.url);
    v.sign_in(NANAN);
    let page = v.get("/clusters/CQJK-A");
    assert!(page.body.contains("典型做法") && page.body.contains("name=\"version\" value=\"0\""));
    let csrf = page.csrf();
    let practices = "建立“一企一管”台账，逐户核查雨污管网。\n\n对混接点实行挂牌销号。";
    let r = v.post(
        "/clusters/CQJK-A/narrative",
        &[
            ("csrf", &csrf),
            ("version", "0"),
            ("practices", practices),
            ("highlights", "茶园组团率先实现雨污分流全覆盖。"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    // A second writer who saw version 0 is refused, told who wrote since, and keeps its text.
    let stale = v.post(
        "/clusters/CQJK-A/narrative",
        &[
            ("csrf", &csrf),
            ("version", "0"),
            ("practices", "另一份文字"),
            ("highlights", ""),
        ],
    );
    assert_eq!(stale.status, 409);
    assert!(
        stale.body.contains(NANAN.0) && stale.body.contains("另一份文字"),
        "{}",
        stale.body
    );
    assert!(stale.body.contains("name=\"version\" value=\"1\""));

    let out = dir.path().join("summary");
    let run = std::process::Command::new(common::zdz_bin())
        .args([
            "report",
            w.ws.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--summary",
            "--ledger",
            w.ledger.to_str().unwrap(),
            "--cluster",
            "CQJK-A",
            "--format",
            "html",
        ])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        !stderr.contains("CQJK-A.md"),
        "the text came from the ledger: {stderr}"
    );
    let html = std::fs::read_to_string(out.join("CQJK-A-建设总结报告.html")).unwrap();
    for p in [
        "建立“一企一管”台账，逐户核查雨污管网。",
        "对混接点实行挂牌销号。",
        "茶园组团率先实现雨污分流全覆盖。",
    ] {
        assert!(html.contains(p), "{p}");
    }
    assert!(!html.contains("待填写"));
}

#[test]
fn a_rule_of_the_campaign_that_refuses_a_change_is_said_in_chinese_on_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let w = Workplace::start(dir.path(), &[]);
    let id = w.problem_of("南岸区");
    let mut v = Visitor::new(&w.server.url);
    v.sign_in(NANAN);
    let csrf = v.get(&format!("/problems/{id}")).csrf();
    // Closing a problem the latest run still detects; dismissing it without a reason.
    let closed = v.post(
        &format!("/problems/{id}"),
        &[("csrf", &csrf), ("version", "1"), ("status", "closed")],
    );
    assert_eq!(closed.status, 422);
    assert!(
        closed
            .body
            .contains(&format!("{id} 不能销号：最近一次分析仍检出该问题")),
        "{}",
        closed.body
    );
    let dismissed = v.post(
        &format!("/problems/{id}"),
        &[("csrf", &csrf), ("version", "1"), ("status", "dismissed")],
    );
    assert!(
        dismissed.body.contains("须在说明中写明理由"),
        "{}",
        dismissed.body
    );
    assert!(!dismissed.body.contains("needs a reason"));
    // The API keeps its English words.
    let api = reqwest::blocking::Client::new()
        .post(format!("{}/api/ledger/problems/{id}", w.server.url))
        .bearer_auth(&w.city_token)
        .json(&serde_json::json!({"version": 1, "status": "dismissed"}))
        .send()
        .unwrap();
    assert_eq!(api.status(), 409);
    assert!(api.text().unwrap().contains("needs a reason"));
}

#[test]
fn a_list_of_more_than_500_problems_comes_a_page_at_a_time_with_its_filters_kept() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    zdz_ok(&["demo", "--out", ws.to_str().unwrap(), "--scale", "8"]);
    let w = Workplace::start_on(dir.path(), ws, &[]);
    let mut city = Visitor::new(&w.server.url);
    city.sign_in(CITY);
    let total = w
        .api("/api/ledger/problems")
        .as_array()
        .map(Vec::len)
        .expect("the ledger's entries");
    assert!(total > 500, "{total} problems");
    let first = city.get("/problems?overdue=&page=1");
    assert_eq!(first.status, 200);
    assert!(
        first.body.contains(&format!("共 {total} 项")),
        "{}",
        first.body
    );
    assert!(first.body.contains("本页为第 1–500 项"), "{}", first.body);
    // The next page keeps the (blank) filter and holds the rest.
    assert!(
        first
            .body
            .contains("href=\"/problems?overdue=&amp;page=2\"")
    );
    let second = city.get("/problems?overdue=&page=2");
    assert!(
        second.body.contains(&format!("本页为第 501–{total} 项")),
        "{}",
        second.body
    );
    assert!(second.body.contains("rel=\"prev\"") && !second.body.contains("rel=\"next\""));
    // Each problem is on exactly one page.
    let ids = |body: &str| -> Vec<String> {
        body.match_indices("href=\"/problems/P")
            .map(|(at, _)| body[at + 16..at + 29].to_string())
            .collect()
    };
    let (a, b) = (ids(&first.body), ids(&second.body));
    assert_eq!(a.len(), 500);
    assert_eq!(a.len() + b.len(), total);
    assert!(a.iter().all(|id| !b.contains(id)));
    // A page past the end is the last; a page that is not a number is the first.
    assert!(
        city.get("/problems?page=99")
            .body
            .contains(&format!("本页为第 501–{total} 项"))
    );
    assert!(
        city.get("/problems?page=x")
            .body
            .contains("本页为第 1–500 项")
    );
}
