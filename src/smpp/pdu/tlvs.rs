//! The ordered list of TLVs on one PDU, with look-ups for the typed ones.
//!
//! Kept as a list rather than a map so that order and duplicates survive a
//! decode/encode round trip; an empty list does not allocate.

use bytes::Bytes;

use super::tlv::{ItsSessionInfo, MessageState, NetworkErrorCode, Tlv, UssdServiceOp};

/// The optional parameters of a PDU, in wire order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tlvs(pub Vec<Tlv>);

/// Segment information from the SAR TLVs (§5.3.2.22–24).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sar {
    /// `sar_msg_ref_num`: the same for every part of one message.
    pub reference: u16,
    /// `sar_total_segments`.
    pub total: u8,
    /// `sar_segment_seqnum`, 1-based.
    pub seqnum: u8,
}

impl Tlvs {
    /// An empty list.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// Appends a TLV.
    pub fn push(&mut self, tlv: Tlv) {
        self.0.push(tlv);
    }

    /// Iterates in wire order.
    pub fn iter(&self) -> std::slice::Iter<'_, Tlv> {
        self.0.iter()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first TLV with this tag, typed or not.
    pub fn find(&self, tag: u16) -> Option<&Tlv> {
        self.0.iter().find(|t| t.tag() == tag)
    }

    /// `ussd_service_op`, when present.
    pub fn ussd_service_op(&self) -> Option<UssdServiceOp> {
        self.0.iter().find_map(|t| match t {
            Tlv::UssdServiceOp(v) => Some(*v),
            _ => None,
        })
    }

    /// `its_session_info`, when present.
    pub fn its_session_info(&self) -> Option<ItsSessionInfo> {
        self.0.iter().find_map(|t| match t {
            Tlv::ItsSessionInfo(v) => Some(*v),
            _ => None,
        })
    }

    /// `message_payload`, when present.
    pub fn message_payload(&self) -> Option<&Bytes> {
        self.0.iter().find_map(|t| match t {
            Tlv::MessagePayload(v) => Some(v),
            _ => None,
        })
    }

    /// `receipted_message_id`, when present.
    pub fn receipted_message_id(&self) -> Option<&Bytes> {
        self.0.iter().find_map(|t| match t {
            Tlv::ReceiptedMessageId(v) => Some(v),
            _ => None,
        })
    }

    /// `message_state`, when present.
    pub fn message_state(&self) -> Option<MessageState> {
        self.0.iter().find_map(|t| match t {
            Tlv::MessageState(v) => Some(*v),
            _ => None,
        })
    }

    /// `network_error_code`, when present.
    pub fn network_error_code(&self) -> Option<NetworkErrorCode> {
        self.0.iter().find_map(|t| match t {
            Tlv::NetworkErrorCode(v) => Some(*v),
            _ => None,
        })
    }

    /// `user_message_reference`, when present.
    pub fn user_message_reference(&self) -> Option<u16> {
        self.0.iter().find_map(|t| match t {
            Tlv::UserMessageReference(v) => Some(*v),
            _ => None,
        })
    }

    /// The three SAR TLVs, when all are present.
    pub fn sar(&self) -> Option<Sar> {
        let mut reference = None;
        let mut total = None;
        let mut seqnum = None;
        for t in &self.0 {
            match t {
                Tlv::SarMsgRefNum(v) => reference = Some(*v),
                Tlv::SarTotalSegments(v) => total = Some(*v),
                Tlv::SarSegmentSeqnum(v) => seqnum = Some(*v),
                _ => {}
            }
        }
        Some(Sar {
            reference: reference?,
            total: total?,
            seqnum: seqnum?,
        })
    }
}

impl From<Vec<Tlv>> for Tlvs {
    fn from(v: Vec<Tlv>) -> Self {
        Self(v)
    }
}
