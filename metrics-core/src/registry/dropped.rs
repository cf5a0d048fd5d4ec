//! The registry's own family, `metrics_label_sets_dropped_total{family}`:
//! how many label sets each capped family sent to its overflow series.
//! Defined here, computed from the families of each scrape, and reserved
//! in every registry from the start.

use crate::encoding::{render_label_pairs, EncodeMetric, FamilyWriter, MetricType};
use crate::metadata::Metadata;

/// The family's name (counters gain `_total` when exposed).
pub(crate) const FAMILY: &str = "metrics_label_sets_dropped";

static METADATA: Metadata = Metadata::from_static(
    FAMILY,
    "Label sets sent to the overflow series because a family reached its series cap.",
    None,
);

/// The drops of one scrape: each family that dropped label sets, with how
/// many.
pub(super) struct DroppedLabelSets<'a>(Vec<(&'a str, u64)>);

impl<'a> DroppedLabelSets<'a> {
    /// Reads them from the families being encoded.
    pub(super) fn of(families: &[(&'a Metadata, &'a dyn EncodeMetric)]) -> Self {
        DroppedLabelSets(
            families
                .iter()
                .filter_map(|(m, f)| Some((m.name(), f.dropped_label_sets()?)))
                // Only families that overflowed: the series appears with the
                // first drop, like the overflow series itself.
                .filter(|(_, dropped)| *dropped > 0)
                .collect(),
        )
    }

    /// Label sets dropped, over every family.
    pub(super) fn total(&self) -> u64 {
        self.0.iter().map(|(_, d)| *d).sum()
    }

    /// Adds the family to the scrape, when anything was dropped.
    pub(super) fn join<'s>(&'s self, families: &mut Vec<(&'s Metadata, &'s dyn EncodeMetric)>)
    where
        'a: 's,
    {
        if !self.0.is_empty() {
            families.push((&METADATA, self));
        }
    }
}

impl EncodeMetric for DroppedLabelSets<'_> {
    fn metric_type(&self) -> MetricType {
        MetricType::Counter
    }

    fn label_names(&self) -> Vec<std::borrow::Cow<'static, str>> {
        vec!["family".into()]
    }

    fn encode(&self, out: &mut FamilyWriter<'_>) {
        for (family, dropped) in &self.0 {
            out.counter(&render_label_pairs([("family", *family)]), *dropped);
        }
    }
}
