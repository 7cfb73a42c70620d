//! MO forwarding to the web side, like Kannel's sms-service `get-url` /
//! `post-url`.
//!
//! An MO message that no keyword claims is marked `forwarding` and gets a
//! pending row in `sms_mo_forwards` in the same transaction (only while
//! `[sms.mo_forward] url` is set; otherwise it stays `unclaimed`). The
//! worker here claims due forwards (PostgreSQL `FOR UPDATE SKIP LOCKED`, so
//! several nodes share them), calls the URL (see [`request`]), records every
//! attempt in `sms_mo_forward_attempts`, retries 5xx, 408, 429 and transport
//! errors with exponential backoff and gives up at once on other 4xx or
//! after `attempts`; the message then becomes `forwarded` or
//! `forward_failed`. A claim hides a forward for one lease: pending and
//! claimed forwards survive a restart or a dead node and are sent then (the
//! web side may see a message twice, with the same `id`, never not at all).

pub mod answer;
pub mod escape;
pub mod request;
mod settings;
pub(crate) mod sql;
mod store;

pub use settings::{ForwardMethod, MoForwardSettings};
pub use store::{ForwardAttempt, MoForwardStore, PendingForward, SharedMoForwardStore};

use crate::sms::delivery::worker::{self, Deliveries, Pace};
use crate::sms::delivery::{Attempt, Next};
use crate::sms::outbox::SharedOutbox;
use chrono::{DateTime, Utc};
use request::Target;
use tokio_util::sync::CancellationToken;

/// The forward worker.
#[derive(Clone)]
pub struct MoForwarder {
    store: SharedMoForwardStore,
    outbox: SharedOutbox,
    settings: MoForwardSettings,
    target: Target,
    http: reqwest::Client,
    max_parts: usize,
}

/// Why the worker could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MoForwardError {
    /// No URL: forwarding is off.
    #[error("no url")]
    Disabled,
    /// A header or the token cannot be sent.
    #[error("{0}")]
    Header(String),
}

impl MoForwarder {
    /// A worker; replies (`settings.reply`) are limited to `max_parts`.
    pub fn new(
        store: SharedMoForwardStore,
        outbox: SharedOutbox,
        settings: MoForwardSettings,
        max_parts: usize,
        http: reqwest::Client,
    ) -> Result<Self, MoForwardError> {
        let target = Target::new(&settings)
            .map_err(MoForwardError::Header)?
            .ok_or(MoForwardError::Disabled)?;
        Ok(MoForwarder {
            store,
            outbox,
            settings,
            target,
            http,
            max_parts,
        })
    }

    /// Claims and forwards until `cancel`; the calls in flight then finish.
    pub async fn run(self, cancel: CancellationToken) {
        let pace = Pace {
            concurrency: self.settings.concurrency,
            poll_interval: self.settings.poll_interval,
            timeout: self.settings.timeout,
        };
        worker::run(self, pace, cancel).await;
    }

    /// After a 2xx: the reply SMS, if the answer asks for one. `Err` when it
    /// could not be enqueued (the attempt is then left to the lease).
    async fn reply(&self, p: &PendingForward, text: Option<String>) -> Result<Option<i64>, ()> {
        let Some(text) = text else { return Ok(None) };
        answer::reply(&self.outbox, self.max_parts, p, &text)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, inbox_id = p.inbox_id, "the web side's answer not enqueued");
            })
    }
}

#[async_trait::async_trait]
impl Deliveries for MoForwarder {
    type Job = PendingForward;
    const WHAT: &'static str = "MO forwards";

    async fn claim(
        &self,
        limit: u32,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> crate::registry::Result<Vec<PendingForward>> {
        self.store.claim_forwards(limit, now, lease_until).await
    }

    /// Forwards one message and records the attempt.
    async fn deliver(&self, p: PendingForward) {
        let (outcome, text) = match self.target.send(&self.http, &p, self.settings.reply).await {
            Ok((status, text)) => (Ok(status), text),
            Err(e) => (Err(e), None),
        };
        let attempt = Attempt::judged(&self.settings.policy(), p.inbox_id, p.attempts, &outcome);
        let reply = match attempt.next {
            Next::Sent => match self.reply(&p, text).await {
                Ok(r) => r,
                Err(()) => return,
            },
            _ => None,
        };
        metrics::counter!("dargah_sms_mo_forwards_total", "result" => attempt.label()).increment(1);
        if attempt.next == Next::GiveUp {
            tracing::warn!(inbox_id = p.inbox_id, attempts = p.attempts,
                error = ?attempt.error, "MO forward given up");
        }
        let record = ForwardAttempt { attempt, reply };
        if let Err(e) = self.store.record_forward(&record).await {
            // Unrecorded, the claim's lease makes the forward due again.
            tracing::warn!(error = %e, inbox_id = p.inbox_id, "cannot record an MO forward attempt");
        }
    }
}
