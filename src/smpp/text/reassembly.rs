//! Reassembling incoming concatenated SMS (UDH or SAR), in any order, with
//! duplicates ignored, a timeout for parts that never come, and a bound on
//! the memory held for incomplete messages.
//!
//! Works on encoded octets: parts are joined before decoding, so a peer that
//! cut a surrogate pair or an escape sequence in two still yields good text.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::udh;
use crate::smpp::pdu::ShortMessage;

/// One part of a concatenated message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// Reference shared by the parts.
    pub reference: u16,
    /// Number of parts.
    pub total: u8,
    /// This part, 1-based.
    pub seqnum: u8,
    /// The octets of this part, UDH removed.
    pub data: Bytes,
}

/// The fragment a deliver_sm carries: from the UDH when UDHI is set,
/// else from SAR TLVs; `None` for a message that is whole.
pub fn fragment_of(sm: &ShortMessage) -> Result<Option<Fragment>, udh::UdhError> {
    if sm.esm_class & 0x40 != 0 {
        let (concat, payload) = udh::parse(&sm.short_message)?;
        return Ok(concat.map(|c| Fragment {
            reference: c.reference,
            total: c.total,
            seqnum: c.seqnum,
            data: sm.short_message.slice_ref(payload),
        }));
    }
    Ok(sm.tlvs.sar().map(|s| Fragment {
        reference: s.reference,
        total: s.total,
        seqnum: s.seqnum,
        data: sm.short_message.clone(),
    }))
}

/// Bounds for a [`Reassembler`].
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long the first part of a message waits for the others.
    pub timeout: Duration,
    /// Octets held across all incomplete messages.
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(300),
            max_bytes: 4 * 1024 * 1024,
        }
    }
}

/// What one pushed fragment led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// All parts are in: the joined octets, in part order.
    Complete(Vec<u8>),
    /// Waiting for more parts.
    Pending,
    /// This part was already held; ignored.
    Duplicate,
    /// A part that cannot belong to any message (seqnum 0 or above total,
    /// total 0) or is alone larger than the memory bound.
    Invalid,
}

/// Who sent the parts: references are only unique per sender and recipient.
pub type Origin = (Bytes, Bytes);

type Key = (Origin, u16, u8);

struct Pending {
    first_seen: Instant,
    parts: Vec<Option<Bytes>>,
    held: usize,
    bytes: usize,
}

/// Incomplete messages, keyed by sender, recipient, reference and total.
pub struct Reassembler {
    limits: Limits,
    pending: HashMap<Key, Pending>,
    bytes: usize,
    evicted: u64,
}

