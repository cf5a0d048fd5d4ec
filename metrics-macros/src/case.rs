//! Identifier casing: serde's `rename_all` rules, plus splitting of
//! `PascalCase` words that keeps acronyms together (`HTTPMethod` is
//! `http_method`).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Case {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

pub(crate) const CASES: &[(&str, Case)] = &[
    ("lowercase", Case::Lower),
    ("UPPERCASE", Case::Upper),
    ("PascalCase", Case::Pascal),
    ("camelCase", Case::Camel),
    ("snake_case", Case::Snake),
    ("SCREAMING_SNAKE_CASE", Case::ScreamingSnake),
    ("kebab-case", Case::Kebab),
    ("SCREAMING-KEBAB-CASE", Case::ScreamingKebab),
];

impl Case {
    pub(crate) fn from_name(name: &str) -> Option<Case> {
        CASES.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
    }

    pub(crate) fn apply(self, ident: &str) -> String {
        let words = words(ident);
        let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        let capitalized = || -> Vec<String> {
            lower
                .iter()
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_uppercase().chain(c).collect())
                        .unwrap_or_default()
                })
                .collect()
        };
        match self {
            Case::Lower => lower.concat(),
            Case::Upper => lower.concat().to_uppercase(),
            Case::Pascal => capitalized().concat(),
            Case::Camel => {
                let mut out = lower.first().cloned().unwrap_or_default();
                out.extend(capitalized().into_iter().skip(1));
                out
            }
            Case::Snake => lower.join("_"),
            Case::ScreamingSnake => lower.join("_").to_uppercase(),
            Case::Kebab => lower.join("-"),
            Case::ScreamingKebab => lower.join("-").to_uppercase(),
        }
    }
}

/// Splits an identifier into words at `_` and case changes.
fn words(ident: &str) -> Vec<String> {
    let chars: Vec<char> = ident.trim_start_matches("r#").chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && match prev {
                Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                // The last capital of an acronym starts the next word.
                Some(p) if p.is_uppercase() => next.is_some_and(char::is_lowercase),
                _ => false,
            };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casings() {
        assert_eq!(Case::Snake.apply("NotFound"), "not_found");
        assert_eq!(Case::Snake.apply("HTTPMethod"), "http_method");
        assert_eq!(Case::Snake.apply("Http2Error"), "http2_error");
        assert_eq!(Case::Lower.apply("NotFound"), "notfound");
        assert_eq!(Case::Upper.apply("NotFound"), "NOTFOUND");
        assert_eq!(Case::Pascal.apply("not_found"), "NotFound");
        assert_eq!(Case::Camel.apply("NotFound"), "notFound");
        assert_eq!(Case::ScreamingSnake.apply("NotFound"), "NOT_FOUND");
        assert_eq!(Case::Kebab.apply("NotFound"), "not-found");
        assert_eq!(Case::ScreamingKebab.apply("NotFound"), "NOT-FOUND");
        assert_eq!(Case::from_name("snake_case"), Some(Case::Snake));
        assert_eq!(Case::from_name("snake"), None);
    }
}
