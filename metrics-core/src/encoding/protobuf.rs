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

    pub(crate) const BUCKET_CUMULATIVE_COUNT: u32 = 1;
    pub(crate) const BUCKET_UPPER_BOUND: u32 = 2;
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
