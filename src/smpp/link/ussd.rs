//! The transport-neutral USSD request/reply the USSD engine speaks, and
//! their translation to and from SMPP under a carrier's [`UssdProfile`].
//!
//! The engine sees a session id, a subscriber, the text and whether the
//! dialogue begins, continues or was aborted; it answers with a page that
//! continues or ends it. Only this file knows how that looks on the wire.

use std::sync::Arc;

use bytes::Bytes;

use super::ussd_profile::{SessionMarks, UssdKind, UssdProfile};
use crate::domain::Msisdn;
use crate::smpp::pdu::{Address, CommandStatus, ShortMessage, Tlv};
use crate::smpp::text::cbs::{self, Septets, UssdCoding};

/// One dialogue on one carrier, with what is needed to answer in kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UssdSession {
    /// The carrier the dialogue came from.
    pub carrier: Arc<str>,
    /// The subscriber.
    pub msisdn: Msisdn,
    /// The vendor's marks (session id, echoed TLVs).
    pub marks: SessionMarks,
    /// Subscriber address as received (our reply's destination).
    pub source: Address,
    /// Service address as received (our reply's source).
    pub destination: Address,
}

impl UssdSession {
    /// A key unique per live dialogue: carrier, subscriber and vendor session id.
    pub fn id(&self) -> String {
        format!("{}:{}:{}", self.carrier, self.msisdn, self.marks.session_id)
    }
}

/// One user step of a USSD dialogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UssdRequest {
    /// The dialogue.
    pub session: UssdSession,
    /// Begin (text is the dialled string), continue (text is the input) or abort.
    pub kind: UssdKind,
    /// The decoded USSD string.
    pub text: String,
}

/// Our answer to a [`UssdRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UssdReply {
    /// Show this page and wait for input.
    Continue(String),
    /// Show this page and end the dialogue.
    End(String),
}

/// Reads a USSD deliver_sm/data_sm (already known to carry `ussd_service_op`).
pub fn request(
    carrier: &Arc<str>,
    profile: &UssdProfile,
    sm: &ShortMessage,
) -> Result<UssdRequest, CommandStatus> {
    let kind = profile
        .classify(&sm.tlvs)
        .map_err(|_| CommandStatus::ESME_RINVOPTPARAMVAL)?;
    let marks = profile
        .marks(&sm.tlvs)
        .map_err(|_| CommandStatus::ESME_RMISSINGOPTPARAM)?;
    let raw = String::from_utf8_lossy(&sm.source.addr);
    let msisdn = Msisdn::parse(&raw).map_err(|_| CommandStatus::ESME_RINVSRCADR)?;
    let octets = sm.tlvs.message_payload().unwrap_or(&sm.short_message);
    let text = cbs::decode(sm.data_coding, octets, Septets::Unpacked)
        .map(|t| t.text)
        .unwrap_or_else(|| String::from_utf8_lossy(octets).into_owned());
    let session = UssdSession {
        carrier: carrier.clone(),
        msisdn,
        marks,
        source: sm.source.clone(),
        destination: sm.destination.clone(),
    };
    Ok(UssdRequest {
        session,
        kind,
        text,
    })
}

/// The submit_sm that carries `reply` back on this dialogue.
pub fn reply_message(
    profile: &UssdProfile,
    session: &UssdSession,
    reply: &UssdReply,
) -> ShortMessage {
    let (text, end) = match reply {
        UssdReply::Continue(t) => (t, false),
        UssdReply::End(t) => (t, true),
    };
    let (data_coding, octets) = encode_text(profile.data_coding, text);
    let mut tlvs = profile.reply_tlvs(&session.marks, end);
    let short_message = if octets.len() > 254 {
        tlvs.push(Tlv::MessagePayload(Bytes::from(octets)));
        Bytes::new()
    } else {
        Bytes::from(octets)
    };
    ShortMessage {
        service_type: Bytes::from(profile.service_type.clone()),
        source: session.destination.clone(),
        destination: session.source.clone(),
        data_coding,
        short_message,
        tlvs,
        ..ShortMessage::default()
    }
}

