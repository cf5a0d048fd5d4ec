//! Content negotiation: which exposition an `Accept` header asks for
//! (format, version, escaping scheme), and whether `Accept-Encoding` allows
//! gzip (RFC 9110 §12.5).

use metrics_core::{Escaping, Exposition, Format, OpenMetricsVersion, TextVersion};

/// One `type/subtype;param=value;q=0.5` element of an `Accept` header.
struct MediaRange<'a> {
    media_type: &'a str,
    params: &'a str,
    quality: f32,
}

impl MediaRange<'_> {
    /// The value of parameter `name`, if present.
    fn param(&self, name: &str) -> Option<&str> {
        params(self.params)
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim_matches('"'))
    }
}

fn params(params: &str) -> impl Iterator<Item = (&str, &str)> {
    params
        .split(';')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
}

/// The quality of an element: 1 when absent; 0 (not acceptable) when the
/// `q` parameter is not a number in 0..=1 (`q=-1`, `q=NaN`, `q=inf`), so a
/// malformed preference never counts as the strongest one.
fn parse_quality(element_params: &str) -> f32 {
    match params(element_params).find(|(k, _)| k.eq_ignore_ascii_case("q")) {
        None => 1.0,
        Some((_, v)) => v
            .parse::<f32>()
            .ok()
            .filter(|q| (0.0..=1.0).contains(q))
            .unwrap_or(0.0),
    }
}

fn media_ranges(accept: &str) -> impl Iterator<Item = MediaRange<'_>> {
    accept.split(',').filter_map(|element| {
        let element = element.trim();
        if element.is_empty() {
            return None;
        }
        let (media_type, params) = element.split_once(';').unwrap_or((element, ""));
        Some(MediaRange {
            media_type: media_type.trim(),
            params,
            quality: parse_quality(params),
        })
    })
}

/// The protobuf message the protobuf format streams.
const PROTOBUF_MESSAGE: &str = "io.prometheus.client.MetricFamily";

/// What one media range of `Accept` offers: an exposition, and how
/// specific the range is (2 a full type, 1 `text/*`, 0 `*/*`), which breaks
/// ties between equal qualities as RFC 9110 has it.
fn offer(range: &MediaRange<'_>) -> Option<(Exposition, u8)> {
    let media_type = range.media_type.to_ascii_lowercase();
    let version = range.param("version");
    let (exposition, specificity) = match media_type.as_str() {
        // Only the delimited MetricFamily stream is what is written.
        "application/vnd.google.protobuf"
            if range.param("proto") == Some(PROTOBUF_MESSAGE)
                && range
                    .param("encoding")
                    .is_some_and(|e| e.eq_ignore_ascii_case("delimited")) =>
        {
            (Exposition::new(Format::Protobuf), 2)
        }
        // No version: 0.0.1, as Prometheus' own negotiation reads it.
        "application/openmetrics-text" => match version {
            None | Some("0.0.1") => (Exposition::openmetrics(OpenMetricsVersion::V0_0_1), 2),
            Some("1.0.0") => (Exposition::openmetrics(OpenMetricsVersion::V1_0_0), 2),
            Some(_) => return None,
        },
        "text/plain" => match version {
            None | Some("0.0.4") => (Exposition::text(TextVersion::V0_0_4), 2),
            Some("1.0.0") => (Exposition::text(TextVersion::V1_0_0), 2),
            Some(_) => return None,
        },
        // A wildcard is answered in text 0.0.4: protobuf only when named.
        "text/*" => (Exposition::text(TextVersion::V0_0_4), 1),
        "*/*" => (Exposition::text(TextVersion::V0_0_4), 0),
        _ => return None,
    };
    // An unknown scheme is ignored, as if none were named.
    let exposition = match range.param("escaping").and_then(Escaping::from_param) {
        Some(escaping) => exposition.with_escaping(escaping),
        None => exposition,
    };
    Some((exposition, specificity))
}

/// The exposition an `Accept` header asks for, as Prometheus 3 negotiates:
/// of the media ranges this endpoint can answer (protobuf as
/// `proto=io.prometheus.client.MetricFamily;encoding=delimited`,
/// OpenMetrics 1.0.0 or 0.0.1, text 1.0.0 or 0.0.4, `text/*`, `*/*`), the
/// one with the highest quality (then the most specific, then the first);
/// text 0.0.4 when none is acceptable or the header is missing. The range's
/// `escaping=` parameter, when it names a known scheme, becomes the
/// exposition's (and is echoed in its `Content-Type`); without one, names
/// outside the legacy character set are escaped with `underscores`.
///
/// Prometheus 3 sends
/// `application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1`
/// (protobuf first, at `q=0.6`, when it scrapes native histograms),
/// Prometheus 2
/// `application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1`.
///
/// ```
/// use metrics_core::{Escaping, Format};
/// use metrics_http::negotiate;
/// let e = negotiate(Some("text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,*/*;q=0.1"));
/// assert_eq!((e.format(), e.escaping()), (Format::Text, Escaping::AllowUtf8));
/// assert_eq!(e.content_type(), "text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8");
/// ```
pub fn negotiate(accept: Option<&str>) -> Exposition {
    let mut best: Option<(f32, u8, Exposition)> = None;
    for range in media_ranges(accept.unwrap_or("")) {
        if range.quality <= 0.0 {
            continue;
        }
        let Some((exposition, specificity)) = offer(&range) else {
            continue;
        };
        let better = best.is_none_or(|(quality, spec, _)| {
            range.quality > quality || (range.quality == quality && specificity > spec)
        });
        if better {
            best = Some((range.quality, specificity, exposition));
        }
    }
    best.map_or_else(|| Exposition::new(Format::Text), |(_, _, e)| e)
}

