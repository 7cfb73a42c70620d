//! Incoming deliver_sm / data_sm: what they are (receipt, USSD, MO SMS) and
//! the acknowledgement that lets the link answer only after the consumer
//! has taken responsibility (so a crash before that makes the SMSC redeliver).

use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::oneshot;

use super::ussd::{self, UssdRequest};
use super::ussd_profile::UssdProfile;
use crate::smpp::pdu::{CommandStatus, DataSm, ShortMessage};
use crate::smpp::receipt::Receipt;
use crate::smpp::text::encoding::Encoding;

/// One incoming message, classified.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Inbound {
    /// A delivery receipt for something we submitted.
    Receipt(ReceiptEvent),
    /// A USSD dialogue step.
    Ussd(UssdRequest),
    /// A mobile-originated SMS (one part; long ones arrive part by part).
    Sms(MoSms),
}

/// A parsed delivery receipt and the carrier it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceiptEvent {
    /// The carrier.
    pub carrier: Arc<str>,
    /// The receipt; `id` is the SMSC message id (normalise before matching).
    pub receipt: Receipt,
}

/// A mobile-originated SMS.
#[derive(Debug, Clone, PartialEq)]
pub struct MoSms {
    /// The carrier.
    pub carrier: Arc<str>,
    /// Sender address as received.
    pub source: String,
    /// Our short code or number as received.
    pub destination: String,
    /// The text, when `data_coding` is one we decode (GSM-7, Latin-1, UCS-2).
    pub text: Option<String>,
    /// The PDU, for UDH/SAR reassembly and anything else.
    pub message: ShortMessage,
}

/// Classifies a deliver_sm: receipt first (esm_class, §5.2.12), then USSD
/// (`ussd_service_op`), else MO SMS. An error is the status to answer with.
pub fn classify(
    carrier: &Arc<str>,
    profile: &UssdProfile,
    sm: ShortMessage,
) -> Result<Inbound, CommandStatus> {
    if let Some(receipt) = Receipt::from_deliver_sm(&sm) {
        let carrier = carrier.clone();
        return Ok(Inbound::Receipt(ReceiptEvent { carrier, receipt }));
    }
    if UssdProfile::is_ussd(&sm.tlvs) {
        return ussd::request(carrier, profile, &sm).map(Inbound::Ussd);
    }
    let octets = sm.tlvs.message_payload().unwrap_or(&sm.short_message);
    let text = Encoding::from_data_coding(sm.data_coding).map(|e| e.decode(octets));
    Ok(Inbound::Sms(MoSms {
        carrier: carrier.clone(),
        source: String::from_utf8_lossy(&sm.source.addr).into_owned(),
        destination: String::from_utf8_lossy(&sm.destination.addr).into_owned(),
        text,
        message: sm,
    }))
}

/// data_sm (§4.7) in deliver_sm's shape: its text is in `message_payload`.
pub fn data_sm_as_message(d: DataSm) -> ShortMessage {
    ShortMessage {
        service_type: d.service_type,
        source: d.source,
        destination: d.destination,
        esm_class: d.esm_class,
        registered_delivery: d.registered_delivery,
        data_coding: d.data_coding,
        short_message: Bytes::new(),
        tlvs: d.tlvs,
        ..ShortMessage::default()
    }
}

/// An incoming message and its acknowledgement.
#[derive(Debug)]
pub struct Delivery {
    /// The message.
    pub message: Inbound,
    /// Call [`Ack::accept`] once the message is safely yours.
    pub ack: Ack,
}

/// The consumer's answer; dropping it unanswered asks the SMSC to retry
/// later (ESME_RX_T_APPN), so nothing is lost to a crash or a bug.
#[derive(Debug)]
pub struct Ack(oneshot::Sender<CommandStatus>);

impl Ack {
    /// An acknowledgement and the receiver the link awaits.
    pub(crate) fn new() -> (Ack, oneshot::Receiver<CommandStatus>) {
        let (tx, rx) = oneshot::channel();
        (Ack(tx), rx)
    }

    /// The message is stored or handled: the SMSC may forget it.
    pub fn accept(self) {
        let _ = self.0.send(CommandStatus::ESME_ROK);
    }

    /// Refuse with `status` (ESME_RX_T_APPN: retry later; ESME_RX_P_APPN: never).
    pub fn reject(self, status: CommandStatus) {
        let _ = self.0.send(status);
    }
}

/// What the link answers when the consumer gave no answer.
pub(crate) fn unanswered(r: Result<CommandStatus, oneshot::error::RecvError>) -> CommandStatus {
    r.unwrap_or(CommandStatus::ESME_RX_T_APPN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smpp::link::ussd_profile::Preset;

    fn carrier() -> Arc<str> {
        Arc::from("mci")
    }

    #[test]
    fn a_receipt_esm_class_is_read_as_a_receipt() {
        let sm = ShortMessage {
            esm_class: 0x04,
            short_message: Bytes::from_static(b"id:42 sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:x"),
            ..ShortMessage::default()
        };
        let Ok(Inbound::Receipt(r)) = classify(&carrier(), &Preset::Standard.profile(), sm) else {
            panic!("not a receipt");
        };
        assert_eq!(r.receipt.id.as_deref(), Some("42"));
    }

    #[test]
    fn plain_text_is_a_mobile_originated_sms() {
        let mut sm = ShortMessage {
            short_message: Bytes::from_static(b"STATUS"),
            ..ShortMessage::default()
        };
        sm.source.addr = Bytes::from_static(b"989121234567");
        let Ok(Inbound::Sms(mo)) = classify(&carrier(), &Preset::Standard.profile(), sm) else {
            panic!("not an MO SMS");
        };
        assert_eq!(mo.text.as_deref(), Some("STATUS"));
        assert_eq!(mo.source, "989121234567");
    }

    #[tokio::test]
    async fn an_unanswered_acknowledgement_asks_the_smsc_to_retry() {
        let (ack, rx) = Ack::new();
        drop(ack);
        assert_eq!(unanswered(rx.await), CommandStatus::ESME_RX_T_APPN);
    }
}
