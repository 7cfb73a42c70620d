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
//!
//! A turn is held across every round trip to the connection's thread, and
//! sqlx hands each answer back only when the waiting task is polled again:
//! under load a bare `BEGIN IMMEDIATE` held the lock 1.6 ms on average
//! (BENCHMARKS.md, run 10). So the hottest writers send their whole
//! transaction as one statement text ([`OneTrip`]).

use sqlx::pool::PoolConnection;
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

/// A turn and a pooled connection for one statement text that carries its
/// own transaction (`BEGIN IMMEDIATE; …; COMMIT`), sent to the connection's
/// thread in one round trip instead of one per statement plus two.
///
/// Until [`OneTrip::done`], the transaction may be open on the connection:
/// the text failed halfway, or the future was dropped mid-trip. The
/// connection is then closed instead of pooled, and closing rolls it back.
pub struct OneTrip {
    conn: PoolConnection<Sqlite>,
    done: bool,
    _turn: Turn,
}

impl OneTrip {
    /// Wraps a connection taken during `turn`.
    pub fn new(conn: PoolConnection<Sqlite>, turn: Turn) -> Self {
        OneTrip {
            conn,
            done: false,
            _turn: turn,
        }
    }

    /// The connection to send the text on.
    pub fn conn(&mut self) -> &mut SqliteConnection {
        &mut self.conn
    }

    /// The text ran to its `COMMIT`: the connection goes back to the pool.
    pub fn done(mut self) {
        self.done = true;
    }
}

impl Drop for OneTrip {
    fn drop(&mut self) {
        if !self.done {
            self.conn.close_on_drop();
        }
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

    async fn pool_of_one(dir: &std::path::Path) -> sqlx::SqlitePool {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.join("t.db"))
            .create_if_missing(true);
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (x INTEGER)")
            .execute(&pool)
            .await
            .unwrap();
        pool
    }

    #[tokio::test]
    async fn a_one_trip_text_that_fails_halfway_leaves_no_transaction_open() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool_of_one(dir.path()).await;
        let turns = WriteTurns::default();
        let mut write = OneTrip::new(pool.acquire().await.unwrap(), turns.wait().await);
        let failed = sqlx::query(
            "BEGIN IMMEDIATE; INSERT INTO t VALUES (1); INSERT INTO missing VALUES (2); COMMIT",
        )
        .execute(write.conn())
        .await;
        assert!(failed.is_err());
        drop(write);
        // The pool's only connection: were the failed one pooled again, its
        // open transaction would see its own insert and refuse a BEGIN.
        let mut write = OneTrip::new(pool.acquire().await.unwrap(), turns.wait().await);
        sqlx::query("BEGIN IMMEDIATE; INSERT INTO t VALUES (3); COMMIT")
            .execute(write.conn())
            .await
            .unwrap();
        write.done();
        let rows: Vec<(i64,)> = sqlx::query_as("SELECT x FROM t")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(rows, vec![(3,)]);
    }
}
