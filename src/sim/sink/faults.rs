//! Misbehaviour the sink can be told to show, for the dispatcher's fault
//! tests: hanging up mid-window with submits left unanswered, and storms of
//! ESME_RTHROTTLED / ESME_RMSGQFUL. The default shows none.

use crate::smpp::pdu::CommandStatus;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// What the sink does wrong; `Faults::default()` is a well-behaved sink.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Connection drops in all (0: never).
    pub drops: usize,
    /// A connection is dropped once it has answered this many submit_sm…
    pub drop_after: usize,
    /// …and then read this many more without answering them.
    pub hold: usize,
    /// Throttling storms, if any.
    pub storm: Option<Storm>,
}

/// Storm `k` (1..=`count`) answers every submit_sm with an error from
/// `k × every` to `k × every + length` after the sink started: odd storms
/// ESME_RTHROTTLED, even ones ESME_RMSGQFUL.
#[derive(Debug, Clone, Copy)]
pub struct Storm {
    /// From one storm's start to the next.
    pub every: Duration,
    /// How long each storm lasts.
    pub length: Duration,
    /// How many storms.
    pub count: u32,
}

impl Storm {
    /// The error to answer with `elapsed` after the start, if a storm is on.
    pub(super) fn status(&self, elapsed: Duration) -> Option<CommandStatus> {
        if self.every.is_zero() {
            return None;
        }
        let k = elapsed.as_nanos() / self.every.as_nanos();
        let phase = elapsed.saturating_sub(self.every * k as u32);
        let on = k >= 1 && k <= u128::from(self.count) && phase < self.length;
        let status = if k % 2 == 1 {
            CommandStatus::ESME_RTHROTTLED
        } else {
            CommandStatus::ESME_RMSGQFUL
        };
        on.then_some(status)
    }
}

/// One connection's progress towards its drop.
#[derive(Debug, Default)]
pub(super) struct DropState {
    answered: usize,
    dropping: bool,
    held: usize,
}

/// What to do with a submit_sm that is not throttled.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    Answer,
    Hold,
    /// Hold this one and hang up.
    HoldAndHangUp,
}

impl DropState {
    /// Decides for the next submit_sm on this connection; `done` counts the
    /// drops claimed by every connection.
    pub(super) fn next(&mut self, f: &Faults, done: &AtomicUsize) -> Verdict {
        if !self.dropping && f.hold > 0 && self.answered >= f.drop_after {
            self.dropping = done
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |d| {
                    (d < f.drops).then_some(d + 1)
                })
                .is_ok();
        }
        if !self.dropping {
            self.answered += 1;
            return Verdict::Answer;
        }
        self.held += 1;
        if self.held >= f.hold {
            Verdict::HoldAndHangUp
        } else {
            Verdict::Hold
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storms_start_after_one_period_alternate_and_stop_after_their_count() {
        let s = Storm {
            every: Duration::from_secs(2),
            length: Duration::from_millis(500),
            count: 2,
        };
        let at = |ms| s.status(Duration::from_millis(ms));
        assert_eq!(at(100), None);
        assert_eq!(at(2100), Some(CommandStatus::ESME_RTHROTTLED));
        assert_eq!(at(2600), None);
        assert_eq!(at(4400), Some(CommandStatus::ESME_RMSGQFUL));
        assert_eq!(at(6100), None);
    }

    #[test]
    fn a_connection_answers_then_holds_then_hangs_up_while_drops_remain() {
        let f = Faults {
            drops: 1,
            drop_after: 2,
            hold: 2,
            storm: None,
        };
        let done = AtomicUsize::new(0);
        let mut c = DropState::default();
        let verdicts: Vec<_> = (0..4).map(|_| c.next(&f, &done)).collect();
        assert_eq!(
            verdicts,
            [
                Verdict::Answer,
                Verdict::Answer,
                Verdict::Hold,
                Verdict::HoldAndHangUp
            ]
        );
        let mut next = DropState::default();
        assert!((0..10).all(|_| next.next(&f, &done) == Verdict::Answer));
    }
}
