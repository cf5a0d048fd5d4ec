//! The protobuf exposition: a stream of length-delimited
//! `io.prometheus.client.MetricFamily` messages (client_model's
//! `metrics.proto`), written directly into the output buffer.
//!
//! Hand-written rather than generated: the messages are few and fixed, and
//! writing them in place needs no intermediate structs, no allocation per
//! series and no code generator in the build. A nested message is written
//! after a one-byte length placeholder that is patched when the message
//! ends (widened, moving the message, in the rare case it reaches 128
//! bytes), so each byte is written once for most series.
//!
//! Label blocks reach the writer escaped for the text formats (they are
//! rendered once per series and shared by every format); [`label_pairs`]
//! reads them back into names and raw values.

use super::Exemplar;
use super::{HistogramSample, NativeSnapshot};

/// Field numbers of `metrics.proto`.
pub(crate) mod field {
    pub(crate) const FAMILY_NAME: u32 = 1;
    pub(crate) const FAMILY_HELP: u32 = 2;
    pub(crate) const FAMILY_TYPE: u32 = 3;
    pub(crate) const FAMILY_METRIC: u32 = 4;
    pub(crate) const FAMILY_UNIT: u32 = 5;

    pub(crate) const METRIC_LABEL: u32 = 1;
    pub(crate) const METRIC_GAUGE: u32 = 2;
    pub(crate) const METRIC_COUNTER: u32 = 3;
    pub(crate) const METRIC_HISTOGRAM: u32 = 7;

    pub(crate) const LABEL_NAME: u32 = 1;
    pub(crate) const LABEL_VALUE: u32 = 2;

    /// `Gauge.value` and `Counter.value`.
    pub(crate) const VALUE: u32 = 1;

    pub(crate) const HISTOGRAM_SAMPLE_COUNT: u32 = 1;
    pub(crate) const HISTOGRAM_SAMPLE_SUM: u32 = 2;
    pub(crate) const HISTOGRAM_BUCKET: u32 = 3;

    pub(crate) const HISTOGRAM_SCHEMA: u32 = 5;
    pub(crate) const HISTOGRAM_ZERO_THRESHOLD: u32 = 6;
    pub(crate) const HISTOGRAM_ZERO_COUNT: u32 = 7;
    pub(crate) const HISTOGRAM_NEGATIVE_SPAN: u32 = 9;
    pub(crate) const HISTOGRAM_NEGATIVE_DELTA: u32 = 10;
    pub(crate) const HISTOGRAM_POSITIVE_SPAN: u32 = 12;
    pub(crate) const HISTOGRAM_POSITIVE_DELTA: u32 = 13;

    pub(crate) const HISTOGRAM_EXEMPLARS: u32 = 16;

    pub(crate) const BUCKET_CUMULATIVE_COUNT: u32 = 1;
    pub(crate) const BUCKET_UPPER_BOUND: u32 = 2;
    pub(crate) const BUCKET_EXEMPLAR: u32 = 3;

    /// `Exemplar.label` is field 1, as `Metric.label`.
    pub(crate) const EXEMPLAR_VALUE: u32 = 2;
    pub(crate) const EXEMPLAR_TIMESTAMP: u32 = 3;
    pub(crate) const TIMESTAMP_SECONDS: u32 = 1;
    pub(crate) const TIMESTAMP_NANOS: u32 = 2;

    pub(crate) const SPAN_OFFSET: u32 = 1;
    pub(crate) const SPAN_LENGTH: u32 = 2;
}

/// `MetricType` values of `metrics.proto`.
pub(crate) mod metric_type {
    pub(crate) const COUNTER: u64 = 0;
    pub(crate) const GAUGE: u64 = 1;
    pub(crate) const HISTOGRAM: u64 = 4;
}

const VARINT: u32 = 0;
const FIXED64: u32 = 1;
const LENGTH_DELIMITED: u32 = 2;

pub(crate) fn varint(buf: &mut Vec<u8>, value: u64) {
    let mut bytes = [0; 10];
    let n = varint_into(&mut bytes, value);
    buf.extend_from_slice(&bytes[..n]);
}

