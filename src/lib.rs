//! dargah (درگاه): a USSD/SMS gateway for citizen e-services.
//!
//! The library holds everything; the `dargah` binary only parses its command line.

pub mod cli;
pub mod config;
pub mod domain;
pub mod http;
pub mod menu;
pub mod registry;
pub mod services;
pub mod shutdown;
pub mod sim;
pub mod smpp;
pub mod sms;
pub mod startup;
pub mod telemetry;
pub mod ussd;
