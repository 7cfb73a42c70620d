//! Taking one MO SMS from a link: store it (whole, or as a part of a
//! concatenated message), acknowledge it only after that commit, then let
//! the keyword service answer a message once it is complete.

use super::reply::StatusReplies;
use super::{Envelope, Handled, InboxSms, NewPart, PartStored, SharedInboxStore};
use crate::smpp::link::{Ack, MoSms};
use crate::smpp::pdu::CommandStatus;
use crate::smpp::text::reassembly::{Fragment, fragment_of};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The inbox and the keyword service: a cheap Clone handle.
#[derive(Clone)]
pub struct MoConsumer {
    /// Where messages are stored.
    pub store: SharedInboxStore,
    /// The status keyword service; `None` when its templates are missing.
    pub replies: Option<StatusReplies>,
    /// Whether unclaimed messages are forwarded to the web side
    /// (`[sms.mo_forward] url` is set).
    pub forward: bool,
}

impl MoConsumer {
    /// Stores `sms`, acknowledges it once durable, and answers it when complete.
    /// A failed write leaves it unacknowledged so the SMSC offers it again.
    pub async fn take(&self, sms: MoSms, ack: Ack) {
        let stored = match self.store(&sms).await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, carrier = %sms.carrier, "MO SMS not stored; the SMSC will retry");
                metrics::counter!("dargah_sms_mo_total", "outcome" => "not_stored").increment(1);
                ack.reject(CommandStatus::ESME_RX_T_APPN);
                return;
            }
        };
        ack.accept();
        let Some(mo) = stored else {
            metrics::counter!("dargah_sms_mo_total", "outcome" => "part").increment(1);
            return;
        };
        metrics::counter!("dargah_sms_mo_total", "outcome" => "stored").increment(1);
        self.answer(&mo).await;
    }

    /// The stored message, or `None` while parts are missing.
    async fn store(&self, sms: &MoSms) -> crate::registry::Result<Option<InboxSms>> {
        let env = Envelope {
            carrier: sms.carrier.to_string(),
            source: sms.source.clone(),
            destination: sms.destination.clone(),
            data_coding: sms.message.data_coding,
        };
        let now = chrono::Utc::now();
        // A malformed UDH is stored as it came: the text is all we can keep.
        match fragment_of(&sms.message).ok().flatten() {
            None => self
                .store
                .store_whole(&env, sms.text.as_deref(), now)
                .await
                .map(Some),
            Some(f) => match self.store.store_part(&env, &part(f), now).await? {
                PartStored::Pending => Ok(None),
                PartStored::Complete(mo) => Ok(Some(mo)),
            },
        }
    }

    /// Runs the keyword service and records the outcome; a failure leaves
    /// the message `received` (logged here, once).
    async fn answer(&self, mo: &InboxSms) {
        let handled = match &self.replies {
            Some(r) => r.handle(mo).await,
            None => Ok(Handled::Unclaimed),
        };
        let handled = match handled {
            Ok(Handled::Unclaimed) if self.forward => Handled::Forward,
            Ok(h) => h,
            Err(e) => {
                tracing::warn!(error = %e, inbox_id = mo.id, "MO SMS not answered");
                return;
            }
        };
        if let Err(e) = self.store.mark(mo.id, handled, chrono::Utc::now()).await {
            tracing::warn!(error = %e, inbox_id = mo.id, "MO SMS outcome not recorded");
        }
        let outcome = match handled {
            Handled::Replied { .. } => "replied",
            Handled::Unclaimed => "unclaimed",
            Handled::Forward => "forward",
        };
        metrics::counter!("dargah_sms_mo_handled_total", "outcome" => outcome).increment(1);
    }
}

/// How old a `received` message must be before the sweep answers it: well
/// past the time [`MoConsumer::take`] needs, so a message being answered
/// right now is not answered twice (a second answer would be harmless
/// anyway: replies and forwards are keyed by the inbox id).
pub const STRANDED_AFTER: Duration = Duration::from_secs(60);

impl MoConsumer {
    /// Every [`STRANDED_AFTER`], answers the messages a crash or a failed
    /// keyword service left `received`, until `cancel`.
    pub async fn sweep(self, cancel: CancellationToken) {
        let mut outage = false;
        loop {
            tokio::select! {
                () = cancel.cancelled() => return,
                () = tokio::time::sleep(STRANDED_AFTER) => {}
            }
            let before = chrono::Utc::now() - STRANDED_AFTER;
            match self.sweep_once(before).await {
                Ok(_) => outage = false,
                Err(e) if !outage => {
                    outage = true;
                    tracing::warn!(error = %e, "cannot look for unanswered MO SMS");
                }
                Err(_) => {}
            }
        }
    }

    /// Answers the messages still `received` from before `before`; how many.
    pub async fn sweep_once(
        &self,
        before: chrono::DateTime<chrono::Utc>,
    ) -> crate::registry::Result<usize> {
        let stranded = self.store.stranded(before, 500).await?;
        for mo in &stranded {
            tracing::info!(inbox_id = mo.id, "answering an MO SMS left unanswered");
            self.answer(mo).await;
        }
        Ok(stranded.len())
    }
}

fn part(f: Fragment) -> NewPart {
    NewPart {
        reference: f.reference,
        total: f.total,
        seqnum: f.seqnum,
        octets: f.data.to_vec(),
    }
}
