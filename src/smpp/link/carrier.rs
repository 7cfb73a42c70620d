//! A carrier: its queues, its binds (one task each, reconnecting with
//! backoff), and the [`Carrier`] handle that submits to them.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, info, info_span, warn};

use super::backoff::{Backoff, jitter};
use super::bind;
use super::feed::{Feed, limiter};
use super::inbound::Delivery;
use super::metrics::{BindMetrics, BindState};
use super::session::{End, Seq, Session};
use super::settings::CarrierSettings;
use super::submit::{Job, SubmitError, SubmitOutcome, Ticket};
use super::ussd::{UssdReply, UssdSession, reply_message};
use super::ussd_profile::UssdProfile;
use crate::smpp::pdu::ShortMessage;

/// Submissions waiting per carrier before `submit` waits for room.
const QUEUE: usize = 8192;

pub(crate) struct CarrierInner {
    pub name: Arc<str>,
    pub settings: CarrierSettings,
    pub profile: UssdProfile,
    pub queue_tx: flume::Sender<Job>,
    pub priority_tx: flume::Sender<Job>,
    feed: Feed,
    bound: AtomicUsize,
    cancel: CancellationToken,
}

/// Handle to one carrier's links; cheap to clone.
#[derive(Clone)]
pub struct Carrier(Arc<CarrierInner>);

impl std::fmt::Debug for Carrier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Carrier")
            .field("name", &self.0.name)
            .finish()
    }
}

impl Carrier {
    /// The name of the `[carriers.NAME]` table.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The USSD profile of this carrier.
    pub fn ussd_profile(&self) -> &UssdProfile {
        &self.0.profile
    }

    /// Binds currently bound.
    pub fn bound(&self) -> usize {
        self.0.bound.load(Ordering::Relaxed)
    }

    /// Queues a submit_sm (waiting while the queue is full); the ticket
    /// resolves to its fate. Refused once shutdown began.
    pub async fn submit(&self, sm: ShortMessage) -> Result<Ticket, SubmitError> {
        if self.0.cancel.is_cancelled() {
            return Err(SubmitError::ShuttingDown(Box::new(sm)));
        }
        let (job, ticket) = Job::new(sm);
        if let Err(flume::SendError(job)) = self.0.queue_tx.send_async(job).await {
            return Err(SubmitError::ShuttingDown(Box::new(job.sm)));
        }
        self.after_enqueue();
        Ok(ticket)
    }

    /// Like [`Carrier::submit`] but fails at once when the queue is full.
    pub fn try_submit(&self, sm: ShortMessage) -> Result<Ticket, SubmitError> {
        if self.0.cancel.is_cancelled() {
            return Err(SubmitError::ShuttingDown(Box::new(sm)));
        }
        let (job, ticket) = Job::new(sm);
        match self.0.queue_tx.try_send(job) {
            Ok(()) => {
                self.after_enqueue();
                Ok(ticket)
            }
            Err(flume::TrySendError::Full(j)) => Err(SubmitError::QueueFull(Box::new(j.sm))),
            Err(flume::TrySendError::Disconnected(j)) => {
                Err(SubmitError::ShuttingDown(Box::new(j.sm)))
            }
        }
    }

    /// Sends a USSD page on a dialogue, ahead of bulk SMS.
    pub fn reply_ussd(
        &self,
        session: &UssdSession,
        reply: &UssdReply,
    ) -> Result<Ticket, SubmitError> {
        let sm = reply_message(&self.0.profile, session, reply);
        if self.0.cancel.is_cancelled() {
            return Err(SubmitError::ShuttingDown(Box::new(sm)));
        }
        let (job, ticket) = Job::new(sm);
        self.0
            .priority_tx
            .send(job)
            .map_err(|flume::SendError(j)| SubmitError::ShuttingDown(Box::new(j.sm)))?;
        self.after_enqueue();
        Ok(ticket)
    }

    /// A job queued as the binds stopped would wait forever: return it.
    fn after_enqueue(&self) {
        if self.0.cancel.is_cancelled() && self.0.bound.load(Ordering::Acquire) == 0 {
            self.0.return_queued();
        }
    }
}

impl CarrierInner {
    /// A session stopped taking jobs. If it was the last one and shutdown
    /// began, the jobs still queued go back now, not once the session has
    /// closed: closing waits for delivery tasks, whose receipts can wait for
    /// the fates of those very jobs (held until their submission is
    /// recorded), which held a graceful shutdown for the whole grace period.
    fn unbound(&self) {
        let left = self.bound.fetch_sub(1, Ordering::AcqRel) - 1;
        if left == 0 && self.cancel.is_cancelled() {
            self.return_queued();
        }
    }

