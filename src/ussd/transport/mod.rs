//! Carrier transports: adapters between a carrier's wire format and the
//! transport-neutral [`UssdRequest`](super::UssdRequest) / [`UssdReply`](super::UssdReply).
//!
//! Only HTTP aggregator dialects live here today; USSD over SMPP plugs in the
//! same way once the SMPP link exists.

pub mod cumulative;
pub mod http;
pub mod hubtel;
