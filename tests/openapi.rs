//! The OpenAPI document is exact: schemathesis (pinned in tests/schemathesis/, run from
//! the venv `./dev test` makes) generates requests from `/openapi` for every operation,
//! the ledger's too with a city token, and runs every check (`--checks all`): no server
//! error, every status and content type documented, every 4xx the declared JSON error,
//! schema-valid requests accepted, schema-violating ones rejected, the token enforced.
//! Zero failures.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::server::Server;
use common::*;

fn schemathesis() -> PathBuf {
    let st = std::env::var_os("ZDZ_SCHEMATHESIS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/schemathesis-venv/bin/st")
        });
    assert!(
        st.exists(),
        "{} is missing: ./dev test installs schemathesis (tests/schemathesis/requirements.txt) into target/schemathesis-venv",
        st.display()
    );
    st
}

/// Run schemathesis with every check against the service at `url`, with `headers`, and
/// assert it found no failure.
fn schemathesis_passes(url: &str, headers: &[String]) {
    let st = schemathesis();
    let examples = std::env::var("ZDZ_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "25".into());
    let mut cmd = Command::new(&st);
    cmd.args([
        "run",
        &format!("{url}/openapi"),
        "--checks",
        "all",
        // One worker: with two, hypothesis parses lambda sources with `ast.parse`
        // on two threads at once, which CPython 3.11 can fail with "AST constructor
        // recursion depth mismatch" (a runtime error of the tool, not a finding).
        "--workers",
        "1",
    ])
    .args([
        "--max-examples",
        &examples,
        "--no-color",
        "--request-timeout",
        "30",
    ]);
    for h in headers {
        cmd.args(["-H", h]);
    }
    let out = cmd.env("SCHEMATHESIS_HOOKS", "").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let summary: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.contains("generated")
                || l.contains("Tested:")
                || l.contains("failure")
                || l.contains("passed")
        })
        .collect();
    eprintln!("schemathesis: {}", summary.join(" | "));
    assert!(
        out.status.success(),
        "schemathesis found failures:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("Tested: ") || text.contains("Selected:"),
        "{text}"
    );
}

#[test]
fn schemathesis_finds_no_failure_in_any_operation_with_every_check_with_a_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let ws = common::browser::demo_copy_naming(dir.path(), "CQJK-C", "<b>\"组团\"</b> & co");
    let ledger = dir.path().join("ledger.db");
    let token = zdz_ok(&[
        "ledger",
        "user",
        "add",
        "--ledger",
        ledger.to_str().unwrap(),
        "市局",
        "--role",
        "city",
    ]);
    let token = token.lines().last().unwrap().trim().to_string();
    let server = Server::start(&ws, &["--ledger", ledger.to_str().unwrap()]);
    schemathesis_passes(&server.url, &[format!("Authorization: Bearer {token}")]);
    drop(server);
}

#[test]
fn schemathesis_finds_no_failure_in_any_operation_with_every_check_without_a_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let ws = common::browser::demo_copy_naming(dir.path(), "CQJK-C", "<b>\"组团\"</b> & co");
    let server = Server::start(&ws, &[]);
    schemathesis_passes(&server.url, &[]);
    drop(server);
}

#[test]
fn the_openapi_document_lists_the_ledger_only_when_the_service_has_one() {
    let dir = tempfile::tempdir().unwrap();
    let ws = common::browser::demo_copy_naming(dir.path(), "CQJK-C", "组团");
    let ledger = dir.path().join("ledger.db");
    for (args, expected) in [
        (vec![], false),
        (vec!["--ledger", ledger.to_str().unwrap()], true),
    ] {
        let server = Server::start(&ws, &args);
        let doc: serde_json::Value = reqwest::blocking::get(format!("{}/openapi", server.url))
            .unwrap()
            .json()
            .unwrap();
        let paths = doc["paths"].as_object().unwrap();
        let ledger_paths: Vec<&String> = paths
            .keys()
            .filter(|p| p.starts_with("/api/ledger"))
            .collect();
        assert_eq!(
            !ledger_paths.is_empty(),
            expected,
            "{args:?}: {ledger_paths:?}"
        );
        assert_eq!(
            doc["components"]["securitySchemes"].is_object(),
            expected,
            "{args:?}"
        );
        if !expected {
            let answer =
                reqwest::blocking::get(format!("{}/api/ledger/problems", server.url)).unwrap();
            assert_eq!(answer.status(), 404);
        }
    }
}
