//! Reaction to ESME_RTHROTTLED / ESME_RMSGQFUL: pause, shrink the window,
//! then grow it back one response at a time (additive increase,
//! multiplicative decrease), so a throttling SMSC never sees a burst of
//! resubmissions.

use std::time::Duration;

use tokio::time::Instant;

/// The effective window and pause of one bind.
#[derive(Debug, Clone)]
pub struct Throttle {
    max_window: usize,
    window: usize,
    min_pause: Duration,
    max_pause: Duration,
    pause: Duration,
    paused_until: Option<Instant>,
}

impl Throttle {
    /// A bind allowed `max_window` outstanding requests; first pause `min_pause`.
    pub fn new(max_window: usize, min_pause: Duration) -> Self {
        Self {
            max_window: max_window.max(1),
            window: max_window.max(1),
            min_pause,
            max_pause: (min_pause * 32).clamp(Duration::from_secs(1), Duration::from_secs(10)),
            pause: min_pause,
            paused_until: None,
        }
    }

    /// How many requests may be outstanding now.
    pub fn window(&self) -> usize {
        self.window
    }

    /// When sending may resume, if paused.
    pub fn paused_until(&self, now: Instant) -> Option<Instant> {
        self.paused_until.filter(|t| *t > now)
    }

    /// The SMSC said "slow down": halve the window and pause, longer each time.
    pub fn throttled(&mut self, now: Instant) {
        self.window = (self.window / 2).max(1);
        if self.paused_until(now).is_none() {
            self.paused_until = Some(now + self.pause);
            self.pause = (self.pause * 2).min(self.max_pause);
        }
    }

    /// A request went through: grow the window back by one.
    pub fn accepted(&mut self) {
        self.window = (self.window + 1).min(self.max_window);
        if self.window == self.max_window {
            self.pause = self.min_pause;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[tokio::test(start_paused = true)]
    async fn throttling_halves_the_window_and_pauses() {
        let mut t = Throttle::new(50, 100 * MS);
        let now = Instant::now();
        t.throttled(now);
        assert_eq!(t.window(), 25);
        assert_eq!(t.paused_until(now), Some(now + 100 * MS));
        tokio::time::advance(100 * MS).await;
        assert_eq!(t.paused_until(Instant::now()), None);
    }

    #[tokio::test(start_paused = true)]
    async fn throttled_answers_to_one_burst_pause_once_but_shrink_the_window_each_time() {
        let mut t = Throttle::new(64, 100 * MS);
        let now = Instant::now();
        for _ in 0..5 {
            t.throttled(now);
        }
        assert_eq!(t.window(), 2);
        assert_eq!(t.paused_until(now), Some(now + 100 * MS));
    }

    #[tokio::test(start_paused = true)]
    async fn persistent_throttling_doubles_the_pause() {
        let mut t = Throttle::new(10, 100 * MS);
        t.throttled(Instant::now());
        tokio::time::advance(100 * MS).await;
        let now = Instant::now();
        t.throttled(now);
        assert_eq!(t.paused_until(now), Some(now + 200 * MS));
    }

    #[test]
    fn the_window_ramps_back_up_one_response_at_a_time() {
        let mut t = Throttle::new(8, 100 * MS);
        t.throttled(Instant::now());
        t.throttled(Instant::now());
        assert_eq!(t.window(), 2);
        let grown: Vec<_> = (0..8)
            .map(|_| {
                t.accepted();
                t.window()
            })
            .collect();
        assert_eq!(grown, vec![3, 4, 5, 6, 7, 8, 8, 8]);
    }
}
