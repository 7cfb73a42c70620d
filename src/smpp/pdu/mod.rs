//! SMPP 3.4 PDUs as Rust values: header, one variant per operation, TLVs.
//!
//! Separate from `parse` and `encode` so that the link and the USSD adapter
//! can build and inspect PDUs without touching wire details.

mod body;
mod command;
pub mod limits;
mod tlv;
mod tlvs;

pub use body::{
    Address, AlertNotification, Bind, BindResp, CancelSm, DataSm, MessageIdResp, MultiDestination,
    Outbind, QuerySm, QuerySmResp, ReplaceSm, ShortMessage, SubmitMulti, SubmitMultiResp,
    UnsuccessSme,
};
pub use command::{CommandId, CommandStatus};
pub use tlv::{ItsSessionInfo, MessageState, NetworkErrorCode, Tlv, UssdServiceOp, tag};
pub use tlvs::{Sar, Tlvs};

/// The 16-octet header every PDU starts with (§3.2).
pub const HEADER_LEN: usize = 16;

/// One PDU: header fields plus the operation's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pdu {
    /// `command_status`: zero on requests, the outcome on responses.
    pub command_status: CommandStatus,
    /// `sequence_number`, echoed by the response (§3.2; 0x00000001–0x7FFFFFFF).
    pub sequence_number: u32,
    /// The operation and its parameters; decides `command_id`.
    pub body: Body,
}

/// Every SMPP 3.4 operation (§4) and its response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum Body {
    BindTransmitter(Bind),
    BindTransmitterResp(BindResp),
    BindReceiver(Bind),
    BindReceiverResp(BindResp),
    BindTransceiver(Bind),
    BindTransceiverResp(BindResp),
    Outbind(Outbind),
    Unbind,
    UnbindResp,
    GenericNack,
    SubmitSm(ShortMessage),
    SubmitSmResp(MessageIdResp),
    SubmitMulti(SubmitMulti),
    SubmitMultiResp(SubmitMultiResp),
    DeliverSm(ShortMessage),
    DeliverSmResp(MessageIdResp),
    DataSm(DataSm),
    DataSmResp(MessageIdResp),
    QuerySm(QuerySm),
    QuerySmResp(QuerySmResp),
    CancelSm(CancelSm),
    CancelSmResp,
    ReplaceSm(ReplaceSm),
    ReplaceSmResp,
    EnquireLink,
    EnquireLinkResp,
    AlertNotification(AlertNotification),
}

impl Body {
    /// The `command_id` this body is sent with.
    pub fn command_id(&self) -> CommandId {
        use Body::*;
        match self {
            BindTransmitter(_) => CommandId::BIND_TRANSMITTER,
            BindTransmitterResp(_) => CommandId::BIND_TRANSMITTER_RESP,
            BindReceiver(_) => CommandId::BIND_RECEIVER,
            BindReceiverResp(_) => CommandId::BIND_RECEIVER_RESP,
            BindTransceiver(_) => CommandId::BIND_TRANSCEIVER,
            BindTransceiverResp(_) => CommandId::BIND_TRANSCEIVER_RESP,
            Outbind(_) => CommandId::OUTBIND,
            Unbind => CommandId::UNBIND,
            UnbindResp => CommandId::UNBIND_RESP,
            GenericNack => CommandId::GENERIC_NACK,
            SubmitSm(_) => CommandId::SUBMIT_SM,
            SubmitSmResp(_) => CommandId::SUBMIT_SM_RESP,
            SubmitMulti(_) => CommandId::SUBMIT_MULTI,
            SubmitMultiResp(_) => CommandId::SUBMIT_MULTI_RESP,
            DeliverSm(_) => CommandId::DELIVER_SM,
            DeliverSmResp(_) => CommandId::DELIVER_SM_RESP,
            DataSm(_) => CommandId::DATA_SM,
            DataSmResp(_) => CommandId::DATA_SM_RESP,
            QuerySm(_) => CommandId::QUERY_SM,
            QuerySmResp(_) => CommandId::QUERY_SM_RESP,
            CancelSm(_) => CommandId::CANCEL_SM,
            CancelSmResp => CommandId::CANCEL_SM_RESP,
            ReplaceSm(_) => CommandId::REPLACE_SM,
            ReplaceSmResp => CommandId::REPLACE_SM_RESP,
            EnquireLink => CommandId::ENQUIRE_LINK,
            EnquireLinkResp => CommandId::ENQUIRE_LINK_RESP,
            AlertNotification(_) => CommandId::ALERT_NOTIFICATION,
        }
    }
}

impl Pdu {
    /// A request or response with status ESME_ROK.
    pub fn new(sequence_number: u32, body: Body) -> Self {
        Self {
            command_status: CommandStatus::ESME_ROK,
            sequence_number,
            body,
        }
    }

    /// The `command_id` of this PDU.
    pub fn command_id(&self) -> CommandId {
        self.body.command_id()
    }

    /// A generic_nack for `sequence_number` with `status` (§4.3).
    pub fn generic_nack(sequence_number: u32, status: CommandStatus) -> Self {
        Self {
            command_status: status,
            sequence_number,
            body: Body::GenericNack,
        }
    }
}
