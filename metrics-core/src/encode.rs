//! The exposition formats: Prometheus text 0.0.4 and OpenMetrics 1.0.0.
//!
//! Encoding is split in two layers. Metrics write samples through a
//! [`FamilyWriter`], which appends to an in-memory buffer and cannot fail;
//! the registry flushes that buffer to the caller's `io::Write` between
//! families, so memory stays bounded by one family while the output streams.
//!
//! Label blocks (`a="x",b="y"`, the text between the braces) are passed in
//! already escaped: dense families render each label value once when they are
//! created, sparse series when they are first seen, so a scrape is mostly
//! copying bytes and formatting numbers.
//!
//! Format rules followed here, from the two specifications:
//!
//! * Label values escape `\` as `\\`, `"` as `\"` and line feed as `\n`, in
//!   both formats; any other UTF-8 is written as is.
//! * `# HELP` text escapes `\` and line feed in text 0.0.4, and also `"` in
//!   OpenMetrics.
//! * Non-finite floats are spelled `+Inf`, `-Inf` and `NaN` in both formats.
//! * Text 0.0.4 names a counter family by its sample name (`x_total`) and has
//!   no `info` type (an info metric is a gauge `x_info`); OpenMetrics names
//!   the family without the suffix, adds `# UNIT` and ends with `# EOF`.

use std::fmt;

/// An exposition format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// Prometheus text format 0.0.4.
    #[default]
    Text,
    /// OpenMetrics 1.0.0 text format.
    OpenMetrics,
}

impl Format {
    /// The `Content-Type` an HTTP response in this format carries.
    pub const fn content_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

/// The type of a metric family, as written in `# TYPE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetricType {
    /// A monotonically increasing total; samples are `<name>_total`.
    Counter,
    /// A value that goes up and down.
    Gauge,
    /// Observations counted in cumulative buckets, with `_sum` and `_count`.
    Histogram,
    /// Constant labels with the value 1; samples are `<name>_info`.
    Info,
}

impl MetricType {
    /// The sample names a family of this type writes, as suffixes of its
    /// name, in the given format (`""` is the bare name).
    pub const fn sample_suffixes(self) -> &'static [&'static str] {
        match self {
            MetricType::Counter => &["_total", "_created"],
            MetricType::Gauge => &[""],
            MetricType::Histogram => &["_bucket", "_count", "_sum", "_created"],
            MetricType::Info => &["_info"],
        }
    }

    /// The lowercase name of the type.
    pub const fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::Info => "info",
        }
    }
}

impl fmt::Display for MetricType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A sample value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// An unsigned integer (counters, bucket counts).
    U64(u64),
    /// A signed integer (integer gauges).
    I64(i64),
    /// A float; non-finite values are spelled per format.
    F64(f64),
}

impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Value::U64(v)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::I64(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::F64(v)
    }
}

/// Appends `value` to `out`, escaping it for a label value.
pub fn escape_label_value(value: &str, out: &mut String) {
    escape_into(value, out, true);
}

/// Renders `name="value"` pairs, comma-separated, into a label block
/// suitable for [`FamilyWriter`] methods. Names are not checked here;
/// the registry validates the names a family declares.
pub fn render_label_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_label_pair(&mut out, name, value);
    }
    out
}

/// Appends one `name="escaped value"` pair to `out`.
pub(crate) fn push_label_pair(out: &mut String, name: &str, value: &str) {
    out.push_str(name);
    out.push_str("=\"");
    escape_label_value(value, out);
    out.push('"');
}

/// Where escaped text goes: the `String`s label blocks are rendered into,
/// or the exposition buffer itself.
trait Sink {
    fn put(&mut self, s: &str);
}

impl Sink for String {
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, s: &str) {
        self.extend_from_slice(s.as_bytes());
    }
}

/// Appends `s` escaped: `\` and line feed always, `"` when `quote`. The
/// characters escaped are ASCII, so the runs between them are copied whole.
fn escape_into(s: &str, out: &mut impl Sink, quote: bool) {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let replacement = match b {
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'"' if quote => "\\\"",
            _ => continue,
        };
        out.put(&s[start..i]);
        out.put(replacement);
        start = i + 1;
    }
    out.put(&s[start..]);
}

/// The label block of one series: the escaped text between its braces.
///
/// Either one pre-rendered block (`a="x",b="y"`) or, for dense families,
/// the pre-rendered `name="value"` pair of each label, joined with commas as
/// they are written, so a scrape copies each piece once.
#[derive(Debug, Clone, Copy)]
pub enum Labels<'a> {
    /// A whole block, already joined (`""` for none).
    Block(&'a str),
    /// Pairs to join with commas.
    Pairs(&'a [&'a str]),
}

impl<'a> From<&'a str> for Labels<'a> {
    fn from(block: &'a str) -> Self {
        Labels::Block(block)
    }
}

impl<'a> From<&'a String> for Labels<'a> {
    fn from(block: &'a String) -> Self {
        Labels::Block(block)
    }
}

impl<'a> From<&'a Box<str>> for Labels<'a> {
    fn from(block: &'a Box<str>) -> Self {
        Labels::Block(block)
    }
}

impl Labels<'_> {
    /// `true` when there are no labels.
    pub fn is_empty(&self) -> bool {
        match self {
            Labels::Block(b) => b.is_empty(),
            Labels::Pairs(p) => p.iter().all(|p| p.is_empty()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Labels::Block(b) => b.len(),
            Labels::Pairs(p) => p.iter().map(|p| p.len() + 1).sum(),
        }
    }

    fn write(&self, buf: &mut Vec<u8>) {
        match self {
            Labels::Block(b) => buf.extend_from_slice(b.as_bytes()),
            Labels::Pairs(pairs) => {
                for (i, pair) in pairs.iter().enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    buf.extend_from_slice(pair.as_bytes());
                }
            }
        }
    }
}

