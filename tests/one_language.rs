//! What a bureau submits is in one language: every PDF the demo's reports make (cluster
//! reports, the overview, the signboards, the 建设总结报告), read back by poppler's
//! pdftotext, and every cell of every workbook (survey.xlsx, the per-cluster workbooks,
//! the progress workbook) holds no English word in Chinese mode, outside a short list:
//! ids and codes (upper case), units, CRS names, file and setting names.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader, open_workbook_auto};
use common::*;

/// Words a Chinese document may carry: the program, its file and setting names, units and
/// the parts of a CRS name (CGCS2000 / 3-degree Gauss-Kruger CM 108E).
const ALLOWED: &[&str] = &[
    "zdz",
    "zdz.toml",
    "toml",
    "rubric",
    "make-valid",
    "m",
    "km",
    "mm",
    "mg",
    "L",
    "t",
    "d",
    "degree",
    "Gauss-Kruger",
    "CM",
    "GEOS",
    "DN",
];

/// The English words of `text`: runs of Latin letters that are neither an id or code (no
/// lower-case letter), a problem id (`P` and hex), a URL, nor allowed.
fn english_words(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    // A URL runs to the next blank.
    let without_urls: String = text
        .split_whitespace()
        .map(|chunk| match chunk.find("http") {
            Some(at) if chunk[at..].contains("://") => &chunk[..at],
            _ => chunk,
        })
        .collect::<Vec<_>>()
        .join(" ");
    for token in without_urls.split(|c: char| !(c.is_ascii_alphanumeric() || "_.-/:".contains(c))) {
        if token.is_empty() {
            continue;
        }
        for word in token.split('/') {
            let word = word.trim_matches(|c: char| ".-:".contains(c));
            if !word.chars().any(|c| c.is_ascii_lowercase()) {
                continue;
            }
            let problem_id = word.len() == 13
                && word.starts_with('P')
                && word[1..].chars().all(|c| c.is_ascii_hexdigit());
            let allowed = ALLOWED.contains(&word)
                || word
                    .split(['-', '.'])
                    .all(|w| ALLOWED.contains(&w) || !w.chars().any(|c| c.is_ascii_lowercase()))
                || word.trim_start_matches(|c: char| c.is_ascii_digit()) != word
                    && ALLOWED.contains(&word.trim_start_matches(|c: char| c.is_ascii_digit()));
            if !problem_id && !allowed {
                found.push(word.to_string());
            }
        }
    }
    found
}

fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args([pdf.as_os_str(), "-".as_ref()])
        .output()
        .expect("pdftotext (poppler-utils) is needed");
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    String::from_utf8(out.stdout).unwrap()
}

fn cells(xlsx: &Path) -> Vec<(String, String)> {
    let mut wb = open_workbook_auto(xlsx).unwrap();
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for (r, c, v) in range.used_cells() {
            if let Data::String(s) = v {
                out.push((format!("{name}!R{}C{}", r + 1, c + 1), s.clone()));
            }
        }
    }
    out
}

fn files_with(dir: &Path, ext: &str, into: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_with(&p, ext, into);
        } else if p.extension().is_some_and(|x| x == ext) {
            into.push(p);
        }
    }
}

#[test]
fn english_words_are_found_but_ids_codes_units_and_crs_names_pass() {
    assert_eq!(
        english_words("雨水排口 storm matched CQJK-A-YS1 PIPE_DEFECT 12 m P3c9e1a2b4f60"),
        vec!["storm", "matched"]
    );
    assert!(
        english_words(
            "坐标系 CGCS2000 / 3-degree Gauss-Kruger CM 108E (EPSG:4545) zdz.toml 1 km 3 mg/L DN400 https://x.example/map#sel"
        )
        .is_empty()
    );
}

#[test]
fn no_pdf_page_or_workbook_cell_of_the_demo_carries_an_english_word() {
    let dir = tempfile::tempdir().unwrap();
    let ws = copy_demo(dir.path());
    let w = ws.to_str().unwrap();
    let out = dir.path().join("out");
    let ledger = dir.path().join("ledger.db");
    zdz_ok(&[
        "analyze",
        w,
        "--out",
        out.to_str().unwrap(),
        "--survey-per-cluster",
        "--ledger",
        ledger.to_str().unwrap(),
    ]);
    zdz_ok(&[
        "ledger",
        "report",
        "--ledger",
        ledger.to_str().unwrap(),
        "--out",
        out.join("progress.xlsx").to_str().unwrap(),
    ]);
    let reports = dir.path().join("reports");
    zdz_ok(&[
        "report",
        w,
        "--out",
        reports.to_str().unwrap(),
        "--ledger",
        ledger.to_str().unwrap(),
        "--base-url",
        "http://10.1.2.3:8080",
    ]);
    zdz_ok(&[
        "report",
        w,
        "--out",
        dir.path().join("summary").to_str().unwrap(),
        "--ledger",
        ledger.to_str().unwrap(),
        "--summary",
        "--cluster",
        "CQJK-A",
    ]);

    let mut pdfs = Vec::new();
    files_with(dir.path(), "pdf", &mut pdfs);
    assert!(pdfs.len() >= 21, "{pdfs:?}");
    assert!(pdfs.iter().any(|p| p.ends_with("signboards.pdf")));
    let mut english = Vec::new();
    for pdf in &pdfs {
        for (n, line) in pdf_text(pdf).lines().enumerate() {
            for word in english_words(line) {
                english.push(format!("{}:{}: {word} in {line:?}", pdf.display(), n + 1));
            }
        }
    }
    let mut books = Vec::new();
    files_with(&out, "xlsx", &mut books);
    assert!(books.len() >= 20, "{books:?}");
    for book in &books {
        for (at, text) in cells(book) {
            for word in english_words(&text) {
                english.push(format!("{} {at}: {word} in {text:?}", book.display()));
            }
        }
    }
    assert!(
        english.is_empty(),
        "{} English words, the first:\n{}",
        english.len(),
        english[..english.len().min(40)].join("\n")
    );
}

