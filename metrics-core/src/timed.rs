//! The runtime behind `#[timed]`: call outcomes, the RAII timer guard, the
//! targets it records into, and the built-in per-function families.

use std::fmt;
use std::sync::{LazyLock, OnceLock};
use std::time::Instant;

use crate::buckets::Buckets;
use crate::counter::Counter;
use crate::encoding::{render_label_pairs, FamilyWriter, MetricType};
use crate::family::Family;
use crate::gauge::Gauge;
use crate::global::Registration;
use crate::histogram::{Histogram, HistogramOptions};
use crate::label::{DenseLabelSet, LabelValue};
use crate::metadata::Metadata;
use crate::metric::{EncodeMetric, Metric};
use crate::registry::{Collector, Families};

/// How a timed call ended; the `result` label of `#[timed]` metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Returned normally (for functions returning `Result`: `Ok`).
    Ok,
    /// Returned `Result::Err`.
    Error,
    /// Unwound with a panic (which continues unchanged).
    Panic,
    /// An async call whose future was dropped before it completed.
    Cancelled,
}

impl LabelValue for Outcome {
    const NAME: &'static str = "result";
    const VALUES: &'static [Self] = &[
        Outcome::Ok,
        Outcome::Error,
        Outcome::Panic,
        Outcome::Cancelled,
    ];
    const STRINGS: &'static [&'static str] = &["ok", "error", "panic", "cancelled"];
    fn index(self) -> usize {
        self as usize
    }
}

/// Something `#[timed(target)]` can record a call into: a [`Histogram`], or
/// a [`Family`] of histograms keyed by a dense label set built from the
/// [`Outcome`] (`Family<Outcome, Histogram>`, or your own label enum with
/// `impl From<Outcome>`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot record the duration of calls",
    label = "not a timing target",
    note = "`#[timed(target)]` records into a `Histogram` or a `Family<L, Histogram>` whose \
            label set `L` is dense and implements `From<metrics_core::Outcome>`"
)]
pub trait TimedTarget: Sync {
    /// Records one call.
    fn record(&self, outcome: Outcome, seconds: f64);
    /// A call started (for in-flight gauges).
    fn enter(&self) {}
    /// A call ended, however it ended.
    fn exit(&self) {}
}

impl TimedTarget for Histogram {
    #[inline]
    fn record(&self, _: Outcome, seconds: f64) {
        self.observe(seconds);
    }
}

impl<L: DenseLabelSet + From<Outcome>> TimedTarget for Family<L, Histogram> {
    #[inline]
    fn record(&self, outcome: Outcome, seconds: f64) {
        self[L::from(outcome)].observe(seconds);
    }
}

impl<T: TimedTarget + ?Sized> TimedTarget for &T {
    #[inline]
    fn record(&self, outcome: Outcome, seconds: f64) {
        (**self).record(outcome, seconds)
    }
    #[inline]
    fn enter(&self) {
        (**self).enter()
    }
    #[inline]
    fn exit(&self) {
        (**self).exit()
    }
}

/// A target plus a gauge of calls in progress (`in_flight = gauge`).
pub struct WithInFlight<'a, T> {
    target: T,
    gauge: &'a Gauge,
}

impl<'a, T: TimedTarget> WithInFlight<'a, T> {
    /// Records into `target`, counting calls in progress in `gauge`.
    pub fn new(target: T, gauge: &'a Gauge) -> Self {
        WithInFlight { target, gauge }
    }
}

impl<T: TimedTarget> TimedTarget for WithInFlight<'_, T> {
    #[inline]
    fn record(&self, outcome: Outcome, seconds: f64) {
        self.target.record(outcome, seconds)
    }
    #[inline]
    fn enter(&self) {
        self.gauge.inc();
        self.target.enter()
    }
    #[inline]
    fn exit(&self) {
        self.gauge.dec();
        self.target.exit()
    }
}

