//! Limits and abuse: slow clients (headers trickled a byte at a time) cannot hold the
//! server; 64 clients asking for 10,000 pipes at once keep its memory bounded, and it does
//! not grow from one round to the next; evidence is fetched by content hash only and
//! uploads are size-limited; ledger filters bind their values (no SQL is built from them);
//! tokens never reach the log.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::server::Server;
use common::*;
use serde_json::Value;

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn addr(url: &str) -> String {
    url.trim_start_matches("http://").to_string()
}

/// Whether `needle` is in the first 4 KiB of `hay` (a page's counts come before its features).
fn in_head(hay: &[u8], needle: &[u8]) -> bool {
    hay[..hay.len().min(4096)]
        .windows(needle.len())
        .any(|w| w == needle)
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[test]
fn clients_trickling_their_headers_cannot_hold_the_server() {
    let server = Server::start(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data"), &[]);
    let a = addr(&server.url);
    // More stalled connections than the server serves at once (512).
    let mut slow: Vec<TcpStream> = (0..600)
        .filter_map(|_| TcpStream::connect(&a).ok())
        .collect();
    for s in &mut slow {
        let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHo");
    }
    let t0 = Instant::now();
    // A client that sends its request at once is answered, after the stalled ones have
    // been dropped at the header-read timeout (10 s) at the latest.
    let r = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
        .get(format!("{}/healthz", server.url))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(t0.elapsed() < Duration::from_secs(25), "{:?}", t0.elapsed());
    // The stalled connections were closed by the server: reads end.
    std::thread::sleep(Duration::from_secs(11).saturating_sub(t0.elapsed()));
    let mut closed = 0;
    for s in &mut slow {
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut buf = [0u8; 512];
        match s.read(&mut buf) {
            Ok(0) | Err(_) => closed += 1,
            Ok(n) => {
                // An answer to a half request is a 408 or a 400, then the close.
                let text = String::from_utf8_lossy(&buf[..n]);
                if text.starts_with("HTTP/1.1 408") || text.starts_with("HTTP/1.1 400") {
                    closed += 1;
                }
            }
        }
    }
    assert_eq!(closed, slow.len(), "stalled connections left open");
}

#[test]
fn sixty_four_clients_asking_for_10000_pipes_keep_memory_bounded_and_flat() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    zdz_ok(&[
        "demo",
        "--out",
        ws.to_str().unwrap(),
        "--scale",
        "8",
        "--force",
    ]);
    let server = Server::start(&ws, &[]);
    let pid = server.child.id();
    let page_url = format!("{}/collections/pipes/items?limit=10000", server.url);
    let page = reqwest::blocking::get(&page_url)
        .unwrap()
        .bytes()
        .unwrap()
        .len() as u64;
    assert!(page > 1_000_000, "a page of 10,000 pipes is {page} bytes");
    // A limit past 10,000 is answered with 10,000 (OGC API – Features caps, not refuses).
    let capped: Value = reqwest::blocking::get(format!(
        "{}/collections/pipes/items?limit=50000",
        server.url
    ))
    .unwrap()
    .json()
    .unwrap();
    assert_eq!(capped["numberReturned"], 10000);
    assert!(capped["numberMatched"].as_u64().unwrap() > 10000);
    let baseline = rss_kib(pid);
    let mut peaks = Vec::new();
    for _round in 0..3 {
        let done = Arc::new(AtomicBool::new(false));
        let sampler = {
            let done = Arc::clone(&done);
            std::thread::spawn(move || {
                let mut peak = 0;
                while !done.load(Ordering::Relaxed) {
                    peak = peak.max(rss_kib(pid));
                    std::thread::sleep(Duration::from_millis(20));
                }
                peak
            })
        };
        let clients: Vec<_> = (0..64)
            .map(|_| {
                let url = page_url.clone();
                std::thread::spawn(move || {
                    // A fresh connection per request: on a loaded machine a pooled one
                    // may be closed by the server while idle and fail on reuse
                    // (IncompleteMessage), which says nothing about memory.
                    let c = reqwest::blocking::Client::builder()
                        .timeout(Duration::from_secs(120))
                        .pool_max_idle_per_host(0)
                        .build()
                        .unwrap();
                    for _ in 0..2 {
                        let r = c.get(&url).send().unwrap();
                        assert_eq!(r.status().as_u16(), 200);
                        // The page's count, and its end: the whole page came (parsing
                        // 4 MB of JSON in a debug build would cost more than serving it).
                        let body = r.bytes().unwrap();
                        assert!(
                            in_head(&body, br#""numberReturned":10000,"#) && body.ends_with(b"}]}"),
                            "a page without its 10,000 pipes"
                        );
                    }
                })
            })
            .collect();
        for c in clients {
            c.join().unwrap();
        }
        done.store(true, Ordering::Relaxed);
        peaks.push(sampler.join().unwrap());
    }
    let page_kib = page / 1024;
    // Each client holds at most its page in flight (and a page being built is at most two
    // of its size); past that nothing may pile up.
    let bound = baseline + 64 * page_kib * 3 + 200 * 1024;
    for (i, p) in peaks.iter().enumerate() {
        assert!(
            *p < bound,
            "round {i}: peak {p} KiB ≥ bound {bound} KiB (baseline {baseline} KiB, page {page_kib} KiB)"
        );
    }
    assert!(
        peaks[2] <= peaks[0] + peaks[0] / 4 + 50 * 1024,
        "memory grows from round to round: {peaks:?} KiB"
    );
}

#[test]
fn evidence_is_fetched_by_content_hash_only_uploads_are_capped_filters_are_bound_and_tokens_stay_out_of_the_log()
 {
    let dir = tempfile::tempdir().unwrap();
    let ws = copy_demo(&dir.path().join("ws"));
    let ledger = dir.path().join("ledger.db");
    let l = ledger.to_str().unwrap();
    let token = zdz_ok(&[
        "ledger", "user", "add", "--ledger", l, "市局", "--role", "city",
    ]);
    let token = token.lines().last().unwrap().trim().to_string();
    // The server's log, at its most talkative, kept to read afterwards.
    let log = dir.path().join("serve.log");
    let mut child = Command::new(zdz_bin())
        .args([
            "serve",
            ws.to_str().unwrap(),
            "--addr",
            "127.0.0.1:0",
            "--ledger",
            l,
        ])
        .env("RUST_LOG", "trace")
        .stderr(Stdio::from(std::fs::File::create(&log).unwrap()))
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let url = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(line) = text
            .lines()
            .find(|l| l.contains("serving") && l.contains(" at "))
        {
            break line.split(" at ").nth(1).unwrap().trim().to_string();
        }
        assert!(Instant::now() < deadline, "serve did not start: {text}");
        std::thread::sleep(Duration::from_millis(100));
    };
    let c = reqwest::blocking::Client::new();
    let get = |path: &str| {
        c.get(format!("{url}{path}"))
            .bearer_auth(&token)
            .send()
            .unwrap()
    };

    // Paths are not files: only a SHA-256 names evidence.
    for path in [
        "/api/ledger/evidence/..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/ledger/evidence/ledger.db",
        &format!("/api/ledger/evidence/{}", "0".repeat(64)),
    ] {
        let r = get(path);
        assert!(
            matches!(r.status().as_u16(), 400 | 404),
            "{path}: {}",
            r.status()
        );
        let body = r.text().unwrap();
        assert!(!body.contains("root:"), "{path}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert!(v["code"].is_string());
    }

    // Uploads past 20 MiB a file are refused.
    let list: Value = get("/api/ledger/problems").json().unwrap();
    let id = list[0]["problem_id"].as_str().unwrap().to_string();
    let big = vec![0u8; 21 * 1024 * 1024];
    let form = reqwest::blocking::multipart::Form::new().part(
        "file",
        reqwest::blocking::multipart::Part::bytes(big).file_name("大.jpg"),
    );
    let r = c
        .post(format!("{url}/api/ledger/problems/{id}/evidence"))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .unwrap();
    assert!(matches!(r.status().as_u16(), 400 | 413), "{}", r.status());
    let v: Value = r.json().unwrap();
    assert!(v["code"].is_string());

    // A filter is a value, never SQL or a pattern.
    let all = list.as_array().unwrap().len();
    assert!(all > 0);
    for hostile in ["%", "_%", "' OR '1'='1", "CQJK-A' --"] {
        let r: Value = c
            .get(format!(
                "{url}/api/ledger/problems?cluster={}",
                percent(hostile)
            ))
            .bearer_auth(&token)
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert_eq!(r.as_array().unwrap().len(), 0, "cluster = {hostile}");
    }
    let some: Value = c
        .get(format!("{url}/api/ledger/problems?cluster=CQJK-A"))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(!some.as_array().unwrap().is_empty());

    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    child.wait().unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.len() > 1000, "the trace log was written");
    let secret = token.rsplit('_').next().unwrap();
    assert!(!text.contains(secret), "the token's secret is in the log");
    assert!(!text.contains(&token));
}

/// Every SQL text in the ledger is a constant: values go in as parameters.
#[test]
fn no_sql_text_is_built_from_values() {
    // Every `format!` whose format string is SQL may splice only a table's constant column
    // list (`columns`, built by `store::Columns`) or its name (`table`): values are bound.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ledger");
    let mut checked = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        for (at, _) in text.match_indices("format!(") {
            // The format string: the first string literal after the macro's parenthesis.
            let rest = &text[at + "format!(".len()..];
            let Some(open) = rest.find('"') else { continue };
            let body = &rest[open + 1..];
            let close = body
                .char_indices()
                .find(|(i, c)| *c == '"' && !body[..*i].ends_with('\\'))
                .map_or(body.len(), |(i, _)| i);
            let literal = &body[..close];
            let sql = ["SELECT ", "INSERT ", "UPDATE ", "DELETE "]
                .iter()
                .any(|k| literal.contains(k));
            if !sql {
                continue;
            }
            checked += 1;
            let spliced: Vec<&str> = literal
                .split('{')
                .skip(1)
                .filter_map(|s| s.split('}').next())
                .collect();
            assert!(
                spliced.iter().all(|s| ["columns", "table"].contains(s)),
                "{}: SQL built with {spliced:?}: {literal}",
                p.display()
            );
        }
    }
    assert!(checked >= 5, "only {checked} SQL format strings found");
}
