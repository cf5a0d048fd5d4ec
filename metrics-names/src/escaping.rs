//! The UTF-8 escaping schemes: how a name outside the legacy character
//! set is written for a scraper, as negotiated by the `escaping=`
//! parameter of `Accept` and `Content-Type` (Prometheus' "UTF-8 escaping
//! schemes" specification).
//!
//! * `allow-utf-8`: names as they are; the text formats quote the ones that
//!   are not legacy-valid.
//! * `underscores`: every character outside the legacy set becomes `_`.
//! * `dots`: `_` becomes `__`, `.` becomes `_dot_`, any other character
//!   outside the legacy set `__`.
//! * `values`: `U__`, then the name with `_` as `__` and every character
//!   outside the legacy set as `_<hex code point>_`; a legacy-valid name is
//!   left as it is.
//!
//! A scraper that names no scheme gets `underscores`, the specification's
//! default, so its names are legacy-safe.
//!
//! The exposition escapes only the names that need it: a legacy-valid name
//! is written unchanged under every scheme (as Prometheus' own encoder
//! does), so a registry of legacy names serves the same body whatever the
//! scraper asks for.

use core::fmt::{self, Write};

/// How names outside the legacy character set are written, as the
/// `escaping=` parameter names it.
///
/// ```
/// use metrics_names::Escaping;
/// let escaped = |scheme: Escaping| {
///     let mut out = String::new();
///     scheme.escape_metric_name("http.server.duration", &mut out).unwrap();
///     out
/// };
/// assert_eq!(escaped(Escaping::AllowUtf8), "http.server.duration");
/// assert_eq!(escaped(Escaping::Underscores), "http_server_duration");
/// assert_eq!(escaped(Escaping::Dots), "http_dot_server_dot_duration");
/// assert_eq!(escaped(Escaping::Values), "U__http_2e_server_2e_duration");
/// assert_eq!(Escaping::from_param("dots"), Some(Escaping::Dots));
/// assert_eq!(Escaping::default(), Escaping::Underscores);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Escaping {
    /// `allow-utf-8`: names as they are (quoted in the text formats when
    /// they are not legacy-valid).
    AllowUtf8,
    /// `underscores`: each character outside the legacy set becomes `_`.
    /// The default when the scraper names no scheme.
    #[default]
    Underscores,
    /// `dots`: `.` becomes `_dot_`, `_` becomes `__`, any other character
    /// outside the legacy set `__`.
    Dots,
    /// `values`: `U__` followed by the name with `_` as `__` and each
    /// character outside the legacy set as `_<hex code point>_`.
    Values,
}

impl Escaping {
    /// Every scheme, in the order of their indices ([`index`](Self::index)).
    pub const ALL: [Escaping; 4] = [
        Escaping::AllowUtf8,
        Escaping::Underscores,
        Escaping::Dots,
        Escaping::Values,
    ];

    /// The scheme as the `escaping=` parameter spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Escaping::AllowUtf8 => "allow-utf-8",
            Escaping::Underscores => "underscores",
            Escaping::Dots => "dots",
            Escaping::Values => "values",
        }
    }

    /// The scheme an `escaping=` parameter value names, or `None` for a
    /// value this specification does not define (which a server ignores).
    pub fn from_param(value: &str) -> Option<Escaping> {
        Escaping::ALL.into_iter().find(|e| e.as_str() == value)
    }

    /// A number from 0 to 3, one per scheme (for tables keyed by scheme).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Writes `name` as this scheme writes a metric name: the
    /// specification's transformation, applied as it is (under `dots` a
    /// legacy-valid name still has its `_` doubled; the exposition leaves
    /// legacy-valid names alone and calls this only for the others).
    /// `allow-utf-8` writes the name unchanged, unquoted.
    pub fn escape_metric_name<W: Write + ?Sized>(self, name: &str, out: &mut W) -> fmt::Result {
        escape(self, name, true, out)
    }

    /// Writes `name` as this scheme writes a label name. The same as
    /// [`escape_metric_name`](Self::escape_metric_name) except that `:`,
    /// which legacy label names may not contain, is escaped too, so an
    /// escaped label name is always legacy-valid.
    pub fn escape_label_name<W: Write + ?Sized>(self, name: &str, out: &mut W) -> fmt::Result {
        escape(self, name, false, out)
    }
}

impl fmt::Display for Escaping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether `c`, at byte offset `at`, may stay as it is in a legacy name.
fn is_legacy_char(c: char, at: usize, colon: bool) -> bool {
    c.is_ascii_alphabetic() || c == '_' || (colon && c == ':') || (at > 0 && c.is_ascii_digit())
}

fn is_legacy(name: &str, colon: bool) -> bool {
    !name.is_empty()
        && name
            .char_indices()
            .all(|(at, c)| is_legacy_char(c, at, colon))
}

