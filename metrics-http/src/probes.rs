//! The probes: `/health` (liveness: the process answers) and `/ready`
//! (readiness: every check the application registered passes), as JSON.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::{Response, StatusCode};

use crate::json;
use crate::response::{self, Body};

/// A readiness check's result: `Err` holds why the application is not
/// ready.
pub type CheckResult = Result<(), String>;

/// A readiness check, as the builder collects it.
pub(crate) type Check =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = CheckResult> + Send>> + Send + Sync>;

pub(crate) struct Probes {
    version: String,
    started: Instant,
    checks: Vec<(String, Check)>,
    check_timeout: Duration,
}

impl Probes {
    pub(crate) fn new(
        version: String,
        checks: Vec<(String, Check)>,
        check_timeout: Duration,
    ) -> Self {
        Probes {
            version,
            started: Instant::now(),
            checks,
            check_timeout,
        }
    }

    /// `{"status":"ok","version":..,"uptime_seconds":..}`.
    pub(crate) fn health(&self) -> Response<Body> {
        let mut body = String::from("{\"status\":\"ok\",\"version\":");
        json::string(&mut body, &self.version);
        body.push_str(&format!(
            ",\"uptime_seconds\":{:.3}}}\n",
            self.started.elapsed().as_secs_f64()
        ));
        response::json(StatusCode::OK, body)
    }

    /// Runs every check at once, each within the check timeout: `200`
    /// when all pass, `503` naming the failing ones.
    pub(crate) async fn ready(&self) -> Response<Body> {
        let timeout = self.check_timeout;
        let running: Vec<_> = self
            .checks
            .iter()
            .map(|(name, check)| {
                let future = check();
                (
                    name,
                    tokio::spawn(async move { tokio::time::timeout(timeout, future).await }),
                )
            })
            .collect();
        let mut results: Vec<(&String, CheckResult)> = Vec::with_capacity(running.len());
        for (name, task) in running {
            let result = match task.await {
                Ok(Ok(result)) => result,
                Ok(Err(_)) => Err(format!("timed out after {timeout:?}")),
                Err(e) if e.is_panic() => Err("check panicked".into()),
                Err(_) => Err("check was cancelled".into()),
            };
            results.push((name, result));
        }
        let ready = results.iter().all(|(_, r)| r.is_ok());
        let mut body = String::from(if ready {
            "{\"status\":\"ready\""
        } else {
            "{\"status\":\"not ready\""
        });
        body.push_str(",\"failing\":[");
        let failing = results.iter().filter(|(_, r)| r.is_err());
        for (i, (name, _)) in failing.enumerate() {
            if i > 0 {
                body.push(',');
            }
            json::string(&mut body, name);
        }
        body.push_str("],\"checks\":{");
        for (i, (name, result)) in results.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            json::string(&mut body, name);
            match result {
                Ok(()) => body.push_str(":{\"ok\":true}"),
                Err(e) => {
                    body.push_str(":{\"ok\":false,\"error\":");
                    json::string(&mut body, e);
                    body.push('}');
                }
            }
        }
        body.push_str("}}\n");
        let status = if ready {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        };
        response::json(status, body)
    }
}
