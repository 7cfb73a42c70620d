//! The claim-and-call loop of a delivery worker: claim up to `concurrency`
//! due jobs under a lease (hidden from other nodes until it ends, so a dead
//! node's jobs become due again), deliver them concurrently, and repeat at
//! once while claims come back full, else after `poll_interval`. On shutdown
//! the deliveries in flight finish before the loop returns.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::time::Duration;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Pause after a database error before claiming again.
const ERROR_PAUSE: Duration = Duration::from_secs(1);

/// How long past its timeout a claimed job stays hidden from other nodes.
const LEASE_MARGIN: Duration = Duration::from_secs(30);

/// Jobs a delivery worker claims and delivers.
#[async_trait]
pub trait Deliveries: Clone + Send + Sync + 'static {
    /// One claimed job.
    type Job: Send + 'static;
    /// What the jobs are, for the logs.
    const WHAT: &'static str;
    /// Claims up to `limit` due jobs, hiding them until `lease_until`.
    async fn claim(
        &self,
        limit: u32,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> crate::registry::Result<Vec<Self::Job>>;
    /// Delivers one job and records the attempt (errors are logged there).
    async fn deliver(&self, job: Self::Job);
}

/// How fast a worker claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    /// Jobs in flight at once.
    pub concurrency: u32,
    /// Pause when nothing (or less than a full claim) was due.
    pub poll_interval: Duration,
    /// One request's timeout (the lease adds a margin to it).
    pub timeout: Duration,
}

/// Claims and delivers until `cancel`; the deliveries in flight then finish.
pub async fn run<D: Deliveries>(jobs: D, pace: Pace, cancel: CancellationToken) {
    let limit = pace.concurrency.max(1);
    while !cancel.is_cancelled() {
        let pause = match round(&jobs, limit, pace.timeout).await {
            Ok(n) if n == limit as usize => Duration::ZERO,
            Ok(_) => pace.poll_interval,
            Err(e) => {
                tracing::warn!(error = %e, what = D::WHAT, "cannot claim deliveries");
                ERROR_PAUSE
            }
        };
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            () = cancel.cancelled() => {}
        }
    }
}

/// One claim and its deliveries; returns how many were claimed.
async fn round<D: Deliveries>(
    jobs: &D,
    limit: u32,
    timeout: Duration,
) -> crate::registry::Result<usize> {
    let now = Utc::now();
    let lease = chrono::Duration::from_std(timeout + LEASE_MARGIN).unwrap_or_default();
    let claimed = jobs.claim(limit, now, now + lease).await?;
    let n = claimed.len();
    let mut calls = JoinSet::new();
    for job in claimed {
        let jobs = jobs.clone();
        calls.spawn(async move { jobs.deliver(job).await });
    }
    while calls.join_next().await.is_some() {}
    Ok(n)
}
