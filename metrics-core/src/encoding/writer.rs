//! Writing one family: its `# HELP`/`# TYPE`/`# UNIT` header, then its
//! samples, each line built from a cached `name{const labels` prefix.

use super::escape::{escape_into, Sink};
use super::names::Renaming;
use super::protobuf::{self, field, metric_type};
use super::value::write_value;
use super::{Exemplar, Format, Labels, MetricType, NativeSnapshot, Value};
use crate::metadata::Metadata;

/// Writes the samples of one metric family into the exposition buffer.
///
/// Every method takes a label block: the escaped text between the braces of
/// a sample line (`a="x",b="y"`, see [`Labels`]), to which the family's
/// constant labels are added in front.
pub struct FamilyWriter<'a> {
    buf: &'a mut Vec<u8>,
    format: Format,
    kind: MetricType,
    name: &'a str,
    const_labels: &'a str,
    series: usize,
    // `name` + suffix + `{` + constant labels, for the last suffix used:
    // one copy per line instead of four. In protobuf: the constant labels'
    // `LabelPair`s, encoded once per family. Borrowed scratch space, reused
    // from family to family.
    prefix: &'a mut Vec<u8>,
    // Protobuf: a label value with escapes, unescaped (allocated only if
    // one is met).
    unescaped: String,
    // A family with UTF-8 names, as the registry decided at registration
    // (`names.rs`); `None`, the legacy path, for every other family.
    renaming: Option<&'a mut Renaming>,
}

impl<'a> FamilyWriter<'a> {
    pub(crate) fn new(
        buf: &'a mut Vec<u8>,
        format: Format,
        kind: MetricType,
        name: &'a str,
        const_labels: &'a str,
        scratch: &'a mut Vec<u8>,
    ) -> Self {
        scratch.clear();
        FamilyWriter {
            buf,
            format,
            kind,
            name,
            const_labels,
            series: 0,
            prefix: scratch,
            unescaped: String::new(),
            renaming: None,
        }
    }

    /// Writes this family's names as `renaming` says (a family with UTF-8
    /// names; `name` is then the escaped name, or the raw one to quote).
    pub(crate) fn renaming(mut self, renaming: &'a mut Renaming) -> Self {
        self.renaming = Some(renaming);
        self
    }

    /// The format being written.
    pub fn format(&self) -> Format {
        self.format
    }

    /// How many series have been written so far.
    pub fn series(&self) -> usize {
        self.series
    }

