//! The browser tests' tools: Debian's Chromium and playwright-core (from npm, pinned in
//! tests/browser/package-lock.json, installed on first use; no browser download).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder of the browser scripts, with playwright-core installed.
pub fn browser_tools() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "Debian's chromium is missing (./dev test installs it)"
    );
    if !dir.join("node_modules/playwright-core").exists() {
        let ok = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
            .current_dir(&dir)
            .status()
            .expect("npm (Node.js) is needed for the browser tests");
        assert!(ok.success(), "npm ci in tests/browser failed");
    }
    dir
}

/// A copy of the demo workspace in `dir`, with `name` given to cluster `id`.
pub fn demo_copy_naming(dir: &Path, id: &str, name: &str) -> PathBuf {
    let ws = super::copy_demo(&dir.join("ws"));
    let path = ws.join("clusters.geojson");
    let mut fc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for f in fc["features"].as_array_mut().unwrap() {
        if f["properties"]["组团编号"] == id {
            f["properties"]["组团名称"] = serde_json::Value::from(name);
        }
    }
    std::fs::write(&path, fc.to_string()).unwrap();
    ws
}
