//! `Global<T>`, a lazily built static metrics struct, and the global
//! registry that `#[register]` statics join at link time.

use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;
use std::sync::LazyLock;

use crate::registry::{Collector, Families, Registry, RegistryError};

/// A static holding a metrics struct, built on first use.
///
/// Mark it `#[register]` so that the global registry exposes it: a
/// `Global` without it is still updated, but never scraped.
///
/// ```
/// use metrics_core::{register, Counter, Format, Global, Metrics, Registry};
///
/// #[derive(Metrics)]
/// struct Api {
///     /// Requests served.
///     requests: Counter,
/// }
///
/// #[register]
/// static API: Global<Api> = Global::new();
///
/// API.requests.inc();
/// assert_eq!(API.requests.get(), 1);
/// assert!(Registry::global().encode_to_string(Format::Text).contains("requests_total 1\n"));
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

/// A `#[register]` static, as collected at link time.
#[doc(hidden)]
pub struct Registration {
    /// `module::path::STATIC`.
    pub name: &'static str,
    /// Returns the static.
    pub collector: fn() -> &'static dyn Collector,
}

/// Every `#[register]` static of the program, gathered by the linker
/// (linkme's distributed slice: no life-before-main constructors, unlike
/// `inventory`, so nothing runs until the global registry is first used).
#[doc(hidden)]
#[linkme::distributed_slice]
pub static GLOBAL_COLLECTORS: [Registration];

/// A `#[register]` static that could not be registered globally.
#[derive(Debug, Clone)]
pub struct GlobalRegistrationError {
    /// The static (`module::path::NAME`).
    pub registration: &'static str,
    /// For a name clash: the static holding the family it clashes with.
    pub conflicting: Option<&'static str>,
    /// What went wrong.
    pub error: RegistryError,
}

impl fmt::Display for GlobalRegistrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` was not registered in the global registry: {}",
            self.registration, self.error
        )?;
        if let Some(other) = self.conflicting {
            write!(f, " (registered by `{other}`)")?;
        }
        Ok(())
    }
}

impl std::error::Error for GlobalRegistrationError {}

impl Registry {
    /// The process-wide registry. Statics marked `#[register]` are in it
    /// from its first use: they are collected at link time and registered
    /// when this is first called, with no code running before `main`.
    /// Registrations that failed (clashing names) are logged then and
    /// listed by [`Registry::global_errors`].
    pub fn global() -> &'static Registry {
        &global().registry
    }

    /// The `#[register]` statics that could not be registered in the global
    /// registry, each naming the static and the error (for a clash, the
    /// static that holds the other family too). Empty when all is well;
    /// `testing::assert_global_registry_ok()` (feature `testing`) turns it
    /// into a test.
    pub fn global_errors() -> &'static [GlobalRegistrationError] {
        &global().errors
    }
}

struct GlobalState {
    registry: Registry,
    errors: Vec<GlobalRegistrationError>,
}

fn global() -> &'static GlobalState {
    static GLOBAL: LazyLock<GlobalState> = LazyLock::new(|| {
        let registry = Registry::new();
        let mut errors = Vec::new();
        // Link order is arbitrary: register by name, so which of two
        // clashing statics wins does not change from build to build.
        let mut registrations: Vec<&Registration> = GLOBAL_COLLECTORS.iter().collect();
        crate::order::sort_by_name(&mut registrations, |r| r.name);
        let mut owners: HashMap<String, &'static str> = HashMap::new();
        for registration in registrations {
            let collector = (registration.collector)();
            match registry.register(collector) {
                Ok(_) => {
                    for family in Registry::family_names_of(collector) {
                        owners.insert(family, registration.name);
                    }
                }
                Err(error) => {
                    let conflicting = match &error {
                        RegistryError::NameClash {
                            existing_family, ..
                        } => owners.get(existing_family).copied(),
                        _ => None,
                    };
                    let error = GlobalRegistrationError {
                        registration: registration.name,
                        conflicting,
                        error,
                    };
                    log::error!("{error}");
                    errors.push(error);
                }
            }
        }
        GlobalState { registry, errors }
    });
    &GLOBAL
}
