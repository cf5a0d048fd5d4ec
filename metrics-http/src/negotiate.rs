//! Content negotiation: which exposition format an `Accept` header asks
//! for, and whether `Accept-Encoding` allows gzip (RFC 9110 §12.5).

use metrics_core::Format;

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

/// The format for an `Accept` header: protobuf when it is named (with
/// `proto=io.prometheus.client.MetricFamily;encoding=delimited`) and no
/// other format is preferred to it, as Prometheus asks with native
/// histograms enabled; OpenMetrics when it is acceptable with a higher
/// quality than text 0.0.4; text otherwise (also when the header is
/// missing or unparsable). Prometheus 2.x sends
/// `application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1`.
pub fn negotiate_format(accept: Option<&str>) -> Format {
    let Some(accept) = accept else {
        return Format::Text;
    };
    let mut protobuf = 0.0f32;
    let mut openmetrics = 0.0f32;
    let mut text = 0.0f32;
    let mut any = 0.0f32;
    for range in media_ranges(accept) {
        let t = range.media_type.to_ascii_lowercase();
        match t.as_str() {
            // Only the delimited MetricFamily stream is what is written.
            "application/vnd.google.protobuf"
                if range.param("proto") == Some(PROTOBUF_MESSAGE)
                    && range
                        .param("encoding")
                        .is_some_and(|e| e.eq_ignore_ascii_case("delimited")) =>
            {
                protobuf = protobuf.max(range.quality);
            }
            "application/openmetrics-text" => openmetrics = openmetrics.max(range.quality),
            "text/plain" | "text/*" => text = text.max(range.quality),
            "*/*" => any = any.max(range.quality),
            _ => {}
        }
    }
    let text = text.max(any);
    // Protobuf only when named: a wildcard is answered in text.
    if protobuf > 0.0 && protobuf >= openmetrics && protobuf >= text {
        Format::Protobuf
    } else if openmetrics > 0.0 && openmetrics > text {
        Format::OpenMetrics
    } else {
        Format::Text
    }
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
