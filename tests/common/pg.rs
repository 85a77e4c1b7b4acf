//! A PostgreSQL server of one test's own on 127.0.0.1, to stop and start under a running
//! zdz (Debian's postgresql-15; as root it runs as the postgres user).

use std::path::PathBuf;
use std::process::Command;

const BIN: &str = "/usr/lib/postgresql/15/bin";

pub struct PrivatePg {
    dir: PathBuf,
    pub port: u16,
}

fn as_postgres(cmd: &str) -> Command {
    let root = unsafe { libc::geteuid() } == 0;
    let mut c = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", cmd]);
        c
    } else {
        Command::new(cmd)
    };
    c.stdout(std::process::Stdio::null());
    c
}

impl PrivatePg {
    pub fn start() -> PrivatePg {
        assert!(
            std::path::Path::new(BIN).join("initdb").exists(),
            "PostgreSQL 15 is missing (./dev test installs postgresql-15-postgis-3)"
        );
        let dir = std::env::temp_dir().join(format!(
            "zdz-faults-pg-{}-{}",
            std::process::id(),
            fastrand::u32(..)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        if unsafe { libc::geteuid() } == 0 {
            Command::new("chown")
                .arg("postgres")
                .arg(&dir)
                .status()
                .unwrap();
        }
        let ok = as_postgres(&format!("{BIN}/initdb"))
            .args([
                "-D",
                dir.join("data").to_str().unwrap(),
                "-U",
                "postgres",
                "-A",
                "trust",
            ])
            .status()
            .unwrap();
        assert!(ok.success(), "initdb failed");
        let port = 20000 + fastrand::u16(..20000);
        let pg = PrivatePg { dir, port };
        pg.resume();
        let ok = Command::new("psql")
            .args([
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                "postgres",
                "-c",
                "CREATE DATABASE zdz",
            ])
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(ok.success(), "CREATE DATABASE failed");
        pg
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/zdz", self.port)
    }

    /// Stop the server at once, as a crash or a pulled cable would.
    pub fn stop(&self) {
        as_postgres(&format!("{BIN}/pg_ctl"))
            .args([
                "-D",
                self.dir.join("data").to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ])
            .status()
            .unwrap();
    }

    pub fn resume(&self) {
        let ok = as_postgres(&format!("{BIN}/pg_ctl"))
            .args([
                "-D",
                self.dir.join("data").to_str().unwrap(),
                "-l",
                self.dir.join("log").to_str().unwrap(),
                "-w",
                "-o",
                &format!(
                    "-p {} -k {} -c listen_addresses=127.0.0.1",
                    self.port,
                    self.dir.display()
                ),
                "start",
            ])
            .status()
            .unwrap();
        assert!(
            ok.success(),
            "pg_ctl start failed: {}",
            std::fs::read_to_string(self.dir.join("log")).unwrap_or_default()
        );
    }
}

impl Drop for PrivatePg {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
