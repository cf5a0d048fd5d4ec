//! Registries: the collectors a process exposes, checked for name clashes
//! and encoded in name order.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::sync::Arc;

use crate::lock::RwLock;

mod dropped;
mod error;
mod names;

use dropped::DroppedLabelSets;
pub use error::RegistryError;
use names::{encode_renamed, escaped_family_names, escaped_label_clash, NameFlags};

use crate::encoding::{
    finish_family, render_label_pairs, write_header, FamilyName, FamilyWriter, Format, MetricType,
    Renaming,
};
use crate::format::Exposition;
use crate::metadata::Metadata;
use crate::metric::EncodeMetric;
use crate::name::{
    ends_with, ends_with_unit, is_reserved_label, validate_label_name, validate_label_name_in,
    validate_metric_name_in, validate_unit,
};

/// Something that exposes metric families: a derived metrics struct, a
/// process collector, or any custom source.
///
/// `collect` must list the same families every time it is called: the
/// registry checks names once, at registration.
pub trait Collector: Send + Sync {
    /// Adds every family this collector exposes to `families`.
    fn collect<'a>(&'a self, families: &mut Families<'a>);
}

/// The families a [`Collector`] lists, with their metadata.
pub struct Families<'a> {
    items: Vec<(&'a Metadata, &'a dyn EncodeMetric)>,
}

impl<'a> Families<'a> {
    /// Adds one family.
    pub fn push(&mut self, metadata: &'a Metadata, metric: &'a dyn EncodeMetric) {
        self.items.push((metadata, metric));
    }

    /// Adds every family of a list, as a collector that is a fixed set of
    /// families keeps them.
    pub fn push_all<M: EncodeMetric>(&mut self, list: &'a [(Metadata, M)]) {
        for (metadata, metric) in list {
            self.push(metadata, metric);
        }
    }
}

impl<T: Collector + ?Sized> Collector for &'static T {
    fn collect<'a>(&'a self, families: &mut Families<'a>) {
        (**self).collect(families)
    }
}

impl<T: Collector + ?Sized> Collector for Arc<T> {
    fn collect<'a>(&'a self, families: &mut Families<'a>) {
        (**self).collect(families)
    }
}

/// A single family with its metadata: what
/// [`Registry::register_metric`] registers.
struct Single<M> {
    metadata: Metadata,
    metric: Arc<M>,
}

impl<M: EncodeMetric> Collector for Single<M> {
    fn collect<'a>(&'a self, families: &mut Families<'a>) {
        families.push(&self.metadata, &*self.metric);
    }
}

/// Identifies a registered collector, for [`Registry::unregister`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CollectorId(u64);

#[derive(Clone)]
struct Owner {
    family: String,
    kind: MetricType,
}

struct Registered {
    id: CollectorId,
    collector: Arc<dyn Collector>,
    /// The names its families claimed.
    names: Vec<String>,
    /// For a collector with UTF-8 names, which names of each family (in
    /// `collect` order) are outside the legacy character set; `None` when
    /// none are, so its families take the writer's ordinary path.
    utf8: Option<Arc<[NameFlags]>>,
}

struct State {
    // In registration order (ids increase), so ordered by id. A `Vec`: the
    // registry holds a few dozen collectors at most, and a map type would
    // be compiled into every program for nothing.
    collectors: Vec<Registered>,
    // Every name a registered family is known by or writes, to its family.
    names: HashMap<String, Owner>,
    next_id: u64,
}

/// Counts from one encoding pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExpositionStats {
    /// Families written.
    pub families: usize,
    /// Series written (a histogram series counts once).
    pub series: usize,
    /// Bytes written.
    pub bytes: usize,
    /// Label sets dropped by series caps, summed over families.
    pub dropped_label_sets: u64,
}

