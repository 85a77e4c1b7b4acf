//! A running `zdz serve` for tests: the binary on an ephemeral loopback port.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use super::zdz_bin;

/// A running `zdz serve`, stopped with SIGTERM when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
}

impl Server {
    pub fn start(workspace: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(zdz_bin())
            .args([
                "serve",
                workspace.to_str().unwrap(),
                "--addr",
                "127.0.0.1:0",
            ])
            .args(extra)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("zdz serve exited before listening")
                .unwrap();
            if let Some(at) = line
                .split(" at ")
                .nth(1)
                .filter(|_| line.contains("serving"))
            {
                break at.trim().to_string();
            }
        };
        // Keep draining the log so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, url }
    }

    pub fn get(&self, path: &str) -> reqwest::blocking::Response {
        reqwest::blocking::get(format!("{}{path}", self.url)).unwrap()
    }

    pub fn json(&self, path: &str) -> Value {
        let r = self.get(path);
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().unwrap()
    }

    pub fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = self.child.wait().unwrap();
        std::mem::forget(self);
        status
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
