//! The real programs the tests run: Prometheus and the Pushgateway from
//! their Debian packages, and this workspace's own examples, each a child
//! process killed and reaped when its guard drops.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::{free_port, http_get, require_binary};

/// A child process killed and reaped when dropped, with its scratch folder
/// (removed too, when there is one).
pub struct Process {
    /// The running program.
    pub child: Child,
    dir: Option<PathBuf>,
}

impl Process {
    /// Guards `child`; `dir` is removed with it.
    pub fn new(child: Child, dir: Option<PathBuf>) -> Process {
        Process { child, dir }
    }

    /// Sends SIGTERM and waits up to `timeout` for the exit: the exit
    /// code and everything the program wrote to stdout (when piped).
    pub fn terminate(self, timeout: Duration) -> (Option<i32>, String) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.finish(timeout)
    }

    /// Waits up to `timeout` for the program to exit by itself: the exit
    /// code (`None`: still running, then killed) and its stdout.
    pub fn finish(mut self, timeout: Duration) -> (Option<i32>, String) {
        let start = Instant::now();
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status.code(),
                Ok(None) if start.elapsed() < timeout => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                _ => break None,
            }
        };
        let mut out = String::new();
        if let Some(mut stdout) = self.child.stdout.take() {
            let _ = std::io::Read::read_to_string(&mut stdout, &mut out);
        }
        (status, out)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A fresh scratch folder under the system's temporary directory.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "metrics-e2e-{name}-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Polls `ready` every 250 ms; fails the test after `timeout`.
pub fn wait_for(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Percent-encodes a PromQL query for a URL.
pub fn encode_query(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An instant query through Prometheus' HTTP API: the JSON answer.
pub fn query(api: SocketAddr, promql: &str) -> String {
    let r = http_get(
        api,
        "GET",
        &format!("/api/v1/query?query={}", encode_query(promql)),
        &[],
    )
    .unwrap();
    assert_eq!(r.status, 200, "{promql}: {}", r.text());
    r.text()
}

/// Starts `prometheus` with `config` as `prometheus.yml` and `files`
/// (name, contents) beside it, on a free port; waits until it answers.
/// `None` when the binary is missing (see [`require_binary`]).
pub fn start_prometheus(config: &str, files: &[(&str, &str)]) -> Option<(Process, SocketAddr)> {
    let prometheus = require_binary("prometheus")?;
    let dir = scratch_dir("prometheus");
    let api: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    std::fs::write(dir.join("prometheus.yml"), config).unwrap();
    for (name, contents) in files {
        std::fs::write(dir.join(name), contents).unwrap();
    }
    let child = Command::new(prometheus)
        .arg(format!(
            "--config.file={}",
            dir.join("prometheus.yml").display()
        ))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address={api}"))
        .arg("--log.level=warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus starts");
    let process = Process::new(child, Some(dir));
    wait_for("prometheus", Duration::from_secs(60), || {
        http_get(api, "GET", "/-/ready", &[])
            .map(|r| r.status == 200)
            .unwrap_or(false)
    });
    Some((process, api))
}

/// Starts `prometheus-pushgateway` on a free port and waits until it is
/// ready. `None` when the binary is missing.
pub fn start_pushgateway() -> Option<(Process, SocketAddr)> {
    let binary = require_binary("prometheus-pushgateway")?;
    let dir = scratch_dir("pushgateway");
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let child = Command::new(binary)
        .arg(format!("--web.listen-address={addr}"))
        .arg("--log.level=warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("pushgateway starts");
    let process = Process::new(child, Some(dir));
    wait_for("the pushgateway", Duration::from_secs(30), || {
        http_get(addr, "GET", "/-/ready", &[])
            .map(|r| r.status == 200)
            .unwrap_or(false)
    });
    Some((process, addr))
}

/// The workspace's root folder.
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
}

/// The path of example `name`'s binary, built (or found up to date) with
/// the profile these tests were built with. `cargo test --workspace`
/// has built every example already; building again makes sure a test
/// never runs a stale one.
pub fn example_binary(name: &str) -> PathBuf {
    // One cargo at a time: concurrent tests would only queue on its lock.
    static BUILD: Mutex<()> = Mutex::new(());
    let _one = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut build = Command::new(cargo);
    build.args(["build", "--quiet", "-p", "examples", "--example", name]);
    if !cfg!(debug_assertions) {
        build.arg("--release");
    }
    let status = build
        .current_dir(workspace_root())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building example `{name}` failed");
    // This test runs from <target>/<profile>/deps/.
    let profile_dir = std::env::current_exe()
        .expect("the test's own path")
        .parent()
        .and_then(Path::parent)
        .expect("<target>/<profile>")
        .to_owned();
    profile_dir.join("examples").join(name)
}

/// Starts example `name` with `args` and `env`, stdout piped (read it
/// with [`Process::terminate`]), stderr inherited.
pub fn start_example(name: &str, args: &[&str], env: &[(&str, &str)]) -> Process {
    let child = Command::new(example_binary(name))
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("example `{name}` starts: {e}"));
    Process::new(child, None)
}

/// Waits until `GET path` on `addr` answers `status`.
pub fn wait_for_status(addr: SocketAddr, path: &str, status: u16, timeout: Duration) {
    wait_for(&format!("{path} to answer {status}"), timeout, || {
        http_get(addr, "GET", path, &[])
            .map(|r| r.status == status)
            .unwrap_or(false)
    });
}
