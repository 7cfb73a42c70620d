//! Text encodings of SMPP and USSD: GSM 03.38, UCS-2, Latin-1; splitting and reassembly.

pub mod cbs;
pub mod encoding;
pub mod gsm7;
pub mod latin1;
pub mod reassembly;
pub mod split;
pub mod ucs2;
pub mod udh;

pub use encoding::{Encoding, cheapest};