    /// Writes one counter series (`<name>_total`).
    pub fn counter<'l>(&mut self, labels: impl Into<Labels<'l>>, value: impl Into<Value>) {
        self.series += 1;
        self.sample("_total", labels, None, value.into());
    }

    /// Writes one gauge series.
    pub fn gauge<'l>(&mut self, labels: impl Into<Labels<'l>>, value: impl Into<Value>) {
        self.series += 1;
        self.sample("", labels, None, value.into());
    }

    /// Writes one info series (`<name>_info ... 1`; a gauge in protobuf).
    pub fn info<'l>(&mut self, labels: impl Into<Labels<'l>>) {
        self.series += 1;
        self.sample("_info", labels, None, Value::U64(1));
    }

    /// Writes one histogram series: a `_bucket` line per bound (the last
    /// bound must be `+Inf`), then `_count` (equal to the `+Inf` bucket) and
    /// `_sum` (left out in OpenMetrics when a bound is negative, as the
    /// specification requires). `le` holds the rendered bounds,
    /// `cumulative` the counts.
    pub fn histogram<'l>(
        &mut self,
        labels: impl Into<Labels<'l>>,
        le: &[Box<str>],
        cumulative: &[u64],
        sum: f64,
    ) {
        let sample = HistogramSample {
            le,
            cumulative,
            count: cumulative.last().copied().unwrap_or(0),
            sum,
            native: None,
            exemplars: &[],
        };
        self.histogram_sample(labels, &sample);
    }

    /// Writes one histogram series with everything a histogram can carry:
    /// classic buckets (possibly only `+Inf`), native buckets and
    /// exemplars (see [`HistogramSample`] for which format carries what).
    pub fn histogram_sample<'l>(&mut self, labels: impl Into<Labels<'l>>, h: &HistogramSample<'_>) {
        let labels = labels.into();
        self.series += 1;
        if self.format == Format::Protobuf {
            self.protobuf_metric(labels, field::METRIC_HISTOGRAM, |buf| {
                protobuf::histogram(buf, h);
            });
            return;
        }
        let exemplars = if self.format == Format::OpenMetrics && h.native.is_none() {
            h.exemplars
        } else {
            &[]
        };
        for (i, (bound, count)) in h.le.iter().zip(h.cumulative).enumerate() {
            let exemplar = exemplars.get(i).and_then(Option::as_ref);
            self.line(
                "_bucket",
                labels,
                Some(("le", bound)),
                Value::U64(*count),
                exemplar,
            );
        }
        let count = h.cumulative.last().copied().unwrap_or(0);
        self.sample("_count", labels, None, Value::U64(count));
        // OpenMetrics: with negative thresholds the sum is no longer a
        // counter, and the MetricPoint "MUST NOT contain a sum value".
        let negative_thresholds = h.le.first().is_some_and(|b| b.starts_with('-'));
        if !(self.format == Format::OpenMetrics && negative_thresholds) {
            self.sample("_sum", labels, None, Value::F64(h.sum));
        }
    }

    /// Writes one sample line: `<name><suffix>{<const>,<labels>,<extra>} <value>`.
    /// `extra` is an unescaped label pair appended last (`le` for buckets).
    ///
    /// In protobuf, where a series is one message rather than lines, a
    /// sample of a counter, gauge or info family is that family's series
    /// (the suffix is implied by the type); a histogram's series must be
    /// written with [`histogram`](Self::histogram), and its single samples
    /// are left out.
    pub fn sample<'l>(
        &mut self,
        suffix: &str,
        labels: impl Into<Labels<'l>>,
        extra: Option<(&str, &str)>,
        value: Value,
    ) {
        self.line(suffix, labels.into(), extra, value, None);
    }

    /// [`sample`](Self::sample), with an exemplar after the value
    /// (OpenMetrics only; the caller passes none in other formats).
    fn line(
        &mut self,
        suffix: &str,
        labels: Labels<'_>,
        extra: Option<(&str, &str)>,
        value: Value,
        exemplar: Option<&Exemplar>,
    ) {
        if self.format == Format::Protobuf {
            let value_field = match self.kind {
                MetricType::Counter => field::METRIC_COUNTER,
                MetricType::Gauge | MetricType::Info => field::METRIC_GAUGE,
                MetricType::Histogram => return,
            };
            self.protobuf_metric(labels, value_field, |buf| {
                protobuf::double(buf, field::VALUE, value.as_f64());
            });
            return;
        }
        match self.renaming.as_deref_mut() {
            Some(renaming) => {
                let constant = self.const_labels;
                renaming.series_key(self.buf, self.name, suffix, constant, labels, extra);
            }
            None => self.series_key(suffix, labels, extra),
        }
        let buf = &mut *self.buf;
        buf.push(b' ');
        write_value(buf, value);
        if let Some(exemplar) = exemplar {
            write_exemplar(buf, exemplar);
        }
        buf.push(b'\n');
    }

    /// The series part of a legacy family's sample line:
    /// `<name><suffix>{<const>,<labels>,<extra>}`.
    #[inline]
    fn series_key(&mut self, suffix: &str, labels: Labels<'_>, extra: Option<(&str, &str)>) {
        let buf = &mut *self.buf;
        let (constant, has_extra) = (self.const_labels, extra.is_some());
        // One reservation for the whole line (numbers take at most 24
        // bytes), so the copies below never reallocate.
        buf.reserve(self.name.len() + suffix.len() + constant.len() + labels.len() + 64);
        if !constant.is_empty() || !labels.is_empty() || has_extra {
            // The cached prefix holds the suffix it was built for.
            let n = self.name.len();
            let current = self.prefix.len() == n + suffix.len() + 1 + constant.len()
                && self.prefix.get(n..n + suffix.len()) == Some(suffix.as_bytes());
            if !current {
                self.prefix.clear();
                self.prefix.extend_from_slice(self.name.as_bytes());
                self.prefix.extend_from_slice(suffix.as_bytes());
                self.prefix.push(b'{');
                self.prefix.extend_from_slice(constant.as_bytes());
            }
            buf.extend_from_slice(self.prefix);
            if !constant.is_empty() && !labels.is_empty() {
                buf.push(b',');
            }
            labels.write(buf);
            if let Some((name, value)) = extra {
                if !constant.is_empty() || !labels.is_empty() {
                    buf.push(b',');
                }
                buf.extend_from_slice(name.as_bytes());
                buf.extend_from_slice(b"=\"");
                escape_into(value, buf, true);
                buf.push(b'"');
            }
            buf.push(b'}');
        } else {
            buf.extend_from_slice(self.name.as_bytes());
            buf.extend_from_slice(suffix.as_bytes());
        }
    }
}

