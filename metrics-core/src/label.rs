//! Typed labels: enums whose values are known up front, and label sets that
//! combine them, with open-ended values where needed.
//!
//! A label set whose every label is a [`LabelValue`] enum is **dense**: its
//! combinations are numbered by a mixed-radix index (the first label is the
//! most significant digit), so a [`Family`](crate::Family) keyed by it is a
//! preallocated array and a lookup is arithmetic. A set with any open-ended
//! label (`String`, `&'static str`, `Cow<'static, str>`, integers, `bool`)
//! is **sparse**: its series live in a capped concurrent map.

use std::borrow::Cow;
use std::sync::Arc;

/// A label whose values are the variants of a fieldless enum.
///
/// Usually derived (`#[derive(LabelValue)]`); a hand-written implementation
/// must keep `index()` below `CARDINALITY` and `VALUES[i].index() == i`.
///
/// ```
/// use metrics_core::LabelValue;
/// #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
/// enum Method { Get, Post }
/// impl LabelValue for Method {
///     const NAME: &'static str = "method";
///     const VALUES: &'static [Self] = &[Method::Get, Method::Post];
///     const STRINGS: &'static [&'static str] = &["GET", "POST"];
///     fn index(self) -> usize { self as usize }
/// }
/// assert_eq!(Method::Post.as_str(), "POST");
/// assert_eq!(Method::CARDINALITY, 2);
/// ```
pub trait LabelValue: Copy + Eq + Send + Sync + 'static {
    /// The label's name when the enum is used on its own.
    const NAME: &'static str;
    /// Every value, in index order.
    const VALUES: &'static [Self];
    /// Every value's exposed string, in index order.
    const STRINGS: &'static [&'static str];
    /// The number of values.
    const CARDINALITY: usize = Self::STRINGS.len();

    /// The value's position in [`VALUES`](Self::VALUES).
    fn index(self) -> usize;

    /// The value as exposed.
    fn as_str(self) -> &'static str {
        Self::STRINGS.get(self.index()).copied().unwrap_or("")
    }
}

/// A set of labels that keys a [`Family`](crate::Family).
///
/// Implemented for every [`LabelValue`] (one label), for tuples of up to six
/// of them, and by `#[derive(LabelSet)]` for structs with named fields.
pub trait LabelSet: Send + Sync + 'static {
    /// The label names, in order.
    const NAMES: &'static [&'static str];
    /// For each label, its closed set of values (`None` when open-ended).
    /// The set is dense when every entry is `Some`.
    const DOMAINS: &'static [Option<&'static [&'static str]>];

    /// The mixed-radix index of this combination, when the set is dense.
    fn dense_index(&self) -> Option<usize>;

    /// Calls `visit` with each label's value, in [`NAMES`](Self::NAMES) order.
    fn visit_values(&self, visit: &mut dyn FnMut(&str));
}

/// A [`LabelSet`] whose every label is an enum: families keyed by it can be
/// indexed (`family[labels]`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has an open-ended label, so its family cannot be indexed",
    label = "indexing needs every label to be a `LabelValue` enum",
    note = "use `family.get_or_create(&labels)` (and keep the handle) for label sets with open-ended values"
)]
pub trait DenseLabelSet: LabelSet {}

/// The number of combinations of a dense set, or `None` when the set is
/// sparse (or has no labels).
pub(crate) fn dense_cardinality<L: LabelSet>() -> Option<usize> {
    if L::DOMAINS.is_empty() {
        return None;
    }
    L::DOMAINS.iter().try_fold(1usize, |acc, d| {
        d.and_then(|values| acc.checked_mul(values.len()))
    })
}

/// One field of a label set: an enum (closed) or an open-ended value.
/// `#[derive(LabelSet)]` combines its fields through this trait.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a label",
    label = "not a label type",
    note = "a label is a `#[derive(LabelValue)]` enum, a string (`String`, `&'static str`, \
            `Cow<'static, str>`, `Box<str>`, `Arc<str>`), an integer or `bool`"
)]
pub trait LabelField {
    /// The closed set of values, for enums.
    const DOMAIN: Option<&'static [&'static str]>;
    /// The index in [`DOMAIN`](Self::DOMAIN), for enums.
    fn field_index(&self) -> Option<usize>;
    /// Calls `visit` with the value as exposed.
    fn visit(&self, visit: &mut dyn FnMut(&str));
}

impl<T: LabelValue> LabelField for T {
    const DOMAIN: Option<&'static [&'static str]> = Some(T::STRINGS);
    fn field_index(&self) -> Option<usize> {
        Some(self.index())
    }
    fn visit(&self, visit: &mut dyn FnMut(&str)) {
        visit(self.as_str())
    }
}

