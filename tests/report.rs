//! `zdz report` end to end on a copy of the demo whose cluster FDGY-A carries a hostile
//! name, read back with poppler (pdftotext, pdffonts, pdftoppm), zbar (zbarimg) and
//! Debian's Chromium: what the bureau submits says what the outputs say, embeds its fonts,
//! draws the map in the deadline's colour, links each signboard to its outfall, keeps
//! data text as text, and is the same bytes for the same input.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::browser::{browser_tools, demo_copy_naming};
use common::*;
use serde_json::Value;

/// Typst markup, HTML and a quote: none may become anything but text.
const HOSTILE: &str = "<b>#strong[x]</b> \"&amp;\" 工业组团";
/// Where the web map is for the field: an address the QR codes may point at.
const BASE: &str = "http://zdz.example.gov.cn/zdz";

fn tool(name: &str, args: &[&std::ffi::OsStr]) -> Vec<u8> {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} (poppler-utils / zbar-tools) is needed: {e}"));
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn pdftotext(pdf: &Path, page: Option<u32>) -> String {
    let mut args: Vec<std::ffi::OsString> = vec!["-layout".into()];
    if let Some(p) = page {
        args.extend([
            "-f".into(),
            p.to_string().into(),
            "-l".into(),
            p.to_string().into(),
        ]);
    }
    args.extend([pdf.as_os_str().to_owned(), "-".into()]);
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    String::from_utf8(tool("pdftotext", &refs)).unwrap()
}

/// Text with every blank removed: table cells and lines wrap where they like.
fn squeezed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A page rendered by pdftoppm: (width, height, RGB bytes).
fn page_pixels(pdf: &Path, page: u32, dpi: u32, dir: &Path) -> (usize, usize, Vec<u8>) {
    let stem = dir.join(format!("page{page}"));
    let p = page.to_string();
    let r = dpi.to_string();
    tool(
        "pdftoppm",
        &[
            "-r".as_ref(),
            r.as_ref(),
            "-f".as_ref(),
            p.as_ref(),
            "-l".as_ref(),
            p.as_ref(),
            "-singlefile".as_ref(),
            pdf.as_os_str(),
            stem.as_os_str(),
        ],
    );
    let bytes = std::fs::read(stem.with_extension("ppm")).unwrap();
    // P6 <w> <h> 255 <rgb…>
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8(bytes[start..at].to_vec()).unwrap());
    }
    assert_eq!(fields[0], "P6");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, bytes[at + 1..].to_vec())
}

struct Run {
    _dir: tempfile::TempDir,
    root: PathBuf,
    ws: PathBuf,
    out: PathBuf,
    clusters: Value,
    problems: Value,
    outfalls: Value,
}

const ASKED: [&str; 2] = ["FDGY-A", "CQJK-A"];

/// Analyse the hostile copy (for the outputs to compare with) and report on two clusters.
fn run() -> Run {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let ws = demo_copy_naming(&root, "FDGY-A", HOSTILE);
    let analysed = root.join("analysed");
    zdz_ok(&[
        "analyze",
        ws.to_str().unwrap(),
        "--out",
        analysed.to_str().unwrap(),
        "--no-maps",
    ]);
    let out = root.join("reports");
    report(&ws, &out, &[]);
    Run {
        clusters: read_json(&analysed.join("clusters.geojson")),
        problems: read_json(&analysed.join("problems.geojson")),
        outfalls: read_json(&analysed.join("outfalls.geojson")),
        _dir: dir,
        root,
        ws,
        out,
    }
}

fn report(ws: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "report",
        ws.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        BASE,
    ];
    for c in ASKED {
        args.extend(["--cluster", c]);
    }
    args.extend_from_slice(extra);
    let status = Command::new(zdz_bin())
        .args(&args)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .status()
        .unwrap();
    assert!(status.success(), "zdz {args:?}");
}

fn feature<'a>(fc: &'a Value, key: &str, id: &str) -> &'a Value {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"][key] == id)
        .unwrap_or_else(|| panic!("{key} {id}"))
}

