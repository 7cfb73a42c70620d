//! Where sessions live between hops: the [`SessionStore`] trait and the
//! in-memory default (sharded, TTL eviction, bounded size).
//!
//! The trait speaks in whole [`Session`] values keyed by MSISDN so a Redis
//! store can serialise them without the engine knowing.

use super::evict::{Entries, Victims};
use super::session::Session;
use serde::Deserialize;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// A boxed future, so stores and actions can be trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a store could not serve a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The backend failed (connection lost, bad data).
    #[error("session store unavailable: {0}")]
    Unavailable(String),
}

/// Keeps one session per MSISDN, each for a limited time.
pub trait SessionStore: Send + Sync + 'static {
    /// The session of `msisdn`, if one is live.
    fn load<'a>(&'a self, msisdn: &'a str) -> BoxFuture<'a, Result<Option<Session>, StoreError>>;
    /// Stores (replacing) the session of `msisdn` for `ttl`.
    fn save<'a>(
        &'a self,
        msisdn: &'a str,
        session: Session,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Forgets the session of `msisdn`.
    fn remove<'a>(&'a self, msisdn: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;
    /// The carrier session id of `msisdn`'s session, if one is live. The
    /// cumulative HTTP dialect asks on every hop before the hop loads the
    /// session; a store may answer without copying the whole session.
    fn carrier_session<'a>(
        &'a self,
        msisdn: &'a str,
    ) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
        Box::pin(async move { Ok(self.load(msisdn).await?.map(|s| s.carrier_session)) })
    }
}

/// Bounds of the in-memory store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MemoryStoreSettings {
    /// Independent locks, so hops of different citizens rarely wait on each other.
    pub shards: usize,
    /// Most live sessions; past it the soonest-to-expire is evicted.
    pub max_sessions: usize,
}

impl Default for MemoryStoreSettings {
    fn default() -> Self {
        MemoryStoreSettings {
            shards: 16,
            max_sessions: 100_000,
        }
    }
}

/// One lock's share of the sessions, and who goes next when it is full.
#[derive(Default)]
struct ShardMap {
    entries: Entries,
    victims: Victims,
}

type Shard = Mutex<ShardMap>;

/// The default store: a sharded map with expiry instants, no background task.
pub struct MemoryStore {
    shards: Vec<Shard>,
    per_shard: usize,
}

impl MemoryStore {
    /// An empty store within `settings`.
    pub fn new(settings: MemoryStoreSettings) -> Self {
        let n = settings.shards.max(1);
        MemoryStore {
            shards: (0..n).map(|_| Mutex::default()).collect(),
            per_shard: settings.max_sessions.div_ceil(n).max(1),
        }
    }

    /// Live sessions right now (expired ones not yet swept included).
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).entries.len()).sum()
    }

    /// Whether no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn shard(&self, key: &str) -> &Shard {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let h = BuildHasherDefault::<DefaultHasher>::default().hash_one(key);
        &self.shards[(h as usize) % self.shards.len()]
    }

    fn insert(&self, key: &str, session: Session, ttl: Duration) {
        let now = Instant::now();
        let mut shard = lock(self.shard(key));
        let ShardMap { entries, victims } = &mut *shard;
        if entries.len() >= self.per_shard && !entries.contains_key(key) {
            // A scan per 1/64 of the shard's evictions (see `evict`).
            victims.make_room(entries, now, self.per_shard / 64);
        }
        entries.insert(key.to_owned(), (session, now + ttl));
    }
}

fn lock(shard: &Shard) -> std::sync::MutexGuard<'_, ShardMap> {
    // A panic while holding the lock cannot leave a half-written entry, so the data stays usable.
    shard
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl MemoryStore {
    /// `read` of the live session of `msisdn`; an expired one is dropped.
    fn live<T>(&self, msisdn: &str, read: impl FnOnce(&Session) -> T) -> Option<T> {
        let mut shard = lock(self.shard(msisdn));
        let map = &mut shard.entries;
        match map.get(msisdn) {
            Some((s, until)) if *until > Instant::now() => Some(read(s)),
            Some(_) => {
                map.remove(msisdn);
                metrics::counter!("ussd_sessions_expired_total", "reason" => "ttl").increment(1);
                None
            }
            None => None,
        }
    }
}

impl SessionStore for MemoryStore {
    fn load<'a>(&'a self, msisdn: &'a str) -> BoxFuture<'a, Result<Option<Session>, StoreError>> {
        Box::pin(async move { Ok(self.live(msisdn, Session::clone)) })
    }

    fn carrier_session<'a>(
        &'a self,
        msisdn: &'a str,
    ) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
        Box::pin(async move { Ok(self.live(msisdn, |s| s.carrier_session.clone())) })
    }

    fn save<'a>(
        &'a self,
        msisdn: &'a str,
        session: Session,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.insert(msisdn, session, ttl);
            Ok(())
        })
    }

    fn remove<'a>(&'a self, msisdn: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            lock(self.shard(msisdn)).entries.remove(msisdn);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: &str) -> Session {
        Session::new(id, "svc", "fa", "main", 0)
    }

    #[tokio::test(start_paused = true)]
    async fn sessions_expire_after_their_ttl() {
        let store = MemoryStore::new(MemoryStoreSettings::default());
        store
            .save("98912", session("a"), Duration::from_secs(60))
            .await
            .unwrap();
        tokio::time::advance(Duration::from_secs(59)).await;
        assert!(store.load("98912").await.unwrap().is_some());
        tokio::time::advance(Duration::from_secs(2)).await;
        assert!(store.load("98912").await.unwrap().is_none());
        assert!(store.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_store_evicts_the_session_closest_to_expiry() {
        let store = MemoryStore::new(MemoryStoreSettings {
            shards: 1,
            max_sessions: 2,
        });
        store
            .save("a", session("a"), Duration::from_secs(10))
            .await
            .unwrap();
        store
            .save("b", session("b"), Duration::from_secs(100))
            .await
            .unwrap();
        store
            .save("c", session("c"), Duration::from_secs(100))
            .await
            .unwrap();
        assert_eq!(store.len(), 2);
        assert!(store.load("a").await.unwrap().is_none());
        assert!(store.load("b").await.unwrap().is_some());
    }

    #[tokio::test]
    async fn a_new_save_replaces_and_remove_forgets() {
        let store = MemoryStore::new(MemoryStoreSettings::default());
        store
            .save("m", session("one"), Duration::from_secs(60))
            .await
            .unwrap();
        store
            .save("m", session("two"), Duration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(
            store.load("m").await.unwrap().unwrap().carrier_session,
            "two"
        );
        store.remove("m").await.unwrap();
        assert!(store.load("m").await.unwrap().is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn the_carrier_session_is_that_of_the_live_session_only() {
        let store = MemoryStore::new(MemoryStoreSettings::default());
        assert_eq!(store.carrier_session("m").await.unwrap(), None);
        store
            .save("m", session("one"), Duration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(
            store.carrier_session("m").await.unwrap().as_deref(),
            Some("one")
        );
        tokio::time::advance(Duration::from_secs(61)).await;
        assert_eq!(store.carrier_session("m").await.unwrap(), None);
        assert!(store.is_empty());
    }
}
