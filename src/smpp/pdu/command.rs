//! Command ids and command_status values (SMPP 3.4 §5.1.2, §5.1.3).
//!
//! Both are open `u32` newtypes rather than enums: a peer may send vendor
//! status codes (0x400–0x4FF) or ids we do not know, and those must decode
//! without panicking and be reported, not lost.

use std::fmt;

/// A `command_id` (SMPP 3.4 §5.1.2.1). Responses have bit 31 set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommandId(pub u32);

impl CommandId {
    pub const GENERIC_NACK: Self = Self(0x8000_0000);
    pub const BIND_RECEIVER: Self = Self(0x0000_0001);
    pub const BIND_RECEIVER_RESP: Self = Self(0x8000_0001);
    pub const BIND_TRANSMITTER: Self = Self(0x0000_0002);
    pub const BIND_TRANSMITTER_RESP: Self = Self(0x8000_0002);
    pub const QUERY_SM: Self = Self(0x0000_0003);
    pub const QUERY_SM_RESP: Self = Self(0x8000_0003);
    pub const SUBMIT_SM: Self = Self(0x0000_0004);
    pub const SUBMIT_SM_RESP: Self = Self(0x8000_0004);
    pub const DELIVER_SM: Self = Self(0x0000_0005);
    pub const DELIVER_SM_RESP: Self = Self(0x8000_0005);
    pub const UNBIND: Self = Self(0x0000_0006);
    pub const UNBIND_RESP: Self = Self(0x8000_0006);
    pub const REPLACE_SM: Self = Self(0x0000_0007);
    pub const REPLACE_SM_RESP: Self = Self(0x8000_0007);
    pub const CANCEL_SM: Self = Self(0x0000_0008);
    pub const CANCEL_SM_RESP: Self = Self(0x8000_0008);
    pub const BIND_TRANSCEIVER: Self = Self(0x0000_0009);
    pub const BIND_TRANSCEIVER_RESP: Self = Self(0x8000_0009);
    pub const OUTBIND: Self = Self(0x0000_000B);
    pub const ENQUIRE_LINK: Self = Self(0x0000_0015);
    pub const ENQUIRE_LINK_RESP: Self = Self(0x8000_0015);
    pub const SUBMIT_MULTI: Self = Self(0x0000_0021);
    pub const SUBMIT_MULTI_RESP: Self = Self(0x8000_0021);
    pub const ALERT_NOTIFICATION: Self = Self(0x0000_0102);
    pub const DATA_SM: Self = Self(0x0000_0103);
    pub const DATA_SM_RESP: Self = Self(0x8000_0103);

    /// True for response ids (bit 31 set, §5.1.2.1).
    pub fn is_response(self) -> bool {
        self.0 & 0x8000_0000 != 0
    }

    /// The id of the response to this request (generic_nack for a response).
    pub fn response(self) -> Self {
        if self.is_response() {
            Self::GENERIC_NACK
        } else {
            Self(self.0 | 0x8000_0000)
        }
    }
}

impl fmt::Display for CommandId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:08X}", self.0)
    }
}

/// A `command_status` (SMPP 3.4 §5.1.3). Any value decodes, including the
/// vendor range 0x400–0x4FF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CommandStatus(pub u32);

