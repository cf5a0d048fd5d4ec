//! The exposition formats a registry writes, and how each is served: the
//! wire format ([`Format`]), and what content negotiation settles beside
//! it ([`Exposition`]): the format's version and the scheme that escapes
//! names outside the legacy character set.

pub use crate::name::Escaping;

/// An exposition format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// Prometheus text format (0.0.4, or 1.0.0 with quoted UTF-8 names).
    #[default]
    Text,
    /// OpenMetrics text format (1.0.0, or 0.0.1: the same body).
    OpenMetrics,
    /// The protobuf format: length-delimited `io.prometheus.client.MetricFamily`
    /// messages (binary; encode with [`Registry::encode`](crate::Registry::encode)
    /// or [`encode_into`](crate::Registry::encode_into), not into a string).
    Protobuf,
}

impl Format {
    /// The `Content-Type` an HTTP response in this format carries, at the
    /// format's default version (text 0.0.4, OpenMetrics 1.0.0) and with no
    /// escaping parameter: what [`Exposition::new`] describes.
    pub const fn content_type(self) -> &'static str {
        Exposition::new(self).content_type()
    }
}

/// A version of the Prometheus text format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TextVersion {
    /// 0.0.4: legacy names only (UTF-8 names are escaped).
    #[default]
    V0_0_4,
    /// 1.0.0: the same lines, with names outside the legacy character set
    /// quoted when the scraper allows them (`escaping=allow-utf-8`).
    V1_0_0,
}

/// A version of OpenMetrics text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OpenMetricsVersion {
    /// 0.0.1: what a scraper that names no version gets (the body is the
    /// same as 1.0.0's).
    V0_0_1,
    /// 1.0.0.
    #[default]
    V1_0_0,
}

/// The version of an exposition, by format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Version {
    Text(TextVersion),
    OpenMetrics(OpenMetricsVersion),
    Protobuf,
}

/// What a scrape is answered with: the wire [`Format`], its version, and
/// the [`Escaping`] scheme for names outside the legacy character set, as
/// content negotiation settles them. Its [`content_type`](Self::content_type)
/// is the exact `Content-Type` of the response, with the `escaping=`
/// parameter echoed when the scraper sent one.
///
/// A [`Format`] converts into the exposition of its default version with no
/// escaping requested, so every registry encode call takes either.
///
/// ```
/// use metrics_core::{Escaping, Exposition, Format, TextVersion};
/// let e = Exposition::text(TextVersion::V1_0_0).with_escaping(Escaping::AllowUtf8);
/// assert_eq!(e.format(), Format::Text);
/// assert_eq!(
///     e.content_type(),
///     "text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8"
/// );
/// // No scheme requested: legacy-safe names, no parameter echoed.
/// let plain = Exposition::from(Format::Text);
/// assert_eq!(plain.escaping(), Escaping::Underscores);
/// assert_eq!(plain.content_type(), "text/plain; version=0.0.4; charset=utf-8");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Exposition {
    version: Version,
    escaping: Option<Escaping>,
}

impl Exposition {
    /// `format` at its default version (text 0.0.4, OpenMetrics 1.0.0),
    /// with no escaping scheme requested.
    pub const fn new(format: Format) -> Self {
        let version = match format {
            Format::Text => Version::Text(TextVersion::V0_0_4),
            Format::OpenMetrics => Version::OpenMetrics(OpenMetricsVersion::V1_0_0),
            Format::Protobuf => Version::Protobuf,
        };
        Exposition {
            version,
            escaping: None,
        }
    }

    /// Prometheus text at `version`.
    pub const fn text(version: TextVersion) -> Self {
        Exposition {
            version: Version::Text(version),
            escaping: None,
        }
    }

    /// OpenMetrics text at `version`.
    pub const fn openmetrics(version: OpenMetricsVersion) -> Self {
        Exposition {
            version: Version::OpenMetrics(version),
            escaping: None,
        }
    }

    /// The same, with the escaping scheme the scraper asked for.
    pub const fn with_escaping(self, escaping: Escaping) -> Self {
        Exposition {
            version: self.version,
            escaping: Some(escaping),
        }
    }

    /// The wire format.
    pub const fn format(self) -> Format {
        match self.version {
            Version::Text(_) => Format::Text,
            Version::OpenMetrics(_) => Format::OpenMetrics,
            Version::Protobuf => Format::Protobuf,
        }
    }

