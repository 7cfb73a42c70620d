//! Optional parameters (TLVs, SMPP 3.4 §5.3), typed where dargah acts on them.
//!
//! Everything else, standard or vendor (0x1400–0x3FFF), stays as
//! [`Tlv::Other`] and is re-encoded byte for byte, so a PDU we relay or echo
//! loses nothing we did not understand.

use bytes::Bytes;

/// TLV tags dargah reads or writes (SMPP 3.4 §5.3.2, Table 5-6).
#[allow(missing_docs)]
pub mod tag {
    pub const DESTINATION_PORT: u16 = 0x020B;
    pub const SOURCE_PORT: u16 = 0x020A;
    pub const SAR_MSG_REF_NUM: u16 = 0x020C;
    pub const SAR_TOTAL_SEGMENTS: u16 = 0x020E;
    pub const SAR_SEGMENT_SEQNUM: u16 = 0x020F;
    pub const USER_MESSAGE_REFERENCE: u16 = 0x0204;
    pub const RECEIPTED_MESSAGE_ID: u16 = 0x001E;
    pub const MESSAGE_STATE: u16 = 0x0427;
    pub const NETWORK_ERROR_CODE: u16 = 0x0423;
    pub const MESSAGE_PAYLOAD: u16 = 0x0424;
    pub const USSD_SERVICE_OP: u16 = 0x0501;
    pub const ITS_SESSION_INFO: u16 = 0x1383;
}

/// One optional parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tlv {
    /// `ussd_service_op` (0x0501, §5.3.2.44).
    UssdServiceOp(UssdServiceOp),
    /// `its_session_info` (0x1383, §5.3.2.43).
    ItsSessionInfo(ItsSessionInfo),
    /// `message_payload` (0x0424, §5.3.2.32): up to 64K octets of message.
    MessagePayload(Bytes),
    /// `sar_msg_ref_num` (0x020C, §5.3.2.22).
    SarMsgRefNum(u16),
    /// `sar_total_segments` (0x020E, §5.3.2.23).
    SarTotalSegments(u8),
    /// `sar_segment_seqnum` (0x020F, §5.3.2.24).
    SarSegmentSeqnum(u8),
    /// `receipted_message_id` (0x001E, §5.3.2.12), without its NUL.
    ReceiptedMessageId(Bytes),
    /// `message_state` (0x0427, §5.3.2.35).
    MessageState(MessageState),
    /// `network_error_code` (0x0423, §5.3.2.31).
    NetworkErrorCode(NetworkErrorCode),
    /// `user_message_reference` (0x0204, §5.3.2.17).
    UserMessageReference(u16),
    /// `source_port` (0x020A, §5.3.2.20).
    SourcePort(u16),
    /// `destination_port` (0x020B, §5.3.2.21).
    DestinationPort(u16),
    /// Any other TLV, standard or vendor, kept as received.
    Other {
        /// The tag.
        tag: u16,
        /// The value octets, exactly as received.
        value: Bytes,
    },
}

impl Tlv {
    /// The tag this TLV is written with.
    pub fn tag(&self) -> u16 {
        match self {
            Tlv::UssdServiceOp(_) => tag::USSD_SERVICE_OP,
            Tlv::ItsSessionInfo(_) => tag::ITS_SESSION_INFO,
            Tlv::MessagePayload(_) => tag::MESSAGE_PAYLOAD,
            Tlv::SarMsgRefNum(_) => tag::SAR_MSG_REF_NUM,
            Tlv::SarTotalSegments(_) => tag::SAR_TOTAL_SEGMENTS,
            Tlv::SarSegmentSeqnum(_) => tag::SAR_SEGMENT_SEQNUM,
            Tlv::ReceiptedMessageId(_) => tag::RECEIPTED_MESSAGE_ID,
            Tlv::MessageState(_) => tag::MESSAGE_STATE,
            Tlv::NetworkErrorCode(_) => tag::NETWORK_ERROR_CODE,
            Tlv::UserMessageReference(_) => tag::USER_MESSAGE_REFERENCE,
            Tlv::SourcePort(_) => tag::SOURCE_PORT,
            Tlv::DestinationPort(_) => tag::DESTINATION_PORT,
            Tlv::Other { tag, .. } => *tag,
        }
    }
}

/// `ussd_service_op` values (§5.3.2.44).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UssdServiceOp(pub u8);

#[allow(missing_docs)]
impl UssdServiceOp {
    pub const PSSD_INDICATION: Self = Self(0);
    pub const PSSR_INDICATION: Self = Self(1);
    pub const USSR_REQUEST: Self = Self(2);
    pub const USSN_REQUEST: Self = Self(3);
    pub const PSSD_RESPONSE: Self = Self(16);
    pub const PSSR_RESPONSE: Self = Self(17);
    pub const USSR_CONFIRM: Self = Self(18);
    pub const USSN_CONFIRM: Self = Self(19);

    /// True for 32–255, the range the spec leaves to vendors.
    pub fn is_vendor(self) -> bool {
        self.0 >= 32
    }
}

/// `its_session_info` (§5.3.2.43): octet 1 the session number, octet 2 the
/// dialogue sequence number in bits 7..1 and the end-of-session flag in bit 0.
///
/// The raw value is kept whole because some carriers reinterpret the 16 bits
/// (e.g. a 15-bit dialog id plus the end bit); the accessors give the spec view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ItsSessionInfo(pub u16);

impl ItsSessionInfo {
    /// Builds the spec layout; `sequence` is truncated to its 7 bits.
    pub fn new(session_number: u8, sequence: u8, end_of_session: bool) -> Self {
        let octet2 = (sequence << 1) | u8::from(end_of_session);
        Self(u16::from_be_bytes([session_number, octet2]))
    }

    /// Octet 1: the session number.
    pub fn session_number(self) -> u8 {
        self.0.to_be_bytes()[0]
    }

    /// Bits 7..1 of octet 2: the dialogue unit's sequence number.
    pub fn sequence_number(self) -> u8 {
        self.0.to_be_bytes()[1] >> 1
    }

    /// Bit 0 of octet 2: this message ends the session.
    pub fn end_of_session(self) -> bool {
        self.0 & 1 == 1
    }

    /// The same session info with the end-of-session bit set or cleared.
    pub fn with_end(self, end: bool) -> Self {
        Self((self.0 & !1) | u16::from(end))
    }
}

/// `message_state` (§5.3.2.35); open so SMSC-specific values survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessageState(pub u8);

#[allow(missing_docs)]
impl MessageState {
    pub const ENROUTE: Self = Self(1);
    pub const DELIVERED: Self = Self(2);
    pub const EXPIRED: Self = Self(3);
    pub const DELETED: Self = Self(4);
    pub const UNDELIVERABLE: Self = Self(5);
    pub const ACCEPTED: Self = Self(6);
    pub const UNKNOWN: Self = Self(7);
    pub const REJECTED: Self = Self(8);
}

/// `network_error_code` (§5.3.2.31): network type (1 ANSI-136, 2 IS-95,
/// 3 GSM, …) and the network's own error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NetworkErrorCode {
    /// Network type.
    pub network_type: u8,
    /// Error code specific to that network type.
    pub error_code: u16,
}
