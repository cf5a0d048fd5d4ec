//! The built-in families of `#[timed]` functions without a target:
//! `function_calls_duration_seconds`, `function_calls_total` and
//! `function_calls_in_flight`, one site per function, joining the global
//! registry through the link-time list.

use std::fmt;
use std::sync::{LazyLock, OnceLock};

use super::{Outcome, TimedTarget};
use crate::buckets::Buckets;
use crate::counter::Counter;
use crate::encoding::{render_label_pairs, FamilyWriter, MetricType};
use crate::gauge::Gauge;
use crate::global::Registration;
use crate::histogram::{Histogram, HistogramOptions};
use crate::label::LabelValue;
use crate::metadata::Metadata;
use crate::metric::{EncodeMetric, Metric};
use crate::registry::{Collector, Families};

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
        // By module, then function: a stable sort by the second key, then
        // by the first.
        crate::order::sort_by_name(&mut sites, |s| s.function);
        crate::order::sort_by_name(&mut sites, |s| s.module);
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
    use crate::timed::Timer;

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