/// What `#[timed(..., errors = target)]` counts errors into: a family keyed
/// by the function's error type itself, which must be a `LabelValue` enum
/// (`Family<MyError, Counter>` counts by variant, `Family<MyError,
/// Histogram>` times by variant).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot record errors of type `{E}`",
    label = "not an error target for this function's error type",
    note = "`errors = target` needs a `Family<E, Counter>` or `Family<E, Histogram>` where `E` is \
            the function's error type and derives `LabelValue`"
)]
pub trait ErrorTarget<E> {
    /// Records one error.
    fn record_error(&self, error: &E, seconds: f64);
}

impl<E: LabelValue> ErrorTarget<E> for Family<E, Counter> {
    #[inline]
    fn record_error(&self, error: &E, _: f64) {
        self[*error].inc();
    }
}

impl<E: LabelValue> ErrorTarget<E> for Family<E, Histogram> {
    #[inline]
    fn record_error(&self, error: &E, seconds: f64) {
        self[*error].observe(seconds);
    }
}

/// The outcome of a returned value: `Error` for `Result::Err`.
pub trait ReturnOutcome {
    /// `Ok` or `Error`.
    fn outcome(&self) -> Outcome;
}

impl<T, E> ReturnOutcome for Result<T, E> {
    #[inline]
    fn outcome(&self) -> Outcome {
        match self {
            Ok(_) => Outcome::Ok,
            Err(_) => Outcome::Error,
        }
    }
}

/// The `Err` of a `Result`, for `errors = ...`.
#[inline]
pub fn error_of<T, E>(result: &Result<T, E>) -> Option<&E> {
    result.as_ref().err()
}

/// Times one call: created when the call starts, `finish`ed with the
/// outcome when it returns. Dropped without `finish`, it records `Panic`
/// while unwinding and `Cancelled` otherwise (an async call's future
/// dropped before completion). Uses the monotonic clock (`Instant`).
///
/// The target is a trait object so that a wrong target is one error at the
/// coercion, not one per use; the call is inlined and devirtualized at
/// every `#[timed]` site (see the `timed` benchmark).
#[must_use = "a timer records when finished or dropped"]
pub struct Timer<'a> {
    target: &'a dyn TimedTarget,
    start: Instant,
    finished: bool,
}

impl<'a> Timer<'a> {
    /// Starts timing a call into `target`.
    #[inline]
    pub fn start(target: &'a dyn TimedTarget) -> Self {
        target.enter();
        Timer {
            target,
            start: Instant::now(),
            finished: false,
        }
    }

    /// Records the call's outcome and duration.
    #[inline]
    pub fn finish(mut self, outcome: Outcome) {
        self.finished = true;
        self.target
            .record(outcome, self.start.elapsed().as_secs_f64());
    }

    /// Seconds since the call started.
    #[inline]
    pub fn elapsed_seconds(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }
}

impl Drop for Timer<'_> {
    #[inline]
    fn drop(&mut self) {
        if !self.finished {
            let outcome = if std::thread::panicking() {
                Outcome::Panic
            } else {
                Outcome::Cancelled
            };
            self.target
                .record(outcome, self.start.elapsed().as_secs_f64());
        }
        self.target.exit();
    }
}

/// One `#[timed]` function without a target: its series of the built-in
/// families, owned by a static beside the function so recording needs no
/// lookup.
pub struct TimedSite {
    function: &'static str,
    module: &'static str,
    buckets: Option<Buckets>,
    in_flight: bool,
    series: OnceLock<SiteSeries>,
}

struct SiteSeries {
    durations: [Histogram; 4],
    calls: [Counter; 4],
    in_flight: Gauge,
    // `function="..",module=".."` and that plus `,result=".."` per outcome.
    labels: Box<str>,
    outcome_labels: [Box<str>; 4],
}

impl TimedSite {
    /// A site for `function` in `module` (`module_path!()`).
    pub const fn new(
        function: &'static str,
        module: &'static str,
        buckets: Option<Buckets>,
        in_flight: bool,
    ) -> Self {
        TimedSite {
            function,
            module,
            buckets,
            in_flight,
            series: OnceLock::new(),
        }
    }

