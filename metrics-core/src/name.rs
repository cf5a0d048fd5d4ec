//! Validation of metric and label names, usable in `const` context.
//!
//! The rules are Prometheus' classic ones, which both exposition formats
//! accept: metric names match `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names match
//! `[a-zA-Z_][a-zA-Z0-9_]*` and must not start with `__` (reserved for
//! Prometheus' internal labels). The functions are `const fn` so that the
//! macros can check names at compile time with the same code the registry
//! runs at runtime.

use std::fmt;

/// Why a metric or label name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameError {
    /// The name is empty.
    Empty,
    /// The name starts with a character that may not start it (a digit).
    InvalidStart,
    /// The name contains a character outside the allowed set.
    InvalidCharacter,
    /// A label name starts with `__`, which Prometheus reserves.
    ReservedPrefix,
}

impl NameError {
    /// A sentence describing the problem, usable in `const` panics.
    pub const fn message(self) -> &'static str {
        match self {
            NameError::Empty => "name is empty",
            NameError::InvalidStart => "name must start with a letter, `_` (or `:` for metrics)",
            NameError::InvalidCharacter => {
                "name may contain only ASCII letters, digits and `_` (and `:` for metrics)"
            }
            NameError::ReservedPrefix => "label names starting with `__` are reserved",
        }
    }
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for NameError {}

const fn is_name_start(b: u8, colon: bool) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || (colon && b == b':')
}

const fn is_name_continue(b: u8, colon: bool) -> bool {
    is_name_start(b, colon) || b.is_ascii_digit()
}

const fn check(name: &str, colon: bool) -> Result<(), NameError> {
    let bytes = name.as_bytes();
    if bytes.is_empty() {
        return Err(NameError::Empty);
    }
    if !is_name_start(bytes[0], colon) {
        return Err(if bytes[0].is_ascii_digit() {
            NameError::InvalidStart
        } else {
            NameError::InvalidCharacter
        });
    }
    let mut i = 1;
    while i < bytes.len() {
        if !is_name_continue(bytes[i], colon) {
            return Err(NameError::InvalidCharacter);
        }
        i += 1;
    }
    Ok(())
}

/// Checks a metric family name: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
///
/// ```
/// use metrics_core::encoding::{validate_metric_name, NameError};
/// assert!(validate_metric_name("http_requests").is_ok());
/// assert_eq!(validate_metric_name("2xx"), Err(NameError::InvalidStart));
/// assert_eq!(validate_metric_name("a-b"), Err(NameError::InvalidCharacter));
/// ```
pub const fn validate_metric_name(name: &str) -> Result<(), NameError> {
    check(name, true)
}

/// Checks a label name: `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`.
///
/// ```
/// use metrics_core::encoding::{validate_label_name, NameError};
/// assert!(validate_label_name("method").is_ok());
/// assert_eq!(validate_label_name("__name__"), Err(NameError::ReservedPrefix));
/// assert_eq!(validate_label_name("a:b"), Err(NameError::InvalidCharacter));
/// ```
pub const fn validate_label_name(name: &str) -> Result<(), NameError> {
    if let Err(e) = check(name, false) {
        return Err(e);
    }
    let b = name.as_bytes();
    if b.len() >= 2 && b[0] == b'_' && b[1] == b'_' {
        return Err(NameError::ReservedPrefix);
    }
    Ok(())
}

/// `true` when `name` ends with `suffix` (usable in `const` context).
pub const fn ends_with(name: &str, suffix: &str) -> bool {
    let (n, s) = (name.as_bytes(), suffix.as_bytes());
    if s.len() > n.len() {
        return false;
    }
    let offset = n.len() - s.len();
    let mut i = 0;
    while i < s.len() {
        if n[offset + i] != s[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// `true` when two strings are equal (usable in `const` context).
pub const fn str_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && ends_with(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names() {
        for ok in ["a", "_a", ":a", "a:b_c9", "process_cpu_seconds_total"] {
            assert_eq!(validate_metric_name(ok), Ok(()), "{ok}");
        }
        assert_eq!(validate_metric_name(""), Err(NameError::Empty));
        assert_eq!(validate_metric_name("9a"), Err(NameError::InvalidStart));
        assert_eq!(
            validate_metric_name("a b"),
            Err(NameError::InvalidCharacter)
        );
        assert_eq!(validate_metric_name("é"), Err(NameError::InvalidCharacter));
        assert_eq!(
            validate_metric_name("a.b"),
            Err(NameError::InvalidCharacter)
        );
    }

    #[test]
    fn label_names() {
        for ok in ["a", "_a", "le", "a_9"] {
            assert_eq!(validate_label_name(ok), Ok(()), "{ok}");
        }
        assert_eq!(validate_label_name(":a"), Err(NameError::InvalidCharacter));
        assert_eq!(validate_label_name("a:"), Err(NameError::InvalidCharacter));
        assert_eq!(validate_label_name("__x"), Err(NameError::ReservedPrefix));
        assert_eq!(validate_label_name("1"), Err(NameError::InvalidStart));
    }

    #[test]
    fn const_helpers() {
        const { assert!(ends_with("a_total", "_total")) };
        const { assert!(validate_metric_name("ok_name").is_ok()) };
        assert!(!ends_with("al", "_total"));
        assert!(str_eq("abc", "abc"));
        assert!(!str_eq("abc", "bc"));
    }
}