impl FamilyWriter<'_> {
    /// Protobuf: one `Metric` carrying the constant and series labels and
    /// the value message `value_field`, whose fields `body` writes.
    fn protobuf_metric(
        &mut self,
        labels: Labels<'_>,
        value_field: u32,
        body: impl FnOnce(&mut Vec<u8>),
    ) {
        let buf = &mut *self.buf;
        let at = protobuf::begin(buf, Some(field::FAMILY_METRIC));
        if self.prefix.is_empty() && !self.const_labels.is_empty() {
            protobuf::label_pairs(self.prefix, self.const_labels, &mut self.unescaped);
        }
        buf.extend_from_slice(self.prefix);
        match (labels, self.renaming.as_deref_mut()) {
            (Labels::Block(block), Some(r)) if r.labels => r.protobuf_pairs(buf, block),
            (Labels::Pairs(pairs), Some(r)) if r.labels => {
                for pair in pairs {
                    r.protobuf_pairs(buf, pair);
                }
            }
            (Labels::Block(block), _) => protobuf::label_pairs(buf, block, &mut self.unescaped),
            (Labels::Pairs(pairs), _) => {
                for pair in pairs {
                    protobuf::label_pairs(buf, pair, &mut self.unescaped);
                }
            }
        }
        let value = protobuf::begin(buf, Some(value_field));
        body(buf);
        protobuf::end(buf, value);
        protobuf::end(buf, at);
    }
}

/// One histogram series as [`FamilyWriter::histogram_sample`] writes it.
///
/// Classic buckets travel in every format; native buckets in protobuf
/// only; exemplars in OpenMetrics (on classic buckets) and protobuf (on
/// classic buckets, or in the histogram for native ones, timestamped ones
/// only, as Prometheus requires). Text 0.0.4 has no exemplars.
#[derive(Debug, Clone, Copy)]
pub struct HistogramSample<'a> {
    /// The rendered classic bounds, the last `+Inf`.
    pub le: &'a [Box<str>],
    /// Cumulative counts, one per entry of `le`.
    pub cumulative: &'a [u64],
    /// The observation count (protobuf `sample_count`: at least the
    /// native buckets' total).
    pub count: u64,
    /// The sum of observations.
    pub sum: f64,
    /// The native buckets, if any.
    pub native: Option<&'a NativeSnapshot>,
    /// Exemplars: per classic bucket (index as in `le`) for a histogram
    /// with classic buckets, else the native buckets' recent ones.
    pub exemplars: &'a [Option<Exemplar>],
}

