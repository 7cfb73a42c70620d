//! Where a bind's submissions come from: the carrier's priority queue
//! (resubmissions, USSD replies) before its normal queue, paced by the
//! per-carrier and per-bind rate limiters (governor).

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::time::{Instant, sleep_until};

use super::submit::Job;

/// A GCRA limiter of `tps` per second with a burst of one, so no
/// one-second window ever sees more than `tps` + 1 submissions.
pub(crate) fn limiter(tps: Option<u32>) -> Option<Arc<DefaultDirectRateLimiter>> {
    let tps = NonZeroU32::new(tps?)?;
    let quota = Quota::with_period(Duration::from_secs(1) / tps.get())?;
    Some(Arc::new(RateLimiter::direct(quota)))
}

/// One bind's view of its carrier's queues and limiters.
#[derive(Clone)]
pub(crate) struct Feed {
    pub priority: flume::Receiver<Job>,
    pub queue: flume::Receiver<Job>,
    pub carrier_limit: Option<Arc<DefaultDirectRateLimiter>>,
    pub bind_limit: Option<Arc<DefaultDirectRateLimiter>>,
}

impl Feed {
    /// Waits out a throttle pause and the rate limits, then takes a job.
    ///
    /// Cancel-safe: a permit may be spent without a job (conservative), but
    /// a job is never taken and then dropped.
    pub async fn next(&self, paused_until: Option<Instant>) -> Job {
        if let Some(t) = paused_until {
            sleep_until(t).await;
        }
        for l in [&self.bind_limit, &self.carrier_limit]
            .into_iter()
            .flatten()
        {
            l.until_ready().await;
        }
        tokio::select! {
            biased;
            Ok(job) = self.priority.recv_async() => job,
            Ok(job) = self.queue.recv_async() => job,
            else => std::future::pending().await,
        }
    }

    /// Another job without waiting, when no rate limit applies (batching).
    pub fn try_next(&self) -> Option<Job> {
        if self.bind_limit.is_some() || self.carrier_limit.is_some() {
            return None;
        }
        self.priority
            .try_recv()
            .or_else(|_| self.queue.try_recv())
            .ok()
    }
}
