//! Content negotiation: which exposition format an `Accept` header asks
//! for, and whether `Accept-Encoding` allows gzip (RFC 9110 §12.5).

use metrics_core::Format;

/// One `type/subtype;param=value;q=0.5` element of an `Accept` header.
struct MediaRange<'a> {
    media_type: &'a str,
    quality: f32,
}

fn parse_quality(params: &str) -> f32 {
    params
        .split(';')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
        .and_then(|(_, v)| v.trim().parse::<f32>().ok())
        .filter(|q| (0.0..=1.0).contains(q))
        .unwrap_or(1.0)
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
            quality: parse_quality(params),
        })
    })
}

/// The format for an `Accept` header: OpenMetrics when it is acceptable
/// with a higher quality than text 0.0.4, text otherwise (also when the
/// header is missing or unparsable). Prometheus 2.x sends
/// `application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1`.
pub fn negotiate_format(accept: Option<&str>) -> Format {
    let Some(accept) = accept else {
        return Format::Text;
    };
    let mut openmetrics = 0.0f32;
    let mut text = 0.0f32;
    let mut any = 0.0f32;
    for range in media_ranges(accept) {
        let t = range.media_type.to_ascii_lowercase();
        match t.as_str() {
            "application/openmetrics-text" => openmetrics = openmetrics.max(range.quality),
            "text/plain" | "text/*" => text = text.max(range.quality),
            "*/*" => any = any.max(range.quality),
            _ => {}
        }
    }
    let text = text.max(any);
    if openmetrics > 0.0 && openmetrics > text {
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
