//! The shipped USSD profiles; `docs/carriers.md` documents each.

use serde::Deserialize;

use super::{SessionIdSource, UssdProfile};

/// Profiles dargah ships, named as in `ussd_profile = "..."`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Preset {
    /// SMPP 3.4 values: PSSR indication (1) opens, USSR confirm (18)
    /// continues; we answer USSR request (2) or PSSR response (17) and echo
    /// `its_session_info`, with the end bit on the last reply.
    #[serde(rename = "standard")]
    Standard,
    /// 0x01 new, 0x12 continue, 0x11 close; one dialogue per subscriber.
    #[serde(rename = "tata-style")]
    TataStyle,
    /// `its_session_info` as a 15-bit dialog id plus the end bit.
    #[serde(rename = "sixdee-style")]
    SixdeeStyle,
    /// Session id in `user_message_reference`; 129 is a user abort.
    #[serde(rename = "mica-style")]
    MicaStyle,
}

impl Preset {
    /// The profile values of this preset.
    pub fn profile(self) -> UssdProfile {
        match self {
            Preset::Standard => standard(),
            Preset::TataStyle => UssdProfile {
                session_id: SessionIdSource::Msisdn,
                begin_ops: vec![0x01],
                continue_ops: vec![0x12],
                abort_ops: vec![0x11],
                end_bit_in: false,
                reply_continue_op: 0x12,
                reply_end_op: 0x11,
                end_bit_out: false,
                ..standard()
            },
            Preset::SixdeeStyle => UssdProfile {
                session_id: SessionIdSource::ItsSessionDialog,
                ..standard()
            },
            Preset::MicaStyle => UssdProfile {
                session_id: SessionIdSource::UserMessageReference,
                abort_ops: vec![129],
                end_bit_in: false,
                end_bit_out: false,
                ..standard()
            },
        }
    }
}

fn standard() -> UssdProfile {
    UssdProfile {
        service_type: "USSD".to_owned(),
        session_id: SessionIdSource::ItsSessionInfo,
        begin_ops: vec![1],
        continue_ops: vec![18],
        abort_ops: vec![],
        end_bit_in: true,
        reply_continue_op: 2,
        reply_end_op: 17,
        end_bit_out: true,
        data_coding: 0x48,
    }
}
