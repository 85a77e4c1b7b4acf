//! The pages' tests' set-up: a copy of the demo served with a ledger that has a city user,
//! the 南岸区 district user and a viewer, each with a password; and a visitor that keeps
//! its cookies, follows no redirect, and reads the CSRF token off the page it was shown.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use reqwest::blocking::{Client, Response};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

use super::server::Server;
use super::zdz_bin;

pub const CITY: (&str, &str) = ("市生态环境局", "city-password-0");
pub const NANAN: (&str, &str) = ("南岸区环境局", "nanan-password-0");
pub const VIEWER: (&str, &str) = ("市级查看", "viewer-password-0");

/// Add a user with a password; its token.
pub fn add_user(
    ledger: &Path,
    (name, password): (&str, &str),
    role: &str,
    district: Option<&str>,
) -> String {
    let mut cmd = Command::new(zdz_bin());
    cmd.args([
        "ledger",
        "user",
        "add",
        "--ledger",
        ledger.to_str().unwrap(),
        name,
        "--role",
        role,
        "--password-stdin",
    ]);
    if let Some(d) = district {
        cmd.args(["--district", d]);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "user add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The demo served with a ledger of three users.
pub struct Workplace {
    pub server: Server,
    pub ledger: PathBuf,
    pub ws: PathBuf,
    /// The city user's bearer token.
    pub city_token: String,
}

impl Workplace {
    pub fn start(dir: &Path, extra: &[&str]) -> Workplace {
        let ws = super::copy_demo(&dir.join("ws"));
        Workplace::start_on(dir, ws, extra)
    }

    /// The service on workspace `ws`, with the three users.
    pub fn start_on(dir: &Path, ws: PathBuf, extra: &[&str]) -> Workplace {
        let ledger = dir.join("ledger.db");
        let city_token = add_user(&ledger, CITY, "city", None);
        add_user(&ledger, NANAN, "district", Some("南岸区"));
        add_user(&ledger, VIEWER, "viewer", None);
        let mut args = vec![
            "--ledger",
            ledger.to_str().unwrap(),
            "--as-of",
            "2026-12-06",
        ];
        args.extend_from_slice(extra);
        let server = Server::start(&ws, &args);
        Workplace {
            server,
            ledger,
            ws,
            city_token,
        }
    }

    /// The ledger's entries as the API lists them to the city.
    pub fn api(&self, path: &str) -> serde_json::Value {
        let r = Client::new()
            .get(format!("{}{path}", self.server.url))
            .bearer_auth(&self.city_token)
            .send()
            .unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().unwrap()
    }

    /// A storm outfall of 南岸区 on which the demo raises no DRY_WEATHER_FLOW.
    pub fn quiet_storm_outfall(&self) -> String {
        let fc = self
            .server
            .json("/collections/outfalls/items?kind=storm&limit=1000");
        fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| {
                let p = &f["properties"];
                p["cluster_id"]
                    .as_str()
                    .is_some_and(|c| c.starts_with("CQJK-"))
                    && !p["problem_codes"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|c| c == "DRY_WEATHER_FLOW")
            })
            .expect("a storm outfall of 南岸区 without DRY_WEATHER_FLOW")["properties"]["outfall_id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// A district's problem of the demo, by the API.
    pub fn problem_of(&self, district: &str) -> String {
        self.api("/api/ledger/problems")
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["district"] == district)
            .unwrap_or_else(|| panic!("no problem of {district}"))["problem_id"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

/// An answer as a visitor sees it.
pub struct Seen {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
}

impl Seen {
    /// The page's CSRF token (the first form's).
    pub fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a form with a CSRF field")
            + 19;
        self.body[at..].split('"').next().unwrap().to_string()
    }
}

/// A browser without script: cookies kept, redirects not followed.
pub struct Visitor {
    client: Client,
    base: String,
    cookies: BTreeMap<String, String>,
}

impl Visitor {
    pub fn new(base: &str) -> Visitor {
        Visitor {
            client: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: base.to_string(),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn seen(&mut self, r: Response) -> Seen {
        for v in r.headers().get_all(SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
        Seen {
            status: r.status().as_u16(),
            location: r
                .headers()
                .get(LOCATION)
                .map(|v| v.to_str().unwrap().to_string()),
            body: r.text().unwrap(),
        }
    }

    pub fn get(&mut self, path: &str) -> Seen {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .send()
            .unwrap();
        self.seen(r)
    }

    pub fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Seen {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .form(form)
            .send()
            .unwrap();
        self.seen(r)
    }

    pub fn post_multipart(&mut self, path: &str, form: reqwest::blocking::multipart::Form) -> Seen {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .multipart(form)
            .send()
            .unwrap();
        self.seen(r)
    }

    pub fn upload(
        &mut self,
        path: &str,
        csrf: &str,
        file: &str,
        bytes: Vec<u8>,
        media: &str,
    ) -> Seen {
        let part = reqwest::blocking::multipart::Part::bytes(bytes)
            .file_name(file.to_string())
            .mime_str(media)
            .unwrap();
        let form = reqwest::blocking::multipart::Form::new()
            .text("csrf", csrf.to_string())
            .part("file", part);
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .multipart(form)
            .send()
            .unwrap();
        self.seen(r)
    }

    /// Sign in from the form; the answer to the form.
    pub fn sign_in(&mut self, (name, password): (&str, &str)) -> Seen {
        let form = self.get("/signin");
        assert_eq!(form.status, 200, "{}", form.body);
        let csrf = form.csrf();
        self.post(
            "/signin",
            &[
                ("name", name),
                ("password", password),
                ("csrf", &csrf),
                ("next", "/problems"),
            ],
        )
    }

    pub fn has_session(&self) -> bool {
        self.cookies.contains_key("zdz_session")
    }
}