/// ` # {labels} value [timestamp]` (OpenMetrics).
fn write_exemplar(buf: &mut Vec<u8>, exemplar: &Exemplar) {
    buf.put(" # {");
    buf.put(exemplar.labels());
    buf.put("} ");
    write_value(buf, Value::F64(exemplar.value()));
    if let Some((secs, nanos)) = exemplar.unix_time() {
        // Seconds as a float: microsecond precision for present-day times,
        // finer than the milliseconds scrapers keep.
        buf.put(" ");
        write_value(buf, Value::F64(secs as f64 + f64::from(nanos) / 1e9));
    }
}

/// Where a family's output began, for [`finish_family`].
pub(crate) struct FamilyStart(usize);

/// Ends a family: in protobuf, writes the `MetricFamily` message's length,
/// or takes the family out if it has no series (an empty family says
/// nothing, and a message without metrics is not what scrapers expect).
pub(crate) fn finish_family(buf: &mut Vec<u8>, format: Format, start: FamilyStart, series: usize) {
    if format != Format::Protobuf {
        return;
    }
    if series == 0 {
        buf.truncate(start.0);
    } else {
        protobuf::end(buf, start.0);
    }
}

/// How a family's name is written in its header and samples: `name` (the
/// metric's own, or escaped for the scraper) and whether it is quoted (a
/// UTF-8 name under `allow-utf-8`, in the text formats).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FamilyName<'a> {
    pub(crate) name: &'a str,
    pub(crate) quoted: bool,
}

/// Writes the `# HELP`/`# TYPE`/`# UNIT` lines of a family, or in protobuf
/// the start of its `MetricFamily` message.
pub(crate) fn write_header(
    buf: &mut Vec<u8>,
    format: Format,
    meta: &Metadata,
    family: FamilyName<'_>,
    kind: MetricType,
) -> FamilyStart {
    let start = FamilyStart(buf.len());
    if format == Format::Protobuf {
        // Named as text 0.0.4 names it: Prometheus reads a protobuf
        // counter's samples under the family name.
        let (suffix, type_value) = match kind {
            MetricType::Counter => ("_total", metric_type::COUNTER),
            MetricType::Gauge => ("", metric_type::GAUGE),
            MetricType::Info => ("_info", metric_type::GAUGE),
            MetricType::Histogram => ("", metric_type::HISTOGRAM),
        };
        protobuf::begin(buf, None);
        protobuf::key_and_length(buf, field::FAMILY_NAME, family.name.len() + suffix.len());
        buf.put(family.name);
        buf.put(suffix);
        protobuf::string(buf, field::FAMILY_HELP, meta.help());
        protobuf::uint64(buf, field::FAMILY_TYPE, type_value);
        if let Some(unit) = meta.unit() {
            protobuf::string(buf, field::FAMILY_UNIT, unit);
        }
        return start;
    }
    let (family_suffix, type_name) = match (format, kind) {
        (Format::Text, MetricType::Counter) => ("_total", "counter"),
        (Format::Text, MetricType::Info) => ("_info", "gauge"),
        (_, kind) => ("", kind.as_str()),
    };
    let line = |buf: &mut Vec<u8>, keyword: &str| {
        buf.put(keyword);
        if family.quoted {
            put_quoted_name(buf, family.name, family_suffix);
        } else {
            buf.put(family.name);
            buf.put(family_suffix);
        }
        buf.put(" ");
    };
    line(buf, "# HELP ");
    escape_into(meta.help(), buf, format == Format::OpenMetrics);
    line(buf, "\n# TYPE ");
    buf.put(type_name);
    buf.put("\n");
    if let (Format::OpenMetrics, Some(unit)) = (format, meta.unit()) {
        line(buf, "# UNIT ");
        buf.put(unit);
        buf.put("\n");
    }
    start
}

/// `"<name><suffix>"`, as a UTF-8 name is written under `allow-utf-8`; out
/// of line, so the header of a legacy family is written as before.
#[inline(never)]
fn put_quoted_name(buf: &mut Vec<u8>, name: &str, suffix: &str) {
    buf.put("\"");
    escape_into(name, buf, true);
    buf.put(suffix);
    buf.put("\"");
}
