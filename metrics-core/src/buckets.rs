//! Histogram bucket layouts, built and checked by `const fn`s.
//!
//! Every constructor has a `try_` form returning [`BucketsError`] and a
//! panicking form meant for `const` items: evaluated in a `const`, its
//! panic is a compile error at the line that wrote the bad list.
//!
//! ```
//! use metrics_core::Buckets;
//! const LATENCY: Buckets = Buckets::exponential(0.001, 2.0, 12);
//! assert_eq!(LATENCY.bounds().len(), 12);
//! assert_eq!(LATENCY.bounds()[1], 0.002);
//! ```
//!
//! ```compile_fail
//! use metrics_core::Buckets;
//! const BAD: Buckets = Buckets::new(&[1.0, 0.5]); // unsorted: does not compile
//! ```

use std::fmt;

/// Why a bucket list was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BucketsError {
    /// No bounds at all.
    Empty,
    /// More than [`Buckets::MAX`] bounds.
    TooMany,
    /// A bound is NaN.
    NaN,
    /// A bound is infinite (the `+Inf` bucket is always added).
    Infinite,
    /// Bounds are not in increasing order.
    Unsorted,
    /// The same bound appears twice.
    Duplicate,
    /// `exponential` needs `start > 0` and `factor > 1`; `linear` needs
    /// `width > 0`; both need a finite `start` and `count >= 1`.
    InvalidParameters,
}

impl BucketsError {
    /// A sentence describing the problem, usable in `const` panics.
    pub const fn message(self) -> &'static str {
        match self {
            BucketsError::Empty => "histogram buckets must not be empty",
            BucketsError::TooMany => "too many histogram buckets (at most 64)",
            BucketsError::NaN => "histogram bucket bound is NaN",
            BucketsError::Infinite => {
                "histogram bucket bound is infinite (the +Inf bucket is always added)"
            }
            BucketsError::Unsorted => "histogram buckets must be sorted in increasing order",
            BucketsError::Duplicate => "histogram buckets must not contain duplicates",
            BucketsError::InvalidParameters => {
                "invalid bucket parameters: exponential needs start > 0 and factor > 1, \
                 linear needs width > 0, and count must be at least 1"
            }
        }
    }
}

impl fmt::Display for BucketsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for BucketsError {}

/// The finite upper bounds of a histogram's buckets, in increasing order.
/// The `+Inf` bucket is implicit and always exposed.
#[derive(Clone, Copy)]
pub struct Buckets {
    bounds: [f64; Buckets::MAX],
    len: usize,
}

impl Buckets {
    /// The most finite bounds a histogram may have.
    pub const MAX: usize = 64;

    /// client_golang's default: 5 ms to 10 s, for request latencies in seconds.
    pub const DEFAULT: Buckets = Buckets::new(&[
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    ]);

    /// An explicit list of bounds.
    ///
    /// # Panics
    ///
    /// If the list is empty, unsorted, duplicated, NaN or infinite. Meant
    /// for `const` items and `#[metrics(buckets = ...)]`, where the panic is
    /// a compile error; with bounds known only at runtime use
    /// [`try_new`](Self::try_new).
    pub const fn new(bounds: &[f64]) -> Self {
        unwrap(Self::try_new(bounds))
    }

    /// An explicit list of bounds, checked.
    pub const fn try_new(bounds: &[f64]) -> Result<Self, BucketsError> {
        if bounds.len() > Self::MAX {
            return Err(BucketsError::TooMany);
        }
        let mut out = [0.0; Self::MAX];
        let mut i = 0;
        while i < bounds.len() {
            out[i] = bounds[i];
            i += 1;
        }
        Self::checked(out, bounds.len())
    }

    /// `count` bounds `start, start*factor, start*factor^2, ...`.
    ///
    /// # Panics
    ///
    /// On invalid parameters (see [`try_exponential`](Self::try_exponential)),
    /// at compile time when used in a `const`.
    pub const fn exponential(start: f64, factor: f64, count: usize) -> Self {
        unwrap(Self::try_exponential(start, factor, count))
    }

    /// Checked form of [`exponential`](Self::exponential).
    pub const fn try_exponential(
        start: f64,
        factor: f64,
        count: usize,
    ) -> Result<Self, BucketsError> {
        let valid = start.is_finite() && start > 0.0 && factor.is_finite() && factor > 1.0;
        if !valid || count == 0 {
            return Err(BucketsError::InvalidParameters);
        }
        if count > Self::MAX {
            return Err(BucketsError::TooMany);
        }
        let mut out = [0.0; Self::MAX];
        let mut value = start;
        let mut i = 0;
        while i < count {
            out[i] = value;
            value *= factor;
            i += 1;
        }
        Self::checked(out, count)
    }

