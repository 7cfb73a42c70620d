//! The mandatory parameters of each SMPP 3.4 operation (§4).
//!
//! String fields are `Bytes` slices of the received frame (C-octet strings
//! without their NUL), so decoding copies no field and allocates nothing
//! for them; the encoder checks the §5.2 size limits on the way out.

use bytes::Bytes;

use super::tlvs::Tlvs;

/// A type-of-number / numbering-plan / address triple (§5.2.5–5.2.8).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address {
    /// `*_addr_ton`.
    pub ton: u8,
    /// `*_addr_npi`.
    pub npi: u8,
    /// `*_addr` without its NUL.
    pub addr: Bytes,
}

/// bind_transmitter / bind_receiver / bind_transceiver (§4.1.1, 4.1.3, 4.1.5).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bind {
    /// `system_id`, max 15 characters.
    pub system_id: Bytes,
    /// `password`, max 8 characters.
    pub password: Bytes,
    /// `system_type`, max 12 characters.
    pub system_type: Bytes,
    /// `interface_version`: 0x34 for SMPP 3.4.
    pub interface_version: u8,
    /// `addr_ton`, `addr_npi`, `address_range` (max 40 characters).
    pub address_range: Address,
}

/// The three bind responses (§4.1.2, 4.1.4, 4.1.6).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BindResp {
    /// The SMSC's `system_id`; empty when the body was omitted on error.
    pub system_id: Bytes,
    /// Optional `sc_interface_version` and others.
    pub tlvs: Tlvs,
}

/// outbind (§4.1.7).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outbind {
    /// `system_id`.
    pub system_id: Bytes,
    /// `password`.
    pub password: Bytes,
}

/// submit_sm and deliver_sm share one layout (§4.4.1, §4.6.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShortMessage {
    /// `service_type` ("USSD" for USSD on many carriers), max 5 characters.
    pub service_type: Bytes,
    /// Source address (max 20 characters).
    pub source: Address,
    /// Destination address (max 20 characters).
    pub destination: Address,
    /// `esm_class`; bit 6 (0x40) is UDHI, bits 5..2 the message type.
    pub esm_class: u8,
    /// `protocol_id`.
    pub protocol_id: u8,
    /// `priority_flag`.
    pub priority_flag: u8,
    /// `schedule_delivery_time`: empty or 16 characters (§7.1.1).
    pub schedule_delivery_time: Bytes,
    /// `validity_period`: empty or 16 characters.
    pub validity_period: Bytes,
    /// `registered_delivery`.
    pub registered_delivery: u8,
    /// `replace_if_present_flag`.
    pub replace_if_present_flag: u8,
    /// `data_coding` (§5.2.19).
    pub data_coding: u8,
    /// `sm_default_msg_id`.
    pub sm_default_msg_id: u8,
    /// `short_message`, at most 254 octets (`sm_length` is its length).
    pub short_message: Bytes,
    /// Optional parameters.
    pub tlvs: Tlvs,
}

/// submit_sm_resp, deliver_sm_resp and data_sm_resp (§4.4.2, 4.6.2, 4.7.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MessageIdResp {
    /// `message_id`, max 64 characters; empty when the body was omitted.
    pub message_id: Bytes,
    /// SMPP 5.0 allows TLVs here; accepted and kept.
    pub tlvs: Tlvs,
}

/// One destination of submit_multi (§4.5.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MultiDestination {
    /// `dest_flag` 1: an SME address.
    Sme(Address),
    /// `dest_flag` 2: a distribution list name (max 20 characters).
    DistributionList(Bytes),
}

/// submit_multi (§4.5.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubmitMulti {
    /// `service_type`.
    pub service_type: Bytes,
    /// Source address.
    pub source: Address,
    /// 1..=254 destinations (`number_of_dests`).
    pub destinations: Vec<MultiDestination>,
    /// Every other field is laid out as in submit_sm; its `destination` is unused.
    pub message: ShortMessage,
}

/// A destination the SMSC could not accept (§4.5.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnsuccessSme {
    /// The address.
    pub address: Address,
    /// `error_status_code`.
    pub error_status_code: u32,
}

/// submit_multi_resp (§4.5.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubmitMultiResp {
    /// `message_id`.
    pub message_id: Bytes,
    /// `unsuccess_sme` list (`no_unsuccess` is its length).
    pub unsuccess: Vec<UnsuccessSme>,
    /// SMPP 5.0 TLVs, kept.
    pub tlvs: Tlvs,
}

/// data_sm (§4.7.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DataSm {
    /// `service_type`.
    pub service_type: Bytes,
    /// Source address (max 64 characters).
    pub source: Address,
    /// Destination address (max 64 characters).
    pub destination: Address,
    /// `esm_class`.
    pub esm_class: u8,
    /// `registered_delivery`.
    pub registered_delivery: u8,
    /// `data_coding`.
    pub data_coding: u8,
    /// The message travels in `message_payload`, among these.
    pub tlvs: Tlvs,
}

/// query_sm (§4.8.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuerySm {
    /// `message_id`.
    pub message_id: Bytes,
    /// Source address of the original message.
    pub source: Address,
}

/// query_sm_resp (§4.8.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuerySmResp {
    /// `message_id`.
    pub message_id: Bytes,
    /// `final_date`: empty or 16 characters.
    pub final_date: Bytes,
    /// `message_state`.
    pub message_state: u8,
    /// `error_code`.
    pub error_code: u8,
}

/// cancel_sm (§4.9.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CancelSm {
    /// `service_type`.
    pub service_type: Bytes,
    /// `message_id` (empty to cancel by address).
    pub message_id: Bytes,
    /// Source address.
    pub source: Address,
    /// Destination address.
    pub destination: Address,
}

/// replace_sm (§4.10.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReplaceSm {
    /// `message_id`.
    pub message_id: Bytes,
    /// Source address.
    pub source: Address,
    /// `schedule_delivery_time`.
    pub schedule_delivery_time: Bytes,
    /// `validity_period`.
    pub validity_period: Bytes,
    /// `registered_delivery`.
    pub registered_delivery: u8,
    /// `sm_default_msg_id`.
    pub sm_default_msg_id: u8,
    /// `short_message` (max 254 octets).
    pub short_message: Bytes,
}

/// alert_notification (§4.12.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlertNotification {
    /// Source address (max 64 characters).
    pub source: Address,
    /// `esme_addr` (max 64 characters).
    pub esme: Address,
    /// `ms_availability_status` and others.
    pub tlvs: Tlvs,
}
