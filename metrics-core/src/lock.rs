//! The read-write lock of the sparse families, the registry and `Info`:
//! std's, without poisoning.
//!
//! std's `RwLock` is futex-based on Linux (one atomic operation to take it
//! uncontended, as parking_lot's); the runtime benchmark measures the two
//! within noise of each other on the lookup paths, and std's costs no
//! dependency to build. Poisoning is ignored: the data behind these locks
//! is consistent after every completed operation on it, and a panic in a
//! user's `Hash` or `Eq` while a shard is locked must not make every later
//! increment of that family panic.

use std::sync::{PoisonError, RwLockReadGuard, RwLockWriteGuard};

#[derive(Debug, Default)]
pub(crate) struct RwLock<T>(std::sync::RwLock<T>);

impl<T> RwLock<T> {
    pub(crate) const fn new(value: T) -> Self {
        RwLock(std::sync::RwLock::new(value))
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, T> {
        self.0.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, T> {
        self.0.write().unwrap_or_else(PoisonError::into_inner)
    }
}
