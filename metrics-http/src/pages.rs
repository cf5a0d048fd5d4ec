//! The endpoint's HTML: a landing page on `/` that names the service and
//! links its paths (as Prometheus exporters do), and the opt-in live view,
//! one self-contained page that polls the metrics path and charts it.
//!
//! Both are rendered once, when the endpoint is built: they depend only on
//! the settings, so serving one is a copy.

use bytes::Bytes;

/// The live view's page (inline CSS and JavaScript, no external assets),
/// with `{{title}}` and the `{{..._path}}` placeholders filled in at build
/// time.
const LIVE_TEMPLATE: &str = include_str!("live.html");

/// What the pages show.
pub(crate) struct PageSettings<'a> {
    pub(crate) name: &'a str,
    /// `None` hides it (when the health path, which reports it too, is
    /// protected by the token).
    pub(crate) version: Option<&'a str>,
    pub(crate) metrics_path: &'a str,
    pub(crate) health_path: &'a str,
    pub(crate) ready_path: &'a str,
    pub(crate) live_path: Option<&'a str>,
}

impl PageSettings<'_> {
    fn title(&self) -> String {
        match self.version {
            Some(version) => format!("{} {version}", self.name),
            None => self.name.to_owned(),
        }
    }
}

/// Escapes text for HTML element content and quoted attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The landing page.
pub(crate) fn landing(settings: &PageSettings<'_>) -> Bytes {
    let title = escape(&settings.title());
    let mut links = vec![
        (
            settings.metrics_path,
            "the metrics, as Prometheus scrapes them",
        ),
        (settings.health_path, "liveness"),
        (settings.ready_path, "readiness, with the failing checks"),
    ];
    if let Some(live) = settings.live_path {
        links.push((live, "a live view of the metrics, charted in the browser"));
    }
    let mut items = String::new();
    for (path, what) in links {
        let path = escape(path);
        items.push_str(&format!(
            "<li><a href=\"{path}\"><code>{path}</code></a>: {what}</li>\n"
        ));
    }
    Bytes::from(format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n\
         <style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;\
         padding:0 1rem;color:#1d2430}}h1{{font-size:1.4rem}}li{{margin:.4rem 0}}\
         code{{background:#eef1f5;padding:.1rem .3rem;border-radius:3px}}</style>\n\
         </head>\n<body>\n<h1>{title}</h1>\n<p>A Prometheus target.</p>\n<ul>\n{items}</ul>\n\
         </body>\n</html>\n"
    ))
}

/// The live view, or `None` when it is off.
pub(crate) fn live(settings: &PageSettings<'_>) -> Option<Bytes> {
    settings.live_path?;
    Some(Bytes::from(
        LIVE_TEMPLATE
            .replace("{{title}}", &escape(&settings.title()))
            .replace("{{metrics_path}}", &escape(settings.metrics_path))
            .replace("{{health_path}}", &escape(settings.health_path))
            .replace("{{ready_path}}", &escape(settings.ready_path)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(live: Option<&'static str>) -> PageSettings<'static> {
        PageSettings {
            name: "svc <b>\"x\"</b>",
            version: Some("1.0"),
            metrics_path: "/metrics",
            health_path: "/health",
            ready_path: "/ready",
            live_path: live,
        }
    }

    #[test]
    fn landing_names_the_service_and_links_every_path() {
        let page = String::from_utf8(landing(&settings(Some("/live"))).to_vec()).unwrap();
        assert!(page.contains("<title>svc &lt;b&gt;&quot;x&quot;&lt;/b&gt; 1.0</title>"));
        for path in ["/metrics", "/health", "/ready", "/live"] {
            assert!(page.contains(&format!("<a href=\"{path}\">")), "{path}");
        }
        let page = String::from_utf8(landing(&settings(None)).to_vec()).unwrap();
        assert!(!page.contains("/live"));
        let hidden = PageSettings {
            version: None,
            ..settings(None)
        };
        let page = String::from_utf8(landing(&hidden).to_vec()).unwrap();
        assert!(page.contains("<h1>svc &lt;b&gt;&quot;x&quot;&lt;/b&gt;</h1>"));
    }

    #[test]
    fn live_view_is_filled_in_and_escaped() {
        assert!(live(&settings(None)).is_none());
        let page = String::from_utf8(live(&settings(Some("/live"))).unwrap().to_vec()).unwrap();
        for placeholder in [
            "{{title}}",
            "{{metrics_path}}",
            "{{health_path}}",
            "{{ready_path}}",
        ] {
            assert!(!page.contains(placeholder), "{placeholder} is filled");
        }
        assert!(page.contains("content=\"/metrics\""));
        assert!(page.contains("svc &lt;b&gt;"));
        assert!(!page.contains("<b>\"x\"</b>"));
        // Self-contained: nothing fetched from elsewhere.
        for external in ["http://", "https://", "src=\"//"] {
            assert!(!page.contains(external), "{external}");
        }
    }
}
