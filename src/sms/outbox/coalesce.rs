//! Group commit for single-message enqueues: the web side's requests arrive
//! one message each, thousands a second, and a transaction per message makes
//! the database's commit (a WAL flush on PostgreSQL, and its `NOTIFY` queue
//! lock) the limit. Here concurrent `enqueue` calls are gathered, written
//! in one transaction of up to [`MAX_BATCH`] rows, and each caller is
//! answered only after that commit, so an accepted message is as durable as
//! before. Under light load a batch is one message and nothing waits.
//!
//! Batches write concurrently (`writers`), so one slow commit does not hold
//! the next. A batch the database refuses for its data (a constraint) is
//! written again one message at a time, so one bad row fails only its own
//! request; a batch lost to an unreachable database fails all its callers.

use super::{Enqueued, NewSms, Outbox, SharedOutbox, Sms};
use crate::registry::{RegistryError, Result};
use async_trait::async_trait;
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc, oneshot};

/// Most messages in one transaction.
pub const MAX_BATCH: usize = 512;

type Waiter = (NewSms, oneshot::Sender<Result<Enqueued>>);

/// An [`Outbox`] whose `enqueue` is group-committed; the rest passes through.
pub struct CoalescingOutbox {
    inner: SharedOutbox,
    tx: mpsc::Sender<Waiter>,
}

impl CoalescingOutbox {
    /// Wraps `inner`, writing up to `writers` batches at once. Must be called
    /// inside a tokio runtime; the writer task ends when the last handle is dropped.
    pub fn start(inner: SharedOutbox, writers: usize) -> SharedOutbox {
        let (tx, rx) = mpsc::channel(MAX_BATCH * 8);
        tokio::spawn(collect(rx, inner.clone(), writers.max(1)));
        Arc::new(CoalescingOutbox { inner, tx })
    }
}

#[async_trait]
impl Outbox for CoalescingOutbox {
    async fn enqueue(&self, sms: &NewSms) -> Result<Enqueued> {
        let (done, answer) = oneshot::channel();
        if self.tx.send((sms.clone(), done)).await.is_err() {
            // The writer is gone (shutting down): write it directly.
            return self.inner.enqueue(sms).await;
        }
        match answer.await {
            Ok(result) => result,
            Err(_) => Err(gone("the batch writer stopped before answering")),
        }
    }

    /// A batch of one (what `POST /v1/sms` sends for one message) joins the
    /// group commit; a larger batch keeps its own all-or-none transaction.
    async fn enqueue_batch(&self, batch: &[NewSms]) -> Result<Vec<Enqueued>> {
        match batch {
            [one] => Ok(vec![self.enqueue(one).await?]),
            _ => self.inner.enqueue_batch(batch).await,
        }
    }

    async fn sms(&self, id: i64) -> Result<Option<Sms>> {
        self.inner.sms(id).await
    }
}

/// Takes what is waiting (up to `MAX_BATCH`) whenever a writer is free.
async fn collect(mut rx: mpsc::Receiver<Waiter>, outbox: SharedOutbox, writers: usize) {
    let free = Arc::new(Semaphore::new(writers));
    loop {
        let Ok(permit) = free.clone().acquire_owned().await else {
            return;
        };
        let mut batch = Vec::with_capacity(MAX_BATCH);
        if rx.recv_many(&mut batch, MAX_BATCH).await == 0 {
            return;
        }
        let outbox = outbox.clone();
        tokio::spawn(async move {
            write(batch, outbox.as_ref()).await;
            drop(permit);
        });
    }
}

async fn write(batch: Vec<Waiter>, outbox: &dyn Outbox) {
    let (messages, waiters): (Vec<NewSms>, Vec<_>) = batch.into_iter().unzip();
    metrics::histogram!("dargah_sms_enqueue_batch_size").record(messages.len() as f64);
    match outbox.enqueue_batch(&messages).await {
        Ok(done) => {
            for (w, d) in waiters.into_iter().zip(done) {
                let _ = w.send(Ok(d));
            }
        }
        Err(RegistryError::Database(sqlx::Error::Database(_))) if messages.len() > 1 => {
            for (w, sms) in waiters.into_iter().zip(&messages) {
                let _ = w.send(outbox.enqueue(sms).await);
            }
        }
        Err(e) => {
            let why = e.to_string();
            for w in waiters {
                let _ = w.send(Err(gone(&why)));
            }
        }
    }
}

/// An error for each caller of a failed batch (the original is not `Clone`).
fn gone(why: &str) -> RegistryError {
    RegistryError::Database(sqlx::Error::Io(std::io::Error::other(why.to_owned())))
}
