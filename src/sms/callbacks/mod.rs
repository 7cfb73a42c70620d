//! Client callbacks for message state changes.
//!
//! A trigger on `sms_outbox` records a pending callback in `sms_callbacks`
//! in the same transaction as the state change a client asked about (JSON
//! clients: every final state; Kannel clients: what their `dlr-mask`
//! selects), so no change is missed whoever makes it. The worker here
//! claims due callbacks (PostgreSQL `FOR UPDATE SKIP LOCKED`, so several
//! nodes share them), calls the client's URL (see [`call`]), records every
//! attempt, retries failures with exponential backoff and gives up after
//! `attempts`. A claim hides a callback for one lease; a node that dies
//! while calling leaves it due again after that (a client may then be
//! called twice, never not at all).

pub mod call;
pub mod escape;
mod settings;
pub(crate) mod sql;
mod store;

pub use crate::sms::delivery::{Attempt, Next};
pub use settings::CallbackSettings;
pub use store::{CallbackStore, PendingCallback, SharedCallbackStore};

use crate::sms::delivery::worker::{self, Deliveries, Pace};
use call::Call;
use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

/// The callback worker.
#[derive(Clone)]
pub struct CallbackWorker {
    store: SharedCallbackStore,
    settings: CallbackSettings,
    http: reqwest::Client,
}

impl CallbackWorker {
    /// A worker over `store`, calling out with `http` (see
    /// [`crate::http::outbound::client`]).
    pub fn new(
        store: SharedCallbackStore,
        settings: CallbackSettings,
        http: reqwest::Client,
    ) -> Self {
        CallbackWorker {
            store,
            settings,
            http,
        }
    }

    /// Claims and calls until `cancel`; the calls in flight then finish.
    pub async fn run(self, cancel: CancellationToken) {
        let pace = Pace {
            concurrency: self.settings.concurrency,
            poll_interval: self.settings.poll_interval,
            timeout: self.settings.timeout,
        };
        worker::run(self, pace, cancel).await;
    }
}

#[async_trait::async_trait]
impl Deliveries for CallbackWorker {
    type Job = PendingCallback;
    const WHAT: &'static str = "SMS callbacks";

    async fn claim(
        &self,
        limit: u32,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> crate::registry::Result<Vec<PendingCallback>> {
        self.store.claim_callbacks(limit, now, lease_until).await
    }

    /// Calls one client and records the attempt.
    async fn deliver(&self, p: PendingCallback) {
        let outcome = Call::new(&p).send(&self.http).await;
        let attempt = Attempt::judged(&self.settings.policy(), p.id, p.attempts, &outcome);
        metrics::counter!("dargah_sms_callbacks_total", "result" => attempt.label()).increment(1);
        if attempt.next == Next::GiveUp {
            tracing::warn!(callback = p.id, message = p.outbox_id, url = %p.url,
                attempts = p.attempts, error = ?attempt.error, "SMS callback given up");
        }
        if let Err(e) = self.store.record_attempt(&attempt).await {
            // Unrecorded, the claim's lease makes the callback due again.
            tracing::warn!(error = %e, callback = p.id, "cannot record an SMS callback attempt");
        }
    }
}
