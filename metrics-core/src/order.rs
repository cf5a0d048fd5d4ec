//! Ordering by name, compiled once.
//!
//! The registry sorts families at every scrape, the global registry its
//! `#[register]` statics and the built-in `#[timed]` families their sites.
//! Each `sort` call on a new element type compiles its own copy of the
//! standard sort (several kilobytes of machine code, optimised in every
//! release build of every program that uses this crate); sorting indices
//! by name here compiles it once for all of them.

/// Places `items` in the order of their names (stable: equal names keep
/// their relative order).
pub(crate) fn sort_by_name<T: Copy>(items: &mut [T], name: impl Fn(&T) -> &str) {
    let names: Vec<&str> = items.iter().map(&name).collect();
    let order = stable_order(&names);
    let sorted: Vec<T> = order.iter().map(|&i| items[i]).collect();
    items.copy_from_slice(&sorted);
}

/// The indices of `names` in sorted order, equal names in their original
/// order.
fn stable_order(names: &[&str]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| names[a].cmp(names[b]));
    order
}

#[cfg(test)]
mod tests {
    use super::sort_by_name;

    #[test]
    fn sorts_by_name_and_keeps_ties_in_order() {
        let mut items = [("b", 1), ("a", 2), ("b", 0), ("c", 3), ("a", 1)];
        sort_by_name(&mut items, |i| i.0);
        assert_eq!(items, [("a", 2), ("a", 1), ("b", 1), ("b", 0), ("c", 3)]);
        let mut empty: [(&str, u8); 0] = [];
        sort_by_name(&mut empty, |i| i.0);
    }
}
