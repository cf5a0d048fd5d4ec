//! A collector of the process' own resource use, read from Linux `/proc`
//! at every scrape, with client_golang's metric names.
//!
//! Needs the `process` cargo feature:
//! `metrics-core = { version = "0.1", features = ["process"] }`.

use std::fs;

use crate::encoding::{FamilyWriter, MetricType};
use crate::metadata::Metadata;
use crate::metric::EncodeMetric;
use crate::registry::{Collector, Families};

/// Linux' `USER_HZ`: the unit of CPU times in `/proc/<pid>/stat`. It is 100
/// on every architecture Linux supports, independent of the kernel's HZ.
const USER_HZ: f64 = 100.0;

/// Exposes, like client_golang's process collector:
///
/// | family | type |
/// | --- | --- |
/// | `process_cpu_seconds_total` | counter: user + system CPU time |
/// | `process_resident_memory_bytes` | gauge |
/// | `process_virtual_memory_bytes` | gauge |
/// | `process_open_fds` | gauge |
/// | `process_max_fds` | gauge: the soft limit |
/// | `process_start_time_seconds` | gauge: since the Unix epoch |
///
/// Values are read from `/proc` when scraped; nothing runs in between.
/// Where a file cannot be read (another OS, a restricted sandbox) the family
/// is exposed without samples rather than with invented ones.
///
/// ```
/// use metrics_core::{process::ProcessCollector, Registry};
/// let registry = Registry::new();
/// registry.register(ProcessCollector::new()).unwrap();
/// ```
pub struct ProcessCollector {
    families: [(Metadata, Reading); 6],
}

#[derive(Clone, Copy)]
enum Reading {
    CpuSeconds,
    ResidentBytes,
    VirtualBytes,
    OpenFds,
    MaxFds,
    StartTime,
}

impl Default for ProcessCollector {
    fn default() -> Self {
        Self::new()
    }
}

impl ProcessCollector {
    /// A collector for the current process.
    pub fn new() -> Self {
        let m = |name: &'static str, help: &'static str, unit: Option<&'static str>| {
            Metadata::from_static(name, help, unit)
        };
        ProcessCollector {
            families: [
                (
                    m(
                        "process_cpu_seconds",
                        "Total user and system CPU time spent in seconds.",
                        Some("seconds"),
                    ),
                    Reading::CpuSeconds,
                ),
                (
                    m(
                        "process_resident_memory_bytes",
                        "Resident memory size in bytes.",
                        Some("bytes"),
                    ),
                    Reading::ResidentBytes,
                ),
                (
                    m(
                        "process_virtual_memory_bytes",
                        "Virtual memory size in bytes.",
                        Some("bytes"),
                    ),
                    Reading::VirtualBytes,
                ),
                (
                    m("process_open_fds", "Number of open file descriptors.", None),
                    Reading::OpenFds,
                ),
                (
                    m(
                        "process_max_fds",
                        "Maximum number of open file descriptors.",
                        None,
                    ),
                    Reading::MaxFds,
                ),
                (
                    m(
                        "process_start_time_seconds",
                        "Start time of the process since unix epoch in seconds.",
                        Some("seconds"),
                    ),
                    Reading::StartTime,
                ),
            ],
        }
    }
}

impl Collector for ProcessCollector {
    fn collect<'a>(&'a self, families: &mut Families<'a>) {
        families.push_all(&self.families);
    }
}

impl EncodeMetric for Reading {
    fn metric_type(&self) -> MetricType {
        match self {
            Reading::CpuSeconds => MetricType::Counter,
            _ => MetricType::Gauge,
        }
    }

    fn encode(&self, out: &mut FamilyWriter<'_>) {
        match self {
            Reading::CpuSeconds => {
                if let Some(v) = cpu_seconds() {
                    out.counter("", v);
                }
            }
            Reading::ResidentBytes => {
                if let Some(v) = status_kib("VmRSS:") {
                    out.gauge("", v.saturating_mul(1024));
                }
            }
            Reading::VirtualBytes => {
                if let Some(v) = status_kib("VmSize:") {
                    out.gauge("", v.saturating_mul(1024));
                }
            }
            Reading::OpenFds => {
                if let Ok(dir) = fs::read_dir("/proc/self/fd") {
                    // The directory handle itself is one of the entries,
                    // as in client_golang.
                    out.gauge("", dir.count() as u64);
                }
            }
            Reading::MaxFds => {
                if let Some(v) = max_fds() {
                    out.gauge("", v);
                }
            }
            Reading::StartTime => {
                if let Some(v) = start_time() {
                    out.gauge("", v);
                }
            }
        }
    }
}

/// Fields of `/proc/self/stat` after the command name (which may itself
/// contain spaces and parentheses, hence the split at the last `)`); the
/// first returned field is field 3 (`state`).
fn stat_fields() -> Option<Vec<String>> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    Some(rest.split_whitespace().map(str::to_owned).collect())
}

fn stat_field(fields: &[String], number: usize) -> Option<f64> {
    // `number` is the 1-based field number in proc(5); index 0 is field 3.
    fields.get(number.checked_sub(3)?)?.parse().ok()
}

fn cpu_seconds() -> Option<f64> {
    let fields = stat_fields()?;
    Some((stat_field(&fields, 14)? + stat_field(&fields, 15)?) / USER_HZ)
}

/// The process' start time, read from `/proc` once: it never changes, so
/// scrapes need not read two files again for it.
fn start_time() -> Option<f64> {
    static START: std::sync::OnceLock<Option<f64>> = std::sync::OnceLock::new();
    *START.get_or_init(read_start_time)
}

fn read_start_time() -> Option<f64> {
    let fields = stat_fields()?;
    let ticks_after_boot = stat_field(&fields, 22)?;
    let boot = fs::read_to_string("/proc/stat").ok()?;
    let btime: f64 = boot
        .lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    Some(btime + ticks_after_boot / USER_HZ)
}

fn status_kib(key: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix(key))?;
    line.split_whitespace().next()?.parse().ok()
}

fn max_fds() -> Option<u64> {
    let limits = fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find_map(|l| l.strip_prefix("Max open files"))?;
    let soft = line.split_whitespace().next()?;
    // "unlimited" has no number; expose nothing rather than a guess.
    soft.parse().ok()
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use crate::{Format, Registry};

    #[test]
    fn reads_proc() {
        assert!(cpu_seconds().unwrap() >= 0.0);
        assert!(status_kib("VmRSS:").unwrap() > 0);
        assert!(max_fds().unwrap() > 0);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        let start = start_time().unwrap();
        assert!(
            start <= now + 1.0 && start > now - 86_400.0 * 365.0,
            "{start} vs {now}"
        );
    }

    #[test]
    fn exposes_client_golang_names() {
        let registry = Registry::new();
        registry.register(ProcessCollector::new()).unwrap();
        let text = registry.encode_to_string(Format::Text);
        for name in [
            "process_cpu_seconds_total ",
            "process_resident_memory_bytes ",
            "process_virtual_memory_bytes ",
            "process_open_fds ",
            "process_max_fds ",
            "process_start_time_seconds ",
        ] {
            assert!(
                text.lines().any(|l| l.starts_with(name)),
                "{name} missing in\n{text}"
            );
        }
        let om = registry.encode_to_string(Format::OpenMetrics);
        assert!(om.contains("# UNIT process_cpu_seconds seconds\n"), "{om}");
    }
}
