//! The dispatcher: drains the outbox through the SMPP links.
//!
//! A loop claims due batches (most urgent first; on PostgreSQL `FOR UPDATE
//! SKIP LOCKED` marks them `submitting` with the claim time, so several nodes
//! share the work; on SQLite the claim lives in this process's memory, see
//! [`sql::in_flight`]), and hands each batch to a task that routes, encodes
//! and submits it and then records every fate in one transaction. Up to `in_flight` batches fly at
//! once. A claim older than `lease` is a dead node's: it is queued again,
//! so a crash loses nothing and duplicates only what was in flight.
//!
//! PostgreSQL's `sms_outbox` notifications wake the loop early; polling
//! every `poll_interval` stays the fallback. On shutdown no new batch is
//! claimed; the links return what they had not sent and those rows go back
//! to `queued` before the pool closes.

mod batch;
mod encode;
mod metrics;
mod outage;
pub mod receipts;
mod route;
mod settings;
pub(crate) mod sql;
pub(crate) mod store;

pub use metrics::DispatchMetrics;
pub use route::{RouteError, Router};
pub use settings::{DispatchSettings, IdBase, IdFormats, RouteSettings};
pub use store::{AcceptedPart, Claimed, DispatchStore, Fate, ReceiptUpdate, SharedDispatchStore};

use crate::shutdown::Shutdown;
use outage::Outage;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;

/// Pause while no link is bound.
const NOT_BOUND_PAUSE: Duration = Duration::from_millis(100);

/// Everything a batch task needs; shared by all of them.
struct Dispatcher {
    store: SharedDispatchStore,
    router: Router,
    settings: DispatchSettings,
    metrics: DispatchMetrics,
    /// Told after every committed record, so receipts that overtook their
    /// submission's record are matched at once rather than at the next retry tick.
    recorded: Arc<Notify>,
}

/// Starts the dispatcher and the receipt writer under `shutdown`; returns
/// where the SMPP consumer hands receipts.
pub fn start(
    store: SharedDispatchStore,
    router: Router,
    settings: DispatchSettings,
    shutdown: &Shutdown,
) -> receipts::ReceiptSender {
    let metrics = DispatchMetrics::new();
    let (tx, rx) = tokio::sync::mpsc::channel(settings.receipt_batch.max(1) as usize * 4);
    let recorded = Arc::new(Notify::new());
    shutdown.spawn(receipts::run(
        rx,
        store.clone(),
        settings.clone(),
        metrics.clone(),
        recorded.clone(),
    ));
    let wake = Arc::new(Notify::new());
    let listener = store.clone();
    let (w, token) = (wake.clone(), shutdown.token());
    shutdown.spawn(async move { listener.listen(w, token).await });
    let d = Arc::new(Dispatcher {
        store,
        router,
        settings,
        metrics,
        recorded,
    });
    shutdown.spawn(run(d, wake, shutdown.clone()));
    tx
}

/// Claims and dispatches until shutdown, then waits for the batches in flight.
async fn run(d: Arc<Dispatcher>, wake: Arc<Notify>, shutdown: Shutdown) {
    let slots = d.settings.in_flight.max(1);
    let permits = Arc::new(Semaphore::new(slots as usize));
    let mut housekeeping = Instant::now() - d.settings.lease;
    let mut outage = Outage::new("claim");
    loop {
        if housekeeping.elapsed() >= (d.settings.lease / 4).min(Duration::from_secs(5)) {
            housekeep(&d, &mut outage).await;
            housekeeping = Instant::now();
        }
        if !d.router.any_bound() {
            // Links still binding (or all down): claiming now would only
            // push messages into backoff.
            tokio::select! {
                () = tokio::time::sleep(NOT_BOUND_PAUSE) => continue,
                () = shutdown.cancelled() => break,
            }
        }
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => p.expect("never closed"),
            () = shutdown.cancelled() => break,
        };
        let claimed_at = Instant::now();
        let claimed = d.store.claim(d.settings.batch.max(1)).await;
        if claimed.is_ok() {
            outage.recovered();
        }
        let idle = match claimed {
            Ok(rows) if rows.is_empty() => d.settings.poll_interval,
            Ok(rows) => {
                d.metrics.claimed.increment(rows.len() as u64);
                let full = rows.len() == d.settings.batch as usize;
                let (task, stop) = (d.clone(), shutdown.clone());
                shutdown.spawn(async move {
                    dispatch(&task, rows, claimed_at, &stop).await;
                    drop(permit);
                });
                if full {
                    Duration::ZERO
                } else {
                    d.settings.poll_interval.min(Duration::from_millis(20))
                }
            }
            // The database is away: back off (logged once per outage).
            Err(e) => outage.failed(&e),
        };
        if !idle.is_zero() {
            tokio::select! {
                () = tokio::time::sleep(idle) => {}
                () = wake.notified() => {}
                () = shutdown.cancelled() => break,
            }
        }
    }
    let _ = permits.acquire_many(slots).await;
}

/// Gives dead nodes' claims back and refreshes the queue depth gauge; its
/// errors belong to the claim loop's outage (the same database).
async fn housekeep(d: &Dispatcher, outage: &mut Outage) {
    let lease = chrono::Duration::from_std(d.settings.lease).unwrap_or_default();
    match d.store.requeue_stale(chrono::Utc::now() - lease).await {
        Ok(0) => {}
        Ok(n) => {
            tracing::warn!(
                messages = n,
                "queued again claims older than the lease (a stopped dispatcher's, or a batch whose record kept failing)"
            );
            d.metrics.requeued_stale.increment(n);
        }
        Err(e) => {
            outage.failed(&e);
            return;
        }
    }
    if let Ok(n) = d.store.queue_depth().await {
        d.metrics.queue_depth.set(n as f64);
    }
}

/// Submits one batch and records its fates, retrying the write with
/// backoff while the database is away. The SMSC has the messages by now, so
/// giving up would send them twice: it tries until the claim's lease runs
/// out (the lease then queues the rows again anyway) or shutdown.
async fn dispatch(d: &Dispatcher, rows: Vec<Claimed>, claimed_at: Instant, shutdown: &Shutdown) {
    let fates = batch::run(rows, &d.router, &d.settings).await;
    count(&d.metrics, &fates);
    let mut outage = Outage::new("record");
    loop {
        let e = match d.store.record(&fates).await {
            Ok(()) => {
                d.recorded.notify_one();
                return outage.recovered();
            }
            Err(e) => e,
        };
        let pause = outage.failed(&e);
        if claimed_at.elapsed() + pause >= d.settings.lease {
            break;
        }
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            () = shutdown.cancelled() => break,
        }
    }
    tracing::error!(
        messages = fates.len(),
        "fates not recorded; the lease will queue them again"
    );
}

fn count(m: &DispatchMetrics, fates: &[Fate]) {
    for f in fates {
        match f {
            Fate::Submitted { .. } => m.submitted.increment(1),
            Fate::Retry {
                error: Some(e), id, ..
            } => {
                tracing::debug!(id, error = %e, "temporary error; will retry");
                m.retried.increment(1)
            }
            Fate::Retry { .. } => {}
            Fate::Failed { id, error } => {
                tracing::info!(id, %error, "message failed");
                m.failed.increment(1)
            }
            Fate::Expired { .. } => m.expired.increment(1),
        }
    }
}
