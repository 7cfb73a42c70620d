//! SMPP 3.4: PDUs, the nom parser and encoder, framing, text encodings and delivery receipts.
//!
//! Everything here except `codec` is pure code over bytes; the link that owns a
//! socket lives elsewhere and only talks to the wire through `codec`.

pub mod codec;
pub mod encode;
pub mod link;
pub mod parse;
pub mod pdu;
pub mod receipt;
pub mod text;
