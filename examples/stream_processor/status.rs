//! The live status line and the closing summary, read back from the
//! metrics themselves (the p95 from the latency histogram's buckets, as
//! Prometheus' `histogram_quantile` would compute it).

use std::sync::atomic::Ordering;
use std::time::Instant;

use metrics_core::LabelValue;

use crate::labels::{ResultLabel, WindowType};
use crate::metrics::METRICS;
use crate::sim::Progress;

/// Totals read at one moment.
#[derive(Clone, Default)]
pub(crate) struct Reading {
    received: u64,
    processed: [u64; 4],
    /// Cumulative bucket counts of the processing-duration histogram,
    /// summed over every result.
    buckets: Vec<u64>,
    triggered: u64,
}

impl Reading {
    pub(crate) fn now() -> Reading {
        let s = &METRICS.stream;
        let mut buckets = Vec::new();
        for result in ResultLabel::VALUES {
            let snapshot = s.event_processing_duration[*result].snapshot();
            if buckets.is_empty() {
                buckets = vec![0; snapshot.cumulative.len()];
            }
            for (sum, n) in buckets.iter_mut().zip(&snapshot.cumulative) {
                *sum += n;
            }
        }
        Reading {
            received: s.events_received.get(),
            processed: std::array::from_fn(|i| s.events_processed[ResultLabel::VALUES[i]].get()),
            buckets,
            triggered: WindowType::VALUES
                .iter()
                .map(|w| METRICS.windows.windows_triggered[*w].get())
                .sum(),
        }
    }

    fn processed(&self) -> u64 {
        self.processed.iter().sum()
    }

    fn errors(&self) -> u64 {
        self.processed[ResultLabel::Error.index()]
    }

    /// What happened between `earlier` and `self`.
    fn since(&self, earlier: &Reading) -> Reading {
        Reading {
            // Counters only grow; saturating all the same.
            received: self.received.saturating_sub(earlier.received),
            processed: std::array::from_fn(|i| {
                self.processed[i].saturating_sub(earlier.processed[i])
            }),
            buckets: self
                .buckets
                .iter()
                .zip(earlier.buckets.iter().chain(std::iter::repeat(&0)))
                .map(|(now, then)| now.saturating_sub(*then))
                .collect(),
            triggered: self.triggered.saturating_sub(earlier.triggered),
        }
    }

    /// The `q` quantile of processing latency in seconds, interpolated
    /// within its bucket; `None` when nothing was observed.
    fn latency_quantile(&self, q: f64) -> Option<f64> {
        let bounds = crate::metrics::DURATION_BUCKETS.bounds();
        let total = *self.buckets.last()?;
        if total == 0 {
            return None;
        }
        let rank = q * total as f64;
        let mut lower = (0.0, 0u64);
        for (bound, count) in bounds.iter().zip(&self.buckets) {
            if *count as f64 >= rank {
                let in_bucket = (count - lower.1) as f64;
                let fraction = if in_bucket > 0.0 {
                    (rank - lower.1 as f64) / in_bucket
                } else {
                    1.0
                };
                return Some(lower.0 + (bound - lower.0) * fraction);
            }
            lower = (*bound, *count);
        }
        // In the +Inf bucket: the highest finite bound is all one can say.
        bounds.last().copied()
    }
}

fn active_windows() -> i64 {
    WindowType::VALUES
        .iter()
        .map(|w| METRICS.windows.windows_active[*w].get())
        .sum()
}

fn millis(seconds: Option<f64>) -> String {
    seconds.map_or_else(|| "-".to_owned(), |s| format!("{:.1} ms", s * 1000.0))
}

/// Turns readings a second or so apart into status lines.
pub(crate) struct Status {
    last: Reading,
    at: Instant,
}

impl Status {
    pub(crate) fn new() -> Status {
        Status {
            last: Reading::now(),
            at: Instant::now(),
        }
    }

    /// The status since the previous line.
    pub(crate) fn line(&mut self, progress: &Progress) -> String {
        let now = Reading::now();
        let delta = now.since(&self.last);
        let seconds = self.at.elapsed().as_secs_f64().max(1e-3);
        self.last = now;
        self.at = Instant::now();
        let error_ratio = if delta.processed() > 0 {
            delta.errors() as f64 / delta.processed() as f64 * 100.0
        } else {
            0.0
        };
        if !progress.ready.load(Ordering::Relaxed) {
            return "connecting to Kafka (warming up) ...".to_owned();
        }
        format!(
            "{:>6.0} events/s | errors {:>4.1}% | p95 {:>8} | windows {:>4} | consumer lag {:>6}",
            delta.received as f64 / seconds,
            error_ratio,
            millis(delta.latency_quantile(0.95)),
            active_windows(),
            progress.consumer_lag.load(Ordering::Relaxed),
        )
    }
}

/// The one-paragraph summary printed when the run stops.
pub(crate) fn summary(
    start: &Reading,
    seconds: f64,
    progress: &Progress,
    served_at: &str,
) -> String {
    let run = Reading::now().since(start);
    let share = |n: u64| {
        if run.processed() == 0 {
            0.0
        } else {
            n as f64 / run.processed() as f64 * 100.0
        }
    };
    let [success, error, dropped, filtered] = run.processed;
    format!(
        "Ran {seconds:.1} s: received {} events ({:.0}/s) from {} topics and processed {}: \
         {success} succeeded, {error} failed ({:.2}%), {dropped} were dropped as duplicates or \
         late, {filtered} were filtered. {} windows triggered and {} are still open; \
         p95 latency over the run was {}, p99 {}; the consumer stopped {} messages behind. \
         Metrics were served at {served_at}.",
        run.received,
        run.received as f64 / seconds.max(1e-3),
        progress.topics.load(Ordering::Relaxed),
        run.processed(),
        share(error),
        run.triggered,
        active_windows(),
        millis(run.latency_quantile(0.95)),
        millis(run.latency_quantile(0.99)),
        progress.consumer_lag.load(Ordering::Relaxed),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_within_the_bucket() {
        let bounds = crate::metrics::DURATION_BUCKETS.bounds();
        // 100 observations: 50 in the first bucket (<= 1 ms), 50 in the
        // second (<= 2 ms).
        let mut buckets = vec![100; bounds.len() + 1];
        buckets[0] = 50;
        let reading = Reading {
            buckets,
            ..Reading::default()
        };
        assert_eq!(reading.latency_quantile(0.25), Some(0.0005));
        let p95 = reading.latency_quantile(0.95).unwrap();
        assert!((p95 - 0.0019).abs() < 1e-12, "{p95}");
        assert_eq!(Reading::default().latency_quantile(0.5), None);
    }
}
