//! The gateway's own enqueues wake its dispatcher in-process, instead of
//! through PostgreSQL's `NOTIFY`.
//!
//! Why not `NOTIFY`: PostgreSQL serialises the commits of every transaction
//! that notified, cluster-wide. `PreCommit_Notify` takes a lock held until
//! the commit's WAL flush is done, so concurrent writers lose group commit.
//! `pgbench`, 4 clients, 20-row insert transactions: 777–797 tx/s with the
//! trigger's `NOTIFY`, 1,110–1,147 tx/s with it skipped. So the gateway's
//! enqueue transactions set `dargah.local_wake` (the trigger then stays
//! quiet, migration 000013) and ring this bell after their commit; rows the
//! web side inserts directly still `NOTIFY`. SQLite has no notifications at
//! all: without this bell, its dispatcher found new rows only at its poll.

use std::sync::Arc;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Rung after a committed enqueue; the dispatcher listens. Cheap to clone.
#[derive(Clone, Default)]
pub struct EnqueueBell(Arc<Notify>);

impl EnqueueBell {
    /// New rows are committed. Called after the commit, never before: a
    /// dispatcher woken earlier would claim nothing and sleep again.
    pub fn ring(&self) {
        // `notify_one` keeps one permit when nobody waits yet, so a ring
        // between two of the dispatcher's waits is not lost.
        self.0.notify_one();
    }

    /// Passes every ring on to `wake` until `cancel`.
    pub async fn forward(&self, wake: &Notify, cancel: &CancellationToken) {
        loop {
            tokio::select! {
                () = self.0.notified() => wake.notify_one(),
                () = cancel.cancelled() => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_ring_before_anyone_listens_still_wakes_the_listener() {
        let bell = EnqueueBell::default();
        let (wake, cancel) = (Arc::new(Notify::new()), CancellationToken::new());
        bell.ring();
        let forwarder = {
            let (bell, wake, cancel) = (bell.clone(), wake.clone(), cancel.clone());
            tokio::spawn(async move { bell.forward(&wake, &cancel).await })
        };
        tokio::time::timeout(Duration::from_secs(5), wake.notified())
            .await
            .expect("the early ring reached the dispatcher's wake");
        cancel.cancel();
        forwarder.await.unwrap();
    }

    #[tokio::test]
    async fn forwarding_ends_when_cancelled() {
        let bell = EnqueueBell::default();
        let cancel = CancellationToken::new();
        cancel.cancel();
        tokio::time::timeout(
            Duration::from_secs(5),
            bell.forward(&Notify::new(), &cancel),
        )
        .await
        .expect("forward returned");
    }
}
