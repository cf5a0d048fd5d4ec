//! `Global<T>`: a lazily built static metrics struct.

use std::fmt;
use std::ops::Deref;
use std::sync::LazyLock;

use crate::registry::{Collector, Families};

/// A static holding a metrics struct, built on first use.
///
/// ```
/// use metrics_core::{Counter, Global};
/// static REQUESTS: Global<Counter> = Global::new();
/// REQUESTS.inc();
/// assert_eq!(REQUESTS.get(), 1);
/// ```
pub struct Global<T> {
    value: LazyLock<T>,
}

impl<T: Default> Global<T> {
    /// A global built with `T::default()` on first access.
    pub const fn new() -> Self {
        Global {
            value: LazyLock::new(T::default),
        }
    }
}

impl<T: Default> Default for Global<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Global<T> {
    /// A global built by `init` on first access.
    pub const fn with_init(init: fn() -> T) -> Self {
        Global {
            value: LazyLock::new(init),
        }
    }
}

impl<T> Deref for Global<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Global<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: Collector + Send + Sync> Collector for Global<T> {
    fn collect<'a>(&'a self, families: &mut Families<'a>) {
        (**self).collect(families)
    }
}
