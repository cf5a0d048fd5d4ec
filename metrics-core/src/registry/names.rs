//! Families with UTF-8 names: what the registry decides about them once, at
//! registration (which names need escaping, which escaped names they
//! claim), and what it hands the writer for each scrape.

use std::borrow::Cow;

use crate::encoding::{
    finish_family, write_header, EncodeMetric, FamilyName, FamilyWriter, Format, MetricType,
    Renaming,
};
use crate::format::Exposition;
use crate::metadata::Metadata;
use crate::name::{is_legacy_label_name, is_legacy_metric_name, Escaping};

/// The schemes that change names; `allow-utf-8` leaves them as they are.
const ESCAPING: [Escaping; 3] = [Escaping::Underscores, Escaping::Dots, Escaping::Values];

/// Which of a family's names are outside the legacy character set. All
/// `false` for a family that did not opt in to UTF-8 names (its names were
/// checked against the legacy rules), so those take the writer's ordinary
/// path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct NameFlags {
    /// The metric name.
    pub(super) metric: bool,
    /// Any label name.
    pub(super) labels: bool,
}

impl NameFlags {
    pub(super) fn of(name: &str, labels: &[Cow<'static, str>]) -> Self {
        NameFlags {
            metric: !is_legacy_metric_name(name),
            labels: labels.iter().any(|l| !is_legacy_label_name(l)),
        }
    }

    pub(super) fn any(self) -> bool {
        self.metric || self.labels
    }
}

/// The family names a non-legacy name exposes once escaped, under each
/// scheme that escapes (in one list: the registry claims them all, so two
/// families that one scheme would expose alike are refused, as two with one
/// name are). Empty for a legacy name, which every scheme leaves alone.
pub(super) fn escaped_names(name: &str) -> Vec<String> {
    if is_legacy_metric_name(name) {
        return Vec::new();
    }
    let mut names: Vec<String> = Vec::with_capacity(ESCAPING.len());
    for scheme in ESCAPING {
        let mut escaped = String::new();
        // Writing into a `String` cannot fail.
        let _ = scheme.escape_metric_name(name, &mut escaped);
        if !names.contains(&escaped) {
            names.push(escaped);
        }
    }
    names
}

/// A label name that two of `labels` (or one of them and a constant
/// label) would share once escaped under some scheme, if any.
pub(super) fn escaped_label_clash(
    labels: &[Cow<'static, str>],
    constant: &[String],
) -> Option<String> {
    if labels.iter().all(|l| is_legacy_label_name(l)) {
        return None;
    }
    for scheme in ESCAPING {
        let mut seen: Vec<Cow<'_, str>> =
            constant.iter().map(|c| Cow::Borrowed(c.as_str())).collect();
        for label in labels {
            let escaped = if is_legacy_label_name(label) {
                Cow::Borrowed(&**label)
            } else {
                let mut escaped = String::new();
                let _ = scheme.escape_label_name(label, &mut escaped);
                Cow::Owned(escaped)
            };
            if seen.contains(&escaped) {
                return Some(escaped.into_owned());
            }
            seen.push(escaped);
        }
    }
    None
}

/// How one family's names are written in one scrape: the name for its
/// header and samples, and for a family with UTF-8 names what the writer
/// must do about them (`None`: nothing, the ordinary path).
pub(super) struct Written<'n> {
    pub(super) name: Cow<'n, str>,
    pub(super) quoted: bool,
    pub(super) renaming: Option<(bool, bool)>,
}

impl<'n> Written<'n> {
    pub(super) fn new(name: &'n str, flags: NameFlags, format: Format, escaping: Escaping) -> Self {
        if !flags.any() {
            return Written {
                name: Cow::Borrowed(name),
                quoted: false,
                renaming: None,
            };
        }
        let utf8 = escaping == Escaping::AllowUtf8;
        let name = if flags.metric && !utf8 {
            let mut escaped = String::new();
            let _ = escaping.escape_metric_name(name, &mut escaped);
            Cow::Owned(escaped)
        } else {
            Cow::Borrowed(name)
        };
        let quoted = flags.metric && utf8 && format != Format::Protobuf;
        // Blocks already quote their non-legacy names, as `allow-utf-8`
        // text wants; protobuf reads every name back.
        let labels = flags.labels && (!utf8 || format == Format::Protobuf);
        Written {
            name,
            quoted,
            renaming: (quoted || labels).then_some((quoted, labels)),
        }
    }

