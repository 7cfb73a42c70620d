//! One bound connection's life: pull submissions into the window, match
//! responses by sequence number, keep the link alive with enquire_link,
//! time out lost responses, and drain and unbind on shutdown.
//!
//! Everything runs in this one task (no locks); the socket is written by
//! the writer task. When the session ends, whatever is still in the window
//! goes back to the carrier's priority queue (or to its sender on shutdown):
//! none is lost.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior, interval};
use tracing::{debug, warn};

use super::bind::Connection;
use super::carrier::BindCtx;
use super::metrics::BindState;
use super::submit::{Job, SubmitOutcome};
use super::throttle::Throttle;
use super::writer;
use crate::smpp::encode;
use crate::smpp::pdu::{Body, Pdu};

/// How a session ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum End {
    /// We unbound on shutdown.
    Shutdown,
    /// The connection failed; reconnect.
    Lost(String),
    /// The SMSC unbound us; reconnect.
    UnboundBySmsc,
}

/// A request of ours waiting for its response.
pub(crate) struct InFlight {
    pub job: Job,
    pub sent: Instant,
}

/// Sequence numbers 1..=0x7FFFFFFF, wrapping (§3.2).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seq(u32);

impl Seq {
    pub fn starting_at(n: u32) -> Self {
        Self(n.clamp(1, 0x7FFF_FFFF))
    }

    pub fn next(&mut self) -> u32 {
        let n = self.0;
        self.0 = if n >= 0x7FFF_FFFF { 1 } else { n + 1 };
        n
    }
}

pub(crate) struct Session<'a> {
    pub ctx: &'a BindCtx,
    pub reader: tokio_util::codec::FramedRead<super::tls::ReadHalf, crate::smpp::codec::SmppCodec>,
    pub out: mpsc::Sender<Bytes>,
    writer: JoinHandle<std::io::Result<()>>,
    pub buf: BytesMut,
    pub seq: Seq,
    pub window: HashMap<u32, InFlight>,
    pub throttle: Throttle,
    pub enquire: Option<(u32, Instant)>,
    pub last_rx: Instant,
    draining: Option<Instant>,
    pub unbinding: Option<(u32, Instant)>,
    /// Permits for deliveries awaiting the consumer (`inbound_window`).
    pub deliveries: Arc<Semaphore>,
}

impl<'a> Session<'a> {
    pub fn new(ctx: &'a BindCtx, conn: Connection, seq: Seq) -> Self {
        let (out, writer) = writer::spawn(conn.writer);
        let s = &ctx.inner.settings;
        Self {
            ctx,
            reader: conn.reader,
            out,
            writer,
            buf: BytesMut::with_capacity(16 * 1024),
            seq,
            window: HashMap::with_capacity(usize::from(s.window) * 2),
            throttle: Throttle::new(usize::from(s.window), s.throttle_backoff),
            enquire: None,
            last_rx: Instant::now(),
            draining: None,
            unbinding: None,
            deliveries: Arc::new(Semaphore::new(usize::from(s.inbound_window.max(1)))),
        }
    }

    /// Serves until the connection ends and hands the window back; returns
    /// how it ended. The connection is closed by [`Session::close`].
    pub async fn run(&mut self) -> End {
        let end = self.serve().await;
        self.settle(&end);
        end
    }

