//! The label block of a series, as the writer takes it.

/// The label block of one series: the escaped text between its braces.
///
/// Either one pre-rendered block (`a="x",b="y"`) or, for dense families,
/// the pre-rendered `name="value"` pair of each label, joined with commas as
#[derive(Debug, Clone, Copy)]
pub enum Labels<'a> {
    /// A whole block, already joined (`""` for none).
    Block(&'a str),
    /// Pairs to join with commas.
    Pairs(&'a [&'a str]),
}

impl<'a> From<&'a str> for Labels<'a> {
    fn from(block: &'a str) -> Self {
        Labels::Block(block)
    }
}

impl<'a> From<&'a String> for Labels<'a> {
    fn from(block: &'a String) -> Self {
        Labels::Block(block)
    }
}

impl<'a> From<&'a Box<str>> for Labels<'a> {
    fn from(block: &'a Box<str>) -> Self {
        Labels::Block(block)
    }
}

impl Labels<'_> {
    /// `true` when there are no labels.
    pub fn is_empty(&self) -> bool {
        match self {
            Labels::Block(b) => b.is_empty(),
            Labels::Pairs(p) => p.iter().all(|p| p.is_empty()),
        }
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Labels::Block(b) => b.len(),
            Labels::Pairs(p) => p.iter().map(|p| p.len() + 1).sum(),
        }
    }

    pub(super) fn write(&self, buf: &mut Vec<u8>) {
        match self {
            Labels::Block(b) => buf.extend_from_slice(b.as_bytes()),
            Labels::Pairs(pairs) => {
                for (i, pair) in pairs.iter().enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    buf.extend_from_slice(pair.as_bytes());
                }
            }
        }
    }
}
