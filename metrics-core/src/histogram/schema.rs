//! The arithmetic of native histogram buckets: which bucket a value falls
//! in at a schema, and where a bucket ends.
//!
//! At schema `s` the buckets grow by the factor `2^(2^-s)`; bucket `i`
//! holds the values in `(2^((i-1) * 2^-s), 2^(i * 2^-s)]` (for negative
//! values, the same of `|v|`). Schemas run from -4 (factor 65536) to 8
//! (factor 1.0027).

use std::sync::OnceLock;

/// The coarsest schema.
pub(crate) const MIN: i8 = -4;
/// The finest schema.
pub(crate) const MAX: i8 = 8;

/// The growth factor `2^(2^-s)` of each schema from [`MIN`] to [`MAX`].
pub(crate) const FACTORS: [f64; 13] = [
    65536.0,
    256.0,
    16.0,
    4.0,
    2.0,
    std::f64::consts::SQRT_2,
    1.189207115002721,
    1.0905077326652577,
    1.0442737824274138,
    1.0218971486541166,
    1.0108892860517005,
    1.0054299011128027,
    1.0027112750502025,
];

/// The index of the bucket holding `v` (positive and finite) at `schema`.
#[inline]
pub(crate) fn bucket_index(v: f64, schema: i8) -> i32 {
    Octave::of(schema).bucket_index(v)
}

/// What finding a bucket at one schema needs, looked up once per layout
/// and copied into it (two slices: no pointer to follow to reach them).
#[derive(Clone, Copy)]
pub(crate) struct Octave {
    schema: i8,
    /// Schema > 0: the `2^schema` bucket boundaries within one octave as
    /// fractions in `[0.5, 1)` (`0.5 * 2^(j / 2^schema)`), then 1.0.
    bounds: &'static [f64],
    /// Schema > 0: for each of `2^(schema + 1)` equal cells of `[0.5, 1)`,
    /// the number of boundaries below the cell's start. Cells are
    /// narrower than the gap between two boundaries, so at most one lies
    /// inside a cell and one comparison finishes the count: no search, no
    /// branch.
    below: &'static [u16],
}

impl Octave {
    /// The tables for `schema` (built once per schema, then shared).
    pub(crate) fn of(schema: i8) -> Octave {
        static TABLES: OnceLock<Vec<Octave>> = OnceLock::new();
        let tables = TABLES.get_or_init(|| (MIN..=MAX).map(Octave::new).collect());
        tables[usize::from(schema.abs_diff(MIN))]
    }

    /// Built once per schema for the process (the tables are leaked into
    /// `'static`: about 8 KB for all schemas together).
    fn new(schema: i8) -> Octave {
        if schema <= 0 {
            return Octave {
                schema,
                bounds: &[],
                below: &[],
            };
        }
        let n = 1u32 << schema;
        let bounds: &'static [f64] = Vec::leak(
            (0..n)
                .map(|j| 0.5 * (f64::from(j) / f64::from(n)).exp2())
                .chain([1.0])
                .collect(),
        );
        let cells = 2 * n;
        let below = Vec::leak(
            (0..cells)
                .map(|c| {
                    let start = 0.5 + 0.5 * f64::from(c) / f64::from(cells);
                    bounds.iter().filter(|b| **b < start).count() as u16
                })
                .collect(),
        );
        Octave {
            schema,
            bounds,
            below,
        }
    }

    /// The index of the bucket holding `v` (positive and finite).
    #[inline]
    pub(crate) fn bucket_index(&self, v: f64) -> i32 {
        let (frac, exp) = split(v);
        if self.schema > 0 {
            // The cell is the fraction's top `schema + 1` mantissa bits.
            let cell = (frac.to_bits() >> (52 - (self.schema as u32 + 1))) as usize
                & (self.below.len() - 1);
            let below = self.below[cell];
            let within = below + u16::from(self.bounds[usize::from(below)] < frac);
            i32::from(within) + (exp - 1) * (1 << self.schema)
        } else {
            // Whole octaves (or groups of 2^-schema octaves): the exponent
            // is the answer, less one when v is exactly a power of two.
            let key = if frac == 0.5 { exp - 1 } else { exp };
            let shift = -i32::from(self.schema);
            (key + (1 << shift) - 1) >> shift
        }
    }
}

/// The upper bound of bucket `index` at `schema`.
pub(crate) fn upper_bound(index: i32, schema: i8) -> f64 {
    (f64::from(index) / f64::from(1u32 << schema.max(0)) * f64::from(1u32 << (-schema).max(0)))
        .exp2()
}