    /// `count` bounds `start, start+width, start+2*width, ...`.
    ///
    /// # Panics
    ///
    /// On invalid parameters (see [`try_linear`](Self::try_linear)), at
    /// compile time when used in a `const`.
    pub const fn linear(start: f64, width: f64, count: usize) -> Self {
        unwrap(Self::try_linear(start, width, count))
    }

    /// Checked form of [`linear`](Self::linear).
    pub const fn try_linear(start: f64, width: f64, count: usize) -> Result<Self, BucketsError> {
        let valid = start.is_finite() && width.is_finite() && width > 0.0;
        if !valid || count == 0 {
            return Err(BucketsError::InvalidParameters);
        }
        if count > Self::MAX {
            return Err(BucketsError::TooMany);
        }
        let mut out = [0.0; Self::MAX];
        let mut i = 0;
        while i < count {
            // Multiplying (not accumulating) keeps rounding error from growing.
            out[i] = start + width * i as f64;
            i += 1;
        }
        Self::checked(out, count)
    }

    const fn checked(bounds: [f64; Self::MAX], len: usize) -> Result<Self, BucketsError> {
        if len == 0 {
            return Err(BucketsError::Empty);
        }
        let mut i = 0;
        while i < len {
            let b = bounds[i];
            if b.is_nan() {
                return Err(BucketsError::NaN);
            }
            if b.is_infinite() {
                return Err(BucketsError::Infinite);
            }
            if i > 0 {
                if b == bounds[i - 1] {
                    return Err(BucketsError::Duplicate);
                }
                if b < bounds[i - 1] {
                    return Err(BucketsError::Unsorted);
                }
            }
            i += 1;
        }
        Ok(Buckets { bounds, len })
    }

    /// The finite bounds, increasing.
    pub fn bounds(&self) -> &[f64] {
        &self.bounds[..self.len]
    }
}

const fn unwrap(result: Result<Buckets, BucketsError>) -> Buckets {
    match result {
        Ok(b) => b,
        Err(e) => panic!("{}", e.message()),
    }
}

impl Default for Buckets {
    fn default() -> Self {
        Buckets::DEFAULT
    }
}

impl fmt::Debug for Buckets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.bounds()).finish()
    }
}

impl PartialEq for Buckets {
    fn eq(&self, other: &Self) -> bool {
        self.bounds() == other.bounds()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors() {
        const E: Buckets = Buckets::exponential(1.0, 2.0, 4);
        assert_eq!(E.bounds(), &[1.0, 2.0, 4.0, 8.0]);
        const L: Buckets = Buckets::linear(0.0, 0.5, 3);
        assert_eq!(L.bounds(), &[0.0, 0.5, 1.0]);
        assert_eq!(Buckets::default().bounds().len(), 11);
        assert_eq!(format!("{:?}", Buckets::new(&[1.0])), "[1.0]");
    }

    #[test]
    fn errors() {
        assert_eq!(Buckets::try_new(&[]), Err(BucketsError::Empty));
        assert_eq!(Buckets::try_new(&[2.0, 1.0]), Err(BucketsError::Unsorted));
        assert_eq!(Buckets::try_new(&[1.0, 1.0]), Err(BucketsError::Duplicate));
        assert_eq!(Buckets::try_new(&[f64::NAN]), Err(BucketsError::NaN));
        assert_eq!(
            Buckets::try_new(&[1.0, f64::INFINITY]),
            Err(BucketsError::Infinite)
        );
        assert_eq!(Buckets::try_new(&[0.0; 65]), Err(BucketsError::TooMany));
        assert_eq!(
            Buckets::try_exponential(0.0, 2.0, 3),
            Err(BucketsError::InvalidParameters)
        );
        assert_eq!(
            Buckets::try_exponential(1.0, 1.0, 3),
            Err(BucketsError::InvalidParameters)
        );
        assert_eq!(
            Buckets::try_exponential(1.0, 2.0, 0),
            Err(BucketsError::InvalidParameters)
        );
        assert_eq!(
            Buckets::try_exponential(1.0, 2.0, 65),
            Err(BucketsError::TooMany)
        );
        assert_eq!(
            Buckets::try_exponential(1e300, 1e10, 3),
            Err(BucketsError::Infinite)
        );
        assert_eq!(
            Buckets::try_linear(0.0, 0.0, 3),
            Err(BucketsError::InvalidParameters)
        );
        assert_eq!(
            Buckets::try_linear(f64::NAN, 1.0, 3),
            Err(BucketsError::InvalidParameters)
        );
        assert!(BucketsError::Unsorted.to_string().contains("sorted"));
    }
}