/// Writes `value` as a varint at the start of `bytes`; returns its length.
fn varint_into(bytes: &mut [u8; 10], mut value: u64) -> usize {
    let mut n = 0;
    while value >= 0x80 {
        bytes[n] = (value as u8) | 0x80;
        value >>= 7;
        n += 1;
    }
    bytes[n] = value as u8;
    n + 1
}

fn key(buf: &mut Vec<u8>, field: u32, wire_type: u32) {
    varint(buf, u64::from(field << 3 | wire_type));
}

pub(crate) fn uint64(buf: &mut Vec<u8>, field: u32, value: u64) {
    key(buf, field, VARINT);
    varint(buf, value);
}

pub(crate) fn double(buf: &mut Vec<u8>, field: u32, value: f64) {
    key(buf, field, FIXED64);
    buf.extend_from_slice(&value.to_le_bytes());
}

pub(crate) fn string(buf: &mut Vec<u8>, field: u32, value: &str) {
    key_and_length(buf, field, value.len());
    buf.extend_from_slice(value.as_bytes());
}

/// The key and length of a length-delimited field whose bytes follow.
pub(crate) fn key_and_length(buf: &mut Vec<u8>, field: u32, len: usize) {
    key(buf, field, LENGTH_DELIMITED);
    varint(buf, len as u64);
}

/// Starts a nested message (or, with `field` `None`, a length-delimited
/// top-level one); returns where its length goes, for [`end`].
pub(crate) fn begin(buf: &mut Vec<u8>, field: Option<u32>) -> usize {
    if let Some(field) = field {
        key(buf, field, LENGTH_DELIMITED);
    }
    buf.push(0);
    buf.len() - 1
}

/// Ends the message begun at `at`: writes its length there.
pub(crate) fn end(buf: &mut Vec<u8>, at: usize) {
    let len = buf.len() - at - 1;
    if len < 0x80 {
        buf[at] = len as u8;
        return;
    }
    let mut prefix = [0; 10];
    let width = varint_into(&mut prefix, len as u64);
    let extra = width - 1;
    buf.resize(buf.len() + extra, 0);
    buf.copy_within(at + 1..at + 1 + len, at + 1 + extra);
    buf[at..at + width].copy_from_slice(&prefix[..width]);
}

/// The fields of a `Histogram` message: count and sum, classic buckets
/// (the `+Inf` one implied by the count unless it has an exemplar), native
/// buckets, and exemplars.
pub(crate) fn histogram(buf: &mut Vec<u8>, h: &HistogramSample<'_>) {
    uint64(buf, field::HISTOGRAM_SAMPLE_COUNT, h.count);
    double(buf, field::HISTOGRAM_SAMPLE_SUM, h.sum);
    let mut scratch = String::new();
    let classic = h.le.len() > 1 || h.native.is_none();
    for (i, (bound, count)) in h.le.iter().zip(h.cumulative).enumerate() {
        let exemplar = h
            .exemplars
            .get(i)
            .and_then(Option::as_ref)
            .filter(|_| classic);
        let Ok(bound) = bound.parse::<f64>() else {
            continue;
        };
        if bound == f64::INFINITY && exemplar.is_none() {
            continue;
        }
        let at = begin(buf, Some(field::HISTOGRAM_BUCKET));
        uint64(buf, field::BUCKET_CUMULATIVE_COUNT, *count);
        double(buf, field::BUCKET_UPPER_BOUND, bound);
        if let Some(exemplar) = exemplar {
            self::exemplar(buf, field::BUCKET_EXEMPLAR, exemplar, &mut scratch);
        }
        end(buf, at);
    }
    if let Some(native) = h.native {
        native_buckets(buf, native);
        // Native exemplars must carry a timestamp.
        for exemplar in h.exemplars.iter().flatten() {
            if exemplar.timestamp().is_some() {
                self::exemplar(buf, field::HISTOGRAM_EXEMPLARS, exemplar, &mut scratch);
            }
        }
    }
}

