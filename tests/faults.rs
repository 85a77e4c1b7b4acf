//! Faults: `kill -9` at several points of `zdz analyze`, `zdz report` and `zdz ledger
//! report` leaves either the previous complete output or the new one, never a mix, and no
//! leftover is taken for output later; a full disk (a small tmpfs) is a clear error with
//! the previous output intact; PostgreSQL stopped in the middle of a run with a ledger
//! fails the run with a clear message and the ledger holds none of it; `zdz serve` goes on
//! answering reads from its snapshot while the ledger's database is down, answers ledger
//! calls 503, and recovers when it is back without a restart; a workspace file replaced by
//! garbage under `--watch` leaves the last good snapshot served and `/healthz` says why.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::pg::PrivatePg;
use common::server::Server;
use common::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

fn demo_copy(dir: &Path) -> PathBuf {
    let ws = dir.join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    for e in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("data")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, ws.join(p.file_name().unwrap())).unwrap();
    }
    ws
}

/// The demo without its outfall of unknown source CQJK-B-YS9: a different, complete
/// output (one problem fewer).
fn variant(ws: &Path) {
    let path = ws.join("outfalls.geojson");
    let mut fc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    fc["features"].as_array_mut().unwrap().retain(|f| {
        f["properties"]["排口编号"] != "CQJK-B-YS9" && f["properties"]["outfall_id"] != "CQJK-B-YS9"
    });
    std::fs::write(&path, fc.to_string()).unwrap();
}

fn sha(p: &Path) -> String {
    zdz::ledger::hex(&Sha256::digest(std::fs::read(p).unwrap()))
}

/// What identifies one complete analysis output, after checking it is whole: every file
/// its manifest lists is there, and summary.json counts what problems.geojson holds.
fn signature(out: &Path) -> (String, String) {
    let manifest = read_json(&out.join(".zdz-manifest.json"));
    for f in manifest["files"].as_array().unwrap() {
        assert!(
            out.join(f.as_str().unwrap()).exists(),
            "{f} missing: a mixed folder"
        );
    }
    let summary = read_json(&out.join("summary.json"));
    let problems = read_json(&out.join("problems.geojson"));
    assert_eq!(
        summary["counts"]["problems"].as_u64().unwrap() as usize,
        problems["features"].as_array().unwrap().len(),
        "summary.json does not describe problems.geojson: a mixed folder"
    );
    (
        sha(&out.join("problems.geojson")),
        sha(&out.join("clusters.geojson")),
    )
}

fn leftovers(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".zdz-tmp"))
        .collect()
}

fn analyze_args<'a>(ws: &'a Path, out: &'a Path) -> Vec<&'a str> {
    vec![
        "analyze",
        ws.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--force",
        "--no-maps",
    ]
}

