//! Families whose names are not all legacy-valid (opted in to UTF-8
//! names): how their names reach each scraper.
//!
//! The registry decides at registration which families these are, so the
//! writer's ordinary path, for legacy names, is untouched; only these
//! families' lines come through here. Their label blocks are rendered as
//! for any family, with each non-legacy label name quoted
//! (`"service.name"="x"`), which is already what `allow-utf-8` text wants;
//! under another scheme each such name is read back and escaped, and
//! protobuf, which has no quoting, reads every name back.
//!
//! The metric name: escaped once per family by the registry, or under
//! `allow-utf-8` in the text formats written quoted as the first item in
//! the braces, `{"http.server.duration_bucket",le="0.1"}`, the suffix
//! inside the quotes. An escaped name is the escaped family name followed
//! by the suffix (`http_dot_server_total` under `dots`), so a scraper finds
//! every sample of a family under the family's name, as with legacy names.

use super::escape::{escape_into, push_quoted, Sink};
use super::protobuf;
use super::Labels;
use crate::name::{is_legacy_label_name, Escaping};

/// How the writer treats one family with UTF-8 names, and its scratch
/// space (kept by the registry from family to family).
#[derive(Debug, Default)]
pub(crate) struct Renaming {
    pub(crate) escaping: Escaping,
    /// Text under `allow-utf-8` with a non-legacy metric name: the name
    /// goes quoted inside the braces.
    pub(crate) quoted_name: bool,
    /// The label blocks hold non-legacy names to rewrite (escape, or in
    /// protobuf read back unquoted).
    pub(crate) labels: bool,
    block: String,
    name: String,
    escaped: String,
    value: String,
}

impl Renaming {
    #[cfg(test)]
    fn new(escaping: Escaping, quoted_name: bool, labels: bool) -> Self {
        Renaming {
            escaping,
            quoted_name,
            labels,
            ..Renaming::default()
        }
    }

    /// Sets the family this scratch space serves next.
    pub(crate) fn reset(&mut self, escaping: Escaping, quoted_name: bool, labels: bool) {
        self.escaping = escaping;
        self.quoted_name = quoted_name;
        self.labels = labels;
    }

    /// Writes the series part of one text sample line:
    /// `name<suffix>{<labels>}`, or `{"name<suffix>",<labels>}` for a
    /// quoted metric name; the label names rewritten when they need it.
    /// The writer adds the value (and an exemplar) as for every line.
    // Kept out of the writer's `sample`, whose legacy path stays as small
    // as it was.
    #[inline(never)]
    pub(super) fn series_key(
        &mut self,
        buf: &mut Vec<u8>,
        name: &str,
        suffix: &str,
        constant: &str,
        labels: Labels<'_>,
        extra: Option<(&str, &str)>,
    ) {
        let mut block = std::mem::take(&mut self.block);
        block.clear();
        // Constant labels have legacy names: the registry refuses others.
        block.push_str(constant);
        let mut part = |block: &mut String, part: &str| {
            if part.is_empty() {
                return;
            }
            if !block.is_empty() {
                block.push(',');
            }
            if self.labels {
                rewrite_block(part, self.escaping, block, &mut self.name);
            } else {
                block.push_str(part);
            }
        };
        match labels {
            Labels::Block(b) => part(&mut block, b),
            Labels::Pairs(pairs) => {
                for pair in pairs {
                    part(&mut block, pair);
                }
            }
        }
        if let Some((label, value)) = extra {
            if !block.is_empty() {
                block.push(',');
            }
            block.push_str(label);
            block.push_str("=\"");
            escape_into(value, &mut block, true);
            block.push('"');
        }
        if self.quoted_name {
            buf.put("{\"");
            escape_into(name, buf, true);
            buf.put(suffix);
            buf.put("\"");
            if !block.is_empty() {
                buf.put(",");
                buf.put(&block);
            }
            buf.put("}");
        } else {
            buf.put(name);
            buf.put(suffix);
            if !block.is_empty() {
                buf.put("{");
                buf.put(&block);
                buf.put("}");
            }
        }
        self.block = block;
    }