/// Static description of one metric family: name, help and unit.
///
/// The name is the family's base name: a counter `http_requests` writes
/// samples `http_requests_total`; a unit, when set, must be the name's last
/// `_`-separated part (`request_duration_seconds` with unit `seconds`), as
/// OpenMetrics requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    name: std::borrow::Cow<'static, str>,
    help: std::borrow::Cow<'static, str>,
    unit: Option<std::borrow::Cow<'static, str>>,
}

impl Metadata {
    /// Metadata with a name and help text. The registry validates the name.
    pub fn new(
        name: impl Into<std::borrow::Cow<'static, str>>,
        help: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Self {
        Metadata {
            name: name.into(),
            help: help.into(),
            unit: None,
        }
    }

    /// `const` constructor for static metadata (used by the macros).
    pub const fn from_static(
        name: &'static str,
        help: &'static str,
        unit: Option<&'static str>,
    ) -> Self {
        Metadata {
            name: std::borrow::Cow::Borrowed(name),
            help: std::borrow::Cow::Borrowed(help),
            unit: match unit {
                Some(u) => Some(std::borrow::Cow::Borrowed(u)),
                None => None,
            },
        }
    }

    /// Sets the unit (`seconds`, `bytes`, ...). The name must end in `_<unit>`.
    pub fn with_unit(mut self, unit: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        self.unit = Some(unit.into());
        self
    }

    /// The family's base name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The help text, unescaped.
    pub fn help(&self) -> &str {
        &self.help
    }

    /// The unit, if any.
    pub fn unit(&self) -> Option<&str> {
        self.unit.as_deref()
    }
}

/// Writes the samples of one metric family into the exposition buffer.
///
/// Every method takes a label block: the escaped text between the braces of
/// a series (`method="GET",code="200"`), or `""` for none. The registry's
/// constant labels are added in front.
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

/// Formats a float as both formats require (`+Inf`, `-Inf`, `NaN`, and a
/// round-trippable decimal otherwise, e.g. `0.005`, `1.0`, `1e-7`).
pub fn format_float(v: f64, out: &mut String) {
    use std::fmt::Write as _;
    if v.is_nan() {
        out.push_str("NaN");
    } else if v.is_infinite() {
        out.push_str(if v > 0.0 { "+Inf" } else { "-Inf" });
    } else {
        // Debug formatting is the shortest representation that round-trips
        // and always carries a `.` or exponent, which OpenMetrics' canonical
        // `le` values want; writing into a String cannot fail.
        let _ = write!(out, "{v:?}");
    }
}

fn write_value(buf: &mut Vec<u8>, value: Value) {
    match value {
        Value::U64(v) => write_u64(buf, v),
        Value::I64(v) => {
            if v < 0 {
                buf.push(b'-');
            }
            write_u64(buf, v.unsigned_abs());
        }
        Value::F64(v) => {
            let mut s = String::with_capacity(24);
            format_float(v, &mut s);
            buf.extend_from_slice(s.as_bytes());
        }
    }
}

fn write_u64(buf: &mut Vec<u8>, mut v: u64) {
    // Two digits per step from a table, as itoa does.
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    while v >= 100 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if v >= 10 {
        let pair = v as usize * 2;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        i -= 1;
        digits[i] = b'0' + v as u8;
    }
    buf.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn float(v: f64) -> String {
        let mut s = String::new();
        format_float(v, &mut s);
        s
    }

    #[test]
    fn floats_are_spelled_per_format() {
        assert_eq!(float(f64::INFINITY), "+Inf");
        assert_eq!(float(f64::NEG_INFINITY), "-Inf");
        assert_eq!(float(f64::NAN), "NaN");
        assert_eq!(float(1.0), "1.0");
        assert_eq!(float(0.005), "0.005");
        assert_eq!(float(-2.5), "-2.5");
        assert_eq!(float(1e-9).parse::<f64>().unwrap(), 1e-9);
    }

    #[test]
    fn integers() {
        for v in [0u64, 7, 10, 1234567890, u64::MAX] {
            let mut b = Vec::new();
            write_u64(&mut b, v);
            assert_eq!(String::from_utf8(b).unwrap(), v.to_string());
        }
        let mut b = Vec::new();
        write_value(&mut b, Value::I64(i64::MIN));
        assert_eq!(String::from_utf8(b).unwrap(), i64::MIN.to_string());
    }

    #[test]
    fn escaping() {
        let mut s = String::new();
        escape_label_value("a\\b\"c\nd é", &mut s);
        assert_eq!(s, "a\\\\b\\\"c\\nd é");
        assert_eq!(
            render_label_pairs([("a", "1"), ("b", "\"")]),
            "a=\"1\",b=\"\\\"\""
        );
    }

    #[test]
    fn sample_lines() {
        let mut buf = Vec::new();
        let mut scratch = Vec::new();
        let mut w = FamilyWriter::new(&mut buf, Format::Text, "x", "svc=\"a\"", &mut scratch);
        w.counter("", 3u64);
        w.gauge("k=\"v\"", -1i64);
        w.sample("_bucket", "", Some(("le", "+Inf")), Value::U64(1));
        assert_eq!(w.series(), 2);
        let mut w = FamilyWriter::new(&mut buf, Format::Text, "y", "", &mut scratch);
        w.gauge("", 0.5);
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "x_total{svc=\"a\"} 3\nx{svc=\"a\",k=\"v\"} -1\nx_bucket{svc=\"a\",le=\"+Inf\"} 1\ny 0.5\n"
        );
    }
}
