//! The sink's deliver_sm flow toward one ESME, run as an SMSC runs it: at
//! most `window` deliver_sm unanswered at once (SMPP windows work both
//! ways), the rest waiting their turn in order; one the ESME refuses
//! (ESME_RMSGQFUL, ESME_RX_T_APPN, …) is offered again on the next
//! redelivery tick, not at once.
//!
//! Without the window the sink sent a receipt straight after every
//! submit_sm_resp however many were unanswered, so an ESME that answers
//! receipts only once they are stored (dargah) refused everything past its
//! inbound window, and every tick the sink sent them all again: 14 refusals
//! per receipt in `scripts/bench dispatch`, which spent more of the two
//! cores on refusals than on the messages.

use crate::smpp::pdu::{Body, Pdu, ShortMessage};
use std::collections::{HashMap, VecDeque};

/// deliver_sm unanswered per connection unless told otherwise.
pub const DELIVER_WINDOW: usize = 1_000;

/// What became of an answered deliver_sm.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Answered {
    /// The ESME took it (ESME_ROK); its `esm_class` says receipt or MO.
    Taken {
        /// The deliver_sm's `esm_class`.
        esm_class: u8,
    },
    /// The ESME refused it; it will be offered again.
    Refused,
    /// Not a deliver_sm of ours (already answered, or never sent).
    Unknown,
}

/// One connection's deliver_sm: sent and unanswered, waiting for room in the
/// window, refused and waiting for the next tick.
#[derive(Debug)]
pub(super) struct Deliveries {
    window: usize,
    seq: u32,
    unacked: HashMap<u32, ShortMessage>,
    waiting: VecDeque<ShortMessage>,
    refused: Vec<ShortMessage>,
}

impl Deliveries {
    /// Nothing sent yet; at most `window` (at least 1) unanswered at once.
    pub fn new(window: usize) -> Self {
        Deliveries {
            window: window.max(1),
            seq: 0x4000_0000,
            unacked: HashMap::new(),
            waiting: VecDeque::new(),
            refused: Vec::new(),
        }
    }

    /// Queues `sm` and sends what the window has room for.
    pub fn offer(&mut self, sm: ShortMessage, out: &mut Vec<Pdu>) {
        self.waiting.push_back(sm);
        self.fill(out);
    }

    /// Takes the ESME's answer to `seq` (`ok`: ESME_ROK) and sends the next
    /// waiting one into the freed slot.
    pub fn answered(&mut self, seq: u32, ok: bool, out: &mut Vec<Pdu>) -> Answered {
        let Some(sm) = self.unacked.remove(&seq) else {
            return Answered::Unknown;
        };
        let answered = if ok {
            Answered::Taken {
                esm_class: sm.esm_class,
            }
        } else {
            self.refused.push(sm);
            Answered::Refused
        };
        self.fill(out);
        answered
    }

    /// The redelivery tick: refused ones go back ahead of the waiting ones.
    pub fn redeliver(&mut self, out: &mut Vec<Pdu>) {
        for sm in self.refused.drain(..).rev() {
            self.waiting.push_front(sm);
        }
        self.fill(out);
    }

    /// Everything not yet taken: unanswered, waiting and refused.
    pub fn into_untaken(self) -> impl Iterator<Item = ShortMessage> {
        let unacked = self.unacked.into_values();
        unacked.chain(self.waiting).chain(self.refused)
    }

    fn fill(&mut self, out: &mut Vec<Pdu>) {
        while self.unacked.len() < self.window {
            let Some(sm) = self.waiting.pop_front() else {
                return;
            };
            self.seq = self.seq.wrapping_add(1).max(1);
            out.push(Pdu::new(self.seq, Body::DeliverSm(sm.clone())));
            self.unacked.insert(self.seq, sm);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn sm(n: u8) -> ShortMessage {
        ShortMessage {
            short_message: Bytes::from(vec![n]),
            ..ShortMessage::default()
        }
    }

    fn texts(out: &[Pdu]) -> Vec<u8> {
        out.iter()
            .map(|p| match &p.body {
                Body::DeliverSm(sm) => sm.short_message[0],
                other => panic!("not a deliver_sm: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn no_more_than_the_window_is_unanswered_and_each_answer_frees_one_slot() {
        let (mut d, mut out) = (Deliveries::new(2), Vec::new());
        for n in 1..=4 {
            d.offer(sm(n), &mut out);
        }
        assert_eq!(texts(&out), [1, 2]);
        let first = out[0].sequence_number;
        out.clear();
        assert_eq!(
            d.answered(first, true, &mut out),
            Answered::Taken { esm_class: 0 }
        );
        assert_eq!(texts(&out), [3]);
    }

    #[test]
    fn a_refused_delivery_waits_for_the_tick_and_then_goes_first() {
        let (mut d, mut out) = (Deliveries::new(1), Vec::new());
        d.offer(sm(1), &mut out);
        d.offer(sm(2), &mut out);
        let first = out[0].sequence_number;
        out.clear();
        assert_eq!(d.answered(first, false, &mut out), Answered::Refused);
        assert_eq!(
            texts(&out),
            [2],
            "the freed slot goes to the next waiting one"
        );
        let second = out[0].sequence_number;
        out.clear();
        d.redeliver(&mut out);
        assert!(out.is_empty(), "the window is full until 2 is answered");
        assert_eq!(
            d.answered(second, true, &mut out),
            Answered::Taken { esm_class: 0 }
        );
        assert_eq!(texts(&out), [1]);
    }

    #[test]
    fn an_answer_to_an_unknown_sequence_number_changes_nothing() {
        let (mut d, mut out) = (Deliveries::new(1), Vec::new());
        d.offer(sm(1), &mut out);
        let seq = out[0].sequence_number;
        assert_eq!(d.answered(seq + 1, true, &mut out), Answered::Unknown);
        assert_eq!(d.into_untaken().count(), 1);
    }

    #[test]
    fn whatever_was_not_taken_is_handed_back() {
        let (mut d, mut out) = (Deliveries::new(1), Vec::new());
        for n in 1..=3 {
            d.offer(sm(n), &mut out);
        }
        let seq = out[0].sequence_number;
        d.answered(seq, false, &mut out);
        let mut left: Vec<u8> = d.into_untaken().map(|s| s.short_message[0]).collect();
        left.sort_unstable();
        assert_eq!(left, [1, 2, 3]);
    }
}
