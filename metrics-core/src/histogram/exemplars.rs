//! The latest exemplar of each bucket of one histogram series.

use std::sync::{Mutex, OnceLock, TryLockError};

use crate::encoding::Exemplar;

/// The latest exemplar of each bucket of one series. The slots are made
/// on the first exemplar, so series that never get one pay three words.
///
/// Storing takes a slot's lock with `try_lock` and gives up if another
/// thread holds it (another exemplar being stored, or a scrape reading
/// it): an exemplar is a sample, and the caller is never made to wait.
#[derive(Default)]
pub(crate) struct ExemplarSlots {
    slots: OnceLock<Box<[Mutex<Option<Exemplar>>]>>,
}

impl ExemplarSlots {
    /// Keeps `exemplar` as slot `index`'s latest (of `len` slots).
    pub(crate) fn store(&self, index: usize, len: usize, exemplar: Exemplar) {
        let slots = self
            .slots
            .get_or_init(|| (0..len).map(|_| Mutex::new(None)).collect());
        let Some(slot) = slots.get(index) else { return };
        match slot.try_lock() {
            Ok(mut kept) => *kept = Some(exemplar),
            Err(TryLockError::Poisoned(p)) => *p.into_inner() = Some(exemplar),
            Err(TryLockError::WouldBlock) => {}
        }
    }

    /// A copy of every slot's exemplar, by index (empty if none was ever
    /// stored).
    pub(crate) fn read(&self) -> Vec<Option<Exemplar>> {
        let Some(slots) = self.slots.get() else {
            return Vec::new();
        };
        slots
            .iter()
            .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_keep_the_latest() {
        let slots = ExemplarSlots::default();
        assert!(slots.read().is_empty());
        slots.store(1, 3, Exemplar::new(&[("t", "a")], 1.0).unwrap());
        slots.store(1, 3, Exemplar::new(&[("t", "b")], 2.0).unwrap());
        let read = slots.read();
        assert_eq!(read.len(), 3);
        assert_eq!(read[1].as_ref().unwrap().labels(), r#"t="b""#);
        assert!(read[0].is_none());
    }
}