    /// The format's version as its `version=` parameter spells it; `None`
    /// for protobuf, which has none.
    pub const fn version(self) -> Option<&'static str> {
        match self.version {
            Version::Text(TextVersion::V0_0_4) => Some("0.0.4"),
            Version::Text(TextVersion::V1_0_0)
            | Version::OpenMetrics(OpenMetricsVersion::V1_0_0) => Some("1.0.0"),
            Version::OpenMetrics(OpenMetricsVersion::V0_0_1) => Some("0.0.1"),
            Version::Protobuf => None,
        }
    }

    /// The scheme names are escaped with: the one requested, else
    /// [`Escaping::Underscores`] (the specification's default, which keeps
    /// every name legacy-valid).
    pub const fn escaping(self) -> Escaping {
        match self.escaping {
            Some(e) => e,
            None => Escaping::Underscores,
        }
    }

    /// The scheme the scraper asked for, if it named one.
    pub const fn requested_escaping(self) -> Option<Escaping> {
        self.escaping
    }

    /// The exact `Content-Type` of a response: media type, version,
    /// charset for the text formats, and `escaping=` when one was requested.
    pub const fn content_type(self) -> &'static str {
        macro_rules! escaped {
            ($base:literal) => {
                match self.escaping {
                    None => $base,
                    Some(Escaping::AllowUtf8) => concat!($base, "; escaping=allow-utf-8"),
                    Some(Escaping::Underscores) => concat!($base, "; escaping=underscores"),
                    Some(Escaping::Dots) => concat!($base, "; escaping=dots"),
                    Some(Escaping::Values) => concat!($base, "; escaping=values"),
                }
            };
        }
        match self.version {
            Version::Text(TextVersion::V0_0_4) => {
                escaped!("text/plain; version=0.0.4; charset=utf-8")
            }
            Version::Text(TextVersion::V1_0_0) => {
                escaped!("text/plain; version=1.0.0; charset=utf-8")
            }
            Version::OpenMetrics(OpenMetricsVersion::V1_0_0) => {
                escaped!("application/openmetrics-text; version=1.0.0; charset=utf-8")
            }
            Version::OpenMetrics(OpenMetricsVersion::V0_0_1) => {
                escaped!("application/openmetrics-text; version=0.0.1; charset=utf-8")
            }
            Version::Protobuf => escaped!(
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; \
                 encoding=delimited"
            ),
        }
    }
}

impl From<Format> for Exposition {
    fn from(format: Format) -> Self {
        Exposition::new(format)
    }
}

impl Default for Exposition {
    fn default() -> Self {
        Exposition::new(Format::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_are_exact() {
        assert_eq!(
            Format::Text.content_type(),
            "text/plain; version=0.0.4; charset=utf-8"
        );
        assert_eq!(
            Format::OpenMetrics.content_type(),
            "application/openmetrics-text; version=1.0.0; charset=utf-8"
        );
        assert_eq!(
            Format::Protobuf.content_type(),
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; \
             encoding=delimited"
        );
        let om = Exposition::openmetrics(OpenMetricsVersion::V0_0_1).with_escaping(Escaping::Dots);
        assert_eq!(
            om.content_type(),
            "application/openmetrics-text; version=0.0.1; charset=utf-8; escaping=dots"
        );
        assert_eq!(
            (om.format(), om.version()),
            (Format::OpenMetrics, Some("0.0.1"))
        );
        let pb = Exposition::new(Format::Protobuf).with_escaping(Escaping::Values);
        assert!(pb
            .content_type()
            .ends_with("encoding=delimited; escaping=values"));
        assert_eq!(pb.version(), None);
        for escaping in Escaping::ALL {
            let e = Exposition::text(TextVersion::V1_0_0).with_escaping(escaping);
            assert!(e
                .content_type()
                .ends_with(&format!("; escaping={escaping}")));
            assert_eq!(e.escaping(), escaping);
            assert_eq!(e.requested_escaping(), Some(escaping));
        }
    }

    #[test]
    fn no_scheme_requested_means_underscores() {
        for format in [Format::Text, Format::OpenMetrics, Format::Protobuf] {
            let e = Exposition::from(format);
            assert_eq!((e.format(), e.escaping()), (format, Escaping::Underscores));
            assert_eq!(e.requested_escaping(), None);
            assert!(!e.content_type().contains("escaping"));
        }
    }
}
