//! Metric handles by label values, each found in the recorder once.
//!
//! Why: `metrics::counter!(name, &labels)` builds a key (the label values
//! copied into owned strings) and looks it up in the recorder's registry every
//! time. On a USSD hop that cost more instructions than the journey event
//! itself (callgrind, BENCHMARKS.md). Here the values are hashed as borrowed
//! strings and the handle is made once; a handle updates the same series as
//! the macro would. Label values must come from a bounded set (routes,
//! statuses, services, screens), as for any metric.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Mutex, PoisonError};

/// The handles whose label values hash alike, with those values.
type Bucket<H> = Vec<(Vec<String>, H)>;

/// Handles of one metric, by the values of its labels (in a fixed order).
pub struct Handles<H> {
    /// By [`fnv1a`] of the values; the key is a hash already, not hashed again.
    by_hash: Mutex<HashMap<u64, Bucket<H>, BuildHasherDefault<Prehashed>>>,
}

impl<H> Default for Handles<H> {
    fn default() -> Self {
        Handles {
            by_hash: Mutex::new(HashMap::default()),
        }
    }
}

/// FNV-1a over the values, each followed by 0xff (no UTF-8 byte), so that
/// `["ab", ""]` and `["a", "b"]` differ. Not keyed, unlike the standard
/// SipHash it replaces (a quarter of the cost of a lookup, several lookups
/// per hop): label values come from a set the gateway itself names (routes,
/// statuses, services, screens, actions), never from a caller, and values
/// that collide still compare unequal in their bucket.
fn fnv1a(values: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in values.iter().flat_map(|v| v.bytes().chain([0xff])) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A hasher for keys that are hashes already: the key itself.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed here; fold anything else in anyway.
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

impl<H: Clone> Handles<H> {
    /// The handle for `values`, made by `make` the first time they are seen.
    pub fn get(&self, values: &[&str], make: impl FnOnce() -> H) -> H {
        let key = fnv1a(values);
        // Entries are only ever added whole: a panic cannot leave one half-made.
        let mut by_hash = self.by_hash.lock().unwrap_or_else(PoisonError::into_inner);
        let same = by_hash.entry(key).or_default();
        let found = same
            .iter()
            .find(|(v, _)| v.iter().map(String::as_str).eq(values.iter().copied()));
        if let Some((_, handle)) = found {
            return handle.clone();
        }
        let handle = make();
        let owned = values.iter().map(|v| (*v).to_owned()).collect();
        same.push((owned, handle.clone()));
        handle
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_handle_is_made_once_per_distinct_set_of_values() {
        let handles = Handles::default();
        let made = Cell::new(0);
        let make = || {
            made.set(made.get() + 1);
            made.get()
        };
        assert_eq!(handles.get(&["a", "b"], make), 1);
        assert_eq!(handles.get(&["a", "b"], make), 1);
        // Same characters, split differently: another series.
        assert_eq!(handles.get(&["ab", ""], make), 2);
        assert_eq!(handles.get(&["b", "a"], make), 3);
        assert_eq!(handles.get(&["a", "b"], make), 1);
        assert_eq!(made.get(), 3);
    }
}