    /// Every job still queued goes back to its sender.
    fn return_queued(&self) {
        while let Ok(job) = self
            .feed
            .priority
            .try_recv()
            .or_else(|_| self.feed.queue.try_recv())
        {
            job.finish(SubmitOutcome::Returned);
        }
    }
}

/// What a bind task and its sessions share.
pub(crate) struct BindCtx {
    pub inner: Arc<CarrierInner>,
    pub feed: Feed,
    pub metrics: BindMetrics,
    pub inbound: mpsc::Sender<Delivery>,
    pub cancel: CancellationToken,
}

impl BindCtx {
    pub fn can_submit(&self) -> bool {
        self.inner.settings.bind.can_submit()
    }

    /// Timer resolution: a quarter of the shortest deadline, 10 ms at least.
    pub fn tick_period(&self) -> Duration {
        let s = &self.inner.settings;
        let shortest = s
            .response_timeout
            .min(s.enquire_link_interval)
            .min(s.enquire_link_timeout);
        (shortest / 4).max(Duration::from_millis(10))
    }
}

/// Starts every bind of one carrier; the handle submits, the join handle
/// ends after shutdown once every bind has unbound and the queues are returned.
pub fn start_carrier(
    name: &str,
    settings: &CarrierSettings,
    inbound: mpsc::Sender<Delivery>,
    cancel: CancellationToken,
) -> (Carrier, JoinHandle<()>) {
    let (queue_tx, queue) = flume::bounded(QUEUE);
    let (priority_tx, priority) = flume::unbounded();
    let feed = Feed {
        priority,
        queue,
        carrier_limit: limiter(settings.max_tps),
        bind_limit: None,
    };
    let inner = Arc::new(CarrierInner {
        name: Arc::from(name),
        settings: settings.clone(),
        profile: settings.ussd_profile.resolve(),
        queue_tx,
        priority_tx,
        feed,
        bound: AtomicUsize::new(0),
        cancel: cancel.clone(),
    });
    let binds: Vec<_> = (0..settings.binds.max(1))
        .map(|i| spawn_bind(&inner, i, inbound.clone(), cancel.clone()))
        .collect();
    let supervisor = inner.clone();
    let task = tokio::spawn(async move {
        for b in binds {
            let _ = b.await;
        }
        supervisor.return_queued();
    });
    (Carrier(inner), task)
}

fn spawn_bind(
    inner: &Arc<CarrierInner>,
    index: u16,
    inbound: mpsc::Sender<Delivery>,
    cancel: CancellationToken,
) -> JoinHandle<()> {
    let feed = Feed {
        bind_limit: limiter(inner.settings.bind_max_tps),
        ..inner.feed.clone()
    };
    let ctx = BindCtx {
        inner: inner.clone(),
        feed,
        metrics: BindMetrics::new(&inner.name, index),
        inbound,
        cancel,
    };
    let span = info_span!("smpp_bind", carrier = %inner.name, bind = index);
    tokio::spawn(run_bind(ctx).instrument(span))
}

/// Connect, bind, serve, and after any loss back off and start again.
async fn run_bind(ctx: BindCtx) {
    let s = &ctx.inner.settings;
    let mut backoff = Backoff::new(s.reconnect_min, s.reconnect_max);
    let mut rng = StdRng::from_os_rng();
    let mut seq = Seq::starting_at(1);
    while !ctx.cancel.is_cancelled() {
        ctx.metrics.state(BindState::Connecting);
        let delay = match bind::connect(s, seq.next()).await {
            Ok(conn) => {
                info!("bound");
                backoff.reset();
                match serve(&ctx, conn, &mut seq).await {
                    End::Shutdown => break,
                    End::Lost(reason) => warn!(%reason, "connection lost"),
                    End::UnboundBySmsc => {}
                }
                ctx.metrics.reconnects.increment(1);
                backoff.next_delay(&mut rng)
            }
            Err(e) if e.is_bind_refusal() => {
                warn!(error = %e, "bind refused; backing off");
                ctx.metrics.bind_rejections.increment(1);
                jitter(s.bind_rejected_backoff, &mut rng).max(backoff.next_delay(&mut rng))
            }
            Err(e) => {
                warn!(error = %e, "cannot bind");
                backoff.next_delay(&mut rng)
            }
        };
        ctx.metrics.state(BindState::Disconnected);
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = ctx.cancel.cancelled() => break,
        }
    }
    ctx.metrics.state(BindState::Disconnected);
}

async fn serve(ctx: &BindCtx, conn: bind::Connection, seq: &mut Seq) -> End {
    ctx.inner.bound.fetch_add(1, Ordering::AcqRel);
    ctx.metrics.state(BindState::Bound);
    let mut session = Session::new(ctx, conn, *seq);
    let end = session.run().await;
    ctx.inner.unbound();
    *seq = session.close().await;
    end
}
