//! Field size limits from SMPP 3.4 §5.2 and §4, in octets including the NUL
//! of C-octet strings. Shared by the parser and the encoder so both sides
//! enforce the same numbers.

#![allow(missing_docs)]

pub const SYSTEM_ID: usize = 16;
pub const PASSWORD: usize = 9;
pub const SYSTEM_TYPE: usize = 13;
pub const ADDRESS_RANGE: usize = 41;
pub const SERVICE_TYPE: usize = 6;
/// source_addr / destination_addr of submit_sm, deliver_sm and friends.
pub const ADDR: usize = 21;
/// Addresses of data_sm and alert_notification (§4.7.1, §4.12.1).
pub const ADDR_65: usize = 65;
pub const TIME: usize = 17;
pub const MESSAGE_ID: usize = 65;
pub const DL_NAME: usize = 21;
/// `sm_length` is one octet and §4.4.1 caps it at 254.
pub const SHORT_MESSAGE: usize = 254;
/// submit_multi carries 1..=254 destinations (§4.5.1).
pub const DESTINATIONS: usize = 254;