/// The format [`negotiate`] settles on, without its version or escaping.
pub fn negotiate_format(accept: Option<&str>) -> Format {
    negotiate(accept).format()
}

/// Whether an `Accept-Encoding` header allows gzip (`gzip` or `*` with a
/// non-zero quality, not refused explicitly).
pub fn accepts_gzip(accept_encoding: Option<&str>) -> bool {
    let Some(header) = accept_encoding else {
        return false;
    };
    let mut gzip: Option<f32> = None;
    let mut any: Option<f32> = None;
    for element in header.split(',') {
        let element = element.trim();
        let (coding, params) = element.split_once(';').unwrap_or((element, ""));
        let q = parse_quality(params);
        match coding.trim().to_ascii_lowercase().as_str() {
            "gzip" | "x-gzip" => gzip = Some(gzip.map_or(q, |g| g.max(q))),
            "*" => any = Some(q),
            _ => {}
        }
    }
    gzip.or(any).is_some_and(|q| q > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROMETHEUS_2: &str = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    #[test]
    fn formats() {
        assert_eq!(negotiate_format(Some(PROMETHEUS_2)), Format::OpenMetrics);
        assert_eq!(
            negotiate_format(Some("text/plain;version=0.0.4;q=0.5,*/*;q=0.1")),
            Format::Text
        );
        assert_eq!(negotiate_format(None), Format::Text);
        assert_eq!(negotiate_format(Some("*/*")), Format::Text);
        assert_eq!(
            negotiate_format(Some("application/openmetrics-text")),
            Format::OpenMetrics
        );
        assert_eq!(
            negotiate_format(Some("application/openmetrics-text;q=0,text/plain")),
            Format::Text
        );
        assert_eq!(
            negotiate_format(Some("text/plain;q=0.9, application/openmetrics-text;q=0.3")),
            Format::Text
        );
        assert_eq!(negotiate_format(Some(";;;,,garbage/;q=x")), Format::Text);
        assert_eq!(
            negotiate_format(Some(
                "APPLICATION/OpenMetrics-Text; q=0.8, text/plain; q=0.2"
            )),
            Format::OpenMetrics
        );
    }

    #[test]
    fn protobuf() {
        // What Prometheus sends with `--enable-feature=native-histograms`.
        let with_protobuf = format!(
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;\
             encoding=delimited,{PROMETHEUS_2}"
        );
        assert_eq!(negotiate_format(Some(&with_protobuf)), Format::Protobuf);
        let ranked = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;\
                      encoding=delimited;q=0.4,application/openmetrics-text;q=0.5";
        assert_eq!(negotiate_format(Some(ranked)), Format::OpenMetrics);
        // Another message, another encoding or none: not what is written.
        for other in [
            "application/vnd.google.protobuf;proto=io.prometheus.client.Other;encoding=delimited",
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text",
            "application/vnd.google.protobuf",
        ] {
            assert_eq!(negotiate_format(Some(other)), Format::Text, "{other}");
        }
    }

    const PROMETHEUS_3: &str = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1";

    fn content_type(accept: &str) -> &'static str {
        negotiate(Some(accept)).content_type()
    }

    #[test]
    fn prometheus_3() {
        let e = negotiate(Some(PROMETHEUS_3));
        assert_eq!(e.format(), Format::OpenMetrics);
        assert_eq!(e.escaping(), Escaping::AllowUtf8);
        assert_eq!(
            e.content_type(),
            "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8"
        );
        // With native histograms: protobuf first, and no scheme named for
        // it, so UTF-8 names are escaped with `underscores`.
        let proto_first = format!(
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;\
             encoding=delimited;q=0.6,{PROMETHEUS_3}"
        );
        let e = negotiate(Some(&proto_first));
        assert_eq!(e.format(), Format::Protobuf);
        assert_eq!(
            (e.requested_escaping(), e.escaping()),
            (None, Escaping::Underscores)
        );
        assert_eq!(
            e.content_type(),
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; \
             encoding=delimited"
        );
        // Prometheus 2's header: OpenMetrics 1.0.0, nothing echoed.
        assert_eq!(
            content_type(PROMETHEUS_2),
            "application/openmetrics-text; version=1.0.0; charset=utf-8"
        );
    }

    #[test]
    fn every_version_and_its_content_type() {
        for (accept, expected) in [
            (
                "text/plain;version=1.0.0;escaping=allow-utf-8",
                "text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8",
            ),
            (
                "text/plain; version=1.0.0",
                "text/plain; version=1.0.0; charset=utf-8",
            ),
            (
                "text/plain;version=0.0.4;escaping=underscores",
                "text/plain; version=0.0.4; charset=utf-8; escaping=underscores",
            ),
            ("text/plain", "text/plain; version=0.0.4; charset=utf-8"),
            (
                "application/openmetrics-text;version=0.0.1;escaping=dots",
                "application/openmetrics-text; version=0.0.1; charset=utf-8; escaping=dots",
            ),
            (
                "application/openmetrics-text",
                "application/openmetrics-text; version=0.0.1; charset=utf-8",
            ),
            (
                "application/openmetrics-text;version=\"1.0.0\";escaping=values",
                "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=values",
            ),
            (
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;\
                 encoding=delimited;escaping=allow-utf-8",
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; \
                 encoding=delimited; escaping=allow-utf-8",
            ),
            ("*/*", "text/plain; version=0.0.4; charset=utf-8"),
            (
                "*/*;escaping=dots",
                "text/plain; version=0.0.4; charset=utf-8; escaping=dots",
            ),
        ] {
            assert_eq!(content_type(accept), expected, "{accept}");
        }
    }

    #[test]
    fn q_values_decide() {
        // The higher quality wins, whatever the order.
        let e = negotiate(Some(
            "application/openmetrics-text;version=1.0.0;q=0.5,\
             application/openmetrics-text;version=0.0.1;q=0.7",
        ));
        assert_eq!(e.version(), Some("0.0.1"));
        let e = negotiate(Some(
            "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.2,\
             text/plain;version=1.0.0;escaping=dots;q=0.9",
        ));
        assert_eq!(
            (e.format(), e.version(), e.escaping()),
            (Format::Text, Some("1.0.0"), Escaping::Dots)
        );
        // Equal qualities: the more specific range, then the first.
        assert_eq!(
            negotiate_format(Some("*/*;q=0.5,application/openmetrics-text;q=0.5")),
            Format::OpenMetrics
        );
        let e = negotiate(Some("text/plain;version=1.0.0,text/plain;version=0.0.4"));
        assert_eq!(e.version(), Some("1.0.0"));
        // The scheme is the chosen range's, not another's.
        let e = negotiate(Some(
            "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.4",
        ));
        assert_eq!((e.version(), e.requested_escaping()), (Some("0.0.4"), None));
    }

    #[test]
    fn falls_back_to_text_0_0_4() {
        for accept in [
            "text/plain;version=2.0.0,application/openmetrics-text;version=2.0.0",
            "application/json",
            "application/openmetrics-text;q=0",
            "",
            ",;",
        ] {
            let e = negotiate(Some(accept));
            assert_eq!(e, Exposition::new(Format::Text), "{accept}");
            assert_eq!(e.content_type(), "text/plain; version=0.0.4; charset=utf-8");
        }
        assert_eq!(negotiate(None), Exposition::new(Format::Text));
    }

    #[test]
    fn unknown_escaping_values_are_ignored() {
        for scheme in ["unicode", "", "Allow-UTF-8", "dotz", "utf-8"] {
            let accept = format!("text/plain;version=1.0.0;escaping={scheme}");
            let e = negotiate(Some(&accept));
            assert_eq!(
                (e.version(), e.requested_escaping(), e.escaping()),
                (Some("1.0.0"), None, Escaping::Underscores),
                "{accept}"
            );
            assert_eq!(e.content_type(), "text/plain; version=1.0.0; charset=utf-8");
        }
        // A quoted known value is a known value.
        let e = negotiate(Some("text/plain;escaping=\"dots\""));
        assert_eq!(e.requested_escaping(), Some(Escaping::Dots));
    }

    #[test]
    fn invalid_qualities_are_not_preferences() {
        for q in ["-1", "NaN", "inf", "2", "x"] {
            let accept = format!("application/openmetrics-text;q={q},text/plain;q=0.1");
            assert_eq!(negotiate_format(Some(&accept)), Format::Text, "q={q}");
            assert!(!accepts_gzip(Some(&format!("gzip;q={q}"))), "q={q}");
        }
    }

    #[test]
    fn gzip() {
        assert!(accepts_gzip(Some("gzip")));
        assert!(accepts_gzip(Some("deflate, gzip;q=0.5")));
        assert!(accepts_gzip(Some("*")));
        assert!(!accepts_gzip(Some("gzip;q=0")));
        assert!(!accepts_gzip(Some("identity")));
        assert!(!accepts_gzip(Some("*;q=0")));
        assert!(!accepts_gzip(None));
        assert!(accepts_gzip(Some("br, gzip, deflate")));
    }
}
