//! Sample values and how numbers are spelled: integers without a decimal
//! point, floats shortest-round-trip, `+Inf`, `-Inf` and `NaN` as both
//! formats require.

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

impl Value {
    /// The value as a float, as the protobuf format carries every value.
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            Value::U64(v) => v as f64,
            Value::I64(v) => v as f64,
            Value::F64(v) => v,
        }
    }
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

/// Formats a float as both formats require (`+Inf`, `-Inf`, `NaN`, and a
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

pub(super) fn write_value(buf: &mut Vec<u8>, value: Value) {
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

pub(super) fn write_u64(buf: &mut Vec<u8>, mut v: u64) {
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