fn escape<W: Write + ?Sized>(
    scheme: Escaping,
    name: &str,
    colon: bool,
    out: &mut W,
) -> fmt::Result {
    match scheme {
        Escaping::AllowUtf8 => out.write_str(name),
        Escaping::Underscores => {
            for (at, c) in name.char_indices() {
                out.write_char(if is_legacy_char(c, at, colon) { c } else { '_' })?;
            }
            Ok(())
        }
        Escaping::Dots => {
            for (at, c) in name.char_indices() {
                match c {
                    '_' => out.write_str("__")?,
                    '.' => out.write_str("_dot_")?,
                    c if is_legacy_char(c, at, colon) => out.write_char(c)?,
                    _ => out.write_str("__")?,
                }
            }
            Ok(())
        }
        Escaping::Values => {
            if name.is_empty() || is_legacy(name, colon) {
                return out.write_str(name);
            }
            out.write_str("U__")?;
            for (at, c) in name.char_indices() {
                match c {
                    '_' => out.write_str("__")?,
                    c if is_legacy_char(c, at, colon) => out.write_char(c)?,
                    c => write!(out, "_{:x}_", u32::from(c))?,
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::String;

    use super::*;

    fn metric(scheme: Escaping, name: &str) -> String {
        let mut out = String::new();
        scheme.escape_metric_name(name, &mut out).unwrap();
        out
    }

    fn label(scheme: Escaping, name: &str) -> String {
        let mut out = String::new();
        scheme.escape_label_name(name, &mut out).unwrap();
        out
    }

    /// The examples of the specification's reference implementation
    /// (prometheus/common `model.EscapeName`): input, underscores, dots,
    /// values.
    const EXAMPLES: &[(&str, &str, &str, &str)] = &[
        ("", "", "", ""),
        (
            "no:escaping_required",
            "no:escaping_required",
            "no:escaping__required",
            "no:escaping_required",
        ),
        (
            "mysystem.prod.west.cpu.load",
            "mysystem_prod_west_cpu_load",
            "mysystem_dot_prod_dot_west_dot_cpu_dot_load",
            "U__mysystem_2e_prod_2e_west_2e_cpu_2e_load",
        ),
        (
            "mysystem.prod.west.cpu.load_total",
            "mysystem_prod_west_cpu_load_total",
            "mysystem_dot_prod_dot_west_dot_cpu_dot_load__total",
            "U__mysystem_2e_prod_2e_west_2e_cpu_2e_load__total",
        ),
        (
            "http.status:sum",
            "http_status:sum",
            "http_dot_status:sum",
            "U__http_2e_status:sum",
        ),
        (
            "label with 😱",
            "label_with__",
            "label__with____",
            "U__label_20_with_20__1f631_",
        ),
        ("花火", "__", "____", "U___82b1__706b_"),
        (
            "label with \u{100}",
            "label_with__",
            "label__with____",
            "U__label_20_with_20__100_",
        ),
    ];

    #[test]
    fn the_specification_examples() {
        for &(input, underscores, dots, values) in EXAMPLES {
            assert_eq!(metric(Escaping::AllowUtf8, input), input);
            assert_eq!(metric(Escaping::Underscores, input), underscores, "{input}");
            assert_eq!(metric(Escaping::Dots, input), dots, "{input}");
            assert_eq!(metric(Escaping::Values, input), values, "{input}");
        }
        // The specification page's own examples.
        assert_eq!(
            metric(Escaping::Underscores, "metric.name/with/slashes"),
            "metric_name_with_slashes"
        );
        assert_eq!(
            metric(Escaping::Dots, "metric.name.with.dots"),
            "metric_dot_name_dot_with_dot_dots"
        );
        // The page writes the code point in capitals (`U__metric_2E_name`);
        // the reference implementation writes lowercase and reads both.
        assert!(metric(Escaping::Values, "metric.name").eq_ignore_ascii_case("U__metric_2E_name"));
    }

    #[test]
    fn a_leading_digit_is_escaped() {
        assert_eq!(metric(Escaping::Underscores, "1st.try"), "_st_try");
        assert_eq!(metric(Escaping::Dots, "1st"), "__st");
        assert_eq!(metric(Escaping::Values, "1st"), "U___31_st");
    }

    #[test]
    fn label_names_escape_the_colon_too() {
        assert_eq!(label(Escaping::Underscores, "a:b.c"), "a_b_c");
        assert_eq!(label(Escaping::Dots, "a:b.c"), "a__b_dot_c");
        assert_eq!(label(Escaping::Values, "a:b"), "U__a_3a_b");
        assert_eq!(label(Escaping::Values, "legacy_name"), "legacy_name");
        assert_eq!(label(Escaping::AllowUtf8, "a:b"), "a:b");
    }

    #[test]
    fn escaped_names_are_legacy_valid() {
        let names = ["a.b", "😱", "9lives", "x y", "a:b", "é"];
        for scheme in [Escaping::Underscores, Escaping::Dots, Escaping::Values] {
            for name in names {
                assert!(is_legacy(&metric(scheme, name), true), "{scheme} {name}");
                assert!(is_legacy(&label(scheme, name), false), "{scheme} {name}");
            }
        }
    }

    #[test]
    fn parameter_values() {
        for scheme in Escaping::ALL {
            assert_eq!(Escaping::from_param(scheme.as_str()), Some(scheme));
            assert_eq!(Escaping::ALL[scheme.index()], scheme);
        }
        for unknown in ["", "utf-8", "Dots", "allow-utf8", "none"] {
            assert_eq!(Escaping::from_param(unknown), None, "{unknown}");
        }
        assert_eq!(std::format!("{}", Escaping::AllowUtf8), "allow-utf-8");
    }
}