macro_rules! open_str_field {
    ($($t:ty),*) => {$(
        impl LabelField for $t {
            const DOMAIN: Option<&'static [&'static str]> = None;
            fn field_index(&self) -> Option<usize> { None }
            fn visit(&self, visit: &mut dyn FnMut(&str)) { visit(self) }
        }
    )*};
}
open_str_field!(String, &'static str, Cow<'static, str>, Box<str>, Arc<str>);

macro_rules! open_display_field {
    ($($t:ty),*) => {$(
        impl LabelField for $t {
            const DOMAIN: Option<&'static [&'static str]> = None;
            fn field_index(&self) -> Option<usize> { None }
            fn visit(&self, visit: &mut dyn FnMut(&str)) {
                use std::io::Write as _;
                // Big enough for any of these types; writing cannot fail.
                let mut buf = [0u8; 24];
                let mut cursor = std::io::Cursor::new(&mut buf[..]);
                let _ = write!(cursor, "{}", self);
                let len = cursor.position() as usize;
                visit(std::str::from_utf8(&buf[..len]).unwrap_or(""))
            }
        }
    )*};
}
open_display_field!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, bool);

impl<T: LabelValue> LabelSet for T {
    const NAMES: &'static [&'static str] = &[T::NAME];
    const DOMAINS: &'static [Option<&'static [&'static str]>] = &[Some(T::STRINGS)];

    #[inline]
    fn dense_index(&self) -> Option<usize> {
        Some(self.index())
    }

    fn visit_values(&self, visit: &mut dyn FnMut(&str)) {
        visit(self.as_str())
    }
}

impl<T: LabelValue> DenseLabelSet for T {}

macro_rules! tuple_label_set {
    ($($t:ident $v:ident),+) => {
        impl<$($t: LabelValue),+> LabelSet for ($($t,)+) {
            const NAMES: &'static [&'static str] = &[$($t::NAME),+];
            const DOMAINS: &'static [Option<&'static [&'static str]>] = &[$(Some($t::STRINGS)),+];

            #[inline]
            fn dense_index(&self) -> Option<usize> {
                let ($($v,)+) = *self;
                let mut index = 0;
                $( index = index * $t::CARDINALITY + $v.index(); )+
                Some(index)
            }

            fn visit_values(&self, visit: &mut dyn FnMut(&str)) {
                let ($($v,)+) = *self;
                $( visit($v.as_str()); )+
            }
        }

        impl<$($t: LabelValue),+> DenseLabelSet for ($($t,)+) {}
    };
}
tuple_label_set!(A a);
tuple_label_set!(A a, B b);
tuple_label_set!(A a, B b, C c);
tuple_label_set!(A a, B b, C c, D d);
tuple_label_set!(A a, B b, C c, D d, E e);
tuple_label_set!(A a, B b, C c, D d, E e, F f);

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub(crate) enum Method {
        Get,
        Post,
    }
    impl LabelValue for Method {
        const NAME: &'static str = "method";
        const VALUES: &'static [Self] = &[Method::Get, Method::Post];
        const STRINGS: &'static [&'static str] = &["get", "post"];
        fn index(self) -> usize {
            self as usize
        }
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub(crate) enum Code {
        Ok,
        NotFound,
        Error,
    }
    impl LabelValue for Code {
        const NAME: &'static str = "code";
        const VALUES: &'static [Self] = &[Code::Ok, Code::NotFound, Code::Error];
        const STRINGS: &'static [&'static str] = &["200", "404", "500"];
        fn index(self) -> usize {
            self as usize
        }
    }

    fn values<L: LabelSet>(l: &L) -> Vec<String> {
        let mut out = Vec::new();
        l.visit_values(&mut |v| out.push(v.to_owned()));
        out
    }

    #[test]
    fn tuples_index_mixed_radix() {
        assert_eq!(<(Method, Code)>::NAMES, &["method", "code"]);
        assert_eq!(dense_cardinality::<(Method, Code)>(), Some(6));
        let mut seen = Vec::new();
        for m in Method::VALUES {
            for c in Code::VALUES {
                seen.push((*m, *c).dense_index().unwrap());
            }
        }
        assert_eq!(seen, vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(values(&(Method::Post, Code::NotFound)), vec!["post", "404"]);
        assert_eq!(Method::Post.dense_index(), Some(1));
    }

    #[test]
    fn open_fields_render() {
        let mut s = String::new();
        LabelField::visit(&u64::MAX, &mut |v| s.push_str(v));
        LabelField::visit(&i64::MIN, &mut |v| s.push_str(v));
        LabelField::visit(&true, &mut |v| s.push_str(v));
        LabelField::visit(&Cow::Borrowed("x"), &mut |v| s.push_str(v));
        assert_eq!(s, format!("{}{}truex", u64::MAX, i64::MIN));
        assert_eq!(<String as LabelField>::DOMAIN, None);
        assert_eq!(<Method as LabelField>::DOMAIN, Some(&["get", "post"][..]));
    }
}
