//! Escaping for label values and `# HELP` text, and rendering label
//! blocks (`a="x",b="y"`) once so scrapes copy them.

use crate::name::is_legacy_label_name;

/// Appends `value` to `out`, escaping it for a label value.
pub fn escape_label_value(value: &str, out: &mut String) {
    escape_into(value, out, true);
}

/// Renders `name="value"` pairs, comma-separated, into a label block
/// suitable for [`FamilyWriter`](super::FamilyWriter) methods. Names are not checked here;
/// the registry validates the names a family declares. A name outside the
/// legacy character set (in a family with UTF-8 names) is written quoted,
/// `"service.name"="x"`, the form the writer escapes for each scraper.
pub fn render_label_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_label_pair(&mut out, name, value);
    }
    out
}

/// Appends one `name="escaped value"` pair to `out` (`"name"="escaped
/// value"` for a name outside the legacy character set).
pub(crate) fn push_label_pair(out: &mut String, name: &str, value: &str) {
    if is_legacy_label_name(name) {
        out.push_str(name);
    } else {
        push_quoted(out, name);
    }
    out.push_str("=\"");
    escape_label_value(value, out);
    out.push('"');
}

/// Appends `"name"`, escaped as a quoted name is (`\\`, `\"`, `\n`).
pub(super) fn push_quoted(out: &mut impl Sink, name: &str) {
    out.put("\"");
    escape_into(name, out, true);
    out.put("\"");
}

/// Where escaped text goes: the `String`s label blocks are rendered into,
/// or the exposition buffer itself.
pub(super) trait Sink {
    fn put(&mut self, s: &str);
}

impl Sink for String {
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, s: &str) {
        self.extend_from_slice(s.as_bytes());
    }
}

/// Appends `s` escaped: `\` and line feed always, `"` when `quote`. The
/// characters escaped are ASCII, so the runs between them are copied whole.
pub(super) fn escape_into(s: &str, out: &mut impl Sink, quote: bool) {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let replacement = match b {
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'"' if quote => "\\\"",
            _ => continue,
        };
        out.put(&s[start..i]);
        out.put(replacement);
        start = i + 1;
    }
    out.put(&s[start..]);
}
