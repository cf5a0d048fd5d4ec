//! What a metric family is called and says about itself: name, help and
//! unit, given at registration, and whether its names may be any UTF-8.

use crate::name::NameRules;

/// Static description of one metric family: name, help and unit.
///
/// The name is the family's base name: a counter `http_requests` writes
/// samples `http_requests_total`; a unit, when set, must be the name's last
/// `_`-separated part (`request_duration_seconds` with unit `seconds`), as
/// OpenMetrics requires.
///
/// Names follow the legacy rules (`[a-zA-Z_:][a-zA-Z0-9_:]*` for the
/// metric, `[a-zA-Z_][a-zA-Z0-9_]*` for labels) unless the family opts in
/// to UTF-8 names with [`with_utf8_names`](Self::with_utf8_names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    name: std::borrow::Cow<'static, str>,
    help: std::borrow::Cow<'static, str>,
    unit: Option<std::borrow::Cow<'static, str>>,
    rules: NameRules,
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
            rules: NameRules::Legacy,
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
            rules: NameRules::Legacy,
        }
    }

    /// Opts the family in to UTF-8 names: its metric name and label names
    /// may be any non-empty UTF-8 (label names still not starting with
    /// `__`), where legacy names are required otherwise. Each scraper gets
    /// them as its `escaping=` parameter asks (quoted with `allow-utf-8`,
    /// escaped otherwise; legacy-safe when it names no scheme); a name that
    /// is legacy-valid anyway is written as it is.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use metrics_core::{Counter, Escaping, Exposition, Format, Metadata, Registry};
    /// let registry = Registry::new();
    /// let requests = Arc::new(Counter::<u64>::new());
    /// let metadata = Metadata::new("http.server.requests", "Requests.").with_utf8_names();
    /// registry.register_metric(metadata, requests.clone()).unwrap();
    /// requests.inc();
    /// // A scraper that allows UTF-8 names gets them quoted...
    /// let utf8 = Exposition::new(Format::Text).with_escaping(Escaping::AllowUtf8);
    /// assert!(registry.encode_to_string(utf8).contains("{\"http.server.requests_total\"} 1\n"));
    /// // ...any other, legacy-safe names.
    /// assert!(registry.encode_to_string(Format::Text).contains("\nhttp_server_requests_total 1\n"));
    /// // Without the opt-in the name is refused.
    /// let legacy = Metadata::new("http.server.requests", "Requests.");
    /// assert!(Registry::new().register_metric(legacy, requests).is_err());
    /// ```
    pub const fn with_utf8_names(mut self) -> Self {
        self.rules = NameRules::Utf8;
        self
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

    /// The rules the family's names follow: [`NameRules::Utf8`] after
    /// [`with_utf8_names`](Self::with_utf8_names), legacy otherwise.
    pub fn name_rules(&self) -> NameRules {
        self.rules
    }
}
