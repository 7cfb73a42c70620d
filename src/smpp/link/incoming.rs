//! What a session does with each PDU from the SMSC and on each timer tick:
//! match responses to the window, answer the SMSC's requests, hand
//! deliver_sm/data_sm to the consumer, nack what cannot be read.

use tokio::time::Instant;
use tracing::{debug, info, warn};

use super::inbound::{self, Ack, Delivery, unanswered};
use super::session::{End, Session};
use super::submit::SubmitOutcome;
use crate::smpp::codec::Item;
use crate::smpp::encode;
use crate::smpp::parse::PduError;
use crate::smpp::pdu::{Body, CommandStatus, MessageIdResp, Pdu, ShortMessage};

impl Session<'_> {
    /// Handles one decoded frame; `Some` ends the session.
    pub(crate) fn on_item(&mut self, item: Item) -> Option<End> {
        self.last_rx = Instant::now();
        match item {
            Ok(pdu) => self.on_pdu(pdu),
            Err(e) => {
                self.on_malformed(&e);
                None
            }
        }
    }

    fn on_pdu(&mut self, pdu: Pdu) -> Option<End> {
        let (seq, status) = (pdu.sequence_number, pdu.command_status);
        match pdu.body {
            Body::SubmitSmResp(r) => self.on_submit_resp(seq, status, r),
            Body::GenericNack => self.on_generic_nack(seq, status),
            Body::DeliverSm(sm) => self.deliver(seq, sm, Body::DeliverSmResp),
            Body::DataSm(d) => self.deliver(seq, inbound::data_sm_as_message(d), Body::DataSmResp),
            Body::EnquireLink => self.queue(&Pdu::new(seq, Body::EnquireLinkResp)),
            Body::EnquireLinkResp => self.enquire = self.enquire.filter(|(s, _)| *s != seq),
            Body::Unbind => {
                info!("the SMSC unbound us; reconnecting");
                self.queue(&Pdu::new(seq, Body::UnbindResp));
                return Some(End::UnboundBySmsc);
            }
            Body::UnbindResp if self.unbinding.is_some_and(|(s, _)| s == seq) => {
                return Some(End::Shutdown);
            }
            Body::AlertNotification(_) => debug!("alert_notification ignored"),
            body if body.command_id().is_response() => {
                debug!(seq, "unexpected {:?} ignored", body.command_id())
            }
            body => {
                warn!(
                    seq,
                    "{:?} is not for an ESME; generic_nack",
                    body.command_id()
                );
                self.nack(seq, CommandStatus::ESME_RINVCMDID);
            }
        }
        None
    }

    fn on_submit_resp(&mut self, seq: u32, status: CommandStatus, r: MessageIdResp) {
        let Some(f) = self.window.remove(&seq) else {
            debug!(seq, "submit_sm_resp for no request of ours (timed out?)");
            return;
        };
        let m = &self.ctx.metrics;
        m.response(f.sent.elapsed());
        m.status(status);
        m.window.set(self.window.len() as f64);
        if is_throttling(status) {
            m.throttled.increment(1);
            self.throttle.throttled(Instant::now());
            self.ctx.requeue(f.job);
        } else if status == CommandStatus::ESME_ROK {
            self.throttle.accepted();
            let message_id = String::from_utf8_lossy(&r.message_id).into_owned();
            f.job.finish(SubmitOutcome::Accepted { message_id });
        } else {
            f.job.finish(SubmitOutcome::Rejected { status });
        }
        self.maybe_unbind(Instant::now());
    }

    fn on_generic_nack(&mut self, seq: u32, status: CommandStatus) {
        if let Some(f) = self.window.remove(&seq) {
            self.ctx.metrics.status(status);
            f.job.finish(SubmitOutcome::Rejected { status });
            self.maybe_unbind(Instant::now());
        } else {
            warn!(seq, status = status.0, "generic_nack from the SMSC");
        }
    }

    fn on_malformed(&mut self, e: &PduError) {
        warn!(seq = e.sequence_number, error = %e.error, "malformed PDU from the SMSC");
        if !e.command_id.is_response() {
            self.ctx.metrics.generic_nacks.increment(1);
            self.queue(&e.generic_nack());
        }
    }

    fn nack(&mut self, seq: u32, status: CommandStatus) {
        self.ctx.metrics.generic_nacks.increment(1);
        self.queue(&Pdu::generic_nack(seq, status));
    }

    /// Classifies and hands over; the response goes out once the consumer
    /// answers, from a task of its own so the window keeps moving.
    fn deliver(&mut self, seq: u32, sm: ShortMessage, resp: fn(MessageIdResp) -> Body) {
        let Ok(permit) = self.deliveries.clone().try_acquire_owned() else {
            // The consumer is this far behind: the SMSC keeps the message.
            self.ctx.metrics.deliveries_refused.increment(1);
            debug!(seq, "inbound window full; ESME_RMSGQFUL");
            self.queue(&Pdu {
                command_status: CommandStatus::ESME_RMSGQFUL,
                sequence_number: seq,
                body: resp(MessageIdResp::default()),
            });
            return;
        };
        let inner = &self.ctx.inner;
        let classified = inbound::classify(&inner.name, &inner.profile, sm);
        let (consumer, out) = (self.ctx.inbound.clone(), self.out.clone());
        tokio::spawn(async move {
            let status = match classified {
                Err(status) => status,
                Ok(message) => {
                    let (ack, answer) = Ack::new();
                    match consumer.send(Delivery { message, ack }).await {
                        Ok(()) => unanswered(answer.await),
                        Err(_) => CommandStatus::ESME_RX_T_APPN,
                    }
                }
            };
            let pdu = Pdu {
                command_status: status,
                sequence_number: seq,
                body: resp(MessageIdResp::default()),
            };
            if let Ok(bytes) = encode::to_bytes(&pdu) {
                let _ = out.send(bytes).await;
            }
            drop(permit);
        });
    }

    /// Timers: lost responses, idle keepalive, shutdown deadlines.
    pub(crate) fn on_tick(&mut self) -> Option<End> {
        let now = Instant::now();
        self.expire_responses(now);
        self.maybe_unbind(now);
        let s = &self.ctx.inner.settings;
        if let Some((_, sent)) = self.unbinding {
            return (now - sent >= s.response_timeout).then_some(End::Shutdown);
        }
        if let Some((_, sent)) = self.enquire {
            if now - sent >= s.enquire_link_timeout {
                return Some(End::Lost("enquire_link unanswered".into()));
            }
        } else if now - self.last_rx >= s.enquire_link_interval {
            let seq = self.seq.next();
            self.queue(&Pdu::new(seq, Body::EnquireLink));
            self.enquire = Some((seq, now));
        }
        None
    }

    /// A request unanswered past the response timeout is resubmitted: its
    /// fate is unknown, and a duplicate beats a loss.
    fn expire_responses(&mut self, now: Instant) {
        let limit = self.ctx.inner.settings.response_timeout;
        let late: Vec<u32> = self
            .window
            .iter()
            .filter(|(_, f)| now - f.sent >= limit)
            .map(|(seq, _)| *seq)
            .collect();
        for seq in late {
            if let Some(f) = self.window.remove(&seq) {
                self.ctx.metrics.timeouts.increment(1);
                warn!(seq, "no response within {limit:?}; resubmitting");
                self.ctx.requeue(f.job);
            }
        }
    }
}

/// ESME_RTHROTTLED and ESME_RMSGQFUL mean "later", never "failed".
fn is_throttling(status: CommandStatus) -> bool {
    status == CommandStatus::ESME_RTHROTTLED || status == CommandStatus::ESME_RMSGQFUL
}
