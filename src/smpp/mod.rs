//! SMPP 3.4: PDUs, the nom parser and encoder, framing, text encodings and delivery receipts.
//!
//! Everything here except `codec` is pure code over bytes; the link that owns a
//! socket lives elsewhere and only talks to the wire through `codec`.
//!
//! How a link uses it:
//!
//! ```text
//! let mut framed = Framed::new(socket, SmppCodec::with_max_len(64 * 1024));
//! framed.send(Pdu::new(seq, Body::BindTransceiver(bind))).await?;
//! while let Some(item) = framed.next().await {
//!     match item {
//!         Err(fatal) => reconnect(fatal),           // CodecError: I/O or framing lost
//!         Ok(Err(bad)) => framed.send(bad.generic_nack()).await?, // PduError: answer, go on
//!         Ok(Ok(pdu)) => handle(pdu),               // Pdu { command_status, sequence_number, body }
//!     }
//! }
//! ```

pub mod codec;
pub mod encode;
pub mod link;
pub mod parse;
pub mod pdu;
pub mod receipt;
pub mod text;
