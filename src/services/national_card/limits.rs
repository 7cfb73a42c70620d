//! Keyed rate limits (governor) against guessing: failed identity attempts
//! per calling MSISDN, and tries on one national ID from phones that are
//! not its registered mobile. Each lockout is counted in metrics.
//!
//! Failures are counted after the fact, but a locked caller must be refused
//! before the check: the failure that empties a caller's bucket records how
//! long until one attempt is back, and that lock is consulted first.

use super::settings::NationalCardSettings;
use governor::clock::DefaultClock;
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Failures =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// Past this many keys, keys whose bucket is full again are forgotten.
const MAX_KEYS: usize = 100_000;

/// The two limiters; a cheap Clone handle.
#[derive(Clone)]
pub struct Limits {
    failures: Arc<Failures>,
    locked: Arc<Mutex<HashMap<String, Instant>>>,
    refill: Duration,
    lookups: Arc<DefaultKeyedRateLimiter<String>>,
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits").finish_non_exhaustive()
    }
}

/// `count` cells per `window`, all usable at once.
fn quota(count: u32, window: Duration) -> Quota {
    let count = NonZeroU32::new(count).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(window / count.get())
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
        .allow_burst(count)
}

impl Limits {
    /// Limiters from the settings.
    pub fn new(s: &NationalCardSettings) -> Self {
        let attempts = s.identity_attempts.max(1);
        Limits {
            failures: Arc::new(
                RateLimiter::keyed(quota(attempts, s.identity_window))
                    .with_middleware::<StateInformationMiddleware>(),
            ),
            locked: Arc::default(),
            refill: s.identity_window / attempts,
            lookups: Arc::new(RateLimiter::keyed(quota(
                s.lookups_from_other_phones,
                s.lookup_window,
            ))),
        }
    }

    /// How long `msisdn` is still locked out after too many failed identity
    /// attempts, if it is.
    pub fn identity_locked(&self, msisdn: &str) -> Option<Duration> {
        let mut locked = self.locked.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if locked.len() > MAX_KEYS {
            locked.retain(|_, until| *until > now);
        }
        let left = locked
            .get(msisdn)
            .map(|until| until.saturating_duration_since(now));
        match left {
            Some(d) if !d.is_zero() => Some(d),
            Some(_) => {
                locked.remove(msisdn);
                None
            }
            None => None,
        }
    }

    /// Counts a failed identity attempt; true when it locks the caller out.
    pub fn identity_failed(&self, msisdn: &str) -> bool {
        if self.failures.len() > MAX_KEYS {
            self.failures.retain_recent();
        }
        let empty = match self.failures.check_key(&msisdn.to_owned()) {
            Ok(state) => state.remaining_burst_capacity() == 0,
            Err(_) => true,
        };
        if empty {
            let until = Instant::now() + self.refill;
            let mut locked = self.locked.lock().unwrap_or_else(|e| e.into_inner());
            locked.insert(msisdn.to_owned(), until);
            metrics::counter!("dargah_card_lockouts_total", "kind" => "identity").increment(1);
        }
        empty
    }

    /// Takes one lookup of `national_id` from another phone; false over the limit.
    pub fn lookup_from_other_phone(&self, national_id: &str) -> bool {
        take(&self.lookups, national_id, "other_phone_lookup")
    }
}

fn take(limiter: &DefaultKeyedRateLimiter<String>, key: &str, kind: &'static str) -> bool {
    if limiter.len() > MAX_KEYS {
        limiter.retain_recent();
    }
    let ok = limiter.check_key(&key.to_owned()).is_ok();
    if !ok {
        metrics::counter!("dargah_card_lockouts_total", "kind" => kind).increment(1);
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_the_caller_out_and_other_callers_are_not() {
        let l = Limits::new(&NationalCardSettings::default());
        for n in 1..=5 {
            assert!(
                l.identity_locked("989121234567").is_none(),
                "before failure {n}"
            );
            assert_eq!(l.identity_failed("989121234567"), n == 5);
        }
        let left = l.identity_locked("989121234567").expect("locked");
        assert!(left <= Duration::from_secs(3 * 60), "{left:?}");
        assert!(l.identity_locked("989121234568").is_none());
    }

    #[test]
    fn a_lock_ends_when_one_attempt_has_refilled() {
        let s = NationalCardSettings {
            identity_attempts: 2,
            identity_window: Duration::from_millis(40),
            ..NationalCardSettings::default()
        };
        let l = Limits::new(&s);
        l.identity_failed("x");
        assert!(l.identity_failed("x"));
        assert!(l.identity_locked("x").is_some());
        std::thread::sleep(Duration::from_millis(30));
        assert!(l.identity_locked("x").is_none());
    }

    #[test]
    fn lookups_of_one_national_id_are_counted_per_national_id() {
        let s = NationalCardSettings {
            lookups_from_other_phones: 2,
            ..NationalCardSettings::default()
        };
        let l = Limits::new(&s);
        assert!(l.lookup_from_other_phone("0084575948"));
        assert!(l.lookup_from_other_phone("0084575948"));
        assert!(!l.lookup_from_other_phone("0084575948"));
        assert!(l.lookup_from_other_phone("0012345679"));
    }
}