    pub(super) fn family_name(&self) -> FamilyName<'_> {
        FamilyName {
            name: &self.name,
            quoted: self.quoted,
        }
    }

    /// The scratch space set for this family, when it needs one.
    pub(super) fn renaming<'r>(
        &self,
        scratch: &'r mut Renaming,
        escaping: Escaping,
    ) -> Option<&'r mut Renaming> {
        let (quoted, labels) = self.renaming?;
        scratch.reset(escaping, quoted, labels);
        Some(scratch)
    }
}

/// Encodes one family with UTF-8 names, its names written as the
/// exposition's scheme says; returns the series written. Out of the
/// registry's loop, which keeps its ordinary path for legacy families.
#[inline(never)]
pub(super) fn encode_renamed(
    buf: &mut Vec<u8>,
    exposition: Exposition,
    (metadata, metric, flags): (&Metadata, &dyn EncodeMetric, NameFlags),
    const_labels: &str,
    (scratch, renaming): (&mut Vec<u8>, &mut Renaming),
) -> usize {
    let (format, escaping) = (exposition.format(), exposition.escaping());
    let kind = metric.metric_type();
    let written = Written::new(metadata.name(), flags, format, escaping);
    let start = write_header(buf, format, metadata, written.family_name(), kind);
    let mut writer = FamilyWriter::new(buf, format, kind, &written.name, const_labels, scratch);
    if let Some(renaming) = written.renaming(renaming, escaping) {
        writer = writer.renaming(renaming);
    }
    metric.encode(&mut writer);
    let series = writer.series();
    finish_family(buf, format, start, series);
    series
}

/// Every sample name a family exposes under each escaping scheme, beyond
/// its own: for the registry's clash check.
pub(super) fn escaped_family_names(name: &str, kind: MetricType) -> Vec<String> {
    escaped_names(name)
        .iter()
        .flat_map(|escaped| super::family_names(escaped, kind))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_families_need_nothing() {
        let flags = NameFlags::of("requests", &["method".into()]);
        assert!(!flags.any());
        assert!(escaped_names("requests").is_empty());
        for escaping in Escaping::ALL {
            let w = Written::new("requests", flags, Format::Text, escaping);
            assert!(matches!(w.name, Cow::Borrowed("requests")));
            assert!(!w.quoted && w.renaming.is_none());
        }
    }

    #[test]
    fn utf8_families_by_scheme() {
        let flags = NameFlags::of("a.b", &["c.d".into()]);
        assert_eq!(
            escaped_names("a.b"),
            ["a_b", "a_dot_b", "U__a_2e_b"].map(String::from)
        );
        let w = Written::new("a.b", flags, Format::Text, Escaping::AllowUtf8);
        assert_eq!(
            (&*w.name, w.quoted, w.renaming),
            ("a.b", true, Some((true, false)))
        );
        let w = Written::new("a.b", flags, Format::Protobuf, Escaping::AllowUtf8);
        assert_eq!(
            (&*w.name, w.quoted, w.renaming),
            ("a.b", false, Some((false, true)))
        );
        let w = Written::new("a.b", flags, Format::OpenMetrics, Escaping::Dots);
        assert_eq!(
            (&*w.name, w.quoted, w.renaming),
            ("a_dot_b", false, Some((false, true)))
        );
        // Only the labels are UTF-8: the name stays, unquoted.
        let labels_only = NameFlags::of("ab", &["c.d".into()]);
        let w = Written::new("ab", labels_only, Format::Text, Escaping::AllowUtf8);
        assert_eq!((&*w.name, w.quoted, w.renaming), ("ab", false, None));
    }

    #[test]
    fn label_names_that_meet_once_escaped() {
        let labels: Vec<Cow<'static, str>> = vec!["a.b".into(), "a_b".into()];
        assert_eq!(escaped_label_clash(&labels, &[]), Some("a_b".into()));
        let labels: Vec<Cow<'static, str>> = vec!["svc.name".into()];
        assert_eq!(
            escaped_label_clash(&labels, &["svc_name".into()]),
            Some("svc_name".into())
        );
        let labels: Vec<Cow<'static, str>> = vec!["a.b".into(), "a:b".into()];
        // `dots` and `values` tell them apart, `underscores` does not.
        assert_eq!(escaped_label_clash(&labels, &[]), Some("a_b".into()));
        let fine: Vec<Cow<'static, str>> = vec!["a.b".into(), "c".into()];
        assert_eq!(escaped_label_clash(&fine, &[]), None);
    }
}