    fn series(&self) -> &SiteSeries {
        self.series.get_or_init(|| {
            let options: HistogramOptions = self.buckets.unwrap_or_default().into();
            let labels = render_label_pairs([("function", self.function), ("module", self.module)]);
            SiteSeries {
                durations: std::array::from_fn(|_| Histogram::with_options(&options)),
                calls: std::array::from_fn(|_| Counter::new()),
                in_flight: Gauge::new(),
                outcome_labels: std::array::from_fn(|i| {
                    format!(
                        "{labels},{}",
                        render_label_pairs([("result", Outcome::STRINGS[i])])
                    )
                    .into()
                }),
                labels: labels.into(),
            }
        })
    }
}

impl TimedTarget for TimedSite {
    #[inline]
    fn record(&self, outcome: Outcome, seconds: f64) {
        let series = self.series();
        let i = outcome.index();
        series.durations[i].observe(seconds);
        series.calls[i].inc();
    }

    #[inline]
    fn enter(&self) {
        if self.in_flight {
            self.series().in_flight.inc();
        }
    }

    #[inline]
    fn exit(&self) {
        if self.in_flight {
            self.series().in_flight.dec();
        }
    }
}

impl fmt::Debug for TimedSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimedSite")
            .field("function", &self.function)
            .field("module", &self.module)
            .finish()
    }
}

/// Every `#[timed]` function without a target, gathered by the linker.
#[doc(hidden)]
#[linkme::distributed_slice]
pub static TIMED_SITES: [TimedSite];

/// The built-in families: `function_calls_duration_seconds`,
/// `function_calls_total` and `function_calls_in_flight`, labelled by
/// `function`, `module` (and `result`), with every annotated function's
/// series at zero from the start. Registered in the global registry when
/// the program has any `#[timed]` function without a target.
struct BuiltinTimed {
    families: Vec<(Metadata, SitesPart)>,
}

/// One of the built-in families, over every site.
struct SitesPart {
    sites: Vec<&'static TimedSite>,
    part: Part,
}

#[derive(Clone, Copy)]
enum Part {
    Durations,
    Calls,
    InFlight,
}

/// The built-in families join the global registry the way every
/// `#[register]` static does: through the link-time list.
#[linkme::distributed_slice(crate::global::GLOBAL_COLLECTORS)]
// linkme places the static in a link section; nothing else is unsafe.
#[allow(unsafe_code)]
static BUILTIN_REGISTRATION: Registration = Registration {
    name: "#[timed] built-in families",
    collector: builtin_families,
};

fn builtin_families() -> &'static dyn Collector {
    static BUILTIN: LazyLock<BuiltinTimed> = LazyLock::new(BuiltinTimed::from_link_time_sites);
    &*BUILTIN
}

impl BuiltinTimed {
    /// Every `#[timed]` site without a target; no families when there is
    /// none.
    fn from_link_time_sites() -> BuiltinTimed {
        let mut sites: Vec<&'static TimedSite> = TIMED_SITES.iter().collect();
        if sites.is_empty() {
            return BuiltinTimed {
                families: Vec::new(),
            };
        }
        sites.sort_by_key(|s| (s.module, s.function));
        // Two functions with one name in one module (methods of two types)
        // would expose one label set twice, which makes a scrape invalid:
        // the first keeps the series, later ones are logged.
        sites.dedup_by(|later, first| {
            let same = later.module == first.module && later.function == first.function;
            if same {
                log::error!(
                    "#[timed] functions `{}::{}` appear twice; give one a distinct \
                     `name = \"...\"`: only the first is exposed",
                    later.module,
                    later.function
                );
            }
            same
        });
        // Create every series now, so all are exposed at zero.
        for site in &sites {
            site.series();
        }
        let mut families = vec![
            (
                Metadata::from_static(
                    "function_calls_duration_seconds",
                    "Duration of #[timed] function calls, by outcome.",
                    Some("seconds"),
                ),
                SitesPart {
                    sites: sites.clone(),
                    part: Part::Durations,
                },
            ),
            (
                Metadata::from_static(
                    "function_calls",
                    "Calls of #[timed] functions, by outcome.",
                    None,
                ),
                SitesPart {
                    sites: sites.clone(),
                    part: Part::Calls,
                },
            ),
        ];
        let in_flight: Vec<&'static TimedSite> =
            sites.into_iter().filter(|s| s.in_flight).collect();
        if !in_flight.is_empty() {
            families.push((
                Metadata::from_static(
                    "function_calls_in_flight",
                    "Calls of #[timed(in_flight)] functions in progress.",
                    None,
                ),
                SitesPart {
                    sites: in_flight,
                    part: Part::InFlight,
                },
            ));
        }
        BuiltinTimed { families }
    }
}