/// The profile's coding, or UCS-2 when it cannot carry the text (Persian in GSM-7).
fn encode_text(dcs: u8, text: &str) -> (u8, Vec<u8>) {
    let coding = UssdCoding::from_dcs(dcs).unwrap_or(UssdCoding::Ucs2);
    match cbs::encode(text, coding, Septets::Unpacked, "fa") {
        Some(octets) => (dcs, octets),
        None => (
            UssdCoding::Ucs2.dcs(),
            cbs::encode(text, UssdCoding::Ucs2, Septets::Unpacked, "").unwrap_or_default(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smpp::link::ussd_profile::Preset;
    use crate::smpp::pdu::{ItsSessionInfo, Tlvs, UssdServiceOp};

    fn dial(profile: &UssdProfile) -> UssdRequest {
        let sm = ShortMessage {
            source: Address {
                ton: 1,
                npi: 1,
                addr: Bytes::from_static(b"989121234567"),
            },
            destination: Address {
                addr: Bytes::from_static(b"4"),
                ..Address::default()
            },
            data_coding: 0x0F,
            short_message: Bytes::from_static(b"*4*6090#"),
            tlvs: Tlvs::from(vec![
                Tlv::UssdServiceOp(UssdServiceOp::PSSR_INDICATION),
                Tlv::ItsSessionInfo(ItsSessionInfo::new(9, 0, false)),
            ]),
            ..ShortMessage::default()
        };
        request(&Arc::from("mci"), profile, &sm).expect("a valid dial")
    }

    #[test]
    fn a_dialled_service_code_becomes_a_begin_request() {
        let req = dial(&Preset::Standard.profile());
        assert_eq!(req.kind, UssdKind::Begin);
        assert_eq!(req.text, "*4*6090#");
        assert_eq!(req.session.id(), "mci:989121234567:9");
    }

    #[test]
    fn a_persian_page_goes_back_in_ucs2_to_the_subscriber() {
        let profile = Preset::Standard.profile();
        let req = dial(&profile);
        let page = "وضعیت درخواست شما: در حال تولید";
        let sm = reply_message(&profile, &req.session, &UssdReply::End(page.to_owned()));
        assert_eq!(sm.data_coding, 0x48);
        assert_eq!(sm.destination.addr, Bytes::from_static(b"989121234567"));
        assert_eq!(
            cbs::decode(0x48, &sm.short_message, Septets::Unpacked)
                .map(|t| t.text)
                .as_deref(),
            Some(page)
        );
        assert_eq!(
            sm.tlvs.its_session_info().map(|i| i.end_of_session()),
            Some(true)
        );
    }

    #[test]
    fn a_gsm7_profile_falls_back_to_ucs2_for_persian() {
        let profile = UssdProfile {
            data_coding: 0x0F,
            ..Preset::Standard.profile()
        };
        let req = dial(&profile);
        let sm = reply_message(
            &profile,
            &req.session,
            &UssdReply::Continue("سلام".to_owned()),
        );
        assert_eq!(sm.data_coding, 0x48);
        let latin = reply_message(
            &profile,
            &req.session,
            &UssdReply::Continue("1. Status".to_owned()),
        );
        assert_eq!(latin.data_coding, 0x0F);
    }

    #[test]
    fn a_source_that_is_no_mobile_number_is_refused_with_its_status() {
        let profile = Preset::Standard.profile();
        let mut sm = ShortMessage {
            tlvs: Tlvs::from(vec![
                Tlv::UssdServiceOp(UssdServiceOp::PSSR_INDICATION),
                Tlv::ItsSessionInfo(ItsSessionInfo::new(1, 0, false)),
            ]),
            ..ShortMessage::default()
        };
        sm.source.addr = Bytes::from_static(b"hello");
        assert_eq!(
            request(&Arc::from("x"), &profile, &sm),
            Err(CommandStatus::ESME_RINVSRCADR)
        );
    }
}
