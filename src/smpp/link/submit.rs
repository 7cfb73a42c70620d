//! A submission's journey: the job queued to a carrier, the ticket its
//! sender awaits, and every fate it can have. A job is never dropped
//! without its ticket learning why.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::oneshot;

use crate::smpp::pdu::{CommandStatus, ShortMessage};

/// What became of one submit_sm.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubmitOutcome {
    /// The SMSC accepted it and gave this `message_id` (§4.4.2).
    Accepted {
        /// As received; match receipts with `receipt::normalize`.
        message_id: String,
    },
    /// The SMSC refused it for good (not a throttling status).
    Rejected {
        /// The `command_status` of the submit_sm_resp or generic_nack.
        status: CommandStatus,
    },
    /// The PDU breaks a §5.2 limit and was never sent.
    Invalid {
        /// Why the encoder refused it.
        reason: String,
    },
    /// The link stopped before an answer came: the caller must keep the
    /// message and submit it again later (it may or may not have reached
    /// the SMSC if it was in the window at shutdown).
    Returned,
}

/// A queued submit_sm and where its fate goes.
#[derive(Debug)]
pub(crate) struct Job {
    pub sm: ShortMessage,
    pub reply: oneshot::Sender<SubmitOutcome>,
}

impl Job {
    /// A job and the ticket that learns its fate.
    pub fn new(sm: ShortMessage) -> (Job, Ticket) {
        let (reply, rx) = oneshot::channel();
        (Job { sm, reply }, Ticket(rx))
    }

    /// Tells the sender; a sender who stopped waiting is not an error.
    pub fn finish(self, outcome: SubmitOutcome) {
        let _ = self.reply.send(outcome);
    }
}

/// Resolves to the [`SubmitOutcome`] of one submission.
#[derive(Debug)]
pub struct Ticket(oneshot::Receiver<SubmitOutcome>);

impl Future for Ticket {
    type Output = SubmitOutcome;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<SubmitOutcome> {
        // A job dropped without an answer can only mean its task died; the
        // message must then go back to the caller rather than vanish.
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|r| r.unwrap_or(SubmitOutcome::Returned))
    }
}

/// Why a submission was not queued; the message comes back untouched.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SubmitError {
    /// The carrier is shutting down and takes no new work.
    #[error("the SMPP link is shutting down")]
    ShuttingDown(Box<ShortMessage>),
    /// `try_submit` found the queue full.
    #[error("the SMPP submit queue is full")]
    QueueFull(Box<ShortMessage>),
}

impl SubmitError {
    /// The message that was not queued.
    pub fn into_message(self) -> ShortMessage {
        match self {
            SubmitError::ShuttingDown(sm) | SubmitError::QueueFull(sm) => *sm,
        }
    }
}
