//! Text encodings of SMPP and USSD: GSM 03.38, UCS-2, Latin-1; splitting and reassembly.

pub mod gsm7;
