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

#[test]
fn schemathesis_finds_no_failure_in_any_operation_with_every_check() {
    let st = schemathesis();
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
    let examples = std::env::var("ZDZ_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "25".into());
    let out = Command::new(&st)
        .args([
            "run",
            &format!("{}/openapi", server.url),
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
        ])
        .args(["-H", &format!("Authorization: Bearer {token}")])
        .env("SCHEMATHESIS_HOOKS", "")
        .output()
        .unwrap();
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
    drop(server);
}