/// The score as the report prints it: as in clusters.geojson, a whole number without ".0".
fn printed_score(v: &Value) -> String {
    let s = v.as_f64().unwrap();
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        v.to_string()
    }
}

#[test]
fn cluster_reports_say_what_the_outputs_say_with_fonts_embedded_and_the_deadline_colour() {
    let r = run();
    let mut names: Vec<String> = std::fs::read_dir(&r.out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "CQJK-A.html",
            "CQJK-A.pdf",
            "FDGY-A.html",
            "FDGY-A.pdf",
            "overview.html",
            "overview.pdf",
            "signboards.pdf"
        ]
    );

    for id in ASKED {
        let pdf = r.out.join(format!("{id}.pdf"));
        let text = squeezed(&pdftotext(&pdf, None));
        let c = &feature(&r.clusters, "cluster_id", id)["properties"];
        assert!(text.contains(id), "{id} missing");
        // No path of zdz's source tree reaches a bureau's document.
        assert!(!text.contains("src/"), "{id}: a source path is printed");
        let name = c["name"].as_str().unwrap();
        assert!(text.contains(&squeezed(name)), "{id}: name {name} missing");
        let score = printed_score(&c["score"]);
        assert!(
            text.contains(&format!("{score}/100")),
            "{id}: score {score} missing"
        );
        assert!(text.contains("暂行"), "the provisional rubric is said so");
        let ids: Vec<&str> = r.problems["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                f["properties"]["cluster_ids"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c == id)
            })
            .map(|f| f["properties"]["problem_id"].as_str().unwrap())
            .collect();
        assert!(!ids.is_empty(), "{id} has problems in the demo");
        for p in ids {
            assert!(text.contains(p), "{id}: problem {p} missing");
        }

        let fonts = String::from_utf8(tool("pdffonts", &[pdf.as_os_str()])).unwrap();
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{fonts}");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            // name type… encoding emb sub uni object ID: emb is the 5th field from the end.
            assert_eq!(cols[cols.len() - 5], "yes", "not embedded: {row}");
        }
    }
    // FDGY-A's name is hostile: it reaches the PDF as the very text.
    let hostile = squeezed(&pdftotext(&r.out.join("FDGY-A.pdf"), Some(1)));
    assert!(hostile.contains(&squeezed(HOSTILE)), "{hostile}");

    // The map page (page 2): not blank, and the cluster filled in its deadline's colour
    // (fill opacity 0.45 over white), CQJK-A's deadline being the schedule's first.
    let cqjk = &feature(&r.clusters, "cluster_id", "CQJK-A")["properties"];
    assert_eq!(cqjk["deadline"], "2024-12-31");
    let schedule = zdz::project::Project::defaults(Path::new(".")).deadlines;
    let styles = zdz::styles::model::styles(&schedule);
    let clusters = styles.iter().find(|s| s.layer == "clusters").unwrap();
    let zdz::styles::model::Renderer::Categorized { categories, .. } = &clusters.renderer else {
        panic!("clusters are categorised by deadline")
    };
    let colour = categories
        .iter()
        .find(|c| c.value == "2024-12-31")
        .unwrap()
        .color;
    let blended: Vec<f64> = colour[..3]
        .iter()
        .map(|c| 0.45 * f64::from(*c) + 0.55 * 255.0)
        .collect();
    let text2 = pdftotext(&r.out.join("CQJK-A.pdf"), Some(2));
    assert!(
        text2.contains("图例") && text2.contains("坐标系"),
        "{text2}"
    );
    let (w, h, px) = page_pixels(&r.out.join("CQJK-A.pdf"), 2, 50, &r.root);
    let pixels: Vec<&[u8]> = px.chunks(3).collect();
    assert_eq!(pixels.len(), w * h);
    let non_white = pixels.iter().filter(|p| p.iter().any(|c| *c < 240)).count();
    assert!(
        non_white * 10 > pixels.len(),
        "the map page is blank: {non_white} of {}",
        pixels.len()
    );
    let filled = pixels
        .iter()
        .filter(|p| {
            p.iter()
                .zip(&blended)
                .all(|(a, b)| (f64::from(*a) - b).abs() < 10.0)
        })
        .count();
    assert!(
        filled * 100 > pixels.len(),
        "{filled} of {} pixels in the deadline colour {blended:?}",
        pixels.len()
    );

    if std::env::var("ZDZ_UPDATE_DOCS").is_ok() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
        for (page, name) in [(2, "report-map"), (4, "report-score")] {
            let p = page.to_string();
            tool(
                "pdftoppm",
                &[
                    "-png".as_ref(),
                    "-r".as_ref(),
                    "80".as_ref(),
                    "-f".as_ref(),
                    p.as_ref(),
                    "-l".as_ref(),
                    p.as_ref(),
                    "-singlefile".as_ref(),
                    r.out.join("CQJK-A.pdf").as_os_str(),
                    docs.join(name).as_os_str(),
                ],
            );
        }
    }

    // The overview lists every cluster and the city's charts.
    let overview = squeezed(&pdftotext(&r.out.join("overview.pdf"), None));
    for f in r.clusters["features"].as_array().unwrap() {
        let id = f["properties"]["cluster_id"].as_str().unwrap();
        assert!(overview.contains(id), "overview lacks {id}");
    }
    for heading in ["完成时限与验收状态", "得分分布", "问题分布", "组团分布"] {
        assert!(overview.contains(heading), "overview lacks {heading}");
    }
}