#[test]
fn kill_9_of_analyze_at_any_moment_leaves_the_previous_or_the_new_output_never_a_mix() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy(dir.path());
    let out = dir.path().join("out");
    zdz_ok(&analyze_args(&ws, &out));
    let a = signature(&out);
    std::fs::write(out.join("my notes.txt"), "kept").unwrap();
    variant(&ws);

    // At the fault point: everything written beside the output, not yet swapped in.
    let mut child = paused_at("write", 60_000, &analyze_args(&ws, &out));
    assert!(
        !leftovers(dir.path()).is_empty(),
        "the new output is written beside --out"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(signature(&out), a, "the previous output, whole");
    assert_eq!(
        std::fs::read_to_string(out.join("my notes.txt")).unwrap(),
        "kept"
    );

    // At moments spread over a run.
    let t0 = Instant::now();
    zdz_ok(&analyze_args(&ws, &out));
    let run = t0.elapsed();
    let b = signature(&out);
    assert_ne!(a, b);
    for i in 1..=6 {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(if i % 2 == 0 {
                "data/outfalls.geojson"
            } else {
                "data/clusters.geojson"
            }),
            ws.join(if i % 2 == 0 {
                "outfalls.geojson"
            } else {
                "clusters.geojson"
            }),
        )
        .unwrap();
        if i % 2 == 1 {
            variant(&ws);
        }
        let mut child = Command::new(zdz_bin())
            .args(analyze_args(&ws, &out))
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(run.mul_f64(f64::from(i) / 7.0));
        let _ = child.kill();
        child.wait().unwrap();
        let s = signature(&out);
        assert!(
            s == a || s == b,
            "kill {i}: an output neither previous nor new"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("my notes.txt")).unwrap(),
            "kept"
        );
    }
    // The next run finishes, and what the killed runs left is gone, never taken for output.
    zdz_ok(&analyze_args(&ws, &out));
    signature(&out);
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn kill_9_of_report_leaves_the_previous_reports_whole() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy(dir.path());
    let out = dir.path().join("reports");
    let args = [
        "report",
        ws.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--cluster",
        "CQJK-A",
        "--force",
    ];
    zdz_ok(&args);
    let before = sha(&out.join("CQJK-A.pdf"));
    variant(&ws);
    let mut child = paused_at("write", 60_000, &args);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(sha(&out.join("CQJK-A.pdf")), before);
    let manifest = read_json(&out.join(".zdz-manifest.json"));
    for f in manifest["files"].as_array().unwrap() {
        assert!(out.join(f.as_str().unwrap()).exists());
    }
    zdz_ok(&args);
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn kill_9_of_a_ledger_export_leaves_the_previous_workbook_whole() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy(dir.path());
    let ledger = dir.path().join("ledger.db");
    let l = ledger.to_str().unwrap();
    let out = dir.path().join("out");
    let mut args = analyze_args(&ws, &out);
    args.extend(["--ledger", l]);
    zdz_ok(&args);
    let xlsx = dir.path().join("progress.xlsx");
    zdz_ok(&[
        "ledger",
        "report",
        "--ledger",
        l,
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    let before = sha(&xlsx);
    let id = read_json(&out.join("problems.geojson"))["features"][0]["properties"]["problem_id"]
        .as_str()
        .unwrap()
        .to_string();
    zdz_ok(&[
        "ledger",
        "set",
        "--ledger",
        l,
        &id,
        "--status",
        "in_progress",
        "--by",
        "测试",
    ]);
    let mut child = paused_at(
        "rename",
        60_000,
        &[
            "ledger",
            "report",
            "--ledger",
            l,
            "--out",
            xlsx.to_str().unwrap(),
        ],
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(sha(&xlsx), before, "the previous workbook, whole");
    zdz_ok(&[
        "ledger",
        "report",
        "--ledger",
        l,
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    assert_ne!(sha(&xlsx), before);
}

#[test]
fn a_full_disk_is_a_clear_error_and_the_previous_output_stays_whole() {
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "mounting the small tmpfs needs root (./dev test runs as root)"
    );
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy(dir.path());
    let disk = dir.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    let mounted = Command::new("mount")
        .args([
            "-t",
            "tmpfs",
            "-o",
            "size=4m",
            "tmpfs",
            disk.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(mounted.success(), "mount -t tmpfs failed");
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(disk.clone());
    let out = disk.join("out");
    zdz_ok(&analyze_args(&ws, &out));
    let a = signature(&out);
    // Leave the disk about 200 KB free: less than an output needs.
    let free = {
        let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
        let c = std::ffi::CString::new(disk.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::statvfs(c.as_ptr(), &mut s) }, 0);
        (s.f_bavail as u64) * (s.f_frsize as u64)
    };
    std::fs::write(
        disk.join("filler"),
        vec![0u8; free.saturating_sub(200_000) as usize],
    )
    .unwrap();
    variant(&ws);
    let o = Command::new(zdz_bin())
        .args(analyze_args(&ws, &out))
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    assert!(!o.status.success(), "a full disk must fail the run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("No space left on device") || err.contains("disk is full"),
        "{err}"
    );
    assert!(
        err.contains(disk.to_str().unwrap()),
        "the error names the path: {err}"
    );
    assert_eq!(signature(&out), a, "the previous output, whole");
    assert_eq!(
        leftovers(&disk),
        Vec::<String>::new(),
        "the failed run cleans up after itself"
    );
}

fn entries(url: &str) -> Vec<Value> {
    let out = zdz_ok(&["ledger", "list", "--ledger", url, "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    v.as_array().unwrap().clone()
}

#[test]
fn postgres_stopped_mid_run_fails_the_run_clearly_and_the_ledger_holds_none_of_it() {
    let pg = PrivatePg::start();
    let url = pg.url();
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy(dir.path());
    let out = dir.path().join("out");
    let mut args = analyze_args(&ws, &out);
    args.extend(["--ledger", &url]);
    zdz_ok(&args);
    let before = entries(&url);
    variant(&ws);
    // Half-way through the run's transaction the database goes away.
    let mut child = paused_at("reconcile", 3_000, &args);
    pg.stop();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the run must fail without its database");
    pg.resume();
    assert_eq!(
        entries(&url),
        before,
        "the ledger holds none of the failed run"
    );
    let o = Command::new(zdz_bin())
        .args(&args)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // A clear message when the database is down before the run.
    pg.stop();
    let o = Command::new(zdz_bin())
        .args(&args)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("127.0.0.1") && err.contains(&pg.port.to_string()),
        "names the database: {err}"
    );
    assert!(!err.contains("password"), "{err}");
    pg.resume();
}

#[test]
fn serve_reads_on_while_the_ledger_database_is_down_and_ledger_calls_recover_without_a_restart() {
    let pg = PrivatePg::start();
    let url = pg.url();
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy(dir.path());
    let token = zdz_ok(&[
        "ledger", "user", "add", "--ledger", &url, "市局", "--role", "city",
    ]);
    let token = token.lines().last().unwrap().trim().to_string();
    let server = Server::start(&ws, &["--ledger", &url]);
    let client = reqwest::blocking::Client::new();
    let ledger_get = || {
        client
            .get(format!("{}/api/ledger/problems", server.url))
            .bearer_auth(&token)
            .send()
            .unwrap()
    };
    assert_eq!(ledger_get().status().as_u16(), 200);
    pg.stop();
    assert_eq!(
        server.json("/collections/pipes/items?limit=1")["numberMatched"],
        1459
    );
    assert_eq!(
        server
            .get("/tiles/pipes/12/3302/1701.mvt")
            .status()
            .as_u16(),
        200
    );
    let r = ledger_get();
    assert_eq!(r.status().as_u16(), 503);
    let body: Value = r.json().unwrap();
    assert_eq!(body["code"], "Unavailable");
    let health = server.json("/healthz");
    assert_eq!(health["ledger"]["reachable"], false);
    pg.resume();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let s = ledger_get().status().as_u16();
        if s == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the ledger did not come back: {s}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(server.json("/healthz")["ledger"]["reachable"], true);
}

#[test]
fn garbage_under_watch_keeps_the_last_good_snapshot_and_healthz_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy(dir.path());
    let server = Server::start(&ws, &["--watch"]);
    std::fs::write(ws.join("outfalls.geojson"), b"\x00\x01garbage{{{").unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let h = loop {
        let h = server.json("/healthz");
        if !h["last_reload_error"].is_null() {
            break h;
        }
        assert!(Instant::now() < deadline, "no reload was attempted: {h}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        h["last_reload_error"]
            .as_str()
            .unwrap()
            .contains("outfalls.geojson"),
        "{h}"
    );
    assert_eq!(h["version"], 1);
    assert!(
        server.json("/collections/outfalls/items?limit=1")["numberMatched"]
            .as_u64()
            .unwrap()
            > 0
    );
    // Fixed again, the next reload is served.
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/outfalls.geojson"),
        ws.join("outfalls.geojson"),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let h = server.json("/healthz");
        if h["last_reload_error"].is_null() && h["version"].as_u64() > Some(1) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the fixed workspace was not reloaded: {h}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
