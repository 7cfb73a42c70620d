//! Turns at SQLite's single write lock, taken in this process in order.
//!
//! SQLite lets one transaction write at a time. Without a queue of our own,
//! writers that find the lock taken wait in SQLite's busy handler, which
//! sleeps 1, 2, 5, 10 … up to 100 ms between tries: under load (the
//! dispatcher's claims and records, the receipt writer and the web API all
//! writing) a writer could sleep tens of milliseconds after the lock was
//! already free. Here writers of this process wait on a fair async
//! semaphore instead and are woken the moment the previous one commits.
//! Other processes writing the same file still meet the busy timeout.
//!
//! The lock is the SQLite backend's throughput limit, so its use is
//! measured: `dargah_sqlite_write_wait_seconds` (waiting for a turn) and
//! `dargah_sqlite_write_held_seconds` (from the turn to the commit). The
//! rate of the held sum is the lock's busy share: near 1, writers queue.

use sqlx::{Sqlite, SqliteConnection, Transaction};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// One process's queue for the write lock.
#[derive(Clone)]
pub struct WriteTurns(Arc<Semaphore>);

impl Default for WriteTurns {
    fn default() -> Self {
        WriteTurns(Arc::new(Semaphore::new(1)))
    }
}

impl WriteTurns {
    /// Waits for this process's turn to write.
    pub async fn wait(&self) -> Turn {
        let asked = Instant::now();
        let permit = self.0.clone().acquire_owned().await.expect("never closed");
        let since = Instant::now();
        metrics::histogram!("dargah_sqlite_write_wait_seconds")
            .record((since - asked).as_secs_f64());
        Turn {
            _permit: permit,
            since,
        }
    }
}

/// A turn at the write lock; it ends (and its holding time is recorded)
/// when dropped.
pub struct Turn {
    _permit: OwnedSemaphorePermit,
    since: Instant,
}

impl Drop for Turn {
    fn drop(&mut self) {
        metrics::histogram!("dargah_sqlite_write_held_seconds")
            .record(self.since.elapsed().as_secs_f64());
    }
}

/// A write transaction that holds the process's turn until it ends;
/// derefs to the connection like sqlx's own `Transaction`.
pub struct WriteTx {
    tx: Transaction<'static, Sqlite>,
    _turn: Turn,
}

impl WriteTx {
    /// Wraps a transaction begun during `turn`.
    pub fn new(tx: Transaction<'static, Sqlite>, turn: Turn) -> Self {
        WriteTx { tx, _turn: turn }
    }

    /// Commits, then gives the turn to the next writer.
    pub async fn commit(self) -> sqlx::Result<()> {
        self.tx.commit().await
    }
}

impl Deref for WriteTx {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_second_writer_waits_for_the_first_turn_to_end() {
        let turns = WriteTurns::default();
        let first = turns.wait().await;
        let t = turns.clone();
        let second = tokio::spawn(async move { t.wait().await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!second.is_finished());
        drop(first);
        let _turn = tokio::time::timeout(Duration::from_secs(1), second)
            .await
            .expect("woken once the first turn ends")
            .unwrap();
    }
}
