//! SQLite's claims, kept in memory instead of in the outbox.
//!
//! Why: SQLite has one writer, and a persisted claim (`queued` →
//! `submitting` on every row, with its claim time) held the write lock
//! for 7.4 µs of the 26 µs a message needs with receipts (BENCHMARKS
//! run 8). On a single node the claim protects nothing the process cannot
//! remember: a row it is submitting stays `queued` on disk, and this set
//! keeps the next claim from taking it again. After a crash the set is
//! gone and the rows are still `queued`, so they go out again: exactly the
//! persisted claim's guarantee (nothing lost; duplicates only for what the
//! SMSC had taken and we had not recorded).
//!
//! Two gateways on one SQLite file would each hold their own set, so the
//! dispatcher first takes an exclusive lock on a file beside the database
//! (`<database>-dispatcher.lock`); a second gateway stands by until the
//! first one stops or dies (the kernel drops the lock with the process).

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// This process's claimed rows and its hold on the dispatcher lock; a
/// cheap handle.
#[derive(Clone, Default)]
pub struct InFlight(Arc<Inner>);

#[derive(Default)]
struct Inner {
    /// Outbox id → claim time.
    rows: Mutex<HashMap<i64, DateTime<Utc>>>,
    /// The lock file's path; `None` for an in-memory database.
    lock_path: Option<PathBuf>,
    /// The open lock file once its lock is ours.
    held: Mutex<Option<File>>,
    /// Whether the standby warning was logged since the lock was last ours.
    warned: std::sync::atomic::AtomicBool,
}

impl InFlight {
    /// Claims for the database file at `db` (`None` or `:memory:` for an
    /// in-memory database, which no other process can open).
    pub fn new(db: Option<&std::path::Path>) -> Self {
        let lock_path = db
            .filter(|p| !p.as_os_str().is_empty() && *p != std::path::Path::new(":memory:"))
            .map(|p| {
                let mut name = p.as_os_str().to_owned();
                name.push("-dispatcher.lock");
                PathBuf::from(name)
            });
        InFlight(Arc::new(Inner {
            lock_path,
            ..Inner::default()
        }))
    }

    /// Whether this process may dispatch: takes the dispatcher lock if it is
    /// free; `false` (logged once) while another process holds it.
    pub fn dispatcher_lock(&self) -> bool {
        let Some(path) = &self.0.lock_path else {
            return true;
        };
        let mut held = self.0.held.lock().expect("not poisoned");
        if held.is_some() {
            return true;
        }
        match try_lock(path) {
            Ok(file) => {
                *held = Some(file);
                self.0
                    .warned
                    .store(false, std::sync::atomic::Ordering::Relaxed);
                tracing::info!(lock = %path.display(), "this gateway dispatches from the SQLite outbox");
                true
            }
            Err(e) => {
                if !self
                    .0
                    .warned
                    .swap(true, std::sync::atomic::Ordering::Relaxed)
                {
                    tracing::warn!(lock = %path.display(), reason = %e,
                        "another gateway dispatches from this SQLite database; standing by");
                }
                false
            }
        }
    }

    /// Keeps the ids of `found` that are not in flight, marking them claimed
    /// at `at`; at most `limit` of them, in the given order.
    pub fn take(&self, found: &[i64], limit: usize, at: DateTime<Utc>) -> Vec<i64> {
        let mut rows = self.0.rows.lock().expect("not poisoned");
        let mut taken = Vec::with_capacity(limit.min(found.len()));
        for &id in found {
            if taken.len() == limit {
                break;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = rows.entry(id) {
                e.insert(at);
                taken.push(id);
            }
        }
        taken
    }

    /// Forgets the claims of `ids` (recorded, or no longer due).
    pub fn release(&self, ids: impl IntoIterator<Item = i64>) {
        let mut rows = self.0.rows.lock().expect("not poisoned");
        for id in ids {
            rows.remove(&id);
        }
    }

    /// Forgets the claims made before `before` (their record never
    /// committed), so those rows are claimed again; returns how many.
    pub fn expire(&self, before: DateTime<Utc>) -> u64 {
        let mut rows = self.0.rows.lock().expect("not poisoned");
        let n = rows.len();
        rows.retain(|_, at| *at >= before);
        (n - rows.len()) as u64
    }

    /// How many rows are claimed now.
    pub fn claimed(&self) -> usize {
        self.0.rows.lock().expect("not poisoned").len()
    }
}

/// Opens (creating) `path` and takes its exclusive lock without waiting.
fn try_lock(path: &std::path::Path) -> std::io::Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(std::io::Error::new(
            std::io::ErrorKind::WouldBlock,
            "the dispatcher lock is held by another process",
        )),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap()
    }

    #[test]
    fn a_claimed_row_is_not_taken_again_until_released() {
        let f = InFlight::new(None);
        assert_eq!(f.take(&[1, 2, 3], 2, at(0)), vec![1, 2]);
        assert_eq!(f.take(&[1, 2, 3, 4], 10, at(0)), vec![3, 4]);
        f.release([2]);
        assert_eq!(f.take(&[1, 2], 10, at(0)), vec![2]);
        assert_eq!(f.claimed(), 4);
    }

    #[test]
    fn claims_older_than_the_lease_expire_and_newer_ones_stay() {
        let f = InFlight::new(None);
        f.take(&[1], 1, at(0));
        f.take(&[2], 1, at(10));
        assert_eq!(f.expire(at(5)), 1);
        assert_eq!(f.take(&[1, 2], 10, at(20)), vec![1]);
    }

    #[test]
    fn a_second_holder_of_the_same_database_stands_by_until_the_first_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("d.db");
        let first = InFlight::new(Some(&db));
        let second = InFlight::new(Some(&db));
        assert!(first.dispatcher_lock());
        assert!(first.dispatcher_lock(), "taking it again is a no-op");
        assert!(!second.dispatcher_lock());
        drop(first);
        assert!(second.dispatcher_lock());
        assert!(dir.path().join("d.db-dispatcher.lock").exists());
    }

    #[test]
    fn an_in_memory_database_needs_no_lock() {
        assert!(InFlight::new(Some(std::path::Path::new(":memory:"))).dispatcher_lock());
        assert!(InFlight::new(None).dispatcher_lock());
    }
}