#[allow(missing_docs)]
impl CommandStatus {
    pub const ESME_ROK: Self = Self(0x00);
    pub const ESME_RINVMSGLEN: Self = Self(0x01);
    pub const ESME_RINVCMDLEN: Self = Self(0x02);
    pub const ESME_RINVCMDID: Self = Self(0x03);
    pub const ESME_RINVBNDSTS: Self = Self(0x04);
    pub const ESME_RALYBND: Self = Self(0x05);
    pub const ESME_RINVPRTFLG: Self = Self(0x06);
    pub const ESME_RINVREGDLVFLG: Self = Self(0x07);
    pub const ESME_RSYSERR: Self = Self(0x08);
    pub const ESME_RINVSRCADR: Self = Self(0x0A);
    pub const ESME_RINVDSTADR: Self = Self(0x0B);
    pub const ESME_RINVMSGID: Self = Self(0x0C);
    pub const ESME_RBINDFAIL: Self = Self(0x0D);
    pub const ESME_RINVPASWD: Self = Self(0x0E);
    pub const ESME_RINVSYSID: Self = Self(0x0F);
    pub const ESME_RCANCELFAIL: Self = Self(0x11);
    pub const ESME_RREPLACEFAIL: Self = Self(0x13);
    pub const ESME_RMSGQFUL: Self = Self(0x14);
    pub const ESME_RINVSERTYP: Self = Self(0x15);
    pub const ESME_RINVNUMDESTS: Self = Self(0x33);
    pub const ESME_RINVDLNAME: Self = Self(0x34);
    pub const ESME_RINVDESTFLAG: Self = Self(0x40);
    pub const ESME_RINVSUBREP: Self = Self(0x42);
    pub const ESME_RINVESMCLASS: Self = Self(0x43);
    pub const ESME_RCNTSUBDL: Self = Self(0x44);
    pub const ESME_RSUBMITFAIL: Self = Self(0x45);
    pub const ESME_RINVSRCTON: Self = Self(0x48);
    pub const ESME_RINVSRCNPI: Self = Self(0x49);
    pub const ESME_RINVDSTTON: Self = Self(0x50);
    pub const ESME_RINVDSTNPI: Self = Self(0x51);
    pub const ESME_RINVSYSTYP: Self = Self(0x53);
    pub const ESME_RINVREPFLAG: Self = Self(0x54);
    pub const ESME_RINVNUMMSGS: Self = Self(0x55);
    pub const ESME_RTHROTTLED: Self = Self(0x58);
    pub const ESME_RINVSCHED: Self = Self(0x61);
    pub const ESME_RINVEXPIRY: Self = Self(0x62);
    pub const ESME_RINVDFTMSGID: Self = Self(0x63);
    pub const ESME_RX_T_APPN: Self = Self(0x64);
    pub const ESME_RX_P_APPN: Self = Self(0x65);
    pub const ESME_RX_R_APPN: Self = Self(0x66);
    pub const ESME_RQUERYFAIL: Self = Self(0x67);
    /// "Error in the optional part of the PDU body" (SMPP 5.0: ESME_RINVTLVSTREAM).
    pub const ESME_RINVOPTPARSTREAM: Self = Self(0xC0);
    pub const ESME_ROPTPARNOTALLWD: Self = Self(0xC1);
    /// "Invalid parameter length" (SMPP 5.0: ESME_RINVTLVLEN).
    pub const ESME_RINVPARLEN: Self = Self(0xC2);
    pub const ESME_RMISSINGOPTPARAM: Self = Self(0xC3);
    /// "Invalid optional parameter value" (SMPP 5.0: ESME_RINVTLVVAL).
    pub const ESME_RINVOPTPARAMVAL: Self = Self(0xC4);
    pub const ESME_RDELIVERYFAILURE: Self = Self(0xFE);
    pub const ESME_RUNKNOWNERR: Self = Self(0xFF);

    /// True for ESME_ROK.
    pub fn is_ok(self) -> bool {
        self.0 == 0
    }

    /// True for the range SMPP 3.4 §5.1.3 reserves for SMSC vendors.
    pub fn is_vendor(self) -> bool {
        (0x400..=0x4FF).contains(&self.0)
    }
}

impl fmt::Display for CommandStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:08X}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_id_maps_to_its_response_id() {
        assert_eq!(CommandId::SUBMIT_SM.response(), CommandId::SUBMIT_SM_RESP);
        assert_eq!(
            CommandId::SUBMIT_SM_RESP.response(),
            CommandId::GENERIC_NACK
        );
    }

    #[test]
    fn vendor_status_range_is_recognised() {
        assert!(CommandStatus(0x400).is_vendor());
        assert!(CommandStatus(0x4FF).is_vendor());
        assert!(!CommandStatus::ESME_RTHROTTLED.is_vendor());
    }
}