/// Every text the workspace itself holds (names, districts, waters, answers): what an
/// English document may still carry in Chinese, since it is the data's own.
fn workspace_text(ws: &Path) -> String {
    fn strings(v: &serde_json::Value, into: &mut String) {
        match v {
            serde_json::Value::String(s) => {
                into.push_str(s);
                into.push('\n');
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, into)),
            serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, into)),
            _ => {}
        }
    }
    let mut text = String::new();
    for e in std::fs::read_dir(ws).unwrap() {
        let p = e.unwrap().path();
        let bytes = std::fs::read(&p).unwrap();
        match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(v) => strings(&v, &mut text),
            Err(_) => text.push_str(&String::from_utf8_lossy(&bytes)),
        }
    }
    text
}

/// The runs of Chinese characters in `line`.
fn chinese_runs(line: &str) -> Vec<String> {
    let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c) || "，。：；、（）“”".contains(c);
    let mut runs = Vec::new();
    let mut run = String::new();
    for c in line.chars() {
        if han(c) {
            run.push(c);
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs.into_iter()
        .map(|r| {
            r.trim_matches(|c: char| "，。：；、（）“”".contains(c))
                .to_string()
        })
        .filter(|r| !r.is_empty())
        .collect()
}

#[test]
fn with_lang_en_every_report_pdf_is_english_but_for_the_datas_own_names() {
    let dir = tempfile::tempdir().unwrap();
    let ws = copy_demo(&dir.path().join("ws"));
    let w = ws.to_str().unwrap();
    let ledger = dir.path().join("ledger.db");
    zdz_ok(&[
        "analyze",
        w,
        "--out",
        dir.path().join("out").to_str().unwrap(),
        "--ledger",
        ledger.to_str().unwrap(),
    ]);
    let reports = dir.path().join("reports");
    let common = ["--ledger", ledger.to_str().unwrap(), "--lang", "en"];
    let mut args = vec!["report", w, "--out", reports.to_str().unwrap()];
    args.extend(common);
    args.extend(["--base-url", "http://10.1.2.3:8080"]);
    zdz_ok(&args);
    let summary = dir.path().join("summary");
    let mut args = vec!["report", w, "--out", summary.to_str().unwrap()];
    args.extend(common);
    args.extend(["--summary", "--cluster", "CQJK-A"]);
    zdz_ok(&args);

    let data = workspace_text(&ws);
    let mut pdfs = Vec::new();
    files_with(&reports, "pdf", &mut pdfs);
    files_with(&summary, "pdf", &mut pdfs);
    assert!(pdfs.len() >= 20, "{pdfs:?}");
    let mut chinese = Vec::new();
    let mut english_lines = 0;
    for pdf in &pdfs {
        for (n, line) in pdf_text(pdf).lines().enumerate() {
            english_lines += !english_words(line).is_empty() as usize;
            for run in chinese_runs(line) {
                if !data.contains(&run) {
                    chinese.push(format!("{}:{}: {run} in {line:?}", pdf.display(), n + 1));
                }
            }
        }
    }
    assert!(
        english_lines > 500,
        "only {english_lines} lines read as English"
    );
    assert!(
        chinese.is_empty(),
        "{} Chinese words not the data's own, the first:\n{}",
        chinese.len(),
        chinese[..chinese.len().min(40)].join("\n")
    );
    // The Chinese documents stay the default: the cover of the same report without --lang.
    let zh = dir.path().join("zh");
    zdz_ok(&[
        "report",
        w,
        "--out",
        zh.to_str().unwrap(),
        "--cluster",
        "CQJK-A",
        "--format",
        "pdf",
    ]);
    assert!(pdf_text(&zh.join("CQJK-A.pdf")).contains("排查整治报告"));
    let en = pdf_text(&reports.join("CQJK-A.pdf"));
    let en = en.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(en.contains("survey and remediation report"), "{en}");
}
