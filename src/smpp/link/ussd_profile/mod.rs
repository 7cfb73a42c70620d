//! USSD carrier profiles: how one vendor marks a new dialogue, a
//! continuation, the end and a user abort over SMPP, as data.
//!
//! Vendors disagree on `ussd_service_op` values and on where the session id
//! lives (SMPP 3.4 §5.3.2.43–44 leave room), so the differences are a
//! [`UssdProfile`] value chosen in configuration, never a code fork. This
//! module is pure: it reads TLVs and builds TLVs.

mod presets;
#[cfg(test)]
mod tests;

use serde::Deserialize;

use crate::smpp::pdu::{ItsSessionInfo, Tlv, Tlvs, UssdServiceOp};

pub use presets::Preset;

/// `ussd_profile = "standard"` or an inline table with every field.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum ProfileRef {
    /// One of the shipped presets by name.
    Named(Preset),
    /// A profile spelled out in the configuration.
    Custom(UssdProfile),
}

impl Default for ProfileRef {
    fn default() -> Self {
        ProfileRef::Named(Preset::Standard)
    }
}

impl ProfileRef {
    /// The profile this reference stands for.
    pub fn resolve(&self) -> UssdProfile {
        match self {
            ProfileRef::Named(p) => p.profile(),
            ProfileRef::Custom(p) => p.clone(),
        }
    }
}

/// Where a vendor keeps the dialogue id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionIdSource {
    /// Octet 1 of `its_session_info` (SMPP 3.4 §5.3.2.43).
    ItsSessionInfo,
    /// The upper 15 bits of `its_session_info`; bit 0 is the end flag.
    ItsSessionDialog,
    /// `user_message_reference` (0x0204).
    UserMessageReference,
    /// A vendor TLV read as a big-endian number of up to 8 octets.
    Tlv(u16),
    /// No id on the wire: one dialogue per subscriber.
    Msisdn,
}

/// A USSD dialogue's vendor-specific marks, in and out.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UssdProfile {
    /// `service_type` on our replies (often "USSD"); empty sends none.
    pub service_type: String,
    /// Where the session id lives.
    pub session_id: SessionIdSource,
    /// `ussd_service_op` values that open a dialogue.
    pub begin_ops: Vec<u8>,
    /// `ussd_service_op` values that carry the user's next input.
    pub continue_ops: Vec<u8>,
    /// `ussd_service_op` values meaning the user or network released the dialogue.
    pub abort_ops: Vec<u8>,
    /// An incoming `its_session_info` with bit 0 set ends the dialogue.
    pub end_bit_in: bool,
    /// `ussd_service_op` on a reply that expects more input.
    pub reply_continue_op: u8,
    /// `ussd_service_op` on the final reply.
    pub reply_end_op: u8,
    /// Echo `its_session_info` with bit 0 set on the final reply.
    pub end_bit_out: bool,
    /// CBS data coding of our replies: 0x48 UCS-2, 0x0F GSM-7, 0x11 UCS-2 with language.
    pub data_coding: u8,
}

/// What an incoming USSD PDU means for the dialogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UssdKind {
    /// A new dialogue (the user dialled a service code).
    Begin,
    /// The user's answer to our last page.
    Continue,
    /// The user or network ended the dialogue; no reply is expected.
    Abort,
}

/// Why an incoming PDU could not be read under this profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// A `ussd_service_op` the profile does not list.
    #[error("ussd_service_op {0} is not a begin, continue or abort value in this profile")]
    UnknownOp(u8),
    /// The TLV holding the session id is missing.
    #[error("the session id TLV is missing")]
    MissingSessionId,
}

/// The session marks of one incoming PDU, kept to answer in kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionMarks {
    /// The dialogue id as the profile reads it (0 when kept per subscriber).
    pub session_id: u64,
    /// `its_session_info` as received, echoed on the reply.
    pub its_session_info: Option<ItsSessionInfo>,
    /// `user_message_reference` as received, echoed on the reply.
    pub user_message_reference: Option<u16>,
    /// The vendor session TLV as received, echoed on the reply.
    pub vendor: Option<(u16, bytes::Bytes)>,
}

impl UssdProfile {
    /// True when a deliver_sm/data_sm is USSD: it has `ussd_service_op`.
    pub fn is_ussd(tlvs: &Tlvs) -> bool {
        tlvs.ussd_service_op().is_some()
    }

    /// Reads what an incoming USSD PDU means.
    pub fn classify(&self, tlvs: &Tlvs) -> Result<UssdKind, ProfileError> {
        let ended = self.end_bit_in && tlvs.its_session_info().is_some_and(|i| i.end_of_session());
        let op = tlvs.ussd_service_op().map_or(0, |o| o.0);
        if ended || self.abort_ops.contains(&op) {
            Ok(UssdKind::Abort)
        } else if self.begin_ops.contains(&op) {
            Ok(UssdKind::Begin)
        } else if self.continue_ops.contains(&op) {
            Ok(UssdKind::Continue)
        } else {
            Err(ProfileError::UnknownOp(op))
        }
    }

    /// Reads the session marks of an incoming PDU.
    pub fn marks(&self, tlvs: &Tlvs) -> Result<SessionMarks, ProfileError> {
        let its = tlvs.its_session_info();
        let umr = tlvs.user_message_reference();
        let mut marks = SessionMarks {
            session_id: 0,
            its_session_info: its,
            user_message_reference: umr,
            vendor: None,
        };
        let missing = ProfileError::MissingSessionId;
        marks.session_id = match self.session_id {
            SessionIdSource::ItsSessionInfo => its.ok_or(missing)?.session_number().into(),
            SessionIdSource::ItsSessionDialog => (its.ok_or(missing)?.0 >> 1).into(),
            SessionIdSource::UserMessageReference => umr.ok_or(missing)?.into(),
            SessionIdSource::Msisdn => 0,
            SessionIdSource::Tlv(tag) => {
                let value = vendor_value(tlvs, tag).ok_or(missing)?;
                marks.vendor = Some((tag, value.clone()));
                be_number(&value)
            }
        };
        Ok(marks)
    }

    /// The TLVs of our reply: the operation, then the session marks echoed.
    pub fn reply_tlvs(&self, marks: &SessionMarks, end: bool) -> Tlvs {
        let op = if end {
            self.reply_end_op
        } else {
            self.reply_continue_op
        };
        let mut tlvs = Tlvs::new();
        tlvs.push(Tlv::UssdServiceOp(UssdServiceOp(op)));
        if let Some(its) = marks.its_session_info {
            let end_bit = end && self.end_bit_out;
            tlvs.push(Tlv::ItsSessionInfo(its.with_end(end_bit)));
        }
        if let Some(umr) = marks.user_message_reference {
            tlvs.push(Tlv::UserMessageReference(umr));
        }
        if let Some((tag, value)) = &marks.vendor {
            tlvs.push(Tlv::Other {
                tag: *tag,
                value: value.clone(),
            });
        }
        tlvs
    }
}

fn vendor_value(tlvs: &Tlvs, tag: u16) -> Option<bytes::Bytes> {
    match tlvs.find(tag)? {
        Tlv::Other { value, .. } if value.len() <= 8 => Some(value.clone()),
        _ => None,
    }
}

fn be_number(octets: &[u8]) -> u64 {
    octets.iter().fold(0, |n, b| (n << 8) | u64::from(*b))
}
