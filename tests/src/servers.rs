//! The real programs the tests run: Prometheus and the Pushgateway from
//! their Debian packages, and this workspace's own examples, each a child
//! process killed and reaped when its guard drops.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::{free_port, http_get, require_binary};

/// A child process killed and reaped when dropped, with its scratch folder
/// (removed too, when there is one). A piped stdout or stderr is read by a
/// thread of its own, line by line, so the child never blocks on a full
/// pipe and the test can wait for a line with a deadline.
pub struct Process {
    /// The running program.
    pub child: Child,
    output: Option<Receiver<String>>,
    dir: Option<PathBuf>,
}

/// Sends every line `from` yields to the receiver, until end of file.
fn read_lines(from: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

impl Process {
    /// Guards `child`; `dir` is removed with it. Its piped stdout (else
    /// its piped stderr) is read line by line.
    pub fn new(mut child: Child, dir: Option<PathBuf>) -> Process {
        let output = match (child.stdout.take(), child.stderr.take()) {
            (Some(stdout), _) => Some(read_lines(stdout)),
            (None, Some(stderr)) => Some(read_lines(stderr)),
            (None, None) => None,
        };
        Process { child, output, dir }
    }

    /// Waits up to `timeout` for an output line containing `needle`; the
    /// line. Fails the test when the program ends or the time is up first.
    pub fn wait_for_line(&mut self, needle: &str, timeout: Duration) -> String {
        let output = self.output.as_ref().expect("the output is piped");
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match output.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(e) => panic!("no line with `{needle}` within {timeout:?}: {e}"),
            }
        }
    }

    /// Sends SIGTERM and waits up to `timeout` for the exit: the exit
    /// code and the output the program wrote after the lines already read.
    pub fn terminate(self, timeout: Duration) -> (Option<i32>, String) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.finish(timeout)
    }

    /// Waits up to `timeout` for the program to exit by itself: the exit
    /// code (`None`: it did not, and was killed) and its remaining output.
    pub fn finish(mut self, timeout: Duration) -> (Option<i32>, String) {
        let start = Instant::now();
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status.code(),
                Ok(None) if start.elapsed() < timeout => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                _ => {
                    // Killed first, so that reading its output ends.
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break None;
                }
            }
        };
        let mut out = String::new();
        if let Some(output) = self.output.take() {
            // The reader thread ends at end of file, now that it exited.
            while let Ok(line) = output.recv_timeout(Duration::from_secs(5)) {
                out.push_str(&line);
                out.push('\n');
            }
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
    start_prometheus_with(config, files, &[])
}

/// [`start_prometheus`] with more command-line flags (feature flags).
pub fn start_prometheus_with(
    config: &str,
    files: &[(&str, &str)],
    flags: &[&str],
) -> Option<(Process, SocketAddr)> {
    start_server("prometheus", |dir| {
        std::fs::write(dir.join("prometheus.yml"), config).unwrap();
        for (name, contents) in files {
            std::fs::write(dir.join(name), contents).unwrap();
        }
        let mut args = vec![
            format!("--config.file={}", dir.join("prometheus.yml").display()),
            format!("--storage.tsdb.path={}", dir.join("data").display()),
        ];
        args.extend(flags.iter().map(|f| (*f).to_owned()));
        args
    })
}

/// Starts `prometheus-pushgateway` on a free port and waits until it is
/// ready. `None` when the binary is missing.
pub fn start_pushgateway() -> Option<(Process, SocketAddr)> {
    start_server("prometheus-pushgateway", |_| Vec::new())
}

/// Starts one of the Prometheus servers on a free port of 127.0.0.1, with a
/// scratch folder and the arguments `setup` returns for it, quiet, and
/// waits for its `/-/ready`.
fn start_server(
    binary: &str,
    setup: impl FnOnce(&Path) -> Vec<String>,
) -> Option<(Process, SocketAddr)> {
    let path = require_binary(binary)?;
    let dir = scratch_dir(binary);
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let child = Command::new(path)
        .args(setup(&dir))
        .arg(format!("--web.listen-address={addr}"))
        .arg("--log.level=warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{binary} starts: {e}"));
    let process = Process::new(child, Some(dir));
    wait_for_status(addr, "/-/ready", 200, Duration::from_secs(60));
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
/// with [`Process::wait_for_line`] and [`Process::terminate`]), stderr
/// inherited.
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

/// Starts an example that serves on the port the system picks (it is
/// given `127.0.0.1:0`, as `METRICS_ADDR` or by `addr_arg`) and prints
/// `http://<addr>/` once bound: the process and that address.
pub fn serve_example(name: &str, addr_arg: Option<&str>, args: &[&str]) -> (Process, SocketAddr) {
    let mut all: Vec<&str> = addr_arg.map_or_else(Vec::new, |flag| vec![flag, "127.0.0.1:0"]);
    all.extend_from_slice(args);
    let env: &[(&str, &str)] = if addr_arg.is_some() {
        &[]
    } else {
        &[("METRICS_ADDR", "127.0.0.1:0")]
    };
    let mut program = start_example(name, &all, env);
    let line = program.wait_for_line("http://", Duration::from_secs(60));
    let addr = address_in(&line, "http://");
    (program, addr)
}

/// The `host:port` after `scheme` in a line such as
/// `serving http://127.0.0.1:41595/metrics`.
pub fn address_in(line: &str, scheme: &str) -> SocketAddr {
    line.split(scheme)
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|addr| addr.parse().ok())
        .unwrap_or_else(|| panic!("no {scheme} address in `{line}`"))
}

/// Waits until `GET path` on `addr` answers `status`.
pub fn wait_for_status(addr: SocketAddr, path: &str, status: u16, timeout: Duration) {
    wait_for(&format!("{path} to answer {status}"), timeout, || {
        http_get(addr, "GET", path, &[])
            .map(|r| r.status == status)
            .unwrap_or(false)
    });
}