/// A set of collectors exposed together.
///
/// [`Registry::global()`] is the process-wide default; create others for
/// tests (each isolated) or multi-tenant processes. Registration checks every
/// name (metric, label, unit) and refuses families whose names would clash
/// after the suffixes the formats add (`_total`, `_bucket`, `_count`,
/// `_sum`, `_created`, `_info`), or, for families with UTF-8 names
/// ([`Metadata::with_utf8_names`]), once an escaping scheme has rewritten
/// them (`a.b` and `a_b` both expose `a_b` to a legacy scraper).
///
/// Encoding takes a [`Format`], or the [`Exposition`] content negotiation
/// settled (format, version, escaping scheme): names outside the legacy
/// character set are written as its scheme says, legacy names as they are.
///
/// ```
/// use std::sync::Arc;
/// use metrics_core::{Counter, Format, Metadata, Registry};
/// let registry = Registry::new();
/// let jobs = Arc::new(Counter::<u64>::new());
/// registry.register_metric(Metadata::new("jobs", "Jobs run."), jobs.clone()).unwrap();
/// jobs.inc();
/// assert_eq!(
///     registry.encode_to_string(Format::Text),
///     "# HELP jobs_total Jobs run.\n# TYPE jobs_total counter\njobs_total 1\n"
/// );
/// // Same name again: refused, naming both.
/// let err = registry.register_metric(Metadata::new("jobs_total", "x"), jobs).unwrap_err();
/// assert!(err.to_string().contains("`jobs`"));
/// ```
pub struct Registry {
    const_labels: Box<str>,
    const_label_names: Vec<String>,
    state: RwLock<State>,
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.read();
        f.debug_struct("Registry")
            .field("const_labels", &self.const_labels)
            .field("collectors", &state.collectors.len())
            .finish()
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        let mut names = HashMap::new();
        // The registry's own family: its names are taken from the start.
        let builtin = Owner {
            family: dropped::FAMILY.into(),
            kind: MetricType::Counter,
        };
        for name in family_names(dropped::FAMILY, MetricType::Counter) {
            names.insert(name, builtin.clone());
        }
        Registry {
            const_labels: Box::from(""),
            const_label_names: Vec::new(),
            state: RwLock::new(State {
                collectors: Vec::new(),
                names,
                next_id: 0,
            }),
        }
    }

    /// An empty registry whose every series carries these constant labels
    /// (e.g. `[("service", "billing")]`). Values may be any UTF-8; names
    /// follow the legacy rules.
    pub fn with_const_labels<I, K, V>(labels: I) -> Result<Self, RegistryError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let labels: Vec<(String, String)> = labels
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let mut names: Vec<String> = Vec::with_capacity(labels.len());
        for (name, _) in &labels {
            if let Err(reason) = validate_label_name(name) {
                return Err(RegistryError::InvalidConstLabel {
                    label: name.clone(),
                    reason: Some(reason),
                });
            }
            if names.contains(name) {
                return Err(RegistryError::InvalidConstLabel {
                    label: name.clone(),
                    reason: None,
                });
            }
            names.push(name.clone());
        }
        let mut registry = Registry::new();
        registry.const_labels =
            render_label_pairs(labels.iter().map(|(k, v)| (k.as_str(), v.as_str()))).into();
        registry.const_label_names = names;
        Ok(registry)
    }

    /// The names of the families a collector exposes.
    pub(crate) fn family_names_of(collector: &dyn Collector) -> Vec<String> {
        let mut families = Families { items: Vec::new() };
        collector.collect(&mut families);
        families
            .items
            .iter()
            .map(|(m, _)| m.name().to_owned())
            .collect()
    }

    /// Registers a collector (a derived metrics struct, `&'static` or in an
    /// `Arc`, a process collector, ...). Every family is checked first; on
    /// any error nothing is registered.
    pub fn register<C: Collector + 'static>(
        &self,
        collector: C,
    ) -> Result<CollectorId, RegistryError> {
        self.register_arc(Arc::new(collector))
    }

    /// Registers one family under `metadata`: a bare metric or a
    /// [`Family`](crate::Family), shared with the caller through an `Arc`.
    pub fn register_metric<M: EncodeMetric + 'static>(
        &self,
        metadata: Metadata,
        metric: Arc<M>,
    ) -> Result<CollectorId, RegistryError> {
        self.register_arc(Arc::new(Single { metadata, metric }))
    }

    fn register_arc(&self, collector: Arc<dyn Collector>) -> Result<CollectorId, RegistryError> {
        let mut families = Families { items: Vec::new() };
        collector.collect(&mut families);

        let mut state = self.state.write();
        // Names claimed by this collector's earlier families.
        let mut claimed: HashMap<String, Owner> = HashMap::new();
        let mut flags: Vec<NameFlags> = Vec::with_capacity(families.items.len());
        for (metadata, metric) in &families.items {
            let kind = metric.metric_type();
            let family_flags = self.validate(metadata, &**metric)?;
            flags.push(family_flags);
            let owner = Owner {
                family: metadata.name().to_owned(),
                kind,
            };
            let mut names = family_names(metadata.name(), kind);
            if family_flags.any() {
                // The same family may expose one name under two schemes.
                for name in escaped_family_names(metadata.name(), kind) {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
            for name in names {
                if let Some(existing) = state.names.get(&name).or_else(|| claimed.get(&name)) {
                    return Err(RegistryError::NameClash {
                        name,
                        family: owner.family,
                        kind,
                        existing_family: existing.family.clone(),
                        existing_kind: existing.kind,
                    });
                }
                claimed.insert(name, owner.clone());
            }
        }
        for (metadata, metric) in &families.items {
            metric.registered_as(metadata.name());
        }
        let id = CollectorId(state.next_id);
        state.next_id += 1;
        let names: Vec<String> = claimed.keys().cloned().collect();
        state.names.extend(claimed);
        drop(families);
        let utf8 = flags.iter().any(|f| f.any()).then(|| flags.into());
        state.collectors.push(Registered {
            id,
            collector,
            names,
            utf8,
        });
        Ok(id)
    }

    /// Checks a family's names; says which are outside the legacy
    /// character set (none, unless the family opted in to UTF-8 names).
    fn validate(
        &self,
        metadata: &Metadata,
        metric: &dyn EncodeMetric,
    ) -> Result<NameFlags, RegistryError> {
        let name = metadata.name();
        let kind = metric.metric_type();
        let rules = metadata.name_rules();
        validate_metric_name_in(rules, name).map_err(|reason| {
            RegistryError::InvalidMetricName {
                name: name.into(),
                reason,
            }
        })?;
        let suffix = match kind {
            MetricType::Counter => Some("_total"),
            MetricType::Info => Some("_info"),
            _ => None,
        };
        if let Some(suffix) = suffix.filter(|s| ends_with(name, s)) {
            return Err(RegistryError::RedundantSuffix {
                name: name.into(),
                suffix,
            });
        }
        if let Some(unit) = metadata.unit() {
            // The unit must be valid and be the name's last part (as
            // OpenMetrics requires; the derive appends it).
            let valid = validate_unit(unit).is_ok() && ends_with_unit(name, unit) && name != unit;
            if !valid {
                return Err(RegistryError::InvalidUnit {
                    name: name.into(),
                    unit: unit.into(),
                });
            }
        }
        let labels = metric.label_names();
        for (i, label) in labels.iter().enumerate() {
            validate_label_name_in(rules, label).map_err(|reason| {
                RegistryError::InvalidLabelName {
                    family: name.into(),
                    label: label.to_string(),
                    reason,
                }
            })?;
            let label = &**label;
            if is_reserved_label(kind, label) {
                return Err(RegistryError::ReservedLabelName {
                    family: name.into(),
                    label: label.into(),
                });
            }
            if labels[..i].iter().any(|l| l == label)
                || self.const_label_names.iter().any(|c| c == label)
            {
                return Err(RegistryError::DuplicateLabelName {
                    family: name.into(),
                    label: label.into(),
                });
            }
        }
        if let Some(label) = self
            .const_label_names
            .iter()
            .find(|c| is_reserved_label(kind, c))
        {
            return Err(RegistryError::ReservedLabelName {
                family: name.into(),
                label: label.clone(),
            });
        }
        let flags = NameFlags::of(name, &labels);
        if flags.labels {
            if let Some(label) = escaped_label_clash(&labels, &self.const_label_names) {
                return Err(RegistryError::DuplicateLabelName {
                    family: name.into(),
                    label,
                });
            }
        }
        Ok(flags)
    }

    /// Removes a collector: its families are no longer exposed and their
    /// names are free again. A scrape already running may still include it.
    /// Returns `false` if the id was not registered here.
    pub fn unregister(&self, id: CollectorId) -> bool {
        let mut state = self.state.write();
        let Ok(index) = state.collectors.binary_search_by_key(&id, |r| r.id) else {
            return false;
        };
        for name in state.collectors.remove(index).names {
            state.names.remove(&name);
        }
        true
    }

    /// Encodes every family into `out`, families sorted by name, in a
    /// [`Format`] or a negotiated [`Exposition`] (whose escaping scheme
    /// applies to UTF-8 names; a bare format escapes them to legacy-safe
    /// names). The body is built one family at a time and written after
    /// each, so memory stays bounded by the largest family while the output
    /// streams.
    pub fn encode<W: io::Write>(
        &self,
        exposition: impl Into<Exposition>,
        mut out: W,
    ) -> io::Result<ExpositionStats> {
        let exposition = exposition.into();
        let mut buf = Vec::with_capacity(64 * 1024);
        let mut written = 0;
        let mut stats = self.encode_with(exposition, &mut buf, |buf| {
            if buf.len() >= 32 * 1024 {
                out.write_all(buf)?;
                written += buf.len();
                buf.clear();
            }
            Ok(())
        })?;
        out.write_all(&buf)?;
        stats.bytes = written + buf.len();
        out.flush()?;
        Ok(stats)
    }

    /// Appends the exposition to `buf` directly: the fastest way to get a
    /// whole body in memory (what an HTTP endpoint sends), one copy less
    /// than [`encode`](Self::encode) into a `Vec`.
    pub fn encode_into(
        &self,
        exposition: impl Into<Exposition>,
        buf: &mut Vec<u8>,
    ) -> ExpositionStats {
        let start = buf.len();
        // The flush hook never fails and never drains.
        let mut stats = self
            .encode_with(exposition.into(), buf, |_| Ok(()))
            .unwrap_or_default();
        stats.bytes = buf.len() - start;
        stats
    }

    /// Encodes family by family into `buf`, calling `flush` after each.
    fn encode_with(
        &self,
        exposition: Exposition,
        buf: &mut Vec<u8>,
        mut flush: impl FnMut(&mut Vec<u8>) -> io::Result<()>,
    ) -> io::Result<ExpositionStats> {
        let format = exposition.format();
        // Snapshot the collectors, so registration never waits for a slow
        // reader of the output.
        type Snapshot = (Arc<dyn Collector>, Option<Arc<[NameFlags]>>);
        let collectors: Vec<Snapshot> = self
            .state
            .read()
            .collectors
            .iter()
            .map(|r| (Arc::clone(&r.collector), r.utf8.clone()))
            .collect();
        let mut families = Families { items: Vec::new() };
        // The families with UTF-8 names, by name (unique in a registry), as
        // registration decided; empty, and never consulted per family,
        // when there are none.
        let mut utf8: HashMap<&str, NameFlags> = HashMap::new();
        for (c, flags) in &collectors {
            let start = families.items.len();
            c.collect(&mut families);
            if let Some(flags) = flags {
                for (i, (metadata, _)) in families.items[start..].iter().enumerate() {
                    let flags = flags.get(i).copied().unwrap_or_default();
                    if flags.any() {
                        utf8.insert(metadata.name(), flags);
                    }
                }
            }
        }
        let dropped = DroppedLabelSets::of(&families.items);
        let mut stats = ExpositionStats {
            dropped_label_sets: dropped.total(),
            ..ExpositionStats::default()
        };
        dropped.join(&mut families.items);
        crate::order::sort_by_name(&mut families.items, |f| f.0.name());

        let mut scratch = Vec::with_capacity(128);
        let mut renaming = Renaming::default();
        for (metadata, metric) in &families.items {
            let kind = metric.metric_type();
            let series = match utf8.get(metadata.name()) {
                // The ordinary path: every legacy family, every scrape.
                None => {
                    let name = FamilyName {
                        name: metadata.name(),
                        quoted: false,
                    };
                    let start = write_header(buf, format, metadata, name, kind);
                    let mut writer = FamilyWriter::new(
                        buf,
                        format,
                        kind,
                        metadata.name(),
                        &self.const_labels,
                        &mut scratch,
                    );
                    metric.encode(&mut writer);
                    let series = writer.series();
                    finish_family(buf, format, start, series);
                    series
                }
                Some(&flags) => encode_renamed(
                    buf,
                    exposition,
                    (*metadata, &**metric, flags),
                    &self.const_labels,
                    (&mut scratch, &mut renaming),
                ),
            };
            stats.series += series;
            stats.families += 1;
            flush(buf)?;
        }
        if format == Format::OpenMetrics {
            buf.extend_from_slice(b"# EOF\n");
        }
        Ok(stats)
    }

    /// Encodes into a new `String`.
    pub fn encode_to_string(&self, exposition: impl Into<Exposition>) -> String {
        let mut out = Vec::new();
        self.encode_into(exposition, &mut out);
        // Every piece written is UTF-8 (names and values are &str).
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// Every name a family of this kind is known by or writes.
fn family_names(name: &str, kind: MetricType) -> Vec<String> {
    std::iter::once(name.to_owned())
        .chain(
            kind.sample_suffixes()
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| format!("{name}{s}")),
        )
        .collect()
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod utf8_tests;
