//! Test support for perimeter: moto's AWS emulator on a free loopback port, one per test, and
//! the demo organization seeded into it.
//!
//! [`Emulator::start`] launches `scripts/moto-server` on a port of its own (so tests run in
//! parallel without fighting over one), waits until it answers, and kills it by its PID when the
//! handle drops, also when the test panics. The launcher also exits by itself when the test
//! process is gone, so a killed test run leaves nothing behind.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The repository root (the workspace holding this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap_or_else(|e| {
        panic!("cannot resolve the repository root from {}: {e}", env!("CARGO_MANIFEST_DIR"))
    })
}

/// The actions of the audit role policy (`config/perimeter-audit-role-policy.json`), which the
/// tests keep equal to the calls a scan makes.
pub fn audit_role_actions() -> std::collections::BTreeSet<String> {
    let text = std::fs::read_to_string(repo_root().join("config/perimeter-audit-role-policy.json"))
        .unwrap_or_else(|e| panic!("reading the audit role policy: {e}"));
    let policy: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("the audit role policy: {e}"));
    policy["Statement"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["Action"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect()
}

/// A running emulator. Dropping it stops the server.
#[derive(Debug)]
pub struct Emulator {
    child: Child,
    port: u16,
    log: PathBuf,
}

/// The credentials the emulator maps to the management account 123456789012.
pub const ACCESS_KEY: &str = "testing";
pub const SECRET_KEY: &str = "testing";
pub const MANAGEMENT_ACCOUNT: &str = "123456789012";

impl Emulator {
    /// Starts an emulator on a free loopback port and waits until it answers.
    pub fn start() -> Emulator {
        let mut last_error = String::new();
        for _ in 0..5 {
            match Emulator::try_start() {
                Ok(emulator) => return emulator,
                Err(e) => last_error = e,
            }
        }
        panic!("the emulator did not start: {last_error}");
    }

    fn try_start() -> Result<Emulator, String> {
        let port = free_port().map_err(|e| format!("no free loopback port: {e}"))?;
        let log = std::env::temp_dir().join(format!("perimeter-moto-{port}.log"));
        let log_file = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err_file = log_file.try_clone().map_err(|e| e.to_string())?;
        let launcher = repo_root().join("scripts/moto-server");
        let mut command = Command::new("python3");
        command
            .arg(&launcher)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("PERIMETER_MOTO_PARENT_PID", std::process::id().to_string())
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(err_file);
        for (key, value) in clean_aws_env(port) {
            command.env(key, value);
        }
        command.env_remove("AWS_PROFILE").env_remove("AWS_DEFAULT_PROFILE");
        let child = command
            .spawn()
            .map_err(|e| format!("cannot run {} (is moto installed?): {e}", launcher.display()))?;
        let mut emulator = Emulator { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(200) = emulator.http("GET", "/moto-api/") {
                return Ok(emulator);
            }
            if let Ok(Some(status)) = emulator.child.try_wait() {
                return Err(format!("the emulator exited with {status}: {}", emulator.log_tail()));
            }
            if Instant::now() > deadline {
                return Err(format!("the emulator did not answer in 60 s: {}", emulator.log_tail()));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Wipes every resource of every account.
    pub fn reset(&self) {
        let status = self.http("POST", "/moto-api/reset").unwrap_or_else(|e| panic!("reset: {e}"));
        assert_eq!(status, 200, "emulator reset answered {status}");
    }

    /// The environment a child process needs to talk to this emulator (and nothing else).
    pub fn aws_env(&self) -> Vec<(String, String)> {
        clean_aws_env(self.port)
    }

    /// Seeds the demo organization and returns its manifest (see `tests/fixtures/demo-org`).
    pub fn seed_demo_org(&self) -> serde_json::Value {
        let manifest = std::env::temp_dir().join(format!("perimeter-demo-org-{}.json", self.port));
        let output = Command::new("python3")
            .arg(repo_root().join("scripts/seed-demo-org.py"))
            .args(["--endpoint", &self.endpoint(), "--manifest"])
            .arg(&manifest)
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_DEFAULT_PROFILE")
            .output()
            .unwrap_or_else(|e| panic!("cannot run the seeder: {e}"));
        assert!(
            output.status.success(),
            "the seeder failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        let text = std::fs::read_to_string(&manifest)
            .unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", manifest.display()))
    }

    /// The last lines of the emulator's log, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    fn http(&self, method: &str, path: &str) -> Result<u16, String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        stream.set_read_timeout(Some(Duration::from_secs(10))).map_err(|e| e.to_string())?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.port
        )
        .map_err(|e| e.to_string())?;
        let mut response = String::new();
        stream.read_to_string(&mut response).map_err(|e| e.to_string())?;
        response
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| format!("unexpected answer: {response:.80}"))
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

fn clean_aws_env(port: u16) -> Vec<(String, String)> {
    [
        ("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}")),
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY.to_string()),
        ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.to_string()),
        ("AWS_REGION", "us-east-1".to_string()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}