/// An `Exemplar` message: labels, value and timestamp (a
/// `google.protobuf.Timestamp`).
pub(crate) fn exemplar(
    buf: &mut Vec<u8>,
    field_number: u32,
    exemplar: &Exemplar,
    scratch: &mut String,
) {
    let at = begin(buf, Some(field_number));
    label_pairs(buf, exemplar.labels(), scratch);
    double(buf, field::EXEMPLAR_VALUE, exemplar.value());
    if let Some((seconds, nanos)) = exemplar.unix_time() {
        let ts = begin(buf, Some(field::EXEMPLAR_TIMESTAMP));
        // int64 and int32 are plain varints (negative: ten bytes).
        uint64(buf, field::TIMESTAMP_SECONDS, seconds as u64);
        uint64(buf, field::TIMESTAMP_NANOS, u64::from(nanos));
        end(buf, ts);
    }
    end(buf, at);
}

/// A signed varint field (`sint32`/`sint64`: zigzag encoded).
pub(crate) fn sint64(buf: &mut Vec<u8>, field: u32, value: i64) {
    uint64(buf, field, zigzag(value));
}

fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

/// A histogram's native bucket fields: schema, zero bucket, and per side
/// the spans of consecutive buckets with the count deltas between them.
/// Gaps of one or two empty buckets are sent as zero deltas rather than a
/// new span (two bytes instead of a span's four or more).
pub(crate) fn native_buckets(buf: &mut Vec<u8>, native: &NativeSnapshot) {
    sint64(buf, field::HISTOGRAM_SCHEMA, i64::from(native.schema));
    double(buf, field::HISTOGRAM_ZERO_THRESHOLD, native.zero_threshold);
    uint64(buf, field::HISTOGRAM_ZERO_COUNT, native.zero_count);
    let sides = [
        (
            &native.negative,
            field::HISTOGRAM_NEGATIVE_SPAN,
            field::HISTOGRAM_NEGATIVE_DELTA,
        ),
        (
            &native.positive,
            field::HISTOGRAM_POSITIVE_SPAN,
            field::HISTOGRAM_POSITIVE_DELTA,
        ),
    ];
    for (buckets, span_field, delta_field) in sides {
        if buckets.is_empty() {
            continue;
        }
        // Spans: (offset from the end of the previous span, or the first
        // index; length).
        let mut span: Option<(i32, u32)> = None;
        let mut previous: Option<i32> = None;
        for &(index, _) in buckets.iter() {
            match (span.as_mut(), previous) {
                (Some((_, length)), Some(last)) if index - last <= MAX_FILLED_GAP + 1 => {
                    *length += (index - last) as u32;
                }
                _ => {
                    if let Some(done) = span {
                        bucket_span(buf, span_field, done);
                    }
                    span = Some((previous.map_or(index, |last| index - last - 1), 1));
                }
            }
            previous = Some(index);
        }
        if let Some(done) = span {
            bucket_span(buf, span_field, done);
        }
        // Deltas, packed, with zero buckets filling the small gaps.
        let at = begin(buf, Some(delta_field));
        let mut previous: Option<(i32, u64)> = None;
        for &(index, count) in buckets.iter() {
            let mut before = 0;
            if let Some((last, last_count)) = previous {
                before = last_count;
                let gap = index - last - 1;
                if (1..=MAX_FILLED_GAP).contains(&gap) {
                    varint(buf, zigzag(-(last_count as i64)));
                    for _ in 1..gap {
                        varint(buf, 0);
                    }
                    before = 0;
                }
            }
            varint(buf, zigzag(count as i64 - before as i64));
            previous = Some((index, count));
        }
        end(buf, at);
    }
    if native.positive.is_empty() && native.negative.is_empty() {
        // No buckets at all: one no-op span, so the histogram is not read
        // as a classic one.
        bucket_span(buf, field::HISTOGRAM_POSITIVE_SPAN, (0, 0));
    }
}

