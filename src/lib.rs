//! dargah (درگاه): a USSD/SMS gateway for citizen e-services.
//!
//! The library holds everything; the `dargah` binary only parses its command line.

pub mod cli;
pub mod domain;
pub mod menu;
pub mod smpp;
pub mod ussd;