impl Reassembler {
    /// An empty reassembler.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            pending: HashMap::new(),
            bytes: 0,
            evicted: 0,
        }
    }

    /// Adds a fragment received at `now`.
    pub fn push(&mut self, origin: Origin, f: Fragment, now: Instant) -> Outcome {
        let impossible = f.total == 0 || f.seqnum == 0 || f.seqnum > f.total;
        if impossible || f.data.len() > self.limits.max_bytes {
            return Outcome::Invalid;
        }
        self.expire(now);
        self.make_room(f.data.len());
        let key = (origin, f.reference, f.total);
        let entry = self.pending.entry(key.clone()).or_insert_with(|| Pending {
            first_seen: now,
            parts: vec![None; usize::from(f.total)],
            held: 0,
            bytes: 0,
        });
        let slot = &mut entry.parts[usize::from(f.seqnum) - 1];
        if slot.is_some() {
            return Outcome::Duplicate;
        }
        entry.held += 1;
        entry.bytes += f.data.len();
        self.bytes += f.data.len();
        *slot = Some(f.data);
        if entry.held < entry.parts.len() {
            return Outcome::Pending;
        }
        self.finish(&key)
    }

    fn finish(&mut self, key: &Key) -> Outcome {
        let Some(done) = self.pending.remove(key) else {
            return Outcome::Pending;
        };
        self.bytes -= done.bytes;
        let mut out = Vec::with_capacity(done.bytes);
        done.parts
            .iter()
            .flatten()
            .for_each(|p| out.extend_from_slice(p));
        Outcome::Complete(out)
    }

    /// Drops messages whose first part is older than the timeout; returns how many.
    pub fn expire(&mut self, now: Instant) -> usize {
        let timeout = self.limits.timeout;
        let before = self.pending.len();
        let mut freed = 0;
        self.pending.retain(|_, p| {
            let keep = now.saturating_duration_since(p.first_seen) < timeout;
            if !keep {
                freed += p.bytes;
            }
            keep
        });
        self.bytes -= freed;
        before - self.pending.len()
    }

    /// Evicts the oldest incomplete messages until `incoming` more octets fit.
    fn make_room(&mut self, incoming: usize) {
        while self.bytes + incoming > self.limits.max_bytes {
            let oldest = self
                .pending
                .iter()
                .min_by_key(|(_, p)| p.first_seen)
                .map(|(k, _)| k.clone());
            let Some(p) = oldest.and_then(|k| self.pending.remove(&k)) else {
                return;
            };
            self.bytes -= p.bytes;
            self.evicted += 1;
        }
    }

    /// Octets currently held.
    pub fn held_bytes(&self) -> usize {
        self.bytes
    }

    /// Incomplete messages currently held.
    pub fn pending_messages(&self) -> usize {
        self.pending.len()
    }

    /// Incomplete messages dropped to respect the memory bound.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frag(reference: u16, total: u8, seqnum: u8, data: &'static [u8]) -> Fragment {
        Fragment {
            reference,
            total,
            seqnum,
            data: Bytes::from_static(data),
        }
    }

    fn origin() -> Origin {
        (
            Bytes::from_static(b"989121234567"),
            Bytes::from_static(b"6090"),
        )
    }

    #[test]
    fn parts_in_reverse_order_with_a_duplicate_reassemble_once() {
        let mut r = Reassembler::new(Limits::default());
        let now = Instant::now();
        assert_eq!(r.push(origin(), frag(9, 3, 3, b"C"), now), Outcome::Pending);
        assert_eq!(r.push(origin(), frag(9, 3, 1, b"A"), now), Outcome::Pending);
        assert_eq!(
            r.push(origin(), frag(9, 3, 1, b"A"), now),
            Outcome::Duplicate
        );
        assert_eq!(
            r.push(origin(), frag(9, 3, 2, b"B"), now),
            Outcome::Complete(b"ABC".to_vec())
        );
        assert_eq!((r.pending_messages(), r.held_bytes()), (0, 0));
    }

    #[test]
    fn parts_that_never_complete_expire_after_the_timeout() {
        let limits = Limits {
            timeout: Duration::from_secs(10),
            max_bytes: 1024,
        };
        let mut r = Reassembler::new(limits);
        let t0 = Instant::now();
        r.push(origin(), frag(1, 2, 1, b"half"), t0);
        assert_eq!(r.expire(t0 + Duration::from_secs(9)), 0);
        assert_eq!(r.expire(t0 + Duration::from_secs(10)), 1);
        assert_eq!(r.held_bytes(), 0);
    }

    #[test]
    fn the_oldest_message_is_evicted_when_memory_runs_out() {
        let limits = Limits {
            timeout: Duration::from_secs(60),
            max_bytes: 8,
        };
        let mut r = Reassembler::new(limits);
        let t0 = Instant::now();
        r.push(origin(), frag(1, 2, 1, b"aaaa"), t0);
        r.push(
            origin(),
            frag(2, 2, 1, b"bbbb"),
            t0 + Duration::from_secs(1),
        );
        r.push(
            origin(),
            frag(3, 2, 1, b"cccc"),
            t0 + Duration::from_secs(2),
        );
        assert_eq!(r.evicted(), 1);
        assert!(r.held_bytes() <= 8);
        assert_eq!(
            r.push(origin(), frag(1, 2, 2, b"x"), t0 + Duration::from_secs(3)),
            Outcome::Pending
        );
    }

    #[test]
    fn impossible_sequence_numbers_are_rejected() {
        let mut r = Reassembler::new(Limits::default());
        assert_eq!(
            r.push(origin(), frag(1, 2, 3, b"x"), Instant::now()),
            Outcome::Invalid
        );
        assert_eq!(
            r.push(origin(), frag(1, 0, 0, b"x"), Instant::now()),
            Outcome::Invalid
        );
    }
}
