//! Reconnect delays: exponential with jitter, so a carrier's SMSC coming
//! back is not hit by every bind of every gateway node at the same instant.

use std::time::Duration;

use rand::Rng;

/// Doubling delays between `min` and `max`, each jittered into its upper half.
#[derive(Debug, Clone)]
pub struct Backoff {
    min: Duration,
    max: Duration,
    next: Duration,
}

impl Backoff {
    /// Starts at `min`; `max` is raised to `min` if smaller.
    pub fn new(min: Duration, max: Duration) -> Self {
        Self {
            min,
            max: max.max(min),
            next: min,
        }
    }

    /// The delay before the next attempt; the one after doubles up to `max`.
    pub fn next_delay(&mut self, rng: &mut impl Rng) -> Duration {
        let base = self.next;
        self.next = (base * 2).min(self.max);
        jitter(base, rng)
    }

    /// After a successful bind the next failure starts again from `min`.
    pub fn reset(&mut self) {
        self.next = self.min;
    }
}

/// A delay in `[base/2, base]` ("equal jitter"): never zero, never above base.
pub fn jitter(base: Duration, rng: &mut impl Rng) -> Duration {
    let half = base / 2;
    let spread = u64::try_from(half.as_micros()).unwrap_or(u64::MAX);
    half + Duration::from_micros(rng.random_range(0..=spread))
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn delays_double_within_their_jitter_band_up_to_the_maximum() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut b = Backoff::new(100 * MS, 1000 * MS);
        for base in [100, 200, 400, 800, 1000, 1000] {
            let d = b.next_delay(&mut rng);
            assert!(
                d >= base * MS / 2 && d <= base * MS,
                "{d:?} outside band of {base}ms"
            );
        }
    }

    #[test]
    fn a_reset_starts_again_from_the_minimum() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut b = Backoff::new(100 * MS, 10_000 * MS);
        for _ in 0..5 {
            b.next_delay(&mut rng);
        }
        b.reset();
        assert!(b.next_delay(&mut rng) <= 100 * MS);
    }

    #[test]
    fn jitter_spreads_delays_so_binds_do_not_reconnect_in_lockstep() {
        let mut rng = StdRng::seed_from_u64(3);
        let delays: std::collections::BTreeSet<_> =
            (0..20).map(|_| jitter(1000 * MS, &mut rng)).collect();
        assert!(delays.len() > 15);
    }
}
