//! Writing one family: its `# HELP`/`# TYPE`/`# UNIT` header, then its
//! samples, each line built from a cached `name{const labels` prefix.

use super::escape::{escape_into, Sink};
use super::value::write_value;
use super::{Format, Labels, MetricType, Value};
use crate::metadata::Metadata;

/// constant labels are added in front.
/// Writes the samples of one metric family into the exposition buffer.
///
/// Every method takes a label block: the escaped text between the braces of
pub struct FamilyWriter<'a> {
    buf: &'a mut Vec<u8>,
    format: Format,
    name: &'a str,
    const_labels: &'a str,
    series: usize,
    // `name` + suffix + `{` + constant labels, for the last suffix used:
    // one copy per line instead of four. Borrowed scratch space, reused
    // from family to family.
    prefix: &'a mut Vec<u8>,
}

impl<'a> FamilyWriter<'a> {
    pub(crate) fn new(
        buf: &'a mut Vec<u8>,
        format: Format,
        name: &'a str,
        const_labels: &'a str,
        scratch: &'a mut Vec<u8>,
    ) -> Self {
        scratch.clear();
        FamilyWriter {
            buf,
            format,
            name,
            const_labels,
            series: 0,
            prefix: scratch,
        }
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

    /// Writes one info series (`<name>_info ... 1`).
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
        let labels = labels.into();
        self.series += 1;
        for (bound, count) in le.iter().zip(cumulative) {
            self.sample("_bucket", labels, Some(("le", bound)), Value::U64(*count));
        }
        let count = cumulative.last().copied().unwrap_or(0);
        self.sample("_count", labels, None, Value::U64(count));
        // OpenMetrics: with negative thresholds the sum is no longer a
        // counter, and the MetricPoint "MUST NOT contain a sum value".
        let negative_thresholds = le.first().is_some_and(|b| b.starts_with('-'));
        if !(self.format == Format::OpenMetrics && negative_thresholds) {
            self.sample("_sum", labels, None, Value::F64(sum));
        }
    }

    /// Writes one sample line: `<name><suffix>{<const>,<labels>,<extra>} <value>`.
    /// `extra` is an unescaped label pair appended last (`le` for buckets).
    pub fn sample<'l>(
        &mut self,
        suffix: &str,
        labels: impl Into<Labels<'l>>,
        extra: Option<(&str, &str)>,
        value: Value,
    ) {
        let labels = labels.into();
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
        buf.push(b' ');
        write_value(buf, value);
        buf.push(b'\n');
    }
}

/// Writes the `# HELP`/`# TYPE`/`# UNIT` lines of a family.
pub(crate) fn write_header(buf: &mut Vec<u8>, format: Format, meta: &Metadata, kind: MetricType) {
    let (family_suffix, type_name) = match (format, kind) {
        (Format::Text, MetricType::Counter) => ("_total", "counter"),
        (Format::Text, MetricType::Info) => ("_info", "gauge"),
        (_, kind) => ("", kind.as_str()),
    };
    let line = |buf: &mut Vec<u8>, keyword: &str| {
        buf.put(keyword);
        buf.put(meta.name());
        buf.put(family_suffix);
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
}