#[test]
fn every_signboard_qr_code_decodes_to_its_outfalls_page_of_the_service() {
    let r = run();
    let pdf = r.out.join("signboards.pdf");
    let mut expected: Vec<String> = r.outfalls["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| ASKED.iter().any(|c| f["properties"]["cluster_id"] == *c))
        .map(|f| f["properties"]["outfall_id"].as_str().unwrap().to_string())
        .collect();
    expected.sort();
    let info = String::from_utf8(tool("pdfinfo", &[pdf.as_os_str()])).unwrap();
    let pages: u32 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // One A5 page per outfall, then the outfalls of no cluster in the campaign, with why.
    assert_eq!(
        pages as usize,
        expected.len() + 1,
        "one A5 page per outfall"
    );
    assert!(info.contains("419.") && info.contains("595."), "A5: {info}");
    let last = squeezed(&pdftotext(&pdf, Some(pages)));
    assert!(last.contains("未制作标识牌的排口"), "{last}");
    let mut seen = Vec::new();
    for page in 1..pages {
        let text = pdftotext(&pdf, Some(page));
        let id = expected
            .iter()
            .find(|id| text.contains(&format!("{id}\n")) || text.contains(&format!("{id} ")))
            .unwrap_or_else(|| panic!("page {page} names no outfall: {text}"))
            .clone();
        let (w, h, px) = page_pixels(&pdf, page, 150, &r.root);
        let pgm = r.root.join(format!("qr{page}.pgm"));
        let mut gray = format!("P5 {w} {h} 255\n").into_bytes();
        gray.extend(
            px.chunks(3)
                .map(|p| ((u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) / 3) as u8),
        );
        std::fs::write(&pgm, gray).unwrap();
        let decoded = String::from_utf8(tool(
            "zbarimg",
            &["--quiet".as_ref(), "--raw".as_ref(), pgm.as_os_str()],
        ))
        .unwrap();
        assert_eq!(
            decoded.trim(),
            format!("{BASE}/outfalls/{id}"),
            "page {page}"
        );
        seen.push(id);
    }
    seen.sort();
    assert_eq!(seen, expected);
}

#[test]
fn the_html_report_requests_nothing_and_keeps_data_text_as_text() {
    let r = run();
    let html_path = r.out.join("FDGY-A.html");
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(!html.contains("<b>#strong"), "the name went in unescaped");
    assert!(html.contains("&lt;b&gt;#strong[x]&lt;/b&gt;"));
    for needle in [
        "src=\"http",
        "href=\"http",
        "url(",
        "@import",
        "<script",
        "<link",
    ] {
        assert!(
            !html.contains(needle),
            "the report refers outside: {needle}"
        );
    }
    let tools = browser_tools();
    let out = Command::new("node")
        .arg(tools.join("report_check.mjs"))
        .args([html_path.as_os_str(), HOSTILE.as_ref()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let b: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(b["error"].is_null(), "{b}");
    assert_eq!(
        b["requests"],
        Value::Array(vec![]),
        "the HTML requested: {b}"
    );
    assert_eq!(b["dialogs"], Value::Array(vec![]));
    assert_eq!(b["imgs"], 0);
    assert!(b["svgs"].as_u64().unwrap() >= 1, "the map inline: {b}");
    assert_eq!(b["hostile_as_text"], true, "{b}");
    assert!(b["print_bytes"].as_u64().unwrap() > 10_000);
}

#[test]
fn the_same_input_gives_the_same_bytes_with_source_date_epoch() {
    let r = run();
    let again = r.root.join("again");
    report(&r.ws, &again, &[]);
    for name in [
        "CQJK-A.pdf",
        "CQJK-A.html",
        "overview.pdf",
        "signboards.pdf",
    ] {
        let a = std::fs::read(r.out.join(name)).unwrap();
        let b = std::fs::read(again.join(name)).unwrap();
        assert!(a == b, "{name} differs between two runs");
    }
    let info = String::from_utf8(tool("pdfinfo", &[r.out.join("CQJK-A.pdf").as_os_str()])).unwrap();
    assert!(
        info.contains("2026"),
        "the pinned date (2026-01-01) is the creation date: {info}"
    );
}

#[test]
fn with_a_ledger_the_problem_list_shows_status_unit_due_and_changes() {
    let r = run();
    let ledger = r.root.join("ledger.sqlite");
    let l = ledger.to_str().unwrap();
    zdz_ok(&[
        "analyze",
        r.ws.to_str().unwrap(),
        "--out",
        r.root.join("a1").to_str().unwrap(),
        "--no-maps",
        "--ledger",
        l,
    ]);
    let entries: Value = serde_json::from_str(&zdz_ok(&[
        "ledger",
        "list",
        "--ledger",
        l,
        "--cluster",
        "CQJK-A",
        "--json",
    ]))
    .unwrap();
    let first = entries.as_array().unwrap()[0]["problem_id"]
        .as_str()
        .unwrap()
        .to_string();
    zdz_ok(&[
        "ledger",
        "set",
        &first,
        "--ledger",
        l,
        "--status",
        "in_progress",
        "--unit",
        "南岸区住建委",
        "--measure",
        "更换破损管段",
        "--by",
        "测试员",
    ]);
    let out = r.root.join("with-ledger");
    report(&r.ws, &out, &["--ledger", l]);
    let text = squeezed(&pdftotext(&out.join("CQJK-A.pdf"), None));
    assert!(text.contains("整改中"), "status shown");
    assert!(text.contains("南岸区住建委") && text.contains("更换破损管段"));
    assert!(text.contains("2024-12-31"), "due at the deadline");
    assert!(
        text.contains("新发现"),
        "changes of the last run shown: all new"
    );
    // Reading the ledger records no run.
    let db = rusqlite::Connection::open(&ledger).unwrap();
    let runs: i64 = db
        .query_row("SELECT COUNT(*) FROM runs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(runs, 1);
}

#[test]
fn an_unknown_cluster_or_format_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    for args in [vec!["--cluster", "NOPE-X"], vec!["--format", "docx"]] {
        let o = Command::new(zdz_bin())
            .args(["report", "--out", out.to_str().unwrap()])
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert!(!o.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(args[1]), "{err}");
        assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none());
    }
}

#[test]
fn every_in_scope_cluster_is_in_exactly_one_readiness_group_and_every_output_says_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let analysed = dir.path().join("analysed");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let run = Command::new(zdz_bin())
        .args([
            "analyze",
            demo.to_str().unwrap(),
            "--out",
            analysed.to_str().unwrap(),
            "--no-maps",
        ])
        .env("LC_ALL", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let summary = read_json(&analysed.join("summary.json"));
    let groups = summary["readiness_groups"].as_object().unwrap();
    let n = |g: &str| groups[g].as_u64().unwrap();
    let in_scope = summary["counts"]["readiness"]["in_scope"].as_u64().unwrap();
    assert_eq!(
        [
            "ready",
            "veto",
            "one_or_two",
            "three_or_more",
            "unreachable"
        ]
        .map(n)
        .iter()
        .sum::<u64>(),
        in_scope,
        "{groups:?}"
    );
    assert_eq!(groups.len(), 5, "{groups:?}");

    // The clusters carry the same groups, and no vetoed cluster is ready.
    let clusters = read_json(&analysed.join("clusters.geojson"));
    for (g, count) in groups {
        let carried = clusters["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["properties"]["readiness"] == g.as_str())
            .count() as u64;
        assert_eq!(carried, count.as_u64().unwrap(), "{g}");
    }
    for f in clusters["features"].as_array().unwrap() {
        if f["properties"]["veto"] == true {
            assert_eq!(f["properties"]["readiness"], "veto", "{}", f["properties"]);
        }
    }

    // The terminal's headline: the same five numbers.
    let stderr = String::from_utf8_lossy(&run.stderr);
    let line = stderr
        .lines()
        .find(|l| l.contains("验收评分"))
        .expect("a readiness line");
    for phrase in [
        format!("纳入的 {in_scope} 个组团中 {} 个达标", n("ready")),
        format!("{} 个一票否决", n("veto")),
        format!("{} 个再整改一两项即可达标", n("one_or_two")),
        format!("{} 个需整改三项及以上", n("three_or_more")),
        format!("{} 个无法达标", n("unreachable")),
    ] {
        assert!(line.contains(&phrase), "{line} lacks {phrase}");
    }

    // The overview report's cover: the same numbers.
    let out = dir.path().join("reports");
    let status = Command::new(zdz_bin())
        .args([
            "report",
            demo.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--base-url",
            BASE,
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let cover = squeezed(&pdftotext(&out.join("overview.pdf"), Some(1)));
    for phrase in [
        format!("纳入{in_scope}个"),
        format!("已达标{}个", n("ready")),
        format!("一票否决{}个", n("veto")),
        format!("再整改一两项{}个", n("one_or_two")),
        format!("需整改三项及以上{}个", n("three_or_more")),
        format!("无法达标{}个", n("unreachable")),
    ] {
        assert!(cover.contains(&phrase), "{cover} lacks {phrase}");
    }
}

#[test]
fn the_overview_leads_with_the_campaign_status_by_deadline_and_names_every_overdue_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let analysed = dir.path().join("analysed");
    zdz_ok(&[
        "analyze",
        demo.to_str().unwrap(),
        "--out",
        analysed.to_str().unwrap(),
        "--no-maps",
        "--as-of",
        "2026-12-06",
    ]);
    let overdue: Vec<String> = read_json(&analysed.join("summary.json"))["campaign"]["overdue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(overdue.len(), 14, "{overdue:?}");
    let out = dir.path().join("reports");
    zdz_ok(&[
        "report",
        demo.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "pdf",
        "--base-url",
        BASE,
        "--as-of",
        "2026-12-06",
        "--cluster",
        "CQJK-A",
    ]);
    let page = squeezed(&pdftotext(&out.join("overview.pdf"), Some(2)));
    assert!(
        page.contains("建设进度") && page.contains("截至2026-12-06"),
        "{page}"
    );
    assert!(page.contains("逾期组团（14个）"), "{page}");
    for id in &overdue {
        assert!(
            page.contains(id.as_str()),
            "{id} not on the overview's first page"
        );
    }
    // The demonstration list: the demo's two 示范 clusters, overdue too.
    assert!(page.contains("示范清单"), "{page}");
}

#[test]
fn the_summary_report_opens_in_a_docx_reader_with_the_five_sections_and_the_districts_text() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy_naming(dir.path(), "CQJK-C", "茶园组团");
    std::fs::create_dir_all(ws.join("总结")).unwrap();
    std::fs::write(
        ws.join("总结/CQJK-A.md"),
        "# 茶园组团\n\n## 典型做法\n\n南岸区推行“一企一管一档”，逐户核查排水户。\n\n## 建设亮点\n\n雨水排口全部溯源，晴天无水。\n",
    )
    .unwrap();
    let ledger = dir.path().join("ledger.db");
    let ledger = ledger.to_str().unwrap();
    zdz_ok(&[
        "analyze",
        ws.to_str().unwrap(),
        "--out",
        dir.path().join("o").to_str().unwrap(),
        "--no-maps",
        "--ledger",
        ledger,
    ]);
    zdz_ok(&[
        "ledger",
        "accept",
        "CQJK-A",
        "--ledger",
        ledger,
        "--date",
        "2025-11-20",
        "--score",
        "92",
        "--by",
        "南岸区验收组",
        "--item",
        "S1=15",
    ]);
    let out = dir.path().join("summary");
    let run = Command::new(zdz_bin())
        .args([
            "report",
            ws.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--summary",
        ])
        .args([
            "--ledger",
            ledger,
            "--cluster",
            "CQJK-A",
            "--cluster",
            "CQJK-B",
            "--base-url",
            BASE,
        ])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // CQJK-B's text is missing: the command names the file.
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("CQJK-B.md"), "{stderr}");

    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/schemathesis-venv/bin/python");
    let read = |file: &str| -> Value {
        let out = Command::new(&python)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/docx_text.py"))
            .arg(out.join(file))
            .output()
            .expect("python-docx in target/schemathesis-venv (./dev test installs it)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let a = read("CQJK-A-建设总结报告.docx");
    for h in [
        "一、基本情况",
        "二、排查情况",
        "三、整治成效（突出成效）",
        "四、典型做法与建设亮点",
        "五、验收情况",
    ] {
        assert!(
            a["headings"].as_array().unwrap().iter().any(|x| x == h),
            "{h}: {}",
            a["headings"]
        );
    }
    let paragraphs = a["paragraphs"].to_string();
    assert!(
        paragraphs.contains("南岸区推行“一企一管一档”"),
        "{paragraphs}"
    );
    assert!(paragraphs.contains("雨水排口全部溯源"), "{paragraphs}");
    let cells = a["cells"].to_string();
    assert!(
        cells.contains("官方得分") && cells.contains("92"),
        "{cells}"
    );
    assert_eq!(a["pictures"], 1, "the before-and-after chart");
    let b = read("CQJK-B-建设总结报告.docx");
    assert!(b["paragraphs"].to_string().contains("待填写"));
    // The PDF says the same.
    let pdf = squeezed(&pdftotext(&out.join("CQJK-A-建设总结报告.pdf"), None));
    assert!(
        pdf.contains("五、验收情况") && pdf.contains("南岸区推行"),
        "{pdf}"
    );
}

#[test]
fn without_a_field_address_no_signboards_are_written_and_the_warning_names_both_ways_to_give_one() {
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for (n, extra) in [
        (0, vec![]),
        (1, vec!["--base-url", "http://127.0.0.1:8080"]),
    ] {
        let out = dir.path().join(format!("r{n}"));
        let mut args = vec![
            "report",
            demo.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--format",
            "pdf",
            "--cluster",
            "CQJK-A",
        ];
        args.extend(extra.iter().copied());
        let run = Command::new(zdz_bin()).args(&args).output().unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(!out.join("signboards.pdf").exists(), "{args:?}");
        assert!(out.join("overview.pdf").exists());
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(
            stderr.contains("--base-url") && stderr.contains("[project]"),
            "{stderr}"
        );
    }
    // With one, the signboards are written, and the outfalls of out-of-scope clusters are
    // listed with the reason.
    let out = dir.path().join("with");
    zdz_ok(&[
        "report",
        demo.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "pdf",
        "--base-url",
        BASE,
    ]);
    let text = squeezed(&pdftotext(&out.join("signboards.pdf"), None));
    assert!(
        text.contains("未制作标识牌的排口") && text.contains("所在组团不纳入"),
        "{text}"
    );
    assert!(text.contains("http://zdz.example.gov.cn/zdz/outfalls/"));
}