/// The index that bucket `index` of schema `from` falls in at the coarser
/// schema `to` (`to <= from`): buckets merge in groups of `2^(from - to)`.
pub(crate) fn coarsen(index: i32, from: i8, to: i8) -> i32 {
    let shift = i32::from(from - to);
    // ceil(index / 2^shift), for negative indices too (the shift floors).
    (index + (1 << shift) - 1) >> shift
}

/// `v = frac * 2^exp` with `frac` in `[0.5, 1)`, for positive finite `v`.
fn split(v: f64) -> (f64, i32) {
    const MANTISSA: u64 = (1 << 52) - 1;
    let (v, adjust) = if v < f64::MIN_POSITIVE {
        // Subnormal: scale into the normal range first.
        (v * 2f64.powi(64), -64)
    } else {
        (v, 0)
    };
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32 - 1022;
    let frac = f64::from_bits((bits & MANTISSA) | (1022 << 52));
    (frac, exp + adjust)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_are_powers_of_two() {
        for (s, factor) in (MIN..=MAX).zip(FACTORS) {
            let exact = 2f64.powf(2f64.powi(-i32::from(s)));
            assert!((factor - exact).abs() <= exact * 1e-15, "schema {s}");
        }
    }

    #[test]
    fn every_value_lies_within_its_bucket() {
        let values = [
            1e-300,
            5e-324,
            1e-9,
            0.001,
            0.1,
            0.5,
            0.75,
            1.0,
            1.0001,
            1.5,
            2.0,
            3.0,
            4.0,
            7.3,
            1000.0,
            123_456.789,
            1e300,
            f64::MAX,
        ];
        for schema in MIN..=MAX {
            for v in values {
                let i = bucket_index(v, schema);
                let (low, high) = (upper_bound(i - 1, schema), upper_bound(i, schema));
                // Relative slack for the rounding of `exp2` at the edges.
                assert!(
                    v <= high * (1.0 + 1e-12),
                    "{v} above bucket {i} at {schema}"
                );
                // (Among subnormals the bound itself is not representable.)
                if low >= f64::MIN_POSITIVE {
                    assert!(v > low * (1.0 - 1e-12), "{v} below bucket {i} at {schema}");
                }
            }
        }
    }

    #[test]
    fn the_cell_lookup_agrees_with_a_search() {
        // Every boundary, and values just either side of it.
        for schema in 1..=MAX {
            let octave = Octave::of(schema);
            let n = 1 << schema;
            for j in 0..n {
                let b = octave.bounds[j];
                for frac in [b, b.next_up(), b.next_down()] {
                    if !(0.5..1.0).contains(&frac) {
                        continue;
                    }
                    let searched = octave.bounds[..n].partition_point(|x| *x < frac) as i32;
                    // frac * 2 lies in octave 0 (exp 1 after splitting).
                    assert_eq!(octave.bucket_index(frac * 2.0), searched, "{schema} {frac}");
                }
            }
        }
    }

    #[test]
    fn powers_of_two_end_their_buckets() {
        // Bucket 0 ends at 1 at every schema; 2 ends bucket 2^s (s >= 0).
        for schema in MIN..=MAX {
            assert_eq!(bucket_index(1.0, schema), 0);
        }
        assert_eq!(bucket_index(2.0, 3), 8);
        assert_eq!(bucket_index(2.0000001, 3), 9);
        assert_eq!(bucket_index(4.0, 0), 2);
        assert_eq!(bucket_index(4.0, -1), 1);
        assert_eq!(bucket_index(5.0, -1), 2);
        assert_eq!(bucket_index(0.25, 0), -2);
    }

    #[test]
    fn coarsening_merges_neighbours() {
        // At one schema coarser, buckets 2k-1 and 2k become bucket k.
        assert_eq!(coarsen(1, 3, 2), 1);
        assert_eq!(coarsen(2, 3, 2), 1);
        assert_eq!(coarsen(3, 3, 2), 2);
        assert_eq!(coarsen(0, 3, 2), 0);
        assert_eq!(coarsen(-1, 3, 2), 0);
        assert_eq!(coarsen(-2, 3, 2), -1);
        assert_eq!(coarsen(-3, 3, 2), -1);
        assert_eq!(coarsen(17, 3, 0), 3);
        // Consistent with indexing at the coarser schema directly.
        for v in [0.01, 0.3, 1.7, 9.9, 1234.5] {
            for (from, to) in [(8, 3), (3, 0), (2, -4)] {
                assert_eq!(
                    coarsen(bucket_index(v, from), from, to),
                    bucket_index(v, to)
                );
            }
        }
    }
}
