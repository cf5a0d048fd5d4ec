//! [`NativeSnapshot`]: the native buckets of one histogram series as the
//! encoders take them.

/// One reading of a series' native buckets, at its current schema.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NativeSnapshot {
    /// The schema: bucket `i` ends at `2^(i * 2^-schema)`.
    pub schema: i8,
    /// Observations with `|v| <=` this count in the zero bucket.
    pub zero_threshold: f64,
    /// The zero bucket's count.
    pub zero_count: u64,
    /// `(index, count)` of every positive bucket in use, by index.
    pub positive: Vec<(i32, u64)>,
    /// `(index, count)` of every negative bucket in use (indexed by `|v|`),
    /// by index.
    pub negative: Vec<(i32, u64)>,
}

impl NativeSnapshot {
    /// Observations counted in all buckets, the zero bucket included.
    pub fn count(&self) -> u64 {
        let sum = |b: &[(i32, u64)]| b.iter().map(|(_, c)| c).sum::<u64>();
        self.zero_count + sum(&self.positive) + sum(&self.negative)
    }
}