    async fn serve(&mut self) -> End {
        let mut tick = interval(self.ctx.tick_period());
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            if let Err(end) = self.flush().await {
                return end;
            }
            let room = self.has_room();
            let paused = self.throttle.paused_until(Instant::now());
            let ctx = self.ctx;
            tokio::select! {
                biased;
                () = ctx.cancel.cancelled(), if self.draining.is_none() => self.begin_drain(),
                item = self.reader.next() => match item {
                    None => return End::Lost("the SMSC closed the connection".into()),
                    Some(Err(e)) => return End::Lost(e.to_string()),
                    Some(Ok(item)) => if let Some(end) = self.on_item(item) { return end },
                },
                job = ctx.feed.next(paused), if room => self.send_jobs(job),
                _ = tick.tick() => if let Some(end) = self.on_tick() { return end },
                r = &mut self.writer => return End::Lost(format!("writer stopped: {r:?}")),
            }
        }
    }

    fn has_room(&self) -> bool {
        self.ctx.can_submit()
            && self.draining.is_none()
            && self.window.len() < self.throttle.window()
    }

    /// Sends the encoded PDUs gathered this turn as one chunk. A peer that
    /// stops reading fills the writer's queue; after the response timeout
    /// the connection is given up rather than the session hanging with
    /// its window (which then goes back for resubmission).
    async fn flush(&mut self) -> Result<(), End> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = self.buf.split().freeze();
        let limit = self.ctx.inner.settings.response_timeout;
        match tokio::time::timeout(limit, self.out.send(chunk)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(End::Lost("writer stopped".into())),
            Err(_) => Err(End::Lost(format!("the SMSC read nothing for {limit:?}"))),
        }
    }

    /// Puts `first` and as many more as the window allows on the wire.
    fn send_jobs(&mut self, first: Job) {
        self.send_job(first);
        while self.window.len() < self.throttle.window() {
            match self.ctx.feed.try_next() {
                Some(job) => self.send_job(job),
                None => break,
            }
        }
        self.ctx.metrics.window.set(self.window.len() as f64);
    }

    fn send_job(&mut self, mut job: Job) {
        let seq = self.seq.next();
        let pdu = Pdu::new(seq, Body::SubmitSm(std::mem::take(&mut job.sm)));
        let written = encode::encode(&pdu, &mut self.buf);
        if let Body::SubmitSm(sm) = pdu.body {
            job.sm = sm;
        }
        match written {
            Ok(()) => {
                self.ctx.metrics.submits.increment(1);
                let sent = Instant::now();
                self.window.insert(seq, InFlight { job, sent });
            }
            Err(e) => job.finish(SubmitOutcome::Invalid {
                reason: e.to_string(),
            }),
        }
    }

    /// Encodes a PDU of ours (responses, enquire_link, unbind) for this turn.
    pub fn queue(&mut self, pdu: &Pdu) {
        if let Err(e) = encode::encode(pdu, &mut self.buf) {
            warn!(error = %e, "cannot encode {:?}", pdu.command_id());
        }
    }

    fn begin_drain(&mut self) {
        debug!(
            outstanding = self.window.len(),
            "shutdown: draining the window"
        );
        self.ctx.metrics.state(BindState::Unbinding);
        self.draining = Some(Instant::now() + self.ctx.inner.settings.shutdown_timeout);
        self.maybe_unbind(Instant::now());
    }

    /// Once drained (or out of patience), the unbind goes out.
    pub fn maybe_unbind(&mut self, now: Instant) {
        let Some(deadline) = self.draining else {
            return;
        };
        if self.unbinding.is_some() || (!self.window.is_empty() && now < deadline) {
            return;
        }
        let seq = self.seq.next();
        self.queue(&Pdu::new(seq, Body::Unbind));
        self.unbinding = Some((seq, now));
    }

    /// Hands the window back: for resubmission after a loss, or to the
    /// senders on shutdown (the carrier drains its queues the same way).
    fn settle(&mut self, end: &End) {
        let jobs = self.window.drain().map(|(_, f)| f.job);
        if *end == End::Shutdown {
            jobs.for_each(|j| j.finish(SubmitOutcome::Returned));
        } else {
            let requeued = jobs.map(|j| self.ctx.requeue(j)).count();
            if requeued > 0 {
                warn!(
                    requeued,
                    "connection lost with messages in the window; resubmitting them"
                );
            }
        }
        self.ctx.metrics.window.set(0.0);
    }

    /// Sends what is left, waits (up to the response timeout) for the
    /// writer, and returns the sequence counter for the next connection.
    pub async fn close(self) -> Seq {
        let Session {
            ctx,
            out,
            mut writer,
            buf,
            seq,
            ..
        } = self;
        let grace = ctx.inner.settings.response_timeout;
        if !buf.is_empty() {
            let _ = tokio::time::timeout(grace, out.send(buf.freeze())).await;
        }
        drop(out);
        // Delivery tasks still awaiting their consumer hold a sender; past
        // the grace period their responses are moot (the SMSC will redeliver).
        // A writer that already ended (its end is what stopped the session)
        // must not be polled again: a JoinHandle panics after completion.
        if !writer.is_finished() && tokio::time::timeout(grace, &mut writer).await.is_err() {
            writer.abort();
        }
        seq
    }
}

impl BindCtx {
    pub(crate) fn requeue(&self, job: Job) {
        if let Err(flume::SendError(job)) = self.inner.priority_tx.send(job) {
            job.finish(SubmitOutcome::Returned);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Seq;

    #[test]
    fn sequence_numbers_wrap_from_the_spec_maximum_back_to_one() {
        let mut seq = Seq::starting_at(0x7FFF_FFFE);
        let got: Vec<u32> = (0..4).map(|_| seq.next()).collect();
        assert_eq!(got, vec![0x7FFF_FFFE, 0x7FFF_FFFF, 1, 2]);
    }

    #[test]
    fn sequence_zero_is_never_used() {
        assert_eq!(Seq::starting_at(0).next(), 1);
    }
}
