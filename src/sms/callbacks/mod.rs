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

pub use settings::CallbackSettings;
pub use store::{Attempt, CallbackStore, Next, PendingCallback, SharedCallbackStore};

use call::Call;
use chrono::Utc;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Pause after a database error before claiming again.
const ERROR_PAUSE: Duration = Duration::from_secs(1);

/// How long past its timeout a claimed call stays hidden from other nodes.
const LEASE_MARGIN: Duration = Duration::from_secs(30);

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
        while !cancel.is_cancelled() {
            let pause = match self.round().await {
                Ok(n) if n == self.settings.concurrency.max(1) as usize => Duration::ZERO,
                Ok(_) => self.settings.poll_interval,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot claim SMS callbacks");
                    ERROR_PAUSE
                }
            };
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = cancel.cancelled() => {}
            }
        }
    }

    /// One claim and its calls; returns how many were claimed.
    async fn round(&self) -> crate::registry::Result<usize> {
        let now = Utc::now();
        let lease =
            chrono::Duration::from_std(self.settings.timeout + LEASE_MARGIN).unwrap_or_default();
        let claimed = self
            .store
            .claim_callbacks(self.settings.concurrency.max(1), now, now + lease)
            .await?;
        let n = claimed.len();
        let mut calls = JoinSet::new();
        for p in claimed {
            let w = self.clone();
            calls.spawn(async move { w.deliver(p).await });
        }
        while calls.join_next().await.is_some() {}
        Ok(n)
    }

    /// Calls one client and records the attempt.
    async fn deliver(&self, p: PendingCallback) {
        let outcome = Call::new(&p).send(&self.http).await;
        let attempt = self.attempt(&p, outcome);
        let result = match attempt.next {
            Next::Sent => "sent",
            Next::Retry(_) => "retried",
            Next::GiveUp => "given_up",
        };
        metrics::counter!("dargah_sms_callbacks_total", "result" => result).increment(1);
        if attempt.next == Next::GiveUp {
            tracing::warn!(callback = p.id, message = p.outbox_id, url = %p.url,
                attempts = p.attempts, error = ?attempt.error, "SMS callback given up");
        }
        if let Err(e) = self.store.record_attempt(&attempt).await {
            // Unrecorded, the claim's lease makes the callback due again.
            tracing::warn!(error = %e, callback = p.id, "cannot record an SMS callback attempt");
        }
    }

    fn attempt(
        &self,
        p: &PendingCallback,
        outcome: reqwest::Result<reqwest::StatusCode>,
    ) -> Attempt {
        let at = Utc::now();
        let (status_code, error) = match outcome {
            Ok(s) if s.is_success() => (Some(s.as_u16()), None),
            Ok(s) => (Some(s.as_u16()), Some(format!("HTTP {s}"))),
            Err(e) => (None, Some(describe(&e))),
        };
        let number = u32::try_from(p.attempts).unwrap_or(u32::MAX);
        let next = if error.is_none() {
            Next::Sent
        } else if number >= self.settings.attempts {
            Next::GiveUp
        } else {
            let pause =
                chrono::Duration::from_std(self.settings.backoff(number)).unwrap_or_default();
            Next::Retry(at + pause)
        };
        Attempt {
            callback_id: p.id,
            number: p.attempts,
            at,
            status_code,
            error,
            next,
        }
    }
}

/// A transport error with its causes (reqwest's own text is terse).
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