    /// Protobuf: writes the `LabelPair`s of a label block, names read back
    /// unquoted and escaped unless the scheme is `allow-utf-8`.
    #[inline(never)]
    pub(super) fn protobuf_pairs(&mut self, buf: &mut Vec<u8>, block: &str) {
        let Renaming {
            escaping,
            name,
            escaped,
            value,
            ..
        } = self;
        let _ = for_each_pair(block, name, |label, raw_value| {
            let label = if is_legacy_label_name(label) || *escaping == Escaping::AllowUtf8 {
                label
            } else {
                escaped.clear();
                let _ = escaping.escape_label_name(label, escaped);
                escaped.as_str()
            };
            let raw_value = if raw_value.contains('\\') {
                unescape_into(raw_value, value);
                value.as_str()
            } else {
                raw_value
            };
            protobuf::label_pair(buf, label, raw_value);
        });
    }
}

/// Appends a label name as `escaping` writes it: as it is when
/// legacy-valid, else quoted (`allow-utf-8`) or escaped.
fn push_label_name(out: &mut String, name: &str, escaping: Escaping) {
    if is_legacy_label_name(name) {
        out.push_str(name);
    } else if escaping == Escaping::AllowUtf8 {
        push_quoted(out, name);
    } else {
        // Writing into a `String` cannot fail.
        let _ = escaping.escape_label_name(name, out);
    }
}

/// Appends a label block with its names as `escaping` writes them, the
/// values as they are (already escaped). What does not parse (a
/// hand-written block's mistake) is kept as it was.
pub(super) fn rewrite_block(
    block: &str,
    escaping: Escaping,
    out: &mut String,
    scratch: &mut String,
) {
    let mut first = true;
    let parsed = for_each_pair(block, scratch, |name, value| {
        if !first {
            out.push(',');
        }
        first = false;
        push_label_name(out, name, escaping);
        out.push_str("=\"");
        out.push_str(value);
        out.push('"');
    });
    if let Err(rest) = parsed {
        if !first {
            out.push(',');
        }
        out.push_str(block[rest..].trim_start_matches(','));
    }
}

/// Calls `f(name, escaped value)` for each pair of a label block
/// (`a="x","b.c"="y\"z"`), with quoted names unescaped (into `scratch` when
/// they hold escapes). `Err` holds where the block stopped parsing.
fn for_each_pair(
    block: &str,
    scratch: &mut String,
    mut f: impl FnMut(&str, &str),
) -> Result<(), usize> {
    let bytes = block.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b',' {
            at += 1;
            continue;
        }
        let start = at;
        let (name, after) = if bytes[at] == b'"' {
            let end = closing_quote(&block[at + 1..]).ok_or(start)?;
            let raw = &block[at + 1..at + 1 + end];
            let name = if raw.contains('\\') {
                unescape_into(raw, scratch);
                scratch.as_str()
            } else {
                raw
            };
            (name, at + 1 + end + 1)
        } else {
            let eq = block[at..].find('=').ok_or(start)?;
            (&block[at..at + eq], at + eq)
        };
        if block.get(after..after + 2) != Some("=\"") {
            return Err(start);
        }
        let value_start = after + 2;
        let end = closing_quote(&block[value_start..]).ok_or(start)?;
        f(name, &block[value_start..value_start + end]);
        at = value_start + end + 1;
    }
    Ok(())
}