impl Collector for BuiltinTimed {
    fn collect<'a>(&'a self, families: &mut Families<'a>) {
        families.push_all(&self.families);
    }
}

impl EncodeMetric for SitesPart {
    fn metric_type(&self) -> MetricType {
        match self.part {
            Part::Durations => MetricType::Histogram,
            Part::Calls => MetricType::Counter,
            Part::InFlight => MetricType::Gauge,
        }
    }

    fn label_names(&self) -> Vec<std::borrow::Cow<'static, str>> {
        let names: &[&'static str] = match self.part {
            Part::InFlight => &["function", "module"],
            _ => &["function", "module", "result"],
        };
        names
            .iter()
            .map(|n| std::borrow::Cow::Borrowed(*n))
            .collect()
    }

    fn encode(&self, out: &mut FamilyWriter<'_>) {
        for site in &self.sites {
            let series = site.series();
            match self.part {
                Part::Durations => {
                    for (h, labels) in series.durations.iter().zip(&series.outcome_labels) {
                        Metric::encode(h, labels.into(), out);
                    }
                }
                Part::Calls => {
                    for (c, labels) in series.calls.iter().zip(&series.outcome_labels) {
                        Metric::encode(c, labels.into(), out);
                    }
                }
                Part::InFlight => Metric::encode(&series.in_flight, (&series.labels).into(), out),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timer_records_outcomes() {
        let family: Family<Outcome, Histogram> = Family::new();
        Timer::start(&family).finish(Outcome::Ok);
        Timer::start(&family).finish(Outcome::Error);
        drop(Timer::start(&family));
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _timer = Timer::start(&family);
            panic!("boom");
        }));
        assert!(caught.is_err());
        for outcome in Outcome::VALUES {
            assert_eq!(family[*outcome].snapshot().count, 1, "{outcome:?}");
        }
    }

    #[test]
    fn error_targets_count_by_variant() {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        enum E {
            A,
            B,
        }
        impl LabelValue for E {
            const NAME: &'static str = "error";
            const VALUES: &'static [Self] = &[E::A, E::B];
            const STRINGS: &'static [&'static str] = &["a", "b"];
            fn index(self) -> usize {
                self as usize
            }
        }
        let counts: Family<E, Counter> = Family::new();
        let r: Result<(), E> = Err(E::B);
        if let Some(e) = error_of(&r) {
            counts.record_error(e, 0.1);
        }
        assert_eq!(counts[E::B].get(), 1);
        assert_eq!(r.outcome(), Outcome::Error);
        assert_eq!(Ok::<(), E>(()).outcome(), Outcome::Ok);
    }

    #[test]
    fn sites_record_and_track_in_flight() {
        static SITE: TimedSite = TimedSite::new("f", "m", None, true);
        let timer = Timer::start(&SITE);
        assert_eq!(SITE.series().in_flight.get(), 1);
        timer.finish(Outcome::Ok);
        assert_eq!(SITE.series().in_flight.get(), 0);
        assert_eq!(SITE.series().calls[0].get(), 1);
        assert_eq!(
            &*SITE.series().outcome_labels[3],
            "function=\"f\",module=\"m\",result=\"cancelled\""
        );
        assert!(format!("{SITE:?}").contains("\"f\""));
    }
}
