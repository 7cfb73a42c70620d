//! SQLite connections for the registry's reads, kept outside sqlx's pool.
//!
//! Why: a sqlx-sqlite connection runs on its own thread, and every command is
//! a round trip to it. Through the pool a read costs three: a ping on acquire,
//! the query, and another ping (in a freshly spawned task) on release. The
//! profile of a USSD hop put a third of the server's CPU in that machinery.
//! Here a read takes an idle connection from a plain list and puts it back,
//! so it costs one round trip.
//!
//! The pings exist to find dead network connections and to flush transaction
//! state after a cancelled call. Neither applies: a SQLite connection is a
//! file in this process, and these connections only run single SELECTs
//! (autocommit), so a read dropped halfway leaves nothing behind; the worker
//! finishes or resets the statement before it takes the next command.
//! Nothing is cached: each read still goes to the database.

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use std::ops::{Deref, DerefMut};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Up to `max` read connections, opened on first use and reused.
pub(super) struct Readers {
    options: SqliteConnectOptions,
    idle: Mutex<Vec<SqliteConnection>>,
    permits: std::sync::Arc<Semaphore>,
    acquire_timeout: Duration,
}

/// A read connection on loan; returned to the idle list when dropped.
pub(super) struct Reader<'a> {
    readers: &'a Readers,
    conn: Option<SqliteConnection>,
    _permit: OwnedSemaphorePermit,
}

impl Readers {
    /// At most `max` connections open at once, each opened with `options`.
    pub(super) fn new(options: SqliteConnectOptions, max: u32, acquire_timeout: Duration) -> Self {
        Readers {
            options,
            idle: Mutex::new(Vec::new()),
            permits: std::sync::Arc::new(Semaphore::new(max.max(1) as usize)),
            acquire_timeout,
        }
    }

    /// An idle connection, or a new one if none is idle; waits at most the
    /// acquire timeout when `max` are in use (the pool's error then).
    pub(super) async fn get(&self) -> Result<Reader<'_>, sqlx::Error> {
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => self.wait_for_permit().await?,
        };
        let idle = self.lock().pop();
        let conn = match idle {
            Some(c) => c,
            None => {
                let mut conn = self.options.connect().await?;
                super::stable_plans::stable_plans(&mut conn).await?;
                conn
            }
        };
        Ok(Reader {
            readers: self,
            conn: Some(conn),
            _permit: permit,
        })
    }

    async fn wait_for_permit(&self) -> Result<OwnedSemaphorePermit, sqlx::Error> {
        let wait = self.permits.clone().acquire_owned();
        match tokio::time::timeout(self.acquire_timeout, wait).await {
            Ok(Ok(p)) => Ok(p),
            Ok(Err(_)) => Err(sqlx::Error::PoolClosed),
            Err(_) => Err(sqlx::Error::PoolTimedOut),
        }
    }

    /// Closes the idle connections; later reads fail with `PoolClosed`.
    pub(super) async fn close(&self) {
        self.permits.close();
        let idle = std::mem::take(&mut *self.lock());
        for conn in idle {
            let _ = conn.close().await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<SqliteConnection>> {
        // The list is only pushed to and popped from: a panic cannot leave it half-changed.
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Deref for Reader<'_> {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        self.conn.as_ref().expect("present until dropped")
    }
}

impl DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.conn.as_mut().expect("present until dropped")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        // After `close` the connection is dropped instead, which ends its thread.
        if let Some(conn) = self.conn.take()
            && !self.readers.permits.is_closed()
        {
            self.readers.lock().push(conn);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn readers(dir: &tempfile::TempDir, max: u32) -> Readers {
        let url = format!("sqlite://{}", dir.path().join("r.db").display());
        let options = SqliteConnectOptions::from_str(&url)
            .unwrap()
            .create_if_missing(true);
        Readers::new(options, max, Duration::from_millis(50))
    }

    #[tokio::test]
    async fn a_returned_connection_is_reused_not_reopened() {
        let dir = tempfile::tempdir().unwrap();
        let r = readers(&dir, 2);
        let mut a = r.get().await.unwrap();
        let one: (i64,) = sqlx::query_as("SELECT 1").fetch_one(&mut *a).await.unwrap();
        assert_eq!(one.0, 1);
        drop(a);
        assert_eq!(r.lock().len(), 1);
        let _b = r.get().await.unwrap();
        assert_eq!(r.lock().len(), 0);
    }

    #[tokio::test]
    async fn reads_plan_without_looking_at_bound_values() {
        let dir = tempfile::tempdir().unwrap();
        let r = readers(&dir, 1);
        let mut a = r.get().await.unwrap();
        assert!(crate::registry::stable_plans::is_on(&mut a).await);
    }

    #[tokio::test]
    async fn past_the_limit_a_read_times_out_like_the_pool() {
        let dir = tempfile::tempdir().unwrap();
        let r = readers(&dir, 1);
        let _held = r.get().await.unwrap();
        let err = r.get().await.err().expect("the only connection is in use");
        assert!(matches!(err, sqlx::Error::PoolTimedOut), "{err:?}");
    }

    #[tokio::test]
    async fn after_close_reads_fail_and_loans_are_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let r = readers(&dir, 2);
        let held = r.get().await.unwrap();
        r.close().await;
        drop(held);
        assert_eq!(r.lock().len(), 0);
        assert!(matches!(r.get().await, Err(sqlx::Error::PoolClosed)));
    }
}
