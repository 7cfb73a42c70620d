//! Making room in a full shard of the in-memory session store.
//!
//! Once a shard holds `per_shard` live sessions, every new dial must push
//! one out. Finding the session closest to expiry by scanning the shard for
//! each new dial cost O(shard) under the shard's lock: 6,250 entries with
//! the default 100,000 sessions, and a national service fills the store at
//! about 333 new dials/s with a 5-minute window. Here one scan picks the
//! next `batch` victims, soonest to expire first, and the following dials
//! take them one by one: a scan per `batch` evictions. A victim whose
//! session was saved again since (a caller still dialling) or removed is
//! skipped, so an active session is never evicted for a stale reason.

use super::session::Session;
use std::collections::HashMap;
use tokio::time::Instant;

/// One shard's sessions with their expiry instants.
pub(super) type Entries = HashMap<String, (Session, Instant)>;

/// The sessions to evict next, soonest-to-expire last (so `pop` takes it).
#[derive(Default)]
pub(super) struct Victims {
    next: Vec<(Instant, String)>,
    /// Scans of the whole shard so far (tests check the amortisation).
    scans: u64,
}

impl Victims {
    /// Frees at least one place in `entries`: every expired session if one
    /// scan finds any, else the live session closest to expiry. `batch`
    /// is how many victims one scan picks.
    pub(super) fn make_room(&mut self, entries: &mut Entries, now: Instant, batch: usize) {
        loop {
            while let Some((until, key)) = self.next.pop() {
                if entries.get(&key).is_some_and(|(_, u)| *u == until) {
                    entries.remove(&key);
                    count(until <= now, 1);
                    return;
                }
            }
            if self.scan(entries, now, batch.max(1)) {
                return;
            }
        }
    }

    /// Drops the expired sessions (true if any), else picks the next victims.
    fn scan(&mut self, entries: &mut Entries, now: Instant, batch: usize) -> bool {
        self.scans += 1;
        let before = entries.len();
        entries.retain(|_, (_, until)| *until > now);
        if entries.len() < before {
            count(true, before - entries.len());
            return true;
        }
        let mut all: Vec<(Instant, &String)> = entries.iter().map(|(k, (_, u))| (*u, k)).collect();
        let take = batch.min(all.len());
        if take == 0 {
            return true;
        }
        if take < all.len() {
            all.select_nth_unstable(take - 1);
        }
        all.truncate(take);
        all.sort_unstable_by(|a, b| b.cmp(a));
        self.next = all.into_iter().map(|(u, k)| (u, k.clone())).collect();
        false
    }

    /// Whole-shard scans so far.
    #[cfg(test)]
    pub(super) fn scans(&self) -> u64 {
        self.scans
    }
}

fn count(expired: bool, n: usize) {
    if expired {
        metrics::counter!("ussd_sessions_expired_total", "reason" => "ttl").increment(n as u64);
    } else {
        metrics::counter!("ussd_sessions_evicted_total").increment(n as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn full(n: u64, now: Instant) -> Entries {
        (0..n)
            .map(|i| {
                let s = Session::new("c", "svc", "fa", "main", 0);
                (format!("k{i}"), (s, now + Duration::from_secs(100 + i)))
            })
            .collect()
    }

    #[test]
    fn a_full_shard_gives_up_its_soonest_to_expire_sessions_in_order_with_one_scan_per_batch() {
        let now = Instant::now();
        let mut entries = full(640, now);
        let mut victims = Victims::default();
        for i in 0..20 {
            victims.make_room(&mut entries, now, 10);
            assert!(
                !entries.contains_key(&format!("k{i}")),
                "k{i} should be gone"
            );
            assert!(entries.contains_key(&format!("k{}", i + 1)));
        }
        assert_eq!(entries.len(), 620);
        assert_eq!(victims.scans(), 2);
    }

    #[test]
    fn a_victim_saved_again_or_removed_since_the_scan_is_skipped() {
        let now = Instant::now();
        let mut entries = full(100, now);
        let mut victims = Victims::default();
        victims.make_room(&mut entries, now, 5); // k0 goes; k1..k4 are next
        entries.get_mut("k1").unwrap().1 = now + Duration::from_secs(999);
        entries.remove("k2");
        victims.make_room(&mut entries, now, 5);
        assert!(
            entries.contains_key("k1"),
            "k1 was saved again: still dialling"
        );
        assert!(!entries.contains_key("k3"));
        assert_eq!(entries.len(), 97);
    }

    #[test]
    fn expired_sessions_go_first_all_at_once() {
        let now = Instant::now();
        let mut entries = full(10, now);
        let later = now + Duration::from_secs(104);
        let mut victims = Victims::default();
        victims.make_room(&mut entries, later, 3);
        assert_eq!(entries.len(), 5, "k0..k4 had expired");
        assert_eq!(victims.scans(), 1);
    }
}