/// Empty buckets between two in use that are sent as zeros rather than
/// starting a new span.
const MAX_FILLED_GAP: i32 = 2;

fn bucket_span(buf: &mut Vec<u8>, span_field: u32, (offset, length): (i32, u32)) {
    let at = begin(buf, Some(span_field));
    sint64(buf, field::SPAN_OFFSET, i64::from(offset));
    uint64(buf, field::SPAN_LENGTH, u64::from(length));
    end(buf, at);
}

/// One `LabelPair` field of a `Metric`.
pub(crate) fn label_pair(buf: &mut Vec<u8>, name: &str, value: &str) {
    let at = begin(buf, Some(field::METRIC_LABEL));
    string(buf, field::LABEL_NAME, name);
    string(buf, field::LABEL_VALUE, value);
    end(buf, at);
}

/// Writes the `LabelPair`s of an escaped label block (`a="x",b="y\"z"`).
///
/// A block that is not in that shape (a hand-written collector's mistake)
/// is written as far as it parses; the rest is dropped rather than guessed.
pub(crate) fn label_pairs(buf: &mut Vec<u8>, block: &str, value: &mut String) {
    let bytes = block.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        // `name="`: the name runs to the `=`, after a separating comma.
        if bytes[at] == b',' {
            at += 1;
        }
        let Some(eq) = bytes[at..].iter().position(|&b| b == b'=') else {
            return;
        };
        let name = &block[at..at + eq];
        let open = at + eq + 1;
        if bytes.get(open) != Some(&b'"') {
            return;
        }
        let start = open + 1;
        // Most values have nothing escaped: written straight from the block.
        let Some(stop) = bytes[start..].iter().position(|&b| b == b'"' || b == b'\\') else {
            return;
        };
        let close = if bytes[start + stop] == b'"' {
            label_pair(buf, name, &block[start..start + stop]);
            start + stop
        } else {
            let Some(close) = unescape(&block[start..], value) else {
                return;
            };
            label_pair(buf, name, value);
            start + close
        };
        at = close + 1;
    }
}

/// Unescapes a quoted value up to its closing quote into `value`; returns
/// the quote's index, or `None` if there is none.
fn unescape(quoted: &str, value: &mut String) -> Option<usize> {
    value.clear();
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some(i),
            '\\' => match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, other)) => value.push(other),
                None => return None,
            },
            c => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_follow_the_wire_format() {
        let encode = |v: u64| {
            let mut buf = Vec::new();
            varint(&mut buf, v);
            buf
        };
        assert_eq!(encode(0), [0]);
        assert_eq!(encode(1), [1]);
        assert_eq!(encode(127), [0x7f]);
        assert_eq!(encode(128), [0x80, 1]);
        assert_eq!(encode(300), [0xac, 0x02]);
        assert_eq!(encode(u64::MAX).len(), 10);
    }

    #[test]
    fn a_long_message_gets_a_wider_length() {
        let mut buf = vec![9];
        let at = begin(&mut buf, Some(4));
        let body: Vec<u8> = (0..300u32).map(|i| i as u8).collect();
        buf.extend_from_slice(&body);
        end(&mut buf, at);
        assert_eq!(buf[..4], [9, 4 << 3 | 2, 0xac, 0x02]);
        assert_eq!(buf[4..], body[..]);
    }

    #[test]
    fn label_blocks_are_read_back_unescaped() {
        let mut buf = Vec::new();
        let mut scratch = String::new();
        label_pairs(&mut buf, r#"a="x",b="q\"uo\\te\nnl",c="""#, &mut scratch);
        let mut expected = Vec::new();
        label_pair(&mut expected, "a", "x");
        label_pair(&mut expected, "b", "q\"uo\\te\nnl");
        label_pair(&mut expected, "c", "");
        assert_eq!(buf, expected);

        // Malformed blocks: what parses is kept, nothing panics.
        for block in [r#"a="x"#, "a", r#"a="x",b"#, r#"a="\"#, ","] {
            let mut buf = Vec::new();
            label_pairs(&mut buf, block, &mut scratch);
        }
    }
}
