//! Dense storage: every combination of an all-enum label set, preallocated
//! and indexed by its mixed-radix number.

use crate::encoding::{push_label_pair, FamilyWriter, Labels};
use crate::label::LabelSet;
use crate::metric::Metric;

pub(super) struct Dense<M> {
    pub(super) series: Box<[M]>,
    // For each label, the rendered `name="value"` of each of its values.
    pairs: Box<[Box<[Box<str>]>]>,
    // Where a lookup lands if a hand-written `DenseLabelSet` breaks its
    // contract (index out of range); never exposed.
    stray: M,
}

impl<M: Metric> Dense<M> {
    pub(super) fn new<L: LabelSet>(n: usize, options: &M::Options) -> Self {
        let pairs = L::NAMES
            .iter()
            .zip(L::DOMAINS)
            .map(|(name, domain)| {
                domain
                    .unwrap_or(&[])
                    .iter()
                    .map(|value| {
                        let mut pair = String::new();
                        push_label_pair(&mut pair, name, value);
                        pair.into_boxed_str()
                    })
                    .collect()
            })
            .collect();
        Dense {
            series: (0..n).map(|_| M::with_options(options)).collect(),
            pairs,
            stray: M::with_options(options),
        }
    }

    #[inline]
    pub(super) fn get<L: LabelSet>(&self, labels: &L) -> &M {
        match labels.dense_index() {
            Some(i) => self.series.get(i).unwrap_or(&self.stray),
            None => &self.stray,
        }
    }

    pub(super) fn encode(&self, out: &mut FamilyWriter<'_>) {
        // An odometer over the label values: the last label turns fastest,
        // matching the mixed-radix index.
        let mut digits = vec![0usize; self.pairs.len()];
        // The current `name="value"` of each label, changed only where the
        // odometer turns; written joined, without building a block first.
        let mut current: Vec<&str> = self
            .pairs
            .iter()
            .map(|values| values.first().map_or("", |p| p))
            .collect();
        for series in self.series.iter() {
            series.encode(Labels::Pairs(&current), out);
            for ((values, digit), piece) in self
                .pairs
                .iter()
                .zip(digits.iter_mut())
                .zip(current.iter_mut())
                .rev()
            {
                *digit += 1;
                let wrapped = *digit >= values.len();
                if wrapped {
                    *digit = 0;
                }
                *piece = values.get(*digit).map_or("", |p| p);
                if !wrapped {
                    break;
                }
            }
        }
    }
}
