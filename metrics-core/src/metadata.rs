//! What a metric family is called and says about itself: name, help and
//! unit, given at registration.

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
