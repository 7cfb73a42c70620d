//! Bringing the database up: migrate with backoff until it answers, and say
//! how it went to `/readyz` instead of crash-looping.

use crate::registry::SharedRegistry;
use crate::shutdown::Shutdown;
use rand::Rng;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where the database stands, shared with the readiness probe.
#[derive(Clone, Default)]
pub struct DatabaseStatus(Arc<Mutex<Status>>);

#[derive(Clone, Default)]
struct Status {
    migrated: bool,
    attempts: u32,
    last_error: Option<String>,
}

impl DatabaseStatus {
    /// Whether migrations have been applied since start.
    pub fn migrated(&self) -> bool {
        self.lock().migrated
    }

    /// Waits, looking every `poll`, until the migrations are applied (a
    /// worker's tables may not exist before); false if `cancel` came first.
    pub async fn wait_migrated(
        &self,
        poll: Duration,
        cancel: &tokio_util::sync::CancellationToken,
    ) -> bool {
        while !self.migrated() {
            tokio::select! {
                () = cancel.cancelled() => return false,
                () = tokio::time::sleep(poll) => {}
            }
        }
        true
    }

    /// Failed attempts so far and the last error, for `/readyz`.
    pub fn failures(&self) -> (u32, Option<String>) {
        let s = self.lock();
        (s.attempts, s.last_error.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Status> {
        // A poisoned lock only means a panic elsewhere mid-update of plain data.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Runs migrations until they succeed or shutdown is asked for, backing off
/// exponentially with jitter up to `max_backoff` between attempts.
pub async fn migrate_with_retry(
    registry: SharedRegistry,
    status: DatabaseStatus,
    max_backoff: Duration,
    shutdown: Shutdown,
) {
    let mut delay = Duration::from_millis(200);
    loop {
        match registry.migrate().await {
            Ok(()) => {
                status.lock().migrated = true;
                tracing::info!(backend = ?registry.backend(), "database migrated and ready");
                return;
            }
            Err(e) => {
                let attempts = record_failure(&status, &e.to_string());
                metrics::counter!("dargah_database_connect_failures_total").increment(1);
                tracing::warn!(error = %e, attempts, retry_in = ?delay, "database not reachable; retrying");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(jitter(delay)) => {}
            _ = shutdown.cancelled() => return,
        }
        delay = (delay * 2).min(max_backoff);
    }
}

fn record_failure(status: &DatabaseStatus, error: &str) -> u32 {
    let mut s = status.lock();
    s.attempts += 1;
    s.last_error = Some(error.to_owned());
    s.attempts
}

/// Up to 25% either way, so that many gateways do not retry in lockstep.
fn jitter(d: Duration) -> Duration {
    d.mul_f64(rand::rng().random_range(0.75..1.25))
}