/// The index of the closing quote of a quoted string whose opening quote
/// has been read (a `\` escapes the byte after it).
fn closing_quote(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Replaces `out` with `escaped` unescaped (`\\`, `\"`, `\n`).
fn unescape_into(escaped: &str, out: &mut String) {
    out.clear();
    let mut chars = escaped.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::render_label_pairs;

    fn rewritten(block: &str, escaping: Escaping) -> String {
        let (mut out, mut scratch) = (String::new(), String::new());
        rewrite_block(block, escaping, &mut out, &mut scratch);
        out
    }

    #[test]
    fn non_legacy_label_names_are_rendered_quoted() {
        assert_eq!(
            render_label_pairs([("a", "1"), ("service.name", "x\"y"), ("q\"uo", "")]),
            r#"a="1","service.name"="x\"y","q\"uo"="""#
        );
    }

    #[test]
    fn blocks_are_rewritten_per_scheme() {
        let block = render_label_pairs([("a", "1"), ("service.name", "x\"y"), ("a:b", "=,")]);
        assert_eq!(rewritten(&block, Escaping::AllowUtf8), block);
        assert_eq!(
            rewritten(&block, Escaping::Underscores),
            r#"a="1",service_name="x\"y",a_b="=,""#
        );
        assert_eq!(
            rewritten(&block, Escaping::Dots),
            r#"a="1",service_dot_name="x\"y",a__b="=,""#
        );
        assert_eq!(
            rewritten(&block, Escaping::Values),
            r#"a="1",U__service_2e_name="x\"y",U__a_3a_b="=,""#
        );
        // A quoted name with escapes inside is read back whole.
        let odd = render_label_pairs([("say \"hi\"\\", "v")]);
        assert_eq!(rewritten(&odd, Escaping::Underscores), r#"say__hi__="v""#);
        // A bare non-legacy name (a hand-written block) is escaped too.
        assert_eq!(rewritten(r#"a.b="v""#, Escaping::Dots), r#"a_dot_b="v""#);
    }

    #[test]
    fn malformed_blocks_are_kept_and_never_panic() {
        assert_eq!(
            rewritten(r#"a.b="v",oops"#, Escaping::Underscores),
            r#"a_b="v",oops"#
        );
        for block in [r#""a"#, r#""a"="#, r#"a="x"#, "=", ",,", r#""\"#, r#"a="\"#] {
            let _ = rewritten(block, Escaping::Values);
            let mut renaming = Renaming::new(Escaping::Values, false, true);
            renaming.protobuf_pairs(&mut Vec::new(), block);
        }
    }

    #[test]
    fn protobuf_reads_names_back() {
        let block = render_label_pairs([("service.name", "a\\b"), ("le", "1")]);
        for (escaping, name) in [
            (Escaping::AllowUtf8, "service.name"),
            (Escaping::Underscores, "service_name"),
        ] {
            let mut got = Vec::new();
            Renaming::new(escaping, false, true).protobuf_pairs(&mut got, &block);
            let mut expected = Vec::new();
            protobuf::label_pair(&mut expected, name, "a\\b");
            protobuf::label_pair(&mut expected, "le", "1");
            assert_eq!(got, expected, "{escaping}");
        }
    }

    #[test]
    fn sample_lines() {
        let mut buf = Vec::new();
        // The writer's end of every line.
        let end = |buf: &mut Vec<u8>, value: &str| {
            buf.push(b' ');
            buf.put(value);
            buf.push(b'\n');
        };
        let mut quoted = Renaming::new(Escaping::AllowUtf8, true, false);
        let block = render_label_pairs([("http.method", "GET")]);
        quoted.series_key(&mut buf, "a.b", "_total", "", (&block).into(), None);
        end(&mut buf, "1");
        quoted.series_key(&mut buf, "a.b", "", "", "".into(), None);
        end(&mut buf, "2");
        let mut escaped = Renaming::new(Escaping::Underscores, false, true);
        escaped.series_key(
            &mut buf,
            "a_b",
            "_bucket",
            "svc=\"s\"",
            (&block).into(),
            Some(("le", "+Inf")),
        );
        end(&mut buf, "3");
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "{\"a.b_total\",\"http.method\"=\"GET\"} 1\n{\"a.b\"} 2\n\
             a_b_bucket{svc=\"s\",http_method=\"GET\",le=\"+Inf\"} 3\n"
        );
    }
}
